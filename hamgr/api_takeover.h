/* api_takeover: the parts of an instance's status that tell how it takes
 * over and why it competes as it does: the takeover pipeline, the
 * resources, the tracks, the causes of its effective priority and of a
 * FAULT. Field names are documented in hactl(8) (JSON OUTPUT) and stable. */
#ifndef HAMGR_API_TAKEOVER_H
#define HAMGR_API_TAKEOVER_H

#include <stdint.h>
#include <json-c/json.h>

struct instance;
struct ctsync;

/* Milliseconds with 0.1 ms resolution. */
struct json_object *api_ms(uint64_t us);

/* Add priority_causes, tracked_priority, holdoff_ms, releasing,
 * fault_causes, pipeline, resources and tracks to the instance object o;
 * now is the instance's monotonic time. */
void api_takeover_json(struct json_object *o, struct instance *in, uint64_t now);

/* The daemon's conntrack_sync object (api_ctsync.c), NULL without sync. */
struct json_object *api_ctsync_json(const struct ctsync *cs);

struct hbproto;
struct instance;
/* The heartbeat paths of a protocol "hamgr" instance (interface, fresh
 * heartbeats received on it, ms since the last), or NULL for vrrp3. */
struct json_object *api_paths_json(struct instance *in, uint64_t now);
/* The heartbeat object (protocol "hamgr"), or NULL when it is not running. */
struct json_object *api_heartbeat_json(const struct hbproto *h);

/* The status of the daemon's instances (all, or the one named only), the
 * presence of their VIPs read with one address dump per interface. */
struct daemon;
struct json_object *api_instances_json(struct daemon *d, const char *only);

struct vrrp_rx;
/* The vrrp_receive object (api_rx.c): the shared receive path's counters,
 * or NULL when it is not open. */
struct json_object *api_receive_json(const struct vrrp_rx *v);

#endif
