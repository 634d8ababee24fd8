/* instance_priv: the instance as its own files see it (instance.c,
 * instance_wire.c, announce.c, instance_quorum.c, takeover.c, tracks.c).
 * Nothing outside them includes this. */
#ifndef HAMGR_INSTANCE_PRIV_H
#define HAMGR_INSTANCE_PRIV_H

#include "instance.h"
#include "deadline.h"
#include "core/conflict.h"
#include "core/heartbeat.h"
#include "core/pace.h"
#include "core/peers.h"
#include "core/pipeline.h"
#include "core/track.h"
#include "log.h"
#include "resource.h"

/* How many sources of dropped adverts an instance remembers (see
 * drop_src below). */
#define WIRE_DROP_SRCS 8

struct vrrp_sub;
struct hbproto_sub;
struct hbproto_msg;
struct conflict_io;
struct resource;
struct script_run;

/* One track's running state (tracks.c). */
struct instance_track {
	struct track t;
	struct script_run *run;          /* the check in progress */
	sd_event_source *timer;
	char last_line[256];             /* the agent's last output line */
	int last_rc;                     /* last exit status, -1: none/killed */
	uint64_t last_at;                /* monotonic us of the last result */
	int ifindex;                     /* interface tracks */
	struct instance *in;
};

/* One resource's running state (takeover.c). */
struct instance_res {
	struct resource *r;
	size_t step;                     /* its pipeline step */
	sd_event_source *monitor;
	uint64_t monitor_token;          /* 0: no monitor running */
	enum pipeline_step_state monitor_state; /* its step when the monitor began */
	int monitor_rc;                  /* last monitor answer, -1: none */
	uint64_t monitor_at;
	struct instance *in;
};

/* Gratuitous ARPs / NAs waiting for their turn (vipset.c). */
struct vipset_garpq {
	struct vipset_garp_entry {
		struct ipaddr a;
		unsigned left;           /* sends still due */
	} *e;
	size_t n, cap, next;
	struct pace pace;                /* garp-rate */
	sd_event_source *timer;
	uint64_t sent, errors;
};

/* The VIP step under way, in slices from the loop (vipset.c). */
struct vipset_step {
	bool active, add;
	struct ipaddr *v;                /* a copy: a reload may change conf */
	size_t n, next;
	uint64_t token;
	sd_event_source *src;
	unsigned slices;
};

/* One heartbeat path of protocol "hamgr" (instance_path.c). Path 0 is the
 * instance's interface (its socket and address are the instance's own);
 * paths 1.. are heartbeat-paths. */
struct instance_path {
	struct instance *in;
	size_t index;
	int ifindex;                     /* 0: the interface does not exist */
	struct ipaddr src;               /* ours on it (paths 1..) */
	bool have_src;
	struct hbproto_sub *sub;         /* paths 1.. */
	uint64_t last_rx;                /* monotonic us: a fresh heartbeat on it */
	uint64_t rx;
};

struct instance {
	struct conf_instance conf;      /* deep copy */
	struct instance_env *env;
	struct fsm fsm;
	struct vrrp_sub *sub;            /* adverts in and out (vrrp_rx.c) */
	struct deadline timer;          /* the fsm's and the pipeline's next
					   deadline (deadline.h); .set: started */
	sd_event_source *start_src;     /* the fsm's start, from the loop */
	int ifindex;
	uint8_t family;                 /* advert family: the first VIP's */
	struct ipaddr group;            /* 224.0.0.18 / ff02::12 */
	bool have_primary;
	struct instance_stats stats;
	struct log_ratelimit drop_rl;
	struct log_ratelimit hello_drop_rl; /* announcements' drops */
	/* The sources of the adverts dropped lately (a ring): a source not
	 * among them is logged from drop_new_rl, so one that keeps sending
	 * cannot use drop_rl up and hide another's first drop. */
	struct ipaddr drop_src[WIRE_DROP_SRCS];
	unsigned drop_src_next;
	struct log_ratelimit drop_new_rl;
	struct log_ratelimit send_rl;
	struct peers peers;
	struct deadline hello_dl;       /* the announcement's (announce.c) */
	uint64_t hello_due;             /* the next announcement (monotonic us) */
	bool hello_user;                /* counted in hello_io_user */
	bool hello_lazy;                /* its vote (hello_io_vote) */
	uint64_t advert_heard_at;       /* the last valid advert of our VRID */
	uint8_t hello_flags;            /* announce_flags() as last announced */
	uint32_t hello_seq;
	/* takeover (takeover.c) */
	struct pipeline pipe;
	struct instance_res *res;       /* conf.n_resources */
	struct vipset_garpq garpq;      /* paced announcements (vipset.c) */
	struct vipset_step vstep;       /* the VIP step under way */
	uint64_t vstep_t0;              /* when it began (real time, for the log) */
	bool vip_done_pending;          /* the VIP step finished synchronously */
	uint64_t vip_done_token;
	bool vip_done_ok;
	bool ct_held;                   /* this instance counts in ctsync_hold() */
	bool ct_starting;               /* the conntrack step's run is a commit */
	struct script_run *fence_run;   /* the fence command running */
	uint64_t fence_token;
	int dispatch_depth;
	bool acquiring;                 /* a takeover runs (not a restart) */
	enum fsm_state prev_state;      /* HAMGR_PREV_STATE */
	bool stopping;                  /* instance_stop() called */
	bool stopped;                   /* released and resources stopped */
	size_t stops_pending;           /* resource stops at shutdown */
	char handover_to[64];           /* switchover --to: sent at priority 0 */
	bool handing_over;              /* a switchover's release is under way */
	uint64_t heal_garp_at;          /* GARP re-sent for a node that yielded */
	uint64_t handover_sent_at;      /* protocol "hamgr": the request went out */
	/* protocol "hamgr" (instance_hb.c) */
	struct hbproto_sub *hbsub;
	uint64_t hb_epoch;              /* times this node became MASTER */
	uint64_t hb_answered_at;        /* the last message sent to answer */
	sd_event_source *hb_answer_src; /* an answer due once the gap passed */
	struct instance_hb_last {       /* the newest counter taken per node */
		char node[HEARTBEAT_NAME_MAX + 1];
		uint64_t boot_id, counter;
		struct ipaddr addr;      /* its address on path 0: its identity
					    in the election on every path */
		bool have_addr;
	} hb_last[PEERS_NODES_MAX];
	struct instance_path paths[1 + CONF_PATHS_MAX]; /* 1 + conf.n_paths used */
	struct instance_clash clash;    /* announce.c */
	/* tracks (tracks.c) */
	struct instance_track *tracks;  /* conf.n_tracks */
	/* alarms (alarms.c) */
	struct conflict alarms;
	struct conflict_io *cio;        /* listening while the VIPs are held */
	sd_event_source *alarm_timer;
	uint8_t mac[CONFLICT_MAC_LEN];  /* the interface's, at the last probe */
	size_t probe_next;              /* the VIP the next probe round starts at */
	struct ipaddr *vips_sorted;     /* many VIPs: sorted, for other_vrid */
};

/* instance.c */
uint64_t instance_now(struct instance *in);
/* Feed fsm actions to the wire, the pipeline and the hooks. */
void instance_apply(struct instance *in, const struct fsm_actions *acts);
/* Re-arm the one timer at the earliest fsm or pipeline deadline. */
void instance_rearm(struct instance *in);

/* instance_wire.c: adverts in and out */
void wire_send_advert(struct instance *in, uint8_t priority);
void wire_refresh_primary(struct instance *in);
int wire_open(struct instance *in);
void wire_close(struct instance *in);
/* A source address and a socket to send from (the send error counted
 * when not). */
bool wire_ready(struct instance *in);
/* Count a send's result (0 or -errno); an error is logged rate-limited. */
void wire_sent(struct instance *in, int r);
/* src is one of the configured unicast peers. */
bool wire_is_peer(const struct instance *in, const struct ipaddr *src);
/* Read adverts already queued (before a backup declares the master down). */
void wire_drain(struct instance *in);
/* May src speak for the instance? Without allowed-peers anyone may. */
bool wire_allowed(const struct instance *in, const struct ipaddr *src);
/* A packet of kind what ("advert") from src dropped for reason: an event
 * for the first of its reason, a log line rate-limited (drop_rl; other
 * kinds than adverts hello_drop_rl; an advert from a source that is not
 * among the last WIRE_DROP_SRCS dropped ones, drop_new_rl). */
void wire_log_drop(struct instance *in, const char *what, const char *reason,
		   const struct ipaddr *src, bool first, uint64_t now);

/* instance_hb.c: protocol "hamgr"'s heartbeats in and out */
/* A message from hbproto that arrived on path p (0: the interface). */
void hbwire_rx(struct instance *in, size_t p, const struct hbproto_msg *m);
int hbwire_open(struct instance *in);
void hbwire_close(struct instance *in);
/* The fsm's advert: a heartbeat as MASTER, or a release for priority 0. */
void hbwire_send_advert(struct instance *in, uint8_t priority);
/* An announcement (a backup's heartbeat, once a second and on every
 * change) or a handover request to target. */
void hbwire_announce(struct instance *in, uint8_t type, const char *target);
void hbwire_drain(struct instance *in);

/* instance_path.c: the heartbeat paths beside the interface */
void path_open_all(struct instance *in);
void path_close_all(struct instance *in);
/* Send hb on every extra path (to the group); 0 or the first -errno. */
int path_send_all(struct instance *in, struct heartbeat *hb);
/* Liveness: a fresh heartbeat arrived on path p. */
void path_heard(struct instance *in, size_t p, uint64_t now);

/* announce.c */
/* The HELLO_F_* flags this node announces now (both protocols). */
uint8_t announce_flags(const struct instance *in);
/* Announcements run: hello_io for vrrp3, the heartbeats for "hamgr". */
bool announce_running(const struct instance *in);
/* A decoded announcement, whatever carried it: the node table, the
 * confirmation of a mastership, a handover. True when a handover made
 * this node MASTER. */
bool announce_rx(struct instance *in, const struct ipaddr *src, const struct hello *h);
/* src passes allowed-peers; else the drop is counted and logged. */
bool announce_allowed(struct instance *in, const struct ipaddr *src);
void announce_send(struct instance *in, uint8_t type, const char *target);
/* An advert went out or came in: the announcement goes too if due soon. */
void announce_piggyback(struct instance *in, uint64_t now);
/* How often this instance announces itself: 1 s, or with quorum-nodes its
 * advert interval (10 ms .. 1 s). */
uint64_t announce_period(const struct conf_instance *ci);
/* instance_quorum.c. The one place that sets or clears the quorum
 * FAULT: the peers seen (quorum-nodes) or corosync's verdict (quorum =
 * "corosync"); with corosync also the backups' wait derived from its
 * token, once known. */
void instance_quorum_check(struct instance *in);
/* What the backups add to Master_Down_Interval for the quorum (0: none). */
uint64_t instance_quorum_wait(const struct conf_instance *ci, const struct instance_env *env);
int announce_start(struct instance *in);
void announce_released(struct instance *in);
/* Before giving the role up: is there someone to take it? 0 when an
 * eligible backup (named to, or any) announces itself, or when to is NULL
 * and force is set or announcements are not running; else -1 with why in
 * err, cost (NULL: none) saying what giving up would do. */
int announce_check_successor(struct instance *in, const char *to, bool force,
			     const char *cost, char *err, size_t errlen);
void announce_stop(struct instance *in);
/* Announcements may be read up to ANNOUNCE_LAZY_US late (hello_io_vote)
 * while every instance is steady: a backup reading its adverts late
 * (instance.c vote_lazy), or a confirmed master that heard no other
 * node's advert for that long. Not with a quorum: the announcements are
 * its clock. announce_drain reads them, from the instance's own timer,
 * every ANNOUNCE_LAZY_US / 2 at most; with now_too, whatever waits, at
 * once and whether the sockets are read late or not (a backup about to
 * take over: the master's name for a fence, a handover that came before
 * the timer's turn). */
#define ANNOUNCE_LAZY_US 1000000u
void announce_vote(struct instance *in, bool steady_backup, uint64_t now);
void announce_drain(struct instance *in, uint64_t now, bool now_too);

/* vipset.c: the floating addresses of one instance */
void vipset_add(struct instance *in, const struct ipaddr *v, size_t n);
void vipset_del(struct instance *in, const struct ipaddr *v, size_t n);
void vipset_garp(struct instance *in, const struct ipaddr *v, size_t n);
void vipset_remove_stale(struct instance *in);
/* The pipeline's VIP step: add (and announce) or remove every VIP.
 * True when done at once; otherwise the rest runs in slices from the loop
 * and takeover_vips_done() follows. */
bool vipset_step(struct instance *in, bool add, uint64_t token);
/* Stop a step under way (its done does not follow); false if none ran. */
bool vipset_step_cancel(struct instance *in);
/* Announcements still queued (for status and the tests). */
size_t vipset_garp_pending(const struct instance *in);
void vipset_free(struct instance *in);

/* alarms.c: conflict detection (core/conflict.h) */
int alarms_init(struct instance *in, char *err, size_t errlen);
void alarms_free(struct instance *in);
/* Open the listeners, paused (instance start). */
void alarms_prepare(struct instance *in);
/* The VIP step put the VIPs up (probing starts) or takes them down. */
void alarms_hold(struct instance *in, bool holding);
/* A reload changed the VIPs (perhaps their families) while held. */
void alarms_vips_changed(struct instance *in);
/* An advert from src dropped as interval_far. */
void alarms_dropped(struct instance *in, const struct ipaddr *src, const struct advert *adv);
/* A valid advert for another VRID: does it list one of our VIPs? */
void alarms_other_vrid(struct instance *in, const struct ipaddr *src, const struct advert *adv);

/* instance.c: the fsm's config from the instance's (and the quorum's wait). */
void instance_fsm_config(struct fsm_config *fc, const struct conf_instance *ci,
			 const struct instance_env *env);

/* tracks.c: how long a master cut off from its witness needs to step
 * down (fall checks with their timeouts, an interval in hand); 0 without
 * a witness track */
uint64_t tracks_witness_wait(const struct conf_instance *ci);

/* statefile.c: marks that survive a restart */
bool statefile_marked(const char *dir, const char *kind, const char *name);
int statefile_mark(const char *dir, const char *kind, const char *name, bool on,
		   char *err, size_t errlen);

/* takeover.c: the pipeline and the resources */
int takeover_init(struct instance *in, char *err, size_t errlen);
void takeover_free(struct instance *in);
void takeover_start_resources(struct instance *in);
void takeover_acquire(struct instance *in);
void takeover_release(struct instance *in);
void takeover_timer(struct instance *in, uint64_t now);
void takeover_confirm(struct instance *in);
/* The gate shortens to the settle time (FSM_ACT_SETTLE). */
void takeover_settle(struct instance *in);
void takeover_shutdown(struct instance *in);
/* A reload changed only the resources' policy (conf_resource_same):
 * in->conf holds the new config and old the one before; the resources,
 * their pipeline steps and monitors follow it without a restart. */
void takeover_reconfigure(struct instance *in, const struct conf_instance *old);
/* resources_life.c: resource i's monitor follows a monitor-interval a
 * reload changed from old_us (0: none). */
void takeover_monitor_reconf(struct instance *in, size_t i, uint64_t old_us);
/* Shared by takeover.c and resources_life.c: run action a of resource i
 * (HAMGR_* context from the instance), record a result for hactl log,
 * carry out pipeline actions, stop the promotable resources (shutdown). */
int takeover_run_action(struct instance *in, size_t i, enum resource_action a, uint64_t token,
			resource_done_fn done);
void takeover_record(struct instance *in, size_t i, const struct resource_result *r);
void takeover_dispatch(struct instance *in, struct pipeline_actions *acts);
void takeover_stop_resources(struct instance *in);
/* A step's completion fed to the pipeline, its actions carried out. */
void takeover_done(struct instance *in, uint64_t token, bool ok);

/* A step's answer known at once: fed back once the current batch of
 * pipeline actions is through (takeover_ct.c). */
void takeover_answer_now(struct instance *in, uint64_t token, bool ok);

/* takeover_fence.c: the fence step (start: fence the master that went
 * silent, if any; stop: nothing) */
void takeover_fence_step(struct instance *in, uint64_t token, bool start);
void takeover_fence_cancel(struct instance *in);
void takeover_fence_free(struct instance *in);

/* takeover_ct.c: the conntrack step (start: commit, stop: release) */
void takeover_ct_step(struct instance *in, uint64_t token, bool start);
void takeover_ct_cancel(struct instance *in, uint64_t token);
void takeover_ct_free(struct instance *in);

/* The VIP step finished (sync: inside the pipeline's dispatch). */
void takeover_vips_done(struct instance *in, uint64_t token, bool add, bool sync);

/* tracks.c */
int tracks_init(struct instance *in, char *err, size_t errlen);
void tracks_free(struct instance *in);
/* Stop checking (shutdown); the state stays for status. */
void tracks_stop(struct instance *in);
void tracks_start(struct instance *in);
void tracks_link_event(struct instance *in, int ifindex, const char *ifname, bool up);
/* The configured priority moved by the tracks that are down. */
uint8_t tracks_priority(const struct instance *in, uint8_t configured);

#endif
