/* fuzz_conflict: libFuzzer target for the conflict detection decoders.
 *
 * The first byte picks the decoder (even: ARP, odd: NA), the rest is one
 * packet. A decoded claim must be of the decoder's family, with the MAC and
 * address taken from where the packet carries them; every claim then goes
 * through the alarm logic (holding, right after a probe round), which must
 * keep its table within bounds. Any mismatch abort()s. */
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
