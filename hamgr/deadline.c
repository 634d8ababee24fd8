/* deadline: the instances' timers, kept by the loop (see deadline.h). */
#include "deadline.h"
#include "monotime.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

int deadline_add(struct deadlines *s, struct deadline *d, deadline_fn *fire, void *arg)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct deadline **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	d->at = d->latest = 0;
	d->firm = false;
	d->fire = fire;
	d->arg = arg;
	d->set = s;
	d->slot = s->n;
	s->v[s->n++] = d;
	return 0;
}

void deadline_del(struct deadline *d)
{
	struct deadlines *s = d->set;

	if (!s)
		return;
	d->set = NULL;
	d->at = d->latest = 0;
	if (s->running) {
		/* deadlines_run walks the slots: a hole, closed after it */
		s->v[d->slot] = NULL;
		s->holes = true;
		return;
	}
	s->v[d->slot] = s->v[--s->n];
	s->v[d->slot]->slot = d->slot;
}

void deadline_set(struct deadline *d, uint64_t at, uint64_t accuracy)
{
	d->at = at ? at : 1;
	d->latest = d->at + (accuracy > 1 ? accuracy : 0);
	d->firm = false;
}

void deadline_off(struct deadline *d)
{
	d->at = d->latest = 0;
	d->firm = false;
}

void deadline_firm(struct deadline *d)
{
	d->firm = true;
}

void deadlines_wake(const struct deadlines *s, uint64_t now, uint64_t *coarse,
		    uint64_t *precise)
{
	size_t i;

	*coarse = *precise = 0;
	for (i = 0; i < s->n; i++) {
		const struct deadline *d = s->v[i];
		uint64_t *w, t = d ? d->at : 0;

		if (!t)
			continue;
		if (d->latest - d->at >= DEADLINE_PRECISE_US) {
			w = coarse;
		} else if (!d->firm && t > now + DEADLINE_ARM_US) {
			/* on time, but not yet near: epoll until it is */
			w = coarse;
			t -= DEADLINE_ARM_US;
		} else {
			w = precise;
		}
		if (!*w || t < *w)
			*w = t;
	}
}

static void close_holes(struct deadlines *s)
{
	size_t i, k = 0;

	for (i = 0; i < s->n; i++) {
		if (!s->v[i])
			continue;
		s->v[k] = s->v[i];
		s->v[k]->slot = k;
		k++;
	}
	s->n = k;
	s->holes = false;
}

size_t deadlines_run(struct deadlines *s, uint64_t now)
{
	size_t i, fired = 0;
	bool outer = s->running;

	s->running = true;
	/* s->n is read each time round: a callback may add deadlines (they
	 * are not due before the next run unless already past). */
	for (i = 0; i < s->n; i++) {
		struct deadline *d = s->v[i];

		if (!d || !d->at || d->at > now)
			continue;
		d->at = d->latest = 0;
		d->firm = false;
		fired++;
		d->fire(d, now, d->arg);
	}
	s->running = outer;
	if (!outer && s->holes)
		close_holes(s);
	return fired;
}

static int on_precise(sd_event_source *es, uint64_t usec, void *arg)
{
	/* Waking the loop was the point: deadlines_run follows the dispatch. */
	return 0;
}

/* Move the shared timer to `at` (0: off), if it is not there already. */
static int arm_precise(sd_event *e, struct deadlines *s, uint64_t at)
{
	int r;

	if (at == s->precise_at)
		return 0;
	if (!s->precise) {
		r = sd_event_add_time(e, &s->precise, CLOCK_MONOTONIC, at ? at : 1,
				      1 /* us: failover timing is the product */, on_precise, s);
		if (r < 0)
			return r;
	} else if (at) {
		r = sd_event_source_set_time(s->precise, at);
		if (r < 0)
			return r;
	}
	r = sd_event_source_set_enabled(s->precise, at ? SD_EVENT_ON : SD_EVENT_OFF);
	if (r < 0)
		return r;
	s->precise_at = at;
	return 0;
}

uint64_t deadlines_now(const struct deadlines *s, sd_event *e)
{
	uint64_t now;

	if (!e || sd_event_now(e, CLOCK_MONOTONIC, &now) < 0)
		now = monotime_us();
	return s && s->seen > now ? s->seen : now;
}

void deadlines_saw(struct deadlines *s, uint64_t t)
{
	if (s && t > s->seen)
		s->seen = t;
}

int deadlines_loop(sd_event *e, struct deadlines *s)
{
	int r;

	while (sd_event_get_state(e) != SD_EVENT_FINISHED) {
		uint64_t coarse, precise, now = monotime_us(), timeout = UINT64_MAX;

		deadlines_wake(s, now, &coarse, &precise);
		if ((r = arm_precise(e, s, precise)) < 0)
			return r;
		r = sd_event_prepare(e);
		if (r == 0) {
			if (coarse)
				timeout = coarse > now ? coarse - now : 0;
			r = sd_event_wait(e, timeout);
		}
		if (r > 0)
			r = sd_event_dispatch(e);
		if (r < 0)
			return r;
		if (sd_event_get_state(e) == SD_EVENT_FINISHED)
			break;
		/* The loop's time, as the sources just dispatched saw it. */
		deadlines_run(s, deadlines_now(s, e));
	}
	return sd_event_get_exit_code(e, &r) < 0 ? 0 : r;
}

void deadlines_free(struct deadlines *s)
{
	s->precise = sd_event_source_disable_unref(s->precise);
	s->precise_at = 0;
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
