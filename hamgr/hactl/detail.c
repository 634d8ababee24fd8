/* detail: hactl status's lines about the takeover pipeline, resources,
 * tracks, priority and FAULT causes, from the status JSON. */
#include "detail.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "json.h"
#include "out.h"

/* Text appended to a caller's buffer, cut at its end. */
struct sb {
	char *p;
	size_t len, off;
};

static void sb_init(struct sb *b, char *buf, size_t len)
{
	b->p = buf;
	b->len = len;
	b->off = 0;
	if (len)
		buf[0] = '\0';
}

static void __attribute__((format(printf, 2, 3))) sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->off + 1 >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->off, b->len - b->off, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->off += (size_t)n < b->len - b->off ? (size_t)n : b->len - b->off - 1;
}

/* A duration member as out_ms() writes it (its own buffer per call site). */
static const char *dur(struct json_object *o, const char *k, char *buf, size_t len)
{
	return out_ms(jdbl(o, k, -1), buf, len);
}

/* ---- priority and FAULT ------------------------------------------------- */

const char *detail_priority(struct json_object *in, char *buf, size_t len)
{
	struct json_object *causes = jget(in, "priority_causes");
	long long conf = jint(in, "priority", -1), sum = conf;
	bool standby = jbool(in, "standby") == 1, hold = jdbl(in, "holdoff_ms", -1) >= 0;
	char d[32];
	struct sb b;
	size_t i;

	if (!jlen(causes) && !standby && !hold)
		return NULL;
	sb_init(&b, buf, len);
	if (standby)
		sb_add(&b, "0 in standby; otherwise ");
	else if (hold)
		sb_add(&b, "0 for another %s: hold-off after giving up; otherwise ",
		       dur(in, "holdoff_ms", d, sizeof(d)));
	if (!jlen(causes)) {
		sb_add(&b, "%lld", conf);
		return buf;
	}
	sb_add(&b, "%lld = %lld", jint(in, "tracked_priority", -1), conf);
	for (i = 0; i < jlen(causes); i++) {
		struct json_object *c = jidx(causes, i);
		long long w = jint(c, "weight", 0);

		sb_add(&b, " %c %lld (track %s down)", w < 0 ? '-' : '+', llabs(w),
		       jstr(c, "track", "?"));
		sum += w;
	}
	if (sum != jint(in, "tracked_priority", -1))
		sb_add(&b, ", kept within 1..254");
	return buf;
}

const char *detail_fault(struct json_object *in, char *buf, size_t len)
{
	struct json_object *causes = jget(in, "fault_causes");
	const char *ifname = jstr(in, "interface", "?");
	struct sb b;
	size_t i;

	if (!jlen(causes))
		return NULL;
	sb_init(&b, buf, len);
	for (i = 0; i < jlen(causes); i++) {
		struct json_object *c = jidx(causes, i);
		const char *s = json_object_is_type(c, json_type_string) ?
				json_object_get_string(c) : "?";

		sb_add(&b, "%s", i ? ", " : "FAULT while ");
		if (!strcmp(s, "link") && !jget(in, "primary_address"))
			sb_add(&b, "%s has no address to send from", ifname);
		else if (!strcmp(s, "link"))
			sb_add(&b, "%s is down", ifname);
		else if (!strncmp(s, "track ", 6))
			sb_add(&b, "%s is down (weight 0)", s);
		else
			sb_add(&b, "%s", s);
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
static bool step_phrase(struct sb *b, struct json_object *in, struct json_object *s,
			bool first)
{
	const char *name = jstr(s, "name", "?"), *state = jstr(s, "state", "?");
	int ok = jbool(s, "last_ok");
	char d[32];

	if (jdbl(s, "running_ms", -1) < 0 && ok < 0 && strcmp(state, "up"))
		return false;
	sb_add(b, "%s%s ", first ? "" : ", ", name);
	if (jdbl(s, "running_ms", -1) >= 0)
		sb_add(b, "%s running %s", step_verb(in, s, !strcmp(state, "starting")),
		       dur(s, "running_ms", d, sizeof(d)));
	else if (!strcmp(jstr(s, "kind", ""), "vips") || ok < 0)
		sb_add(b, "%s", state);
	else
		sb_add(b, "%s %s %s",
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
	struct sb b;
	size_t i;

	/* The VIP step alone: the vip lines say it all. */
	if (jlen(steps) < 2)
		return NULL;
	sb_init(&b, buf, len);
	if (!strcmp(state, "gate")) {
		i = 0;
		while (i < jlen(steps) && !strcmp(jstr(jidx(steps, i), "state", ""), "up"))
			i++;
		sb_add(&b, "waiting up to %s for a peer to confirm before %s",
		       dur(p, "gate_ms", d, sizeof(d)), jstr(jidx(steps, i), "name", "?"));
	} else {
		sb_add(&b, "%s", !strcmp(state, "acquiring") ? "taking over" : state);
	}
	for (i = 0; i < jlen(steps); i++) {
		size_t mark = b.off;

		sb_add(&b, "%s", any ? "" : ": ");
		if (step_phrase(&b, in, jidx(steps, i), !any))
			any = true;
		else
			b.p[b.off = mark] = '\0';
	}
	if (!any && !strcmp(state, "released"))
		sb_add(&b, ": nothing taken over since start");
	if ((n = jint(p, "timeouts", 0)) > 0)
		sb_add(&b, "; %lld step%s timed out", n, n == 1 ? "" : "s");
	if ((n = jint(p, "stale", 0)) > 0)
		sb_add(&b, "; %lld late answer%s ignored", n, n == 1 ? "" : "s");
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
	struct sb b;

	sb_init(&b, buf, len);
	sb_add(&b, "%s %s%s: ", jstr(res, "name", "?"), jstr(res, "phase", "?"),
	       jbool(res, "promotable") == 0 ? " (start/stop)" : "");
	if (!(a = last_action(res, &act)))
		sb_add(&b, "no action yet");
	else if (jbool(a, "ok") == 1)
		sb_add(&b, "%s ok %s, %s ago", act, dur(a, "duration_ms", d, sizeof(d)),
		       dur(a, "ago_ms", e, sizeof(e)));
	else
		sb_add(&b, "%s FAILED: %s after %s, %s ago%s%s", act, jstr(a, "meaning", "?"),
		       dur(a, "duration_ms", d, sizeof(d)), dur(a, "ago_ms", e, sizeof(e)),
		       jstr(a, "line", NULL) ? ": " : "", jstr(a, "line", ""));
	if (m && jint(m, "rc", -1) >= 0)
		sb_add(&b, "; monitor %s (%lld), %s ago", jstr(m, "meaning", "?"),
		       jint(m, "rc", -1), dur(m, "ago_ms", d, sizeof(d)));
	else if (m)
		sb_add(&b, "; monitor %s, %s ago", jstr(m, "meaning", "?"),
		       dur(m, "ago_ms", d, sizeof(d)));
	else if (jdbl(res, "monitor_interval_ms", 0) > 0)
		sb_add(&b, "; monitor every %s, none yet", dur(res, "monitor_interval_ms", d,
								 sizeof(d)));
	if (jbool(res, "busy") == 1)
		sb_add(&b, "; busy");
	if ((n = jint(res, "failures", 0)) > 0)
		sb_add(&b, "; %lld of %lld runs failed", n, jint(res, "runs", 0));
	if ((n = jint(res, "timeouts", 0)) > 0)
		sb_add(&b, "; %lld timed out", n);
	return buf;
}

const char *detail_track(struct json_object *t, char *buf, size_t len)
{
	long long w = jint(t, "weight", 0), rc = jint(t, "last_rc", -1), n;
	char d[32];
	struct sb b;

	sb_init(&b, buf, len);
	sb_add(&b, "%s ", jstr(t, "name", "?"));
	if (jbool(t, "known") == 0)
		sb_add(&b, "not checked yet");
	else
		sb_add(&b, "%s%s%s", jbool(t, "up") == 1 ? "up" : "down",
		       jdbl(t, "since_ms", -1) >= 0 ? " for " : "", jdbl(t, "since_ms", -1) >= 0 ?
		       dur(t, "since_ms", d, sizeof(d)) : "");
	sb_add(&b, ", weight %lld%s", w, !w ? " (FAULT while down)" :
	       jint(t, "applied", 0) ? " applied" : " (not applied)");
	if (jdbl(t, "ago_ms", -1) >= 0) {
		sb_add(&b, "; ");
		if (rc > 0)
			sb_add(&b, "exit %lld, ", rc);
		sb_add(&b, "%s ago%s%s", dur(t, "ago_ms", d, sizeof(d)),
		       jstr(t, "last_line", NULL) ? ": " : "", jstr(t, "last_line", ""));
	}
	if ((n = jint(t, "failures", 0)) > 0)
		sb_add(&b, "; %lld of %lld checks failed", n, jint(t, "checks", 0));
	return buf;
}

const char *detail_node_flags(struct json_object *n, char *buf, size_t len)
{
	const char *flags[5];
	size_t k = 0, i;
	struct sb b;

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
	sb_init(&b, buf, len);
	for (i = 0; i < k; i++)
		sb_add(&b, "%s%s", i ? ", " : " (", flags[i]);
	if (k)
		sb_add(&b, ")");
	return buf;
}
