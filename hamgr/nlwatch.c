/* nlwatch: netlink notifications in sd-event (nlwatch.h). */
#include "nlwatch.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "log.h"
#include "nlsock.h"

/* Datagrams handled per wakeup before yielding to other event sources. */
#define NLWATCH_BATCH 64

struct nlwatch {
	struct nl_sock *sk;
	struct nl_cb *cb;       /* sk's callbacks (a reference we hold) */
	sd_event_source *src;
	void (*lost)(void *arg);
	void *arg;
	const char *what;
};

static int on_readable(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct nlwatch *w = arg;

	for (int i = 0; i < NLWATCH_BATCH; i++) {
		int rc = nl_recvmsgs_report(w->sk, w->cb);

		if (rc == -NLE_NOMEM) { /* ENOBUFS: notifications were lost */
			log_notice("%s: netlink notifications lost, resynchronising", w->what);
			w->lost(w->arg);
			continue;
		}
		if (rc == 0 || rc == -NLE_AGAIN)
			break;          /* drained */
		if (rc < 0) {
			log_warnx("%s: netlink receive: %s", w->what, nl_geterror(rc));
			break;
		}
	}
	/* Never return <0: sd-event would disable the source for good. */
	return 0;
}

static int open_socket(struct nlwatch *w, const int *groups, size_t n, int rcvbuf,
		       nl_recvmsg_msg_cb_t on_msg, void *arg)
{
	int rc;

	w->sk = nl_socket_alloc();
	if (!w->sk)
		return -ENOMEM;
	/* Notifications are not answers to our requests. */
	nl_socket_disable_seq_check(w->sk);
	nl_socket_modify_cb(w->sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, arg);
	rc = nl_connect(w->sk, NETLINK_ROUTE);
	for (size_t i = 0; rc >= 0 && i < n; i++)
		rc = nl_socket_add_membership(w->sk, groups[i]);
	if (rc >= 0)
		rc = nl_socket_set_nonblocking(w->sk);
	if (rc >= 0)
		rc = nl_socket_set_buffer_size(w->sk, rcvbuf, 0);
	if (rc < 0)
		return nlsock_errno(rc);
	nl_socket_enable_msg_peek(w->sk);
	/* nl_recvmsgs_report (it tells "drained" from "handled") needs the
	 * callback set itself; nl_socket_get_cb takes a reference. */
	w->cb = nl_socket_get_cb(w->sk);
	return w->cb ? 0 : -ENOMEM;
}

struct nlwatch *nlwatch_open(sd_event *event, const int *groups, size_t n_groups, int rcvbuf,
			     nl_recvmsg_msg_cb_t on_msg, void (*lost)(void *arg), void *arg,
			     const char *what)
{
	struct nlwatch *w = calloc(1, sizeof(*w));
	int rc;

	if (!w)
		return NULL;
	w->lost = lost;
	w->arg = arg;
	w->what = what;
	rc = open_socket(w, groups, n_groups, rcvbuf, on_msg, arg);
	if (rc == 0)
		rc = sd_event_add_io(event, &w->src, nl_socket_get_fd(w->sk), EPOLLIN,
				     on_readable, w);
	if (rc < 0) {
		nlwatch_close(w);
		errno = -rc;
		return NULL;
	}
	(void)sd_event_source_set_description(w->src, what);
	return w;
}

void nlwatch_close(struct nlwatch *w)
{
	if (!w)
		return;
	sd_event_source_disable_unref(w->src);
	if (w->cb)
		nl_cb_put(w->cb);
	if (w->sk)
		nl_socket_free(w->sk);
	free(w);
}
