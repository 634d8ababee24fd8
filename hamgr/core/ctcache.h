/* ctcache: the external conntrack cache of a backup, pure.
 *
 * What the master's firewall holds, as its sync messages (core/ctmsg.h)
 * told us: one entry per original tuple, kept here rather than in the
 * kernel until the backup becomes master and commits it. A fixed-size
 * open-addressing hash table (linear probing, deletion by backward shift,
 * so no tombstones and no rehash) in memory the caller owns; the hash is
 * keyed with a seed the caller draws at random, so tuples chosen by the
 * traffic cannot be aimed at one chain.
 *
 * Every entry remembers the counter of the message that last set it
 * (seq): an update or destroy carried by an older message than that
 * (a resent or reordered one) is STALE and changes nothing. Every entry
 * also carries the generation of the full dump that last saw it: after
 * the last chunk of a dump, ctcache_sweep() removes what the dump did not
 * mention (the entries whose destroy was lost). Entries do not age here:
 * the kernel ages them once they are committed, with the timeout the
 * master last reported.
 *
 * Bounded: at most max entries (the slots are twice as many, rounded up to
 * a power of two); an update of a new tuple beyond that is refused and
 * counted (overflow). */
#ifndef HAMGR_CTCACHE_H
#define HAMGR_CTCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ctmsg.h"

struct ctcache_slot {
	struct ctmsg_entry e;
	uint64_t seq;            /* counter of the message that set it */
	uint32_t gen;            /* the dump generation that last saw it */
	uint8_t used;
};

enum ctcache_result {
	CTCACHE_NEW = 0,         /* update: a new entry */
	CTCACHE_CHANGED,         /* update: an entry replaced */
	CTCACHE_REMOVED,         /* destroy: the entry is gone */
	CTCACHE_ABSENT,          /* destroy: no such entry */
	CTCACHE_STALE,           /* an older message than the entry's: ignored */
	CTCACHE_FULL,            /* update of a new tuple beyond max: refused */
	CTCACHE_RESULT_MAX
};

struct ctcache {
	struct ctcache_slot *slot;
	size_t cap;              /* slots, a power of two */
	size_t max;              /* entries at most (<= cap / 2) */
	size_t n;                /* entries now */
	uint64_t seed;
	uint32_t gen;            /* the current dump generation */
	uint64_t count[CTCACHE_RESULT_MAX];
};

/* Slots needed for max entries: 2 x max rounded up to a power of two
 * (at least 2). 0 when max is 0 or too large. */
size_t ctcache_slots_for(size_t max);

/* Empty cache over slot[0..cap) (zeroed here; cap a power of two >= 2),
 * at most max entries (clamped to cap / 2), hash seed. Returns 0, or -1
 * when cap is not a power of two. */
int ctcache_init(struct ctcache *c, struct ctcache_slot *slot, size_t cap, size_t max,
		 uint64_t seed);

/* Remove every entry (the counters stay). */
void ctcache_clear(struct ctcache *c);

/* Take entry e (a valid update/dump entry) from the message with counter
 * seq: new, replaced (an update without TCP info keeps the TCP info it
 * had), stale or full. The entry joins the current generation. */
enum ctcache_result ctcache_update(struct ctcache *c, const struct ctmsg_entry *e,
				   uint64_t seq);

/* Remove the entry with the original tuple t (a destroy of message seq). */
enum ctcache_result ctcache_destroy(struct ctcache *c, const struct ctmsg_tuple *t,
				   uint64_t seq);

/* The entry with the original tuple t, or NULL. */
const struct ctcache_slot *ctcache_find(const struct ctcache *c, const struct ctmsg_tuple *t);

/* A full dump starts: a new generation, returned. */
uint32_t ctcache_begin_dump(struct ctcache *c);

/* The dump of generation gen is complete: remove every entry it did not
 * see. Returns the number removed. */
size_t ctcache_sweep(struct ctcache *c, uint32_t gen);

/* Iterate: *cursor starts at 0; returns the next entry and advances, NULL
 * at the end. Entries changed meanwhile may be seen twice or not at all. */
const struct ctcache_slot *ctcache_next(const struct ctcache *c, size_t *cursor);

const char *ctcache_result_str(enum ctcache_result r);

#endif
