/* realtime: SCHED_FIFO, mlockall and timer slack for the daemon. */
#include "realtime.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

#define SLACK_DEFAULT_NS 50000  /* the kernel's default timer slack */

/* AddressSanitizer reserves terabytes of shadow memory that mlockall
 * would try to fault in. */
#if defined(__SANITIZE_ADDRESS__)
#define REALTIME_LOCK 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REALTIME_LOCK 0
#endif
#endif
#ifndef REALTIME_LOCK
#define REALTIME_LOCK 1
#endif

int realtime_effective(int configured, uint64_t shortest_interval_us)
{
	if (configured != REALTIME_AUTO)
		return configured;
	return shortest_interval_us && shortest_interval_us < REALTIME_AUTO_BELOW_US
		       ? REALTIME_DEFAULT : 0;
}

int realtime_apply(int priority, struct realtime_state *st)
{
	struct sched_param sp = { .sched_priority = priority };
	int rc = 0;

	st->priority = priority;
	st->error[0] = '\0';
	if (priority > 0) {
		if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) < 0) {
			snprintf(st->error, sizeof(st->error), "sched_setscheduler(SCHED_FIFO, %d): %s",
				 priority, strerror(errno));
			rc = -1;
		}
		if (!REALTIME_LOCK) {
			/* not locked, not an error: see above */
		} else if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0 && !st->error[0]) {
			snprintf(st->error, sizeof(st->error), "mlockall: %s", strerror(errno));
			rc = -1;
		} else if (rc == 0) {
			st->locked = true;
		}
		prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	} else {
		sp.sched_priority = 0;
		if (sched_getscheduler(0) != SCHED_OTHER)
			(void)sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &sp);
		if (st->locked)
			munlockall();
		st->locked = false;
		prctl(PR_SET_TIMERSLACK, (unsigned long)SLACK_DEFAULT_NS, 0, 0, 0);
	}
	st->fifo = (sched_getscheduler(0) & ~SCHED_RESET_ON_FORK) == SCHED_FIFO;
	return rc;
}
