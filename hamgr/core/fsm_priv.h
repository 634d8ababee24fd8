/* fsm_priv: what core/fsm.c (the RFC 5798 election) and core/fsm_role.c
 * (role changes asked from outside it) share. Not for anyone else. */
#ifndef HAMGR_FSM_PRIV_H
#define HAMGR_FSM_PRIV_H

#include "core/fsm.h"

/* Append an action (counted in out->overflow when full). */
void fsm_i_emit(struct fsm_actions *out, enum fsm_action_type t, uint8_t prio);
/* Transition to `to` with a reason; emits FSM_ACT_STATE. */
void fsm_i_set_state(struct fsm *f, uint64_t now, enum fsm_state to, enum fsm_cause cause,
		     struct fsm_actions *out, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Out of the election: standby, hold-off or shutting down. */
bool fsm_i_benched(const struct fsm *f);
void fsm_i_backup_reason(struct fsm *f, const char *cause);
void fsm_i_arm_master_down(struct fsm *f, uint64_t now);
void fsm_i_forget_master(struct fsm *f);
void fsm_i_become_master(struct fsm *f, uint64_t now, enum fsm_cause cause, const char *why,
			 struct fsm_actions *out);
/* INIT (or FAULT recovered) -> BACKUP, or MASTER for the address owner. */
void fsm_i_leave_init(struct fsm *f, uint64_t now, enum fsm_cause cause,
		      struct fsm_actions *out);
/* fsm_role.c: a master gives the role up by itself (RELEASE now, priority
 * 0 at fsm_released()); and the way to INIT. */
void fsm_i_start_release(struct fsm *f, enum fsm_cause cause, const char *why,
			 struct fsm_actions *out);
void fsm_i_to_init(struct fsm *f, uint64_t now, struct fsm_actions *out);

#endif
