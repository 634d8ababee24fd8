/* peers: what one instance knows about the other nodes, as pure tables.
 *
 * Two tables, because VRRPv3 and the announcements see different things:
 * - peers: sources of valid adverts for our VRID (VRRP backups are silent,
 *   so a master sees other masters only and a backup sees the master),
 *   with their advertised interval and arrival jitter;
 * - nodes: hamgr nodes announcing themselves (core/hello.h): name, state,
 *   priorities and flags, which is how a master knows its backups.
 * And the successor choice that switchover needs. Time comes in as
 * monotonic microseconds; entries expire after a TTL. */
#ifndef HAMGR_PEERS_H
#define HAMGR_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

#define PEERS_MAX 16
#define PEERS_TTL_US 60000000ULL
#define PEERS_NODES_MAX 16
#define PEERS_HELLO_PERIOD_US 1000000ULL
#define PEERS_NODE_TTL_US (3 * PEERS_HELLO_PERIOD_US + 500000ULL)

/* A hamgr node that announces itself for this instance. */
struct peers_node {
	char node[64];
	struct ipaddr addr;
	uint8_t state;                   /* enum fsm_state */
	uint8_t priority, effective;
	uint8_t flags;                   /* HELLO_F_* */
	uint64_t last_seen;              /* monotonic us */
};

/* A source of valid adverts for our VRID. */
struct peers_peer {
	struct ipaddr addr;
	uint8_t priority;
	uint64_t first_seen, last_seen;  /* monotonic us */
	uint64_t adverts;
	uint32_t interval_us;            /* advertised */
	double jitter_us;                /* mean |arrival gap - interval| (EWMA) */
};

struct peers {
	struct peers_peer peer[PEERS_MAX];
	size_t n_peers;
	struct peers_node node[PEERS_NODES_MAX];
	size_t n_nodes;
};

/* An advert (priority, advertised interval) from src arrived at now. A full
 * table replaces the entry heard least recently. */
void peers_note_advert(struct peers *p, uint64_t now, const struct ipaddr *src,
		       uint8_t priority, uint32_t interval_us);

/* An announcement from src arrived at now. */
void peers_note_node(struct peers *p, uint64_t now, const struct ipaddr *src,
		     const char *node, uint8_t state, uint8_t priority, uint8_t effective,
		     uint8_t flags);

/* Drop expired entries; return the live ones. */
size_t peers_list(struct peers *p, uint64_t now, const struct peers_peer **out);
size_t peers_nodes(struct peers *p, uint64_t now, const struct peers_node **out);

/* Nodes heard within window_us of now (expired or not), leaving out those
 * announcing any of flags_none: the quorum's count (core/quorum.h). */
size_t peers_heard_within(const struct peers *p, uint64_t now, uint64_t window_us,
			  unsigned flags_none);

/* The announced node name at addr, or NULL. */
const char *peers_node_at(struct peers *p, uint64_t now, const struct ipaddr *addr);

/* Can this node take over: BACKUP, not in standby, link up, priority > 0. */
bool peers_node_eligible(const struct peers_node *n);

/* An eligible backup (named `to`, or any when to is NULL) is announcing. */
bool peers_has_successor(struct peers *p, uint64_t now, const char *to);

/* The eligible backup the election would pick (highest effective
 * priority, then highest address), or NULL: whom protocol "hamgr" hands
 * the role to when no node is named. Valid until the table changes. */
const char *peers_best_successor(struct peers *p, uint64_t now);

/* "db02 BACKUP, db03 BACKUP standby" (or "none") for error messages. */
void peers_describe(struct peers *p, uint64_t now, char *buf, size_t len);

#endif
