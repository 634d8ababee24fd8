/* fsm_role: the role changes asked of the election from outside it: by
 * the operator (standby, switchover, handover), by the takeover pipeline
 * (released, give-up, confirmed), by the tracks (priority, FAULT causes)
 * and by the daemon (shutdown). The election itself is core/fsm.c. */
#include "core/fsm.h"
#include "core/fsm_priv.h"

#include <stdio.h>
#include <string.h>

/* A master gives the role up by itself: RELEASE now, keep advertising at
 * the priority it had, and finish in fsm_released(). */
void fsm_i_start_release(struct fsm *f, enum fsm_cause cause, const char *why,
			  struct fsm_actions *out)
{
	if (f->releasing != FSM_CAUSE_NONE) {
		if (cause == FSM_CAUSE_SHUTDOWN)
			f->releasing = cause;
		return;
	}
	f->release_prio = fsm_effective_priority(f);
	if (!f->release_prio)
		f->release_prio = f->prio ? f->prio : 1;
	f->releasing = cause;
	snprintf(f->release_why, sizeof(f->release_why), "%s", why);
	snprintf(f->reason, sizeof(f->reason), "releasing: %s", why);
	fsm_i_emit(out, FSM_ACT_RELEASE, 0);
}

void fsm_i_to_init(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	f->adver_timer = 0;
	f->master_down_timer = 0;
	f->releasing = FSM_CAUSE_NONE;
	fsm_i_forget_master(f);
	fsm_i_set_state(f, now, FSM_INIT, FSM_CAUSE_SHUTDOWN, out, "shutdown");
}

void fsm_shutdown(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	f->shutdown = true;
	if (f->state == FSM_INIT)
		return;
	if (f->state == FSM_MASTER) {
		fsm_i_start_release(f, FSM_CAUSE_SHUTDOWN, "shutdown", out);
		return;
	}
	/* A backup may still be undoing an earlier mastership: the
	 * pipeline finishes that (RELEASE is idempotent). */
	fsm_i_emit(out, FSM_ACT_RELEASE, 0);
	fsm_i_to_init(f, now, out);
}

void fsm_set_fault(struct fsm *f, uint64_t now, unsigned cause, bool on, const char *why,
		   struct fsm_actions *out)
{
	unsigned was = f->fault;

	f->fault = on ? was | cause : was & ~cause;
	f->link_up = !(f->fault & FSM_FAULT_LINK);
	if (f->state == FSM_INIT)
		return;
	if (f->state == FSM_MASTER && f->fault && !(f->fault & FSM_FAULT_LINK)) {
		/* Still on the wire (a weight-0 track, the link is up): give
		 * the role up as a switchover does, advertising until the
		 * pipeline has released everything (a database demoted before
		 * a backup may promote), then priority 0 and FAULT
		 * (fsm_released). A release under way goes on. */
		fsm_i_start_release(f, FSM_CAUSE_TRACK_DOWN, why, out);
		return;
	}
	/* A MASTER with a fault left is releasing for a track and has just
	 * lost its link: FAULT now, nobody hears its adverts any more. */
	if ((was != 0) == (f->fault != 0) && !(f->state == FSM_MASTER && f->fault))
		return;
	if (f->fault) {
		if (f->state == FSM_MASTER && f->releasing == FSM_CAUSE_NONE)
			fsm_i_emit(out, FSM_ACT_RELEASE, 0);
		if (f->shutdown) {
			/* A shutdown release was under way: the fault ends
			 * it as a shutdown in FAULT would (nobody finishes
			 * it later: fsm_released needs a MASTER). */
			fsm_i_to_init(f, now, out);
			return;
		}
		f->releasing = FSM_CAUSE_NONE;
		f->adver_timer = 0;
		f->master_down_timer = 0;
		fsm_i_forget_master(f);
		fsm_i_set_state(f, now, FSM_FAULT,
			  cause == FSM_FAULT_LINK ? FSM_CAUSE_LINK_DOWN : FSM_CAUSE_TRACK_DOWN,
			  out, "%s", why);
		return;
	}
	if (f->state == FSM_FAULT)
		fsm_i_leave_init(f, now, cause == FSM_FAULT_LINK ? FSM_CAUSE_LINK_UP :
				 cause == FSM_FAULT_QUORUM ? FSM_CAUSE_QUORUM_UP : FSM_CAUSE_TRACK_UP,
				 out);
}

void fsm_link(struct fsm *f, uint64_t now, bool up, struct fsm_actions *out)
{
	fsm_set_fault(f, now, FSM_FAULT_LINK, !up, "interface link down", out);
}

void fsm_set_priority(struct fsm *f, uint64_t now, uint8_t prio, struct fsm_actions *out)
{
	/* 0 means "release" on the wire: a tracked priority never is. */
	if (prio == 0)
		prio = 1;
	if (prio == f->prio)
		return;
	f->prio = prio;
	/* A backup's Skew_Time follows the priority: bring a pending
	 * Master_Down_Timer closer, never push it later. */
	if (f->state == FSM_BACKUP && f->master_known && !f->release_seen &&
	    f->master_down_timer > f->master_last_seen + fsm_master_down_interval(f))
		f->master_down_timer = f->master_last_seen + fsm_master_down_interval(f);
	if (f->state == FSM_MASTER && f->releasing == FSM_CAUSE_NONE && !fsm_i_benched(f)) {
		/* Tell the backups now: a better one preempts at once. */
		fsm_i_emit(out, FSM_ACT_SEND_ADVERT, fsm_effective_priority(f));
		f->adver_timer = now + f->cfg.adver_int_us;
	} else if (f->state == FSM_BACKUP && fsm_effective_priority(f) == 255) {
		fsm_i_become_master(f, now, FSM_CAUSE_PRIORITY,
			      "priority 255 (address owner) again", out);
	}
}

void fsm_released(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	enum fsm_cause cause = f->releasing;

	/* Preempted: the winner may never have heard us as a lower master
	 * (two masters of a healed partition, the loser hearing the winner
	 * first), yet clients may still point at us. One priority-0 advert
	 * once everything is released tells it: it announces the addresses
	 * again (master_recv). Backups that follow the winner ignore it
	 * (a release from a node they do not follow). */
	if (f->zero_due && f->state != FSM_MASTER) {
		f->zero_due = false;
		fsm_i_emit(out, FSM_ACT_SEND_ADVERT, 0);
		return;
	}
	f->zero_due = false;
	if (f->state != FSM_MASTER || cause == FSM_CAUSE_NONE)
		return;
	/* Priority 0 lets a backup take over after Skew_Time only. */
	fsm_i_emit(out, FSM_ACT_SEND_ADVERT, 0);
	f->releasing = FSM_CAUSE_NONE;
	if (f->shutdown) {
		fsm_i_to_init(f, now, out);
		return;
	}
	if (f->fault) {
		/* A weight-0 track went down (before or during the release). */
		f->adver_timer = 0;
		f->master_down_timer = 0;
		fsm_i_forget_master(f);
		fsm_i_set_state(f, now, FSM_FAULT, FSM_CAUSE_TRACK_DOWN, out, "%s",
			  cause == FSM_CAUSE_TRACK_DOWN ? f->release_why : "a weight-0 track down");
		return;
	}
	fsm_i_set_state(f, now, FSM_BACKUP, cause, out, "%s", f->release_why);
	fsm_i_forget_master(f);
	f->master_adver_int_us = f->cfg.adver_int_us;
	fsm_i_arm_master_down(f, now);
	if (cause == FSM_CAUSE_SWITCHOVER)
		f->yielded = true;
}

void fsm_give_up(struct fsm *f, uint64_t now, uint64_t holdoff_us, const char *why,
		 struct fsm_actions *out)
{
	f->holdoff = true;
	f->holdoff_until = now + (holdoff_us ? holdoff_us : 1);
	if (f->state == FSM_MASTER)
		fsm_i_start_release(f, FSM_CAUSE_GIVE_UP, why, out);
}

void fsm_preempted_released(struct fsm *f, struct fsm_actions *out)
{
	if (!f->awaiting_release || f->state != FSM_MASTER)
		return;
	f->awaiting_release = false;
	f->settle = true;
	fsm_i_emit(out, FSM_ACT_SETTLE, 0);
}

void fsm_confirm(struct fsm *f)
{
	f->confirmed = true;
	f->awaiting_release = false;
}

void fsm_set_standby(struct fsm *f, uint64_t now, bool on, struct fsm_actions *out)
{
	if (on == f->standby)
		return;
	if (on && f->state == FSM_MASTER)
		fsm_i_start_release(f, FSM_CAUSE_STANDBY, "standby requested by operator", out);
	f->standby = on;
	f->yielded = false;
	if (!on && f->state == FSM_BACKUP && !fsm_i_benched(f)) {
		/* Back in the election: wait a full Master_Down_Interval for a
		 * master before taking over, like a node that just started. */
		if (fsm_effective_priority(f) == 255) {
			fsm_i_become_master(f, now, FSM_CAUSE_OWNER,
				      "active again; priority 255 (address owner)", out);
			return;
		}
		fsm_i_backup_reason(f, "active again (operator)");
		if (!f->master_known)
			fsm_i_arm_master_down(f, now);
	}
}

int fsm_switchover(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	if (f->state != FSM_MASTER || f->releasing != FSM_CAUSE_NONE)
		return -1;
	fsm_i_start_release(f, FSM_CAUSE_SWITCHOVER, "switchover requested by operator", out);
	return 0;
}

int fsm_take_over(struct fsm *f, uint64_t now, const char *why, struct fsm_actions *out)
{
	if (f->state != FSM_BACKUP || fsm_i_benched(f))
		return -1;
	fsm_i_become_master(f, now, FSM_CAUSE_SWITCHOVER, why, out);
	return 0;
}

void fsm_yield(struct fsm *f, uint64_t now)
{
	if (f->state != FSM_BACKUP)
		return;
	f->yielded = true;
	f->handover_wait = true;
	f->release_seen = false;
	f->master_down_timer = now + fsm_master_down_interval(f);
}

void fsm_hold_for_join(struct fsm *f, uint64_t now)
{
	if (f->state != FSM_BACKUP || f->heard || f->join_held || !f->master_down_timer)
		return;
	f->join_held = true;
	/* One more interval beyond the deadline, not from now: the master's
	 * first heartbeat comes within an interval of our start, so "from
	 * now" would add next to nothing. */
	f->master_down_timer = (f->master_down_timer > now ? f->master_down_timer : now) +
			       fsm_master_down_interval(f);
}
