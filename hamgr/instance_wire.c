/* instance_wire: one instance's adverts out and in.
 *
 * Out: build the VRRPv3 advert from the config and the primary address,
 * send it to the group or each unicast peer. In: decode, validate (every
 * rejection counted by reason, logged rate-limited), remember the peer and
 * feed the fsm. */
#include "instance_priv.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "hello_io.h"
#include "vip.h"
#include "vrrp_rx.h"

/* The address we send from and compare in tie-breaks. */
void wire_refresh_primary(struct instance *in)
{
	struct ipaddr p;

	/* IPv6 unicast to global peers must come from a global address: the
	 * peer checks the source against its own peer list. */
	bool global6 = in->family == IPADDR_V6 && in->conf.n_unicast_peers &&
		       !ipaddr_is_linklocal6(&in->conf.unicast_peers[0]);

	if (!in->ifindex || vip_source(in->env->vip, in->ifindex, in->family, global6,
				       in->conf.vips, in->conf.n_vips, &p) < 0) {
		in->have_primary = false;
		return;
	}
	if (!in->have_primary || !ipaddr_eq(&p, &in->fsm.primary)) {
		char a[IPADDR_STRLEN];

		log_info("instance %s: primary address %s on %s", in->conf.name,
			 ipaddr_str(&p, a, sizeof(a)), in->conf.interface);
	}
	fsm_set_primary(&in->fsm, &p);
	in->have_primary = true;
}

/* ---- out ---- */

static size_t build_advert(struct instance *in, uint8_t priority,
			   const struct ipaddr *dst, uint8_t *buf, size_t len)
{
	struct advert adv;
	size_t i;

	/* The header only: advert_encode reads addrs[0..count), which the
	 * loop below writes (the whole struct is 4.6 kB, per advert sent). */
	memset(&adv, 0, offsetof(struct advert, addrs));
	adv.version = ADVERT_VERSION;
	adv.type = ADVERT_TYPE_ADVERT;
	adv.vrid = in->conf.vrid;
	adv.priority = priority;
	adv.max_adver_int = (uint16_t)(in->conf.advert_interval_us / 10000u);
	adv.family = in->family;
	/* VRRPv3 carries one family: list the VIPs of the advert family. */
	for (i = 0; i < in->conf.n_vips && adv.count < ADVERT_MAX_ADDRS; i++)
		if (in->conf.vips[i].family == in->family)
			ipaddr_from_bytes(&adv.addrs[adv.count++], in->family,
					  in->conf.vips[i].a);
	return advert_encode(&adv, &in->fsm.primary, dst, buf, len);
}

void wire_sent(struct instance *in, int r)
{
	unsigned supp;

	if (r == 0) {
		in->stats.adverts_sent++;
		return;
	}
	in->stats.send_errors++;
	/* The source address may have been removed from the interface: look
	 * it up again before the next send. */
	if (r == -EINVAL || r == -EADDRNOTAVAIL)
		in->have_primary = false;
	if (log_ratelimit_ok(&in->send_rl, instance_now(in), &supp))
		log_warnx("instance %s: cannot send advert: %s (%u similar suppressed)",
			  in->conf.name, strerror(-r), supp);
}

static void send_one(struct instance *in, uint8_t priority, const struct ipaddr *dst)
{
	uint8_t buf[ADVERT_MAX_LEN];
	size_t len = build_advert(in, priority, dst, buf, sizeof(buf));

	wire_sent(in, len ? vrrp_rx_send(in->env->vrrp, in->sub, &in->fsm.primary, dst, buf, len)
			  : -EINVAL);
}

bool wire_ready(struct instance *in)
{
	if (!in->have_primary)
		wire_refresh_primary(in);
	if ((!in->sub && !in->hbsub) || !in->have_primary) {
		in->stats.send_errors++;
		return false;
	}
	return true;
}

void wire_send_advert(struct instance *in, uint8_t priority)
{
	size_t i;

	if (in->conf.protocol == CONF_PROTO_HAMGR) {
		hbwire_send_advert(in, priority);
		return;
	}
	if (!wire_ready(in))
		return;
	if (in->conf.n_unicast_peers == 0) {
		send_one(in, priority, &in->group);
		return;
	}
	for (i = 0; i < in->conf.n_unicast_peers; i++)
		send_one(in, priority, &in->conf.unicast_peers[i]);
}

/* ---- in ---- */

bool wire_is_peer(const struct instance *in, const struct ipaddr *src)
{
	return ipaddr_in_prefixes(src, in->conf.unicast_peers, in->conf.n_unicast_peers);
}

bool wire_allowed(const struct instance *in, const struct ipaddr *src)
{
	/* With unicast-peers (never together with allowed-peers), only the
	 * peers: a node that is no peer is not announced either. */
	if (in->conf.n_unicast_peers)
		return wire_is_peer(in, src);
	return !in->conf.n_allowed_peers ||
	       ipaddr_in_prefixes(src, in->conf.allowed_peers, in->conf.n_allowed_peers);
}

/* Validate one decoded packet for our VRID; ADVERT_OK means it may reach
 * the fsm. */
static enum advert_reason check_packet(struct instance *in, const struct advert_rx *rx,
				       const struct ipaddr *src, const struct advert *adv)
{
	if (rx->ifindex && rx->ifindex != in->ifindex)
		return ADVERT_ERR_IFACE;
	if (adv->family != in->family)
		return ADVERT_ERR_FAMILY;
	if (adv->vrid != in->conf.vrid)
		return ADVERT_OK;       /* caller counts other VRIDs */
	if (in->have_primary && ipaddr_eq(src, &in->fsm.primary))
		return ADVERT_ERR_OWN;
	if (in->conf.n_unicast_peers && !wire_is_peer(in, src))
		return ADVERT_ERR_UNKNOWN_PEER;
	if (!wire_allowed(in, src))
		return ADVERT_ERR_NOT_ALLOWED;
	return advert_check_interval(adv, (uint16_t)(in->conf.advert_interval_us / 10000u));
}

/* True when src is not among the instance's last dropped sources; it is
 * then one of them (the oldest goes). */
static bool drop_src_new(struct instance *in, const struct ipaddr *src)
{
	size_t i;

	for (i = 0; i < WIRE_DROP_SRCS; i++)
		if (ipaddr_eq(&in->drop_src[i], src))
			return false;
	in->drop_src[in->drop_src_next] = *src;
	in->drop_src_next = (in->drop_src_next + 1) % WIRE_DROP_SRCS;
	return true;
}

void wire_log_drop(struct instance *in, const char *what, const char *reason,
		   const struct ipaddr *src, bool first, uint64_t now)
{
	char a[IPADDR_STRLEN];
	const char *from = src->family ? ipaddr_str(src, a, sizeof(a)) : "?";
	struct log_ratelimit *rl = &in->drop_rl;
	unsigned supp;

	if (first)
		events_add(in->conf.name, "drop", NULL, NULL, "first %s dropped for %s from %s",
			   what, reason, from);
	/* Announcements have their own budget: a node that announces itself
	 * every second must not hide the adverts' drops. A new source has
	 * one too: a misconfigured peer that keeps sending must not hide a
	 * second offender (a flood of forged sources still costs at most a
	 * burst a window). */
	if (strcmp(what, "advert"))
		rl = &in->hello_drop_rl;
	else if (src->family && drop_src_new(in, src))
		rl = &in->drop_new_rl;
	if (log_ratelimit_ok(rl, now, &supp))
		log_warnx("instance %s: dropped %s from %s: %s%s", in->conf.name, what, from,
			  reason, supp ? " (more drops suppressed)" : "");
}

static void count_drop(struct instance *in, enum advert_reason r, const struct ipaddr *src,
		       uint64_t now)
{
	bool first = in->stats.drops[r]++ == 0;

	if (r == ADVERT_ERR_OWN)
		return;         /* our own packet looped back: not news */
	wire_log_drop(in, "advert", advert_reason_str(r), src, first, now);
}

/* Remember who we hear and how regularly (jitter: mean deviation of the
 * arrival gap from the advertised interval, smoothed like RFC 3550's). */
size_t instance_peers(struct instance *in, const struct peers_peer **peers)
{
	return peers_list(&in->peers, instance_now(in), peers);
}

/* Does adv list exactly what we list (the first ADVERT_MAX_ADDRS VIPs of
 * the advert family, in config order)? A peer configured like us does. */
static bool lists_ours(const struct instance *in, const struct advert *adv)
{
	size_t i, k = 0;

	for (i = 0; i < in->conf.n_vips && k < adv->count; i++) {
		if (in->conf.vips[i].family != in->family)
			continue;
		if (!ipaddr_eq(&in->conf.vips[i], &adv->addrs[k++]))
			return false;
	}
	if (k < adv->count)
		return false;
	/* fewer than ours: a peer with fewer VIPs lists nothing foreign */
	return true;
}

/* When an advert counts as heard. A backup's socket may be read late
 * (vrrp_rx_lazy): its master is timed from when the advert arrived, not
 * from when it was read, or every late read would push Master_Down back.
 * Never later than the read (advert_io stamps it from a clock read just
 * before), and only in BACKUP, whose timers only ever restart from an
 * advert: a master or a node in transition acts on what it hears now. */
static uint64_t arrival(const struct instance *in, const struct advert_rx *rx, uint64_t now)
{
	if (in->fsm.state != FSM_BACKUP || !rx->arrived_us)
		return now;
	/* Queued after the loop's time was taken: the backup stalled
	 * between its wakeup and this read. Timed at the loop's time (as
	 * before), a Master_Down restarted from it fell due as early as the
	 * stall was long, and a stall of 26 ms or more at 10 ms adverts made
	 * a false takeover; the loop's time moves up to it instead. */
	if (rx->arrived_us > now)
		deadlines_saw(in->env->deadlines, rx->arrived_us);
	return rx->arrived_us;
}

/* One packet from vrrp_rx: decoded once there, for our VRID, or for a
 * VRID nobody on the interface has (other_vrid), or undecodable. Returns
 * true when an advert of our VRID lists addresses we do not. */
static bool handle_packet(void *arg, const struct vrrp_pkt *p)
{
	struct instance *in = arg;
	struct fsm_actions acts = { .n = 0 };
	const struct advert *adv = p->adv;
	uint64_t now = instance_now(in), at;
	enum advert_reason r = p->reason;

	if (r == ADVERT_OK)
		r = check_packet(in, p->rx, &p->src, adv);
	if (r != ADVERT_OK) {
		count_drop(in, r, &p->src, now);
		/* A live peer whose adverts we drop: no silent split brain. */
		if (r == ADVERT_ERR_INTERVAL_FAR)
			alarms_dropped(in, &p->src, adv);
		instance_rearm(in);
		return false;
	}
	if (adv->vrid != in->conf.vrid) {
		in->stats.other_vrid++;
		alarms_other_vrid(in, &p->src, adv);
		return false;
	}
	in->stats.adverts_rcvd++;
	at = arrival(in, p->rx, now);
	now = instance_now(in);         /* at or after `at` */
	in->advert_heard_at = now;
	peers_note_advert(&in->peers, at, &p->src, adv->priority, adv->max_adver_int * 10000u);
	fsm_recv(&in->fsm, at, &p->src, adv->priority, adv->max_adver_int * 10000u, &acts);
	instance_apply(in, &acts);
	if (in->fsm.state == FSM_MASTER && in->fsm.confirmed)
		takeover_confirm(in);
	announce_piggyback(in, now);
	instance_rearm(in);
	return !lists_ours(in, adv);
}

void wire_drain(struct instance *in)
{
	if (in->conf.protocol == CONF_PROTO_HAMGR)
		hbwire_drain(in);
	else
		vrrp_rx_drain(in->env->vrrp, in->sub);
}

void wire_close(struct instance *in)
{
	hbwire_close(in);
	vrrp_rx_del(in->env->vrrp, in->sub);
	in->sub = NULL;
}

int wire_open(struct instance *in)
{
	char err[256];
	int r;

	wire_close(in);
	if (in->conf.protocol == CONF_PROTO_HAMGR)
		return hbwire_open(in);
	/* With a key, vrrp3's announcements go signed in the heartbeat
	 * stream. */
	if (in->env->hb && hbwire_open(in) < 0)
		return -1;
	in->sub = vrrp_rx_add(in->env->vrrp, in->ifindex, in->conf.interface, in->family,
			      in->conf.vrid, in->conf.n_unicast_peers == 0, handle_packet, in,
			      err, sizeof(err));
	if (!in->sub) {
		log_warnx("instance %s: %s", in->conf.name, err);
		return -1;
	}
	if (in->env->hello && (r = hello_io_join(in->env->hello, in->family, in->ifindex)) < 0)
		log_warnx("instance %s: peer announcements: cannot join the group on %s: %s",
			  in->conf.name, in->conf.interface, strerror(-r));
	return 0;
}
