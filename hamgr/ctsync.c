/* ctsync: conntrack-sync's wire and roles (see ctsync.h): the UDP socket
 * on the sync interface, the sender's batches, dumps and resends, the
 * receiver's checks, cache and requests. The kernel side is in
 * ctsync_kernel.c, the ctnetlink messages in ctsync_nl.c. */
#include "ctsync_priv.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "preflight.h"
#include "udp_io.h"

#define TICK_US 250000ULL           /* keepalive and request timer */
#define KEEPALIVE_US 1000000ULL     /* an empty update when idle: gaps show */
#define RESYNC_EVERY_US 1000000ULL  /* a receiver's dump requests at most */
#define SOCK_BUF (8 << 20)
#define RECVS_PER_WAKE 64
#define REASK_RANGES 8              /* resend requests per tick, at most */

static const char *const drop_names[] = {
	[CTSYNC_DROP_SOURCE] = "source",
	[CTSYNC_DROP_DECODE] = "decode",
	[CTSYNC_DROP_AUTH] = "auth",
	[CTSYNC_DROP_REPLAY] = "replay",
	[CTSYNC_DROP_UNVERIFIED] = "unverified",
	[CTSYNC_DROP_ROLE] = "role",
	[CTSYNC_DROP_OVERFLOW] = "overflow",
	[CTSYNC_DROP_ENOBUFS] = "enobufs",
	[CTSYNC_DROP_SEND] = "send",
};
_Static_assert(sizeof(drop_names) / sizeof(drop_names[0]) == CTSYNC_DROP_MAX,
	       "ctsync_drop_str table out of step");

const char *ctsync_drop_str(enum ctsync_drop d)
{
	return (unsigned)d < CTSYNC_DROP_MAX ? drop_names[d] : "unknown";
}

uint64_t ctsync_now(const struct ctsync *s)
{
	uint64_t now = 0;

	sd_event_now(s->event, CLOCK_MONOTONIC, &now);
	return now;
}

static uint64_t random64(void)
{
	uint64_t v = 0;

	while (v == 0)
		randombytes_buf(&v, sizeof(v));
	return v;
}

/* ---- the receiver ----------------------------------------------------------- */

static void ask_resync(struct ctsync *s, uint64_t now)
{
	if (s->holders || (s->last_resync_us && now - s->last_resync_us < RESYNC_EVERY_US))
		return;
	if (!replay_nonce(&s->replay))
		replay_set_nonce(&s->replay, random64());
	s->last_resync_us = now;
	s->st.resyncs++;
	ctsync_request(s, CTMSG_RESYNC, replay_nonce(&s->replay), 0, 0);
}

static void ask_resend(struct ctsync *s, uint64_t first, uint64_t last)
{
	s->st.gaps += last - first + 1;
	if (s->dump_id)
		s->dump_gap = true;
	/* beyond the replay window a resend would be refused (OLD) */
	if (last - first >= REPLAY_WINDOW - 1) {
		s->last_resync_us = 0;
		ask_resync(s, ctsync_now(s));
		return;
	}
	s->st.resend_requests++;
	ctsync_request(s, CTMSG_RESEND, 0, first, last);
}

static void apply(struct ctsync *s, const struct ctmsg *h, const uint8_t *buf, size_t len)
{
	struct ctmsg_iter it;
	struct ctmsg_entry e;

	if (h->type == CTMSG_DUMP && (h->flags & CTMSG_F_FIRST)) {
		s->dump_gen = ctcache_begin_dump(&s->cache);
		s->dump_id = h->counter;
		s->dump_gap = false;
	}
	s->cache_version++;
	ctmsg_iter_init(&it, buf, len);
	while (ctmsg_iter_next(&it, &e)) {
		s->st.entries_rcvd++;
		if (h->type == CTMSG_DESTROY)
			ctcache_destroy(&s->cache, &e.orig, h->counter);
		else if (ctcache_update(&s->cache, &e, h->counter) == CTCACHE_FULL)
			s->st.drops[CTSYNC_DROP_OVERFLOW]++;
	}
	/* what the sender said before its dump began, the dump tells again */
	if (h->type == CTMSG_DUMP && (h->flags & CTMSG_F_LAST) && h->first > s->settled)
		s->settled = h->first;
	if (h->type == CTMSG_DUMP && (h->flags & CTMSG_F_LAST) && h->first == s->dump_id) {
		if (!s->dump_gap) {
			size_t gone = ctcache_sweep(&s->cache, s->dump_gen);

			if (gone)
				log_info("conntrack-sync: full dump from %s: %zu stale entries "
					 "removed", h->node, gone);
		}
		s->dump_id = 0;
	}
}

static void receive_data(struct ctsync *s, const struct ctmsg *h, const uint8_t *buf,
			 size_t len)
{
	const struct replay_peer *p = replay_find(&s->replay, h->node);
	uint64_t top = p && p->boot_id == h->boot_id ? p->top : 0;
	enum replay_verdict v;

	/* a counter still missing that this one pushes out of the window
	 * can no longer be taken: only a full dump brings it back */
	if (top && ctgap_lost(p, s->settled, h->counter) &&
	    h->counter - REPLAY_WINDOW > s->lost_top)
		s->lost_top = h->counter - REPLAY_WINDOW;
	v = replay_check(&s->replay, h->node, h->boot_id, h->counter, h->echo);
	if (replay_accepted(v) && strcmp(s->sender, h->node)) {
		snprintf(s->sender, sizeof(s->sender), "%s", h->node);
		s->settled = s->lost_top = 0;
	}
	switch (v) {
	case REPLAY_JOINED:
		log_info("conntrack-sync: in step with %s", h->node);
		/* joined at a dump chunk after the first: ask for those before */
		if (h->type == CTMSG_DUMP && h->first < h->counter) {
			s->dump_gen = ctcache_begin_dump(&s->cache);
			s->dump_id = h->first;
			ask_resend(s, h->first, h->counter - 1);
		}
		break;
	case REPLAY_NEW:
		if (top && h->counter > top + 1)
			ask_resend(s, top + 1, h->counter - 1);
		break;
	case REPLAY_LATE:
		break;
	case REPLAY_ERR_UNVERIFIED:
		s->st.drops[CTSYNC_DROP_UNVERIFIED]++;
		ask_resync(s, ctsync_now(s));
		return;
	default:
		s->st.drops[CTSYNC_DROP_REPLAY]++;
		return;
	}
	apply(s, h, buf, len);
}

static bool from_peer(const struct ctsync *s, const struct ipaddr *src)
{
	size_t i;

	if (!s->cfg.n_peers)
		return true;   /* multicast: the bound interface is the filter */
	for (i = 0; i < s->cfg.n_peers; i++)
		if (ipaddr_eq(&s->cfg.peers[i], src))
			return true;
	return false;
}

static void on_datagram(struct ctsync *s, const struct ipaddr *src, const uint8_t *buf,
			size_t len)
{
	enum ctmsg_reason r;
	struct ctmsg h;

	if (!from_peer(s, src)) {
		s->st.drops[CTSYNC_DROP_SOURCE]++;
		return;
	}
	r = ctmsg_decode(buf, len, &h);
	if (r == CTMSG_OK)
		r = ctmsg_verify(buf, len, authkey_hb_verify, &s->keys);
	if (r != CTMSG_OK) {
		s->st.decode[r]++;
		if (r == CTMSG_ERR_KEY || r == CTMSG_ERR_MAC) {
			s->st.auth_failures++;
			s->st.drops[CTSYNC_DROP_AUTH]++;
		} else {
			s->st.drops[CTSYNC_DROP_DECODE]++;
		}
		return;
	}
	if (!strcmp(h.node, s->node) && h.boot_id == s->boot_id)
		return;   /* our own, looped back */
	s->st.msgs_rcvd++;
	switch (h.type) {
	case CTMSG_RESYNC:
		if (!s->holders)
			s->st.drops[CTSYNC_DROP_ROLE]++;
		else if (!(s->dump_running && s->dump_echo == h.nonce))
			ctsync_start_dump(s, h.nonce);
		return;
	case CTMSG_RESEND:
		if (!s->holders)
			s->st.drops[CTSYNC_DROP_ROLE]++;
		else
			ctsync_resend(s, h.first, h.last);
		return;
	default:
		if (s->holders) {
			s->st.drops[CTSYNC_DROP_ROLE]++;
			return;
		}
		receive_data(s, &h, buf, len);
	}
}

static int on_readable(sd_event_source *es, int fd, uint32_t revents, void *arg)
{
	struct ctsync *s = arg;
	static uint8_t buf[CTMSG_MAX_LEN];
	struct udp_io_meta m;
	int i;

	for (i = 0; i < RECVS_PER_WAKE; i++) {
		ssize_t n = udp_io_recv(fd, buf, sizeof(buf), &m);

		if (n < 0)
			break;
		on_datagram(s, &m.src, buf, (size_t)n);
	}
	return 0;
}

/* ---- timer, roles ------------------------------------------------------------- */

/* A receiver's tick: ask again for what is still missing (a resend request
 * or the resend itself may have been lost), and for a full dump when a
 * counter was lost for good. */
static void reask(struct ctsync *s, uint64_t now)
{
	const struct replay_peer *p = s->sender[0] ? replay_find(&s->replay, s->sender) : NULL;
	struct ctgap_range r[REASK_RANGES];
	size_t n, i;

	if (s->lost_top && s->lost_top >= s->settled)
		ask_resync(s, now);
	n = p ? ctgap_missing(p, s->settled, r, REASK_RANGES) : 0;
	for (i = 0; i < n; i++) {
		s->st.resend_requests++;
		ctsync_request(s, CTMSG_RESEND, 0, r[i].first, r[i].last);
	}
}

static int on_tick(sd_event_source *es, uint64_t usec, void *arg)
{
	struct ctsync *s = arg;
	uint64_t now = ctsync_now(s);

	if (s->holders) {
		if (s->dump_wanted && !s->dump_running)
			ctsync_start_dump(s, s->dump_pending_echo);
		ctsync_flush_batches(s);
		/* an empty update when idle, so a receiver sees a lost tail */
		if (now - s->last_sent_us >= KEEPALIVE_US)
			ctsync_keepalive(s);
	} else if (s->replay.n_peers == 0 || s->replay.challenge_due) {
		ask_resync(s, now);
	} else {
		reask(s, now);
	}
	sd_event_source_set_time(es, now + TICK_US);
	return 0;
}

/* The sender's own cache changes carry seqs above any counter a peer's
 * message may have set (2^62: never reached by a message counter), so
 * that its events always win over the entries its commit took. */
#define OWN_SEQ_BASE (1ULL << 62)

void ctsync_hold(struct ctsync *s, bool held)
{
	if (held) {
		if (s->holders++ == 0) {
			log_notice("conntrack-sync: sending this node's connections");
			ctsync_kernel_listen(s, true);
			s->own_seq = OWN_SEQ_BASE;
			s->flushing = false;
		}
		return;
	}
	if (s->leaving)
		s->leaving--;
	if (!s->holders || --s->holders)
		return;
	s->leaving = 0;
	s->flushing = false;
	ctsync_kernel_listen(s, false);
	/* A receiver again: what it had is old, the sender tells it anew. */
	log_notice("conntrack-sync: receiving (cache emptied, full dump requested)");
	ctsync_batches_drop(s);
	s->dump_wanted = false;
	ctcache_clear(&s->cache);
	s->cache_version++;
	s->committed = false;
	replay_init(&s->replay);
	s->sender[0] = '\0';
	s->settled = s->lost_top = 0;
	s->dump_id = 0;
	s->last_resync_us = 0;
}

/* ---- commit, release ------------------------------------------------------------ */

static int start_run(struct ctsync *s, uint64_t token, ctsync_done_fn done, void *arg,
		     bool flush)
{
	struct ctsync_run *r = &s->run;

	if (r->active && (r->flush != flush || r->n_w >= CTSYNC_WAITERS))
		return -1;
	if (!r->active) {
		memset(r, 0, sizeof(*r));
		r->active = true;
		r->flush = flush;
		r->started_us = ctsync_now(s);
		r->version = s->cache_version;
		r->seq_first = r->seq_next = s->cmd_seq + 1;
		if (sd_event_source_set_enabled(s->defer, SD_EVENT_ONESHOT) < 0) {
			r->active = false;
			return -1;
		}
	}
	r->w[r->n_w++] = (struct ctsync_waiter){ token, done, arg, false };
	return 0;
}

static int answer_now(struct ctsync *s, uint64_t token, ctsync_done_fn done, void *arg)
{
	if (s->n_instant >= CTSYNC_WAITERS)
		return -1;
	s->instant[s->n_instant++] = (struct ctsync_waiter){ token, done, arg, false };
	return sd_event_source_set_enabled(s->defer, SD_EVENT_ONESHOT) < 0 ? -1 : 0;
}

int ctsync_commit(struct ctsync *s, uint64_t token, ctsync_done_fn done, void *arg)
{
	if (s->run.active && s->run.flush)
		return -1;
	/* The kernel has it all: the cache it took whole, or (a sender) its
	 * own table, which the cache only follows. */
	if (!s->run.active &&
	    (s->holders || (s->committed && s->committed_version == s->cache_version)))
		return answer_now(s, token, done, arg);
	if (!s->run.active)
		log_info("conntrack-sync: committing %zu entries", s->cache.n);
	return start_run(s, token, done, arg, false);
}

int ctsync_release(struct ctsync *s, uint64_t token, ctsync_done_fn done, void *arg,
		   bool held)
{
	if (held && s->leaving < s->holders)
		s->leaving++;
	if (s->cfg.release == CONF_SYNC_FLUSH && s->leaving >= s->holders) {
		if (!s->run.active)
			log_info("conntrack-sync: flushing %zu synced entries", s->cache.n);
		if (start_run(s, token, done, arg, true) < 0)
			return -1;
		/* the kernel's DESTROY events for what the flush deletes are
		 * not sent: the peers keep the connections */
		s->flushing = true;
		return 0;
	}
	/* keep, or another instance still holds: the entries age out in
	 * the kernel with their timeouts (or serve that instance) */
	return answer_now(s, token, done, arg);
}

/* Mark the waiters that match (token, or arg when forget) cancelled: their
 * done says so (or, forgotten, is not called). The run itself is cancelled
 * once nobody waits for it. */
static void cancel_matching(struct ctsync *s, uint64_t token, void *arg, bool forget)
{
	struct ctsync_run *r = &s->run;
	size_t i, live = 0;

	for (i = 0; i < s->n_instant; i++)
		if (forget ? s->instant[i].arg == arg : s->instant[i].token == token) {
			s->instant[i].cancelled = true;
			if (forget)
				s->instant[i].done = NULL;
		}
	for (i = 0; r->active && i < r->n_w; i++) {
		if (forget ? r->w[i].arg == arg : r->w[i].token == token) {
			r->w[i].cancelled = true;
			if (forget)
				r->w[i].done = NULL;
		}
		live += !r->w[i].cancelled;
	}
	if (r->active && !live) {
		r->cancelled = true;
		sd_event_source_set_enabled(s->defer, SD_EVENT_ONESHOT);
	}
}

void ctsync_cancel(struct ctsync *s, uint64_t token)
{
	cancel_matching(s, token, NULL, false);
}

void ctsync_detach(struct ctsync *s, void *arg)
{
	cancel_matching(s, 0, arg, true);
}

const struct ctsync_stats *ctsync_stats(const struct ctsync *s, size_t *cached,
					size_t *max_entries)
{
	struct ctsync_stats *st = &((struct ctsync *)s)->st;
	const struct replay_peer *p = s->sender[0] ? replay_find(&s->replay, s->sender) : NULL;
	struct ctgap_range r[REPLAY_WINDOW / 2];
	size_t n = p && !s->holders ? ctgap_missing(p, s->settled, r, REPLAY_WINDOW / 2) : 0;

	st->sender = s->holders > 0;
	for (st->missing = 0; n; n--)
		st->missing += r[n - 1].last - r[n - 1].first + 1;
	st->dump_pending = !s->holders && s->lost_top && s->lost_top >= s->settled;
	*cached = s->cache.n;
	*max_entries = s->cache.max;
	return &s->st;
}

/* ---- open, close ------------------------------------------------------------------ */

static int sock_open(struct ctsync *s, char *err, size_t errlen)
{
	bool v4 = (s->cfg.n_peers ? s->cfg.peers[0].family : s->cfg.multicast.family) ==
		  IPADDR_V4;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(s->cfg.port) };
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6, .sin6_port = htons(s->cfg.port) };
	int one = 1, bufsz = SOCK_BUF, ttl = 1, zero = 0, r = 0;
	const char *what = NULL;

	s->ifindex = (int)if_nametoindex(s->cfg.interface);
	if (!s->ifindex) {
		snprintf(err, errlen, "conntrack-sync: interface %s: %s", s->cfg.interface,
			 strerror(errno));
		return -1;
	}
	s->fd = socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		what = "socket";
	else if (setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
		 setsockopt(s->fd, SOL_SOCKET, SO_BINDTODEVICE, s->cfg.interface,
			    (socklen_t)strlen(s->cfg.interface)) < 0)
		what = "SO_BINDTODEVICE";
	else if ((setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz)) < 0 &&
		  setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz)) < 0) ||
		 (setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz)) < 0 &&
		  setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz)) < 0))
		what = "socket buffers";
	else if (v4 ? bind(s->fd, (struct sockaddr *)&sa, sizeof(sa))
		    : (setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)),
		       bind(s->fd, (struct sockaddr *)&sa6, sizeof(sa6))) < 0)
		what = "bind";
	else if (v4 ? setsockopt(s->fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one))
		    : setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)))
		what = "pktinfo";
	else if (s->cfg.multicast.family && v4) {
		struct ip_mreqn mr = { .imr_ifindex = s->ifindex };

		memcpy(&mr.imr_multiaddr, s->cfg.multicast.a, 4);
		if (setsockopt(s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 ||
		    setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0 ||
		    setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)) < 0)
			what = "multicast";
	} else if (s->cfg.multicast.family) {
		struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned)s->ifindex };

		memcpy(&mr.ipv6mr_multiaddr, s->cfg.multicast.a, 16);
		if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0 ||
		    setsockopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero)) < 0)
			what = "multicast";
	}
	if (!what && (r = sd_event_add_io(s->event, &s->io, s->fd, EPOLLIN, on_readable, s)) < 0)
		what = "event loop";
	if (what) {
		snprintf(err, errlen, "conntrack-sync: UDP port %u on %s: %s: %s",
			 (unsigned)s->cfg.port, s->cfg.interface, what,
			 strerror(r < 0 ? -r : errno));
		return -1;
	}
	return 0;
}

struct ctsync *ctsync_open(sd_event *event, const struct conf *c, char *err, size_t errlen)
{
	struct ctsync *s = calloc(1, sizeof(*s));
	size_t cap = ctcache_slots_for(c->sync.max_entries);
	size_t msz = c->sync.message_size;
	char why[256];
	int k;

	if (!s || sodium_init() < 0) {
		snprintf(err, errlen, "conntrack-sync: out of memory");
		free(s);
		return NULL;
	}
	s->fd = -1;
	s->event = sd_event_ref(event);
	s->cfg = c->sync;
	snprintf(s->node, sizeof(s->node), "%s", c->node_name);
	s->boot_id = random64();
	replay_init(&s->replay);
	if (authkey_load(c->auth_key_file, &s->keys, err, errlen) < 0)
		goto fail;
	s->slots = calloc(cap, sizeof(*s->slots));
	for (k = 0; k < CTSYNC_BATCHES; k++)
		s->batch[k].buf = malloc(msz);
	if (!s->slots || !s->batch[0].buf || !s->batch[1].buf || !s->batch[2].buf ||
	    ctcache_init(&s->cache, s->slots, cap, c->sync.max_entries, random64()) < 0) {
		snprintf(err, errlen, "conntrack-sync: out of memory for %u entries",
			 c->sync.max_entries);
		goto fail;
	}
	if (sock_open(s, err, errlen) < 0 || ctsync_kernel_open(s, err, errlen) < 0)
		goto fail;
	preflight_ct_events_warning(preflight_ct_events(PREFLIGHT_CT_EVENTS), why, sizeof(why));
	if (why[0])
		log_warnx("%s", why);
	if (sd_event_add_time_relative(event, &s->timer, CLOCK_MONOTONIC, TICK_US, 0, on_tick,
				       s) < 0 ||
	    sd_event_source_set_enabled(s->timer, SD_EVENT_ON) < 0) {
		snprintf(err, errlen, "conntrack-sync: timer");
		goto fail;
	}
	return s;
fail:
	ctsync_close(s);
	return NULL;
}

void ctsync_close(struct ctsync *s)
{
	size_t i;

	if (!s)
		return;
	ctsync_kernel_close(s);
	s->io = sd_event_source_disable_unref(s->io);
	s->timer = sd_event_source_disable_unref(s->timer);
	if (s->fd >= 0)
		close(s->fd);
	for (i = 0; i < CTSYNC_RING; i++)
		free(s->ring[i].buf);
	free(s->slots);
	for (i = 0; i < CTSYNC_BATCHES; i++)
		free(s->batch[i].buf);
	authkey_wipe(&s->keys);
	sd_event_unref(s->event);
	free(s);
}
