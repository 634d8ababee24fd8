/* hbrogue: a hostile (or merely curious) host on the segment of protocol
 * "hamgr" (core/heartbeat.h), for the netns scenarios. Only ever sends to
 * addresses inside the test's own namespaces.
 *
 *   hbrogue send     craft heartbeats, valid or with exactly one defect
 *   hbrogue capture  save heartbeats heard on the segment to a file
 *   hbrogue replay   send a capture file's datagrams again
 *   hbrogue selftest check the tool's packets with the real decoder
 *
 * send: every packet is built from one set of fields (-v -N -P -S -I -t
 * -T -b -c -e) with a fresh counter, then given the defect of its kind
 * (-k, a comma list cycled in order like rogue.c; "all" is every kind
 * but valid). The tag is computed over the bytes as sent (defect
 * included), so the defect is the only reason a receiver can have to
 * refuse it. Kinds, and the reason a receiver must give (heartbeat.h):
 *   valid     no defect: signed with the key file's send key      (ok)
 *   nokey     a random tag under the send key's id                 mac
 *   wrongkey  signed with a random key under id -w (default: an id
 *             not in the key file)            key (mac if -w is in it)
 *   trunc     the tag cut to 16 bytes                              length
 *   short     40 bytes, less than the header                       short
 *   magic     "HMHX"                                               magic
 *   version   version 2                                            version
 *   type      type 9                                               type
 *   field     VRID 0                                               field
 *   interval  interval 0 us                                        interval
 *   length    node length one more than the name sent              length
 *   target    a heartbeat (type 1) with a target name              target
 *   nonce     a handover-request with target and no nonce          nonce
 *   name      the node name "bad name" (a space)                   name
 * -C NONCE puts a challenge in every packet (0: none, the default).
 * -E answers challenges: before each packet, heartbeats heard from other
 * nodes that verify with the key file are read and the last nonce seen
 * becomes the echo, so a key holder's valid packets are admitted (the
 * control case: the key, not the tool, made the rest fail).
 * -s SRC sends from another address (IP_FREEBIND and IP_TRANSPARENT: a
 * node's address, to spoof it), from port -O (default: the port).
 *
 * capture: joins the group (-D, default 224.0.0.18 / ff02::12) on -i, or
 * with -U only listens (unicast), on the port; saves the first -n
 * datagrams that decode and match -N NODE, -t TYPE, -S STATE (and verify
 * with -K, if given) to -o FILE, one "SRC PORT HEX" line each.
 *
 * replay: sends -f FILE's datagrams in turn, from -s SRC or with -A from
 * each one's captured source address and port.
 *
 * Bounded: -n COUNT (send/replay default 1000, at most 1000000; capture
 * default 1, at most 1024) and -d SECONDS (default 5, at most 120). The
 * last line is "hbrogue: sent=N errors=N" (capture: "captured=N"). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "authkey.h"
#include "core/heartbeat.h"
#include "core/hello.h"

#ifndef IP_FREEBIND
#define IP_FREEBIND 15
#endif
#ifndef IP_TRANSPARENT
#define IP_TRANSPARENT 19
#endif
#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif
#ifndef IPV6_TRANSPARENT
#define IPV6_TRANSPARENT 75
#endif

#define CAP_MAX 1024
#define BUF_MAX 2048
#define TRUNC_TAG 16
#define SHORT_LEN 40

enum kind {
	K_VALID, K_NOKEY, K_WRONGKEY, K_TRUNC, K_SHORT, K_MAGIC, K_VERSION, K_TYPE,
	K_FIELD, K_INTERVAL, K_LENGTH, K_TARGET, K_NONCE, K_NAME, K_MAX
};

static const char *const kind_names[K_MAX] = {
	"valid", "nokey", "wrongkey", "trunc", "short", "magic", "version", "type",
	"field", "interval", "length", "target", "nonce", "name",
};

/* The reason heartbeat_decode/heartbeat_verify give for each kind
 * (wrongkey: key, or mac when its id is one of the receiver's). */
static const enum heartbeat_reason kind_reason[K_MAX] = {
	HEARTBEAT_OK, HEARTBEAT_ERR_MAC, HEARTBEAT_ERR_KEY, HEARTBEAT_ERR_LENGTH,
	HEARTBEAT_ERR_SHORT, HEARTBEAT_ERR_MAGIC, HEARTBEAT_ERR_VERSION,
	HEARTBEAT_ERR_TYPE, HEARTBEAT_ERR_FIELD, HEARTBEAT_ERR_INTERVAL,
	HEARTBEAT_ERR_LENGTH, HEARTBEAT_ERR_TARGET, HEARTBEAT_ERR_NONCE,
	HEARTBEAT_ERR_NAME,
};

/* Offsets of heartbeat.h's layout, written out again here: the selftest
 * then checks the codec against the documented layout, not against itself. */
enum {
	O_MAGIC = 0, O_VERSION = 4, O_TYPE = 5, O_VRID = 6, O_STATE = 7, O_PRIO = 8,
	O_EFF = 9, O_FLAGS = 10, O_KEY_ID = 11, O_NODE_LEN = 12, O_TARGET_LEN = 13,
	O_TRACKS = 14, O_TRACKS_DOWN = 15, O_INTERVAL = 16, O_EPOCH = 20,
	O_BOOT = 28, O_COUNTER = 36, O_NONCE = 44, O_ECHO = 52, O_NAMES = 60,
};

struct sa {
	struct sockaddr_storage ss;
	socklen_t len;
};

struct opts {
	const char *mode;
	int family;
	const char *ifname, *dst_s, *src_s, *keyfile, *out, *in;
	unsigned ifindex, port, sport;
	bool sport_set, use_cap_src, unicast_listen, echo_mode, quiet;
	/* heartbeat fields */
	unsigned vrid, prio, state, type, key_id, wrong_id;
	int state_filter, type_filter;
	uint32_t interval_us;
	uint64_t boot_id, counter, epoch, nonce;
	const char *node, *target;
	bool node_set;
	/* bounds */
	unsigned rate;
	unsigned long count;
	bool count_set;
	double duration_s;
	bool use[K_MAX];
};

struct cap {
	struct sa src;
	uint8_t buf[BUF_MAX];
	size_t len;
};

/* ------------------------------------------------------------ helpers */

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	struct timespec ts = { .tv_sec = (time_t)t,
			       .tv_nsec = (long)((t - (double)(time_t)t) * 1e9) };
	int i;

	for (i = 0; i < 100 && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR; i++)
		;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static int parse_ul(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return (errno || *end || !*s || *s == '-' || *out < min || *out > max) ? -1 : 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || !*s || *s == '-')
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* ADDR (no port) of family into sa with port; scope for IPv6. */
static int make_sa(int family, const char *s, unsigned port, unsigned ifindex, struct sa *out)
{
	memset(out, 0, sizeof(*out));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&out->ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		out->len = sizeof(*a);
		return s && inet_pton(AF_INET, s, &a->sin_addr) != 1 ? -1 : 0;
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&out->ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*a);
		if (s && inet_pton(AF_INET6, s, &a->sin6_addr) != 1)
			return -1;
		if (IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr) || IN6_IS_ADDR_MULTICAST(&a->sin6_addr))
			a->sin6_scope_id = ifindex;
		return 0;
	}
}

static void sa_str(const struct sa *a, char *buf, size_t len, unsigned *port)
{
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)&a->ss;

		inet_ntop(AF_INET, &s->sin_addr, buf, (socklen_t)len);
		*port = ntohs(s->sin_port);
	} else {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)&a->ss;

		inet_ntop(AF_INET6, &s->sin6_addr, buf, (socklen_t)len);
		*port = ntohs(s->sin6_port);
	}
}

/* ------------------------------------------------------------ packets */

/* Every field of a message as it goes on the wire, unchecked. */
struct raw {
	char magic[4];
	uint8_t version, type, vrid, state, prio, eff, flags, key_id;
	uint8_t node_len, target_len, tracks, tracks_down;
	uint32_t interval_us;
	uint64_t epoch, boot_id, counter, nonce, echo;
	const char *node, *target;   /* node_len / target_len bytes of each */
};

static size_t raw_put(const struct raw *r, uint8_t *buf)
{
	size_t nlen = strlen(r->node), tlen = strlen(r->target);

	memcpy(buf + O_MAGIC, r->magic, 4);
	buf[O_VERSION] = r->version;
	buf[O_TYPE] = r->type;
	buf[O_VRID] = r->vrid;
	buf[O_STATE] = r->state;
	buf[O_PRIO] = r->prio;
	buf[O_EFF] = r->eff;
	buf[O_FLAGS] = r->flags;
	buf[O_KEY_ID] = r->key_id;
	buf[O_NODE_LEN] = r->node_len;
	buf[O_TARGET_LEN] = r->target_len;
	buf[O_TRACKS] = r->tracks;
	buf[O_TRACKS_DOWN] = r->tracks_down;
	put32(buf + O_INTERVAL, r->interval_us);
	put64(buf + O_EPOCH, r->epoch);
	put64(buf + O_BOOT, r->boot_id);
	put64(buf + O_COUNTER, r->counter);
	put64(buf + O_NONCE, r->nonce);
	put64(buf + O_ECHO, r->echo);
	memcpy(buf + O_NAMES, r->node, nlen);
	memcpy(buf + O_NAMES + nlen, r->target, tlen);
	return O_NAMES + nlen + tlen;
}

/* What a packet is built from. */
struct gen {
	const struct opts *o;
	const struct authkeys *keys;   /* the pair's file (or a random key) */
	struct authkeys wrong;         /* one random key under wrong_id */
	uint64_t echo, nonce;
};

/* The message of kind k with counter ctr into buf (BUF_MAX); returns its
 * length, 0 on failure. */
static size_t build(struct gen *g, enum kind k, uint64_t ctr, uint8_t *buf)
{
	const struct opts *o = g->o;
	const struct authkeys *signer = g->keys;
	struct raw r = {
		.magic = { 'H', 'M', 'H', 'B' }, .version = HEARTBEAT_VERSION,
		.type = (uint8_t)o->type, .vrid = (uint8_t)o->vrid, .state = (uint8_t)o->state,
		.prio = (uint8_t)o->prio, .eff = (uint8_t)o->prio, .flags = HELLO_F_LINK_UP,
		.key_id = (uint8_t)o->key_id, .interval_us = o->interval_us, .epoch = o->epoch,
		.boot_id = o->boot_id, .counter = ctr, .nonce = g->nonce, .echo = g->echo,
		.node = o->node, .target = o->target,
	};
	size_t body;

	if (o->type == HEARTBEAT_HANDOVER_REQ && !r.nonce)
		r.nonce = ctr;    /* a request carries a nonce */
	if (o->type == HEARTBEAT_HANDOVER_CONF && !r.echo)
		r.echo = ctr;
	switch (k) {
	case K_MAGIC: r.magic[3] = 'X'; break;
	case K_VERSION: r.version = 2; break;
	case K_TYPE: r.type = 9; break;
	case K_FIELD: r.vrid = 0; break;
	case K_INTERVAL: r.interval_us = 0; break;
	case K_TARGET: r.type = HEARTBEAT_BEAT; r.target = "ghost"; break;
	case K_NONCE:
		r.type = HEARTBEAT_HANDOVER_REQ;
		r.target = o->target[0] ? o->target : "ghost";
		r.nonce = 0;
		break;
	case K_NAME: r.node = "bad name"; break;
	case K_WRONGKEY: signer = &g->wrong; r.key_id = (uint8_t)o->wrong_id; break;
	default: break;
	}
	r.node_len = (uint8_t)strlen(r.node);
	r.target_len = (uint8_t)strlen(r.target);
	if (k == K_LENGTH)
		r.node_len++;
	body = raw_put(&r, buf);
	if (k == K_NOKEY)
		randombytes_buf(buf + body, HEARTBEAT_TAG_LEN);
	else if (authkey_sign(signer, r.key_id, buf, body, buf + body) != 0)
		return 0;
	if (k == K_TRUNC)
		return body + TRUNC_TAG;
	if (k == K_SHORT)
		return SHORT_LEN;
	return body + HEARTBEAT_TAG_LEN;
}

/* What a receiver holding keys says of buf: decode, then verify. */
static enum heartbeat_reason judge(const struct authkeys *keys, const uint8_t *buf, size_t len)
{
	enum heartbeat_reason r = heartbeat_decode(buf, len, NULL);

	if (r != HEARTBEAT_OK)
		return r;
	return heartbeat_verify(buf, len, authkey_hb_verify, (void *)keys);
}

static enum heartbeat_reason expected(const struct gen *g, enum kind k)
{
	if (k == K_WRONGKEY && authkey_find(g->keys, (uint8_t)g->o->wrong_id))
		return HEARTBEAT_ERR_MAC;
	return kind_reason[k];
}

/* A random key that authkey_parse accepts, under id. */
static int random_keys(uint8_t id, struct authkeys *out)
{
	uint8_t key[AUTHKEY_LEN];
	char hex[2 * AUTHKEY_LEN + 1], line[2 * AUTHKEY_LEN + 16], err[256];
	int i, n;

	for (i = 0; i < 10; i++) {
		randombytes_buf(key, sizeof(key));
		sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
		n = snprintf(line, sizeof(line), "%u %s\n", id, hex);
		if (authkey_parse(line, (size_t)n, "random", out, err, sizeof(err)) == 0)
			return 0;
	}
	fprintf(stderr, "hbrogue: no random key: %s\n", err);
	return -1;
}

/* ------------------------------------------------------------ sockets */

static int sock_common(const struct opts *o, int fd)
{
	int ttl = 255, off = 0, on = 1, ifx = (int)o->ifindex;

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    (o->ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->ifname,
				     (socklen_t)strlen(o->ifname)) < 0))
		return -1;
	if (o->family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = ifx };
		unsigned char mttl = 255, loop = 0;

		return (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0 ||
			setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &mttl, sizeof(mttl)) < 0 ||
			setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) < 0 ||
			(ifx && setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0))
			? -1 : 0;
	}
	return (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)) < 0 ||
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl)) < 0 ||
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) < 0 ||
		(ifx && setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifx, sizeof(ifx)) < 0))
		? -1 : 0;
}

/* A socket to send from: bound to src (any address, also one not ours)
 * when given, else to the source port only (0: any). */
static int open_send(const struct opts *o, const struct sa *src, unsigned sport)
{
	int fd = socket(o->family, SOCK_DGRAM | SOCK_CLOEXEC, 0), on = 1;
	struct sa any;

	if (fd < 0 || sock_common(o, fd) < 0)
		goto fail;
	if (src) {
		if (o->family == AF_INET
		    ? (setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &on, sizeof(on)) < 0 ||
		       setsockopt(fd, IPPROTO_IP, IP_TRANSPARENT, &on, sizeof(on)) < 0)
		    : (setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof(on)) < 0 ||
		       setsockopt(fd, IPPROTO_IPV6, IPV6_TRANSPARENT, &on, sizeof(on)) < 0))
			goto fail;
		if (bind(fd, (const struct sockaddr *)&src->ss, src->len) < 0)
			goto fail;
	} else if (sport) {
		make_sa(o->family, NULL, sport, 0, &any);
		if (bind(fd, (const struct sockaddr *)&any.ss, any.len) < 0)
			goto fail;
	}
	return fd;
fail:
	fprintf(stderr, "hbrogue: send socket: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* A socket to receive on the port, in the group unless unicast. */
static int open_recv(const struct opts *o, const struct sa *group)
{
	int fd = socket(o->family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sa any;

	if (fd < 0 || sock_common(o, fd) < 0)
		goto fail;
	make_sa(o->family, NULL, o->port, 0, &any);
	if (bind(fd, (const struct sockaddr *)&any.ss, any.len) < 0)
		goto fail;
	if (!o->unicast_listen) {
		if (o->family == AF_INET) {
			struct ip_mreqn mr = { .imr_ifindex = (int)o->ifindex };

			mr.imr_multiaddr = ((const struct sockaddr_in *)&group->ss)->sin_addr;
			if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
				goto fail;
		} else {
			struct ipv6_mreq mr = { .ipv6mr_interface = o->ifindex };

			mr.ipv6mr_multiaddr = ((const struct sockaddr_in6 *)&group->ss)->sin6_addr;
			if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0)
				goto fail;
		}
	}
	return fd;
fail:
	fprintf(stderr, "hbrogue: receive socket: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* ------------------------------------------------------------ options */

static void usage(void)
{
	unsigned k;

	fprintf(stderr,
		"usage: hbrogue send    [-6] -i IF [-D DST] [-p PORT] [-s SRC] [-O SPORT] [-K KEYFILE]\n"
		"                       [-x KEYID] [-w WRONGID] [-v VRID] [-N NODE] [-P PRIO] [-S STATE]\n"
		"                       [-I INTERVAL_US] [-t TYPE] [-T TARGET] [-b BOOT] [-c COUNTER]\n"
		"                       [-e EPOCH] [-C NONCE] [-E] [-k KIND,...|all] [-r RATE] [-n COUNT]\n"
		"                       [-d S] [-q]\n"
		"       hbrogue capture [-6] -i IF -o FILE [-D GROUP] [-U] [-p PORT] [-N NODE] [-t TYPE]\n"
		"                       [-S STATE] [-K KEYFILE] [-n COUNT] [-d S] [-q]\n"
		"       hbrogue replay  [-6] -i IF -f FILE [-D DST] [-p PORT] [-s SRC | -A] [-O SPORT]\n"
		"                       [-r RATE] [-n COUNT] [-d S] [-q]\n"
		"       hbrogue selftest\n"
		"kinds:");
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
			for (k = K_VALID + 1; k < K_MAX; k++)
				o->use[k] = true;
			continue;
		}
		for (k = 0; k < K_MAX && strcmp(tok, kind_names[k]); k++)
			;
		if (k == K_MAX) {
			fprintf(stderr, "hbrogue: unknown kind %s\n", tok);
			return -1;
		}
		o->use[k] = true;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	unsigned long u;
	char *end;
	int c;

	*o = (struct opts){ .family = AF_INET, .port = HEARTBEAT_PORT, .vrid = 51, .prio = 255,
			    .state = 2, .type = HEARTBEAT_BEAT, .interval_us = 10000,
			    .epoch = 1, .counter = 1, .node = "rogue", .target = "",
			    .state_filter = -1, .type_filter = -1, .rate = 1000, .count = 1000,
			    .duration_s = 5 };
	o->use[K_VALID] = true;
	if (argc < 2)
		return -1;
	o->mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "6i:D:p:O:s:AUK:x:w:v:N:P:S:I:t:T:b:c:e:C:Ek:r:n:d:o:f:q")) != -1) {
		switch (c) {
		case '6': o->family = AF_INET6; break;
		case 'i': o->ifname = optarg; break;
		case 'D': o->dst_s = optarg; break;
		case 'p': if (parse_ul(optarg, 1, 65535, &u)) return -1; o->port = (unsigned)u; break;
		case 'O':
			if (parse_ul(optarg, 0, 65535, &u))
				return -1;
			o->sport = (unsigned)u;
			o->sport_set = true;
			break;
		case 's': o->src_s = optarg; break;
		case 'A': o->use_cap_src = true; break;
		case 'U': o->unicast_listen = true; break;
		case 'K': o->keyfile = optarg; break;
		case 'x': if (parse_ul(optarg, 1, 255, &u)) return -1; o->key_id = (unsigned)u; break;
		case 'w': if (parse_ul(optarg, 1, 255, &u)) return -1; o->wrong_id = (unsigned)u; break;
		case 'v': if (parse_ul(optarg, 1, 255, &u)) return -1; o->vrid = (unsigned)u; break;
		case 'N':
			if (!hello_name_ok(optarg))
				return -1;
			o->node = optarg;
			o->node_set = true;
			break;
		case 'P': if (parse_ul(optarg, 1, 255, &u)) return -1; o->prio = (unsigned)u; break;
		case 'S':
			if (parse_ul(optarg, 0, 3, &u))
				return -1;
			o->state = (unsigned)u;
			o->state_filter = (int)u;
			break;
		case 'I':
			if (parse_ul(optarg, HEARTBEAT_INTERVAL_MIN_US, HEARTBEAT_INTERVAL_MAX_US, &u))
				return -1;
			o->interval_us = (uint32_t)u;
			break;
		case 't':
			if (parse_ul(optarg, HEARTBEAT_BEAT, HEARTBEAT_RELEASE, &u))
				return -1;
			o->type = (unsigned)u;
			o->type_filter = (int)u;
			break;
		case 'T':
			if (!hello_name_ok(optarg))
				return -1;
			o->target = optarg;
			break;
		case 'b': if (parse_u64(optarg, &o->boot_id) || !o->boot_id) return -1; break;
		case 'c': if (parse_u64(optarg, &o->counter) || !o->counter) return -1; break;
		case 'e': if (parse_u64(optarg, &o->epoch)) return -1; break;
		case 'C': if (parse_u64(optarg, &o->nonce)) return -1; break;
		case 'E': o->echo_mode = true; break;
		case 'k': if (parse_kinds(optarg, o)) return -1; break;
		case 'r': if (parse_ul(optarg, 1, 100000, &u)) return -1; o->rate = (unsigned)u; break;
		case 'n':
			if (parse_ul(optarg, 1, 1000000, &u))
				return -1;
			o->count = u;
			o->count_set = true;
			break;
		case 'd':
			o->duration_s = strtod(optarg, &end);
			if (*end || !(o->duration_s > 0) || o->duration_s > 120)
				return -1;
			break;
		case 'o': o->out = optarg; break;
		case 'f': o->in = optarg; break;
		case 'q': o->quiet = true; break;
		default: return -1;
		}
	}
	if (optind != argc)
		return -1;
	if (!o->sport_set)
		o->sport = o->port;
	if (!o->dst_s)
		o->dst_s = o->family == AF_INET ? "224.0.0.18" : "ff02::12";
	if (o->ifname) {
		o->ifindex = if_nametoindex(o->ifname);
		if (!o->ifindex) {
			fprintf(stderr, "hbrogue: %s: %s\n", o->ifname, strerror(errno));
			return -1;
		}
	}
	if ((o->type == HEARTBEAT_HANDOVER_REQ || o->type == HEARTBEAT_HANDOVER_CONF) !=
	    (o->target[0] != '\0')) {
		fprintf(stderr, "hbrogue: -t 2 and -t 3 need -T TARGET, other types none\n");
		return -1;
	}
	return 0;
}

/* The key file (-K), or a random key under id 1 (-x). */
static int load_keys(struct opts *o, struct authkeys *keys)
{
	char err[512];

	if (o->keyfile) {
		if (authkey_load(o->keyfile, keys, err, sizeof(err)) < 0) {
			fprintf(stderr, "hbrogue: %s\n", err);
			return -1;
		}
	} else if (random_keys(o->key_id ? (uint8_t)o->key_id : 1, keys) < 0) {
		return -1;
	}
	if (!o->key_id)
		o->key_id = keys->send_id ? keys->send_id : keys->key[0].id;
	if (!o->wrong_id) {
		unsigned id;

		for (id = 255; id > 1 && authkey_find(keys, (uint8_t)id); id--)
			;
		o->wrong_id = id;
	}
	return 0;
}

/* ------------------------------------------------------------ send */

/* Heartbeats of other nodes that verify: their last nonce is our echo. */
static void read_challenges(int fd, struct gen *g, unsigned long *seen)
{
	uint8_t buf[BUF_MAX];
	struct heartbeat hb;
	int i;

	for (i = 0; i < 256; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n <= 0)
			return;
		if (heartbeat_decode(buf, (size_t)n, &hb) != HEARTBEAT_OK ||
		    strcmp(hb.node, g->o->node) == 0 ||
		    heartbeat_verify(buf, (size_t)n, authkey_hb_verify, (void *)g->keys) != HEARTBEAT_OK)
			continue;
		if (hb.nonce && hb.nonce != g->echo) {
			g->echo = hb.nonce;
			(*seen)++;
		}
	}
}

static int do_send(struct opts *o)
{
	static uint8_t buf[BUF_MAX];
	struct authkeys keys;
	struct gen g = { .o = o, .keys = &keys, .nonce = o->nonce };
	struct sa dst, src;
	unsigned long sent[K_MAX] = { 0 }, i, n = 0, errors = 0, challenges = 0;
	enum kind order[K_MAX];
	unsigned nk = 0, k;
	int fd, rfd = -1, last_err = 0;
	double start, end;

	if (!o->ifname) {
		fprintf(stderr, "hbrogue send: -i IF is needed\n");
		return 2;
	}
	for (k = 0; k < K_MAX; k++)
		if (o->use[k])
			order[nk++] = (enum kind)k;
	if (!nk || load_keys(o, &keys) < 0 || random_keys((uint8_t)o->wrong_id, &g.wrong) < 0)
		return 2;
	if (!authkey_find(&keys, (uint8_t)o->key_id)) {
		fprintf(stderr, "hbrogue: no key %u in the key file\n", o->key_id);
		return 2;
	}
	if (!o->boot_id)
		randombytes_buf(&o->boot_id, sizeof(o->boot_id));
	o->boot_id |= 1;
	if (make_sa(o->family, o->dst_s, o->port, o->ifindex, &dst) < 0 ||
	    (o->src_s && make_sa(o->family, o->src_s, o->sport, o->ifindex, &src) < 0)) {
		fprintf(stderr, "hbrogue: bad address\n");
		return 2;
	}
	fd = open_send(o, o->src_s ? &src : NULL, o->sport);
	if (fd < 0)
		return 1;
	if (o->echo_mode) {
		struct sa group;

		make_sa(o->family, o->family == AF_INET ? "224.0.0.18" : "ff02::12", o->port,
			o->ifindex, &group);
		rfd = open_recv(o, &group);
		if (rfd < 0) {
			close(fd);
			return 1;
		}
	}
	start = mono();
	end = start + o->duration_s;
	for (i = 0; i < o->count; i++) {
		double due = start + (double)i / o->rate;
		size_t len;

		if (due >= end)
			break;
		sleep_until(due);
		if (rfd >= 0)
			read_challenges(rfd, &g, &challenges);
		k = order[i % nk];
		len = build(&g, (enum kind)k, o->counter + i, buf);
		if (!len) {
			fprintf(stderr, "hbrogue: cannot build %s\n", kind_names[k]);
			break;
		}
		if (sendto(fd, buf, len, 0, (const struct sockaddr *)&dst.ss, dst.len) < 0) {
			errors++;
			last_err = errno;
		} else {
			sent[k]++;
		}
		n++;
	}
	if (!o->quiet) {
		printf("hbrogue: %lu packets in %.2f s to %s port %u from %s as %s (boot %016llx, "
		       "key %u), send errors %lu%s%s\n", n, mono() - start, o->dst_s, o->port,
		       o->src_s ? o->src_s : "own address", o->node,
		       (unsigned long long)o->boot_id, o->key_id, errors,
		       errors ? ", last: " : "", errors ? strerror(last_err) : "");
		if (rfd >= 0)
			printf("  challenges answered: %lu\n", challenges);
		for (k = 0; k < K_MAX; k++)
			if (sent[k])
				printf("  %-9s %lu (a receiver says: %s)\n", kind_names[k], sent[k],
				       heartbeat_reason_str(expected(&g, (enum kind)k)));
	}
	/* One line per kind for scripts: "hbrogue: kind=KIND sent=N reason=R". */
	for (k = 0; k < K_MAX; k++)
		if (sent[k])
			printf("hbrogue: kind=%s sent=%lu reason=%s\n", kind_names[k], sent[k],
			       heartbeat_reason_str(expected(&g, (enum kind)k)));
	printf("hbrogue: sent=%lu errors=%lu\n", n - errors, errors);
	authkey_wipe(&keys);
	authkey_wipe(&g.wrong);
	close(fd);
	if (rfd >= 0)
		close(rfd);
	return n - errors > 0 ? 0 : 1;
}

/* ------------------------------------------------------------ files */

static int write_caps(const char *path, const struct cap *c, size_t n)
{
	char hex[2 * BUF_MAX + 1], addr[INET6_ADDRSTRLEN];
	unsigned port;
	size_t i;
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "hbrogue: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "# hbrogue capture: SRC PORT HEX, one datagram a line\n");
	for (i = 0; i < n; i++) {
		sa_str(&c[i].src, addr, sizeof(addr), &port);
		sodium_bin2hex(hex, sizeof(hex), c[i].buf, c[i].len);
		fprintf(f, "%s %u %s\n", addr, port, hex);
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "hbrogue: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Read up to max datagrams; returns how many, -1 on error. */
static long read_caps(const char *path, unsigned ifindex, struct cap *c, size_t max)
{
	char line[2 * BUF_MAX + 128], addr[INET6_ADDRSTRLEN + 1], hex[2 * BUF_MAX + 2];
	unsigned port;
	size_t n = 0, blen;
	int ln = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "hbrogue: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (n < max && ln < 100000 && fgets(line, sizeof(line), f)) {
		ln++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%46s %u %4097s", addr, &port, hex) != 3 || port > 65535 ||
		    make_sa(strchr(addr, ':') ? AF_INET6 : AF_INET, addr, port, ifindex,
			    &c[n].src) < 0 ||
		    sodium_hex2bin(c[n].buf, sizeof(c[n].buf), hex, strlen(hex), NULL, &blen,
				   NULL) != 0 || blen == 0) {
			fprintf(stderr, "hbrogue: %s:%d: expected SRC PORT HEX\n", path, ln);
			fclose(f);
			return -1;
		}
		c[n++].len = blen;
	}
	fclose(f);
	return (long)n;
}

/* ------------------------------------------------------------ capture */

static int do_capture(struct opts *o)
{
	static struct cap caps[CAP_MAX];
	struct authkeys keys;
	bool have_keys = false;
	struct sa group;
	size_t n = 0;
	unsigned long heard = 0, skipped = 0, polls;
	double end;
	int fd;

	if (!o->ifname || !o->out) {
		fprintf(stderr, "hbrogue capture: -i IF and -o FILE are needed\n");
		return 2;
	}
	if (!o->count_set)
		o->count = 1;
	if (o->count > CAP_MAX) {
		fprintf(stderr, "hbrogue capture: at most %d datagrams\n", CAP_MAX);
		return 2;
	}
	if (o->keyfile) {
		char err[512];

		if (authkey_load(o->keyfile, &keys, err, sizeof(err)) < 0) {
			fprintf(stderr, "hbrogue: %s\n", err);
			return 2;
		}
		have_keys = true;
	}
	if (make_sa(o->family, o->dst_s, o->port, o->ifindex, &group) < 0) {
		fprintf(stderr, "hbrogue: bad address %s\n", o->dst_s);
		return 2;
	}
	fd = open_recv(o, &group);
	if (fd < 0)
		return 1;
	end = mono() + o->duration_s;
	/* Each poll waits at most 100 ms: bounded by time and by count. */
	for (polls = 0; n < o->count && polls < 100000; polls++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left = end - mono();
		struct heartbeat hb;
		struct cap *c;
		ssize_t len;
		int i;

		if (left <= 0)
			break;
		if (poll(&p, 1, left > 0.1 ? 100 : (int)(left * 1000) + 1) <= 0)
			continue;
		for (i = 0; i < 64 && n < o->count; i++) {
			c = &caps[n];
			c->src.len = sizeof(c->src.ss);
			len = recvfrom(fd, c->buf, sizeof(c->buf), MSG_DONTWAIT,
				       (struct sockaddr *)&c->src.ss, &c->src.len);
			if (len <= 0)
				break;
			heard++;
			c->len = (size_t)len;
			if (heartbeat_decode(c->buf, c->len, &hb) != HEARTBEAT_OK ||
			    (o->node_set && strcmp(hb.node, o->node) != 0) ||
			    (o->type_filter >= 0 && hb.type != o->type_filter) ||
			    (o->state_filter >= 0 && hb.state != o->state_filter) ||
			    (have_keys && heartbeat_verify(c->buf, c->len, authkey_hb_verify,
							   &keys) != HEARTBEAT_OK)) {
				skipped++;
				continue;
			}
			if (!o->quiet) {
				char addr[INET6_ADDRSTRLEN];
				unsigned port;

				sa_str(&c->src, addr, sizeof(addr), &port);
				printf("  captured from %s:%u: %s node=%s vrid=%u state=%u prio=%u "
				       "key=%u boot=%016llx counter=%llu nonce=%016llx echo=%016llx\n",
				       addr, port, heartbeat_type_str(hb.type), hb.node, hb.vrid,
				       hb.state, hb.priority, hb.key_id,
				       (unsigned long long)hb.boot_id,
				       (unsigned long long)hb.counter,
				       (unsigned long long)hb.nonce, (unsigned long long)hb.echo);
			}
			n++;
		}
	}
	close(fd);
	if (have_keys)
		authkey_wipe(&keys);
	if (write_caps(o->out, caps, n) < 0)
		return 1;
	printf("hbrogue: heard=%lu skipped=%lu captured=%zu\n", heard, skipped, n);
	return n > 0 ? 0 : 1;
}

/* ------------------------------------------------------------ replay */

static int do_replay(struct opts *o)
{
	static struct cap caps[CAP_MAX];
	struct sa dst, src;
	unsigned long i, n = 0, errors = 0;
	int fd = -1, last_err = 0;
	long ncap;
	double start, end;

	if (!o->ifname || !o->in || (o->src_s && o->use_cap_src)) {
		fprintf(stderr, "hbrogue replay: -i IF and -f FILE are needed, -s or -A\n");
		return 2;
	}
	ncap = read_caps(o->in, o->ifindex, caps, CAP_MAX);
	if (ncap <= 0) {
		if (ncap == 0)
			fprintf(stderr, "hbrogue: %s: no datagram\n", o->in);
		return 2;
	}
	if (make_sa(o->family, o->dst_s, o->port, o->ifindex, &dst) < 0 ||
	    (o->src_s && make_sa(o->family, o->src_s, o->sport, o->ifindex, &src) < 0)) {
		fprintf(stderr, "hbrogue: bad address\n");
		return 2;
	}
	if (o->use_cap_src) {
		/* One source: the first datagram's address and port. */
		src = caps[0].src;
		if (src.ss.ss_family != o->family) {
			fprintf(stderr, "hbrogue: the capture is of the other family (-6)\n");
			return 2;
		}
	}
	fd = open_send(o, (o->src_s || o->use_cap_src) ? &src : NULL, o->sport);
	if (fd < 0)
		return 1;
	start = mono();
	end = start + o->duration_s;
	for (i = 0; i < o->count; i++) {
		double due = start + (double)i / o->rate;
		const struct cap *c = &caps[i % (unsigned long)ncap];

		if (due >= end)
			break;
		sleep_until(due);
		if (sendto(fd, c->buf, c->len, 0, (const struct sockaddr *)&dst.ss, dst.len) < 0) {
			errors++;
			last_err = errno;
		}
		n++;
	}
	if (!o->quiet) {
		char addr[INET6_ADDRSTRLEN] = "own address";
		unsigned port = 0;

		if (o->src_s || o->use_cap_src)
			sa_str(&src, addr, sizeof(addr), &port);
		printf("hbrogue: replayed %ld captured datagrams %lu times in %.2f s to %s port %u "
		       "from %s, send errors %lu%s%s\n", ncap, n, mono() - start, o->dst_s,
		       o->port, addr, errors, errors ? ", last: " : "",
		       errors ? strerror(last_err) : "");
	}
	printf("hbrogue: sent=%lu errors=%lu\n", n - errors, errors);
	close(fd);
	return n - errors > 0 ? 0 : 1;
}

/* ------------------------------------------------------------ selftest */

static int checks, failures;

static void check(bool ok, const char *what, const char *detail)
{
	checks++;
	if (!ok) {
		failures++;
		fprintf(stderr, "hbrogue selftest: FAIL: %s%s%s\n", what, detail ? ": " : "",
			detail ? detail : "");
	}
}

/* Every kind against the real decoder and the adapter's verify, the
 * valid packet against heartbeat_encode, the capture file both ways. */
static int do_selftest(void)
{
	static struct cap caps[3], back[3];
	static uint8_t buf[BUF_MAX], enc[BUF_MAX];
	struct opts o;
	struct authkeys pair;
	struct gen g = { .o = &o, .keys = &pair };
	struct heartbeat hb, in;
	char detail[256], path[] = "/tmp/hbrogue-selftest.XXXXXX", text[300];
	char hex1[2 * AUTHKEY_LEN + 1], hex2[2 * AUTHKEY_LEN + 1];
	uint8_t key[AUTHKEY_LEN];
	unsigned k;
	size_t len, elen;
	int fd, tl;
	long nback;

	/* The pair's file: ids 1 and 2, 2 signs. */
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex1, sizeof(hex1), key, sizeof(key));
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex2, sizeof(hex2), key, sizeof(key));
	tl = snprintf(text, sizeof(text), "1 %s\n2 %s send\n", hex1, hex2);
	if (authkey_parse(text, (size_t)tl, "selftest", &pair, detail, sizeof(detail)) < 0) {
		fprintf(stderr, "hbrogue selftest: %s\n", detail);
		return 1;
	}
	{
		char *argv[] = { "hbrogue", "send", "-N", "n1", "-v", "7", "-P", "200", "-S", "2",
				 "-I", "20000", "-b", "0x1234", "-e", "5", NULL };
		check(parse_opts(16, argv, &o) == 0, "options", NULL);
	}
	o.key_id = pair.send_id;
	o.wrong_id = 200;
	check(random_keys(200, &g.wrong) == 0, "random key", NULL);
	g.nonce = 0x77;
	g.echo = 0x99;

	for (k = 0; k < K_MAX; k++) {
		enum heartbeat_reason want = expected(&g, (enum kind)k), got;

		len = build(&g, (enum kind)k, 10 + k, buf);
		got = len ? judge(&pair, buf, len) : HEARTBEAT_REASON_MAX;
		snprintf(detail, sizeof(detail), "kind %s: receiver says %s, expected %s",
			 kind_names[k], heartbeat_reason_str(got), heartbeat_reason_str(want));
		check(len > 0 && got == want, "kind", detail);
		/* Decode defects are signed as sent: the defect is the only
		 * fault (a receiver that skipped the check would accept). */
		if (k >= K_MAGIC && len >= HEARTBEAT_TAG_LEN) {
			uint8_t tag[HEARTBEAT_TAG_LEN];

			authkey_sign(&pair, (uint8_t)o.key_id, buf, len - HEARTBEAT_TAG_LEN, tag);
			check(memcmp(tag, buf + len - HEARTBEAT_TAG_LEN, sizeof(tag)) == 0,
			      "defect signed", kind_names[k]);
		}
	}
	/* wrongkey under an id the receiver has: mac. */
	o.wrong_id = 1;
	check(expected(&g, K_WRONGKEY) == HEARTBEAT_ERR_MAC, "wrongkey id in the file", NULL);
	authkey_wipe(&g.wrong);
	check(random_keys(1, &g.wrong) == 0, "random key 1", NULL);
	len = build(&g, K_WRONGKEY, 30, buf);
	check(len > 0 && judge(&pair, buf, len) == HEARTBEAT_ERR_MAC, "wrongkey id 1 -> mac", NULL);

	/* valid: the fields as given, and the encoder's bytes exactly. */
	len = build(&g, K_VALID, 42, buf);
	check(heartbeat_decode(buf, len, &in) == HEARTBEAT_OK, "valid decodes", NULL);
	check(in.type == HEARTBEAT_BEAT && in.vrid == 7 && in.state == 2 && in.priority == 200 &&
	      in.effective == 200 && in.key_id == 2 && in.interval_us == 20000 &&
	      in.epoch == 5 && in.boot_id == 0x1234 && in.counter == 42 && in.nonce == 0x77 &&
	      in.echo == 0x99 && strcmp(in.node, "n1") == 0 && in.target[0] == '\0',
	      "valid fields", NULL);
	memset(&hb, 0, sizeof(hb));
	hb.type = HEARTBEAT_BEAT;
	hb.vrid = 7;
	hb.state = 2;
	hb.priority = hb.effective = 200;
	hb.flags = HELLO_F_LINK_UP;
	hb.key_id = 2;
	hb.interval_us = 20000;
	hb.epoch = 5;
	hb.boot_id = 0x1234;
	hb.counter = 42;
	hb.nonce = 0x77;
	hb.echo = 0x99;
	strcpy(hb.node, "n1");
	elen = heartbeat_encode(&hb, authkey_hb_sign, &pair, enc, sizeof(enc));
	check(elen == len && memcmp(enc, buf, len) == 0, "valid == heartbeat_encode", NULL);

	/* A handover-request and confirm as -t 2 / -t 3 build them. */
	o.type = HEARTBEAT_HANDOVER_REQ;
	o.target = "n2";
	len = build(&g, K_VALID, 43, buf);
	check(judge(&pair, buf, len) == HEARTBEAT_OK, "handover-request valid", NULL);
	o.type = HEARTBEAT_HANDOVER_CONF;
	len = build(&g, K_VALID, 44, buf);
	check(judge(&pair, buf, len) == HEARTBEAT_OK, "handover-confirm valid", NULL);
	o.type = HEARTBEAT_BEAT;
	o.target = "";

	/* The capture file, written and read back. */
	for (k = 0; k < 3; k++) {
		caps[k].len = build(&g, k == 1 ? K_SHORT : K_VALID, 50 + k, caps[k].buf);
		make_sa(k == 2 ? AF_INET6 : AF_INET, k == 2 ? "2001:db8:100::1" : "198.51.100.1",
			694 + k, 0, &caps[k].src);
	}
	fd = mkstemp(path);
	check(fd >= 0, "mkstemp", strerror(errno));
	if (fd >= 0) {
		close(fd);
		check(write_caps(path, caps, 3) == 0, "write capture", NULL);
		nback = read_caps(path, 0, back, 3);
		check(nback == 3, "read capture", NULL);
		for (k = 0; nback == 3 && k < 3; k++)
			check(back[k].len == caps[k].len &&
			      memcmp(back[k].buf, caps[k].buf, caps[k].len) == 0 &&
			      back[k].src.len == caps[k].src.len &&
			      memcmp(&back[k].src.ss, &caps[k].src.ss, caps[k].src.len) == 0,
			      "capture round trip", NULL);
		unlink(path);
	}
	authkey_wipe(&pair);
	authkey_wipe(&g.wrong);
	printf("hbrogue selftest: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct opts o;

	if (sodium_init() < 0) {
		fprintf(stderr, "hbrogue: libsodium did not initialise\n");
		return 1;
	}
	if (argc >= 2 && strcmp(argv[1], "selftest") == 0)
		return argc == 2 ? do_selftest() : 2;
	if (parse_opts(argc, argv, &o) < 0) {
		usage();
		return 2;
	}
	if (strcmp(o.mode, "send") == 0)
		return do_send(&o);
	if (strcmp(o.mode, "capture") == 0)
		return do_capture(&o);
	if (strcmp(o.mode, "replay") == 0)
		return do_replay(&o);
	usage();
	return 2;
}
