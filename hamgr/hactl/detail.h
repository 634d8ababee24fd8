/* detail: the text of hactl status's detail lines about how an instance
 * takes over and why it competes as it does, from the daemon's status
 * JSON (hactl(8)): the effective priority and its causes, the FAULT
 * causes, the takeover pipeline, each resource, each track, and the flags
 * of an announcing node. Pure: each writes into buf (cut at len) and
 * returns it, or NULL when there is nothing to say (no line). */
#ifndef HAMGR_HACTL_DETAIL_H
#define HAMGR_HACTL_DETAIL_H

#include <stddef.h>

struct json_object;

/* in: an element of "instances". */
const char *detail_priority(struct json_object *in, char *buf, size_t len);
const char *detail_fault(struct json_object *in, char *buf, size_t len);
const char *detail_pipeline(struct json_object *in, char *buf, size_t len);

/* res: an element of an instance's "resources"; t: of its "tracks". */
const char *detail_resource(struct json_object *res, char *buf, size_t len);
const char *detail_track(struct json_object *t, char *buf, size_t len);

/* n: an element of "nodes": " (standby, track down, holding)" or "",
 * never NULL. */
const char *detail_node_flags(struct json_object *n, char *buf, size_t len);

#endif
