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
/* The master line of a node that is not master: the master it follows
 * ("10.0.0.2 (db02) priority 200"), or none: the one that released and
 * nobody took over yet, or none heard since it became BACKUP. */
const char *detail_master(struct json_object *in, char *buf, size_t len);
const char *detail_priority(struct json_object *in, char *buf, size_t len);
const char *detail_fault(struct json_object *in, char *buf, size_t len);
const char *detail_pipeline(struct json_object *in, char *buf, size_t len);

/* res: an element of an instance's "resources"; t: of its "tracks". */
const char *detail_resource(struct json_object *res, char *buf, size_t len);
const char *detail_track(struct json_object *t, char *buf, size_t len);

/* The status table: one row per instance under a header, at most
 * OUT_WIDTH columns. The name and interface columns are as wide as the
 * longest value; a name too long for what the row leaves it goes on a
 * line of its own, the row under it with the name column blank. */
struct detail_widths {
	int name, iface;
};

/* insts: the status's "instances". */
void detail_widths(struct json_object *insts, struct detail_widths *w);
const char *detail_header(const struct detail_widths *w, char *buf, size_t len);
/* One row (one or two lines, no final newline) of the instance in. */
const char *detail_row(struct json_object *in, const struct detail_widths *w, char *buf,
		       size_t len);

/* a: an element of an instance's "alarms" (hactl(8)): "CONFLICT on ...",
 * "MISCONFIGURED PEER ...", "VIP MISSING ...", "node name clash: ...". */
const char *detail_alarm(struct json_object *a, char *buf, size_t len);

/* n: an element of "nodes": " (standby, track down, holding)" or "",
 * never NULL. */
const char *detail_node_flags(struct json_object *n, char *buf, size_t len);

/* The ctsync line from the status's conntrack_sync object (NULL without
 * one): role, entries, messages still missing, the last commit, refusals
 * and drops when there are any. */
const char *detail_ctsync(struct json_object *c, char *buf, size_t len);

#endif
