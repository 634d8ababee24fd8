/* instance_hb: one instance's heartbeats of protocol "hamgr".
 *
 * The same fsm as VRRPv3; only the wire differs. Out: the fsm's adverts
 * become heartbeats of a MASTER (a release for priority 0), and the
 * announcements (once a second and on every change) become heartbeats of
 * the node's state, so one message stream carries both. In: what
 * hbproto.c let through (authentic, fresh) feeds the node table like an
 * announcement, and a MASTER's heartbeat (or a release) feeds the fsm like
 * an advert. A handover request names the backup that takes over at once;
 * it confirms. */
#include "instance_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/hello.h"
#include "events.h"
#include "hbproto.h"
#include "monotime.h"

/* What every heartbeat of ours says about this node and instance. */
static void fill(struct instance *in, struct heartbeat *hb, uint8_t type, uint8_t effective)
{
	size_t i;

	memset(hb, 0, sizeof(*hb));
	hb->type = type;
	hb->vrid = in->conf.vrid;
	hb->state = (uint8_t)in->fsm.state;
	hb->priority = in->conf.priority;
	hb->effective = effective;
	hb->flags = announce_flags(in);
	hb->tracks = (uint8_t)(in->conf.n_tracks > 255 ? 255 : in->conf.n_tracks);
	for (i = 0; i < in->conf.n_tracks && hb->tracks_down < hb->tracks; i++)
		if (in->tracks[i].t.known && !in->tracks[i].t.up)
			hb->tracks_down++;
	/* The codec wants a track down behind "track fault". */
	if (!hb->tracks_down)
		hb->flags &= (uint8_t)~HELLO_F_TRACK_FAULT;
	hb->interval_us = (uint32_t)in->conf.advert_interval_us;
	hb->epoch = in->hb_epoch;
	snprintf(hb->node, sizeof(hb->node), "%s", in->env->node_name ? in->env->node_name : "");
}

static void send_all(struct instance *in, struct heartbeat *hb)
{
	size_t i;
	int r = 0, e;

	if (!wire_ready(in))
		return;
	if (in->conf.n_unicast_peers == 0)
		r = hbproto_send(in->env->hb, in->ifindex, &in->fsm.primary, &in->group, hb);
	/* Every peer, whatever one of them answers: the first error is kept. */
	for (i = 0; i < in->conf.n_unicast_peers; i++)
		if ((e = hbproto_send(in->env->hb, in->ifindex, &in->fsm.primary,
				      &in->conf.unicast_peers[i], hb)) && !r)
			r = e;
	if (in->conf.n_paths && (e = path_send_all(in, hb)) && !r)
		r = e;
	wire_sent(in, r);
}

void hbwire_send_advert(struct instance *in, uint8_t priority)
{
	struct heartbeat hb;

	fill(in, &hb, priority ? HEARTBEAT_BEAT : HEARTBEAT_RELEASE, priority);
	if (priority)
		hb.state = FSM_MASTER;  /* only a master advertises */
	send_all(in, &hb);
}

void hbwire_announce(struct instance *in, uint8_t type, const char *target)
{
	struct heartbeat hb;

	/* A MASTER's heartbeats go out every interval and carry all of it;
	 * an announcement of its own could say "MASTER" with a priority the
	 * fsm does not advertise (standby, hold-off): leave it to them. */
	if (in->conf.protocol == CONF_PROTO_HAMGR && type == HEARTBEAT_BEAT &&
	    in->fsm.state == FSM_MASTER)
		return;
	fill(in, &hb, type, fsm_effective_priority(&in->fsm));
	if (target)
		snprintf(hb.target, sizeof(hb.target), "%s", target);
	send_all(in, &hb);
}

/* ---- in ---- */

/* Is m newer than anything this instance took from its sender (on any
 * path)? The sender's counter runs over all its instances and paths, so a
 * message reordered behind another one (LATE for the daemon) may still be
 * the newest for this instance. Returns the sender's entry, or NULL. */
static struct instance_hb_last *newest_for_us(struct instance *in, const struct heartbeat *hb)
{
	struct instance_hb_last *l = NULL, *oldest = &in->hb_last[0];
	size_t i;

	for (i = 0; i < PEERS_NODES_MAX; i++) {
		if (!strcmp(in->hb_last[i].node, hb->node)) {
			l = &in->hb_last[i];
			break;
		}
		if (in->hb_last[i].counter < oldest->counter)
			oldest = &in->hb_last[i];
	}
	if (!l) {
		l = oldest;
		memset(l, 0, sizeof(*l));
		snprintf(l->node, sizeof(l->node), "%s", hb->node);
	}
	if (l->boot_id == hb->boot_id && hb->counter <= l->counter)
		return NULL;
	l->boot_id = hb->boot_id;
	l->counter = hb->counter;
	return l;
}

/* A heartbeat seen as an announcement (node table, confirmation,
 * handover request). */
static bool as_announcement(struct instance *in, const struct ipaddr *src,
			    const struct heartbeat *hb)
{
	struct hello h;

	memset(&h, 0, sizeof(h));
	h.type = hb->type == HEARTBEAT_HANDOVER_REQ ? HELLO_HANDOVER : HELLO_ANNOUNCE;
	h.vrid = hb->vrid;
	h.state = hb->state;
	h.priority = hb->priority;
	h.effective = hb->effective;
	h.flags = hb->flags;
	h.seq = (uint32_t)hb->counter;
	memcpy(h.node, hb->node, sizeof(h.node));
	if (h.type == HELLO_HANDOVER)
		memcpy(h.target, hb->target, sizeof(h.target));
	return announce_rx(in, src, &h);
}

/* A MASTER's heartbeat or a release: the fsm's advert. */
static void as_advert(struct instance *in, const struct ipaddr *src, const struct heartbeat *hb)
{
	struct fsm_actions acts = { .n = 0 };
	uint64_t now = instance_now(in);
	uint8_t prio = hb->type == HEARTBEAT_RELEASE ? 0 : hb->effective;

	in->stats.adverts_rcvd++;
	peers_note_advert(&in->peers, now, src, prio, hb->interval_us);
	fsm_recv(&in->fsm, now, src, prio, hb->interval_us, &acts);
	instance_apply(in, &acts);
	if (in->fsm.state == FSM_MASTER && in->fsm.confirmed)
		takeover_confirm(in);
}

static void confirmed(struct instance *in, const struct ipaddr *src, const struct heartbeat *hb)
{
	char a[IPADDR_STRLEN];
	uint64_t took = in->handover_sent_at ? monotime_us() - in->handover_sent_at : 0;

	if (!in->env->node_name || strcmp(hb->target, in->env->node_name))
		return;
	log_info("instance %s: %s (%s) confirmed the handover after %llu us", in->conf.name,
		 hb->node, ipaddr_str(src, a, sizeof(a)), (unsigned long long)took);
	events_add(in->conf.name, "handover", NULL, NULL, "%s confirmed after %llu us", hb->node,
		   (unsigned long long)took);
	in->handover_sent_at = 0;
}

static void take(struct instance *in, const struct hbproto_msg *m)
{
	const struct heartbeat *hb = m->hb;

	if (hb->type == HEARTBEAT_HANDOVER_CONF) {
		confirmed(in, &m->src, hb);
		as_announcement(in, &m->src, hb);
		return;
	}
	/* vrrp3's signed announcements are announcements only: its adverts
	 * are VRRP's. */
	if (in->conf.protocol == CONF_PROTO_HAMGR &&
	    (hb->type == HEARTBEAT_RELEASE || (hb->type == HEARTBEAT_BEAT &&
					       hb->state == FSM_MASTER)))
		as_advert(in, &m->src, hb);
	if (as_announcement(in, &m->src, hb)) {
		struct heartbeat c;

		/* Taken over on request: confirm to the node that asked. */
		fill(in, &c, HEARTBEAT_HANDOVER_CONF, fsm_effective_priority(&in->fsm));
		snprintf(c.target, sizeof(c.target), "%s", hb->node);
		send_all(in, &c);
	}
}

static void answer(struct instance *in);

static int on_answer_due(sd_event_source *s, uint64_t usec, void *arg)
{
	struct instance *in = arg;

	in->hb_answer_src = sd_event_source_disable_unref(in->hb_answer_src);
	answer(in);
	return 0;
}

/* At most one answer per millisecond, or per interval if shorter: a flood
 * of challenges cannot make us flood; the next heartbeat carries the
 * answer anyway. */
static void answer(struct instance *in)
{
	uint64_t now = instance_now(in), gap = in->conf.advert_interval_us < 1000 ?
					       in->conf.advert_interval_us : 1000;

	/* Within the gap: answer once it has passed (not at the next
	 * heartbeat, a second away for a backup: a master would not know
	 * its new backup meanwhile). One pending answer at most. */
	if (in->hb_answered_at && now - in->hb_answered_at < gap) {
		if (!in->hb_answer_src &&
		    sd_event_add_time(in->env->event, &in->hb_answer_src, CLOCK_MONOTONIC,
				      in->hb_answered_at + gap, 0, on_answer_due, in) < 0)
			in->hb_answer_src = NULL;
		return;
	}
	in->hb_answered_at = now;
	hbproto_count_answer(in->env->hb);
	if (in->conf.protocol == CONF_PROTO_HAMGR && in->fsm.state == FSM_MASTER &&
	    fsm_advert_priority(&in->fsm))
		hbwire_send_advert(in, fsm_advert_priority(&in->fsm));
	else
		hbwire_announce(in, HEARTBEAT_BEAT, NULL);
}

void hbwire_rx(struct instance *in, size_t p, const struct hbproto_msg *m)
{
	struct instance_hb_last *l;

	if (p == 0 && m->ifindex && m->ifindex != in->ifindex)
		return;
	if (replay_accepted(m->verdict)) {
		path_heard(in, p, instance_now(in));
		l = newest_for_us(in, m->hb);
		if (l && p == 0) {
			l->addr = m->src;
			l->have_addr = true;
		}
		/* The sender as the election knows it: its address on path 0. */
		if (l && l->have_addr) {
			struct hbproto_msg as0 = *m;

			as0.src = l->addr;
			take(in, &as0);
		}
	} else if (m->verdict == REPLAY_ERR_UNVERIFIED && in->conf.protocol == CONF_PROTO_HAMGR &&
		   m->hb->type == HEARTBEAT_BEAT &&
		   m->hb->state == FSM_MASTER && m->hb->priority) {
		/* An authentic master whose boot we have not joined yet: give
		 * the join its round trip before a start-up takeover. */
		fsm_hold_for_join(&in->fsm, instance_now(in));
	}
	if (m->answer)
		answer(in);
	instance_rearm(in);
}

static void on_message(void *arg, const struct hbproto_msg *m)
{
	hbwire_rx(arg, 0, m);
}

/* unicast-peers and allowed-peers, before the replay window: heartbeats
 * and signed announcements alike (hbproto counts the drop). */
static bool src_allowed(void *arg, const struct ipaddr *src)
{
	struct instance *in = arg;

	return wire_allowed(in, src);
}

void hbwire_drain(struct instance *in)
{
	if (in->hbsub && in->conf.protocol == CONF_PROTO_HAMGR)
		hbproto_drain(in->env->hb, in->family);
}

void hbwire_close(struct instance *in)
{
	in->hb_answer_src = sd_event_source_disable_unref(in->hb_answer_src);
	path_close_all(in);
	if (in->env->hb)
		hbproto_del(in->env->hb, in->hbsub);
	in->hbsub = NULL;
}

int hbwire_open(struct instance *in)
{
	char err[256];

	hbwire_close(in);
	if (!in->env->hb) {
		log_warnx("instance %s: protocol \"hamgr\" is not running", in->conf.name);
		return -1;
	}
	in->hbsub = hbproto_add(in->env->hb, in->ifindex, in->family, in->conf.vrid,
				in->conf.n_unicast_peers == 0, on_message, src_allowed, in, err,
				sizeof(err));
	if (!in->hbsub) {
		log_warnx("instance %s: %s", in->conf.name, err);
		return -1;
	}
	if (in->conf.protocol == CONF_PROTO_HAMGR)
		path_open_all(in);
	return 0;
}
