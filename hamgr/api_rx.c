/* api_rx: the vrrp_receive object of hactl status --json (hactl(8), JSON
 * OUTPUT): the counters of the one receive path every VRRPv3 instance
 * shares (vrrp_rx.c), daemon-wide. */
#include "api_takeover.h"

#include <stdio.h>

#include "vrrp_rx.h"

static void add(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

struct json_object *api_receive_json(const struct vrrp_rx *v)
{
	const struct vrrp_rx_stats *s;
	struct json_object *o;
	char mean[32];

	if (!v)
		return NULL;
	s = vrrp_rx_stats(v);
	o = json_object_new_object();
	add(o, "packets", s->packets);
	add(o, "batches", s->batches);
	/* two decimals, as printed: the serializer would show the binary's */
	snprintf(mean, sizeof(mean), "%.2f", rxstats_per_batch(s));
	json_object_object_add(o, "packets_per_batch", s->batches ?
			       json_object_new_double_s(rxstats_per_batch(s), mean) : NULL);
	add(o, "full_batches", s->full_batches);
	add(o, "deferred", s->deferred);
	add(o, "read_errors", s->read_errors);
	add(o, "kernel_drops", s->kernel_drops);
	add(o, "other_vrid", s->other_vrid);
	add(o, "sockets", s->sockets);
	add(o, "lazy_sockets", s->lazy_sockets);
	add(o, "release_wakeups", s->release_wakeups);
	return o;
}
