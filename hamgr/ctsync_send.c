/* ctsync_send: conntrack-sync's sending side (see ctsync.h): the signed
 * datagrams to the peers or the group, the filter, the update, destroy and
 * dump batches, the ring of recent data messages and the resends from it.
 * A receiver's requests go out through ctsync_request(). */
#include "ctsync_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/heartbeat.h"
#include "core/hello.h"
#include "udp_io.h"

void ctsync_send_raw(struct ctsync *s, const uint8_t *buf, size_t len)
{
	const struct ipaddr *dst = s->cfg.n_peers ? s->cfg.peers : &s->cfg.multicast;
	size_t n = s->cfg.n_peers ? s->cfg.n_peers : 1, i;

	for (i = 0; i < n; i++) {
		int r = udp_io_send(s->fd, s->ifindex, NULL, &dst[i], s->cfg.port, buf, len);

		if (r < 0) {
			unsigned supp;

			s->st.drops[CTSYNC_DROP_SEND]++;
			if (log_ratelimit_ok(&s->rl, ctsync_now(s), &supp))
				log_warnx("conntrack-sync: send: %s", strerror(-r));
		}
	}
	s->st.msgs_sent++;
	s->last_sent_us = ctsync_now(s);
}

static struct ctmsg header(struct ctsync *s, uint8_t type)
{
	struct ctmsg h;

	memset(&h, 0, sizeof(h));
	h.type = type;
	h.key_id = s->keys.send_id;
	h.boot_id = s->boot_id;
	h.counter = ++s->counter;
	snprintf(h.node, sizeof(h.node), "%s", s->node);
	return h;
}

void ctsync_request(struct ctsync *s, uint8_t type, uint64_t nonce, uint64_t first,
		    uint64_t last)
{
	struct ctmsg h = header(s, type);
	struct ctmsg_builder b;
	uint8_t buf[CTMSG_HDR_LEN + CTMSG_NAME_MAX + CTMSG_TAG_LEN];
	size_t len;

	h.nonce = nonce;
	h.first = first;
	h.last = last;
	if (ctmsg_begin(&b, &h, buf, sizeof(buf)) < 0)
		return;
	len = ctmsg_finish(&b, authkey_hb_sign, &s->keys);
	if (len)
		ctsync_send_raw(s, buf, len);
}

/* ---- the filter ------------------------------------------------------------- */

static bool in_prefix(const uint8_t *a, uint8_t family, const struct ipaddr *p)
{
	struct ipaddr ip;

	ipaddr_from_bytes(&ip, family == 4 ? IPADDR_V4 : IPADDR_V6, a);
	return ipaddr_in_prefix(&ip, p);
}

static bool loopback(const uint8_t *a, uint8_t family)
{
	static const uint8_t one6[16] = { [15] = 1 };

	return family == 4 ? a[0] == 127 : memcmp(a, one6, 16) == 0;
}

/* Never the sync traffic itself, nor announcements and heartbeats (VRRP
 * is protocol 112, never synced): UDP between one port on both ends, the
 * way hamgr's sockets bind (a forwarded flow merely from or to port 3780
 * is synced); nor loopback; only the configured protocols; nothing with
 * an address in an ignored prefix. */
static bool wanted(const struct ctsync *s, const struct ctmsg_entry *e)
{
	const struct ctmsg_tuple *t[2] = { &e->orig, &e->reply };
	const uint16_t ports[] = { s->cfg.port, HELLO_PORT, HEARTBEAT_PORT };
	unsigned proto = e->orig.proto == 6 ? CONF_SYNC_TCP : e->orig.proto == 17
		       ? CONF_SYNC_UDP : CONF_SYNC_ICMP;
	size_t i, k;

	if (!(s->cfg.protocols & proto))
		return false;
	for (k = 0; k < 2; k++) {
		if (loopback(t[k]->src, e->orig.family) || loopback(t[k]->dst, e->orig.family))
			return false;
		for (i = 0; e->orig.proto == 17 && i < 3; i++)
			if (t[k]->sport == ports[i] && t[k]->dport == ports[i])
				return false;
		for (i = 0; i < s->cfg.n_ignore; i++)
			if (in_prefix(t[k]->src, e->orig.family, &s->cfg.ignore[i]) ||
			    in_prefix(t[k]->dst, e->orig.family, &s->cfg.ignore[i]))
				return false;
	}
	return true;
}

/* ---- batches ------------------------------------------------------------------ */

static const uint8_t batch_type[CTSYNC_BATCHES] = {
	[CTSYNC_B_UPDATE] = CTMSG_UPDATE,
	[CTSYNC_B_DESTROY] = CTMSG_DESTROY,
	[CTSYNC_B_DUMP] = CTMSG_DUMP,
};

static void batch_open(struct ctsync *s, int k)
{
	struct ctsync_batch *b = &s->batch[k];
	struct ctmsg h = header(s, batch_type[k]);

	if (k == CTSYNC_B_DUMP) {
		h.echo = s->dump_echo;
		if (!s->dump_first) {
			s->dump_first = h.counter;
			h.flags = CTMSG_F_FIRST;
		}
		h.first = s->dump_first;
	}
	b->open = ctmsg_begin(&b->b, &h, b->buf, s->cfg.message_size) == 0;
	b->counter = h.counter;
}

/* Sign and send the batch, and keep it in the ring for resends. */
static void batch_close(struct ctsync *s, int k)
{
	struct ctsync_batch *b = &s->batch[k];
	struct ctsync_ring *m = &s->ring[b->counter % CTSYNC_RING];
	uint16_t count = b->b.count;
	size_t len;

	if (!b->open)
		return;
	b->open = false;
	len = ctmsg_finish(&b->b, authkey_hb_sign, &s->keys);
	if (!len)
		return;
	if (m->buf || (m->buf = malloc(s->cfg.message_size)) != NULL) {
		memcpy(m->buf, b->buf, len);
		m->len = len;
		m->counter = b->counter;
	}
	s->st.entries_sent += count;
	ctsync_send_raw(s, b->buf, len);
}

void ctsync_batches_drop(struct ctsync *s)
{
	int k;

	for (k = 0; k < CTSYNC_BATCHES; k++)
		s->batch[k].open = false;
}

void ctsync_take(struct ctsync *s, const struct ctmsg_entry *e, bool destroy, bool dump)
{
	int k = dump ? CTSYNC_B_DUMP : destroy ? CTSYNC_B_DESTROY : CTSYNC_B_UPDATE;
	struct ctsync_batch *b = &s->batch[k];
	struct ctmsg_entry newer;

	if (!s->holders || s->flushing)
		return;
	if (!wanted(s, e)) {
		s->st.filtered++;
		return;
	}
	if (dump) {
		/* A dump entry is the kernel's snapshot from when it filled
		 * that part of the dump; an event read since the dump began
		 * may be newer and may have gone out in an earlier message
		 * than this chunk: the chunk carries the event's state, so a
		 * receiver never ends on the older one. */
		const struct ctcache_slot *c = ctcache_find(&s->cache, &e->orig);

		if (c && c->seq > s->dump_own_seq) {
			newer = c->e;
			e = &newer;
		}
	}
	/* The sender's cache follows what it syncs (for release = "flush"). */
	s->cache_version++;
	if (destroy)
		ctcache_destroy(&s->cache, &e->orig, ++s->own_seq);
	else if (ctcache_update(&s->cache, e, ++s->own_seq) == CTCACHE_FULL)
		s->st.drops[CTSYNC_DROP_OVERFLOW]++;
	if (!b->open)
		batch_open(s, k);
	if (b->open && ctmsg_add(&b->b, e) == -1) {
		batch_close(s, k);
		batch_open(s, k);
		ctmsg_add(&b->b, e);
	}
}

void ctsync_flush_batches(struct ctsync *s)
{
	if (s->batch[CTSYNC_B_UPDATE].open && s->batch[CTSYNC_B_UPDATE].b.count)
		batch_close(s, CTSYNC_B_UPDATE);
	if (s->batch[CTSYNC_B_DESTROY].open && s->batch[CTSYNC_B_DESTROY].b.count)
		batch_close(s, CTSYNC_B_DESTROY);
}

void ctsync_keepalive(struct ctsync *s)
{
	ctsync_flush_batches(s);
	batch_open(s, CTSYNC_B_UPDATE);
	batch_close(s, CTSYNC_B_UPDATE);
}

/* ---- dumps and resends ---------------------------------------------------------- */

void ctsync_start_dump(struct ctsync *s, uint64_t echo)
{
	if (!s->holders)
		return;
	if (s->dump_running) {
		if (echo != s->dump_echo) {
			s->dump_wanted = true;
			s->dump_pending_echo = echo;
		}
		return;
	}
	ctsync_flush_batches(s);
	s->dump_echo = echo;
	s->dump_first = 0;
	s->dump_own_seq = s->own_seq;
	s->batch[CTSYNC_B_DUMP].open = false;
	if (ctsync_kernel_dump(s) < 0) {
		s->dump_wanted = true;
		s->dump_pending_echo = echo;
		return;
	}
	/* The dump begins now, not at its first entry: the kernel fills it
	 * from the table as it is read, so an entry made since the request
	 * may be missing from it and its event, read from now on, must carry
	 * a counter after the dump's first. Before, the first chunk took its
	 * counter from the first dump entry read, the events read until then
	 * went out before it, and a receiver joining at this dump dropped
	 * them as unverified (or, joined, swept them at the dump's end): 1 to
	 * 10 of 202 connections missing for good when the backup joined while
	 * they opened. So the first chunk leaves at once, empty. */
	batch_open(s, CTSYNC_B_DUMP);
	batch_close(s, CTSYNC_B_DUMP);
	s->dump_wanted = false;
	s->st.dumps_sent++;
}

void ctsync_dump_done(struct ctsync *s, bool ok)
{
	if (!s->holders) {
		s->batch[CTSYNC_B_DUMP].open = false;
		return;
	}
	ctsync_flush_batches(s);   /* events read before the end go first */
	if (!s->batch[CTSYNC_B_DUMP].open)
		batch_open(s, CTSYNC_B_DUMP);
	if (ok) {
		ctmsg_mark_last(&s->batch[CTSYNC_B_DUMP].b);
	} else {
		/* incomplete: no LAST, so no receiver sweeps; again */
		s->dump_wanted = true;
		s->dump_pending_echo = s->dump_echo;
	}
	batch_close(s, CTSYNC_B_DUMP);
	if (s->dump_wanted)
		ctsync_start_dump(s, s->dump_pending_echo);
}

void ctsync_resend(struct ctsync *s, uint64_t first, uint64_t last)
{
	uint64_t c;

	for (c = first; c <= last; c++)
		if (s->ring[c % CTSYNC_RING].counter != c) {
			ctsync_start_dump(s, 0);   /* gone from the ring: all again */
			return;
		}
	for (c = first; c <= last; c++) {
		s->st.resends_sent++;
		ctsync_send_raw(s, s->ring[c % CTSYNC_RING].buf, s->ring[c % CTSYNC_RING].len);
	}
}
