/* rxstats: the receive path's counters. */
#include "rxstats.h"

void rxstats_read(struct vrrp_rx_stats *s, int n, bool full)
{
	if (n < 0) {
		s->read_errors++;
		return;
	}
	if (n == 0)
		return;
	s->batches++;
	s->packets += (uint64_t)n;
	s->full_batches += full;
}

void rxstats_wakeup_end(struct vrrp_rx_stats *s, bool more)
{
	s->deferred += more;
}

void rxstats_kernel_drops(struct vrrp_rx_stats *s, uint32_t *last, uint32_t reported)
{
	/* unsigned arithmetic: right across the wrap */
	s->kernel_drops += (uint32_t)(reported - *last);
	*last = reported;
}

double rxstats_per_batch(const struct vrrp_rx_stats *s)
{
	return s->batches ? (double)s->packets / (double)s->batches : 0;
}
