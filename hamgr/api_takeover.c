/* api_takeover: status JSON of the takeover pipeline, the resources and
 * the tracks of one instance, and the causes of its effective priority and
 * of a FAULT (hactl(8), JSON OUTPUT). */
#include "api_takeover.h"

#include <stdio.h>

#include "core/ocf.h"
#include "instance.h"
#include "resource.h"

struct json_object *api_ms(uint64_t us)
{
	/* Milliseconds with 0.1 ms resolution: jitter and skew are sub-ms. */
	return json_object_new_double((double)(us / 100u) / 10.0);
}

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *jint(int64_t v)
{
	return json_object_new_int64(v);
}

static struct json_object *jbool(bool v)
{
	return json_object_new_boolean(v);
}

/* A string, or null when empty. */
static struct json_object *jstr_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}

/* Age of a monotonic timestamp, or null for 0 (never). */
static struct json_object *jago(uint64_t at, uint64_t now)
{
	return at ? api_ms(now > at ? now - at : 0) : NULL;
}

/* What an exit code means: the OCF name of 0..9 ("not running"), else how
 * the run ended ("exit 42", "timed out after 30000 ms"). */
static struct json_object *jmeaning(int rc, const struct script_result *sr)
{
	char buf[128];

	if (ocf_rc_meaning(rc))
		return json_object_new_string(ocf_rc_meaning(rc));
	if (sr)
		return json_object_new_string(script_result_str(sr, buf, sizeof(buf)));
	if (rc < 0)
		return NULL;
	snprintf(buf, sizeof(buf), "exit %d", rc);
	return json_object_new_string(buf);
}

/* ---- priority and FAULT causes ----------------------------------------- */

static const char *track_name(struct instance *in, size_t i)
{
	return instance_conf(in)->tracks[i].name;
}

static const struct track *track_at(struct instance *in, size_t i)
{
	const char *line;
	uint64_t at;
	int rc;

	return instance_track(in, i, &line, &rc, &at);
}

/* The quorum's provider and verdict; NULL without a quorum. */
static struct json_object *quorum_json(struct instance *in)
{
	struct json_object *o;
	struct instance_quorum q;

	instance_quorum(in, &q);
	if (q.provider == CONF_QUORUM_NONE)
		return NULL;
	o = json_object_new_object();
	add(o, "provider", json_object_new_string(q.provider == CONF_QUORUM_COROSYNC ?
						  "corosync" : "majority"));
	add(o, "quorate", jbool(q.quorate));
	add(o, "reachable", jbool(q.reachable));
	add(o, "seen", jint(q.seen));
	add(o, "nodes", jint(q.nodes));
	add(o, "wait_ms", api_ms(q.wait_us));
	add(o, "detail", json_object_new_string(q.why));
	return o;
}

static void causes_json(struct json_object *o, struct instance *in, uint64_t now)
{
	const struct fsm *f = instance_fsm(in);
	struct json_object *prio = json_object_new_array(), *fault = json_object_new_array();
	char buf[96];
	size_t i;

	for (i = 0; i < instance_n_tracks(in); i++) {
		const struct track *t = track_at(in, i);

		if (track_applied(t)) {
			struct json_object *c = json_object_new_object();

			add(c, "track", json_object_new_string(track_name(in, i)));
			add(c, "weight", jint(track_applied(t)));
			json_object_array_add(prio, c);
		}
	}
	add(o, "priority_causes", prio);
	add(o, "tracked_priority", jint(f->prio));
	add(o, "holdoff_ms", f->holdoff ? jint(f->holdoff_until > now ?
					       (int64_t)((f->holdoff_until - now) / 1000u) : 0)
					: NULL);
	add(o, "releasing", f->releasing != FSM_CAUSE_NONE ? jstr_or_null(f->release_why) : NULL);
	if (f->fault & FSM_FAULT_LINK)
		json_object_array_add(fault, json_object_new_string("link"));
	for (i = 0; (f->fault & FSM_FAULT_TRACK) && i < instance_n_tracks(in); i++) {
		if (!track_faulting(track_at(in, i)))
			continue;
		snprintf(buf, sizeof(buf), "track %s", track_name(in, i));
		json_object_array_add(fault, json_object_new_string(buf));
	}
	if (f->fault & FSM_FAULT_QUORUM)
		json_object_array_add(fault, json_object_new_string("quorum"));
	add(o, "fault_causes", fault);
	add(o, "quorum", quorum_json(in));
}

/* ---- the pipeline ------------------------------------------------------- */

static const char *pipeline_state(const struct pipeline *p)
{
	if (pipeline_gate_waiting(p))
		return "gate";
	if (pipeline_held(p))
		return "held";
	if (pipeline_released(p))
		return "released";
	return p->want ? "acquiring" : "releasing";
}

static const char *step_kind(enum pipeline_step_kind k)
{
	switch (k) {
	case PIPELINE_CONNTRACK: return "conntrack";
	case PIPELINE_RESOURCE: return "resource";
	case PIPELINE_VIPS: return "vips";
	case PIPELINE_FENCE: return "fence";
	}
	return "?";
}

static struct json_object *step_json(struct instance *in, size_t i, uint64_t now)
{
	const struct pipeline *p = instance_pipeline(in);
	const struct pipeline_step *s = &p->step[i];
	struct json_object *o = json_object_new_object();
	bool running = p->running == (int)i;

	add(o, "name", json_object_new_string(instance_step_name(in, i)));
	add(o, "kind", json_object_new_string(step_kind(s->cfg.kind)));
	add(o, "state", json_object_new_string(pipeline_step_state_str(s->state)));
	add(o, "gated", jbool(s->cfg.gated));
	add(o, "last_ok", s->ran ? jbool(s->last_ok) : NULL);
	add(o, "last_action", s->ran ? json_object_new_string(s->last_was_start ? "start" : "stop")
				     : NULL);
	add(o, "duration_ms", s->ran ? api_ms(s->last_duration_us) : NULL);
	add(o, "running_ms", running ? api_ms(now > s->started_at ? now - s->started_at : 0)
				     : NULL);
	add(o, "restarts", jint(pipeline_restarts(p, i, now)));
	return o;
}

static struct json_object *pipeline_json(struct instance *in, uint64_t now)
{
	const struct pipeline *p = instance_pipeline(in);
	struct json_object *o = json_object_new_object(), *steps = json_object_new_array();
	bool gate = pipeline_gate_waiting(p);
	size_t i;

	for (i = 0; i < p->n; i++)
		json_object_array_add(steps, step_json(in, i, now));
	add(o, "state", json_object_new_string(pipeline_state(p)));
	add(o, "gate_ms", gate && p->gate_deadline ? jint(p->gate_deadline > now ?
			  (int64_t)((p->gate_deadline - now) / 1000u) : 0) : NULL);
	add(o, "steps", steps);
	add(o, "stale", jint((int64_t)p->stale));
	add(o, "timeouts", jint((int64_t)p->timeouts));
	return o;
}

/* ---- resources ---------------------------------------------------------- */

static struct json_object *action_json(const struct resource *r, enum resource_action a,
				       uint64_t now)
{
	const struct resource_result *l = resource_last(r, a);
	const struct resource_stats *st = resource_stats(r);
	struct json_object *o = json_object_new_object();

	add(o, "ok", jbool(l->ok));
	add(o, "rc", l->ocf_rc >= 0 ? jint(l->ocf_rc) : NULL);
	add(o, "meaning", jmeaning(l->ocf_rc, &l->script));
	add(o, "duration_ms", api_ms(l->script.duration_us));
	add(o, "ago_ms", jago(l->finished_at, now));
	add(o, "line", jstr_or_null(l->script.last_line));
	add(o, "runs", jint((int64_t)st->runs[a]));
	add(o, "failures", jint((int64_t)st->failures[a]));
	add(o, "duration_ms_total", api_ms(st->duration_us[a]));
	return o;
}

static struct json_object *monitor_json(const struct resource *r, int rc, uint64_t at,
					uint64_t now)
{
	const struct resource_result *l = resource_last(r, RESOURCE_MONITOR);
	struct json_object *o;

	if (!at)
		return NULL;
	o = json_object_new_object();
	add(o, "rc", rc >= 0 ? jint(rc) : NULL);
	add(o, "meaning", jmeaning(rc, rc < 0 && l ? &l->script : NULL));
	add(o, "ago_ms", jago(at, now));
	return o;
}

/* Restarts of resource i that count against its limit now (those of a
 * window that passed without a failure no longer do). */
static unsigned resource_restarts(struct instance *in, size_t i, uint64_t now)
{
	const struct pipeline *p = instance_pipeline(in);
	size_t k;

	for (k = 0; k < p->n; k++)
		if (p->step[k].cfg.kind == PIPELINE_RESOURCE && p->step[k].cfg.index == i)
			return pipeline_restarts(p, k, now);
	return 0;
}

static struct json_object *resource_json(struct instance *in, size_t i, uint64_t now)
{
	const struct conf_resource *cr = &instance_conf(in)->resources[i];
	struct json_object *o = json_object_new_object(), *acts = json_object_new_object();
	const struct resource_stats *st;
	const struct resource *r;
	uint64_t mon_at, runs = 0, failures = 0;
	int mon_rc, a;

	r = instance_resource(in, i, &mon_rc, &mon_at);
	st = resource_stats(r);
	for (a = 0; a < RESOURCE_ACTION_MAX; a++) {
		runs += st->runs[a];
		failures += st->failures[a];
		if (resource_last(r, (enum resource_action)a))
			add(acts, resource_action_str((enum resource_action)a),
			    action_json(r, (enum resource_action)a, now));
	}
	add(o, "name", json_object_new_string(cr->name));
	add(o, "type", json_object_new_string(cr->type == CONF_RTYPE_OCF ? "ocf" : "script"));
	add(o, "phase", json_object_new_string(cr->phase == CONF_PHASE_BEFORE_VIPS ? "before-vips"
										: "after-vips"));
	add(o, "promotable", jbool(resource_promotable(r)));
	add(o, "irreversible", jbool(cr->irreversible));
	add(o, "monitor_interval_ms", jint((int64_t)(cr->monitor_interval_us / 1000u)));
	add(o, "restart_limit", jint(cr->restart_limit));
	add(o, "restart_window_ms", jint((int64_t)(cr->restart_window_us / 1000u)));
	add(o, "restarts", jint(resource_restarts(in, i, now)));
	add(o, "busy", jbool(resource_busy(r)));
	add(o, "monitor", monitor_json(r, mon_rc, mon_at, now));
	add(o, "actions", acts);
	add(o, "runs", jint((int64_t)runs));
	add(o, "failures", jint((int64_t)failures));
	add(o, "timeouts", jint((int64_t)st->timeouts));
	return o;
}

/* ---- tracks ------------------------------------------------------------- */

static struct json_object *track_json(struct instance *in, size_t i, uint64_t now)
{
	const struct conf_track *ct = &instance_conf(in)->tracks[i];
	struct json_object *o = json_object_new_object();
	const struct track *t;
	const char *line;
	uint64_t at;
	int rc;

	t = instance_track(in, i, &line, &rc, &at);
	add(o, "name", json_object_new_string(ct->name));
	add(o, "kind", json_object_new_string(ct->kind == CONF_TRACK_INTERFACE ? "interface"
										: "command"));
	add(o, "up", jbool(t->up));
	add(o, "known", jbool(t->known));
	add(o, "weight", jint(t->cfg.weight));
	add(o, "witness", jbool(ct->witness));
	add(o, "applied", jint(track_applied(t)));
	add(o, "rise", jint(t->cfg.rise));
	add(o, "fall", jint(t->cfg.fall));
	add(o, "last_rc", rc >= 0 && ct->kind == CONF_TRACK_COMMAND ? jint(rc) : NULL);
	add(o, "last_line", jstr_or_null(line));
	add(o, "ago_ms", jago(at, now));
	add(o, "since_ms", t->known ? jago(t->since, now) : NULL);
	add(o, "checks", jint((int64_t)t->checks));
	add(o, "failures", jint((int64_t)t->failures));
	return o;
}

void api_takeover_json(struct json_object *o, struct instance *in, uint64_t now)
{
	struct json_object *res = json_object_new_array(), *tracks = json_object_new_array();
	size_t i;

	causes_json(o, in, now);
	add(o, "pipeline", pipeline_json(in, now));
	for (i = 0; i < instance_n_resources(in); i++)
		json_object_array_add(res, resource_json(in, i, now));
	add(o, "resources", res);
	for (i = 0; i < instance_n_tracks(in); i++)
		json_object_array_add(tracks, track_json(in, i, now));
	add(o, "tracks", tracks);
}
