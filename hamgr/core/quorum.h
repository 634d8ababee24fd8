/* quorum: may this node hold the master role, counting nodes? Pure.
 *
 * With quorum-nodes = N (N >= 3) an instance holds or takes the role only
 * while it sees a strict majority of the N configured nodes, itself
 * included: 1 + the peers heard within the window > N / 2. In a partition
 * at most one side has a majority, so at most one side has a master; the
 * minority steps down (FAULT) and never takes over.
 *
 * Ordering, as for the witness (hamgr.conf(5)): a master on the minority
 * side notices within the window (peers announce every period; a peer
 * counts until window has passed since it was last heard), so the backups
 * of the majority wait that long on top of Master_Down_Interval before
 * they take over from a master that went silent: quorum_wait_us().
 *
 * The caller feeds the count of peers heard recently (core/peers.c,
 * peers_heard_within()); the decision lives here so that an external
 * provider (corosync's votequorum) can replace the count with its own
 * verdict through the same fsm cause. */
#ifndef HAMGR_QUORUM_H
#define HAMGR_QUORUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QUORUM_NODES_MIN 3
#define QUORUM_NODES_MAX 16     /* the node table's size (core/peers.h) */

/* A strict majority of nodes, counting this one and the peers seen. */
bool quorum_majority(unsigned nodes, size_t peers_seen);

/* How long a peer still counts after its last announcement: three
 * announcement periods (two may be lost) and one in hand. */
uint64_t quorum_window_us(uint64_t period_us);

/* What a backup adds to Master_Down_Interval: the time a minority master
 * needs to see its peers gone and step down (the window and one period). */
uint64_t quorum_wait_us(uint64_t period_us);

/* quorum = "corosync" without quorum-wait: what a backup adds to
 * Master_Down_Interval. An isolated node's corosync reports "not quorate"
 * once it has declared the token lost (token) and formed a membership of
 * its own (consensus, by default 1.2 x token): about token + consensus
 * after the cut. A quarter more covers scheduling and the step-down.
 * token_ms and consensus_ms are corosync's values in force (cmap
 * runtime.config.totem.*); consensus 0: corosync's default 1.2 x token;
 * token 0 (unknown): QUORUM_COROSYNC_WAIT_DEFAULT_US. */
#define QUORUM_COROSYNC_WAIT_DEFAULT_US 10000000ull /* corosync's defaults, 3 nodes */
uint64_t quorum_corosync_wait_us(uint32_t token_ms, uint32_t consensus_ms);

#endif
