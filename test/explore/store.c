/* store: the explorer's visited set (every key, in breadth-first order,
 * with the event that first reached it) and a set of hashes. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the visited set: keys in BFS order, an open-addressed index -------- */

void oom(void)
{
	fprintf(stderr, "explore: out of memory\n");
	exit(2);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

uint64_t hash_bytes(const uint8_t *k, size_t n)
{
	uint64_t h = 0x243f6a8885a308d3ull ^ n;

	for (size_t i = 0; i < n; i += 8) {
		uint64_t c = 0;

		memcpy(&c, k + i, n - i < 8 ? n - i : 8);
		h = (h ^ c) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 31;
	}
	return h ^ h >> 29;
}

static void tab_put(struct store *s, uint32_t id)
{
	size_t m = s->tcap - 1, i = s->hash[id] & m;

	while (s->tab[i])
		i = (i + 1) & m;
	s->tab[i] = id + 1;
}

/* Adds k unless known; returns its id, with *fresh telling which. */
uint32_t store_add(struct store *s, const uint8_t *k, uint32_t parent, uint32_t ev,
			  bool *fresh)
{
	uint64_t h = hash_bytes(k, s->ksz);
	size_t m, i;
	uint32_t id;

	if (!s->tcap) {
		s->tcap = 1 << 17;
		s->tab = calloc(s->tcap, sizeof(*s->tab));
		if (!s->tab)
			oom();
	}
	m = s->tcap - 1;
	i = h & m;

	for (; s->tab[i]; i = (i + 1) & m) {
		id = s->tab[i] - 1;
		if (s->hash[id] == h && !memcmp(s->keys + (size_t)id * s->ksz, k, s->ksz)) {
			*fresh = false;
			return id;
		}
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1 << 16;
		s->keys = xrealloc(s->keys, s->cap * s->ksz);
		s->hash = xrealloc(s->hash, s->cap * sizeof(*s->hash));
		s->parent = xrealloc(s->parent, s->cap * sizeof(*s->parent));
		s->ev = xrealloc(s->ev, s->cap * sizeof(*s->ev));
	}
	id = (uint32_t)s->n++;
	memcpy(s->keys + (size_t)id * s->ksz, k, s->ksz);
	s->hash[id] = h;
	s->parent[id] = parent;
	s->ev[id] = ev;
	if (2 * s->n > s->tcap) {
		s->tcap *= 2;
		free(s->tab);
		s->tab = calloc(s->tcap, sizeof(*s->tab));
		if (!s->tab)
			oom();
		for (uint32_t j = 0; j < s->n; j++)
			tab_put(s, j);
	} else {
		s->tab[i] = id + 1;
	}
	*fresh = true;
	return id;
}

void store_free(struct store *s)
{
	free(s->keys);
	free(s->hash);
	free(s->parent);
	free(s->ev);
	free(s->tab);
	memset(s, 0, sizeof(*s));
}

/* ---- "eventually one master": the fault-free continuation --------------- */

bool memo_has(const struct memo *m, uint64_t h)
{
	if (!m->cap)
		return false;
	for (size_t i = h & (m->cap - 1); m->h[i]; i = (i + 1) & (m->cap - 1))
		if (m->h[i] == h)
			return true;
	return false;
}

void memo_put(struct memo *m, uint64_t h)
{
	if (memo_has(m, h))
		return;
	if (2 * (m->n + 1) > m->cap) {
		struct memo b = { calloc(m->cap ? 2 * m->cap : 1 << 16, 8), 0,
				  m->cap ? 2 * m->cap : 1 << 16 };

		if (!b.h)
			oom();
		for (size_t i = 0; i < m->cap; i++)
			if (m->h[i])
				memo_put(&b, m->h[i]);
		free(m->h);
		*m = b;
	}
	size_t i = h & (m->cap - 1);

	while (m->h[i])
		i = (i + 1) & (m->cap - 1);
	m->h[i] = h;
	m->n++;
}

