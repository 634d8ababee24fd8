/* advert: VRRPv3 advertisement codec (RFC 5798 section 5), IPv4 and IPv6.
 *
 * Pure: encode/decode work on byte buffers. The decoder never logs; every
 * rejection has its own reason code, which the caller counts and (rate
 * limited) logs. Field names follow RFC 5798. */
#ifndef HAMGR_ADVERT_H
#define HAMGR_ADVERT_H

#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

#define ADVERT_PROTO          112        /* IPPROTO_VRRP */
#define ADVERT_VERSION        3
#define ADVERT_TYPE_ADVERT    1
#define ADVERT_TTL            255        /* TTL / hop limit, sent and required */
#define ADVERT_HDR_LEN        8
#define ADVERT_MAX_ADDRS      255        /* per advert: Count IPvX Addr is 8 bits */
#define ADVERT_MAX_LEN        (ADVERT_HDR_LEN + ADVERT_MAX_ADDRS * 16)
#define ADVERT_MAX_INT_CS     4095       /* 12-bit Max Adver Int, centiseconds */
#define ADVERT_MCAST4         "224.0.0.18"
#define ADVERT_MCAST6         "ff02::12"

/* A decoded (or to-be-encoded) advertisement. */
struct advert {
	uint8_t  version;           /* 3 */
	uint8_t  type;              /* 1 = ADVERTISEMENT */
	uint8_t  vrid;              /* Virtual Rtr ID, 1..255 */
	uint8_t  priority;          /* 0 = release, 255 = address owner */
	uint16_t max_adver_int;     /* Max Adver Int, centiseconds (12 bits) */
	uint8_t  family;            /* IPADDR_V4 / IPADDR_V6 */
	uint8_t  count;             /* Count IPvX Addr */
	struct ipaddr addrs[ADVERT_MAX_ADDRS];
};

/* Every reason a packet is rejected. Keep in step with advert_reason_str()
 * (the names appear in logs and in metrics labels). */
enum advert_reason {
	ADVERT_OK = 0,
	ADVERT_ERR_IP_HEADER,      /* IPv4 header malformed (ihl, total length) */
	ADVERT_ERR_IP_PROTO,       /* IPv4 protocol is not 112 */
	ADVERT_ERR_SHORT,          /* shorter than the VRRP header */
	ADVERT_ERR_VERSION,        /* version is not 3 */
	ADVERT_ERR_TYPE,           /* type is not ADVERTISEMENT */
	ADVERT_ERR_TTL,            /* TTL / hop limit is not 255 */
	ADVERT_ERR_LENGTH,         /* length does not match Count IPvX Addr */
	ADVERT_ERR_ADDR_COUNT,     /* count is 0 or above ADVERT_MAX_ADDRS */
	ADVERT_ERR_CHECKSUM,       /* checksum over pseudo-header fails */
	ADVERT_ERR_VRID,           /* VRID 0 */
	ADVERT_ERR_INTERVAL_ZERO,  /* Max Adver Int is 0 */
	ADVERT_ERR_INTERVAL_FAR,   /* interval far from the configured one */
	ADVERT_ERR_UNKNOWN_PEER,   /* unicast: source is not a configured peer */
	ADVERT_ERR_OWN,            /* our own advert came back */
	ADVERT_ERR_IFACE,          /* arrived on another interface */
	ADVERT_ERR_FAMILY,         /* wrong address family for the instance */
	ADVERT_ERR_NOT_ALLOWED,    /* multicast: source outside allowed-peers */
	ADVERT_REASON_MAX
};

/* Short snake_case name of a reason ("checksum", "ttl", ...). */
const char *advert_reason_str(enum advert_reason r);

/* Internet checksum (RFC 1071) over a pseudo-header for family with src,
 * dst, upper-layer length len and protocol 112, followed by data. */
uint16_t advert_checksum(uint8_t family, const struct ipaddr *src,
			 const struct ipaddr *dst, const uint8_t *data, size_t len);

/* Encode adv as a VRRPv3 packet (no IP header) into buf, checksum computed
 * with src/dst for the pseudo-header. Returns bytes written, or 0 when buf is
 * too small or adv is invalid (count > ADVERT_MAX_ADDRS, family mismatch). */
size_t advert_encode(const struct advert *adv, const struct ipaddr *src,
		     const struct ipaddr *dst, uint8_t *buf, size_t buflen);

/* Decode a VRRPv3 packet (no IP header) that arrived with the given source,
 * destination and TTL/hop limit. Fills out and returns ADVERT_OK, or the
 * first reason it fails. Checks: length, version, type, TTL, count vs
 * length, checksum, VRID != 0, interval != 0. Never logs. Only
 * out->addrs[0..count) are written (the rest is left as it was). */
enum advert_reason advert_decode(const uint8_t *buf, size_t len,
				 const struct ipaddr *src, const struct ipaddr *dst,
				 uint8_t ttl, struct advert *out);

/* Decode a whole IPv4 datagram as a raw IPPROTO_VRRP socket returns it:
 * checks the IPv4 header (version, ihl, total length, protocol), takes TTL,
 * source and destination from it, then advert_decode()s the payload. src
 * (may be NULL) receives the source address even when decoding fails later. */
enum advert_reason advert_decode_ip4(const uint8_t *pkt, size_t len,
				     struct ipaddr *src, struct advert *out);

/* Instance-level checks after a successful decode: the advertised interval
 * (centiseconds) must lie within a factor of ADVERT_INTERVAL_FACTOR of the
 * configured one, so one forged packet cannot stretch Master_Down_Interval.
 * Returns ADVERT_OK or ADVERT_ERR_INTERVAL_FAR. */
#define ADVERT_INTERVAL_FACTOR 2
enum advert_reason advert_check_interval(const struct advert *adv,
					 uint16_t configured_cs);

#endif
