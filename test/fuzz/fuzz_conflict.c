/* fuzz_conflict: libFuzzer target for the conflict detection decoders.
 *
 * The first byte picks the decoder (even: ARP, odd: NA), the rest is one
 * packet. A decoded claim must be of the decoder's family, with the MAC and
 * address taken from where the packet carries them; every claim then goes
 * through the alarm logic (holding, right after a probe round), which must
 * keep its table within bounds. The same bytes, one address each, also make
 * a VIP list and an advert: the binary search over the sorted list answers
 * as the linear one (conflict_lists_vip). Any mismatch abort()s. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/conflict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static int cmp_ip(const void *a, const void *b)
{
	return ipaddr_cmp(a, b);
}

/* Byte b: 198.51.100.b, or 2001:db8::b (low 7 bits) when its top bit is
 * set; the first half of the bytes (up to 64) our VIPs, the rest (up to
 * 255) the advert's list. Few distinct addresses, so matches are common. */
static void check_sorted(const uint8_t *data, size_t size)
{
	static struct advert adv;
	struct ipaddr vips[64], sorted[64], w1, w2;
	size_t nv = size / 2 < 64 ? size / 2 : 64, i;
	bool r1, r2;

	for (i = 0; i < size && i < nv + ADVERT_MAX_ADDRS; i++) {
		struct ipaddr *ip = i < nv ? &vips[i] : &adv.addrs[i - nv];
		uint8_t b = data[i];

		memset(ip, 0, sizeof(*ip));
		if (b & 0x80) {
			ip->family = IPADDR_V6;
			ip->prefixlen = 64;
			ip->a[0] = 0x20, ip->a[1] = 0x01, ip->a[2] = 0x0d, ip->a[3] = 0xb8;
			ip->a[15] = b & 0x7f;
		} else {
			ip->family = IPADDR_V4;
			ip->prefixlen = 24;
			ip->a[0] = 198, ip->a[1] = 51, ip->a[2] = 100, ip->a[3] = b;
		}
	}
	adv.count = (uint8_t)(i - nv);
	memcpy(sorted, vips, nv * sizeof(*vips));
	qsort(sorted, nv, sizeof(*sorted), cmp_ip);
	r1 = conflict_lists_vip(&adv, vips, nv, &w1);
	r2 = conflict_lists_vip_sorted(&adv, sorted, nv, &w2);
	check(r1 == r2 && (!r1 || !memcmp(&w1, &w2, sizeof(w1))));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t ours[CONFLICT_MAC_LEN] = { 2, 0, 0, 0, 0, 1 };
	static struct conflict c;
	struct conflict_claim cl;
	struct ipaddr vips[2], src;
	bool arp;

	if (size < 1)
		return 0;
	arp = !(data[0] & 1);
	data++;
	size--;
	check_sorted(data, size);
	ipaddr_parse("198.51.100.50/24", true, &vips[0]);
	ipaddr_parse("2001:db8:100::50/64", true, &vips[1]);
	ipaddr_parse("fe80::9", false, &src);
	if (arp ? !conflict_parse_arp(data, size, &cl) : !conflict_parse_na(data, size, &src, &cl))
		return 0;
	if (arp) {
		check(size >= 28 && cl.addr.family == IPADDR_V4);
		check(!memcmp(cl.mac, data + 8, CONFLICT_MAC_LEN) && !memcmp(cl.addr.a, data + 14, 4));
	} else {
		check(size >= 24 && cl.addr.family == IPADDR_V6 && !memcmp(cl.addr.a, data + 8, 16));
	}
	conflict_init(&c);
	conflict_hold(&c, 1000000, true);
	conflict_probed(&c, 2000000, 0);
	conflict_learn(&c, 2000001, &cl, vips, 2);
	conflict_seen(&c, 2000002, &cl, ours, vips, 2, false);
	check(c.n <= CONFLICT_ALARMS_MAX);
	return 0;
}
