/* realtime: the daemon's scheduling for tight advert intervals
 * (realtime-priority in hamgr.conf(5)): SCHED_FIFO at the configured
 * priority (SCHED_RESET_ON_FORK: resource scripts and agents run as normal
 * processes), every page locked in memory (mlockall) and a timer slack of
 * 1 us, so a loaded machine neither delays nor pages out the daemon that
 * must advertise every 10 ms. 0 puts everything back. */
#ifndef HAMGR_REALTIME_H
#define HAMGR_REALTIME_H

#include <stdbool.h>

/* realtime-priority when the config does not say: on, below the kernel's
 * threaded interrupt handlers (50), which deliver the adverts. Measured:
 * with it no false takeover at 10 ms under CPU starvation (docs/
 * BENCHMARKS.md), without it one every 10-20 s. */
#define REALTIME_DEFAULT 10

struct realtime_state {
	int priority;           /* configured: 0 off, 1..99 */
	bool fifo;              /* SCHED_FIFO is in force */
	bool locked;            /* mlockall is in force (never in ASan builds:
				 * it would fault in terabytes of shadow) */
	char error[128];        /* why not, "" when all went well */
};

/* Apply priority (0..99); st says what is in force afterwards. 0, or -1
 * with st->error set (what could be done is done). */
int realtime_apply(int priority, struct realtime_state *st);

#endif
