/* nlsock: a synchronous NETLINK_ROUTE request socket (libnl) with a bounded
 * wait, shared by vip.c and link.c. It exists because libnl's own
 * synchronous helpers (nl_send_sync, nl_pickup) wait without a time limit
 * and fold the kernel's errno into lossy NLE_* codes; hamgr calls these
 * from inside sd-event callbacks and needs both a bound and the errno. */
#ifndef HAMGR_NLSOCK_H
#define HAMGR_NLSOCK_H

#include <netlink/netlink.h>
#include <netlink/msg.h>

/* Upper bound on one request: its ack, error or complete dump. */
#define NLSOCK_TIMEOUT_MS 2000

struct nlsock;

/* Open a blocking NETLINK_ROUTE socket. NULL on error (errno set). */
struct nlsock *nlsock_open(void);
void nlsock_close(struct nlsock *ns);

/* Send msg (the caller still owns and frees it) and receive until the
 * kernel's ack, error or end of dump, at most NLSOCK_TIMEOUT_MS. Every data
 * message of the reply is passed to valid(msg, arg) if valid is not NULL;
 * replies to earlier, timed-out requests are dropped by sequence number.
 * Must not be called again from inside valid. Returns 0, the kernel's
 * negative errno for a refused request, -ETIMEDOUT, -EAGAIN when a dump was
 * interrupted by a concurrent change (retry it), or another negative errno
 * for a local failure. */
int nlsock_request(struct nlsock *ns, struct nl_msg *msg,
		   nl_recvmsg_msg_cb_t valid, void *arg);

/* Map a negative libnl NLE_* code to a negative errno (nearest meaning;
 * -EPROTO when there is none). 0 and positive values pass through. */
int nlsock_errno(int nle);

#endif
