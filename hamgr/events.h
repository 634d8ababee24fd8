/* events: the daemon's recent notable events (transitions, reloads,
 * operator commands, first drops), kept in a ring for `hactl log`. */
#ifndef HAMGR_EVENTS_H
#define HAMGR_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#define EVENTS_MAX 1000
#define EVENTS_MSG_MAX 224

struct event {
	uint64_t realtime_us;           /* wall clock, for humans */
	char instance[64];              /* empty: daemon-wide */
	char type[16];                  /* transition, drop, reload, start, stop, command,
					   step, takeover, track, give-up */
	char from[8], to[8];            /* transitions only */
	char message[EVENTS_MSG_MAX];
};

/* Record one event (from/to may be NULL). */
void events_add(const char *instance, const char *type, const char *from,
		const char *to, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Number of events held (at most EVENTS_MAX). */
size_t events_count(void);

/* The i-th oldest event held, 0 <= i < events_count(). */
const struct event *events_get(size_t i);

#endif
