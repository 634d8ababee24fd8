/* ctsync_kernel: the three ctnetlink sockets of conntrack-sync (libmnl,
 * NETLINK_NETFILTER), each an sd-event io source:
 *  - events: the NFNLGRP_CONNTRACK_NEW/UPDATE/DESTROY groups, with a large
 *    receive buffer. NEW and UPDATE are joined only while the node is the
 *    sender (a receiver's membership made the kernel build an event for
 *    every entry its commit wrote: a third of the commit's time, then as
 *    long again to read them). DESTROY is joined for good: with
 *    nf_conntrack_events = 2 (the kernel's default since 5.19) an entry
 *    made while no socket listens to a conntrack group gets no event
 *    extension and never reports anything, so without a listener the
 *    entries a receiver's commit wrote stayed silent once it was the
 *    sender: their ends and state changes never reached the peers. A
 *    receiver reads its destroys and forgets them. ENOBUFS (the kernel
 *    dropped events) is counted and answered with a full dump, never
 *    passed over;
 *  - dump: IPCTNL_MSG_CT_GET with NLM_F_DUMP, read a bounded number of
 *    datagrams per loop iteration;
 *  - commands: the commit (CT_NEW) and flush (CT_DELETE) runs, one batch
 *    of CTSYNC_COMMIT_CHUNK messages in one sendmsg, then its acks, then
 *    an sd-event defer before the next batch (at idle priority: a defer is
 *    always pending since its creation, so at the same priority as the
 *    timers and sockets it would win every loop iteration and hold them
 *    off until the commit's end).
 * ctnetlink has no nfnetlink transactions (NFNL_MSG_BATCH_BEGIN is for
 * subsystems with a commit, such as nf_tables, and ctnetlink answers it
 * with EOPNOTSUPP): a batch here is many requests in one datagram, which
 * the kernel handles one after the other, acknowledging each. */
#include "ctsync_priv.h"

#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "monotime.h"

#define EV_RCVBUF (32 << 20)      /* events: room for bursts */
#define CMD_BUF (4 << 20)         /* commands: a batch and its acks */
#define READS_PER_WAKE 64         /* bounded work per loop iteration */

static int setbuf_force(struct mnl_socket *nl, int opt_force, int opt, int bytes)
{
	int fd = mnl_socket_get_fd(nl);

	if (setsockopt(fd, SOL_SOCKET, opt_force, &bytes, sizeof(bytes)) == 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof(bytes));
}

static struct mnl_socket *nl_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

/* ---- events -------------------------------------------------------------- */

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctsync *s = data;
	struct ctmsg_entry e;
	bool destroy = false;

	if (ctsync_nl_parse(nlh, &e, &destroy) == 1) {
		s->st.events++;
		ctsync_take(s, &e, destroy, false);
	}
	return MNL_CB_OK;
}

static int on_events(sd_event_source *es, int fd, uint32_t revents, void *arg)
{
	struct ctsync *s = arg;
	static uint8_t buf[CTSYNC_NL_BUF];
	int i;

	for (i = 0; i < READS_PER_WAKE; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == ENOBUFS) {
			/* Events were lost: only a dump tells the receivers
			 * the truth again. */
			s->st.drops[CTSYNC_DROP_ENOBUFS]++;
			if (s->holders && ctsync_kernel_dump(s) < 0)
				s->dump_wanted = true;
			continue;
		}
		if (n <= 0)
			break;
		if (!s->holders || s->flushing)
			continue;   /* a receiver (or a flush) reads and forgets */
		mnl_cb_run(buf, (size_t)n, 0, 0, event_cb, s);
	}
	ctsync_flush_batches(s);
	return 0;
}

/* ---- the dump -------------------------------------------------------------- */

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctsync *s = data;
	struct ctmsg_entry e;
	bool destroy = false;

	if (ctsync_nl_parse(nlh, &e, &destroy) == 1 && !destroy)
		ctsync_take(s, &e, false, true);
	return MNL_CB_OK;
}

static int on_dump(sd_event_source *es, int fd, uint32_t revents, void *arg)
{
	struct ctsync *s = arg;
	static uint8_t buf[CTSYNC_NL_BUF];
	int i, r;

	for (i = 0; i < READS_PER_WAKE && s->dump_running; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			/* ENOBUFS mid-dump: this dump is incomplete */
			s->dump_running = false;
			ctsync_dump_done(s, false);
			return 0;
		}
		r = mnl_cb_run(buf, (size_t)n, 0, 0, dump_cb, s);
		if (r <= MNL_CB_STOP) {
			s->dump_running = false;
			ctsync_dump_done(s, r == MNL_CB_STOP);
		}
	}
	return 0;
}

int ctsync_kernel_dump(struct ctsync *s)
{
	uint8_t buf[CTSYNC_NL_MSG_MAX];
	size_t len;

	if (s->dump_running)
		return -1;
	len = ctsync_nl_put_dump(buf, ++s->cmd_seq);
	if (mnl_socket_sendto(s->dump_nl, buf, len) < 0) {
		log_warn("conntrack-sync: dump request");
		return -1;
	}
	s->dump_running = true;
	return 0;
}

/* ---- commit and flush ------------------------------------------------------- */

static void run_finish(struct ctsync *s, bool ok)
{
	struct ctsync_run *r = &s->run;
	struct ctsync_waiter w[CTSYNC_WAITERS];
	size_t n = r->n_w, i;

	if (!r->flush) {
		s->committed = ok;
		s->committed_version = r->version;
		s->st.commits++;
		if (!ok)
			s->st.commit_failures++;
		s->st.last_commit_us = monotime_us() - r->started_us;
		s->st.last_commit_entries = r->entries;
		log_info("conntrack-sync: commit %s: %llu entries (%llu refused) in %llu ms",
			 ok ? "done" : "failed", (unsigned long long)r->entries,
			 (unsigned long long)r->errors,
			 (unsigned long long)(s->st.last_commit_us / 1000u));
	} else {
		s->st.flushed += r->entries;
	}
	memcpy(w, r->w, sizeof(w));
	memset(r, 0, sizeof(*r));
	/* a done may start the next run (another instance's step) */
	for (i = 0; i < n; i++)
		if (w[i].done)
			w[i].done(w[i].arg, w[i].token, ok && !w[i].cancelled);
}

static int ack_cb_err(const struct nlmsghdr *nlh, void *data)
{
	struct ctsync *s = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return MNL_CB_OK;
	if (nlh->nlmsg_seq >= s->run.seq_first && nlh->nlmsg_seq < s->run.seq_next) {
		if (nlh->nlmsg_seq == s->run.seq_next - 1)
			s->run.done_batch = true;
		/* a flush of an entry already gone is what a flush wants */
		if (e->error && !(s->run.flush && e->error == -ENOENT)) {
			s->run.errors++;
			s->st.commit_errors += !s->run.flush;
			if (s->run.errors <= 3)
				log_warnx("conntrack-sync: the kernel refused an entry: %s",
					  strerror(-e->error));
		}
	}
	return MNL_CB_OK;
}

/* Read the answers to the batch sent: an error for each message the
 * kernel refused, the ack of the last one (the only message that asks for
 * one: the kernel handles a batch in order, so its ack comes after
 * everything else; 100k acks would cost as much as the entries). True
 * once the last one is in. */
static bool read_acks(struct ctsync *s)
{
	static uint8_t buf[CTSYNC_NL_BUF];
	static mnl_cb_t ctl[NLMSG_MIN_TYPE];

	ctl[NLMSG_ERROR] = ack_cb_err;
	while (!s->run.done_batch) {
		ssize_t n = recv(mnl_socket_get_fd(s->cmd_nl), buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == EAGAIN)
			return false;
		if (n <= 0) {
			/* lost acks (ENOBUFS): the batch's outcome is unknown */
			log_warnx("conntrack-sync: commit acks lost: %s", strerror(errno));
			s->run.done_batch = true;
			s->run.failed = true;
			break;
		}
		mnl_cb_run2(buf, (size_t)n, 0, 0, NULL, s, ctl, NLMSG_MIN_TYPE);
	}
	return true;
}

/* Send the next batch; false when the cache has no entry left. */
static bool send_batch(struct ctsync *s)
{
	static uint8_t buf[CTSYNC_COMMIT_CHUNK * CTSYNC_NL_MSG_MAX];
	const struct ctcache_slot *slot;
	struct nlmsghdr *last = NULL;
	size_t len = 0, n = 0;

	s->run.seq_first = s->run.seq_next = s->cmd_seq + 1;
	s->run.done_batch = false;
	while (n < CTSYNC_COMMIT_CHUNK && (slot = ctcache_next(&s->cache, &s->run.cursor))) {
		uint32_t seq = ++s->cmd_seq;

		if (last)
			last->nlmsg_flags &= (uint16_t)~NLM_F_ACK;
		last = (struct nlmsghdr *)(buf + len);
		len += s->run.flush ? ctsync_nl_put_delete(buf + len, seq, &slot->e)
				    : ctsync_nl_put_new(buf + len, seq, &slot->e,
							!s->cfg.tcp_window_tracking);
		n++;
	}
	if (!n)
		return false;
	s->run.seq_next = s->cmd_seq + 1;
	s->run.entries += n;
	if (mnl_socket_sendto(s->cmd_nl, buf, len) < 0) {
		log_warn("conntrack-sync: commit batch");
		s->run.errors += n;
		s->run.done_batch = true;
		s->run.failed = true;
	}
	return true;
}

static bool batch_pending(const struct ctsync_run *r)
{
	return r->seq_next != r->seq_first;
}

void ctsync_kernel_step(struct ctsync *s)
{
	struct ctsync_run *r = &s->run;

	if (!r->active)
		return;
	if (r->cancelled) {
		run_finish(s, false);
		return;
	}
	if (batch_pending(r)) {
		if (!read_acks(s))
			return;   /* on_cmd() calls again */
		r->seq_first = r->seq_next;
	}
	if (!send_batch(s)) {
		run_finish(s, !r->failed);
		return;
	}
	/* The kernel handled the batch inside sendmsg: its acks are queued.
	 * The next batch goes in a later loop iteration. */
	if (read_acks(s))
		sd_event_source_set_enabled(s->defer, SD_EVENT_ONESHOT);
}

static int on_cmd(sd_event_source *es, int fd, uint32_t revents, void *arg)
{
	struct ctsync *s = arg;

	if (!s->run.active || !batch_pending(&s->run)) {   /* stray acks: drain */
		static uint8_t buf[CTSYNC_NL_BUF];

		while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		return 0;
	}
	if (read_acks(s))
		sd_event_source_set_enabled(s->defer, SD_EVENT_ONESHOT);
	return 0;
}

static int on_defer(sd_event_source *es, void *arg)
{
	struct ctsync *s = arg;
	struct ctsync_waiter w[CTSYNC_WAITERS];
	size_t n = s->n_instant, i;

	memcpy(w, s->instant, sizeof(w));
	s->n_instant = 0;
	for (i = 0; i < n; i++)
		if (w[i].done)
			w[i].done(w[i].arg, w[i].token, !w[i].cancelled);
	ctsync_kernel_step(s);
	return 0;
}

/* ---- open and close ---------------------------------------------------------- */

static int member(struct mnl_socket *nl, int opt, unsigned group)
{
	return mnl_socket_setsockopt(nl, opt, &group, sizeof(group));
}

int ctsync_kernel_listen(struct ctsync *s, bool on)
{
	/* DESTROY stays joined (ctsync_kernel_open) */
	static const unsigned groups[] = { NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_UPDATE };
	int opt = on ? NETLINK_ADD_MEMBERSHIP : NETLINK_DROP_MEMBERSHIP;
	size_t i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (member(s->ev_nl, opt, groups[i]) < 0) {
			log_warn("conntrack-sync: %s the conntrack event groups",
				 on ? "joining" : "leaving");
			return -1;
		}
	return 0;
}

int ctsync_kernel_open(struct ctsync *s, char *err, size_t errlen)
{
	const char *what = NULL;
	int r = 0;

	s->ev_nl = nl_open();
	s->dump_nl = nl_open();
	s->cmd_nl = nl_open();
	if (!s->ev_nl || !s->dump_nl || !s->cmd_nl)
		what = "netlink socket (NETLINK_NETFILTER)";
	/* DESTROY for good (also checks the groups exist: nf_conntrack_netlink),
	 * so every entry made from now on, a commit's too, gets its event
	 * extension; NEW and UPDATE while the node is the sender (ctsync_hold) */
	else if (member(s->ev_nl, NETLINK_ADD_MEMBERSHIP, NFNLGRP_CONNTRACK_DESTROY) < 0)
		what = "conntrack event groups";
	else if (setbuf_force(s->ev_nl, SO_RCVBUFFORCE, SO_RCVBUF, EV_RCVBUF) < 0 ||
		 setbuf_force(s->dump_nl, SO_RCVBUFFORCE, SO_RCVBUF, EV_RCVBUF) < 0 ||
		 setbuf_force(s->cmd_nl, SO_RCVBUFFORCE, SO_RCVBUF, CMD_BUF) < 0 ||
		 setbuf_force(s->cmd_nl, SO_SNDBUFFORCE, SO_SNDBUF, CMD_BUF) < 0)
		what = "netlink buffer sizes";
	if (!what) {
		int one = 1;

		/* acks without the request echoed back: smaller, more fit */
		mnl_socket_setsockopt(s->cmd_nl, NETLINK_CAP_ACK, &one, sizeof(one));
		r = sd_event_add_io(s->event, &s->ev_io, mnl_socket_get_fd(s->ev_nl), EPOLLIN,
				    on_events, s);
		if (r >= 0)
			r = sd_event_add_io(s->event, &s->dump_io, mnl_socket_get_fd(s->dump_nl),
					    EPOLLIN, on_dump, s);
		if (r >= 0)
			r = sd_event_add_io(s->event, &s->cmd_io, mnl_socket_get_fd(s->cmd_nl),
					    EPOLLIN, on_cmd, s);
		if (r >= 0)
			r = sd_event_add_defer(s->event, &s->defer, on_defer, s);
		if (r >= 0)
			r = sd_event_source_set_priority(s->defer, SD_EVENT_PRIORITY_IDLE);
		if (r >= 0)
			r = sd_event_source_set_enabled(s->defer, SD_EVENT_OFF);
		if (r < 0)
			what = "event loop";
	}
	if (what) {
		snprintf(err, errlen, "conntrack-sync: %s: %s", what,
			 strerror(r < 0 ? -r : errno));
		return -1;
	}
	return 0;
}

void ctsync_kernel_close(struct ctsync *s)
{
	s->ev_io = sd_event_source_disable_unref(s->ev_io);
	s->dump_io = sd_event_source_disable_unref(s->dump_io);
	s->cmd_io = sd_event_source_disable_unref(s->cmd_io);
	s->defer = sd_event_source_disable_unref(s->defer);
	if (s->ev_nl)
		mnl_socket_close(s->ev_nl);
	if (s->dump_nl)
		mnl_socket_close(s->dump_nl);
	if (s->cmd_nl)
		mnl_socket_close(s->cmd_nl);
	s->ev_nl = s->dump_nl = s->cmd_nl = NULL;
}
