/* Unit test of the replay window (hamgr/core/replay.c) on a random
 * timeline. Three senders and a receiver; the senders restart now and
 * then, so does the receiver; the network loses and reorders; an attacker
 * captures every message and replays random ones all the time (half of
 * them recent), and replays the receiver's old challenges to the senders. Whatever happens, the receiver accepts
 *  - no message sent before its own (last) start,
 *  - no message twice in one run,
 *  - nothing of a sender's boot once it accepted a later boot of it.
 * And it does accept: the timeline is not all refusals. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/replay.h"
#include "cu_main.h"

#define REPLAY_FIXTURE_SEED 0x73696d2d72706c79ULL   /* fixed: "sim-rply" */
#include "replay_fixture.h"



#define SIM_SENDERS 3
#define SIM_STEPS 40000
#define SIM_MSGS (SIM_STEPS + 64)
#define SIM_QUEUE 8

struct sim_msg {
	struct msg m;
	int sender, boot;        /* boot: how many restarts of the sender before */
	unsigned long seq;       /* global send order */
	unsigned accepted_run;   /* run of the receiver that accepted it, 0: none */
};

static struct sim_msg sim_cap[SIM_MSGS];

static uint64_t sim_rnd(unsigned n)
{
	return rnd64() % n;
}

static void test_random_timeline(void)
{
	static const char *const names[SIM_SENDERS] = { "alpha", "beta", "gamma" };
	struct sender s[SIM_SENDERS];
	int boots[SIM_SENDERS] = { 0 }, best_boot[SIM_SENDERS];
	size_t queue[SIM_QUEUE], nq = 0, ncap = 0;
	uint64_t old_nonces[16] = { 0 };
	unsigned run = 1, step, accepted = 0, bad = 0, restarts = 0, i;
	unsigned long seq = 0, run_start = 0;
	uint64_t total[REPLAY_VERDICT_MAX] = { 0 };
	struct replay r;

	printf("\n  seed 0x%016llx, %u steps\n", (unsigned long long)rng_state, SIM_STEPS);
	replay_init(&r);
	for (i = 0; i < SIM_SENDERS; i++) {
		sender_start(&s[i], names[i]);
		best_boot[i] = -1;
	}
	for (step = 0; step < SIM_STEPS; step++) {
		unsigned what = (unsigned)sim_rnd(100);
		struct sim_msg *c = NULL;
		enum replay_verdict v;

		if (what < 30) {                     /* a sender sends */
			i = (unsigned)sim_rnd(SIM_SENDERS);
			c = &sim_cap[ncap];
			c->m = sender_send(&s[i]);
			c->sender = (int)i;
			c->boot = boots[i];
			c->seq = ++seq;
			c->accepted_run = 0;
			if (nq < SIM_QUEUE)
				queue[nq++] = ncap;      /* else lost */
			ncap++;
			continue;
		}
		if (what < 55 && nq) {               /* the network delivers one */
			size_t k = (size_t)sim_rnd((unsigned)nq);

			c = &sim_cap[queue[k]];
			queue[k] = queue[--nq];
		} else if (what < 80 && ncap) {      /* the attacker replays one */
			size_t back = ncap < 100 ? ncap : 100;

			c = &sim_cap[sim_rnd(2) ? ncap - 1 - sim_rnd((unsigned)back)
						: sim_rnd((unsigned)ncap)];
		} else if (what < 90) {              /* our challenge reaches them */
			i = (unsigned)sim_rnd(SIM_SENDERS);
			hear_challenge(&s[i], &r);
			if (replay_nonce(&r))
				old_nonces[sim_rnd(16)] = replay_nonce(&r);
			continue;
		} else if (what < 96) {              /* an old challenge, replayed */
			i = (unsigned)sim_rnd(SIM_SENDERS);
			replay_note_nonce(&s[i].rx, REPLAY_ERR_UNVERIFIED, old_nonces[sim_rnd(16)]);
			continue;
		} else if (what < 99) {              /* a sender restarts */
			i = (unsigned)sim_rnd(SIM_SENDERS);
			if (sim_rnd(10) == 0) {
				sender_start(&s[i], names[i]);
				boots[i]++;
				restarts++;
			}
			continue;
		} else {                             /* the receiver restarts */
			if (sim_rnd(10) == 0) {
				for (i = 0; i < REPLAY_VERDICT_MAX; i++)
					total[i] += r.count[i];
				replay_init(&r);
				run++;
				run_start = seq;
				for (i = 0; i < SIM_SENDERS; i++)
					best_boot[i] = -1;
				restarts++;
			}
			continue;
		}
		if (!c)
			continue;
		v = rx(&r, &c->m);
		if (!replay_accepted(v))
			continue;
		accepted++;
		if ((c->seq <= run_start || c->accepted_run == run ||
		     c->boot < best_boot[c->sender]) && bad++ < 10)
			printf("  step %u: %s #%d:%llu (%s) accepted wrongly\n", step,
			       c->m.node, c->boot, (unsigned long long)c->m.counter,
			       replay_verdict_str(v));
		c->accepted_run = run;
		if (c->boot > best_boot[c->sender])
			best_boot[c->sender] = c->boot;
	}
	printf("  %u restarts;", restarts);
	for (i = 0; i < REPLAY_VERDICT_MAX; i++)
		printf(" %s %llu", replay_verdict_str((enum replay_verdict)i),
		       (unsigned long long)(total[i] + r.count[i]));
	printf("; %u accepted wrongly\n", bad);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(accepted > SIM_STEPS / 20);
	CU_ASSERT(restarts > 10);
}


static CU_TestInfo random_tests[] = {
	{ "attacker replays everything", test_random_timeline },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "replay random", NULL, NULL, NULL, NULL, random_tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
