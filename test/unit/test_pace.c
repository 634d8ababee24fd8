/* test_pace: the token bucket behind garp-rate. */
#include "core/pace.h"
#include "cu_main.h"

#define SEC 1000000ull

static void test_burst_then_rate(void)
{
	struct pace p;
	uint64_t t = 5 * SEC, sent = 0;

	pace_init(&p, 1000);
	/* a tenth of a second's worth at once */
	CU_ASSERT_EQUAL(pace_take(&p, t, 5000), 100);
	CU_ASSERT_EQUAL(pace_take(&p, t, 5000), 0);
	CU_ASSERT(pace_next(&p, t) == t + 1000);
	/* then 1000 per second, taken every 10 ms */
	for (int i = 1; i <= 100; i++)
		sent += pace_take(&p, t + (uint64_t)i * 10000, 5000);
	CU_ASSERT(sent >= 999 && sent <= 1000);
	/* a few VIPs take only what they need */
	pace_init(&p, 1000);
	CU_ASSERT_EQUAL(pace_take(&p, t, 3), 3);
	CU_ASSERT_EQUAL(pace_take(&p, t, 100), 97);
}

static void test_idle_caps(void)
{
	struct pace p;

	pace_init(&p, 1000);
	CU_ASSERT_EQUAL(pace_take(&p, SEC, 100), 100);
	/* an hour idle refills one bucket, not an hour's worth */
	CU_ASSERT_EQUAL(pace_take(&p, SEC + 3600 * SEC, 1000000), 100);
	CU_ASSERT(pace_next(&p, SEC + 3600 * SEC + 5000) == SEC + 3600 * SEC + 5000);
}

static void test_slow_rate(void)
{
	struct pace p;
	uint64_t t = SEC;

	pace_init(&p, 10);             /* the minimum garp-rate */
	CU_ASSERT_EQUAL(pace_take(&p, t, 10), 1);   /* bucket of one */
	CU_ASSERT(pace_next(&p, t) == t + 100000);
	CU_ASSERT_EQUAL(pace_take(&p, t + 99999, 10), 0);
	CU_ASSERT_EQUAL(pace_take(&p, t + 100000, 10), 1);
	/* the clock going backwards takes nothing and breaks nothing */
	CU_ASSERT_EQUAL(pace_take(&p, t, 10), 0);
}

static CU_TestInfo tests[] = {
	{ "burst, then the rate", test_burst_then_rate },
	{ "idle refills one bucket", test_idle_caps },
	{ "slow rate, bucket of one", test_slow_rate },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "pace", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
