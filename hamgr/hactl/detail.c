/* detail: hactl status's lines about the takeover pipeline, resources,
 * tracks, priority and FAULT causes, from the status JSON. */
#include "detail.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "json.h"
#include "out.h"

/* A duration member as out_ms() writes it (its own buffer per call site). */
static const char *dur(struct json_object *o, const char *k, char *buf, size_t len)
{
	return out_ms(jdbl(o, k, -1), buf, len);
}

/* ---- the table ----------------------------------------------------------- */

/* The columns after the name and the interface, and the room left for
 * the master's address (an IPv4 address whole). */
#define ROW_FIXED (6 + 7 + 4 + 5 + 8 + 8 + 5 + 9 /* blanks */)
#define ROW_MASTER 15
#define ROW_IFACE_MAX 15        /* IFNAMSIZ - 1 */

void detail_widths(struct json_object *insts, struct detail_widths *w)
{
	int l, cap;
	size_t i;

	w->name = 8;            /* "INSTANCE" */
	w->iface = 5;           /* "IFACE" */
	for (i = 0; i < jlen(insts); i++) {
		l = (int)strlen(jstr(jidx(insts, i), "interface", "?"));
		if (l > w->iface)
			w->iface = l > ROW_IFACE_MAX ? ROW_IFACE_MAX : l;
	}
	cap = OUT_WIDTH - ROW_FIXED - w->iface - ROW_MASTER;
	for (i = 0; i < jlen(insts); i++) {
		l = (int)strlen(jstr(jidx(insts, i), "name", "?"));
		if (l > w->name)
			w->name = l > cap ? cap : l;
	}
}

const char *detail_header(const struct detail_widths *w, char *buf, size_t len)
{
	snprintf(buf, len, "%-*s %-6s %7s %4s %-*s %-5s %8s %8s %5s %s", w->name, "INSTANCE",
		 "STATE", "PRIO", "VRID", w->iface, "IFACE", "PROTO", "INTERVAL", "IN STATE",
		 "TRANS", "MASTER");
	return buf;
}

/* The MASTER column: "self", the master's address, or "-". */
static const char *master_cell(struct json_object *in)
{
	struct json_object *m = jget(in, "master");

	if (!m)
		return "-";
	if (jbool(m, "self") == 1)
		return "self";
	return jstr(m, "address", "?");
}

const char *detail_row(struct json_object *in, const struct detail_widths *w, char *buf,
		       size_t len)
{
	const char *name = jstr(in, "name", "?");
	char prio[16], ivl[32], since[32];
	struct out_buf b;
	size_t row;
	int used;

	out_buf_init(&b, buf, len);
	if ((int)strlen(name) > w->name) {
		out_buf_add(&b, "%s\n", name);
		name = "";
	}
	row = b.off;
	snprintf(prio, sizeof(prio), "%lld/%lld", jint(in, "priority", -1),
		 jint(in, "effective_priority", -1));
	out_buf_add(&b, "%-*s %-6s %7s %4lld %-*.*s %-5s %8s %8s %5lld ", w->name, name,
	       jstr(in, "state", "?"), prio, jint(in, "vrid", -1), w->iface, w->iface,
	       jstr(in, "interface", "?"), jstr(in, "protocol", "?"),
	       out_interval(jdbl(in, "advert_interval_ms", -1), ivl, sizeof(ivl)),
	       dur(in, "time_in_state_ms", since, sizeof(since)), jint(in, "transitions", -1));
	/* The master's address is the last column: cut it rather than go
	 * past OUT_WIDTH; the "master" detail line has it whole. */
	used = (int)(b.off - row);
	out_buf_add(&b, "%.*s", OUT_WIDTH - used > 1 ? OUT_WIDTH - used : 1, master_cell(in));
	return buf;
}

/* ---- the master, priority and FAULT -------------------------------------- */

/* "ADDR (NODE)" or "ADDR" of o (a master object). */
static void who(struct out_buf *b, struct json_object *o)
{
	out_buf_add(b, "%s", jstr(o, "address", "?"));
	if (jstr(o, "node", NULL))
		out_buf_add(b, " (%s)", jstr(o, "node", ""));
}

const char *detail_master(struct json_object *in, char *buf, size_t len)
{
	struct json_object *m = jget(in, "master"), *r = jget(in, "released_master");
	char d[32], e[32];
	struct out_buf b;

	out_buf_init(&b, buf, len);
	if (m) {
		if (jbool(m, "self") == 1)
			return NULL;
		who(&b, m);
		out_buf_add(&b, " priority %lld", jint(m, "priority", -1));
	} else if (r) {
		out_buf_add(&b, "none: ");
		who(&b, r);
		out_buf_add(&b, " released %s ago", dur(r, "ago_ms", d, sizeof(d)));
		if (jdbl(r, "takeover_in_ms", -1) >= 0)
			out_buf_add(&b, "; this node takes over in %s unless another does",
			       dur(r, "takeover_in_ms", e, sizeof(e)));
		else
			out_buf_add(&b, " and nobody took over");
	} else if (!strcmp(jstr(in, "state", ""), "BACKUP")) {
		out_buf_add(&b, "none heard for %s", dur(in, "time_in_state_ms", d, sizeof(d)));
	} else {
		return NULL;
	}
	return buf;
}

const char *detail_priority(struct json_object *in, char *buf, size_t len)
{
	struct json_object *causes = jget(in, "priority_causes");
	long long conf = jint(in, "priority", -1), sum = conf;
	bool standby = jbool(in, "standby") == 1, hold = jdbl(in, "holdoff_ms", -1) >= 0;
	char d[32];
	struct out_buf b;
	size_t i;

	if (!jlen(causes) && !standby && !hold)
		return NULL;
	out_buf_init(&b, buf, len);
	if (standby)
		out_buf_add(&b, "0 in standby; otherwise ");
	else if (hold)
		out_buf_add(&b, "0 for another %s: hold-off after giving up; otherwise ",
		       dur(in, "holdoff_ms", d, sizeof(d)));
	if (!jlen(causes)) {
		out_buf_add(&b, "%lld", conf);
		return buf;
	}
	out_buf_add(&b, "%lld = %lld", jint(in, "tracked_priority", -1), conf);
	for (i = 0; i < jlen(causes); i++) {
		struct json_object *c = jidx(causes, i);
		long long w = jint(c, "weight", 0);

		out_buf_add(&b, " %c %lld (track %s down)", w < 0 ? '-' : '+', llabs(w),
		       jstr(c, "track", "?"));
		sum += w;
	}
	if (sum != jint(in, "tracked_priority", -1))
		out_buf_add(&b, ", kept within 1..254");
	return buf;
}

const char *detail_fault(struct json_object *in, char *buf, size_t len)
{
	struct json_object *causes = jget(in, "fault_causes");
	const char *ifname = jstr(in, "interface", "?");
	struct out_buf b;
	size_t i;

	if (!jlen(causes))
		return NULL;
	out_buf_init(&b, buf, len);
	for (i = 0; i < jlen(causes); i++) {
		struct json_object *c = jidx(causes, i);
		const char *s = json_object_is_type(c, json_type_string) ?
				json_object_get_string(c) : "?";

		out_buf_add(&b, "%s", i ? ", " : "FAULT while ");
		if (!strcmp(s, "link") && !jget(in, "primary_address"))
			out_buf_add(&b, "%s has no address to send from", ifname);
		else if (!strcmp(s, "link"))
			out_buf_add(&b, "%s is down", ifname);
		else if (!strncmp(s, "track ", 6))
			out_buf_add(&b, "%s is down (weight 0)", s);
		else if (!strcmp(s, "quorum") && jget(in, "quorum"))
			out_buf_add(&b, "no quorum (%s)", jstr(jget(in, "quorum"), "detail", "?"));
		else
			out_buf_add(&b, "%s", s);
	}
	return buf;
}

/* ---- the pipeline ------------------------------------------------------- */

/* What a step does in one direction: promote/demote for a resource that
 * promotes, start/stop for one that does not. */
static const char *step_verb(struct json_object *in, struct json_object *s, bool start)
{
	const char *kind = jstr(s, "kind", "");

	if (!strcmp(kind, "vips"))
		return start ? "add" : "remove";
	if (!strcmp(kind, "conntrack"))
		return start ? "commit" : "stop";
	if (jbool(jnamed(in, "resources", jstr(s, "name", "")), "promotable") == 1)
		return start ? "promote" : "demote";
	return start ? "start" : "stop";
}

/* One step for the pipeline line; false when there is nothing to say (a
 * step down that never ran). */
static bool step_phrase(struct out_buf *b, struct json_object *in, struct json_object *s,
			bool first)
{
	const char *name = jstr(s, "name", "?"), *state = jstr(s, "state", "?");
	int ok = jbool(s, "last_ok");
	char d[32];

	if (jdbl(s, "running_ms", -1) < 0 && ok < 0 && strcmp(state, "up"))
		return false;
	out_buf_add(b, "%s%s ", first ? "" : ", ", name);
	if (jdbl(s, "running_ms", -1) >= 0)
		out_buf_add(b, "%s running %s", step_verb(in, s, !strcmp(state, "starting")),
		       dur(s, "running_ms", d, sizeof(d)));
	else if (!strcmp(jstr(s, "kind", ""), "vips") || ok < 0)
		out_buf_add(b, "%s", state);
	else
		out_buf_add(b, "%s %s %s",
		       step_verb(in, s, !strcmp(jstr(s, "last_action", ""), "start")),
		       ok ? "ok" : "FAILED", dur(s, "duration_ms", d, sizeof(d)));
	return true;
}

const char *detail_pipeline(struct json_object *in, char *buf, size_t len)
{
	struct json_object *p = jget(in, "pipeline"), *steps = jget(p, "steps");
	const char *state = jstr(p, "state", "?");
	long long n;
	bool any = false;
	char d[32];
	struct out_buf b;
	size_t i;

	/* The VIP step alone: the vip lines say it all. */
	if (jlen(steps) < 2)
		return NULL;
	out_buf_init(&b, buf, len);
	if (!strcmp(state, "gate")) {
		i = 0;
		while (i < jlen(steps) && !strcmp(jstr(jidx(steps, i), "state", ""), "up"))
			i++;
		out_buf_add(&b, "waiting up to %s for a peer to confirm before %s",
		       dur(p, "gate_ms", d, sizeof(d)), jstr(jidx(steps, i), "name", "?"));
	} else {
		out_buf_add(&b, "%s", !strcmp(state, "acquiring") ? "taking over" : state);
	}
	for (i = 0; i < jlen(steps); i++) {
		size_t mark = b.off;

		out_buf_add(&b, "%s", any ? "" : ": ");
		if (step_phrase(&b, in, jidx(steps, i), !any))
			any = true;
		else
			b.p[b.off = mark] = '\0';
	}
	if (!any && !strcmp(state, "released"))
		out_buf_add(&b, ": nothing taken over since start");
	if ((n = jint(p, "timeouts", 0)) > 0)
		out_buf_add(&b, "; %lld step%s timed out", n, n == 1 ? "" : "s");
	if ((n = jint(p, "stale", 0)) > 0)
		out_buf_add(&b, "; %lld late answer%s ignored", n, n == 1 ? "" : "s");
	return buf;
}

/* ---- alarms --------------------------------------------------------------- */

/* ", 3 times, first 12s ago" from an alarm's count and since_ms; what
 * counts: "time", "announcement". */
static void seen(struct out_buf *b, struct json_object *a, const char *what)
{
	long long n = jint(a, "count", -1);
	char d[32];

	if (n >= 0)
		out_buf_add(b, ", %lld %s%s", n, what, n == 1 ? "" : "s");
	if (jdbl(a, "since_ms", -1) >= 0)
		out_buf_add(b, ", first %s ago", dur(a, "since_ms", d, sizeof(d)));
}

static const char *peer_reason(const char *r)
{
	if (!strcmp(r, "interval_far"))
		return "advert interval far from ours";
	if (!strcmp(r, "other_vrid"))
		return "adverts for another VRID";
	if (!strcmp(r, "auth"))
		return "authentication fails";
	return r;
}

const char *detail_alarm(struct json_object *a, char *buf, size_t len)
{
	const char *kind = jstr(a, "kind", "?");
	struct json_object *re = jget(a, "readded");
	char d[32];
	struct out_buf b;

	out_buf_init(&b, buf, len);
	if (!strcmp(kind, "conflict")) {
		out_buf_add(&b, "CONFLICT on %s: also answered by %s", jstr(a, "vip", "?"),
		       jstr(a, "mac", "?"));
		if (jstr(a, "from", NULL))
			out_buf_add(&b, " (from %s)", jstr(a, "from", ""));
		seen(&b, a, "time");
	} else if (!strcmp(kind, "misconfigured_peer")) {
		out_buf_add(&b, "MISCONFIGURED PEER %s: %s", jstr(a, "peer", "?"),
		       peer_reason(jstr(a, "reason", "?")));
		if (jstr(a, "detail", NULL) && jstr(a, "detail", "")[0])
			out_buf_add(&b, " (%s)", jstr(a, "detail", ""));
		seen(&b, a, "time");
	} else if (!strcmp(kind, "vip_missing")) {
		out_buf_add(&b, "VIP MISSING: %s gone from the interface", jstr(a, "vip", "?"));
		if (jdbl(a, "since_ms", -1) >= 0)
			out_buf_add(&b, " for %s", dur(a, "since_ms", d, sizeof(d)));
		if (jnum_ok(re) && jint(a, "readded", 0) > 0)
			out_buf_add(&b, "; re-added %lld time%s", jint(a, "readded", 0),
			       jint(a, "readded", 0) == 1 ? "" : "s");
		else if (jbool(a, "readded") == 1)
			out_buf_add(&b, "; re-added");
	} else if (!strcmp(kind, "name_clash")) {
		out_buf_add(&b, "node name clash: %s also announces itself as %s", jstr(a, "from", "?"),
		       jstr(a, "node", "?"));
		seen(&b, a, "announcement");
	} else {
		out_buf_add(&b, "ALARM %s", kind);
	}
	return buf;
}

/* ---- resources and tracks ----------------------------------------------- */

/* The most recent action but monitor, or NULL; *name its name. */
static struct json_object *last_action(struct json_object *res, const char **name)
{
	struct json_object *acts = jget(res, "actions"), *best = NULL;
	double best_ago = -1;

	if (!acts || !json_object_is_type(acts, json_type_object))
		return NULL;
	json_object_object_foreach(acts, k, v) {
		double ago = jdbl(v, "ago_ms", 0);

		if (!strcmp(k, "monitor") || (best && ago >= best_ago))
			continue;
		best = v;
		best_ago = ago;
		*name = k;
	}
	return best;
}

const char *detail_resource(struct json_object *res, char *buf, size_t len)
{
	struct json_object *a, *m = jget(res, "monitor");
	const char *act = "?";
	long long n;
	char d[32], e[32];
	struct out_buf b;

	out_buf_init(&b, buf, len);
	out_buf_add(&b, "%s %s%s: ", jstr(res, "name", "?"), jstr(res, "phase", "?"),
	       jbool(res, "promotable") == 0 ? " (start/stop)" : "");
	if (!(a = last_action(res, &act)))
		out_buf_add(&b, "no action yet");
	else if (jbool(a, "ok") == 1)
		out_buf_add(&b, "%s ok %s, %s ago", act, dur(a, "duration_ms", d, sizeof(d)),
		       dur(a, "ago_ms", e, sizeof(e)));
	else
		out_buf_add(&b, "%s FAILED: %s after %s, %s ago%s%s", act, jstr(a, "meaning", "?"),
		       dur(a, "duration_ms", d, sizeof(d)), dur(a, "ago_ms", e, sizeof(e)),
		       jstr(a, "line", NULL) ? ": " : "", jstr(a, "line", ""));
	if (m && jint(m, "rc", -1) >= 0)
		out_buf_add(&b, "; monitor %s (%lld), %s ago", jstr(m, "meaning", "?"),
		       jint(m, "rc", -1), dur(m, "ago_ms", d, sizeof(d)));
	else if (m)
		out_buf_add(&b, "; monitor %s, %s ago", jstr(m, "meaning", "?"),
		       dur(m, "ago_ms", d, sizeof(d)));
	else if (jdbl(res, "monitor_interval_ms", 0) > 0)
		out_buf_add(&b, "; monitor every %s, none yet", dur(res, "monitor_interval_ms", d,
								 sizeof(d)));
	if (jbool(res, "busy") == 1)
		out_buf_add(&b, "; busy");
	if ((n = jint(res, "restarts", 0)) > 0 && jint(res, "restart_window_ms", 0) > 0)
		out_buf_add(&b, "; restarted %lld of %lld, each failure within %s of the last", n,
			    jint(res, "restart_limit", 0), dur(res, "restart_window_ms", d, sizeof(d)));
	else if (n > 0)
		out_buf_add(&b, "; restarted %lld of %lld in a row", n, jint(res, "restart_limit", 0));
	if ((n = jint(res, "failures", 0)) > 0)
		out_buf_add(&b, "; %lld of %lld runs failed", n, jint(res, "runs", 0));
	if ((n = jint(res, "timeouts", 0)) > 0)
		out_buf_add(&b, "; %lld timed out", n);
	return buf;
}

const char *detail_track(struct json_object *t, char *buf, size_t len)
{
	long long w = jint(t, "weight", 0), rc = jint(t, "last_rc", -1), n;
	char d[32];
	struct out_buf b;

	out_buf_init(&b, buf, len);
	out_buf_add(&b, "%s ", jstr(t, "name", "?"));
	if (jbool(t, "known") == 0)
		out_buf_add(&b, "not checked yet");
	else
		out_buf_add(&b, "%s%s%s", jbool(t, "up") == 1 ? "up" : "down",
		       jdbl(t, "since_ms", -1) >= 0 ? " for " : "", jdbl(t, "since_ms", -1) >= 0 ?
		       dur(t, "since_ms", d, sizeof(d)) : "");
	if (jbool(t, "witness") == 1)
		out_buf_add(&b, ", witness (FAULT while down)");
	else
		out_buf_add(&b, ", weight %lld%s", w, !w ? " (FAULT while down)" :
			    jint(t, "applied", 0) ? " applied" : " (not applied)");
	if (jdbl(t, "ago_ms", -1) >= 0) {
		out_buf_add(&b, "; ");
		if (rc > 0)
			out_buf_add(&b, "exit %lld, ", rc);
		out_buf_add(&b, "%s ago%s%s", dur(t, "ago_ms", d, sizeof(d)),
		       jstr(t, "last_line", NULL) ? ": " : "", jstr(t, "last_line", ""));
	}
	if ((n = jint(t, "failures", 0)) > 0)
		out_buf_add(&b, "; %lld of %lld checks failed", n, jint(t, "checks", 0));
	return buf;
}

const char *detail_node_flags(struct json_object *n, char *buf, size_t len)
{
	const char *flags[5];
	size_t k = 0, i;
	struct out_buf b;

	if (jbool(n, "standby") == 1)
		flags[k++] = "standby";
	if (jbool(n, "link_up") == 0)
		flags[k++] = "link down";
	if (jbool(n, "track_fault") == 1)
		flags[k++] = "track fault";
	if (jbool(n, "track_down") == 1)
		flags[k++] = "track down";
	/* A master holds by definition; anyone else still holding is news. */
	if (jbool(n, "held") == 1 && strcmp(jstr(n, "state", ""), "MASTER"))
		flags[k++] = "holding";
	out_buf_init(&b, buf, len);
	for (i = 0; i < k; i++)
		out_buf_add(&b, "%s%s", i ? ", " : " (", flags[i]);
	if (k)
		out_buf_add(&b, ")");
	return buf;
}

/* ---- conntrack-sync ------------------------------------------------------ */

const char *detail_ctsync(struct json_object *c, char *buf, size_t len)
{
	struct json_object *last = jget(c, "last_commit"), *drops = jget(c, "drops");
	bool sender = !strcmp(jstr(c, "role", ""), "sender");
	long long n;
	char d[32];
	struct out_buf b;
	int k = 0;

	if (!c || !json_object_is_type(c, json_type_object))
		return NULL;
	out_buf_init(&b, buf, len);
	out_buf_add(&b, "%s, %lld connection%s %s", sender ? "sender" : "receiver",
		    jint(c, "cached_entries", 0), jint(c, "cached_entries", 0) == 1 ? "" : "s",
		    sender ? "synced" : "cached");
	if ((n = jint(c, "missing", 0)) > 0)
		out_buf_add(&b, ", %lld message%s missing", n, n == 1 ? "" : "s");
	if (jbool(c, "dump_pending") == 1)
		out_buf_add(&b, ", full dump due");
	if (last && json_object_is_type(last, json_type_object))
		out_buf_add(&b, "; last commit %lld entries in %s", jint(last, "entries", 0),
			    dur(last, "duration_ms", d, sizeof(d)));
	else
		out_buf_add(&b, "; no commit yet");
	if ((n = jint(c, "commit_errors", 0)) > 0)
		out_buf_add(&b, ", %lld refused by the kernel", n);
	if (drops && json_object_is_type(drops, json_type_object)) {
		json_object_object_foreach(drops, why, v) {
			if (json_object_get_int64(v) <= 0)
				continue;
			out_buf_add(&b, "%s%s %lld", k++ ? ", " : "; drops: ", why,
				    (long long)json_object_get_int64(v));
		}
	}
	return buf;
}
