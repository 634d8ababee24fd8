/* model: the world test/explore explores. N nodes (2 or 3), each a real
 * struct fsm and struct pipeline (hamgr/core) joined by the same glue as
 * the daemon (instance.c, instance_wire.c, takeover.c), and the adverts in
 * flight between them. Everything that can happen next is an event
 * (world_events); world_apply carries one out. docs/DESIGN.md, "Checking
 * the election", explains the abstraction of time and the invariants.
 *
 * Every node runs the pipeline of test_takeover.c: a before-VIPs resource
 * (gated, on-fail release: a database promote), the VIPs (synchronous, as
 * in takeover.c), an after-VIPs resource. Resource steps answer whenever
 * the explorer chooses (any time before their deadline), ok, or failed
 * while the failure budget lasts. */
#ifndef HAMGR_EXPLORE_MODEL_H
#define HAMGR_EXPLORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fsm.h"
#include "core/pipeline.h"

#define XN_MAX 3
#define XQ_MAX 16           /* adverts in flight at once (more: a model error) */
/* Two nodes never need more than half of it. */
#define XQ_LIMIT(c) ((c)->n == 2 ? XQ_MAX / 2 : XQ_MAX)
#define XSTEPS 3
#define S_PROMOTE 0         /* gated, release on failure */
#define S_VIPS 1
#define S_AFTER 2

#define X_MS 1000ull
#define X_SEC 1000000ull
/* Every decoded world stands at this instant: times are kept relative. */
#define X_BASE (1000 * X_SEC)

/* The invariants (docs/DESIGN.md, "Checking the election"). */
enum xinv {
	INV_PROMOTE,    /* never two nodes with the gated resource not down */
	INV_VIPS,       /* never two VIP holders */
	INV_MASTERS,    /* two MASTERs at once for at most an interval + delay */
	INV_SETTLE,     /* once faults stop, exactly one master, holding */
	INV_SPLIT,      /* with a witness or quorum: never two MASTERs that
			   cannot hear each other, not for an instant */
	INV_N
};

/* What stands in for the other side in a partition. */
enum xarb {
	ARB_NONE = 0,
	ARB_WITNESS,    /* a witness track (two nodes): FSM_FAULT_TRACK */
	ARB_QUORUM,     /* quorum-nodes = n: FSM_FAULT_QUORUM */
};

/* Partition shapes a scenario may cut (xcfg.shapes). */
#define SH_ISOLATE 0x1u /* a node from every peer (and from the witness) */
#define SH_WITNESS 0x2u /* a node from the witness only */
#define SH_LINK 0x4u    /* the link between two nodes only (they may both
			   still reach the witness, or the third node) */

/* The witness track of the model (hamgr.conf: interval, timeout, fall,
 * rise) and the quorum's announcement period: docs/DESIGN.md, "Checking
 * the election". */
#define XW_INTERVAL (500 * X_MS)
#define XW_TIMEOUT (250 * X_MS)
#define XW_FALL 2
#define XW_RISE 1
#define XC_WITNESS XN_MAX       /* xnode.until[]: the witness's slot */
#define XWHY 160

/* Fault budgets along one path. */
enum xbudget {
	B_LOSS,         /* an advert lost */
	B_CRASH,        /* a node powered off (it may restart) */
	B_PART,         /* a node cut off from the others (healing is free) */
	B_FAIL,         /* a resource step fails */
	B_SWO,          /* an operator's switchover */
	B_REORDER,      /* an advert overtakes an earlier one of the same sender
			   to the same receiver (across senders: always) */
	B_N
};

struct xcfg {
	const char *name;
	int n;
	uint8_t prio[XN_MAX];
	bool preempt;
	uint32_t intv;          /* advert interval */
	uint64_t dmax;          /* an advert arrives at most this long after it is sent */
	uint64_t gate;          /* start-up gate; 0: the daemon's 2 x MDI + 1 s */
	bool settle_fixed;      /* settle-gate set: settle (0: none), not two
				   advert intervals (pairs only) */
	uint64_t settle;
	uint64_t holdoff;       /* fail-holdoff */
	uint64_t deadline;      /* resource steps' deadline */
	uint64_t down;          /* a crashed node stays down at least this long */
	uint64_t mmwin;         /* two masters may last this long; 0: an advert
				   interval and a wire delay */
	unsigned budget[B_N];
	unsigned depth;         /* events along one path */
	enum xarb arb;          /* a witness or quorum (quorum-nodes = n) */
	unsigned shapes;        /* SH_*: the partitions EV_CUT/WCUT/LINK make;
				   0: SH_ISOLATE */
	bool steady;            /* partitions strike a cluster at rest only
				   (world_at_rest) */
	/* Known violations (findings not fixed yet): the length of the
	 * shortest trace each must still have; 0: the invariant must hold. */
	unsigned known[INV_N];
};

struct xmsg {
	uint8_t from, to, prio;
	uint64_t due;           /* sent + dmax */
};

enum xlife { X_UNSTARTED = 0, X_UP, X_DOWN };

struct xnode {
	struct fsm f;
	struct pipeline p;
	enum xlife life;
	uint64_t down_at;       /* X_DOWN: when it crashed */
	/* With a witness or quorum: until when a contact out of reach (peer
	 * j, or the witness at XC_WITNESS) still counts as seen (0: in
	 * reach, or not seen); when the verdict (witness up, quorate) the
	 * fsm has flips next (0: never, as things stand). */
	uint64_t until[XN_MAX + 1];
	uint64_t vdl;
};

struct xlog;

struct world {
	const struct xcfg *c;
	uint64_t now;
	struct xnode nd[XN_MAX];
	struct xmsg q[XQ_MAX];
	unsigned nq;
	uint8_t cut;            /* partitioned nodes (bits): nothing in or out
				   (nor to the witness) */
	uint8_t lcut;           /* cut links (bits: xpair_bit) */
	uint8_t wcut;           /* nodes cut from the witness (bits) */
	uint8_t used[B_N];
	bool dirty;             /* a loss or a cut happened: safety not checked */
	uint64_t mm_since;      /* a node became MASTER beside another one */
	uint64_t mchange;       /* a node last became MASTER (xcfg.steady) */
	/* glue (takeover.c's dispatch): a synchronous VIP step's answer */
	int ddepth;
	bool vip_pending;
	uint64_t vip_token;
	const char *error;      /* a model limit was exceeded */
	struct xlog *log;       /* the trace being printed, or NULL */
};

enum xev_type {
	EV_START = 1,   /* node: first start */
	EV_DELIVER,     /* arg: message, now (not its link's oldest: budget) */
	EV_LATE,        /* arg: message, at its due time (the clock moves) */
	EV_DROP,        /* arg: message lost (budget) */
	EV_TIMER,       /* node: its earliest deadline (the clock moves) */
	EV_DONE_OK,     /* node: the running resource step answers ok */
	EV_DONE_FAIL,   /* ... failed (budget, unless cancelled) */
	EV_CRASH,       /* node: power off (budget) */
	EV_RESTART,     /* node: boots again, at least `down` after its crash
			   (the clock moves) */
	EV_CUT,         /* node: partitioned from all others (budget) */
	EV_HEAL,        /* every partition ends */
	EV_SWITCHOVER,  /* node: hactl switchover (budget) */
	EV_WCUT,        /* node: cut from the witness only (budget) */
	EV_LINK,        /* node, arg: the link between them cut (budget) */
	EV_VERDICT,     /* node: its witness or quorum verdict flips, at vdl
			   (the clock moves) */
};

/* The bit of the link between nodes a and b in world.lcut. */
static inline unsigned xpair_bit(int a, int b)
{
	return a < b ? 1u << (a * 3 + b) : 1u << (b * 3 + a);
}

struct xev {
	uint8_t type, node, arg;
};

static inline uint32_t xev_pack(struct xev e)
{
	return (uint32_t)e.type << 16 | (uint32_t)e.node << 8 | e.arg;
}

static inline struct xev xev_unpack(uint32_t v)
{
	return (struct xev){ (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
}

/* model.c */
void world_init(struct world *w, const struct xcfg *c);
/* Node i's primary address (10.0.0.1 ...): the tie-break order. */
const struct ipaddr *world_ip(int i);
size_t world_events(const struct world *w, struct xev *ev, size_t max);
void world_apply(struct world *w, struct xev e);
/* The safety invariants violated (bits of enum xinv), each described in
 * why[inv]. Checked while no advert was lost and no node cut off. */
unsigned world_violations(const struct world *w, char (*why)[XWHY]);
/* Exactly one live MASTER, not releasing, holding everything; every other
 * live node a BACKUP with nothing held, no hold-off, nothing running. */
bool world_settled(const struct world *w);
int world_masters(const struct world *w);
/* At rest: one live MASTER, which became one more than an interval and a
 * wire delay ago, and every other live node in FAULT or a BACKUP
 * following it that heard it within an interval and a wire delay (so not
 * about to preempt it). */
bool world_at_rest(const struct world *w);
uint64_t world_mdi_max(const struct xcfg *c);
uint64_t world_mmwin(const struct xcfg *c);
uint64_t world_gate(const struct world *w, int i);
/* fsm_config.down_wait_us as the daemon sets it (instance_fsm_config). */
uint64_t world_down_wait(const struct xcfg *c);
/* Can nodes a and b hear each other (both up, no partition between)? */
bool world_linked(const struct world *w, int a, int b);
/* One line about every node: "A MASTER promote:up vips:up after:up". */
void world_describe(const struct world *w, char *buf, size_t len);
void xev_str(const struct world *w, struct xev e, char *buf, size_t len);

/* text.c */
char xnode_name(int i);
const char *xstep_name(size_t step);
const char *xcause_name(enum fsm_cause c);

/* The trace's text. */
struct xlog {
	char buf[4096];
	size_t len;
};
void xlog_add(struct xlog *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* key.c: the canonical form of a world (times relative to now). */
size_t key_size(const struct xcfg *c);
void key_encode(const struct world *w, uint8_t *k);
/* A world at X_BASE with what k holds; everything else canonical. */
void key_decode(struct world *w, const struct xcfg *c, const uint8_t *k);

#endif
