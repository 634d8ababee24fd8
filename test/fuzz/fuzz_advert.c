/* fuzz_advert: libFuzzer target for the VRRPv3 decoder.
 *
 * Input layout: byte 0 TTL, byte 1 flags, bytes 2..17 source, 18..33
 * destination (IPv4 uses the first 4 bytes of each), the rest is the VRRP
 * packet. Missing header bytes read as zero. The whole input is also fed to
 * advert_decode_ip4 as a datagram.
 *
 * Random bytes almost never carry a valid checksum, so with flag bit 0 set
 * the harness writes the right checksum into a copy of the packet first;
 * that way the fuzzer reaches the checks after CHECKSUM and the round trip.
 *
 * Whenever a decode returns ADVERT_OK, the advert is re-encoded from the same
 * src/dst and decoded again: the fields must match, and if the reserved bits
 * were zero the bytes must be identical. Any mismatch abort()s. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/advert.h"

#define HDR 34
#define FLAG_FIX_CSUM 0x01

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static int same_advert(const struct advert *x, const struct advert *y)
{
	unsigned i;

	if (x->version != y->version || x->type != y->type || x->vrid != y->vrid ||
	    x->priority != y->priority || x->max_adver_int != y->max_adver_int ||
	    x->family != y->family || x->count != y->count)
		return 0;
	for (i = 0; i < x->count; i++)
		if (!ipaddr_eq(&x->addrs[i], &y->addrs[i]))
			return 0;
	return 1;
}

/* Invariants of a decoded advert, then the encode/decode round trip. */
static void roundtrip(const struct advert *adv, const uint8_t *orig, size_t len,
		      const struct ipaddr *src, const struct ipaddr *dst, uint8_t ttl)
{
	uint8_t buf[ADVERT_MAX_LEN];
	struct advert again;
	size_t n;

	check(adv->version == ADVERT_VERSION && adv->type == ADVERT_TYPE_ADVERT);
	check(adv->vrid != 0 && adv->max_adver_int != 0 &&
	      adv->max_adver_int <= ADVERT_MAX_INT_CS);
	check(adv->count >= 1 && adv->count <= ADVERT_MAX_ADDRS);
	check(adv->family == src->family);
	check(ttl == ADVERT_TTL);

	n = advert_encode(adv, src, dst, buf, sizeof(buf));
	check(n == len);
	/* reserved bits are dropped on decode; otherwise bytes are identical */
	if ((orig[4] & 0xf0) == 0)
		check(memcmp(buf, orig, len) == 0);
	check(advert_decode(buf, n, src, dst, ttl, &again) == ADVERT_OK);
	check(same_advert(adv, &again));
	/* a buffer one byte short is refused, not overrun */
	check(advert_encode(adv, src, dst, buf, n - 1) == 0);
}

static void run_decode(const uint8_t *pkt, size_t len, const struct ipaddr *src,
		       const struct ipaddr *dst, uint8_t ttl, uint8_t flags)
{
	struct advert adv;
	enum advert_reason r;
	uint8_t *copy = NULL;

	/* An exact-size heap copy keeps ASan's bounds checks tight. */
	if ((flags & FLAG_FIX_CSUM) && len >= ADVERT_HDR_LEN) {
		uint16_t c;

		copy = malloc(len);
		if (!copy)
			return;
		memcpy(copy, pkt, len);
		copy[6] = copy[7] = 0;
		c = advert_checksum(src->family, src, dst, copy, len);
		copy[6] = (uint8_t)(c >> 8);
		copy[7] = (uint8_t)c;
		pkt = copy;
	}
	r = advert_decode(pkt, len, src, dst, ttl, &adv);
	check(r < ADVERT_REASON_MAX);
	check(advert_reason_str(r) != NULL);
	if (r == ADVERT_OK) {
		roundtrip(&adv, pkt, len, src, dst, ttl);
		r = advert_check_interval(&adv, (uint16_t)(flags << 4 | ttl));
		check(r == ADVERT_OK || r == ADVERT_ERR_INTERVAL_FAR);
	}
	free(copy);
}

/* The datagram view: with bit 0 of byte 1 (the TOS byte) set, the VRRP
 * checksum in a copy is fixed first, as run_decode does. */
static void run_ip4(const uint8_t *data, size_t size)
{
	struct ipaddr src, dst;
	struct advert adv;
	enum advert_reason r;
	uint8_t *copy = NULL;
	size_t ihl = 0, tot = 0;

	if (size >= 20) {
		ihl = (size_t)(data[0] & 0x0f) * 4;
		tot = (size_t)data[2] << 8 | data[3];
	}
	if (size >= 20 && (data[1] & FLAG_FIX_CSUM) && ihl >= 20 &&
	    tot <= size && tot >= ihl + ADVERT_HDR_LEN) {
		uint16_t c;

		copy = malloc(size);
		if (!copy)
			return;
		memcpy(copy, data, size);
		ipaddr_from_bytes(&src, IPADDR_V4, copy + 12);
		ipaddr_from_bytes(&dst, IPADDR_V4, copy + 16);
		copy[ihl + 6] = copy[ihl + 7] = 0;
		c = advert_checksum(IPADDR_V4, &src, &dst, copy + ihl, tot - ihl);
		copy[ihl + 6] = (uint8_t)(c >> 8);
		copy[ihl + 7] = (uint8_t)c;
		data = copy;
	}
	r = advert_decode_ip4(data, size, &src, &adv);
	check(r < ADVERT_REASON_MAX);
	if (r == ADVERT_OK) {
		/* OK implies a well-formed header; rebuild what the decoder used */
		check(ihl >= 20 && tot <= size && tot > ihl && data[9] == ADVERT_PROTO);
		ipaddr_from_bytes(&dst, IPADDR_V4, data + 16);
		check(src.family == IPADDR_V4 && memcmp(src.a, data + 12, 4) == 0);
		roundtrip(&adv, data + ihl, tot - ihl, &src, &dst, data[8]);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t hdr[HDR] = { 0 };
	struct ipaddr s4, d4, s6, d6;
	const uint8_t *pkt = data + (size < HDR ? size : HDR);
	size_t len = size < HDR ? 0 : size - HDR;

	run_ip4(data, size);

	memcpy(hdr, data, size < HDR ? size : HDR);
	ipaddr_from_bytes(&s4, IPADDR_V4, hdr + 2);
	ipaddr_from_bytes(&d4, IPADDR_V4, hdr + 18);
	ipaddr_from_bytes(&s6, IPADDR_V6, hdr + 2);
	ipaddr_from_bytes(&d6, IPADDR_V6, hdr + 18);
	run_decode(pkt, len, &s4, &d4, hdr[0], hdr[1]);
	run_decode(pkt, len, &s6, &d6, hdr[0], hdr[1]);
	/* mixed families must be refused before the packet is read */
	{
		struct advert adv;

		check(advert_decode(pkt, len, &s4, &d6, hdr[0], &adv) == ADVERT_ERR_FAMILY);
	}
	return 0;
}
