/* test_rxstats: the receive path's counters (vrrp_receive in the status,
 * hamgr_rx_* in the metrics). */
#include "core/rxstats.h"
#include "cu_main.h"

static void test_reads(void)
{
	struct vrrp_rx_stats s = { 0 };

	CU_ASSERT(rxstats_per_batch(&s) == 0);      /* no read yet: no division */
	rxstats_read(&s, 1, false);
	rxstats_read(&s, 32, true);
	rxstats_read(&s, 0, false);                 /* nothing queued: no batch */
	rxstats_read(&s, -11, false);               /* EAGAIN never gets here; others count */
	rxstats_read(&s, 5, false);
	CU_ASSERT_EQUAL(s.packets, 38);
	CU_ASSERT_EQUAL(s.batches, 3);
	CU_ASSERT_EQUAL(s.full_batches, 1);
	CU_ASSERT_EQUAL(s.read_errors, 1);
	CU_ASSERT_DOUBLE_EQUAL(rxstats_per_batch(&s), 38.0 / 3, 1e-9);
	/* a full batch whose packets were all skipped (IPv6 group on a socket
	 * that did not join) still says more may be queued */
	rxstats_read(&s, 0, true);
	CU_ASSERT_EQUAL(s.batches, 3);
	CU_ASSERT_EQUAL(s.full_batches, 1);
}

static void test_deferred(void)
{
	struct vrrp_rx_stats s = { 0 };

	rxstats_wakeup_end(&s, false);
	rxstats_wakeup_end(&s, true);
	rxstats_wakeup_end(&s, false);
	CU_ASSERT_EQUAL(s.deferred, 1);
}

static void test_kernel_drops(void)
{
	struct vrrp_rx_stats s = { 0 };
	uint32_t a = 0, b = 0;

	rxstats_kernel_drops(&s, &a, 0);            /* none reported yet */
	CU_ASSERT_EQUAL(s.kernel_drops, 0);
	rxstats_kernel_drops(&s, &a, 7);            /* the first report: all new */
	rxstats_kernel_drops(&s, &a, 7);            /* the same again: nothing new */
	CU_ASSERT_EQUAL(s.kernel_drops, 7);
	rxstats_kernel_drops(&s, &b, 3);            /* another socket, its own count */
	rxstats_kernel_drops(&s, &a, 10);
	CU_ASSERT_EQUAL(s.kernel_drops, 13);
	CU_ASSERT_EQUAL(a, 10);
	CU_ASSERT_EQUAL(b, 3);
	/* the kernel's 32-bit counter wraps: 5 before the wrap, 4 after */
	a = 0xfffffffbu;
	rxstats_kernel_drops(&s, &a, 4);
	CU_ASSERT_EQUAL(s.kernel_drops, 13 + 9);
	/* a socket closed and reopened starts from 0 again: the total stays */
	b = 0;
	rxstats_kernel_drops(&s, &b, 2);
	CU_ASSERT_EQUAL(s.kernel_drops, 13 + 9 + 2);
}

static CU_TestInfo tests[] = {
	{ "reads, batches, full batches, errors", test_reads },
	{ "wakeups that left packets queued", test_deferred },
	{ "kernel drops: per socket, across the wrap", test_kernel_drops },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "rxstats", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
