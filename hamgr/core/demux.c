/* demux: a sorted array of (ifindex, family, vrid, id), binary search. */
#include "core/demux.h"

#include <string.h>

/* <0, 0, >0 like memcmp; vrid_any compares (ifindex, family) only,
 * id_any leaves the id out. */
static int cmp(const struct demux_entry *e, int ifindex, uint8_t family, int vrid,
	       int64_t id)
{
	if (e->ifindex != ifindex)
		return e->ifindex < ifindex ? -1 : 1;
	if (e->family != family)
		return e->family < family ? -1 : 1;
	if (vrid >= 0 && e->vrid != vrid)
		return e->vrid < vrid ? -1 : 1;
	if (id >= 0 && e->id != (uint32_t)id)
		return e->id < (uint32_t)id ? -1 : 1;
	return 0;
}

/* The first index whose entry is not below the key (n when none). */
static size_t lower(const struct demux *d, int ifindex, uint8_t family, int vrid,
		    int64_t id)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp(&d->e[mid], ifindex, family, vrid, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void demux_init(struct demux *d, struct demux_entry *storage, size_t cap)
{
	d->e = storage;
	d->n = 0;
	d->cap = storage ? cap : 0;
}

int demux_move(struct demux *d, struct demux_entry *storage, size_t cap)
{
	if (cap < d->n || (!storage && d->n))
		return -1;
	if (d->n)
		memmove(storage, d->e, d->n * sizeof(*storage));
	d->e = storage;
	d->cap = cap;
	return 0;
}

int demux_add(struct demux *d, int ifindex, uint8_t family, uint8_t vrid, uint32_t id)
{
	size_t i;

	if (d->n >= d->cap)
		return -1;
	i = lower(d, ifindex, family, vrid, id);
	if (i < d->n && cmp(&d->e[i], ifindex, family, vrid, id) == 0)
		return -1;
	memmove(&d->e[i + 1], &d->e[i], (d->n - i) * sizeof(d->e[0]));
	d->e[i] = (struct demux_entry){ .ifindex = ifindex, .family = family,
					.vrid = vrid, .id = id };
	d->n++;
	return 0;
}

bool demux_del(struct demux *d, int ifindex, uint8_t family, uint8_t vrid, uint32_t id)
{
	size_t i = lower(d, ifindex, family, vrid, id);

	if (i >= d->n || cmp(&d->e[i], ifindex, family, vrid, id) != 0)
		return false;
	memmove(&d->e[i], &d->e[i + 1], (d->n - i - 1) * sizeof(d->e[0]));
	d->n--;
	return true;
}

size_t demux_find(const struct demux *d, int ifindex, uint8_t family, uint8_t vrid,
		  size_t *first)
{
	size_t i = lower(d, ifindex, family, vrid, -1), j = i;

	while (j < d->n && cmp(&d->e[j], ifindex, family, vrid, -1) == 0)
		j++;
	*first = i;
	return j - i;
}

size_t demux_link(const struct demux *d, int ifindex, uint8_t family, size_t *first)
{
	size_t i = lower(d, ifindex, family, -1, -1), j = i;

	while (j < d->n && cmp(&d->e[j], ifindex, family, -1, -1) == 0)
		j++;
	*first = i;
	return j - i;
}
