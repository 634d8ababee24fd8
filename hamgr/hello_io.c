/* hello_io: UDP sockets on one port, one per family: the peer
 * announcements (HELLO_PORT) and protocol "hamgr"'s heartbeats
 * (heartbeat-port) each have one. */
#include "hello_io.h"

#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/advert.h"
#include "core/hello.h"
#include "udp_io.h"

#define HELLO_IO_MAX_JOINS 64
#define HELLO_IO_RCVBUF (1 << 20)

struct hello_sock {
	struct hello_io *owner;
	int fd;
	unsigned family;
	sd_event_source *src;
	int joined[HELLO_IO_MAX_JOINS];
	size_t n_joined;
};

struct hello_io {
	struct hello_sock s4, s6;
	uint16_t port;
	hello_io_cb cb;
	void *arg;
	size_t users, lazy_votes;       /* hello_io_user, hello_io_vote */
	bool lazy;                      /* both sources off: read on drains */
	bool dispatching;
	uint64_t drained_at;            /* the last hello_io_drain_due read */
};

static int setint(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

static void sock_close(struct hello_sock *s)
{
	s->src = sd_event_source_disable_unref(s->src);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* Per-family options; returns the failing call's name, or NULL. */
static const char *sock_options(int fd, unsigned family)
{
	if (setint(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0)
		return "SO_REUSEADDR";
	/* Read late (hello_io_vote), half a second of 255 instances'
	 * announcements waits here; root may go past rmem_max. */
	if (setint(fd, SOL_SOCKET, SO_RCVBUFFORCE, HELLO_IO_RCVBUF) < 0)
		(void)setint(fd, SOL_SOCKET, SO_RCVBUF, HELLO_IO_RCVBUF);
	if (family == IPADDR_V4) {
		if (setint(fd, IPPROTO_IP, IP_MULTICAST_TTL, ADVERT_TTL) < 0 ||
		    setint(fd, IPPROTO_IP, IP_TTL, ADVERT_TTL) < 0)
			return "IP_TTL";
		if (setint(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0) < 0)
			return "IP_MULTICAST_LOOP";
		if (setint(fd, IPPROTO_IP, IP_PKTINFO, 1) < 0 ||
		    setint(fd, IPPROTO_IP, IP_RECVTTL, 1) < 0)
			return "IP_PKTINFO";
		return NULL;
	}
	if (setint(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) < 0)
		return "IPV6_V6ONLY";
	if (setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ADVERT_TTL) < 0 ||
	    setint(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ADVERT_TTL) < 0)
		return "IPV6_HOPS";
	if (setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) < 0)
		return "IPV6_MULTICAST_LOOP";
	if (setint(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) < 0 ||
	    setint(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) < 0)
		return "IPV6_RECVPKTINFO";
	return NULL;
}

static int sock_bind(int fd, unsigned family, uint16_t port)
{
	if (family == IPADDR_V4) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };

		return bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	}
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	return bind(fd, (struct sockaddr *)&sa6, sizeof(sa6));
}

/* Datagrams per recvmmsg; two batches per wakeup at most, like vrrp_rx:
 * a flood must not starve timers. */
#define HELLO_IO_BATCH 16
/* Above the longest valid datagram of either protocol, so that a longer
 * one arrives too long (and is refused by length), not cut to fit. */
#define HELLO_IO_BUF 512
/* A read late reads everything queued, up to this many batches (4,096
 * datagrams, several seconds of 255 instances' announcements). */
#define HELLO_IO_DRAIN_ROUNDS 256

/* Read and hand up at most rounds batches from s. */
static void sock_read(struct hello_sock *s, int fd, int rounds)
{
	uint8_t buf[HELLO_IO_BATCH][HELLO_IO_BUF];
	struct udp_io_msg m[HELLO_IO_BATCH];
	int i, n, round;

	if (s->owner->dispatching || fd < 0)
		return;
	s->owner->dispatching = true;
	for (round = 0; round < rounds; round++) {
		for (i = 0; i < HELLO_IO_BATCH; i++)
			m[i] = (struct udp_io_msg){ .buf = buf[i], .cap = sizeof(buf[i]) };
		n = udp_io_recv_many(fd, m, HELLO_IO_BATCH);
		for (i = 0; i < n; i++)
			if (m[i].meta.src.family)
				s->owner->cb(s->owner->arg, m[i].meta.ifindex, &m[i].meta.src,
					     m[i].meta.ttl, buf[i], m[i].len);
		if (n < HELLO_IO_BATCH)
			break;
	}
	s->owner->dispatching = false;
}

static int on_readable(sd_event_source *es, int fd, uint32_t revents, void *arg)
{
	sock_read(arg, fd, 2);
	return 0;
}

static const char *sock_open(struct hello_io *h, struct hello_sock *s, unsigned family,
			     sd_event *event)
{
	const char *what;

	s->owner = h;
	s->family = family;
	s->fd = socket(family == IPADDR_V4 ? AF_INET : AF_INET6,
		       SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return "socket";
	if ((what = sock_options(s->fd, family)))
		return what;
	if (sock_bind(s->fd, family, h->port) < 0)
		return "bind";
	if (sd_event_add_io(event, &s->src, s->fd, EPOLLIN, on_readable, s) < 0)
		return "sd_event_add_io";
	return NULL;
}

struct hello_io *hello_io_open(sd_event *event, uint16_t port, hello_io_cb cb, void *arg,
			       char *err, size_t errlen)
{
	struct hello_io *h = calloc(1, sizeof(*h));
	const char *w4, *w6;

	if (!h)
		return NULL;
	h->cb = cb;
	h->arg = arg;
	h->port = port;
	h->s4.fd = h->s6.fd = -1;
	err[0] = '\0';
	if ((w4 = sock_open(h, &h->s4, IPADDR_V4, event))) {
		snprintf(err, errlen, "IPv4 %s on UDP port %u: %s", w4, port, strerror(errno));
		sock_close(&h->s4);
	}
	if ((w6 = sock_open(h, &h->s6, IPADDR_V6, event))) {
		size_t l = strlen(err);

		snprintf(err + l, errlen - l, "%sIPv6 %s on UDP port %u: %s", l ? "; " : "", w6,
			 port, strerror(errno));
		sock_close(&h->s6);
	}
	if (w4 && w6) {
		free(h);
		return NULL;
	}
	return h;
}

void hello_io_close(struct hello_io *h)
{
	if (!h)
		return;
	sock_close(&h->s4);
	sock_close(&h->s6);
	free(h);
}

int hello_io_join(struct hello_io *h, unsigned family, int ifindex)
{
	struct hello_sock *s = family == IPADDR_V4 ? &h->s4 : &h->s6;
	size_t i;
	int r;

	if (s->fd < 0)
		return -ENOTCONN;
	for (i = 0; i < s->n_joined; i++)
		if (s->joined[i] == ifindex)
			return 0;
	if (s->n_joined == HELLO_IO_MAX_JOINS)
		return -ENOSPC;
	if (family == IPADDR_V4) {
		struct ip_mreqn mr = { .imr_ifindex = ifindex };

		inet_pton(AF_INET, ADVERT_MCAST4, &mr.imr_multiaddr);
		r = setsockopt(s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr));
	} else {
		struct ipv6_mreq mr6 = { .ipv6mr_interface = (unsigned)ifindex };

		inet_pton(AF_INET6, ADVERT_MCAST6, &mr6.ipv6mr_multiaddr);
		r = setsockopt(s->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr6, sizeof(mr6));
	}
	if (r < 0 && errno != EADDRINUSE)
		return -errno;
	s->joined[s->n_joined++] = ifindex;
	return 0;
}

int hello_io_send(struct hello_io *h, int ifindex, const struct ipaddr *src,
		  const struct ipaddr *dst, const uint8_t *buf, size_t len)
{
	struct hello_sock *s = dst->family == IPADDR_V4 ? &h->s4 : &h->s6;

	if (s->fd < 0)
		return -ENOTCONN;
	return udp_io_send(s->fd, ifindex, src, dst, h->port, buf, len);
}

/* Everything queued on both sockets (bounded): what waited half a second
 * from hundreds of instances is more than one wakeup's two batches. */
static void read_all(struct hello_io *h)
{
	sock_read(&h->s4, h->s4.fd, HELLO_IO_DRAIN_ROUNDS);
	sock_read(&h->s6, h->s6.fd, HELLO_IO_DRAIN_ROUNDS);
}

static void set_lazy(struct hello_io *h)
{
	bool lazy = h->users && h->lazy_votes == h->users;
	struct hello_sock *s[2] = { &h->s4, &h->s6 };
	int i;

	if (lazy == h->lazy)
		return;
	for (i = 0; i < 2; i++)
		if (s[i]->src)
			(void)sd_event_source_set_enabled(s[i]->src, lazy ? SD_EVENT_OFF
									   : SD_EVENT_ON);
	h->lazy = lazy;
	/* What waits is read now, before the loop reads anything newer on
	 * another socket: a handover queued here must come before the new
	 * master's first advert (t_hactl_to: the other backup followed that
	 * advert first and then ignored the handover as not its master's). */
	if (!lazy)
		read_all(h);
}

void hello_io_user(struct hello_io *h, bool add, bool *vote)
{
	if (!h)
		return;
	if (add) {
		h->users++;
	} else {
		h->users--;
		h->lazy_votes -= *vote;
		*vote = false;
	}
	set_lazy(h);
}

void hello_io_vote(struct hello_io *h, bool *vote, bool ok)
{
	if (!h || *vote == ok)
		return;
	h->lazy_votes += ok;
	h->lazy_votes -= *vote;
	*vote = ok;
	set_lazy(h);
}

bool hello_io_lazy(const struct hello_io *h)
{
	return h && h->lazy;
}

void hello_io_read_queued(struct hello_io *h, uint64_t now)
{
	if (!h)
		return;
	if (h->lazy)
		h->drained_at = now;
	read_all(h);
}

void hello_io_drain_due(struct hello_io *h, uint64_t now, uint64_t every_us)
{
	if (!h || !h->lazy || now - h->drained_at < every_us)
		return;
	hello_io_read_queued(h, now);
}

void hello_io_drain(struct hello_io *h, unsigned family)
{
	struct hello_sock *s = family == IPADDR_V4 ? &h->s4 : &h->s6;

	sock_read(s, s->fd, 2);
}
