/* daemon: the running hamgr process as the control API sees it. */
#ifndef HAMGR_DAEMON_H
#define HAMGR_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "core/hello.h"
#include "deadline.h"
#include "log.h"
#include "instance.h"
#include "realtime.h"

#include "version.h"

struct ctl;
struct addr_watch;

struct daemon {
	const char *conf_path;
	char hostname[CONF_NAME_MAX];
	struct conf *conf;
	struct instance_env env;
	struct deadlines deadlines;     /* the instances' timers (env.deadlines) */
	struct instance **inst;         /* entries may be NULL after a failed reload */
	size_t n_inst;
	uint64_t start_us;              /* monotonic */
	struct ctl *ctl;
	struct addr_watch *addrs;       /* VIPs removed from under a master */
	bool stopping;                  /* SIGTERM seen */
	/* Instances a reload stopped (removed, or restarted with a changed
	 * interface, VRID, family, tracks or resources) that are still
	 * releasing; the replacement (NULL for a removed one) starts once
	 * the old one has stopped, so the two never hold at once. */
	struct retiring {
		struct instance *old, *next;
	} *retiring;
	size_t n_retiring;
	struct instance *just_stopping; /* inside retire()'s instance_stop() */
	/* The state changes of instances a reload restarted or removed, by
	 * name, so that an instance's count runs since the daemon started
	 * (daemon_transitions). */
	struct daemon_count {
		char name[CONF_NAME_MAX];
		uint64_t n;
	} *past_transitions;
	size_t n_past_transitions;
	uint64_t hello_drops[HELLO_REASON_MAX]; /* announcements that failed to decode */
	uint64_t hello_unknown;         /* valid, for no instance of ours */
	struct log_ratelimit hello_rl;
	struct realtime_state rt;       /* realtime-priority in force */
};

/* The state changes of the instance named name since the daemon started:
 * its own, those of an older instance of that name still releasing, and
 * those of the ones a reload replaced or removed before. */
uint64_t daemon_transitions(const struct daemon *d, const char *name);

/* Re-read the config file and apply it. Returns 0, or -1 with
 * "FILE:LINE: ..." in err and the running config untouched. */
int daemon_reload(struct daemon *d, char *err, size_t errlen);

/* Create and start every configured instance; -1 when one cannot run. */
int daemon_start_instances(struct daemon *d);
/* Stop and free every instance (and those a reload still waits for). */
void daemon_stop_instances(struct daemon *d);
/* The control socket for config c, or NULL after logging why. */
struct ctl *daemon_open_control(struct daemon *d, const struct conf *c);
/* Leave the event loop once every instance has released and stopped. */
void daemon_maybe_exit(struct daemon *d);
/* instance_env.on_stopped: an instance finished stopping. */
void daemon_on_stopped(void *arg, struct instance *in);
/* instance_env.on_state: tell systemd "web MASTER, db BACKUP". */
void daemon_notify_status(void *arg);
void daemon_notify_reloading(void);
/* Protocol "hamgr": open its sockets and keys when c has an instance of
 * it, or re-read the keys (reload). 0, or -1 with the reason in err. */
int daemon_heartbeat(struct daemon *d, const struct conf *c, char *err, size_t errlen);
/* quorum = "corosync": open the shared connection when c has an instance
 * with it, close it when none has (start and reload). */
void daemon_corosync(struct daemon *d, const struct conf *c);
/* Apply the config's realtime-priority (at the start and on reload). */
void daemon_realtime(struct daemon *d);

#endif
