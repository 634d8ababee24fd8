/* replay: the replay window of protocol "hamgr", per sender, pure.
 *
 * A heartbeat (core/heartbeat.h) carries its sender's boot id (random,
 * chosen at each start) and a counter that strictly increases within that
 * boot. Its tag proves that a key holder made it, not when: a message
 * captured on the segment can be sent again at any later time. The rule
 * here is that such a replay never changes anything, whoever restarted in
 * between.
 *
 * Decision: challenge-response, nothing persisted. A sender is trusted
 * ("joined") at one boot id only after it echoed a nonce of ours, a random
 * 64-bit value we chose after our own start and never reuse: a message
 * echoing it was made after we chose it, so it is no replay, and neither
 * is any later message of that boot id with a higher counter. From then
 * on, per joined sender:
 *  - same boot id: a counter above the highest accepted is NEW; one within
 *    the last REPLAY_WINDOW counters not seen yet is LATE (reordered:
 *    fresh, but its state is older than what was already taken); one seen
 *    is DUP; one further back, or not above the join's, is OLD;
 *  - the boot id it had before: OLD_BOOT;
 *  - any other boot id (the sender restarted, or someone replays an old
 *    boot): UNVERIFIED, and a challenge is due. The joined session goes on
 *    meanwhile, so a replay cannot interrupt it; a message of the new boot
 *    id that echoes our current nonce switches the session to it (JOINED).
 * A sender not joined yet (we started, or it is new) is UNVERIFIED until
 * it echoes our nonce. Every nonce is retired when it joins somebody (or
 * a session is forgotten), so one nonce admits one (node, boot id) once:
 * a message echoing an old nonce can never join again.
 *
 * Hence a replay is refused while the sender lives (DUP/OLD), after it
 * died (OLD, or UNVERIFIED forever: the dead boot cannot answer a new
 * nonce), after we restarted (UNVERIFIED: our new nonce is in no old
 * message) and after both did. The cost: after a start, a peer counts for
 * the election only once the nonce round trip is done (one interval when
 * challenges are answered at once). What is not prevented: a key holder
 * can claim any node name, and an attacker who floods the segment can
 * delay a join (see replay_note_nonce()).
 *
 * Sessions are keyed by node name. The sender's counter may be one for all
 * its instances and message types: a receiver sees an increasing sequence,
 * with gaps, whatever it keeps per table. Nonces come from the caller (the
 * core has no randomness): replay_wants_nonce() says when one is due. */
#ifndef HAMGR_REPLAY_H
#define HAMGR_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/heartbeat.h"

#define REPLAY_PEERS_MAX 32
#define REPLAY_WINDOW 64       /* counters behind the highest still taken */

/* One joined sender. */
struct replay_peer {
	char node[HEARTBEAT_NAME_MAX + 1];
	uint64_t boot_id;        /* the joined boot */
	uint64_t floor;          /* the counter it joined at: nothing <= is new */
	uint64_t top;            /* highest counter accepted */
	uint64_t seen;           /* bit i: counter top - i accepted */
	uint64_t prev_boot;      /* the boot id it had before, 0: none */
};

enum replay_verdict {
	REPLAY_NEW = 0,          /* fresh and the newest of its sender: take it */
	REPLAY_LATE,             /* fresh but behind the newest (reordered) */
	REPLAY_JOINED,           /* echoes our nonce: the sender's session starts
				    (again) at this message, which is the newest */
	REPLAY_ERR_DUP,          /* this counter was accepted already */
	REPLAY_ERR_OLD,          /* below the window, or from before the join */
	REPLAY_ERR_OLD_BOOT,     /* from the boot the sender had before */
	REPLAY_ERR_UNVERIFIED,   /* unknown sender or boot id: challenged */
	REPLAY_ERR_FULL,         /* REPLAY_PEERS_MAX senders joined already */
	REPLAY_VERDICT_MAX
};

struct replay {
	struct replay_peer peer[REPLAY_PEERS_MAX];
	size_t n_peers;
	uint64_t nonce;          /* our challenge, 0: none outstanding */
	bool challenge_due;      /* a sender is unverified: a nonce is wanted */
	uint64_t echo;           /* the challenge we answer, 0: none */
	uint64_t count[REPLAY_VERDICT_MAX];   /* replay_check() results */
};

/* Empty: no sender joined, no nonce. A process start is a replay_init(). */
void replay_init(struct replay *r);

/* Judge an authentic message (its tag verified) from node with its boot
 * id, counter and echo field; updates the window and counts the verdict.
 * Only NEW and JOINED should move the election; LATE is fresh but stale. */
enum replay_verdict replay_check(struct replay *r, const char *node, uint64_t boot_id,
				 uint64_t counter, uint64_t echo);

/* NEW, LATE or JOINED. */
bool replay_accepted(enum replay_verdict v);

/* Short snake_case name ("new", "dup", "unverified", ...). */
const char *replay_verdict_str(enum replay_verdict v);

/* True when a challenge is due and no nonce is outstanding: the caller
 * then draws a random nonce and replay_set_nonce()s it. */
bool replay_wants_nonce(const struct replay *r);

/* Make nonce (!= 0, never used before: random) our challenge, retiring the
 * one outstanding. A handover-request does this too: its confirm's echo is
 * then the request's nonce and our challenge at once. */
void replay_set_nonce(struct replay *r, uint64_t nonce);

/* The nonce field of what we send: our challenge, 0 when none. */
uint64_t replay_nonce(const struct replay *r);

/* A challenge (nonce != 0) in an authentic message judged v: it becomes
 * the echo of what we send unless v shows the message is a replay (DUP,
 * OLD, OLD_BOOT; an unverified message may be one, but a peer that
 * restarted with us is unverified too, so it is answered). Returns true
 * when the echo changed: the caller should send a message at once
 * (rate-limited), so that a challenge is answered within a round trip even
 * when replays keep overwriting the echo between two heartbeats. */
bool replay_note_nonce(struct replay *r, enum replay_verdict v, uint64_t nonce);

/* The echo field of what we send, 0 when none. */
uint64_t replay_echo(const struct replay *r);

/* The joined session of node, or NULL. */
const struct replay_peer *replay_find(const struct replay *r, const char *node);

/* Drop node's session (it left the configuration); retires our nonce. */
void replay_forget(struct replay *r, const char *node);

#endif
