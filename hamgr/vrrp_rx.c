/* vrrp_rx: one raw socket per interface and family, every instance's
 * adverts demultiplexed by VRID (core/demux.c). */
#include "vrrp_rx.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "core/demux.h"
#include "log.h"

/* Packets read per wakeup: two recvmmsg batches at most, then the loop
 * runs timers and other sources before the rest (level-triggered). */
#define VRRP_RX_BATCH 32
#define VRRP_RX_ROUNDS 2
/* Before a backup declares its master down, everything queued is read
 * (up to this many batches, 4,096 adverts): after a stall with hundreds
 * of instances, the instance's own master's advert may be deep in the
 * queue behind the others' (t_instances_many: 208 false takeovers after
 * a 1.5 s stop at 10 ms with one 64-advert read). */
#define VRRP_RX_DRAIN_ROUNDS 128

/* A socket is read late (lazy) only while few instances share it and what
 * queues within the longest wait fits many times over in its receive
 * buffer (4 MB, thousands of adverts): a packet the kernel drops while
 * nobody reads could be the master's. */
#define VRRP_RX_LAZY_SUBS 8
#define VRRP_RX_LAZY_BUDGET 256         /* packets queued at most in one wait */
#define VRRP_RX_RATE_US 1000000         /* the packet rate's measuring window */

struct vrrp_sock {
	struct vrrp_rx *owner;
	struct advert_io *io;
	sd_event_source *src;
	int ifindex;
	char ifname[IFNAMSIZ];
	unsigned family;
	size_t refs;                    /* subscribers, and reads under way */
	size_t subs;                    /* subscribers */
	size_t multicast;               /* of them, multicast instances */
	size_t lazy_ok;                 /* of them, those that may be read late */
	uint32_t kdrops;                /* the kernel's drop count, as last seen */
	bool lazy;                      /* read late: src is off */
	bool never_lazy;                /* the kernel dropped while it was */
	struct advert_io *wake;         /* releases only: wakes a lazy socket */
	sd_event_source *wake_src;
	uint64_t rate_since;            /* the packet rate: window start, */
	uint64_t rate_count;            /* packets since, */
	uint64_t rate_pps;              /* packets a second in the last window */
};

struct vrrp_sub {
	uint32_t id;                    /* slot, the demux id */
	uint64_t serial;                /* tells a reused slot apart */
	struct vrrp_sock *sock;
	uint8_t vrid;
	bool multicast;
	bool lazy_ok;                   /* may be read within lazy_us */
	uint64_t lazy_us;
	vrrp_rx_fn fn;
	void *arg;
};

struct vrrp_rx {
	sd_event *event;
	struct vrrp_sock **socks;
	size_t n_socks;
	struct vrrp_sub **slot;         /* by id; NULL: free */
	size_t n_slots;
	uint64_t serial;
	struct demux dm;
	bool dispatching;
	struct vrrp_rx_stats stats;
	struct advert_rx rx[VRRP_RX_BATCH];
};

struct vrrp_rx *vrrp_rx_open(sd_event *event)
{
	struct vrrp_rx *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->event = event;
	demux_init(&v->dm, NULL, 0);
	return v;
}

static void sock_free(struct vrrp_sock *k)
{
	k->src = sd_event_source_disable_unref(k->src);
	k->wake_src = sd_event_source_disable_unref(k->wake_src);
	advert_io_close(k->wake);
	advert_io_close(k->io);
	free(k);
}

void vrrp_rx_close(struct vrrp_rx *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n_socks; i++)
		sock_free(v->socks[i]);
	for (i = 0; i < v->n_slots; i++)
		free(v->slot[i]);
	free(v->socks);
	free(v->slot);
	free(v->dm.e);
	free(v);
}

static bool is_group(const struct ipaddr *dst)
{
	if (dst->family == IPADDR_V4)
		return dst->a[0] >= 224 && dst->a[0] <= 239;
	return dst->family == IPADDR_V6 && dst->a[0] == 0xff;
}

/* The subscribers a packet goes to, copied before any of them runs: a
 * callback may subscribe or unsubscribe (a reload, a stop). */
struct target {
	uint32_t id;
	uint64_t serial;
};

/* Hand p to the n entries of the table from first on (skipping those of
 * VRID skip, unless 0); true when one of them asked to pass it on. */
static bool hand(struct vrrp_rx *v, const struct vrrp_pkt *p, size_t first, size_t n,
		 int skip)
{
	struct target t[2 * 256];
	bool group = is_group(&p->rx->dst), pass = false;
	size_t i, m = 0;

	for (i = 0; i < n && m < sizeof(t) / sizeof(t[0]); i++) {
		const struct demux_entry *e = &v->dm.e[first + i];

		if (e->vrid != skip)
			t[m++] = (struct target){ e->id, v->slot[e->id]->serial };
	}
	for (i = 0; i < m; i++) {
		struct vrrp_sub *s = t[i].id < v->n_slots ? v->slot[t[i].id] : NULL;

		if (!s || s->serial != t[i].serial)
			continue;
		/* A unicast instance never listened to the group. */
		if (group && !s->multicast)
			continue;
		pass |= s->fn(s->arg, p);
	}
	return pass;
}

static void deliver(struct vrrp_rx *v, struct vrrp_sock *k, struct vrrp_pkt *p)
{
	size_t first, n;

	if (p->reason == ADVERT_OK) {
		n = demux_find(&v->dm, k->ifindex, (uint8_t)k->family, p->adv->vrid, &first);
		if (n && !hand(v, p, first, n, -1))
			return;
		/* nobody has its VRID, or it lists addresses its instance does
		 * not: the others of the interface check it */
		p->other_vrid = true;
		v->stats.other_vrid++;
		n = demux_link(&v->dm, k->ifindex, (uint8_t)k->family, &first);
		hand(v, p, first, n, p->adv->vrid);
		return;
	}
	n = demux_link(&v->dm, k->ifindex, (uint8_t)k->family, &first);
	hand(v, p, first, n, -1);
}

static void dispatch_one(struct vrrp_rx *v, struct vrrp_sock *k, const struct advert_rx *rx)
{
	struct advert adv;
	struct vrrp_pkt p = { .rx = rx, .adv = &adv };

	if (rx->has_iphdr) {
		p.reason = advert_decode_ip4(rx->buf, rx->len, &p.src, &adv);
	} else {
		p.src = rx->src;
		p.reason = advert_decode(rx->buf, rx->len, &rx->src, &rx->dst, rx->ttl, &adv);
	}
	deliver(v, k, &p);
}

static void sock_update(struct vrrp_rx *v, struct vrrp_sock *k);

/* What a read saw, for the decision to read k late: the packet rate, and
 * drops, which end it for good. */
static void note_read(struct vrrp_rx *v, struct vrrp_sock *k, uint64_t packets)
{
	uint32_t before = k->kdrops;
	uint64_t now;

	rxstats_kernel_drops(&v->stats, &k->kdrops, advert_io_kernel_drops(k->io));
	if (k->kdrops != before && k->lazy) {
		k->never_lazy = true;
		log_warnx("VRRP receive on %s: the kernel dropped adverts while they were "
			  "read late; reading each one as it comes from now on", k->ifname);
	}
	k->rate_count += packets;
	if (sd_event_now(v->event, CLOCK_MONOTONIC, &now) < 0)
		return;
	if (!k->rate_since) {
		k->rate_since = now;
		k->rate_count = 0;
	} else if (now - k->rate_since >= VRRP_RX_RATE_US) {
		k->rate_pps = k->rate_count * 1000000u / (now - k->rate_since);
		k->rate_since = now;
		k->rate_count = 0;
	}
	sock_update(v, k);
}

/* One bounded read of k: returns true when more may be queued. */
static bool read_sock(struct vrrp_rx *v, struct vrrp_sock *k, unsigned rounds)
{
	bool more = false;
	uint64_t packets = 0;
	unsigned r;
	int n, i;

	v->dispatching = true;
	for (r = 0; r < rounds; r++) {
		n = advert_io_recv_many(k->io, v->rx, VRRP_RX_BATCH, &more);
		rxstats_read(&v->stats, n, more);
		if (n < 0 && !more)
			break;
		for (i = 0; i < n; i++)
			dispatch_one(v, k, &v->rx[i]);
		packets += n > 0 ? (uint64_t)n : 0;
		if (!more)
			break;
	}
	rxstats_wakeup_end(&v->stats, more);
	v->dispatching = false;
	note_read(v, k, packets);
	return more;
}

static void sock_release(struct vrrp_rx *v, struct vrrp_sock *k);

static int on_readable(sd_event_source *es, int fd, uint32_t revents, void *arg)
{
	struct vrrp_sock *k = arg;
	struct vrrp_rx *v = k->owner;

	k->refs++;      /* a callback may drop the last subscriber */
	read_sock(v, k, VRRP_RX_ROUNDS);
	sock_release(v, k);
	return 0;
}

/* A release (priority 0) came for a lazy socket: read everything now,
 * so a backup takes over after Skew_Time as it would reading each advert.
 * The wakeup socket's own copies are only the signal. */
static int on_release(sd_event_source *es, int fd, uint32_t revents, void *arg)
{
	struct vrrp_sock *k = arg;
	struct vrrp_rx *v = k->owner;
	bool more;
	int r;

	for (r = 0; r < 8; r++)
		if (advert_io_recv_many(k->wake, v->rx, VRRP_RX_BATCH, &more) <= 0 || !more)
			break;
	if (!k->lazy)
		return 0;       /* read as it comes: the release is read already */
	v->stats.release_wakeups++;
	k->refs++;
	read_sock(v, k, VRRP_RX_DRAIN_ROUNDS);
	sock_release(v, k);
	return 0;
}

/* The wakeup for releases, opened the first time k goes lazy (a master's
 * socket never pays for a second copy of each advert). */
static int wake_open(struct vrrp_rx *v, struct vrrp_sock *k)
{
	char err[256];
	int r;

	k->wake = advert_io_open(k->family, k->ifindex, k->ifname, k->multicast > 0,
				 err, sizeof(err));
	if (!k->wake) {
		log_warnx("VRRP receive: %s; reading each advert as it comes", err);
		return -1;
	}
	r = advert_io_releases_only(k->wake);
	if (r >= 0)
		r = sd_event_add_io(v->event, &k->wake_src, advert_io_fd(k->wake), EPOLLIN,
				    on_release, k);
	if (r < 0) {
		log_warnx("VRRP receive on %s: release filter: %s; reading each advert as it "
			  "comes", k->ifname, strerror(-r));
		advert_io_close(k->wake);
		k->wake = NULL;
		return -1;
	}
	return 0;
}

/* The longest any subscriber of k may wait for its adverts, if all may. */
static uint64_t sock_lazy_us(const struct vrrp_rx *v, const struct vrrp_sock *k)
{
	uint64_t us = 0;
	size_t i;

	for (i = 0; i < v->n_slots; i++)
		if (v->slot[i] && v->slot[i]->sock == k && v->slot[i]->lazy_us > us)
			us = v->slot[i]->lazy_us;
	return us;
}

/* Read k as packets come, or only when a subscriber's deadline (or a
 * release) asks: an idle backup then wakes about once a
 * Master_Down_Interval instead of with every advert. */
static void sock_update(struct vrrp_rx *v, struct vrrp_sock *k)
{
	bool lazy = !k->never_lazy && k->subs && k->lazy_ok == k->subs &&
		    k->subs <= VRRP_RX_LAZY_SUBS && k->rate_since && k->rate_pps &&
		    k->rate_pps * sock_lazy_us(v, k) <= VRRP_RX_LAZY_BUDGET * 1000000ull;

	if (lazy == k->lazy)
		return;
	if (lazy && !k->wake && wake_open(v, k) < 0) {
		k->never_lazy = true;
		return;
	}
	if (sd_event_source_set_enabled(k->src, lazy ? SD_EVENT_OFF : SD_EVENT_ON) < 0)
		return;
	k->lazy = lazy;
	v->stats.lazy_sockets += lazy ? 1 : -1;
}

bool vrrp_rx_is_lazy(const struct vrrp_sub *s)
{
	return s && s->sock->lazy;
}

void vrrp_rx_lazy(struct vrrp_rx *v, struct vrrp_sub *s, bool ok, uint64_t within_us)
{
	if (!v || !s || (s->lazy_ok == ok && s->lazy_us == within_us))
		return;
	s->sock->lazy_ok += ok;
	s->sock->lazy_ok -= s->lazy_ok;
	s->lazy_ok = ok;
	s->lazy_us = ok ? within_us : 0;
	sock_update(v, s->sock);
}

static struct vrrp_sock *sock_find(struct vrrp_rx *v, int ifindex, unsigned family)
{
	size_t i;

	for (i = 0; i < v->n_socks; i++)
		if (v->socks[i]->ifindex == ifindex && v->socks[i]->family == family)
			return v->socks[i];
	return NULL;
}

static struct vrrp_sock *sock_get(struct vrrp_rx *v, int ifindex, const char *ifname,
				  unsigned family, bool multicast, char *err, size_t errlen)
{
	struct vrrp_sock *k = sock_find(v, ifindex, family), **ns;
	int r;

	if (k) {
		if (multicast && k->multicast == 0 && (r = advert_io_join(k->io, true)) < 0) {
			snprintf(err, errlen, "joining the VRRP group on %s: %s", ifname,
				 strerror(-r));
			return NULL;
		}
		/* the wakeup hears the group's releases too (or a wakeup is
		 * missed and the release waits for the deadline) */
		if (multicast && k->multicast == 0 && k->wake)
			(void)advert_io_join(k->wake, true);
		return k;
	}
	ns = realloc(v->socks, (v->n_socks + 1) * sizeof(*ns));
	if (!ns || !(k = calloc(1, sizeof(*k)))) {
		if (ns)
			v->socks = ns;
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	v->socks = ns;
	k->owner = v;
	k->ifindex = ifindex;
	snprintf(k->ifname, sizeof(k->ifname), "%s", ifname);
	k->family = family;
	k->io = advert_io_open(family, ifindex, ifname, multicast, err, errlen);
	if (!k->io) {
		free(k);
		return NULL;
	}
	r = sd_event_add_io(v->event, &k->src, advert_io_fd(k->io), EPOLLIN, on_readable, k);
	if (r < 0) {
		snprintf(err, errlen, "sd_event_add_io on %s: %s", ifname, strerror(-r));
		sock_free(k);
		return NULL;
	}
	v->socks[v->n_socks++] = k;
	v->stats.sockets++;
	return k;
}

/* Drop one reference; the last closes the socket (never inside its own
 * read: on_readable holds a reference meanwhile). */
static void sock_release(struct vrrp_rx *v, struct vrrp_sock *k)
{
	size_t i;

	if (--k->refs > 0)
		return;
	for (i = 0; i < v->n_socks; i++)
		if (v->socks[i] == k) {
			v->socks[i] = v->socks[--v->n_socks];
			break;
		}
	v->stats.sockets--;
	sock_free(k);
}

static int grow(struct vrrp_rx *v)
{
	size_t cap = v->dm.cap ? 2 * v->dm.cap : 64;
	struct demux_entry *e = malloc(cap * sizeof(*e));
	struct demux_entry *old = v->dm.e;

	if (!e)
		return -1;
	demux_move(&v->dm, e, cap);
	free(old);
	return 0;
}

static int slot_take(struct vrrp_rx *v, struct vrrp_sub *s)
{
	struct vrrp_sub **ns;
	size_t i;

	for (i = 0; i < v->n_slots; i++)
		if (!v->slot[i])
			break;
	if (i == v->n_slots) {
		ns = realloc(v->slot, (v->n_slots + 16) * sizeof(*ns));
		if (!ns)
			return -1;
		memset(ns + v->n_slots, 0, 16 * sizeof(*ns));
		v->slot = ns;
		v->n_slots += 16;
	}
	v->slot[i] = s;
	s->id = (uint32_t)i;
	s->serial = ++v->serial;
	return 0;
}

struct vrrp_sub *vrrp_rx_add(struct vrrp_rx *v, int ifindex, const char *ifname,
			     unsigned family, uint8_t vrid, bool multicast,
			     vrrp_rx_fn fn, void *arg, char *err, size_t errlen)
{
	struct vrrp_sub *s = calloc(1, sizeof(*s));
	struct vrrp_sock *k;

	if (!s || (v->dm.n == v->dm.cap && grow(v) < 0) || slot_take(v, s) < 0) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	k = sock_get(v, ifindex, ifname, family, multicast, err, errlen);
	if (!k) {
		v->slot[s->id] = NULL;
		free(s);
		return NULL;
	}
	k->refs++;
	k->subs++;
	k->multicast += multicast;
	s->sock = k;
	s->vrid = vrid;
	s->multicast = multicast;
	s->fn = fn;
	s->arg = arg;
	demux_add(&v->dm, ifindex, (uint8_t)family, vrid, s->id);
	sock_update(v, k);      /* a new subscriber reads each advert at first */
	return s;
}

void vrrp_rx_del(struct vrrp_rx *v, struct vrrp_sub *s)
{
	struct vrrp_sock *k;

	if (!v || !s)
		return;
	k = s->sock;
	demux_del(&v->dm, k->ifindex, (uint8_t)k->family, s->vrid, s->id);
	v->slot[s->id] = NULL;
	if (s->multicast && --k->multicast == 0) {
		(void)advert_io_join(k->io, false);
		if (k->wake)
			(void)advert_io_join(k->wake, false);
	}
	k->subs--;
	k->lazy_ok -= s->lazy_ok;
	free(s);
	if (k->refs > 1)
		sock_update(v, k);
	sock_release(v, k);
}

int vrrp_rx_send(struct vrrp_rx *v, struct vrrp_sub *s, const struct ipaddr *src,
		 const struct ipaddr *dst, const uint8_t *buf, size_t len)
{
	return s ? advert_io_send(s->sock->io, src, dst, buf, len) : -ENOTCONN;
}

void vrrp_rx_drain(struct vrrp_rx *v, struct vrrp_sub *s)
{
	struct vrrp_sock *k;

	if (!s || v->dispatching)
		return;
	k = s->sock;
	k->refs++;
	read_sock(v, k, VRRP_RX_DRAIN_ROUNDS);
	sock_release(v, k);
}

void *vrrp_rx_find(const struct vrrp_rx *v, int ifindex, unsigned family, uint8_t vrid)
{
	size_t first;

	if (!v || !demux_find(&v->dm, ifindex, (uint8_t)family, vrid, &first))
		return NULL;
	return v->slot[v->dm.e[first].id]->arg;
}

const struct vrrp_rx_stats *vrrp_rx_stats(const struct vrrp_rx *v)
{
	return &v->stats;
}
