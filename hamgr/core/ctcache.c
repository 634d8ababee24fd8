/* ctcache: the external conntrack cache. The rules are in ctcache.h. */
#include "core/ctcache.h"

#include <string.h>

#define MAX_SLOTS ((size_t)1 << 30)

static const char *const result_names[] = {
	[CTCACHE_NEW] = "new",
	[CTCACHE_CHANGED] = "changed",
	[CTCACHE_REMOVED] = "removed",
	[CTCACHE_ABSENT] = "absent",
	[CTCACHE_STALE] = "stale",
	[CTCACHE_FULL] = "full",
};
_Static_assert(sizeof(result_names) / sizeof(result_names[0]) == CTCACHE_RESULT_MAX,
	       "ctcache_result_str table out of step");

const char *ctcache_result_str(enum ctcache_result r)
{
	return (unsigned)r < CTCACHE_RESULT_MAX ? result_names[r] : "unknown";
}

size_t ctcache_slots_for(size_t max)
{
	size_t cap = 2;

	if (max == 0 || max > MAX_SLOTS / 2)
		return 0;
	while (cap < 2 * max)
		cap <<= 1;
	return cap;
}

int ctcache_init(struct ctcache *c, struct ctcache_slot *slot, size_t cap, size_t max,
		 uint64_t seed)
{
	memset(c, 0, sizeof(*c));
	if (!slot || cap < 2 || (cap & (cap - 1)) != 0)
		return -1;
	memset(slot, 0, cap * sizeof(*slot));
	c->slot = slot;
	c->cap = cap;
	c->max = max < cap / 2 ? max : cap / 2;
	c->seed = seed;
	return 0;
}

void ctcache_clear(struct ctcache *c)
{
	memset(c->slot, 0, c->cap * sizeof(*c->slot));
	c->n = 0;
}

/* A keyed mix of the tuple's words (splitmix64's finaliser per word): not
 * a cryptographic hash, but without the seed the slots are not known. */
static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static uint64_t word(const uint8_t *p)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static size_t home(const struct ctcache *c, const struct ctmsg_tuple *t)
{
	uint64_t h = c->seed;

	h = mix(h, (uint64_t)t->family << 56 | (uint64_t)t->proto << 48 |
		   (uint64_t)t->sport << 16 | t->dport);
	h = mix(h, word(t->src));
	h = mix(h, word(t->src + 8));
	h = mix(h, word(t->dst));
	h = mix(h, word(t->dst + 8));
	return (size_t)h & (c->cap - 1);
}

static bool same(const struct ctmsg_tuple *a, const struct ctmsg_tuple *b)
{
	return a->family == b->family && a->proto == b->proto && a->sport == b->sport &&
	       a->dport == b->dport && memcmp(a->src, b->src, 16) == 0 &&
	       memcmp(a->dst, b->dst, 16) == 0;
}

/* The slot holding t, or the empty slot where it would go. The table is
 * never full (n <= cap / 2), so the probe ends. */
static size_t probe(const struct ctcache *c, const struct ctmsg_tuple *t)
{
	size_t i = home(c, t);

	while (c->slot[i].used && !same(&c->slot[i].e.orig, t))
		i = (i + 1) & (c->cap - 1);
	return i;
}

const struct ctcache_slot *ctcache_find(const struct ctcache *c, const struct ctmsg_tuple *t)
{
	size_t i;

	if (!c->cap)
		return NULL;
	i = probe(c, t);
	return c->slot[i].used ? &c->slot[i] : NULL;
}

enum ctcache_result ctcache_update(struct ctcache *c, const struct ctmsg_entry *e,
				   uint64_t seq)
{
	struct ctcache_slot *s;
	enum ctcache_result r;
	size_t i;

	if (!c->cap)
		return c->count[CTCACHE_FULL]++, CTCACHE_FULL;
	i = probe(c, &e->orig);
	s = &c->slot[i];
	if (s->used) {
		if (seq < s->seq) {
			/* older news of an entry that exists: a dump that
			 * mentions it late must not sweep it */
			s->gen = c->gen;
			r = CTCACHE_STALE;
		} else {
			struct ctmsg_entry keep = s->e;

			s->e = *e;
			if (!(e->flags & CTMSG_E_TCP) && (keep.flags & CTMSG_E_TCP)) {
				s->e.flags |= CTMSG_E_TCP;
				s->e.tcp_state = keep.tcp_state;
				s->e.wscale_orig = keep.wscale_orig;
				s->e.wscale_reply = keep.wscale_reply;
				s->e.tflags_orig = keep.tflags_orig;
				s->e.tflags_reply = keep.tflags_reply;
			}
			s->seq = seq;
			s->gen = c->gen;
			r = CTCACHE_CHANGED;
		}
	} else if (c->n >= c->max) {
		r = CTCACHE_FULL;
	} else {
		s->e = *e;
		s->seq = seq;
		s->gen = c->gen;
		s->used = 1;
		c->n++;
		r = CTCACHE_NEW;
	}
	c->count[r]++;
	return r;
}

/* Empty slot i and shift back the entries of its run that may move into
 * it (they stay reachable from their home slots). */
static void remove_at(struct ctcache *c, size_t i)
{
	size_t mask = c->cap - 1, j = i, h;

	for (;;) {
		j = (j + 1) & mask;
		if (!c->slot[j].used)
			break;
		h = home(c, &c->slot[j].e.orig);
		/* The entry at j may fill the hole at i unless its home lies
		 * cyclically in (i, j]. */
		if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		c->slot[i] = c->slot[j];
		i = j;
	}
	memset(&c->slot[i], 0, sizeof(c->slot[i]));
	c->n--;
}

enum ctcache_result ctcache_destroy(struct ctcache *c, const struct ctmsg_tuple *t,
				   uint64_t seq)
{
	enum ctcache_result r;
	size_t i;

	if (!c->cap)
		return c->count[CTCACHE_ABSENT]++, CTCACHE_ABSENT;
	i = probe(c, t);
	if (!c->slot[i].used) {
		r = CTCACHE_ABSENT;
	} else if (seq < c->slot[i].seq) {
		r = CTCACHE_STALE;
	} else {
		remove_at(c, i);
		r = CTCACHE_REMOVED;
	}
	c->count[r]++;
	return r;
}

uint32_t ctcache_begin_dump(struct ctcache *c)
{
	return ++c->gen;
}

/* Removing at i shifts later entries back into i, so i is looked at again;
 * entries only move towards lower slots (or from the start of the table to
 * its end, where they are looked at again), so none is skipped. */
size_t ctcache_sweep(struct ctcache *c, uint32_t gen)
{
	size_t i = 0, removed = 0;

	while (i < c->cap) {
		if (c->slot[i].used && c->slot[i].gen != gen) {
			remove_at(c, i);
			removed++;
			continue;
		}
		i++;
	}
	return removed;
}

const struct ctcache_slot *ctcache_next(const struct ctcache *c, size_t *cursor)
{
	while (*cursor < c->cap) {
		const struct ctcache_slot *s = &c->slot[(*cursor)++];

		if (s->used)
			return s;
	}
	return NULL;
}
