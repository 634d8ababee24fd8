/* tracks: one instance's health tracks carried out. A command track runs
 * its agent (script.c, no shell) every interval; an interface track
 * follows a link's state from link.c. Results go through core/track.c's
 * hysteresis; a change moves the effective priority (fsm_set_priority) or,
 * for a weight-0 track, puts the instance in FAULT. */
#include "instance_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/argv.h"
#include "events.h"
#include "link.h"
#include "script.h"

#define TRACK_ARGV_MAX 64

size_t instance_n_tracks(const struct instance *in) { return in->conf.n_tracks; }

const struct track *instance_track(const struct instance *in, size_t i,
				   const char **last_line, int *last_rc, uint64_t *last_at)
{
	*last_line = in->tracks[i].last_line;
	*last_rc = in->tracks[i].last_rc;
	*last_at = in->tracks[i].last_at;
	return &in->tracks[i].t;
}

uint64_t tracks_witness_wait(const struct conf_instance *ci)
{
	uint64_t w = 0, d;
	size_t i;

	/* From a good check to the FAULT: the failing checks, each started
	 * an interval after the last and running up to its timeout, plus one
	 * interval in hand. */
	for (i = 0; i < ci->n_tracks; i++) {
		const struct conf_track *t = &ci->tracks[i];

		if (!t->witness)
			continue;
		d = t->fall * (t->interval_us + t->timeout_us) + t->interval_us;
		if (d > w)
			w = d;
	}
	return w;
}

uint8_t tracks_priority(const struct instance *in, uint8_t configured)
{
	long p = configured;
	bool moved = false;
	size_t i;

	/* Same rule as track_priority(), over the instance's tracks. */
	for (i = 0; in->tracks && i < in->conf.n_tracks; i++) {
		int w = track_applied(&in->tracks[i].t);

		if (w) {
			p += w;
			moved = true;
		}
	}
	if (!moved)
		return configured;
	return (uint8_t)(p < 1 ? 1 : p > 254 ? 254 : p);
}

int tracks_init(struct instance *in, char *err, size_t errlen)
{
	size_t i;

	if (!in->conf.n_tracks)
		return 0;
	in->tracks = calloc(in->conf.n_tracks, sizeof(*in->tracks));
	if (!in->tracks) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < in->conf.n_tracks; i++) {
		const struct conf_track *ct = &in->conf.tracks[i];
		struct track_cfg tc = { .rise = ct->rise, .fall = ct->fall, .weight = ct->weight };

		track_init(&in->tracks[i].t, &tc);
		in->tracks[i].in = in;
		in->tracks[i].last_rc = -1;
	}
	return 0;
}

/* Push the tracks' verdict into the fsm. */
static void update(struct instance *in, const char *name)
{
	struct fsm_actions acts = { .n = 0 };
	uint64_t now = instance_now(in);
	bool fault = false;
	size_t i;
	char why[CONF_NAME_MAX + 32];

	snprintf(why, sizeof(why), "track %s down (weight 0)", name);
	for (i = 0; i < in->conf.n_tracks; i++) {
		if (!track_faulting(&in->tracks[i].t))
			continue;
		/* The reason names a track that is down, a witness as such. */
		if (!fault || strcmp(in->conf.tracks[i].name, name) == 0)
			snprintf(why, sizeof(why), in->conf.tracks[i].witness ?
				 "witness %s unreachable" : "track %s down (weight 0)",
				 in->conf.tracks[i].name);
		fault = true;
	}
	fsm_set_fault(&in->fsm, now, FSM_FAULT_TRACK, fault, why, &acts);
	fsm_set_priority(&in->fsm, now, tracks_priority(in, in->conf.priority), &acts);
	instance_apply(in, &acts);
	instance_rearm(in);
}

static void changed(struct instance_track *it, const char *how)
{
	struct instance *in = it->in;
	const struct conf_track *ct = &in->conf.tracks[it - in->tracks];
	uint8_t before = fsm_effective_priority(&in->fsm);

	update(in, ct->name);
	log_notice("instance %s: track %s %s%s%s%s: priority %u -> %u%s", in->conf.name, ct->name,
		   it->t.up ? "up" : "down", how, it->last_line[0] ? "; " : "", it->last_line,
		   before, fsm_effective_priority(&in->fsm),
		   track_faulting(&it->t) ? " (weight 0: FAULT)" : "");
	/* One line in hactl log: the agent's output is in status and the log. */
	events_add(in->conf.name, "track", NULL, NULL, "%s %s%s: priority %u -> %u%s", ct->name,
		   it->t.up ? "up" : "down", how, before, fsm_effective_priority(&in->fsm),
		   track_faulting(&it->t) ? " (weight 0: FAULT)" : "");
}

static void schedule(struct instance_track *it, uint64_t delay)
{
	sd_event_source_set_time_relative(it->timer, delay);
	sd_event_source_set_enabled(it->timer, SD_EVENT_ONESHOT);
}

static void on_check_done(void *arg, const struct script_result *r)
{
	struct instance_track *it = arg;
	struct instance *in = it->in;
	const struct conf_track *ct = &in->conf.tracks[it - in->tracks];
	bool ok = r->status == SCRIPT_EXITED && r->code == 0;
	char how[96];

	it->run = NULL;
	it->last_rc = r->status == SCRIPT_EXITED ? r->code : -1;
	it->last_at = instance_now(in);
	if (r->last_line[0] || r->status != SCRIPT_EXITED)
		script_result_str(r, it->last_line, sizeof(it->last_line));
	if (r->last_line[0])
		snprintf(it->last_line, sizeof(it->last_line), "%s", r->last_line);
	snprintf(how, sizeof(how), " after %u %s in a row",
		 ok ? ct->rise : ct->fall, ok ? "successes" : "failures");
	if (track_result(&it->t, it->last_at, ok))
		changed(it, it->t.checks == 1 ? " (first check)" : how);
	if (!in->stopping)
		schedule(it, ct->interval_us);
}

static int on_check_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct instance_track *it = arg;
	struct instance *in = it->in;
	const struct conf_track *ct = &in->conf.tracks[it - in->tracks];
	char buf[CONF_CMD_MAX + TRACK_ARGV_MAX], *argv[TRACK_ARGV_MAX + 1], tag[160], err[256];
	const char *why = NULL;
	struct script_spec spec;
	int n;

	if (it->run)
		return 0;
	n = argv_split(ct->command, argv, TRACK_ARGV_MAX, buf, sizeof(buf), &why);
	if (n <= 0) {
		log_warnx("instance %s: track %s: cannot split the command: %s", in->conf.name,
			  ct->name, why ? why : "empty");
		return 0;
	}
	argv[n] = NULL;
	snprintf(tag, sizeof(tag), "%s/track %s", in->conf.name, ct->name);
	memset(&spec, 0, sizeof(spec));
	spec.tag = tag;
	spec.argv = argv;
	spec.timeout_us = ct->timeout_us ? ct->timeout_us : ct->interval_us;
	it->run = script_start(in->env->event, &spec, on_check_done, it, err, sizeof(err));
	if (!it->run) {
		struct script_result r = { .status = SCRIPT_SPAWN_FAILED, .code = 0 };

		snprintf(r.last_line, sizeof(r.last_line), "%s", err);
		on_check_done(it, &r);
	}
	return 0;
}

static void link_track(struct instance_track *it, bool up)
{
	snprintf(it->last_line, sizeof(it->last_line), "link %s", up ? "up" : "down");
	it->last_at = instance_now(it->in);
	if (track_set(&it->t, it->last_at, up))
		changed(it, "");
}

void tracks_start(struct instance *in)
{
	size_t i;

	for (i = 0; i < in->conf.n_tracks; i++) {
		struct instance_track *it = &in->tracks[i];
		const struct conf_track *ct = &in->conf.tracks[i];
		bool up = false;

		if (ct->kind == CONF_TRACK_INTERFACE) {
			if (link_query(in->env->links, ct->interface, &it->ifindex, &up) < 0)
				up = false;
			link_track(it, it->ifindex && up);
			continue;
		}
		/* The first check runs at once: a node with a dead gateway
		 * should compete low from the start. */
		if (sd_event_add_time_relative(in->env->event, &it->timer, CLOCK_MONOTONIC, 0,
					       1000, on_check_timer, it) >= 0)
			sd_event_source_set_enabled(it->timer, SD_EVENT_ONESHOT);
	}
}

void tracks_link_event(struct instance *in, int ifindex, const char *ifname, bool up)
{
	size_t i;

	for (i = 0; in->tracks && i < in->conf.n_tracks; i++) {
		struct instance_track *it = &in->tracks[i];

		if (in->conf.tracks[i].kind != CONF_TRACK_INTERFACE)
			continue;
		if (!strcmp(ifname, in->conf.tracks[i].interface)) {
			it->ifindex = ifindex;
			link_track(it, up);
		} else if (ifindex == it->ifindex) {
			it->ifindex = 0;           /* renamed away */
			link_track(it, false);
		}
	}
}

void tracks_stop(struct instance *in)
{
	size_t i;

	for (i = 0; in->tracks && i < in->conf.n_tracks; i++) {
		in->tracks[i].timer = sd_event_source_disable_unref(in->tracks[i].timer);
		if (in->tracks[i].run)
			script_abandon(in->tracks[i].run);
		in->tracks[i].run = NULL;
	}
}

void tracks_free(struct instance *in)
{
	tracks_stop(in);
	free(in->tracks);
	in->tracks = NULL;
}
