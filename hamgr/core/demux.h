/* demux: which instances an advert is for, by (interface, family, VRID).
 *
 * One raw socket per interface and family carries every instance's
 * adverts (vrrp_rx.c); this table says which of them a packet is for.
 * Entries are kept sorted by (ifindex, family, vrid, id), so the
 * instances of one VRID, and all those of one interface and family, are
 * each one contiguous run found by binary search: a lookup costs
 * O(log n) whatever the number of instances. A key may appear more than
 * once (an instance being replaced by a reload while the old one still
 * releases): every entry of the key gets the packet.
 *
 * Pure: the caller owns the storage (demux_init, demux_move to grow it);
 * ids are the caller's (a slot number). */
#ifndef HAMGR_DEMUX_H
#define HAMGR_DEMUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct demux_entry {
	int ifindex;
	uint8_t family;         /* IPADDR_V4 / IPADDR_V6 */
	uint8_t vrid;
	uint32_t id;            /* the caller's */
};

struct demux {
	struct demux_entry *e;  /* sorted */
	size_t n, cap;
};

/* An empty table over storage (cap entries). */
void demux_init(struct demux *d, struct demux_entry *storage, size_t cap);

/* Move the entries to storage (cap >= d->n), e.g. a larger array; the
 * old storage is no longer used. -1 when cap is too small. */
int demux_move(struct demux *d, struct demux_entry *storage, size_t cap);

/* Add (ifindex, family, vrid) -> id. 0, or -1 when the table is full
 * (grow it with demux_move) or the same entry is already there. */
int demux_add(struct demux *d, int ifindex, uint8_t family, uint8_t vrid, uint32_t id);

/* Remove the entry with id under that key; false when there was none. */
bool demux_del(struct demux *d, int ifindex, uint8_t family, uint8_t vrid, uint32_t id);

/* The entries for (ifindex, family, vrid): returns how many, *first the
 * index in d->e of the first of them. */
size_t demux_find(const struct demux *d, int ifindex, uint8_t family, uint8_t vrid,
		  size_t *first);

/* Every entry of (ifindex, family), all VRIDs: how many, and *first. */
size_t demux_link(const struct demux *d, int ifindex, uint8_t family, size_t *first);

#endif
