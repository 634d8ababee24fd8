/* ctsync_priv: what ctsync.c (the sync wire and the roles), ctsync_kernel.c
 * (the ctnetlink sockets: events, dumps, commit) and ctsync_nl.c (the
 * ctnetlink messages) share; not part of the ctsync API. */
#ifndef HAMGR_CTSYNC_PRIV_H
#define HAMGR_CTSYNC_PRIV_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authkey.h"
#include "core/ctcache.h"
#include "core/ctgap.h"
#include "core/ctmsg.h"
#include "core/replay.h"
#include "ctsync.h"
#include "log.h"

#define CTSYNC_RING 512            /* data messages kept for resends */
#define CTSYNC_NL_BUF (1 << 16)    /* one netlink read */
enum { CTSYNC_B_UPDATE, CTSYNC_B_DESTROY, CTSYNC_B_DUMP, CTSYNC_BATCHES };

#define CTSYNC_WAITERS 8            /* instances waiting for one run */

/* Who waits for a run (or for an answer with nothing to do). */
struct ctsync_waiter {
	uint64_t token;
	ctsync_done_fn done;
	void *arg;
	bool cancelled;
};

/* A run over the cache into the kernel: the commit (CT_NEW) or the flush
 * of release = "flush" (CT_DELETE). Instances whose step asks for the same
 * run while it goes on wait for it (one commit serves every instance with
 * conntrack-sync). */
struct ctsync_run {
	bool active, flush, cancelled;
	struct ctsync_waiter w[CTSYNC_WAITERS];
	size_t n_w;
	size_t cursor;                 /* ctcache_next() position */
	uint32_t seq_first, seq_next;  /* netlink sequence numbers of the batch */
	bool done_batch;               /* the batch's last message answered */
	uint64_t entries, errors, started_us;
	uint64_t version;              /* the cache's version at the start */
	bool failed;                   /* a batch not sent, or its acks lost */
};

struct ctsync {
	sd_event *event;
	struct conf_sync cfg;
	char node[CONF_NAME_MAX];
	struct authkeys keys;
	/* the sync wire */
	int fd, ifindex;
	sd_event_source *io, *timer;
	uint64_t boot_id, counter;
	uint64_t last_sent_us;
	struct ctsync_ring { uint64_t counter; size_t len; uint8_t *buf; } ring[CTSYNC_RING];
	struct ctsync_batch {
		struct ctmsg_builder b;
		uint8_t *buf;          /* message-size bytes */
		bool open;
		uint64_t counter;
	} batch[CTSYNC_BATCHES];
	/* roles */
	unsigned holders;
	unsigned leaving;              /* holders whose release was asked */
	bool flushing;                 /* a flush deletes: its events are not news */
	uint64_t own_seq;              /* sender: seq of its own cache changes */
	uint64_t dump_own_seq;         /* own_seq when the running dump began */
	struct replay replay;
	char sender[CTMSG_NAME_MAX + 1]; /* receiver: whose messages came last */
	uint64_t settled;              /* its counters below: told by a dump */
	uint64_t lost_top;             /* the newest counter lost for good */
	uint64_t last_resync_us;
	bool dump_wanted;              /* a dump is due once the running one ends */
	uint64_t dump_echo, dump_pending_echo, dump_first; /* sender's dump */
	bool dump_running;
	uint32_t dump_gen;             /* receiver: the dump being taken */
	uint64_t dump_id;              /* its first chunk's counter, 0: none */
	bool dump_gap;
	/* the cache (a receiver's: what the sender reported; the sender's:
	 * what it synced, kept from its own events for release = "flush");
	 * version counts its changes, so that a commit of a cache the kernel
	 * has already taken whole (a second instance's step right after the
	 * first's) is answered at once */
	struct ctcache cache;
	uint64_t cache_version, committed_version;
	bool committed;
	struct ctcache_slot *slots;
	/* the kernel */
	struct mnl_socket *ev_nl, *dump_nl, *cmd_nl;
	sd_event_source *ev_io, *dump_io, *cmd_io, *defer;
	uint32_t cmd_seq;
	struct ctsync_run run;
	struct ctsync_waiter instant[CTSYNC_WAITERS]; /* done at the next defer */
	size_t n_instant;
	struct ctsync_stats st;
	struct log_ratelimit rl;
};

/* ---- ctsync.c ------------------------------------------------------------- */

uint64_t ctsync_now(const struct ctsync *s);

/* ---- ctsync_send.c -------------------------------------------------------- */

/* One datagram to every peer (or the group). */
void ctsync_send_raw(struct ctsync *s, const uint8_t *buf, size_t len);
/* A resync (nonce) or resend (first..last) request. */
void ctsync_request(struct ctsync *s, uint8_t type, uint64_t nonce, uint64_t first,
		    uint64_t last);

/* A kernel event or dump entry, filtered, into the update (destroy false)
 * or destroy batch, or into the dump being sent (dump true). */
void ctsync_take(struct ctsync *s, const struct ctmsg_entry *e, bool destroy, bool dump);

/* Send the update and destroy batches being built (after a read of
 * events); an empty update (idle); forget the batches (no longer sender). */
void ctsync_flush_batches(struct ctsync *s);
void ctsync_keepalive(struct ctsync *s);
void ctsync_batches_drop(struct ctsync *s);

/* A full dump to everybody, echoing a resync's nonce (0: unsolicited);
 * after the one running when there is one. Its end (the kernel's DONE,
 * ok false when the dump broke off). */
void ctsync_start_dump(struct ctsync *s, uint64_t echo);
void ctsync_dump_done(struct ctsync *s, bool ok);

/* Counters first..last again from the ring, or a dump when one is gone. */
void ctsync_resend(struct ctsync *s, uint64_t first, uint64_t last);

/* ---- ctsync_kernel.c --------------------------------------------------- */

int ctsync_kernel_open(struct ctsync *s, char *err, size_t errlen);
void ctsync_kernel_close(struct ctsync *s);
/* Join (ON) or leave the conntrack event groups: the sender's events. */
int ctsync_kernel_listen(struct ctsync *s, bool on);
/* Ask the kernel for its whole table; entries arrive through
 * ctsync_take(..., dump = true), then ctsync_dump_done(). */
int ctsync_kernel_dump(struct ctsync *s);
/* Go on with the run (the defer, and after a batch's acks). */
void ctsync_kernel_step(struct ctsync *s);

/* ---- ctsync_nl.c: ctnetlink messages ----------------------------------- */

/* One conntrack message (an event or a dump's answer) into e: 1 with
 * *destroy set, 0 when it is not an entry we sync (another family or
 * protocol, a zone, a message without tuples). */
int ctsync_nl_parse(const struct nlmsghdr *nlh, struct ctmsg_entry *e, bool *destroy);

/* Put a CT_NEW (create or update, NLM_F_ACK) of e, or a CT_DELETE of its
 * original tuple, at buf (room: CTSYNC_NL_MSG_MAX). Returns its length.
 * liberal: a TCP entry is written be-liberal both ways (no window
 * tracking; sync option tcp-window-tracking = false). */
#define CTSYNC_NL_MSG_MAX 512
size_t ctsync_nl_put_new(void *buf, uint32_t seq, const struct ctmsg_entry *e, bool liberal);
size_t ctsync_nl_put_delete(void *buf, uint32_t seq, const struct ctmsg_entry *e);
/* A dump request of both families' tables. */
size_t ctsync_nl_put_dump(void *buf, uint32_t seq);

#endif
