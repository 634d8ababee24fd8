/* advert_io: a raw IPPROTO_VRRP (112) socket on one interface.
 *
 * One socket per interface and family (vrrp_rx.c shares it between the
 * instances), bound to the interface with SO_BINDTODEVICE so adverts from
 * other links never reach it. The source address of every send is pinned
 * (the VRRP checksum covers it): IPv6 through udp_io.c's pktinfo, IPv4 in
 * the IP header we write ourselves (IP_HDRINCL, as keepalived sends). */
#include "advert_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/advert.h"
#include "udp_io.h"

#define ADVERT_IO_RCVBUF (4 << 20)

struct advert_io {
	int fd;
	unsigned family;
	bool join;
	int ifindex;
	char ifname[IFNAMSIZ];
	uint32_t kdrops;        /* SO_RXQ_OVFL, as last reported */
	uint16_t ip_id;         /* IPv4: the last header's identification */
	bool own_header;        /* IPv4: IP_HDRINCL on (see send4) */
	/* The receive batch, kept between reads: m and the batch's headers
	 * are set up for rx_for[0..n_for), the caller's array. */
	struct udp_io_batch *batch;
	const struct advert_rx *rx_for;
	unsigned n_for;
	struct udp_io_msg m[UDP_IO_BATCH_MAX];
	/* Monotonic time before the last read that emptied the queue: what
	 * is read next arrived after it (arrival times are clamped to it). */
	uint64_t emptied_us;
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

/* Join or leave the VRRP group on the interface; 0 or -1 (errno). */
static int membership(struct advert_io *io, bool join)
{
	if (io->family == IPADDR_V4) {
		struct ip_mreqn mr = { .imr_ifindex = io->ifindex };

		inet_pton(AF_INET, ADVERT_MCAST4, &mr.imr_multiaddr);
		return setsockopt(io->fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP :
				  IP_DROP_MEMBERSHIP, &mr, sizeof(mr));
	}
	struct ipv6_mreq mr6 = { .ipv6mr_interface = (unsigned)io->ifindex };

	inet_pton(AF_INET6, ADVERT_MCAST6, &mr6.ipv6mr_multiaddr);
	return setsockopt(io->fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP,
			  &mr6, sizeof(mr6));
}

int advert_io_join(struct advert_io *io, bool join)
{
	if (io->join == join)
		return 0;
	if (membership(io, join) < 0 && (join || errno != EADDRNOTAVAIL))
		return -errno;
	io->join = join;
	return 0;
}

/* IPv4 options; returns the name of the call that failed, or NULL. */
static const char *setup4(struct advert_io *io, bool join)
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
	/* We write the IP header (send4) with the same TTL, precedence and
	 * the source: the kernel then neither builds one nor checks that the
	 * source is its own on every send (the primary address is watched
	 * anyway). The options above are for the header it builds when an
	 * advert is too large for the link (send4). */
	if (setint(io->fd, IPPROTO_IP, IP_HDRINCL, 1) < 0)
		return "setsockopt(IP_HDRINCL)";
	io->own_header = true;
	if (setint(io->fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0) < 0)
		return "setsockopt(IP_MULTICAST_LOOP)";
	/* Only groups this socket joined: a unicast instance must not see
	 * multicast adverts just because another socket joined 224.0.0.18. */
	if (setint(io->fd, IPPROTO_IP, IP_MULTICAST_ALL, 0) < 0)
		return "setsockopt(IP_MULTICAST_ALL)";
	/* No IP_PKTINFO: the header we read carries both addresses and the
	 * socket is bound to its interface, and with it the kernel would look
	 * a route up for every advert received, to fill a field we ignore. */
	if (join && membership(io, true) < 0)
		return "setsockopt(IP_ADD_MEMBERSHIP, " ADVERT_MCAST4 ")";
	return NULL;
}

/* IPv6 options; returns the name of the call that failed, or NULL. No
 * IPV6_CHECKSUM: the codec computes and verifies the checksum itself, and
 * the kernel must not drop what it considers bad before we count it. */
static const char *setup6(struct advert_io *io, bool join)
{
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
	if (join && membership(io, true) < 0)
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
	io->batch = udp_io_batch_new();
	if (!io->batch)
		return fail(io, err, errlen, "calloc", ifname);
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
	/* Every instance's adverts queue here: room for a stalled loop
	 * (hundreds of instances x a few intervals). Root may go past
	 * rmem_max; elsewhere the default stays. */
	if (setint(io->fd, SOL_SOCKET, SO_RCVBUFFORCE, ADVERT_IO_RCVBUF) < 0)
		(void)setint(io->fd, SOL_SOCKET, SO_RCVBUF, ADVERT_IO_RCVBUF);
	/* The kernel's count of what did not fit, with each packet (for the
	 * receive path's kernel_drops); the status goes without it if not. */
	(void)setint(io->fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
	/* Arrival times: a backup that reads its adverts late (vrrp_rx.c's
	 * lazy sockets) times its master from when each one arrived. */
	if (setint(io->fd, SOL_SOCKET, SO_TIMESTAMPNS, 1) < 0)
		return fail(io, err, errlen, "setsockopt(SO_TIMESTAMPNS)", ifname);
	call = family == IPADDR_V6 ? setup6(io, join) : setup4(io, join);
	if (call)
		return fail(io, err, errlen, call, ifname);
	return io;
}

/* Offsets from the network header (SKF_NET_OFF), so the same program
 * reads IPv4 raw sockets (handed the header) and IPv6 ones (not). */
#define NET(off) ((uint32_t)SKF_NET_OFF + (off))
#define LDB(off) BPF_STMT(BPF_LD | BPF_B | BPF_ABS, NET(off))
#define PASS BPF_STMT(BPF_RET | BPF_K, 0xffffffffu)
#define DROP BPF_STMT(BPF_RET | BPF_K, 0)

int advert_io_releases_only(struct advert_io *io)
{
	/* The VRRP header's priority is its third byte. A header this
	 * program cannot place (IPv4 options, IPv6 extension headers) passes:
	 * a wakeup too many costs little, a release missed costs a takeover
	 * a Master_Down_Interval late instead of after Skew_Time. */
	static struct sock_filter v4[] = {
		LDB(0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x45, 0, 3),
		LDB(20 + 2), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		DROP, PASS,
	};
	static struct sock_filter v6[] = {
		LDB(6), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ADVERT_PROTO, 0, 3),
		LDB(40 + 2), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		DROP, PASS,
	};
	struct sock_fprog prog = {
		.len = sizeof(v4) / sizeof(v4[0]),
		.filter = io->family == IPADDR_V6 ? v6 : v4,
	};

	if (setsockopt(io->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		return -errno;
	return 0;
}

void advert_io_close(struct advert_io *io)
{
	if (!io)
		return;
	if (io->fd >= 0)
		close(io->fd);
	udp_io_batch_free(io->batch);
	free(io);
}

int advert_io_fd(const struct advert_io *io)
{
	return io->fd;
}

uint32_t advert_io_kernel_drops(const struct advert_io *io)
{
	return io->kdrops;
}

/* IPv4 with our own header; the kernel fills in the total length and the
 * header checksum. An identification of 0 would have it draw a random
 * one for every send: count instead (as keepalived does). A header of our
 * own is never fragmented: an advert larger than the link's MTU (255
 * addresses on a 576-byte link) fails with EMSGSIZE, and the socket goes
 * back to headers the kernel builds, and fragments, for good. */
static int send4(struct advert_io *io, const struct ipaddr *src, const struct ipaddr *dst,
		 const uint8_t *buf, size_t len)
{
	struct ip h = { .ip_v = 4, .ip_hl = sizeof(h) / 4, .ip_tos = 0xc0, .ip_ttl = ADVERT_TTL,
			.ip_p = ADVERT_PROTO };
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct iovec iov[2] = { { .iov_base = &h, .iov_len = sizeof(h) },
				{ .iov_base = (void *)buf, .iov_len = len } };
	struct msghdr msg = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = iov,
			      .msg_iovlen = 2 };

	if (++io->ip_id == 0)
		io->ip_id = 1;
	h.ip_id = htons(io->ip_id);
	if (src && src->family)
		memcpy(&h.ip_src, src->a, 4);
	memcpy(&h.ip_dst, dst->a, 4);
	to.sin_addr = h.ip_dst;
	if (sendmsg(io->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
		return 0;
	if (errno != EMSGSIZE)
		return -errno;
	if (setint(io->fd, IPPROTO_IP, IP_HDRINCL, 0) < 0)
		return -EMSGSIZE;
	io->own_header = false;
	return udp_io_send(io->fd, io->ifindex, src, dst, 0, buf, len);
}

int advert_io_send(struct advert_io *io, const struct ipaddr *src,
		   const struct ipaddr *dst, const uint8_t *buf, size_t len)
{
	if (!io || !dst || dst->family != io->family || !buf)
		return -EINVAL;
	if (src && src->family && src->family != io->family)
		return -EINVAL;
	if (io->family == IPADDR_V4 && io->own_header)
		return send4(io, src, dst, buf, len);
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

/* What the kernel reported for one packet. Anything it did not report
 * stays 0 (ifindex 0, TTL 0) so the caller's checks reject the packet
 * rather than trust a default. A truncated datagram is handed up as it
 * is: it is larger than any advert, so the decoder rejects it on length. */
static void fill_rx(const struct advert_io *io, struct advert_rx *rx,
		    const struct udp_io_msg *m)
{
	memset(&rx->src, 0, sizeof(rx->src));
	memset(&rx->dst, 0, sizeof(rx->dst));
	rx->len = m->len;
	rx->ttl = 0;
	rx->ifindex = m->meta.ifindex;
	rx->has_iphdr = io->family == IPADDR_V4;
	if (io->family == IPADDR_V4) {
		/* No pktinfo (setup4): bound to the interface, it is ours. */
		rx->ifindex = io->ifindex;
		fill_from_ip4(rx);
	} else {
		rx->src = m->meta.src;
		rx->dst = m->meta.dst;
		rx->ttl = m->meta.ttl;
	}
}

static uint64_t ts_us(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000u + (uint64_t)ts->tv_nsec / 1000u;
}

/* A packet's arrival on the monotonic clock, from the kernel's realtime
 * stamp and the two clocks read just before the read. A step of the
 * realtime clock in between cannot move it outside what is certain: not
 * later than the read, not earlier than the last read that emptied the
 * queue. 0 when the kernel gave no stamp. */
static uint64_t arrival(const struct udp_io_meta *meta, const struct timespec *mono,
			const struct timespec *real, uint64_t floor_us)
{
	uint64_t now = ts_us(mono), rt = ts_us(real), at = meta->rt_ns / 1000u, ago;

	if (!meta->rt_ns)
		return 0;
	ago = rt > at ? rt - at : 0;
	at = ago < now ? now - ago : 0;
	return at < floor_us ? floor_us : at;
}

/* An unbound IPv6 raw socket gets every group the host joined on the
 * interface (IPV6_MULTICAST_ALL only filters sockets bound to an address),
 * so a socket that did not join drops multicast here, as the kernel does
 * for IPv4 with IP_MULTICAST_ALL off. */
int advert_io_recv_many(struct advert_io *io, struct advert_rx *rx, unsigned n, bool *more)
{
	struct udp_io_msg *m = io->m;
	struct timespec mono, real;
	uint64_t floor_us;
	unsigned i, kept = 0;
	int r;

	*more = false;
	if (n > UDP_IO_BATCH_MAX)
		n = UDP_IO_BATCH_MAX;
	/* Set up once for the caller's array (vrrp_rx reads into the same
	 * one every time), not on every wakeup. */
	if (rx != io->rx_for || n != io->n_for) {
		for (i = 0; i < n; i++) {
			m[i].buf = rx[i].buf;
			m[i].cap = sizeof(rx[i].buf);
		}
		udp_io_batch_setup(io->batch, m, n);
		io->rx_for = rx;
		io->n_for = n;
	}
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	r = udp_io_batch_recv(io->fd, io->batch, m, n);
	floor_us = io->emptied_us;
	if (r >= 0 && (unsigned)r < n)
		io->emptied_us = ts_us(&mono);
	if (r <= 0)
		return r;
	*more = (unsigned)r == n;
	for (i = 0; i < (unsigned)r; i++) {
		if (m[i].meta.has_drops)
			io->kdrops = m[i].meta.drops;
		/* The same bytes stay where they are: rx[kept] only moves
		 * down when an earlier packet was skipped. */
		if (kept != i)
			memcpy(rx[kept].buf, rx[i].buf, m[i].len);
		fill_rx(io, &rx[kept], &m[i]);
		rx[kept].arrived_us = arrival(&m[i].meta, &mono, &real, floor_us);
		if (io->family == IPADDR_V6 && !io->join && rx[kept].dst.a[0] == 0xff)
			continue;
		kept++;
	}
	return (int)kept;
}
