/* udp_io: sendmsg and recvmsg with packet info, for every datagram socket
 * of the daemon. */
#include "udp_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* Room for the control messages of one receive: pktinfo of either family,
 * a TTL or hop limit, the drop counter and the arrival time (the kernel
 * sends only those asked for). */
#define UDP_IO_CMSG_SPACE \
	(CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo)) + \
	 2 * CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(uint32_t)) + \
	 CMSG_SPACE(sizeof(struct timespec)))

/* Group and link-local destinations need the interface as scope. */
static bool needs_scope6(const struct in6_addr *a)
{
	return IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_LINKLOCAL(a);
}

/* msg's one control message: level, type and len bytes of data, in the
 * buffer msg_control already points to (zeroed, large enough). */
static void put_cmsg(struct msghdr *msg, int level, int type, const void *data, size_t len)
{
	struct cmsghdr *cm;

	msg->msg_controllen = CMSG_SPACE(len);
	cm = CMSG_FIRSTHDR(msg);
	cm->cmsg_level = level;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(cm), data, len);
}

int udp_io_send(int fd, int ifindex, const struct ipaddr *src, const struct ipaddr *dst,
		uint16_t port, const void *buf, size_t len)
{
	union { char b[CMSG_SPACE(sizeof(struct in6_pktinfo))]; struct cmsghdr h; } c;
	union { struct sockaddr_in v4; struct sockaddr_in6 v6; } to;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = c.b };
	bool pin = src && src->family == dst->family;

	memset(&to, 0, sizeof(to));
	memset(&c, 0, sizeof(c));
	if (dst->family == IPADDR_V4) {
		/* ipi_spec_dst is the source address of a sendmsg. */
		struct in_pktinfo pi = { .ipi_ifindex = ifindex };

		to.v4.sin_family = AF_INET;
		to.v4.sin_port = htons(port);
		memcpy(&to.v4.sin_addr, dst->a, 4);
		msg.msg_namelen = sizeof(to.v4);
		if (pin)
			memcpy(&pi.ipi_spec_dst, src->a, 4);
		put_cmsg(&msg, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	} else if (dst->family == IPADDR_V6) {
		struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)ifindex };

		to.v6.sin6_family = AF_INET6;
		to.v6.sin6_port = htons(port);
		memcpy(&to.v6.sin6_addr, dst->a, 16);
		if (needs_scope6(&to.v6.sin6_addr))
			to.v6.sin6_scope_id = (uint32_t)ifindex;
		msg.msg_namelen = sizeof(to.v6);
		if (pin)
			memcpy(&pi.ipi6_addr, src->a, 16);
		put_cmsg(&msg, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	} else {
		return -EAFNOSUPPORT;
	}
	return sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* A TTL or hop limit control message carries an int. */
static uint8_t cmsg_ttl(const struct cmsghdr *cm)
{
	int v;

	memcpy(&v, CMSG_DATA(cm), sizeof(v));
	return v >= 0 && v <= 255 ? (uint8_t)v : 0;
}

static void parse_cmsgs(struct msghdr *msg, struct udp_io_meta *meta)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			meta->ifindex = pi.ipi_ifindex;
			ipaddr_from_bytes(&meta->dst, IPADDR_V4, &pi.ipi_addr);
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			meta->ifindex = (int)pi.ipi6_ifindex;
			ipaddr_from_bytes(&meta->dst, IPADDR_V6, &pi.ipi6_addr);
		} else if ((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TTL) ||
			   (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT)) {
			meta->ttl = cmsg_ttl(cm);
		} else if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL &&
			   cm->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
			memcpy(&meta->drops, CMSG_DATA(cm), sizeof(meta->drops));
			meta->has_drops = true;
		} else if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS &&
			   cm->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			meta->rt_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		}
	}
}

ssize_t udp_io_recv(int fd, void *buf, size_t len, struct udp_io_meta *meta)
{
	union { char b[UDP_IO_CMSG_SPACE]; struct cmsghdr h; } c;
	struct sockaddr_storage from;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = c.b, .msg_controllen = sizeof(c.b),
	};
	ssize_t n;

	memset(meta, 0, sizeof(*meta));
	memset(&from, 0, sizeof(from));
	do {
		n = recvmsg(fd, &msg, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	parse_cmsgs(&msg, meta);
	if (from.ss_family == AF_INET)
		ipaddr_from_bytes(&meta->src, IPADDR_V4,
				  &((const struct sockaddr_in *)&from)->sin_addr);
	else if (from.ss_family == AF_INET6)
		ipaddr_from_bytes(&meta->src, IPADDR_V6,
				  &((const struct sockaddr_in6 *)&from)->sin6_addr);
	return n;
}

/* namelen as the kernel returned it: 0 when the datagram had no address
 * (from is then not even read: it was never cleared). */
static void meta_src(struct udp_io_meta *meta, const struct sockaddr_storage *from,
		     socklen_t namelen)
{
	if (namelen < sizeof(from->ss_family))
		return;
	if (from->ss_family == AF_INET)
		ipaddr_from_bytes(&meta->src, IPADDR_V4,
				  &((const struct sockaddr_in *)from)->sin_addr);
	else if (from->ss_family == AF_INET6)
		ipaddr_from_bytes(&meta->src, IPADDR_V6,
				  &((const struct sockaddr_in6 *)from)->sin6_addr);
}

struct udp_io_batch {
	union { char b[UDP_IO_CMSG_SPACE]; struct cmsghdr h; } c[UDP_IO_BATCH_MAX];
	struct sockaddr_storage from[UDP_IO_BATCH_MAX];
	struct mmsghdr mm[UDP_IO_BATCH_MAX];
	struct iovec iov[UDP_IO_BATCH_MAX];
};

struct udp_io_batch *udp_io_batch_new(void)
{
	return calloc(1, sizeof(struct udp_io_batch));
}

void udp_io_batch_free(struct udp_io_batch *b) { free(b); }

/* Only the headers: from[] and c[] are the kernel's to write (touching
 * one cache line of each of 32 addresses per read was a good part of an
 * idle backup's cost per advert). */
void udp_io_batch_setup(struct udp_io_batch *b, const struct udp_io_msg *m, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		b->iov[i] = (struct iovec){ .iov_base = m[i].buf, .iov_len = m[i].cap };
		b->mm[i] = (struct mmsghdr){ .msg_hdr = {
			.msg_name = &b->from[i], .msg_namelen = sizeof(b->from[i]),
			.msg_iov = &b->iov[i], .msg_iovlen = 1,
			.msg_control = b->c[i].b, .msg_controllen = sizeof(b->c[i].b),
		} };
	}
}

static int batch_recv(int fd, struct udp_io_batch *b, struct udp_io_msg *m, unsigned n)
{
	unsigned i;
	int r;

	do {
		r = recvmmsg(fd, b->mm, n, MSG_DONTWAIT, NULL);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EWOULDBLOCK ? 0 : -errno;
	for (i = 0; i < (unsigned)r; i++) {
		struct msghdr *h = &b->mm[i].msg_hdr;

		memset(&m[i].meta, 0, sizeof(m[i].meta));
		m[i].len = b->mm[i].msg_len;
		parse_cmsgs(h, &m[i].meta);
		meta_src(&m[i].meta, &b->from[i], h->msg_namelen);
		/* What the kernel wrote back, ready for the next read. */
		h->msg_namelen = sizeof(b->from[i]);
		h->msg_controllen = sizeof(b->c[i].b);
		h->msg_flags = 0;
	}
	return r;
}

int udp_io_batch_recv(int fd, struct udp_io_batch *b, struct udp_io_msg *m, unsigned n)
{
	return batch_recv(fd, b, m, n > UDP_IO_BATCH_MAX ? UDP_IO_BATCH_MAX : n);
}

int udp_io_recv_many(int fd, struct udp_io_msg *m, unsigned n)
{
	struct udp_io_batch b;

	if (n > UDP_IO_BATCH_MAX)
		n = UDP_IO_BATCH_MAX;
	udp_io_batch_setup(&b, m, n);
	return batch_recv(fd, &b, m, n);
}
