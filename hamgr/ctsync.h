/* ctsync: conntrack-sync carried out, one per daemon (the sync section).
 *
 * The sender (a node whose instance with conntrack-sync holds the role)
 * listens to the kernel's conntrack events (NEW, UPDATE, DESTROY through
 * ctnetlink, libmnl), filters them (protocols, ignored prefixes, never the
 * sync, announcement or heartbeat traffic itself, never loopback), batches
 * them into signed core/ctmsg.h messages and sends them over UDP to the
 * peers (or the multicast group) on the sync interface. Events lost in the
 * kernel (ENOBUFS) are never silent: they are counted and answered with a
 * full dump of the table to every receiver.
 *
 * A receiver (every other node) verifies each message (decode, HMAC with
 * the cluster key, the replay window of core/replay.h keyed by the
 * sender's node name), keeps what it says in the external cache
 * (core/ctcache.h), not in the kernel, and asks for what it misses: a full
 * dump when it (re)starts or meets a sender's new boot (the request's
 * nonce, echoed by the dump, is what makes a sender's boot trusted), the
 * counters missing when it sees a gap (the sender resends them from its
 * ring of recent messages, or dumps when they are gone).
 *
 * The commit, the first step of the takeover pipeline, writes the cache
 * into the kernel (IPCTNL_MSG_CT_NEW with NLM_F_CREATE, so an entry the
 * kernel has already is updated: tuples, NAT, status, mark, TCP state,
 * window scaling, timeout) in netlink batches of CTSYNC_COMMIT_CHUNK
 * messages, one batch per event-loop iteration (an sd-event defer between
 * them), and completes only once the kernel has acknowledged every
 * message. The sender keeps its cache in step with what it sends (its own
 * events), so that the release can follow the sync section's policy:
 * "keep" leaves the entries to age out in the kernel, "flush" deletes every
 * connection the node synced, the ones its commit wrote and the ones it
 * sent since. */
#ifndef HAMGR_CTSYNC_H
#define HAMGR_CTSYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "conf.h"
#include "core/ctcache.h"
#include "core/ctmsg.h"

#define CTSYNC_COMMIT_CHUNK 1024

/* Why a received sync datagram or a kernel event was not taken. Keep in
 * step with ctsync_drop_str(). */
enum ctsync_drop {
	CTSYNC_DROP_SOURCE = 0,  /* from an address that is not a peer */
	CTSYNC_DROP_DECODE,      /* not a valid message (by reason: decode[]) */
	CTSYNC_DROP_AUTH,        /* no such key, or the tag does not match */
	CTSYNC_DROP_REPLAY,      /* counter seen or too old, or an old boot */
	CTSYNC_DROP_UNVERIFIED,  /* a sender's boot not joined yet */
	CTSYNC_DROP_ROLE,        /* entries while we send, requests while we receive */
	CTSYNC_DROP_OVERFLOW,    /* the cache is full (max-entries) */
	CTSYNC_DROP_ENOBUFS,     /* the kernel dropped events: a dump follows */
	CTSYNC_DROP_SEND,        /* a datagram the socket refused */
	CTSYNC_DROP_MAX
};

const char *ctsync_drop_str(enum ctsync_drop d);

struct ctsync_stats {
	bool sender;
	uint64_t events;              /* kernel events read (sender) */
	uint64_t filtered;            /* events not synced by the filter */
	uint64_t entries_sent, entries_rcvd;
	uint64_t msgs_sent, msgs_rcvd; /* datagrams; received: authentic */
	uint64_t dumps_sent;          /* full dumps sent (resyncs served) */
	uint64_t resyncs;             /* full dumps asked for (receiver) */
	uint64_t resends_sent, resend_requests;
	uint64_t gaps;                /* counters found missing */
	uint64_t missing;             /* counters missing now (asked again) */
	bool dump_pending;            /* one was lost for good: a dump is due */
	uint64_t auth_failures;
	uint64_t commits, commit_failures;
	uint64_t commit_errors;       /* entries the kernel refused */
	uint64_t last_commit_us, last_commit_entries;
	uint64_t flushed;             /* entries deleted by release = "flush" */
	uint64_t drops[CTSYNC_DROP_MAX];
	uint64_t decode[CTMSG_REASON_MAX];
};

struct ctsync;

/* A commit or release finished: ok when the kernel acknowledged it all
 * (single entries it refused are counted, not a failure). Never called
 * from inside ctsync_commit()/ctsync_release()/ctsync_cancel(). */
typedef void (*ctsync_done_fn)(void *arg, uint64_t token, bool ok);

/* Load the key (auth-key-file: refused when group or others may read it),
 * open the sync socket on the interface and the ctnetlink sockets, watch
 * them in event. NULL with err on failure. */
struct ctsync *ctsync_open(sd_event *event, const struct conf *c, char *err, size_t errlen);
void ctsync_close(struct ctsync *s);

/* Start the commit of the cache (pipeline step start); a commit asked
 * while one runs waits for it, one of a cache the last commit wrote whole
 * and that has not changed since is answered at once. Returns 0, or -1
 * when a flush runs. */
int ctsync_commit(struct ctsync *s, uint64_t token, ctsync_done_fn done, void *arg);

/* The pipeline step's stop: the release policy; held: the caller is one
 * of the holders (ctsync_hold). "flush" deletes the synced connections
 * (the sender's cache: what its commit wrote and what it sent since) only
 * once every holder is releasing: while another instance still holds the
 * role, its traffic needs them, and this release is answered at once.
 * Returns 0 or -1. */
int ctsync_release(struct ctsync *s, uint64_t token, ctsync_done_fn done, void *arg,
		   bool held);

/* Stop the run with token; its done(token, false) follows. */
void ctsync_cancel(struct ctsync *s, uint64_t token);

/* The caller arg goes away: a run of its own is cancelled and its done is
 * never called. */
void ctsync_detach(struct ctsync *s, void *arg);

/* An instance holds (true) or let go of (false) the role: the node sends
 * while at least one holds, and receives otherwise (then starting from an
 * empty cache and asking for a full dump). */
void ctsync_hold(struct ctsync *s, bool held);

/* Counters for status; cached: entries in the cache now. */
const struct ctsync_stats *ctsync_stats(const struct ctsync *s, size_t *cached,
					size_t *max_entries);

#endif
