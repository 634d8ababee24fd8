/* ipaddr: an IPv4 or IPv6 address with an optional prefix length.
 * Pure: no syscalls (inet_pton/inet_ntop are plain libc string functions). */
#ifndef HAMGR_IPADDR_H
#define HAMGR_IPADDR_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define IPADDR_V4 4
#define IPADDR_V6 6
#define IPADDR_STRLEN 52 /* "xxxx:...:xxxx/128" plus NUL, with room */

struct ipaddr {
	uint8_t family;    /* IPADDR_V4 or IPADDR_V6; 0 = unset */
	uint8_t prefixlen; /* 0..32 / 0..128; 32/128 when none was given */
	uint8_t a[16];     /* network byte order; IPv4 uses a[0..3] */
};

/* Parse "10.0.0.1", "10.0.0.50/24", "fd00::1/64". With allow_prefix false a
 * "/len" is an error. Returns 0, or -1 on a malformed address. */
int ipaddr_parse(const char *s, bool allow_prefix, struct ipaddr *out);

/* Address only (no prefix) into buf; returns buf. */
const char *ipaddr_str(const struct ipaddr *ip, char *buf, size_t len);
/* Address with "/prefixlen" into buf; returns buf. */
const char *ipaddr_str_prefix(const struct ipaddr *ip, char *buf, size_t len);

/* Number of address bytes: 4, 16, or 0 for an unset address. */
size_t ipaddr_len(const struct ipaddr *ip);

/* Compare addresses as unsigned big-endian numbers (family first, prefix
 * ignored): <0, 0, >0. RFC 5798 tie-break uses this order. */
int ipaddr_cmp(const struct ipaddr *x, const struct ipaddr *y);
bool ipaddr_eq(const struct ipaddr *x, const struct ipaddr *y);

/* Build from raw bytes (4 or 16 of them). */
void ipaddr_from_bytes(struct ipaddr *out, uint8_t family, const void *bytes);

/* ip with every address bit past its prefix length cleared into *out (out
 * may be ip): the network of "10.0.0.5/29" is 10.0.0.0/29. */
void ipaddr_network(const struct ipaddr *ip, struct ipaddr *out);

/* True when the address ip (its own prefix length ignored) lies within the
 * prefix net (address and prefix length); false across families. */
bool ipaddr_in_prefix(const struct ipaddr *ip, const struct ipaddr *net);

/* True when ip lies within any of the n prefixes nets (an address without
 * a prefix is a /32 or /128: ip itself). */
bool ipaddr_in_prefixes(const struct ipaddr *ip, const struct ipaddr *nets, size_t n);

/* True for fe80::/10. */
bool ipaddr_is_linklocal6(const struct ipaddr *ip);

/* One bit for every possible last 24 bits of an address: 2 MB. */
#define IPADDR_SOLICITED_BITS_BYTES ((size_t)1 << 21)

/* How many solicited-node multicast groups (RFC 4291 2.7.1: ff02::1:ff
 * and an address's last 24 bits) the IPv6 addresses among ip[0..n) join
 * between them; IPv4 ones count for nothing. The kernel walks all of an
 * interface's groups on every IPv6 address it adds, so this number, not
 * the count of addresses, is what makes adding many of them slow. bits:
 * IPADDR_SOLICITED_BITS_BYTES of zeroes, the caller's (the core does not
 * allocate); left with the groups' bits set, so calls over several lists
 * with the same bits count a group they share once. */
size_t ipaddr_solicited_groups(const struct ipaddr *ip, size_t n, uint8_t *bits);

#endif
