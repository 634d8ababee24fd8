/* test_conflict: which answers count as an address conflict, the probe
 * schedule, misconfigured peers, VIPs that vanish (re-add rate limit),
 * the quiet period that clears every alarm. */
#include "core/conflict.h"
#include "cu_main.h"
#include "cu_eq.h"

#include <stdio.h>
#include <string.h>

#define MS 1000ull
#define SEC 1000000ull
#define T0 SEC

static const uint8_t OURS[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t OTHER[6] = { 0x02, 0, 0, 0, 0, 0x09 };

static struct ipaddr ip(const char *s)
{
	struct ipaddr a;

	CU_ASSERT_FATAL(ipaddr_parse(s, true, &a) == 0);
	return a;
}

static struct ipaddr vips[2];

static void setup(struct conflict *c)
{
	vips[0] = ip("198.51.100.50/24");
	vips[1] = ip("2001:db8:100::50/64");
	conflict_init(c);
	conflict_set_mdi(c, 361 * MS);
}

static struct conflict_claim claim(const char *addr, const uint8_t *mac, bool answer)
{
	struct conflict_claim cl;

	memset(&cl, 0, sizeof(cl));
	cl.addr = ip(addr);
	memcpy(cl.mac, mac, 6);
	cl.answer = answer;
	return cl;
}

static struct conflict_note seen(struct conflict *c, uint64_t now, const char *addr,
				 const uint8_t *mac, bool answer)
{
	struct conflict_claim cl = claim(addr, mac, answer);

	return conflict_seen(c, now, &cl, OURS, vips, 2, false);
}

/* Holding the VIPs: first round 1 s later, then every 10 s +- 1 s. */
static void test_probe_schedule(void)
{
	struct conflict c;

	setup(&c);
	EQU(conflict_next_deadline(&c), 0);
	CU_ASSERT(!conflict_probe_due(&c, T0));
	conflict_hold(&c, T0, true);
	EQU(conflict_next_deadline(&c), T0 + SEC);
	CU_ASSERT(!conflict_probe_due(&c, T0 + SEC - 1));
	CU_ASSERT(conflict_probe_due(&c, T0 + SEC));
	conflict_probed(&c, T0 + SEC, 0);
	EQU(conflict_next_deadline(&c), T0 + SEC + 9 * SEC);
	conflict_probed(&c, T0 + 10 * SEC, 2 * SEC);
	EQU(conflict_next_deadline(&c), T0 + 10 * SEC + 11 * SEC);
	conflict_probed(&c, T0 + 21 * SEC, 2 * SEC + 1);        /* wraps to -1 s */
	EQU(conflict_next_deadline(&c), T0 + 21 * SEC + 9 * SEC);
	/* Released: no more rounds. */
	conflict_hold(&c, T0 + 22 * SEC, false);
	CU_ASSERT(!conflict_probe_due(&c, T0 + 40 * SEC));
	EQU(conflict_next_deadline(&c), 0);
}

/* Only an answer from another MAC within 2 s of a round, for a VIP we
 * hold, counts; the alarm names the MAC and, once learnt, the address. */
static void test_answers(void)
{
	struct conflict c;
	struct conflict_note n;
	struct conflict_claim cl;
	struct ipaddr other = ip("198.51.100.9");
	char m[18];

	setup(&c);
	/* Not holding: nothing. */
	n = seen(&c, T0, "198.51.100.50", OTHER, true);
	CU_ASSERT(!n.alarm);
	conflict_hold(&c, T0, true);
	cl = claim("198.51.100.9", OTHER, false);         /* its ARP request */
	conflict_learn(&c, T0, &cl, vips, 2);
	cl = claim("198.51.100.50", OTHER, true);         /* a VIP: not learnt */
	conflict_learn(&c, T0, &cl, vips, 2);
	/* An answer before any round: brings a round forward, no alarm. */
	n = seen(&c, T0 + 100 * MS, "198.51.100.50", OTHER, true);
	CU_ASSERT(!n.alarm);
	EQU(conflict_next_deadline(&c), T0 + 300 * MS);
	conflict_probed(&c, T0 + 300 * MS, 0);
	/* Our own MAC, a zero MAC, an address that is not ours: nothing. */
	CU_ASSERT(!seen(&c, T0 + 301 * MS, "198.51.100.50", OURS, true).alarm);
	CU_ASSERT(!seen(&c, T0 + 301 * MS, "198.51.100.50", (const uint8_t[6]){ 0 }, true).alarm);
	CU_ASSERT(!seen(&c, T0 + 301 * MS, "198.51.100.51", OTHER, true).alarm);
	/* An answer: alarm raised, named, counted, logged. */
	n = seen(&c, T0 + 302 * MS, "198.51.100.50", OTHER, true);
	CU_ASSERT_FATAL(n.alarm != NULL);
	CU_ASSERT(n.raised && n.log);
	EQU(n.alarm->kind, CONFLICT_ADDR);
	EQS(conflict_kind_str(n.alarm->kind), "conflict");
	EQS(conflict_mac_str(n.alarm->mac, m, sizeof(m)), "02:00:00:00:00:09");
	CU_ASSERT(ipaddr_eq(&n.alarm->from, &other));
	EQU(n.alarm->count, 1);
	EQU(c.stats.conflicts, 1);
	/* The next answer refreshes it without a new warning. */
	n = seen(&c, T0 + 400 * MS, "198.51.100.50", OTHER, true);
	CU_ASSERT(n.alarm && !n.raised && !n.log);
	EQU(n.alarm->count, 2);
	EQU(c.n, 1);
	/* Later than 2 s after the round: only a round brought forward. */
	n = seen(&c, T0 + 2400 * MS, "198.51.100.50", OTHER, true);
	CU_ASSERT(!n.alarm);
	EQU(c.next_probe, T0 + 2600 * MS);
	/* IPv6: the NA's source names the host. */
	conflict_probed(&c, T0 + 2600 * MS, 0);
	cl = claim("2001:db8:100::50", OTHER, true);
	cl.from = ip("fe80::9");
	n = conflict_seen(&c, T0 + 2601 * MS, &cl, OURS, vips, 2, false);
	CU_ASSERT_FATAL(n.alarm != NULL);
	CU_ASSERT(n.raised);
	CU_ASSERT(ipaddr_eq(&n.alarm->from, &cl.from));
	EQU(c.n, 2);
	/* Answers come a round at a time: the alarm stands two rounds. */
	EQU(conflict_next_deadline(&c), T0 + 2600 * MS + 9 * SEC);     /* the next round */
	conflict_probed(&c, T0 + 11600 * MS, 2 * SEC);
	EQU(conflict_next_deadline(&c), T0 + 400 * MS + 22 * SEC);      /* IPv4 alarm expires */
	/* The warning repeats after a minute, with what it left unsaid. */
	conflict_probed(&c, T0 + 62 * SEC, 0);
	n = seen(&c, T0 + 62 * SEC + 1, "198.51.100.50", OTHER, true);
	CU_ASSERT(n.log && !n.raised);
	EQU(n.unlogged, 1);
}

/* A gratuitous ARP from another MAC (a new master's, in a handover) and an
 * answer while a preempted peer is still releasing never raise an alarm:
 * they bring a round forward, at least 1 s after the last one. */
static void test_claims_only_probe(void)
{
	struct conflict c;
	struct conflict_claim cl = claim("198.51.100.50", OTHER, true);
	struct conflict_note n;

	setup(&c);
	conflict_hold(&c, T0, true);
	conflict_probed(&c, T0 + SEC, 0);
	n = seen(&c, T0 + 1100 * MS, "198.51.100.50", OTHER, false);
	CU_ASSERT(!n.alarm);
	EQU(c.next_probe, T0 + 2 * SEC);        /* gap of 1 s to the last round */
	n = conflict_seen(&c, T0 + 1200 * MS, &cl, OURS, vips, 2, true);
	CU_ASSERT(!n.alarm);
	EQU(c.stats.conflicts, 0);
	/* A flood of claims: still one round a second at most. */
	for (int i = 0; i < 1000; i++)
		seen(&c, T0 + 1200 * MS + (uint64_t)i * MS, "198.51.100.50", OTHER, false);
	EQU(c.next_probe, T0 + 2 * SEC);
}

/* Misconfigured peers: one alarm per peer and reason, refreshed by every
 * advert, counted; cleared after the quiet period. */
static void test_peer(void)
{
	struct conflict c;
	struct conflict_note n;
	struct conflict_alarm gone[4];
	struct ipaddr p = ip("198.51.100.2");

	setup(&c);
	n = conflict_peer(&c, T0, &p, CONFLICT_R_INTERVAL_FAR, "advertises 1000 ms, ours 100 ms", SEC);
	CU_ASSERT(n.raised && n.log);
	EQS(conflict_reason_str(n.alarm->reason), "interval_far");
	EQS(n.alarm->detail, "advertises 1000 ms, ours 100 ms");
	for (int i = 1; i <= 20; i++) {
		n = conflict_peer(&c, T0 + (uint64_t)i * SEC, &p, CONFLICT_R_INTERVAL_FAR,
				  "advertises 1000 ms, ours 100 ms", SEC);
		CU_ASSERT(!n.raised && !n.log);
	}
	EQU(n.alarm->count, 21);
	EQU(n.alarm->since, T0);
	n = conflict_peer(&c, T0 + 21 * SEC, &p, CONFLICT_R_OTHER_VRID, "VRID 52 lists 198.51.100.50",
			  SEC);
	CU_ASSERT(n.raised);
	EQU(c.n, 2);
	EQU(c.stats.misconfigured_peer, 22);
	/* Quiet period: max(3 x 361 ms, 10 s) = 10 s. */
	EQU(conflict_next_deadline(&c), T0 + 30 * SEC);
	EQU(conflict_expire(&c, T0 + 30 * SEC - 1, gone, 4), 0);
	EQU(conflict_expire(&c, T0 + 30 * SEC, gone, 4), 1);
	EQU(gone[0].reason, CONFLICT_R_INTERVAL_FAR);
	EQU(c.n, 1);
	EQU(conflict_expire(&c, T0 + 31 * SEC, gone, 4), 1);
	EQU(c.n, 0);
	/* A long Master_Down_Interval stretches the quiet period. */
	conflict_set_mdi(&c, 4 * SEC);
	conflict_peer(&c, T0, &p, CONFLICT_R_AUTH, NULL, SEC);
	EQU(conflict_next_deadline(&c), T0 + 12 * SEC);
	/* A peer advertising every 40.95 s: its alarm outlives two of them. */
	conflict_peer(&c, T0, &p, CONFLICT_R_INTERVAL_FAR, "x", 40950 * MS);
	EQU(conflict_next_deadline(&c), T0 + 12 * SEC);
	EQU(conflict_expire(&c, T0 + 12 * SEC, gone, 4), 1);
	EQU(conflict_next_deadline(&c), T0 + 81900 * MS);
}

/* A VIP removed while held: re-added at most 5 times in 10 s, then the
 * alarm stands (said once) until the window allows the next try; cleared
 * once back and quiet; gone with the role. */
static void test_vip_gone(void)
{
	struct conflict c;
	struct conflict_note n;
	struct conflict_alarm gone[2];
	const struct conflict_alarm *a;
	struct ipaddr v = ip("198.51.100.51/24");
	int i;

	setup(&c);
	n = conflict_vip_gone(&c, T0, &v);
	CU_ASSERT(!n.alarm && !n.readd);        /* not holding */
	conflict_hold(&c, T0, true);
	for (i = 0; i < 5; i++) {
		n = conflict_vip_gone(&c, T0 + (uint64_t)i * SEC, &v);
		CU_ASSERT(n.readd && !n.limited);
		CU_ASSERT(n.raised == (i == 0));
		conflict_vip_back(&c, &v);
	}
	EQU(c.stats.vip_readded, 5);
	n = conflict_vip_gone(&c, T0 + 5 * SEC, &v);
	CU_ASSERT(!n.readd && n.limited);
	n = conflict_vip_gone(&c, T0 + 6 * SEC, &v);
	CU_ASSERT(!n.readd && !n.limited);      /* said once */
	EQU(n.alarm->readded, 5);
	EQU(n.alarm->count, 7);
	/* Missing: never cleared; retried when the first re-add leaves the window. */
	EQU(conflict_expire(&c, T0 + 60 * SEC, gone, 2), 0);
	CU_ASSERT(conflict_vip_retry(&c, T0 + 10 * SEC - 1) == NULL);
	EQU(conflict_next_deadline(&c), T0 + SEC);      /* the probe round comes first */
	conflict_probed(&c, T0 + SEC, 0);
	EQU(conflict_next_deadline(&c), T0 + 10 * SEC);
	a = conflict_vip_retry(&c, T0 + 10 * SEC);
	CU_ASSERT_FATAL(a != NULL);
	EQU(a->readded, 6);
	CU_ASSERT(conflict_vip_retry(&c, T0 + 10 * SEC) == NULL);
	/* A failed re-add is tried again a second later. */
	conflict_probed(&c, T0 + 10 * SEC, 2 * SEC);
	EQU(conflict_next_deadline(&c), T0 + 11 * SEC);
	CU_ASSERT(conflict_vip_retry(&c, T0 + 11 * SEC) != NULL);
	conflict_vip_back(&c, &v);
	EQU(c.stats.vip_readded, 7);
	/* Back and quiet for 10 s after the last removal: cleared. */
	EQU(conflict_expire(&c, T0 + 16 * SEC - 1, gone, 2), 0);
	EQU(conflict_expire(&c, T0 + 16 * SEC, gone, 2), 1);
	EQU(gone[0].kind, CONFLICT_VIP_MISSING);
	/* Released while missing: the alarm goes with the role. */
	conflict_vip_gone(&c, T0 + 20 * SEC, &v);
	EQU(c.n, 1);
	conflict_hold(&c, T0 + 21 * SEC, false);
	EQU(c.n, 0);
}

/* A full table gives up the alarm heard of least recently. */
static void test_full_table(void)
{
	struct conflict c;
	char buf[32];
	int i;

	setup(&c);
	for (i = 0; i < CONFLICT_ALARMS_MAX + 2; i++) {
		struct ipaddr p;

		snprintf(buf, sizeof(buf), "198.51.100.%d", 100 + i);
		p = ip(buf);
		conflict_peer(&c, T0 + (uint64_t)i, &p, CONFLICT_R_INTERVAL_FAR, "x", SEC);
	}
	EQU(c.n, CONFLICT_ALARMS_MAX);
	snprintf(buf, sizeof(buf), "198.51.100.%d", 102);
	struct ipaddr third = ip(buf);

	CU_ASSERT(ipaddr_eq(&c.alarm[0].addr, &third));
}

/* Another VRID's advert that lists one of our VIPs. */
static void test_lists_vip(void)
{
	struct advert adv;
	struct ipaddr which;

	setup(&(struct conflict){ 0 });
	memset(&adv, 0, sizeof(adv));
	adv.count = 2;
	adv.addrs[0] = ip("198.51.100.60");
	adv.addrs[1] = ip("198.51.100.50");
	CU_ASSERT(conflict_lists_vip(&adv, vips, 2, &which));
	CU_ASSERT(ipaddr_eq(&which, &vips[0]));
	adv.count = 1;
	CU_ASSERT(!conflict_lists_vip(&adv, vips, 2, &which));
	/* sorted: the same answers, first listed first */
	{
		struct ipaddr s[3] = { ip("198.51.100.10"), ip("198.51.100.50"),
				       ip("198.51.100.90") };

		adv.count = 2;
		CU_ASSERT(!conflict_lists_vip_sorted(&adv, s, 1, &which));
		CU_ASSERT(conflict_lists_vip_sorted(&adv, s, 3, &which));
		CU_ASSERT(ipaddr_eq(&which, &s[1]));
		adv.addrs[0] = ip("198.51.100.90");
		CU_ASSERT(conflict_lists_vip_sorted(&adv, s, 3, &which));
		CU_ASSERT(ipaddr_eq(&which, &s[2]));
		adv.count = 0;
		CU_ASSERT(!conflict_lists_vip_sorted(&adv, s, 3, &which));
	}
}

/* The wire: ARP as an AF_PACKET datagram socket returns it, NA as a raw
 * ICMPv6 socket does. */
static void test_parse(void)
{
	uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 2,             /* reply */
			    2, 0, 0, 0, 0, 9, 198, 51, 100, 50,  /* sender */
			    2, 0, 0, 0, 0, 1, 0, 0, 0, 0 };       /* target 0.0.0.0 */
	uint8_t na[32] = { 136, 0, 0, 0, 0x60, 0, 0, 0,          /* S, O */
			   0x20, 0x01, 0x0d, 0xb8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x50,
			   2, 1, 2, 0, 0, 0, 0, 9 };              /* TLLA */
	struct conflict_claim cl;
	struct ipaddr src = ip("fe80::9");
	struct conflict c;
	char m[18];

	setup(&c);
	CU_ASSERT_FATAL(conflict_parse_arp(arp, sizeof(arp), &cl));
	CU_ASSERT(cl.answer);
	CU_ASSERT(ipaddr_eq(&cl.addr, &vips[0]));
	EQS(conflict_mac_str(cl.mac, m, sizeof(m)), "02:00:00:00:00:09");
	arp[27] = 7;            /* a reply to someone's request: a claim */
	CU_ASSERT(conflict_parse_arp(arp, sizeof(arp), &cl) && !cl.answer);
	arp[7] = 1;             /* a request (gratuitous ARP): a claim */
	CU_ASSERT(conflict_parse_arp(arp, sizeof(arp), &cl) && !cl.answer);
	arp[14] = 0;            /* from 0.0.0.0 (someone's probe) */
	memset(arp + 14, 0, 4);
	CU_ASSERT(!conflict_parse_arp(arp, sizeof(arp), &cl));
	CU_ASSERT(!conflict_parse_arp(arp, 27, &cl));
	arp[3] = 0xdd;          /* not IPv4 */
	CU_ASSERT(!conflict_parse_arp(arp, sizeof(arp), &cl));

	CU_ASSERT_FATAL(conflict_parse_na(na, sizeof(na), &src, &cl));
	CU_ASSERT(cl.answer);
	CU_ASSERT(ipaddr_eq(&cl.addr, &vips[1]));
	CU_ASSERT(ipaddr_eq(&cl.from, &src));
	EQS(conflict_mac_str(cl.mac, m, sizeof(m)), "02:00:00:00:00:09");
	na[4] = 0x20;           /* unsolicited: a claim */
	CU_ASSERT(conflict_parse_na(na, sizeof(na), &src, &cl) && !cl.answer);
	CU_ASSERT(!conflict_parse_na(na, 24, &src, &cl));       /* no TLLA */
	na[25] = 0;             /* option length 0 */
	CU_ASSERT(!conflict_parse_na(na, sizeof(na), &src, &cl));
	na[25] = 1;
	na[0] = 135;            /* an NS */
	CU_ASSERT(!conflict_parse_na(na, sizeof(na), &src, &cl));
}

static CU_TestInfo conflict_tests[] = {
	{ "ARP and NA decoding", test_parse },
	{ "probe schedule", test_probe_schedule },
	{ "answers from another MAC raise a conflict", test_answers },
	{ "claims only bring a probe round forward", test_claims_only_probe },
	{ "misconfigured peers", test_peer },
	{ "VIP removed: re-added, rate-limited, cleared", test_vip_gone },
	{ "full table", test_full_table },
	{ "another VRID lists our VIP", test_lists_vip },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "conflict", NULL, NULL, NULL, NULL, conflict_tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
