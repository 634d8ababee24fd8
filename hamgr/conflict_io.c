/* conflict_io: ARP and NA listeners for conflict detection (conflict_io.h).
 *
 * One socket per interface and family, shared by every instance there
 * (a "port"), not one per instance: each AF_PACKET socket bound to an
 * interface is an entry of the device's protocol list, which the kernel
 * walks for every packet received on it, ARP or not (255 instances: 250
 * entries walked per advert, about a tenth of the master's CPU in perf,
 * __netif_receive_skb_core; and every ARP packet cloned 250 times). A
 * claim is parsed once and handed to the subscribers not paused. */
#include "conflict_io.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "udp_io.h"

/* Packets handled per wakeup before yielding to the other sources: an ARP
 * storm must not starve the adverts. */
#define CONFLICT_IO_BATCH 64
#define CONFLICT_IO_HOPLIMIT 255        /* RFC 4861: NAs with less are dropped */

struct port {
	struct port *next;
	sd_event *event;
	int ifindex;
	bool v6;                        /* NA socket, else ARP */
	int fd;
	sd_event_source *src;
	struct conflict_io **sub;       /* subscribers; NULL: left meanwhile */
	size_t n_sub, cap;
	size_t active;                  /* of them, not paused */
	unsigned dispatching;
};

struct conflict_io {
	int ifindex;
	bool v4, v6;
	bool paused;
	struct port *arp, *na;
	conflict_io_cb cb;
	void *arg;
};

/* Every open port: a handful (one per interface and family). */
static struct port *ports;

static void hand(struct port *p, const struct conflict_claim *cl)
{
	size_t i;

	/* a callback may close a subscriber: its slot is cleared, the array
	 * compacted once nobody walks it */
	p->dispatching++;
	for (i = 0; i < p->n_sub; i++)
		if (p->sub[i] && !p->sub[i]->paused)
			p->sub[i]->cb(p->sub[i]->arg, cl);
	p->dispatching--;
}

static void compact(struct port *p)
{
	size_t i, k = 0;

	if (p->dispatching)
		return;
	for (i = 0; i < p->n_sub; i++)
		if (p->sub[i])
			p->sub[k++] = p->sub[i];
	p->n_sub = k;
}

static void port_free(struct port *p)
{
	struct port **pp;

	for (pp = &ports; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	sd_event_source_disable_unref(p->src);
	if (p->fd >= 0)
		close(p->fd);
	free(p->sub);
	free(p);
}

/* The port may lose its last subscriber in a callback: freed after. */
static int port_done(struct port *p)
{
	compact(p);
	if (!p->dispatching && p->n_sub == 0)
		port_free(p);
	return 0;
}

static int on_arp(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct port *p = arg;
	struct conflict_claim cl;
	uint8_t buf[64];
	int i;

	for (i = 0; i < CONFLICT_IO_BATCH && p->active; i++) {
		struct sockaddr_ll from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
				     (struct sockaddr *)&from, &flen);

		if (n < 0)
			break;          /* drained (or an error: wait for the next wakeup) */
		/* What we send ourselves shows up as outgoing: not a claim. */
		if (from.sll_pkttype == PACKET_OUTGOING || from.sll_ifindex != p->ifindex)
			continue;
		if (conflict_parse_arp(buf, (size_t)n, &cl))
			hand(p, &cl);
	}
	return port_done(p);
}

static int on_na(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct port *p = arg;
	struct conflict_claim cl;
	struct udp_io_meta meta;
	uint8_t buf[256];
	int i;

	for (i = 0; i < CONFLICT_IO_BATCH && p->active; i++) {
		ssize_t n = udp_io_recv(fd, buf, sizeof(buf), &meta);

		if (n < 0)
			break;
		if (meta.ifindex != p->ifindex || meta.ttl != CONFLICT_IO_HOPLIMIT)
			continue;
		if (conflict_parse_na(buf, (size_t)n, &meta.src, &cl))
			hand(p, &cl);
	}
	return port_done(p);
}

static int open_arp(int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = ifindex,
	};
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ARP));

	if (fd >= 0 && bind(fd, (const struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Only NAs pass the filter; the ingress interface and the hop limit come
 * with each one. */
static int open_na(void)
{
	struct icmp6_filter filt;
	int on = 1, fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);

	if (fd < 0)
		return -1;
	ICMP6_FILTER_SETBLOCKALL(&filt);
	ICMP6_FILTER_SETPASS(ND_NEIGHBOR_ADVERT, &filt);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The port of (event, ifindex, family), opened (off: nobody listens yet)
 * if there is none. NULL with err set. */
static struct port *port_get(sd_event *event, int ifindex, bool v6, char *err, size_t errlen)
{
	struct port *p;
	int r;

	for (p = ports; p; p = p->next)
		if (p->event == event && p->ifindex == ifindex && p->v6 == v6)
			return p;
	if (!(p = calloc(1, sizeof(*p)))) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->event = event;
	p->ifindex = ifindex;
	p->v6 = v6;
	p->fd = v6 ? open_na() : open_arp(ifindex);
	if (p->fd < 0) {
		snprintf(err, errlen, "%s socket: %s", v6 ? "ICMPv6" : "ARP", strerror(errno));
		free(p);
		return NULL;
	}
	r = sd_event_add_io(event, &p->src, p->fd, EPOLLIN, v6 ? on_na : on_arp, p);
	if (r < 0) {
		snprintf(err, errlen, "sd_event_add_io: %s", strerror(-r));
		close(p->fd);
		free(p);
		return NULL;
	}
	sd_event_source_set_enabled(p->src, SD_EVENT_OFF);
	p->next = ports;
	ports = p;
	return p;
}

static int port_join(struct port *p, struct conflict_io *io)
{
	if (p->n_sub == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 8;
		struct conflict_io **s = realloc(p->sub, cap * sizeof(*s));

		if (!s)
			return -1;
		p->sub = s;
		p->cap = cap;
	}
	p->sub[p->n_sub++] = io;
	return 0;
}

/* Read and drop what queued while nobody listened: claims from before
 * the hold. */
static void drain(int fd)
{
	uint8_t buf[256];
	int i;

	for (i = 0; fd >= 0 && i < 4096; i++)
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
			break;
}

/* One subscriber more (+1) or fewer (-1) listening. The socket is read
 * while anybody listens; the first to listen drops what queued before
 * (the others, if any, were reading it all along). */
static void port_listen(struct port *p, int delta)
{
	if (!p)
		return;
	if (delta > 0 && p->active++ == 0) {
		drain(p->fd);
		sd_event_source_set_enabled(p->src, SD_EVENT_ON);
	} else if (delta < 0 && --p->active == 0) {
		sd_event_source_set_enabled(p->src, SD_EVENT_OFF);
	}
}

static void port_leave(struct port *p, struct conflict_io *io)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n_sub; i++)
		if (p->sub[i] == io)
			p->sub[i] = NULL;
	if (!io->paused)
		port_listen(p, -1);
	port_done(p);
}

struct conflict_io *conflict_io_open(sd_event *event, int ifindex, bool v4, bool v6,
				     conflict_io_cb cb, void *arg, char *err, size_t errlen)
{
	struct conflict_io *io = calloc(1, sizeof(*io));

	err[0] = '\0';
	if (!io) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	io->ifindex = ifindex;
	io->v4 = v4;
	io->v6 = v6;
	io->cb = cb;
	io->arg = arg;
	io->paused = true;
	if (v4 && (!(io->arp = port_get(event, ifindex, false, err, errlen)) ||
		   port_join(io->arp, io) < 0))
		goto fail;
	if (v6 && (!(io->na = port_get(event, ifindex, true, err, errlen)) ||
		   port_join(io->na, io) < 0))
		goto fail;
	/* listening from the start, as the sockets of old were */
	conflict_io_pause(io, false);
	return io;
fail:
	if (!err[0])
		snprintf(err, errlen, "out of memory");
	conflict_io_close(io);
	return NULL;
}

bool conflict_io_is(const struct conflict_io *io, int ifindex, bool v4, bool v6)
{
	return io && io->ifindex == ifindex && io->v4 == v4 && io->v6 == v6;
}

void conflict_io_pause(struct conflict_io *io, bool paused)
{
	if (!io || io->paused == paused)
		return;
	io->paused = paused;
	port_listen(io->arp, paused ? -1 : +1);
	port_listen(io->na, paused ? -1 : +1);
}

void conflict_io_close(struct conflict_io *io)
{
	if (!io)
		return;
	port_leave(io->arp, io);
	port_leave(io->na, io);
	free(io);
}
