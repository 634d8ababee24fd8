/* Unit tests for hactl's status detail lines (hamgr/hactl/detail.c): the
 * effective priority with its causes, the FAULT causes, the takeover
 * pipeline, resources, tracks, node flags and conntrack-sync, from status JSON as the
 * daemon writes it (hactl(8), JSON OUTPUT). */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "cu_main.h"
#include "hactl/detail.h"
#include "hactl/json.h"
#include "hactl/out.h"

static char buf[1024];
static struct json_object *doc;

/* Parse text (kept until the next call) and return it. */
static struct json_object *J(const char *text)
{
	json_object_put(doc);
	doc = json_tokener_parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	return doc;
}

#define ASSERT_TEXT(call, want)                                                 \
	do {                                                                    \
		const char *got_ = (call);                                      \
		CU_ASSERT_PTR_NOT_NULL_FATAL(got_);                             \
		if (got_ && strcmp(got_, (want)))                               \
			printf("\n  got:  \"%s\"\n  want: \"%s\"\n", got_, (want)); \
		CU_ASSERT_STRING_EQUAL(got_, (want));                           \
	} while (0)

/* The master line: the master followed; none after a release nobody took
 * over (not the old master at priority 0); none heard. */
static void test_master(void)
{
	CU_ASSERT_PTR_NULL(detail_master(J("{\"state\": \"MASTER\", \"master\": {\"self\": true,"
		"\"address\": \"10.0.0.1\", \"node\": \"db01\", \"priority\": 150}}"), buf, sizeof(buf)));
	ASSERT_TEXT(detail_master(J("{\"state\": \"BACKUP\", \"master\": {\"self\": false,"
		"\"address\": \"10.0.0.2\", \"node\": \"db02\", \"priority\": 200}}"), buf, sizeof(buf)),
		"10.0.0.2 (db02) priority 200");
	ASSERT_TEXT(detail_master(J("{\"state\": \"BACKUP\", \"master\": {\"self\": false,"
		"\"address\": \"10.0.0.2\", \"node\": null, \"priority\": 200}}"), buf, sizeof(buf)),
		"10.0.0.2 priority 200");
	ASSERT_TEXT(detail_master(J("{\"state\": \"BACKUP\", \"master\": null,"
		"\"released_master\": {\"address\": \"10.0.0.2\", \"node\": \"db02\","
		"\"ago_ms\": 2100, \"takeover_in_ms\": 120}}"), buf, sizeof(buf)),
		"none: 10.0.0.2 (db02) released 2.1s ago; this node takes over in 120ms unless "
		"another does");
	ASSERT_TEXT(detail_master(J("{\"state\": \"BACKUP\", \"standby\": true, \"master\": null,"
		"\"released_master\": {\"address\": \"10.0.0.2\", \"node\": \"db02\","
		"\"ago_ms\": 42000, \"takeover_in_ms\": null}}"), buf, sizeof(buf)),
		"none: 10.0.0.2 (db02) released 42s ago and nobody took over");
	ASSERT_TEXT(detail_master(J("{\"state\": \"BACKUP\", \"master\": null,"
		"\"time_in_state_ms\": 185000}"), buf, sizeof(buf)), "none heard for 3m05s");
	CU_ASSERT_PTR_NULL(detail_master(J("{\"state\": \"FAULT\", \"master\": null}"),
		buf, sizeof(buf)));
}

static void test_priority(void)
{
	CU_ASSERT_PTR_NULL(detail_priority(J("{\"priority\": 150, \"effective_priority\": 150,"
		"\"tracked_priority\": 150, \"priority_causes\": [], \"standby\": false,"
		"\"holdoff_ms\": null}"), buf, sizeof(buf)));
	ASSERT_TEXT(detail_priority(J("{\"priority\": 150, \"tracked_priority\": 90,"
		"\"priority_causes\": [{\"track\": \"gateway\", \"weight\": -60}]}"),
		buf, sizeof(buf)), "90 = 150 - 60 (track gateway down)");
	ASSERT_TEXT(detail_priority(J("{\"priority\": 50, \"tracked_priority\": 1,"
		"\"priority_causes\": [{\"track\": \"gw\", \"weight\": -60},"
		"{\"track\": \"x\", \"weight\": 5}]}"), buf, sizeof(buf)),
		"1 = 50 - 60 (track gw down) + 5 (track x down), kept within 1..254");
	ASSERT_TEXT(detail_priority(J("{\"priority\": 150, \"tracked_priority\": 150,"
		"\"priority_causes\": [], \"standby\": true}"), buf, sizeof(buf)),
		"0 in standby; otherwise 150");
	ASSERT_TEXT(detail_priority(J("{\"priority\": 150, \"tracked_priority\": 90,"
		"\"holdoff_ms\": 42000, \"standby\": false,"
		"\"priority_causes\": [{\"track\": \"gateway\", \"weight\": -60}]}"),
		buf, sizeof(buf)),
		"0 for another 42s: hold-off after giving up; otherwise 90 = 150 - 60 "
		"(track gateway down)");
	/* Cut at the buffer's end, still terminated. */
	ASSERT_TEXT(detail_priority(J("{\"priority\": 150, \"tracked_priority\": 90,"
		"\"priority_causes\": [{\"track\": \"gateway\", \"weight\": -60}]}"), buf, 8),
		"90 = 15");
}

static void test_fault(void)
{
	CU_ASSERT_PTR_NULL(detail_fault(J("{\"fault_causes\": []}"), buf, sizeof(buf)));
	CU_ASSERT_PTR_NULL(detail_fault(J("{}"), buf, sizeof(buf)));
	ASSERT_TEXT(detail_fault(J("{\"interface\": \"eth0\", \"primary_address\": null,"
		"\"fault_causes\": [\"link\"]}"), buf, sizeof(buf)),
		"FAULT while eth0 has no address to send from");
	ASSERT_TEXT(detail_fault(J("{\"interface\": \"eth0\", \"primary_address\": \"10.0.0.1\","
		"\"fault_causes\": [\"link\", \"track gw\"]}"), buf, sizeof(buf)),
		"FAULT while eth0 is down, track gw is down (weight 0)");
	/* The quorum's detail, when the daemon gives one. */
	ASSERT_TEXT(detail_fault(J("{\"fault_causes\": [\"quorum\"], \"quorum\": {\"provider\": "
		"\"corosync\", \"detail\": \"corosync: not quorate (1 of 3 nodes)\"}}"), buf,
		sizeof(buf)), "FAULT while no quorum (corosync: not quorate (1 of 3 nodes))");
	ASSERT_TEXT(detail_fault(J("{\"fault_causes\": [\"quorum\"]}"), buf, sizeof(buf)),
		"FAULT while quorum");
}

/* An instance with resources db (promotes) and web (start/stop only). */
static struct json_object *pipe_in(const char *state, const char *steps, const char *extra)
{
	static char text[4096];

	snprintf(text, sizeof(text), "{\"resources\": [{\"name\": \"db\", \"promotable\": true},"
		 "{\"name\": \"web\", \"promotable\": false}], \"pipeline\": {\"state\": \"%s\","
		 "\"steps\": [%s]%s}}", state, steps, extra);
	return J(text);
}

#define DB_UP "{\"name\": \"db\", \"kind\": \"resource\", \"state\": \"up\", \"last_ok\": true," \
	"\"last_action\": \"start\", \"duration_ms\": 312.4}"
#define DB_DOWN "{\"name\": \"db\", \"kind\": \"resource\", \"state\": \"down\"," \
	"\"gated\": true, \"last_ok\": null}"
#define VIPS_UP "{\"name\": \"vips\", \"kind\": \"vips\", \"state\": \"up\", \"last_ok\": true," \
	"\"last_action\": \"start\", \"duration_ms\": 0}"
#define VIPS_DOWN "{\"name\": \"vips\", \"kind\": \"vips\", \"state\": \"down\"}"
#define WEB_DOWN "{\"name\": \"web\", \"kind\": \"resource\", \"state\": \"down\"}"

static void test_pipeline(void)
{
	CU_ASSERT_PTR_NULL(detail_pipeline(pipe_in("held", VIPS_UP, ""), buf, sizeof(buf)));
	CU_ASSERT_PTR_NULL(detail_pipeline(J("{}"), buf, sizeof(buf)));
	ASSERT_TEXT(detail_pipeline(pipe_in("held", DB_UP "," VIPS_UP ",{\"name\": \"web\","
		"\"kind\": \"resource\", \"state\": \"up\", \"last_ok\": true,"
		"\"last_action\": \"start\", \"duration_ms\": 205}", ""), buf, sizeof(buf)),
		"held: db promote ok 312ms, vips up, web start ok 205ms");
	ASSERT_TEXT(detail_pipeline(pipe_in("gate", DB_DOWN "," VIPS_DOWN "," WEB_DOWN,
		", \"gate_ms\": 4200"), buf, sizeof(buf)),
		"waiting up to 4.2s for a peer to confirm before db");
	ASSERT_TEXT(detail_pipeline(pipe_in("releasing", DB_UP "," VIPS_UP ",{\"name\": \"web\","
		"\"kind\": \"resource\", \"state\": \"stopping\", \"last_ok\": true,"
		"\"last_action\": \"start\", \"duration_ms\": 205, \"running_ms\": 1200}", ""),
		buf, sizeof(buf)), "releasing: db promote ok 312ms, vips up, web stop running 1.2s");
	ASSERT_TEXT(detail_pipeline(pipe_in("acquiring", "{\"name\": \"db\", \"kind\": "
		"\"resource\", \"state\": \"starting\", \"running_ms\": 40}," VIPS_DOWN "," WEB_DOWN,
		""), buf, sizeof(buf)), "taking over: db promote running 40ms");
	ASSERT_TEXT(detail_pipeline(pipe_in("released", DB_DOWN "," VIPS_DOWN "," WEB_DOWN,
		", \"stale\": 0, \"timeouts\": 0"), buf, sizeof(buf)),
		"released: nothing taken over since start");
	ASSERT_TEXT(detail_pipeline(pipe_in("released", "{\"name\": \"db\", \"kind\": "
		"\"resource\", \"state\": \"down\", \"last_ok\": false, \"last_action\": \"stop\","
		"\"duration_ms\": 30000}," VIPS_DOWN "," WEB_DOWN,
		", \"stale\": 2, \"timeouts\": 1"), buf, sizeof(buf)),
		"released: db demote FAILED 30s; 1 step timed out; 2 late answers ignored");
}

static void test_resource(void)
{
	ASSERT_TEXT(detail_resource(J("{\"name\": \"db\", \"phase\": \"before-vips\","
		"\"promotable\": true, \"busy\": false, \"monitor_interval_ms\": 5000,"
		"\"monitor\": {\"rc\": 8, \"meaning\": \"running as master\", \"ago_ms\": 2000},"
		"\"actions\": {"
		"\"start\": {\"ok\": true, \"duration_ms\": 20, \"ago_ms\": 600000},"
		"\"promote\": {\"ok\": true, \"duration_ms\": 312, \"ago_ms\": 185000},"
		"\"monitor\": {\"ok\": true, \"duration_ms\": 5, \"ago_ms\": 2000}},"
		"\"runs\": 14, \"failures\": 0, \"timeouts\": 0}"), buf, sizeof(buf)),
		"db before-vips: promote ok 312ms, 3m05s ago; monitor running as master (8), 2s ago");
	ASSERT_TEXT(detail_resource(J("{\"name\": \"web\", \"phase\": \"after-vips\","
		"\"promotable\": false, \"busy\": true, \"monitor\": null, \"actions\": {"
		"\"start\": {\"ok\": false, \"rc\": 1, \"meaning\": \"generic error\","
		"\"duration_ms\": 20, \"ago_ms\": 3000, \"line\": \"port 80 in use\"}},"
		"\"runs\": 1, \"failures\": 1, \"timeouts\": 0}"), buf, sizeof(buf)),
		"web after-vips (start/stop): start FAILED: generic error after 20ms, 3s ago: "
		"port 80 in use; busy; 1 of 1 runs failed");
	ASSERT_TEXT(detail_resource(J("{\"name\": \"db\", \"phase\": \"before-vips\","
		"\"promotable\": true, \"monitor_interval_ms\": 5000, \"monitor\": null,"
		"\"actions\": {}, \"runs\": 0}"), buf, sizeof(buf)),
		"db before-vips: no action yet; monitor every 5s, none yet");
	ASSERT_TEXT(detail_resource(J("{\"name\": \"db\", \"phase\": \"before-vips\","
		"\"promotable\": true, \"monitor\": {\"rc\": null, \"meaning\": \"timed out after "
		"5000 ms\", \"ago_ms\": 100}, \"actions\": {}, \"runs\": 3, \"failures\": 1,"
		"\"timeouts\": 1}"), buf, sizeof(buf)),
		"db before-vips: no action yet; monitor timed out after 5000 ms, 100ms ago; "
		"1 of 3 runs failed; 1 timed out");
	/* Restarts that count against the limit: in a row, or in a window. */
	ASSERT_TEXT(detail_resource(J("{\"name\": \"web\", \"phase\": \"after-vips\","
		"\"promotable\": false, \"actions\": {}, \"restarts\": 1,"
		"\"restart_limit\": 3, \"restart_window_ms\": 0}"), buf, sizeof(buf)),
		"web after-vips (start/stop): no action yet; restarted 1 of 3 in a row");
	ASSERT_TEXT(detail_resource(J("{\"name\": \"web\", \"phase\": \"after-vips\","
		"\"promotable\": false, \"actions\": {}, \"restarts\": 2,"
		"\"restart_limit\": 3, \"restart_window_ms\": 300000}"), buf, sizeof(buf)),
		"web after-vips (start/stop): no action yet; restarted 2 of 3, each failure "
		"within 5m00s of the last");
	ASSERT_TEXT(detail_resource(J("{\"name\": \"web\", \"phase\": \"after-vips\","
		"\"promotable\": false, \"actions\": {}, \"restarts\": 0,"
		"\"restart_limit\": 3, \"restart_window_ms\": 300000}"), buf, sizeof(buf)),
		"web after-vips (start/stop): no action yet");
}

static void test_track(void)
{
	ASSERT_TEXT(detail_track(J("{\"name\": \"gateway\", \"kind\": \"command\", \"up\": true,"
		"\"known\": true, \"weight\": -60, \"applied\": 0, \"last_rc\": 0,"
		"\"last_line\": \"PING OK - 10.0.0.254 rtt 0.1 ms\", \"ago_ms\": 400,"
		"\"since_ms\": 185000, \"checks\": 12, \"failures\": 0}"), buf, sizeof(buf)),
		"gateway up for 3m05s, weight -60 (not applied); 400ms ago: "
		"PING OK - 10.0.0.254 rtt 0.1 ms");
	ASSERT_TEXT(detail_track(J("{\"name\": \"gateway\", \"up\": false, \"known\": true,"
		"\"weight\": -60, \"applied\": -60, \"last_rc\": 2, \"last_line\": \"PING CRITICAL\","
		"\"ago_ms\": 300, \"since_ms\": 12000, \"checks\": 20, \"failures\": 5}"),
		buf, sizeof(buf)),
		"gateway down for 12s, weight -60 applied; exit 2, 300ms ago: PING CRITICAL; "
		"5 of 20 checks failed");
	ASSERT_TEXT(detail_track(J("{\"name\": \"uplink\", \"kind\": \"interface\", \"up\": true,"
		"\"known\": false, \"weight\": 0, \"applied\": 0, \"last_rc\": null,"
		"\"last_line\": null, \"ago_ms\": null, \"checks\": 0, \"failures\": 0}"),
		buf, sizeof(buf)), "uplink not checked yet, weight 0 (FAULT while down)");
}

/* One line per alarm of the status's "alarms" (hactl(8)), whatever the
 * daemon that wrote them; an unknown kind is still shown. */
static void test_alarm(void)
{
	ASSERT_TEXT(detail_alarm(J("{\"kind\": \"conflict\", \"vip\": \"198.51.100.50\","
		"\"mac\": \"02:00:00:00:00:99\", \"from\": \"198.51.100.9\", \"since_ms\": 12000,"
		"\"count\": 3}"), buf, sizeof(buf)),
		"CONFLICT on 198.51.100.50: also answered by 02:00:00:00:00:99 (from 198.51.100.9), "
		"3 times, first 12s ago");
	ASSERT_TEXT(detail_alarm(J("{\"kind\": \"misconfigured_peer\", \"peer\": \"198.51.100.9\","
		"\"reason\": \"interval_far\", \"detail\": \"advertises 1000 ms, ours 100 ms\","
		"\"since_ms\": 5000, \"count\": 50}"), buf, sizeof(buf)),
		"MISCONFIGURED PEER 198.51.100.9: advert interval far from ours (advertises 1000 ms, "
		"ours 100 ms), 50 times, first 5s ago");
	ASSERT_TEXT(detail_alarm(J("{\"kind\": \"misconfigured_peer\", \"peer\": \"198.51.100.9\","
		"\"reason\": \"other_vrid\", \"detail\": \"\", \"since_ms\": 5000, \"count\": 1}"),
		buf, sizeof(buf)),
		"MISCONFIGURED PEER 198.51.100.9: adverts for another VRID, 1 time, first 5s ago");
	ASSERT_TEXT(detail_alarm(J("{\"kind\": \"misconfigured_peer\", \"peer\": \"198.51.100.9\","
		"\"reason\": \"auth\"}"), buf, sizeof(buf)),
		"MISCONFIGURED PEER 198.51.100.9: authentication fails");
	ASSERT_TEXT(detail_alarm(J("{\"kind\": \"vip_missing\", \"vip\": \"198.51.100.50\","
		"\"since_ms\": 2100, \"readded\": 2}"), buf, sizeof(buf)),
		"VIP MISSING: 198.51.100.50 gone from the interface for 2.1s; re-added 2 times");
	ASSERT_TEXT(detail_alarm(J("{\"kind\": \"vip_missing\", \"vip\": \"198.51.100.50\","
		"\"since_ms\": 300, \"readded\": true}"), buf, sizeof(buf)),
		"VIP MISSING: 198.51.100.50 gone from the interface for 300ms; re-added");
	ASSERT_TEXT(detail_alarm(J("{\"kind\": \"vip_missing\", \"vip\": \"198.51.100.50\","
		"\"since_ms\": 300, \"readded\": false}"), buf, sizeof(buf)),
		"VIP MISSING: 198.51.100.50 gone from the interface for 300ms");
	ASSERT_TEXT(detail_alarm(J("{\"kind\": \"name_clash\", \"from\": \"198.51.100.2\","
		"\"node\": \"proxy\", \"count\": 12, \"since_ms\": 12000}"), buf, sizeof(buf)),
		"node name clash: 198.51.100.2 also announces itself as proxy, 12 announcements, "
		"first 12s ago");
	ASSERT_TEXT(detail_alarm(J("{\"kind\": \"future_thing\"}"), buf, sizeof(buf)),
		"ALARM future_thing");
}

static void test_node_flags(void)
{
	ASSERT_TEXT(detail_node_flags(J("{\"state\": \"BACKUP\", \"standby\": false,"
		"\"link_up\": true, \"held\": false, \"track_fault\": false,"
		"\"track_down\": false}"), buf, sizeof(buf)), "");
	ASSERT_TEXT(detail_node_flags(J("{\"state\": \"BACKUP\", \"link_up\": true,"
		"\"track_down\": true}"), buf, sizeof(buf)), " (track down)");
	ASSERT_TEXT(detail_node_flags(J("{\"state\": \"FAULT\", \"standby\": true,"
		"\"link_up\": false, \"held\": true, \"track_fault\": true}"), buf, sizeof(buf)),
		" (standby, link down, track fault, holding)");
	/* A master holds by definition: not news. */
	ASSERT_TEXT(detail_node_flags(J("{\"state\": \"MASTER\", \"held\": true}"),
		buf, sizeof(buf)), "");
}

/* The INTERVAL column and the peer lines: an advert interval exactly, not
 * rounded like a duration (40950 ms is not "40s"). */
static void test_interval(void)
{
	char b[32];

	ASSERT_TEXT(out_interval(40950, b, sizeof(b)), "40.95s");
	ASSERT_TEXT(out_interval(10550, b, sizeof(b)), "10.55s");
	ASSERT_TEXT(out_interval(1550, b, sizeof(b)), "1.55s");
	ASSERT_TEXT(out_interval(1500, b, sizeof(b)), "1.5s");
	ASSERT_TEXT(out_interval(1000, b, sizeof(b)), "1s");
	ASSERT_TEXT(out_interval(20000, b, sizeof(b)), "20s");
	ASSERT_TEXT(out_interval(100, b, sizeof(b)), "100ms");
	ASSERT_TEXT(out_interval(10, b, sizeof(b)), "10ms");
	ASSERT_TEXT(out_interval(-1, b, sizeof(b)), "-");
	/* Durations keep their rounding. */
	ASSERT_TEXT(out_ms(40950, b, sizeof(b)), "40s");
	ASSERT_TEXT(out_ms(1550, b, sizeof(b)), "1.6s");
}

#define NAME63 "a-very-long-instance-name-that-is-exactly-sixty-three-chars-xyz"

/* Every line of text at most OUT_WIDTH columns; returns the line count. */
static int lines_fit(const char *text)
{
	const char *p = text, *nl;
	int n = 0;

	for (; *p; p = *nl ? nl + 1 : nl, n++) {
		nl = strchrnul(p, '\n');
		CU_ASSERT((int)(nl - p) <= OUT_WIDTH);
		if (nl - p > OUT_WIDTH)
			printf("\n  too wide (%d): \"%.*s\"\n", (int)(nl - p), (int)(nl - p), p);
	}
	return n;
}

/* The table adapts its name column; a name too long for any column goes
 * on a line of its own with the row under it, never past 100 columns. */
static void test_row(void)
{
	struct detail_widths w;
	char row[512];
	struct json_object *st;

	CU_ASSERT_EQUAL(strlen(NAME63), 63);
	st = J("{\"instances\": [{\"name\": \"web\", \"state\": \"MASTER\", \"priority\": 150,"
	       "\"effective_priority\": 150, \"vrid\": 51, \"interface\": \"eth0\","
	       "\"protocol\": \"vrrp3\", \"advert_interval_ms\": 40950,"
	       "\"time_in_state_ms\": 7260000, \"transitions\": 3,"
	       "\"master\": {\"self\": true}},"
	       "{\"name\": \"" NAME63 "\", \"state\": \"BACKUP\", \"priority\": 100,"
	       "\"effective_priority\": 100, \"vrid\": 52, \"interface\": \"eth0\","
	       "\"protocol\": \"vrrp3\", \"advert_interval_ms\": 100,"
	       "\"time_in_state_ms\": 5000, \"transitions\": 1,"
	       "\"master\": {\"self\": false, \"address\": \"198.51.100.2\"}}]}");
	detail_widths(json_object_object_get(st, "instances"), &w);
	CU_ASSERT(w.name >= 8 && w.name < 63);
	CU_ASSERT_EQUAL(lines_fit(detail_header(&w, row, sizeof(row))), 1);
	CU_ASSERT_EQUAL(lines_fit(detail_row(jidx(jget(st, "instances"), 0), &w, row,
					     sizeof(row))), 1);
	CU_ASSERT(strstr(row, " 40.95s ") != NULL);
	CU_ASSERT(strstr(row, " self") != NULL);
	CU_ASSERT_EQUAL(lines_fit(detail_row(jidx(jget(st, "instances"), 1), &w, row,
					     sizeof(row))), 2);
	/* The name whole on the first line, the row under it with the
	 * master's address whole. */
	CU_ASSERT_EQUAL(strncmp(row, NAME63 "\n", 64), 0);
	CU_ASSERT(row[64] == ' ');
	CU_ASSERT(strstr(row + 64, " BACKUP ") != NULL);
	CU_ASSERT(strstr(row + 64, " 198.51.100.2") != NULL);

	/* Names that fit: the column is as wide as the longest (at least
	 * "INSTANCE"), one line per row. */
	st = J("{\"instances\": [{\"name\": \"db\"}, {\"name\": \"webfrontend01\"}]}");
	detail_widths(jget(st, "instances"), &w);
	CU_ASSERT_EQUAL(w.name, 13);
	ASSERT_TEXT(detail_header(&w, row, sizeof(row)),
		    "INSTANCE      STATE     PRIO VRID IFACE PROTO INTERVAL IN STATE TRANS MASTER");
}

static int cleanup(void)
{
	json_object_put(doc);
	doc = NULL;
	return 0;
}

/* The conntrack-sync line: a receiver with nothing missing and no commit
 * yet; one missing messages with a dump due and drops; a sender after its
 * commit, with refusals; no sync section. */
static void test_ctsync(void)
{
	ASSERT_TEXT(detail_ctsync(J("{\"role\": \"receiver\", \"cached_entries\": 1702,"
		"\"missing\": 0, \"dump_pending\": false, \"last_commit\": null,"
		"\"commit_errors\": 0, \"drops\": {\"source\": 0, \"replay\": 0}}"), buf, sizeof(buf)),
		"receiver, 1702 connections cached; no commit yet");
	ASSERT_TEXT(detail_ctsync(J("{\"role\": \"receiver\", \"cached_entries\": 1,"
		"\"missing\": 3, \"dump_pending\": true, \"last_commit\": null,"
		"\"drops\": {\"source\": 1, \"auth\": 0, \"replay\": 52}}"), buf, sizeof(buf)),
		"receiver, 1 connection cached, 3 messages missing, full dump due; no commit yet; "
		"drops: source 1, replay 52");
	ASSERT_TEXT(detail_ctsync(J("{\"role\": \"sender\", \"cached_entries\": 202,"
		"\"missing\": 0, \"last_commit\": {\"duration_ms\": 14.3, \"entries\": 1702},"
		"\"commit_errors\": 2, \"drops\": {}}"), buf, sizeof(buf)),
		"sender, 202 connections synced; last commit 1702 entries in 14ms, 2 refused by the kernel");
	CU_ASSERT_PTR_NULL(detail_ctsync(NULL, buf, sizeof(buf)));
	CU_ASSERT_PTR_NULL(detail_ctsync(J("[1]"), buf, sizeof(buf)));
}

static CU_TestInfo tests_detail[] = {
	{ "the master line", test_master },
	{ "priority and its causes", test_priority },
	{ "FAULT causes", test_fault },
	{ "the takeover pipeline", test_pipeline },
	{ "a resource", test_resource },
	{ "a track", test_track },
	{ "alarms", test_alarm },
	{ "node flags", test_node_flags },
	{ "conntrack-sync", test_ctsync },
	{ "advert intervals exactly", test_interval },
	{ "table rows fit 100 columns", test_row },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "hactl status details", NULL, cleanup, NULL, NULL, tests_detail },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
