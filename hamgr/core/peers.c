/* peers: the peer and node tables of one instance, and successor choice. */
#include "core/peers.h"

#include <stdio.h>
#include <string.h>

#include "core/fsm.h"
#include "core/hello.h"

/* |x| without libm: the core links nothing but libc. */
static double absd(double x)
{
	return x < 0 ? -x : x;
}

void peers_note_advert(struct peers *p, uint64_t now, const struct ipaddr *src,
		       uint8_t priority, uint32_t interval_us)
{
	struct peers_peer *e = NULL;
	size_t i, oldest = 0;

	for (i = 0; i < p->n_peers; i++) {
		if (ipaddr_eq(&p->peer[i].addr, src)) {
			e = &p->peer[i];
			break;
		}
		if (p->peer[i].last_seen < p->peer[oldest].last_seen)
			oldest = i;
	}
	if (!e) {
		e = p->n_peers < PEERS_MAX ? &p->peer[p->n_peers++] : &p->peer[oldest];
		memset(e, 0, sizeof(*e));
		e->addr = *src;
		e->first_seen = now;
	} else if (priority != 0 && e->priority != 0) {
		/* Jitter: mean deviation of the arrival gap from the advertised
		 * interval, smoothed like RFC 3550's. */
		double dev = absd((double)(now - e->last_seen) - (double)e->interval_us);

		e->jitter_us += (dev - e->jitter_us) / 16.0;
	}
	e->priority = priority;
	e->interval_us = interval_us;
	e->last_seen = now;
	e->adverts++;
}

void peers_note_node(struct peers *p, uint64_t now, const struct ipaddr *src,
		     const char *node, uint8_t state, uint8_t priority, uint8_t effective,
		     uint8_t flags)
{
	struct peers_node *n = NULL;
	size_t i, oldest = 0;

	for (i = 0; i < p->n_nodes; i++) {
		if (!strcmp(p->node[i].node, node)) {
			n = &p->node[i];
			break;
		}
		if (p->node[i].last_seen < p->node[oldest].last_seen)
			oldest = i;
	}
	if (!n)
		n = p->n_nodes < PEERS_NODES_MAX ? &p->node[p->n_nodes++] : &p->node[oldest];
	snprintf(n->node, sizeof(n->node), "%s", node);
	n->addr = *src;
	n->state = state;
	n->priority = priority;
	n->effective = effective;
	n->flags = flags;
	n->last_seen = now;
}

size_t peers_list(struct peers *p, uint64_t now, const struct peers_peer **out)
{
	size_t i = 0;

	while (i < p->n_peers) {
		if (now - p->peer[i].last_seen > PEERS_TTL_US)
			p->peer[i] = p->peer[--p->n_peers];
		else
			i++;
	}
	*out = p->peer;
	return p->n_peers;
}

size_t peers_nodes(struct peers *p, uint64_t now, const struct peers_node **out)
{
	size_t i = 0;

	while (i < p->n_nodes) {
		if (now - p->node[i].last_seen > PEERS_NODE_TTL_US)
			p->node[i] = p->node[--p->n_nodes];
		else
			i++;
	}
	*out = p->node;
	return p->n_nodes;
}

size_t peers_heard_within(const struct peers *p, uint64_t now, uint64_t window_us,
			  unsigned flags_none)
{
	size_t i, n = 0;

	for (i = 0; i < p->n_nodes; i++)
		if (now - p->node[i].last_seen <= window_us && !(p->node[i].flags & flags_none))
			n++;
	return n;
}

const char *peers_node_at(struct peers *p, uint64_t now, const struct ipaddr *addr)
{
	const struct peers_node *n;
	size_t k = peers_nodes(p, now, &n), i;

	for (i = 0; i < k; i++)
		if (ipaddr_eq(&n[i].addr, addr))
			return n[i].node;
	return NULL;
}

bool peers_node_eligible(const struct peers_node *n)
{
	return n->state == FSM_BACKUP && !(n->flags & HELLO_F_STANDBY) &&
	       (n->flags & HELLO_F_LINK_UP) && n->effective > 0;
}

bool peers_has_successor(struct peers *p, uint64_t now, const char *to)
{
	const struct peers_node *n;
	size_t k = peers_nodes(p, now, &n), i;

	for (i = 0; i < k; i++)
		if (peers_node_eligible(&n[i]) && (!to || !strcmp(n[i].node, to)))
			return true;
	return false;
}

const char *peers_best_successor(struct peers *p, uint64_t now)
{
	const struct peers_node *n, *best = NULL;
	size_t k = peers_nodes(p, now, &n), i;

	for (i = 0; i < k; i++) {
		if (!peers_node_eligible(&n[i]))
			continue;
		/* The election's own order: effective priority, then address. */
		if (!best || n[i].effective > best->effective ||
		    (n[i].effective == best->effective && ipaddr_cmp(&n[i].addr, &best->addr) > 0))
			best = &n[i];
	}
	return best ? best->node : NULL;
}

void peers_describe(struct peers *p, uint64_t now, char *buf, size_t len)
{
	const struct peers_node *n;
	size_t k = peers_nodes(p, now, &n), i, off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (i = 0; i < k && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s %s%s", i ? ", " : "",
					n[i].node, fsm_state_str((enum fsm_state)n[i].state),
					(n[i].flags & HELLO_F_STANDBY) ? " standby" : "");
	if (!k)
		snprintf(buf, len, "none");
}
