/* conflict_io: ARP and NA listeners for conflict detection (conflict_io.h). */
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

struct conflict_io {
	int ifindex;
	bool v4, v6;
	int arp_fd, na_fd;
	sd_event_source *arp_src, *na_src;
	conflict_io_cb cb;
	void *arg;
};

static int on_arp(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct conflict_io *io = arg;
	struct conflict_claim cl;
	uint8_t buf[64];
	int i;

	for (i = 0; i < CONFLICT_IO_BATCH; i++) {
		struct sockaddr_ll from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
				     (struct sockaddr *)&from, &flen);

		if (n < 0)
			break;          /* drained (or an error: wait for the next wakeup) */
		/* What we send ourselves shows up as outgoing: not a claim. */
		if (from.sll_pkttype == PACKET_OUTGOING || from.sll_ifindex != io->ifindex)
			continue;
		if (conflict_parse_arp(buf, (size_t)n, &cl))
			io->cb(io->arg, &cl);
	}
	return 0;
}

static int on_na(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct conflict_io *io = arg;
	struct conflict_claim cl;
	struct udp_io_meta meta;
	uint8_t buf[256];
	int i;

	for (i = 0; i < CONFLICT_IO_BATCH; i++) {
		ssize_t n = udp_io_recv(fd, buf, sizeof(buf), &meta);

		if (n < 0)
			break;
		if (meta.ifindex != io->ifindex || meta.ttl != CONFLICT_IO_HOPLIMIT)
			continue;
		if (conflict_parse_na(buf, (size_t)n, &meta.src, &cl))
			io->cb(io->arg, &cl);
	}
	return 0;
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

struct conflict_io *conflict_io_open(sd_event *event, int ifindex, bool v4, bool v6,
				     conflict_io_cb cb, void *arg, char *err, size_t errlen)
{
	struct conflict_io *io = calloc(1, sizeof(*io));
	int r = 0;

	if (!io) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	io->ifindex = ifindex;
	io->v4 = v4;
	io->v6 = v6;
	io->cb = cb;
	io->arg = arg;
	io->arp_fd = io->na_fd = -1;
	if (v4 && (io->arp_fd = open_arp(ifindex)) < 0) {
		snprintf(err, errlen, "ARP socket: %s", strerror(errno));
		goto fail;
	}
	if (v6 && (io->na_fd = open_na()) < 0) {
		snprintf(err, errlen, "ICMPv6 socket: %s", strerror(errno));
		goto fail;
	}
	if (v4)
		r = sd_event_add_io(event, &io->arp_src, io->arp_fd, EPOLLIN, on_arp, io);
	if (r >= 0 && v6)
		r = sd_event_add_io(event, &io->na_src, io->na_fd, EPOLLIN, on_na, io);
	if (r < 0) {
		snprintf(err, errlen, "sd_event_add_io: %s", strerror(-r));
		goto fail;
	}
	return io;
fail:
	conflict_io_close(io);
	return NULL;
}

bool conflict_io_is(const struct conflict_io *io, int ifindex, bool v4, bool v6)
{
	return io && io->ifindex == ifindex && io->v4 == v4 && io->v6 == v6;
}

/* Read and drop what queued while paused: claims from before the hold. */
static void drain(int fd)
{
	uint8_t buf[256];
	int i;

	for (i = 0; fd >= 0 && i < 4096; i++)
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
			break;
}

void conflict_io_pause(struct conflict_io *io, bool paused)
{
	if (!io)
		return;
	if (!paused) {
		drain(io->arp_fd);
		drain(io->na_fd);
	}
	if (io->arp_src)
		sd_event_source_set_enabled(io->arp_src, paused ? SD_EVENT_OFF : SD_EVENT_ON);
	if (io->na_src)
		sd_event_source_set_enabled(io->na_src, paused ? SD_EVENT_OFF : SD_EVENT_ON);
}

void conflict_io_close(struct conflict_io *io)
{
	if (!io)
		return;
	sd_event_source_disable_unref(io->arp_src);
	sd_event_source_disable_unref(io->na_src);
	if (io->arp_fd >= 0)
		close(io->arp_fd);
	if (io->na_fd >= 0)
		close(io->na_fd);
	free(io);
}
