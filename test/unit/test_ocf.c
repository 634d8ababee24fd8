/* test_ocf: the OCF exit code table, durations and the meta-data reader. */
#include <string.h>

#include "core/ocf.h"
#include "cu_main.h"

static void test_rc_table(void)
{
	CU_ASSERT_STRING_EQUAL(ocf_rc_meaning(0), "success");
	CU_ASSERT_STRING_EQUAL(ocf_rc_meaning(1), "generic error");
	CU_ASSERT_STRING_EQUAL(ocf_rc_meaning(2), "invalid argument");
	CU_ASSERT_STRING_EQUAL(ocf_rc_meaning(3), "unimplemented");
	CU_ASSERT_STRING_EQUAL(ocf_rc_meaning(4), "insufficient privileges");
	CU_ASSERT_STRING_EQUAL(ocf_rc_meaning(5), "not installed");
	CU_ASSERT_STRING_EQUAL(ocf_rc_meaning(6), "not configured");
	CU_ASSERT_STRING_EQUAL(ocf_rc_meaning(7), "not running");
	CU_ASSERT_STRING_EQUAL(ocf_rc_meaning(8), "running as master");
	CU_ASSERT_STRING_EQUAL(ocf_rc_meaning(9), "failed as master");
	CU_ASSERT_PTR_NULL(ocf_rc_meaning(10));
	CU_ASSERT_PTR_NULL(ocf_rc_meaning(-1));
	CU_ASSERT_STRING_EQUAL(ocf_rc_name(7), "OCF_NOT_RUNNING");
	CU_ASSERT_STRING_EQUAL(ocf_rc_name(0), "OCF_SUCCESS");
	CU_ASSERT_PTR_NULL(ocf_rc_name(127));
}

static int dur(const char *s, uint64_t *us)
{
	return ocf_duration_parse(s, strlen(s), us);
}

static void test_duration(void)
{
	uint64_t us = 0;

	CU_ASSERT(dur("20s", &us) == 0 && us == 20000000ULL);
	CU_ASSERT(dur("20", &us) == 0 && us == 20000000ULL);
	CU_ASSERT(dur(" 500ms ", &us) == 0 && us == 500000ULL);
	CU_ASSERT(dur("2min", &us) == 0 && us == 120000000ULL);
	CU_ASSERT(dur("2m", &us) == 0 && us == 120000000ULL);
	CU_ASSERT(dur("1h", &us) == 0 && us == 3600000000ULL);
	CU_ASSERT(dur("15 sec", &us) == 0 && us == 15000000ULL);
	CU_ASSERT(dur("250us", &us) == 0 && us == 250ULL);
	CU_ASSERT(dur("", &us) < 0);
	CU_ASSERT(dur("s", &us) < 0);
	CU_ASSERT(dur("-1s", &us) < 0);
	CU_ASSERT(dur("1.5s", &us) < 0);
	CU_ASSERT(dur("10 parsecs", &us) < 0);
	CU_ASSERT(dur("99999999999999999999s", &us) < 0);
	CU_ASSERT(dur("18446744073709551615h", &us) < 0);
}

/* The timeout the meta-data gives name, or UINT64_MAX when not listed. */
static uint64_t timeout_of(const struct ocf_meta *m, const char *name)
{
	const struct ocf_meta_action *a = ocf_meta_find(m, name);

	return a ? a->timeout_us : UINT64_MAX;
}

static const char dummy_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n"
	"<resource-agent name=\"Dummy\" version=\"1.0\">\n"
	"<parameters>\n"
	"<parameter name=\"state\" unique=\"1\">\n"
	"<longdesc lang=\"en\">Location to store the resource state in.</longdesc>\n"
	"<content type=\"string\" default=\"/run/Dummy.state\" />\n"
	"</parameter>\n"
	"</parameters>\n"
	"<actions>\n"
	"<action name=\"start\"        timeout=\"20s\" />\n"
	"<action name=\"stop\"         timeout=\"30\" />\n"
	"<action name=\"monitor\"      timeout=\"10s\" interval=\"10s\" depth=\"0\" />\n"
	"<action name=\"monitor\"      timeout=\"99s\" role=\"Promoted\" />\n"
	"<action timeout='2min' name='demote'/>\n"
	"<action\n\tname = \"meta-data\"\n\ttimeout = \"5000ms\">\n"
	"<!-- <action name=\"promote\" timeout=\"20s\" /> not yet -->\n"
	"<action name=\"validate-all\" timeout=\"soon\" />\n"
	"</actions>\n"
	"</resource-agent>\n";

static void test_meta_parse(void)
{
	struct ocf_meta m;

	CU_ASSERT_EQUAL_FATAL(ocf_meta_parse(dummy_xml, strlen(dummy_xml), &m), 0);
	CU_ASSERT_EQUAL(m.n_actions, 6);
	CU_ASSERT_EQUAL(timeout_of(&m, "start"), 20000000ULL);
	CU_ASSERT_EQUAL(timeout_of(&m, "stop"), 30000000ULL);
	/* the first monitor counts */
	CU_ASSERT_EQUAL(timeout_of(&m, "monitor"), 10000000ULL);
	/* attribute order, single quotes, blanks around '=' */
	CU_ASSERT_EQUAL(timeout_of(&m, "demote"), 120000000ULL);
	CU_ASSERT_EQUAL(timeout_of(&m, "meta-data"), 5000000ULL);
	/* an unreadable timeout is none */
	CU_ASSERT_EQUAL(timeout_of(&m, "validate-all"), 0);
	/* commented out */
	CU_ASSERT_PTR_NULL(ocf_meta_find(&m, "promote"));
}

static void test_meta_noise(void)
{
	static const char noisy[] =
		"ocf-shellfuncs: line 1: warning\n<resource-agents-list/>"
		"<resource-agent name=\"x\"><actions>"
		"<![CDATA[<action name=\"bogus\"/>]]>"
		"<actions-extra name=\"nope\"/>"
		"<action name=\"promote\" timeout=\"1s\"/>"
		"<action name=\"\" timeout=\"1s\"/>"
		"<action name=\"this-name-is-far-too-long-for-an-action\" timeout=\"1s\"/>"
		"<action name=\"promote\" timeout=\"9s\"/>"
		"<action name=\"start\" timeout=\"3s";   /* cut short */
	struct ocf_meta m;

	CU_ASSERT_EQUAL_FATAL(ocf_meta_parse(noisy, strlen(noisy), &m), 0);
	CU_ASSERT_EQUAL(m.n_actions, 2);
	CU_ASSERT_EQUAL(timeout_of(&m, "promote"), 1000000ULL);
	CU_ASSERT_EQUAL(timeout_of(&m, "start"), 3000000ULL);
	CU_ASSERT_PTR_NULL(ocf_meta_find(&m, "bogus"));
	/* not meta-data */
	CU_ASSERT_EQUAL(ocf_meta_parse("usage: agent {start|stop}", 25, &m), -1);
	CU_ASSERT_EQUAL(ocf_meta_parse("<resource-agents/>", 18, &m), -1);
	CU_ASSERT_EQUAL(ocf_meta_parse("", 0, &m), -1);
	/* the length bounds the reading, not a NUL */
	CU_ASSERT_EQUAL(ocf_meta_parse(dummy_xml, 60, &m), -1);
}

static void test_meta_many(void)
{
	char xml[4096];
	size_t n, i;
	struct ocf_meta m;

	n = (size_t)snprintf(xml, sizeof(xml), "<resource-agent><actions>");
	for (i = 0; i < OCF_META_ACTIONS_MAX + 5; i++)
		n += (size_t)snprintf(xml + n, sizeof(xml) - n, "<action name=\"a%zu\"/>", i);
	CU_ASSERT_EQUAL(ocf_meta_parse(xml, n, &m), 0);
	CU_ASSERT_EQUAL(m.n_actions, OCF_META_ACTIONS_MAX);
	CU_ASSERT_PTR_NOT_NULL(ocf_meta_find(&m, "a0"));
	CU_ASSERT_PTR_NULL(ocf_meta_find(&m, "a30"));
}

static CU_TestInfo tests[] = {
	{ "exit code table", test_rc_table },
	{ "durations", test_duration },
	{ "meta-data actions", test_meta_parse },
	{ "meta-data: noise, CDATA, cut input", test_meta_noise },
	{ "meta-data: more actions than room", test_meta_many },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "ocf", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites);
