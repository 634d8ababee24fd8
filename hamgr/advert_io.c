/* advert_io: the raw IPPROTO_VRRP (112) socket of one instance.
 *
 * One socket per instance and family, bound to the instance interface with
 * SO_BINDTODEVICE so adverts from other links never reach it. The source
 * address of every send is pinned with IP_PKTINFO / IPV6_PKTINFO: the VRRP
 * checksum covers it, and on an interface that also holds a VIP in the same
 * subnet the kernel's own choice could be the VIP. */
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

struct advert_io {
	int fd;
	unsigned family;
	bool join;
	int ifindex;
	char ifname[IFNAMSIZ];
};

/* Room for either family's pktinfo plus a hop limit. */
#define ADVERT_IO_CMSG_SPACE \
	(CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) + \
	 CMSG_SPACE(sizeof(struct in_pktinfo)))

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

/* Group and link-local destinations need the interface as scope. */
static bool needs_scope6(const struct in6_addr *a)
{
	return IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_LINKLOCAL(a);
}

static int send4(struct advert_io *io, const struct ipaddr *src,
		 const struct ipaddr *dst, const uint8_t *buf, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	union { char b[CMSG_SPACE(sizeof(struct in_pktinfo))]; struct cmsghdr h; } c;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &to, .msg_namelen = sizeof(to),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = c.b, .msg_controllen = sizeof(c.b),
	};
	struct cmsghdr *cm;
	struct in_pktinfo pi = { .ipi_ifindex = io->ifindex };

	memcpy(&to.sin_addr, dst->a, 4);
	/* ipi_spec_dst is the source address for a raw socket's sendmsg. */
	if (src && src->family == IPADDR_V4)
		memcpy(&pi.ipi_spec_dst, src->a, 4);
	memset(&c, 0, sizeof(c));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	return sendmsg(io->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static int send6(struct advert_io *io, const struct ipaddr *src,
		 const struct ipaddr *dst, const uint8_t *buf, size_t len)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
	union { char b[CMSG_SPACE(sizeof(struct in6_pktinfo))]; struct cmsghdr h; } c;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &to, .msg_namelen = sizeof(to),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = c.b, .msg_controllen = sizeof(c.b),
	};
	struct cmsghdr *cm;
	struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)io->ifindex };

	memcpy(&to.sin6_addr, dst->a, 16);
	if (needs_scope6(&to.sin6_addr))
		to.sin6_scope_id = (uint32_t)io->ifindex;
	if (src && src->family == IPADDR_V6)
		memcpy(&pi.ipi6_addr, src->a, 16);
	memset(&c, 0, sizeof(c));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	return sendmsg(io->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int advert_io_send(struct advert_io *io, const struct ipaddr *src,
		   const struct ipaddr *dst, const uint8_t *buf, size_t len)
{
	if (!io || !dst || dst->family != io->family || !buf)
		return -EINVAL;
	if (src && src->family && src->family != io->family)
		return -EINVAL;
	return io->family == IPADDR_V6 ? send6(io, src, dst, buf, len)
				       : send4(io, src, dst, buf, len);
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

/* Pull ifindex, destination and hop limit out of the control messages.
 * Anything missing stays 0 (ifindex 0, TTL 0) so the caller's checks
 * reject the packet rather than trust a default. */
static void parse_cmsgs(struct msghdr *msg, struct advert_rx *rx)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			rx->ifindex = pi.ipi_ifindex;
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			   cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			rx->ifindex = (int)pi.ipi6_ifindex;
			ipaddr_from_bytes(&rx->dst, IPADDR_V6, &pi.ipi6_addr);
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			   cm->cmsg_type == IPV6_HOPLIMIT) {
			int hl;

			memcpy(&hl, CMSG_DATA(cm), sizeof(hl));
			rx->ttl = hl >= 0 && hl <= 255 ? (uint8_t)hl : 0;
		}
	}
}

/* One recvmsg into rx; 1, 0 (nothing queued) or -errno. */
static int recv_one(struct advert_io *io, struct advert_rx *rx)
{
	struct sockaddr_storage from;
	union { char b[ADVERT_IO_CMSG_SPACE]; struct cmsghdr h; } c;
	struct iovec iov = { .iov_base = rx->buf, .iov_len = sizeof(rx->buf) };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = c.b, .msg_controllen = sizeof(c.b),
	};
	ssize_t n;

	memset(&rx->src, 0, sizeof(rx->src));
	memset(&rx->dst, 0, sizeof(rx->dst));
	rx->len = 0;
	rx->ttl = 0;
	rx->ifindex = 0;
	rx->has_iphdr = io->family == IPADDR_V4;
	do {
		n = recvmsg(io->fd, &msg, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	/* A truncated datagram (MSG_TRUNC) is handed up as it is: it is larger
	 * than any advert, so the decoder rejects it on length and counts it. */
	rx->len = (size_t)n;
	parse_cmsgs(&msg, rx);
	if (io->family == IPADDR_V4) {
		fill_from_ip4(rx);
	} else if (from.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&from;

		ipaddr_from_bytes(&rx->src, IPADDR_V6, &s6->sin6_addr);
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
