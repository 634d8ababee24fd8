/* model: N nodes of the real fsm + pipeline, the daemon's glue between
 * them, the adverts in flight, and the events the explorer chooses from.
 * The glue mirrors instance.c (instance_apply, on_timer), instance_wire.c
 * (fsm_recv, then takeover_confirm) and takeover.c (dispatch with the
 * synchronous VIP step, milestones, the gate's length). Peer
 * announcements (hello) are not modelled: no early confirmation by them,
 * no switchover --to; with quorum-nodes their effect on the quorum is, as
 * a verdict per node (below), and so is a witness track's. */
#include "model.h"

#include <stdio.h>
#include <string.h>

#include "core/ipaddr.h"
#include "core/quorum.h"

const struct ipaddr *world_ip(int i)
{
	static struct ipaddr ip[XN_MAX];
	static bool done;

	if (!done) {
		for (int k = 0; k < XN_MAX; k++) {
			uint8_t b[4] = { 10, 0, 0, (uint8_t)(k + 1) };

			memset(&ip[k], 0, sizeof(ip[k]));
			ipaddr_from_bytes(&ip[k], IPADDR_V4, b);
		}
		done = true;
	}
	return &ip[i];
}

static void node_reset(struct world *w, int i)
{
	const struct xcfg *c = w->c;
	const struct pipeline_step_cfg steps[XSTEPS] = {
		{ .kind = PIPELINE_RESOURCE, .index = 0, .gated = true, .release_on_fail = true,
		  .deadline_us = c->deadline },
		{ .kind = PIPELINE_VIPS },
		{ .kind = PIPELINE_RESOURCE, .index = 1, .release_on_fail = true,
		  .deadline_us = c->deadline },
	};
	struct fsm_config fc;

	memset(&fc, 0, sizeof(fc));
	fc.priority = c->prio[i];
	fc.adver_int_us = c->intv;
	fc.preempt = c->preempt;
	fc.down_wait_us = world_down_wait(c);
	fc.settle_fixed = c->settle_fixed;
	fc.settle_gate_us = c->settle;
	fsm_init(&w->nd[i].f, &fc, world_ip(i));
	pipeline_init(&w->nd[i].p, steps, XSTEPS);
	memset(w->nd[i].until, 0, sizeof(w->nd[i].until));
	w->nd[i].vdl = 0;
}

void world_init(struct world *w, const struct xcfg *c)
{
	memset(w, 0, sizeof(*w));
	w->c = c;
	w->now = X_BASE;
	for (int i = 0; i < c->n; i++)
		node_reset(w, i);
}

static void fsm_apply(struct world *w, int i, const struct fsm_actions *o);

/* ---- witness and quorum ---------------------------------------------------------
 *
 * Announcements and the witness's checks are not modelled message by
 * message: a node sees a peer (the witness) while they are linked, and
 * still counts it for `loss` after the link went (a crash, a partition);
 * the verdict the fsm has (FSM_FAULT_TRACK / FSM_FAULT_QUORUM) flips when
 * the count says so (quorum_majority, the real rule), at the latest the
 * daemon allows: loss = exactly what the backups add to
 * Master_Down_Interval. Once a node is in reach of enough again, the
 * verdict comes back `regain` later. */

/* announce.c's announce_period(): with quorum-nodes, every advert
 * interval, 10 ms at the least, PEERS_HELLO_PERIOD_US (1 s) at most. */
static uint64_t announce_period(const struct xcfg *c)
{
	uint64_t p = c->intv;

	return p < 10000 ? 10000 : p > 1000000 ? 1000000 : p;
}

/* tracks.c's tracks_witness_wait() for the model's witness track. */
static uint64_t witness_wait(void)
{
	return XW_FALL * (XW_INTERVAL + XW_TIMEOUT) + XW_INTERVAL;
}

uint64_t world_down_wait(const struct xcfg *c)
{
	/* instance_fsm_config: the longer of the witness's and the quorum's. */
	return c->arb == ARB_WITNESS ? witness_wait() :
	       c->arb == ARB_QUORUM ? quorum_wait_us(announce_period(c)) : 0;
}

/* From the last contact to the FAULT, at the latest: the witness's
 * checks fail `fall` times (interval + timeout each) and the interval in
 * hand is used up; a peer's last announcement was heard at the cut, it
 * counts for the window (quorum_window_us), and the next announcement
 * tick (one period) finds it gone. Both equal world_down_wait(). */
static uint64_t verdict_loss(const struct xcfg *c)
{
	return c->arb == ARB_WITNESS ? XW_FALL * (XW_INTERVAL + XW_TIMEOUT) + XW_INTERVAL
				     : quorum_window_us(announce_period(c)) + announce_period(c);
}

/* From in reach again to the verdict back: `rise` good checks; a peer's
 * next announcement (a period and a wire delay; announce_rx decides at
 * once). */
static uint64_t verdict_regain(const struct xcfg *c)
{
	return c->arb == ARB_WITNESS ? XW_RISE * (XW_INTERVAL + XW_TIMEOUT)
				     : announce_period(c) + c->dmax;
}

static unsigned verdict_cause(const struct xcfg *c)
{
	return c->arb == ARB_WITNESS ? FSM_FAULT_TRACK : FSM_FAULT_QUORUM;
}

/* Contact x of node i (a peer, or XC_WITNESS) in reach now. */
static bool in_reach(const struct world *w, int i, int x)
{
	if (w->nd[i].life != X_UP)
		return false;
	if (x == XC_WITNESS)
		return w->c->arb == ARB_WITNESS && !(w->cut >> i & 1) && !(w->wcut >> i & 1);
	return x != i && x < w->c->n && world_linked(w, i, x);
}

static int n_contacts(const struct xcfg *c)
{
	return c->arb == ARB_WITNESS ? XC_WITNESS + 1 : c->n;
}

/* Does node i's evidence say ok at time t (contacts in reach now, or out
 * of reach but counted until after t)? */
static bool verdict_at(const struct world *w, int i, uint64_t t)
{
	const struct xnode *n = &w->nd[i];
	size_t seen = 0;

	if (w->c->arb == ARB_WITNESS)
		return in_reach(w, i, XC_WITNESS) || n->until[XC_WITNESS] > t;
	for (int j = 0; j < w->c->n; j++)
		if (j != i && (in_reach(w, i, j) || n->until[j] > t))
			seen++;
	return quorum_majority((unsigned)w->c->n, seen);
}

/* When node i's evidence turns bad if nothing else changes (0: never):
 * the earliest `until` at which the count falls short. */
static uint64_t verdict_loss_at(const struct world *w, int i)
{
	uint64_t best = 0;

	for (int x = 0; x < n_contacts(w->c); x++) {
		uint64_t u = w->nd[i].until[x];

		if (u > w->now && (!best || u < best) && !verdict_at(w, i, u))
			best = u;
	}
	return best;
}

static bool verdict_ok(const struct world *w, int i)
{
	return !(w->nd[i].f.fault & verdict_cause(w->c));
}

/* Node i's next flip of the verdict, after anything changed. */
static void verdict_plan(struct world *w, int i)
{
	struct xnode *n = &w->nd[i];
	bool ev = verdict_at(w, i, w->now);

	if (n->life != X_UP) {
		n->vdl = 0;
		return;
	}
	if (verdict_ok(w, i))
		n->vdl = ev ? verdict_loss_at(w, i) : w->now;
	else if (!ev)
		n->vdl = 0;
	else if (!n->vdl)
		n->vdl = w->now + verdict_regain(w->c);
}

/* The links before an event (bit i * (XN_MAX + 1) + x: contact x of node
 * i in reach). */
static uint32_t reach_mask(const struct world *w)
{
	uint32_t m = 0;

	for (int i = 0; i < w->c->n; i++)
		for (int x = 0; x < n_contacts(w->c); x++)
			if (in_reach(w, i, x))
				m |= 1u << (i * (XN_MAX + 1) + x);
	return m;
}

/* After an event: a contact that went out of reach counts `loss` more;
 * one in reach needs no deadline; expired ones are forgotten (one form
 * for "not seen"). Then every node's next verdict. */
static void reach_changed(struct world *w, uint32_t before)
{
	for (int i = 0; i < w->c->n; i++) {
		struct xnode *n = &w->nd[i];

		if (n->life != X_UP)
			continue;
		for (int x = 0; x < n_contacts(w->c); x++) {
			bool was = before >> (i * (XN_MAX + 1) + x) & 1;

			if (in_reach(w, i, x))
				n->until[x] = 0;
			else if (was)
				n->until[x] = w->now + verdict_loss(w->c);
			else if (n->until[x] <= w->now)
				n->until[x] = 0;
		}
		verdict_plan(w, i);
	}
}

/* The verdict flips (instance_quorum_check, tracks.c's update). */
static void verdict_flip(struct world *w, int i)
{
	struct fsm_actions fo = { .n = 0 };
	bool lost = verdict_ok(w, i);
	const char *why = w->c->arb == ARB_WITNESS ? "witness unreachable" : "no quorum";

	xlog_add(w->log, "%s %s", w->c->arb == ARB_WITNESS ? "witness" : "quorum",
		 lost ? "LOST" : "back");
	w->nd[i].vdl = 0;
	fsm_set_fault(&w->nd[i].f, w->now, verdict_cause(w->c), lost, why, &fo);
	fsm_apply(w, i, &fo);
}

uint64_t world_gate(const struct world *w, int i)
{
	/* As takeover.c: the settle gate after a failover, else the
	 * start-up gate (the daemon's default unless the scenario sets one). */
	return fsm_gate_us(&w->nd[i].f, w->c->gate ? w->c->gate
				   : 2 * fsm_master_down_interval(&w->nd[i].f) + 1000000ull);
}

uint64_t world_mmwin(const struct xcfg *c)
{
	return c->mmwin ? c->mmwin : c->intv + c->dmax;
}

uint64_t world_mdi_max(const struct xcfg *c)
{
	unsigned lo = 255;

	for (int i = 0; i < c->n; i++)
		if (c->prio[i] < lo)
			lo = c->prio[i];
	return 3ull * c->intv + (256u - lo) * (uint64_t)c->intv / 256u + world_down_wait(c);
}

int world_masters(const struct world *w)
{
	int m = 0;

	for (int i = 0; i < w->c->n; i++)
		m += w->nd[i].life == X_UP && w->nd[i].f.state == FSM_MASTER;
	return m;
}

static bool severed(const struct world *w, int a, int b)
{
	return (w->cut >> a & 1) || (w->cut >> b & 1) || (w->lcut & xpair_bit(a, b));
}

bool world_linked(const struct world *w, int a, int b)
{
	return w->nd[a].life == X_UP && w->nd[b].life == X_UP && !severed(w, a, b);
}

static void send(struct world *w, int from, uint8_t prio)
{
	for (int j = 0; j < w->c->n; j++) {
		if (j == from || w->nd[j].life != X_UP || severed(w, from, j))
			continue;
		if (w->nq >= XQ_LIMIT(w->c)) {
			w->error = "more adverts in flight than the model holds (XQ_LIMIT)";
			return;
		}
		w->q[w->nq++] = (struct xmsg){ (uint8_t)from, (uint8_t)j, prio, w->now + w->c->dmax };
	}
}

/* takeover.c's exec_one: what the daemon does with one pipeline action. */
static void exec_one(struct world *w, int i, const struct pipeline_action *a)
{
	struct xnode *n = &w->nd[i];
	struct fsm_actions fo = { .n = 0 };

	switch (a->type) {
	case PIPELINE_ACT_START:
	case PIPELINE_ACT_STOP:
		xlog_add(w->log, "%s:%s", a->type == PIPELINE_ACT_START ? "start" : "stop",
			 xstep_name(a->step));
		/* Address changes are synchronous: done once the batch is through. */
		if (n->p.step[a->step].cfg.kind == PIPELINE_VIPS) {
			w->vip_pending = true;
			w->vip_token = a->token;
		}
		break;
	case PIPELINE_ACT_CANCEL:
		xlog_add(w->log, "cancel:%s", xstep_name(a->step));
		break;
	case PIPELINE_ACT_HELD:
		xlog_add(w->log, "HELD");
		break;
	case PIPELINE_ACT_VIPS_DOWN:
		xlog_add(w->log, "vips-gone");
		break;
	case PIPELINE_ACT_RELEASED:
		xlog_add(w->log, "RELEASED");
		fsm_released(&n->f, w->now, &fo);
		fsm_apply(w, i, &fo);
		break;
	case PIPELINE_ACT_GIVE_UP:
		xlog_add(w->log, "GIVE-UP");
		fsm_give_up(&n->f, w->now, w->c->holdoff, "step failed", &fo);
		fsm_apply(w, i, &fo);
		break;
	}
}

/* takeover.c's dispatch: the VIP step's answer is fed back by the
 * outermost call only, so the pipeline is never re-entered. */
static void dispatch(struct world *w, int i, const struct pipeline_actions *pa)
{
	struct xnode *n = &w->nd[i];

	w->ddepth++;
	for (size_t k = 0; k < pa->n; k++)
		exec_one(w, i, &pa->a[k]);
	w->ddepth--;
	while (!w->ddepth && w->vip_pending) {
		struct pipeline_actions more = { .n = 0 };

		w->vip_pending = false;
		pipeline_done(&n->p, w->now, w->vip_token, true, &more);
		w->ddepth++;
		for (size_t k = 0; k < more.n; k++)
			exec_one(w, i, &more.a[k]);
		w->ddepth--;
	}
}

/* instance.c's instance_apply. */
static void fsm_apply(struct world *w, int i, const struct fsm_actions *o)
{
	struct xnode *n = &w->nd[i];

	if (o->overflow)
		w->error = "fsm action list overflowed";
	for (size_t k = 0; k < o->n; k++) {
		const struct fsm_action *a = &o->a[k];
		struct pipeline_actions pa = { .n = 0 };

		switch (a->type) {
		case FSM_ACT_STATE:
			xlog_add(w->log, "%s>%s(%s)", fsm_state_str(a->from), fsm_state_str(a->to),
				 xcause_name(n->f.cause));
			if (a->to == FSM_MASTER && world_masters(w) >= 2)
				w->mm_since = w->now;
			if (a->to == FSM_MASTER && w->c->steady)
				w->mchange = w->now;
			break;
		case FSM_ACT_SEND_ADVERT:
			xlog_add(w->log, "ADVERT(%u)", a->priority);
			send(w, i, a->priority);
			break;
		case FSM_ACT_ACQUIRE:
			if (n->f.confirmed)
				xlog_add(w->log, "ACQUIRE");
			else
				xlog_add(w->log, "ACQUIRE(unconfirmed: gate %.3f s)",
					 (double)world_gate(w, i) / X_SEC);
			pipeline_acquire(&n->p, w->now, n->f.confirmed, world_gate(w, i), &pa);
			dispatch(w, i, &pa);
			break;
		case FSM_ACT_RELEASE:
			xlog_add(w->log, "RELEASE");
			pipeline_release(&n->p, w->now, &pa);
			dispatch(w, i, &pa);
			break;
		case FSM_ACT_SETTLE:
			xlog_add(w->log, "SETTLE(gate %.3f s)", (double)world_gate(w, i) / X_SEC);
			pipeline_regate(&n->p, w->now, world_gate(w, i));
			break;
		case FSM_ACT_SEND_GARP:
			break;
		}
	}
}

/* instance_wire.c: an advert in, then the gate opens if it confirmed. */
static void deliver(struct world *w, const struct xmsg *m)
{
	struct xnode *n = &w->nd[m->to];
	struct fsm_actions fo = { .n = 0 };
	struct pipeline_actions pa = { .n = 0 };

	if (n->life != X_UP || severed(w, m->from, m->to))
		return;
	fsm_recv(&n->f, w->now, world_ip(m->from), m->prio, w->c->intv, &fo);
	fsm_apply(w, m->to, &fo);
	if (n->f.state != FSM_MASTER || !n->f.confirmed)
		return;
	if (!pipeline_gate_waiting(&n->p) && !n->p.gate_deadline)
		return;
	xlog_add(w->log, "confirmed");
	pipeline_confirm(&n->p, w->now, &pa);
	dispatch(w, m->to, &pa);
}

static uint64_t node_deadline(const struct world *w, int i)
{
	uint64_t d = fsm_next_deadline(&w->nd[i].f), p = pipeline_next_deadline(&w->nd[i].p);

	if (w->nd[i].life != X_UP)
		return 0;
	if (p && (!d || p < d))
		d = p;
	if (d && d < w->now)
		d = w->now;
	return d;
}

/* instance.c's on_timer and takeover_timer. */
static void node_timer(struct world *w, int i)
{
	struct xnode *n = &w->nd[i];
	struct fsm_actions fo = { .n = 0 };
	struct pipeline_actions pa = { .n = 0 };
	uint64_t d;

	fsm_timer(&n->f, w->now, &fo);
	fsm_apply(w, i, &fo);
	d = pipeline_next_deadline(&n->p);
	if (!d || w->now < d)
		return;
	pipeline_timer(&n->p, w->now, &pa);
	dispatch(w, i, &pa);
}

static void start(struct world *w, int i)
{
	struct fsm_actions fo = { .n = 0 };

	w->nd[i].life = X_UP;
	fsm_start(&w->nd[i].f, w->now, &fo);
	fsm_apply(w, i, &fo);
	/* instance_start: nobody has announced yet, FAULT until a majority
	 * has (instance_quorum_check); a track counts as up until its first check,
	 * so a witness out of reach is lost after the usual time. */
	if (w->c->arb == ARB_QUORUM) {
		fo.n = 0;
		xlog_add(w->log, "quorum LOST");
		fsm_set_fault(&w->nd[i].f, w->now, FSM_FAULT_QUORUM, true, "no quorum", &fo);
		fsm_apply(w, i, &fo);
	} else if (w->c->arb == ARB_WITNESS && !in_reach(w, i, XC_WITNESS)) {
		w->nd[i].until[XC_WITNESS] = w->now + verdict_loss(w->c);
	}
}

static void drop_where(struct world *w, int node, bool any_end)
{
	unsigned k = 0;

	for (unsigned j = 0; j < w->nq; j++)
		if (!(w->q[j].to == node || (any_end && w->q[j].from == node)))
			w->q[k++] = w->q[j];
	w->nq = k;
}

/* A link cut: what is in flight on it, both ways, is lost. */
static void drop_link(struct world *w, int a, int b)
{
	unsigned k = 0;

	for (unsigned j = 0; j < w->nq; j++)
		if (!((w->q[j].from == a && w->q[j].to == b) || (w->q[j].from == b && w->q[j].to == a)))
			w->q[k++] = w->q[j];
	w->nq = k;
}

/* The queue is kept sorted by link, and on one link by due time, then in
 * the order sent (a stable sort): the first message of a link is the
 * oldest, and the order is part of the state. */
static int link_cmp(const struct xmsg *a, const struct xmsg *b)
{
	if (a->from != b->from)
		return a->from - b->from;
	if (a->to != b->to)
		return a->to - b->to;
	return a->due < b->due ? -1 : a->due > b->due;
}

static bool same_msg(const struct xmsg *a, const struct xmsg *b)
{
	return !link_cmp(a, b) && a->prio == b->prio;
}

static bool link_head(const struct world *w, unsigned k)
{
	return !k || w->q[k - 1].from != w->q[k].from || w->q[k - 1].to != w->q[k].to;
}

static void sort_queue(struct world *w)
{
	for (unsigned i = 1; i < w->nq; i++) {
		struct xmsg m = w->q[i];
		unsigned j = i;

		for (; j > 0 && link_cmp(&w->q[j - 1], &m) > 0; j--)
			w->q[j] = w->q[j - 1];
		w->q[j] = m;
	}
}

bool world_at_rest(const struct world *w)
{
	const struct xcfg *c = w->c;
	int m = -1;

	if (w->mchange && w->now - w->mchange < c->intv + c->dmax)
		return false;
	for (int i = 0; i < c->n; i++)
		if (w->nd[i].life == X_UP && w->nd[i].f.state == FSM_MASTER) {
			if (m >= 0)
				return false;
			m = i;
		}
	if (m < 0)
		return false;
	for (int j = 0; j < c->n; j++) {
		const struct fsm *f = &w->nd[j].f;

		if (j == m || w->nd[j].life != X_UP || f->state == FSM_FAULT)
			continue;
		/* A backup following m, its last advert at most an interval
		 * and a wire delay ago. */
		if (f->state != FSM_BACKUP || !f->master_known || !f->master_priority ||
		    !ipaddr_eq(&f->master_addr, world_ip(m)) ||
		    f->master_down_timer + c->intv + c->dmax < w->now + fsm_master_down_interval(f))
			return false;
	}
	return true;
}

size_t world_events(const struct world *w, struct xev *ev, size_t max)
{
	const struct xcfg *c = w->c;
	uint64_t tmin = 0, dmin = UINT64_MAX;
	unsigned shapes = c->shapes ? c->shapes : SH_ISOLATE;
	bool at_rest = c->steady && world_at_rest(w);
	size_t n = 0;

#define ADD(t, nd, a)                                                                  \
	do {                                                                           \
		if (n < max)                                                           \
			ev[n++] = (struct xev){ (t), (uint8_t)(nd), (uint8_t)(a) };    \
	} while (0)
	for (unsigned k = 0; k < w->nq; k++)
		if (w->q[k].due < dmin)
			dmin = w->q[k].due;
	for (int i = 0; i < c->n; i++) {
		uint64_t d = node_deadline(w, i), v = w->nd[i].life == X_UP ? w->nd[i].vdl : 0;

		if (d && (!tmin || d < tmin))
			tmin = d;
		if (v && (!tmin || v < tmin))
			tmin = v;
	}
	for (int i = 0; i < c->n; i++) {
		const struct xnode *nd = &w->nd[i];
		uint64_t boot = nd->down_at + c->down;

		if (nd->life == X_UNSTARTED)
			ADD(EV_START, i, 0);
		if (boot < w->now)
			boot = w->now;
		if (nd->life == X_DOWN && (!tmin || boot <= tmin) && boot <= dmin)
			ADD(EV_RESTART, i, 0);
		if (nd->life != X_UP)
			continue;
		if (tmin && node_deadline(w, i) == tmin && tmin <= dmin)
			ADD(EV_TIMER, i, 0);
		if (tmin && nd->vdl == tmin && tmin <= dmin)
			ADD(EV_VERDICT, i, 0);
		if (nd->p.running >= 0) {
			if (!nd->p.cancelling)
				ADD(EV_DONE_OK, i, 0);
			if (nd->p.cancelling || w->used[B_FAIL] < c->budget[B_FAIL])
				ADD(EV_DONE_FAIL, i, 0);
		}
		if (w->used[B_CRASH] < c->budget[B_CRASH])
			ADD(EV_CRASH, i, 0);
		if (nd->f.state == FSM_MASTER && nd->f.releasing == FSM_CAUSE_NONE &&
		    w->used[B_SWO] < c->budget[B_SWO])
			ADD(EV_SWITCHOVER, i, 0);
		if (w->used[B_PART] >= c->budget[B_PART] || (w->cut >> i & 1) ||
		    (c->steady && !at_rest))
			continue;
		/* Two nodes without a witness: cutting either is the same
		 * partition. */
		if ((shapes & SH_ISOLATE) && (c->n > 2 || i == 0 || c->arb == ARB_WITNESS))
			ADD(EV_CUT, i, 0);
		if ((shapes & SH_WITNESS) && c->arb == ARB_WITNESS && !(w->wcut >> i & 1))
			ADD(EV_WCUT, i, 0);
		for (int j = i + 1; j < c->n && (shapes & SH_LINK); j++)
			if (!severed(w, i, j))
				ADD(EV_LINK, i, j);
	}
	if (w->cut || w->lcut || w->wcut)
		ADD(EV_HEAL, 0, 0);
	for (unsigned k = 0; k < w->nq; k++) {
		const struct xmsg *m = &w->q[k];
		bool head = link_head(w, k);

		if (k && same_msg(&w->q[k - 1], m))
			continue;       /* the same advert twice: one choice */
		if (!head && w->used[B_REORDER] >= c->budget[B_REORDER])
			continue;
		ADD(EV_DELIVER, m->to, k);
		if (head && m->due > w->now && m->due == dmin && (!tmin || dmin <= tmin))
			ADD(EV_LATE, m->to, k);
		if (w->used[B_LOSS] < c->budget[B_LOSS])
			ADD(EV_DROP, m->to, k);
	}
#undef ADD
	return n;
}

void world_apply(struct world *w, struct xev e)
{
	struct xnode *n = &w->nd[e.node];
	struct pipeline_actions pa = { .n = 0 };
	struct fsm_actions fo = { .n = 0 };
	uint32_t reach = w->c->arb ? reach_mask(w) : 0;
	struct xmsg m;

	switch (e.type) {
	case EV_START:
		start(w, e.node);
		break;
	case EV_RESTART:
		if (w->now < n->down_at + w->c->down)
			w->now = n->down_at + w->c->down;
		node_reset(w, e.node);
		start(w, e.node);
		break;
	case EV_DELIVER:
	case EV_LATE:
	case EV_DROP:
		m = w->q[e.arg];
		if (e.type == EV_DELIVER && !link_head(w, e.arg))
			w->used[B_REORDER]++;
		memmove(&w->q[e.arg], &w->q[e.arg + 1], (w->nq - e.arg - 1) * sizeof(m));
		w->nq--;
		if (e.type == EV_DROP) {
			w->used[B_LOSS]++;
			w->dirty = true;
			break;
		}
		if (e.type == EV_LATE)
			w->now = m.due;
		deliver(w, &m);
		break;
	case EV_TIMER:
		w->now = node_deadline(w, e.node);
		node_timer(w, e.node);
		break;
	case EV_DONE_OK:
	case EV_DONE_FAIL:
		if (e.type == EV_DONE_FAIL && !n->p.cancelling)
			w->used[B_FAIL]++;
		pipeline_done(&n->p, w->now, n->p.running_token, e.type == EV_DONE_OK, &pa);
		dispatch(w, e.node, &pa);
		break;
	case EV_CRASH:
		/* Power off: silent, its addresses and resources with it. */
		w->used[B_CRASH]++;
		node_reset(w, e.node);
		n->life = X_DOWN;
		n->down_at = w->now;
		drop_where(w, e.node, false);
		break;
	case EV_CUT:
		w->used[B_PART]++;
		w->dirty = true;
		w->cut |= (uint8_t)(1u << e.node);
		drop_where(w, e.node, true);
		break;
	case EV_WCUT:
		w->used[B_PART]++;
		w->dirty = true;
		w->wcut |= (uint8_t)(1u << e.node);
		break;
	case EV_LINK:
		w->used[B_PART]++;
		w->dirty = true;
		w->lcut |= (uint8_t)xpair_bit(e.node, e.arg);
		drop_link(w, e.node, e.arg);
		break;
	case EV_HEAL:
		w->cut = 0;
		w->lcut = 0;
		w->wcut = 0;
		break;
	case EV_VERDICT:
		w->now = n->vdl;
		verdict_flip(w, e.node);
		break;
	case EV_SWITCHOVER:
		w->used[B_SWO]++;
		fsm_switchover(&n->f, w->now, &fo);
		fsm_apply(w, e.node, &fo);
		break;
	}
	if (w->c->arb)
		reach_changed(w, reach);
	sort_queue(w);
}

static int count_if(const struct world *w, size_t step, char *who)
{
	int k = 0;

	for (int i = 0; i < w->c->n; i++)
		if (w->nd[i].life == X_UP && w->nd[i].p.step[step].state != PIPELINE_DOWN) {
			who[2 * k] = xnode_name(i);
			who[2 * k + 1] = ',';
			k++;
		}
	who[k ? 2 * k - 1 : 0] = '\0';
	return k;
}

unsigned world_violations(const struct world *w, char (*why)[XWHY])
{
	unsigned v = 0;
	char who[8];

	/* With a witness or quorum, partitions and lost adverts included. */
	if (w->dirty && !w->c->arb)
		return 0;
	for (int i = 0; w->c->arb && i < w->c->n; i++)
		for (int j = i + 1; j < w->c->n; j++)
			if (w->nd[i].life == X_UP && w->nd[i].f.state == FSM_MASTER &&
			    w->nd[j].life == X_UP && w->nd[j].f.state == FSM_MASTER &&
			    !world_linked(w, i, j) && !(v >> INV_SPLIT & 1)) {
				v |= 1u << INV_SPLIT;
				snprintf(why[INV_SPLIT], XWHY, "two masters that cannot hear each "
					 "other (%c, %c)", xnode_name(i), xnode_name(j));
			}
	if (count_if(w, S_PROMOTE, who) > 1) {
		v |= 1u << INV_PROMOTE;
		snprintf(why[INV_PROMOTE], XWHY, "two nodes promoted at once (%s): the gated "
			 "before-VIPs resource is not down on both", who);
	}
	if (count_if(w, S_VIPS, who) > 1) {
		v |= 1u << INV_VIPS;
		snprintf(why[INV_VIPS], XWHY, "two VIP holders at once (%s)", who);
	}
	/* Every master advertises once an interval: a second master hears
	 * the better one within an interval and a wire delay. */
	if (world_masters(w) >= 2 && (!w->mm_since || w->now - w->mm_since > world_mmwin(w->c))) {
		v |= 1u << INV_MASTERS;
		snprintf(why[INV_MASTERS], XWHY, "two masters for %.6f s, longer than %.6f s",
			 (double)(w->now - w->mm_since) / X_SEC, (double)world_mmwin(w->c) / X_SEC);
	}
	return v;
}

bool world_settled(const struct world *w)
{
	int masters = 0;
	size_t live = 0;
	bool none = false;

	/* Quorum with too few nodes alive for a majority: nobody may hold. */
	for (int i = 0; i < w->c->n; i++)
		live += w->nd[i].life != X_DOWN;
	if (w->c->arb == ARB_QUORUM && live > 0 && !quorum_majority((unsigned)w->c->n, live - 1))
		none = true;
	for (int i = 0; i < w->c->n; i++) {
		const struct xnode *n = &w->nd[i];

		if (n->life != X_UP)
			continue;
		if (none) {
			if (n->f.state != FSM_FAULT || n->p.running >= 0 || !pipeline_released(&n->p))
				return false;
			continue;
		}
		if (n->p.running >= 0 || n->f.holdoff)
			return false;
		if (n->f.state == FSM_MASTER) {
			if (n->f.releasing != FSM_CAUSE_NONE || !pipeline_held(&n->p))
				return false;
			masters++;
		} else if (n->f.state != FSM_BACKUP || !pipeline_released(&n->p)) {
			return false;
		}
	}
	return none || masters == 1;
}
