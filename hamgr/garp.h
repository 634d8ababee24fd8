/* garp: gratuitous ARP (IPv4) and unsolicited neighbour advertisements
 * (IPv6, RFC 4861 7.2.6) for a floating IP, so switches and clients learn
 * the new owner's MAC at once. */
#ifndef HAMGR_GARP_H
#define HAMGR_GARP_H

#include <stdint.h>

#include "core/ipaddr.h"

struct garp;

/* Open an AF_PACKET socket for ARP and an ICMPv6 raw socket for NA.
 * NULL on error (errno). */
struct garp *garp_open(void);
void garp_close(struct garp *g);

/* Send one gratuitous ARP (broadcast ARP request with sender = target = vip,
 * sender MAC = ifindex's MAC) or one unsolicited NA (to ff02::1, hop limit
 * 255, override flag, target link-layer address option). Returns 0 or
 * -errno: -EINVAL when the IPv6 VIP is not (yet) a usable address on the
 * interface (it is the NA's source; tentative addresses are refused),
 * -EOPNOTSUPP on links without an Ethernet MAC, -ENETDOWN, -ENXIO. */
int garp_send(struct garp *g, int ifindex, const struct ipaddr *vip);

/* Ask whether another host has vip (conflict detection): IPv4, an ARP
 * probe (RFC 5227: broadcast request, sender address 0.0.0.0, so no cache
 * learns anything from it; a host that has the address replies to our
 * MAC); IPv6, a neighbour solicitation from src6 (an IPv6 address of
 * ours on the interface; NULL or not IPv6: the kernel picks, at a cost
 * that grows with the addresses on the interface) to the VIP's
 * solicited-node group (a host that has it answers with a solicited NA).
 * The answers are conflict_io's. Returns 0 or -errno. */
int garp_probe(struct garp *g, int ifindex, const struct ipaddr *src6,
	       const struct ipaddr *vip);

/* The interface's Ethernet MAC into mac. 0, or -errno (-EOPNOTSUPP on
 * links without one). */
int garp_ifmac(struct garp *g, int ifindex, uint8_t mac[6]);

#endif
