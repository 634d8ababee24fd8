/* rogue: sends malformed VRRPv3 adverts (IPv4) for the rogue-flood test.
 *
 * Each packet has exactly one defect, named by its kind; everything else
 * (IP header, VRRP checksum over the pseudo-header, lengths) is computed
 * here so that the defect is the only reason to reject it. The IPv4 header
 * is built by hand (IP_HDRINCL through IPPROTO_RAW) to control the TTL and
 * the source address (-s may name the real master, to check that a bad
 * packet never re-arms a backup's timer).
 *
 * Kinds (cycled in order; -k picks a comma-separated subset):
 *   version      version 2             type          type 2
 *   ttl          TTL 64                checksum      checksum off by one bit
 *   length       count 2, one address  count0        count 0, no address
 *   count_big    33 addresses          interval0     Max Adver Int 0
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

#define VRRP_PROTO 112
#define MAX_SRC 8
#define MAX_ADDRS 40
#define PKT_MAX (20 + 8 + MAX_ADDRS * 4)

enum kind {
	K_VERSION, K_TYPE, K_TTL, K_CHECKSUM, K_LENGTH, K_COUNT0, K_COUNT_BIG,
	K_INTERVAL0, K_INTERVAL_FAR, K_VRID0, K_VRID_UNKNOWN, K_SHORT, K_VALID,
	K_MAX
};

static const char *const kind_names[K_MAX] = {
	"version", "type", "ttl", "checksum", "length", "count0", "count_big",
	"interval0", "interval_far", "vrid0", "vrid_unknown", "short", "valid",
};

struct opts {
	struct in_addr src[MAX_SRC];
	unsigned n_src;
	struct in_addr dst;
	struct in_addr vip;
	const char *ifname;
	unsigned vrid, unknown_vrid, interval_cs, rate;
	int prio;                  /* -1: alternate 255 / 0 */
	unsigned long count;
	double duration_s;
	bool use[K_MAX];
	bool quiet;
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

/* VRRPv3 checksum: IPv4 pseudo-header (src, dst, 0, 112, length) + message. */
static uint16_t vrrp_checksum(struct in_addr src, struct in_addr dst, const uint8_t *msg, size_t len)
{
	uint8_t ph[12];

	memcpy(ph, &src, 4);
	memcpy(ph + 4, &dst, 4);
	ph[8] = 0;
	ph[9] = VRRP_PROTO;
	ph[10] = (uint8_t)(len >> 8);
	ph[11] = (uint8_t)len;
	return fold(sum16(msg, len, sum16(ph, sizeof(ph), 0)));
}

/* Build a packet of kind k from src with priority prio into pkt; returns
 * its length. */
static size_t build(const struct opts *o, enum kind k, struct in_addr src, unsigned prio,
		    uint8_t *pkt)
{
	uint8_t *v = pkt + 20;
	unsigned version = 3, type = 1, ttl = 255, vrid = o->vrid, interval = o->interval_cs;
	unsigned count = 1, naddr = 1, a;
	size_t vlen;
	uint16_t ck;

	switch (k) {
	case K_VERSION: version = 2; break;
	case K_TYPE: type = 2; break;
	case K_TTL: ttl = 64; break;
	case K_LENGTH: count = 2; break;
	case K_COUNT0: count = 0; naddr = 0; break;
	case K_COUNT_BIG: count = naddr = 33; break;
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
	for (a = 0; a < naddr; a++) {
		struct in_addr x = o->vip;

		x.s_addr = htonl(ntohl(x.s_addr) + a);
		memcpy(v + 8 + 4 * a, &x, 4);
	}
	vlen = 8 + 4 * (size_t)naddr;
	ck = vrrp_checksum(src, o->dst, v, vlen);
	if (k == K_CHECKSUM)
		ck ^= 0x0001;
	v[6] = (uint8_t)(ck >> 8);
	v[7] = (uint8_t)ck;
	if (k == K_SHORT)
		vlen = 6;
	/* IPv4 header; the kernel fills in the header checksum (and the
	 * total length, which we set anyway). */
	pkt[0] = 0x45;
	pkt[1] = 0xc0;                          /* DSCP CS6, as VRRP senders do */
	pkt[2] = (uint8_t)((20 + vlen) >> 8);
	pkt[3] = (uint8_t)(20 + vlen);
	memset(pkt + 4, 0, 4);                  /* id (kernel fills), no frag */
	pkt[8] = (uint8_t)ttl;
	pkt[9] = VRRP_PROTO;
	pkt[10] = pkt[11] = 0;
	memcpy(pkt + 12, &src, 4);
	memcpy(pkt + 16, &o->dst, 4);
	return 20 + vlen;
}

static void usage(void)
{
	unsigned k;

	fprintf(stderr,
		"usage: rogue -i IFNAME -s SRC [-s SRC ...] [-D DST] [-v VRID] [-u UNKNOWN_VRID]\n"
		"             [-a VIP] [-I INTERVAL_CS] [-p PRIO|alt] [-k KIND,...|all]\n"
		"             [-r RATE] [-n COUNT] [-d SECONDS] [-q]\nkinds:");
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

static int parse_opts(int argc, char **argv, struct opts *o)
{
	unsigned long u;
	char *end;
	int c;

	*o = (struct opts){ .vrid = 51, .unknown_vrid = 199, .interval_cs = 10, .rate = 1000,
			    .prio = -1, .count = 3000, .duration_s = 5 };
	inet_pton(AF_INET, "224.0.0.18", &o->dst);
	inet_pton(AF_INET, "198.51.100.50", &o->vip);
	parse_kinds((char[]){ "all" }, o);
	while ((c = getopt(argc, argv, "i:s:D:v:u:a:I:p:k:r:n:d:q")) != -1) {
		switch (c) {
		case 'i': o->ifname = optarg; break;
		case 's':
			if (o->n_src == MAX_SRC || inet_pton(AF_INET, optarg, &o->src[o->n_src]) != 1)
				return -1;
			o->n_src++;
			break;
		case 'D': if (inet_pton(AF_INET, optarg, &o->dst) != 1) return -1; break;
		case 'a': if (inet_pton(AF_INET, optarg, &o->vip) != 1) return -1; break;
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

static int open_socket(const struct opts *o)
{
	struct ip_mreqn mr = { .imr_ifindex = (int)if_nametoindex(o->ifname) };
	int fd;

	if (!mr.imr_ifindex) {
		fprintf(stderr, "rogue: %s: %s\n", o->ifname, strerror(errno));
		return -1;
	}
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);   /* implies IP_HDRINCL */
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->ifname, (socklen_t)strlen(o->ifname)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0) {
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
	struct opts o;
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned long sent[K_MAX] = { 0 }, i, n = 0, errors = 0;
	enum kind order[K_MAX];
	unsigned nk = 0, k, prio;
	uint8_t pkt[PKT_MAX];
	double start, end;
	size_t len;
	int fd;

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
	to.sin_addr = o.dst;
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
		len = build(&o, (enum kind)k, o.src[(i / nk) % o.n_src], prio, pkt);
		if (sendto(fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			errors++;
		else
			sent[k]++;
		n++;
	}
	if (!o.quiet) {
		printf("rogue: %lu packets in %.2f s to %s, send errors %lu\n", n, mono() - start,
		       inet_ntoa(o.dst), errors);
		for (k = 0; k < K_MAX; k++)
			if (sent[k])
				printf("  %-13s %lu\n", kind_names[k], sent[k]);
	}
	printf("rogue: sent=%lu errors=%lu\n", n - errors, errors);
	close(fd);
	return 0;
}
