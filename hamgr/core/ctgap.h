/* ctgap: what a conntrack-sync receiver still misses of a joined sender,
 * pure, from the sender's replay window (core/replay.h).
 *
 * A gap (a counter skipped) is asked for at once (a resend request); but
 * the request or the resend may be lost as well, so the receiver asks
 * again, once per tick, for every counter of the window it has not seen:
 * ctgap_missing(). A counter the window leaves behind unseen can never be
 * taken any more (the replay window calls it OLD): only a full dump brings
 * back what it said; ctgap_lost() says so when a new counter is about to
 * push one out. settled: counters below it are not wanted (a full dump
 * that started after them has told everything since). */
#ifndef HAMGR_CTGAP_H
#define HAMGR_CTGAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/replay.h"

struct ctgap_range {
	uint64_t first, last;
};

/* The counters of p's window not seen yet (above p->floor, at least
 * settled), as up to max ranges, oldest first (the newer ones wait for the
 * next call). Returns the number of ranges. */
size_t ctgap_missing(const struct replay_peer *p, uint64_t settled, struct ctgap_range *out,
		     size_t max);

/* True when taking counter (above p->top) as the newest leaves a wanted
 * counter behind the window unseen: one missing now, or one of the gap
 * p->top + 1 .. counter - 1 that is already too far back. */
bool ctgap_lost(const struct replay_peer *p, uint64_t settled, uint64_t counter);

#endif
