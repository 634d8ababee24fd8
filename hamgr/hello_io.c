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

static int on_readable(sd_event_source *es, int fd, uint32_t revents, void *arg)
{
	struct hello_sock *s = arg;
	uint8_t buf[HELLO_IO_BATCH][HELLO_IO_BUF];
	struct udp_io_msg m[HELLO_IO_BATCH];
	int i, n, round;

	for (round = 0; round < 2; round++) {
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

void hello_io_drain(struct hello_io *h, unsigned family)
{
	struct hello_sock *s = family == IPADDR_V4 ? &h->s4 : &h->s6;

	if (s->fd >= 0)
		on_readable(s->src, s->fd, EPOLLIN, s);
}
