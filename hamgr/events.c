/* events: a fixed ring of recent events; the oldest is overwritten. */
#include "events.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static struct event ring[EVENTS_MAX];
static size_t ring_next;   /* slot the next event goes to */
static size_t ring_count;

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

void events_add(const char *instance, const char *type, const char *from,
		const char *to, const char *fmt, ...)
{
	struct event *e = &ring[ring_next];
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	memset(e, 0, sizeof(*e));
	e->realtime_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	copy(e->instance, sizeof(e->instance), instance);
	copy(e->type, sizeof(e->type), type);
	copy(e->from, sizeof(e->from), from);
	copy(e->to, sizeof(e->to), to);
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	ring_next = (ring_next + 1) % EVENTS_MAX;
	if (ring_count < EVENTS_MAX)
		ring_count++;
}

size_t events_count(void)
{
	return ring_count;
}

const struct event *events_get(size_t i)
{
	size_t oldest = (ring_next + EVENTS_MAX - ring_count) % EVENTS_MAX;

	if (i >= ring_count)
		return NULL;
	return &ring[(oldest + i) % EVENTS_MAX];
}
