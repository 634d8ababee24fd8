/* store: the explorer's visited set and a set of hashes (store.c). */
#ifndef HAMGR_EXPLORE_STORE_H
#define HAMGR_EXPLORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Keys of ksz bytes in the order added; id 0 is the initial world. */
struct store {
	size_t ksz, n, cap, tcap;
	uint8_t *keys;
	uint64_t *hash;
	uint32_t *parent, *ev;  /* how the key was first reached */
	uint32_t *tab;          /* open-addressed index: id + 1, 0 empty */
};

/* Adds k unless known; returns its id, *fresh telling which. */
uint32_t store_add(struct store *s, const uint8_t *k, uint32_t parent, uint32_t ev,
		   bool *fresh);
void store_free(struct store *s);

/* A set of 64-bit hashes (hash compaction: two worlds with one hash are
 * taken as one, with odds of about n^2 / 2^64). 0 is never a member. */
struct memo {
	uint64_t *h;
	size_t n, cap;
};

bool memo_has(const struct memo *m, uint64_t h);
void memo_put(struct memo *m, uint64_t h);

uint64_t hash_bytes(const uint8_t *k, size_t n);
void *xrealloc(void *p, size_t n);
void oom(void) __attribute__((noreturn));

#endif
