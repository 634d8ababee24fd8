/* api_ctsync: the conntrack_sync object of hactl status --json (hactl(8),
 * JSON OUTPUT): the role, the external cache, what went over the sync
 * link, the last commit and every reason something was dropped. */
#include "api_takeover.h"

#include "ctsync.h"

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *jint(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

struct json_object *api_ctsync_json(const struct ctsync *cs)
{
	struct json_object *o, *drops, *dec, *last;
	const struct ctsync_stats *st;
	size_t cached, max, i;

	if (!cs)
		return NULL;
	st = ctsync_stats(cs, &cached, &max);
	o = json_object_new_object();
	add(o, "role", json_object_new_string(st->sender ? "sender" : "receiver"));
	add(o, "cached_entries", jint(cached));
	add(o, "max_entries", jint(max));
	add(o, "events", jint(st->events));
	add(o, "filtered", jint(st->filtered));
	add(o, "entries_sent", jint(st->entries_sent));
	add(o, "entries_received", jint(st->entries_rcvd));
	add(o, "messages_sent", jint(st->msgs_sent));
	add(o, "messages_received", jint(st->msgs_rcvd));
	add(o, "dumps_sent", jint(st->dumps_sent));
	add(o, "resyncs", jint(st->resyncs));
	add(o, "resend_requests", jint(st->resend_requests));
	add(o, "resent", jint(st->resends_sent));
	add(o, "gaps", jint(st->gaps));
	add(o, "missing", jint(st->missing));
	add(o, "dump_pending", json_object_new_boolean(st->dump_pending));
	add(o, "auth_failures", jint(st->auth_failures));
	add(o, "commits", jint(st->commits));
	add(o, "commit_failures", jint(st->commit_failures));
	add(o, "commit_errors", jint(st->commit_errors));
	add(o, "flushed", jint(st->flushed));
	last = json_object_new_object();
	add(last, "duration_ms", api_ms(st->last_commit_us));
	add(last, "entries", jint(st->last_commit_entries));
	add(o, "last_commit", st->commits ? last : NULL);
	if (!st->commits)
		json_object_put(last);
	drops = json_object_new_object();
	for (i = 0; i < CTSYNC_DROP_MAX; i++)
		add(drops, ctsync_drop_str((enum ctsync_drop)i), jint(st->drops[i]));
	add(o, "drops", drops);
	dec = json_object_new_object();
	for (i = 1; i < CTMSG_REASON_MAX; i++)
		add(dec, ctmsg_reason_str((enum ctmsg_reason)i), jint(st->decode[i]));
	add(o, "decode_errors", dec);
	return o;
}
