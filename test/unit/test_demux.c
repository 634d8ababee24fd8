/* test_demux: the (interface, family, VRID) -> instance table that
 * vrrp_rx.c dispatches adverts with. */
#include "core/demux.h"
#include "core/ipaddr.h"
#include "cu_main.h"

#include <stdlib.h>
#include <string.h>

#define V4 IPADDR_V4
#define V6 IPADDR_V6

/* The ids found for a key, in table order, into out; returns the count. */
static size_t ids(const struct demux *d, int ifindex, uint8_t fam, int vrid, uint32_t *out)
{
	size_t first, n = vrid < 0 ? demux_link(d, ifindex, fam, &first)
				   : demux_find(d, ifindex, fam, (uint8_t)vrid, &first);

	for (size_t i = 0; i < n; i++)
		out[i] = d->e[first + i].id;
	return n;
}

static void test_basic(void)
{
	struct demux_entry st[8];
	struct demux d;
	uint32_t o[8];

	demux_init(&d, st, 8);
	CU_ASSERT(ids(&d, 2, V4, 51, o) == 0);
	CU_ASSERT(demux_add(&d, 2, V4, 51, 0) == 0);
	CU_ASSERT(demux_add(&d, 2, V4, 52, 1) == 0);
	CU_ASSERT(demux_add(&d, 3, V4, 51, 2) == 0);
	CU_ASSERT(demux_add(&d, 2, V6, 51, 3) == 0);
	/* The same VRID on another interface or family is another key. */
	CU_ASSERT(ids(&d, 2, V4, 51, o) == 1 && o[0] == 0);
	CU_ASSERT(ids(&d, 3, V4, 51, o) == 1 && o[0] == 2);
	CU_ASSERT(ids(&d, 2, V6, 51, o) == 1 && o[0] == 3);
	CU_ASSERT(ids(&d, 2, V6, 52, o) == 0);
	CU_ASSERT(ids(&d, 4, V4, 51, o) == 0);
	/* A VRID nobody has: every instance of the interface and family. */
	CU_ASSERT(ids(&d, 2, V4, -1, o) == 2 && o[0] == 0 && o[1] == 1);
	CU_ASSERT(ids(&d, 2, V6, -1, o) == 1 && o[0] == 3);
	CU_ASSERT(ids(&d, 9, V4, -1, o) == 0);
	/* The same entry twice is refused; the same key with another id
	 * (a reload's replacement beside the old instance) is not. */
	CU_ASSERT(demux_add(&d, 2, V4, 51, 0) == -1);
	CU_ASSERT(demux_add(&d, 2, V4, 51, 7) == 0);
	CU_ASSERT(ids(&d, 2, V4, 51, o) == 2 && o[0] == 0 && o[1] == 7);
	CU_ASSERT(demux_del(&d, 2, V4, 51, 0));
	CU_ASSERT(!demux_del(&d, 2, V4, 51, 0));
	CU_ASSERT(!demux_del(&d, 2, V4, 52, 7));
	CU_ASSERT(ids(&d, 2, V4, 51, o) == 1 && o[0] == 7);
	CU_ASSERT(d.n == 4);
}

static void test_full_and_move(void)
{
	struct demux_entry small[2], *big = calloc(300, sizeof(*big));
	struct demux d;
	uint32_t o[4];

	CU_ASSERT_FATAL(big != NULL);
	demux_init(&d, small, 2);
	CU_ASSERT(demux_add(&d, 1, V4, 1, 1) == 0);
	CU_ASSERT(demux_add(&d, 1, V4, 2, 2) == 0);
	CU_ASSERT(demux_add(&d, 1, V4, 3, 3) == -1);
	CU_ASSERT(demux_move(&d, big, 1) == -1);
	CU_ASSERT(demux_move(&d, big, 300) == 0);
	for (unsigned v = 3; v <= 255; v++)
		CU_ASSERT(demux_add(&d, 1, V4, (uint8_t)v, v) == 0);
	CU_ASSERT(d.n == 255);
	for (unsigned v = 1; v <= 255; v++)
		CU_ASSERT(ids(&d, 1, V4, (int)v, o) == 1 && o[0] == v);
	free(big);
}

/* Random adds and removes against a plain list: every lookup agrees. */
static void test_random(void)
{
	enum { N = 400 };
	struct demux_entry st[N], ref[N];
	size_t nref = 0, round;
	struct demux d;
	unsigned seed = 12345;

	demux_init(&d, st, N);
	for (round = 0; round < 20000; round++) {
		int ifx, fam, vrid;
		uint32_t id;
		size_t i, want = 0, first, got;

		seed = seed * 1103515245u + 12345u;
		ifx = 1 + (int)(seed >> 8) % 4;
		fam = (seed >> 12) & 1 ? V6 : V4;
		vrid = 1 + (int)((seed >> 16) % 8);
		id = (seed >> 20) % 6;
		if ((seed >> 28) & 1) {
			bool have = false;

			for (i = 0; i < nref; i++)
				have |= ref[i].ifindex == ifx && ref[i].family == fam &&
					ref[i].vrid == vrid && ref[i].id == id;
			if (!have && nref < N) {
				CU_ASSERT(demux_add(&d, ifx, (uint8_t)fam, (uint8_t)vrid, id) == 0);
				ref[nref++] = (struct demux_entry){ ifx, (uint8_t)fam,
								    (uint8_t)vrid, id };
			}
		} else {
			bool had = false;

			for (i = 0; i < nref && !had; i++)
				if (ref[i].ifindex == ifx && ref[i].family == fam &&
				    ref[i].vrid == vrid && ref[i].id == id) {
					ref[i] = ref[--nref];
					had = true;
				}
			CU_ASSERT(demux_del(&d, ifx, (uint8_t)fam, (uint8_t)vrid, id) == had);
		}
		for (i = 0; i < nref; i++)
			want += ref[i].ifindex == ifx && ref[i].family == fam && ref[i].vrid == vrid;
		got = demux_find(&d, ifx, (uint8_t)fam, (uint8_t)vrid, &first);
		CU_ASSERT(got == want);
		for (i = first; i < first + got; i++)
			CU_ASSERT(d.e[i].ifindex == ifx && d.e[i].family == fam &&
				  d.e[i].vrid == vrid);
		want = 0;
		for (i = 0; i < nref; i++)
			want += ref[i].ifindex == ifx && ref[i].family == fam;
		CU_ASSERT(demux_link(&d, ifx, (uint8_t)fam, &first) == want);
		CU_ASSERT(d.n == nref);
	}
}

static CU_TestInfo tests[] = {
	{ "keys, other VRIDs, duplicates", test_basic },
	{ "full table, moved to larger storage", test_full_and_move },
	{ "random adds and removes against a list", test_random },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "demux", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
