/* resources_life: a resource's life outside the takeover pipeline:
 * started when its instance starts (a promotable one runs on every node,
 * as a replica), stopped at shutdown once the pipeline has released, and
 * monitored every monitor-interval, a failure on the master restarting it
 * through the pipeline (takeover.c). */
#include "instance_priv.h"

#include <stdio.h>
#include <string.h>

#include "resource.h"

#define TOKEN_SIDE (1ULL << 63)             /* start/stop/monitor outside the pipeline */

static void on_side_done(void *arg, uint64_t token, const struct resource_result *r)
{
	struct instance_res *res = arg;
	struct instance *in = res->in;

	takeover_record(in, (size_t)(res - in->res), r);
	if (r->action == RESOURCE_STOP && in->stopping && in->stops_pending &&
	    --in->stops_pending == 0) {
		in->stopped = true;
		if (in->env->on_stopped)
			in->env->on_stopped(in->env->on_state_arg, in);
	}
}

static int on_monitor_timer(sd_event_source *s, uint64_t usec, void *arg);

static void on_monitor_done(void *arg, uint64_t token, const struct resource_result *r)
{
	struct instance_res *res = arg;
	struct instance *in = res->in;
	size_t i = (size_t)(res - in->res);
	/* Promoted: its step is up, also while a release has yet to reach it
	 * (then 8 is right, but a failure restarts nothing). */
	bool promoted = in->pipe.step[res->step].state == PIPELINE_UP;
	bool held = in->pipe.want && promoted;
	bool healthy;

	res->monitor_token = 0;
	res->monitor_rc = r->ocf_rc;
	res->monitor_at = instance_now(in);
	/* The step moved while the monitor ran (a promote or demote was
	 * queued behind it): its answer describes a state that is gone. */
	if (in->pipe.step[res->step].state != res->monitor_state)
		goto again;
	/* On the master a resource answers 8 (0 is taken as healthy too:
	 * simple scripts and agents that cannot promote do not tell).
	 * Elsewhere 0 (a replica following) or 7 (a service that runs on the
	 * master only) are both fine; 8 there is worth a warning. */
	if (promoted)
		healthy = r->ok && (r->ocf_rc == 8 || r->ocf_rc == 0);
	else
		healthy = r->ok && (r->ocf_rc == 0 || r->ocf_rc == 7);
	if (healthy && held)
		pipeline_healthy(&in->pipe, res->step);
	if (!healthy) {
		takeover_record(in, i, r);
		if (held) {
			struct pipeline_actions acts = { .n = 0 };
			/* what pipeline_failed() compares with the limit */
			unsigned done = pipeline_restarts(&in->pipe, res->step, instance_now(in)),
				 limit = in->conf.resources[i].restart_limit;

			if (done < limit)
				log_warnx("instance %s: resource %s failed its monitor on the "
					  "master (restart %u of %u)", in->conf.name,
					  in->conf.resources[i].name, done + 1, limit);
			else
				log_warnx("instance %s: resource %s failed its monitor on the "
					  "master (restart limit %u reached)", in->conf.name,
					  in->conf.resources[i].name, limit);
			pipeline_failed(&in->pipe, instance_now(in), res->step, &acts);
			takeover_dispatch(in, &acts);
		} else if (r->ocf_rc == 8) {
			log_warnx("instance %s: resource %s runs as master on a node that is not "
				  "master", in->conf.name, in->conf.resources[i].name);
		}
	}
again:
	if (res->monitor && !in->stopping) {
		sd_event_source_set_time_relative(res->monitor,
						  in->conf.resources[i].monitor_interval_us);
		sd_event_source_set_enabled(res->monitor, SD_EVENT_ONESHOT);
	}
}

static int on_monitor_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct instance_res *res = arg;
	struct instance *in = res->in;
	size_t i = (size_t)(res - in->res);
	static uint64_t seq;

	if (in->stopping)
		return 0;
	/* A monitor of a step that is starting or stopping says nothing: try
	 * again at the next interval. */
	if (in->pipe.step[res->step].state == PIPELINE_STARTING ||
	    in->pipe.step[res->step].state == PIPELINE_STOPPING || resource_busy(res->r)) {
		sd_event_source_set_time_relative(s, in->conf.resources[i].monitor_interval_us);
		sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
		return 0;
	}
	res->monitor_state = in->pipe.step[res->step].state;
	res->monitor_token = TOKEN_SIDE | ++seq;
	if (takeover_run_action(in, i, RESOURCE_MONITOR, res->monitor_token, on_monitor_done) < 0) {
		res->monitor_token = 0;
		sd_event_source_set_time_relative(s, in->conf.resources[i].monitor_interval_us);
		sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	}
	return 0;
}

/* res's monitor timer, its first run `us` from now. */
static void monitor_add(struct instance *in, struct instance_res *res, uint64_t us)
{
	if (sd_event_add_time_relative(in->env->event, &res->monitor, CLOCK_MONOTONIC, us, 1000,
				       on_monitor_timer, res) >= 0)
		sd_event_source_set_enabled(res->monitor, SD_EVENT_ONESHOT);
}

void takeover_start_resources(struct instance *in)
{
	size_t i;

	for (i = 0; i < in->conf.n_resources; i++) {
		struct instance_res *res = &in->res[i];

		/* A promotable resource runs on every node (a replica); one that
		 * cannot promote runs where the role is, started by the
		 * pipeline. */
		if (resource_promotable(res->r))
			takeover_run_action(in, i, RESOURCE_START, TOKEN_SIDE, on_side_done);
		if (in->conf.resources[i].monitor_interval_us)
			monitor_add(in, res, in->conf.resources[i].monitor_interval_us);
	}
}

void takeover_monitor_reconf(struct instance *in, size_t i, uint64_t old_us)
{
	struct instance_res *res = &in->res[i];
	uint64_t us = in->conf.resources[i].monitor_interval_us;

	if (us == old_us || in->stopping || !in->timer.set)
		return;
	if (!us) {
		/* A monitor still running ends without a next one. */
		res->monitor = sd_event_source_disable_unref(res->monitor);
		return;
	}
	if (!res->monitor) {
		monitor_add(in, res, us);
		return;
	}
	/* Waiting: the next one an interval from now. Running: its answer
	 * arms the next with the new interval. */
	if (!res->monitor_token) {
		sd_event_source_set_time_relative(res->monitor, us);
		sd_event_source_set_enabled(res->monitor, SD_EVENT_ONESHOT);
	}
}

void takeover_stop_resources(struct instance *in)
{
	size_t i, n = 0;

	for (i = 0; i < in->conf.n_resources; i++) {
		in->res[i].monitor = sd_event_source_disable_unref(in->res[i].monitor);
		if (resource_promotable(in->res[i].r))
			n++;
	}
	in->stops_pending = n;
	for (i = 0; i < in->conf.n_resources; i++)
		if (resource_promotable(in->res[i].r) &&
		    takeover_run_action(in, i, RESOURCE_STOP, TOKEN_SIDE, on_side_done) < 0)
			in->stops_pending--;
	if (!in->stops_pending) {
		in->stopped = true;
		if (in->env->on_stopped)
			in->env->on_stopped(in->env->on_state_arg, in);
	}
}

void takeover_shutdown(struct instance *in)
{
	/* Stops follow the pipeline's RELEASED; already released: now. */
	if (pipeline_released(&in->pipe) && !in->stopped && !in->stops_pending)
		takeover_stop_resources(in);
}
