/* hello: codec for the node announcements hamgr exchanges beside VRRPv3.
 * The wire format and the rules are in hello.h.
 *
 * The decoder is strict: every byte of a valid packet is either checked or
 * carried into struct hello, so decode followed by encode gives back exactly
 * the bytes received. That makes the codec a bijection between valid packets
 * and valid structs, which the tests and the fuzzer rely on.
 *
 * Checks run in a fixed order and stop at the first failure: SHORT, MAGIC,
 * VERSION, TYPE, FIELD, LENGTH, TARGET, NAME. TARGET (target present or not)
 * comes before NAME so that an announce carrying a target is reported as
 * such whatever the target's bytes are. */
#include "core/hello.h"
#include "core/wire.h"

#include <string.h>

#define OFF_MAGIC      0
#define OFF_VERSION    4
#define OFF_TYPE       5
#define OFF_VRID       6
#define OFF_STATE      7
#define OFF_PRIO       8
#define OFF_EFFECTIVE  9
#define OFF_FLAGS      10
#define OFF_NODE_LEN   11
#define OFF_TARGET_LEN 12
#define OFF_RESERVED   13
#define RESERVED_LEN   3
#define OFF_SEQ        16

#define MAGIC_LEN      4
#define STATE_MAX      3  /* FSM_FAULT: the last enum fsm_state on the wire */

static const char *const reason_names[] = {
	[HELLO_OK]          = "ok",
	[HELLO_ERR_SHORT]   = "short",
	[HELLO_ERR_MAGIC]   = "magic",
	[HELLO_ERR_VERSION] = "version",
	[HELLO_ERR_TYPE]    = "type",
	[HELLO_ERR_FIELD]   = "field",
	[HELLO_ERR_LENGTH]  = "length",
	[HELLO_ERR_NAME]    = "name",
	[HELLO_ERR_TARGET]  = "target",
	[HELLO_ERR_TTL]     = "ttl",
	[HELLO_ERR_UNSIGNED] = "unsigned",
	[HELLO_ERR_NOT_ALLOWED] = "not_allowed",
};
_Static_assert(sizeof(reason_names) / sizeof(reason_names[0]) == HELLO_REASON_MAX,
	       "hello_reason_str table out of step with enum hello_reason");

const char *hello_reason_str(enum hello_reason r)
{
	if ((unsigned)r >= HELLO_REASON_MAX || !reason_names[r])
		return "unknown";
	return reason_names[r];
}

/* Written out rather than isalnum(): the locale must not widen the set. */
static int name_char_ok(uint8_t c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '.' || c == '_' || c == '-');
}

/* The wire form of a name: n bytes, no terminator. */
int hello_name_bytes_ok(const uint8_t *p, size_t n)
{
	size_t i;

	if (n == 0 || n > HELLO_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!name_char_ok(p[i], i == 0))
			return 0;
	return 1;
}

/* The length is counted with a bound (strnlen is POSIX, not C11): a string
 * longer than the limit is rejected after looking at HELLO_NAME_MAX + 1
 * bytes, whatever its real length, so a struct hello's unterminated array
 * is never read past its end. */
int hello_name_ok(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	while (n <= HELLO_NAME_MAX && s[n] != '\0')
		n++;
	return hello_name_bytes_ok((const uint8_t *)s, n);
}

static int type_ok(uint8_t type)
{
	return type == HELLO_ANNOUNCE || type == HELLO_HANDOVER;
}

static int fields_ok(uint8_t vrid, uint8_t state, uint8_t flags)
{
	return vrid != 0 && state <= STATE_MAX && (flags & ~HELLO_F_KNOWN) == 0;
}

/* Everything hello_encode refuses: exactly what the decoder rejects. The
 * names are read only within their arrays, so an unterminated one is
 * refused rather than overrun. */
static int encodable(const struct hello *h)
{
	if (!type_ok(h->type) || !fields_ok(h->vrid, h->state, h->flags))
		return 0;
	if (!hello_name_ok(h->node))
		return 0;
	if (h->type == HELLO_HANDOVER)
		return hello_name_ok(h->target);
	return h->target[0] == '\0';
}

size_t hello_encode(const struct hello *h, uint8_t *buf, size_t buflen)
{
	size_t nlen, tlen, need;

	if (!h || !buf || !encodable(h))
		return 0;
	nlen = strlen(h->node);    /* terminated: checked by encodable() */
	tlen = strlen(h->target);
	need = HELLO_HDR_LEN + nlen + tlen;
	if (buflen < need)
		return 0;
	memcpy(buf + OFF_MAGIC, HELLO_MAGIC, MAGIC_LEN);
	buf[OFF_VERSION] = HELLO_VERSION;
	buf[OFF_TYPE] = h->type;
	buf[OFF_VRID] = h->vrid;
	buf[OFF_STATE] = h->state;
	buf[OFF_PRIO] = h->priority;
	buf[OFF_EFFECTIVE] = h->effective;
	buf[OFF_FLAGS] = h->flags;
	buf[OFF_NODE_LEN] = (uint8_t)nlen;
	buf[OFF_TARGET_LEN] = (uint8_t)tlen;
	memset(buf + OFF_RESERVED, 0, RESERVED_LEN);
	wire_put32(buf + OFF_SEQ, h->seq);
	memcpy(buf + HELLO_HDR_LEN, h->node, nlen);
	memcpy(buf + HELLO_HDR_LEN + nlen, h->target, tlen);
	return need;
}

static int reserved_zero(const uint8_t *buf)
{
	return buf[OFF_RESERVED] == 0 && buf[OFF_RESERVED + 1] == 0 &&
	       buf[OFF_RESERVED + 2] == 0;
}

/* Called once the packet is known valid; the names' bytes were checked,
 * so copying them and adding a terminator gives valid C strings. */
static void fill(const uint8_t *buf, struct hello *out)
{
	size_t nlen = buf[OFF_NODE_LEN], tlen = buf[OFF_TARGET_LEN];

	out->type = buf[OFF_TYPE];
	out->vrid = buf[OFF_VRID];
	out->state = buf[OFF_STATE];
	out->priority = buf[OFF_PRIO];
	out->effective = buf[OFF_EFFECTIVE];
	out->flags = buf[OFF_FLAGS];
	out->seq = wire_get32(buf + OFF_SEQ);
	memcpy(out->node, buf + HELLO_HDR_LEN, nlen);
	out->node[nlen] = '\0';
	memcpy(out->target, buf + HELLO_HDR_LEN + nlen, tlen);
	out->target[tlen] = '\0';
}

/* The length must match exactly: a UDP socket hands over the datagram as
 * sent, so trailing bytes mean a foreign or malformed packet. Name lengths
 * are only compared with len before any name byte is read, which is what
 * keeps every read inside the buffer. */
enum hello_reason hello_decode(const uint8_t *buf, size_t len, struct hello *out)
{
	size_t nlen, tlen;
	uint8_t type;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!buf || len < HELLO_HDR_LEN)
		return HELLO_ERR_SHORT;
	if (memcmp(buf + OFF_MAGIC, HELLO_MAGIC, MAGIC_LEN) != 0)
		return HELLO_ERR_MAGIC;
	if (buf[OFF_VERSION] != HELLO_VERSION)
		return HELLO_ERR_VERSION;
	type = buf[OFF_TYPE];
	if (!type_ok(type))
		return HELLO_ERR_TYPE;
	if (!fields_ok(buf[OFF_VRID], buf[OFF_STATE], buf[OFF_FLAGS]) ||
	    !reserved_zero(buf))
		return HELLO_ERR_FIELD;
	nlen = buf[OFF_NODE_LEN];
	tlen = buf[OFF_TARGET_LEN];
	if (len != HELLO_HDR_LEN + nlen + tlen)
		return HELLO_ERR_LENGTH;
	if ((type == HELLO_HANDOVER) != (tlen != 0))
		return HELLO_ERR_TARGET;
	if (!hello_name_bytes_ok(buf + HELLO_HDR_LEN, nlen) ||
	    (tlen && !hello_name_bytes_ok(buf + HELLO_HDR_LEN + nlen, tlen)))
		return HELLO_ERR_NAME;
	if (out)
		fill(buf, out);
	return HELLO_OK;
}
