/* scenarios: the clusters test/explore checks and the faults each may
 * suffer, at the small bound (make check, seconds) and the deep one (make
 * explore). Two nodes and three; equal priorities (the tie-break decides)
 * and ranked ones (200, 150, 100); preempt on; a 1 s advert interval; an
 * advert arrives at most 100 ms after it is sent.
 *
 * Times are the daemon's defaults but three, shortened so that a path of
 * the bounded depth reaches past them: fail-holdoff 5 s (default 60 s),
 * the resource steps' deadline 4 s (default: twice the action's timeout
 * plus margins, a minute or more), and a crashed node boots again 1 s
 * after its crash at the earliest. The start-up gate is the daemon's
 * default, 2 x Master_Down_Interval + 1 s.
 *
 * A profile is the fault budget of one path: L loss, C crash, P
 * partition, F step failure, S switchover, R reordering on one link.
 *
 * `known` pins the violations the model still finds (docs/DESIGN.md,
 * "Checking the election"): all of F4's class, a node still undoing a
 * lost mastership while another's gate runs out, which the daemon closes
 * through the announcements' "held" flag (not modelled here). The length
 * of the shortest trace each must still have; make explore prints them. */
#include "scenarios.h"

#define INTV (1 * X_SEC)
#define DMAX (100 * X_MS)
#ifndef DEADLINE
#define DEADLINE (4 * X_SEC)
#endif

#define EQ2 2, { 100, 100, 0 }
#define RK2 2, { 200, 100, 0 }
#define EQ3 3, { 100, 100, 100 }
#define RK3 3, { 200, 150, 100 }

/* L C P F S R */
#define SC(nm, cl, l, c, p, f, s, r, d, ...)                                          \
	{ .name = nm, .n = cl, .preempt = true, .intv = INTV, .dmax = DMAX,             \
	  .holdoff = 5 * X_SEC, .deadline = DEADLINE, .down = INTV,                      \
	  .budget = { l, c, p, f, s, r }, .depth = d, .known = { __VA_ARGS__ } }

/* With a witness (two nodes) or quorum (three nodes, quorum-nodes = 3):
 * the partition shapes they may cut, whether partitions strike a cluster
 * at rest only (st), the steps' deadline (dl). The assumptions under which
 * *split* must hold (docs/DESIGN.md, "With a witness or quorum"): adverts
 * within DMAX, partitions at rest, every step answering within QDL so a
 * cut-off master's release ends within 2 x INTV + Skew_Time - DMAX of its
 * verdict. Each finding W1 to W3 breaks one of them and is pinned; W4
 * showed a rule the core lacked (a release from nobody followed), fixed. */
#define SCA(nm, cl, arb_, sh, st, dl, l, c, p, f, s, r, d, ...)                      \
	{ .name = nm, .n = cl, .preempt = true, .intv = INTV, .dmax = DMAX,             \
	  .holdoff = 5 * X_SEC, .deadline = dl, .down = INTV, .arb = arb_, .steady = st, \
	  .shapes = sh, .budget = { l, c, p, f, s, r }, .depth = d, .known = { __VA_ARGS__ } }
#define QDL (500 * X_MS)

/* settle-gate = 0 (hamgr.conf(5): allowed where the node hears one peer
 * only). pair0-*: two nodes; F1, the reason for the settle gate, needs a
 * second backup, so *promote* must hold without it, but for the F4 class
 * pinned as in the plain scenarios (closed in the daemon by "held").
 * fsm_gate_us shortens only a takeover from a silent master: applied to
 * a release too, the checker found two masters of VRRP's moment that
 * give the role up together and both promote after one Skew_Time
 * (pair0-equal/reorder, 13 events). three0-equal/crash: with a third
 * node F1 is back (11 events), which is why hamgr -t refuses it there. */
#define SCP(nm, cl, l, c, p, f, s, r, d, ...)                                         \
	{ .name = nm, .n = cl, .preempt = true, .intv = INTV, .dmax = DMAX,             \
	  .holdoff = 5 * X_SEC, .deadline = DEADLINE, .down = INTV,                      \
	  .settle_fixed = true, .settle = 0,                                             \
	  .budget = { l, c, p, f, s, r }, .depth = d, .known = { __VA_ARGS__ } }
#define WIT ARB_WITNESS
#define QUO ARB_QUORUM
#define SH_PART (SH_ISOLATE | SH_WITNESS)

static const struct xcfg small[] = {
	SC("two-equal/net", EQ2, 1, 0, 1, 0, 0, 1, 24, 0),
	SC("two-ranked/net", RK2, 1, 0, 1, 0, 0, 1, 24, 0),
	SC("two-equal/nodes", EQ2, 0, 1, 0, 1, 0, 0, 24, 0),
	SC("two-ranked/nodes", RK2, 0, 1, 0, 1, 0, 0, 26, 0),
	SC("two-equal/operator", EQ2, 0, 0, 0, 1, 1, 0, 24, 0),
	SC("two-ranked/operator", RK2, 0, 0, 0, 1, 1, 0, 24, 0),
	SC("two-equal/reorder", EQ2, 0, 0, 0, 0, 1, 1, 24, 0),
	SCP("pair0-equal/nodes", EQ2, 0, 1, 0, 1, 0, 0, 24, 0),
	SCP("pair0-ranked/net", RK2, 1, 0, 1, 0, 0, 1, 24, 0),
	SC("three-equal/crash", EQ3, 0, 1, 0, 0, 0, 0, 20, 0),
	SCP("three0-equal/crash", EQ3, 0, 1, 0, 0, 0, 0, 12, [INV_PROMOTE] = 11),
	SC("three-ranked/calm", RK3, 0, 0, 0, 0, 0, 0, 24, 0),
	SCA("two-witness/net", RK2, WIT, SH_PART, 1, QDL, 1, 0, 2, 0, 0, 0, 24, 0),
	SCA("three-quorum/net", RK3, QUO, SH_ISOLATE, 1, QDL, 1, 0, 2, 0, 0, 0, 24, 0),
};

static const struct xcfg deep[] = {
	SC("two-equal/net", EQ2, 1, 0, 1, 0, 0, 1, 34, 0),
	SC("two-ranked/net", RK2, 1, 0, 1, 0, 0, 1, 34, [INV_PROMOTE] = 33),
	SC("two-equal/nodes", EQ2, 0, 1, 0, 1, 0, 0, 36, 0),
	SC("two-ranked/nodes", RK2, 0, 1, 0, 1, 0, 0, 36, [INV_PROMOTE] = 32),
	SC("two-equal/operator", EQ2, 0, 0, 0, 1, 1, 0, 36, 0),
	SC("two-ranked/operator", RK2, 0, 0, 0, 1, 1, 0, 36, [INV_PROMOTE] = 33),
	SC("two-equal/all", EQ2, 1, 1, 1, 1, 1, 0, 22, 0),
	SC("two-ranked/all", RK2, 1, 1, 1, 1, 1, 0, 22, 0),
	SC("two-equal/reorder", EQ2, 0, 0, 0, 0, 1, 1, 32, 0),
	SCP("pair0-equal/net", EQ2, 1, 0, 1, 0, 0, 1, 34, 0),
	SCP("pair0-ranked/net", RK2, 1, 0, 1, 0, 0, 1, 34, [INV_PROMOTE] = 33),
	SCP("pair0-equal/nodes", EQ2, 0, 1, 0, 1, 0, 0, 36, 0),
	SCP("pair0-ranked/nodes", RK2, 0, 1, 0, 1, 0, 0, 36, [INV_PROMOTE] = 27),
	SCP("pair0-equal/operator", EQ2, 0, 0, 0, 1, 1, 0, 36, 0),
	SCP("pair0-ranked/operator", RK2, 0, 0, 0, 1, 1, 0, 36, [INV_PROMOTE] = 33),
	SCP("pair0-equal/all", EQ2, 1, 1, 1, 1, 1, 0, 22, 0),
	SCP("pair0-ranked/all", RK2, 1, 1, 1, 1, 1, 0, 22, 0),
	SCP("pair0-equal/reorder", EQ2, 0, 0, 0, 0, 1, 1, 32, [INV_PROMOTE] = 32),
	SC("three-equal/net", EQ3, 1, 0, 1, 0, 0, 0, 22, 0),
	SC("three-ranked/net", RK3, 1, 0, 1, 0, 0, 0, 22, 0),
	SC("three-equal/crash", EQ3, 0, 1, 0, 0, 0, 0, 30, 0),
	SC("three-ranked/calm", RK3, 0, 0, 0, 0, 0, 0, 34, [INV_PROMOTE] = 32),
	SC("three-equal/operator", EQ3, 0, 0, 0, 1, 1, 0, 26, 0),
	SC("three-ranked/nodes", RK3, 0, 1, 0, 1, 0, 0, 26, [INV_PROMOTE] = 26),
	SCA("two-witness/net", RK2, WIT, SH_PART, 1, QDL, 1, 0, 2, 0, 0, 1, 32, 0),
	SCA("two-witness/nodes", RK2, WIT, SH_PART, 1, QDL, 0, 1, 1, 1, 0, 0, 30, 0),
	SCA("two-witness/operator", RK2, WIT, SH_PART, 1, QDL, 0, 0, 1, 1, 1, 0, 30, 0),
	SCA("three-quorum/net", RK3, QUO, SH_ISOLATE, 1, QDL, 1, 0, 2, 0, 0, 0, 28, 0),
	SCA("three-quorum/crash", RK3, QUO, SH_ISOLATE, 1, QDL, 0, 1, 1, 0, 0, 0, 28, 0),
	/* Findings (docs/DESIGN.md, "With a witness or quorum"): W1 partitions
	 * not at rest, W2 one link, W3 slow releases; W4 (three-quorum/crash,
	 * at rest) was fixed in the core and is checked unpinned above. */
	SCA("two-witness/any", RK2, WIT, SH_PART, 0, QDL, 0, 0, 1, 0, 0, 0, 24, [INV_SPLIT] = 5),
	SCA("three-quorum/any", RK3, QUO, SH_ISOLATE, 0, QDL, 0, 0, 1, 0, 0, 0, 24, [INV_SPLIT] = 7),
	SCA("two-witness/link", RK2, WIT, SH_LINK, 1, QDL, 0, 0, 1, 0, 0, 0, 24, [INV_SPLIT] = 11),
	SCA("three-quorum/link", RK3, QUO, SH_LINK, 1, QDL, 0, 0, 1, 0, 0, 0, 24, [INV_SPLIT] = 22),
	SCA("two-witness/slow", RK2, WIT, SH_PART, 1, DEADLINE, 0, 0, 1, 0, 0, 0, 30, [INV_SPLIT] = 22),
	SCA("three-quorum/slow", RK3, QUO, SH_ISOLATE, 1, DEADLINE, 0, 0, 1, 0, 0, 0, 30, [INV_SPLIT] = 27),
};


const struct xcfg *scenarios(bool is_deep, size_t *n)
{
	*n = is_deep ? sizeof(deep) / sizeof(deep[0]) : sizeof(small) / sizeof(small[0]);
	return is_deep ? deep : small;
}
