/* test_conf_equal: conf_resource_equal and conf_track_equal, what a reload
 * uses to keep an instance running: the same resource or track further
 * down the file (a global option added at the top) is the same; any
 * setting changed is not. Also the default realtime-priority (auto) and
 * what it comes to. */
#include "conf_fixture.h"
#include "cu_main.h"
#include "realtime.h"

#define RES_TRACK                                        \
	"  resource db {\n"                              \
	"    script = /usr/lib/hamgr/resource-scripts/mysql\n" \
	"    phase = before-vips\n"                      \
	"    params = {\"max_lag=3\"}\n"                 \
	"  }\n"                                          \
	"  track link {\n"                               \
	"    interface = eth1\n"                         \
	"  }\n"                                          \
	"  track http {\n"                               \
	"    command = \"/bin/true\"\n"                  \
	"    weight = -50\n"                             \
	"  }\n"

/* The first instance's resource 0 and tracks 0, 1 of a and b compared. */
static void expect_equal(const char *a_text, const char *b_text, bool res_eq, bool tracks_eq)
{
	struct conf *a = parse_ok(a_text), *b = parse_ok(b_text);

	if (a && b) {
		const struct conf_instance *x = &a->instances[0], *y = &b->instances[0];

		CU_ASSERT_EQUAL(conf_resource_equal(&x->resources[0], &y->resources[0]), res_eq);
		CU_ASSERT_EQUAL(conf_track_equal(&x->tracks[0], &y->tracks[0]) &&
					conf_track_equal(&x->tracks[1], &y->tracks[1]),
				tracks_eq);
	}
	conf_free(a);
	conf_free(b);
}

static void test_lines_aside(void)
{
	expect_equal(INST(RES_TRACK), INST(RES_TRACK), true, true);
	/* Two lines added above: every line number moves, nothing else. */
	expect_equal(INST(RES_TRACK), "realtime-priority = 20\n\n" INST(RES_TRACK), true, true);
	expect_equal(INST(RES_TRACK), INST("  priority = 150\n" RES_TRACK), true, true);
}

static void test_changes(void)
{
	const char *a = INST(RES_TRACK);

	expect_equal(a, INST("  resource db {\n"
			     "    script = /usr/lib/hamgr/resource-scripts/mysql\n"
			     "    phase = before-vips\n"
			     "    params = {\"max_lag=4\"}\n"
			     "  }\n"
			     "  track link {\n    interface = eth1\n  }\n"
			     "  track http {\n    command = \"/bin/true\"\n    weight = -50\n  }\n"),
		     false, true);
	expect_equal(a, INST("  resource db {\n"
			     "    script = /usr/lib/hamgr/resource-scripts/mysql\n"
			     "    phase = before-vips\n"
			     "    params = {\"max_lag=3\"}\n"
			     "  }\n"
			     "  track link {\n    interface = eth2\n  }\n"
			     "  track http {\n    command = \"/bin/true\"\n    weight = -50\n  }\n"),
		     true, false);
	expect_equal(a, INST("  resource db {\n"
			     "    script = /usr/lib/hamgr/resource-scripts/mysql\n"
			     "    phase = before-vips\n"
			     "    params = {\"max_lag=3\"}\n"
			     "  }\n"
			     "  track link {\n    interface = eth1\n  }\n"
			     "  track http {\n    command = \"/bin/true\"\n    weight = -40\n  }\n"),
		     true, false);
}

#define DB_PHASE "    phase = before-vips\n"
#define DB_PARAMS "    params = {\"max_lag=3\"}\n"

/* db with the settings `body` (beside its script) against RES_TRACK's:
 * conf_resource_equal says eq, conf_resource_same says same. */
static void expect_policy(const char *body, bool eq, bool same)
{
	char text[1024];
	struct conf *a, *b;

	snprintf(text, sizeof(text), INST("  resource db {\n"
					  "    script = /usr/lib/hamgr/resource-scripts/mysql\n"
					  "%s"
					  "  }\n"), body);
	a = parse_ok(INST(RES_TRACK));
	b = parse_ok(text);
	if (a && b) {
		const struct conf_resource *x = &a->instances[0].resources[0];
		const struct conf_resource *y = &b->instances[0].resources[0];

		CU_ASSERT_EQUAL(conf_resource_equal(x, y), eq);
		CU_ASSERT_EQUAL(conf_resource_same(x, y), same);
		CU_ASSERT_EQUAL(conf_resource_same(y, x), same);
	}
	conf_free(a);
	conf_free(b);
}

/* What a reload changes in place (the policy) and what makes another
 * resource (the instance restarts). */
static void test_policy(void)
{
	expect_policy(DB_PHASE DB_PARAMS, true, true);
	expect_policy(DB_PHASE DB_PARAMS "    timeout = 45s\n", false, true);
	expect_policy(DB_PHASE DB_PARAMS "    on-fail = ignore\n", false, true);
	expect_policy(DB_PHASE DB_PARAMS "    monitor-interval = 5s\n", false, true);
	expect_policy(DB_PHASE DB_PARAMS "    monitor-interval = 5s\n    restart-limit = 5\n",
		      false, true);
	expect_policy(DB_PHASE DB_PARAMS "    monitor-interval = 5s\n    restart-window = 300s\n",
		      false, true);
	expect_policy(DB_PHASE DB_PARAMS "    irreversible = false\n", false, false);
	expect_policy(DB_PHASE "    params = {\"max_lag=4\"}\n", false, false);
	expect_policy("    phase = after-vips\n" DB_PARAMS, false, false);
}

static void test_realtime_default(void)
{
	struct conf *c = parse_ok(INST(""));

	if (c)
		CU_ASSERT_EQUAL(c->realtime_priority, REALTIME_AUTO);
	conf_free(c);
	c = parse_ok("realtime-priority = 0\n" INST(""));
	if (c)
		CU_ASSERT_EQUAL(c->realtime_priority, 0);
	conf_free(c);
	/* auto: SCHED_FIFO 10 below 50 ms, off from 50 ms and without
	 * instances; a configured value is what it says */
	CU_ASSERT_EQUAL(realtime_effective(REALTIME_AUTO, 10000), REALTIME_DEFAULT);
	CU_ASSERT_EQUAL(realtime_effective(REALTIME_AUTO, 49999), REALTIME_DEFAULT);
	CU_ASSERT_EQUAL(realtime_effective(REALTIME_AUTO, 50000), 0);
	CU_ASSERT_EQUAL(realtime_effective(REALTIME_AUTO, 1000000), 0);
	CU_ASSERT_EQUAL(realtime_effective(REALTIME_AUTO, 0), 0);
	CU_ASSERT_EQUAL(realtime_effective(0, 10000), 0);
	CU_ASSERT_EQUAL(realtime_effective(20, 1000000), 20);
}

static CU_TestInfo tests[] = {
	{ "the same resource and tracks further down", test_lines_aside },
	{ "a param, an interface, a weight changed", test_changes },
	{ "a resource's policy is the same resource", test_policy },
	{ "realtime-priority: auto by default (on below 50 ms), 0 off", test_realtime_default },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "conf equal", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
