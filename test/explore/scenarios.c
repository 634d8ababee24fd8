/* scenarios: two and three nodes, equal priorities (the tie-break decides)
 * and ranked ones, with the fault budgets and depths of each bound. Times
 * are the daemon's defaults but two, shortened so that a path of the
 * bounded depth reaches past them: fail-holdoff 5 s (default 60 s) and the
 * resource steps' deadline 4 s (default: twice the action's timeout plus
 * margins). The start-up gate is the daemon's default, 2 x
 * Master_Down_Interval + 1 s. */
#include "scenarios.h"

#define INTV (1 * X_SEC)
#define DMAX (100 * X_MS)

#define CLUSTER(nm, nn, p0, p1, p2)                                                   \
	{ .name = nm, .n = nn, .prio = { p0, p1, p2 }, .preempt = true, .intv = INTV,  \
	  .dmax = DMAX, .holdoff = 5 * X_SEC, .deadline = 4 * X_SEC, .down = INTV }

static struct xcfg small[] = {
	CLUSTER("two-equal", 2, 100, 100, 0),
	CLUSTER("two-ranked", 2, 200, 100, 0),
	CLUSTER("three-equal", 3, 100, 100, 100),
	CLUSTER("three-ranked", 3, 200, 150, 100),
};

static struct xcfg deep[] = {
	CLUSTER("two-equal", 2, 100, 100, 0),
	CLUSTER("two-ranked", 2, 200, 100, 0),
	CLUSTER("three-equal", 3, 100, 100, 100),
	CLUSTER("three-ranked", 3, 200, 150, 100),
};

static void bounds(struct xcfg *c, size_t n, unsigned depth2, unsigned depth3,
		   unsigned faults)
{
	for (size_t i = 0; i < n; i++) {
		c[i].depth = c[i].n == 2 ? depth2 : depth3;
		for (int b = 0; b < B_N; b++)
			c[i].budget[b] = faults;
	}
}

const struct xcfg *scenarios(bool is_deep, size_t *n)
{
	if (is_deep) {
		bounds(deep, sizeof(deep) / sizeof(deep[0]), 40, 30, 1);
		*n = sizeof(deep) / sizeof(deep[0]);
		return deep;
	}
	bounds(small, sizeof(small) / sizeof(small[0]), 20, 15, 1);
	*n = sizeof(small) / sizeof(small[0]);
	return small;
}
