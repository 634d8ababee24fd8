/* hello_io: UDP sockets for peer announcements, one per family. */
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

static int sock_bind(int fd, unsigned family)
{
	if (family == IPADDR_V4) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(HELLO_PORT) };

		return bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	}
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6, .sin6_port = htons(HELLO_PORT) };

	return bind(fd, (struct sockaddr *)&sa6, sizeof(sa6));
}

/* Walk the control messages: ingress interface and TTL / hop limit. */
static void rx_meta(struct msghdr *m, int *ifindex, uint8_t *ttl)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			*ifindex = ((struct in_pktinfo *)CMSG_DATA(c))->ipi_ifindex;
		else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL)
			*ttl = (uint8_t)*(int *)CMSG_DATA(c);
		else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO)
			*ifindex = (int)((struct in6_pktinfo *)CMSG_DATA(c))->ipi6_ifindex;
		else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)
			*ttl = (uint8_t)*(int *)CMSG_DATA(c);
	}
}

static int on_readable(sd_event_source *es, int fd, uint32_t revents, void *arg)
{
	struct hello_sock *s = arg;
	uint8_t buf[HELLO_MAX_LEN + 64];
	char ctl[256];
	struct sockaddr_storage ss;
	struct ipaddr src;
	int i;

	/* Bounded batch, like advert_io: a flood must not starve timers. */
	for (i = 0; i < 64; i++) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr m = { .msg_name = &ss, .msg_namelen = sizeof(ss), .msg_iov = &iov,
				    .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		int ifindex = 0;
		uint8_t ttl = 0;
		ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);

		if (n < 0)
			break;
		rx_meta(&m, &ifindex, &ttl);
		if (ss.ss_family == AF_INET)
			ipaddr_from_bytes(&src, IPADDR_V4, &((struct sockaddr_in *)&ss)->sin_addr);
		else if (ss.ss_family == AF_INET6)
			ipaddr_from_bytes(&src, IPADDR_V6, &((struct sockaddr_in6 *)&ss)->sin6_addr);
		else
			continue;
		s->owner->cb(s->owner->arg, ifindex, &src, ttl, buf, (size_t)n);
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
	if (sock_bind(s->fd, family) < 0)
		return "bind";
	if (sd_event_add_io(event, &s->src, s->fd, EPOLLIN, on_readable, s) < 0)
		return "sd_event_add_io";
	return NULL;
}

struct hello_io *hello_io_open(sd_event *event, hello_io_cb cb, void *arg,
			       char *err, size_t errlen)
{
	struct hello_io *h = calloc(1, sizeof(*h));
	const char *w4, *w6;

	if (!h)
		return NULL;
	h->cb = cb;
	h->arg = arg;
	h->s4.fd = h->s6.fd = -1;
	err[0] = '\0';
	if ((w4 = sock_open(h, &h->s4, IPADDR_V4, event))) {
		snprintf(err, errlen, "IPv4 %s on UDP port %d: %s", w4, HELLO_PORT, strerror(errno));
		sock_close(&h->s4);
	}
	if ((w6 = sock_open(h, &h->s6, IPADDR_V6, event))) {
		size_t l = strlen(err);

		snprintf(err + l, errlen - l, "%sIPv6 %s on UDP port %d: %s", l ? "; " : "", w6,
			 HELLO_PORT, strerror(errno));
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
	union { char b[CMSG_SPACE(sizeof(struct in6_pktinfo))]; struct cmsghdr a; } ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(HELLO_PORT) };
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6, .sin6_port = htons(HELLO_PORT) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b };
	struct cmsghdr *c;

	if (s->fd < 0)
		return -ENOTCONN;
	memset(&ctl, 0, sizeof(ctl));
	c = (struct cmsghdr *)ctl.b;
	if (dst->family == IPADDR_V4) {
		struct in_pktinfo pi = { .ipi_ifindex = ifindex };

		memcpy(&sa.sin_addr, dst->a, 4);
		memcpy(&pi.ipi_spec_dst, src->a, 4);
		m.msg_name = &sa;
		m.msg_namelen = sizeof(sa);
		m.msg_controllen = CMSG_SPACE(sizeof(pi));
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi6 = { .ipi6_ifindex = (unsigned)ifindex };

		memcpy(&sa6.sin6_addr, dst->a, 16);
		sa6.sin6_scope_id = (unsigned)ifindex;
		memcpy(&pi6.ipi6_addr, src->a, 16);
		m.msg_name = &sa6;
		m.msg_namelen = sizeof(sa6);
		m.msg_controllen = CMSG_SPACE(sizeof(pi6));
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi6));
		memcpy(CMSG_DATA(c), &pi6, sizeof(pi6));
	}
	return sendmsg(s->fd, &m, MSG_DONTWAIT) < 0 ? -errno : 0;
}
