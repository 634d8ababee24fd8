/* ctmsg: codec of the conntrack-sync messages (UDP, default port 3780).
 * One datagram is one message: a header, the sender's node name, entries
 * (conntrack entries or their original tuples), an HMAC tag.
 *
 * Header (network byte order), CTMSG_HDR_LEN bytes:
 *   0  magic "HMCT" (4)
 *   4  version (1) = 1
 *   5  type (1): 1 update, 2 destroy, 3 dump (a full-dump chunk),
 *      4 resync request, 5 resend request
 *   6  flags (1): dump only: 0x01 FIRST chunk, 0x02 LAST chunk; else 0
 *   7  key_id (1): 1..255, the key of the tag
 *   8  node_len (1): 1..63, the sender's node name (hello.h's rule)
 *   9  reserved (1) = 0
 *  10  count (2): entries; 0 in the requests
 *  12  boot_id (8): random per start of the sender, != 0
 *  20  counter (8): strictly increasing per boot_id from 1, one for every
 *      message the sender sends (core/replay.h judges it; a receiver sees a
 *      gap in a master's counter as lost messages)
 *  28  nonce (8): a resync request's challenge (!= 0 there); 0 elsewhere
 *  36  echo (8): a dump answering a resync request echoes its nonce;
 *      0 elsewhere (an unsolicited dump, after lost events, echoes 0)
 *  44  first (8), 52 last (8): resend request: the counters missing,
 *      1 <= first <= last, last - first < CTMSG_RESEND_MAX;
 *      dump: first = the counter of the dump's FIRST chunk (== counter in
 *      that chunk, < counter after it), last = 0; else both 0
 *  60  node (node_len bytes), then count entries, then the tag (32):
 *      HMAC-SHA256 with key key_id over every byte before it.
 *
 * An entry of an update or dump, with A the address length (4 for family
 * 4, 16 for family 6), 28 + 4A bytes:
 *   0 family (1): 4 or 6
 *   1 proto (1): 6 TCP, 17 UDP, 1 ICMP (family 4), 58 ICMPv6 (family 6)
 *   2 flags (1): 0x01 TCP info present (TCP only)
 *   3 tcp_state (1): 1..9 (TCP_CONNTRACK_*) with TCP info, else 0
 *   4 original tuple: src (A), dst (A), sport (2), dport (2); ICMP: id,
 *     type << 8 | code
 *     reply tuple: src (A), dst (A), sport (2), dport (2); it differs from
 *     the inverted original one under NAT
 *     status (4): IPS_* bits; timeout (4): seconds; mark (4)
 *     wscale original (1), wscale reply (1): 0..14 (0 without TCP info)
 *     TCP flags original (1), reply (1): IP_CT_TCP_FLAG_* (0 without)
 * An entry of a destroy: the first 4 bytes (flags and tcp_state 0) and the
 * original tuple: 8 + 2A bytes.
 *
 * Like heartbeat.c, the decoder is strict and a bijection: every byte
 * before the tag is checked or carried into the structs, so a valid
 * datagram decodes and re-encodes (with its tag) to the bytes received.
 * Crypto is not in the core: the callbacks of core/heartbeat.h sign and
 * verify (hamgr/authkey.c provides them). */
#ifndef HAMGR_CTMSG_H
#define HAMGR_CTMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/heartbeat.h"

#define CTMSG_PORT 3780
#define CTMSG_MAGIC "HMCT"
#define CTMSG_VERSION 1
#define CTMSG_HDR_LEN 60
#define CTMSG_TAG_LEN HEARTBEAT_TAG_LEN
#define CTMSG_NAME_MAX HELLO_NAME_MAX
#define CTMSG_MIN_LEN (CTMSG_HDR_LEN + 1 + CTMSG_TAG_LEN)
#define CTMSG_MAX_LEN 65507          /* a UDP datagram over IPv4 */
#define CTMSG_RESEND_MAX 4096        /* counters one resend request names */
#define CTMSG_ENTRY_MAX_LEN (28 + 4 * 16)

#define CTMSG_F_FIRST 0x01           /* dump: the first chunk */
#define CTMSG_F_LAST  0x02           /* dump: the last chunk */
#define CTMSG_E_TCP   0x01           /* entry: TCP info present */
#define CTMSG_TCP_STATE_MAX 9        /* TCP_CONNTRACK_SYN_SENT2 */
#define CTMSG_WSCALE_MAX 14          /* RFC 7323 */

enum ctmsg_type {
	CTMSG_UPDATE = 1,   /* entries new or changed on the master */
	CTMSG_DESTROY = 2,  /* original tuples of entries gone */
	CTMSG_DUMP = 3,     /* a chunk of a full dump of the master's table */
	CTMSG_RESYNC = 4,   /* a backup asks for a full dump (nonce) */
	CTMSG_RESEND = 5,   /* a backup asks again for counters first..last */
};

/* One direction's tuple. Addresses in network byte order, an IPv4 one in
 * a[0..3] with the rest 0; ports in host order. */
struct ctmsg_tuple {
	uint8_t family;     /* 4 or 6 */
	uint8_t proto;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
};

struct ctmsg_entry {
	struct ctmsg_tuple orig;
	struct ctmsg_tuple reply;     /* family and proto are orig's */
	uint8_t flags;                /* CTMSG_E_* */
	uint8_t tcp_state;
	uint8_t wscale_orig, wscale_reply;
	uint8_t tflags_orig, tflags_reply;
	uint32_t status;
	uint32_t timeout;             /* seconds */
	uint32_t mark;
};

struct ctmsg {
	uint8_t type, flags, key_id;
	uint16_t count;
	uint64_t boot_id, counter, nonce, echo, first, last;
	char node[CTMSG_NAME_MAX + 1];
	uint8_t tag[CTMSG_TAG_LEN];   /* decode: the received tag */
};

/* Every reason a datagram is refused. Keep in step with ctmsg_reason_str(). */
enum ctmsg_reason {
	CTMSG_OK = 0,
	CTMSG_ERR_SHORT,    /* shorter than the header */
	CTMSG_ERR_MAGIC,    /* not "HMCT" */
	CTMSG_ERR_VERSION,  /* version is not 1 */
	CTMSG_ERR_TYPE,     /* unknown type */
	CTMSG_ERR_FIELD,    /* key id 0, boot id 0, counter 0, reserved byte,
			       flags, nonce/echo/first/last, count against
			       the type's rules */
	CTMSG_ERR_LENGTH,   /* the name, entries and tag do not fill the
			       datagram exactly (a truncated one included) */
	CTMSG_ERR_NAME,     /* node name empty, too long, bad characters */
	CTMSG_ERR_ENTRY,    /* an entry's family, proto, flags or TCP fields */
	CTMSG_ERR_KEY,      /* verify: no key with this id */
	CTMSG_ERR_MAC,      /* verify: the tag does not match */
	CTMSG_REASON_MAX
};

const char *ctmsg_reason_str(enum ctmsg_reason r);
/* "update", "destroy", "dump", "resync", "resend"; "unknown". */
const char *ctmsg_type_str(uint8_t type);

/* Bytes of an entry of this message type and family on the wire, 0 when
 * the family is not 4 or 6. */
size_t ctmsg_entry_len(uint8_t type, uint8_t family);

/* True when e is valid for this message type (the decoder's rules). */
bool ctmsg_entry_ok(uint8_t type, const struct ctmsg_entry *e);

/* ---- building a message ------------------------------------------------- */

struct ctmsg_builder {
	uint8_t *buf;
	size_t cap;         /* at most CTMSG_MAX_LEN are used */
	size_t len;         /* bytes written, the tag not included */
	uint8_t type;
	uint16_t count;
};

/* Start a message in buf: the header of h (count, tag ignored). Returns 0,
 * or -1 when h is invalid or buf cannot hold header, name and tag. */
int ctmsg_begin(struct ctmsg_builder *b, const struct ctmsg *h, uint8_t *buf, size_t cap);

/* Append one entry (update/dump: the whole entry; destroy: its original
 * tuple). Returns 0, -1 when it does not fit (the message is full: finish
 * it and start another), -2 when e is invalid or the type has no entries. */
int ctmsg_add(struct ctmsg_builder *b, const struct ctmsg_entry *e);

/* Mark the dump being built as the dump's last chunk (CTMSG_F_LAST). */
void ctmsg_mark_last(struct ctmsg_builder *b);

/* Write the count and the tag (sign with the header's key id). Returns the
 * datagram's length, or 0 when sign fails (the buffer is then wiped). */
size_t ctmsg_finish(struct ctmsg_builder *b, heartbeat_sign_fn sign, void *ctx);

/* ---- reading a message -------------------------------------------------- */

/* Decode buf: header, name and every entry, not the tag. Fills out (may be
 * NULL) and returns CTMSG_OK, or the first reason it fails (out is then
 * zeroed). Never reads past len, never logs. */
enum ctmsg_reason ctmsg_decode(const uint8_t *buf, size_t len, struct ctmsg *out);

/* Verify the tag of a datagram ctmsg_decode() accepts: CTMSG_OK,
 * CTMSG_ERR_KEY, CTMSG_ERR_MAC, or the decode reason. */
enum ctmsg_reason ctmsg_verify(const uint8_t *buf, size_t len, heartbeat_verify_fn verify,
			       void *ctx);

/* The entries of a datagram ctmsg_decode() accepted, one at a time. */
struct ctmsg_iter {
	const uint8_t *p;
	size_t left;
	uint8_t type;
	uint16_t n;         /* entries not read yet */
};

void ctmsg_iter_init(struct ctmsg_iter *it, const uint8_t *buf, size_t len);
/* The next entry into e (zeroed first); false when there is none left (or
 * the datagram was not valid). */
bool ctmsg_iter_next(struct ctmsg_iter *it, struct ctmsg_entry *e);

/* The tuple of the other direction: src/dst and ports swapped (ICMP: the
 * reply's type is the caller's business; the tuple is swapped only). */
void ctmsg_tuple_invert(const struct ctmsg_tuple *t, struct ctmsg_tuple *out);

#endif
