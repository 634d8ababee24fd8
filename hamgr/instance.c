/* instance: wiring of one instance between the kernel, the wire and the fsm.
 *
 * Every entry point follows one pattern: take the event loop's time, feed
 * the fsm, apply the actions it returns, re-arm the one timer at
 * fsm_next_deadline(). */
#include "instance.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "advert_io.h"
#include "events.h"
#include "core/hello.h"
#include "garp.h"
#include "hello_io.h"
#include "link.h"
#include "log.h"
#include "vip.h"

struct instance {
	struct conf_instance conf;      /* deep copy: vips/peers owned */
	struct instance_env *env;
	struct fsm fsm;
	struct advert_io *io;
	sd_event_source *io_src;
	sd_event_source *timer;
	int ifindex;
	uint8_t family;                 /* advert family: the first VIP's */
	struct ipaddr group;            /* 224.0.0.18 / ff02::12 */
	bool have_primary;
	struct instance_stats stats;
	struct log_ratelimit drop_rl;
	struct log_ratelimit send_rl;
	struct instance_peer peers[INSTANCE_MAX_PEERS];
	size_t n_peers;
	struct instance_node nodes[INSTANCE_MAX_NODES];
	size_t n_nodes;
	sd_event_source *hello_timer;
	uint32_t hello_seq;
};

static uint64_t instance_now(struct instance *in)
{
	uint64_t now;

	if (sd_event_now(in->env->event, CLOCK_MONOTONIC, &now) < 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	}
	return now;
}

static void *dup_array(const void *p, size_t n, size_t size)
{
	void *q;

	if (n == 0)
		return NULL;
	q = calloc(n, size);
	if (q)
		memcpy(q, p, n * size);
	return q;
}

static int conf_copy(struct conf_instance *dst, const struct conf_instance *src)
{
	*dst = *src;
	dst->vips = dup_array(src->vips, src->n_vips, sizeof(*src->vips));
	dst->unicast_peers = dup_array(src->unicast_peers, src->n_unicast_peers,
				       sizeof(*src->unicast_peers));
	if ((src->n_vips && !dst->vips) ||
	    (src->n_unicast_peers && !dst->unicast_peers)) {
		free(dst->vips);
		free(dst->unicast_peers);
		return -1;
	}
	return 0;
}

static void conf_release(struct conf_instance *c)
{
	free(c->vips);
	free(c->unicast_peers);
	c->vips = NULL;
	c->unicast_peers = NULL;
}

static void fsm_config_from(struct fsm_config *fc, const struct conf_instance *ci)
{
	memset(fc, 0, sizeof(*fc));
	fc->priority = ci->priority;
	fc->adver_int_us = (uint32_t)ci->advert_interval_us;
	fc->preempt = ci->preempt;
	fc->preempt_delay_us = ci->preempt_delay_us;
}

struct instance *instance_new(const struct conf_instance *ci, struct instance_env *env)
{
	struct instance *in = calloc(1, sizeof(*in));
	struct fsm_config fc;

	if (!in)
		return NULL;
	if (conf_copy(&in->conf, ci) < 0) {
		free(in);
		return NULL;
	}
	in->env = env;
	in->family = ci->vips[0].family;
	ipaddr_parse(in->family == IPADDR_V4 ? ADVERT_MCAST4 : ADVERT_MCAST6, false,
		     &in->group);
	fsm_config_from(&fc, ci);
	fsm_init(&in->fsm, &fc, NULL);
	return in;
}

const char *instance_name(const struct instance *in) { return in->conf.name; }
const struct fsm *instance_fsm(const struct instance *in) { return &in->fsm; }
const struct instance_stats *instance_stats(const struct instance *in) { return &in->stats; }
const struct conf_instance *instance_conf(const struct instance *in) { return &in->conf; }

/* The address we send from and compare in tie-breaks. */
static void refresh_primary(struct instance *in)
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

/* ---- actions ---- */

static size_t build_advert(struct instance *in, uint8_t priority,
			   const struct ipaddr *dst, uint8_t *buf, size_t len)
{
	struct advert adv;
	size_t i;

	memset(&adv, 0, sizeof(adv));
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

static void send_one(struct instance *in, uint8_t priority, const struct ipaddr *dst)
{
	uint8_t buf[ADVERT_MAX_LEN];
	size_t len = build_advert(in, priority, dst, buf, sizeof(buf));
	unsigned supp;
	int r;

	r = len ? advert_io_send(in->io, &in->fsm.primary, dst, buf, len) : -EINVAL;
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

static void send_advert(struct instance *in, uint8_t priority)
{
	size_t i;

	if (!in->have_primary)
		refresh_primary(in);
	if (!in->io || !in->have_primary) {
		in->stats.send_errors++;
		return;
	}
	if (in->conf.n_unicast_peers == 0) {
		send_one(in, priority, &in->group);
		return;
	}
	for (i = 0; i < in->conf.n_unicast_peers; i++)
		send_one(in, priority, &in->conf.unicast_peers[i]);
}

static void vips_add(struct instance *in, const struct ipaddr *v, size_t n)
{
	char a[IPADDR_STRLEN];
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		r = in->ifindex ? vip_add(in->env->vip, in->ifindex, &v[i]) : -ENODEV;
		if (r < 0)
			log_warnx("instance %s: cannot add %s on %s: %s", in->conf.name,
				  ipaddr_str_prefix(&v[i], a, sizeof(a)),
				  in->conf.interface, vip_strerror(r));
	}
}

static void vips_del(struct instance *in, const struct ipaddr *v, size_t n)
{
	char a[IPADDR_STRLEN];
	size_t i;
	int r;

	if (!in->ifindex)
		return;
	for (i = 0; i < n; i++) {
		r = vip_del(in->env->vip, in->ifindex, &v[i]);
		if (r < 0)
			log_warnx("instance %s: cannot remove %s from %s: %s", in->conf.name,
				  ipaddr_str_prefix(&v[i], a, sizeof(a)),
				  in->conf.interface, vip_strerror(r));
	}
}

static void garp_all(struct instance *in, const struct ipaddr *v, size_t n)
{
	unsigned rep;
	size_t i;

	if (!in->ifindex)
		return;
	for (rep = 0; rep < in->conf.garp_repeat; rep++)
		for (i = 0; i < n; i++)
			if (garp_send(in->env->garp, in->ifindex, &v[i]) < 0 && rep == 0)
				log_debug("instance %s: gratuitous ARP/NA failed", in->conf.name);
}

/* ---- peer announcements (core/hello.h) ---- */

static void send_hello(struct instance *in, uint8_t type, const char *target)
{
	struct hello h;
	uint8_t buf[HELLO_MAX_LEN];
	size_t len, i;

	if (!in->env->hello || !in->env->node_name || !in->ifindex || !in->have_primary)
		return;
	memset(&h, 0, sizeof(h));
	h.type = type;
	h.vrid = in->conf.vrid;
	h.state = (uint8_t)in->fsm.state;
	h.priority = in->conf.priority;
	h.effective = fsm_effective_priority(&in->fsm);
	h.flags = (in->fsm.standby ? HELLO_F_STANDBY : 0) |
		  (in->fsm.link_up ? HELLO_F_LINK_UP : 0);
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

static int on_hello_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct instance *in = arg;

	send_hello(in, HELLO_ANNOUNCE, NULL);
	sd_event_source_set_time(s, usec + INSTANCE_HELLO_PERIOD_US);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	return 0;
}

size_t instance_nodes(struct instance *in, const struct instance_node **nodes)
{
	uint64_t now = instance_now(in);
	size_t i = 0;

	while (i < in->n_nodes) {
		if (now - in->nodes[i].last_seen > INSTANCE_NODE_TTL_US)
			in->nodes[i] = in->nodes[--in->n_nodes];
		else
			i++;
	}
	*nodes = in->nodes;
	return in->n_nodes;
}

static void note_node(struct instance *in, const struct ipaddr *src, const struct hello *h,
		      uint64_t now)
{
	struct instance_node *n = NULL;
	size_t i, oldest = 0;

	for (i = 0; i < in->n_nodes; i++) {
		if (!strcmp(in->nodes[i].node, h->node)) {
			n = &in->nodes[i];
			break;
		}
		if (in->nodes[i].last_seen < in->nodes[oldest].last_seen)
			oldest = i;
	}
	if (!n)
		n = in->n_nodes < INSTANCE_MAX_NODES ? &in->nodes[in->n_nodes++] : &in->nodes[oldest];
	snprintf(n->node, sizeof(n->node), "%s", h->node);
	n->addr = *src;
	n->state = h->state;
	n->priority = h->priority;
	n->effective = h->effective;
	n->flags = h->flags;
	n->last_seen = now;
}

static void log_transition(struct instance *in, const struct fsm_action *a)
{
	log_notice("instance %s: %s -> %s (%s)", in->conf.name, fsm_state_str(a->from),
		   fsm_state_str(a->to), in->fsm.reason);
	events_add(in->conf.name, "transition", fsm_state_str(a->from),
		   fsm_state_str(a->to), "%s", in->fsm.reason);
}

static void apply(struct instance *in, const struct fsm_actions *acts)
{
	bool transition = false, release = false;
	size_t i;

	for (i = 0; i < acts->n; i++) {
		const struct fsm_action *a = &acts->a[i];

		switch (a->type) {
		case FSM_ACT_STATE:
			log_transition(in, a);
			transition = true;
			break;
		case FSM_ACT_SEND_ADVERT:
			send_advert(in, a->priority);
			break;
		case FSM_ACT_ACQUIRE:
			vips_add(in, in->conf.vips, in->conf.n_vips);
			garp_all(in, in->conf.vips, in->conf.n_vips);
			break;
		case FSM_ACT_RELEASE:
			vips_del(in, in->conf.vips, in->conf.n_vips);
			release = true;
			break;
		case FSM_ACT_SEND_GARP:
			garp_all(in, in->conf.vips, in->conf.n_vips);
			break;
		}
	}
	if (release) {
		struct fsm_actions more = { .n = 0 };

		fsm_vips_released(&in->fsm, instance_now(in), &more);
		if (more.n)
			apply(in, &more);
	}
	if (transition)
		send_hello(in, HELLO_ANNOUNCE, NULL);
	if (transition && in->env->on_state)
		in->env->on_state(in->env->on_state_arg);
}

static void rearm(struct instance *in)
{
	uint64_t d = fsm_next_deadline(&in->fsm);

	if (!in->timer)
		return;
	if (d == 0) {
		sd_event_source_set_enabled(in->timer, SD_EVENT_OFF);
		return;
	}
	sd_event_source_set_time(in->timer, d);
	sd_event_source_set_enabled(in->timer, SD_EVENT_ONESHOT);
}

/* ---- events ---- */

static int on_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct instance *in = arg;
	struct fsm_actions acts = { .n = 0 };

	fsm_timer(&in->fsm, instance_now(in), &acts);
	apply(in, &acts);
	rearm(in);
	return 0;
}

static bool is_peer(const struct instance *in, const struct ipaddr *src)
{
	size_t i;

	for (i = 0; i < in->conf.n_unicast_peers; i++)
		if (ipaddr_eq(&in->conf.unicast_peers[i], src))
			return true;
	return false;
}

/* Decode and validate one packet; ADVERT_OK means it may reach the fsm. */
static enum advert_reason check_packet(struct instance *in, const struct advert_rx *rx,
				       struct ipaddr *src, struct advert *adv)
{
	enum advert_reason r;

	memset(src, 0, sizeof(*src));
	if (rx->has_iphdr)
		r = advert_decode_ip4(rx->buf, rx->len, src, adv);
	else {
		*src = rx->src;
		r = advert_decode(rx->buf, rx->len, &rx->src, &rx->dst, rx->ttl, adv);
	}
	if (r != ADVERT_OK)
		return r;
	if (rx->ifindex && rx->ifindex != in->ifindex)
		return ADVERT_ERR_IFACE;
	if (adv->family != in->family)
		return ADVERT_ERR_FAMILY;
	if (adv->vrid != in->conf.vrid)
		return ADVERT_OK;       /* caller counts other VRIDs */
	if (in->have_primary && ipaddr_eq(src, &in->fsm.primary))
		return ADVERT_ERR_OWN;
	if (in->conf.n_unicast_peers && !is_peer(in, src))
		return ADVERT_ERR_UNKNOWN_PEER;
	return advert_check_interval(adv, (uint16_t)(in->conf.advert_interval_us / 10000u));
}

static void count_drop(struct instance *in, enum advert_reason r, const struct ipaddr *src,
		       uint64_t now)
{
	char a[IPADDR_STRLEN];
	unsigned supp;

	if (in->stats.drops[r]++ == 0 && r != ADVERT_ERR_OWN)
		events_add(in->conf.name, "drop", NULL, NULL, "first advert dropped for %s from %s",
			   advert_reason_str(r), src->family ? ipaddr_str(src, a, sizeof(a)) : "?");
	if (r == ADVERT_ERR_OWN)
		return;         /* our own packet looped back: not news */
	if (log_ratelimit_ok(&in->drop_rl, now, &supp))
		log_warnx("instance %s: dropped advert from %s: %s%s", in->conf.name,
			  src->family ? ipaddr_str(src, a, sizeof(a)) : "?",
			  advert_reason_str(r),
			  supp ? " (more drops suppressed)" : "");
}

/* Remember who we hear and how regularly (jitter: mean deviation of the
 * arrival gap from the advertised interval, smoothed like RFC 3550's). */
static void note_peer(struct instance *in, const struct ipaddr *src,
		      const struct advert *adv, uint64_t now)
{
	struct instance_peer *p = NULL;
	size_t i, oldest = 0;

	for (i = 0; i < in->n_peers; i++) {
		if (ipaddr_eq(&in->peers[i].addr, src)) {
			p = &in->peers[i];
			break;
		}
		if (in->peers[i].last_seen < in->peers[oldest].last_seen)
			oldest = i;
	}
	if (!p) {
		p = in->n_peers < INSTANCE_MAX_PEERS ? &in->peers[in->n_peers++] : &in->peers[oldest];
		memset(p, 0, sizeof(*p));
		p->addr = *src;
		p->first_seen = now;
	} else if (adv->priority != 0 && p->priority != 0) {
		double dev = fabs((double)(now - p->last_seen) - (double)p->interval_us);

		p->jitter_us += (dev - p->jitter_us) / 16.0;
	}
	p->priority = adv->priority;
	p->interval_us = adv->max_adver_int * 10000u;
	p->last_seen = now;
	p->adverts++;
}

size_t instance_peers(struct instance *in, const struct instance_peer **peers)
{
	uint64_t now = instance_now(in);
	size_t i = 0;

	while (i < in->n_peers) {
		if (now - in->peers[i].last_seen > INSTANCE_PEER_TTL_US)
			in->peers[i] = in->peers[--in->n_peers];
		else
			i++;
	}
	*peers = in->peers;
	return in->n_peers;
}

int instance_vip_present(struct instance *in, size_t i)
{
	if (i >= in->conf.n_vips || !in->ifindex)
		return in->ifindex ? -1 : 0;
	return vip_present(in->env->vip, in->ifindex, &in->conf.vips[i]);
}

uint64_t instance_time(struct instance *in) { return instance_now(in); }
bool instance_link_up(const struct instance *in) { return in->fsm.link_up && in->ifindex; }
bool instance_has_primary(const struct instance *in) { return in->have_primary; }

static void handle_packet(struct instance *in, const struct advert_rx *rx)
{
	struct fsm_actions acts = { .n = 0 };
	struct advert adv;
	struct ipaddr src;
	uint64_t now = instance_now(in);
	enum advert_reason r = check_packet(in, rx, &src, &adv);

	if (r != ADVERT_OK) {
		count_drop(in, r, &src, now);
		return;
	}
	if (adv.vrid != in->conf.vrid) {
		in->stats.other_vrid++;
		return;
	}
	in->stats.adverts_rcvd++;
	note_peer(in, &src, &adv, now);
	fsm_recv(&in->fsm, now, &src, adv.priority, adv.max_adver_int * 10000u, &acts);
	apply(in, &acts);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct instance *in = arg;
	struct advert_rx rx;
	int i, r;

	/* Bounded batch: a flood must not starve timers or other instances. */
	for (i = 0; i < 64; i++) {
		r = advert_io_recv(in->io, &rx);
		if (r <= 0)
			break;
		handle_packet(in, &rx);
	}
	rearm(in);
	return 0;
}

static void close_io(struct instance *in)
{
	in->io_src = sd_event_source_disable_unref(in->io_src);
	advert_io_close(in->io);
	in->io = NULL;
}

static int open_io(struct instance *in)
{
	char err[256];
	int r;

	close_io(in);
	in->io = advert_io_open(in->family, in->ifindex, in->conf.interface,
				in->conf.n_unicast_peers == 0, err, sizeof(err));
	if (!in->io) {
		log_warnx("instance %s: %s", in->conf.name, err);
		return -1;
	}
	if (in->env->hello && (r = hello_io_join(in->env->hello, in->family, in->ifindex)) < 0)
		log_warnx("instance %s: peer announcements: cannot join the group on %s: %s",
			  in->conf.name, in->conf.interface, strerror(-r));
	r = sd_event_add_io(in->env->event, &in->io_src, advert_io_fd(in->io), EPOLLIN,
			    on_io, in);
	if (r < 0) {
		log_warnx("instance %s: sd_event_add_io: %s", in->conf.name, strerror(-r));
		close_io(in);
		return -1;
	}
	return 0;
}

/* A crashed earlier run (kill -9) leaves its VIPs on the interface; left
 * there, two nodes would answer for one address. The address owner
 * (priority 255) owns them for real and keeps them. */
static void remove_stale_vips(struct instance *in)
{
	char a[IPADDR_STRLEN];
	size_t i;

	if (in->conf.priority == 255 || !in->ifindex)
		return;
	for (i = 0; i < in->conf.n_vips; i++) {
		if (vip_present(in->env->vip, in->ifindex, &in->conf.vips[i]) != 1)
			continue;
		log_notice("instance %s: removing stale %s from %s (left by an earlier run)",
			   in->conf.name, ipaddr_str_prefix(&in->conf.vips[i], a, sizeof(a)),
			   in->conf.interface);
		vip_del(in->env->vip, in->ifindex, &in->conf.vips[i]);
	}
}

static const char *state_dir(const struct instance *in)
{
	return in->env->state_dir ? in->env->state_dir : CONF_DEFAULT_STATE_DIR;
}

static void standby_path(const struct instance *in, char *buf, size_t len)
{
	snprintf(buf, len, "%s/standby.%s", state_dir(in), in->conf.name);
}

static bool standby_marked(const struct instance *in)
{
	char path[CONF_PATH_MAX + CONF_NAME_MAX + 16];

	standby_path(in, path, sizeof(path));
	return access(path, F_OK) == 0;
}

/* The mark is written before the role is given up, so a crash in between
 * still comes back in standby. */
static int standby_mark(const struct instance *in, bool on, char *err, size_t errlen)
{
	char path[CONF_PATH_MAX + CONF_NAME_MAX + 16];
	int fd;

	standby_path(in, path, sizeof(path));
	if (!on) {
		if (unlink(path) < 0 && errno != ENOENT) {
			snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	/* A manual run has no systemd StateDirectory= to create it. */
	if (mkdir(state_dir(in), 0750) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", state_dir(in), strerror(errno));
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || fsync(fd) < 0 || close(fd) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int instance_set_standby(struct instance *in, bool on, char *err, size_t errlen)
{
	struct fsm_actions acts = { .n = 0 };

	if (standby_mark(in, on, err, errlen) < 0)
		return -1;
	if (in->fsm.standby != on) {
		log_notice("instance %s: %s by operator", in->conf.name, on ? "standby" : "active");
		events_add(in->conf.name, "command", NULL, NULL, "%s", on ? "standby" : "active");
	}
	fsm_set_standby(&in->fsm, instance_now(in), on, &acts);
	apply(in, &acts);
	rearm(in);
	return 0;
}

static bool node_eligible(const struct instance_node *n)
{
	return n->state == FSM_BACKUP && !(n->flags & HELLO_F_STANDBY) &&
	       (n->flags & HELLO_F_LINK_UP) && n->effective > 0;
}

/* Names of the nodes heard, with why they cannot take over, for errors. */
static void describe_nodes(struct instance *in, char *buf, size_t len)
{
	const struct instance_node *n;
	size_t k = instance_nodes(in, &n), i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < k && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s %s%s", i ? ", " : "",
					n[i].node, fsm_state_str((enum fsm_state)n[i].state),
					(n[i].flags & HELLO_F_STANDBY) ? " standby" : "");
	if (!k)
		snprintf(buf, len, "none");
}

/* Before giving the role up: is there someone to take it? */
static int check_successor(struct instance *in, const char *to, bool force,
			   char *err, size_t errlen)
{
	const struct instance_node *n;
	size_t k = instance_nodes(in, &n), i;
	char seen[256];

	for (i = 0; i < k; i++)
		if (node_eligible(&n[i]) && (!to || !strcmp(n[i].node, to)))
			return 0;
	if (!to && (force || !in->env->hello))
		return 0;
	describe_nodes(in, seen, sizeof(seen));
	if (to)
		snprintf(err, errlen, "%s is not an eligible backup of %s (hamgr nodes heard: %s)",
			 to, in->conf.name, seen);
	else
		snprintf(err, errlen, "no eligible backup announces itself for %s (hamgr nodes "
			 "heard: %s); a backup that runs keepalived does not announce: "
			 "--force releases anyway", in->conf.name, seen);
	return -1;
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
	if (to && !in->env->hello) {
		snprintf(err, errlen, "--to needs peer announcements, which are not running "
			 "(see the log at start)");
		return -1;
	}
	if (check_successor(in, to, force, err, errlen) < 0)
		return -1;
	events_add(in->conf.name, "command", NULL, NULL, "switchover%s%s", to ? " to " : "",
		   to ? to : "");
	/* Release first (VIPs gone, priority 0), then name the successor: no
	 * instant with two holders, and the other backups, told to wait for
	 * it, do not race it after their Skew_Time. */
	fsm_switchover(&in->fsm, instance_now(in), &acts);
	apply(in, &acts);
	if (to) {
		send_hello(in, HELLO_HANDOVER, to);
		send_hello(in, HELLO_HANDOVER, to);
	}
	rearm(in);
	return 0;
}

void instance_hello_rx(struct instance *in, const struct ipaddr *src, uint8_t ttl,
		       const struct hello *h)
{
	struct fsm_actions acts = { .n = 0 };
	uint64_t now = instance_now(in);
	char why[160], a[IPADDR_STRLEN];

	if (ttl != ADVERT_TTL) {
		in->stats.hello_ttl_drops++;
		return;
	}
	if (in->have_primary && ipaddr_eq(src, &in->fsm.primary))
		return;
	if (in->env->node_name && !strcmp(h->node, in->env->node_name)) {
		/* Another node with our name (two hosts left on the same
		 * default hostname): neither could be told apart. */
		unsigned supp;

		in->stats.hello_name_clash++;
		if (log_ratelimit_ok(&in->drop_rl, now, &supp))
			log_warnx("instance %s: %s also announces itself as \"%s\": node names "
				  "must differ (set node-name)", in->conf.name,
				  ipaddr_str(src, a, sizeof(a)), h->node);
		return;
	}
	in->stats.hello_rcvd++;
	note_node(in, src, h, now);
	if (h->type != HELLO_HANDOVER)
		return;
	/* Only the master we follow may hand its role over. */
	if (!in->fsm.master_known || !ipaddr_eq(src, &in->fsm.master_addr))
		return;
	if (in->env->node_name && !strcmp(h->target, in->env->node_name)) {
		snprintf(why, sizeof(why), "switchover: %s (%s) handed the role to this node",
			 h->node, ipaddr_str(src, a, sizeof(a)));
		fsm_take_over(&in->fsm, now, why, &acts);
	} else {
		fsm_yield(&in->fsm, now);
	}
	apply(in, &acts);
	rearm(in);
}

int instance_ifindex(const struct instance *in) { return in->ifindex; }
unsigned instance_family(const struct instance *in) { return in->family; }

int instance_start(struct instance *in)
{
	struct fsm_actions acts = { .n = 0 };
	uint64_t now = instance_now(in);
	bool up = false;
	int r;

	r = link_query(in->env->links, in->conf.interface, &in->ifindex, &up);
	if (r < 0) {
		log_warnx("instance %s: cannot query %s: %s", in->conf.name,
			  in->conf.interface, strerror(-r));
		return -1;
	}
	if (!in->ifindex)
		log_warnx("instance %s: interface %s does not exist (yet): FAULT until it does",
			  in->conf.name, in->conf.interface);
	remove_stale_vips(in);
	refresh_primary(in);
	if (in->ifindex && open_io(in) < 0)
		return -1;
	r = sd_event_add_time(in->env->event, &in->timer, CLOCK_MONOTONIC, 0,
			      1 /* us accuracy: failover timing is the product */,
			      on_timer, in);
	if (r < 0) {
		log_warnx("instance %s: sd_event_add_time: %s", in->conf.name, strerror(-r));
		return -1;
	}
	sd_event_source_set_enabled(in->timer, SD_EVENT_OFF);
	if (in->env->hello &&
	    sd_event_add_time_relative(in->env->event, &in->hello_timer, CLOCK_MONOTONIC,
				       INSTANCE_HELLO_PERIOD_US, 10000, on_hello_timer, in) >= 0)
		sd_event_source_set_enabled(in->hello_timer, SD_EVENT_ONESHOT);
	if (!up || !in->have_primary) {
		if (up)
			log_warnx("instance %s: %s has no %s address to send from: FAULT",
				  in->conf.name, in->conf.interface,
				  in->family == IPADDR_V4 ? "IPv4" : "IPv6 link-local");
		fsm_link(&in->fsm, now, false, &acts);
	}
	if (standby_marked(in)) {
		log_notice("instance %s: in standby (remembered from before the restart)",
			   in->conf.name);
		in->fsm.standby = true;
	}
	fsm_start(&in->fsm, now, &acts);
	apply(in, &acts);
	rearm(in);
	return 0;
}

void instance_stop(struct instance *in)
{
	struct fsm_actions acts = { .n = 0 };

	fsm_shutdown(&in->fsm, instance_now(in), &acts);
	apply(in, &acts);
	rearm(in);
}

void instance_free(struct instance *in)
{
	if (!in)
		return;
	close_io(in);
	in->timer = sd_event_source_disable_unref(in->timer);
	in->hello_timer = sd_event_source_disable_unref(in->hello_timer);
	conf_release(&in->conf);
	free(in);
}

void instance_link_event(struct instance *in, int ifindex, const char *ifname, bool up)
{
	struct fsm_actions acts = { .n = 0 };

	if (strcmp(ifname, in->conf.interface) != 0 && ifindex != in->ifindex)
		return;
	if (strcmp(ifname, in->conf.interface) != 0) {
		/* Renamed away from us: treat as gone. */
		up = false;
	} else if (ifindex != in->ifindex) {
		/* The interface appeared or was re-created: new socket. */
		in->ifindex = ifindex;
		if (open_io(in) < 0)
			up = false;
	}
	if (up) {
		refresh_primary(in);
		if (!in->have_primary)
			up = false;
	}
	fsm_link(&in->fsm, instance_now(in), up, &acts);
	apply(in, &acts);
	rearm(in);
}

bool instance_can_reconfigure(const struct instance *in, const struct conf_instance *ci)
{
	size_t i;

	if (strcmp(in->conf.interface, ci->interface) != 0 || in->conf.vrid != ci->vrid ||
	    in->family != ci->vips[0].family ||
	    in->conf.n_unicast_peers != ci->n_unicast_peers ||
	    (in->conf.n_unicast_peers == 0) != (ci->n_unicast_peers == 0))
		return false;
	for (i = 0; i < ci->n_unicast_peers; i++)
		if (!ipaddr_eq(&in->conf.unicast_peers[i], &ci->unicast_peers[i]))
			return false;
	return true;
}

static bool vip_in(const struct ipaddr *v, const struct ipaddr *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ipaddr_eq(v, &list[i]) && v->prefixlen == list[i].prefixlen)
			return true;
	return false;
}

void instance_reconfigure(struct instance *in, const struct conf_instance *ci)
{
	struct fsm_actions acts = { .n = 0 };
	struct conf_instance nc;
	struct fsm_config fc;
	size_t i;

	if (conf_copy(&nc, ci) < 0) {
		log_warnx("instance %s: out of memory on reload; keeping the old config",
			  in->conf.name);
		return;
	}
	if (in->fsm.state == FSM_MASTER) {
		for (i = 0; i < in->conf.n_vips; i++)
			if (!vip_in(&in->conf.vips[i], nc.vips, nc.n_vips))
				vips_del(in, &in->conf.vips[i], 1);
		for (i = 0; i < nc.n_vips; i++)
			if (!vip_in(&nc.vips[i], in->conf.vips, in->conf.n_vips)) {
				vips_add(in, &nc.vips[i], 1);
				garp_all(in, &nc.vips[i], 1);
			}
	}
	conf_release(&in->conf);
	in->conf = nc;
	fsm_config_from(&fc, &nc);
	fsm_reconfigure(&in->fsm, instance_now(in), &fc, fc.priority, &acts);
	apply(in, &acts);
	rearm(in);
}
