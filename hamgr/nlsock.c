/* nlsock: synchronous NETLINK_ROUTE requests through libnl, bounded in
 * time, with the kernel's errno preserved. */
#include "nlsock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

/* One blocking receive waits at most this long; the request loop checks
 * its own deadline between receives. */
#define NLSOCK_SLICE_MS 250

struct nlsock {
	struct nl_sock *sk;
	struct nl_cb *cb;	/* our handlers, reused for every request */
	/* state of the request in flight */
	uint32_t seq;
	bool done;
	bool intr;
	int kerr;		/* kernel errno (positive), 0 if acked */
	nl_recvmsg_msg_cb_t valid;
	void *valid_arg;
};

/* Accept only the kernel's replies to the request in flight: a late reply
 * to an earlier request that timed out carries an older sequence number. */
static int on_seq(struct nl_msg *msg, void *arg)
{
	struct nlsock *ns = arg;
	struct sockaddr_nl *src = nlmsg_get_src(msg);

	if (src->nl_pid != 0 || nlmsg_hdr(msg)->nlmsg_seq != ns->seq)
		return NL_SKIP;
	return NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct nlsock *ns = arg;

	ns->done = true;
	return NL_STOP;
}

/* Keep the kernel's own errno: libnl would map it to a lossy NLE_ code
 * (EADDRNOTAVAIL, ENODEV and ESRCH all look alike there). */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlsock *ns = arg;

	ns->kerr = -e->error;
	ns->done = true;
	return NL_STOP;
}

/* NLM_F_DUMP_INTR: the dump raced with a change; read it to the end and
 * report -EAGAIN so the caller dumps again. */
static int on_intr(struct nl_msg *msg, void *arg)
{
	struct nlsock *ns = arg;

	ns->intr = true;
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlsock *ns = arg;

	return ns->valid ? ns->valid(msg, ns->valid_arg) : NL_OK;
}

static struct nl_cb *make_cb(struct nlsock *ns)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq, ns);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, ns);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, ns);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_intr, ns);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, ns);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, ns);
	return cb;
}

static int set_rcvtimeo(struct nl_sock *sk)
{
	struct timeval tv = { 0, NLSOCK_SLICE_MS * 1000 };

	return setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO,
			  &tv, sizeof(tv));
}

struct nlsock *nlsock_open(void)
{
	struct nlsock *ns = calloc(1, sizeof(*ns));
	int rc;

	if (!ns)
		return NULL;
	ns->sk = nl_socket_alloc();
	ns->cb = make_cb(ns);
	if (!ns->sk || !ns->cb) {
		nlsock_close(ns);
		errno = ENOMEM;
		return NULL;
	}
	rc = nl_connect(ns->sk, NETLINK_ROUTE);
	if (rc < 0 || set_rcvtimeo(ns->sk) < 0) {
		rc = rc < 0 ? -nlsock_errno(rc) : errno;
		nlsock_close(ns);
		errno = rc;
		return NULL;
	}
	/* Link dumps can exceed libnl's default receive buffer. */
	nl_socket_enable_msg_peek(ns->sk);
	return ns;
}

void nlsock_close(struct nlsock *ns)
{
	if (!ns)
		return;
	if (ns->cb)
		nl_cb_put(ns->cb);
	if (ns->sk)
		nl_socket_free(ns->sk);
	free(ns);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Receive until on_done/on_error fired or the deadline passed. A receive
 * timeout shows up as -NLE_AGAIN (or 0 in older libnl): keep waiting. */
static int wait_reply(struct nlsock *ns)
{
	int64_t deadline = now_ms() + NLSOCK_TIMEOUT_MS;
	int rc;

	while (!ns->done) {
		rc = nl_recvmsgs(ns->sk, ns->cb);
		if (ns->done)
			break;
		if (rc < 0 && rc != -NLE_AGAIN && rc != -NLE_DUMP_INTR)
			return nlsock_errno(rc);
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
	}
	if (ns->kerr)
		return -ns->kerr;
	return ns->intr ? -EAGAIN : 0;
}

int nlsock_request(struct nlsock *ns, struct nl_msg *msg,
		   nl_recvmsg_msg_cb_t valid, void *arg)
{
	int rc;

	ns->done = false;
	ns->intr = false;
	ns->kerr = 0;
	ns->valid = valid;
	ns->valid_arg = arg;
	/* nl_send_auto fills in port, sequence number and NLM_F_ACK. */
	rc = nl_send_auto(ns->sk, msg);
	if (rc < 0)
		return nlsock_errno(rc);
	ns->seq = nlmsg_hdr(msg)->nlmsg_seq;
	rc = wait_reply(ns);
	ns->valid = NULL;
	ns->valid_arg = NULL;
	return rc;
}

int nlsock_errno(int nle)
{
	if (nle >= 0)
		return nle;
	switch (-nle) {
	case NLE_INTR:		return -EINTR;
	case NLE_BAD_SOCK:	return -EBADF;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_NOMEM:		return -ENOMEM;	/* also the kernel's ENOBUFS */
	case NLE_EXIST:		return -EEXIST;
	case NLE_INVAL:		return -EINVAL;
	case NLE_RANGE:		return -ERANGE;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:	return -EAFNOSUPPORT;
	case NLE_AF_MISMATCH:	return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_NOADDR:	return -EADDRNOTAVAIL;
	case NLE_BUSY:		return -EBUSY;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_PERM:		return -EPERM;
	case NLE_NODEV:		return -ENODEV;
	case NLE_DUMP_INTR:	return -EAGAIN;
	default:		return -EPROTO;
	}
}
