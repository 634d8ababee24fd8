/* test_track: rise/fall hysteresis and the effective priority. */
#include "core/track.h"
#include "cu_main.h"

#include <stdio.h>
#include <stdlib.h>

#define SEC 1000000ull

static struct track mk(unsigned rise, unsigned fall, int weight)
{
	struct track_cfg c = { .rise = rise, .fall = fall, .weight = weight };
	struct track t;

	track_init(&t, &c);
	return t;
}

static void test_first_result(void)
{
	struct track t = mk(2, 3, -50);

	/* Up until a result arrives; the first result decides at once. */
	CU_ASSERT(t.up && !t.known && track_applied(&t) == 0);
	CU_ASSERT(track_result(&t, 5 * SEC, false));
	CU_ASSERT(!t.up && t.known && t.since == 5 * SEC);
	CU_ASSERT(track_applied(&t) == -50);
	t = mk(2, 3, -50);
	CU_ASSERT(track_result(&t, SEC, true));     /* known now: a change */
	CU_ASSERT(t.up);
	CU_ASSERT(!track_result(&t, 2 * SEC, true));
}

static void test_hysteresis(void)
{
	struct track t = mk(2, 3, -50);
	uint64_t now = SEC;

	track_result(&t, now, true);
	/* Two failures and a success: still up, count starts over. */
	CU_ASSERT(!track_result(&t, now += SEC, false));
	CU_ASSERT(!track_result(&t, now += SEC, false));
	CU_ASSERT(!track_result(&t, now += SEC, true));
	CU_ASSERT(!track_result(&t, now += SEC, false));
	CU_ASSERT(!track_result(&t, now += SEC, false));
	CU_ASSERT(t.up);
	CU_ASSERT(track_result(&t, now += SEC, false));
	CU_ASSERT(!t.up && t.since == now);
	/* rise = 2 */
	CU_ASSERT(!track_result(&t, now += SEC, true));
	CU_ASSERT(!track_result(&t, now += SEC, false));
	CU_ASSERT(!track_result(&t, now += SEC, true));
	CU_ASSERT(track_result(&t, now += SEC, true));
	CU_ASSERT(t.up);
	CU_ASSERT(t.checks == 11 && t.failures == 6);
}

static void test_set(void)
{
	struct track t = mk(2, 3, 0);

	CU_ASSERT(track_set(&t, SEC, false));
	CU_ASSERT(track_faulting(&t));
	CU_ASSERT(!track_set(&t, 2 * SEC, false));
	CU_ASSERT(track_set(&t, 3 * SEC, true));
	CU_ASSERT(!track_faulting(&t));
}

static void test_priority(void)
{
	struct track t[3] = { mk(1, 1, -60), mk(1, 1, -30), mk(1, 1, 20) };

	CU_ASSERT(track_priority(150, t, 3) == 150);
	track_result(&t[0], SEC, false);
	CU_ASSERT(track_priority(150, t, 3) == 90);
	track_result(&t[1], SEC, false);
	CU_ASSERT(track_priority(150, t, 3) == 60);
	CU_ASSERT(track_priority(50, t, 3) == 1);     /* never 0 */
	track_result(&t[2], SEC, false);               /* positive weight */
	CU_ASSERT(track_priority(250, t, 3) == 180);
	track_result(&t[0], SEC, true);
	track_result(&t[1], SEC, true);
	CU_ASSERT(track_priority(250, t, 3) == 254);   /* never 255 */
	/* The owner loses its status while a weight applies. */
	CU_ASSERT(track_priority(255, t, 3) == 254);
	track_result(&t[2], SEC, true);
	CU_ASSERT(track_priority(255, t, 3) == 255);
	CU_ASSERT(!track_any_faulting(t, 3));
}

static void test_fault(void)
{
	struct track t[2] = { mk(1, 1, -10), mk(1, 1, 0) };

	track_result(&t[1], SEC, false);
	CU_ASSERT(track_any_faulting(t, 2));
	/* A weight-0 track moves no priority: it faults instead. */
	CU_ASSERT(track_priority(100, t, 2) == 100);
	track_result(&t[1], SEC, true);
	CU_ASSERT(!track_any_faulting(t, 2));
}

static CU_TestInfo tests[] = {
	{ "first result decides", test_first_result },
	{ "rise and fall", test_hysteresis },
	{ "set without hysteresis", test_set },
	{ "effective priority", test_priority },
	{ "weight 0 faults", test_fault },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "track", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
