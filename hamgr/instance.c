/* instance: one instance's lifecycle and dispatch.
 *
 * Every entry point follows one pattern: take the event loop's time, feed
 * the fsm, apply the actions it returns (adverts go to the wire, role
 * intents to the takeover pipeline), re-arm the one timer at the earliest
 * fsm or pipeline deadline. The wire, the announcements, the VIP set, the
 * pipeline's steps and the tracks live in their own files beside this one
 * (instance_priv.h). */
#include "instance_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hello.h"
#include "events.h"
#include "link.h"
#include "monotime.h"
#include "resource.h"
#include "vrrp_rx.h"

uint64_t instance_now(struct instance *in)
{
	return deadlines_now(in->env->deadlines, in->env->event);
}

void instance_fsm_config(struct fsm_config *fc, const struct conf_instance *ci,
			 const struct instance_env *env)
{
	uint64_t q = instance_quorum_wait(ci, env);

	memset(fc, 0, sizeof(*fc));
	fc->priority = ci->priority;
	fc->adver_int_us = (uint32_t)ci->advert_interval_us;
	fc->preempt = ci->preempt;
	fc->preempt_delay_us = ci->preempt_delay_us;
	fc->settle_fixed = ci->settle_gate_set;
	fc->settle_gate_us = ci->settle_gate_us;
	/* The longer of the two: a witness and a quorum may both be set. */
	fc->down_wait_us = tracks_witness_wait(ci);
	if (q > fc->down_wait_us)
		fc->down_wait_us = q;
}

struct instance *instance_new(const struct conf_instance *ci, struct instance_env *env)
{
	struct instance *in = calloc(1, sizeof(*in));
	struct fsm_config fc;
	char err[256];

	if (!in)
		return NULL;
	if (conf_instance_copy(&in->conf, ci) < 0) {
		free(in);
		return NULL;
	}
	in->env = env;
	in->family = ci->vips[0].family;
	ipaddr_parse(in->family == IPADDR_V4 ? ADVERT_MCAST4 : ADVERT_MCAST6, false,
		     &in->group);
	instance_fsm_config(&fc, ci, env);
	fsm_init(&in->fsm, &fc, NULL);
	if (takeover_init(in, err, sizeof(err)) < 0 || tracks_init(in, err, sizeof(err)) < 0 ||
	    alarms_init(in, err, sizeof(err)) < 0) {
		log_warnx("instance %s: %s", ci->name, err);
		instance_free(in);
		return NULL;
	}
	return in;
}

const char *instance_name(const struct instance *in) { return in->conf.name; }
const struct fsm *instance_fsm(const struct instance *in) { return &in->fsm; }
const struct instance_stats *instance_stats(const struct instance *in) { return &in->stats; }
const struct conf_instance *instance_conf(const struct instance *in) { return &in->conf; }
const struct pipeline *instance_pipeline(const struct instance *in) { return &in->pipe; }
int instance_ifindex(const struct instance *in) { return in->ifindex; }
unsigned instance_family(const struct instance *in) { return in->family; }
uint64_t instance_time(struct instance *in) { return instance_now(in); }
bool instance_link_up(const struct instance *in) { return in->fsm.link_up && in->ifindex; }
bool instance_has_primary(const struct instance *in) { return in->have_primary; }
bool instance_stopped(const struct instance *in) { return in->stopped; }

static void log_transition(struct instance *in, const struct fsm_action *a)
{
	log_notice("instance %s: %s -> %s (%s)", in->conf.name, fsm_state_str(a->from),
		   fsm_state_str(a->to), in->fsm.reason);
	events_add(in->conf.name, "transition", fsm_state_str(a->from),
		   fsm_state_str(a->to), "%s", in->fsm.reason);
}

void instance_apply(struct instance *in, const struct fsm_actions *acts)
{
	bool transition = false;
	size_t i;

	for (i = 0; i < acts->n; i++) {
		const struct fsm_action *a = &acts->a[i];

		switch (a->type) {
		case FSM_ACT_STATE:
			in->prev_state = a->from;
			if (a->to == FSM_MASTER)
				in->hb_epoch++;
			log_transition(in, a);
			transition = true;
			break;
		case FSM_ACT_SEND_ADVERT:
			wire_send_advert(in, a->priority);
			break;
		case FSM_ACT_ACQUIRE:
			takeover_acquire(in);
			break;
		case FSM_ACT_RELEASE:
			/* A voluntary release says why in the reason; a lost role
			 * (preempted, FAULT) says it in the transition that follows. */
			if (in->fsm.releasing != FSM_CAUSE_NONE)
				log_info("instance %s: %s", in->conf.name, in->fsm.reason);
			else
				log_info("instance %s: releasing", in->conf.name);
			takeover_release(in);
			break;
		case FSM_ACT_SETTLE:
			takeover_settle(in);
			break;
		case FSM_ACT_SEND_GARP:
			if (pipeline_vips_up(&in->pipe))
				vipset_garp(in, in->conf.vips, in->conf.n_vips);
			break;
		}
	}
	if (acts->overflow)
		log_warnx("instance %s: %zu fsm actions lost (a bug: please report)",
			  in->conf.name, acts->overflow);
	if (transition)
		announce_send(in, HELLO_ANNOUNCE, NULL);
	if (transition && in->env->on_state)
		in->env->on_state(in->env->on_state_arg);
}

/* How late the timer may fire for deadline d (us). A master's next advert
 * may go up to 2 % of the interval late (2 ms at 100 ms; no drift: the
 * fsm keeps them on a grid): the loop then wakes once for every advert
 * due in that window instead of once per advert, and the backups read
 * them in one batch. 255 instances at 100 ms: about 500 wakeups a second
 * instead of 2,550 on each node, the wakeups being most of the idle CPU
 * (perf: finish_task_switch, timerfd_settime). Every other deadline
 * (Master_Down, holdoff, the pipeline's steps) is failover timing: 1 us. */
static uint64_t timer_accuracy(const struct instance *in, uint64_t d, uint64_t p)
{
	if (in->fsm.state != FSM_MASTER || d != in->fsm.adver_timer || d == p)
		return 1;
	return in->fsm.cfg.adver_int_us / 50 ? in->fsm.cfg.adver_int_us / 50 : 1;
}

/* A steady backup: it follows a live master and only its Master_Down
 * timer runs on what it hears. Its adverts may then be read at that
 * deadline, all at once (vrrp_rx_lazy; a release still wakes it at once).
 * Not while it is deciding anything else: a lower master it may preempt,
 * a release seen, a handover. */
static void vote_lazy(struct instance *in)
{
	const struct fsm *f = &in->fsm;
	bool ok = in->timer.set && in->conf.protocol != CONF_PROTO_HAMGR &&
		  f->state == FSM_BACKUP && f->master_known && f->master_priority &&
		  f->master_down_timer && !f->lower_seen && !f->release_seen &&
		  !f->handover_wait;

	vrrp_rx_lazy(in->env->vrrp, in->sub, ok, ok ? fsm_master_down_interval(f) : 0);
	/* Its announcements too, if its socket really is read late (only
	 * then does the deadline wake it to read them) and often enough. */
	announce_vote(in, ok && vrrp_rx_is_lazy(in->sub) &&
			  fsm_master_down_interval(f) <= ANNOUNCE_LAZY_US, instance_now(in));
}

void instance_rearm(struct instance *in)
{
	uint64_t d = fsm_next_deadline(&in->fsm), p = pipeline_next_deadline(&in->pipe);

	vote_lazy(in);

	if (p && (!d || p < d))
		d = p;
	if (!in->timer.set)
		return;
	if (d == 0) {
		deadline_off(&in->timer);
		return;
	}
	deadline_set(&in->timer, d, timer_accuracy(in, d, p));
	/* Read late, no advert moves Master_Down before it is due: one
	 * wakeup on the timer, not epoll first and the timer after. */
	if (d == in->fsm.master_down_timer && vrrp_rx_is_lazy(in->sub))
		deadline_firm(&in->timer);
}

static void on_timer(struct deadline *dl, uint64_t now, void *arg)
{
	struct instance *in = arg;
	struct fsm_actions acts = { .n = 0 };

	(void)dl;
	/* A backup's timer fires: the master down, unless the loop was late
	 * (CPU starved, stopped) and its adverts wait unread. Read them
	 * first: they restart the timer. An advert that came after the
	 * loop's time was taken moves that time up (deadlines_saw). */
	if (in->fsm.state == FSM_BACKUP && in->fsm.master_down_timer &&
	    now >= in->fsm.master_down_timer) {
		wire_drain(in);
		now = instance_now(in);
		/* and what the master announced (its name, for a fence; a
		 * handover queued behind the timer: stopped or starved, the
		 * release's Skew_Time may be past when the loop reads again) */
		announce_drain(in, now, true);
	}
	fsm_timer(&in->fsm, now, &acts);
	instance_apply(in, &acts);
	announce_piggyback(in, now);
	announce_drain(in, now, false);
	takeover_timer(in, now);
	instance_rearm(in);
}

/* The fsm starts from the event loop, once every instance has opened its
 * sockets: opening them (an AF_PACKET bind took 19 ms under strace) would
 * otherwise eat the first Master_Down_Interval, and at 1-2 ms heartbeats
 * a starting backup took over before it could hear or join its master
 * (29 of 30 bench runs). The loop's time is fresh then. */
static int on_start(sd_event_source *s, void *arg)
{
	struct instance *in = arg;
	struct fsm_actions acts = { .n = 0 };

	in->start_src = sd_event_source_disable_unref(in->start_src);
	if (in->stopping)
		return 0;
	fsm_start(&in->fsm, instance_now(in), &acts);
	instance_apply(in, &acts);
	instance_rearm(in);
	/* A quorum: FAULT until it is there. */
	instance_quorum_check(in);
	return 0;
}

int instance_start(struct instance *in)
{
	struct fsm_actions acts = { .n = 0 };
	uint64_t now = instance_now(in);
	bool up = false;
	int r;

	r = link_query(in->env->links, in->conf.interface, &in->ifindex, &up);
	if (r < 0) {
		log_warnx("instance %s: cannot query %s: %s", in->conf.name,
			  in->conf.interface, strerror(-r));
		return -1;
	}
	if (!in->ifindex)
		log_warnx("instance %s: interface %s does not exist (yet): FAULT until it does",
			  in->conf.name, in->conf.interface);
	vipset_remove_stale(in);
	wire_refresh_primary(in);
	if (in->ifindex && wire_open(in) < 0)
		return -1;
	alarms_prepare(in);
	/* Added off: instance_rearm arms it. */
	r = deadline_add(in->env->deadlines, &in->timer, on_timer, in);
	if (r < 0) {
		log_warnx("instance %s: deadline_add: %s", in->conf.name, strerror(-r));
		return -1;
	}
	announce_start(in);
	if (!up || !in->have_primary) {
		if (up)
			log_warnx("instance %s: %s has no %s address to send from: FAULT",
				  in->conf.name, in->conf.interface,
				  in->family == IPADDR_V4 ? "IPv4" : "IPv6 link-local");
		fsm_link(&in->fsm, now, false, &acts);
		/* whatever that says is not lost for the start moving to the loop */
		instance_apply(in, &acts);
	}
	if (statefile_marked(in->env->state_dir, "standby", in->conf.name)) {
		log_notice("instance %s: in standby (remembered from before the restart)",
			   in->conf.name);
		in->fsm.standby = true;
	}
	takeover_start_resources(in);
	tracks_start(in);
	r = sd_event_add_defer(in->env->event, &in->start_src, on_start, in);
	if (r < 0) {
		log_warnx("instance %s: sd_event_add_defer: %s", in->conf.name, strerror(-r));
		return -1;
	}
	return 0;
}

void instance_stop(struct instance *in)
{
	struct fsm_actions acts = { .n = 0 };

	if (in->stopping)
		return;
	in->stopping = true;
	tracks_stop(in);
	fsm_shutdown(&in->fsm, instance_now(in), &acts);
	instance_apply(in, &acts);
	takeover_shutdown(in);
	instance_rearm(in);
}

void instance_free(struct instance *in)
{
	if (!in)
		return;
	/* Never leave a floating address behind, whatever was still running. */
	if (pipeline_vips_up(&in->pipe) || in->vstep.active) {
		vipset_step_cancel(in);
		vipset_del(in, in->conf.vips, in->conf.n_vips);
	}
	vipset_free(in);
	alarms_free(in);
	tracks_free(in);
	takeover_free(in);
	wire_close(in);
	announce_stop(in);
	deadline_del(&in->timer);
	in->start_src = sd_event_source_disable_unref(in->start_src);
	conf_instance_release(&in->conf);
	free(in);
}

void instance_link_event(struct instance *in, int ifindex, const char *ifname, bool up)
{
	struct fsm_actions acts = { .n = 0 };

	tracks_link_event(in, ifindex, ifname, up);
	if (strcmp(ifname, in->conf.interface) != 0 && ifindex != in->ifindex)
		return;
	if (strcmp(ifname, in->conf.interface) != 0) {
		/* Renamed away from us: treat as gone. */
		up = false;
	} else if (ifindex != in->ifindex) {
		/* The interface appeared or was re-created: new socket. */
		in->ifindex = ifindex;
		if (wire_open(in) < 0)
			up = false;
	}
	if (up) {
		wire_refresh_primary(in);
		if (!in->have_primary)
			up = false;
	}
	fsm_link(&in->fsm, instance_now(in), up, &acts);
	instance_apply(in, &acts);
	instance_rearm(in);
}

int instance_set_standby(struct instance *in, bool on, bool force, char *err, size_t errlen)
{
	struct fsm_actions acts = { .n = 0 };

	/* A master giving up with nobody to take over leaves the addresses
	 * unserved: refused like a switchover unless forced. */
	if (on && !in->fsm.standby && in->fsm.state == FSM_MASTER &&
	    in->fsm.releasing == FSM_CAUSE_NONE &&
	    announce_check_successor(in, NULL, force, "standby would leave its addresses "
				     "unserved", err, errlen) < 0)
		return -1;

	if (statefile_mark(in->env->state_dir, "standby", in->conf.name, on, err, errlen) < 0)
		return -1;
	if (in->fsm.standby != on) {
		log_notice("instance %s: %s by operator", in->conf.name, on ? "standby" : "active");
		events_add(in->conf.name, "command", NULL, NULL, "%s", on ? "standby" : "active");
	}
	fsm_set_standby(&in->fsm, instance_now(in), on, &acts);
	instance_apply(in, &acts);
	instance_rearm(in);
	return 0;
}

const char *instance_restart_reason(const struct instance *in, const struct conf_instance *ci,
				    char *buf, size_t len)
{
	size_t i;

	/* A fence step added or removed changes the pipeline. */
	if (strcmp(in->conf.fence, ci->fence) || in->conf.fence_timeout_us != ci->fence_timeout_us)
		return "fence";
	if (in->conf.n_paths != ci->n_paths ||
	    memcmp(in->conf.paths, ci->paths, sizeof(ci->paths)) != 0)
		return "paths";
	if (strcmp(in->conf.interface, ci->interface) != 0)
		return "interface";
	if (in->conf.vrid != ci->vrid)
		return "VRID";
	if (in->family != ci->vips[0].family)
		return "address family of the first VIP";
	if (in->conf.protocol != ci->protocol)
		return "protocol";
	if (in->conf.n_unicast_peers != ci->n_unicast_peers)
		return "unicast peers";
	for (i = 0; i < ci->n_unicast_peers; i++)
		if (!ipaddr_eq(&in->conf.unicast_peers[i], &ci->unicast_peers[i]))
			return "unicast peers";
	/* Tracks and resources carry running state (scripts, the pipeline):
	 * a change to them restarts the instance, but for a resource's
	 * policy (timeouts, on-fail, monitor-interval, restart-limit and
	 * -window), which takeover_reconfigure changes in place: tuning a
	 * restart limit must not release the role. */
	if (in->conf.n_tracks != ci->n_tracks)
		return "the number of tracks";
	if (in->conf.n_resources != ci->n_resources)
		return "the number of resources";
	for (i = 0; i < ci->n_tracks; i++)
		if (!conf_track_equal(&in->conf.tracks[i], &ci->tracks[i])) {
			snprintf(buf, len, "track %s", ci->tracks[i].name);
			return buf;
		}
	for (i = 0; i < ci->n_resources; i++)
		if (!conf_resource_same(&in->conf.resources[i], &ci->resources[i])) {
			snprintf(buf, len, "resource %s", ci->resources[i].name);
			return buf;
		}
	return NULL;
}

static bool vip_in(const struct ipaddr *v, const struct ipaddr *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ipaddr_eq(v, &list[i]) && v->prefixlen == list[i].prefixlen)
			return true;
	return false;
}

void instance_reconfigure(struct instance *in, const struct conf_instance *ci)
{
	struct fsm_actions acts = { .n = 0 };
	struct conf_instance nc, old;
	struct fsm_config fc;
	size_t i;

	if (conf_instance_copy(&nc, ci) < 0) {
		log_warnx("instance %s: out of memory on reload; keeping the old config",
			  in->conf.name);
		return;
	}
	if (pipeline_vips_up(&in->pipe)) {
		for (i = 0; i < in->conf.n_vips; i++)
			if (!vip_in(&in->conf.vips[i], nc.vips, nc.n_vips))
				vipset_del(in, &in->conf.vips[i], 1);
		for (i = 0; i < nc.n_vips; i++)
			if (!vip_in(&nc.vips[i], in->conf.vips, in->conf.n_vips)) {
				vipset_add(in, &nc.vips[i], 1);
				vipset_garp(in, &nc.vips[i], 1);
			}
	}
	old = in->conf;
	in->conf = nc;
	takeover_reconfigure(in, &old);
	conf_instance_release(&old);
	alarms_vips_changed(in);
	/* A key added on reload: the signed announcements start now. */
	if (in->env->hb && !in->hbsub && in->ifindex)
		hbwire_open(in);
	instance_fsm_config(&fc, &nc, in->env);
	fsm_reconfigure(&in->fsm, instance_now(in), &fc,
			tracks_priority(in, nc.priority), &acts);
	instance_apply(in, &acts);
	instance_quorum_check(in);
	instance_rearm(in);
}
