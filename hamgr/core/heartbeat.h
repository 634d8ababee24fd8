/* heartbeat: codec of the authenticated heartbeat of protocol "hamgr"
 * (UDP, default port 694). One datagram is one message:
 *
 * Wire format (network byte order), exactly HEARTBEAT_HDR_LEN + node_len +
 * target_len + HEARTBEAT_TAG_LEN bytes:
 *   0  magic "HMHB" (4)
 *   4  version (1) = 1
 *   5  type (1): 1 heartbeat, 2 handover-request, 3 handover-confirm,
 *      4 release
 *   6  vrid (1): 1..255
 *   7  state (1): 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT (enum fsm_state)
 *   8  priority (1): configured, 1..255
 *   9  effective (1): what the node competes with now, 0..255
 *  10  flags (1): HELLO_F_* (core/hello.h): standby, link up, held, track
 *      fault, track down; other bits must be 0
 *  11  key_id (1): 1..255, the key the tag was made with
 *  12  node_len (1): 1..63, the sender's node name
 *  13  target_len (1): 1..63 for handover-request (the chosen successor)
 *      and handover-confirm (the node that asked), 0 otherwise
 *  14  tracks (1): health summary: tracks configured
 *  15  tracks_down (1): tracks down, <= tracks; >= 1 with "track fault"
 *  16  interval_us (4): advertised interval, 1000..60000000 (1 ms..60 s)
 *  20  epoch (8): election epoch
 *  28  boot_id (8): random, chosen at each start of the sender, != 0
 *  36  counter (8): strictly increasing per boot_id, from 1
 *  44  nonce (8): the sender's current challenge (core/replay.h), 0: none;
 *      != 0 in a handover-request
 *  52  echo (8): a nonce the sender answers, 0: none; a handover-confirm
 *      echoes the nonce of the request it confirms
 *  60  node (node_len bytes), then target (target_len bytes)
 *  ... tag (32): HMAC-SHA256 with key key_id over every byte before it
 * Names follow hello.h's rule.
 *
 * Crypto is not in the core: the encoder asks a sign callback for the tag
 * and heartbeat_verify() asks a verify callback (the adapter hamgr/authkey.c
 * provides both with libsodium). heartbeat_decode() checks the structure
 * only; the order on receipt is decode, verify, then the replay window
 * (core/replay.h), and only then does the message reach the election. */
#ifndef HAMGR_HEARTBEAT_H
#define HAMGR_HEARTBEAT_H

#include <stddef.h>
#include <stdint.h>

#include "core/hello.h"

#define HEARTBEAT_PORT 694
#define HEARTBEAT_MAGIC "HMHB"
#define HEARTBEAT_VERSION 1
#define HEARTBEAT_HDR_LEN 60
#define HEARTBEAT_TAG_LEN 32
#define HEARTBEAT_NAME_MAX HELLO_NAME_MAX
#define HEARTBEAT_MIN_LEN (HEARTBEAT_HDR_LEN + 1 + HEARTBEAT_TAG_LEN)
#define HEARTBEAT_MAX_LEN (HEARTBEAT_HDR_LEN + 2 * HEARTBEAT_NAME_MAX + HEARTBEAT_TAG_LEN)
#define HEARTBEAT_INTERVAL_MIN_US 1000u
#define HEARTBEAT_INTERVAL_MAX_US 60000000u

enum heartbeat_type {
	HEARTBEAT_BEAT = 1,          /* the periodic heartbeat */
	HEARTBEAT_HANDOVER_REQ = 2,  /* master -> target: take over */
	HEARTBEAT_HANDOVER_CONF = 3, /* target -> master: taking over */
	HEARTBEAT_RELEASE = 4,       /* the sender holds nothing any more */
};

struct heartbeat {
	uint8_t type;
	uint8_t vrid;
	uint8_t state;
	uint8_t priority;
	uint8_t effective;
	uint8_t flags;
	uint8_t key_id;
	uint8_t tracks, tracks_down;
	uint32_t interval_us;
	uint64_t epoch;
	uint64_t boot_id;
	uint64_t counter;
	uint64_t nonce;
	uint64_t echo;
	char node[HEARTBEAT_NAME_MAX + 1];    /* NUL-terminated */
	char target[HEARTBEAT_NAME_MAX + 1];  /* handover-*: the other node; "" otherwise */
	uint8_t tag[HEARTBEAT_TAG_LEN];       /* decode: the received tag */
};

/* Every reason a datagram is refused before it reaches the replay window.
 * Keep in step with heartbeat_reason_str() (log lines, metrics labels). */
enum heartbeat_reason {
	HEARTBEAT_OK = 0,
	HEARTBEAT_ERR_SHORT,     /* shorter than the header */
	HEARTBEAT_ERR_MAGIC,     /* not "HMHB" */
	HEARTBEAT_ERR_VERSION,   /* version is not 1 */
	HEARTBEAT_ERR_TYPE,      /* unknown type */
	HEARTBEAT_ERR_FIELD,     /* vrid 0, state > 3, priority 0, unknown flag
				    bits, key id 0, tracks_down > tracks, track
				    fault with no track down, boot id 0, counter 0 */
	HEARTBEAT_ERR_INTERVAL,  /* interval outside 1 ms..60 s */
	HEARTBEAT_ERR_LENGTH,    /* length != header + names + tag (a truncated
				    tag included) */
	HEARTBEAT_ERR_TARGET,    /* handover without target, another type with one */
	HEARTBEAT_ERR_NONCE,     /* handover-request without nonce, confirm
				    without echo */
	HEARTBEAT_ERR_NAME,      /* node or target empty, too long, bad characters */
	HEARTBEAT_ERR_KEY,       /* verify: no key with this id */
	HEARTBEAT_ERR_MAC,       /* verify: the tag does not match */
	HEARTBEAT_REASON_MAX
};

/* Short snake_case name of a reason ("magic", "mac", ...). */
const char *heartbeat_reason_str(enum heartbeat_reason r);

/* Short name of a type ("heartbeat", "handover_request", ...), "unknown". */
const char *heartbeat_type_str(uint8_t type);

/* The tag of len bytes of msg with key key_id. Returns 0, or -1 when there
 * is no such key (the encoder then refuses). */
typedef int (*heartbeat_sign_fn)(void *ctx, uint8_t key_id, const uint8_t *msg,
				 size_t len, uint8_t tag[HEARTBEAT_TAG_LEN]);

/* Checks tag against msg in constant time. Returns HEARTBEAT_OK,
 * HEARTBEAT_ERR_KEY or HEARTBEAT_ERR_MAC. */
typedef enum heartbeat_reason (*heartbeat_verify_fn)(void *ctx, uint8_t key_id,
						     const uint8_t *msg, size_t len,
						     const uint8_t tag[HEARTBEAT_TAG_LEN]);

/* Encode hb (its tag ignored) into buf, tagged by sign with hb->key_id.
 * Returns bytes written, or 0 when buf is too small, hb is invalid (the
 * decoder's rules) or sign fails. */
size_t heartbeat_encode(const struct heartbeat *hb, heartbeat_sign_fn sign, void *ctx,
			uint8_t *buf, size_t buflen);

/* Decode buf: structure and every field, not the tag. Fills out (may be
 * NULL) and returns HEARTBEAT_OK, or the first reason it fails (out is then
 * zeroed). Never reads past len, never logs. */
enum heartbeat_reason heartbeat_decode(const uint8_t *buf, size_t len,
				       struct heartbeat *out);

/* Verify the tag of a datagram heartbeat_decode() accepted: verify is
 * called with its key id, the bytes before the tag and the tag. Returns
 * HEARTBEAT_OK, or HEARTBEAT_ERR_KEY / HEARTBEAT_ERR_MAC (also when buf is
 * not a decodable heartbeat: HEARTBEAT_ERR_LENGTH etc.). */
enum heartbeat_reason heartbeat_verify(const uint8_t *buf, size_t len,
				       heartbeat_verify_fn verify, void *ctx);

#endif
