/* api_instance: the status of instances, one JSON object each (field
 * names documented in hactl(8) and stable). */
#include <stdlib.h>
#include <string.h>

#include "api_takeover.h"
#include "conf.h"
#include "core/advert.h"
#include "core/hello.h"
#include "daemon.h"
#include "instance.h"

static struct json_object *jaddr(const struct ipaddr *a)
{
	char buf[IPADDR_STRLEN];

	return json_object_new_string(ipaddr_str(a, buf, sizeof(buf)));
}

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

/* present: which of the instance's VIPs are on its interface (NULL:
 * unknown, "present" is null then). */
static struct json_object *vips_json(struct instance *in, const uint8_t *present)
{
	const struct conf_instance *c = instance_conf(in);
	struct json_object *arr = json_object_new_array();
	char buf[IPADDR_STRLEN];
	size_t i;

	for (i = 0; i < c->n_vips; i++) {
		struct json_object *v = json_object_new_object();

		add(v, "address", json_object_new_string(ipaddr_str_prefix(&c->vips[i], buf, sizeof(buf))));
		add(v, "present", present ? json_object_new_boolean(present[i] == 1) : NULL);
		json_object_array_add(arr, v);
	}
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

static struct json_object *instance_json(const struct daemon *d, struct instance *in,
					 const uint8_t *present)
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
	add(o, "vips", vips_json(in, present));
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

/* The instances asked for (all, or the one named only), their VIPs'
 * presence read with one dump per interface for all of them. */
struct json_object *api_instances_json(struct daemon *d, const char *only)
{
	struct json_object *arr = json_object_new_array();
	struct instance **in = calloc(d->n_inst ? d->n_inst : 1, sizeof(*in));
	uint8_t **present;
	size_t i, n = 0;

	for (i = 0; in && i < d->n_inst; i++)
		if (d->inst[i] && (!only || strcmp(only, instance_name(d->inst[i])) == 0))
			in[n++] = d->inst[i];
	present = in ? instances_presence(in, n) : NULL;
	for (i = 0; i < n; i++)
		json_object_array_add(arr, instance_json(d, in[i], present ? present[i] : NULL));
	instances_presence_free(present, n);
	free(in);
	return arr;
}

