/* track: rise/fall hysteresis and effective priority. */
#include "core/track.h"

#include <string.h>

void track_init(struct track *t, const struct track_cfg *cfg)
{
	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	if (t->cfg.rise == 0)
		t->cfg.rise = 1;
	if (t->cfg.fall == 0)
		t->cfg.fall = 1;
	/* Until the first result a track counts as up: a node must not drop
	 * its priority (or go to FAULT) for a check that has not run yet. */
	t->up = true;
}

bool track_set(struct track *t, uint64_t now, bool up)
{
	bool changed = !t->known || t->up != up;

	t->known = true;
	t->run = 0;
	if (changed && t->up != up)
		t->since = now;
	else if (!t->since)
		t->since = now;
	t->up = up;
	return changed;
}

bool track_result(struct track *t, uint64_t now, bool ok)
{
	t->checks++;
	if (!ok)
		t->failures++;
	if (!t->known)
		return track_set(t, now, ok);
	if (ok == t->up) {
		t->run = 0;
		return false;
	}
	if (++t->run < (ok ? t->cfg.rise : t->cfg.fall))
		return false;
	return track_set(t, now, ok);
}

int track_applied(const struct track *t)
{
	return t->up ? 0 : t->cfg.weight;
}

bool track_faulting(const struct track *t)
{
	return !t->up && t->cfg.weight == 0;
}

uint8_t track_priority(uint8_t configured, const struct track *t, size_t n)
{
	long p = configured;
	bool moved = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (track_applied(&t[i])) {
			p += track_applied(&t[i]);
			moved = true;
		}
	}
	if (!moved)
		return configured;
	/* A moved priority is never 0 (that is "release") nor 255 (that is
	 * "owner, takes over at once"). */
	if (p < 1)
		p = 1;
	if (p > 254)
		p = 254;
	return (uint8_t)p;
}

bool track_any_faulting(const struct track *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (track_faulting(&t[i]))
			return true;
	return false;
}
