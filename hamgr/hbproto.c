/* hbproto: protocol "hamgr"'s sockets, keys, counter and replay window
 * for the whole daemon (hbproto.h). */
#include "hbproto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "authkey.h"
#include "hello_io.h"
#include "log.h"

struct hbproto_sub {
	int ifindex;
	unsigned family;
	uint8_t vrid;
	hbproto_fn fn;
	void *arg;
	bool dead;                    /* deleted inside a dispatch */
};

#define HBPROTO_SUBS_MAX 1024

struct hbproto {
	sd_event *event;
	struct hello_io *io;
	uint16_t port;
	char node_name[HEARTBEAT_NAME_MAX + 1];
	struct authkeys keys;
	uint64_t boot_id;
	uint64_t counter;             /* of the last message sent */
	struct replay replay;
	struct hbproto_sub *sub[HBPROTO_SUBS_MAX];
	size_t n_sub;
	int dispatching;
	bool reap;                    /* dead subscriptions to remove */
	struct hbproto_stats stats;
	uint64_t codec_drops[HEARTBEAT_REASON_MAX];
	uint64_t extra_drops[HBPROTO_EXTRA_MAX];
	struct log_ratelimit rl;
};

/* ---- the one list of drop reasons ---- */

static const char *const extra_names[HBPROTO_EXTRA_MAX] = {
	[HBPROTO_DROP_OWN_NAME] = "own_name",
	[HBPROTO_DROP_NO_INSTANCE] = "no_instance",
	[HBPROTO_DROP_UNKNOWN_PEER] = "unknown_peer",
};

size_t hbproto_drop_count(void)
{
	return HEARTBEAT_REASON_MAX + REPLAY_VERDICT_MAX + HBPROTO_EXTRA_MAX;
}

const char *hbproto_drop_name(size_t i)
{
	if (i < HEARTBEAT_REASON_MAX)
		return i == HEARTBEAT_OK ? NULL : heartbeat_reason_str((enum heartbeat_reason)i);
	i -= HEARTBEAT_REASON_MAX;
	if (i < REPLAY_VERDICT_MAX)
		return replay_accepted((enum replay_verdict)i) ? NULL
			: replay_verdict_str((enum replay_verdict)i);
	i -= REPLAY_VERDICT_MAX;
	return i < HBPROTO_EXTRA_MAX ? extra_names[i] : NULL;
}

uint64_t hbproto_drops(const struct hbproto *h, size_t i)
{
	if (!hbproto_drop_name(i))
		return 0;
	if (i < HEARTBEAT_REASON_MAX)
		return h->codec_drops[i];
	i -= HEARTBEAT_REASON_MAX;
	if (i < REPLAY_VERDICT_MAX)
		return h->replay.count[i];
	return h->extra_drops[i - REPLAY_VERDICT_MAX];
}

/* ---- receive ---- */

static uint64_t now_us(struct hbproto *h)
{
	uint64_t now = 0;

	sd_event_now(h->event, CLOCK_MONOTONIC, &now);
	return now;
}

static void log_drop(struct hbproto *h, const struct ipaddr *src, const char *node,
		     const char *why)
{
	char a[IPADDR_STRLEN];
	unsigned supp;

	if (log_ratelimit_ok(&h->rl, now_us(h), &supp))
		log_warnx("dropped heartbeat from %s%s%s: %s%s", ipaddr_str(src, a, sizeof(a)),
			  node ? " node " : "", node ? node : "", why,
			  supp ? " (more drops suppressed)" : "");
}

static struct hbproto_sub *find(struct hbproto *h, int ifindex, unsigned family, uint8_t vrid)
{
	size_t i;

	for (i = 0; i < h->n_sub; i++) {
		struct hbproto_sub *s = h->sub[i];

		if (!s->dead && s->vrid == vrid && s->family == family &&
		    (s->ifindex == ifindex || !ifindex))
			return s;
	}
	return NULL;
}

static uint64_t random_nonzero(void)
{
	uint64_t v = 0;

	while (!v)
		randombytes_buf(&v, sizeof(v));
	return v;
}

/* The replay window's verdict, and whether we must speak now: a challenge
 * to answer (our echo changed) or one of ours to put out. */
static enum replay_verdict judge(struct hbproto *h, const struct heartbeat *hb, bool *answer)
{
	enum replay_verdict v = replay_check(&h->replay, hb->node, hb->boot_id, hb->counter,
					     hb->echo);

	*answer = false;
	if (v == REPLAY_JOINED)
		h->stats.joins++;
	if (hb->nonce && replay_note_nonce(&h->replay, v, hb->nonce))
		*answer = true;
	if (replay_wants_nonce(&h->replay)) {
		replay_set_nonce(&h->replay, random_nonzero());
		*answer = true;
	}
	return v;
}

static void reap(struct hbproto *h)
{
	size_t i, k = 0;

	for (i = 0; i < h->n_sub; i++) {
		if (h->sub[i]->dead)
			free(h->sub[i]);
		else
			h->sub[k++] = h->sub[i];
	}
	h->n_sub = k;
	h->reap = false;
}

static void on_datagram(void *arg, int ifindex, const struct ipaddr *src, uint8_t ttl,
			const uint8_t *buf, size_t len)
{
	struct hbproto *h = arg;
	struct heartbeat hb;
	struct hbproto_sub *s;
	struct hbproto_msg m;
	enum heartbeat_reason r;
	bool answer;

	(void)ttl;      /* authenticated: unicast peers may be routed */
	if ((r = heartbeat_decode(buf, len, &hb)) == HEARTBEAT_OK)
		r = heartbeat_verify(buf, len, authkey_hb_verify, &h->keys);
	if (r != HEARTBEAT_OK) {
		h->codec_drops[r]++;
		log_drop(h, src, NULL, heartbeat_reason_str(r));
		return;
	}
	if (!strcmp(hb.node, h->node_name)) {
		h->extra_drops[HBPROTO_DROP_OWN_NAME]++;
		log_drop(h, src, hb.node, "it carries our own node name (node names must differ)");
		return;
	}
	s = find(h, ifindex, src->family, hb.vrid);
	if (!s) {
		h->extra_drops[HBPROTO_DROP_NO_INSTANCE]++;
		return;
	}
	m.verdict = judge(h, &hb, &answer);
	if (!replay_accepted(m.verdict)) {
		if (m.verdict != REPLAY_ERR_UNVERIFIED)
			log_drop(h, src, hb.node, replay_verdict_str(m.verdict));
		if (!answer)
			return;
	} else {
		h->stats.received++;
	}
	m.hb = &hb;
	m.src = *src;
	m.ifindex = ifindex;
	m.answer = answer;
	h->dispatching++;
	s->fn(s->arg, &m);
	if (--h->dispatching == 0 && h->reap)
		reap(h);
}

/* ---- send ---- */

int hbproto_send(struct hbproto *h, int ifindex, const struct ipaddr *src,
		 const struct ipaddr *dst, struct heartbeat *hb)
{
	uint8_t buf[HEARTBEAT_MAX_LEN];
	size_t len;
	int r;

	if (hb->type == HEARTBEAT_HANDOVER_REQ)
		replay_set_nonce(&h->replay, random_nonzero());
	hb->key_id = h->keys.send_id;
	hb->boot_id = h->boot_id;
	hb->counter = ++h->counter;
	hb->nonce = replay_nonce(&h->replay);
	hb->echo = replay_echo(&h->replay);
	len = heartbeat_encode(hb, authkey_hb_sign, &h->keys, buf, sizeof(buf));
	r = len ? hello_io_send(h->io, ifindex, src, dst, buf, len) : -EINVAL;
	if (r == 0)
		h->stats.sent++;
	else
		h->stats.send_errors++;
	return r;
}

/* ---- life ---- */

struct hbproto *hbproto_open(sd_event *event, uint16_t port, const char *keyfile,
			     const char *node_name, char *err, size_t errlen)
{
	struct hbproto *h;
	char why[256];

	if (sodium_init() < 0) {
		snprintf(err, errlen, "protocol \"hamgr\": libsodium did not initialise");
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "protocol \"hamgr\": out of memory");
		return NULL;
	}
	if (authkey_load(keyfile, &h->keys, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "protocol \"hamgr\": auth-key-file: %s", why);
		free(h);
		return NULL;
	}
	h->event = event;
	h->port = port;
	hbproto_set_node_name(h, node_name);
	h->boot_id = random_nonzero();
	replay_init(&h->replay);
	h->io = hello_io_open(event, port, on_datagram, h, why, sizeof(why));
	if (!h->io) {
		snprintf(err, errlen, "protocol \"hamgr\": %s", why);
		hbproto_close(h);
		return NULL;
	}
	if (why[0])
		log_warnx("protocol \"hamgr\" (partly): %s", why);
	return h;
}

void hbproto_close(struct hbproto *h)
{
	size_t i;

	if (!h)
		return;
	hello_io_close(h->io);
	for (i = 0; i < h->n_sub; i++)
		free(h->sub[i]);
	authkey_wipe(&h->keys);
	free(h);
}

int hbproto_reload_keys(struct hbproto *h, const char *keyfile, char *err, size_t errlen)
{
	struct authkeys k;
	char why[256];

	if (authkey_load(keyfile, &k, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "auth-key-file: %s", why);
		return -1;
	}
	authkey_wipe(&h->keys);
	h->keys = k;
	authkey_wipe(&k);
	return 0;
}

uint16_t hbproto_port(const struct hbproto *h) { return h->port; }

void hbproto_set_node_name(struct hbproto *h, const char *node_name)
{
	snprintf(h->node_name, sizeof(h->node_name), "%s", node_name);
}

struct hbproto_sub *hbproto_add(struct hbproto *h, int ifindex, unsigned family, uint8_t vrid,
				bool multicast, hbproto_fn fn, void *arg, char *err,
				size_t errlen)
{
	struct hbproto_sub *s;
	int r;

	if (h->n_sub == HBPROTO_SUBS_MAX) {
		snprintf(err, errlen, "protocol \"hamgr\": more than %d instances",
			 HBPROTO_SUBS_MAX);
		return NULL;
	}
	if (multicast && (r = hello_io_join(h->io, family, ifindex)) < 0) {
		snprintf(err, errlen, "protocol \"hamgr\": cannot join the group: %s",
			 strerror(-r));
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "protocol \"hamgr\": out of memory");
		return NULL;
	}
	*s = (struct hbproto_sub){ .ifindex = ifindex, .family = family, .vrid = vrid,
				   .fn = fn, .arg = arg };
	h->sub[h->n_sub++] = s;
	return s;
}

void hbproto_del(struct hbproto *h, struct hbproto_sub *s)
{
	if (!h || !s)
		return;
	s->dead = true;
	h->reap = true;
	if (!h->dispatching)
		reap(h);
}

void hbproto_count_answer(struct hbproto *h)
{
	h->stats.answers++;
}

void hbproto_count_unknown_peer(struct hbproto *h)
{
	h->extra_drops[HBPROTO_DROP_UNKNOWN_PEER]++;
}

void hbproto_drain(struct hbproto *h, unsigned family)
{
	if (!h->dispatching)
		hello_io_drain(h->io, family);
}

const struct hbproto_stats *hbproto_stats(const struct hbproto *h) { return &h->stats; }
const struct replay *hbproto_replay(const struct hbproto *h) { return &h->replay; }
uint64_t hbproto_boot_id(const struct hbproto *h) { return h->boot_id; }
uint8_t hbproto_send_key(const struct hbproto *h) { return h->keys.send_id; }
size_t hbproto_keys(const struct hbproto *h) { return h->keys.n; }
