/* replay_fixture: senders, messages and the receive step shared by the
 * replay-window suites (test_replay.c, test_replay_sim.c). Define
 * REPLAY_FIXTURE_SEED (the splitmix64 seed) before including it. */
#ifndef HAMGR_REPLAY_FIXTURE_H
#define HAMGR_REPLAY_FIXTURE_H

#include <stdint.h>

#include "core/replay.h"

/* splitmix64: the tests' nonces and boot ids, never reset, so that a
 * restarted receiver draws new values as a random source would. */
static uint64_t rng_state = REPLAY_FIXTURE_SEED;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 1;
}

/* A sender: its boot, counter, and the echo it answers with. */
struct sender {
	const char *node;
	uint64_t boot_id, counter;
	struct replay rx;        /* only its echo is used here */
};

struct msg {
	const char *node;
	uint64_t boot_id, counter, echo;
};

static void sender_start(struct sender *s, const char *node)
{
	s->node = node;
	s->boot_id = rnd64();
	s->counter = 0;
	replay_init(&s->rx);
}

static struct msg sender_send(struct sender *s)
{
	struct msg m = { s->node, s->boot_id, ++s->counter, replay_echo(&s->rx) };

	return m;
}

/* The receiver's challenge reaches the sender (in any message of ours). */
static void hear_challenge(struct sender *s, const struct replay *r)
{
	if (replay_nonce(r))
		replay_note_nonce(&s->rx, REPLAY_ERR_UNVERIFIED, replay_nonce(r));
}

static enum replay_verdict rx(struct replay *r, const struct msg *m)
{
	enum replay_verdict v = replay_check(r, m->node, m->boot_id, m->counter, m->echo);

	if (replay_wants_nonce(r))
		replay_set_nonce(r, rnd64());
	return v;
}

#endif
