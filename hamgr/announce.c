/* announce: the peer announcements beside VRRPv3 (core/hello.h) for one
 * instance: sent once a second and on every transition, received into the
 * node table, and the handover that `hactl switchover --to` names. */
#include "instance_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/heartbeat.h"
#include "core/hello.h"
#include "events.h"
#include "hello_io.h"
#include "monotime.h"
#include "vrrp_rx.h"

uint8_t announce_flags(const struct instance *in)
{
	return (in->fsm.standby ? HELLO_F_STANDBY : 0) |
	       (in->fsm.link_up ? HELLO_F_LINK_UP : 0) |
	       (!pipeline_released(&in->pipe) ? HELLO_F_HELD : 0) |
	       ((in->fsm.fault & FSM_FAULT_TRACK) ? HELLO_F_TRACK_FAULT : 0) |
	       (in->fsm.prio != in->conf.priority ? HELLO_F_TRACK_DOWN : 0);
}

bool announce_running(const struct instance *in)
{
	return in->env->hb || (in->conf.protocol == CONF_PROTO_VRRP3 && in->env->hello);
}

void announce_send(struct instance *in, uint8_t type, const char *target)
{
	struct hello h;
	uint8_t buf[HELLO_MAX_LEN];
	size_t len, i;

	in->hello_flags = announce_flags(in);
	/* Protocol "hamgr", or a key to sign with: the heartbeat stream. */
	if (in->env->hb) {
		hbwire_announce(in, type == HELLO_HANDOVER ? HEARTBEAT_HANDOVER_REQ
							   : HEARTBEAT_BEAT, target);
		return;
	}
	if (!in->env->hello || !in->env->node_name || !in->ifindex || !in->have_primary)
		return;
	memset(&h, 0, sizeof(h));
	h.type = type;
	h.vrid = in->conf.vrid;
	h.state = (uint8_t)in->fsm.state;
	h.priority = in->conf.priority;
	/* The priority we compete with: tracks applied, 0 in standby. */
	h.effective = fsm_effective_priority(&in->fsm);
	h.flags = announce_flags(in);
	h.seq = ++in->hello_seq;
	snprintf(h.node, sizeof(h.node), "%s", in->env->node_name);
	if (target)
		snprintf(h.target, sizeof(h.target), "%s", target);
	len = hello_encode(&h, buf, sizeof(buf));
	if (!len)
		return;
	if (in->conf.n_unicast_peers == 0) {
		if (hello_io_send(in->env->hello, in->ifindex, &in->fsm.primary, &in->group,
				  buf, len) == 0)
			in->stats.hello_sent++;
		return;
	}
	for (i = 0; i < in->conf.n_unicast_peers; i++)
		if (hello_io_send(in->env->hello, in->ifindex, &in->fsm.primary,
				  &in->conf.unicast_peers[i], buf, len) == 0)
			in->stats.hello_sent++;
}

uint64_t announce_period(const struct conf_instance *ci)
{
	uint64_t p = ci->advert_interval_us;

	/* With a quorum, peers must be seen gone within a few adverts (the
	 * majority's backups wait for it): announce every advert interval,
	 * 10 ms at the least. corosync's quorum needs none of that. */
	if (ci->quorum != CONF_QUORUM_MAJORITY)
		return PEERS_HELLO_PERIOD_US;
	return p < 10000 ? 10000 : p > PEERS_HELLO_PERIOD_US ? PEERS_HELLO_PERIOD_US : p;
}

/* How early an announcement may leave with an advert sent or read: the
 * longest gap between the instance's wakeups, an advert interval, or
 * Master_Down_Interval for a backup that reads its adverts late (at that
 * deadline); a quarter period at the most, half a period read late. (It
 * was taken back once for false takeovers at 10 ms under starvation: they
 * came from adverts timed at a stalled wakeup's time, fixed in
 * instance_wire.c arrival; 0 in 12 runs with both since.) */
static uint64_t piggyback_window(const struct instance *in)
{
	uint64_t w = in->conf.advert_interval_us, q = announce_period(&in->conf) / 4;

	if (in->fsm.state == FSM_BACKUP && vrrp_rx_is_lazy(in->sub)) {
		w = fsm_master_down_interval(&in->fsm);
		q *= 2;
	}
	return w < q ? w : q;
}

/* The grid the announcements' own timers fire on: every instance's that
 * falls due within the same 100 ms fires in one wakeup. */
#define HELLO_GRID_US 100000u

/* The timer of the announcement due at hello_due, a loop deadline (no
 * system call to move it). While adverts flow, one of them carries the
 * announcement first (announce_piggyback): the timer only fires for a node
 * that neither sends nor hears adverts, a window after the due time, on
 * the grid (hundreds of instances in FAULT wake a few times a second, not
 * once each). With a quorum the announcements are its clock: on time, and
 * precise. */
static void hello_arm(struct instance *in)
{
	uint64_t at = in->hello_due + piggyback_window(in);

	if (in->conf.quorum == CONF_QUORUM_MAJORITY)
		deadline_set(&in->hello_dl, in->hello_due, 1);
	else
		deadline_set(&in->hello_dl, (at / HELLO_GRID_US + 1) * HELLO_GRID_US,
			     HELLO_GRID_US);
}

/* The periodic announcement, and the next one a period later (on the
 * grid: one sent early by announce_piggyback does not drift). */
static void hello_beat(struct instance *in, uint64_t now)
{
	uint64_t p = announce_period(&in->conf);

	announce_send(in, HELLO_ANNOUNCE, NULL);
	instance_quorum_check(in);
	in->hello_due += p;
	if (in->hello_due <= now)
		in->hello_due = now + p;
	hello_arm(in);
}

static void on_hello_timer(struct deadline *d, uint64_t now, void *arg)
{
	struct instance *in = arg;

	(void)d;
	hello_beat(in, now);
}

/* An announcement due within the window goes now, in the wakeup of the
 * advert sent or read, rather than in one of its own a moment later: one
 * instance at 100 ms woke 11 times a second instead of 10 on either node
 * (and made a timerfd_settime() and a read() for it), and its peer reads
 * both packets in one wakeup. */
void announce_piggyback(struct instance *in, uint64_t now)
{
	if (in->hello_dl.set && now + piggyback_window(in) >= in->hello_due)
		hello_beat(in, now);
}

int announce_start(struct instance *in)
{
	if (!announce_running(in) || in->hello_dl.set)
		return 0;
	if (deadline_add(in->env->deadlines, &in->hello_dl, on_hello_timer, in) < 0)
		return -1;
	in->hello_due = instance_now(in) + announce_period(&in->conf);
	hello_arm(in);
	if (!in->hello_user) {
		hello_io_user(in->env->hello, true, &in->hello_lazy);
		in->hello_user = true;
	}
	return 0;
}

void announce_stop(struct instance *in)
{
	deadline_del(&in->hello_dl);
	if (in->hello_user) {
		hello_io_user(in->env->hello, false, &in->hello_lazy);
		in->hello_user = false;
	}
}

/* A steady master: every step up, nothing under way, and no other node's
 * advert heard for a second (a healed partition's other master, a
 * release: what it announces then is news at once); its adverts wake it
 * often enough to read the announcements (announce_drain). Not in protocol
 * "hamgr", whose handovers pick a successor from the announcements. */
static bool steady_master(const struct instance *in, uint64_t now)
{
	const struct fsm *f = &in->fsm;

	return in->conf.protocol != CONF_PROTO_HAMGR && f->state == FSM_MASTER &&
	       in->conf.advert_interval_us <= ANNOUNCE_LAZY_US / 2 &&
	       pipeline_held(&in->pipe) && !f->awaiting_release &&
	       f->releasing == FSM_CAUSE_NONE && !in->handing_over &&
	       now - in->advert_heard_at >= ANNOUNCE_LAZY_US;
}

void announce_vote(struct instance *in, bool steady_backup, uint64_t now)
{
	bool ok = in->conf.quorum == CONF_QUORUM_NONE &&
		  (steady_backup || steady_master(in, now));

	if (in->hello_user)
		hello_io_vote(in->env->hello, &in->hello_lazy, ok);
}

void announce_drain(struct instance *in, uint64_t now, bool now_too)
{
	if (now_too)
		hello_io_read_queued(in->env->hello, now);
	else
		hello_io_drain_due(in->env->hello, now, ANNOUNCE_LAZY_US / 2);
}

/* Whom a release hands the role to: the node --to named; in protocol
 * "hamgr" also, for a switchover without --to or a shutdown, the backup the
 * election would pick (no Skew_Time race); NULL: nobody by name. */
static const char *successor(struct instance *in)
{
	if (in->handover_to[0])
		return in->handover_to;
	if (in->conf.protocol != CONF_PROTO_HAMGR || !(in->handing_over || in->stopping))
		return NULL;
	return peers_best_successor(&in->peers, instance_now(in));
}

/* The switchover's release reached priority 0: name the successor now. */
void announce_released(struct instance *in)
{
	const char *to = successor(in);

	if (to) {
		char name[HELLO_NAME_MAX + 1];

		/* peers' table may change under the sends: keep a copy. */
		snprintf(name, sizeof(name), "%s", to);
		log_info("instance %s: handing the role to %s", in->conf.name, name);
		in->handover_sent_at = monotime_us();
		announce_send(in, HELLO_HANDOVER, name);
		announce_send(in, HELLO_HANDOVER, name);
	}
	in->handover_to[0] = '\0';
	in->handing_over = false;
}

size_t instance_nodes(struct instance *in, const struct peers_node **nodes)
{
	return peers_nodes(&in->peers, instance_now(in), nodes);
}

int announce_check_successor(struct instance *in, const char *to, bool force,
			     const char *cost, char *err, size_t errlen)
{
	uint64_t now = instance_now(in);
	char seen[256];

	if (peers_has_successor(&in->peers, now, to))
		return 0;
	if (!to && (force || !announce_running(in)))
		return 0;
	peers_describe(&in->peers, now, seen, sizeof(seen));
	if (to)
		snprintf(err, errlen, "%s is not an eligible backup of %s (hamgr nodes heard: %s)",
			 to, in->conf.name, seen);
	else
		snprintf(err, errlen, "no eligible backup announces itself for %s (hamgr nodes "
			 "heard: %s)%s%s; a backup that runs keepalived does not announce: "
			 "--force releases anyway", in->conf.name, seen, cost ? ": " : "",
			 cost ? cost : "");
	return -1;
}

/* src (announcing h) ranks below us in the election. */
static bool below_us(const struct instance *in, const struct ipaddr *src, uint8_t effective)
{
	uint8_t ours = fsm_effective_priority(&in->fsm);

	return effective < ours || (effective == ours && ipaddr_cmp(src, &in->fsm.primary) < 0);
}

/* Every configured unicast peer announces itself, holds nothing and
 * ranks below us. Only unicast lists the membership: with multicast a
 * node that has not spoken yet is unknown, and only the gate's end
 * confirms. */
static bool all_peers_below(struct instance *in, uint64_t now)
{
	const struct peers_node *n;
	size_t k = peers_nodes(&in->peers, now, &n), i, j;

	if (!in->conf.n_unicast_peers)
		return false;
	for (i = 0; i < in->conf.n_unicast_peers; i++) {
		for (j = 0; j < k; j++)
			if (ipaddr_eq(&n[j].addr, &in->conf.unicast_peers[i]))
				break;
		if (j == k || n[j].state == FSM_MASTER || (n[j].flags & HELLO_F_HELD) ||
		    !below_us(in, &n[j].addr, n[j].effective))
			return false;
	}
	return true;
}

/* A master whose irreversible steps wait for confirmation (core/fsm.h):
 * the node it preempted announces that it released, or every unicast
 * peer announced itself below us. */
/* A healed partition: another node says it still holds what it held as
 * master but is master no more (it just yielded to us). Clients may still
 * have its MAC for our VIPs, and it sends no gratuitous ARP: we do, at
 * once, at most once a second. (Hearing its adverts as a lower master
 * does the same through the fsm, but the loser may yield before either
 * side hears the other's advert.) */
static void reclaim_after_heal(struct instance *in, const struct hello *h, uint64_t now)
{
	if (in->fsm.state != FSM_MASTER || h->state == FSM_MASTER || !(h->flags & HELLO_F_HELD) ||
	    !pipeline_vips_up(&in->pipe))
		return;
	if (in->heal_garp_at && now - in->heal_garp_at < 1000000u)
		return;
	in->heal_garp_at = now;
	log_info("instance %s: %s yielded while holding: announcing our addresses again",
		 in->conf.name, h->node);
	vipset_garp(in, in->conf.vips, in->conf.n_vips);
}

static void confirm_by(struct instance *in, const struct ipaddr *src, const struct hello *h,
		       uint64_t now)
{
	if (in->fsm.state != FSM_MASTER || in->fsm.confirmed)
		return;
	if (in->fsm.awaiting_release && ipaddr_eq(src, &in->fsm.preempted) &&
	    h->state != FSM_MASTER && !(h->flags & HELLO_F_HELD)) {
		struct fsm_actions acts = { .n = 0 };

		fsm_preempted_released(&in->fsm, &acts);
		instance_apply(in, &acts);
	} else if (all_peers_below(in, now)) {
		fsm_confirm(&in->fsm);
		takeover_confirm(in);
	}
}

int instance_switchover(struct instance *in, const char *to, bool force,
			char *err, size_t errlen)
{
	struct fsm_actions acts = { .n = 0 };

	if (in->fsm.state != FSM_MASTER) {
		snprintf(err, errlen, "instance %s is %s, not MASTER: nothing to hand over",
			 in->conf.name, fsm_state_str(in->fsm.state));
		return -1;
	}
	if (to && !announce_running(in)) {
		snprintf(err, errlen, "--to needs peer announcements, which are not running "
			 "(see the log at start)");
		return -1;
	}
	if (announce_check_successor(in, to, force, NULL, err, errlen) < 0)
		return -1;
	if (in->fsm.releasing != FSM_CAUSE_NONE) {
		snprintf(err, errlen, "instance %s is already releasing (%s)", in->conf.name,
			 in->fsm.release_why);
		return -1;
	}
	events_add(in->conf.name, "command", NULL, NULL, "switchover%s%s", to ? " to " : "",
		   to ? to : "");
	/* Release first (the pipeline undoes the steps; priority 0 once the
	 * VIPs are gone), then name the successor: no instant with two
	 * holders, and the other backups, told to wait for it, do not race it
	 * after their Skew_Time. The handover is sent when the VIPs are gone
	 * (announce_released). */
	snprintf(in->handover_to, sizeof(in->handover_to), "%s", to ? to : "");
	in->handing_over = true;
	fsm_switchover(&in->fsm, instance_now(in), &acts);
	instance_apply(in, &acts);
	instance_rearm(in);
	return 0;
}

const struct instance_clash *instance_name_clash(struct instance *in)
{
	const struct instance_clash *c = &in->clash;

	return c->count && instance_now(in) - c->last <= PEERS_NODE_TTL_US ? c : NULL;
}

/* An announcement from src carrying our own node name (two hosts left on
 * the same default host name): neither could be told apart, so it is
 * dropped. Warned at once, then once a minute while it goes on: a clone
 * announces itself every second. */
static void name_clash(struct instance *in, const struct ipaddr *src, const char *node,
		       uint64_t now)
{
	struct instance_clash *c = &in->clash;
	char a[IPADDR_STRLEN];

	in->stats.hello_name_clash++;
	if (!instance_name_clash(in) || !ipaddr_eq(&c->from, src)) {
		memset(c, 0, sizeof(*c));
		c->from = *src;
		c->first = now;
		snprintf(c->node, sizeof(c->node), "%s", node);
		events_add(in->conf.name, "name-clash", NULL, NULL, "%s also announces itself "
			   "as \"%s\"", ipaddr_str(src, a, sizeof(a)), node);
	}
	c->count++;
	c->last = now;
	if (!c->logged)
		log_warnx("instance %s: %s also announces itself as \"%s\": node names must "
			  "differ (set node-name)", in->conf.name, ipaddr_str(src, a, sizeof(a)),
			  node);
	else if (now - c->logged >= INSTANCE_CLASH_LOG_US)
		log_warnx("instance %s: %s still announces itself as \"%s\" (%llu announcements "
			  "in %llu s): node names must differ (set node-name)", in->conf.name,
			  ipaddr_str(src, a, sizeof(a)), node, (unsigned long long)c->count,
			  (unsigned long long)((now - c->first) / 1000000u));
	else
		return;
	c->logged = now;
}

enum hello_reason instance_hello_rx(struct instance *in, const struct ipaddr *src,
				    uint8_t ttl, const struct hello *h)
{
	if (ttl != ADVERT_TTL) {
		in->stats.hello_ttl_drops++;
		return HELLO_ERR_TTL;
	}
	/* Protocol "hamgr" folds the announcements into its heartbeats;
	 * with a key, vrrp3's go there too, signed: an unsigned one could be
	 * anybody's. */
	if (in->conf.protocol == CONF_PROTO_HAMGR)
		return HELLO_OK;
	if (in->env->hb) {
		in->stats.hello_unsigned_drops++;
		return HELLO_ERR_UNSIGNED;
	}
	if (in->have_primary && ipaddr_eq(src, &in->fsm.primary))
		return HELLO_OK;
	if (!announce_allowed(in, src))
		return HELLO_ERR_NOT_ALLOWED;
	announce_rx(in, src, h);
	return HELLO_OK;
}

bool announce_allowed(struct instance *in, const struct ipaddr *src)
{
	if (wire_allowed(in, src))
		return true;
	/* A source the adverts are not taken from names no node either. */
	wire_log_drop(in, "peer announcement", hello_reason_str(HELLO_ERR_NOT_ALLOWED), src,
		      in->stats.hello_not_allowed++ == 0, instance_now(in));
	return false;
}

static bool handover_from_master(const struct instance *in, const struct ipaddr *src)
{
	return in->fsm.master_known && ipaddr_eq(src, &in->fsm.master_addr);
}

/* The node a handover names already leads: its first advert was read
 * before the old master's announcement (queued with it and read by the
 * drain, or in an earlier wakeup), and, lower than us, made it the master
 * we would preempt. The handover asks us to follow it: without this, a
 * backup between the two priorities took the role from the node the
 * operator chose (t_hactl_to, n2 stopped across the switchover). */
static bool handover_target_leads(struct instance *in, const struct hello *h, uint64_t now)
{
	const char *at;

	if (!in->fsm.master_known)
		return false;
	at = peers_node_at(&in->peers, now, &in->fsm.master_addr);
	return at && !strcmp(at, h->target);
}

bool announce_rx(struct instance *in, const struct ipaddr *src, const struct hello *h)
{
	struct fsm_actions acts = { .n = 0 };
	uint64_t now = instance_now(in);
	char why[160], a[IPADDR_STRLEN];
	bool taken = false;

	if (in->have_primary && ipaddr_eq(src, &in->fsm.primary))
		return false;
	if (in->env->node_name && !strcmp(h->node, in->env->node_name)) {
		name_clash(in, src, h->node, now);
		return false;
	}
	in->stats.hello_rcvd++;
	peers_note_node(&in->peers, now, src, h->node, h->state, h->priority, h->effective,
			h->flags);
	instance_quorum_check(in);
	confirm_by(in, src, h, now);
	reclaim_after_heal(in, h, now);
	if (h->type != HELLO_HANDOVER)
		return false;
	/* Adverts read late (vrrp_rx_lazy) first: taking the role over with
	 * the old master's adverts still queued would have us read them as a
	 * master, and yield to a node that no longer is one. */
	if (in->fsm.state == FSM_BACKUP)
		wire_drain(in);
	if (in->env->node_name && !strcmp(h->target, in->env->node_name)) {
		/* Only the master we follow may hand its role over. */
		if (!handover_from_master(in, src))
			return false;
		snprintf(why, sizeof(why), "switchover: %s (%s) handed the role to this node",
			 h->node, ipaddr_str(src, a, sizeof(a)));
		taken = fsm_take_over(&in->fsm, now, why, &acts) == 0;
	} else {
		if (!handover_from_master(in, src) && !handover_target_leads(in, h, now))
			return false;
		fsm_yield(&in->fsm, now);
	}
	instance_apply(in, &acts);
	instance_rearm(in);
	return taken;
}
