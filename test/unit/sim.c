/* sim: a deterministic simulation of two or three VRRP fsms (core/fsm.h)
 * on one wire, for the CUnit timelines. Every SEND_ADVERT is delivered to
 * the other nodes after a fixed delay (or dropped across a partition), the
 * clock jumps to the earliest packet or timer deadline, and every action
 * list is recorded as "TIME ACTIONS" for sim_hist(). The pipeline is
 * instant unless sim_instant_pipeline is false: a RELEASE is answered at
 * once by fsm_released(). The fake clock starts at T0 = 1 s: a real
 * monotonic clock is never 0, and the fsm uses 0 for "timer off". */
#include "sim.h"

#include <CUnit/CUnit.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct ipaddr sim_ip(const char *s)
{
	struct ipaddr a;

	CU_ASSERT_FATAL(ipaddr_parse(s, false, &a) == 0);
	return a;
}

struct fsm_config sim_cfg(unsigned prio, uint64_t intv)
{
	struct fsm_config c;

	memset(&c, 0, sizeof(c));
	c.priority = (uint8_t)prio;
	c.adver_int_us = (uint32_t)intv;
	c.preempt = true;
	return c;
}

void sim_render(const struct fsm_actions *o, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	CU_ASSERT(o->n <= FSM_MAX_ACTIONS);
	for (size_t i = 0; i < o->n && i < FSM_MAX_ACTIONS && off < len; i++) {
		const struct fsm_action *a = &o->a[i];
		char one[48];

		switch (a->type) {
		case FSM_ACT_STATE:
			snprintf(one, sizeof(one), "STATE(%s>%s)", fsm_state_str(a->from),
				 fsm_state_str(a->to));
			break;
		case FSM_ACT_SEND_ADVERT:
			snprintf(one, sizeof(one), "ADVERT(%u)", a->priority);
			break;
		case FSM_ACT_ACQUIRE: snprintf(one, sizeof(one), "ACQUIRE"); break;
		case FSM_ACT_RELEASE: snprintf(one, sizeof(one), "RELEASE"); break;
		case FSM_ACT_SEND_GARP: snprintf(one, sizeof(one), "GARP"); break;
		case FSM_ACT_SETTLE: snprintf(one, sizeof(one), "SETTLE"); break;
		default: snprintf(one, sizeof(one), "?%d", (int)a->type); break;
		}
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", one);
	}
}

/* An instant pipeline: a RELEASE is answered at once by the VIPs being
 * gone, and the fsm's answer is appended to the same action list. The
 * tests of a slow pipeline call fsm_released themselves. */
bool sim_instant_pipeline = true;

void sim_pipeline_answers(struct fsm *f, uint64_t t, struct fsm_actions *o)
{
	size_t k;

	if (!sim_instant_pipeline)
		return;
	for (k = 0; k < o->n; k++)
		if (o->a[k].type == FSM_ACT_RELEASE) {
			fsm_released(f, t, o);
			return;
		}
}


static struct sim sim_;

struct sim *sim_new(uint64_t delay)
{
	memset(&sim_, 0, sizeof(sim_));
	sim_.now = T0;
	sim_.delay = delay;
	return &sim_;
}

int sim_add(struct sim *s, const struct fsm_config *c, const char *addr)
{
	struct ipaddr a = sim_ip(addr);
	int i = s->n++;

	CU_ASSERT_FATAL(i < SIM_MAX);
	fsm_init(&s->nd[i].f, c, &a);
	s->nd[i].up = true;
	return i;
}

int sim_add_p(struct sim *s, unsigned prio, const char *addr)
{
	struct fsm_config c = sim_cfg(prio, SEC);

	return sim_add(s, &c, addr);
}

static void sim_send(struct sim *s, int from, uint8_t prio)
{
	for (int j = 0; j < s->n; j++) {
		struct sim_pkt *p;

		if (j == from || s->block[from][j] || s->nd[from].cut)
			continue;
		CU_ASSERT_FATAL(s->nq < SIM_QMAX);
		p = &s->q[s->nq++];
		p->at = s->now + s->delay;
		p->seq = s->seq++;
		p->from = from;
		p->to = j;
		p->src = s->nd[from].f.primary;
		p->prio = prio;
		p->intv = s->nd[from].f.cfg.adver_int_us;
	}
}

/* Record node i's actions and put its adverts on the wire. The pipeline
 * is instant: a RELEASE is answered at once (the VIPs are gone). */
void sim_apply(struct sim *s, int i, enum origin o, const struct fsm_actions *out_)
{
	struct fsm_actions all = *out_, *out = &all;

	sim_pipeline_answers(&s->nd[i].f, s->now, out);
	CU_ASSERT(out->overflow == 0);
	if (out->n && !s->norec && s->nrec < SIM_RECMAX) {
		struct sim_rec *r = &s->rec[s->nrec++];

		r->t = s->now;
		r->node = i;
		r->o = o;
		sim_render(out, r->acts, sizeof(r->acts));
	}
	for (size_t k = 0; k < out->n && k < FSM_MAX_ACTIONS; k++) {
		if (out->a[k].type == FSM_ACT_ACQUIRE)
			s->nd[i].vips = true;
		else if (out->a[k].type == FSM_ACT_RELEASE)
			s->nd[i].vips = false;
		if (out->a[k].type != FSM_ACT_SEND_ADVERT)
			continue;
		if (out->a[k].priority) {
			s->nd[i].last_advert = s->now;
			s->nd[i].adverts++;
		}
		sim_send(s, i, out->a[k].priority);
	}
	if (s->each)
		s->each(s, s->ctx);
}

bool sim_active(const struct sim *s, int i)
{
	return s->nd[i].up && !s->nd[i].frozen;
}

/* Earliest event: packets before timers at the same instant, lower node
 * index first among timers. An overdue timer (frozen node resumed) fires
 * now. Returns NEVER when nothing is pending. */
static uint64_t sim_next(const struct sim *s, int *node, long *pkt)
{
	uint64_t best = NEVER;

	*node = -1;
	*pkt = -1;
	for (size_t k = 0; k < s->nq; k++) {
		if (*pkt < 0 || s->q[k].at < best ||
		    (s->q[k].at == best && s->q[k].seq < s->q[*pkt].seq)) {
			best = s->q[k].at;
			*pkt = (long)k;
		}
	}
	for (int i = 0; i < s->n; i++) {
		uint64_t d;

		if (!sim_active(s, i) || !(d = fsm_next_deadline(&s->nd[i].f)))
			continue;
		if (d < s->now)
			d = s->now;
		if (d < best) {
			best = d;
			*node = i;
			*pkt = -1;
		}
	}
	return best;
}

static void sim_deliver(struct sim *s, long k)
{
	struct sim_pkt p = s->q[k];
	struct fsm_actions out = { .n = 0 };

	s->q[k] = s->q[--s->nq];
	if (!sim_active(s, p.to) || s->nd[p.to].cut || s->nd[p.from].cut)
		return;
	fsm_recv(&s->nd[p.to].f, s->now, &p.src, p.prio, p.intv, &out);
	sim_apply(s, p.to, O_RECV, &out);
}

void sim_run_until(struct sim *s, uint64_t until)
{
	for (;;) {
		struct fsm_actions out = { .n = 0 };
		int node;
		long pk;
		uint64_t t = sim_next(s, &node, &pk);

		if (t == NEVER || t > until)
			break;
		if (++s->events > SIM_EVENT_LIMIT) {
			CU_FAIL_FATAL("simulation does not make progress");
		}
		if (t > s->now) {
			/* Everything at s->now is settled: look at it. */
			if (s->check)
				s->check(s, s->ctx);
			s->now = t;
		}
		if (pk >= 0) {
			sim_deliver(s, pk);
			continue;
		}
		fsm_timer(&s->nd[node].f, s->now, &out);
		/* A due timer always does something; one that does not would
		 * be due again at once, forever: stop here, do not spin. */
		CU_ASSERT_FATAL(out.n > 0);
		sim_apply(s, node, O_TIMER, &out);
	}
	if (until > s->now) {
		if (s->check)
			s->check(s, s->ctx);
		s->now = until;
	}
}

void sim_start(struct sim *s, int i)
{
	struct fsm_actions out = { .n = 0 };

	fsm_start(&s->nd[i].f, s->now, &out);
	sim_apply(s, i, O_START, &out);
}

/* The process dies without a word (kill -9, power loss). */
void sim_crash(struct sim *s, int i)
{
	s->nd[i].up = false;
}

/* A fresh process (new fsm_init) starts at the current time. */
void sim_boot(struct sim *s, int i)
{
	struct fsm_config c = s->nd[i].f.cfg;
	struct ipaddr a = s->nd[i].f.primary;

	fsm_init(&s->nd[i].f, &c, &a);
	s->nd[i].up = true;
	s->nd[i].frozen = false;
	s->nd[i].vips = false;
	sim_start(s, i);
}

void sim_shutdown(struct sim *s, int i)
{
	struct fsm_actions out = { .n = 0 };

	fsm_shutdown(&s->nd[i].f, s->now, &out);
	sim_apply(s, i, O_SHUT, &out);
}

void sim_link(struct sim *s, int i, bool up)
{
	struct fsm_actions out = { .n = 0 };

	fsm_link(&s->nd[i].f, s->now, up, &out);
	sim_apply(s, i, O_LINK, &out);
	s->nd[i].cut = !up;
}

void sim_reconf(struct sim *s, int i, const struct fsm_config *c)
{
	struct fsm_actions out = { .n = 0 };

	fsm_reconfigure(&s->nd[i].f, s->now, c, c->priority, &out);
	sim_apply(s, i, O_RECONF, &out);
}

void sim_standby(struct sim *s, int i, bool on)
{
	struct fsm_actions out = { .n = 0 };

	fsm_set_standby(&s->nd[i].f, s->now, on, &out);
	sim_apply(s, i, O_OPER, &out);
}

int sim_switchover(struct sim *s, int i)
{
	struct fsm_actions out = { .n = 0 };
	int rc = fsm_switchover(&s->nd[i].f, s->now, &out);

	sim_apply(s, i, O_OPER, &out);
	return rc;
}

int sim_masters(const struct sim *s)
{
	int m = 0;

	for (int i = 0; i < s->n; i++)
		m += sim_active(s, i) && s->nd[i].f.state == FSM_MASTER;
	return m;
}

/* Live nodes that hold the VIPs (what clients actually see). */
int sim_vip_holders(const struct sim *s)
{
	int m = 0;

	for (int i = 0; i < s->n; i++)
		m += sim_active(s, i) && s->nd[i].vips;
	return m;
}

/* Node i's history, one "TIME ACTIONS" line per event, without the plain
 * periodic adverts of a MASTER (they are counted in nd[i].adverts). */
const char *sim_hist(const struct sim *s, int i)
{
	static char buf[4096];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < s->nrec && off < sizeof(buf); k++) {
		const struct sim_rec *r = &s->rec[k];

		if (r->node != i)
			continue;
		if (r->o == O_TIMER && !strncmp(r->acts, "ADVERT(", 7) && !strchr(r->acts, ' '))
			continue;
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%" PRIu64 " %s\n",
					r->t, r->acts);
	}
	return buf;
}

