/* fsm: the per-instance VRRP state machine, RFC 5798 section 6.4, plus
 * FAULT (with causes: link down, a weight-0 track down). Pure: time comes
 * in as monotonic microseconds, adverts come in already decoded and
 * validated, decisions go out as actions.
 *
 * The fsm decides who is master; how a node becomes and stops being one
 * is the takeover pipeline's (core/pipeline.h): the fsm emits the role
 * intents ACQUIRE and RELEASE and learns back through fsm_released().
 * A master that gives the role up by itself (switchover, standby, give-up,
 * shutdown, a weight-0 track down while its link is up) stays MASTER and
 * keeps advertising until the pipeline has released everything (the VIPs
 * and every resource: a database is demoted before a successor may
 * promote), and only then sends priority 0, so no instant has two holders
 * however long the steps take.
 *
 * Every priority comparison uses the effective priority: the configured
 * one moved by the tracks (fsm_set_priority), 0 in standby or in the
 * hold-off after a give-up.
 *
 * The caller arms one timer at fsm_next_deadline() and calls fsm_timer()
 * when it fires. Every transition emits FSM_ACT_STATE with a reason text. */
#ifndef HAMGR_FSM_H
#define HAMGR_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

enum fsm_state { FSM_INIT = 0, FSM_BACKUP, FSM_MASTER, FSM_FAULT };

const char *fsm_state_str(enum fsm_state s);

struct fsm_config {
	uint8_t priority;             /* 1..255; 255 = address owner */
	uint32_t adver_int_us;        /* Advertisement_Interval, microseconds */
	bool preempt;                 /* Preempt_Mode */
	uint64_t preempt_delay_us;    /* wait this long before preempting */
	uint64_t garp_refresh_us;     /* min gap between GARPs re-sent because a
					 lower master was heard (0: 1 s) */
	uint64_t down_wait_us;        /* added to Master_Down_Interval: the time
					 a master cut off from its witness or its
					 quorum needs to see it and step down
					 (0: none) */
	bool settle_fixed;            /* settle gate set by the operator: */
	uint64_t settle_gate_us;      /* ... this long (0: none); otherwise two
					 advert intervals (fsm_gate_us) */
};

enum fsm_action_type {
	FSM_ACT_STATE = 1,      /* transition from -> to, reason in fsm.reason */
	FSM_ACT_SEND_ADVERT,    /* send an advert with .priority and
				   Max Adver Int = configured interval */
	FSM_ACT_ACQUIRE,        /* take the role: run the takeover pipeline */
	FSM_ACT_RELEASE,        /* give the role up: run the pipeline backwards */
	FSM_ACT_SETTLE,         /* an unconfirmed master's gate shortens to
				   fsm_gate_us() from now (the master it
				   preempted released) */
	FSM_ACT_SEND_GARP,      /* re-send gratuitous ARP / unsolicited NA for
				   the VIPs held (a lower master was heard) */
};

struct fsm_action {
	enum fsm_action_type type;
	uint8_t priority;               /* FSM_ACT_SEND_ADVERT */
	enum fsm_state from, to;        /* FSM_ACT_STATE */
};

/* The longest sequence one event produces is STATE + ADVERT + ACQUIRE (or
 * RELEASE + STATE); 8 leaves room. A full list drops the action and counts
 * it in overflow, which the tests assert stays 0. */
#define FSM_MAX_ACTIONS 8
struct fsm_actions {
	struct fsm_action a[FSM_MAX_ACTIONS];
	size_t n;
	size_t overflow;
};

/* Why an instance is in FAULT (bits). */
#define FSM_FAULT_LINK  0x1u    /* interface down, or no address to send from */
#define FSM_FAULT_TRACK 0x2u    /* a track with weight 0 is down */
#define FSM_FAULT_QUORUM 0x4u   /* no quorum: no majority seen (quorum-nodes),
				   or corosync not quorate or gone */

/* Why the last transition happened (for logs and hactl). */
enum fsm_cause {
	FSM_CAUSE_NONE = 0,
	FSM_CAUSE_STARTUP,         /* Startup event */
	FSM_CAUSE_OWNER,           /* priority 255 takes over at once */
	FSM_CAUSE_MASTER_DOWN,     /* Master_Down_Timer expired */
	FSM_CAUSE_RELEASE_SEEN,    /* master sent priority 0: waited Skew_Time */
	FSM_CAUSE_PREEMPTED,       /* higher priority (or tie, higher address) seen */
	FSM_CAUSE_SHUTDOWN,        /* Shutdown event */
	FSM_CAUSE_LINK_DOWN,
	FSM_CAUSE_LINK_UP,
	FSM_CAUSE_STANDBY,         /* operator: standby */
	FSM_CAUSE_SWITCHOVER,      /* operator: hand the role to a backup */
	FSM_CAUSE_TRACK_DOWN,      /* a weight-0 track went down */
	FSM_CAUSE_TRACK_UP,
	FSM_CAUSE_GIVE_UP,         /* a takeover step failed: role given up */
	FSM_CAUSE_PRIORITY,        /* effective priority rose to 255 */
	FSM_CAUSE_QUORUM_UP,       /* quorum-nodes: a majority seen again */
};

struct fsm {
	struct fsm_config cfg;
	struct ipaddr primary;        /* our primary address (tie-break) */
	enum fsm_state state;
	uint32_t master_adver_int_us; /* Master_Adver_Interval */
	uint64_t adver_timer;         /* absolute deadline, 0 = off */
	uint64_t master_down_timer;   /* absolute deadline, 0 = off */
	uint64_t preempt_since;       /* first lower-priority advert heard while
					 waiting out preempt_delay, 0 = none */
	uint64_t last_garp_refresh;   /* last GARP re-sent for a lower master */
	bool release_seen;            /* BACKUP: master sent priority 0 */
	bool lower_seen;              /* BACKUP: discarding a lower master */
	bool standby;                 /* maintenance: never becomes MASTER */
	bool zero_due;                /* preempted as MASTER: once released, say
					 so with one priority-0 advert */
	bool yielded;                 /* after a switchover: follow the new
					 master even if it ranks lower, until we
					 are MASTER again */
	bool handover_wait;           /* handed to another node by name: ignore
					 the release, wait for the new master */
	bool link_up;                 /* !(fault & FSM_FAULT_LINK) */
	unsigned fault;               /* FSM_FAULT_* causes in force */
	uint8_t prio;                 /* configured priority moved by the tracks */
	bool holdoff;                 /* after a give-up: priority 0 until ... */
	uint64_t holdoff_until;
	/* A voluntary release in progress (MASTER until all is released) */
	enum fsm_cause releasing;     /* FSM_CAUSE_NONE: none */
	uint8_t release_prio;         /* keep advertising this meanwhile */
	char release_why[96];
	bool shutdown;                /* shutting down: end in INIT */
	/* Whether the current mastership is confirmed: a master that was
	 * heard went silent, released or handed over (yes); a node that
	 * became master having heard nobody since it started, or by
	 * preempting a master that may still hold (not until fsm_confirm()
	 * or the pipeline's gate time). Hearing a lower master does not
	 * confirm: with three nodes a higher one may not have spoken yet. */
	bool confirmed;
	bool heard;                   /* a valid advert from another node since start */
	bool join_held;               /* fsm_hold_for_join used since start */
	bool settle;                  /* master after a failover: confirmed after the
					 short settle gate, not the start-up one */
	bool awaiting_release;        /* master by preempting `preempted`, which
					 has not yet said it released */
	struct ipaddr preempted;
	/* MASTER by MASTER_DOWN after following a master that went silent
	 * (never released, nor was it a lower one we preempted): it may still
	 * be alive and holding (stopped, cut off), so a fence step fences it
	 * before anything irreversible. */
	bool silent_known;
	struct ipaddr silent_master;
	/* What we know of the current master (BACKUP) */
	bool master_known;
	struct ipaddr master_addr;
	uint8_t master_priority;
	uint64_t master_last_seen;
	/* The last advert dropped for a reason worth naming in a takeover's
	 * reason (fsm_note_dropped) */
	uint64_t dropped_at;          /* 0: none */
	struct ipaddr dropped_from;
	char dropped_why[64];
	/* Bookkeeping for status */
	uint64_t state_since;
	uint32_t transitions;
	enum fsm_cause cause;
	char reason[192];
	size_t reason_len;            /* the cause part of reason: a BACKUP
					 appends "; following master X
					 (priority P)" after it */
};

/* Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256 */
uint64_t fsm_skew_time(const struct fsm *f);
/* How long gated (irreversible) steps wait for confirmation of the
 * current unconfirmed mastership: after a failover (a master that was
 * heard went silent or released), the settle gate: two advert intervals,
 * time enough for the advert of another backup that took over at the
 * same instant to arrive and the tie to be decided, or cfg.settle_gate_us
 * when cfg.settle_fixed (a pair, where no such backup exists) and the
 * master went silent (not after a release: see fsm.c); otherwise
 * (nobody heard since start, or preempting a master that may still hold)
 * startup_gate_us. */
uint64_t fsm_gate_us(const struct fsm *f, uint64_t startup_gate_us);

/* Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time, plus the
 * configured wait for a witness or quorum */
uint64_t fsm_master_down_interval(const struct fsm *f);

/* Set up in INIT with the link assumed up; no actions. */
void fsm_init(struct fsm *f, const struct fsm_config *cfg, const struct ipaddr *primary);

/* Startup event (RFC 5798 6.4.1). A link known to be down sends to FAULT. */
void fsm_start(struct fsm *f, uint64_t now, struct fsm_actions *out);

/* Shutdown event: a MASTER releases (RELEASE; priority 0 and INIT once
 * fsm_released() says all is released; INIT at once, without
 * priority 0, if a fault or a higher master comes first); any other
 * state -> INIT. */
void fsm_shutdown(struct fsm *f, uint64_t now, struct fsm_actions *out);

/* A valid advert for our VRID from src (already checked by advert_decode and
 * advert_check_interval). max_adver_int_us is the advertised interval. */
void fsm_recv(struct fsm *f, uint64_t now, const struct ipaddr *src,
	      uint8_t priority, uint32_t max_adver_int_us, struct fsm_actions *out);

/* An advert from src was dropped for a reason an operator must see in a
 * takeover's reason (its interval is far from ours: why says
 * "interval 1000 ms, ours 100 ms"). Nothing else changes: no timer moves.
 * A takeover within Master_Down_Interval of it reads "no valid advert
 * from X for N ms; its adverts are dropped: WHY". */
void fsm_note_dropped(struct fsm *f, uint64_t now, const struct ipaddr *src, const char *why);

/* The earliest armed timer (absolute us), or 0 when none is armed. */
uint64_t fsm_next_deadline(const struct fsm *f);

/* Fire every timer due at now. */
void fsm_timer(struct fsm *f, uint64_t now, struct fsm_actions *out);

/* Link state of the instance interface changed: down -> FAULT (RELEASE),
 * up -> BACKUP (or MASTER for an owner) unless another fault cause holds. */
void fsm_link(struct fsm *f, uint64_t now, bool up, struct fsm_actions *out);

/* Set or clear one FAULT cause (FSM_FAULT_*); why names it in the reason
 * ("track gateway down"). FAULT while any cause holds. A MASTER whose link
 * is up releases first (two phases, as above) and enters FAULT from
 * fsm_released(); with the link down it enters FAULT at once. */
void fsm_set_fault(struct fsm *f, uint64_t now, unsigned cause, bool on, const char *why,
		   struct fsm_actions *out);

/* The configured priority moved by the tracks (core/track.h). A master
 * advertises the new value at once, so a better backup can preempt it; a
 * backup whose priority reaches 255 takes over as the address owner. */
void fsm_set_priority(struct fsm *f, uint64_t now, uint8_t prio, struct fsm_actions *out);

/* The pipeline reports everything released: a releasing master now sends
 * priority 0 and becomes BACKUP (INIT when shutting down). */
void fsm_released(struct fsm *f, uint64_t now, struct fsm_actions *out);

/* A takeover step failed (on-fail = release) or a resource hit its restart
 * limit: a MASTER releases, and the node competes with priority 0 for
 * holdoff_us so a peer takes over and the role is not grabbed straight
 * back. */
void fsm_give_up(struct fsm *f, uint64_t now, uint64_t holdoff_us, const char *why,
		 struct fsm_actions *out);

/* The mastership is confirmed: every known peer announced itself below
 * us. The pipeline's gated steps may run. */
void fsm_confirm(struct fsm *f);

/* The master we preempted released everything (its priority-0 advert, or
 * an announcement without "held"): not yet confirmed, since another node
 * that preempted it too hears the same; the settle gate starts
 * (FSM_ACT_SETTLE). No-op unless awaiting that release. */
void fsm_preempted_released(struct fsm *f, struct fsm_actions *out);

/* Apply a new configuration (reload) without a needless transition: timers
 * are re-derived; a MASTER whose priority drops stays MASTER until a better
 * peer shows up, a BACKUP that can now preempt will do so by the RFC rules. */
void fsm_reconfigure(struct fsm *f, uint64_t now, const struct fsm_config *cfg,
		     uint8_t prio, struct fsm_actions *out);

/* Maintenance mode. On: a MASTER releases (RELEASE, then priority 0) and
 * the instance stays BACKUP, never taking the role, until switched off
 * (then it waits Master_Down_Interval like a fresh backup). */
void fsm_set_standby(struct fsm *f, uint64_t now, bool on, struct fsm_actions *out);

/* Hand the role over: a MASTER releases; once all is released it sends
 * priority 0 (a backup takes over after its Skew_Time) and becomes BACKUP
 * without preempting the new master. If no backup takes over within
 * Master_Down_Interval it takes the role back by the normal timer. Returns
 * 0, or -1 when not MASTER or already releasing. */
int fsm_switchover(struct fsm *f, uint64_t now, struct fsm_actions *out);

/* The master handed the role to us by name (hactl switchover --to): a
 * BACKUP (not in standby) becomes MASTER at once. Returns 0, or -1 (no
 * actions) in any other state. */
int fsm_take_over(struct fsm *f, uint64_t now, const char *why, struct fsm_actions *out);

/* The master handed the role to another node by name: a BACKUP follows
 * whoever takes over even at a lower priority (as after its own
 * switchover), and waits a full Master_Down_Interval from now instead of
 * racing the chosen node after Skew_Time. */
void fsm_yield(struct fsm *f, uint64_t now);

/* A master spoke whose messages do not count yet (protocol "hamgr": an
 * authentic heartbeat of a boot not joined, the nonce round trip under
 * way) while this BACKUP has heard no master since its start: wait one
 * more Master_Down_Interval beyond its deadline before taking over, once
 * per start.
 * A node that starts next to a running master then never takes the role
 * because its join came late (a busy host, 10 ms intervals); a replayed
 * heartbeat can delay a starting node's takeover by that much, once. */
void fsm_hold_for_join(struct fsm *f, uint64_t now);

/* Priority this node competes with now: 0 in standby or hold-off, else
 * the configured one moved by the tracks. */
uint8_t fsm_effective_priority(const struct fsm *f);

/* What a MASTER advertises now: while releasing, the priority it had when
 * the release began (nobody takes over before the VIPs are gone), else
 * fsm_effective_priority(). */
uint8_t fsm_advert_priority(const struct fsm *f);

/* Our primary address changed (address added/removed on the interface). */
void fsm_set_primary(struct fsm *f, const struct ipaddr *primary);

#endif
