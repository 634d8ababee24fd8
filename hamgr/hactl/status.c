/* hactl status [--json] [INSTANCE]: the node, its conntrack-sync line, one
 * row per instance, then detail lines (alarms, standby, link, master,
 * priority and FAULT causes, VIPs, the takeover pipeline, resources,
 * tracks, peers, announcing nodes, reason). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "call.h"
#include "cli.h"
#include "detail.h"
#include "json.h"
#include "out.h"

static const char *vip_word(int present, const char *state)
{
	if (present < 0)
		return "unknown";
	if (present)
		return strcmp(state, "MASTER") ? "present (unexpected: not master)" : "present";
	return strcmp(state, "MASTER") ? "absent" : "MISSING";
}

/* hamgr nodes that announce themselves: name, address, state, priority. */
static void status_nodes(struct json_object *nodes)
{
	char a[32], f[96];
	size_t i;

	for (i = 0; i < jlen(nodes); i++) {
		struct json_object *n = jidx(nodes, i);

		out_detail("node", "%s %s %s priority %lld/%lld%s, seen %s ago",
			   jstr(n, "node", "?"), jstr(n, "address", "?"), jstr(n, "state", "?"),
			   jint(n, "priority", -1), jint(n, "effective_priority", -1),
			   detail_node_flags(n, f, sizeof(f)),
			   out_ms(jdbl(n, "last_seen_ms", -1), a, sizeof(a)));
	}
}

static void status_peers(struct json_object *peers)
{
	char a[32], b[32], c[32];
	size_t i;

	for (i = 0; i < jlen(peers); i++) {
		struct json_object *p = jidx(peers, i);

		out_detail("peer", "%s priority %lld, seen %s ago, interval %s, jitter %s",
			   jstr(p, "address", "?"), jint(p, "priority", -1),
			   out_ms(jdbl(p, "last_seen_ms", -1), a, sizeof(a)),
			   out_interval(jdbl(p, "interval_ms", -1), b, sizeof(b)),
			   out_ms(jdbl(p, "jitter_ms", -1), c, sizeof(c)));
	}
	if (!jlen(peers))
		out_detail("peer", "none heard in the last 60 s");
}

/* Protocol "hamgr"'s heartbeat paths: which ones still carry heartbeats. */
static void status_paths(struct json_object *paths)
{
	char a[32];
	size_t i;

	for (i = 0; jlen(paths) > 1 && i < jlen(paths); i++) {
		struct json_object *p = jidx(paths, i);

		if (jget(p, "last_heard_ms"))
			out_detail("path", "%s heard %s ago, %lld heartbeats", jstr(p, "interface", "?"),
				   out_ms(jdbl(p, "last_heard_ms", -1), a, sizeof(a)),
				   jint(p, "received", 0));
		else
			out_detail("path", "%s never heard", jstr(p, "interface", "?"));
	}
}

/* How the instance takes over: the pipeline, each resource, each track. */
static void status_takeover(struct json_object *in)
{
	struct json_object *res = jget(in, "resources"), *tracks = jget(in, "tracks");
	char buf[1024];
	size_t i;

	if (detail_pipeline(in, buf, sizeof(buf)))
		out_detail("pipeline", "%s", buf);
	for (i = 0; i < jlen(res); i++)
		out_detail("resource", "%s", detail_resource(jidx(res, i), buf, sizeof(buf)));
	for (i = 0; i < jlen(tracks); i++)
		out_detail("track", "%s", detail_track(jidx(tracks, i), buf, sizeof(buf)));
}

static void status_details(struct json_object *in)
{
	const char *state = jstr(in, "state", "?");
	struct json_object *vips = jget(in, "vips");
	struct json_object *alarms = jget(in, "alarms");
	char buf[512];
	size_t i;

	for (i = 0; i < jlen(alarms); i++)
		out_detail("alarm", "%s", detail_alarm(jidx(alarms, i), buf, sizeof(buf)));
	if (jbool(in, "standby") == 1)
		out_detail("standby", "on: will not take the master role (hactl active %s ends it)",
			   jstr(in, "name", "?"));
	if (jbool(in, "link_up") == 0)
		out_detail("link", "%s is down", jstr(in, "interface", "?"));
	if (detail_master(in, buf, sizeof(buf)))
		out_detail("master", "%s", buf);
	if (detail_priority(in, buf, sizeof(buf)))
		out_detail("priority", "%s", buf);
	if (detail_fault(in, buf, sizeof(buf)))
		out_detail("fault", "%s", buf);
	for (i = 0; i < jlen(vips); i++) {
		struct json_object *v = jidx(vips, i);

		out_detail("vip", "%s %s", jstr(v, "address", "?"),
			   vip_word(jbool(v, "present"), state));
	}
	status_takeover(in);
	status_peers(jget(in, "peers"));
	status_paths(jget(in, "paths"));
	status_nodes(jget(in, "nodes"));
	if (jstr(in, "reason", NULL) && jstr(in, "reason", "")[0])
		out_detail("reason", "%s", jstr(in, "reason", ""));
}

static void status_human(struct json_object *res, const char *only)
{
	struct json_object *insts = jget(res, "instances");
	struct detail_widths w;
	char up[32], hdr[1024];
	size_t i, n = 0;

	snprintf(hdr, sizeof(hdr), "node %s: hamgr %s, pid %lld, up %s, config %s",
		 jstr(res, "node", "?"), jstr(res, "version", "?"), jint(res, "pid", -1),
		 out_ms(jdbl(res, "uptime_ms", -1), up, sizeof(up)), jstr(res, "config", "?"));
	{
		struct json_object *rt = jget(res, "realtime");
		size_t l = strlen(hdr);

		if (rt && !strcmp(jstr(rt, "policy", ""), "fifo"))
			snprintf(hdr + l, sizeof(hdr) - l, ", realtime FIFO %lld%s",
				 jint(rt, "priority", 0),
				 jbool(rt, "memory_locked") == 1 ? ", memory locked" : "");
		else if (rt && jint(rt, "priority", 0) > 0)
			snprintf(hdr + l, sizeof(hdr) - l, ", realtime %lld failed: %s",
				 jint(rt, "priority", 0), jstr(rt, "error", "?"));
	}
	out_wrap(0, 4, hdr);
	if (detail_ctsync(jget(res, "conntrack_sync"), hdr, sizeof(hdr)))
		out_detail("ctsync", "%s", hdr);
	detail_widths(insts, &w);
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i);

		if (only && strcmp(jstr(in, "name", ""), only))
			continue;
		if (n++ == 0)
			puts(detail_header(&w, hdr, sizeof(hdr)));
		puts(detail_row(in, &w, hdr, sizeof(hdr)));
		status_details(in);
	}
	if (!n)
		printf("no instances%s%s\n", only ? " named " : " configured", only ? only : "");
}

int hactl_status(const struct hactl *h, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' }, { "help", no_argument, NULL, 'h' }, { 0 }
	};
	struct ctlmsg_answer ans;
	const char *only;
	bool json = false;
	int c, rc;

	while ((c = cli_subopt(argc, argv, "jh", lo)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'h')
			return cli_usage(stdout), 0;
		else
			return HACTL_EXIT_USAGE;
	}
	if ((rc = cli_positional(argc, argv, 0, 1)))
		return rc;
	only = optind < argc ? argv[optind] : NULL;
	if ((rc = call_ok(h, CTLCMD_STATUS, call_args_instance(only), &ans)))
		return rc;
	if (json)
		jprint(ans.result);
	else
		status_human(ans.result, only);
	ctlmsg_answer_free(&ans);
	return 0;
}
