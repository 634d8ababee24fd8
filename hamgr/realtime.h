/* realtime: the daemon's scheduling for tight advert intervals
 * (realtime-priority in hamgr.conf(5)): SCHED_FIFO at the configured
 * priority (SCHED_RESET_ON_FORK: resource scripts and agents run as normal
 * processes), every page locked in memory (mlockall) and a timer slack of
 * 1 us, so a loaded machine neither delays nor pages out the daemon that
 * must advertise every 10 ms. 0 puts everything back. */
#ifndef HAMGR_REALTIME_H
#define HAMGR_REALTIME_H

#include <stdbool.h>
#include <stdint.h>

/* realtime-priority when the config does not say (REALTIME_AUTO): on, at
 * REALTIME_DEFAULT, when an instance advertises more often than every
 * REALTIME_AUTO_BELOW_US, else off. Measured (docs/BENCHMARKS.md): at 10
 * ms on a CPU-starved host one false takeover every 10-20 s with the
 * normal policy, none with SCHED_FIFO; at 100 ms none either way, while
 * SCHED_FIFO costs 255 instances about 1.5 x the CPU (each wakeup of a
 * real-time task is dearer) and mlockall 4 MB of RSS. 10 is below the
 * kernel's threaded interrupt handlers (50), which deliver the adverts. */
#define REALTIME_AUTO (-1)
#define REALTIME_DEFAULT 10
#define REALTIME_AUTO_BELOW_US 50000ULL

/* The priority in force for a configured one (REALTIME_AUTO or 0..99)
 * and the shortest advert interval of the config's instances (0: none). */
int realtime_effective(int configured, uint64_t shortest_interval_us);

struct realtime_state {
	int priority;           /* asked for (realtime_effective): 0 off, 1..99 */
	bool fifo;              /* SCHED_FIFO is in force */
	bool locked;            /* mlockall is in force (never in ASan builds:
				 * it would fault in terabytes of shadow) */
	char error[128];        /* why not, "" when all went well */
};

/* Apply priority (0..99); st says what is in force afterwards. 0, or -1
 * with st->error set (what could be done is done). */
int realtime_apply(int priority, struct realtime_state *st);

#endif
