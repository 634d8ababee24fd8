/* daemon: the running hamgr process as the control API sees it. */
#ifndef HAMGR_DAEMON_H
#define HAMGR_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "core/hello.h"
#include "log.h"
#include "instance.h"

#include "version.h"

struct ctl;
struct addr_watch;

struct daemon {
	const char *conf_path;
	char hostname[CONF_NAME_MAX];
	struct conf *conf;
	struct instance_env env;
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
	uint64_t hello_drops[HELLO_REASON_MAX]; /* announcements that failed to decode */
	uint64_t hello_unknown;         /* valid, for no instance of ours */
	struct log_ratelimit hello_rl;
};

/* Re-read the config file and apply it (see main.c). Returns 0, or -1 with
 * "FILE:LINE: ..." in err and the running config untouched. */
int daemon_reload(struct daemon *d, char *err, size_t errlen);

#endif
