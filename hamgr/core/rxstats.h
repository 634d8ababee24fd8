/* rxstats: the counters of the shared VRRP receive path (vrrp_rx.c), what
 * an operator reads to see that it keeps up: packets and the reads that
 * brought them, reads that filled their batch, wakeups that left packets
 * queued for later, failed reads, and the packets the kernel dropped
 * before we read them (the socket's drop counter, SO_RXQ_OVFL: a receive
 * buffer full while the loop was late).
 *
 * Pure: the caller reads the sockets and reports what it saw. */
#ifndef HAMGR_RXSTATS_H
#define HAMGR_RXSTATS_H

#include <stdbool.h>
#include <stdint.h>

struct vrrp_rx_stats {
	uint64_t packets;              /* received */
	uint64_t batches;              /* reads (recvmmsg) that returned packets */
	uint64_t full_batches;         /* of them, reads that filled the batch */
	uint64_t deferred;             /* wakeups that stopped at their bound with
					  packets still queued (timers ran first) */
	uint64_t read_errors;          /* reads that failed */
	uint64_t kernel_drops;         /* dropped by the kernel: receive buffer full */
	uint64_t other_vrid;           /* valid, for a VRID nobody here has */
	uint64_t sockets;              /* open now */
	uint64_t lazy_sockets;         /* of them, read only when a backup's
					  deadline or a release asks */
	uint64_t release_wakeups;      /* wakeups of a lazy socket by a release */
};

/* One read: n packets kept (negative: the read failed), full when the
 * batch was filled (more may be queued). */
void rxstats_read(struct vrrp_rx_stats *s, int n, bool full);

/* The end of one wakeup's reads: more when packets were left queued. */
void rxstats_wakeup_end(struct vrrp_rx_stats *s, bool more);

/* A socket's drop counter as the kernel last reported it (a 32-bit
 * counter that wraps; 0 until it drops): what is new since *last is
 * added, and *last (the caller's, per socket, 0 at open) moves on. */
void rxstats_kernel_drops(struct vrrp_rx_stats *s, uint32_t *last, uint32_t reported);

/* Mean packets per read since the start; 0 before the first. */
double rxstats_per_batch(const struct vrrp_rx_stats *s);

#endif
