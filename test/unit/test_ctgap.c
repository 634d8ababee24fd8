/* Unit tests for hamgr/core/ctgap.c: what a conntrack-sync receiver asks
 * for again (the counters of the window it has not seen, above the join
 * and the last dump's start) and when one is lost for good (pushed out of
 * the 64-counter replay window unseen: only a full dump helps). */
#include <stdint.h>
#include <string.h>

#include "core/ctgap.h"
#include "core/replay.h"
#include "cu_main.h"

/* A sender joined at counter floor, then the counters given accepted. */
static struct replay_peer peer(uint64_t floor, const uint64_t *seen, size_t n)
{
	struct replay_peer p;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.floor = p.top = floor;
	p.seen = 1;
	for (i = 0; i < n; i++) {
		if (seen[i] > p.top) {
			uint64_t d = seen[i] - p.top;

			p.seen = d >= REPLAY_WINDOW ? 1 : p.seen << d | 1;
			p.top = seen[i];
		} else {
			p.seen |= (uint64_t)1 << (p.top - seen[i]);
		}
	}
	return p;
}

static void test_missing(void)
{
	static const uint64_t got[] = { 11, 12, 15, 16, 19, 20 };
	struct replay_peer p = peer(10, got, 6);
	struct ctgap_range r[4];

	CU_ASSERT_EQUAL_FATAL(ctgap_missing(&p, 0, r, 4), 2);
	CU_ASSERT_EQUAL(r[0].first, 13);
	CU_ASSERT_EQUAL(r[0].last, 14);
	CU_ASSERT_EQUAL(r[1].first, 17);
	CU_ASSERT_EQUAL(r[1].last, 18);
	/* at most max ranges, the oldest */
	CU_ASSERT_EQUAL_FATAL(ctgap_missing(&p, 0, r, 1), 1);
	CU_ASSERT_EQUAL(r[0].first, 13);
	CU_ASSERT_EQUAL(r[0].last, 14);
	/* a dump that began at 15 told what 13 and 14 said */
	CU_ASSERT_EQUAL_FATAL(ctgap_missing(&p, 15, r, 4), 1);
	CU_ASSERT_EQUAL(r[0].first, 17);
	/* a resend came: 17 and 18 seen */
	p.seen |= (uint64_t)1 << 3 | (uint64_t)1 << 2;
	CU_ASSERT_EQUAL(ctgap_missing(&p, 15, r, 4), 0);
}

static void test_missing_window(void)
{
	static const uint64_t got[] = { 1000 };
	struct replay_peer p = peer(1, got, 1);
	struct ctgap_range r[2];

	/* only the window: 937..999, not what fell out of it */
	CU_ASSERT_EQUAL_FATAL(ctgap_missing(&p, 0, r, 2), 1);
	CU_ASSERT_EQUAL(r[0].first, 1000 - REPLAY_WINDOW + 1);
	CU_ASSERT_EQUAL(r[0].last, 999);
	/* nothing at or below the join */
	p = peer(5, NULL, 0);
	CU_ASSERT_EQUAL(ctgap_missing(&p, 0, r, 2), 0);
}

static void test_lost(void)
{
	static const uint64_t got[] = { 11, 13 };
	struct replay_peer p = peer(10, got, 2);   /* 12 missing */

	CU_ASSERT_FALSE(ctgap_lost(&p, 0, 13));          /* not newer */
	CU_ASSERT_FALSE(ctgap_lost(&p, 0, 14));
	CU_ASSERT_FALSE(ctgap_lost(&p, 0, 12 + REPLAY_WINDOW - 1));
	CU_ASSERT_TRUE(ctgap_lost(&p, 0, 12 + REPLAY_WINDOW));   /* 12 pushed out */
	CU_ASSERT_FALSE(ctgap_lost(&p, 13, 12 + REPLAY_WINDOW)); /* settled */
	p.seen |= (uint64_t)1 << 1;                      /* 12 resent */
	CU_ASSERT_FALSE(ctgap_lost(&p, 0, 12 + REPLAY_WINDOW));
	/* a gap wider than the window: its oldest counters are out at once */
	CU_ASSERT_FALSE(ctgap_lost(&p, 0, 13 + REPLAY_WINDOW));
	CU_ASSERT_TRUE(ctgap_lost(&p, 0, 14 + REPLAY_WINDOW));
	CU_ASSERT_TRUE(ctgap_lost(&p, 0, UINT64_MAX));
	CU_ASSERT_FALSE(ctgap_lost(&p, 100, 14 + REPLAY_WINDOW));
}

static CU_TestInfo tests[] = {
	{ "missing counters, settled by a dump", test_missing },
	{ "only the window, only after the join", test_missing_window },
	{ "lost for good", test_lost },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "ctgap", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
