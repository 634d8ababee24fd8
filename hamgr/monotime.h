/* monotime: the monotonic clock now, in microseconds (the unit of every
 * deadline here and of sd_event_now). Not the loop's time of this
 * iteration: for durations within one callback and for what the loop
 * computes before it waits. */
#ifndef HAMGR_MONOTIME_H
#define HAMGR_MONOTIME_H

#include <stdint.h>
#include <time.h>

static inline uint64_t monotime_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#endif
