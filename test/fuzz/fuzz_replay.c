/* fuzz_replay: libFuzzer target for the replay window (core/replay.c).
 *
 * The input is a script, one byte per step (the low 3 bits the operation,
 * the others its argument): two senders send, jump their counters, hear
 * the receiver's challenge, restart; the network delivers a sent message
 * or an attacker replays any message sent so far; the receiver restarts.
 * Whatever the script, the receiver accepts no message sent before its
 * own last start, none twice in one run, and nothing of a sender's boot
 * once it accepted a later boot of it; otherwise abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MSGS 512

struct sent {
	int sender, boot;
	uint64_t boot_id, counter, echo;
	unsigned long seq;
	unsigned accepted_run;
};

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[2] = { "a", "b" };
	static struct sent msg[MSGS];
	struct replay r, srx[2];
	uint64_t boot_id[2], counter[2] = { 0, 0 }, ids = 0;
	int boot[2] = { 0, 0 }, best[2] = { -1, -1 };
	unsigned run = 1;
	unsigned long seq = 0, run_start = 0;
	size_t n = 0, i;

	replay_init(&r);
	for (i = 0; i < 2; i++) {
		replay_init(&srx[i]);
		boot_id[i] = ++ids;          /* fresh per start, like a random one */
	}
	for (i = 0; i < size; i++) {
		unsigned op = data[i] & 7, arg = data[i] >> 3, s = arg & 1;
		struct sent *m = NULL;
		enum replay_verdict v;

		switch (op) {
		case 0:                      /* sender s sends */
			if (n == MSGS || counter[s] == UINT64_MAX)
				break;
			m = &msg[n++];
			m->sender = (int)s;
			m->boot = boot[s];
			m->boot_id = boot_id[s];
			m->counter = ++counter[s];
			m->echo = replay_echo(&srx[s]);
			m->seq = ++seq;
			m->accepted_run = 0;
			if (arg & 2)         /* lost on the way */
				m = NULL;
			break;
		case 1: {                    /* a counter jumps, up to 2^60 (no wrap) */
			uint64_t j = (uint64_t)1 << (arg >> 1) * 4;

			counter[s] = counter[s] > UINT64_MAX - 1 - j ? UINT64_MAX - 1 : counter[s] + j;
			break;
		}
		case 2:                      /* our challenge reaches s */
			replay_note_nonce(&srx[s], REPLAY_ERR_UNVERIFIED, replay_nonce(&r));
			break;
		case 3:                      /* s restarts */
			replay_init(&srx[s]);
			boot_id[s] = ++ids;
			counter[s] = 0;
			boot[s]++;
			break;
		case 4:                      /* the receiver restarts */
			replay_init(&r);
			run++;
			run_start = seq;
			best[0] = best[1] = -1;
			break;
		case 5:                      /* the receiver forgets s */
			replay_forget(&r, names[s]);
			break;
		default:                     /* the attacker replays a message */
			if (n)
				m = &msg[(arg * 7919u + i) % n];
			break;
		}
		if (replay_wants_nonce(&r))
			replay_set_nonce(&r, ++ids);
		if (!m)
			continue;
		v = replay_check(&r, names[m->sender], m->boot_id, m->counter, m->echo);
		check((unsigned)v < REPLAY_VERDICT_MAX);
		if (!replay_accepted(v))
			continue;
		check(m->seq > run_start);
		check(m->accepted_run != run);
		check(m->boot >= best[m->sender]);
		m->accepted_run = run;
		if (m->boot > best[m->sender])
			best[m->sender] = m->boot;
	}
	return 0;
}
