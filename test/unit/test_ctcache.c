/* Unit tests for the external conntrack cache (hamgr/core/ctcache.c):
 * update, destroy, stale messages, TCP info kept, overflow, dump sweep,
 * iteration, and a random run against a plain array model (which also
 * exercises the backward-shift deletion with colliding homes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctcache.h"
#include "cu_main.h"

static struct ctmsg_entry mk(uint32_t n, uint8_t proto)
{
	struct ctmsg_entry e;

	memset(&e, 0, sizeof(e));
	e.orig.family = e.reply.family = 4;
	e.orig.proto = e.reply.proto = proto;
	e.orig.src[0] = 192, e.orig.src[1] = 0, e.orig.src[2] = 2;
	e.orig.src[3] = (uint8_t)(n >> 16);
	e.orig.dst[0] = 198, e.orig.dst[1] = 51, e.orig.dst[2] = 100, e.orig.dst[3] = 1;
	e.orig.sport = (uint16_t)n;
	e.orig.dport = 80;
	ctmsg_tuple_invert(&e.orig, &e.reply);
	e.status = 0xe;
	e.timeout = 120;
	if (proto == 6) {
		e.flags = CTMSG_E_TCP;
		e.tcp_state = 3;
		e.wscale_orig = e.wscale_reply = 7;
	}
	return e;
}

static struct ctcache_slot slots[1024];

static void test_update_destroy(void)
{
	struct ctcache c;
	struct ctmsg_entry a = mk(1, 6), b = mk(2, 17), a2;
	const struct ctcache_slot *s;

	CU_ASSERT_EQUAL(ctcache_slots_for(100), 256);
	CU_ASSERT_EQUAL(ctcache_slots_for(1), 2);
	CU_ASSERT_EQUAL(ctcache_slots_for(0), 0);
	CU_ASSERT_EQUAL(ctcache_init(&c, slots, 1000, 10, 1), -1);
	CU_ASSERT_EQUAL(ctcache_init(&c, slots, 1024, 100, 42), 0);
	CU_ASSERT_EQUAL(ctcache_update(&c, &a, 1), CTCACHE_NEW);
	CU_ASSERT_EQUAL(ctcache_update(&c, &b, 2), CTCACHE_NEW);
	CU_ASSERT_EQUAL(c.n, 2);
	s = ctcache_find(&c, &a.orig);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->e.tcp_state, 3);
	/* an update without TCP info keeps what the entry had */
	a2 = a;
	a2.flags = 0;
	a2.tcp_state = a2.wscale_orig = a2.wscale_reply = 0;
	a2.status = 0x1e;
	CU_ASSERT_EQUAL(ctcache_update(&c, &a2, 3), CTCACHE_CHANGED);
	s = ctcache_find(&c, &a.orig);
	CU_ASSERT_EQUAL(s->e.status, 0x1e);
	CU_ASSERT_EQUAL(s->e.flags, CTMSG_E_TCP);
	CU_ASSERT_EQUAL(s->e.wscale_orig, 7);
	CU_ASSERT_EQUAL(s->seq, 3);
	/* older messages change nothing */
	a2.status = 0x2;
	CU_ASSERT_EQUAL(ctcache_update(&c, &a2, 2), CTCACHE_STALE);
	CU_ASSERT_EQUAL(ctcache_find(&c, &a.orig)->e.status, 0x1e);
	CU_ASSERT_EQUAL(ctcache_destroy(&c, &a.orig, 2), CTCACHE_STALE);
	CU_ASSERT_EQUAL(ctcache_destroy(&c, &a.orig, 4), CTCACHE_REMOVED);
	CU_ASSERT_EQUAL(ctcache_destroy(&c, &a.orig, 5), CTCACHE_ABSENT);
	CU_ASSERT_PTR_NULL(ctcache_find(&c, &a.orig));
	CU_ASSERT_EQUAL(c.n, 1);
	CU_ASSERT_EQUAL(c.count[CTCACHE_NEW], 2);
	CU_ASSERT_EQUAL(c.count[CTCACHE_STALE], 2);
	CU_ASSERT_STRING_EQUAL(ctcache_result_str(CTCACHE_FULL), "full");
	CU_ASSERT_STRING_EQUAL(ctcache_result_str(CTCACHE_RESULT_MAX), "unknown");
	ctcache_clear(&c);
	CU_ASSERT_EQUAL(c.n, 0);
	CU_ASSERT_PTR_NULL(ctcache_find(&c, &b.orig));
}

static void test_overflow(void)
{
	struct ctcache c;
	struct ctmsg_entry e;
	uint32_t i;

	CU_ASSERT_EQUAL(ctcache_init(&c, slots, 64, 1000, 7), 0);
	CU_ASSERT_EQUAL(c.max, 32);
	for (i = 0; i < 40; i++) {
		e = mk(i, 17);
		CU_ASSERT_EQUAL(ctcache_update(&c, &e, i + 1), i < 32 ? CTCACHE_NEW : CTCACHE_FULL);
	}
	CU_ASSERT_EQUAL(c.n, 32);
	CU_ASSERT_EQUAL(c.count[CTCACHE_FULL], 8);
	e = mk(3, 17);       /* a known tuple is still updated when full */
	CU_ASSERT_EQUAL(ctcache_update(&c, &e, 100), CTCACHE_CHANGED);
}

static void test_sweep_iterate(void)
{
	struct ctcache c;
	struct ctmsg_entry e;
	const struct ctcache_slot *s;
	size_t cur = 0, seen = 0;
	uint32_t i, gen;

	CU_ASSERT_EQUAL(ctcache_init(&c, slots, 256, 128, 99), 0);
	for (i = 0; i < 100; i++) {
		e = mk(i, 6);
		ctcache_update(&c, &e, i + 1);
	}
	while ((s = ctcache_next(&c, &cur)) != NULL)
		seen++;
	CU_ASSERT_EQUAL(seen, 100);
	/* a dump that mentions the even ones only */
	gen = ctcache_begin_dump(&c);
	for (i = 0; i < 100; i += 2) {
		e = mk(i, 6);
		CU_ASSERT_EQUAL(ctcache_update(&c, &e, 200 + i), CTCACHE_CHANGED);
	}
	CU_ASSERT_EQUAL(ctcache_sweep(&c, gen), 50);
	CU_ASSERT_EQUAL(c.n, 50);
	for (i = 0; i < 100; i++) {
		e = mk(i, 6);
		CU_ASSERT_EQUAL(ctcache_find(&c, &e.orig) != NULL, i % 2 == 0);
	}
}

/* Many operations on a small table (homes collide, runs wrap around the
 * end) against a model: after each one every key is where it should be. */
static void test_random_model(void)
{
	enum { KEYS = 48, CAP = 64 };
	bool model[KEYS];
	struct ctcache c;
	struct ctmsg_entry e;
	uint32_t x = 777, i, k;
	uint64_t seq = 0;

	memset(model, 0, sizeof(model));
	CU_ASSERT_EQUAL(ctcache_init(&c, slots, CAP, CAP / 2, 5), 0);
	for (i = 0; i < 200000; i++) {
		size_t n = 0;

		x = x * 1103515245u + 12345u;
		k = (x >> 8) % KEYS;
		e = mk(k, 17);
		if ((x >> 20) % 3) {
			enum ctcache_result r = ctcache_update(&c, &e, ++seq);

			if (r == CTCACHE_NEW)
				model[k] = true;
			CU_ASSERT_TRUE(r == CTCACHE_NEW || r == CTCACHE_CHANGED || r == CTCACHE_FULL);
			CU_ASSERT_TRUE(r != CTCACHE_FULL || !model[k]);
		} else {
			enum ctcache_result r = ctcache_destroy(&c, &e.orig, ++seq);

			CU_ASSERT_EQUAL(r, model[k] ? CTCACHE_REMOVED : CTCACHE_ABSENT);
			model[k] = false;
		}
		if (i % 97 == 0) {
			for (k = 0; k < KEYS; k++) {
				e = mk(k, 17);
				CU_ASSERT_EQUAL(ctcache_find(&c, &e.orig) != NULL, model[k]);
				n += model[k];
			}
			CU_ASSERT_EQUAL(c.n, n);
		}
		if (i % 5001 == 0) {
			uint32_t gen = ctcache_begin_dump(&c);

			for (k = 0; k < KEYS; k += 3)
				if (model[k]) {
					e = mk(k, 17);
					ctcache_update(&c, &e, ++seq);
				}
			ctcache_sweep(&c, gen);
			for (k = 0; k < KEYS; k++)
				model[k] = model[k] && k % 3 == 0;
		}
	}
}

static CU_TestInfo tests[] = {
	{ "update, destroy, stale", test_update_destroy },
	{ "overflow", test_overflow },
	{ "dump sweep, iterate", test_sweep_iterate },
	{ "random against a model", test_random_model },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "ctcache", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
