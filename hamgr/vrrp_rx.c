/* vrrp_rx: one raw socket per interface and family, every instance's
 * adverts demultiplexed by VRID (core/demux.c). */
#include "vrrp_rx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "core/demux.h"

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

struct vrrp_sock {
	struct vrrp_rx *owner;
	struct advert_io *io;
	sd_event_source *src;
	int ifindex;
	unsigned family;
	size_t refs;                    /* subscribers */
	size_t multicast;               /* of them, multicast instances */
	uint32_t kdrops;                /* the kernel's drop count, as last seen */
};

struct vrrp_sub {
	uint32_t id;                    /* slot, the demux id */
	uint64_t serial;                /* tells a reused slot apart */
	struct vrrp_sock *sock;
	uint8_t vrid;
	bool multicast;
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

/* One bounded read of k: returns true when more may be queued. */
static bool read_sock(struct vrrp_rx *v, struct vrrp_sock *k, unsigned rounds)
{
	bool more = false;
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
		if (!more)
			break;
	}
	rxstats_kernel_drops(&v->stats, &k->kdrops, advert_io_kernel_drops(k->io));
	rxstats_wakeup_end(&v->stats, more);
	v->dispatching = false;
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
	k->multicast += multicast;
	s->sock = k;
	s->vrid = vrid;
	s->multicast = multicast;
	s->fn = fn;
	s->arg = arg;
	demux_add(&v->dm, ifindex, (uint8_t)family, vrid, s->id);
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
	if (s->multicast && --k->multicast == 0)
		(void)advert_io_join(k->io, false);
	free(s);
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
