/* advert: VRRPv3 advertisement codec (RFC 5798 section 5).
 *
 * Wire format (RFC 5798 5.1/5.2), all fields big-endian:
 *   byte 0    version (high nibble) | type (low nibble)
 *   byte 1    Virtual Rtr ID
 *   byte 2    Priority
 *   byte 3    Count IPvX Addr
 *   bytes 4-5 4 reserved bits | 12-bit Max Adver Int (centiseconds)
 *   bytes 6-7 checksum (RFC 1071, over a pseudo-header, see advert_checksum)
 *   then Count addresses of 4 (IPv4) or 16 (IPv6) bytes each.
 *
 * The decoder reads nothing past len and stops at the first failure, so a
 * malformed packet costs a few comparisons and yields exactly one reason. */
#include "core/advert.h"

#include <stddef.h>
#include <string.h>

#define OFF_VERS_TYPE 0
#define OFF_VRID      1
#define OFF_PRIO      2
#define OFF_COUNT     3
#define OFF_INTERVAL  4
#define OFF_CSUM      6

#define IP4_HDR_MIN   20

static const char *const reason_names[] = {
	[ADVERT_OK]                = "ok",
	[ADVERT_ERR_IP_HEADER]     = "ip_header",
	[ADVERT_ERR_IP_PROTO]      = "ip_proto",
	[ADVERT_ERR_SHORT]         = "short",
	[ADVERT_ERR_VERSION]       = "version",
	[ADVERT_ERR_TYPE]          = "type",
	[ADVERT_ERR_TTL]           = "ttl",
	[ADVERT_ERR_LENGTH]        = "length",
	[ADVERT_ERR_ADDR_COUNT]    = "addr_count",
	[ADVERT_ERR_CHECKSUM]      = "checksum",
	[ADVERT_ERR_VRID]          = "vrid",
	[ADVERT_ERR_INTERVAL_ZERO] = "interval_zero",
	[ADVERT_ERR_INTERVAL_FAR]  = "interval_far",
	[ADVERT_ERR_UNKNOWN_PEER]  = "unknown_peer",
	[ADVERT_ERR_OWN]           = "own",
	[ADVERT_ERR_IFACE]         = "iface",
	[ADVERT_ERR_FAMILY]        = "family",
	[ADVERT_ERR_NOT_ALLOWED]   = "not_allowed",
};
_Static_assert(sizeof(reason_names) / sizeof(reason_names[0]) == ADVERT_REASON_MAX,
	       "advert_reason_str table out of step with enum advert_reason");

const char *advert_reason_str(enum advert_reason r)
{
	if ((unsigned)r >= ADVERT_REASON_MAX || !reason_names[r])
		return "unknown";
	return reason_names[r];
}

/* Add n bytes as big-endian 16-bit words; an odd last byte is padded with
 * a zero byte (RFC 1071). A 64-bit accumulator cannot overflow for any
 * buffer that fits in memory, so carries are folded once at the end. */
static uint64_t sum_words(uint64_t acc, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

/* Pseudo-header: IPv4 (RFC 5798 5.2.8, as for UDP): src, dst, zero,
 * protocol, 16-bit length. IPv6 (RFC 2460 8.1): src, dst, 32-bit length,
 * three zero bytes, next header. Only the word sums matter, so the length
 * and protocol are added as numbers rather than laid out in a buffer. */
uint16_t advert_checksum(uint8_t family, const struct ipaddr *src,
			 const struct ipaddr *dst, const uint8_t *data, size_t len)
{
	size_t alen = family == IPADDR_V6 ? 16 : 4;
	uint64_t acc = 0;

	acc = sum_words(acc, src->a, alen);
	acc = sum_words(acc, dst->a, alen);
	if (family == IPADDR_V6)
		acc += (uint64_t)((len >> 16) & 0xffff) + (len & 0xffff);
	else
		acc += len & 0xffff;
	acc += ADVERT_PROTO;
	return fold(sum_words(acc, data, len));
}

static bool family_ok(uint8_t family)
{
	return family == IPADDR_V4 || family == IPADDR_V6;
}

/* Everything advert_encode refuses: what the decoder would reject, and what
 * cannot be represented on the wire. */
static bool encodable(const struct advert *adv, const struct ipaddr *src,
		      const struct ipaddr *dst)
{
	unsigned i;

	if (!family_ok(adv->family) || src->family != adv->family ||
	    dst->family != adv->family)
		return false;
	/* count is 8 bits: ADVERT_MAX_ADDRS (255) is its whole range. */
	if (adv->count == 0 || adv->vrid == 0 ||
	    adv->max_adver_int == 0 || adv->max_adver_int > ADVERT_MAX_INT_CS)
		return false;
	for (i = 0; i < adv->count; i++)
		if (adv->addrs[i].family != adv->family)
			return false;
	return true;
}

/* version and type are always written as 3 / ADVERTISEMENT: this module only
 * speaks VRRPv3, and a zero-initialised struct advert must still encode. */
size_t advert_encode(const struct advert *adv, const struct ipaddr *src,
		     const struct ipaddr *dst, uint8_t *buf, size_t buflen)
{
	size_t alen, need, i;
	uint16_t csum;

	if (!adv || !src || !dst || !buf || !encodable(adv, src, dst))
		return 0;
	alen = adv->family == IPADDR_V6 ? 16 : 4;
	need = ADVERT_HDR_LEN + adv->count * alen;
	if (buflen < need)
		return 0;
	buf[OFF_VERS_TYPE] = ADVERT_VERSION << 4 | ADVERT_TYPE_ADVERT;
	buf[OFF_VRID] = adv->vrid;
	buf[OFF_PRIO] = adv->priority;
	buf[OFF_COUNT] = adv->count;
	buf[OFF_INTERVAL] = (uint8_t)(adv->max_adver_int >> 8 & 0x0f);
	buf[OFF_INTERVAL + 1] = (uint8_t)(adv->max_adver_int & 0xff);
	buf[OFF_CSUM] = 0;
	buf[OFF_CSUM + 1] = 0;
	for (i = 0; i < adv->count; i++)
		memcpy(buf + ADVERT_HDR_LEN + i * alen, adv->addrs[i].a, alen);
	csum = advert_checksum(adv->family, src, dst, buf, need);
	buf[OFF_CSUM] = (uint8_t)(csum >> 8);
	buf[OFF_CSUM + 1] = (uint8_t)(csum & 0xff);
	return need;
}

static void fill(const uint8_t *buf, uint8_t family, size_t alen,
		 struct advert *out)
{
	unsigned i;

	out->version = buf[OFF_VERS_TYPE] >> 4;
	out->type = buf[OFF_VERS_TYPE] & 0x0f;
	out->vrid = buf[OFF_VRID];
	out->priority = buf[OFF_PRIO];
	out->count = buf[OFF_COUNT];
	/* The 4 reserved bits are ignored on reception (RFC 5798 5.2.4). */
	out->max_adver_int = (uint16_t)((buf[OFF_INTERVAL] & 0x0f) << 8 |
					buf[OFF_INTERVAL + 1]);
	out->family = family;
	for (i = 0; i < out->count; i++)
		ipaddr_from_bytes(&out->addrs[i], family,
				  buf + ADVERT_HDR_LEN + i * alen);
}

/* The family is a property of the socket the packet came from (src/dst), not
 * of the packet; a src/dst pair that is unset or mixed is reported as FAMILY
 * before the packet is looked at. The length must match the count exactly:
 * VRRPv3 has no trailing fields (the v2 authentication data is gone), and
 * a raw socket hands over exactly the IP payload, so extra bytes mean a
 * malformed or foreign packet. */
enum advert_reason advert_decode(const uint8_t *buf, size_t len,
				 const struct ipaddr *src, const struct ipaddr *dst,
				 uint8_t ttl, struct advert *out)
{
	uint8_t family, count;
	size_t alen;

	/* The header only: addrs[0..count) are written by fill() and nothing
	 * reads past count. Clearing all 4.6 kB of addrs was most of a
	 * backup's work per advert (cache lines, not instructions). */
	if (out)
		memset(out, 0, offsetof(struct advert, addrs));
	if (!src || !dst || !family_ok(src->family) || dst->family != src->family)
		return ADVERT_ERR_FAMILY;
	family = src->family;
	alen = family == IPADDR_V6 ? 16 : 4;
	if (!buf || len < ADVERT_HDR_LEN)
		return ADVERT_ERR_SHORT;
	if (buf[OFF_VERS_TYPE] >> 4 != ADVERT_VERSION)
		return ADVERT_ERR_VERSION;
	if ((buf[OFF_VERS_TYPE] & 0x0f) != ADVERT_TYPE_ADVERT)
		return ADVERT_ERR_TYPE;
	if (ttl != ADVERT_TTL)
		return ADVERT_ERR_TTL;
	count = buf[OFF_COUNT];
	if (count == 0)
		return ADVERT_ERR_ADDR_COUNT;
	if (len != ADVERT_HDR_LEN + count * alen)
		return ADVERT_ERR_LENGTH;
	/* Summing a packet with a correct checksum in place gives ~0. */
	if (advert_checksum(family, src, dst, buf, len) != 0)
		return ADVERT_ERR_CHECKSUM;
	if (buf[OFF_VRID] == 0)
		return ADVERT_ERR_VRID;
	if ((buf[OFF_INTERVAL] & 0x0f) == 0 && buf[OFF_INTERVAL + 1] == 0)
		return ADVERT_ERR_INTERVAL_ZERO;
	if (out)
		fill(buf, family, alen, out);
	return ADVERT_OK;
}

/* Total length is the datagram's own idea of its size: it must fit in the
 * buffer, and bytes after it (link-layer padding in a capture) are not part
 * of the datagram, so the payload ends at total length, not at len. The
 * header checksum is not verified: the kernel drops IPv4 packets with a bad
 * header checksum before a raw socket sees them. */
enum advert_reason advert_decode_ip4(const uint8_t *pkt, size_t len,
				     struct ipaddr *src, struct advert *out)
{
	struct ipaddr s, d;
	size_t ihl, tot;

	if (src)
		memset(src, 0, sizeof(*src));
	if (out)
		memset(out, 0, offsetof(struct advert, addrs));   /* as advert_decode */
	if (!pkt || len < IP4_HDR_MIN || pkt[0] >> 4 != 4)
		return ADVERT_ERR_IP_HEADER;
	ipaddr_from_bytes(&s, IPADDR_V4, pkt + 12);
	ipaddr_from_bytes(&d, IPADDR_V4, pkt + 16);
	if (src)
		*src = s;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	tot = (size_t)pkt[2] << 8 | pkt[3];
	if (ihl < IP4_HDR_MIN || ihl > len || tot < ihl || tot > len)
		return ADVERT_ERR_IP_HEADER;
	if (pkt[9] != ADVERT_PROTO)
		return ADVERT_ERR_IP_PROTO;
	return advert_decode(pkt + ihl, tot - ihl, &s, &d, pkt[8], out);
}

/* Compared with multiplications, not integer division, so that "less than
 * configured / FACTOR" is exact for odd configured values. */
enum advert_reason advert_check_interval(const struct advert *adv,
					 uint16_t configured_cs)
{
	uint32_t got = adv->max_adver_int, want = configured_cs;

	if (got > want * ADVERT_INTERVAL_FACTOR || got * ADVERT_INTERVAL_FACTOR < want)
		return ADVERT_ERR_INTERVAL_FAR;
	return ADVERT_OK;
}
