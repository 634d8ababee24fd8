/* udp_io: one datagram out or in, with its packet info, on a UDP or raw IP
 * socket of either family (advert_io, hello_io and garp share it).
 *
 * A send pins the outgoing interface and the source address with
 * IP_PKTINFO / IPV6_PKTINFO: the VRRP checksum covers the source, and on
 * an interface that also holds a VIP in the same subnet the kernel's own
 * choice could be the VIP. A receive reports what the kernel knows of the
 * datagram (ingress interface, destination, TTL / hop limit), provided the
 * socket asked for it (IP_PKTINFO, IP_RECVTTL, IPV6_RECVPKTINFO,
 * IPV6_RECVHOPLIMIT, SO_RXQ_OVFL, SO_TIMESTAMPNS: the caller sets the
 * options it needs). */
#ifndef HAMGR_UDP_IO_H
#define HAMGR_UDP_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/ipaddr.h"

/* Send len bytes of buf to dst, port port (host order; 0 on raw sockets),
 * out of ifindex, from src (NULL, unset or of another family than dst: the
 * kernel picks the source). An IPv6 multicast or link-local destination
 * takes ifindex as its scope. Never blocks, never raises SIGPIPE.
 * Returns 0 or -errno. */
int udp_io_send(int fd, int ifindex, const struct ipaddr *src, const struct ipaddr *dst,
		uint16_t port, const void *buf, size_t len);

/* What the kernel reported about a received datagram. A field it did not
 * report stays 0 (unset address, ifindex 0, ttl 0), so a caller's checks
 * reject the datagram rather than trust a default. */
struct udp_io_meta {
	struct ipaddr src;      /* the sender (an IPv4 raw socket: from the header) */
	struct ipaddr dst;      /* the destination, from pktinfo */
	int ifindex;            /* the ingress interface, from pktinfo */
	uint8_t ttl;            /* TTL (IP_RECVTTL) or hop limit (IPV6_RECVHOPLIMIT) */
	bool has_drops;         /* drops was reported (SO_RXQ_OVFL, once the
				   socket dropped a packet) */
	uint32_t drops;         /* the socket's drop counter when this one queued */
	uint64_t rt_ns;         /* arrival on CLOCK_REALTIME (SO_TIMESTAMPNS), 0 if
				   not reported */
};

/* Receive one datagram into buf without blocking (EINTR is retried).
 * Returns its length (a datagram larger than len is cut to len), or
 * -errno: -EAGAIN when nothing is queued. meta is filled on success. */
ssize_t udp_io_recv(int fd, void *buf, size_t len, struct udp_io_meta *meta);

/* One datagram of a batch: the caller's buffer, what arrived in it. */
struct udp_io_msg {
	void *buf;
	size_t cap;             /* size of buf */
	size_t len;             /* received (a longer datagram is cut to cap) */
	struct udp_io_meta meta;
};

/* At most UDP_IO_BATCH_MAX datagrams waiting on fd, with one recvmmsg and
 * without blocking. Returns how many (0: nothing queued) or -errno. */
#define UDP_IO_BATCH_MAX 64
int udp_io_recv_many(int fd, struct udp_io_msg *m, unsigned n);

/* The same with message headers kept between reads in b, so a socket
 * read on every wakeup does not write 32 headers each time: setup points
 * b's headers at m[0..n)'s buf and cap (again whenever they change);
 * recv then reads into them, n at most what was set up. */
struct udp_io_batch;
struct udp_io_batch *udp_io_batch_new(void);
void udp_io_batch_free(struct udp_io_batch *b);
void udp_io_batch_setup(struct udp_io_batch *b, const struct udp_io_msg *m, unsigned n);
int udp_io_batch_recv(int fd, struct udp_io_batch *b, struct udp_io_msg *m, unsigned n);

#endif
