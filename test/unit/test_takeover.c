/* test_takeover: the fsm and the takeover pipeline together, on two or
 * three nodes, with a fake clock.
 *
 * Every node runs a real fsm and a real pipeline with three steps: a
 * before-VIPs resource (gated, release on failure: a database promote),
 * the VIPs, an after-VIPs resource. The glue is what the daemon does:
 *
 *   fsm ACQUIRE      -> pipeline_acquire(confirmed = f.confirmed, gate 2 s)
 *   fsm RELEASE      -> pipeline_release
 *   fsm confirmed    -> pipeline_confirm (while acquiring)
 *   pipeline START/STOP -> answered after the step's configured delay
 *   pipeline CANCEL  -> the run answers at once (failed)
 *   pipeline RELEASED -> fsm_released
 *   pipeline GIVE_UP -> fsm_give_up (hold-off 30 s)
 *
 * Adverts reach the other nodes after a small delay. The clock jumps to
 * the earliest packet, step answer or timer; after every single event a
 * checker samples who holds the VIPs (the VIPS step starting, up or being
 * stopped: addresses on the interface) and who has the gated resource
 * promoted (step 0 not down). */
#include "core/fsm.h"
#include "core/ipaddr.h"
#include "core/pipeline.h"
#include "cu_main.h"
#include "cu_eq.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS 1000ull
#define SEC 1000000ull
#define T0 SEC
#define NEVER UINT64_MAX

#define GATE (2 * SEC)
#define HOLDOFF (30 * SEC)
/* fsm_gate_us after a failover: two advert intervals (1 s here). */
#define SETTLE (2 * SEC)
#define NSTEPS 3
#define S_PROMOTE 0   /* before the VIPs: gated, release on failure */
#define S_VIPS 1
#define S_AFTER 2     /* after the VIPs */

#define TK_MAX 3
#define TK_QMAX 64
#define TK_LOG 8192
#define TK_EVENT_LIMIT 2000000ul



/* ---- the simulation ------------------------------------------------------ */

enum ev_kind { EV_PKT, EV_DONE };

struct ev {
	enum ev_kind kind;
	uint64_t at, seq;
	int node;                  /* receiver, or the node whose step answers */
	int from;                  /* EV_PKT */
	uint8_t prio;
	uint32_t intv;
	uint64_t token;            /* EV_DONE */
	bool ok;
};

struct node {
	struct fsm f;
	struct pipeline p;
	bool up;                   /* killed: silent, no timers, no answers */
	uint64_t start_delay[NSTEPS], stop_delay[NSTEPS];
	unsigned fail_promote;     /* answer this many promotes with ok=false */
	/* what happened */
	unsigned starts[NSTEPS], stops[NSTEPS], cancels[NSTEPS];
	uint64_t first_promote, last_promote; /* START(S_PROMOTE) times */
	uint64_t mastered, last_master;       /* count, time of last BACKUP>MASTER */
	uint64_t advert0;                     /* last ADVERT(0) sent */
	unsigned adverts_at[256];             /* adverts sent, by priority */
	unsigned give_ups;
};

struct tk {
	int n;
	struct node nd[TK_MAX];
	uint64_t now, delay, seq;
	struct ev q[TK_QMAX];
	size_t nq;
	unsigned long events;
	/* the checker */
	bool check_on;
	uint64_t check_until;      /* sample only before this (0: always) */
	unsigned long samples;
	int max_vips, max_promoted;
	uint64_t first_two_vips, first_two_promoted;
	/* the log, printed when a test fails */
	char log[TK_LOG];
	size_t loglen;
};

static struct tk tk_;

static void tk_log(struct tk *s, int i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void tk_log(struct tk *s, int i, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (s->loglen + 128 >= sizeof(s->log))
		return;
	k = snprintf(s->log + s->loglen, sizeof(s->log) - s->loglen, "%10.6f %c ",
		     (double)s->now / SEC, 'A' + i);
	s->loglen += (size_t)k;
	va_start(ap, fmt);
	k = vsnprintf(s->log + s->loglen, sizeof(s->log) - s->loglen, fmt, ap);
	va_end(ap);
	if (k > 0)
		s->loglen += (size_t)k;
	if (s->loglen + 1 < sizeof(s->log)) {
		s->log[s->loglen++] = '\n';
		s->log[s->loglen] = '\0';
	}
}

static void tk_dump(const struct tk *s, const char *what)
{
	fprintf(stderr, "\n--- %s: timeline ---\n%s--- end ---\n", what, s->log);
}

static struct ipaddr ip(const char *str)
{
	struct ipaddr a;

	CU_ASSERT_FATAL(ipaddr_parse(str, false, &a) == 0);
	return a;
}

static struct tk *tk_new(uint64_t delay)
{
	memset(&tk_, 0, sizeof(tk_));
	tk_.now = T0;
	tk_.delay = delay;
	tk_.check_on = true;
	tk_.first_two_vips = tk_.first_two_promoted = NEVER;
	return &tk_;
}

static int tk_add(struct tk *s, unsigned prio, bool preempt, const char *addr)
{
	static const struct pipeline_step_cfg steps[NSTEPS] = {
		{ .kind = PIPELINE_RESOURCE, .index = 0, .gated = true, .release_on_fail = true,
		  .deadline_us = 60 * SEC },
		{ .kind = PIPELINE_VIPS },
		{ .kind = PIPELINE_RESOURCE, .index = 1, .deadline_us = 60 * SEC },
	};
	struct fsm_config c;
	struct ipaddr a = ip(addr);
	int i = s->n++;
	struct node *n = &s->nd[i];

	CU_ASSERT_FATAL(i < TK_MAX);
	memset(&c, 0, sizeof(c));
	c.priority = (uint8_t)prio;
	c.adver_int_us = SEC;
	c.preempt = preempt;
	fsm_init(&n->f, &c, &a);
	pipeline_init(&n->p, steps, NSTEPS);
	n->up = true;
	n->start_delay[S_PROMOTE] = 100 * MS;
	n->start_delay[S_VIPS] = 50 * MS;
	n->start_delay[S_AFTER] = 200 * MS;
	n->stop_delay[S_PROMOTE] = 100 * MS;
	n->stop_delay[S_VIPS] = 50 * MS;
	n->stop_delay[S_AFTER] = 100 * MS;
	return i;
}

static struct ev *tk_push(struct tk *s, enum ev_kind k, uint64_t at, int node)
{
	struct ev *e;

	CU_ASSERT_FATAL(s->nq < TK_QMAX);
	e = &s->q[s->nq++];
	memset(e, 0, sizeof(*e));
	e->kind = k;
	e->at = at;
	e->seq = s->seq++;
	e->node = node;
	return e;
}

/* Addresses on the interface: the VIPS step is being added, is up, or is
 * being removed. */
static bool holds_vips(const struct tk *s, int i)
{
	return s->nd[i].up && s->nd[i].p.step[S_VIPS].state != PIPELINE_DOWN;
}

static bool promoted(const struct tk *s, int i)
{
	return s->nd[i].up && s->nd[i].p.step[S_PROMOTE].state != PIPELINE_DOWN;
}

static void tk_check(struct tk *s)
{
	int v = 0, pr = 0;

	if (!s->check_on || (s->check_until && s->now >= s->check_until))
		return;
	s->samples++;
	for (int i = 0; i < s->n; i++) {
		v += holds_vips(s, i);
		pr += promoted(s, i);
	}
	if (v > s->max_vips)
		s->max_vips = v;
	if (pr > s->max_promoted)
		s->max_promoted = pr;
	if (v > 1 && s->first_two_vips == NEVER)
		s->first_two_vips = s->now;
	if (pr > 1 && s->first_two_promoted == NEVER)
		s->first_two_promoted = s->now;
}

static void fsm_apply(struct tk *s, int i, const struct fsm_actions *o);

static const char *pa_name(enum pipeline_action_type t)
{
	switch (t) {
	case PIPELINE_ACT_START: return "START";
	case PIPELINE_ACT_STOP: return "STOP";
	case PIPELINE_ACT_CANCEL: return "CANCEL";
	case PIPELINE_ACT_HELD: return "HELD";
	case PIPELINE_ACT_VIPS_DOWN: return "VIPS_DOWN";
	case PIPELINE_ACT_RELEASED: return "RELEASED";
	case PIPELINE_ACT_GIVE_UP: return "GIVE_UP";
	}
	return "?";
}

static void pipe_apply(struct tk *s, int i, const struct pipeline_actions *o)
{
	struct node *n = &s->nd[i];

	CU_ASSERT(o->n < PIPELINE_MAX_ACTIONS);
	for (size_t k = 0; k < o->n; k++) {
		const struct pipeline_action *a = &o->a[k];
		struct fsm_actions fo = { .n = 0 };
		struct ev *e;

		tk_log(s, i, "pipeline %s(%zu)", pa_name(a->type), a->step);
		switch (a->type) {
		case PIPELINE_ACT_START:
			n->starts[a->step]++;
			e = tk_push(s, EV_DONE, s->now + n->start_delay[a->step], i);
			e->token = a->token;
			e->ok = true;
			if (a->step == S_PROMOTE) {
				if (!n->first_promote)
					n->first_promote = s->now;
				n->last_promote = s->now;
				if (n->fail_promote) {
					n->fail_promote--;
					e->ok = false;
				}
			}
			break;
		case PIPELINE_ACT_STOP:
			n->stops[a->step]++;
			e = tk_push(s, EV_DONE, s->now + n->stop_delay[a->step], i);
			e->token = a->token;
			e->ok = true;
			break;
		case PIPELINE_ACT_CANCEL:
			n->cancels[a->step]++;
			/* The run is killed: it answers at once, failed. */
			for (size_t j = 0; j < s->nq; j++)
				if (s->q[j].kind == EV_DONE && s->q[j].node == i &&
				    s->q[j].token == a->token) {
					s->q[j].at = s->now;
					s->q[j].ok = false;
				}
			break;
		case PIPELINE_ACT_RELEASED:
			fsm_released(&n->f, s->now, &fo);
			fsm_apply(s, i, &fo);
			break;
		case PIPELINE_ACT_GIVE_UP:
			n->give_ups++;
			fsm_give_up(&n->f, s->now, HOLDOFF, "promote failed", &fo);
			fsm_apply(s, i, &fo);
			break;
		case PIPELINE_ACT_HELD:
		case PIPELINE_ACT_VIPS_DOWN:
			break;
		}
	}
	tk_check(s);
}

static void send_advert(struct tk *s, int from, uint8_t prio)
{
	for (int j = 0; j < s->n; j++) {
		struct ev *e;

		if (j == from)
			continue;
		e = tk_push(s, EV_PKT, s->now + s->delay, j);
		e->from = from;
		e->prio = prio;
		e->intv = s->nd[from].f.cfg.adver_int_us;
	}
}

/* The mastership got confirmed (a lower master heard): the gate opens. */
static void confirm_if(struct tk *s, int i)
{
	struct node *n = &s->nd[i];
	struct pipeline_actions pa = { .n = 0 };

	if (n->f.state != FSM_MASTER || !n->f.confirmed || !n->p.want || n->p.confirmed)
		return;
	tk_log(s, i, "confirmed");
	pipeline_confirm(&n->p, s->now, &pa);
	pipe_apply(s, i, &pa);
}

static void fsm_apply(struct tk *s, int i, const struct fsm_actions *o)
{
	struct node *n = &s->nd[i];

	CU_ASSERT(o->overflow == 0);
	for (size_t k = 0; k < o->n; k++) {
		const struct fsm_action *a = &o->a[k];
		struct pipeline_actions pa = { .n = 0 };

		switch (a->type) {
		case FSM_ACT_STATE:
			tk_log(s, i, "%s -> %s (%s)", fsm_state_str(a->from), fsm_state_str(a->to),
			       n->f.reason);
			if (a->to == FSM_MASTER) {
				n->mastered++;
				n->last_master = s->now;
			}
			break;
		case FSM_ACT_SEND_ADVERT:
			n->adverts_at[a->priority]++;
			if (!a->priority) {
				n->advert0 = s->now;
				tk_log(s, i, "ADVERT(0)");
			}
			send_advert(s, i, a->priority);
			break;
		case FSM_ACT_ACQUIRE:
			tk_log(s, i, "ACQUIRE%s", n->f.confirmed ? " (confirmed)" : "");
			pipeline_acquire(&n->p, s->now, n->f.confirmed, fsm_gate_us(&n->f, GATE), &pa);
			pipe_apply(s, i, &pa);
			break;
		case FSM_ACT_RELEASE:
			tk_log(s, i, "RELEASE");
			pipeline_release(&n->p, s->now, &pa);
			pipe_apply(s, i, &pa);
			break;
		case FSM_ACT_SETTLE:
			tk_log(s, i, "SETTLE");
			pipeline_regate(&n->p, s->now, fsm_gate_us(&n->f, GATE));
			break;
		case FSM_ACT_SEND_GARP:
			break;
		}
	}
	confirm_if(s, i);
	tk_check(s);
}

/* Earliest: events (packets, answers) before timers at the same instant,
 * in the order they were queued; timers by node index. */
static uint64_t tk_next(const struct tk *s, int *node, long *ev)
{
	uint64_t best = NEVER;

	*node = -1;
	*ev = -1;
	for (size_t k = 0; k < s->nq; k++)
		if (*ev < 0 || s->q[k].at < best ||
		    (s->q[k].at == best && s->q[k].seq < s->q[*ev].seq)) {
			best = s->q[k].at;
			*ev = (long)k;
		}
	for (int i = 0; i < s->n; i++) {
		uint64_t d = fsm_next_deadline(&s->nd[i].f), pd = pipeline_next_deadline(&s->nd[i].p);

		if (!s->nd[i].up)
			continue;
		if (pd && (!d || pd < d))
			d = pd;
		if (!d)
			continue;
		if (d < s->now)
			d = s->now;
		if (d < best) {
			best = d;
			*node = i;
			*ev = -1;
		}
	}
	return best;
}

static void tk_event(struct tk *s, long k)
{
	struct ev e = s->q[k];
	struct node *n = &s->nd[e.node];

	s->q[k] = s->q[--s->nq];
	if (!n->up)
		return;
	if (e.kind == EV_PKT) {
		struct fsm_actions fo = { .n = 0 };

		fsm_recv(&n->f, s->now, &s->nd[e.from].f.primary, e.prio, e.intv, &fo);
		fsm_apply(s, e.node, &fo);
	} else {
		struct pipeline_actions pa = { .n = 0 };

		pipeline_done(&n->p, s->now, e.token, e.ok, &pa);
		pipe_apply(s, e.node, &pa);
	}
}

static void tk_timer(struct tk *s, int i)
{
	struct node *n = &s->nd[i];
	uint64_t d = fsm_next_deadline(&n->f), pd = pipeline_next_deadline(&n->p);

	if (d && d <= s->now) {
		struct fsm_actions fo = { .n = 0 };

		fsm_timer(&n->f, s->now, &fo);
		fsm_apply(s, i, &fo);
	}
	if (pd && pd <= s->now) {
		struct pipeline_actions pa = { .n = 0 };

		pipeline_timer(&n->p, s->now, &pa);
		pipe_apply(s, i, &pa);
	}
}

static void tk_run_until(struct tk *s, uint64_t until)
{
	for (;;) {
		int node;
		long ev;
		uint64_t t = tk_next(s, &node, &ev);

		if (t == NEVER || t > until)
			break;
		if (++s->events > TK_EVENT_LIMIT)
			CU_FAIL_FATAL("simulation does not make progress");
		s->now = t;
		if (ev >= 0)
			tk_event(s, ev);
		else
			tk_timer(s, node);
		tk_check(s);
	}
	if (until > s->now)
		s->now = until;
}

static void tk_start(struct tk *s, int i)
{
	struct fsm_actions fo = { .n = 0 };

	fsm_start(&s->nd[i].f, s->now, &fo);
	fsm_apply(s, i, &fo);
}

/* The node is gone (power off): silent, its addresses with it. */
static void tk_kill(struct tk *s, int i)
{
	tk_log(s, i, "killed");
	s->nd[i].up = false;
	tk_check(s);
}

static int tk_switchover(struct tk *s, int i)
{
	struct fsm_actions fo = { .n = 0 };
	int rc = fsm_switchover(&s->nd[i].f, s->now, &fo);

	tk_log(s, i, "switchover: %d", rc);
	fsm_apply(s, i, &fo);
	return rc;
}

static int tk_masters(const struct tk *s)
{
	int m = 0;

	for (int i = 0; i < s->n; i++)
		m += s->nd[i].up && s->nd[i].f.state == FSM_MASTER;
	return m;
}

static uint64_t skew(unsigned prio)
{
	return (256 - prio) * SEC / 256;
}

static uint64_t mdi(unsigned prio)
{
	return 3 * SEC + skew(prio);
}

/* ---- scenarios ----------------------------------------------------------- */

#define DELAY (2 * MS)

/* Two (then three) nodes elect the highest; it promotes after the gate
 * (nobody heard at startup: not confirmed), then holds everything. */
static void settle(struct tk *s, int top, unsigned prio)
{
	uint64_t became = T0 + mdi(prio);

	tk_run_until(s, 10 * SEC);
	EQU(s->nd[top].f.state, FSM_MASTER);
	EQU(s->nd[top].last_master, became);
	EQU(s->nd[top].first_promote, became + GATE);
	CU_ASSERT(pipeline_held(&s->nd[top].p));
	EQU(tk_masters(s), 1);
}

/* (1) Switchover with an after-VIPs stop of 5 s: the old master keeps its
 * VIPs and its priority until that stop and the VIPs' own are done, sends
 * priority 0 only then, and the best backup takes over one delay plus its
 * Skew_Time later. No instant (sampled after every event) has two VIP
 * holders, nor two promoted databases. */
static void test_switchover_slow_release(void)
{
	static const uint64_t after_stop[] = { 0, 1 * SEC, 5 * SEC, 50 * SEC };

	for (int three = 0; three < 2; three++) {
		for (size_t k = 0; k < sizeof(after_stop) / sizeof(after_stop[0]); k++) {
			struct tk *s = tk_new(DELAY);
			int a = tk_add(s, 200, true, "10.0.0.1");
			int b = tk_add(s, 150, true, "10.0.0.2");
			int c = three ? tk_add(s, 100, true, "10.0.0.3") : -1;
			uint64_t t_cmd = 10500 * MS, t_zero, t_take;
			unsigned ads200, f0 = CU_get_number_of_failures();

			s->nd[a].stop_delay[S_AFTER] = after_stop[k];
			for (int i = 0; i < s->n; i++)
				tk_start(s, i);
			settle(s, a, 200);
			ads200 = s->nd[a].adverts_at[200];
			CU_ASSERT(s->nd[a].f.confirmed == false);
			tk_run_until(s, t_cmd);
			EQU(tk_switchover(s, a), 0);
			EQU(s->nd[a].f.state, FSM_MASTER);
			/* While releasing: still MASTER, still advertising 200. */
			/* Priority 0 once everything is released: the
			 * before-VIPs demote too, so no two nodes are ever
			 * promoted at once. */
			t_zero = t_cmd + after_stop[k] + s->nd[a].stop_delay[S_VIPS] +
				 s->nd[a].stop_delay[S_PROMOTE];
			tk_run_until(s, t_zero - 1);
			EQU(s->nd[a].f.state, FSM_MASTER);
			EQU(s->nd[b].f.state, FSM_BACKUP);
			EQU(s->nd[a].advert0, 0);
			EQU(tk_switchover(s, a), -1);
			EQU(s->nd[a].adverts_at[200] - ads200, (t_zero - 1 - 10218750) / SEC + 1);
			tk_run_until(s, 120 * SEC);
			EQU(s->nd[a].advert0, t_zero);
			t_take = t_zero + DELAY + skew(150);
			EQU(s->nd[b].last_master, t_take);
			EQU(s->nd[b].f.cause, FSM_CAUSE_RELEASE_SEEN);
			/* The release is no confirmation: another backup may race
			 * it (F1); its promote after the settle gate. */
			CU_ASSERT(s->nd[b].f.settle);
			EQU(s->nd[b].first_promote, t_take + SETTLE);
			EQU(s->nd[b].starts[S_PROMOTE], 1);
			CU_ASSERT(pipeline_held(&s->nd[b].p));
			EQU(s->nd[a].f.state, FSM_BACKUP);
			CU_ASSERT(pipeline_released(&s->nd[a].p));
			EQU(s->nd[a].starts[S_PROMOTE], 1);
			EQU(s->nd[a].stops[S_PROMOTE], 1);
			EQU(s->nd[a].mastered, 1);
			EQU(s->nd[b].mastered, 1);
			if (c >= 0) {
				EQU(s->nd[c].mastered, 0);
				EQU(s->nd[c].starts[S_PROMOTE], 0);
				EQU(s->nd[c].f.master_priority, 150);
			}
			EQU(s->max_vips, 1);
			/* A's demote (100 ms, started when its VIPs are gone)
			 * is over before B's Skew_Time is. */
			EQU(s->max_promoted, 1);
			CU_ASSERT(s->samples > 50);
			if (CU_get_number_of_failures() > f0)
				tk_dump(s, three ? "switchover, three nodes" : "switchover");
		}
	}
}

/* (2) The start-up race: nodes started at the same instant, or 10 ms ..
 * 3 s apart, preempt on and off, equal or different priorities. Each
 * became MASTER having heard nobody, so the gated promote waits until a
 * lower master is heard or 2 s have passed: over the whole run it starts
 * on exactly one node, and never two are promoted at once. Cases where a
 * higher node started later preempts a lower one that already promoted
 * (a real preemption, after the gate) are counted apart: there the
 * promote runs on both nodes, one after the other, never at once. */
struct race_cfg {
	unsigned pa, pb;           /* A starts first */
};

static int race_run(const struct race_cfg *rc, bool preempt, uint64_t off, uint64_t delay,
		    bool legit, bool verbose)
{
	struct tk *s = tk_new(delay);
	int a = tk_add(s, rc->pa, preempt, "10.0.0.1");
	int b = tk_add(s, rc->pb, preempt, "10.0.0.2");
	unsigned total;
	int bad = 0, m;

	tk_start(s, a);
	tk_run_until(s, T0 + off);
	tk_start(s, b);
	tk_run_until(s, 40 * SEC);
	total = s->nd[a].starts[S_PROMOTE] + s->nd[b].starts[S_PROMOTE];
	m = s->nd[a].f.state == FSM_MASTER ? a : b;
	if (tk_masters(s) != 1 || !pipeline_held(&s->nd[m].p) ||
	    !pipeline_released(&s->nd[a + b - m].p) || (legit && m != b))
		bad = 1;
	if (!legit && total != 1)
		bad = 1;
	/* A late preemption too waits for the preempted node to release
	 * (here: the gate, as the simulation has no announcements) before
	 * promoting: never two promoted, never two VIP holders. */
	if (s->max_promoted > 1 || s->max_vips > 1)
		bad = 1;
	if (bad && verbose) {
		fprintf(stderr, "\nrace: prio %u/%u preempt %d offset %" PRIu64 " us delay %" PRIu64
			": promotes %u/%u, max promoted %d, max VIP holders %d\n", rc->pa, rc->pb,
			preempt, off, delay, s->nd[a].starts[S_PROMOTE],
			s->nd[b].starts[S_PROMOTE], s->max_promoted, s->max_vips);
		tk_dump(s, "race");
	}
	return bad;
}

static void test_startup_race_two(void)
{
	static const struct race_cfg cfgs[] = {
		{ 100, 100 }, { 200, 100 }, { 100, 200 },
	};
	static const uint64_t delays[] = { 0, 2 * MS, 15 * MS };
	unsigned long runs = 0, bad = 0, preempted = 0;
	unsigned f0 = CU_get_number_of_failures();
	struct tk *s;

	/* The plain race: equal priorities, same instant, 2 ms on the wire.
	 * Both become MASTER unconfirmed and wait at the gate; each hears the
	 * other 2 ms later: A (lower address) steps down, its promote never
	 * started; B heard a lower master, which does not confirm (with three
	 * nodes a higher one may not have spoken yet): B promotes at the
	 * gate's end. */
	s = tk_new(DELAY);
	tk_add(s, 100, true, "10.0.0.1");
	tk_add(s, 100, true, "10.0.0.2");
	tk_start(s, 0);
	tk_start(s, 1);
	tk_run_until(s, 20 * SEC);
	EQU(s->nd[0].mastered, 1);
	EQU(s->nd[1].mastered, 1);
	EQU(s->nd[0].starts[S_PROMOTE], 0);
	EQU(s->nd[1].first_promote, T0 + mdi(100) + GATE);
	EQU(s->nd[1].starts[S_PROMOTE], 1);
	EQU(s->nd[0].f.state, FSM_BACKUP);
	CU_ASSERT(pipeline_held(&s->nd[1].p));
	CU_ASSERT(pipeline_released(&s->nd[0].p));
	EQU(s->max_vips, 1);
	EQU(s->max_promoted, 1);
	if (CU_get_number_of_failures() > f0)
		tk_dump(s, "plain race");

	for (size_t c = 0; c < 3; c++)
		for (int preempt = 0; preempt < 2; preempt++)
			for (size_t d = 0; d < 3; d++)
				for (uint64_t off = 0; off <= 3 * SEC; off += 10 * MS) {
					/* A higher node started so late that the
					 * lower one's gate ends before it hears the
					 * preemption preempts a promoted node (a
					 * handover, not a start-up race): only the
					 * end state is checked. */
					bool legit = preempt && cfgs[c].pb > cfgs[c].pa &&
						     off + mdi(cfgs[c].pb) + delays[d] >=
							     mdi(cfgs[c].pa) + GATE;

					runs++;
					preempted += legit;
					bad += (unsigned long)race_run(&cfgs[c], preempt, off,
								       delays[d], legit, !bad);
				}
	printf("(%lu runs, %lu late preemptions) ", runs, preempted);
	CU_ASSERT(bad == 0);
	CU_ASSERT(preempted > 0 && preempted < runs / 10);
}

/* Three equal nodes started at the same instant (and 1 .. 30 ms apart):
 * all three become MASTER unconfirmed. Exactly one promote must run to
 * completion, never two VIP holders, one master at the end.
 *
 * The promote is never even started on a losing node: hearing a lower
 * master does not confirm a mastership (the middle node may hear the
 * lowest before the highest has spoken), only the gate's end does. */
static void test_startup_race_three(void)
{
	static const char *addrs[6][3] = {
		{ "10.0.0.1", "10.0.0.2", "10.0.0.3" }, { "10.0.0.1", "10.0.0.3", "10.0.0.2" },
		{ "10.0.0.2", "10.0.0.1", "10.0.0.3" }, { "10.0.0.2", "10.0.0.3", "10.0.0.1" },
		{ "10.0.0.3", "10.0.0.1", "10.0.0.2" }, { "10.0.0.3", "10.0.0.2", "10.0.0.1" },
	};
	static const uint64_t delays[] = { 0, 2 * MS, 15 * MS };
	unsigned long bad = 0, runs = 0, early = 0;

	for (int k = 0; k < 6; k++)
		for (size_t d = 0; d < 3; d++)
			for (uint64_t off = 0; off <= 30 * MS; off += MS) {
				struct tk *s = tk_new(delays[d]);
				unsigned total = 0, cancelled = 0;
				int m = -1;

				for (int i = 0; i < 3; i++)
					tk_add(s, 100, true, addrs[k][i]);
				for (int i = 0; i < 3; i++) {
					tk_run_until(s, T0 + (uint64_t)i * off);
					tk_start(s, i);
				}
				tk_run_until(s, 40 * SEC);
				for (int i = 0; i < 3; i++) {
					total += s->nd[i].starts[S_PROMOTE];
					cancelled += s->nd[i].cancels[S_PROMOTE];
					if (s->nd[i].f.state == FSM_MASTER)
						m = i;
				}
				runs++;
				early += total > 1;
				if (total != 1 || cancelled || s->max_vips > 1 || tk_masters(s) != 1 ||
				    m < 0 || s->nd[m].starts[S_PROMOTE] != 1 ||
				    s->nd[m].cancels[S_PROMOTE] != 0 || !pipeline_held(&s->nd[m].p)) {
					if (!bad++) {
						fprintf(stderr, "\nrace of three: order %d delay %"
							PRIu64 " offset %" PRIu64 ": promotes %u/%u/%u,"
							" cancelled %u, max VIP holders %d\n", k,
							delays[d], off, s->nd[0].starts[S_PROMOTE],
							s->nd[1].starts[S_PROMOTE],
							s->nd[2].starts[S_PROMOTE], cancelled,
							s->max_vips);
						tk_dump(s, "race of three");
					}
				}
			}
	printf("(%lu runs) ", runs);
	CU_ASSERT(bad == 0 && early == 0);
}

/* (3) A's promote fails: it gives up (hold-off 30 s), its VIPs never came
 * up; priority 0 goes out once the failed promote is undone (its demote
 * takes 100 ms: no instant with two promoted), B takes over after its
 * Skew_Time and
 * promotes at once (confirmed by the release); A does not take the role
 * back during the hold-off, although it ranks higher and preempts. */
static void test_failing_promote(void)
{
	struct tk *s = tk_new(DELAY);
	int a = tk_add(s, 200, true, "10.0.0.1");
	int b = tk_add(s, 100, true, "10.0.0.2");
	uint64_t became = T0 + mdi(200), fail = became + GATE + 100 * MS;
	uint64_t holdoff_end = fail + HOLDOFF, rel = fail + 100 * MS;
	unsigned f0 = CU_get_number_of_failures();

	s->nd[a].fail_promote = 1;
	s->check_until = holdoff_end;
	tk_start(s, a);
	tk_start(s, b);
	tk_run_until(s, holdoff_end - 1);
	EQU(s->nd[a].give_ups, 1);
	EQU(s->nd[a].starts[S_PROMOTE], 1);
	EQU(s->nd[a].starts[S_VIPS], 0);
	EQU(s->nd[a].advert0, rel);
	EQU(s->nd[a].f.cause, FSM_CAUSE_GIVE_UP);
	EQU(s->nd[a].f.state, FSM_BACKUP);
	EQU(s->nd[a].mastered, 1);
	CU_ASSERT(s->nd[a].f.holdoff);
	EQU(s->nd[a].f.holdoff_until, holdoff_end);
	CU_ASSERT(pipeline_released(&s->nd[a].p));
	EQU(s->nd[b].last_master, rel + DELAY + skew(100));
	EQU(s->nd[b].first_promote, rel + DELAY + skew(100) + SETTLE);
	EQU(s->nd[b].f.state, FSM_MASTER);
	CU_ASSERT(pipeline_held(&s->nd[b].p));
	EQU(s->max_vips, 1);
	EQU(s->max_promoted, 1);
	/* After the hold-off A is back and preempts B by the usual rules. */
	tk_run_until(s, holdoff_end + 10 * SEC);
	EQU(s->nd[a].mastered, 2);
	CU_ASSERT(s->nd[a].last_master > holdoff_end);
	CU_ASSERT(s->nd[a].last_master <= holdoff_end + SEC + DELAY + mdi(200));
	EQU(s->nd[a].starts[S_PROMOTE], 2);
	EQU(s->nd[a].f.state, FSM_MASTER);
	EQU(s->nd[b].f.state, FSM_BACKUP);
	CU_ASSERT(pipeline_held(&s->nd[a].p));
	CU_ASSERT(pipeline_released(&s->nd[b].p));
	if (CU_get_number_of_failures() > f0)
		tk_dump(s, "failing promote");
}

/* (4) A normal failover: the master is killed; the backup, which heard
 * it, takes over one Master_Down_Interval after its last advert and
 * starts the promote after the settle gate only (two advert intervals,
 * not the start-up gate), the time another backup that took over at the
 * same instant needs to show itself. */
static void test_failover_not_gated(void)
{
	for (int three = 0; three < 2; three++) {
		struct tk *s = tk_new(DELAY);
		int a = tk_add(s, 200, true, "10.0.0.1");
		int b = tk_add(s, 150, true, "10.0.0.2");
		int c = three ? tk_add(s, 100, true, "10.0.0.3") : -1;
		uint64_t last = T0 + mdi(200) + 16 * SEC, take = last + DELAY + mdi(150);
		unsigned f0 = CU_get_number_of_failures();

		for (int i = 0; i < s->n; i++)
			tk_start(s, i);
		settle(s, a, 200);
		tk_run_until(s, 20500 * MS);
		tk_kill(s, a);
		tk_run_until(s, 40 * SEC);
		EQU(s->nd[b].last_master, take);
		EQU(s->nd[b].f.cause, FSM_CAUSE_MASTER_DOWN);
		CU_ASSERT(s->nd[b].f.settle);
		EQU(s->nd[b].first_promote, take + SETTLE);
		CU_ASSERT(pipeline_held(&s->nd[b].p));
		EQU(s->nd[b].p.step[S_VIPS].state, PIPELINE_UP);
		if (c >= 0) {
			EQU(s->nd[c].mastered, 0);
			EQU(s->nd[c].starts[S_PROMOTE], 0);
		}
		EQU(s->max_vips, 1);
		EQU(s->max_promoted, 1);
		if (CU_get_number_of_failures() > f0)
			tk_dump(s, "failover");
	}
}

static CU_TestInfo tests[] = {
	{ "switchover, slow after-VIPs stop: one VIP holder", test_switchover_slow_release },
	{ "start-up race of two: one promote", test_startup_race_two },
	{ "start-up race of three: one promote", test_startup_race_three },
	{ "failing promote: give up, no take-back in hold-off", test_failing_promote },
	{ "failover is not gated", test_failover_not_gated },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "takeover", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
