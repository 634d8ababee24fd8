/* hactl check [INSTANCE]: this node's instances as a Nagios/Icinga plugin
 * sees them, from the status: one line on stdout and the plugin's exit
 * code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
 *
 * CRITICAL: a conflict alarm; a master without a virtual address (absent
 * while its address step is up, or a vip_missing alarm); no master heard
 * for longer than Master_Down_Interval (a backup, or FAULT with no master
 * announced or advertised either); hamgr not running or not answering.
 * WARNING: standby, a misconfigured_peer or name_clash alarm (or one of a
 * kind this hactl does not know), FAULT while a master is heard, INIT,
 * the hold-off after giving up, a master still taking over. */
#include "check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "call.h"
#include "cli.h"
#include "detail.h"
#include "json.h"
#include "out.h"

/* Long enough for a loaded machine, short enough for the 10 s that
 * check_nrpe and many schedulers give a plugin. */
#define CHECK_TIMEOUT_MS 5000
#define CHECK_MAX_PROBLEMS 32

const char *check_code_str(enum check_code c)
{
	static const char *const s[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

	return (unsigned)c <= CHECK_UNKNOWN ? s[c] : "UNKNOWN";
}

/* The problems found, each with its code; the worst is the verdict. */
struct problems {
	struct {
		enum check_code code;
		char text[256];
	} p[CHECK_MAX_PROBLEMS];
	size_t n;
};

static void __attribute__((format(printf, 4, 5)))
problem(struct problems *ps, enum check_code code, struct json_object *in, const char *fmt, ...)
{
	struct out_buf b;
	va_list ap;

	if (ps->n == CHECK_MAX_PROBLEMS)
		return;
	out_buf_init(&b, ps->p[ps->n].text, sizeof(ps->p[ps->n].text));
	out_buf_add(&b, "%s: ", jstr(in, "name", "?"));
	va_start(ap, fmt);
	if (b.off + 1 < b.len)
		vsnprintf(b.p + b.off, b.len - b.off, fmt, ap);
	va_end(ap);
	ps->p[ps->n++].code = code;
}

/* The alarms (hactl(8), JSON OUTPUT). */
static void check_alarms(struct problems *ps, struct json_object *in)
{
	struct json_object *alarms = jget(in, "alarms");
	size_t i;

	for (i = 0; i < jlen(alarms); i++) {
		struct json_object *a = jidx(alarms, i);
		const char *kind = jstr(a, "kind", "?");

		if (!strcmp(kind, "conflict"))
			problem(ps, CHECK_CRITICAL, in, "conflict on %s with %s", jstr(a, "vip", "?"),
				jstr(a, "mac", "?"));
		else if (!strcmp(kind, "vip_missing"))
			problem(ps, CHECK_CRITICAL, in, "%s missing", jstr(a, "vip", "?"));
		else if (!strcmp(kind, "misconfigured_peer"))
			problem(ps, CHECK_WARNING, in, "misconfigured peer %s (%s)",
				jstr(a, "peer", "?"), jstr(a, "reason", "?"));
		else if (!strcmp(kind, "name_clash"))
			problem(ps, CHECK_WARNING, in, "node name clash: %s also announces itself "
				"as %s", jstr(a, "from", "?"), jstr(a, "node", "?"));
		else
			problem(ps, CHECK_WARNING, in, "alarm %s", kind);
	}
}

/* A vip_missing alarm names vip ("10.0.0.50/24"; the alarm may leave the
 * prefix length out) already. */
static bool alarmed_missing(struct json_object *in, const char *vip)
{
	struct json_object *alarms = jget(in, "alarms");
	size_t i, n = strcspn(vip, "/");

	for (i = 0; i < jlen(alarms); i++) {
		const char *a = jstr(jidx(alarms, i), "vip", "");

		if (!strcmp(jstr(jidx(alarms, i), "kind", ""), "vip_missing") &&
		    !strncmp(a, vip, n) && (a[n] == '\0' || !strcmp(a + n, vip + n)))
			return true;
	}
	return false;
}

/* Is the instance's address step up (or is there no pipeline to say)? */
static bool vips_step_up(struct json_object *in)
{
	struct json_object *steps = jget(jget(in, "pipeline"), "steps");
	size_t i;

	for (i = 0; i < jlen(steps); i++)
		if (!strcmp(jstr(jidx(steps, i), "kind", ""), "vips"))
			return !strcmp(jstr(jidx(steps, i), "state", ""), "up");
	return true;
}

static void check_master(struct problems *ps, struct json_object *in)
{
	struct json_object *vips = jget(in, "vips");
	bool up = vips_step_up(in);
	size_t i;

	for (i = 0; i < jlen(vips); i++) {
		struct json_object *v = jidx(vips, i);
		const char *a = jstr(v, "address", "?");

		if (jbool(v, "present") != 0 || alarmed_missing(in, a))
			continue;
		if (up)
			problem(ps, CHECK_CRITICAL, in, "MASTER without %s", a);
		else
			problem(ps, CHECK_WARNING, in, "MASTER still %s, %s not added yet",
				jstr(jget(in, "pipeline"), "state", "?"), a);
	}
}

/* A master is heard otherwise than as the one followed: a node announces
 * itself MASTER, or a peer advertised within Master_Down_Interval. */
static bool master_heard(struct json_object *in)
{
	struct json_object *nodes = jget(in, "nodes"), *peers = jget(in, "peers");
	double mdi = jdbl(in, "master_down_interval_ms", 0);
	size_t i;

	for (i = 0; i < jlen(nodes); i++)
		if (!strcmp(jstr(jidx(nodes, i), "state", ""), "MASTER"))
			return true;
	for (i = 0; i < jlen(peers); i++)
		if (jint(jidx(peers, i), "priority", 0) > 0 &&
		    jdbl(jidx(peers, i), "last_seen_ms", 1e18) <= mdi)
			return true;
	return false;
}

/* How long a backup or a FAULT instance has been without a master, or -1
 * when it has one or hears one. */
static double no_master_for(struct json_object *in)
{
	struct json_object *r = jget(in, "released_master");

	if (jget(in, "master") || master_heard(in))
		return -1;
	return r ? jdbl(r, "ago_ms", 0) : jdbl(in, "time_in_state_ms", 0);
}

static void check_instance(struct problems *ps, struct json_object *in)
{
	struct json_object *r = jget(in, "released_master");
	const char *state = jstr(in, "state", "?");
	/* A backup that just started takes over within Master_Down_Interval. */
	double mdi = jdbl(in, "master_down_interval_ms", 0), none = no_master_for(in);
	char d[32], f[512];

	check_alarms(ps, in);
	if (!strcmp(state, "MASTER"))
		check_master(ps, in);
	else if (!strcmp(state, "BACKUP") && none > mdi && r)
		problem(ps, CHECK_CRITICAL, in, "no master: %s%s%s%s released %s ago and nobody "
			"took over", jstr(r, "address", "?"), jstr(r, "node", NULL) ? " (" : "",
			jstr(r, "node", ""), jstr(r, "node", NULL) ? ")" : "",
			out_ms(none, d, sizeof(d)));
	else if (!strcmp(state, "BACKUP") && none > mdi)
		problem(ps, CHECK_CRITICAL, in, "no master heard for %s", out_ms(none, d, sizeof(d)));
	else if (!strcmp(state, "FAULT") && none > mdi)
		problem(ps, CHECK_CRITICAL, in, "FAULT and no master heard for %s",
			out_ms(none, d, sizeof(d)));
	else if (!strcmp(state, "FAULT"))
		problem(ps, CHECK_WARNING, in, "%s",
			detail_fault(in, f, sizeof(f)) ? f : "FAULT");
	else if (strcmp(state, "BACKUP"))
		problem(ps, CHECK_WARNING, in, "%s (starting or stopping)", state);
	if (jbool(in, "standby") == 1)
		problem(ps, CHECK_WARNING, in, "standby");
	if (jdbl(in, "holdoff_ms", -1) >= 0)
		problem(ps, CHECK_WARNING, in, "gave the role up, hold-off for another %s",
			out_ms(jdbl(in, "holdoff_ms", 0), d, sizeof(d)));
}

/* "web MASTER 150" or "db BACKUP (master db01)" for the OK line. */
static void summary(struct out_buf *b, struct json_object *in)
{
	struct json_object *m = jget(in, "master");
	const char *state = jstr(in, "state", "?");

	out_buf_add(b, "%s %s", jstr(in, "name", "?"), state);
	if (!strcmp(state, "MASTER"))
		out_buf_add(b, " %lld", jint(in, "effective_priority", -1));
	else if (m)
		out_buf_add(b, " (master %s)", jstr(m, "node", jstr(m, "address", "?")));
	else
		out_buf_add(b, " (waiting for a master)");
}

enum check_code check_status(struct json_object *status, char *buf, size_t len)
{
	struct json_object *insts = jget(status, "instances");
	struct problems ps;
	enum check_code worst = CHECK_OK, c;
	struct out_buf b;
	size_t i;
	bool first = true;

	ps.n = 0;
	for (i = 0; i < jlen(insts); i++)
		check_instance(&ps, jidx(insts, i));
	for (i = 0; i < ps.n; i++)
		if (ps.p[i].code > worst)
			worst = ps.p[i].code;
	out_buf_init(&b, buf, len);
	out_buf_add(&b, "HAMGR %s - ", check_code_str(worst));
	if (worst == CHECK_OK) {
		for (i = 0; i < jlen(insts); i++) {
			out_buf_add(&b, "%s", i ? ", " : "");
			summary(&b, jidx(insts, i));
		}
		if (!jlen(insts))
			out_buf_add(&b, "no instances configured");
		return worst;
	}
	/* Worst first, in instance order within a code. */
	for (c = CHECK_CRITICAL; c >= CHECK_WARNING; c--)
		for (i = 0; i < ps.n; i++)
			if (ps.p[i].code == c) {
				out_buf_add(&b, "%s%s", first ? "" : "; ", ps.p[i].text);
				first = false;
			}
	return worst;
}

static int usage_unknown(void)
{
	printf("HAMGR UNKNOWN - usage: hactl [-s SOCKET] %s\n", ctlcmd_get(CTLCMD_CHECK)->synopsis);
	return CHECK_UNKNOWN;
}

int hactl_check(const struct hactl *h, int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	struct hactl quick = *h;
	struct ctlmsg_answer ans;
	enum check_code code;
	char why[512], line[2048];
	const char *only;
	int c, rc;

	/* A plugin answers UNKNOWN, on stdout, to a command line it cannot
	 * run. */
	while ((c = cli_subopt(argc, argv, "h", lo)) != -1) {
		if (c == 'h')
			return cli_usage(stdout), CHECK_OK;
		return usage_unknown();
	}
	if (cli_positional(argc, argv, 0, 1))
		return usage_unknown();
	only = optind < argc ? argv[optind] : NULL;
	quick.timeout_ms = CHECK_TIMEOUT_MS;
	out_capture(why, sizeof(why));
	rc = call_cmd(&quick, CTLCMD_STATUS, call_args_instance(only), &ans);
	out_capture(NULL, 0);
	if (rc) {
		/* Not running, or no answer: nothing serves from here. Not
		 * allowed on the socket: the check's own set-up is wrong. */
		code = rc == HACTL_EXIT_UNREACHABLE && call_errno() != EACCES &&
		       call_errno() != EPERM ? CHECK_CRITICAL : CHECK_UNKNOWN;
		printf("HAMGR %s - %s\n", check_code_str(code), why);
		return code;
	}
	if (!ans.ok) {
		printf("HAMGR UNKNOWN - %s\n", ans.error);
		ctlmsg_answer_free(&ans);
		return CHECK_UNKNOWN;
	}
	code = check_status(ans.result, line, sizeof(line));
	puts(line);
	ctlmsg_answer_free(&ans);
	return code;
}
