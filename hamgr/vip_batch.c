/* vip_batch: RTM_NEWADDR / RTM_DELADDR in batches through libmnl.
 *
 * One sendmsg carries up to VIP_BATCH_MAX requests, each with NLM_F_ACK
 * and its own sequence number; the kernel handles them in order inside
 * that sendmsg and queues one acknowledgement (or error) per request,
 * which are read back and matched by sequence number before the next
 * batch goes out. NETLINK_CAP_ACK keeps error messages small and the
 * receive buffer is raised so a whole batch of answers fits. A batch
 * whose answers do not all come within NLSOCK_TIMEOUT_MS reports
 * -ETIMEDOUT for the missing ones. */
#include "vip_batch.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "nlsock.h"
#include "vip.h"

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/* A request is at most 16 (nlmsghdr) + 8 (ifaddrmsg) + 2 x 20 (IFA_LOCAL,
 * IFA_ADDRESS of an IPv6 address) bytes. */
#define REQ_MAX 80
#define RCVBUF (2 << 20)

struct vip_batch {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	uint8_t *buf;                   /* VIP_BATCH_MAX requests */
	uint8_t rbuf[16384];            /* answers */
};

struct vip_batch *vip_batch_open(void)
{
	struct vip_batch *b = calloc(1, sizeof(*b));
	int one = 1, rcv = RCVBUF, e;

	if (!b)
		return NULL;
	b->buf = malloc(VIP_BATCH_MAX * REQ_MAX);
	b->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!b->buf || !b->nl || mnl_socket_bind(b->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	(void)mnl_socket_setsockopt(b->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(b->nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcv,
		       sizeof(rcv)) < 0)
		(void)setsockopt(mnl_socket_get_fd(b->nl), SOL_SOCKET, SO_RCVBUF, &rcv,
				 sizeof(rcv));
	b->portid = mnl_socket_get_portid(b->nl);
	b->seq = (uint32_t)time(NULL) << 8;
	return b;
fail:
	e = errno;
	vip_batch_close(b);
	errno = e ? e : ENOMEM;
	return NULL;
}

void vip_batch_close(struct vip_batch *b)
{
	if (!b)
		return;
	if (b->nl)
		mnl_socket_close(b->nl);
	free(b->buf);
	free(b);
}

static void put_request(struct nlmsghdr *nlh, int ifindex, const struct ipaddr *vip,
			bool add, uint32_t seq)
{
	struct ifaddrmsg *ifa;
	size_t alen = vip->family == IPADDR_V6 ? 16 : 4;

	nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	/* NLM_F_EXCL, never NLM_F_REPLACE: an address that is already
	 * there (perhaps configured by the admin) is left untouched. */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	nlh->nlmsg_seq = seq;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = vip->family == IPADDR_V6 ? AF_INET6 : AF_INET;
	ifa->ifa_prefixlen = vip->prefixlen;
	/* Usable at once: never "tentative", can source traffic now. */
	ifa->ifa_flags = add && vip->family == IPADDR_V6 ? IFA_F_NODAD : 0;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, alen, vip->a);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, vip->a);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Collect the answers to seq0 .. seq0 + n - 1 into err; the ones that do
 * not come in time stay -ETIMEDOUT. */
static void collect(struct vip_batch *b, uint32_t seq0, size_t n, int *err)
{
	int64_t deadline = now_ms() + NLSOCK_TIMEOUT_MS;
	size_t got = 0;

	while (got < n) {
		struct timeval tv = { 0, 100000 };
		const struct nlmsghdr *nlh;
		ssize_t len;
		int left;

		setsockopt(mnl_socket_get_fd(b->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		len = mnl_socket_recvfrom(b->nl, b->rbuf, sizeof(b->rbuf));
		if (len < 0) {
			if ((errno != EAGAIN && errno != EINTR && errno != ENOBUFS) ||
			    now_ms() >= deadline)
				return;
			continue;
		}
		left = (int)len;
		for (nlh = (const struct nlmsghdr *)b->rbuf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct nlmsgerr *e;
			uint32_t k = nlh->nlmsg_seq - seq0;

			if (nlh->nlmsg_type != NLMSG_ERROR || k >= n || err[k] != -ETIMEDOUT)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			err[k] = e->error;     /* 0 (ack) or -errno */
			got++;
		}
		if (now_ms() >= deadline)
			return;
	}
}

int vip_batch_change(struct vip_batch *b, int ifindex, const struct ipaddr *vips, size_t n,
		     bool add, int *err)
{
	size_t done = 0, i, k;

	for (i = 0; i < n; i++)
		err[i] = -ETIMEDOUT;
	while (done < n) {
		size_t m = n - done < VIP_BATCH_MAX ? n - done : VIP_BATCH_MAX;
		uint8_t *p = b->buf;
		uint32_t seq0 = ++b->seq;

		b->seq += (uint32_t)m;
		for (k = 0; k < m; k++) {
			struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);

			put_request(nlh, ifindex, &vips[done + k], add, seq0 + (uint32_t)k);
			p += nlh->nlmsg_len;
		}
		if (mnl_socket_sendto(b->nl, b->buf, (size_t)(p - b->buf)) < 0) {
			int e = -errno;

			for (k = done; k < n; k++)
				err[k] = e;
			return e;
		}
		collect(b, seq0, m, err + done);
		done += m;
	}
	return 0;
}
