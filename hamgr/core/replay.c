/* replay: the per-sender replay window of protocol "hamgr". The design and
 * why it holds are in replay.h; this file is the bookkeeping. */
#include "core/replay.h"

#include <string.h>

_Static_assert(REPLAY_WINDOW == 64, "the window is one uint64_t bitmap");

static const char *const verdict_names[] = {
	[REPLAY_NEW]            = "new",
	[REPLAY_LATE]           = "late",
	[REPLAY_JOINED]         = "joined",
	[REPLAY_ERR_DUP]        = "dup",
	[REPLAY_ERR_OLD]        = "old",
	[REPLAY_ERR_OLD_BOOT]   = "old_boot",
	[REPLAY_ERR_UNVERIFIED] = "unverified",
	[REPLAY_ERR_FULL]       = "full",
};
_Static_assert(sizeof(verdict_names) / sizeof(verdict_names[0]) == REPLAY_VERDICT_MAX,
	       "replay_verdict_str table out of step with enum replay_verdict");

const char *replay_verdict_str(enum replay_verdict v)
{
	if ((unsigned)v >= REPLAY_VERDICT_MAX)
		return "unknown";
	return verdict_names[v];
}

bool replay_accepted(enum replay_verdict v)
{
	return v == REPLAY_NEW || v == REPLAY_LATE || v == REPLAY_JOINED;
}

void replay_init(struct replay *r)
{
	memset(r, 0, sizeof(*r));
}

/* Names compared within their arrays (HEARTBEAT_NAME_MAX + 1 bytes). */
static struct replay_peer *find(struct replay *r, const char *node)
{
	size_t i;

	if (!node)
		return NULL;
	for (i = 0; i < r->n_peers; i++)
		if (strncmp(r->peer[i].node, node, sizeof(r->peer[i].node)) == 0)
			return &r->peer[i];
	return NULL;
}

const struct replay_peer *replay_find(const struct replay *r, const char *node)
{
	return find((struct replay *)r, node);
}

/* The window of a joined boot. */
static enum replay_verdict window(struct replay_peer *p, uint64_t counter)
{
	uint64_t d;

	if (counter > p->top) {
		d = counter - p->top;
		p->seen = d >= REPLAY_WINDOW ? 1 : p->seen << d | 1;
		p->top = counter;
		return REPLAY_NEW;
	}
	if (counter <= p->floor)
		return REPLAY_ERR_OLD;
	d = p->top - counter;
	if (d >= REPLAY_WINDOW)
		return REPLAY_ERR_OLD;
	if (p->seen & (uint64_t)1 << d)
		return REPLAY_ERR_DUP;
	p->seen |= (uint64_t)1 << d;
	return REPLAY_LATE;
}

/* Start node's session at (boot_id, counter): the message echoed our
 * nonce, which is retired so that it admits nobody else, ever. */
static enum replay_verdict join(struct replay *r, struct replay_peer *p, const char *node,
				uint64_t boot_id, uint64_t counter)
{
	if (!p) {
		p = &r->peer[r->n_peers++];
		memset(p, 0, sizeof(*p));
		memcpy(p->node, node, strlen(node));   /* hello_name_ok: <= 63 */
	} else {
		p->prev_boot = p->boot_id;
	}
	p->boot_id = boot_id;
	p->floor = p->top = counter;
	p->seen = 1;
	r->nonce = 0;
	r->challenge_due = false;
	return REPLAY_JOINED;
}

static enum replay_verdict judge(struct replay *r, const char *node, uint64_t boot_id,
				 uint64_t counter, uint64_t echo)
{
	struct replay_peer *p;

	/* What the codec refuses: judged unverified, no challenge for it. */
	if (!hello_name_ok(node) || boot_id == 0 || counter == 0)
		return REPLAY_ERR_UNVERIFIED;
	p = find(r, node);
	if (p && boot_id == p->boot_id)
		return window(p, counter);
	if (p && boot_id == p->prev_boot)
		return REPLAY_ERR_OLD_BOOT;
	if (r->nonce != 0 && echo == r->nonce) {
		if (!p && r->n_peers == REPLAY_PEERS_MAX)
			return REPLAY_ERR_FULL;
		return join(r, p, node, boot_id, counter);
	}
	r->challenge_due = true;
	return REPLAY_ERR_UNVERIFIED;
}

enum replay_verdict replay_check(struct replay *r, const char *node, uint64_t boot_id,
				 uint64_t counter, uint64_t echo)
{
	enum replay_verdict v = judge(r, node, boot_id, counter, echo);

	r->count[v]++;
	return v;
}

bool replay_wants_nonce(const struct replay *r)
{
	return r->challenge_due && r->nonce == 0;
}

void replay_set_nonce(struct replay *r, uint64_t nonce)
{
	if (nonce != 0)
		r->nonce = nonce;
}

uint64_t replay_nonce(const struct replay *r)
{
	return r->nonce;
}

bool replay_note_nonce(struct replay *r, enum replay_verdict v, uint64_t nonce)
{
	if (nonce == 0 || nonce == r->echo)
		return false;
	if (v == REPLAY_ERR_DUP || v == REPLAY_ERR_OLD || v == REPLAY_ERR_OLD_BOOT)
		return false;
	r->echo = nonce;
	return true;
}

uint64_t replay_echo(const struct replay *r)
{
	return r->echo;
}

void replay_forget(struct replay *r, const char *node)
{
	struct replay_peer *p = find(r, node);

	if (!p)
		return;
	*p = r->peer[--r->n_peers];
	memset(&r->peer[r->n_peers], 0, sizeof(r->peer[0]));
	r->nonce = 0;
}
