/* api_hb: the heartbeat object of hactl status --json (hactl(8), JSON
 * OUTPUT): protocol "hamgr"'s port and keys, our boot id, what went in and
 * out, the peers joined and every reason a message was dropped. */
#include "api_takeover.h"

#include <inttypes.h>
#include <stdio.h>

#include "hbproto.h"
#include "instance.h"

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *jint(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

/* 64-bit identifiers as hex strings: JSON numbers lose their low bits. */
static struct json_object *jhex(uint64_t v)
{
	char b[20];

	snprintf(b, sizeof(b), "%016" PRIx64, v);
	return json_object_new_string(b);
}

static struct json_object *peers_json(const struct replay *r)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < r->n_peers; i++) {
		struct json_object *p = json_object_new_object();

		add(p, "node", json_object_new_string(r->peer[i].node));
		add(p, "boot_id", jhex(r->peer[i].boot_id));
		add(p, "counter", jint(r->peer[i].top));
		json_object_array_add(a, p);
	}
	return a;
}

struct json_object *api_paths_json(struct instance *in, uint64_t now)
{
	uint64_t last[1 + CONF_PATHS_MAX], rx[1 + CONF_PATHS_MAX];
	size_t n = instance_paths(in, last, rx, 1 + CONF_PATHS_MAX), i;
	struct json_object *a;

	if (!n)
		return NULL;
	a = json_object_new_array();
	for (i = 0; i < n; i++) {
		struct json_object *p = json_object_new_object();

		add(p, "interface", json_object_new_string(instance_path_name(in, i)));
		add(p, "received", jint(rx[i]));
		add(p, "last_heard_ms", last[i] ? json_object_new_double(
						(double)(now - last[i]) / 1000.0) : NULL);
		json_object_array_add(a, p);
	}
	return a;
}

struct json_object *api_heartbeat_json(const struct hbproto *h)
{
	const struct hbproto_stats *st;
	struct json_object *o, *drops;
	size_t i;

	if (!h)
		return NULL;
	st = hbproto_stats(h);
	o = json_object_new_object();
	add(o, "port", json_object_new_int(hbproto_port(h)));
	add(o, "keys", jint(hbproto_keys(h)));
	add(o, "send_key", json_object_new_int(hbproto_send_key(h)));
	add(o, "boot_id", jhex(hbproto_boot_id(h)));
	add(o, "sent", jint(st->sent));
	add(o, "send_errors", jint(st->send_errors));
	add(o, "received", jint(st->received));
	add(o, "joins", jint(st->joins));
	add(o, "answers", jint(st->answers));
	add(o, "peers", peers_json(hbproto_replay(h)));
	drops = json_object_new_object();
	for (i = 0; i < hbproto_drop_count(); i++)
		if (hbproto_drop_name(i))
			add(drops, hbproto_drop_name(i), jint(hbproto_drops(h, i)));
	add(o, "drops", drops);
	return o;
}
