/* api: answers control commands from the daemon's instances. Every result
 * is a json-c object; field names are documented in hactl(8) and stable. */
#include "api.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api_takeover.h"
#include "core/advert.h"
#include "core/hello.h"
#include "ctl.h"
#include "ctlcmd.h"
#include "ctlmsg.h"
#include "daemon.h"
#include "events.h"
#include "instance.h"
#include "log.h"

#define API_LOG_MAX EVENTS_MAX

static struct json_object *jaddr(const struct ipaddr *a)
{
	char buf[IPADDR_STRLEN];

	return json_object_new_string(ipaddr_str(a, buf, sizeof(buf)));
}

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *vips_json(struct instance *in)
{
	const struct conf_instance *c = instance_conf(in);
	struct json_object *arr = json_object_new_array();
	char buf[IPADDR_STRLEN];
	uint8_t *present = calloc(c->n_vips, 1);
	int known = present ? instance_vips_present(in, present) : -1;
	size_t i;

	for (i = 0; i < c->n_vips; i++) {
		struct json_object *v = json_object_new_object();
		int p = known < 0 ? -1 : present[i];

		add(v, "address", json_object_new_string(ipaddr_str_prefix(&c->vips[i], buf, sizeof(buf))));
		add(v, "present", p < 0 ? NULL : json_object_new_boolean(p == 1));
		json_object_array_add(arr, v);
	}
	free(present);
	return arr;
}

static struct json_object *peers_json(struct instance *in, uint64_t now)
{
	struct json_object *arr = json_object_new_array();
	const struct peers_peer *p;
	size_t n = instance_peers(in, &p), i;

	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		add(o, "address", jaddr(&p[i].addr));
		add(o, "priority", json_object_new_int(p[i].priority));
		add(o, "last_seen_ms", api_ms(now - p[i].last_seen));
		add(o, "adverts", json_object_new_int64((int64_t)p[i].adverts));
		add(o, "interval_ms", json_object_new_int((int)(p[i].interval_us / 1000u)));
		add(o, "jitter_ms", api_ms((uint64_t)p[i].jitter_us));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The announced name of the node at address a, or NULL. */
static const char *node_at(struct instance *in, const struct ipaddr *a)
{
	const struct peers_node *n;
	size_t k = instance_nodes(in, &n), i;

	for (i = 0; i < k; i++)
		if (ipaddr_eq(&n[i].addr, a))
			return n[i].node;
	return NULL;
}

static struct json_object *nodes_json(struct instance *in, uint64_t now)
{
	struct json_object *arr = json_object_new_array();
	const struct peers_node *n;
	size_t k = instance_nodes(in, &n), i;

	for (i = 0; i < k; i++) {
		struct json_object *o = json_object_new_object();

		add(o, "node", json_object_new_string(n[i].node));
		add(o, "address", jaddr(&n[i].addr));
		add(o, "state", json_object_new_string(fsm_state_str((enum fsm_state)n[i].state)));
		add(o, "priority", json_object_new_int(n[i].priority));
		add(o, "effective_priority", json_object_new_int(n[i].effective));
		add(o, "standby", json_object_new_boolean(n[i].flags & HELLO_F_STANDBY));
		add(o, "link_up", json_object_new_boolean(n[i].flags & HELLO_F_LINK_UP));
		add(o, "held", json_object_new_boolean(n[i].flags & HELLO_F_HELD));
		add(o, "track_fault", json_object_new_boolean(n[i].flags & HELLO_F_TRACK_FAULT));
		add(o, "track_down", json_object_new_boolean(n[i].flags & HELLO_F_TRACK_DOWN));
		add(o, "last_seen_ms", api_ms(now - n[i].last_seen));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* A backup whose master said priority 0 and nobody has taken over yet:
 * that node is not the master any more. */
static bool master_released(const struct fsm *f)
{
	return f->state == FSM_BACKUP && f->master_known && f->master_priority == 0;
}

static struct json_object *master_json(struct instance *in, const char *self)
{
	const struct fsm *f = instance_fsm(in);
	struct json_object *o;
	const char *name;

	if (f->state != FSM_MASTER && !(f->state == FSM_BACKUP && f->master_known))
		return NULL;
	if (master_released(f))
		return NULL;
	o = json_object_new_object();
	if (f->state == FSM_MASTER) {
		add(o, "address", instance_has_primary(in) ? jaddr(&f->primary) : NULL);
		add(o, "priority", json_object_new_int(fsm_effective_priority(f)));
		add(o, "self", json_object_new_boolean(1));
	} else {
		add(o, "address", jaddr(&f->master_addr));
		add(o, "priority", json_object_new_int(f->master_priority));
		add(o, "self", json_object_new_boolean(0));
	}
	name = f->state == FSM_MASTER ? NULL : node_at(in, &f->master_addr);
	add(o, "node", f->state == FSM_MASTER ? json_object_new_string(self)
		       : name ? json_object_new_string(name) : NULL);
	return o;
}

/* The master that released (priority 0) with nobody in its place yet:
 * who, how long ago, and when this node takes over (null: it will not,
 * in standby or hold-off). */
static struct json_object *released_json(struct instance *in, uint64_t now)
{
	const struct fsm *f = instance_fsm(in);
	struct json_object *o;
	const char *name;
	bool waits = !f->standby && !f->holdoff && f->master_down_timer > now;

	if (!master_released(f))
		return NULL;
	o = json_object_new_object();
	name = node_at(in, &f->master_addr);
	add(o, "address", jaddr(&f->master_addr));
	add(o, "node", name ? json_object_new_string(name) : NULL);
	add(o, "ago_ms", api_ms(now > f->master_last_seen ? now - f->master_last_seen : 0));
	add(o, "takeover_in_ms", waits ? api_ms(f->master_down_timer - now) : NULL);
	return o;
}

static struct json_object *counters_json(struct instance *in)
{
	const struct instance_stats *st = instance_stats(in);
	struct json_object *o = json_object_new_object(), *d = json_object_new_object();
	int r;

	add(o, "adverts_sent", json_object_new_int64((int64_t)st->adverts_sent));
	add(o, "adverts_received", json_object_new_int64((int64_t)st->adverts_rcvd));
	add(o, "other_vrid", json_object_new_int64((int64_t)st->other_vrid));
	add(o, "send_errors", json_object_new_int64((int64_t)st->send_errors));
	for (r = 1; r < ADVERT_REASON_MAX; r++)
		add(d, advert_reason_str((enum advert_reason)r),
		    json_object_new_int64((int64_t)st->drops[r]));
	add(o, "drops", d);
	add(o, "announcements_sent", json_object_new_int64((int64_t)st->hello_sent));
	add(o, "announcements_received", json_object_new_int64((int64_t)st->hello_rcvd));
	add(o, "announcement_ttl_drops", json_object_new_int64((int64_t)st->hello_ttl_drops));
	add(o, "announcement_unsigned_drops",
	    json_object_new_int64((int64_t)st->hello_unsigned_drops));
	add(o, "announcement_not_allowed_drops",
	    json_object_new_int64((int64_t)st->hello_not_allowed));
	add(o, "announcement_name_clashes", json_object_new_int64((int64_t)st->hello_name_clash));
	add(o, "conflicts", json_object_new_int64((int64_t)instance_alarms(in)->stats.conflicts));
	add(o, "vip_readded", json_object_new_int64((int64_t)instance_alarms(in)->stats.vip_readded));
	add(o, "misconfigured_peer",
	    json_object_new_int64((int64_t)instance_alarms(in)->stats.misconfigured_peer));
	return o;
}

/* The alarms standing now (hactl(8), "alarms"): an empty array when all
 * is well. */
static struct json_object *alarms_json(struct instance *in, uint64_t now)
{
	const struct conflict *c = instance_alarms(in);
	struct json_object *arr = json_object_new_array();
	char buf[IPADDR_STRLEN];
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct conflict_alarm *a = &c->alarm[i];
		struct json_object *o = json_object_new_object();

		add(o, "kind", json_object_new_string(conflict_kind_str(a->kind)));
		if (a->kind == CONFLICT_ADDR) {
			add(o, "vip", jaddr(&a->addr));
			add(o, "mac", json_object_new_string(conflict_mac_str(a->mac, buf, sizeof(buf))));
			add(o, "from", a->from.family ? jaddr(&a->from) : NULL);
		} else if (a->kind == CONFLICT_PEER) {
			add(o, "peer", jaddr(&a->addr));
			add(o, "reason", json_object_new_string(conflict_reason_str(a->reason)));
			add(o, "detail", json_object_new_string(a->detail));
		} else {
			add(o, "vip", json_object_new_string(ipaddr_str_prefix(&a->addr, buf,
										sizeof(buf))));
		}
		add(o, "since_ms", json_object_new_int64((int64_t)((now - a->since) / 1000u)));
		if (a->kind == CONFLICT_VIP_MISSING)
			add(o, "readded", json_object_new_int64((int64_t)a->readded));
		else
			add(o, "count", json_object_new_int64((int64_t)a->count));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The instance's "alarms" array, made on first use: every kind of alarm
 * goes into the one array. */
static struct json_object *alarms_of(struct json_object *o)
{
	struct json_object *a;

	if (json_object_object_get_ex(o, "alarms", &a) && json_object_is_type(a, json_type_array))
		return a;
	a = json_object_new_array();
	add(o, "alarms", a);
	return a;
}

/* Another node announces our node name: {"kind": "name_clash", ...}. */
static void alarm_name_clash(struct json_object *o, struct instance *in, uint64_t now)
{
	const struct instance_clash *c = instance_name_clash(in);
	struct json_object *arr = alarms_of(o), *a;

	if (!c)
		return;
	a = json_object_new_object();
	add(a, "kind", json_object_new_string("name_clash"));
	add(a, "from", jaddr(&c->from));
	add(a, "node", json_object_new_string(c->node));
	add(a, "count", json_object_new_int64((int64_t)c->count));
	add(a, "since_ms", json_object_new_int64((int64_t)((now - c->first) / 1000u)));
	json_object_array_add(arr, a);
}

uint64_t daemon_transitions(const struct daemon *d, const char *name)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < d->n_past_transitions; i++)
		if (!strcmp(d->past_transitions[i].name, name))
			n += d->past_transitions[i].n;
	for (i = 0; i < d->n_retiring; i++)
		if (!strcmp(instance_name(d->retiring[i].old), name))
			n += instance_fsm(d->retiring[i].old)->transitions;
	for (i = 0; i < d->n_inst; i++)
		if (d->inst[i] && !strcmp(instance_name(d->inst[i]), name))
			n += instance_fsm(d->inst[i])->transitions;
	return n;
}

static struct json_object *instance_json(const struct daemon *d, struct instance *in)
{
	const char *self = d->conf->node_name;
	const struct conf_instance *c = instance_conf(in);
	const struct fsm *f = instance_fsm(in);
	struct json_object *o = json_object_new_object();
	uint64_t now = instance_time(in);

	add(o, "name", json_object_new_string(c->name));
	add(o, "state", json_object_new_string(fsm_state_str(f->state)));
	add(o, "standby", json_object_new_boolean(f->standby));
	add(o, "protocol", json_object_new_string(c->protocol == CONF_PROTO_VRRP3 ? "vrrp3" : "hamgr"));
	add(o, "interface", json_object_new_string(c->interface));
	add(o, "link_up", json_object_new_boolean(instance_link_up(in)));
	add(o, "vrid", json_object_new_int(c->vrid));
	add(o, "priority", json_object_new_int(c->priority));
	add(o, "effective_priority", json_object_new_int(fsm_effective_priority(f)));
	add(o, "advert_interval_ms", json_object_new_int((int)(c->advert_interval_us / 1000u)));
	add(o, "master_adver_interval_ms", json_object_new_int((int)(f->master_adver_int_us / 1000u)));
	add(o, "master_down_interval_ms", api_ms(fsm_master_down_interval(f)));
	add(o, "skew_time_ms", api_ms(fsm_skew_time(f)));
	add(o, "preempt", json_object_new_boolean(c->preempt));
	add(o, "preempt_delay_ms", json_object_new_int64((int64_t)(c->preempt_delay_us / 1000u)));
	add(o, "primary_address", instance_has_primary(in) ? jaddr(&f->primary) : NULL);
	add(o, "vips", vips_json(in));
	add(o, "master", master_json(in, self));
	add(o, "released_master", released_json(in, now));
	add(o, "peers", peers_json(in, now));
	add(o, "nodes", nodes_json(in, now));
	add(o, "paths", api_paths_json(in, now));
	add(o, "time_in_state_ms", json_object_new_int64((int64_t)((now - f->state_since) / 1000u)));
	add(o, "transitions", json_object_new_int64((int64_t)daemon_transitions(d, c->name)));
	add(o, "reason", json_object_new_string(f->reason));
	add(o, "counters", counters_json(in));
	add(o, "alarms", alarms_json(in, now));
	api_takeover_json(o, in, now);
	alarm_name_clash(o, in, now);
	return o;
}

static struct instance *find(struct daemon *d, const char *name)
{
	size_t i;

	for (i = 0; name && i < d->n_inst; i++)
		if (d->inst[i] && strcmp(instance_name(d->inst[i]), name) == 0)
			return d->inst[i];
	return NULL;
}

static const char *arg_str(struct json_object *args, const char *key)
{
	struct json_object *v;

	if (!args || !json_object_object_get_ex(args, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool arg_bool(struct json_object *args, const char *key)
{
	struct json_object *v;

	return args && json_object_object_get_ex(args, key, &v) && json_object_get_boolean(v);
}

static int cmd_status(struct daemon *d, struct json_object *args,
		      struct json_object **res, char *err, size_t errlen, const char **code)
{
	const char *only = arg_str(args, "instance");
	struct json_object *arr, *o;
	uint64_t now = 0;
	size_t i;

	if (only && !find(d, only)) {
		snprintf(err, errlen, "no instance named \"%s\"", only);
		*code = "ENOENT";
		return -1;
	}
	o = json_object_new_object();
	arr = json_object_new_array();
	for (i = 0; i < d->n_inst; i++) {
		if (!d->inst[i] || (only && strcmp(only, instance_name(d->inst[i])) != 0))
			continue;
		json_object_array_add(arr, instance_json(d, d->inst[i]));
	}
	sd_event_now(d->env.event, CLOCK_MONOTONIC, &now);
	add(o, "node", json_object_new_string(d->conf->node_name));
	add(o, "version", json_object_new_string(HAMGR_VERSION));
	add(o, "pid", json_object_new_int((int)getpid()));
	add(o, "config", json_object_new_string(d->conf_path));
	add(o, "uptime_ms", json_object_new_int64((int64_t)((now - d->start_us) / 1000u)));
	add(o, "announcements", json_object_new_boolean(d->env.hello != NULL));
	{
		struct json_object *rt = json_object_new_object();

		add(rt, "priority", json_object_new_int(d->rt.priority));
		add(rt, "auto", json_object_new_boolean(d->conf->realtime_priority == REALTIME_AUTO));
		add(rt, "policy", json_object_new_string(d->rt.fifo ? "fifo" : "other"));
		add(rt, "memory_locked", json_object_new_boolean(d->rt.locked));
		add(rt, "error", d->rt.error[0] ? json_object_new_string(d->rt.error) : NULL);
		add(o, "realtime", rt);
	}
	{
		struct json_object *hd = json_object_new_object();
		int r;

		/* unsigned is the instance's verdict, counted per instance */
		for (r = 1; r < HELLO_REASON_MAX; r++)
			if (r != HELLO_ERR_UNSIGNED)
				add(hd, hello_reason_str((enum hello_reason)r),
				    json_object_new_int64((int64_t)d->hello_drops[r]));
		add(o, "announcement_drops", hd);
	}
	add(o, "vrrp_receive", api_receive_json(d->env.vrrp));
	add(o, "conntrack_sync", api_ctsync_json(d->env.ctsync));
	add(o, "heartbeat", api_heartbeat_json(d->env.hb));
	add(o, "instances", arr);
	*res = o;
	return 0;
}

static struct json_object *event_json(const struct event *e)
{
	struct json_object *o = json_object_new_object();
	time_t t = (time_t)(e->realtime_us / 1000000u);
	struct tm tm;
	char ts[64];

	gmtime_r(&t, &tm);
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned)(e->realtime_us / 1000u % 1000u));
	add(o, "time", json_object_new_string(ts));
	add(o, "instance", e->instance[0] ? json_object_new_string(e->instance) : NULL);
	add(o, "type", json_object_new_string(e->type));
	if (e->from[0]) {
		add(o, "from", json_object_new_string(e->from));
		add(o, "to", json_object_new_string(e->to));
	}
	add(o, "message", json_object_new_string(e->message));
	return o;
}

static int cmd_log(struct daemon *d, struct json_object *args,
		   struct json_object **res, char *err, size_t errlen, const char **code)
{
	struct json_object *v, *arr, *o;
	size_t n = CTLCMD_LOG_DEFAULT, total = events_count(), i;

	if (args && json_object_object_get_ex(args, "n", &v)) {
		int64_t want = json_object_get_int64(v);

		if (!json_object_is_type(v, json_type_int) || want < 1 || want > API_LOG_MAX) {
			snprintf(err, errlen, "n must be a whole number from 1 to %d", API_LOG_MAX);
			*code = "EINVAL";
			return -1;
		}
		n = (size_t)want;
	}
	o = json_object_new_object();
	arr = json_object_new_array();
	for (i = total > n ? total - n : 0; i < total; i++)
		json_object_array_add(arr, event_json(events_get(i)));
	add(o, "events", arr);
	*res = o;
	return 0;
}

static int cmd_reload(struct daemon *d, struct json_object *args,
		      struct json_object **res, char *err, size_t errlen, const char **code)
{
	if (daemon_reload(d, err, errlen) < 0) {
		*code = "EINVAL";
		return -1;
	}
	*res = json_object_new_object();
	add(*res, "accepted", json_object_new_boolean(1));
	return 0;
}

static struct instance *need_instance(struct daemon *d, struct json_object *args,
				      char *err, size_t errlen, const char **code)
{
	const char *name = arg_str(args, "instance");
	struct instance *in = find(d, name);

	if (!name) {
		snprintf(err, errlen, "an instance name is required");
		*code = "EINVAL";
	} else if (!in) {
		snprintf(err, errlen, "no instance named \"%s\"", name);
		*code = "ENOENT";
	}
	return in;
}

static struct json_object *brief(struct instance *in, const char *note)
{
	const struct fsm *f = instance_fsm(in);
	struct json_object *o = json_object_new_object();

	add(o, "instance", json_object_new_string(instance_name(in)));
	add(o, "state", json_object_new_string(fsm_state_str(f->state)));
	add(o, "standby", json_object_new_boolean(f->standby));
	add(o, "master_down_interval_ms", api_ms(fsm_master_down_interval(f)));
	if (note)
		add(o, "note", json_object_new_string(note));
	return o;
}

static int cmd_switchover(struct daemon *d, struct json_object *args,
			  struct json_object **res, char *err, size_t errlen, const char **code)
{
	struct instance *in = need_instance(d, args, err, errlen, code);

	if (!in)
		return -1;
	const char *to = arg_str(args, "to");
	bool force = arg_bool(args, "force");

	if (to && force) {
		snprintf(err, errlen, "--force and --to do not go together: --to needs the "
			 "named node to announce itself as an eligible backup");
		*code = "EINVAL";
		return -1;
	}
	if (instance_switchover(in, to, force, err, errlen) < 0) {
		*code = "EAGAIN";
		return -1;
	}
	*res = brief(in, to ? "released with priority 0 and handed to the named node, which "
		     "takes over at once; if it does not, this node takes the role back after "
		     "Master_Down_Interval"
		     : "released with priority 0: the highest-priority backup takes over after "
		     "its Skew_Time; if none does, this node takes the role back after "
		     "Master_Down_Interval");
	return 0;
}

static int set_standby(struct daemon *d, struct json_object *args, bool on,
		       struct json_object **res, char *err, size_t errlen, const char **code)
{
	struct instance *in = need_instance(d, args, err, errlen, code);

	if (!in)
		return -1;
	if (instance_set_standby(in, on, on && arg_bool(args, "force"), err, errlen) < 0) {
		*code = "EAGAIN";
		return -1;
	}
	*res = brief(in, NULL);
	return 0;
}

static int cmd_standby(struct daemon *d, struct json_object *args,
		       struct json_object **res, char *err, size_t errlen, const char **code)
{
	return set_standby(d, args, true, res, err, errlen, code);
}

static int cmd_active(struct daemon *d, struct json_object *args,
		      struct json_object **res, char *err, size_t errlen, const char **code)
{
	return set_standby(d, args, false, res, err, errlen, code);
}

/* One handler per command the daemon answers, by ctlcmd id; hactl-only
 * commands have none. "metrics" is the status: hactl formats it. */
static const api_handler handlers[CTLCMD_N] = {
	[CTLCMD_STATUS] = cmd_status,
	[CTLCMD_SWITCHOVER] = cmd_switchover,
	[CTLCMD_STANDBY] = cmd_standby,
	[CTLCMD_ACTIVE] = cmd_active,
	[CTLCMD_LOG] = cmd_log,
	[CTLCMD_METRICS] = cmd_status,
	[CTLCMD_RELOAD] = cmd_reload,
};

api_handler api_handler_of(enum ctlcmd_id id)
{
	return (unsigned)id < CTLCMD_N ? handlers[id] : NULL;
}

int api_handle(void *arg, const char *cmd, struct json_object *args,
	       struct json_object **result, char *err, size_t errlen, const char **code)
{
	struct daemon *d = arg;
	const struct ucred *who = d->ctl ? ctl_peer(d->ctl) : NULL;
	int id = ctlcmd_find(cmd);
	api_handler h = id >= 0 ? api_handler_of((enum ctlcmd_id)id) : NULL;

	*result = NULL;
	if (who && ctlmsg_cmd_is_mutating(cmd)) {
		const char *inst = arg_str(args, "instance");

		log_notice("control: %s%s%s by uid %u (pid %d)", cmd, inst ? " " : "",
			   inst ? inst : "", (unsigned)who->uid, (int)who->pid);
	}
	if (h)
		return h(d, args, result, err, errlen, code);
	snprintf(err, errlen, "unknown command \"%s\"", cmd);
	*code = "EINVAL";
	return -1;
}
