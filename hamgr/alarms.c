/* alarms: one instance's conflict detection carried out (core/conflict.h
 * decides): misconfigured peers from the advert path, VIPs removed from
 * under the master from the address watch (re-added and announced), and
 * the conflict probes while the VIPs are held (garp.c sends, conflict_io.c
 * listens). Every alarm is logged when raised (again at most once a
 * minute while it stands), goes to hactl log, and is logged when it
 * clears. */
#include "instance_priv.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflict_io.h"
#include "core/hello.h"
#include "events.h"
#include "garp.h"
#include "link.h"
#include "vip.h"

static void rearm(struct instance *in)
{
	uint64_t d = conflict_next_deadline(&in->alarms);

	if (!in->alarm_timer)
		return;
	if (!d) {
		sd_event_source_set_enabled(in->alarm_timer, SD_EVENT_OFF);
		return;
	}
	sd_event_source_set_time(in->alarm_timer, d);
	sd_event_source_set_enabled(in->alarm_timer, SD_EVENT_ONESHOT);
}

/* The loop's time, with the quiet period following Master_Down_Interval. */
static uint64_t now_of(struct instance *in)
{
	conflict_set_mdi(&in->alarms, fsm_master_down_interval(&in->fsm));
	return instance_now(in);
}

/* "198.51.100.50 02:00:00:00:00:09", "198.51.100.2 interval_far",
 * "198.51.100.51/24": what the alarm is about. */
static const char *subject(const struct conflict_alarm *a, char *buf, size_t len)
{
	char ip[IPADDR_STRLEN], mac[18];

	if (a->kind == CONFLICT_ADDR)
		snprintf(buf, len, "%s %s", ipaddr_str(&a->addr, ip, sizeof(ip)),
			 conflict_mac_str(a->mac, mac, sizeof(mac)));
	else if (a->kind == CONFLICT_PEER)
		snprintf(buf, len, "%s %s", ipaddr_str(&a->addr, ip, sizeof(ip)),
			 conflict_reason_str(a->reason));
	else
		snprintf(buf, len, "%s", ipaddr_str_prefix(&a->addr, ip, sizeof(ip)));
	return buf;
}

/* The warning of an alarm raised or still standing. */
static void warn(struct instance *in, const struct conflict_alarm *a, uint64_t unlogged)
{
	char ip[IPADDR_STRLEN], f[IPADDR_STRLEN], from[IPADDR_STRLEN + 3] = "", mac[18];
	char more[64] = "";

	if (unlogged)
		snprintf(more, sizeof(more), " (%llu more since the last warning)",
			 (unsigned long long)unlogged);
	ipaddr_str(&a->addr, ip, sizeof(ip));
	switch (a->kind) {
	case CONFLICT_ADDR:
		if (a->from.family)
			snprintf(from, sizeof(from), " (%s)", ipaddr_str(&a->from, f, sizeof(f)));
		log_warnx("instance %s: address conflict: %s is also answered by %s%s: two hosts "
			  "claim it%s", in->conf.name, ip,
			  conflict_mac_str(a->mac, mac, sizeof(mac)), from, more);
		break;
	case CONFLICT_PEER:
		log_warnx("instance %s: misconfigured peer %s: %s%s%s", in->conf.name, ip, a->detail,
			  a->reason == CONFLICT_R_INTERVAL_FAR ? "; its adverts are dropped" : "",
			  more);
		break;
	case CONFLICT_VIP_MISSING:
		log_warnx("instance %s: %s was removed from %s while held: adding it back%s",
			  in->conf.name, ipaddr_str_prefix(&a->addr, ip, sizeof(ip)),
			  in->conf.interface, more);
		break;
	}
}

static void report(struct instance *in, const struct conflict_note *n)
{
	char s[96];

	if (!n->alarm)
		return;
	if (n->raised)
		events_add(in->conf.name, "alarm", NULL, NULL, "%s %s",
			   conflict_kind_str(n->alarm->kind), subject(n->alarm, s, sizeof(s)));
	if (n->log)
		warn(in, n->alarm, n->unlogged);
}

/* ---- misconfigured peers ------------------------------------------------ */

void alarms_dropped(struct instance *in, const struct ipaddr *src, const struct advert *adv)
{
	unsigned theirs = adv->max_adver_int * 10u;
	unsigned ours = (unsigned)(in->conf.advert_interval_us / 1000u);
	uint64_t now = now_of(in);
	struct conflict_note n;
	char why[64], detail[96];

	snprintf(why, sizeof(why), "interval %u ms, ours %u ms", theirs, ours);
	fsm_note_dropped(&in->fsm, now, src, why);
	snprintf(detail, sizeof(detail), "advertises %u ms, ours %u ms", theirs, ours);
	n = conflict_peer(&in->alarms, now, src, CONFLICT_R_INTERVAL_FAR, detail, theirs * 1000ull);
	report(in, &n);
	rearm(in);
}

void alarms_other_vrid(struct instance *in, const struct ipaddr *src, const struct advert *adv)
{
	struct conflict_note n;
	struct ipaddr vip;
	char a[IPADDR_STRLEN], detail[96];

	if (in->vips_sorted ? !conflict_lists_vip_sorted(adv, in->vips_sorted, in->conf.n_vips, &vip)
			    : !conflict_lists_vip(adv, in->conf.vips, in->conf.n_vips, &vip))
		return;
	snprintf(detail, sizeof(detail), "VRID %u lists %s", adv->vrid,
		 ipaddr_str(&vip, a, sizeof(a)));
	n = conflict_peer(&in->alarms, now_of(in), src, CONFLICT_R_OTHER_VRID, detail,
			  adv->max_adver_int * 10000ull);
	report(in, &n);
	rearm(in);
}

/* ---- VIPs removed from under the master ------------------------------- */

static void readd(struct instance *in, const struct ipaddr *vip)
{
	char a[IPADDR_STRLEN];
	int r = vip_add(in->env->vip, in->ifindex, vip);

	if (r < 0) {
		log_warnx("instance %s: cannot add %s back on %s: %s", in->conf.name,
			  ipaddr_str_prefix(vip, a, sizeof(a)), in->conf.interface, vip_strerror(r));
		return;
	}
	conflict_vip_back(&in->alarms, vip);
	vipset_garp(in, vip, 1);
	events_add(in->conf.name, "alarm", NULL, NULL, "%s added back and announced",
		   ipaddr_str_prefix(vip, a, sizeof(a)));
}

static void vip_gone(struct instance *in, const struct ipaddr *vip, uint64_t now)
{
	struct conflict_note n = conflict_vip_gone(&in->alarms, now, vip);
	char a[IPADDR_STRLEN];

	report(in, &n);
	if (n.readd)
		readd(in, vip);
	else if (n.limited)
		log_warnx("instance %s: %s removed %d times within %llu s: not adding it back "
			  "for now; the vip_missing alarm stands", in->conf.name,
			  ipaddr_str_prefix(vip, a, sizeof(a)), CONFLICT_READD_MAX,
			  (unsigned long long)(CONFLICT_READD_WINDOW_US / 1000000u));
}

static int cmp_ip(const void *a, const void *b)
{
	return ipaddr_cmp(a, b);
}

/* Whether each VIP is here: from one notification (addr, deleted) or,
 * addr NULL, from present[] (a dump). Gone ones are reported and added
 * back, unless the link took them. */
static void addr_check(struct instance *in, const struct ipaddr *addr, bool deleted,
		       const uint8_t *present)
{
	uint64_t now = now_of(in);
	bool up = false, link_checked = false, link_down = false;
	int idx;
	size_t i;

	for (i = 0; i < in->conf.n_vips; i++) {
		const struct ipaddr *v = &in->conf.vips[i];
		bool here;

		if (addr && !ipaddr_eq(addr, v))
			continue;
		here = addr ? !deleted : present[i];
		if (here) {
			conflict_vip_back(&in->alarms, v);
			continue;
		}
		/* Gone with the link (IPv6 addresses go when it goes down):
		 * the link event releases the role. */
		if (!link_checked) {
			link_checked = true;
			link_down = link_query(in->env->links, in->conf.interface, &idx, &up) == 0 &&
				    !up;
		}
		if (link_down)
			break;
		vip_gone(in, v, now);
	}
	rearm(in);
}

static bool addr_watched(const struct instance *in)
{
	return in && in->alarms.holding && !in->stopping;
}

void instance_addr_event(struct instance *in, int ifindex, const struct ipaddr *addr,
			 bool deleted)
{
	if (!addr_watched(in) || (ifindex && ifindex != in->ifindex))
		return;
	/* Every notification comes to every instance: with many VIPs, one
	 * that is none of ours is told by a binary search, not a walk. */
	if (in->vips_sorted &&
	    !bsearch(addr, in->vips_sorted, in->conf.n_vips, sizeof(*in->vips_sorted), cmp_ip))
		return;
	addr_check(in, addr, deleted, NULL);
}

void instances_addr_lost(struct instance *const *all, size_t n_all)
{
	struct instance **in = calloc(n_all ? n_all : 1, sizeof(*in));
	uint8_t **present;
	size_t i, n = 0;

	for (i = 0; in && i < n_all; i++)
		if (addr_watched(all[i]))
			in[n++] = all[i];
	/* One dump per interface for all of them: after a burst that
	 * overflowed the watch (thousands of addresses), one per instance
	 * would hold the loop as long as a status did (api_instance.c). */
	present = n ? instances_presence(in, n) : NULL;
	for (i = 0; present && i < n; i++)
		addr_check(in[i], NULL, false, present[i]);
	instances_presence_free(present, n);
	free(in);
}

/* ---- conflict probes ---------------------------------------------------- */

/* A node announcing that it still holds while not MASTER: a preempted
 * master on its way out, whose answers are no conflict. */
static bool peer_releasing(struct instance *in)
{
	const struct peers_node *nodes;
	size_t n = instance_nodes(in, &nodes), i;

	for (i = 0; i < n; i++)
		if ((nodes[i].flags & HELLO_F_HELD) && nodes[i].state != FSM_MASTER)
			return true;
	return false;
}

static void on_claim(void *arg, const struct conflict_claim *cl)
{
	struct instance *in = arg;
	uint64_t now = now_of(in);
	struct conflict_note n;

	conflict_learn(&in->alarms, now, cl, in->conf.vips, in->conf.n_vips);
	n = conflict_seen(&in->alarms, now, cl, in->mac, in->conf.vips, in->conf.n_vips,
			  peer_releasing(in));
	report(in, &n);
	rearm(in);
}

/* VIPs probed per round: an instance with more probes them in turn, so
 * a round stays a short burst (every VIP is probed once in
 * n_vips / ALARMS_PROBE_MAX rounds, 10 s apart). */
#define ALARMS_PROBE_MAX 256

/* The source of IPv6 probes: the instance's own address when it speaks
 * IPv6, else (IPv4 adverts, IPv6 VIPs among the addresses) the
 * interface's link-local one, looked up once a round. Without a source
 * the kernel picks one for every NS by walking all of the interface's
 * addresses: thousands of VIPs made a round of probes hold the loop. */
static bool probe_src6(struct instance *in, struct ipaddr *out)
{
	size_t i;

	if (in->have_primary && in->fsm.primary.family == IPADDR_V6) {
		*out = in->fsm.primary;
		return true;
	}
	for (i = 0; i < in->conf.n_vips && in->conf.vips[i].family != IPADDR_V6; i++)
		;
	return i < in->conf.n_vips &&
	       vip_source(in->env->vip, in->ifindex, IPADDR_V6, false, in->conf.vips,
			  in->conf.n_vips, out) == 0;
}

static void probe_round(struct instance *in, uint64_t now)
{
	struct ipaddr src6;
	const struct ipaddr *src = probe_src6(in, &src6) ? &src6 : NULL;
	size_t i, k;

	if (garp_ifmac(in->env->garp, in->ifindex, in->mac) < 0)
		memset(in->mac, 0, sizeof(in->mac));
	for (k = 0; k < in->conf.n_vips && k < ALARMS_PROBE_MAX; k++) {
		i = in->probe_next++ % in->conf.n_vips;
		if (garp_probe(in->env->garp, in->ifindex, src, &in->conf.vips[i]) < 0)
			log_debug("instance %s: conflict probe failed", in->conf.name);
	}
	conflict_probed(&in->alarms, now, randombytes_random());
}

static int on_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct conflict_alarm gone[4];
	struct instance *in = arg;
	uint64_t now = now_of(in);
	const struct conflict_alarm *a;
	size_t n, i, k;
	char buf[96];

	do {
		n = conflict_expire(&in->alarms, now, gone, 4);
		for (i = 0; i < n; i++) {
			log_notice("instance %s: alarm cleared: %s %s (no new evidence for %llu s)",
				   in->conf.name, conflict_kind_str(gone[i].kind),
				   subject(&gone[i], buf, sizeof(buf)),
				   (unsigned long long)((now - gone[i].last) / 1000000u));
			events_add(in->conf.name, "alarm", NULL, NULL, "cleared: %s %s",
				   conflict_kind_str(gone[i].kind), subject(&gone[i], buf, sizeof(buf)));
		}
	} while (n == 4);
	for (k = 0; k < in->conf.n_vips && (a = conflict_vip_retry(&in->alarms, now)); k++) {
		struct ipaddr v = a->addr;

		if (vip_present(in->env->vip, in->ifindex, &v) == 1)
			conflict_vip_back(&in->alarms, &v);
		else
			readd(in, &v);
	}
	if (conflict_probe_due(&in->alarms, now) && in->ifindex)
		probe_round(in, now);
	rearm(in);
	return 0;
}

/* (Re)open the listeners for the families of the VIPs configured now. */
static void listen_vips(struct instance *in)
{
	bool v4 = false, v6 = false;
	char err[128];
	size_t i;

	for (i = 0; i < in->conf.n_vips; i++) {
		v4 |= in->conf.vips[i].family == IPADDR_V4;
		v6 |= in->conf.vips[i].family == IPADDR_V6;
	}
	/* The listener of an earlier hold, if it fits, is only resumed:
	 * opening AF_PACKET sockets stalls the loop for milliseconds. */
	if (conflict_io_is(in->cio, in->ifindex, v4, v6)) {
		conflict_io_pause(in->cio, false);
		return;
	}
	conflict_io_close(in->cio);
	in->cio = conflict_io_open(in->env->event, in->ifindex, v4, v6, on_claim, in, err,
				   sizeof(err));
	if (!in->cio)
		log_warnx("instance %s: address conflict detection off: %s", in->conf.name, err);
}

void alarms_prepare(struct instance *in)
{
	/* Opened now, paused until the VIPs are held: a new master does not
	 * spend its first milliseconds opening sockets. */
	if (!in->ifindex || in->alarms.holding)
		return;
	listen_vips(in);
	conflict_io_pause(in->cio, true);
}

void alarms_hold(struct instance *in, bool holding)
{
	conflict_hold(&in->alarms, now_of(in), holding);
	if (holding) {
		if (garp_ifmac(in->env->garp, in->ifindex, in->mac) < 0)
			memset(in->mac, 0, sizeof(in->mac));
		listen_vips(in);
	} else {
		/* Paused, not closed: a close waits for an RCU grace period
		 * (conflict_io.h), on the path a release must keep short. */
		conflict_io_pause(in->cio, true);
	}
	rearm(in);
}

/* Many VIPs: a sorted copy for the other_vrid check (255 listed against
 * 4,096 ours is a million comparisons otherwise). */
static void sort_vips(struct instance *in)
{
	free(in->vips_sorted);
	in->vips_sorted = NULL;
	if (in->conf.n_vips <= 32 || !(in->vips_sorted = malloc(in->conf.n_vips *
								 sizeof(*in->vips_sorted))))
		return;
	memcpy(in->vips_sorted, in->conf.vips, in->conf.n_vips * sizeof(*in->vips_sorted));
	qsort(in->vips_sorted, in->conf.n_vips, sizeof(*in->vips_sorted), cmp_ip);
}

void alarms_vips_changed(struct instance *in)
{
	sort_vips(in);
	if (in->alarms.holding)
		listen_vips(in);
}

const struct conflict *instance_alarms(const struct instance *in)
{
	return &in->alarms;
}

int alarms_init(struct instance *in, char *err, size_t errlen)
{
	int r;

	conflict_init(&in->alarms);
	sort_vips(in);
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium: cannot initialise (random numbers)");
		return -1;
	}
	r = sd_event_add_time(in->env->event, &in->alarm_timer, CLOCK_MONOTONIC, 0,
			      10000 /* 10 ms: probes and clearing are not urgent */, on_timer, in);
	if (r < 0) {
		snprintf(err, errlen, "sd_event_add_time: %s", strerror(-r));
		return -1;
	}
	sd_event_source_set_enabled(in->alarm_timer, SD_EVENT_OFF);
	return 0;
}

void alarms_free(struct instance *in)
{
	conflict_io_close(in->cio);
	in->cio = NULL;
	in->alarm_timer = sd_event_source_disable_unref(in->alarm_timer);
	free(in->vips_sorted);
	in->vips_sorted = NULL;
}
