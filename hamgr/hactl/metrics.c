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

/* name{instance="...",k2="v2",k3="v3"} value; k2, k3 NULL for none. */
static void sample3(const char *name, struct json_object *in, const char *k2, const char *v2,
		    const char *k3, const char *v3, double value)
{
	printf("%s{instance=", name);
	label_value(jstr(in, "name", "?"));
	if (k2) {
		printf(",%s=", k2);
		label_value(v2);
	}
	if (k3) {
		printf(",%s=", k3);
		label_value(v3);
	}
	if (value == floor(value) && fabs(value) < 1e15)
		printf("} %.0f\n", value);
	else
		printf("} %.6g\n", value);
}

static void sample(const char *name, struct json_object *in, const char *k2, const char *v2,
		   double value)
{
	sample3(name, in, k2, v2, NULL, NULL, value);
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

/* One family of the table below. A family with a printer prints its own
 * samples; the others take one value per instance, or per element of an
 * array of each instance, from member key (times scale). */
struct fam {
	const char *name, *type, *help;
	void (*print)(struct json_object *insts, const struct fam *f);
	const char *member;     /* the instance's object member that holds key
				   or the array ("counters", "pipeline"); NULL:
				   the instance itself */
	const char *array;      /* per element: the array ("vips" ...); NULL:
				   one sample per instance */
	const char *label;      /* per element: the label's name ... */
	const char *id;         /* ... and the element's member that is its value */
	const char *key;
	double scale;
};

static void generic(struct json_object *insts, const struct fam *f)
{
	size_t i, j;
	double v;

	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i);
		struct json_object *src = f->member ? jget(in, f->member) : in;
		struct json_object *arr = f->array ? jget(src, f->array) : NULL;

		if (!f->array && value(src, f->key, f->scale, &v))
			sample(f->name, in, NULL, NULL, v);
		for (j = 0; j < jlen(arr); j++)
			if (value(jidx(arr, j), f->key, f->scale, &v))
				sample(f->name, in, f->label, jstr(jidx(arr, j), f->id, "?"), v);
	}
}

static void print_states(struct json_object *insts, const struct fam *f)
{
	static const char *const states[] = { "INIT", "BACKUP", "MASTER", "FAULT" };
	size_t i, s;

	for (i = 0; i < jlen(insts); i++)
		for (s = 0; s < 4; s++)
			sample(f->name, jidx(insts, i), "state", states[s],
			       !strcmp(jstr(jidx(insts, i), "state", ""), states[s]));
}

static void print_drops(struct json_object *insts, const struct fam *f)
{
	size_t i;

	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i);
		struct json_object *d = jget(jget(in, "counters"), "drops");

		if (!d || !json_object_is_type(d, json_type_object))
			continue;
		json_object_object_foreach(d, reason, v) {
			if (jnum_ok(v))
				sample(f->name, in, "reason", reason, json_object_get_double(v));
		}
	}
}

/* 1 for a pipeline step that is up, 0 for one down or under way. */
static void print_steps_up(struct json_object *insts, const struct fam *f)
{
	size_t i, j;

	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i);
		struct json_object *steps = jget(jget(in, "pipeline"), "steps");

		for (j = 0; j < jlen(steps); j++)
			sample(f->name, in, "step", jstr(jidx(steps, j), "name", "?"),
			       !strcmp(jstr(jidx(steps, j), "state", ""), "up"));
	}
}

/* The actions of resource scripts, labelled by resource and action; every
 * action appears (0 until it runs), so that rate() and alerts see a
 * series from the start. suffix: "" or a summary's "_sum", "_count". */
static void per_action(struct json_object *insts, const char *name, const char *suffix,
		       const char *key, double scale)
{
	static const char *const acts[] = { "start", "stop", "promote", "demote", "monitor" };
	char full[128];
	size_t i, j, a;

	snprintf(full, sizeof(full), "%s%s", name, suffix);
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i), *res = jget(in, "resources");

		for (j = 0; j < jlen(res); j++)
			for (a = 0; a < sizeof(acts) / sizeof(acts[0]); a++)
				sample3(full, in, "resource", jstr(jidx(res, j), "name", "?"),
					"action", acts[a],
					jdbl(jget(jget(jidx(res, j), "actions"), acts[a]), key, 0) *
					scale);
	}
}

static void print_actions(struct json_object *insts, const struct fam *f)
{
	per_action(insts, f->name, "", f->key, f->scale);
}

/* A summary without quantiles: the runs' total time and their count. */
static void print_durations(struct json_object *insts, const struct fam *f)
{
	per_action(insts, f->name, "_sum", "duration_ms_total", 0.001);
	per_action(insts, f->name, "_count", "runs", 1);
}

/* One sample per hamgr node heard announcing itself for the instance:
 * its name and announced state as labels, so that a query can count
 * eligible backups before a switchover. */
static void print_nodes(struct json_object *insts, const struct fam *f)
{
	size_t i, j;

	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i), *nodes = jget(in, "nodes");

		for (j = 0; j < jlen(nodes); j++)
			sample3(f->name, in, "node", jstr(jidx(nodes, j), "node", "?"), "state",
				jstr(jidx(nodes, j), "state", "?"), 1);
	}
}

/* Protocol "hamgr"'s heartbeat paths: seconds since one last carried a
 * fresh heartbeat (none before the first), and the count. */
static void print_paths(struct json_object *insts, const struct fam *f)
{
	size_t i, j;

	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i), *paths = jget(in, "paths");

		for (j = 0; j < jlen(paths); j++) {
			struct json_object *p = jidx(paths, j);
			double v;

			if (!value(p, f->key, f->scale, &v))
				continue;
			sample(f->name, in, "path", jstr(p, "interface", "?"), v);
		}
	}
}

/* The alarms standing, by kind; every kind appears (0 when none), so that
 * an alert rule sees a series from the start. */
static void print_alarms(struct json_object *insts, const struct fam *f)
{
	static const char *const kinds[] = { "conflict", "misconfigured_peer", "vip_missing" };
	size_t i, j, k, n;

	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i), *alarms = jget(in, "alarms");

		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			for (j = 0, n = 0; j < jlen(alarms); j++)
				n += !strcmp(jstr(jidx(alarms, j), "kind", ""), kinds[k]);
			sample(f->name, in, "kind", kinds[k], (double)n);
		}
	}
}

#define INST(member, key, scale) NULL, member, NULL, NULL, NULL, key, scale
#define EACH(member, array, label, id, key, scale) NULL, member, array, label, id, key, scale
#define PRINT(fn) fn, NULL, NULL, NULL, NULL, NULL, 0
#define PRINT_KEY(fn, key, scale) fn, NULL, NULL, NULL, NULL, key, scale

/* The per-instance families, in output order (hactl(8), METRICS). */
static const struct fam fams[] = {
	{ "hamgr_instance_state", "gauge",
	  "1 for the state the instance is in, 0 for the others.", PRINT(print_states) },
	{ "hamgr_standby", "gauge", "1 while the instance is in standby "
	  "(maintenance: it will not take the master role).", INST(NULL, "standby", 1) },
	{ "hamgr_link_up", "gauge", "1 while the instance's interface is up.",
	  INST(NULL, "link_up", 1) },
	{ "hamgr_priority", "gauge", "Configured priority.", INST(NULL, "priority", 1) },
	{ "hamgr_effective_priority", "gauge", "Priority advertised now (after tracks).",
	  INST(NULL, "effective_priority", 1) },
	{ "hamgr_quorate", "gauge", "1 while the instance's quorum (quorum-nodes or "
	  "corosync) lets it hold the role; no sample without a quorum.",
	  INST("quorum", "quorate", 1) },
	{ "hamgr_time_in_state_seconds", "gauge", "Seconds since the last state change.",
	  INST(NULL, "time_in_state_ms", 0.001) },
	{ "hamgr_transitions_total", "counter", "State changes since start.",
	  INST(NULL, "transitions", 1) },
	{ "hamgr_adverts_sent_total", "counter", "Adverts sent.",
	  INST("counters", "adverts_sent", 1) },
	{ "hamgr_adverts_received_total", "counter", "Valid adverts received for this instance.",
	  INST("counters", "adverts_received", 1) },
	{ "hamgr_adverts_other_vrid_total", "counter",
	  "Adverts received for another VRID on the same interface.",
	  INST("counters", "other_vrid", 1) },
	{ "hamgr_advert_send_errors_total", "counter", "Adverts that could not be sent.",
	  INST("counters", "send_errors", 1) },
	{ "hamgr_advert_drops_total", "counter", "Adverts received and dropped, by reason.",
	  PRINT(print_drops) },
	/* Operator trust: two holders, a misconfigured peer, a VIP removed. */
	{ "hamgr_alarms", "gauge",
	  "Alarms standing now, by kind (conflict, misconfigured_peer, vip_missing).",
	  PRINT(print_alarms) },
	{ "hamgr_conflicts_total", "counter",
	  "Answers for one of our VIPs from another host's MAC (address conflicts).",
	  INST("counters", "conflicts", 1) },
	{ "hamgr_vip_readded_total", "counter",
	  "VIPs added back after they were removed from under the master.",
	  INST("counters", "vip_readded", 1) },
	{ "hamgr_misconfigured_peer_total", "counter",
	  "Adverts from misconfigured peers (interval far from ours, our VIP in another VRID).",
	  INST("counters", "misconfigured_peer", 1) },
	{ "hamgr_vip_present", "gauge",
	  "1 when the virtual address is on the interface, 0 when not.",
	  EACH(NULL, "vips", "address", "address", "present", 1) },
	/* Peers heard in the last 60 s: priority, age and jitter of their adverts. */
	{ "hamgr_peer_priority", "gauge", "Priority a peer advertises.",
	  EACH(NULL, "peers", "peer", "address", "priority", 1) },
	{ "hamgr_peer_last_seen_seconds", "gauge", "Seconds since the peer's last advert.",
	  EACH(NULL, "peers", "peer", "address", "last_seen_ms", 0.001) },
	{ "hamgr_peer_jitter_seconds", "gauge", "Measured jitter of the peer's advert interval.",
	  EACH(NULL, "peers", "peer", "address", "jitter_ms", 0.001) },
	/* How the instance takes over: its pipeline, resources and tracks. */
	{ "hamgr_pipeline_step_up", "gauge",
	  "1 while the takeover step is done (up), 0 otherwise.", PRINT(print_steps_up) },
	{ "hamgr_pipeline_step_duration_seconds", "gauge",
	  "How long the step's last run (either direction) took.",
	  EACH("pipeline", "steps", "step", "name", "duration_ms", 0.001) },
	{ "hamgr_pipeline_timeouts_total", "counter",
	  "Takeover steps that did not answer within their deadline.",
	  INST("pipeline", "timeouts", 1) },
	{ "hamgr_resource_runs_total", "counter",
	  "Resource script actions run (a failed start of the program included).",
	  PRINT_KEY(print_actions, "runs", 1) },
	{ "hamgr_resource_failures_total", "counter", "Resource script actions that failed.",
	  PRINT_KEY(print_actions, "failures", 1) },
	{ "hamgr_resource_duration_seconds", "summary",
	  "Time resource script actions took; _count is the number of runs.",
	  PRINT(print_durations) },
	{ "hamgr_resource_timeouts_total", "counter",
	  "Resource script actions killed at their timeout.",
	  EACH(NULL, "resources", "resource", "name", "timeouts", 1) },
	{ "hamgr_track_up", "gauge",
	  "1 while the track is up (also before its first result), 0 while down.",
	  EACH(NULL, "tracks", "track", "name", "up", 1) },
	{ "hamgr_track_checks_total", "counter", "Checks the track ran.",
	  EACH(NULL, "tracks", "track", "name", "checks", 1) },
	{ "hamgr_track_failures_total", "counter", "Checks that failed.",
	  EACH(NULL, "tracks", "track", "name", "failures", 1) },
	{ "hamgr_track_weight_applied", "gauge",
	  "The weight the track adds to the priority now (0 while up).",
	  EACH(NULL, "tracks", "track", "name", "applied", 1) },
	{ "hamgr_announcements_sent_total", "counter",
	  "Peer announcements sent (one per destination).",
	  INST("counters", "announcements_sent", 1) },
	{ "hamgr_announcements_received_total", "counter",
	  "Valid peer announcements received from other hamgr nodes.",
	  INST("counters", "announcements_received", 1) },
	{ "hamgr_announcement_ttl_drops_total", "counter",
	  "Peer announcements dropped: TTL or hop limit not 255.",
	  INST("counters", "announcement_ttl_drops", 1) },
	{ "hamgr_announcement_unsigned_drops_total", "counter",
	  "Unsigned peer announcements dropped: this node has auth-key-file.",
	  INST("counters", "announcement_unsigned_drops", 1) },
	{ "hamgr_announcement_not_allowed_drops_total", "counter",
	  "Peer announcements dropped: the source is outside allowed-peers.",
	  INST("counters", "announcement_not_allowed_drops", 1) },
	{ "hamgr_hello_name_clash_total", "counter",
	  "Peer announcements from another node carrying this node's own name.",
	  INST("counters", "announcement_name_clashes", 1) },
	{ "hamgr_heartbeat_path_last_heard_seconds", "gauge",
	  "Seconds since a heartbeat path (protocol hamgr) last carried a fresh heartbeat.",
	  PRINT_KEY(print_paths, "last_heard_ms", 0.001) },
	{ "hamgr_heartbeat_path_received_total", "counter",
	  "Fresh heartbeats received on each heartbeat path (protocol hamgr).",
	  PRINT_KEY(print_paths, "received", 1) },
	{ "hamgr_node_up", "gauge",
	  "1 for each hamgr node that announces itself for the instance, by state.",
	  PRINT(print_nodes) },
};

/* A daemon-wide counter family by reason: one sample per number of the
 * object d (no instance label). */
static void by_reason(const char *name, const char *help, struct json_object *d)
{
	family(name, "counter", help);
	if (!d || !json_object_is_type(d, json_type_object))
		return;
	json_object_object_foreach(d, reason, v) {
		if (!jnum_ok(v))
			continue;
		printf("%s{reason=", name);
		label_value(reason);
		printf("} %.0f\n", json_object_get_double(v));
	}
}

/* Announcements that failed to decode, daemon-wide (no instance label:
 * an undecodable datagram names no instance). */
static void metrics_announcement_drops(struct json_object *res)
{
	by_reason("hamgr_announcement_drops_total",
		  "Peer announcements received and dropped, by reason.",
		  jget(res, "announcement_drops"));
}

/* conntrack-sync, daemon-wide (one sync link per node): a number of the
 * status's conntrack_sync object per family, drops by reason. */
static const struct {
	const char *name, *type, *help, *key;
	double scale;
} ct_fams[] = {
	{ "hamgr_ctsync_sender", "gauge", "1 while this node sends its conntrack table, "
	  "0 while it receives.", NULL, 1 },
	{ "hamgr_ctsync_cached_entries", "gauge", "Entries in the external conntrack cache.",
	  "cached_entries", 1 },
	{ "hamgr_ctsync_events_total", "counter", "Conntrack events read from the kernel.",
	  "events", 1 },
	{ "hamgr_ctsync_entries_sent_total", "counter", "Conntrack entries sent to the peers.",
	  "entries_sent", 1 },
	{ "hamgr_ctsync_entries_received_total", "counter", "Conntrack entries received.",
	  "entries_received", 1 },
	{ "hamgr_ctsync_messages_sent_total", "counter", "Sync datagrams sent.",
	  "messages_sent", 1 },
	{ "hamgr_ctsync_messages_received_total", "counter", "Authentic sync datagrams "
	  "received.", "messages_received", 1 },
	{ "hamgr_ctsync_commits_total", "counter", "Commits of the cache into the kernel.",
	  "commits", 1 },
	{ "hamgr_ctsync_commit_errors_total", "counter", "Entries the kernel refused in "
	  "commits.", "commit_errors", 1 },
	{ "hamgr_ctsync_resyncs_total", "counter", "Full dumps this node asked for.",
	  "resyncs", 1 },
	{ "hamgr_ctsync_dumps_sent_total", "counter", "Full dumps this node sent.",
	  "dumps_sent", 1 },
	{ "hamgr_ctsync_gaps_total", "counter", "Sync messages found missing.", "gaps", 1 },
	{ "hamgr_ctsync_resend_requests_total", "counter", "Resend requests this node sent "
	  "for missing sync messages.", "resend_requests", 1 },
	{ "hamgr_ctsync_resent_total", "counter", "Sync messages this node sent again on "
	  "request.", "resent", 1 },
	{ "hamgr_ctsync_auth_failures_total", "counter", "Sync datagrams with an unknown key "
	  "or a wrong tag.", "auth_failures", 1 },
};

static void metrics_ctsync(struct json_object *res)
{
	struct json_object *c = jget(res, "conntrack_sync"), *last;
	size_t i;

	if (!c || !json_object_is_type(c, json_type_object))
		return;
	for (i = 0; i < sizeof(ct_fams) / sizeof(ct_fams[0]); i++) {
		family(ct_fams[i].name, ct_fams[i].type, ct_fams[i].help);
		if (!ct_fams[i].key)
			printf("%s %d\n", ct_fams[i].name,
			       !strcmp(jstr(c, "role", ""), "sender"));
		else
			printf("%s %.0f\n", ct_fams[i].name, jdbl(c, ct_fams[i].key, 0));
	}
	last = jget(c, "last_commit");
	family("hamgr_ctsync_last_commit_seconds", "gauge", "Duration of the last commit.");
	family("hamgr_ctsync_last_commit_entries", "gauge", "Entries of the last commit.");
	if (last && json_object_is_type(last, json_type_object)) {
		printf("hamgr_ctsync_last_commit_seconds %.4f\n",
		       jdbl(last, "duration_ms", 0) / 1000.0);
		printf("hamgr_ctsync_last_commit_entries %.0f\n", jdbl(last, "entries", 0));
	}
	by_reason("hamgr_ctsync_drops_total", "Sync datagrams and kernel events not taken, "
		  "by reason.", jget(c, "drops"));
}

/* The shared VRRP receive path, daemon-wide (one socket per interface and
 * family for every instance): from the status's vrrp_receive object. */
static const struct {
	const char *name, *type, *help, *key;
} rx_fams[] = {
	{ "hamgr_rx_packets_total", "counter", "VRRP packets read by the shared receive path.",
	  "packets" },
	{ "hamgr_rx_batches_total", "counter", "Reads (recvmmsg) that returned packets.",
	  "batches" },
	{ "hamgr_rx_full_batches_total", "counter", "Reads that filled their batch.",
	  "full_batches" },
	{ "hamgr_rx_deferred_total", "counter", "Wakeups that stopped at their bound with "
	  "packets still queued.", "deferred" },
	{ "hamgr_rx_read_errors_total", "counter", "Reads that failed.", "read_errors" },
	{ "hamgr_rx_kernel_drops_total", "counter", "VRRP packets the kernel dropped before "
	  "they were read (receive buffer full).", "kernel_drops" },
	{ "hamgr_rx_other_vrid_total", "counter", "Valid adverts for a VRID no instance of "
	  "the interface has.", "other_vrid" },
	{ "hamgr_rx_sockets", "gauge", "Receive sockets open (one per interface and family).",
	  "sockets" },
	{ "hamgr_rx_lazy_sockets", "gauge", "Receive sockets read only at a backup's "
	  "Master_Down deadline or on a release.", "lazy_sockets" },
	{ "hamgr_rx_release_wakeups_total", "counter", "Wakeups of a lazily read socket by "
	  "a release (priority 0).", "release_wakeups" },
};

static void metrics_receive(struct json_object *res)
{
	struct json_object *c = jget(res, "vrrp_receive");
	size_t i;

	if (!c || !json_object_is_type(c, json_type_object))
		return;
	for (i = 0; i < sizeof(rx_fams) / sizeof(rx_fams[0]); i++) {
		family(rx_fams[i].name, rx_fams[i].type, rx_fams[i].help);
		printf("%s %.0f\n", rx_fams[i].name, jdbl(c, rx_fams[i].key, 0));
	}
}

/* Protocol "hamgr", daemon-wide (one key set, one replay window). */
static const struct {
	const char *name, *help, *key;
} hb_fams[] = {
	{ "hamgr_heartbeats_sent_total", "Heartbeats sent (protocol hamgr).", "sent" },
	{ "hamgr_heartbeats_received_total", "Authentic, fresh heartbeats received.",
	  "received" },
	{ "hamgr_heartbeat_send_errors_total", "Heartbeats that could not be sent.",
	  "send_errors" },
	{ "hamgr_heartbeat_joins_total", "Peer sessions (re)started by a challenge answered.",
	  "joins" },
	{ "hamgr_heartbeat_answers_total", "Heartbeats sent at once to answer a challenge.",
	  "answers" },
};

static void metrics_heartbeat(struct json_object *res)
{
	struct json_object *c = jget(res, "heartbeat"), *d;
	size_t i;

	if (!c || !json_object_is_type(c, json_type_object))
		return;
	for (i = 0; i < sizeof(hb_fams) / sizeof(hb_fams[0]); i++) {
		family(hb_fams[i].name, "counter", hb_fams[i].help);
		printf("%s %.0f\n", hb_fams[i].name, jdbl(c, hb_fams[i].key, 0));
	}
	family("hamgr_heartbeat_peers", "gauge", "Peers whose heartbeats are trusted (joined).");
	d = jget(c, "peers");
	printf("hamgr_heartbeat_peers %zu\n",
	       d && json_object_is_type(d, json_type_array) ? json_object_array_length(d) : 0);
	by_reason("hamgr_heartbeat_drops_total", "Heartbeats received and dropped, by reason "
		  "(codec, key, replay window, peer).", jget(c, "drops"));
}

static void metrics_print(struct json_object *res)
{
	struct json_object *insts = jget(res, "instances");
	size_t i;

	family("hamgr_info", "gauge", "Always 1; the labels name the node and hamgr's version.");
	printf("hamgr_info{node=");
	label_value(jstr(res, "node", "?"));
	printf(",version=");
	label_value(jstr(res, "version", "?"));
	printf("} 1\n");
	family("hamgr_uptime_seconds", "gauge", "Seconds since hamgr started.");
	printf("hamgr_uptime_seconds %.3f\n", jdbl(res, "uptime_ms", 0) / 1000.0);
	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		family(fams[i].name, fams[i].type, fams[i].help);
		(fams[i].print ? fams[i].print : generic)(insts, &fams[i]);
	}
	metrics_receive(res);
	metrics_announcement_drops(res);
	metrics_ctsync(res);
	metrics_heartbeat(res);
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
