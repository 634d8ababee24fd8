/* fsm: RFC 5798 section 6.4 state machine with FAULT, as pure functions.
 *
 * Names follow the RFC: Master_Adver_Interval, Skew_Time,
 * Master_Down_Interval, Adver_Timer, Master_Down_Timer, Preempt_Mode.
 * Times are monotonic microseconds supplied by the caller. */
#include "core/fsm.h"
#include "core/fsm_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FSM_DEFAULT_GARP_REFRESH_US 1000000ULL

/* RFC 5798's tie-break: of two masters with one priority, the higher
 * primary address keeps the role. test/explore compiles a broken copy
 * with FSM_MUTANT_NO_TIEBREAK (never in hamgr) to show that its checker
 * catches an election without it. */
#ifdef FSM_MUTANT_NO_TIEBREAK
#define TIE_BREAK(src, f) ((void)(src), (void)(f), false)
#else
#define TIE_BREAK(src, f) (ipaddr_cmp((src), &(f)->primary) > 0)
#endif

/* What a witness or quorum adds to Master_Down_Interval (fsm_config.
 * down_wait_us). test/explore compiles a copy without it under
 * FSM_MUTANT_NO_DOWN_WAIT (never in hamgr): a backup then takes over from a
 * cut-off master before it steps down, which its checker must catch. */
#ifdef FSM_MUTANT_NO_DOWN_WAIT
#define DOWN_WAIT(f) ((void)(f), 0u)
#else
#define DOWN_WAIT(f) ((f)->cfg.down_wait_us)
#endif

const char *fsm_state_str(enum fsm_state s)
{
	switch (s) {
	case FSM_INIT: return "INIT";
	case FSM_BACKUP: return "BACKUP";
	case FSM_MASTER: return "MASTER";
	case FSM_FAULT: return "FAULT";
	}
	return "?";
}

uint8_t fsm_effective_priority(const struct fsm *f)
{
	return f->standby || f->holdoff ? 0 : f->prio;
}

/* What a master puts in its adverts: while releasing, the priority it had
 * when the release began, so nobody takes over before the VIPs are gone. */
static uint8_t adv_prio(const struct fsm *f)
{
	return f->releasing != FSM_CAUSE_NONE ? f->release_prio : fsm_effective_priority(f);
}

uint8_t fsm_advert_priority(const struct fsm *f)
{
	return adv_prio(f);
}

/* Out of the election: never becomes MASTER. */
bool fsm_i_benched(const struct fsm *f)
{
	return f->standby || f->holdoff || f->shutdown;
}

/* With the priority the node competes with when in the election (tracks
 * applied, standby and hold-off not): a benched node never fires the
 * timer, and one coming back keeps the timer it was following with. */
uint64_t fsm_skew_time(const struct fsm *f)
{
	return ((256u - f->prio) * (uint64_t)f->master_adver_int_us) / 256u;
}

uint64_t fsm_gate_us(const struct fsm *f, uint64_t startup_gate_us)
{
	uint64_t intv = f->master_adver_int_us > f->cfg.adver_int_us ? f->master_adver_int_us
								    : f->cfg.adver_int_us;

	if (!f->settle)
		return startup_gate_us;
	/* settle-gate shortens only a takeover from a master that went
	 * silent. After a release a pair needs the full gate too: two
	 * masters of VRRP's moment that both give the role up each take the
	 * other's priority 0 for their master's release and both take over
	 * after the same Skew_Time (the checker's pair0-equal/reorder). */
	return f->cfg.settle_fixed && f->silent_known ? f->cfg.settle_gate_us : 2 * intv;
}

uint64_t fsm_master_down_interval(const struct fsm *f)
{
	return 3u * (uint64_t)f->master_adver_int_us + fsm_skew_time(f) + DOWN_WAIT(f);
}

void fsm_i_emit(struct fsm_actions *out, enum fsm_action_type t, uint8_t prio)
{
	/* FSM_MAX_ACTIONS bounds the longest sequence any event produces;
	 * overflowing it is a bug: counted (the tests assert it stays 0),
	 * never written past the array. */
	size_t i;

	if (out->n >= FSM_MAX_ACTIONS) {
		out->overflow++;
		return;
	}
	i = out->n++;
	memset(&out->a[i], 0, sizeof(out->a[i]));
	out->a[i].type = t;
	out->a[i].priority = prio;
}

void fsm_i_set_state(struct fsm *f, uint64_t now, enum fsm_state to,
		      enum fsm_cause cause, struct fsm_actions *out,
		      const char *fmt, ...)
{
	struct fsm_action *a;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
	fsm_i_emit(out, FSM_ACT_STATE, 0);
	if (out->n) {
		a = &out->a[out->n - 1];
		a->from = f->state;
		a->to = to;
	}
	f->reason_len = strlen(f->reason);
	f->state = to;
	f->cause = cause;
	f->state_since = now;
	f->transitions++;
}

/* A BACKUP's reason after the cause of its last transition: the master it
 * follows, or that it waits for one. */
static void follow_reason(struct fsm *f)
{
	char a[IPADDR_STRLEN];
	size_t n = f->reason_len < sizeof(f->reason) ? f->reason_len : strlen(f->reason);

	if (f->master_known)
		snprintf(f->reason + n, sizeof(f->reason) - n, "%sfollowing master %s (priority %u)",
			 n ? "; " : "", ipaddr_str(&f->master_addr, a, sizeof(a)),
			 f->master_priority);
	else
		snprintf(f->reason + n, sizeof(f->reason) - n, "%swaiting for a master",
			 n ? "; " : "");
}

/* The reason becomes cause, then what follow_reason() says. */
void fsm_i_backup_reason(struct fsm *f, const char *cause)
{
	snprintf(f->reason, sizeof(f->reason), "%s", cause);
	f->reason_len = strlen(f->reason);
	follow_reason(f);
}

void fsm_i_arm_master_down(struct fsm *f, uint64_t now)
{
	f->master_down_timer = now + fsm_master_down_interval(f);
	f->adver_timer = 0;
}

void fsm_i_forget_master(struct fsm *f)
{
	f->master_known = false;
	f->release_seen = false;
	f->lower_seen = false;
	f->preempt_since = 0;
}

void fsm_init(struct fsm *f, const struct fsm_config *cfg, const struct ipaddr *primary)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	if (primary)
		f->primary = *primary;
	f->state = FSM_INIT;
	f->master_adver_int_us = cfg->adver_int_us;
	f->link_up = true;
	f->prio = cfg->priority;
	snprintf(f->reason, sizeof(f->reason), "not started");
}

void fsm_i_become_master(struct fsm *f, uint64_t now, enum fsm_cause cause,
			  const char *why, struct fsm_actions *out)
{
	/* Handed the role by name: the old master released everything first
	 * and the other backups wait for us: confirmed. A master that was
	 * heard went silent or released: other backups heard the same and
	 * may take over at the same instant (equal priorities, or a late
	 * advert), so not confirmed until a competing master's advert had
	 * time to arrive: the short settle gate (fsm_gate_us). Having heard
	 * nobody since start: the start-up gate. */
	f->confirmed = cause == FSM_CAUSE_SWITCHOVER;
	f->settle = cause == FSM_CAUSE_RELEASE_SEEN ||
		    (cause == FSM_CAUSE_MASTER_DOWN && f->master_known && !f->lower_seen);
	/* Preempting a lower master that still holds: its release is not
	 * confirmed until it says so (an announcement without "held", or a
	 * priority-0 advert), or the gate time passes. */
	f->awaiting_release = cause == FSM_CAUSE_MASTER_DOWN && f->master_known && f->lower_seen;
	if (f->awaiting_release)
		f->preempted = f->master_addr;
	f->silent_known = cause == FSM_CAUSE_MASTER_DOWN && f->master_known && !f->lower_seen &&
			  !f->release_seen;
	if (f->silent_known)
		f->silent_master = f->master_addr;
	fsm_i_set_state(f, now, FSM_MASTER, cause, out, "%s", why);
	fsm_i_emit(out, FSM_ACT_SEND_ADVERT, fsm_effective_priority(f));
	fsm_i_emit(out, FSM_ACT_ACQUIRE, 0);
	f->releasing = FSM_CAUSE_NONE;
	f->adver_timer = now + f->cfg.adver_int_us;
	f->master_down_timer = 0;
	f->yielded = false;
	f->handover_wait = false;
	fsm_i_forget_master(f);
}

/* INIT (or FAULT recovered) -> BACKUP, or MASTER for the address owner. */
void fsm_i_leave_init(struct fsm *f, uint64_t now, enum fsm_cause cause,
		       struct fsm_actions *out)
{
	char why[96];

	const char *what = cause == FSM_CAUSE_LINK_UP ? "link up" :
			   cause == FSM_CAUSE_TRACK_UP ? "track up" :
			   cause == FSM_CAUSE_QUORUM_UP ? "quorum regained" : "startup";

	fsm_i_forget_master(f);
	if (fsm_effective_priority(f) == 255) {
		snprintf(why, sizeof(why), "%s; priority 255 (address owner)", what);
		fsm_i_become_master(f, now, FSM_CAUSE_OWNER, why, out);
		return;
	}
	f->master_adver_int_us = f->cfg.adver_int_us;
	fsm_i_arm_master_down(f, now);
	fsm_i_set_state(f, now, FSM_BACKUP, cause, out, "%s; waiting %llu ms for a master", what,
		  (unsigned long long)(fsm_master_down_interval(f) / 1000));
	f->reason_len = strlen(what);
}

void fsm_start(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	if (f->state != FSM_INIT)
		return;
	f->shutdown = false;
	f->heard = false;
	f->join_held = false;
	if (f->fault) {
		fsm_i_set_state(f, now, FSM_FAULT,
			  f->fault & FSM_FAULT_LINK ? FSM_CAUSE_LINK_DOWN : FSM_CAUSE_TRACK_DOWN,
			  out, "startup with %s", f->fault & FSM_FAULT_LINK ?
			  "the interface down" : "a weight-0 track down");
		return;
	}
	fsm_i_leave_init(f, now, FSM_CAUSE_STARTUP, out);
}




static void note_master(struct fsm *f, uint64_t now, const struct ipaddr *src,
			uint8_t priority)
{
	f->master_known = true;
	f->master_addr = *src;
	f->master_priority = priority;
	f->master_last_seen = now;
}

static void backup_accept(struct fsm *f, uint64_t now, uint32_t adver_int_us)
{
	f->master_adver_int_us = adver_int_us;
	fsm_i_arm_master_down(f, now);
	f->release_seen = false;
}

static void backup_recv(struct fsm *f, uint64_t now, const struct ipaddr *src,
			uint8_t priority, uint32_t adver_int_us)
{
	/* A master first heard, another one, or a new priority: named in
	 * the reason once it is followed. */
	bool news = !f->master_known || !ipaddr_eq(&f->master_addr, src) ||
		    f->master_priority != priority;

	/* A release from a node we do not follow (the loser of a moment
	 * with two masters) is not our master's: following it would race
	 * the master we hear after Skew_Time. Nor is one heard while we
	 * follow nobody (back from FAULT, just started): a preempted master
	 * says it released once it has (explore W4: a node regaining quorum
	 * took that for its master's release and skipped the quorum wait);
	 * we wait a full Master_Down_Interval instead. */
	if (priority == 0 && (!f->master_known || !ipaddr_eq(&f->master_addr, src)))
		return;
	note_master(f, now, src, priority);
	if (priority == 0) {
		/* The master released: take over after Skew_Time only. A stream
		 * of releases must not push a takeover that is already due
		 * later, so only ever bring the deadline closer. */
		/* After a handover to another node, the release is for that
		 * node: do not race it after Skew_Time. */
		if (f->handover_wait)
			return;
		if (!f->master_down_timer || f->master_down_timer > now + fsm_skew_time(f))
			f->master_down_timer = now + fsm_skew_time(f);
		f->release_seen = true;
		return;
	}
	/* In standby we compete with priority 0, below every master: follow
	 * it, so that standby off starts preemption (and its delay) afresh
	 * from the last advert instead of at once from a stale timer. */
	f->handover_wait = false;       /* a master speaks: the handover is done */
	if (!f->cfg.preempt || f->yielded || fsm_i_benched(f) || priority >= fsm_effective_priority(f)) {
		f->preempt_since = 0;
		f->lower_seen = false;
		backup_accept(f, now, adver_int_us);
		if (news)
			follow_reason(f);
		return;
	}
	/* A lower-priority master and we may preempt. With a preempt delay we
	 * keep following it until the delay has passed since we first heard
	 * it; after that its adverts are discarded and Master_Down_Timer
	 * expires (RFC 5798 6.4.2). A release heard before no longer
	 * explains the takeover: this master holds the addresses, so it is
	 * preempted (told to release, awaited) and named as such. */
	f->lower_seen = true;
	f->release_seen = false;
	if (f->cfg.preempt_delay_us) {
		if (!f->preempt_since)
			f->preempt_since = now;
		if (now - f->preempt_since < f->cfg.preempt_delay_us) {
			backup_accept(f, now, adver_int_us);
			if (news)
				follow_reason(f);
		}
	}
}

static void master_recv(struct fsm *f, uint64_t now, const struct ipaddr *src,
			uint8_t priority, uint32_t adver_int_us,
			struct fsm_actions *out)
{
	char a[IPADDR_STRLEN];
	uint64_t gap = f->cfg.garp_refresh_us ? f->cfg.garp_refresh_us
					      : FSM_DEFAULT_GARP_REFRESH_US;

	uint8_t ours = adv_prio(f);

	if (priority == 0) {
		/* The master we preempted has released all it held. Another
		 * node that preempted it too hears the same: settle first. */
		if (f->awaiting_release && ipaddr_eq(src, &f->preempted))
			fsm_preempted_released(f, out);
		/* Another node released: assert ourselves at once. It may have
		 * held our addresses (a healed partition: it yielded to us), so
		 * clients may still point at it: announce them again too,
		 * rate-limited like the answer to a lower master. */
		fsm_i_emit(out, FSM_ACT_SEND_ADVERT, ours);
		f->adver_timer = now + f->cfg.adver_int_us;
		if (!f->last_garp_refresh || now - f->last_garp_refresh >= gap) {
			f->last_garp_refresh = now;
			fsm_i_emit(out, FSM_ACT_SEND_GARP, 0);
		}
		return;
	}
	if (priority > ours || (priority == ours && TIE_BREAK(src, f))) {
		/* The other one is master already: no priority 0 to send, the
		 * pipeline undoes our steps (a release under way goes on). */
		if (f->releasing == FSM_CAUSE_NONE)
			fsm_i_emit(out, FSM_ACT_RELEASE, 0);
		f->releasing = FSM_CAUSE_NONE;
		if (f->shutdown) {
			fsm_i_to_init(f, now, out);
			return;
		}
		if (f->fault) {
			/* Releasing for a weight-0 track: FAULT, not BACKUP. */
			f->adver_timer = 0;
			fsm_i_forget_master(f);
			fsm_i_set_state(f, now, FSM_FAULT, FSM_CAUSE_TRACK_DOWN, out,
				  "preempted by %s priority %u while releasing: %s",
				  ipaddr_str(src, a, sizeof(a)), priority, f->release_why);
			return;
		}
		note_master(f, now, src, priority);
		f->master_adver_int_us = adver_int_us;
		f->zero_due = true;
		fsm_i_set_state(f, now, FSM_BACKUP, FSM_CAUSE_PREEMPTED, out,
			  "preempted by %s priority %u%s", ipaddr_str(src, a, sizeof(a)),
			  priority, priority == ours ? " (equal priority, higher address)" : "");
		fsm_i_arm_master_down(f, now);
		return;
	}
	/* A lower master (healed partition, resumed process): keep the role,
	 * and tell it and the clients at once, so nobody stays with the node
	 * that is about to yield. Rate-limited against floods. */
	if (f->last_garp_refresh && now - f->last_garp_refresh < gap)
		return;
	f->last_garp_refresh = now;
	fsm_i_emit(out, FSM_ACT_SEND_ADVERT, ours);
	fsm_i_emit(out, FSM_ACT_SEND_GARP, 0);
	f->adver_timer = now + f->cfg.adver_int_us;
}

void fsm_recv(struct fsm *f, uint64_t now, const struct ipaddr *src,
	      uint8_t priority, uint32_t max_adver_int_us, struct fsm_actions *out)
{
	if (ipaddr_eq(src, &f->primary))
		return;
	f->heard = true;
	if (f->state == FSM_BACKUP)
		backup_recv(f, now, src, priority, max_adver_int_us);
	else if (f->state == FSM_MASTER)
		master_recv(f, now, src, priority, max_adver_int_us, out);
}

uint64_t fsm_next_deadline(const struct fsm *f)
{
	uint64_t d = 0;

	if (f->state == FSM_MASTER)
		d = f->adver_timer;
	else if (f->state == FSM_BACKUP && !fsm_i_benched(f))
		d = f->master_down_timer;
	if (f->holdoff && (!d || f->holdoff_until < d))
		d = f->holdoff_until;
	return d;
}

void fsm_note_dropped(struct fsm *f, uint64_t now, const struct ipaddr *src, const char *why)
{
	f->dropped_at = now;
	f->dropped_from = *src;
	snprintf(f->dropped_why, sizeof(f->dropped_why), "%s", why);
}

/* The timer expired although adverts arrived, dropped (fsm_note_dropped):
 * the reason names them. False when there were none recently. */
static bool master_down_dropped(struct fsm *f, uint64_t now, char *why, size_t len)
{
	char a[IPADDR_STRLEN], d[IPADDR_STRLEN];
	unsigned long long ms;
	bool same;

	if (!f->dropped_at || now - f->dropped_at > fsm_master_down_interval(f))
		return false;
	ipaddr_str(&f->dropped_from, d, sizeof(d));
	if (!f->master_known) {
		snprintf(why, len, "master_down timer expired: no valid advert heard for %llu ms; "
			 "adverts from %s are dropped: %s",
			 (unsigned long long)((now - f->state_since) / 1000), d, f->dropped_why);
		return true;
	}
	same = ipaddr_eq(&f->dropped_from, &f->master_addr);
	ms = (unsigned long long)((now - f->master_last_seen) / 1000);
	ipaddr_str(&f->master_addr, a, sizeof(a));
	if (same)
		snprintf(why, len, "master_down timer expired: no valid advert from %s for %llu ms; "
			 "its adverts are dropped: %s", a, ms, f->dropped_why);
	else
		snprintf(why, len, "master_down timer expired: no advert from %s for %llu ms; "
			 "adverts from %s are dropped: %s", a, ms, d, f->dropped_why);
	return true;
}

static void master_down_expired(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	char why[320], a[IPADDR_STRLEN];  /* cut to the reason's size */

	if (f->yielded && !f->master_known)
		snprintf(why, sizeof(why), "switchover: no backup took over within %llu ms; "
			 "taking the role back", (unsigned long long)((now - f->state_since) / 1000));
	else if (!f->release_seen && !f->lower_seen && master_down_dropped(f, now, why, sizeof(why)))
		;
	else if (!f->master_known)
		snprintf(why, sizeof(why), "master_down timer expired: no advert heard for %llu ms",
			 (unsigned long long)((now - (f->state_since)) / 1000));
	else if (f->release_seen)
		snprintf(why, sizeof(why), "master %s released (priority 0); took over after Skew_Time %llu ms",
			 ipaddr_str(&f->master_addr, a, sizeof(a)),
			 (unsigned long long)(fsm_skew_time(f) / 1000));
	else if (f->lower_seen)
		snprintf(why, sizeof(why), "preempting %s priority %u (ours %u)",
			 ipaddr_str(&f->master_addr, a, sizeof(a)), f->master_priority,
			 fsm_effective_priority(f));
	else
		snprintf(why, sizeof(why), "master_down timer expired: no advert from %s for %llu ms",
			 ipaddr_str(&f->master_addr, a, sizeof(a)),
			 (unsigned long long)((now - f->master_last_seen) / 1000));
	fsm_i_become_master(f, now,
		      f->release_seen ? FSM_CAUSE_RELEASE_SEEN : FSM_CAUSE_MASTER_DOWN,
		      why, out);
}

/* The hold-off after a give-up is over: back in the election like a
 * node that just came back from standby. */
static void holdoff_over(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	f->holdoff = false;
	if (f->state == FSM_BACKUP && !fsm_i_benched(f) && fsm_effective_priority(f) == 255) {
		fsm_i_become_master(f, now, FSM_CAUSE_OWNER,
			      "hold-off after giving up is over; priority 255 (address owner)", out);
		return;
	}
	if (f->state == FSM_BACKUP && !fsm_i_benched(f)) {
		fsm_i_backup_reason(f, "hold-off after giving up is over");
		if (!f->master_known)
			fsm_i_arm_master_down(f, now);
	}
}

void fsm_timer(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	if (f->holdoff && now >= f->holdoff_until)
		holdoff_over(f, now, out);
	if (f->state == FSM_MASTER && f->adver_timer && now >= f->adver_timer) {
		fsm_i_emit(out, FSM_ACT_SEND_ADVERT, adv_prio(f));
		/* Schedule from the deadline, not from now, so a late wakeup
		 * does not stretch the period; but never into the past. */
		f->adver_timer += f->cfg.adver_int_us;
		if (f->adver_timer <= now)
			f->adver_timer = now + f->cfg.adver_int_us;
	} else if (f->state == FSM_BACKUP && !fsm_i_benched(f) && f->master_down_timer &&
		   now >= f->master_down_timer) {
		master_down_expired(f, now, out);
	}
}







void fsm_reconfigure(struct fsm *f, uint64_t now, const struct fsm_config *cfg,
		     uint8_t prio, struct fsm_actions *out)
{
	f->cfg = *cfg;
	f->prio = prio;
	if (f->state == FSM_MASTER) {
		if (f->adver_timer > now + cfg->adver_int_us)
			f->adver_timer = now + cfg->adver_int_us;
		return;
	}
	if (f->state != FSM_BACKUP)
		return;
	if (fsm_effective_priority(f) == 255 && !f->shutdown) {
		fsm_i_become_master(f, now, FSM_CAUSE_OWNER, "reload: priority 255 (address owner)", out);
		return;
	}
	if (!f->master_known)
		f->master_adver_int_us = cfg->adver_int_us;
	/* Re-derive the deadline from the last advert with the new Skew_Time,
	 * but never push a pending takeover later; only bring it closer. */
	if (f->master_known && !f->release_seen &&
	    f->master_down_timer > f->master_last_seen + fsm_master_down_interval(f))
		f->master_down_timer = f->master_last_seen + fsm_master_down_interval(f);
	if (f->master_down_timer > now + fsm_master_down_interval(f))
		f->master_down_timer = now + fsm_master_down_interval(f);
}

void fsm_set_primary(struct fsm *f, const struct ipaddr *primary)
{
	f->primary = *primary;
}




