/* key: the canonical form of a world, the explorer's visited-set key and
 * its stored state. One field list serves both directions (xfer), so the
 * encoder and the decoder cannot drift apart.
 *
 * Times are kept relative to now: a deadline as now + delta (clamped at
 * now - 1 when past: every later comparison with a later now gives the
 * same answer), a past instant as its age, saturated where only "at least
 * this old" matters. What only logs and status read is left out and comes
 * back canonical: reason texts, state_since, transitions, cause,
 * master_last_seen (read by fsm_set_priority and fsm_reconfigure, which
 * the model never calls), the pipeline's token sequence (a token is only
 * compared with the running one), its counters and per-step history.
 * explore --selfcheck verifies that nothing left out changes what happens
 * next: every successor of a world and of its decoded key encode alike. */
#include "model.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct kb {
	uint8_t *p;
	bool enc;
	uint64_t now;
};

static void x8(struct kb *b, uint8_t *v)
{
	if (b->enc)
		*b->p = *v;
	else
		*v = *b->p;
	b->p++;
}

static void x32(struct kb *b, uint32_t *v)
{
	if (b->enc)
		memcpy(b->p, v, 4);
	else
		memcpy(v, b->p, 4);
	b->p += 4;
}

static void xint(struct kb *b, int *v)
{
	uint8_t t = (uint8_t)(int8_t)*v;

	x8(b, &t);
	*v = (int8_t)t;
}

static void xenum(struct kb *b, void *v, size_t size)
{
	unsigned e = 0;
	uint8_t t;

	memcpy(&e, v, size < sizeof(e) ? size : sizeof(e));
	t = (uint8_t)e;
	x8(b, &t);
	e = t;
	if (!b->enc)
		memcpy(v, &e, size < sizeof(e) ? size : sizeof(e));
}
#define XENUM(b, v) xenum((b), &(v), sizeof(v))

static void xflags(struct kb *b, bool *const *v, int n)
{
	uint8_t lo = 0, hi = 0;

	for (int i = 0; b->enc && i < n; i++) {
		if (i < 8)
			lo |= (uint8_t)(*v[i] << i);
		else
			hi |= (uint8_t)(*v[i] << (i - 8));
	}
	x8(b, &lo);
	if (n > 8)
		x8(b, &hi);
	for (int i = 0; !b->enc && i < n; i++)
		*v[i] = (i < 8 ? lo >> i : hi >> (i - 8)) & 1;
}

/* An absolute deadline, 0 = off. */
static void xdeadline(struct kb *b, uint64_t *t)
{
	uint32_t r = 0;

	if (b->enc) {
		int64_t d = *t ? (int64_t)(*t - b->now) : INT32_MIN;

		if (*t && d < -1)
			d = -1;
		if (d > INT32_MAX)
			d = INT32_MAX;
		r = (uint32_t)(int32_t)d;
	}
	x32(b, &r);
	if (!b->enc)
		*t = (int32_t)r == INT32_MIN ? 0 : (uint64_t)((int64_t)b->now + (int32_t)r);
}

/* A past instant, 0 = never; ages beyond sat are all alike. */
static void xage(struct kb *b, uint64_t *t, uint64_t sat)
{
	uint32_t r = 0;

	if (b->enc) {
		uint64_t age = *t ? b->now - *t : 0;

		r = !*t ? UINT32_MAX : (uint32_t)(age > sat ? sat : age);
	}
	x32(b, &r);
	if (!b->enc)
		*t = r == UINT32_MAX ? 0 : b->now - r;
}

/* An address that is one of the nodes' (or unset). */
static void xnode_addr(struct kb *b, const struct world *w, struct ipaddr *a)
{
	uint8_t k = 0xff;

	for (int i = 0; b->enc && i < w->c->n; i++)
		if (ipaddr_eq(a, world_ip(i)))
			k = (uint8_t)i;
	x8(b, &k);
	if (!b->enc) {
		memset(a, 0, sizeof(*a));
		if (k != 0xff)
			*a = *world_ip(k);
	}
}

static void xfsm(struct kb *b, const struct world *w, struct fsm *f)
{
	bool *const flags[] = {
		&f->release_seen, &f->lower_seen, &f->standby, &f->yielded, &f->handover_wait,
		&f->link_up, &f->holdoff, &f->shutdown, &f->confirmed, &f->heard,
		&f->awaiting_release, &f->master_known, &f->zero_due, &f->settle,
		&f->silent_known,
	};
	uint64_t garp = f->cfg.garp_refresh_us ? f->cfg.garp_refresh_us : X_SEC;
	uint8_t fault = (uint8_t)f->fault;

	XENUM(b, f->state);
	xflags(b, flags, (int)(sizeof(flags) / sizeof(flags[0])));
	x8(b, &fault);
	f->fault = fault;
	x8(b, &f->prio);
	XENUM(b, f->releasing);
	x8(b, &f->release_prio);
	xnode_addr(b, w, &f->preempted);
	xnode_addr(b, w, &f->master_addr);
	xnode_addr(b, w, &f->silent_master);
	x8(b, &f->master_priority);
	x32(b, &f->master_adver_int_us);
	xdeadline(b, &f->adver_timer);
	xdeadline(b, &f->master_down_timer);
	xdeadline(b, &f->holdoff_until);
	xage(b, &f->preempt_since, f->cfg.preempt_delay_us + 1);
	xage(b, &f->last_garp_refresh, garp);
}

static void xpipeline(struct kb *b, struct pipeline *p)
{
	bool *const flags[] = {
		&p->want, &p->cancelling, &p->confirmed, &p->held_said, &p->vips_down_said,
		&p->released_said,
	};

	xflags(b, flags, (int)(sizeof(flags) / sizeof(flags[0])));
	xint(b, &p->running);
	xint(b, &p->restart);
	for (size_t s = 0; s < XSTEPS; s++) {
		uint8_t r = (uint8_t)p->step[s].restarts;

		XENUM(b, p->step[s].state);
		x8(b, &r);
		p->step[s].restarts = r;
	}
	xdeadline(b, &p->running_deadline);
	xdeadline(b, &p->gate_deadline);
	if (!b->enc && p->running >= 0) {
		p->seq = 1;
		p->running_token = 1u << 8 | (unsigned)p->running;
	}
}

static void xfer(struct kb *b, struct world *w)
{
	uint8_t nq = (uint8_t)w->nq, dirty = w->dirty;

	for (int i = 0; i < w->c->n; i++) {
		struct xnode *n = &w->nd[i];

		XENUM(b, n->life);
		if (n->life == X_DOWN)
			xage(b, &n->down_at, w->c->down);
		if (n->life != X_UP)
			continue;
		xfsm(b, w, &n->f);
		xpipeline(b, &n->p);
		if (!w->c->arb)
			continue;
		xdeadline(b, &n->vdl);
		for (int x = 0; x <= XN_MAX; x++)
			if (x == XC_WITNESS ? w->c->arb == ARB_WITNESS
					    : w->c->arb == ARB_QUORUM && x != i && x < w->c->n)
				xdeadline(b, &n->until[x]);
	}
	x8(b, &w->cut);
	x8(b, &w->lcut);
	x8(b, &w->wcut);
	x8(b, &dirty);
	w->dirty = dirty;
	for (int k = 0; k < B_N; k++)
		x8(b, &w->used[k]);
	xage(b, &w->mm_since, world_mmwin(w->c) + 1);
	if (w->c->steady)
		xage(b, &w->mchange, w->c->intv + w->c->dmax);
	x8(b, &nq);
	w->nq = nq;
	for (unsigned k = 0; k < w->nq; k++) {
		struct xmsg *m = &w->q[k];

		x8(b, &m->from);
		x8(b, &m->to);
		x8(b, &m->prio);
		xdeadline(b, &m->due);
	}
}

/* Bytes: a live node's life, fsm and pipeline; the globals; a message. */
#define KEY_NODE (1 + 36 + 17)
#define KEY_GLOBAL (3 + 1 + B_N + 4 + 1)
/* With a witness or quorum: vdl and the contacts' `until`. */
#define KEY_ARB(c) (!(c)->arb ? 0 : (c)->arb == ARB_WITNESS ? 8 : 4 * (c)->n)
#define KEY_MSG 7

size_t key_size(const struct xcfg *c)
{
	return (size_t)c->n * (KEY_NODE + KEY_ARB(c)) + KEY_GLOBAL + (c->steady ? 4 : 0) +
	       XQ_LIMIT(c) * KEY_MSG;
}

void key_encode(const struct world *w, uint8_t *k)
{
	/* xfer is symmetric; encoding only reads (or writes back what it read). */
	struct kb b = { k, true, w->now };

	memset(k, 0, key_size(w->c));
	xfer(&b, (struct world *)(uintptr_t)w);
	if ((size_t)(b.p - k) > key_size(w->c))
		abort();
}

void key_decode(struct world *w, const struct xcfg *c, const uint8_t *k)
{
	struct kb b = { (uint8_t *)(uintptr_t)k, false, X_BASE };

	world_init(w, c);
	/* A node's fields are read after its life: decode into fresh nodes. */
	xfer(&b, w);
	for (int i = 0; i < c->n; i++) {
		w->nd[i].f.state_since = X_BASE;
		w->nd[i].f.master_last_seen = X_BASE;
		for (size_t s = 0; s < XSTEPS; s++)
			w->nd[i].p.step[s].started_at = X_BASE;
	}
}
