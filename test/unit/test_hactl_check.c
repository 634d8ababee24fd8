/* Unit tests for hactl check (hamgr/hactl/check.c): the verdict and the
 * line a Nagios/Icinga plugin gives, from status JSON as the daemon
 * writes it (hactl(8), JSON OUTPUT), alarms included. */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "cu_main.h"
#include "hactl/check.h"

static struct json_object *doc;
static char line[2048];

/* The verdict on {"instances": [insts]}. */
static enum check_code verdict(const char *insts)
{
	static char text[8192];

	json_object_put(doc);
	snprintf(text, sizeof(text), "{\"node\": \"n1\", \"instances\": [%s]}", insts);
	doc = json_tokener_parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	return check_status(doc, line, sizeof(line));
}

#define ASSERT_CHECK(insts, code, want)                                         \
	do {                                                                    \
		CU_ASSERT_EQUAL(verdict(insts), (code));                        \
		if (strcmp(line, (want)))                                       \
			printf("\n  got:  \"%s\"\n  want: \"%s\"\n", line, (want)); \
		CU_ASSERT_STRING_EQUAL(line, (want));                           \
	} while (0)

/* Instances as the daemon reports them; %s: more members. */
#define VIP_UP "\"vips\": [{\"address\": \"198.51.100.50/24\", \"present\": true}]"
#define VIP_GONE "\"vips\": [{\"address\": \"198.51.100.50/24\", \"present\": false}]"
#define STEPS(st) "\"pipeline\": {\"state\": \"held\", \"steps\": [{\"name\": \"vips\"," \
	"\"kind\": \"vips\", \"state\": \"" st "\"}]}"
#define MASTER(name, more) "{\"name\": \"" name "\", \"state\": \"MASTER\", \"standby\": false," \
	"\"effective_priority\": 150, \"master_down_interval_ms\": 360.9, \"time_in_state_ms\": 50000," \
	"\"master\": {\"self\": true, \"node\": \"n1\"}" more "}"
#define BACKUP(name, more) "{\"name\": \"" name "\", \"state\": \"BACKUP\"," \
	"\"effective_priority\": 100, \"master_down_interval_ms\": 360.9," \
	"\"time_in_state_ms\": 50000" more "}"
#define FOLLOWS ", \"master\": {\"self\": false, \"address\": \"198.51.100.2\", \"node\": \"db01\"}"
#define CONFLICT "{\"kind\": \"conflict\", \"vip\": \"198.51.100.50\", \"mac\": " \
	"\"02:00:00:00:00:99\", \"from\": \"198.51.100.9\", \"since_ms\": 3000, \"count\": 4}"

static void test_ok(void)
{
	ASSERT_CHECK(MASTER("web", "," VIP_UP "," STEPS("up")), CHECK_OK,
		     "HAMGR OK - web MASTER 150");
	ASSERT_CHECK(MASTER("web", "," VIP_UP) "," BACKUP("db", FOLLOWS), CHECK_OK,
		     "HAMGR OK - web MASTER 150, db BACKUP (master db01)");
	/* A master that does not announce: its address. */
	ASSERT_CHECK(BACKUP("db", ", \"master\": {\"self\": false, \"address\": \"198.51.100.2\","
		     "\"node\": null}"), CHECK_OK, "HAMGR OK - db BACKUP (master 198.51.100.2)");
	/* Just started: within Master_Down_Interval nobody is missed yet. */
	ASSERT_CHECK(BACKUP("db", ", \"master\": null, \"time_in_state_ms\": 200"), CHECK_OK,
		     "HAMGR OK - db BACKUP (waiting for a master)");
	ASSERT_CHECK("", CHECK_OK, "HAMGR OK - no instances configured");
	CU_ASSERT_STRING_EQUAL(check_code_str(CHECK_UNKNOWN), "UNKNOWN");
}

static void test_warning(void)
{
	ASSERT_CHECK(BACKUP("db", FOLLOWS ", \"standby\": true"), CHECK_WARNING,
		     "HAMGR WARNING - db: standby");
	ASSERT_CHECK(MASTER("web", "," VIP_UP) "," BACKUP("db", FOLLOWS ", \"alarms\": [{\"kind\":"
		     "\"misconfigured_peer\", \"peer\": \"198.51.100.9\", \"reason\": \"interval_far\","
		     "\"detail\": \"1000 ms\", \"since_ms\": 10, \"count\": 1}, {\"kind\": "
		     "\"name_clash\", \"from\": \"198.51.100.3\", \"node\": \"n1\", \"count\": 4,"
		     "\"since_ms\": 3000}, {\"kind\": \"later\"}]"), CHECK_WARNING,
		     "HAMGR WARNING - db: misconfigured peer 198.51.100.9 (interval_far); db: node "
		     "name clash: 198.51.100.3 also announces itself as n1; db: alarm later");
	/* FAULT while another node is master. */
	ASSERT_CHECK("{\"name\": \"web\", \"state\": \"FAULT\", \"interface\": \"eth0\","
		     "\"primary_address\": \"198.51.100.1\", \"fault_causes\": [\"track gw\"],"
		     "\"master\": null, \"master_down_interval_ms\": 360.9, \"time_in_state_ms\": 9000,"
		     "\"nodes\": [{\"node\": \"n2\", \"state\": \"MASTER\"}]}", CHECK_WARNING,
		     "HAMGR WARNING - web: FAULT while track gw is down (weight 0)");
	ASSERT_CHECK("{\"name\": \"web\", \"state\": \"INIT\"}", CHECK_WARNING,
		     "HAMGR WARNING - web: INIT (starting or stopping)");
	ASSERT_CHECK(BACKUP("db", FOLLOWS ", \"holdoff_ms\": 42000"), CHECK_WARNING,
		     "HAMGR WARNING - db: gave the role up, hold-off for another 42s");
	/* A master still taking over: its address comes after a resource. */
	ASSERT_CHECK(MASTER("web", "," VIP_GONE ", \"pipeline\": {\"state\": \"acquiring\","
		     "\"steps\": [{\"kind\": \"resource\", \"state\": \"starting\"}, {\"kind\": "
		     "\"vips\", \"state\": \"down\"}]}"), CHECK_WARNING,
		     "HAMGR WARNING - web: MASTER still acquiring, 198.51.100.50/24 not added yet");
}

static void test_critical(void)
{
	/* Worst first: the conflict, then the standby of another instance;
	 * "alarms" missing (an older daemon) reads as none. */
	ASSERT_CHECK(BACKUP("db", FOLLOWS ", \"standby\": true") ","
		     MASTER("web", "," VIP_UP ", \"alarms\": [" CONFLICT "]"), CHECK_CRITICAL,
		     "HAMGR CRITICAL - web: conflict on 198.51.100.50 with 02:00:00:00:00:99; "
		     "db: standby");
	ASSERT_CHECK(MASTER("web", "," VIP_GONE "," STEPS("up")), CHECK_CRITICAL,
		     "HAMGR CRITICAL - web: MASTER without 198.51.100.50/24");
	/* The alarm says it: once. */
	ASSERT_CHECK(MASTER("web", "," VIP_GONE "," STEPS("up") ", \"alarms\": [{\"kind\":"
		     "\"vip_missing\", \"vip\": \"198.51.100.50\", \"since_ms\": 300, \"readded\": 1}]"),
		     CHECK_CRITICAL, "HAMGR CRITICAL - web: 198.51.100.50 missing");
	/* A release nobody took over: the address is served by no one. */
	ASSERT_CHECK(BACKUP("db", ", \"standby\": true, \"master\": null, \"released_master\":"
		     "{\"address\": \"198.51.100.1\", \"node\": \"n1\", \"ago_ms\": 12000,"
		     "\"takeover_in_ms\": null}"), CHECK_CRITICAL,
		     "HAMGR CRITICAL - db: no master: 198.51.100.1 (n1) released 12s ago and nobody "
		     "took over; db: standby");
	ASSERT_CHECK(BACKUP("db", ", \"master\": null, \"time_in_state_ms\": 5000"), CHECK_CRITICAL,
		     "HAMGR CRITICAL - db: no master heard for 5s");
	ASSERT_CHECK("{\"name\": \"web\", \"state\": \"FAULT\", \"master\": null,"
		     "\"master_down_interval_ms\": 360.9, \"time_in_state_ms\": 9000, \"nodes\": [],"
		     "\"peers\": [{\"address\": \"198.51.100.2\", \"priority\": 200,"
		     "\"last_seen_ms\": 8000}]}", CHECK_CRITICAL,
		     "HAMGR CRITICAL - web: FAULT and no master heard for 9s");
	/* The same, with the master's adverts heard: WARNING. */
	ASSERT_CHECK("{\"name\": \"web\", \"state\": \"FAULT\", \"master\": null,"
		     "\"master_down_interval_ms\": 360.9, \"time_in_state_ms\": 9000, \"nodes\": [],"
		     "\"peers\": [{\"address\": \"198.51.100.2\", \"priority\": 200,"
		     "\"last_seen_ms\": 80}]}", CHECK_WARNING, "HAMGR WARNING - web: FAULT");
}

static int cleanup(void)
{
	json_object_put(doc);
	doc = NULL;
	return 0;
}

static CU_TestInfo tests_check[] = {
	{ "OK", test_ok },
	{ "WARNING", test_warning },
	{ "CRITICAL", test_critical },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "hactl check", NULL, cleanup, NULL, NULL, tests_check },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
