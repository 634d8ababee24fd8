/* test_pipeline: the takeover pipeline driven by a fake clock.
 *
 * Every input's actions are rendered as a string ("START(0) HELD"), so
 * type, step and order are asserted at once; the test answers START/STOP
 * with the token it was given (or a stale one). A random walk with a fixed
 * seed checks the ordering invariants over many interleavings. */
#include "core/pipeline.h"
#include "cu_main.h"
#include "cu_eq.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS 1000ull
#define SEC 1000000ull
#define T0 SEC

static struct pipeline P;
static struct pipeline_actions acts;
static char got[512];
static uint64_t tok;            /* token of the last START/STOP seen */


static const char *render(void)
{
	size_t off = 0, i;

	got[0] = '\0';
	for (i = 0; i < acts.n && off < sizeof(got); i++) {
		const struct pipeline_action *a = &acts.a[i];
		const char *name = "?";

		switch (a->type) {
		case PIPELINE_ACT_START: name = "START"; tok = a->token; break;
		case PIPELINE_ACT_STOP: name = "STOP"; tok = a->token; break;
		case PIPELINE_ACT_CANCEL: name = "CANCEL"; break;
		case PIPELINE_ACT_HELD: name = "HELD"; break;
		case PIPELINE_ACT_VIPS_DOWN: name = "VIPS_DOWN"; break;
		case PIPELINE_ACT_RELEASED: name = "RELEASED"; break;
		case PIPELINE_ACT_GIVE_UP: name = "GIVE_UP"; break;
		}
		if (a->type == PIPELINE_ACT_START || a->type == PIPELINE_ACT_STOP ||
		    a->type == PIPELINE_ACT_CANCEL || a->type == PIPELINE_ACT_GIVE_UP)
			off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%s(%zu)",
						i ? " " : "", name, a->step);
		else
			off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%s",
						i ? " " : "", name);
	}
	return got;
}

static const char *acquire(uint64_t t, bool confirmed, uint64_t gate)
{
	acts.n = 0;
	pipeline_acquire(&P, t, confirmed, gate, &acts);
	return render();
}

static const char *release(uint64_t t)
{
	acts.n = 0;
	pipeline_release(&P, t, &acts);
	return render();
}

static const char *done_tok(uint64_t t, uint64_t token, bool ok)
{
	acts.n = 0;
	pipeline_done(&P, t, token, ok, &acts);
	return render();
}

static const char *done(uint64_t t, bool ok)
{
	return done_tok(t, tok, ok);
}

static const char *timer(uint64_t t)
{
	acts.n = 0;
	pipeline_timer(&P, t, &acts);
	return render();
}

static const char *failed(uint64_t t, size_t step)
{
	acts.n = 0;
	pipeline_failed(&P, t, step, &acts);
	return render();
}

/* The usual shape: a before-vips database (gated, release on failure),
 * the VIPs, an after-vips web server (release on failure). */
static void mk3(void)
{
	struct pipeline_step_cfg s[3] = {
		{ .kind = PIPELINE_RESOURCE, .index = 0, .gated = true, .release_on_fail = true,
		  .deadline_us = 40 * SEC, .restart_limit = 2 },
		{ .kind = PIPELINE_VIPS },
		{ .kind = PIPELINE_RESOURCE, .index = 1, .release_on_fail = true,
		  .deadline_us = 40 * SEC, .restart_limit = 1 },
	};

	pipeline_init(&P, s, 3);
	tok = 0;
}

static void test_order(void)
{
	mk3();
	CU_ASSERT(pipeline_released(&P));
	EQS(acquire(T0, true, 0), "START(0)");
	EQS(done(T0 + 100 * MS, true), "START(1)");
	EQS(done(T0 + 101 * MS, true), "START(2)");
	CU_ASSERT(!pipeline_held(&P));
	EQS(done(T0 + 300 * MS, true), "HELD");
	CU_ASSERT(pipeline_held(&P));
	CU_ASSERT(P.step[0].last_duration_us == 100 * MS);
	CU_ASSERT(P.step[2].last_duration_us == 199 * MS);
	/* Release: backwards, VIPs down said the moment they are gone. */
	EQS(release(2 * SEC), "STOP(2)");
	CU_ASSERT(pipeline_vips_up(&P));
	EQS(done(2 * SEC + 50 * MS, true), "STOP(1)");
	EQS(done(2 * SEC + 51 * MS, true), "VIPS_DOWN STOP(0)");
	CU_ASSERT(!pipeline_vips_up(&P));
	EQS(done(2 * SEC + 80 * MS, true), "RELEASED");
	CU_ASSERT(pipeline_released(&P));
	/* Idempotent inputs say nothing new. */
	EQS(release(3 * SEC), "");
	EQS(acquire(4 * SEC, true, 0), "START(0)");
	EQS(acquire(4 * SEC, true, 0), "");
}

static void test_empty(void)
{
	pipeline_init(&P, NULL, 0);
	EQS(acquire(T0, false, SEC), "HELD");
	EQS(release(T0), "VIPS_DOWN RELEASED");
}

static void test_stale(void)
{
	uint64_t old;

	mk3();
	EQS(acquire(T0, true, 0), "START(0)");
	old = tok;
	EQS(done(T0 + MS, true), "START(1)");
	/* A second answer for the finished run, and one for a token never
	 * issued: both ignored and counted. */
	EQS(done_tok(T0 + 2 * MS, old, false), "");
	EQS(done_tok(T0 + 2 * MS, tok + 256, true), "");
	CU_ASSERT(P.stale == 2);
	EQS(done(T0 + 3 * MS, true), "START(2)");
}

static void test_release_mid_acquire(void)
{
	uint64_t promote;

	mk3();
	EQS(acquire(T0, true, 0), "START(0)");
	promote = tok;
	/* The VIPs never came up: said at once, the running promote is
	 * cancelled and then undone. */
	EQS(release(T0 + 10 * MS), "CANCEL(0) VIPS_DOWN");
	CU_ASSERT(!pipeline_released(&P));
	EQS(done_tok(T0 + 20 * MS, promote, false), "STOP(0)");
	EQS(done(T0 + 30 * MS, true), "RELEASED");
	/* Mid-acquire after the VIPs: only the steps done are undone. */
	EQS(acquire(2 * SEC, true, 0), "START(0)");
	EQS(done(2 * SEC, true), "START(1)");
	EQS(done(2 * SEC, true), "START(2)");
	EQS(release(2 * SEC), "CANCEL(2)");
	EQS(done(2 * SEC, false), "STOP(2)");
	EQS(done(2 * SEC, true), "STOP(1)");
	EQS(done(2 * SEC, true), "VIPS_DOWN STOP(0)");
	EQS(done(2 * SEC, true), "RELEASED");
}

static void test_flap_back(void)
{
	uint64_t promote;

	mk3();
	EQS(acquire(T0, true, 0), "START(0)");
	promote = tok;
	EQS(release(T0), "CANCEL(0) VIPS_DOWN");
	/* Master again before the cancelled promote answered: it is run
	 * again, never undone. */
	EQS(acquire(T0 + MS, true, 0), "");
	EQS(done_tok(T0 + 2 * MS, promote, false), "START(0)");
	EQS(done(T0 + 3 * MS, true), "START(1)");
	/* Releasing during a stop lets it finish, then goes forward. */
	EQS(done(T0 + 3 * MS, true), "START(2)");
	EQS(done(T0 + 3 * MS, true), "HELD");
	EQS(release(T0 + 4 * MS), "STOP(2)");
	EQS(acquire(T0 + 5 * MS, true, 0), "");
	EQS(done(T0 + 6 * MS, true), "START(2)");
	EQS(done(T0 + 7 * MS, true), "HELD");
}

static void test_fail_release(void)
{
	mk3();
	EQS(acquire(T0, true, 0), "START(0)");
	/* The promote refused: the role is given up, the failed promote is
	 * undone (a demote is safe), the VIPs never come up. */
	EQS(done(T0 + SEC, false), "GIVE_UP(0) VIPS_DOWN STOP(0)");
	EQS(done(T0 + SEC, true), "RELEASED");
	CU_ASSERT(!P.step[0].last_ok || P.step[0].last_was_start == false);
	/* After the VIPs: the VIPs go again. */
	EQS(acquire(5 * SEC, true, 0), "START(0)");
	EQS(done(5 * SEC, true), "START(1)");
	EQS(done(5 * SEC, true), "START(2)");
	EQS(done(5 * SEC, false), "GIVE_UP(2) STOP(2)");
	EQS(done(5 * SEC, true), "STOP(1)");
	EQS(done(5 * SEC, true), "VIPS_DOWN STOP(0)");
	EQS(done(5 * SEC, true), "RELEASED");
}

static void test_fail_ignore(void)
{
	struct pipeline_step_cfg s[2] = {
		{ .kind = PIPELINE_VIPS },
		{ .kind = PIPELINE_RESOURCE, .release_on_fail = false },
	};

	pipeline_init(&P, s, 2);
	EQS(acquire(T0, true, 0), "START(0)");
	EQS(done(T0, true), "START(1)");
	EQS(done(T0, false), "HELD");
	CU_ASSERT(!P.step[1].last_ok);
	/* A failed stop cannot hold the release hostage. */
	EQS(release(T0), "STOP(1)");
	EQS(done(T0, false), "STOP(0)");
	EQS(done(T0, true), "VIPS_DOWN RELEASED");
}

static void test_gate(void)
{
	struct pipeline_step_cfg s[4] = {
		{ .kind = PIPELINE_CONNTRACK },
		{ .kind = PIPELINE_RESOURCE, .gated = true, .release_on_fail = true },
		{ .kind = PIPELINE_VIPS },
		{ .kind = PIPELINE_RESOURCE, .index = 1 },
	};

	pipeline_init(&P, s, 4);
	/* Unconfirmed: the ungated commit runs, the promote waits. */
	EQS(acquire(T0, false, 2 * SEC), "START(0)");
	EQS(done(T0 + MS, true), "");
	CU_ASSERT(pipeline_gate_waiting(&P));
	CU_ASSERT(pipeline_next_deadline(&P) == T0 + 2 * SEC);
	EQS(timer(T0 + SEC), "");
	EQS(timer(T0 + 2 * SEC), "START(1)");
	CU_ASSERT(!pipeline_gate_waiting(&P));
	EQS(done(T0 + 2 * SEC, true), "START(2)");
	EQS(done(T0 + 2 * SEC, true), "START(3)");
	EQS(done(T0 + 2 * SEC, true), "HELD");
	EQS(release(3 * SEC), "STOP(3)");
	EQS(done(3 * SEC, true), "STOP(2)");
	EQS(done(3 * SEC, true), "VIPS_DOWN STOP(1)");
	EQS(done(3 * SEC, true), "STOP(0)");
	EQS(done(3 * SEC, true), "RELEASED");

	/* Confirmed by a peer before the gate time. */
	EQS(acquire(10 * SEC, false, 2 * SEC), "START(0)");
	EQS(done(10 * SEC, true), "");
	acts.n = 0;
	pipeline_confirm(&P, 10 * SEC + 300 * MS, &acts);
	EQS(render(), "START(1)");

	/* Released while waiting: the promote never ran. */
	pipeline_init(&P, s, 4);
	EQS(acquire(T0, false, 2 * SEC), "START(0)");
	EQS(done(T0, true), "");
	EQS(release(T0 + SEC), "VIPS_DOWN STOP(0)");
	EQS(done(T0 + SEC, true), "RELEASED");
	CU_ASSERT(!P.step[1].ran);
	CU_ASSERT(pipeline_next_deadline(&P) == 0);
	EQS(timer(T0 + 3 * SEC), "");

	/* A confirmed mastership (normal failover) is never delayed. */
	EQS(acquire(20 * SEC, true, 2 * SEC), "START(0)");
	EQS(done(20 * SEC, true), "START(1)");
}

/* A fence step first: nothing after it runs before it succeeded; its
 * failure gives the role up with nothing else ever started. */
static void test_fence_first(void)
{
	struct pipeline_step_cfg s[3] = {
		{ .kind = PIPELINE_FENCE, .release_on_fail = true },
		{ .kind = PIPELINE_VIPS },
		{ .kind = PIPELINE_RESOURCE, .gated = true, .release_on_fail = true },
	};

	pipeline_init(&P, s, 3);
	EQS(acquire(T0, true, 0), "START(0)");
	EQS(timer(T0 + 5 * SEC), "");                /* the fence takes its time */
	EQS(done(T0 + 5 * SEC, true), "START(1)");
	EQS(done(T0 + 5 * SEC, true), "START(2)");
	EQS(done(T0 + 5 * SEC, true), "HELD");

	pipeline_init(&P, s, 3);
	EQS(acquire(T0, true, 0), "START(0)");
	EQS(done(T0 + SEC, false), "GIVE_UP(0) VIPS_DOWN STOP(0)");
	EQS(release(T0 + SEC), "");
	EQS(done(T0 + SEC, true), "RELEASED");
	CU_ASSERT(!P.step[1].ran);
	CU_ASSERT(!P.step[2].ran);
}

static void test_deadline(void)
{
	uint64_t late;

	mk3();
	EQS(acquire(T0, true, 0), "START(0)");
	late = tok;
	CU_ASSERT(pipeline_next_deadline(&P) == T0 + 40 * SEC);
	EQS(timer(T0 + 39 * SEC), "");
	/* No answer in time: cancelled, counted as failed, given up. */
	EQS(timer(T0 + 40 * SEC), "CANCEL(0) GIVE_UP(0) VIPS_DOWN STOP(0)");
	CU_ASSERT(P.timeouts == 1);
	EQS(done_tok(T0 + 41 * SEC, late, true), "");
	CU_ASSERT(P.stale == 1);
	EQS(done(T0 + 41 * SEC, true), "RELEASED");
}

static void test_restart(void)
{
	mk3();
	EQS(acquire(T0, true, 0), "START(0)");
	EQS(done(T0, true), "START(1)");
	EQS(done(T0, true), "START(2)");
	EQS(done(T0, true), "HELD");
	/* The web server's monitor failed: stop, start, held again. */
	EQS(failed(2 * SEC, 2), "STOP(2)");
	EQS(failed(2 * SEC, 2), "");              /* already restarting */
	EQS(done(2 * SEC, true), "START(2)");
	EQS(done(2 * SEC, true), "HELD");
	/* Its limit is 1: the next failure gives the role up. */
	EQS(failed(3 * SEC, 2), "GIVE_UP(2) STOP(2)");
	EQS(done(3 * SEC, true), "STOP(1)");
	EQS(done(3 * SEC, true), "VIPS_DOWN STOP(0)");
	EQS(done(3 * SEC, true), "RELEASED");
	/* A new acquire starts the count afresh. */
	EQS(acquire(5 * SEC, true, 0), "START(0)");
	EQS(done(5 * SEC, true), "START(1)");
	EQS(done(5 * SEC, true), "START(2)");
	EQS(done(5 * SEC, true), "HELD");
	EQS(failed(6 * SEC, 2), "STOP(2)");
	EQS(done(6 * SEC, true), "START(2)");
	EQS(done(6 * SEC, true), "HELD");
	/* A healthy monitor in between: the failures are no longer in a
	 * row, the next one is restarted again (limit 1). */
	pipeline_healthy(&P, 2);
	CU_ASSERT(P.step[2].restarts == 0);
	EQS(failed(7 * SEC, 2), "STOP(2)");
	pipeline_healthy(&P, 2);                  /* restarting: ignored */
	CU_ASSERT(P.step[2].restarts == 1);
	EQS(done(7 * SEC, true), "START(2)");
	EQS(done(7 * SEC, true), "HELD");
	EQS(failed(8 * SEC, 2), "GIVE_UP(2) STOP(2)");
	EQS(done(8 * SEC, true), "STOP(1)");
	EQS(done(8 * SEC, true), "VIPS_DOWN STOP(0)");
	EQS(done(8 * SEC, true), "RELEASED");
	EQS(acquire(9 * SEC, true, 0), "START(0)");
	EQS(done(9 * SEC, true), "START(1)");
	EQS(done(9 * SEC, true), "START(2)");
	EQS(done(9 * SEC, true), "HELD");
	EQS(failed(10 * SEC, 2), "STOP(2)");
	/* Ignored when not held or out of range. */
	EQS(failed(6 * SEC, 9), "");
	EQS(release(6 * SEC), "");
	EQS(failed(6 * SEC, 0), "");
}

/* One restart of `step` (held, limit not reached): stop, start, held. */
static void restart_ok(uint64_t t, size_t step)
{
	char want[16];

	snprintf(want, sizeof(want), "STOP(%zu)", step);
	EQS(failed(t, step), want);
	snprintf(want, sizeof(want), "START(%zu)", step);
	EQS(done(t, true), want);
	EQS(done(t, true), "HELD");
}

/* A reload raises the web server's restart limit while the pipeline is
 * held: the count so far stays, the new limit applies to the next failure;
 * lowering it gives the role up at the next one. Another step's config
 * (kind, index or gated) is refused and changes nothing. */
static void test_set_policy(void)
{
	struct pipeline_step_cfg c;

	mk3();
	EQS(acquire(T0, true, 0), "START(0)");
	EQS(done(T0, true), "START(1)");
	EQS(done(T0, true), "START(2)");
	EQS(done(T0, true), "HELD");
	restart_ok(2 * SEC, 2);                   /* 1 of its limit 1 */
	c = P.step[2].cfg;
	c.restart_limit = 3;
	c.restart_window_us = 60 * SEC;
	CU_ASSERT(pipeline_set_policy(&P, 2, &c));
	CU_ASSERT_EQUAL(P.step[2].cfg.restart_limit, 3);
	CU_ASSERT_EQUAL(P.step[2].state, PIPELINE_UP);
	CU_ASSERT_EQUAL(pipeline_restarts(&P, 2, 3 * SEC), 1);
	restart_ok(3 * SEC, 2);                   /* 2 of 3 */
	pipeline_healthy(&P, 2);                  /* a window now: kept */
	CU_ASSERT_EQUAL(pipeline_restarts(&P, 2, 4 * SEC), 2);
	restart_ok(4 * SEC, 2);                   /* 3 of 3 */
	c.restart_limit = 1;
	CU_ASSERT(pipeline_set_policy(&P, 2, &c));
	EQS(failed(5 * SEC, 2), "GIVE_UP(2) STOP(2)");
	/* Not the same step: refused, nothing changed. */
	c = P.step[1].cfg;
	c.restart_limit = 9;
	c.gated = !c.gated;
	CU_ASSERT_FALSE(pipeline_set_policy(&P, 1, &c));
	CU_ASSERT_NOT_EQUAL(P.step[1].cfg.restart_limit, 9);
	c = P.step[1].cfg;
	c.index++;
	CU_ASSERT_FALSE(pipeline_set_policy(&P, 1, &c));
	CU_ASSERT_FALSE(pipeline_set_policy(&P, 7, &c));
}

/* restart-window: a service that crashes between healthy monitors is
 * given up after its limit, as long as the failures come within the
 * window of each other; a quiet window clears the count. */
static void test_restart_window(void)
{
	struct pipeline_step_cfg s[2] = {
		{ .kind = PIPELINE_VIPS },
		{ .kind = PIPELINE_RESOURCE, .release_on_fail = true, .deadline_us = 40 * SEC,
		  .restart_limit = 2, .restart_window_us = 60 * SEC },
	};

	pipeline_init(&P, s, 2);
	EQS(acquire(T0, true, 0), "START(0)");
	EQS(done(T0, true), "START(1)");
	EQS(done(T0, true), "HELD");
	/* Crashes 20 s apart, healthy in between: the count goes on. */
	restart_ok(10 * SEC, 1);
	pipeline_healthy(&P, 1);
	CU_ASSERT(pipeline_restarts(&P, 1, 11 * SEC) == 1);
	restart_ok(30 * SEC, 1);
	pipeline_healthy(&P, 1);
	CU_ASSERT(pipeline_restarts(&P, 1, 31 * SEC) == 2);
	/* A window without a failure clears it: shown, and counted so. */
	CU_ASSERT(pipeline_restarts(&P, 1, 89 * SEC) == 2);
	CU_ASSERT(pipeline_restarts(&P, 1, 90 * SEC) == 0);
	restart_ok(95 * SEC, 1);
	CU_ASSERT(pipeline_restarts(&P, 1, 95 * SEC) == 1);
	pipeline_healthy(&P, 1);
	restart_ok(150 * SEC, 1);                 /* 55 s later: within */
	pipeline_healthy(&P, 1);
	/* The third within the window of the one before: the limit. */
	EQS(failed(200 * SEC, 1), "GIVE_UP(1) STOP(1)");
	EQS(done(200 * SEC, true), "STOP(0)");
	EQS(done(200 * SEC, true), "VIPS_DOWN RELEASED");
	/* A new acquire starts afresh, window or not. */
	EQS(acquire(210 * SEC, true, 0), "START(0)");
	EQS(done(210 * SEC, true), "START(1)");
	EQS(done(210 * SEC, true), "HELD");
	CU_ASSERT(pipeline_restarts(&P, 1, 211 * SEC) == 0);
	restart_ok(212 * SEC, 1);
	/* Out of range: nothing counts. */
	CU_ASSERT(pipeline_restarts(&P, 7, 212 * SEC) == 0);
	/* Without a window, the same healthy monitor clears the count. */
	P.step[1].cfg.restart_window_us = 0;
	pipeline_healthy(&P, 1);
	CU_ASSERT(pipeline_restarts(&P, 1, 213 * SEC) == 0);
}

/* Random inputs, reproducible: after each, the ordering invariants hold
 * and no call comes near the action bound. */
static void test_random(void)
{
	struct pipeline_step_cfg s[5] = {
		{ .kind = PIPELINE_CONNTRACK, .deadline_us = 3 * SEC },
		{ .kind = PIPELINE_RESOURCE, .gated = true, .release_on_fail = true,
		  .deadline_us = 3 * SEC, .restart_limit = 2 },
		{ .kind = PIPELINE_VIPS },
		{ .kind = PIPELINE_RESOURCE, .index = 1, .release_on_fail = true,
		  .deadline_us = 3 * SEC, .restart_limit = 1, .restart_window_us = 2 * SEC },
		{ .kind = PIPELINE_RESOURCE, .index = 2, .deadline_us = 3 * SEC },
	};
	unsigned seed = 0x50495045, round, k;
	uint64_t now = T0, pending = 0;
	size_t max_n = 0;
	bool bad = false;

	printf("\n  random pipeline walk, seed 0x%x\n", seed);
	srand(seed);
	for (round = 0; round < 200 && !bad; round++) {
		pipeline_init(&P, s, 5);
		pending = 0;
		for (k = 0; k < 300 && !bad; k++) {
			int r = rand() % 100;
			size_t i, up_run;

			now += (uint64_t)(rand() % 500) * MS;
			acts.n = 0;
			if (r < 10)
				pipeline_acquire(&P, now, rand() % 2, SEC, &acts);
			else if (r < 20)
				pipeline_release(&P, now, &acts);
			else if (r < 65 && P.running >= 0)
				pipeline_done(&P, now, rand() % 10 ? P.running_token : pending,
					      rand() % 4 != 0, &acts);
			else if (r < 68)
				pipeline_failed(&P, now, (size_t)(rand() % 6), &acts);
			else if (r < 70)
				pipeline_healthy(&P, (size_t)(rand() % 6));
			else if (r < 75)
				pipeline_confirm(&P, now, &acts);
			else
				pipeline_timer(&P, now, &acts);
			if (acts.n > max_n)
				max_n = acts.n;
			for (i = 0; i < acts.n; i++) {
				const struct pipeline_action *a = &acts.a[i];
				size_t j;

				if (a->type == PIPELINE_ACT_START) {
					/* Everything before it is up. */
					for (j = 0; j < a->step; j++)
						bad |= P.step[j].state != PIPELINE_UP;
					bad |= !P.want;
				} else if (a->type == PIPELINE_ACT_STOP) {
					/* Everything after it is down, unless
					 * a restart stops one step while held. */
					if (!P.want)
						for (j = a->step + 1; j < P.n; j++)
							bad |= P.step[j].state != PIPELINE_DOWN;
				} else if (a->type == PIPELINE_ACT_HELD) {
					bad |= !pipeline_held(&P);
				} else if (a->type == PIPELINE_ACT_RELEASED) {
					bad |= !pipeline_released(&P);
				} else if (a->type == PIPELINE_ACT_VIPS_DOWN) {
					bad |= pipeline_vips_up(&P);
				}
				if (a->type == PIPELINE_ACT_START || a->type == PIPELINE_ACT_STOP)
					pending = a->token;
			}
			/* At most one step is starting or stopping. */
			for (i = 0, up_run = 0; i < P.n; i++)
				up_run += P.step[i].state == PIPELINE_STARTING ||
					  P.step[i].state == PIPELINE_STOPPING;
			bad |= up_run > 1 || (up_run == 1) != (P.running >= 0);
			if (bad)
				fprintf(stderr, "invariant broken: round %u step %u, actions %s\n",
					round, k, render());
		}
	}
	CU_ASSERT(!bad);
	CU_ASSERT(max_n < PIPELINE_MAX_ACTIONS);
}

static CU_TestInfo tests[] = {
	{ "order: acquire forwards, release backwards", test_order },
	{ "no steps", test_empty },
	{ "stale completions ignored", test_stale },
	{ "release mid-acquire undoes only what was done", test_release_mid_acquire },
	{ "acquire mid-release, release mid-cancel", test_flap_back },
	{ "failed start with on-fail release", test_fail_release },
	{ "failed start with on-fail ignore, failed stop", test_fail_ignore },
	{ "start-up gate", test_gate },
	{ "fence first", test_fence_first },
	{ "step deadline", test_deadline },
	{ "restart limit", test_restart },
	{ "restart window", test_restart_window },
	{ "policy changed by a reload", test_set_policy },
	{ "random walk keeps the order", test_random },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "pipeline", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
