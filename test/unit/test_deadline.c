/* test_deadline: the instances' timers kept by the loop (deadline.c):
 * which fire when, deletion from a callback, the split between epoll's
 * timeout and the shared timer, and the loop itself on a real sd-event. */
#include "deadline.h"
#include "cu_main.h"
#include "monotime.h"

struct rec {
	struct deadline d;
	unsigned fired;
	uint64_t at_now;            /* the now it was called with */
	struct deadline *kill;      /* deleted by this one's callback */
	struct deadline *rearm;     /* set again by this one's callback */
	sd_event *exit_loop;        /* this one ends the loop */
};

static void fire(struct deadline *d, uint64_t now, void *arg)
{
	struct rec *r = arg;

	(void)d;
	r->fired++;
	r->at_now = now;
	if (r->kill)
		deadline_del(r->kill);
	if (r->rearm)
		deadline_set(r->rearm, now + 10, 1);
	if (r->exit_loop)
		sd_event_exit(r->exit_loop, 42);
}

static void add(struct deadlines *s, struct rec *r)
{
	*r = (struct rec){ .fired = 0 };
	CU_ASSERT_EQUAL(deadline_add(s, &r->d, fire, r), 0);
}

static void test_due_only(void)
{
	struct deadlines s = { 0 };
	struct rec a, b, c;
	uint64_t coarse, precise;

	add(&s, &a);
	add(&s, &b);
	add(&s, &c);
	deadlines_wake(&s, 0, &coarse, &precise);
	CU_ASSERT(coarse == 0 && precise == 0);     /* added off */
	deadline_set(&a.d, 1000, 1);
	deadline_set(&b.d, 2000, 1);
	CU_ASSERT_EQUAL(deadlines_run(&s, 999), 0);
	CU_ASSERT_EQUAL(deadlines_run(&s, 1500), 1);
	CU_ASSERT(a.fired == 1 && a.at_now == 1500 && b.fired == 0 && c.fired == 0);
	/* a fired deadline is off until set again */
	CU_ASSERT_EQUAL(deadlines_run(&s, 1600), 0);
	CU_ASSERT_EQUAL(deadlines_run(&s, 5000), 1);
	CU_ASSERT(a.fired == 1 && b.fired == 1);
	deadline_set(&c.d, 3000, 1);
	deadline_off(&c.d);
	CU_ASSERT_EQUAL(deadlines_run(&s, 9000), 0);
	deadlines_free(&s);
}

static void test_coarse_and_precise(void)
{
	struct deadlines s = { 0 };
	struct rec adv, down, late;
	uint64_t coarse, precise, now = 49000;

	add(&s, &adv);
	add(&s, &down);
	add(&s, &late);
	/* a master's advert: 2 ms late is fine -> epoll's timeout */
	deadline_set(&adv.d, 100000, 2000);
	/* Master_Down, 1 ms away: on time -> the timer */
	deadline_set(&down.d, 50000, 1);
	deadline_set(&late.d, 50500, DEADLINE_PRECISE_US - 1);
	deadlines_wake(&s, now, &coarse, &precise);
	CU_ASSERT_EQUAL(coarse, 100000);
	CU_ASSERT_EQUAL(precise, 50000);
	deadline_off(&down.d);
	deadlines_wake(&s, now, &coarse, &precise);
	CU_ASSERT_EQUAL(precise, 50500);
	deadline_set(&late.d, 50500, DEADLINE_PRECISE_US);
	deadlines_wake(&s, now, &coarse, &precise);
	CU_ASSERT(coarse == 50500 && precise == 0);
	/* at 0 would read as off: it is kept armed */
	deadline_set(&down.d, 0, 1);
	deadlines_wake(&s, now, &coarse, &precise);
	CU_ASSERT_EQUAL(precise, 1);
	deadlines_free(&s);
}

/* An on-time deadline far away waits with epoll until DEADLINE_ARM_US
 * before it: a backup's Master_Down, pushed back by each advert, never
 * reaches the timer while the master lives. */
static void test_far_ontime(void)
{
	struct deadlines s = { 0 };
	struct rec down;
	uint64_t coarse, precise, t = 1000000, mdi = 360000;

	add(&s, &down);
	deadline_set(&down.d, t + mdi, 1);
	deadlines_wake(&s, t, &coarse, &precise);
	CU_ASSERT(coarse == t + mdi - DEADLINE_ARM_US && precise == 0);
	/* adverts every 100 ms push it back: still epoll only */
	for (int i = 1; i <= 5; i++) {
		t += 100000;
		deadline_set(&down.d, t + mdi, 1);
		deadlines_wake(&s, t, &coarse, &precise);
		CU_ASSERT(coarse == t + mdi - DEADLINE_ARM_US && precise == 0);
	}
	/* the master is gone: woken ARM_US early (or a little later, epoll
	 * rounds up), the timer takes it, to the microsecond */
	deadlines_wake(&s, t + mdi - DEADLINE_ARM_US, &coarse, &precise);
	CU_ASSERT(coarse == 0 && precise == t + mdi);
	deadlines_wake(&s, t + mdi - DEADLINE_ARM_US + 1000, &coarse, &precise);
	CU_ASSERT(coarse == 0 && precise == t + mdi);
	CU_ASSERT_EQUAL(deadlines_run(&s, t + mdi - 1), 0);
	CU_ASSERT_EQUAL(deadlines_run(&s, t + mdi), 1);
	deadlines_free(&s);
}

/* A firm deadline (nothing will push it back: a backup reading its
 * adverts at Master_Down) goes on the timer however far it is, and
 * stops being firm once it fires or is set again. */
static void test_firm(void)
{
	struct deadlines s = { 0 };
	struct rec down;
	uint64_t coarse, precise, t = 1000000, mdi = 360000;

	add(&s, &down);
	deadline_set(&down.d, t + mdi, 1);
	deadline_firm(&down.d);
	deadlines_wake(&s, t, &coarse, &precise);
	CU_ASSERT(coarse == 0 && precise == t + mdi);
	CU_ASSERT_EQUAL(deadlines_run(&s, t + mdi), 1);
	deadline_set(&down.d, t + 2 * mdi, 1);
	deadlines_wake(&s, t + mdi, &coarse, &precise);
	CU_ASSERT(coarse == t + 2 * mdi - DEADLINE_ARM_US && precise == 0);
	/* a deadline that may be late stays on epoll, firm or not */
	deadline_set(&down.d, t + 2 * mdi, DEADLINE_PRECISE_US);
	deadline_firm(&down.d);
	deadlines_wake(&s, t + mdi, &coarse, &precise);
	CU_ASSERT(coarse == t + 2 * mdi && precise == 0);
	deadlines_free(&s);
}

static void test_delete_from_callback(void)
{
	struct deadlines s = { 0 };
	struct rec a, b, c, d;

	add(&s, &a);
	add(&s, &b);
	add(&s, &c);
	add(&s, &d);
	/* a deletes c (due too, not yet run); b re-arms itself */
	a.kill = &c.d;
	deadline_set(&a.d, 10, 1);
	deadline_set(&b.d, 10, 1);
	deadline_set(&c.d, 10, 1);
	deadline_set(&d.d, 10, 1);
	b.rearm = &b.d;
	CU_ASSERT_EQUAL(deadlines_run(&s, 100), 3);
	CU_ASSERT(a.fired == 1 && b.fired == 1 && c.fired == 0 && d.fired == 1);
	CU_ASSERT_PTR_NULL(c.d.set);
	CU_ASSERT_EQUAL(s.n, 3);                    /* the hole closed */
	CU_ASSERT(s.v[0] == &a.d && s.v[1] == &b.d && s.v[2] == &d.d);
	CU_ASSERT(d.d.slot == 2);
	/* b re-armed at 110 */
	CU_ASSERT_EQUAL(deadlines_run(&s, 109), 0);
	CU_ASSERT_EQUAL(deadlines_run(&s, 110), 1);
	CU_ASSERT_EQUAL(b.fired, 2);
	/* deleted outside a run: the last slot moves into the gap */
	deadline_del(&a.d);
	CU_ASSERT(s.n == 2 && s.v[0] == &d.d && d.d.slot == 0);
	deadline_del(&a.d);                         /* twice: nothing */
	CU_ASSERT_EQUAL(s.n, 2);
	deadlines_free(&s);
}

/* The loop on a real sd-event: both kinds fire, never early, in the
 * order of their deadlines, and sd_event_exit from a callback ends it
 * with its code. (No upper bound on lateness: machines are noisy.) */
static void test_loop(void)
{
	struct deadlines s = { 0 };
	struct rec coarse, precise, last;
	sd_event *e = NULL;
	uint64_t t0 = monotime_us();

	CU_ASSERT_FATAL(sd_event_new(&e) >= 0);
	add(&s, &coarse);
	add(&s, &precise);
	add(&s, &last);
	deadline_set(&precise.d, t0 + 20000, 1);
	deadline_set(&coarse.d, t0 + 30000, 2000);
	deadline_set(&last.d, t0 + 60000, 1);        /* far: epoll, then the timer */
	last.exit_loop = e;
	CU_ASSERT_EQUAL(deadlines_loop(e, &s), 42);
	CU_ASSERT(precise.fired == 1 && coarse.fired == 1 && last.fired == 1);
	CU_ASSERT(precise.at_now >= t0 + 20000);
	CU_ASSERT(coarse.at_now >= t0 + 30000);
	CU_ASSERT(last.at_now >= t0 + 60000);
	CU_ASSERT(precise.at_now < coarse.at_now && coarse.at_now < last.at_now);
	CU_ASSERT(monotime_us() >= t0 + 60000);
	deadlines_free(&s);
	CU_ASSERT_PTR_NULL(s.precise);
	sd_event_unref(e);
}

/* A time seen after the wakeup (an advert's arrival, read late) moves the
 * loop's time up and never back; without a loop it is the clock's. */
static void test_seen(void)
{
	struct deadlines s = { 0 };
	uint64_t t0 = monotime_us(), now;

	now = deadlines_now(&s, NULL);
	CU_ASSERT(now >= t0 && now <= monotime_us());
	deadlines_saw(&s, t0 + 5 * 1000000u);         /* later than the clock */
	CU_ASSERT_EQUAL(deadlines_now(&s, NULL), t0 + 5 * 1000000u);
	deadlines_saw(&s, t0);                         /* never back */
	CU_ASSERT_EQUAL(deadlines_now(&s, NULL), t0 + 5 * 1000000u);
	deadlines_saw(NULL, t0);                       /* no set: nothing */
	CU_ASSERT(deadlines_now(NULL, NULL) >= t0);
	s.seen = 1;                                    /* long past: the clock */
	CU_ASSERT(deadlines_now(&s, NULL) >= t0);
}

static CU_TestInfo tests[] = {
	{ "only due deadlines fire, once", test_due_only },
	{ "epoll's timeout or the shared timer", test_coarse_and_precise },
	{ "on time but far: epoll until near", test_far_ontime },
	{ "firm: on the timer at once", test_firm },
	{ "deleted and re-armed from a callback", test_delete_from_callback },
	{ "the loop on sd-event", test_loop },
	{ "a time seen after the wakeup", test_seen },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "deadline", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
