/* resource: one configured resource's actions, run one at a time.
 *
 * Actions (hamgr-scripts(7)): start, stop, promote, demote, monitor. A
 * request while another action of the same resource runs is queued in
 * order, never run concurrently. The environment follows hamgr-scripts(7)
 * (HAMGR_*) for type "script" and the OCF resource agent API (OCF_ROOT,
 * OCF_RESOURCE_INSTANCE, OCF_RESKEY_*, plus the HAMGR_* variables) for
 * type "ocf".
 *
 * Both get HAMGR_INSTANCE, HAMGR_NODE, HAMGR_STATE, HAMGR_PREV_STATE,
 * HAMGR_VIPS, HAMGR_PEER (from the ctx, "" when NULL; the instance falls
 * back to resource_new's), HAMGR_RESOURCE and
 * HAMGR_ACTION; a script also HAMGR_PARAM_name=value per param; an agent
 * OCF_ROOT ($OCF_ROOT of hamgr, else /usr/lib/ocf), OCF_RA_VERSION_MAJOR/
 * MINOR, OCF_RESOURCE_INSTANCE (the resource name), OCF_RESOURCE_TYPE,
 * OCF_RESOURCE_PROVIDER, OCF_RESKEY_name=value per param,
 * OCF_RESKEY_CRM_meta_timeout (ms) and, when promotable,
 * OCF_RESKEY_CRM_meta_promotable=true. The program is called as
 * PROGRAM ACTION, through script.h (no shell).
 *
 * done is always called from the event loop, never from inside
 * resource_run() or resource_cancel() (a spawn failure too is reported
 * from the loop), so a caller may hold its own state across those calls.
 * done may call any resource_*() function, resource_free() included. */
#ifndef HAMGR_RESOURCE_H
#define HAMGR_RESOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "conf.h"
#include "script.h"

enum resource_action {
	RESOURCE_START = 0,
	RESOURCE_STOP,
	RESOURCE_PROMOTE,
	RESOURCE_DEMOTE,
	RESOURCE_MONITOR,
	RESOURCE_ACTION_MAX
};

const char *resource_action_str(enum resource_action a);

/* The moment an action is run for (the HAMGR_* variables). */
struct resource_ctx {
	const char *node;               /* HAMGR_NODE */
	const char *instance;           /* HAMGR_INSTANCE */
	const char *state, *prev_state; /* HAMGR_STATE, HAMGR_PREV_STATE */
	const char *vips;               /* HAMGR_VIPS: "a/24 b/64" */
	const char *peer;               /* HAMGR_PEER: "" if none */
};

/* The outcome of one action. ok follows OCF: start/stop/promote/demote
 * succeed on 0 (stop and demote also on 7, "not running"); monitor
 * answers with 0, 7 or 8 (ok true, ocf_rc says which). */
struct resource_result {
	enum resource_action action;
	bool ok;
	int ocf_rc;                     /* exit status, or -1 (signal, timeout,
					   spawn failure, cancel) */
	uint64_t finished_at;           /* monotonic us (the loop's time) */
	struct script_result script;
};

typedef void (*resource_done_fn)(void *arg, uint64_t token,
				 const struct resource_result *r);

struct resource;

/* From a validated config (copied). type "ocf": runs the agent's
 * meta-data once to learn its default timeouts and whether it has
 * promote/demote; an agent without them is run with start/stop on role
 * changes. Returns NULL with err filled when the agent cannot be used.
 * A program that is missing or not executable is refused here too (both
 * types). Runs need SIGCHLD blocked (script_block_sigchld()). */
struct resource *resource_new(sd_event *e, const struct conf_resource *cr,
			      const char *instance, char *err, size_t errlen);
/* Kills a running action (script_abandon) and drops the queued ones; their
 * done is never called. For teardown: cancel first to hear the outcome. */
void resource_free(struct resource *r);

/* True when role changes map to promote/demote (a script, or an OCF agent
 * whose meta-data lists promote); false: start/stop. */
bool resource_promotable(const struct resource *r);

/* Queue action; done(arg, token, result) follows exactly once (also when
 * cancelled). ctx is copied into the environment now (the moment the
 * action is asked for, not when it starts). Returns 0, or -1 when the
 * action could not be queued (out of memory, bad action, no done). */
int resource_run(struct resource *r, enum resource_action a,
		 const struct resource_ctx *ctx, uint64_t token,
		 resource_done_fn done, void *arg);

/* Cancel the action with this token: a queued one is dropped, a running
 * one killed; its done reports ok = false. No-op for an unknown token.
 * Every action with this token is cancelled. A dropped one reports
 * script.status SCRIPT_CANCELLED and does not count in last/stats. */
void resource_cancel(struct resource *r, uint64_t token);

/* Timeout in force for an action (config, else meta-data, else 30 s). */
uint64_t resource_timeout(const struct resource *r, enum resource_action a);

/* A reload changed cr's policy (conf_resource_same(cr, r's) holds): the
 * timeout applies from the next action on. */
void resource_set_conf(struct resource *r, const struct conf_resource *cr);

/* The last result of each action, for status; NULL when never run. */
const struct resource_result *resource_last(const struct resource *r,
					    enum resource_action a);
/* An action runs or waits. */
bool resource_busy(const struct resource *r);

/* Per-resource counters for metrics: actions that were started (a
 * spawn failure included), not those dropped from the queue. */
struct resource_stats {
	uint64_t runs[RESOURCE_ACTION_MAX];
	uint64_t failures[RESOURCE_ACTION_MAX];
	uint64_t timeouts;
	uint64_t duration_us[RESOURCE_ACTION_MAX]; /* sum, for averages */
};
const struct resource_stats *resource_stats(const struct resource *r);

#endif
