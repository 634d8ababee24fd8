/* Unit tests for resource: real scripts and fake OCF agents on a real
 * sd-event loop, in a fresh directory under /tmp (removed at the end).
 * With Debian's resource-agents installed, the real Dummy agent runs
 * through start, monitor, stop, monitor; without it that test passes with
 * a note. Times are asserted with generous bounds only. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cu_child.h"
#include "cu_main.h"
#include "resource.h"

#define DUMMY "/usr/lib/ocf/resource.d/heartbeat/Dummy"

/* Every done seen, in order. */
#define SEEN_MAX 16
static struct {
	uint64_t token;
	struct resource_result r;
} seen[SEEN_MAX];
static unsigned n_seen;
static struct resource *free_in_done;   /* resource_free() it from done */

static void on_done(void *arg, uint64_t token, const struct resource_result *r)
{
	if (n_seen < SEEN_MAX) {
		seen[n_seen].token = token;
		seen[n_seen].r = *r;
	}
	n_seen++;
	if (free_in_done) {
		resource_free(free_in_done);
		free_in_done = NULL;
	}
}

/* Run the loop until n dones were seen, at most max_s seconds. */
static void wait_seen(unsigned n, unsigned max_s)
{
	cu_loop_until(&n_seen, n, max_s);
}

/* Whether text holds line as a whole line. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static void conf_init(struct conf_resource *cr, const char *name, enum conf_rtype type,
		      const char *script)
{
	memset(cr, 0, sizeof(*cr));
	snprintf(cr->name, sizeof(cr->name), "%s", name);
	cr->type = type;
	snprintf(cr->script, sizeof(cr->script), "%s", script);
}

static void add_param(struct conf_resource *cr, const char *fmt, const char *v)
{
	snprintf(cr->params[cr->n_params++], CONF_PARAM_MAX, fmt, v);
}

static int suite_init(void)
{
	return cu_child_init("resource");
}

static const struct resource_ctx ctx = {
	.node = "node1", .instance = "web", .state = "MASTER", .prev_state = "BACKUP",
	.vips = "198.51.100.50/24 2001:db8::50/64", .peer = "198.51.100.2",
};

static void test_script_env(void)
{
	char path[256], body[512], err[256] = "";
	struct conf_resource cr;
	struct resource *r;
	const char *env;

	snprintf(body, sizeof(body),
		 "{ echo \"argv $# $1\"; env | grep -E '^(HAMGR|OCF)_' | sort; } >'%s/env.out'",
		 cu_dir);
	conf_init(&cr, "db", CONF_RTYPE_SCRIPT,
		  cu_write_prog(path, sizeof(path), "env.sh", body, 0755));
	add_param(&cr, "level=%s", "3");
	add_param(&cr, "msg=%s", "two words=$(x)");
	r = resource_new(cu_ev, &cr, "web", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(resource_promotable(r));
	CU_ASSERT_EQUAL(resource_timeout(r, RESOURCE_START), 30000000ULL);
	CU_ASSERT_PTR_NULL(resource_last(r, RESOURCE_PROMOTE));
	CU_ASSERT_FALSE(resource_busy(r));
	n_seen = 0;
	CU_ASSERT_EQUAL(resource_run(r, RESOURCE_PROMOTE, &ctx, 42, on_done, NULL), 0);
	CU_ASSERT(resource_busy(r));
	CU_ASSERT_EQUAL(n_seen, 0); /* never from inside resource_run() */
	wait_seen(1, 30);
	CU_ASSERT_EQUAL_FATAL(n_seen, 1);
	CU_ASSERT_EQUAL(seen[0].token, 42);
	CU_ASSERT_EQUAL(seen[0].r.action, RESOURCE_PROMOTE);
	CU_ASSERT(seen[0].r.ok);
	CU_ASSERT_EQUAL(seen[0].r.ocf_rc, 0);
	CU_ASSERT_FALSE(resource_busy(r));
	env = cu_read_back("env.out");
	CU_ASSERT(has_line(env, "argv 1 promote"));
	CU_ASSERT(has_line(env, "HAMGR_INSTANCE=web"));
	CU_ASSERT(has_line(env, "HAMGR_NODE=node1"));
	CU_ASSERT(has_line(env, "HAMGR_STATE=MASTER"));
	CU_ASSERT(has_line(env, "HAMGR_PREV_STATE=BACKUP"));
	CU_ASSERT(has_line(env, "HAMGR_VIPS=198.51.100.50/24 2001:db8::50/64"));
	CU_ASSERT(has_line(env, "HAMGR_PEER=198.51.100.2"));
	CU_ASSERT(has_line(env, "HAMGR_RESOURCE=db"));
	CU_ASSERT(has_line(env, "HAMGR_ACTION=promote"));
	CU_ASSERT(has_line(env, "HAMGR_PARAM_level=3"));
	CU_ASSERT(has_line(env, "HAMGR_PARAM_msg=two words=$(x)"));
	CU_ASSERT(strstr(env, "OCF_") == NULL);
	CU_ASSERT_PTR_NOT_NULL(resource_last(r, RESOURCE_PROMOTE));
	CU_ASSERT_EQUAL(resource_stats(r)->runs[RESOURCE_PROMOTE], 1);
	CU_ASSERT_EQUAL(resource_stats(r)->failures[RESOURCE_PROMOTE], 0);
	/* a NULL ctx gives empty values */
	CU_ASSERT_EQUAL(resource_run(r, RESOURCE_START, NULL, 43, on_done, NULL), 0);
	wait_seen(2, 30);
	CU_ASSERT(has_line(cu_read_back("env.out"), "HAMGR_PEER="));
	CU_ASSERT(has_line(cu_read_back("env.out"), "HAMGR_INSTANCE=web"));
	/* refused requests */
	CU_ASSERT_EQUAL(resource_run(r, RESOURCE_ACTION_MAX, &ctx, 1, on_done, NULL), -1);
	CU_ASSERT_EQUAL(resource_run(r, RESOURCE_START, &ctx, 1, NULL, NULL), -1);
	resource_free(r);
}

/* ok per action and exit code, per resource.h. */
static void test_ok_semantics(void)
{
	static const struct {
		enum resource_action a;
		int rc;
		bool ok;
	} cases[] = {
		{ RESOURCE_START, 0, true }, { RESOURCE_START, 7, false },
		{ RESOURCE_START, 1, false }, { RESOURCE_STOP, 0, true },
		{ RESOURCE_STOP, 7, true }, { RESOURCE_STOP, 5, false },
		{ RESOURCE_PROMOTE, 0, true }, { RESOURCE_PROMOTE, 8, false },
		{ RESOURCE_DEMOTE, 7, true }, { RESOURCE_DEMOTE, 9, false },
		{ RESOURCE_MONITOR, 0, true }, { RESOURCE_MONITOR, 7, true },
		{ RESOURCE_MONITOR, 8, true }, { RESOURCE_MONITOR, 1, false },
		{ RESOURCE_MONITOR, 9, false },
	};
	char path[256], body[512], err[256] = "", rcfile[128];
	struct conf_resource cr;
	struct resource *r;
	size_t i;
	FILE *f;

	snprintf(rcfile, sizeof(rcfile), "%s/rc", cu_dir);
	snprintf(body, sizeof(body), "exit $(cat '%s')", rcfile);
	conf_init(&cr, "rc", CONF_RTYPE_SCRIPT,
		  cu_write_prog(path, sizeof(path), "rc.sh", body, 0755));
	r = resource_new(cu_ev, &cr, "web", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!(f = fopen(rcfile, "w")))
			break;
		fprintf(f, "%d\n", cases[i].rc);
		fclose(f);
		n_seen = 0;
		CU_ASSERT_EQUAL(resource_run(r, cases[i].a, &ctx, i, on_done, NULL), 0);
		wait_seen(1, 30);
		CU_ASSERT_EQUAL(n_seen, 1);
		CU_ASSERT_EQUAL(seen[0].r.ocf_rc, cases[i].rc);
		if (seen[0].r.ok != cases[i].ok)
			printf("\n%s exit %d: ok %d, expected %d\n",
			       resource_action_str(cases[i].a), cases[i].rc, seen[0].r.ok,
			       cases[i].ok);
		CU_ASSERT_EQUAL(seen[0].r.ok, cases[i].ok);
	}
	CU_ASSERT_EQUAL(resource_stats(r)->runs[RESOURCE_MONITOR], 5);
	CU_ASSERT_EQUAL(resource_stats(r)->failures[RESOURCE_MONITOR], 2);
	CU_ASSERT_EQUAL(resource_last(r, RESOURCE_MONITOR)->ocf_rc, 9);
	resource_free(r);
}

/* Five actions queued at once run one after the other, in order. */
static void test_queue(void)
{
	static const enum resource_action order[] = {
		RESOURCE_START, RESOURCE_PROMOTE, RESOURCE_MONITOR, RESOURCE_DEMOTE,
		RESOURCE_STOP,
	};
	char path[256], body[512], err[256] = "", act[5][16];
	unsigned long long t[5][2];
	struct conf_resource cr;
	struct resource *r;
	const char *log;
	int i, n, off = 0, used;

	snprintf(body, sizeof(body),
		 "echo \"$1 start $(date +%%s%%N)\" >>'%s/marks'\n"
		 "sleep 0.2\n"
		 "echo \"$1 end $(date +%%s%%N)\" >>'%s/marks'", cu_dir, cu_dir);
	conf_init(&cr, "q", CONF_RTYPE_SCRIPT,
		  cu_write_prog(path, sizeof(path), "q.sh", body, 0755));
	r = resource_new(cu_ev, &cr, "web", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	n_seen = 0;
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(resource_run(r, order[i], &ctx, 100 + i, on_done, NULL), 0);
	CU_ASSERT_EQUAL(n_seen, 0);
	wait_seen(5, 60);
	CU_ASSERT_EQUAL_FATAL(n_seen, 5);
	for (i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(seen[i].token, 100 + (uint64_t)i);
		CU_ASSERT_EQUAL(seen[i].r.action, order[i]);
		CU_ASSERT(seen[i].r.ok);
	}
	/* marks: start, end of each, in order; each start after the end
	 * before it */
	log = cu_read_back("marks");
	for (i = 0; i < 10; i++) {
		char what[8];
		unsigned long long v;

		n = sscanf(log + off, "%15s %7s %llu\n%n", act[i / 2], what, &v, &used);
		CU_ASSERT_EQUAL_FATAL(n, 3);
		off += used;
		CU_ASSERT_STRING_EQUAL(act[i / 2], resource_action_str(order[i / 2]));
		CU_ASSERT_STRING_EQUAL(what, i % 2 ? "end" : "start");
		t[i / 2][i % 2] = v;
	}
	for (i = 0; i < 5; i++) {
		CU_ASSERT(t[i][0] <= t[i][1]);
		if (i > 0)
			CU_ASSERT(t[i - 1][1] <= t[i][0]);
	}
	resource_free(r);
}

static void test_timeout_cancel(void)
{
	char path[256], err[256] = "";
	struct conf_resource cr;
	struct resource *r;

	conf_init(&cr, "slow", CONF_RTYPE_SCRIPT,
		  cu_write_prog(path, sizeof(path), "slow.sh", "echo \"$1 begun\"; sleep 30", 0755));
	cr.timeout_us = 300000;
	r = resource_new(cu_ev, &cr, "web", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(resource_timeout(r, RESOURCE_STOP), 300000ULL);
	n_seen = 0;
	resource_run(r, RESOURCE_START, &ctx, 1, on_done, NULL);
	wait_seen(1, 30);
	CU_ASSERT_EQUAL_FATAL(n_seen, 1);
	CU_ASSERT_FALSE(seen[0].r.ok);
	CU_ASSERT_EQUAL(seen[0].r.ocf_rc, -1);
	CU_ASSERT_EQUAL(seen[0].r.script.status, SCRIPT_TIMEOUT);
	CU_ASSERT_STRING_EQUAL(seen[0].r.script.last_line, "start begun");
	CU_ASSERT_EQUAL(resource_stats(r)->timeouts, 1);
	resource_free(r);

	/* Cancel: a running one is killed, a queued one dropped (without
	 * running), the one after still runs. */
	cr.timeout_us = 30000000;
	r = resource_new(cu_ev, &cr, "web", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	n_seen = 0;
	resource_run(r, RESOURCE_PROMOTE, &ctx, 1, on_done, NULL);
	resource_run(r, RESOURCE_MONITOR, &ctx, 2, on_done, NULL);
	resource_run(r, RESOURCE_DEMOTE, &ctx, 3, on_done, NULL);
	cu_loop_for(200);
	CU_ASSERT_EQUAL(n_seen, 0);
	resource_cancel(r, 2);
	resource_cancel(r, 77);       /* unknown: nothing */
	CU_ASSERT_EQUAL(n_seen, 0);   /* reported from the loop */
	wait_seen(1, 10);
	CU_ASSERT_EQUAL_FATAL(n_seen, 1);
	CU_ASSERT_EQUAL(seen[0].token, 2);
	CU_ASSERT_FALSE(seen[0].r.ok);
	CU_ASSERT_EQUAL(seen[0].r.script.status, SCRIPT_CANCELLED);
	resource_cancel(r, 1);
	wait_seen(2, 20);
	CU_ASSERT_EQUAL_FATAL(n_seen, 2);
	CU_ASSERT_EQUAL(seen[1].token, 1);
	CU_ASSERT_EQUAL(seen[1].r.script.status, SCRIPT_CANCELLED);
	CU_ASSERT_STRING_EQUAL(seen[1].r.script.last_line, "promote begun");
	/* demote is running now */
	cu_loop_for(200);
	CU_ASSERT(resource_busy(r));
	CU_ASSERT_EQUAL(resource_stats(r)->runs[RESOURCE_MONITOR], 0);
	CU_ASSERT_PTR_NULL(resource_last(r, RESOURCE_MONITOR));
	/* free from inside done, with demote still running (it is killed
	 * and never reported) */
	resource_run(r, RESOURCE_STOP, &ctx, 4, on_done, NULL);
	resource_cancel(r, 4);
	free_in_done = r;
	wait_seen(3, 10);
	CU_ASSERT_EQUAL(n_seen, 3);
	CU_ASSERT_PTR_NULL(free_in_done);
	cu_loop_for(100);
	CU_ASSERT_EQUAL(n_seen, 3);
}

static void test_refused(void)
{
	char path[256], err[256] = "";
	struct conf_resource cr;
	struct resource *r;

	conf_init(&cr, "x", CONF_RTYPE_SCRIPT, "/nonexistent/hamgr-test");
	CU_ASSERT_PTR_NULL(resource_new(cu_ev, &cr, "web", err, sizeof(err)));
	CU_ASSERT(strstr(err, "No such file") != NULL);
	conf_init(&cr, "x", CONF_RTYPE_SCRIPT,
		  cu_write_prog(path, sizeof(path), "noexec.sh", "exit 0", 0644));
	CU_ASSERT_PTR_NULL(resource_new(cu_ev, &cr, "web", err, sizeof(err)));
	CU_ASSERT(strstr(err, "Permission denied") != NULL);
	conf_init(&cr, "x", CONF_RTYPE_SCRIPT, "relative/path");
	CU_ASSERT_PTR_NULL(resource_new(cu_ev, &cr, "web", err, sizeof(err)));
	conf_init(&cr, "x", CONF_RTYPE_SCRIPT, "heartbeat:Dummy"); /* ocf only */
	CU_ASSERT_PTR_NULL(resource_new(cu_ev, &cr, "web", err, sizeof(err)));
	conf_init(&cr, "x", CONF_RTYPE_OCF, "../x:Dummy");
	CU_ASSERT_PTR_NULL(resource_new(cu_ev, &cr, "web", err, sizeof(err)));
	conf_init(&cr, "x", CONF_RTYPE_SCRIPT,
		  cu_write_prog(path, sizeof(path), "ok.sh", "exit 0", 0755));
	add_param(&cr, "%s", "no-equals");
	CU_ASSERT_PTR_NULL(resource_new(cu_ev, &cr, "web", err, sizeof(err)));
	CU_ASSERT(strstr(err, "no-equals") != NULL);
	cr.n_params = 0;
	add_param(&cr, "%s", "bad-name=1");
	CU_ASSERT_PTR_NULL(resource_new(cu_ev, &cr, "web", err, sizeof(err)));

	/* gone after resource_new: reported through done */
	cr.n_params = 0;
	r = resource_new(cu_ev, &cr, "web", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	unlink(path);
	n_seen = 0;
	resource_run(r, RESOURCE_START, &ctx, 5, on_done, NULL);
	wait_seen(1, 10);
	CU_ASSERT_EQUAL_FATAL(n_seen, 1);
	CU_ASSERT_FALSE(seen[0].r.ok);
	CU_ASSERT_EQUAL(seen[0].r.script.status, SCRIPT_SPAWN_FAILED);
	CU_ASSERT_EQUAL(seen[0].r.script.code, ENOENT);
	CU_ASSERT_EQUAL(resource_stats(r)->failures[RESOURCE_START], 1);
	resource_free(r);
}

/* A fake agent under a temporary OCF_ROOT: meta-data from a file, every
 * other action records its argv and OCF/HAMGR environment. */
static void write_agent(const char *root, const char *meta_body)
{
	char path[256], body[1024], prog[256], rel[32];

	snprintf(path, sizeof(path), "%s/resource.d", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/resource.d/test", root);
	mkdir(path, 0755);
	snprintf(body, sizeof(body),
		 "case $1 in\n"
		 "meta-data) %s ;;\n"
		 "*) { echo \"argv $# $1\"; env | grep -E '^(HAMGR|OCF)_' | sort; } "
		 ">'%s/agent.out'; exit 0 ;;\n"
		 "esac", meta_body, cu_dir);
	snprintf(rel, sizeof(rel), "ocf/resource.d/test/fake");
	cu_write_prog(prog, sizeof(prog), rel, body, 0755);
}

#define META_HEAD "<?xml version=\"1.0\"?>\n<resource-agent name=\"fake\">\n<actions>\n" \
	"<action name=\"start\" timeout=\"7s\"/>\n<action name=\"monitor\" timeout=\"1500ms\"/>\n"

static void test_ocf_fake(void)
{
	char root[128], err[256] = "", body[512];
	struct conf_resource cr;
	struct resource *r;
	const char *env;
	uint64_t t0;

	snprintf(root, sizeof(root), "%s/ocf", cu_dir);
	mkdir(root, 0755);
	setenv("OCF_ROOT", root, 1);
	/* promotable */
	snprintf(body, sizeof(body), "printf '%s%s'",
		 META_HEAD, "<action name=\"promote\" timeout=\"2min\"/>\n</actions>\n</resource-agent>\n");
	write_agent(root, body);
	conf_init(&cr, "db", CONF_RTYPE_OCF, "test:fake");
	add_param(&cr, "foo=%s", "bar baz");
	add_param(&cr, "state=%s", "/x");
	r = resource_new(cu_ev, &cr, "web", err, sizeof(err));
	if (!r)
		printf("\nresource_new: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(resource_promotable(r));
	CU_ASSERT_EQUAL(resource_timeout(r, RESOURCE_START), 7000000ULL);
	CU_ASSERT_EQUAL(resource_timeout(r, RESOURCE_MONITOR), 1500000ULL);
	CU_ASSERT_EQUAL(resource_timeout(r, RESOURCE_PROMOTE), 120000000ULL);
	CU_ASSERT_EQUAL(resource_timeout(r, RESOURCE_STOP), 30000000ULL); /* not listed */
	n_seen = 0;
	resource_run(r, RESOURCE_START, &ctx, 1, on_done, NULL);
	wait_seen(1, 30);
	CU_ASSERT(n_seen == 1 && seen[0].r.ok);
	env = cu_read_back("agent.out");
	CU_ASSERT(has_line(env, "argv 1 start"));
	snprintf(body, sizeof(body), "OCF_ROOT=%s", root);
	CU_ASSERT(has_line(env, body));
	CU_ASSERT(has_line(env, "OCF_RESOURCE_INSTANCE=db"));
	CU_ASSERT(has_line(env, "OCF_RESOURCE_TYPE=fake"));
	CU_ASSERT(has_line(env, "OCF_RESOURCE_PROVIDER=test"));
	CU_ASSERT(has_line(env, "OCF_RESKEY_foo=bar baz"));
	CU_ASSERT(has_line(env, "OCF_RESKEY_state=/x"));
	CU_ASSERT(has_line(env, "OCF_RESKEY_CRM_meta_timeout=7000"));
	CU_ASSERT(has_line(env, "OCF_RESKEY_CRM_meta_promotable=true"));
	CU_ASSERT(has_line(env, "HAMGR_ACTION=start"));
	CU_ASSERT(has_line(env, "HAMGR_RESOURCE=db"));
	CU_ASSERT(has_line(env, "HAMGR_STATE=MASTER"));
	CU_ASSERT(strstr(env, "HAMGR_PARAM_") == NULL);
	resource_free(r);

	/* not promotable (promote only in a comment); config timeout wins */
	snprintf(body, sizeof(body), "printf '%s%s'", META_HEAD,
		 "<!-- <action name=\"promote\"/> -->\n</actions>\n</resource-agent>\n");
	write_agent(root, body);
	snprintf(cr.script, sizeof(cr.script), "%s/resource.d/test/fake", root); /* absolute */
	cr.timeout_us = 4000000;
	r = resource_new(cu_ev, &cr, "web", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_FALSE(resource_promotable(r));
	CU_ASSERT_EQUAL(resource_timeout(r, RESOURCE_START), 4000000ULL);
	n_seen = 0;
	resource_run(r, RESOURCE_STOP, &ctx, 1, on_done, NULL);
	wait_seen(1, 30);
	env = cu_read_back("agent.out");
	CU_ASSERT(has_line(env, "OCF_RESKEY_CRM_meta_timeout=4000"));
	CU_ASSERT(has_line(env, "OCF_RESOURCE_PROVIDER=test"));
	CU_ASSERT(strstr(env, "CRM_meta_promotable") == NULL);
	resource_free(r);

	/* unusable meta-data: refused */
	cr.timeout_us = 0;
	write_agent(root, "echo 'usage: fake {start|stop}'; exit 0");
	CU_ASSERT_PTR_NULL(resource_new(cu_ev, &cr, "web", err, sizeof(err)));
	CU_ASSERT(strstr(err, "no <resource-agent>") != NULL);
	write_agent(root, "echo broken >&2; exit 5");
	CU_ASSERT_PTR_NULL(resource_new(cu_ev, &cr, "web", err, sizeof(err)));
	CU_ASSERT(strstr(err, "exit 5 (not installed)") != NULL);
	/* a meta-data that hangs is given up, bounded */
	write_agent(root, "sleep 30");
	t0 = monotime_us();
	CU_ASSERT_PTR_NULL(resource_new(cu_ev, &cr, "web", err, sizeof(err)));
	CU_ASSERT(strstr(err, "timed out") != NULL);
	CU_ASSERT(monotime_us() - t0 < 20000000);
	unsetenv("OCF_ROOT");
}

/* Debian's resource-agents: the real Dummy through start, monitor, stop,
 * monitor. */
static void test_ocf_dummy(void)
{
	static const struct {
		enum resource_action a;
		int rc;
	} steps[] = {
		{ RESOURCE_START, 0 }, { RESOURCE_MONITOR, 0 },
		{ RESOURCE_STOP, 0 }, { RESOURCE_MONITOR, 7 },
	};
	char err[256] = "", state[128];
	struct conf_resource cr;
	struct resource *r;
	size_t i;

	if (access(DUMMY, X_OK) < 0) {
		printf("\n  note: %s missing (Debian package resource-agents): not run\n", DUMMY);
		return;
	}
	unsetenv("OCF_ROOT");
	snprintf(state, sizeof(state), "%s/dummy.state", cu_dir);
	conf_init(&cr, "dummy", CONF_RTYPE_OCF, "heartbeat:Dummy");
	add_param(&cr, "state=%s", state);
	r = resource_new(cu_ev, &cr, "web", err, sizeof(err));
	if (!r)
		printf("\nresource_new: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_FALSE(resource_promotable(r));
	CU_ASSERT_EQUAL(resource_timeout(r, RESOURCE_START), 20000000ULL);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		n_seen = 0;
		resource_run(r, steps[i].a, &ctx, i, on_done, NULL);
		wait_seen(1, 60);
		CU_ASSERT_EQUAL_FATAL(n_seen, 1);
		if (seen[0].r.ocf_rc != steps[i].rc)
			printf("\nDummy %s: exit %d, expected %d: %s\n",
			       resource_action_str(steps[i].a), seen[0].r.ocf_rc, steps[i].rc,
			       seen[0].r.script.last_line);
		CU_ASSERT_EQUAL(seen[0].r.ocf_rc, steps[i].rc);
		CU_ASSERT(seen[0].r.ok);
		CU_ASSERT_EQUAL(access(state, F_OK) == 0, i < 2);
	}
	resource_free(r);
}

static CU_TestInfo tests[] = {
	{ "script: environment, argv, last, stats", test_script_env },
	{ "ok per action and exit code", test_ok_semantics },
	{ "queue: one at a time, in order", test_queue },
	{ "timeout, cancel, free from done", test_timeout_cancel },
	{ "refused programs and params, spawn failure", test_refused },
	{ "ocf: fake agent, meta-data, environment", test_ocf_fake },
	{ "ocf: Debian's Dummy agent", test_ocf_dummy },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "resource", suite_init, cu_child_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites);
