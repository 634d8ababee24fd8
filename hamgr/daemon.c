/* daemon: the running daemon's instances and control socket: start and
 * stop, reload (in place where possible; an instance that must restart
 * releases in full before its replacement starts), the exit once every
 * instance has released, and what systemd is told (sd_notify STATUS). */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "api.h"
#include "ctl.h"
#include "daemon.h"
#include "hbproto.h"
#include "events.h"
#include "instance.h"
#include "log.h"
#include "monotime.h"
#include "preflight.h"
#include "quorum_corosync.h"

/* RELOADING=1 with MONOTONIC_USEC, which systemd >= 253's
 * Type=notify-reload requires in the same message (252 ignores it). */
void daemon_notify_reloading(void)
{
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)monotime_us());
}

/* STATUS= line for systemctl status: "web MASTER, db BACKUP". */
void daemon_notify_status(void *arg)
{
	struct daemon *d = arg;
	char buf[512];
	size_t off = 0, i;

	if (d->stopping)
		return;
	off += (size_t)snprintf(buf, sizeof(buf), "STATUS=");
	for (i = 0; i < d->n_inst && off < sizeof(buf); i++) {
		const struct fsm *f;

		if (!d->inst[i])
			continue;
		f = instance_fsm(d->inst[i]);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s %s%s",
					off > 7 ? ", " : "", instance_name(d->inst[i]),
					fsm_state_str(f->state), f->standby ? " (standby)" : "");
	}
	if (off == 7)
		snprintf(buf, sizeof(buf), "STATUS=no instances");
	sd_notify(0, buf);
}

int daemon_start_instances(struct daemon *d)
{
	size_t i;

	d->inst = calloc(d->conf->n_instances ? d->conf->n_instances : 1, sizeof(*d->inst));
	if (!d->inst)
		return -1;
	for (i = 0; i < d->conf->n_instances; i++) {
		d->inst[i] = instance_new(&d->conf->instances[i], &d->env);
		if (!d->inst[i])
			return -1;
		d->n_inst++;
		if (instance_start(d->inst[i]) < 0)
			return -1;
	}
	return 0;
}

void daemon_stop_instances(struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->n_inst; i++) {
		if (!d->inst[i])
			continue;
		instance_stop(d->inst[i]);
		instance_free(d->inst[i]);
	}
	free(d->inst);
	d->inst = NULL;
	d->n_inst = 0;
	/* Old instances a reload was still waiting for (their replacements
	 * were in d->inst): freeing removes their VIPs synchronously. */
	for (i = 0; i < d->n_retiring; i++)
		instance_free(d->retiring[i].old);
	free(d->retiring);
	d->retiring = NULL;
	d->n_retiring = 0;
}

static struct instance *take_instance(struct daemon *d, const char *name)
{
	struct instance *in;
	size_t i;

	for (i = 0; i < d->n_inst; i++) {
		if (d->inst[i] && strcmp(instance_name(d->inst[i]), name) == 0) {
			in = d->inst[i];
			d->inst[i] = NULL;
			return in;
		}
	}
	return NULL;
}

/* The control socket's group: control-group, or root's group. */
static int control_gid(const struct conf *c, gid_t *gid, char *err, size_t errlen)
{
	struct group *g;

	*gid = 0;
	if (!c->control_group[0])
		return 0;
	errno = 0;
	g = getgrnam(c->control_group);
	if (!g) {
		snprintf(err, errlen, "control-group \"%s\": %s", c->control_group,
			 errno ? strerror(errno) : "no such group");
		return -1;
	}
	*gid = g->gr_gid;
	return 0;
}

struct ctl *daemon_open_control(struct daemon *d, const struct conf *c)
{
	char err[512];
	struct ctl *ctl;
	gid_t gid;

	if (control_gid(c, &gid, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		return NULL;
	}
	ctl = ctl_open(d->env.event, c->control_socket, gid, api_handle, d, err, sizeof(err));
	if (!ctl)
		log_warnx("control socket: %s", err);
	return ctl;
}

/* After a reload that moved the socket or changed its group: open the new
 * one first, so a failure leaves hactl working on the old one. */
static void reopen_control(struct daemon *d, const struct conf *old, const struct conf *nc)
{
	struct ctl *ctl;

	if (!strcmp(old->control_socket, nc->control_socket) &&
	    !strcmp(old->control_group, nc->control_group))
		return;
	if (!strcmp(old->control_socket, nc->control_socket)) {
		/* Same path: the old listener must go first (a live listener
		 * on the path is refused), then the new one takes the path. */
		ctl_close(d->ctl);
		d->ctl = daemon_open_control(d, nc);
		return;
	}
	ctl = daemon_open_control(d, nc);
	if (!ctl) {
		log_warnx("control socket stays at %s", old->control_socket);
		return;
	}
	ctl_close(d->ctl);
	d->ctl = ctl;
}

/* An instance a reload stopped is freed: keep its count of state changes
 * for its name (daemon_transitions). */
static void keep_transitions(struct daemon *d, const struct instance *in)
{
	const char *name = instance_name(in);
	struct daemon_count *c;
	size_t i;

	for (i = 0; i < d->n_past_transitions; i++)
		if (!strcmp(d->past_transitions[i].name, name)) {
			d->past_transitions[i].n += instance_fsm(in)->transitions;
			return;
		}
	c = realloc(d->past_transitions, (d->n_past_transitions + 1) * sizeof(*c));
	if (!c)
		return;         /* the count restarts: only a number is lost */
	d->past_transitions = c;
	c = &c[d->n_past_transitions++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->n = instance_fsm(in)->transitions;
}

/* An old instance is done releasing: free it, start its replacement. */
static void retired(struct daemon *d, size_t k)
{
	struct retiring r = d->retiring[k];

	d->retiring[k] = d->retiring[--d->n_retiring];
	keep_transitions(d, r.old);
	instance_free(r.old);
	if (r.next && !d->stopping && instance_start(r.next) < 0)
		log_warnx("instance %s: could not start after reload", instance_name(r.next));
}

/* Stop old (release through its pipeline, stop its resources); next, if
 * any, starts only once that is done. */
static void retire(struct daemon *d, struct instance *old, struct instance *next)
{
	struct retiring *r = realloc(d->retiring, (d->n_retiring + 1) * sizeof(*r));

	if (!r) {
		/* No room to wait: free now (removes the VIPs synchronously). */
		instance_stop(old);
		keep_transitions(d, old);
		instance_free(old);
		if (next && instance_start(next) < 0)
			log_warnx("instance %s: could not start after reload", instance_name(next));
		return;
	}
	d->retiring = r;
	d->retiring[d->n_retiring++] = (struct retiring){ old, next };
	d->just_stopping = old;
	instance_stop(old);
	d->just_stopping = NULL;
	if (instance_stopped(old))
		retired(d, d->n_retiring - 1);
}

static bool uses_corosync(const struct conf *c);

/* Reload: the new config replaces the old only when it parses; instances
 * that keep their name, interface, VRID and family are changed in place so
 * a VIP that stays configured is never removed and no state changes for
 * nothing. */
int daemon_reload(struct daemon *d, char *err, size_t errlen)
{
	struct conf *nc;
	struct instance **ni;
	size_t i;

	daemon_notify_reloading();
	if (conf_load_file(d->conf_path, d->hostname, &nc, err, errlen) < 0 ||
	    preflight_check(nc, err, errlen) < 0) {
		conf_free(nc);
		log_warnx("reload refused, running config kept: %s", err);
		events_add(NULL, "reload", NULL, NULL, "refused: %s", err);
		sd_notify(0, "READY=1");
		return -1;
	}
	if (daemon_heartbeat(d, nc, err, errlen) < 0) {
		conf_free(nc);
		log_warnx("reload refused, running config kept: %s", err);
		events_add(NULL, "reload", NULL, NULL, "refused: %s", err);
		sd_notify(0, "READY=1");
		return -1;
	}
	/* Opened before the instances change (they read it), closed after. */
	if (uses_corosync(nc))
		daemon_corosync(d, nc);
	ni = calloc(nc->n_instances ? nc->n_instances : 1, sizeof(*ni));
	if (!ni) {
		conf_free(nc);
		snprintf(err, errlen, "out of memory");
		sd_notify(0, "READY=1");
		return -1;
	}
	for (i = 0; i < nc->n_instances; i++) {
		const struct conf_instance *ci = &nc->instances[i];
		struct instance *old = take_instance(d, ci->name);
		char what[CONF_NAME_MAX + 16];
		const char *why = old ? instance_restart_reason(old, ci, what, sizeof(what)) : NULL;

		if (old && !why) {
			instance_reconfigure(old, ci);
			ni[i] = old;
			continue;
		}
		ni[i] = instance_new(ci, &d->env);
		if (!ni[i]) {
			log_warnx("instance %s: cannot set it up on reload", ci->name);
			if (old)
				retire(d, old, NULL);
			continue;
		}
		if (old) {
			log_notice("instance %s: %s changed: restarting it", ci->name, why);
			retire(d, old, ni[i]);
		} else if (instance_start(ni[i]) < 0) {
			log_warnx("instance %s: could not start after reload", ci->name);
		}
	}
	for (i = 0; i < d->n_inst; i++) {
		if (!d->inst[i])
			continue;
		log_notice("instance %s: removed from the config: stopping it",
			   instance_name(d->inst[i]));
		retire(d, d->inst[i], NULL);
	}
	free(d->inst);
	d->inst = ni;
	d->n_inst = nc->n_instances;
	d->env.state_dir = nc->state_dir;
	d->env.node_name = nc->node_name;
	reopen_control(d, d->conf, nc);
	/* conntrack-sync keeps the sync section (and key) it started with */
	if (!conf_sync_equal(&d->conf->sync, &nc->sync))
		log_warnx("the sync section changed: it takes effect when hamgr restarts");
	conf_free(d->conf);
	d->conf = nc;
	daemon_corosync(d, nc);
	daemon_realtime(d);
	log_notice("configuration reloaded from %s", d->conf_path);
	events_add(NULL, "reload", NULL, NULL, "configuration reloaded from %s", d->conf_path);
	sd_notify(0, "READY=1");
	daemon_notify_status(d);
	return 0;
}

static bool uses_hamgr_protocol(const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->n_instances; i++)
		if (c->instances[i].protocol == CONF_PROTO_HAMGR)
			return true;
	return false;
}

int daemon_heartbeat(struct daemon *d, const struct conf *c, char *err, size_t errlen)
{
	/* Protocol "hamgr" needs it; with a key, vrrp3's announcements are
	 * signed heartbeats too. */
	if (!uses_hamgr_protocol(c) && !c->auth_key_file[0]) {
		if (d->env.hb)
			log_warnx("auth-key-file removed: announcements stay signed until "
				  "hamgr restarts");
		return 0;
	}
	if (!d->env.hb) {
		d->env.hb = hbproto_open(d->env.event, c->heartbeat_port, c->auth_key_file,
					 c->node_name, err, errlen);
		return d->env.hb ? 0 : -1;
	}
	if (hbproto_reload_keys(d->env.hb, c->auth_key_file, err, errlen) < 0)
		return -1;
	hbproto_set_node_name(d->env.hb, c->node_name);
	if (hbproto_port(d->env.hb) != c->heartbeat_port)
		log_warnx("heartbeat-port %u: port %u stays in use until hamgr restarts",
			  c->heartbeat_port, hbproto_port(d->env.hb));
	return 0;
}

static bool uses_corosync(const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->n_instances; i++)
		if (c->instances[i].quorum == CONF_QUORUM_COROSYNC)
			return true;
	return false;
}

/* corosync's verdict may have changed: every instance (those a reload
 * still waits for too) takes it through instance_quorum_check(). */
static void on_corosync(void *arg)
{
	struct daemon *d = arg;
	size_t i;

	for (i = 0; i < d->n_inst; i++)
		if (d->inst[i])
			instance_quorum_changed(d->inst[i]);
	for (i = 0; i < d->n_retiring; i++)
		instance_quorum_changed(d->retiring[i].old);
}

void daemon_corosync(struct daemon *d, const struct conf *c)
{
	if (uses_corosync(c) && !d->env.corosync) {
		d->env.corosync = quorum_corosync_open(d->env.event, on_corosync, d);
		if (!d->env.corosync)
			log_warnx("quorum: cannot set up the corosync connection: no quorum");
	} else if (!uses_corosync(c) && d->env.corosync) {
		quorum_corosync_close(d->env.corosync);
		d->env.corosync = NULL;
		on_corosync(d);
	}
}

/* Every instance has released and stopped its resources: exit the loop. */
void daemon_maybe_exit(struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->n_inst; i++)
		if (d->inst[i] && !instance_stopped(d->inst[i]))
			return;
	if (d->n_retiring)
		return;
	sd_event_exit(d->env.event, 0);
}

void daemon_on_stopped(void *arg, struct instance *in)
{
	struct daemon *d = arg;
	size_t k;

	for (k = 0; k < d->n_retiring; k++)
		if (d->retiring[k].old == in) {
			/* Not from inside instance_stop(): retire() handles that. */
			if (in != d->just_stopping)
				retired(d, k);
			break;
		}
	if (d->stopping)
		daemon_maybe_exit(d);
}

static uint64_t shortest_interval(const struct conf *c)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < c->n_instances; i++)
		if (!m || c->instances[i].advert_interval_us < m)
			m = c->instances[i].advert_interval_us;
	return m;
}

void daemon_realtime(struct daemon *d)
{
	const char *dflt = d->conf->realtime_priority == REALTIME_AUTO
				   ? " (the default for an advert interval under 50 ms)" : "";
	int want = realtime_effective(d->conf->realtime_priority, shortest_interval(d->conf));

	if (want == d->rt.priority && (want == 0 || d->rt.fifo))
		return;
	/* Not fatal: a container or a unit with RestrictRealtime= refuses it,
	 * and hamgr still works, only less sure of its timing under load. */
	if (realtime_apply(want, &d->rt) < 0)
		log_warnx("realtime-priority %d%s: %s; running with the normal policy "
			  "(realtime-priority = 0 says so)", want, dflt, d->rt.error);
	else if (want)
		log_notice("realtime: SCHED_FIFO priority %d%s%s", want,
			   d->rt.locked ? ", memory locked" : "", dflt);
}
