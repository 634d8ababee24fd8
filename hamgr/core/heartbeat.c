/* heartbeat: codec of the authenticated heartbeat of protocol "hamgr".
 * The wire format and the rules are in heartbeat.h.
 *
 * Like hello.c, the decoder is strict: every byte before the tag is either
 * checked or carried into struct heartbeat, and the tag is carried too, so
 * a valid datagram decodes and re-encodes (with a signer that returns the
 * same tag) to exactly the bytes received.
 *
 * Checks run in a fixed order and stop at the first failure: SHORT, MAGIC,
 * VERSION, TYPE, FIELD, INTERVAL, LENGTH, TARGET, NONCE, NAME. The tag is
 * not looked at: heartbeat_verify() hands it to the adapter's callback. */
#include "core/heartbeat.h"
#include "core/wire.h"

#include <string.h>

#define OFF_MAGIC       0
#define OFF_VERSION     4
#define OFF_TYPE        5
#define OFF_VRID        6
#define OFF_STATE       7
#define OFF_PRIO        8
#define OFF_EFFECTIVE   9
#define OFF_FLAGS       10
#define OFF_KEY_ID      11
#define OFF_NODE_LEN    12
#define OFF_TARGET_LEN  13
#define OFF_TRACKS      14
#define OFF_TRACKS_DOWN 15
#define OFF_INTERVAL    16
#define OFF_EPOCH       20
#define OFF_BOOT_ID     28
#define OFF_COUNTER     36
#define OFF_NONCE       44
#define OFF_ECHO        52

#define MAGIC_LEN       4
#define STATE_MAX       3  /* FSM_FAULT: the last enum fsm_state on the wire */

_Static_assert(OFF_ECHO + 8 == HEARTBEAT_HDR_LEN, "heartbeat header layout");

static const char *const reason_names[] = {
	[HEARTBEAT_OK]           = "ok",
	[HEARTBEAT_ERR_SHORT]    = "short",
	[HEARTBEAT_ERR_MAGIC]    = "magic",
	[HEARTBEAT_ERR_VERSION]  = "version",
	[HEARTBEAT_ERR_TYPE]     = "type",
	[HEARTBEAT_ERR_FIELD]    = "field",
	[HEARTBEAT_ERR_INTERVAL] = "interval",
	[HEARTBEAT_ERR_LENGTH]   = "length",
	[HEARTBEAT_ERR_TARGET]   = "target",
	[HEARTBEAT_ERR_NONCE]    = "nonce",
	[HEARTBEAT_ERR_NAME]     = "name",
	[HEARTBEAT_ERR_KEY]      = "key",
	[HEARTBEAT_ERR_MAC]      = "mac",
};
_Static_assert(sizeof(reason_names) / sizeof(reason_names[0]) == HEARTBEAT_REASON_MAX,
	       "heartbeat_reason_str table out of step with enum heartbeat_reason");

const char *heartbeat_reason_str(enum heartbeat_reason r)
{
	if ((unsigned)r >= HEARTBEAT_REASON_MAX || !reason_names[r])
		return "unknown";
	return reason_names[r];
}

const char *heartbeat_type_str(uint8_t type)
{
	switch (type) {
	case HEARTBEAT_BEAT: return "heartbeat";
	case HEARTBEAT_HANDOVER_REQ: return "handover_request";
	case HEARTBEAT_HANDOVER_CONF: return "handover_confirm";
	case HEARTBEAT_RELEASE: return "release";
	default: return "unknown";
	}
}

static int type_ok(uint8_t type)
{
	return type >= HEARTBEAT_BEAT && type <= HEARTBEAT_RELEASE;
}

static int has_target(uint8_t type)
{
	return type == HEARTBEAT_HANDOVER_REQ || type == HEARTBEAT_HANDOVER_CONF;
}

/* The fields of the header that stand alone (FIELD). */
static int fields_ok(const struct heartbeat *h)
{
	return h->vrid != 0 && h->state <= STATE_MAX && h->priority != 0 &&
	       (h->flags & ~HELLO_F_KNOWN) == 0 && h->key_id != 0 &&
	       h->tracks_down <= h->tracks &&
	       (!(h->flags & HELLO_F_TRACK_FAULT) || h->tracks_down > 0) &&
	       h->boot_id != 0 && h->counter != 0;
}

static int interval_ok(uint32_t us)
{
	return us >= HEARTBEAT_INTERVAL_MIN_US && us <= HEARTBEAT_INTERVAL_MAX_US;
}

/* A handover-request asks for an answer bound to it, a confirm gives one. */
static int nonce_ok(const struct heartbeat *h)
{
	if (h->type == HEARTBEAT_HANDOVER_REQ)
		return h->nonce != 0;
	if (h->type == HEARTBEAT_HANDOVER_CONF)
		return h->echo != 0;
	return 1;
}

/* A name read only within its array: an unterminated one is refused. */
static size_t name_len(const char *s)
{
	size_t n = 0;

	while (n <= HEARTBEAT_NAME_MAX && s[n] != '\0')
		n++;
	return n;
}

/* Everything heartbeat_encode refuses: exactly what the decoder rejects. */
static int encodable(const struct heartbeat *h)
{
	if (!type_ok(h->type) || !fields_ok(h) || !interval_ok(h->interval_us) ||
	    !nonce_ok(h) || !hello_name_ok(h->node))
		return 0;
	if (has_target(h->type))
		return hello_name_ok(h->target);
	return h->target[0] == '\0';
}

size_t heartbeat_encode(const struct heartbeat *hb, heartbeat_sign_fn sign, void *ctx,
			uint8_t *buf, size_t buflen)
{
	size_t nlen, tlen, body;

	if (!hb || !sign || !buf || !encodable(hb))
		return 0;
	nlen = name_len(hb->node);    /* terminated: checked by encodable() */
	tlen = name_len(hb->target);
	body = HEARTBEAT_HDR_LEN + nlen + tlen;
	if (buflen < body + HEARTBEAT_TAG_LEN)
		return 0;
	memcpy(buf + OFF_MAGIC, HEARTBEAT_MAGIC, MAGIC_LEN);
	buf[OFF_VERSION] = HEARTBEAT_VERSION;
	buf[OFF_TYPE] = hb->type;
	buf[OFF_VRID] = hb->vrid;
	buf[OFF_STATE] = hb->state;
	buf[OFF_PRIO] = hb->priority;
	buf[OFF_EFFECTIVE] = hb->effective;
	buf[OFF_FLAGS] = hb->flags;
	buf[OFF_KEY_ID] = hb->key_id;
	buf[OFF_NODE_LEN] = (uint8_t)nlen;
	buf[OFF_TARGET_LEN] = (uint8_t)tlen;
	buf[OFF_TRACKS] = hb->tracks;
	buf[OFF_TRACKS_DOWN] = hb->tracks_down;
	wire_put32(buf + OFF_INTERVAL, hb->interval_us);
	wire_put64(buf + OFF_EPOCH, hb->epoch);
	wire_put64(buf + OFF_BOOT_ID, hb->boot_id);
	wire_put64(buf + OFF_COUNTER, hb->counter);
	wire_put64(buf + OFF_NONCE, hb->nonce);
	wire_put64(buf + OFF_ECHO, hb->echo);
	memcpy(buf + HEARTBEAT_HDR_LEN, hb->node, nlen);
	memcpy(buf + HEARTBEAT_HDR_LEN + nlen, hb->target, tlen);
	if (sign(ctx, hb->key_id, buf, body, buf + body) != 0) {
		memset(buf, 0, body + HEARTBEAT_TAG_LEN);
		return 0;
	}
	return body + HEARTBEAT_TAG_LEN;
}

/* The fixed header's fields, before anything is known to be valid. */
static void read_header(const uint8_t *buf, struct heartbeat *h)
{
	h->type = buf[OFF_TYPE];
	h->vrid = buf[OFF_VRID];
	h->state = buf[OFF_STATE];
	h->priority = buf[OFF_PRIO];
	h->effective = buf[OFF_EFFECTIVE];
	h->flags = buf[OFF_FLAGS];
	h->key_id = buf[OFF_KEY_ID];
	h->tracks = buf[OFF_TRACKS];
	h->tracks_down = buf[OFF_TRACKS_DOWN];
	h->interval_us = wire_get32(buf + OFF_INTERVAL);
	h->epoch = wire_get64(buf + OFF_EPOCH);
	h->boot_id = wire_get64(buf + OFF_BOOT_ID);
	h->counter = wire_get64(buf + OFF_COUNTER);
	h->nonce = wire_get64(buf + OFF_NONCE);
	h->echo = wire_get64(buf + OFF_ECHO);
}

/* The length must match exactly (a UDP socket hands over the datagram as
 * sent). Name lengths are only compared with len before any name byte is
 * read, which keeps every read inside the buffer. */
enum heartbeat_reason heartbeat_decode(const uint8_t *buf, size_t len,
				       struct heartbeat *out)
{
	struct heartbeat h;
	size_t nlen, tlen;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!buf || len < HEARTBEAT_HDR_LEN)
		return HEARTBEAT_ERR_SHORT;
	if (memcmp(buf + OFF_MAGIC, HEARTBEAT_MAGIC, MAGIC_LEN) != 0)
		return HEARTBEAT_ERR_MAGIC;
	if (buf[OFF_VERSION] != HEARTBEAT_VERSION)
		return HEARTBEAT_ERR_VERSION;
	if (!type_ok(buf[OFF_TYPE]))
		return HEARTBEAT_ERR_TYPE;
	memset(&h, 0, sizeof(h));
	read_header(buf, &h);
	if (!fields_ok(&h))
		return HEARTBEAT_ERR_FIELD;
	if (!interval_ok(h.interval_us))
		return HEARTBEAT_ERR_INTERVAL;
	nlen = buf[OFF_NODE_LEN];
	tlen = buf[OFF_TARGET_LEN];
	if (len != HEARTBEAT_HDR_LEN + nlen + tlen + HEARTBEAT_TAG_LEN)
		return HEARTBEAT_ERR_LENGTH;
	if (has_target(h.type) != (tlen != 0))
		return HEARTBEAT_ERR_TARGET;
	if (!nonce_ok(&h))
		return HEARTBEAT_ERR_NONCE;
	if (!hello_name_bytes_ok(buf + HEARTBEAT_HDR_LEN, nlen) ||
	    (tlen && !hello_name_bytes_ok(buf + HEARTBEAT_HDR_LEN + nlen, tlen)))
		return HEARTBEAT_ERR_NAME;
	if (out) {
		memcpy(h.node, buf + HEARTBEAT_HDR_LEN, nlen);
		memcpy(h.target, buf + HEARTBEAT_HDR_LEN + nlen, tlen);
		memcpy(h.tag, buf + len - HEARTBEAT_TAG_LEN, HEARTBEAT_TAG_LEN);
		*out = h;
	}
	return HEARTBEAT_OK;
}

enum heartbeat_reason heartbeat_verify(const uint8_t *buf, size_t len,
				       heartbeat_verify_fn verify, void *ctx)
{
	enum heartbeat_reason r = heartbeat_decode(buf, len, NULL);

	if (r != HEARTBEAT_OK)
		return r;
	if (!verify)
		return HEARTBEAT_ERR_MAC;
	r = verify(ctx, buf[OFF_KEY_ID], buf, len - HEARTBEAT_TAG_LEN,
		   buf + len - HEARTBEAT_TAG_LEN);
	/* A callback's stray value is a failure, never an acceptance. */
	return r == HEARTBEAT_OK || r == HEARTBEAT_ERR_KEY ? r : HEARTBEAT_ERR_MAC;
}
