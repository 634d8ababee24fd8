/* pipeline: how one instance becomes and stops being master, one ordered,
 * acknowledged step at a time. Pure: time comes in as monotonic
 * microseconds, completions come in as (token, ok), decisions go out as
 * actions. The fsm decides *who* is master; the pipeline decides *how*.
 *
 *   acquire: steps 0, 1, ... n-1, each started after the previous is done
 *            (conntrack commit, before-vips resources, VIPs + GARP/NA,
 *            after-vips resources: the caller lists them in that order)
 *   release: the steps that are up, backwards
 *
 * A step that is started or stopped is identified by a token; a completion
 * whose token is not the one running (a late answer from an aborted or
 * timed-out run) is ignored and counted. At most one step runs at a time.
 * A release that arrives mid-acquire cancels the running start and undoes
 * only what was done (the cancelled step included: it may be half done,
 * and every stop action is idempotent). An acquire that arrives
 * mid-release lets the running stop finish, then goes forward again.
 *
 * Gated steps (irreversible ones, such as promoting a database) wait for
 * confirmation after a start-up mastership: the caller says at acquire
 * whether the mastership is confirmed (a master that was heard went
 * silent, released or handed over: yes; a node that has heard nobody since
 * it started: no). Unconfirmed, gated steps wait until pipeline_confirm()
 * or the gate time has passed. Ungated steps before them run at once. */
#ifndef HAMGR_PIPELINE_H
#define HAMGR_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PIPELINE_MAX_STEPS 40

enum pipeline_step_kind {
	PIPELINE_CONNTRACK = 0, /* commit the external conntrack cache */
	PIPELINE_RESOURCE,      /* promote/demote (or start/stop) a resource */
	PIPELINE_VIPS,          /* floating addresses + GARP/NA */
	PIPELINE_FENCE,         /* fence the master that went silent (first) */
};

struct pipeline_step_cfg {
	enum pipeline_step_kind kind;
	uint16_t index;           /* PIPELINE_RESOURCE: the resource's index */
	bool gated;               /* irreversible: waits for confirmation */
	bool release_on_fail;     /* a failed start gives the role up */
	uint64_t deadline_us;     /* a step that has not answered after this
				     long is taken as failed and cancelled
				     (the adapter's own timeout plus a
				     margin); 0: no deadline */
	unsigned restart_limit;   /* restarts after a failed monitor before
				     the node gives the role up */
	uint64_t restart_window_us; /* 0: restart_limit counts failures in
				     a row (a healthy monitor clears the
				     count); else the count is cleared only
				     once this long passes without a failure,
				     healthy monitors or not, so a service
				     that keeps crashing between healthy
				     monitors is given up too */
};

enum pipeline_action_type {
	PIPELINE_ACT_START = 1,   /* run step's acquire action (token) */
	PIPELINE_ACT_STOP,        /* run step's release action (token) */
	PIPELINE_ACT_CANCEL,      /* kill the run with token; its done follows */
	PIPELINE_ACT_HELD,        /* every step is up */
	PIPELINE_ACT_VIPS_DOWN,   /* releasing: the VIPs are gone (or never
				     came up); a master may now send priority 0 */
	PIPELINE_ACT_RELEASED,    /* releasing: every step is down */
	PIPELINE_ACT_GIVE_UP,     /* step failed with release_on_fail, or
				     its restart limit was reached: the node
				     should give the role up */
};

struct pipeline_action {
	enum pipeline_action_type type;
	size_t step;
	uint64_t token;
};

/* The most actions one call can emit: a cancel, a give-up, a stop or
 * start, plus the milestones. Calls never emit more; tested. */
#define PIPELINE_MAX_ACTIONS 8
struct pipeline_actions {
	struct pipeline_action a[PIPELINE_MAX_ACTIONS];
	size_t n;
};

enum pipeline_step_state {
	PIPELINE_DOWN = 0,
	PIPELINE_STARTING,
	PIPELINE_UP,
	PIPELINE_STOPPING,
};

const char *pipeline_step_state_str(enum pipeline_step_state s);

/* What status shows about one step. */
struct pipeline_step {
	struct pipeline_step_cfg cfg;
	enum pipeline_step_state state;
	bool last_ok;             /* outcome of the last finished run */
	bool ran;                 /* has finished at least one run */
	bool last_was_start;      /* the last finished run was a start */
	uint64_t last_duration_us;
	uint64_t started_at;      /* of the run in progress */
	unsigned restarts;        /* since the last acquire, and the last
				     healthy monitor (no window) or the last
				     failure older than the window; see
				     pipeline_restarts() */
	uint64_t failed_at;       /* the last failure counted */
};

struct pipeline {
	struct pipeline_step step[PIPELINE_MAX_STEPS];
	size_t n;
	bool want;                /* target: held (true) or released */
	int running;              /* step index, -1: none */
	uint64_t running_token;
	uint64_t running_deadline;
	bool cancelling;          /* a cancel was sent for the running start */
	int restart;              /* step to restart (stop, start), -1: none */
	uint64_t seq;             /* token source */
	bool confirmed;
	uint64_t gate_deadline;   /* 0: no gate pending */
	bool held_said, vips_down_said, released_said;
	uint64_t stale;           /* completions ignored (wrong token) */
	uint64_t timeouts;        /* steps past their deadline */
};

/* Set up, released, with n steps (n <= PIPELINE_MAX_STEPS). */
void pipeline_init(struct pipeline *p, const struct pipeline_step_cfg *steps, size_t n);

/* A reload changed step's policy: release_on_fail, deadline_us (from the
 * next run on), restart_limit and restart_window_us (compared with the
 * count so far from the next failure on). Its state and count stay. False,
 * and nothing changed, if cfg is another step (kind, index or gated
 * differ). */
bool pipeline_set_policy(struct pipeline *p, size_t step, const struct pipeline_step_cfg *cfg);

/* Become master. confirmed: see above; gate_us: how long gated steps wait
 * for confirmation. */
void pipeline_acquire(struct pipeline *p, uint64_t now, bool confirmed, uint64_t gate_us,
		      struct pipeline_actions *out);

/* Stop being master. Idempotent; on a pipeline with nothing up it emits
 * VIPS_DOWN and RELEASED at once (once per release). */
void pipeline_release(struct pipeline *p, uint64_t now, struct pipeline_actions *out);

/* A peer confirmed the mastership: gated steps may run. */
void pipeline_confirm(struct pipeline *p, uint64_t now, struct pipeline_actions *out);

/* The run with token finished. Stale tokens are ignored (counted). */
void pipeline_done(struct pipeline *p, uint64_t now, uint64_t token, bool ok,
		   struct pipeline_actions *out);

/* A monitor found step's resource failed while held: restart it (stop,
 * start) up to its restart limit, then give up. Ignored unless held with
 * the step up. */
void pipeline_failed(struct pipeline *p, uint64_t now, size_t step,
		     struct pipeline_actions *out);

/* A monitor found step's resource healthy while held: without a restart
 * window, the next failure is the first of a new row (restart_limit counts
 * failures in a row); with one, nothing changes. Ignored unless held with
 * the step up and no restart pending. */
void pipeline_healthy(struct pipeline *p, size_t step);

/* The restarts that count against step's restart_limit at `now`: those
 * of a window that has passed without a failure no longer do. What the
 * next pipeline_failed() compares with the limit. */
unsigned pipeline_restarts(const struct pipeline *p, size_t step, uint64_t now);

/* A gate that is waiting ends gate_us from now instead (shorter or
 * longer). No-op when no gate is pending. */
void pipeline_regate(struct pipeline *p, uint64_t now, uint64_t gate_us);

/* Keep the gate closed until at least `until` (a peer still holds what
 * an irreversible step would take over). No-op when no gate is pending. */
void pipeline_hold_gate(struct pipeline *p, uint64_t until);

/* Earliest deadline (absolute us), 0 when none. */
uint64_t pipeline_next_deadline(const struct pipeline *p);
void pipeline_timer(struct pipeline *p, uint64_t now, struct pipeline_actions *out);

/* Every step up and nothing running. */
bool pipeline_held(const struct pipeline *p);
/* Every step down and nothing running. */
bool pipeline_released(const struct pipeline *p);
/* Gated steps are waiting for confirmation. */
bool pipeline_gate_waiting(const struct pipeline *p);
/* Whether the VIP step is up (or being stopped). */
bool pipeline_vips_up(const struct pipeline *p);

/* The step a token belongs to. */
size_t pipeline_token_step(uint64_t token);

#endif
