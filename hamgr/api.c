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
#include "hello_io.h"
#include "instance.h"
#include "log.h"

#define API_LOG_MAX EVENTS_MAX

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
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

	if (only && !find(d, only)) {
		snprintf(err, errlen, "no instance named \"%s\"", only);
		*code = "ENOENT";
		return -1;
	}
	now = deadlines_now(d->env.deadlines, d->env.event);
	/* Announcements read late wait up to half a second; what an
	 * operator (or a scrape) asks about is what has arrived. */
	hello_io_drain_due(d->env.hello, now, 0);
	o = json_object_new_object();
	arr = api_instances_json(d, only);
	add(o, "node", json_object_new_string(d->conf->node_name));
	add(o, "version", json_object_new_string(HAMGR_VERSION));
	add(o, "pid", json_object_new_int((int)getpid()));
	add(o, "config", json_object_new_string(d->conf_path));
	add(o, "uptime_ms", json_object_new_int64((int64_t)((now - d->start_us) / 1000u)));
	add(o, "announcements", json_object_new_boolean(d->env.hello != NULL));
	add(o, "announcements_read_late", json_object_new_boolean(hello_io_lazy(d->env.hello)));
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
