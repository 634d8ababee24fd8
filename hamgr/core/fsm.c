/* fsm: RFC 5798 section 6.4 state machine with FAULT, as pure functions.
 *
 * Names follow the RFC: Master_Adver_Interval, Skew_Time,
 * Master_Down_Interval, Adver_Timer, Master_Down_Timer, Preempt_Mode.
 * Times are monotonic microseconds supplied by the caller. */
#include "core/fsm.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FSM_DEFAULT_GARP_REFRESH_US 1000000ULL

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

uint64_t fsm_skew_time(const struct fsm *f)
{
	return ((256u - f->cfg.priority) * (uint64_t)f->master_adver_int_us) / 256u;
}

uint64_t fsm_master_down_interval(const struct fsm *f)
{
	return 3u * (uint64_t)f->master_adver_int_us + fsm_skew_time(f);
}

static void emit(struct fsm_actions *out, enum fsm_action_type t, uint8_t prio)
{
	/* FSM_MAX_ACTIONS bounds the longest sequence any event produces
	 * (state + advert + vips + garp); overflowing it is a bug, and dropping
	 * silently would hide it, so the last slot is overwritten instead of
	 * writing past the array. */
	size_t i = out->n < FSM_MAX_ACTIONS ? out->n++ : FSM_MAX_ACTIONS - 1;

	memset(&out->a[i], 0, sizeof(out->a[i]));
	out->a[i].type = t;
	out->a[i].priority = prio;
}

static void set_state(struct fsm *f, uint64_t now, enum fsm_state to,
		      enum fsm_cause cause, struct fsm_actions *out,
		      const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void set_state(struct fsm *f, uint64_t now, enum fsm_state to,
		      enum fsm_cause cause, struct fsm_actions *out,
		      const char *fmt, ...)
{
	struct fsm_action *a;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
	emit(out, FSM_ACT_STATE, 0);
	a = &out->a[out->n - 1];
	a->from = f->state;
	a->to = to;
	f->state = to;
	f->cause = cause;
	f->state_since = now;
	f->transitions++;
}

static void arm_master_down(struct fsm *f, uint64_t now)
{
	f->master_down_timer = now + fsm_master_down_interval(f);
	f->adver_timer = 0;
}

static void forget_master(struct fsm *f)
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
	snprintf(f->reason, sizeof(f->reason), "not started");
}

static void become_master(struct fsm *f, uint64_t now, enum fsm_cause cause,
			  const char *why, struct fsm_actions *out)
{
	set_state(f, now, FSM_MASTER, cause, out, "%s", why);
	emit(out, FSM_ACT_SEND_ADVERT, f->cfg.priority);
	emit(out, FSM_ACT_ADD_VIPS, 0);
	emit(out, FSM_ACT_SEND_GARP, 0);
	f->adver_timer = now + f->cfg.adver_int_us;
	f->master_down_timer = 0;
	f->yielded = false;
	f->handover_wait = false;
	forget_master(f);
}

/* INIT (or FAULT recovered) -> BACKUP, or MASTER for the address owner. */
static void leave_init(struct fsm *f, uint64_t now, enum fsm_cause cause,
		       struct fsm_actions *out)
{
	char why[96];

	forget_master(f);
	if (f->cfg.priority == 255 && !f->standby) {
		snprintf(why, sizeof(why), "%s; priority 255 (address owner)",
			 cause == FSM_CAUSE_LINK_UP ? "link up" : "startup");
		become_master(f, now, FSM_CAUSE_OWNER, why, out);
		return;
	}
	f->master_adver_int_us = f->cfg.adver_int_us;
	arm_master_down(f, now);
	set_state(f, now, FSM_BACKUP, cause, out, "%s; waiting %llu ms for a master",
		  cause == FSM_CAUSE_LINK_UP ? "link up" : "startup",
		  (unsigned long long)(fsm_master_down_interval(f) / 1000));
}

void fsm_start(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	if (f->state != FSM_INIT)
		return;
	if (!f->link_up) {
		set_state(f, now, FSM_FAULT, FSM_CAUSE_LINK_DOWN, out,
			  "startup with the interface down");
		return;
	}
	leave_init(f, now, FSM_CAUSE_STARTUP, out);
}

void fsm_shutdown(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	if (f->state == FSM_INIT)
		return;
	if (f->state == FSM_MASTER) {
		/* Priority 0 lets a backup take over after Skew_Time only. */
		emit(out, FSM_ACT_SEND_ADVERT, 0);
		emit(out, FSM_ACT_DEL_VIPS, 0);
	}
	f->adver_timer = 0;
	f->master_down_timer = 0;
	forget_master(f);
	set_state(f, now, FSM_INIT, FSM_CAUSE_SHUTDOWN, out, "shutdown");
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
	arm_master_down(f, now);
	f->release_seen = false;
}

static void backup_recv(struct fsm *f, uint64_t now, const struct ipaddr *src,
			uint8_t priority, uint32_t adver_int_us)
{
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
	if (!f->cfg.preempt || f->yielded || f->standby || priority >= f->cfg.priority) {
		f->preempt_since = 0;
		f->lower_seen = false;
		backup_accept(f, now, adver_int_us);
		return;
	}
	/* A lower-priority master and we may preempt. With a preempt delay we
	 * keep following it until the delay has passed since we first heard
	 * it; after that its adverts are discarded and Master_Down_Timer
	 * expires (RFC 5798 6.4.2). */
	f->lower_seen = true;
	if (f->cfg.preempt_delay_us) {
		if (!f->preempt_since)
			f->preempt_since = now;
		if (now - f->preempt_since < f->cfg.preempt_delay_us)
			backup_accept(f, now, adver_int_us);
	}
}

static void master_recv(struct fsm *f, uint64_t now, const struct ipaddr *src,
			uint8_t priority, uint32_t adver_int_us,
			struct fsm_actions *out)
{
	char a[IPADDR_STRLEN];
	uint64_t gap = f->cfg.garp_refresh_us ? f->cfg.garp_refresh_us
					      : FSM_DEFAULT_GARP_REFRESH_US;

	if (priority == 0) {
		/* Another node released: assert ourselves at once. */
		emit(out, FSM_ACT_SEND_ADVERT, f->cfg.priority);
		f->adver_timer = now + f->cfg.adver_int_us;
		return;
	}
	if (priority > f->cfg.priority ||
	    (priority == f->cfg.priority && ipaddr_cmp(src, &f->primary) > 0)) {
		note_master(f, now, src, priority);
		f->master_adver_int_us = adver_int_us;
		set_state(f, now, FSM_BACKUP, FSM_CAUSE_PREEMPTED, out,
			  "preempted by %s priority %u%s", ipaddr_str(src, a, sizeof(a)),
			  priority, priority == f->cfg.priority ? " (equal priority, higher address)" : "");
		emit(out, FSM_ACT_DEL_VIPS, 0);
		arm_master_down(f, now);
		return;
	}
	/* A lower master (healed partition, resumed process): keep the role,
	 * and tell it and the clients at once, so nobody stays with the node
	 * that is about to yield. Rate-limited against floods. */
	if (f->last_garp_refresh && now - f->last_garp_refresh < gap)
		return;
	f->last_garp_refresh = now;
	emit(out, FSM_ACT_SEND_ADVERT, f->cfg.priority);
	emit(out, FSM_ACT_SEND_GARP, 0);
	f->adver_timer = now + f->cfg.adver_int_us;
}

void fsm_recv(struct fsm *f, uint64_t now, const struct ipaddr *src,
	      uint8_t priority, uint32_t max_adver_int_us, struct fsm_actions *out)
{
	if (ipaddr_eq(src, &f->primary))
		return;
	if (f->state == FSM_BACKUP)
		backup_recv(f, now, src, priority, max_adver_int_us);
	else if (f->state == FSM_MASTER)
		master_recv(f, now, src, priority, max_adver_int_us, out);
}

uint64_t fsm_next_deadline(const struct fsm *f)
{
	if (f->state == FSM_MASTER)
		return f->adver_timer;
	if (f->state == FSM_BACKUP && !f->standby)
		return f->master_down_timer;
	return 0;
}

static void master_down_expired(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	char why[160], a[IPADDR_STRLEN];

	if (f->yielded && !f->master_known)
		snprintf(why, sizeof(why), "switchover: no backup took over within %llu ms; "
			 "taking the role back", (unsigned long long)((now - f->state_since) / 1000));
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
			 f->cfg.priority);
	else
		snprintf(why, sizeof(why), "master_down timer expired: no advert from %s for %llu ms",
			 ipaddr_str(&f->master_addr, a, sizeof(a)),
			 (unsigned long long)((now - f->master_last_seen) / 1000));
	become_master(f, now,
		      f->release_seen ? FSM_CAUSE_RELEASE_SEEN : FSM_CAUSE_MASTER_DOWN,
		      why, out);
}

void fsm_timer(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	if (f->state == FSM_MASTER && f->adver_timer && now >= f->adver_timer) {
		emit(out, FSM_ACT_SEND_ADVERT, f->cfg.priority);
		/* Schedule from the deadline, not from now, so a late wakeup
		 * does not stretch the period; but never into the past. */
		f->adver_timer += f->cfg.adver_int_us;
		if (f->adver_timer <= now)
			f->adver_timer = now + f->cfg.adver_int_us;
	} else if (f->state == FSM_BACKUP && !f->standby && f->master_down_timer &&
		   now >= f->master_down_timer) {
		master_down_expired(f, now, out);
	}
}

void fsm_link(struct fsm *f, uint64_t now, bool up, struct fsm_actions *out)
{
	if (up == f->link_up)
		return;
	f->link_up = up;
	if (!up) {
		if (f->state == FSM_INIT)
			return;
		if (f->state == FSM_MASTER)
			emit(out, FSM_ACT_DEL_VIPS, 0);
		f->adver_timer = 0;
		f->master_down_timer = 0;
		forget_master(f);
		set_state(f, now, FSM_FAULT, FSM_CAUSE_LINK_DOWN, out, "interface link down");
		return;
	}
	if (f->state == FSM_FAULT)
		leave_init(f, now, FSM_CAUSE_LINK_UP, out);
}

void fsm_reconfigure(struct fsm *f, uint64_t now, const struct fsm_config *cfg,
		     struct fsm_actions *out)
{
	f->cfg = *cfg;
	if (f->state == FSM_MASTER) {
		if (f->adver_timer > now + cfg->adver_int_us)
			f->adver_timer = now + cfg->adver_int_us;
		return;
	}
	if (f->state != FSM_BACKUP)
		return;
	if (cfg->priority == 255 && !f->standby) {
		become_master(f, now, FSM_CAUSE_OWNER, "reload: priority 255 (address owner)", out);
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

/* A MASTER gives the role up: priority 0 so a backup takes over after its
 * Skew_Time, VIPs removed before that, so no instant has two holders. */
static void release_to_backup(struct fsm *f, uint64_t now, enum fsm_cause cause,
			      const char *why, struct fsm_actions *out)
{
	set_state(f, now, FSM_BACKUP, cause, out, "%s", why);
	emit(out, FSM_ACT_SEND_ADVERT, 0);
	emit(out, FSM_ACT_DEL_VIPS, 0);
	forget_master(f);
	f->master_adver_int_us = f->cfg.adver_int_us;
	arm_master_down(f, now);
}

void fsm_set_standby(struct fsm *f, uint64_t now, bool on, struct fsm_actions *out)
{
	if (on == f->standby)
		return;
	f->standby = on;
	f->yielded = false;
	if (on && f->state == FSM_MASTER) {
		release_to_backup(f, now, FSM_CAUSE_STANDBY, "standby requested by operator", out);
		return;
	}
	if (!on && f->state == FSM_BACKUP) {
		/* Back in the election: wait a full Master_Down_Interval for a
		 * master before taking over, like a node that just started. */
		if (f->cfg.priority == 255) {
			become_master(f, now, FSM_CAUSE_OWNER,
				      "active again; priority 255 (address owner)", out);
			return;
		}
		snprintf(f->reason, sizeof(f->reason), "active again (operator); %s",
			 f->master_known ? "following the current master" : "waiting for a master");
		if (!f->master_known)
			arm_master_down(f, now);
	}
}

int fsm_switchover(struct fsm *f, uint64_t now, struct fsm_actions *out)
{
	if (f->state != FSM_MASTER)
		return -1;
	release_to_backup(f, now, FSM_CAUSE_SWITCHOVER, "switchover requested by operator", out);
	f->yielded = true;
	return 0;
}

uint8_t fsm_effective_priority(const struct fsm *f)
{
	return f->standby ? 0 : f->cfg.priority;
}

int fsm_take_over(struct fsm *f, uint64_t now, const char *why, struct fsm_actions *out)
{
	if (f->state != FSM_BACKUP || f->standby)
		return -1;
	become_master(f, now, FSM_CAUSE_SWITCHOVER, why, out);
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
