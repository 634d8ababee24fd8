/* rogue: sends malformed VRRPv3 adverts (IPv4 or IPv6) for the rogue-flood
 * test.
 *
 * Each packet has exactly one defect, named by its kind; everything else
 * (headers, the VRRP checksum over the pseudo-header, lengths) is computed
 * here so that the defect is the only reason to reject it.
 *   IPv4: the IP header is built by hand (IPPROTO_RAW implies IP_HDRINCL)
 *         to control the TTL and the source address.
 *   IPv6: a raw IPPROTO_VRRP socket; hop limit and source address per
 *         packet through IPV6_HOPLIMIT / IPV6_PKTINFO ancillary data
 *         (IPV6_FREEBIND lets the source be another node's address).
 * -s may name a real node, to check that a bad packet never re-arms a
 * backup's timer nor silences the master.
 *
 * Kinds (cycled in order; -k picks a comma-separated subset):
 *   version      version 2             type          type 2
 *   ttl          TTL/hop limit 64      checksum      checksum off by one bit
 *   length       count 2, one address  count0        count 0, no address
 *   count_big    count 255, 33 addresses (any count 1..255 is valid: a
 *                count beyond the addresses sent)
 *                                      interval0     Max Adver Int 0
 *   interval_far Max Adver Int 4095cs  vrid0         VRID 0
 *   vrid_unknown a VRID nobody runs (-u, valid otherwise)
 *   short        6 bytes of VRRP
 *   valid        no defect (not in "all": to check the tool itself)
 *
 * Priority: -p N, or -p alt (default) alternating 255 and 0, the two
 * values that would move the VIP if a packet were accepted (255 makes the
 * master step down, 0 makes a backup take over after Skew_Time).
 *
 * Bounded: stops after -n COUNT packets (default 3000, at most 1000000) or
 * -d SECONDS (default 5, at most 120), whichever comes first. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif

#define VRRP_PROTO 112
#define MAX_SRC 8
#define MAX_ADDRS 40
#define IP4_HDR 20
#define PKT_MAX (IP4_HDR + 8 + MAX_ADDRS * 16)

enum kind {
	K_VERSION, K_TYPE, K_TTL, K_CHECKSUM, K_LENGTH, K_COUNT0, K_COUNT_BIG,
	K_INTERVAL0, K_INTERVAL_FAR, K_VRID0, K_VRID_UNKNOWN, K_SHORT, K_VALID,
	K_MAX
};

static const char *const kind_names[K_MAX] = {
	"version", "type", "ttl", "checksum", "length", "count0", "count_big",
	"interval0", "interval_far", "vrid0", "vrid_unknown", "short", "valid",
};

/* An IPv4 or IPv6 address as raw bytes (network order). */
struct addr {
	uint8_t b[16];
};

struct opts {
	int family;                /* AF_INET or AF_INET6 */
	unsigned alen;             /* 4 or 16 */
	struct addr src[MAX_SRC];
	unsigned n_src;
	struct addr dst, vip;
	const char *ifname;
	unsigned ifindex;
	unsigned vrid, unknown_vrid, interval_cs, rate;
	int prio;                  /* -1: alternate 255 / 0 */
	unsigned long count;
	double duration_s;
	bool use[K_MAX];
	bool quiet;
};

/* One packet: the VRRP message, and how it goes out. */
struct pkt {
	uint8_t buf[PKT_MAX];
	size_t len;                /* IPv4: with the IP header; IPv6: VRRP only */
	unsigned ttl;
	const struct addr *src;
};

/* RFC 1071 sum, folded by the caller. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		acc += (uint32_t)(p[len - 1] << 8);
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

/* VRRPv3 checksum (RFC 5798 5.2.8): the message and the pseudo-header of
 * its family, IPv4 (src, dst, 0, 112, length) or IPv6 (RFC 8200 8.1: src,
 * dst, 32-bit length, 3 zero bytes, next header 112). */
static uint16_t vrrp_checksum(const struct opts *o, const struct addr *src,
			      const uint8_t *msg, size_t len)
{
	uint8_t ph[40] = { 0 };
	size_t n;

	memcpy(ph, src->b, o->alen);
	memcpy(ph + o->alen, o->dst.b, o->alen);
	n = 2 * o->alen;
	if (o->family == AF_INET) {
		ph[n + 1] = VRRP_PROTO;
		ph[n + 2] = (uint8_t)(len >> 8);
		ph[n + 3] = (uint8_t)len;
	} else {
		ph[n + 2] = (uint8_t)(len >> 8);
		ph[n + 3] = (uint8_t)len;
		ph[n + 7] = VRRP_PROTO;
		n += 4;
	}
	return fold(sum16(msg, len, sum16(ph, n + 4, 0)));
}

/* The n-th address after the VIP (for adverts listing several). */
static void nth_addr(const struct opts *o, unsigned n, uint8_t *out)
{
	unsigned i = o->alen, carry = n;

	memcpy(out, o->vip.b, o->alen);
	while (carry && i--) {
		carry += out[i];
		out[i] = (uint8_t)carry;
		carry >>= 8;
	}
}

/* Build a packet of kind k from src with priority prio. */
static void build(const struct opts *o, enum kind k, const struct addr *src, unsigned prio,
		  struct pkt *p)
{
	uint8_t *v = p->buf + (o->family == AF_INET ? IP4_HDR : 0);
	unsigned version = 3, type = 1, vrid = o->vrid, interval = o->interval_cs;
	unsigned count = 1, naddr = 1, a;
	size_t vlen;
	uint16_t ck;

	p->ttl = 255;
	p->src = src;
	switch (k) {
	case K_VERSION: version = 2; break;
	case K_TYPE: type = 2; break;
	case K_TTL: p->ttl = 64; break;
	case K_LENGTH: count = 2; break;
	case K_COUNT0: count = 0; naddr = 0; break;
	case K_COUNT_BIG: count = 255; naddr = 33; break;
	case K_INTERVAL0: interval = 0; break;
	case K_INTERVAL_FAR: interval = 4095; break;
	case K_VRID0: vrid = 0; break;
	case K_VRID_UNKNOWN: vrid = o->unknown_vrid; break;
	default: break;
	}
	v[0] = (uint8_t)(version << 4 | type);
	v[1] = (uint8_t)vrid;
	v[2] = (uint8_t)prio;
	v[3] = (uint8_t)count;
	v[4] = (uint8_t)((interval >> 8) & 0x0f);
	v[5] = (uint8_t)interval;
	v[6] = v[7] = 0;
	for (a = 0; a < naddr; a++)
		nth_addr(o, a, v + 8 + o->alen * a);
	vlen = 8 + (size_t)o->alen * naddr;
	ck = vrrp_checksum(o, src, v, vlen);
	if (k == K_CHECKSUM)
		ck ^= 0x0001;
	v[6] = (uint8_t)(ck >> 8);
	v[7] = (uint8_t)ck;
	if (k == K_SHORT)
		vlen = 6;
	if (o->family == AF_INET6) {
		p->len = vlen;
		return;
	}
	/* IPv4 header; the kernel fills in the header checksum and the id. */
	p->buf[0] = 0x45;
	p->buf[1] = 0xc0;                       /* DSCP CS6, as VRRP senders do */
	p->buf[2] = (uint8_t)((IP4_HDR + vlen) >> 8);
	p->buf[3] = (uint8_t)(IP4_HDR + vlen);
	memset(p->buf + 4, 0, 4);
	p->buf[8] = (uint8_t)p->ttl;
	p->buf[9] = VRRP_PROTO;
	p->buf[10] = p->buf[11] = 0;
	memcpy(p->buf + 12, src->b, 4);
	memcpy(p->buf + 16, o->dst.b, 4);
	p->len = IP4_HDR + vlen;
}

static int send_pkt(int fd, const struct opts *o, const struct pkt *p)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_scope_id = o->ifindex };
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)p->buf, .iov_len = p->len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct in6_pktinfo pi = { .ipi6_ifindex = o->ifindex };
	struct cmsghdr *c;
	int hops = (int)p->ttl;

	if (o->family == AF_INET) {
		memcpy(&sin.sin_addr, o->dst.b, 4);
		return (int)sendto(fd, p->buf, p->len, 0, (struct sockaddr *)&sin, sizeof(sin));
	}
	memcpy(&sin6.sin6_addr, o->dst.b, 16);
	memcpy(&pi.ipi6_addr, p->src->b, 16);
	memset(&ctl, 0, sizeof(ctl));
	msg.msg_name = &sin6;
	msg.msg_namelen = sizeof(sin6);
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_HOPLIMIT;
	c->cmsg_len = CMSG_LEN(sizeof(hops));
	memcpy(CMSG_DATA(c), &hops, sizeof(hops));
	return (int)sendmsg(fd, &msg, 0);
}

static void usage(void)
{
	unsigned k;

	fprintf(stderr,
		"usage: rogue [-6] -i IFNAME -s SRC [-s SRC ...] [-D DST] [-v VRID] [-u UNKNOWN_VRID]\n"
		"             [-a VIP] [-I INTERVAL_CS] [-p PRIO|alt] [-k KIND,...|all]\n"
		"             [-r RATE] [-n COUNT] [-d SECONDS] [-q]\n"
		"  -6 sends IPv6 (to ff02::12 unless -D; -s, -a, -D are IPv6 then;\n"
		"  give -6 before them)\nkinds:");
	for (k = 0; k < K_MAX; k++)
		fprintf(stderr, " %s", kind_names[k]);
	fprintf(stderr, "\n");
}

static int parse_kinds(char *list, struct opts *o)
{
	char *tok, *save = NULL;
	unsigned k;

	memset(o->use, 0, sizeof(o->use));
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "all") == 0) {
			for (k = 0; k < K_VALID; k++)
				o->use[k] = true;
			continue;
		}
		for (k = 0; k < K_MAX && strcmp(tok, kind_names[k]); k++)
			;
		if (k == K_MAX)
			return -1;
		o->use[k] = true;
	}
	return 0;
}

static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return (errno || *end || !*s || *out < min || *out > max) ? -1 : 0;
}

static int parse_addr(const struct opts *o, const char *s, struct addr *out)
{
	memset(out, 0, sizeof(*out));
	return inet_pton(o->family, s, out->b) == 1 ? 0 : -1;
}

static void set_family(struct opts *o, int family)
{
	o->family = family;
	o->alen = family == AF_INET ? 4 : 16;
	parse_addr(o, family == AF_INET ? "224.0.0.18" : "ff02::12", &o->dst);
	parse_addr(o, family == AF_INET ? "198.51.100.50" : "2001:db8:100::50", &o->vip);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	unsigned long u;
	char *end;
	int c;

	*o = (struct opts){ .vrid = 51, .unknown_vrid = 199, .interval_cs = 10, .rate = 1000,
			    .prio = -1, .count = 3000, .duration_s = 5 };
	set_family(o, AF_INET);
	parse_kinds((char[]){ "all" }, o);
	while ((c = getopt(argc, argv, "6i:s:D:v:u:a:I:p:k:r:n:d:q")) != -1) {
		switch (c) {
		case '6':
			if (o->n_src)
				return -1;
			set_family(o, AF_INET6);
			break;
		case 'i': o->ifname = optarg; break;
		case 's':
			if (o->n_src == MAX_SRC || parse_addr(o, optarg, &o->src[o->n_src]))
				return -1;
			o->n_src++;
			break;
		case 'D': if (parse_addr(o, optarg, &o->dst)) return -1; break;
		case 'a': if (parse_addr(o, optarg, &o->vip)) return -1; break;
		case 'v': if (parse_uint(optarg, 1, 255, &u)) return -1; o->vrid = (unsigned)u; break;
		case 'u': if (parse_uint(optarg, 1, 255, &u)) return -1; o->unknown_vrid = (unsigned)u; break;
		case 'I': if (parse_uint(optarg, 1, 4095, &u)) return -1; o->interval_cs = (unsigned)u; break;
		case 'p':
			if (strcmp(optarg, "alt") == 0)
				o->prio = -1;
			else if (parse_uint(optarg, 0, 255, &u))
				return -1;
			else
				o->prio = (int)u;
			break;
		case 'k': if (parse_kinds(optarg, o)) return -1; break;
		case 'r': if (parse_uint(optarg, 1, 100000, &u)) return -1; o->rate = (unsigned)u; break;
		case 'n': if (parse_uint(optarg, 1, 1000000, &u)) return -1; o->count = u; break;
		case 'd':
			o->duration_s = strtod(optarg, &end);
			if (*end || !(o->duration_s > 0) || o->duration_s > 120)
				return -1;
			break;
		case 'q': o->quiet = true; break;
		default: return -1;
		}
	}
	return (optind == argc && o->ifname && o->n_src) ? 0 : -1;
}

static int open_socket(struct opts *o)
{
	struct ip_mreqn mr = { 0 };
	int fd, on = 1, off = 0, ifx;

	o->ifindex = if_nametoindex(o->ifname);
	if (!o->ifindex) {
		fprintf(stderr, "rogue: %s: %s\n", o->ifname, strerror(errno));
		return -1;
	}
	ifx = (int)o->ifindex;
	mr.imr_ifindex = ifx;
	if (o->family == AF_INET)
		fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);   /* IP_HDRINCL */
	else
		fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, VRRP_PROTO);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->ifname, (socklen_t)strlen(o->ifname)) < 0 ||
	    (o->family == AF_INET &&
	     setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0) ||
	    (o->family == AF_INET6 &&
	     (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifx, sizeof(ifx)) < 0 ||
	      setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) < 0 ||
	      setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof(on)) < 0))) {
		fprintf(stderr, "rogue: raw socket on %s: %s\n", o->ifname, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	struct timespec ts = { .tv_sec = (time_t)t, .tv_nsec = (long)((t - (double)(time_t)t) * 1e9) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

int main(int argc, char **argv)
{
	static struct pkt p;
	struct opts o;
	unsigned long sent[K_MAX] = { 0 }, i, n = 0, errors = 0;
	enum kind order[K_MAX];
	unsigned nk = 0, k, prio;
	char dst[INET6_ADDRSTRLEN];
	int fd, last_err = 0;
	double start, end;

	if (parse_opts(argc, argv, &o) < 0) {
		usage();
		return 2;
	}
	for (k = 0; k < K_MAX; k++)
		if (o.use[k])
			order[nk++] = (enum kind)k;
	if (!nk) {
		usage();
		return 2;
	}
	fd = open_socket(&o);
	if (fd < 0)
		return 1;
	start = mono();
	end = start + o.duration_s;
	for (i = 0; i < o.count; i++) {
		double due = start + (double)i / o.rate;

		if (due >= end)
			break;
		sleep_until(due);
		/* Kinds vary fastest, then sources, then the priority, so
		 * every combination is sent. */
		k = order[i % nk];
		prio = o.prio >= 0 ? (unsigned)o.prio : ((i / nk / o.n_src) % 2 ? 0u : 255u);
		build(&o, (enum kind)k, &o.src[(i / nk) % o.n_src], prio, &p);
		if (send_pkt(fd, &o, &p) < 0) {
			errors++;
			last_err = errno;
		} else {
			sent[k]++;
		}
		n++;
	}
	inet_ntop(o.family, o.dst.b, dst, sizeof(dst));
	if (!o.quiet) {
		printf("rogue: %lu packets in %.2f s to %s, send errors %lu%s%s\n", n,
		       mono() - start, dst, errors, errors ? ", last: " : "",
		       errors ? strerror(last_err) : "");
		for (k = 0; k < K_MAX; k++)
			if (sent[k])
				printf("  %-13s %lu\n", kind_names[k], sent[k]);
	}
	printf("rogue: sent=%lu errors=%lu\n", n - errors, errors);
	close(fd);
	return 0;
}
