/* track: a health check's state with rise/fall hysteresis, and the one
 * function that turns configured priority and tracks into the priority a
 * node competes with. Pure. */
#ifndef HAMGR_TRACK_H
#define HAMGR_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct track_cfg {
	unsigned rise, fall;    /* results in a row that change the state, >= 1 */
	int weight;             /* added to the priority while down; 0: FAULT */
};

struct track {
	struct track_cfg cfg;
	bool known;             /* a first result has arrived */
	bool up;
	unsigned run;           /* results in a row against the current state */
	uint64_t since;         /* when the state last changed */
	uint64_t checks, failures;
};

void track_init(struct track *t, const struct track_cfg *cfg);

/* One check result. The first result sets the state outright (a node that
 * starts with a dead gateway competes low at once); afterwards it takes
 * fall failures in a row to go down and rise successes to come back up.
 * Returns true when the state changed. */
bool track_result(struct track *t, uint64_t now, bool ok);

/* A state learnt directly (an interface's link): no hysteresis. */
bool track_set(struct track *t, uint64_t now, bool up);

/* The weight this track applies now: its weight while down, else 0. */
int track_applied(const struct track *t);

/* Down with weight 0: the instance must be in FAULT. */
bool track_faulting(const struct track *t);

/* The priority a node competes with: configured plus the weights of the
 * tracks that are down, within 1..254 (an address owner, 255, stays 255
 * only while no weight applies). Standby and give-up (priority 0) are the
 * fsm's business, applied on top of this. */
uint8_t track_priority(uint8_t configured, const struct track *t, size_t n);

/* Any track down with weight 0. */
bool track_any_faulting(const struct track *t, size_t n);

#endif
