/* takeover: the instance's pipeline (core/pipeline.h) carried out.
 *
 * Steps, in config order: the conntrack commit (with conntrack-sync), the
 * before-vips resources, the VIPs with GARP/NA, the after-vips resources.
 * A resource step promotes/demotes (or starts/stops an agent that cannot
 * promote) through resource.c, which runs one action per resource at a
 * time; the VIP step is synchronous and its completion is fed back after
 * the current batch of actions, so the pipeline is never re-entered from
 * inside itself. Resources are also started when the instance starts,
 * stopped at shutdown once the pipeline has released, and monitored. */
#include "instance_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hello.h"
#include "events.h"
#include "monotime.h"
#include "resource.h"

#define TAKEOVER_MARGIN_US 3000000ULL      /* on top of a step's own timeout */
#define TAKEOVER_GRACE_US SCRIPT_DEFAULT_GRACE_US
#define TAKEOVER_HOLDOFF_DEFAULT_US 60000000ULL
#define TAKEOVER_CONNTRACK_US 120000000ULL  /* a commit of max-entries, with room */

static uint64_t ms(uint64_t us) { return us / 1000u; }

const char *instance_step_name(const struct instance *in, size_t step)
{
	const struct pipeline_step *s = &in->pipe.step[step];

	switch (s->cfg.kind) {
	case PIPELINE_VIPS: return "vips";
	case PIPELINE_FENCE: return "fence";
	case PIPELINE_CONNTRACK: return "conntrack";
	case PIPELINE_RESOURCE: return in->conf.resources[s->cfg.index].name;
	}
	return "?";
}

size_t instance_n_resources(const struct instance *in) { return in->conf.n_resources; }

const struct resource *instance_resource(const struct instance *in, size_t i,
					 int *monitor_rc, uint64_t *monitor_at)
{
	*monitor_rc = in->res[i].monitor_rc;
	*monitor_at = in->res[i].monitor_at;
	return in->res[i].r;
}

static struct pipeline_step_cfg step_for(struct instance *in, size_t i)
{
	const struct conf_resource *cr = &in->conf.resources[i];
	struct resource *r = in->res[i].r;
	bool prom = resource_promotable(r);
	uint64_t up = resource_timeout(r, prom ? RESOURCE_PROMOTE : RESOURCE_START);
	uint64_t down = resource_timeout(r, prom ? RESOURCE_DEMOTE : RESOURCE_STOP);
	struct pipeline_step_cfg s = {
		.kind = PIPELINE_RESOURCE,
		.index = (uint16_t)i,
		.gated = cr->irreversible,
		.release_on_fail = cr->on_fail == CONF_ON_FAIL_RELEASE,
		.restart_limit = cr->restart_limit,
		.restart_window_us = cr->restart_window_us,
	};

	/* A queued action waits for the one before it (a start at instance
	 * start, a monitor): allow for one of each ahead of it. */
	s.deadline_us = (up > down ? up : down) * 2 + resource_timeout(r, RESOURCE_MONITOR) +
			3 * TAKEOVER_GRACE_US + TAKEOVER_MARGIN_US;
	return s;
}

void takeover_reconfigure(struct instance *in, const struct conf_instance *old)
{
	size_t i;

	for (i = 0; i < in->conf.n_resources; i++) {
		struct pipeline_step_cfg s;

		if (conf_resource_equal(&old->resources[i], &in->conf.resources[i]))
			continue;
		log_info("instance %s: resource %s: timeouts, on-fail, monitor and restart "
			 "policy as reloaded, in place", in->conf.name, in->conf.resources[i].name);
		resource_set_conf(in->res[i].r, &in->conf.resources[i]);
		s = step_for(in, i);
		pipeline_set_policy(&in->pipe, in->res[i].step, &s);
		takeover_monitor_reconf(in, i, old->resources[i].monitor_interval_us);
	}
}

int takeover_init(struct instance *in, char *err, size_t errlen)
{
	struct pipeline_step_cfg steps[PIPELINE_MAX_STEPS];
	size_t n = 0, i;
	int phase;

	if (in->conf.n_resources) {
		in->res = calloc(in->conf.n_resources, sizeof(*in->res));
		if (!in->res) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	for (i = 0; i < in->conf.n_resources; i++) {
		in->res[i].in = in;
		in->res[i].monitor_rc = -1;
		in->res[i].r = resource_new(in->env->event, &in->conf.resources[i], in->conf.name,
					    err, errlen);
		if (!in->res[i].r)
			return -1;
	}
	/* First: nothing moves before a master that went silent is fenced;
	 * a failed fence gives the role up. */
	if (in->conf.fence[0])
		steps[n++] = (struct pipeline_step_cfg){ .kind = PIPELINE_FENCE,
			.release_on_fail = true,
			.deadline_us = in->conf.fence_timeout_us + 2 * TAKEOVER_GRACE_US +
				       TAKEOVER_MARGIN_US };
	if (in->conf.conntrack_sync)
		steps[n++] = (struct pipeline_step_cfg){ .kind = PIPELINE_CONNTRACK,
							 .deadline_us = TAKEOVER_CONNTRACK_US };
	for (phase = 0; phase < 2; phase++) {
		enum conf_phase want = phase ? CONF_PHASE_AFTER_VIPS : CONF_PHASE_BEFORE_VIPS;

		if (phase)
			steps[n++] = (struct pipeline_step_cfg){ .kind = PIPELINE_VIPS };
		for (i = 0; i < in->conf.n_resources && n < PIPELINE_MAX_STEPS; i++) {
			if (in->conf.resources[i].phase != want)
				continue;
			in->res[i].step = n;
			steps[n++] = step_for(in, i);
		}
	}
	pipeline_init(&in->pipe, steps, n);
	return 0;
}

void takeover_free(struct instance *in)
{
	size_t i;

	takeover_ct_free(in);
	takeover_fence_free(in);

	for (i = 0; in->res && i < in->conf.n_resources; i++) {
		in->res[i].monitor = sd_event_source_disable_unref(in->res[i].monitor);
		resource_free(in->res[i].r);
	}
	free(in->res);
	in->res = NULL;
}

/* ---- running a resource action ---------------------------------------- */

static void vips_string(const struct instance *in, char *buf, size_t len)
{
	size_t off = 0, i;
	char a[IPADDR_STRLEN];

	buf[0] = '\0';
	/* Whole addresses only: with thousands of VIPs the list stops at
	 * the last one that fits (resource scripts get the first ones). */
	for (i = 0; i < in->conf.n_vips; i++) {
		int w = snprintf(buf + off, len - off, "%s%s", i ? " " : "",
				 ipaddr_str_prefix(&in->conf.vips[i], a, sizeof(a)));

		if (w < 0 || (size_t)w >= len - off) {
			buf[off] = '\0';
			break;
		}
		off += (size_t)w;
	}
}

int takeover_run_action(struct instance *in, size_t i, enum resource_action a, uint64_t token,
		      resource_done_fn done)
{
	char vips[4096], peer[IPADDR_STRLEN] = "";
	struct resource_ctx ctx = {
		.node = in->env->node_name ? in->env->node_name : "",
		.instance = in->conf.name,
		.state = fsm_state_str(in->fsm.state),
		.prev_state = fsm_state_str(in->prev_state),
		.vips = vips,
		.peer = peer,
	};

	vips_string(in, vips, sizeof(vips));
	if (in->fsm.master_known)
		ipaddr_str(&in->fsm.master_addr, peer, sizeof(peer));
	return resource_run(in->res[i].r, a, &ctx, token, done, &in->res[i]);
}

void takeover_record(struct instance *in, size_t i, const struct resource_result *r)
{
	char why[160];
	const char *name = in->conf.resources[i].name, *act = resource_action_str(r->action);

	/* resource.c logs every result; hactl log gets the steps (and the
	 * monitors found unhealthy, which may have exited "ok"). */
	if (r->ok && r->action != RESOURCE_MONITOR) {
		events_add(in->conf.name, "step", NULL, NULL, "%s %s ok in %llu ms", name, act,
			   (unsigned long long)ms(r->script.duration_us));
		return;
	}
	script_result_str(&r->script, why, sizeof(why));
	events_add(in->conf.name, "step", NULL, NULL, "%s %s %s: %s after %llu ms%s%s", name, act,
		   r->ok ? "unhealthy" : "failed", why,
		   (unsigned long long)ms(r->script.duration_us),
		   r->script.last_line[0] ? ": " : "", r->script.last_line);
}

/* ---- the pipeline ------------------------------------------------------- */


void takeover_done(struct instance *in, uint64_t token, bool ok)
{
	struct pipeline_actions acts = { .n = 0 };

	pipeline_done(&in->pipe, instance_now(in), token, ok, &acts);
	takeover_dispatch(in, &acts);
}

static void on_step_done(void *arg, uint64_t token, const struct resource_result *r)
{
	struct instance_res *res = arg;
	struct instance *in = res->in;
	struct pipeline_actions acts = { .n = 0 };

	takeover_record(in, (size_t)(res - in->res), r);
	pipeline_done(&in->pipe, instance_now(in), token, r->ok, &acts);
	takeover_dispatch(in, &acts);
}

static void step_resource(struct instance *in, const struct pipeline_action *a, bool start)
{
	size_t i = in->pipe.step[a->step].cfg.index;
	bool prom = resource_promotable(in->res[i].r);
	enum resource_action act = start ? (prom ? RESOURCE_PROMOTE : RESOURCE_START)
					 : (prom ? RESOURCE_DEMOTE : RESOURCE_STOP);

	if (takeover_run_action(in, i, act, a->token, on_step_done) < 0) {
		log_warnx("instance %s: resource %s %s could not be queued", in->conf.name,
			  in->conf.resources[i].name, resource_action_str(act));
		in->vip_done_pending = true;   /* answered after this batch, failed */
		in->vip_done_token = a->token;
		in->vip_done_ok = false;
	}
}

void takeover_vips_done(struct instance *in, uint64_t token, bool add, bool sync)
{
	struct pipeline_actions acts = { .n = 0 };
	uint64_t took = monotime_us() - in->vstep_t0;

	if (add)
		alarms_hold(in, true);
	/* The loop's clock may stand still meanwhile: the real time. */
	events_add(in->conf.name, "step", NULL, NULL, "vips %s: %zu address%s %s in %.1f ms",
		   add ? "up" : "down", in->conf.n_vips, in->conf.n_vips == 1 ? "" : "es",
		   add ? "added and announced" : "removed", (double)took / 1000.0);
	if (sync) {
		/* fed back once this batch of actions is through */
		in->vip_done_pending = true;
		in->vip_done_token = token;
		in->vip_done_ok = true;
		return;
	}
	pipeline_done(&in->pipe, instance_now(in), token, true, &acts);
	takeover_dispatch(in, &acts);
}

static void step_vips(struct instance *in, const struct pipeline_action *a, bool start)
{
	in->vstep_t0 = monotime_us();
	if (!start)
		alarms_hold(in, false);
	/* Few addresses are done at once; thousands go on from the loop. */
	if (vipset_step(in, start, a->token))
		takeover_vips_done(in, a->token, start, true);
}

static void milestone(struct instance *in, const struct pipeline_action *a)
{
	struct fsm_actions acts = { .n = 0 };
	uint64_t now = instance_now(in);

	switch (a->type) {
	case PIPELINE_ACT_HELD:
		if (!in->acquiring) {
			/* Held again after a monitor restart, not a takeover. */
			log_notice("instance %s: every step up again after a restart", in->conf.name);
			break;
		}
		in->acquiring = false;
		log_notice("instance %s: takeover complete: %zu step(s) in %llu ms", in->conf.name,
			   in->pipe.n, (unsigned long long)ms(now - in->fsm.state_since));
		events_add(in->conf.name, "takeover", NULL, NULL, "complete: %zu step%s in %llu ms",
			   in->pipe.n, in->pipe.n == 1 ? "" : "s",
			   (unsigned long long)ms(now - in->fsm.state_since));
		break;
	case PIPELINE_ACT_VIPS_DOWN:
		log_debug("instance %s: VIPs removed", in->conf.name);
		break;
	case PIPELINE_ACT_RELEASED:
		/* Everything undone: a releasing master sends priority 0 now,
		 * names its successor, and tells a preemptor it holds nothing. */
		log_info("instance %s: released", in->conf.name);
		/* The handover (switchover --to) before the priority-0 advert:
		 * the other backups learn to wait for the named node before
		 * the release could start their Skew_Time race. */
		announce_released(in);
		fsm_released(&in->fsm, now, &acts);
		instance_apply(in, &acts);
		announce_send(in, HELLO_ANNOUNCE, NULL);
		if (in->stopping)
			takeover_stop_resources(in);
		break;
	case PIPELINE_ACT_GIVE_UP: {
		char why[160];
		uint64_t hold = in->conf.fail_holdoff_us ? in->conf.fail_holdoff_us
							 : TAKEOVER_HOLDOFF_DEFAULT_US;

		snprintf(why, sizeof(why), "giving the role up: %s failed",
			 instance_step_name(in, a->step));
		log_warnx("instance %s: %s; priority 0 for %llu s", in->conf.name, why,
			  (unsigned long long)(hold / 1000000u));
		events_add(in->conf.name, "give-up", NULL, NULL, "%s", why);
		fsm_give_up(&in->fsm, now, hold, why, &acts);
		instance_apply(in, &acts);
		announce_send(in, HELLO_ANNOUNCE, NULL);
		break;
	}
	default:
		break;
	}
}

static void exec_one(struct instance *in, const struct pipeline_action *a)
{
	enum pipeline_step_kind kind = a->step < in->pipe.n ? in->pipe.step[a->step].cfg.kind
							    : PIPELINE_VIPS;

	switch (a->type) {
	case PIPELINE_ACT_START:
	case PIPELINE_ACT_STOP:
		if (kind == PIPELINE_RESOURCE) {
			step_resource(in, a, a->type == PIPELINE_ACT_START);
		} else if (kind == PIPELINE_VIPS) {
			step_vips(in, a, a->type == PIPELINE_ACT_START);
		} else if (kind == PIPELINE_FENCE) {
			takeover_fence_step(in, a->token, a->type == PIPELINE_ACT_START);
		} else {
			takeover_ct_step(in, a->token, a->type == PIPELINE_ACT_START);
		}
		break;
	case PIPELINE_ACT_CANCEL:
		if (kind == PIPELINE_RESOURCE)
			resource_cancel(in->res[in->pipe.step[a->step].cfg.index].r, a->token);
		else if (kind == PIPELINE_CONNTRACK)
			takeover_ct_cancel(in, a->token);
		else if (kind == PIPELINE_FENCE)
			takeover_fence_cancel(in);
		else if (kind == PIPELINE_VIPS && vipset_step_cancel(in)) {
			/* stopped between two slices; its done follows */
			in->vip_done_pending = true;
			in->vip_done_token = a->token;
			in->vip_done_ok = false;
		}
		break;
	default:
		milestone(in, a);
		break;
	}
}

void takeover_dispatch(struct instance *in, struct pipeline_actions *acts)
{
	size_t i;

	in->dispatch_depth++;
	for (i = 0; i < acts->n; i++)
		exec_one(in, &acts->a[i]);
	in->dispatch_depth--;
	/* Only the outermost call feeds synchronous completions back. */
	while (!in->dispatch_depth && in->vip_done_pending) {
		struct pipeline_actions more = { .n = 0 };

		in->vip_done_pending = false;
		pipeline_done(&in->pipe, instance_now(in), in->vip_done_token, in->vip_done_ok,
			      &more);
		in->dispatch_depth++;
		for (i = 0; i < more.n; i++)
			exec_one(in, &more.a[i]);
		in->dispatch_depth--;
	}
	if (in->dispatch_depth)
		return;
	/* "held" flips when the first step starts or the last one is
	 * undone: peers hear of it now, not with the next periodic
	 * announcement (the RELEASED action has announced already). */
	if (announce_flags(in) != in->hello_flags)
		announce_send(in, HELLO_ANNOUNCE, NULL);
	instance_rearm(in);
}

/* The start-up gate: how long gated steps wait for a peer to confirm. */
static uint64_t gate_us(const struct instance *in)
{
	return in->conf.startup_gate_us ? in->conf.startup_gate_us
					: 2 * fsm_master_down_interval(&in->fsm) +
					  PEERS_HELLO_PERIOD_US;
}

static bool has_gated(const struct pipeline *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->step[i].cfg.gated)
			return true;
	return false;
}

void takeover_acquire(struct instance *in)
{
	struct pipeline_actions acts = { .n = 0 };
	char a[IPADDR_STRLEN];

	in->acquiring = true;
	pipeline_acquire(&in->pipe, instance_now(in), in->fsm.confirmed,
			 fsm_gate_us(&in->fsm, gate_us(in)), &acts);
	/* Only when something waits: a node without irreversible steps goes
	 * straight on. */
	if (!in->fsm.confirmed && has_gated(&in->pipe)) {
		uint64_t settle = fsm_gate_us(&in->fsm, 0);

		if (in->fsm.settle && !settle)
			log_info("instance %s: irreversible steps go on at once (settle-gate 0: "
				 "a pair, no second backup to wait for)", in->conf.name);
		else if (in->fsm.settle)
			log_info("instance %s: irreversible steps wait %llu ms for a backup that "
				 "took over at the same instant to show itself", in->conf.name,
				 (unsigned long long)ms(settle));
		else if (in->fsm.awaiting_release)
			log_notice("instance %s: preempting %s: irreversible steps wait up to %llu ms "
				   "for it to release", in->conf.name,
				   ipaddr_str(&in->fsm.preempted, a, sizeof(a)),
				   (unsigned long long)ms(gate_us(in)));
		else
			log_notice("instance %s: master without having heard a peer since start: "
				   "irreversible steps wait up to %llu ms for a peer to confirm",
				   in->conf.name, (unsigned long long)ms(gate_us(in)));
	}
	takeover_dispatch(in, &acts);
}

void takeover_release(struct instance *in)
{
	struct pipeline_actions acts = { .n = 0 };

	pipeline_release(&in->pipe, instance_now(in), &acts);
	takeover_dispatch(in, &acts);
}

void takeover_confirm(struct instance *in)
{
	struct pipeline_actions acts = { .n = 0 };

	if (!pipeline_gate_waiting(&in->pipe) && !in->pipe.gate_deadline)
		return;
	log_info("instance %s: mastership confirmed by a peer", in->conf.name);
	pipeline_confirm(&in->pipe, instance_now(in), &acts);
	takeover_dispatch(in, &acts);
}

/* A peer announces that it still holds (VIPs or promoted resources: it is
 * demoting after losing the role): the gate's end must not let an
 * irreversible step run beside it. A holder that died stops announcing and
 * drops out of the node table after PEERS_NODE_TTL_US. */
static bool peer_holds(struct instance *in, uint64_t now)
{
	const struct peers_node *n;
	size_t k = peers_nodes(&in->peers, now, &n), i;

	for (i = 0; i < k; i++)
		if ((n[i].flags & HELLO_F_HELD) && n[i].state != FSM_MASTER)
			return true;
	return false;
}

void takeover_settle(struct instance *in)
{
	log_info("instance %s: the preempted master released: irreversible steps wait "
		 "%llu ms more", in->conf.name,
		 (unsigned long long)ms(fsm_gate_us(&in->fsm, 0)));
	pipeline_regate(&in->pipe, instance_now(in), fsm_gate_us(&in->fsm, gate_us(in)));
	instance_rearm(in);
}

void takeover_timer(struct instance *in, uint64_t now)
{
	struct pipeline_actions acts = { .n = 0 };
	uint64_t d = pipeline_next_deadline(&in->pipe);

	if (!d || now < d)
		return;
	if (pipeline_gate_waiting(&in->pipe) && now >= in->pipe.gate_deadline &&
	    peer_holds(in, now)) {
		pipeline_hold_gate(&in->pipe, now + in->conf.advert_interval_us);
		instance_rearm(in);
		return;
	}
	pipeline_timer(&in->pipe, now, &acts);
	takeover_dispatch(in, &acts);
}
