/* garp: gratuitous ARP (IPv4) and unsolicited neighbour advertisements
 * (IPv6, RFC 4861 7.2.6) for a floating IP, and the probes of conflict
 * detection (an ARP request from 0.0.0.0, a neighbour solicitation).
 *
 * The interface MAC is read at every send rather than cached: a bond
 * failover or `ip link set address` changes it, and an announcement with a
 * stale MAC would point every client at the wrong host. Two ioctls per
 * announcement cost nothing next to the few announcements of a takeover. */
#include "garp.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/if_ether.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "udp_io.h"

#define GARP_HOPLIMIT 255 /* RFC 4861: receivers drop NAs with less */

struct garp {
	int arp_fd;  /* AF_PACKET SOCK_DGRAM, send only */
	int na_fd;   /* raw ICMPv6, send only */
};

/* A neighbour advertisement or solicitation as it goes on the wire: the
 * ICMPv6 header with the NA flags (or the NS's reserved word), the target,
 * and one link-layer address option (target's in an NA, source's in an
 * NS: length 1 = 8 bytes, Ethernet MAC). */
struct garp_nd {
	struct icmp6_hdr hdr;
	struct in6_addr target;
	struct nd_opt_hdr opt;
	uint8_t mac[ETH_ALEN];
} __attribute__((packed));

/* Protocol 0: the socket never receives. With htons(ETH_P_ARP) every ARP
 * frame on every interface would be queued to a socket nobody reads; the
 * EtherType of what we send comes from sll_protocol instead. */
static int open_arp(void)
{
	return socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

/* A raw ICMPv6 socket gets a copy of every ICMPv6 packet; block them all so
 * nothing queues up on a socket that only sends. No multicast loopback:
 * our own NA / NS would come back to our stack, which has nothing to
 * learn from them and checks each against every group the interface
 * joined (one per IPv6 VIP). */
static int open_na(void)
{
	struct icmp6_filter filt;
	int hops = GARP_HOPLIMIT, loop = 0;
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);

	if (fd < 0)
		return -1;
	ICMP6_FILTER_SETBLOCKALL(&filt);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof(loop)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

struct garp *garp_open(void)
{
	struct garp *g = calloc(1, sizeof(*g));
	int e;

	if (!g)
		return NULL;
	g->arp_fd = open_arp();
	if (g->arp_fd < 0)
		goto fail;
	g->na_fd = open_na();
	if (g->na_fd < 0)
		goto fail;
	return g;
fail:
	e = errno;
	if (g->arp_fd >= 0)
		close(g->arp_fd);
	free(g);
	errno = e;
	return NULL;
}

void garp_close(struct garp *g)
{
	if (!g)
		return;
	close(g->arp_fd);
	close(g->na_fd);
	free(g);
}

/* The interface's Ethernet MAC. -errno; -EOPNOTSUPP for links without
 * one (tun, wireguard, loopback), where there is nothing to announce. */
static int ifmac(int fd, int ifindex, uint8_t mac[ETH_ALEN])
{
	struct ifreq ifr;

	/* The name through our own socket: if_indextoname opens and closes
	 * one per call, and this runs for every conflict probe and
	 * gratuitous ARP / NA sent. */
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = ifindex;
	if (ioctl(fd, SIOCGIFNAME, &ifr) < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return -EOPNOTSUPP;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

/* A broadcast ARP request for tpa from spa (4 bytes each) with the
 * interface's MAC as sender hardware address. */
static int send_arp_request(struct garp *g, int ifindex, const uint8_t *spa, const uint8_t *tpa)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = ifindex,
		.sll_halen = ETH_ALEN,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	struct ether_arp p;
	int r;

	memset(&p, 0, sizeof(p));
	r = ifmac(g->arp_fd, ifindex, p.arp_sha);
	if (r < 0)
		return r;
	p.arp_hrd = htons(ARPHRD_ETHER);
	p.arp_pro = htons(ETH_P_IP);
	p.arp_hln = ETH_ALEN;
	p.arp_pln = 4;
	p.arp_op = htons(ARPOP_REQUEST);
	memcpy(p.arp_spa, spa, 4);
	memcpy(p.arp_tpa, tpa, 4);
	/* arp_tha stays 00:00:00:00:00:00 (unknown, as in a request) */
	if (sendto(g->arp_fd, &p, sizeof(p), MSG_DONTWAIT | MSG_NOSIGNAL,
		   (const struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

/* Sender = target = vip: the form every stack accepts as an update of an
 * existing entry (RFC 5227 ARP Announcement). */
static int send_arp(struct garp *g, int ifindex, const struct ipaddr *vip)
{
	return send_arp_request(g, ifindex, vip->a, vip->a);
}

/* One NA or NS for vip (type, NA flags, option type) from src (NULL: the
 * kernel picks) to dst, our MAC in the option; the kernel fills in the
 * ICMPv6 checksum. */
static int send_nd(struct garp *g, int ifindex, uint8_t type, uint32_t flags, uint8_t opt,
		   const struct ipaddr *src, const struct ipaddr *dst, const struct ipaddr *vip)
{
	struct garp_nd nd;
	int r;

	memset(&nd, 0, sizeof(nd));
	r = ifmac(g->arp_fd, ifindex, nd.mac);
	if (r < 0)
		return r;
	nd.hdr.icmp6_type = type;
	nd.hdr.icmp6_data32[0] = flags;
	memcpy(&nd.target, vip->a, 16);
	nd.opt.nd_opt_type = opt;
	nd.opt.nd_opt_len = 1;
	return udp_io_send(g->na_fd, ifindex, src, dst, 0, &nd, sizeof(nd));
}

/* Unsolicited NA to all nodes: Override set so existing entries take the
 * new MAC, Solicited clear (receivers drop solicited NAs sent to a group),
 * Router clear. Source = the VIP itself, like keepalived: usable at once
 * since it is added with NODAD. A still tentative VIP is refused by the
 * kernel (EINVAL), which is right: RFC 4862 5.4 forbids announcing an
 * address before DAD has finished. */
static int send_na(struct garp *g, int ifindex, const struct ipaddr *vip)
{
	static const struct ipaddr all_nodes = {        /* ff02::1 */
		.family = IPADDR_V6, .prefixlen = 128, .a = { 0xff, 0x02, [15] = 0x01 }
	};

	return send_nd(g, ifindex, ND_NEIGHBOR_ADVERT, ND_NA_FLAG_OVERRIDE,
		       ND_OPT_TARGET_LINKADDR, vip, &all_nodes, vip);
}

/* A neighbour solicitation for vip to its solicited-node group, with our
 * MAC as source link-layer address, from src, or (NULL) the address the
 * kernel picks: link-local for this link-local destination, but picking
 * walks every address of the interface, so with thousands of VIPs a
 * round of probes without src holds the loop for hundreds of ms. A host
 * that has the address answers with a solicited NA to that source. */
static int send_ns(struct garp *g, int ifindex, const struct ipaddr *src,
		   const struct ipaddr *vip)
{
	const struct ipaddr group = {                   /* ff02::1:ffXX:XXXX */
		.family = IPADDR_V6, .prefixlen = 128,
		.a = { 0xff, 0x02, [11] = 0x01, [12] = 0xff, [13] = vip->a[13],
		       [14] = vip->a[14], [15] = vip->a[15] }
	};

	return send_nd(g, ifindex, ND_NEIGHBOR_SOLICIT, 0, ND_OPT_SOURCE_LINKADDR, src, &group,
		       vip);
}

int garp_probe(struct garp *g, int ifindex, const struct ipaddr *src6,
	       const struct ipaddr *vip)
{
	static const uint8_t any[4];

	if (!g || !vip || ifindex <= 0)
		return -EINVAL;
	if (vip->family == IPADDR_V4)
		return send_arp_request(g, ifindex, any, vip->a);
	if (vip->family == IPADDR_V6)
		return send_ns(g, ifindex,
			       src6 && src6->family == IPADDR_V6 ? src6 : NULL, vip);
	return -EAFNOSUPPORT;
}

int garp_ifmac(struct garp *g, int ifindex, uint8_t mac[6])
{
	return g && ifindex > 0 ? ifmac(g->arp_fd, ifindex, mac) : -EINVAL;
}

int garp_send(struct garp *g, int ifindex, const struct ipaddr *vip)
{
	if (!g || !vip || ifindex <= 0)
		return -EINVAL;
	if (vip->family == IPADDR_V4)
		return send_arp(g, ifindex, vip);
	if (vip->family == IPADDR_V6)
		return send_na(g, ifindex, vip);
	return -EAFNOSUPPORT;
}
