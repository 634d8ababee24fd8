/* advert_io: a raw IPPROTO_VRRP (112) socket on one interface, shared by
 * every instance of that interface and family (vrrp_rx.c).
 *
 * Sends to 224.0.0.18 / ff02::12 (or unicast peers) with TTL / hop limit 255
 * from a pinned source address (the checksum covers it), joins the group on
 * the instance interface only, and hands received packets up with their
 * TTL/hop limit, addresses and ingress interface so the caller can check
 * them. Multicast loopback is off. */
#ifndef HAMGR_ADVERT_IO_H
#define HAMGR_ADVERT_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

struct advert_io;

/* The largest datagram kept whole: an IPv6 advert listing 255 addresses
 * (8 + 255 x 16 bytes); an IPv4 one with 255 and IP options is smaller. */
#define ADVERT_RX_MAX 4096

struct advert_rx {
	uint8_t buf[ADVERT_RX_MAX + 64];
	size_t len;
	bool has_iphdr;        /* IPv4: buf holds the whole datagram (decode
				  with advert_decode_ip4); IPv6: payload only */
	struct ipaddr src;     /* IPv6 only (IPv4: from the header) */
	struct ipaddr dst;     /* IPv6 only */
	uint8_t ttl;           /* IPv6 hop limit (IPv4: from the header) */
	int ifindex;           /* ingress interface: IPv6 from pktinfo, IPv4 the bound one */
	uint64_t arrived_us;   /* when the kernel queued it, on the monotonic
				  clock (from its realtime stamp); 0: unknown */
};

/* Open for family (IPADDR_V4/V6) on ifindex/ifname. With join true the
 * socket joins the VRRP multicast group on that interface; with join false
 * it delivers no multicast at all (unicast peers only). Returns NULL and
 * fills err ("call on ifname: reason") on failure. */
struct advert_io *advert_io_open(unsigned family, int ifindex, const char *ifname,
				 bool join, char *err, size_t errlen);
void advert_io_close(struct advert_io *io);
int advert_io_fd(const struct advert_io *io);

/* Send one encoded advert from src to dst (the group or a peer) out of the
 * instance interface. Returns 0 or -errno. */
int advert_io_send(struct advert_io *io, const struct ipaddr *src,
		   const struct ipaddr *dst, const uint8_t *buf, size_t len);

/* Receive up to n (at most UDP_IO_BATCH_MAX) queued packets with one
 * recvmmsg into rx[0..]. Returns how many were kept (packets a socket
 * that did not join the group must not see are skipped), 0 when nothing
 * was queued, -errno on error. *more is set when the batch was full
 * (more may be queued). */
int advert_io_recv_many(struct advert_io *io, struct advert_rx *rx, unsigned n, bool *more);

/* Make io a wakeup for releases: a filter passes only adverts of
 * priority 0 (and any the filter cannot read), so a backup that reads its
 * master's adverts late still hears a release at once (vrrp_rx.c).
 * Returns 0 or -errno. */
int advert_io_releases_only(struct advert_io *io);

/* The socket's drop counter as the kernel last reported it with a packet
 * (SO_RXQ_OVFL): packets it could not queue, the receive buffer full. 0
 * until it reports one; a 32-bit counter that wraps. */
uint32_t advert_io_kernel_drops(const struct advert_io *io);

/* Join (or leave) the VRRP group on the socket's interface: the first
 * multicast instance of the interface joins, the last one leaves. 0 or
 * -errno. */
int advert_io_join(struct advert_io *io, bool join);

#endif
