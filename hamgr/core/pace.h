/* pace: a token bucket, for announcements sent at a bounded rate
 * (garp-rate: gratuitous ARP / unsolicited NA per second).
 *
 * The bucket holds a tenth of a second's worth (at least one), starts
 * full, and refills at rate per second of the caller's monotonic clock:
 * a few announcements go out at once, a thousand take a second each.
 * Pure: integer arithmetic in millionths of a token. */
#ifndef HAMGR_PACE_H
#define HAMGR_PACE_H

#include <stddef.h>
#include <stdint.h>

struct pace {
	uint64_t rate;          /* tokens per second */
	uint64_t burst_u;       /* bucket size, millionths of a token */
	uint64_t tokens_u;      /* in the bucket now, millionths */
	uint64_t last;          /* monotonic us of the last refill; 0: never */
};

void pace_init(struct pace *p, unsigned rate_per_s);

/* Up to want sends allowed at now; the bucket pays for them. */
size_t pace_take(struct pace *p, uint64_t now, size_t want);

/* When the next send will be allowed (now when one is). */
uint64_t pace_next(const struct pace *p, uint64_t now);

#endif
