/* deadline: the instances' timers, kept by the event loop itself instead
 * of as one sd-event time source each.
 *
 * sd-event waits for its time sources on a timerfd: moving the earliest
 * of them costs a timerfd_settime() and a timer that fires a read(). A
 * master's advert timer moves and fires every advert: two system calls
 * per advert on top of the send and the epoll_wait() that are the work
 * (keepalived's master makes only those two), and with 255 instances each
 * move also re-sorts sd-event's queues of 255 time sources.
 *
 * So a deadline that may fire a millisecond or more late (a master's next
 * advert: 2 % of the interval, 2 ms at 100 ms) is waited for with epoll's
 * timeout instead (deadlines_loop): sd-event passes epoll a timeout in
 * milliseconds, rounded up, which such a deadline can take. Every other
 * deadline (Master_Down, the pipeline's steps: failover timing) must fire
 * on time: it waits with epoll's timeout too until it is 2 ms away, then
 * on one sd-event timer shared by the set, armed at the earliest of
 * them, as precise as before (on the timer at once if nothing can move
 * it first: deadline_firm).
 *
 * Everything else (monitors, tracks, announcements, control clients)
 * stays in sd-event: those fire seldom. */
#ifndef HAMGR_DEADLINE_H
#define HAMGR_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

struct deadline;
typedef void deadline_fn(struct deadline *d, uint64_t now, void *arg);

/* One timer; its owner embeds it. Fields are the module's own. */
struct deadline {
	uint64_t at;            /* CLOCK_MONOTONIC us; 0: off */
	uint64_t latest;        /* it may fire as late as this (coalescing) */
	bool firm;              /* it will not move before it fires (deadline_firm) */
	deadline_fn *fire;
	void *arg;
	struct deadlines *set;  /* NULL: not added */
	size_t slot;            /* its index in set->v */
};

/* Every deadline of one loop. Zero-initialised is empty. */
struct deadlines {
	struct deadline **v;    /* slots; NULL: deleted while running */
	size_t n, cap;
	bool running;           /* in deadlines_run: deletions leave holes */
	bool holes;
	sd_event_source *precise; /* the timer of the on-time deadlines */
	uint64_t precise_at;    /* what it is armed at; 0: off */
	uint64_t seen;          /* the latest time seen (deadlines_saw) */
};

/* A deadline that may be this late (us) or more waits with epoll's
 * timeout: up to 1 ms of rounding and the kernel's default timer slack
 * (50 us) must fit. The others wait on the timer. */
#define DEADLINE_PRECISE_US 1100

/* Add d (off) to s; fire is called once when it is due, with the loop's
 * time, and d is off again then (deadline_set re-arms it). 0, or -ENOMEM. */
int deadline_add(struct deadlines *s, struct deadline *d, deadline_fn *fire, void *arg);

/* Take d out of its set (if in one); safe from within a fire callback. */
void deadline_del(struct deadline *d);

/* Arm d at `at` (CLOCK_MONOTONIC us, non-zero); it may fire up to
 * `accuracy` us later so that deadlines falling due together are served
 * in one wakeup (0 or 1: on time). */
void deadline_set(struct deadline *d, uint64_t at, uint64_t accuracy);

/* Disarm d. */
void deadline_off(struct deadline *d);

/* d, just set on time, will fire where it is: nothing pushes it back
 * first (a backup whose adverts are read at its Master_Down deadline).
 * It waits on the timer from now on, instead of epoll until
 * DEADLINE_ARM_US before it and then the timer: one wakeup per
 * deadline, not two. deadline_set and deadline_off clear it. */
void deadline_firm(struct deadline *d);

/* An on-time deadline further than this (us) from `now` waits with
 * epoll's timeout until it is this close, and on the timer from then on:
 * a backup's Master_Down, pushed back by every advert, then never moves
 * the timer while its master is alive (one timerfd_settime per advert
 * saved), and when the master is gone the timer is set once, 2 ms ahead. */
#define DEADLINE_ARM_US 2000

/* When the loop must wake, at `now`: *coarse for epoll's timeout, the
 * earliest `at` of the armed deadlines that may be DEADLINE_PRECISE_US
 * late or more (rounded up to the millisecond it is still before their
 * `latest`) and of DEADLINE_ARM_US before the on-time ones further away
 * than that; *precise for the timer, the earliest `at` of the on-time
 * ones nearer than that. 0: none of that kind. */
void deadlines_wake(const struct deadlines *s, uint64_t now, uint64_t *coarse,
		    uint64_t *precise);

/* Fire every deadline due at `now` (at <= now), in slot order. Returns
 * how many fired. */
size_t deadlines_run(struct deadlines *s, uint64_t now);

/* The loop's time for the owners of s's deadlines: sd-event's time of
 * this wakeup, or the latest time seen since (deadlines_saw) if later.
 * An advert read after the wakeup is timed when the kernel queued it,
 * which may be after the wakeup's time (the loop stalled in between): the
 * times its owner keeps must not run behind it. */
uint64_t deadlines_now(const struct deadlines *s, sd_event *e);

/* A time read from a fresh clock (an arrival the kernel stamped) was
 * seen: deadlines_now is at least t from now on. */
void deadlines_saw(struct deadlines *s, uint64_t t);

/* sd_event_loop() with the deadlines of s: sd-event's sources dispatched
 * one per iteration as sd_event_run() does, the due deadlines fired after
 * each (at deadlines_now), epoll's timeout cut to the next coarse
 * deadline and the shared timer moved to the next precise one. Returns
 * the loop's exit code (sd_event_exit), or a negative errno. */
int deadlines_loop(sd_event *e, struct deadlines *s);

/* Free the slot array and the timer (the deadlines are their owners'). */
void deadlines_free(struct deadlines *s);

#endif
