/* ipaddr: parsing, printing and ordering of IPv4/IPv6 addresses. */
#include "core/ipaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_prefix(const char *p, unsigned max, uint8_t *out)
{
	char *end;
	unsigned long v;

	if (*p < '0' || *p > '9')
		return -1;
	v = strtoul(p, &end, 10);
	if (*end != '\0' || v > max || end - p > 3)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

int ipaddr_parse(const char *s, bool allow_prefix, struct ipaddr *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);

	memset(out, 0, sizeof(*out));
	if (hl == 0 || hl >= sizeof(host) || (slash && !allow_prefix))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, out->a) == 1) {
		out->family = IPADDR_V4;
		out->prefixlen = 32;
	} else if (inet_pton(AF_INET6, host, out->a) == 1) {
		out->family = IPADDR_V6;
		out->prefixlen = 128;
	} else {
		return -1;
	}
	if (slash && parse_prefix(slash + 1, out->family == IPADDR_V4 ? 32 : 128,
				  &out->prefixlen) < 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

const char *ipaddr_str(const struct ipaddr *ip, char *buf, size_t len)
{
	int af = ip->family == IPADDR_V6 ? AF_INET6 : AF_INET;

	if (ip->family == 0 || !inet_ntop(af, ip->a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *ipaddr_str_prefix(const struct ipaddr *ip, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", ipaddr_str(ip, a, sizeof(a)), ip->prefixlen);
	return buf;
}

size_t ipaddr_len(const struct ipaddr *ip)
{
	return ip->family == IPADDR_V4 ? 4 : ip->family == IPADDR_V6 ? 16 : 0;
}

int ipaddr_cmp(const struct ipaddr *x, const struct ipaddr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->a, y->a, ipaddr_len(x));
}

bool ipaddr_eq(const struct ipaddr *x, const struct ipaddr *y)
{
	return ipaddr_cmp(x, y) == 0;
}

void ipaddr_from_bytes(struct ipaddr *out, uint8_t family, const void *bytes)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
	out->prefixlen = family == IPADDR_V4 ? 32 : 128;
	memcpy(out->a, bytes, ipaddr_len(out));
}

void ipaddr_network(const struct ipaddr *ip, struct ipaddr *out)
{
	size_t len = ipaddr_len(ip), i = ip->prefixlen / 8u;

	*out = *ip;
	if (i < len)
		out->a[i++] &= (uint8_t)(0xff00u >> (ip->prefixlen % 8u));
	for (; i < len; i++)
		out->a[i] = 0;
}

bool ipaddr_in_prefix(const struct ipaddr *ip, const struct ipaddr *net)
{
	struct ipaddr a = *ip, n;

	if (!ip->family || ip->family != net->family)
		return false;
	a.prefixlen = net->prefixlen;
	ipaddr_network(&a, &a);
	ipaddr_network(net, &n);
	return ipaddr_eq(&a, &n);
}

bool ipaddr_in_prefixes(const struct ipaddr *ip, const struct ipaddr *nets, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ipaddr_in_prefix(ip, &nets[i]))
			return true;
	return false;
}

bool ipaddr_is_linklocal6(const struct ipaddr *ip)
{
	return ip->family == IPADDR_V6 && ip->a[0] == 0xfe && (ip->a[1] & 0xc0) == 0x80;
}

size_t ipaddr_solicited_groups(const struct ipaddr *ip, size_t n, uint8_t *bits)
{
	size_t i, groups = 0;

	for (i = 0; i < n; i++) {
		uint32_t low;

		if (ip[i].family != IPADDR_V6)
			continue;
		low = (uint32_t)ip[i].a[13] << 16 | (uint32_t)ip[i].a[14] << 8 | ip[i].a[15];
		if (!(bits[low >> 3] & (1u << (low & 7)))) {
			bits[low >> 3] |= (uint8_t)(1u << (low & 7));
			groups++;
		}
	}
	return groups;
}
