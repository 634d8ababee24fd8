/* hactl metrics: the status as Prometheus text exposition (version
 * 0.0.4), one family per number the daemon reports. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "call.h"
#include "cli.h"
#include "json.h"

/* One metric family: HELP and TYPE, then its samples. */
static void family(const char *name, const char *type, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value in the exposition format: \ " and newline escaped. */
static void label_value(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			printf("\\%c", *s);
		else if (*s == '\n')
			printf("\\n");
		else
			putchar(*s);
	}
	putchar('"');
}

/* name{instance="...",k2="v2"} value; k2 NULL for none. */
static void sample(const char *name, struct json_object *in, const char *k2, const char *v2,
		   double value)
{
	printf("%s{instance=", name);
	label_value(jstr(in, "name", "?"));
	if (k2) {
		printf(",%s=", k2);
		label_value(v2);
	}
	if (value == floor(value) && fabs(value) < 1e15)
		printf("} %.0f\n", value);
	else
		printf("} %.6g\n", value);
}

/* The sample value of o's member key: a number times scale, or a
 * boolean as 1 or 0. False when it is missing or neither (no sample). */
static bool value(struct json_object *o, const char *key, double scale, double *v)
{
	if (jnum_ok(jget(o, key)))
		*v = jdbl(o, key, 0) * scale;
	else if (jbool(o, key) >= 0)
		*v = jbool(o, key);
	else
		return false;
	return true;
}

/* A per-instance value from the status (counter_member false: the
 * instance) or a member of its "counters". */
static void per_instance(struct json_object *insts, const char *name, const char *type,
			 const char *help, bool counter_member, const char *key, double scale)
{
	size_t i;
	double v;

	family(name, type, help);
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i);
		struct json_object *src = counter_member ? jget(in, "counters") : in;

		if (value(src, key, scale, &v))
			sample(name, in, NULL, NULL, v);
	}
}

/* A gauge with one sample per element of each instance's array member
 * (its VIPs, its peers), labelled with the element's address. */
static void per_element(struct json_object *insts, const char *name, const char *help,
			const char *array, const char *label, const char *key, double scale)
{
	size_t i, j;
	double v;

	family(name, "gauge", help);
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i), *arr = jget(in, array);

		for (j = 0; j < jlen(arr); j++) {
			struct json_object *e = jidx(arr, j);

			if (value(e, key, scale, &v))
				sample(name, in, label, jstr(e, "address", "?"), v);
		}
	}
}

static void metrics_states(struct json_object *insts)
{
	static const char *const states[] = { "INIT", "BACKUP", "MASTER", "FAULT" };
	size_t i, s;

	family("hamgr_instance_state", "gauge",
	       "1 for the state the instance is in, 0 for the others.");
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i);

		for (s = 0; s < 4; s++)
			sample("hamgr_instance_state", in, "state", states[s],
			       !strcmp(jstr(in, "state", ""), states[s]));
	}
}

static void metrics_drops(struct json_object *insts)
{
	size_t i;

	family("hamgr_advert_drops_total", "counter",
	       "Adverts received and dropped, by reason.");
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i);
		struct json_object *d = jget(jget(in, "counters"), "drops");

		if (!d || !json_object_is_type(d, json_type_object))
			continue;
		json_object_object_foreach(d, reason, v) {
			if (jnum_ok(v))
				sample("hamgr_advert_drops_total", in, "reason", reason,
				       json_object_get_double(v));
		}
	}
}

/* Announcements that failed to decode, daemon-wide (no instance label:
 * an undecodable datagram names no instance). */
static void metrics_announcement_drops(struct json_object *res)
{
	struct json_object *d = jget(res, "announcement_drops");

	family("hamgr_announcement_drops_total", "counter",
	       "Peer announcements received and dropped, by reason.");
	if (!d || !json_object_is_type(d, json_type_object))
		return;
	json_object_object_foreach(d, reason, v) {
		if (!jnum_ok(v))
			continue;
		printf("hamgr_announcement_drops_total{reason=");
		label_value(reason);
		printf("} %.0f\n", json_object_get_double(v));
	}
}

/* One sample per hamgr node heard announcing itself for the instance:
 * its name and announced state as labels, so that a query can count
 * eligible backups before a switchover. */
static void metrics_nodes(struct json_object *insts)
{
	size_t i, j;

	family("hamgr_node_up", "gauge",
	       "1 for each hamgr node that announces itself for the instance, by state.");
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i), *nodes = jget(in, "nodes");

		for (j = 0; j < jlen(nodes); j++) {
			struct json_object *n = jidx(nodes, j);

			printf("hamgr_node_up{instance=");
			label_value(jstr(in, "name", "?"));
			printf(",node=");
			label_value(jstr(n, "node", "?"));
			printf(",state=");
			label_value(jstr(n, "state", "?"));
			printf("} 1\n");
		}
	}
}

static void metrics_print(struct json_object *res)
{
	struct json_object *insts = jget(res, "instances");

	family("hamgr_info", "gauge", "Always 1; the labels name the node and hamgr's version.");
	printf("hamgr_info{node=");
	label_value(jstr(res, "node", "?"));
	printf(",version=");
	label_value(jstr(res, "version", "?"));
	printf("} 1\n");
	family("hamgr_uptime_seconds", "gauge", "Seconds since hamgr started.");
	printf("hamgr_uptime_seconds %.3f\n", jdbl(res, "uptime_ms", 0) / 1000.0);
	metrics_states(insts);
	per_instance(insts, "hamgr_standby", "gauge", "1 while the instance is in standby "
		     "(maintenance: it will not take the master role).", false, "standby", 1);
	per_instance(insts, "hamgr_link_up", "gauge", "1 while the instance's interface is up.",
		     false, "link_up", 1);
	per_instance(insts, "hamgr_priority", "gauge", "Configured priority.", false,
		     "priority", 1);
	per_instance(insts, "hamgr_effective_priority", "gauge",
		     "Priority advertised now (after tracks).", false, "effective_priority", 1);
	per_instance(insts, "hamgr_time_in_state_seconds", "gauge",
		     "Seconds since the last state change.", false, "time_in_state_ms", 0.001);
	per_instance(insts, "hamgr_transitions_total", "counter", "State changes since start.",
		     false, "transitions", 1);
	per_instance(insts, "hamgr_adverts_sent_total", "counter", "Adverts sent.", true,
		     "adverts_sent", 1);
	per_instance(insts, "hamgr_adverts_received_total", "counter",
		     "Valid adverts received for this instance.", true, "adverts_received", 1);
	per_instance(insts, "hamgr_adverts_other_vrid_total", "counter",
		     "Adverts received for another VRID on the same interface.", true,
		     "other_vrid", 1);
	per_instance(insts, "hamgr_advert_send_errors_total", "counter",
		     "Adverts that could not be sent.", true, "send_errors", 1);
	metrics_drops(insts);
	per_element(insts, "hamgr_vip_present",
		    "1 when the virtual address is on the interface, 0 when not.", "vips",
		    "address", "present", 1);
	/* Peers heard in the last 60 s: priority, age and jitter of their adverts. */
	per_element(insts, "hamgr_peer_priority", "Priority a peer advertises.", "peers", "peer",
		    "priority", 1);
	per_element(insts, "hamgr_peer_last_seen_seconds", "Seconds since the peer's last advert.",
		    "peers", "peer", "last_seen_ms", 0.001);
	per_element(insts, "hamgr_peer_jitter_seconds",
		    "Measured jitter of the peer's advert interval.", "peers", "peer", "jitter_ms",
		    0.001);
	per_instance(insts, "hamgr_announcements_sent_total", "counter",
		     "Peer announcements sent (one per destination).", true,
		     "announcements_sent", 1);
	per_instance(insts, "hamgr_announcements_received_total", "counter",
		     "Valid peer announcements received from other hamgr nodes.", true,
		     "announcements_received", 1);
	per_instance(insts, "hamgr_announcement_ttl_drops_total", "counter",
		     "Peer announcements dropped: TTL or hop limit not 255.", true,
		     "announcement_ttl_drops", 1);
	metrics_announcement_drops(res);
	metrics_nodes(insts);
}

int hactl_metrics(const struct hactl *h, int argc, char **argv)
{
	struct ctlmsg_answer ans;
	int rc;

	if ((rc = cli_no_options(argc, argv)) >= 0)
		return rc;
	if ((rc = call_ok(h, CTLCMD_METRICS, NULL, &ans)))
		return rc;
	metrics_print(ans.result);
	ctlmsg_answer_free(&ans);
	return 0;
}
