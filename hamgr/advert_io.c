/* advert_io: the raw IPPROTO_VRRP (112) socket of one instance.
 *
 * One socket per instance and family, bound to the instance interface with
 * SO_BINDTODEVICE so adverts from other links never reach it. The source
 * address of every send is pinned (udp_io.c): the VRRP checksum covers it. */
#include "advert_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/advert.h"
#include "udp_io.h"

struct advert_io {
	int fd;
	unsigned family;
	bool join;
	int ifindex;
	char ifname[IFNAMSIZ];
};

/* "call on ifname: strerror" into err; closes io, returns NULL. */
static struct advert_io *fail(struct advert_io *io, char *err, size_t errlen,
			      const char *call, const char *ifname)
{
	int e = errno;

	if (err && errlen)
		snprintf(err, errlen, "%s on %s: %s", call, ifname, strerror(e));
	advert_io_close(io);
	errno = e;
	return NULL;
}

static int setint(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

/* Options shared by both families: bound to the instance interface. */
static int bind_device(const struct advert_io *io)
{
	return setsockopt(io->fd, SOL_SOCKET, SO_BINDTODEVICE, io->ifname,
			  (socklen_t)strlen(io->ifname));
}

/* IPv4 options; returns the name of the call that failed, or NULL. */
static const char *setup4(const struct advert_io *io, bool join)
{
	struct ip_mreqn mr = { .imr_ifindex = io->ifindex };

	if (setsockopt(io->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0)
		return "setsockopt(IP_MULTICAST_IF)";
	if (setint(io->fd, IPPROTO_IP, IP_MULTICAST_TTL, ADVERT_TTL) < 0)
		return "setsockopt(IP_MULTICAST_TTL)";
	if (setint(io->fd, IPPROTO_IP, IP_TTL, ADVERT_TTL) < 0)
		return "setsockopt(IP_TTL)";
	/* Network control precedence, as routers and keepalived send VRRP:
	 * queues that honour it keep adverts ahead of bulk traffic. */
	if (setint(io->fd, IPPROTO_IP, IP_TOS, 0xc0) < 0)
		return "setsockopt(IP_TOS)";
	if (setint(io->fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0) < 0)
		return "setsockopt(IP_MULTICAST_LOOP)";
	/* Only groups this socket joined: a unicast instance must not see
	 * multicast adverts just because another socket joined 224.0.0.18. */
	if (setint(io->fd, IPPROTO_IP, IP_MULTICAST_ALL, 0) < 0)
		return "setsockopt(IP_MULTICAST_ALL)";
	if (setint(io->fd, IPPROTO_IP, IP_PKTINFO, 1) < 0)
		return "setsockopt(IP_PKTINFO)";
	if (!join)
		return NULL;
	if (inet_pton(AF_INET, ADVERT_MCAST4, &mr.imr_multiaddr) != 1)
		return "inet_pton(" ADVERT_MCAST4 ")";
	if (setsockopt(io->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
		return "setsockopt(IP_ADD_MEMBERSHIP, " ADVERT_MCAST4 ")";
	return NULL;
}

/* IPv6 options; returns the name of the call that failed, or NULL. No
 * IPV6_CHECKSUM: the codec computes and verifies the checksum itself, and
 * the kernel must not drop what it considers bad before we count it. */
static const char *setup6(const struct advert_io *io, bool join)
{
	struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned)io->ifindex };

	if (setint(io->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, io->ifindex) < 0)
		return "setsockopt(IPV6_MULTICAST_IF)";
	if (setint(io->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ADVERT_TTL) < 0)
		return "setsockopt(IPV6_MULTICAST_HOPS)";
	if (setint(io->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ADVERT_TTL) < 0)
		return "setsockopt(IPV6_UNICAST_HOPS)";
	if (setint(io->fd, IPPROTO_IPV6, IPV6_TCLASS, 0xc0) < 0)
		return "setsockopt(IPV6_TCLASS)";
	if (setint(io->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) < 0)
		return "setsockopt(IPV6_MULTICAST_LOOP)";
	if (setint(io->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) < 0)
		return "setsockopt(IPV6_RECVPKTINFO)";
	if (setint(io->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) < 0)
		return "setsockopt(IPV6_RECVHOPLIMIT)";
	if (!join)
		return NULL;
	if (inet_pton(AF_INET6, ADVERT_MCAST6, &mr.ipv6mr_multiaddr) != 1)
		return "inet_pton(" ADVERT_MCAST6 ")";
	if (setsockopt(io->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0)
		return "setsockopt(IPV6_JOIN_GROUP, " ADVERT_MCAST6 ")";
	return NULL;
}

struct advert_io *advert_io_open(unsigned family, int ifindex, const char *ifname,
				 bool join, char *err, size_t errlen)
{
	struct advert_io *io;
	const char *call;
	int af = family == IPADDR_V6 ? AF_INET6 : AF_INET;

	if ((family != IPADDR_V4 && family != IPADDR_V6) || ifindex <= 0 ||
	    !ifname || !*ifname || strlen(ifname) >= IFNAMSIZ) {
		errno = EINVAL;
		return fail(NULL, err, errlen, "advert_io_open",
			    ifname && *ifname ? ifname : "(no interface)");
	}
	io = calloc(1, sizeof(*io));
	if (!io)
		return fail(NULL, err, errlen, "calloc", ifname);
	io->fd = -1;
	io->family = family;
	io->join = join;
	io->ifindex = ifindex;
	snprintf(io->ifname, sizeof(io->ifname), "%s", ifname);

	io->fd = socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, ADVERT_PROTO);
	if (io->fd < 0)
		return fail(io, err, errlen, af == AF_INET6 ?
			    "socket(AF_INET6, SOCK_RAW, 112)" :
			    "socket(AF_INET, SOCK_RAW, 112)", ifname);
	if (bind_device(io) < 0)
		return fail(io, err, errlen, "setsockopt(SO_BINDTODEVICE)", ifname);
	call = family == IPADDR_V6 ? setup6(io, join) : setup4(io, join);
	if (call)
		return fail(io, err, errlen, call, ifname);
	return io;
}

void advert_io_close(struct advert_io *io)
{
	if (!io)
		return;
	if (io->fd >= 0)
		close(io->fd);
	free(io);
}

int advert_io_fd(const struct advert_io *io)
{
	return io->fd;
}

int advert_io_send(struct advert_io *io, const struct ipaddr *src,
		   const struct ipaddr *dst, const uint8_t *buf, size_t len)
{
	if (!io || !dst || dst->family != io->family || !buf)
		return -EINVAL;
	if (src && src->family && src->family != io->family)
		return -EINVAL;
	return udp_io_send(io->fd, io->ifindex, src, dst, 0, buf, len);
}

/* IPv4: the datagram carries its own addresses and TTL; copy them out so
 * rx is complete for logging (advert_decode_ip4 reads the header itself). */
static void fill_from_ip4(struct advert_rx *rx)
{
	struct ip h;

	if (rx->len < sizeof(h))
		return;
	memcpy(&h, rx->buf, sizeof(h));
	if (h.ip_v != 4)
		return;
	ipaddr_from_bytes(&rx->src, IPADDR_V4, &h.ip_src);
	ipaddr_from_bytes(&rx->dst, IPADDR_V4, &h.ip_dst);
	rx->ttl = h.ip_ttl;
}

/* One datagram into rx; 1, 0 (nothing queued) or -errno. Anything the
 * kernel did not report stays 0 (ifindex 0, TTL 0) so the caller's checks
 * reject the packet rather than trust a default. */
static int recv_one(struct advert_io *io, struct advert_rx *rx)
{
	struct udp_io_meta m;
	ssize_t n;

	memset(&rx->src, 0, sizeof(rx->src));
	memset(&rx->dst, 0, sizeof(rx->dst));
	rx->len = 0;
	rx->ttl = 0;
	rx->ifindex = 0;
	rx->has_iphdr = io->family == IPADDR_V4;
	n = udp_io_recv(io->fd, rx->buf, sizeof(rx->buf), &m);
	if (n == -EAGAIN)
		return 0;
	if (n < 0)
		return (int)n;
	/* A truncated datagram is handed up as it is: it is larger than any
	 * advert, so the decoder rejects it on length and counts it. */
	rx->len = (size_t)n;
	rx->ifindex = m.ifindex;
	if (io->family == IPADDR_V4) {
		fill_from_ip4(rx);
	} else {
		rx->src = m.src;
		rx->dst = m.dst;
		rx->ttl = m.ttl;
	}
	return 1;
}

/* An unbound IPv6 raw socket gets every group the host joined on the
 * interface (IPV6_MULTICAST_ALL only filters sockets bound to an address),
 * so a socket that did not join drops multicast here, as the kernel does
 * for IPv4 with IP_MULTICAST_ALL off. Bounded so one call cannot spin. */
#define ADVERT_IO_SKIP_MAX 32

int advert_io_recv(struct advert_io *io, struct advert_rx *rx)
{
	int i, r;

	for (i = 0; i < ADVERT_IO_SKIP_MAX; i++) {
		r = recv_one(io, rx);
		if (r <= 0)
			return r;
		if (io->family == IPADDR_V6 && !io->join &&
		    rx->dst.a[0] == 0xff) /* ff00::/8 */
			continue;
		return 1;
	}
	return 0; /* more may be queued: the fd stays readable */
}
