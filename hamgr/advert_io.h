/* advert_io: the raw IPPROTO_VRRP (112) socket of one instance.
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

struct advert_rx {
	uint8_t buf[2048];
	size_t len;
	bool has_iphdr;        /* IPv4: buf holds the whole datagram (decode
				  with advert_decode_ip4); IPv6: payload only */
	struct ipaddr src;     /* IPv6 only (IPv4: from the header) */
	struct ipaddr dst;     /* IPv6 only */
	uint8_t ttl;           /* IPv6 hop limit (IPv4: from the header) */
	int ifindex;           /* ingress interface from pktinfo */
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

/* Receive one packet without blocking. Returns 1 with rx filled, 0 when
 * nothing is queued, -errno on error. For IPv4 src, dst and ttl are also
 * copied from the header (for logging). A field the kernel did not report
 * stays 0 (ifindex 0, ttl 0), so the caller's checks reject the packet. */
int advert_io_recv(struct advert_io *io, struct advert_rx *rx);

#endif
