/* Unit tests for the replay window (hamgr/core/replay.c): every scenario of
 * issue 12 (replay while the sender lives, after it died, after the
 * receiver restarted, after both did) and the nonces. The random timeline
 * with an attacker replaying everything is test_replay_sim.c. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/replay.h"
#include "cu_main.h"

#define REPLAY_FIXTURE_SEED 0x7265706c61792121ULL   /* "replay!!" */
#include "replay_fixture.h"

/* Join s to r: the first message is unverified, the answer joins. */
static void join(struct replay *r, struct sender *s)
{
	struct msg m = sender_send(s);

	CU_ASSERT_EQUAL_FATAL(rx(r, &m), REPLAY_ERR_UNVERIFIED);
	hear_challenge(s, r);
	m = sender_send(s);
	CU_ASSERT_EQUAL_FATAL(rx(r, &m), REPLAY_JOINED);
}

/* ---- the join ---- */

static void test_join(void)
{
	struct replay r;
	struct sender p;
	struct msg m1, m2, m3, m4;
	uint64_t n;

	replay_init(&r);
	sender_start(&p, "node-a");
	CU_ASSERT_FALSE(replay_wants_nonce(&r));
	m1 = sender_send(&p);
	CU_ASSERT_EQUAL(replay_check(&r, m1.node, m1.boot_id, m1.counter, m1.echo),
			REPLAY_ERR_UNVERIFIED);
	CU_ASSERT_TRUE(replay_wants_nonce(&r));
	CU_ASSERT_EQUAL(replay_nonce(&r), 0);
	n = rnd64();
	replay_set_nonce(&r, n);
	CU_ASSERT_FALSE(replay_wants_nonce(&r));
	CU_ASSERT_EQUAL(replay_nonce(&r), n);
	CU_ASSERT_PTR_NULL(replay_find(&r, "node-a"));
	/* before the answer: still unverified */
	m2 = sender_send(&p);
	CU_ASSERT_EQUAL(rx(&r, &m2), REPLAY_ERR_UNVERIFIED);
	hear_challenge(&p, &r);
	CU_ASSERT_EQUAL(replay_echo(&p.rx), n);
	m3 = sender_send(&p);
	CU_ASSERT_EQUAL(rx(&r, &m3), REPLAY_JOINED);
	CU_ASSERT_PTR_NOT_NULL(replay_find(&r, "node-a"));
	CU_ASSERT_EQUAL(replay_find(&r, "node-a")->boot_id, p.boot_id);
	CU_ASSERT_EQUAL(replay_nonce(&r), 0);         /* retired */
	CU_ASSERT_FALSE(replay_wants_nonce(&r));
	m4 = sender_send(&p);
	CU_ASSERT_EQUAL(rx(&r, &m4), REPLAY_NEW);
	/* everything before the join is old, the join itself and m4 dup */
	CU_ASSERT_EQUAL(rx(&r, &m1), REPLAY_ERR_OLD);
	CU_ASSERT_EQUAL(rx(&r, &m2), REPLAY_ERR_OLD);
	CU_ASSERT_EQUAL(rx(&r, &m3), REPLAY_ERR_OLD);
	CU_ASSERT_EQUAL(rx(&r, &m4), REPLAY_ERR_DUP);
	CU_ASSERT_EQUAL(r.count[REPLAY_ERR_UNVERIFIED], 2);
	CU_ASSERT_EQUAL(r.count[REPLAY_JOINED], 1);
	CU_ASSERT_EQUAL(r.count[REPLAY_NEW], 1);
	CU_ASSERT_EQUAL(r.count[REPLAY_ERR_OLD], 3);
	CU_ASSERT_EQUAL(r.count[REPLAY_ERR_DUP], 1);
}

/* Reordering within the window is taken once (LATE), beyond it is OLD. */
static void test_window(void)
{
	struct replay r;
	struct sender p;
	uint64_t base, i;

	replay_init(&r);
	sender_start(&p, "p");
	join(&r, &p);
	base = p.counter;                              /* the join's counter */
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, base + 2, 0), REPLAY_NEW);
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, base + 1, 0), REPLAY_LATE);
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, base + 1, 0), REPLAY_ERR_DUP);
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, base + 2, 0), REPLAY_ERR_DUP);
	/* a jump of 100: the window restarts at the new top */
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, base + 102, 0), REPLAY_NEW);
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, base + 38, 0), REPLAY_ERR_OLD);
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, base + 39, 0), REPLAY_LATE);
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, base + 39, 0), REPLAY_ERR_DUP);
	/* every other counter of the window, then the gaps, then all dup */
	for (i = base + 104; i <= base + 164; i += 2)
		CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, i, 0), REPLAY_NEW);
	for (i = base + 103; i < base + 164; i += 2)
		CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, i, 0), REPLAY_LATE);
	for (i = base + 103; i <= base + 164; i++)
		CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, i, 0), REPLAY_ERR_DUP);
	/* the largest counter, then nothing above it can follow */
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, UINT64_MAX, 0), REPLAY_NEW);
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, UINT64_MAX, 0), REPLAY_ERR_DUP);
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, UINT64_MAX - 63, 0), REPLAY_LATE);
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, UINT64_MAX - 64, 0), REPLAY_ERR_OLD);
}

/* ---- the four scenarios of the issue ---- */

#define CAPTURE_MAX 128

/* Replay every captured message; each must be refused with want (or, with
 * want == REPLAY_VERDICT_MAX, with any refusal). Returns how many. */
static unsigned replay_all(struct replay *r, const struct msg *cap, size_t n,
			   enum replay_verdict want)
{
	unsigned refused = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		enum replay_verdict v = rx(r, &cap[i]);

		CU_ASSERT_FALSE(replay_accepted(v));
		if (want != REPLAY_VERDICT_MAX && v != want)
			printf("\n  capture %zu: %s, expected %s\n", i, replay_verdict_str(v),
			       replay_verdict_str(want));
		if (want != REPLAY_VERDICT_MAX)
			CU_ASSERT_EQUAL(v, want);
		refused += !replay_accepted(v);
	}
	return refused;
}

/* Capture n messages of s, each delivered to r and accepted. */
static size_t live(struct replay *r, struct sender *s, struct msg *cap, size_t at, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		cap[at + i] = sender_send(s);
		CU_ASSERT_EQUAL(rx(r, &cap[at + i]), REPLAY_NEW);
	}
	return at + n;
}

static void test_replay_sender_alive(void)
{
	struct replay r;
	struct sender p;
	struct msg cap[CAPTURE_MAX], m;
	size_t n;

	replay_init(&r);
	sender_start(&p, "node-a");
	join(&r, &p);
	n = live(&r, &p, cap, 0, 40);
	/* the last 64 counters are dups, the others are old */
	CU_ASSERT_EQUAL(replay_all(&r, cap, n, REPLAY_ERR_DUP), 40);
	n = live(&r, &p, cap, n, 25);
	CU_ASSERT_EQUAL(replay_all(&r, cap, 1, REPLAY_ERR_OLD), 1);
	CU_ASSERT_EQUAL(replay_all(&r, cap + 1, n - 1, REPLAY_ERR_DUP), n - 1);
	/* the sender goes on */
	m = sender_send(&p);
	CU_ASSERT_EQUAL(rx(&r, &m), REPLAY_NEW);
	CU_ASSERT_EQUAL(r.count[REPLAY_ERR_DUP] + r.count[REPLAY_ERR_OLD], 40 + 65);
}

static void test_replay_sender_died(void)
{
	struct replay r;
	struct sender p;
	struct msg cap[CAPTURE_MAX];
	size_t n;

	replay_init(&r);
	sender_start(&p, "node-a");
	join(&r, &p);
	n = live(&r, &p, cap, 0, 30);
	/* p is gone: its session stays, its captures are dups */
	CU_ASSERT_EQUAL(replay_all(&r, cap, n, REPLAY_ERR_DUP), 30);
	CU_ASSERT_EQUAL(replay_all(&r, cap, n, REPLAY_ERR_DUP), 30);
	CU_ASSERT_EQUAL(r.count[REPLAY_ERR_DUP], 60);
	CU_ASSERT_FALSE(replay_wants_nonce(&r));     /* nothing to challenge */
}

static void test_replay_sender_restarted(void)
{
	struct replay r;
	struct sender p;
	struct msg cap[CAPTURE_MAX], m;
	uint64_t old_boot;
	size_t n;

	replay_init(&r);
	sender_start(&p, "node-a");
	join(&r, &p);
	n = live(&r, &p, cap, 0, 20);
	old_boot = p.boot_id;
	sender_start(&p, "node-a");                  /* new boot, counter from 1 */
	cap[n++] = m = sender_send(&p);
	CU_ASSERT_EQUAL(rx(&r, &m), REPLAY_ERR_UNVERIFIED);
	/* until the new boot answers, the old session stands: its captures
	 * are still dups, and the new boot's first message is no proof */
	CU_ASSERT_EQUAL(replay_find(&r, "node-a")->boot_id, old_boot);
	CU_ASSERT_EQUAL(replay_all(&r, cap, n - 1, REPLAY_ERR_DUP), n - 1);
	CU_ASSERT_EQUAL(replay_all(&r, cap + n - 1, 1, REPLAY_ERR_UNVERIFIED), 1);
	hear_challenge(&p, &r);
	cap[n++] = m = sender_send(&p);
	CU_ASSERT_EQUAL(rx(&r, &m), REPLAY_JOINED);
	CU_ASSERT_EQUAL(replay_find(&r, "node-a")->boot_id, p.boot_id);
	CU_ASSERT_EQUAL(replay_find(&r, "node-a")->prev_boot, old_boot);
	n = live(&r, &p, cap, n, 5);
	/* the old boot's captures, then the new boot's */
	CU_ASSERT_EQUAL(replay_all(&r, cap, 20, REPLAY_ERR_OLD_BOOT), 20);
	CU_ASSERT_EQUAL(replay_all(&r, cap + 20, 2, REPLAY_ERR_OLD), 2);
	CU_ASSERT_EQUAL(replay_all(&r, cap + 22, 5, REPLAY_ERR_DUP), 5);
	CU_ASSERT_EQUAL(r.count[REPLAY_ERR_OLD_BOOT], 20);
	/* a second restart: the first boot is neither current nor previous,
	 * so its captures are unverified, and its echoes are of a retired
	 * nonce: they never join */
	sender_start(&p, "node-a");
	join(&r, &p);
	CU_ASSERT_EQUAL(replay_all(&r, cap, 20, REPLAY_ERR_UNVERIFIED), 20);
	CU_ASSERT_EQUAL(replay_all(&r, cap + 20, 7, REPLAY_ERR_OLD_BOOT), 7);
	m = sender_send(&p);
	CU_ASSERT_EQUAL(rx(&r, &m), REPLAY_NEW);
}

static void test_replay_receiver_restarted(void)
{
	struct replay r;
	struct sender p;
	struct msg cap[CAPTURE_MAX], m;
	uint64_t top;
	size_t n;

	replay_init(&r);
	sender_start(&p, "node-a");
	join(&r, &p);
	n = live(&r, &p, cap, 0, 30);
	CU_ASSERT(cap[0].echo != 0);                 /* they echo the old nonce */
	replay_init(&r);                             /* the receiver restarts */
	/* nothing captured before is taken, not even the messages that once
	 * answered a challenge: they echo the old run's nonce */
	CU_ASSERT_EQUAL(replay_all(&r, cap, n, REPLAY_ERR_UNVERIFIED), 30);
	CU_ASSERT(replay_nonce(&r) != 0);
	CU_ASSERT(replay_nonce(&r) != cap[0].echo);
	CU_ASSERT_EQUAL(replay_all(&r, cap, n, REPLAY_ERR_UNVERIFIED), 30);
	CU_ASSERT_EQUAL(r.count[REPLAY_ERR_UNVERIFIED], 60);
	/* the live sender answers the new nonce */
	hear_challenge(&p, &r);
	m = sender_send(&p);
	CU_ASSERT_EQUAL(rx(&r, &m), REPLAY_JOINED);
	top = m.counter;
	CU_ASSERT_EQUAL(replay_all(&r, cap, n, REPLAY_ERR_OLD), 30);
	CU_ASSERT_EQUAL(replay_find(&r, "node-a")->top, top);
}

static void test_replay_both_restarted(void)
{
	struct replay r;
	struct sender p;
	struct msg cap[CAPTURE_MAX], m;
	size_t n;

	replay_init(&r);
	sender_start(&p, "node-a");
	join(&r, &p);
	n = live(&r, &p, cap, 0, 20);
	replay_init(&r);                             /* both restart */
	sender_start(&p, "node-a");
	CU_ASSERT_EQUAL(replay_all(&r, cap, n, REPLAY_ERR_UNVERIFIED), 20);
	/* the new boot's first message too, until it answers */
	cap[n++] = m = sender_send(&p);
	CU_ASSERT_EQUAL(rx(&r, &m), REPLAY_ERR_UNVERIFIED);
	hear_challenge(&p, &r);
	cap[n++] = m = sender_send(&p);
	CU_ASSERT_EQUAL(rx(&r, &m), REPLAY_JOINED);
	/* the old boot is unknown to this run: unverified, never joined */
	CU_ASSERT_EQUAL(replay_all(&r, cap, 20, REPLAY_ERR_UNVERIFIED), 20);
	CU_ASSERT_EQUAL(replay_all(&r, cap + 20, 2, REPLAY_ERR_OLD), 2);
	/* and they do not interrupt the new session */
	m = sender_send(&p);
	CU_ASSERT_EQUAL(rx(&r, &m), REPLAY_NEW);
	CU_ASSERT_EQUAL(r.count[REPLAY_ERR_UNVERIFIED], 41);
}

/* ---- nonces ---- */

/* A nonce admits one sender once: the second echo of it needs a new one. */
static void test_nonce_retired(void)
{
	struct replay r;
	struct sender a, b;
	struct msg ma, mb;
	uint64_t n1;

	replay_init(&r);
	sender_start(&a, "a");
	sender_start(&b, "b");
	ma = sender_send(&a);
	mb = sender_send(&b);
	CU_ASSERT_EQUAL(rx(&r, &ma), REPLAY_ERR_UNVERIFIED);
	CU_ASSERT_EQUAL(rx(&r, &mb), REPLAY_ERR_UNVERIFIED);
	n1 = replay_nonce(&r);
	hear_challenge(&a, &r);
	hear_challenge(&b, &r);
	ma = sender_send(&a);
	mb = sender_send(&b);
	CU_ASSERT_EQUAL(rx(&r, &ma), REPLAY_JOINED);
	CU_ASSERT_EQUAL(rx(&r, &mb), REPLAY_ERR_UNVERIFIED);   /* n1 retired */
	CU_ASSERT(replay_nonce(&r) != 0 && replay_nonce(&r) != n1);
	hear_challenge(&b, &r);
	mb = sender_send(&b);
	CU_ASSERT_EQUAL(rx(&r, &mb), REPLAY_JOINED);
	CU_ASSERT_EQUAL(r.n_peers, 2);
	/* replay_set_nonce(0) is ignored; a new nonce retires the old one */
	replay_set_nonce(&r, 0);
	CU_ASSERT_EQUAL(replay_nonce(&r), 0);
	replay_set_nonce(&r, 77);
	replay_set_nonce(&r, 78);
	CU_ASSERT_EQUAL(replay_check(&r, "c", 5, 1, 77), REPLAY_ERR_UNVERIFIED);
	CU_ASSERT_EQUAL(replay_check(&r, "c", 5, 2, 78), REPLAY_JOINED);
}

/* A handover: the request's nonce is our challenge; the target's confirm
 * echoes it. A joined target's confirm is just its newest message. */
static void test_handover_nonce(void)
{
	struct replay m;
	struct sender t;
	struct msg conf;
	uint64_t req_nonce = rnd64();

	replay_init(&m);
	sender_start(&t, "target");
	join(&m, &t);
	replay_set_nonce(&m, req_nonce);
	hear_challenge(&t, &m);
	conf = sender_send(&t);
	CU_ASSERT_EQUAL(conf.echo, req_nonce);
	CU_ASSERT_EQUAL(rx(&m, &conf), REPLAY_NEW);
	CU_ASSERT_EQUAL(rx(&m, &conf), REPLAY_ERR_DUP);
}

/* What a node echoes: challenges of messages that may be fresh, not those
 * of known replays; a change asks for an answer at once. */
static void test_note_nonce(void)
{
	struct replay r;

	replay_init(&r);
	CU_ASSERT_FALSE(replay_note_nonce(&r, REPLAY_NEW, 0));
	CU_ASSERT_TRUE(replay_note_nonce(&r, REPLAY_ERR_UNVERIFIED, 5));
	CU_ASSERT_EQUAL(replay_echo(&r), 5);
	CU_ASSERT_FALSE(replay_note_nonce(&r, REPLAY_NEW, 5));
	CU_ASSERT_FALSE(replay_note_nonce(&r, REPLAY_ERR_DUP, 6));
	CU_ASSERT_FALSE(replay_note_nonce(&r, REPLAY_ERR_OLD, 6));
	CU_ASSERT_FALSE(replay_note_nonce(&r, REPLAY_ERR_OLD_BOOT, 6));
	CU_ASSERT_EQUAL(replay_echo(&r), 5);
	CU_ASSERT_TRUE(replay_note_nonce(&r, REPLAY_LATE, 6));
	CU_ASSERT_TRUE(replay_note_nonce(&r, REPLAY_JOINED, 7));
	CU_ASSERT_TRUE(replay_note_nonce(&r, REPLAY_NEW, 8));
	CU_ASSERT_TRUE(replay_note_nonce(&r, REPLAY_ERR_FULL, 9));
	CU_ASSERT_EQUAL(replay_echo(&r), 9);
}

/* A message of an unknown boot id neither ends nor pauses a session. */
static void test_unknown_boot_keeps_session(void)
{
	struct replay r;
	struct sender p;
	struct msg m;
	int i;

	replay_init(&r);
	sender_start(&p, "p");
	join(&r, &p);
	for (i = 0; i < 10; i++) {
		CU_ASSERT_EQUAL(replay_check(&r, "p", rnd64(), 1000 + i, 0),
				REPLAY_ERR_UNVERIFIED);
		m = sender_send(&p);
		CU_ASSERT_EQUAL(rx(&r, &m), REPLAY_NEW);
	}
}

static void test_forget_full_and_bad(void)
{
	struct replay r;
	struct sender p;
	char name[16];
	int i;

	replay_init(&r);
	sender_start(&p, "p");
	join(&r, &p);
	replay_set_nonce(&r, 41);
	replay_forget(&r, "p");
	replay_forget(&r, "nobody");
	CU_ASSERT_PTR_NULL(replay_find(&r, "p"));
	CU_ASSERT_EQUAL(replay_nonce(&r), 0);        /* retired with the session */
	CU_ASSERT_EQUAL(replay_check(&r, "p", p.boot_id, p.counter + 1, 41),
			REPLAY_ERR_UNVERIFIED);
	/* fill the table */
	for (i = 0; i < REPLAY_PEERS_MAX; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		replay_set_nonce(&r, 100 + (uint64_t)i);
		CU_ASSERT_EQUAL(replay_check(&r, name, 9, 1, 100 + (uint64_t)i), REPLAY_JOINED);
	}
	replay_set_nonce(&r, 500);
	CU_ASSERT_EQUAL(replay_check(&r, "one-more", 9, 1, 500), REPLAY_ERR_FULL);
	CU_ASSERT_EQUAL(replay_nonce(&r), 500);      /* not spent */
	CU_ASSERT_EQUAL(replay_check(&r, "n31", 9, 2, 0), REPLAY_NEW);
	replay_forget(&r, "n0");
	CU_ASSERT_PTR_NOT_NULL(replay_find(&r, "n31"));
	replay_set_nonce(&r, 501);
	CU_ASSERT_EQUAL(replay_check(&r, "one-more", 9, 1, 501), REPLAY_JOINED);
	/* what the codec refuses is never a session, nor a challenge */
	replay_init(&r);
	replay_set_nonce(&r, 7);
	CU_ASSERT_EQUAL(replay_check(&r, NULL, 1, 1, 7), REPLAY_ERR_UNVERIFIED);
	CU_ASSERT_EQUAL(replay_check(&r, "", 1, 1, 7), REPLAY_ERR_UNVERIFIED);
	CU_ASSERT_EQUAL(replay_check(&r, "-x", 1, 1, 7), REPLAY_ERR_UNVERIFIED);
	CU_ASSERT_EQUAL(replay_check(&r, "x", 0, 1, 7), REPLAY_ERR_UNVERIFIED);
	CU_ASSERT_EQUAL(replay_check(&r, "x", 1, 0, 7), REPLAY_ERR_UNVERIFIED);
	CU_ASSERT_FALSE(r.challenge_due);
	CU_ASSERT_EQUAL(replay_nonce(&r), 7);
}

static void test_verdict_strings(void)
{
	static const char *const want[] = { "new", "late", "joined", "dup", "old",
					    "old_boot", "unverified", "full" };
	unsigned v;

	CU_ASSERT_EQUAL(sizeof(want) / sizeof(want[0]), REPLAY_VERDICT_MAX);
	for (v = 0; v < REPLAY_VERDICT_MAX; v++)
		CU_ASSERT_STRING_EQUAL(replay_verdict_str((enum replay_verdict)v), want[v]);
	CU_ASSERT_STRING_EQUAL(replay_verdict_str(REPLAY_VERDICT_MAX), "unknown");
	CU_ASSERT_TRUE(replay_accepted(REPLAY_NEW));
	CU_ASSERT_TRUE(replay_accepted(REPLAY_LATE));
	CU_ASSERT_TRUE(replay_accepted(REPLAY_JOINED));
	for (v = REPLAY_ERR_DUP; v < REPLAY_VERDICT_MAX; v++)
		CU_ASSERT_FALSE(replay_accepted((enum replay_verdict)v));
}

static CU_TestInfo window_tests[] = {
	{ "join by echo", test_join },
	{ "window and reorder", test_window },
	{ "unknown boot keeps the session", test_unknown_boot_keeps_session },
	{ "forget, full table, bad input", test_forget_full_and_bad },
	{ "verdict strings", test_verdict_strings },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo scenario_tests[] = {
	{ "replay while the sender lives", test_replay_sender_alive },
	{ "replay after the sender died", test_replay_sender_died },
	{ "replay after the sender restarted", test_replay_sender_restarted },
	{ "replay after the receiver restarted", test_replay_receiver_restarted },
	{ "replay after both restarted", test_replay_both_restarted },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo nonce_tests[] = {
	{ "a nonce admits one sender", test_nonce_retired },
	{ "handover confirm echoes the request", test_handover_nonce },
	{ "what is echoed", test_note_nonce },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "replay window", NULL, NULL, NULL, NULL, window_tests },
	{ "replay scenarios", NULL, NULL, NULL, NULL, scenario_tests },
	{ "replay nonces", NULL, NULL, NULL, NULL, nonce_tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
