/* instance: one configured instance's wiring. Kernel and wire events become
 * fsm events; fsm actions become socket sends and the takeover pipeline;
 * pipeline steps become address changes and resource scripts; track
 * results move the effective priority. */
#ifndef HAMGR_INSTANCE_H
#define HAMGR_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "conf.h"
#include "core/advert.h"
#include "core/conflict.h"
#include "core/fsm.h"
#include "core/peers.h"
#include "core/pipeline.h"
#include "core/track.h"

struct vip_ctx;
struct garp;
struct link_watch;
struct instance;
struct resource;
struct hbproto;

/* What every instance shares: the loop and the adapters. */
struct quorum_corosync;

struct instance_env {
	sd_event *event;
	struct deadlines *deadlines;    /* the loop's (deadline.h) */
	struct vip_ctx *vip;
	struct garp *garp;
	struct link_watch *links;
	void (*on_state)(void *arg);    /* called after every transition */
	void *on_state_arg;
	const char *state_dir;          /* standby marks live here */
	struct hello_io *hello;         /* peer announcements; NULL: none */
	struct ctsync *ctsync;          /* conntrack-sync; NULL: no sync section */
	struct vrrp_rx *vrrp;           /* the shared advert sockets */
	struct hbproto *hb;             /* protocol "hamgr"; NULL: no instance uses it */
	const char *node_name;          /* ours, as announced */
	/* An instance_stop() has finished: released, resources stopped. */
	void (*on_stopped)(void *arg, struct instance *in);
	struct quorum_corosync *corosync; /* quorum = "corosync"; NULL: none uses it */
};

/* An instance's quorum as status shows it (instance_quorum). */
struct instance_quorum {
	enum conf_quorum provider;      /* CONF_QUORUM_NONE: no quorum */
	bool quorate;                   /* may hold the role as far as the quorum goes */
	bool reachable;                 /* corosync: connected (majority: true) */
	unsigned seen, nodes;           /* majority: nodes seen (this one included)
					   of quorum-nodes; corosync: members of its
					   membership, expected votes (0: unknown) */
	uint64_t wait_us;               /* what the backups add for it */
	char why[160];                  /* "2 of 3 nodes seen", "corosync: ..." */
};
void instance_quorum(struct instance *in, struct instance_quorum *q);
/* The quorum's provider (corosync) has news: set or clear the FAULT. */
void instance_quorum_changed(struct instance *in);


struct instance_stats {
	uint64_t adverts_sent;
	uint64_t adverts_rcvd;          /* valid, for our VRID */
	uint64_t other_vrid;            /* valid, for another VRID (not an error) */
	uint64_t send_errors;
	uint64_t drops[ADVERT_REASON_MAX];
	uint64_t hello_sent, hello_rcvd, hello_ttl_drops;
	uint64_t hello_unsigned_drops;  /* unsigned, while we have a key */
	uint64_t hello_not_allowed;     /* announcements from outside allowed-peers */
	uint64_t hello_name_clash;      /* announcements carrying our node name */
};

struct hello;

struct instance;

/* Another node announcing our own node name (two hosts left on the same
 * default host name): neither can be told apart, so its announcements are
 * dropped and counted here. */
struct instance_clash {
	struct ipaddr from;             /* the other node's address */
	char node[64];                  /* the name both announce */
	uint64_t count;                 /* its announcements since first */
	uint64_t first, last;           /* monotonic us */
	uint64_t logged;                /* the last warning */
};
/* Warn at the first announcement of a clash, then at most this often. */
#define INSTANCE_CLASH_LOG_US (60 * 1000000ULL)

/* The name clash heard in the last PEERS_NODE_TTL_US, or NULL. */
const struct instance_clash *instance_name_clash(struct instance *in);

/* Build an instance from its config (copied). Nothing is touched yet. */
struct instance *instance_new(const struct conf_instance *ci, struct instance_env *env);

/* Look up the interface, remove VIPs a crashed earlier run left behind,
 * open the socket, start the resources and tracks and the fsm. Returns 0,
 * or -1 after logging why (the daemon then exits: a config that cannot run
 * is not half-run). */
int instance_start(struct instance *in);

/* Shutdown event: a MASTER releases through the pipeline (priority 0 once
 * its VIPs are gone), then the resources are stopped; env->on_stopped is
 * called when all of that is done (possibly before this returns). */
void instance_stop(struct instance *in);
bool instance_stopped(const struct instance *in);
/* Free; anything still held (VIPs) is removed synchronously and running
 * scripts are killed. */
void instance_free(struct instance *in);

/* Feed an address notification from addr_watch (addr on ifindex added,
 * or deleted): a VIP removed while held is added back (alarms.c). Lost
 * notifications go to instances_addr_lost. */
void instance_addr_event(struct instance *in, int ifindex, const struct ipaddr *addr,
			 bool deleted);
/* Notifications were lost: check every holding instance of inst[0..n)
 * (NULL entries skipped) with one address dump per interface. */
void instances_addr_lost(struct instance *const *inst, size_t n);

/* The alarms and their counters, for status. */
const struct conflict *instance_alarms(const struct instance *in);

/* Feed a link notification from link_watch. */
void instance_link_event(struct instance *in, int ifindex, const char *ifname, bool up);

/* NULL when ci can be applied in place (instance_reconfigure); otherwise
 * what changed, for the log ("interface", "resource db", ...), and the
 * instance must be stopped and started anew. The name of a resource or
 * track points into ci, written to buf (of len bytes). */
const char *instance_restart_reason(const struct instance *in, const struct conf_instance *ci,
				    char *buf, size_t len);

/* Apply a changed config in place without a needless transition: VIPs that
 * stay configured are not touched; added ones are added (and announced) and
 * removed ones removed while MASTER. */
void instance_reconfigure(struct instance *in, const struct conf_instance *ci);

/* Operator commands. Return 0, or -1 with a reason in err. Standby is
 * remembered in state_dir/standby.NAME so it survives a restart. */
int instance_switchover(struct instance *in, const char *to, bool force,
			char *err, size_t errlen);

/* A decoded announcement for this instance's interface and VRID. Returns
 * HELLO_OK, or why it was dropped and counted here: HELLO_ERR_TTL,
 * HELLO_ERR_NOT_ALLOWED (a name clash is counted as one). */
enum hello_reason instance_hello_rx(struct instance *in, const struct ipaddr *src,
				    uint8_t ttl, const struct hello *h);

/* Protocol "hamgr"'s heartbeat paths, for status: the name of path p (0:
 * the interface), and for each (at most max) when a fresh heartbeat last
 * arrived on it (monotonic us, 0: never) and how many did. Returns the
 * number of paths (0 for vrrp3). */
const char *instance_path_name(const struct instance *in, size_t p);
size_t instance_paths(const struct instance *in, uint64_t *last_rx, uint64_t *rx, size_t max);

/* hamgr nodes announcing themselves recently (expired ones dropped). */
size_t instance_nodes(struct instance *in, const struct peers_node **nodes);

int instance_ifindex(const struct instance *in);
unsigned instance_family(const struct instance *in);
/* Standby on or off. A MASTER goes to standby only when an eligible
 * backup announces itself (as for a switchover), or with force. */
int instance_set_standby(struct instance *in, bool on, bool force, char *err, size_t errlen);

/* Peers heard recently (expired ones are dropped first); returns the count
 * and points *peers at them. */
size_t instance_peers(struct instance *in, const struct peers_peer **peers);

/* The takeover pipeline, for status. */
const struct pipeline *instance_pipeline(const struct instance *in);
/* What a pipeline step is: "vips", "conntrack" or the resource's name. */
const char *instance_step_name(const struct instance *in, size_t step);

/* Resources, for status: name, the last result of each action, monitor. */
size_t instance_n_resources(const struct instance *in);
const struct resource *instance_resource(const struct instance *in, size_t i,
					 int *monitor_rc, uint64_t *monitor_at);

/* Tracks, for status. */
size_t instance_n_tracks(const struct instance *in);
const struct track *instance_track(const struct instance *in, size_t i,
				   const char **last_line, int *last_rc, uint64_t *last_at);

/* Which VIPs of inst[0..n) are on their interfaces now, with one address
 * dump per interface however many instances share it (a status of 255
 * instances made 255 dumps of 255+ addresses and held the loop past a
 * Master_Down_Interval): p[k][i] is 1 or 0 for each of instance k's
 * conf.n_vips (all 0 for an instance without its interface). NULL when
 * unknown. Free with instances_presence_free. */
uint8_t **instances_presence(struct instance *const *inst, size_t n);
void instances_presence_free(uint8_t **present, size_t n);

/* Monotonic now as the instance sees it (the event loop's time). */
uint64_t instance_time(struct instance *in);
bool instance_link_up(const struct instance *in);
bool instance_has_primary(const struct instance *in);

const char *instance_name(const struct instance *in);
const struct fsm *instance_fsm(const struct instance *in);
const struct instance_stats *instance_stats(const struct instance *in);
const struct conf_instance *instance_conf(const struct instance *in);

#endif
