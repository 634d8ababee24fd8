/* pipeline: the ordered, acknowledged takeover and release of one
 * instance. See pipeline.h for the rules; this file keeps one invariant:
 * at most one step runs (p->running), and every decision about what runs
 * next is made in advance() from the target (p->want) and the steps'
 * states, so every input only records a fact and calls advance(). */
#include "core/pipeline.h"

#include <string.h>

const char *pipeline_step_state_str(enum pipeline_step_state s)
{
	switch (s) {
	case PIPELINE_DOWN: return "down";
	case PIPELINE_STARTING: return "starting";
	case PIPELINE_UP: return "up";
	case PIPELINE_STOPPING: return "stopping";
	}
	return "?";
}

/* The token carries the step in its low byte, a sequence above it, so a
 * completion for an earlier run of the same step never matches. */
size_t pipeline_token_step(uint64_t token)
{
	return (size_t)(token & 0xff);
}

static void emit(struct pipeline_actions *out, enum pipeline_action_type t, size_t step,
		 uint64_t token)
{
	/* PIPELINE_MAX_ACTIONS bounds what one input can produce (tested);
	 * a full list means a bug, so the action is dropped rather than
	 * written past the array, and the test suite catches it. */
	if (out->n >= PIPELINE_MAX_ACTIONS)
		return;
	out->a[out->n].type = t;
	out->a[out->n].step = step;
	out->a[out->n].token = token;
	out->n++;
}

void pipeline_init(struct pipeline *p, const struct pipeline_step_cfg *steps, size_t n)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	if (n > PIPELINE_MAX_STEPS)
		n = PIPELINE_MAX_STEPS;
	for (i = 0; i < n; i++)
		p->step[i].cfg = steps[i];
	p->n = n;
	p->running = -1;
	p->restart = -1;
	/* Released from the start: nothing to report until an acquire. */
	p->vips_down_said = p->released_said = true;
}

bool pipeline_set_policy(struct pipeline *p, size_t step, const struct pipeline_step_cfg *cfg)
{
	struct pipeline_step_cfg *c;

	if (step >= p->n)
		return false;
	c = &p->step[step].cfg;
	if (c->kind != cfg->kind || c->index != cfg->index || c->gated != cfg->gated)
		return false;
	c->release_on_fail = cfg->release_on_fail;
	c->deadline_us = cfg->deadline_us;
	c->restart_limit = cfg->restart_limit;
	c->restart_window_us = cfg->restart_window_us;
	return true;
}

static void run(struct pipeline *p, uint64_t now, size_t i, bool start,
		struct pipeline_actions *out)
{
	struct pipeline_step *s = &p->step[i];

	p->running = (int)i;
	p->running_token = (++p->seq << 8) | i;
	p->running_deadline = s->cfg.deadline_us ? now + s->cfg.deadline_us : 0;
	p->cancelling = false;
	s->state = start ? PIPELINE_STARTING : PIPELINE_STOPPING;
	s->started_at = now;
	emit(out, start ? PIPELINE_ACT_START : PIPELINE_ACT_STOP, i, p->running_token);
}

static bool gate_closed(const struct pipeline *p)
{
	return !p->confirmed && p->gate_deadline;
}

static void forward(struct pipeline *p, uint64_t now, struct pipeline_actions *out)
{
	size_t i;

	/* A restart first takes the failed step down; the scan below then
	 * starts it again. */
	if (p->restart >= 0) {
		size_t r = (size_t)p->restart;

		p->restart = -1;
		if (p->step[r].state == PIPELINE_UP) {
			p->held_said = false;
			run(p, now, r, false, out);
			return;
		}
	}
	for (i = 0; i < p->n; i++) {
		if (p->step[i].state == PIPELINE_UP)
			continue;
		if (p->step[i].cfg.gated && gate_closed(p))
			return;
		run(p, now, i, true, out);
		return;
	}
	if (!p->held_said) {
		p->held_said = true;
		emit(out, PIPELINE_ACT_HELD, 0, 0);
	}
}

static bool vips_gone(const struct pipeline *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->step[i].cfg.kind == PIPELINE_VIPS && p->step[i].state != PIPELINE_DOWN)
			return false;
	return true;
}

static void backward(struct pipeline *p, uint64_t now, struct pipeline_actions *out)
{
	size_t i;

	for (i = p->n; i-- > 0;) {
		if (p->step[i].state == PIPELINE_UP) {
			run(p, now, i, false, out);
			return;
		}
	}
	if (!p->released_said) {
		p->released_said = true;
		emit(out, PIPELINE_ACT_RELEASED, 0, 0);
	}
}

static void advance(struct pipeline *p, uint64_t now, struct pipeline_actions *out)
{
	/* Said as soon as it is true, even while an earlier step is still
	 * being cancelled or stopped: the master's priority-0 advert waits
	 * for this and nothing else. */
	if (!p->want && !p->vips_down_said && vips_gone(p)) {
		p->vips_down_said = true;
		emit(out, PIPELINE_ACT_VIPS_DOWN, 0, 0);
	}
	if (p->running >= 0)
		return;
	if (p->want)
		forward(p, now, out);
	else
		backward(p, now, out);
}

void pipeline_acquire(struct pipeline *p, uint64_t now, bool confirmed, uint64_t gate_us,
		      struct pipeline_actions *out)
{
	size_t i;

	if (!p->want) {
		p->want = true;
		p->held_said = false;
		p->vips_down_said = false;
		p->released_said = false;
		p->restart = -1;
		for (i = 0; i < p->n; i++)
			p->step[i].restarts = 0;
		p->confirmed = confirmed;
		p->gate_deadline = confirmed ? 0 : now + (gate_us ? gate_us : 1);
	}
	advance(p, now, out);
}

void pipeline_release(struct pipeline *p, uint64_t now, struct pipeline_actions *out)
{
	if (p->want) {
		p->want = false;
		p->gate_deadline = 0;
		p->restart = -1;
		if (p->running >= 0 && p->step[p->running].state == PIPELINE_STARTING &&
		    !p->cancelling) {
			p->cancelling = true;
			emit(out, PIPELINE_ACT_CANCEL, (size_t)p->running, p->running_token);
		}
	}
	advance(p, now, out);
}

void pipeline_confirm(struct pipeline *p, uint64_t now, struct pipeline_actions *out)
{
	p->confirmed = true;
	p->gate_deadline = 0;
	advance(p, now, out);
}

static void give_up(struct pipeline *p, size_t i, struct pipeline_actions *out)
{
	p->want = false;
	p->gate_deadline = 0;
	p->restart = -1;
	emit(out, PIPELINE_ACT_GIVE_UP, i, 0);
}

/* The running step finished (ok or not). */
static void finish(struct pipeline *p, uint64_t now, bool ok, struct pipeline_actions *out)
{
	size_t i = (size_t)p->running;
	struct pipeline_step *s = &p->step[i];
	bool started = s->state == PIPELINE_STARTING;

	p->running = -1;
	p->running_deadline = 0;
	s->ran = true;
	s->last_ok = ok;
	s->last_was_start = started;
	s->last_duration_us = now - s->started_at;
	if (!started) {
		/* A failed stop is reported but cannot hold the release
		 * hostage: the step counts as down. */
		s->state = PIPELINE_DOWN;
		return;
	}
	if (p->cancelling) {
		/* Cancelled mid-start: half done at most. Releasing: undo it.
		 * Acquiring again: run it again (starts are idempotent). */
		p->cancelling = false;
		s->state = p->want ? PIPELINE_DOWN : PIPELINE_UP;
		return;
	}
	/* A failed start is undone like a successful one: its stop action
	 * is idempotent and leaves the resource safe (a demote after a
	 * half-done promote). */
	s->state = PIPELINE_UP;
	if (!ok && s->cfg.release_on_fail && p->want)
		give_up(p, i, out);
}

void pipeline_done(struct pipeline *p, uint64_t now, uint64_t token, bool ok,
		   struct pipeline_actions *out)
{
	if (p->running < 0 || token != p->running_token) {
		p->stale++;
		return;
	}
	finish(p, now, ok, out);
	advance(p, now, out);
}

void pipeline_failed(struct pipeline *p, uint64_t now, size_t step,
		     struct pipeline_actions *out)
{
	struct pipeline_step *s;

	if (step >= p->n || !p->want)
		return;
	s = &p->step[step];
	if (s->state != PIPELINE_UP || p->restart >= 0)
		return;
	s->restarts = pipeline_restarts(p, step, now);
	s->failed_at = now;
	if (s->restarts >= s->cfg.restart_limit) {
		give_up(p, step, out);
	} else {
		s->restarts++;
		p->restart = (int)step;
	}
	advance(p, now, out);
}

void pipeline_healthy(struct pipeline *p, size_t step)
{
	/* With a window, a healthy monitor between crashes is what a
	 * flapping service looks like: it must not clear the count. */
	if (step >= p->n || !p->want || p->restart >= 0 ||
	    p->step[step].state != PIPELINE_UP || p->step[step].cfg.restart_window_us)
		return;
	p->step[step].restarts = 0;
}

unsigned pipeline_restarts(const struct pipeline *p, size_t step, uint64_t now)
{
	const struct pipeline_step *s;

	if (step >= p->n)
		return 0;
	s = &p->step[step];
	if (s->cfg.restart_window_us && s->restarts &&
	    now - s->failed_at >= s->cfg.restart_window_us)
		return 0;
	return s->restarts;
}

void pipeline_regate(struct pipeline *p, uint64_t now, uint64_t gate_us)
{
	if (gate_closed(p))
		p->gate_deadline = now + (gate_us ? gate_us : 1);
}

void pipeline_hold_gate(struct pipeline *p, uint64_t until)
{
	if (gate_closed(p) && until > p->gate_deadline)
		p->gate_deadline = until;
}

uint64_t pipeline_next_deadline(const struct pipeline *p)
{
	uint64_t d = p->running >= 0 ? p->running_deadline : 0;

	if (gate_closed(p) && p->running < 0 && (!d || p->gate_deadline < d))
		d = p->gate_deadline;
	return d;
}

void pipeline_timer(struct pipeline *p, uint64_t now, struct pipeline_actions *out)
{
	if (p->running >= 0 && p->running_deadline && now >= p->running_deadline) {
		/* The adapter never answered: cancel the run (its late answer
		 * is then stale) and go on as if it had failed. */
		uint64_t token = p->running_token;
		size_t i = (size_t)p->running;

		p->timeouts++;
		emit(out, PIPELINE_ACT_CANCEL, i, token);
		p->cancelling = false;
		finish(p, now, false, out);
	}
	if (gate_closed(p) && now >= p->gate_deadline) {
		p->confirmed = true;
		p->gate_deadline = 0;
	}
	advance(p, now, out);
}

bool pipeline_held(const struct pipeline *p)
{
	size_t i;

	if (!p->want || p->running >= 0)
		return false;
	for (i = 0; i < p->n; i++)
		if (p->step[i].state != PIPELINE_UP)
			return false;
	return true;
}

bool pipeline_released(const struct pipeline *p)
{
	size_t i;

	if (p->running >= 0)
		return false;
	for (i = 0; i < p->n; i++)
		if (p->step[i].state != PIPELINE_DOWN)
			return false;
	return true;
}

bool pipeline_gate_waiting(const struct pipeline *p)
{
	size_t i;

	if (!p->want || !gate_closed(p) || p->running >= 0)
		return false;
	for (i = 0; i < p->n; i++)
		if (p->step[i].state != PIPELINE_UP)
			return p->step[i].cfg.gated;
	return false;
}

bool pipeline_vips_up(const struct pipeline *p)
{
	return !vips_gone(p);
}
