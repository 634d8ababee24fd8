/* ctmsg: codec of the conntrack-sync messages. The wire format and the
 * rules are in ctmsg.h.
 *
 * Checks run in a fixed order and stop at the first failure: SHORT, MAGIC,
 * VERSION, TYPE, FIELD, LENGTH (the name's length first), NAME, then each
 * entry in turn: LENGTH when it does not fit before the tag, ENTRY when it
 * is not valid; finally LENGTH when bytes are left over. */
#include "core/ctmsg.h"
#include "core/wire.h"

#include <string.h>

#define OFF_MAGIC    0
#define OFF_VERSION  4
#define OFF_TYPE     5
#define OFF_FLAGS    6
#define OFF_KEY_ID   7
#define OFF_NODE_LEN 8
#define OFF_RESERVED 9
#define OFF_COUNT    10
#define OFF_BOOT_ID  12
#define OFF_COUNTER  20
#define OFF_NONCE    28
#define OFF_ECHO     36
#define OFF_FIRST    44
#define OFF_LAST     52
#define MAGIC_LEN    4

#define PROTO_ICMP   1
#define PROTO_TCP    6
#define PROTO_UDP    17
#define PROTO_ICMPV6 58

_Static_assert(OFF_LAST + 8 == CTMSG_HDR_LEN, "ctmsg header layout");

static const char *const reason_names[] = {
	[CTMSG_OK]          = "ok",
	[CTMSG_ERR_SHORT]   = "short",
	[CTMSG_ERR_MAGIC]   = "magic",
	[CTMSG_ERR_VERSION] = "version",
	[CTMSG_ERR_TYPE]    = "type",
	[CTMSG_ERR_FIELD]   = "field",
	[CTMSG_ERR_LENGTH]  = "length",
	[CTMSG_ERR_NAME]    = "name",
	[CTMSG_ERR_ENTRY]   = "entry",
	[CTMSG_ERR_KEY]     = "key",
	[CTMSG_ERR_MAC]     = "mac",
};
_Static_assert(sizeof(reason_names) / sizeof(reason_names[0]) == CTMSG_REASON_MAX,
	       "ctmsg_reason_str table out of step with enum ctmsg_reason");

const char *ctmsg_reason_str(enum ctmsg_reason r)
{
	if ((unsigned)r >= CTMSG_REASON_MAX)
		return "unknown";
	return reason_names[r];
}

const char *ctmsg_type_str(uint8_t type)
{
	switch (type) {
	case CTMSG_UPDATE: return "update";
	case CTMSG_DESTROY: return "destroy";
	case CTMSG_DUMP: return "dump";
	case CTMSG_RESYNC: return "resync";
	case CTMSG_RESEND: return "resend";
	default: return "unknown";
	}
}

static bool has_entries(uint8_t type)
{
	return type == CTMSG_UPDATE || type == CTMSG_DESTROY || type == CTMSG_DUMP;
}

static size_t alen(uint8_t family)
{
	return family == 4 ? 4 : family == 6 ? 16 : 0;
}

size_t ctmsg_entry_len(uint8_t type, uint8_t family)
{
	size_t a = alen(family);

	if (!a || !has_entries(type))
		return 0;
	return type == CTMSG_DESTROY ? 8 + 2 * a : 28 + 4 * a;
}

static bool proto_ok(uint8_t family, uint8_t proto)
{
	if (proto == PROTO_TCP || proto == PROTO_UDP)
		return true;
	return family == 4 ? proto == PROTO_ICMP : proto == PROTO_ICMPV6;
}

/* The bytes of an address past its length are 0 (IPv4 in a[0..3]). */
static bool tail_zero(const uint8_t *a, size_t n)
{
	size_t i;

	for (i = n; i < 16; i++)
		if (a[i])
			return false;
	return true;
}

bool ctmsg_entry_ok(uint8_t type, const struct ctmsg_entry *e)
{
	size_t a = alen(e->orig.family);
	bool tcp = e->orig.proto == PROTO_TCP;

	if (!a || !has_entries(type) || !proto_ok(e->orig.family, e->orig.proto))
		return false;
	if (!tail_zero(e->orig.src, a) || !tail_zero(e->orig.dst, a))
		return false;
	if (type == CTMSG_DESTROY)
		return e->flags == 0 && e->tcp_state == 0;
	if (!tail_zero(e->reply.src, a) || !tail_zero(e->reply.dst, a))
		return false;
	if (e->flags & ~CTMSG_E_TCP)
		return false;
	if (!(e->flags & CTMSG_E_TCP))
		return e->tcp_state == 0 && e->wscale_orig == 0 && e->wscale_reply == 0 &&
		       e->tflags_orig == 0 && e->tflags_reply == 0;
	return tcp && e->tcp_state >= 1 && e->tcp_state <= CTMSG_TCP_STATE_MAX &&
	       e->wscale_orig <= CTMSG_WSCALE_MAX && e->wscale_reply <= CTMSG_WSCALE_MAX;
}

/* The header's fields that stand alone (FIELD); count is checked against
 * the type, the length against the entries later. */
static bool fields_ok(const struct ctmsg *h, uint8_t reserved)
{
	if (h->key_id == 0 || h->boot_id == 0 || h->counter == 0 || reserved != 0)
		return false;
	if (h->type != CTMSG_DUMP && h->flags != 0)
		return false;
	if (!has_entries(h->type) && h->count != 0)
		return false;
	switch (h->type) {
	case CTMSG_UPDATE:
	case CTMSG_DESTROY:
		return h->nonce == 0 && h->echo == 0 && h->first == 0 && h->last == 0;
	case CTMSG_DUMP:
		if (h->flags & ~(CTMSG_F_FIRST | CTMSG_F_LAST))
			return false;
		if (h->nonce != 0 || h->last != 0 || h->first == 0 || h->first > h->counter)
			return false;
		return !(h->flags & CTMSG_F_FIRST) || h->first == h->counter;
	case CTMSG_RESYNC:
		return h->nonce != 0 && h->echo == 0 && h->first == 0 && h->last == 0;
	case CTMSG_RESEND:
		return h->nonce == 0 && h->echo == 0 && h->first != 0 && h->last >= h->first &&
		       h->last - h->first < CTMSG_RESEND_MAX;
	default:
		return false;
	}
}

static size_t name_len(const char *s)
{
	size_t n = 0;

	while (n <= CTMSG_NAME_MAX && s[n] != '\0')
		n++;
	return n;
}

int ctmsg_begin(struct ctmsg_builder *b, const struct ctmsg *h, uint8_t *buf, size_t cap)
{
	struct ctmsg c;
	size_t nlen;

	if (!b || !h || !buf)
		return -1;
	memset(b, 0, sizeof(*b));
	c = *h;
	c.count = 0;
	if (!fields_ok(&c, 0) || !hello_name_ok(h->node))
		return -1;
	nlen = name_len(h->node);
	if (cap > CTMSG_MAX_LEN)
		cap = CTMSG_MAX_LEN;
	if (cap < CTMSG_HDR_LEN + nlen + CTMSG_TAG_LEN)
		return -1;
	memcpy(buf + OFF_MAGIC, CTMSG_MAGIC, MAGIC_LEN);
	buf[OFF_VERSION] = CTMSG_VERSION;
	buf[OFF_TYPE] = h->type;
	buf[OFF_FLAGS] = h->flags;
	buf[OFF_KEY_ID] = h->key_id;
	buf[OFF_NODE_LEN] = (uint8_t)nlen;
	buf[OFF_RESERVED] = 0;
	wire_put16(buf + OFF_COUNT, 0);
	wire_put64(buf + OFF_BOOT_ID, h->boot_id);
	wire_put64(buf + OFF_COUNTER, h->counter);
	wire_put64(buf + OFF_NONCE, h->nonce);
	wire_put64(buf + OFF_ECHO, h->echo);
	wire_put64(buf + OFF_FIRST, h->first);
	wire_put64(buf + OFF_LAST, h->last);
	memcpy(buf + CTMSG_HDR_LEN, h->node, nlen);
	b->buf = buf;
	b->cap = cap;
	b->len = CTMSG_HDR_LEN + nlen;
	b->type = h->type;
	return 0;
}

static uint8_t *put_tuple(uint8_t *p, const struct ctmsg_tuple *t, size_t a)
{
	memcpy(p, t->src, a);
	memcpy(p + a, t->dst, a);
	wire_put16(p + 2 * a, t->sport);
	wire_put16(p + 2 * a + 2, t->dport);
	return p + 2 * a + 4;
}

int ctmsg_add(struct ctmsg_builder *b, const struct ctmsg_entry *e)
{
	size_t a, n;
	uint8_t *p;

	if (!b || !b->buf || !e || !ctmsg_entry_ok(b->type, e))
		return -2;
	a = alen(e->orig.family);
	n = ctmsg_entry_len(b->type, e->orig.family);
	if (b->count == UINT16_MAX || b->len + n + CTMSG_TAG_LEN > b->cap)
		return -1;
	p = b->buf + b->len;
	p[0] = e->orig.family;
	p[1] = e->orig.proto;
	p[2] = e->flags;
	p[3] = e->tcp_state;
	p = put_tuple(p + 4, &e->orig, a);
	if (b->type != CTMSG_DESTROY) {
		p = put_tuple(p, &e->reply, a);
		wire_put32(p, e->status);
		wire_put32(p + 4, e->timeout);
		wire_put32(p + 8, e->mark);
		p[12] = e->wscale_orig;
		p[13] = e->wscale_reply;
		p[14] = e->tflags_orig;
		p[15] = e->tflags_reply;
	}
	b->len += n;
	b->count++;
	return 0;
}

void ctmsg_mark_last(struct ctmsg_builder *b)
{
	if (b && b->buf && b->type == CTMSG_DUMP)
		b->buf[OFF_FLAGS] |= CTMSG_F_LAST;
}

size_t ctmsg_finish(struct ctmsg_builder *b, heartbeat_sign_fn sign, void *ctx)
{
	size_t len;

	if (!b || !b->buf || !sign)
		return 0;
	wire_put16(b->buf + OFF_COUNT, b->count);
	if (sign(ctx, b->buf[OFF_KEY_ID], b->buf, b->len, b->buf + b->len) != 0) {
		memset(b->buf, 0, b->len + CTMSG_TAG_LEN);
		return 0;
	}
	len = b->len + CTMSG_TAG_LEN;
	b->buf = NULL;
	return len;
}

static void read_header(const uint8_t *buf, struct ctmsg *h)
{
	h->type = buf[OFF_TYPE];
	h->flags = buf[OFF_FLAGS];
	h->key_id = buf[OFF_KEY_ID];
	h->count = wire_get16(buf + OFF_COUNT);
	h->boot_id = wire_get64(buf + OFF_BOOT_ID);
	h->counter = wire_get64(buf + OFF_COUNTER);
	h->nonce = wire_get64(buf + OFF_NONCE);
	h->echo = wire_get64(buf + OFF_ECHO);
	h->first = wire_get64(buf + OFF_FIRST);
	h->last = wire_get64(buf + OFF_LAST);
}

static const uint8_t *get_tuple(const uint8_t *p, struct ctmsg_tuple *t, size_t a)
{
	memcpy(t->src, p, a);
	memcpy(t->dst, p + a, a);
	t->sport = wire_get16(p + 2 * a);
	t->dport = wire_get16(p + 2 * a + 2);
	return p + 2 * a + 4;
}

/* One entry at p with left bytes before the tag: its length, 0 when it
 * does not fit (LENGTH), (size_t)-1 when it is invalid (ENTRY). */
static size_t read_entry(uint8_t type, const uint8_t *p, size_t left, struct ctmsg_entry *e)
{
	size_t a, n;

	memset(e, 0, sizeof(*e));
	if (left < 4)
		return 0;
	a = alen(p[0]);
	if (!a)
		return (size_t)-1;
	n = ctmsg_entry_len(type, p[0]);
	if (left < n)
		return 0;
	e->orig.family = e->reply.family = p[0];
	e->orig.proto = e->reply.proto = p[1];
	e->flags = p[2];
	e->tcp_state = p[3];
	p = get_tuple(p + 4, &e->orig, a);
	if (type != CTMSG_DESTROY) {
		p = get_tuple(p, &e->reply, a);
		e->status = wire_get32(p);
		e->timeout = wire_get32(p + 4);
		e->mark = wire_get32(p + 8);
		e->wscale_orig = p[12];
		e->wscale_reply = p[13];
		e->tflags_orig = p[14];
		e->tflags_reply = p[15];
	}
	return ctmsg_entry_ok(type, e) ? n : (size_t)-1;
}

enum ctmsg_reason ctmsg_decode(const uint8_t *buf, size_t len, struct ctmsg *out)
{
	struct ctmsg h;
	struct ctmsg_entry e;
	size_t nlen, off, end, n;
	unsigned i;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!buf || len < CTMSG_HDR_LEN)
		return CTMSG_ERR_SHORT;
	if (memcmp(buf + OFF_MAGIC, CTMSG_MAGIC, MAGIC_LEN) != 0)
		return CTMSG_ERR_MAGIC;
	if (buf[OFF_VERSION] != CTMSG_VERSION)
		return CTMSG_ERR_VERSION;
	if (buf[OFF_TYPE] < CTMSG_UPDATE || buf[OFF_TYPE] > CTMSG_RESEND)
		return CTMSG_ERR_TYPE;
	memset(&h, 0, sizeof(h));
	read_header(buf, &h);
	if (!fields_ok(&h, buf[OFF_RESERVED]))
		return CTMSG_ERR_FIELD;
	nlen = buf[OFF_NODE_LEN];
	if (len > CTMSG_MAX_LEN || len < CTMSG_HDR_LEN + nlen + CTMSG_TAG_LEN)
		return CTMSG_ERR_LENGTH;
	if (!hello_name_bytes_ok(buf + CTMSG_HDR_LEN, nlen))
		return CTMSG_ERR_NAME;
	off = CTMSG_HDR_LEN + nlen;
	end = len - CTMSG_TAG_LEN;
	for (i = 0; i < h.count; i++) {
		n = read_entry(h.type, buf + off, end - off, &e);
		if (n == 0)
			return CTMSG_ERR_LENGTH;
		if (n == (size_t)-1)
			return CTMSG_ERR_ENTRY;
		off += n;
	}
	if (off != end)
		return CTMSG_ERR_LENGTH;
	if (out) {
		memcpy(h.node, buf + CTMSG_HDR_LEN, nlen);
		memcpy(h.tag, buf + end, CTMSG_TAG_LEN);
		*out = h;
	}
	return CTMSG_OK;
}

enum ctmsg_reason ctmsg_verify(const uint8_t *buf, size_t len, heartbeat_verify_fn verify,
			       void *ctx)
{
	enum ctmsg_reason r = ctmsg_decode(buf, len, NULL);
	enum heartbeat_reason v;

	if (r != CTMSG_OK)
		return r;
	if (!verify)
		return CTMSG_ERR_MAC;
	v = verify(ctx, buf[OFF_KEY_ID], buf, len - CTMSG_TAG_LEN, buf + len - CTMSG_TAG_LEN);
	/* A callback's stray value is a failure, never an acceptance. */
	if (v == HEARTBEAT_OK)
		return CTMSG_OK;
	return v == HEARTBEAT_ERR_KEY ? CTMSG_ERR_KEY : CTMSG_ERR_MAC;
}

void ctmsg_iter_init(struct ctmsg_iter *it, const uint8_t *buf, size_t len)
{
	memset(it, 0, sizeof(*it));
	if (ctmsg_decode(buf, len, NULL) != CTMSG_OK)
		return;
	it->type = buf[OFF_TYPE];
	it->n = wire_get16(buf + OFF_COUNT);
	it->p = buf + CTMSG_HDR_LEN + buf[OFF_NODE_LEN];
	it->left = len - CTMSG_TAG_LEN - CTMSG_HDR_LEN - buf[OFF_NODE_LEN];
}

bool ctmsg_iter_next(struct ctmsg_iter *it, struct ctmsg_entry *e)
{
	size_t n;

	memset(e, 0, sizeof(*e));
	if (!it->n || !it->p)
		return false;
	n = read_entry(it->type, it->p, it->left, e);
	if (n == 0 || n == (size_t)-1) {
		it->n = 0;
		return false;
	}
	it->p += n;
	it->left -= n;
	it->n--;
	return true;
}

void ctmsg_tuple_invert(const struct ctmsg_tuple *t, struct ctmsg_tuple *out)
{
	struct ctmsg_tuple r = *t;

	memcpy(r.src, t->dst, sizeof(r.src));
	memcpy(r.dst, t->src, sizeof(r.dst));
	r.sport = t->dport;
	r.dport = t->sport;
	*out = r;
}
