/* responder: the service behind the VIP in the netns tests.
 *
 * A UDP server on [::]:PORT, dual-stack (IPv4 arrives as v4-mapped), that
 * answers every datagram with its first line followed by " NODE". The probe
 * sends "HMP1 SEQ SEND_NS", so the answer echoes the sequence and tells the
 * client which node answered.
 *
 * The answer leaves from the address the request was sent to (IPV6_PKTINFO
 * echoed back): requests go to the VIP, and a connected client drops
 * answers from the node's primary address.
 *
 * Exits 0 on SIGTERM/SIGINT, or after -t SECONDS (default 3600) so a
 * forgotten responder cannot outlive a test run by much. Errors on receive
 * or send (ICMP errors while the VIP moves) are counted, never fatal. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REQ_MAX 256
#define NODE_MAX 64

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_socket(unsigned port)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
				     .sin6_addr = IN6ADDR_ANY_INIT };
	int fd, off = 0, on = 1;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Receive one request and answer it from the address it was sent to.
 * Returns 1 when answered, 0 when nothing (or nothing valid) was there,
 * -1 on a receive error, -2 on a send error. */
static int serve_one(int fd, const char *node)
{
	char req[REQ_MAX], ans[REQ_MAX + NODE_MAX + 2];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_in6 peer;
	struct iovec iov = { .iov_base = req, .iov_len = sizeof(req) - 1 };
	struct msghdr msg = { .msg_name = &peer, .msg_namelen = sizeof(peer),
			      .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	struct in6_pktinfo *pi = NULL;
	struct cmsghdr *c;
	ssize_t n;
	int len;

	n = recvmsg(fd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	req[n] = '\0';
	req[strcspn(req, "\r\n")] = '\0';
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO)
			pi = (struct in6_pktinfo *)(void *)CMSG_DATA(c);
	len = snprintf(ans, sizeof(ans), "%s %s", req, node);
	iov.iov_base = ans;
	iov.iov_len = (size_t)len;
	msg.msg_flags = 0;
	if (pi) {
		/* Source = where the request went; let routing pick the way out. */
		pi->ipi6_ifindex = 0;
		msg.msg_controllen = CMSG_SPACE(sizeof(*pi));
	} else {
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
	}
	if (sendmsg(fd, &msg, 0) < 0)
		return -2;
	return 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long answered = 0, rx_err = 0, tx_err = 0;
	double lifetime = 3600, deadline;
	const char *node;
	struct pollfd pfd;
	char *end;
	int opt, fd, rc, burst;
	unsigned long port;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't')
			goto usage;
		lifetime = strtod(optarg, &end);
		if (*end || !(lifetime > 0))
			goto usage;
	}
	if (argc - optind != 2)
		goto usage;
	node = argv[optind];
	port = strtoul(argv[optind + 1], &end, 10);
	if (*end || port < 1 || port > 65535 || strlen(node) >= NODE_MAX || strchr(node, ' '))
		goto usage;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fd = open_socket((unsigned)port);
	if (fd < 0) {
		fprintf(stderr, "responder: [::]:%lu: %s\n", port, strerror(errno));
		return 1;
	}
	fprintf(stderr, "responder %s: listening on [::]:%lu\n", node, port);
	deadline = now_s() + lifetime;
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (!stop_requested && now_s() < deadline) {
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		for (burst = 0; burst < 1000; burst++) {
			rc = serve_one(fd, node);
			if (rc == 0)
				break;
			if (rc == 1)
				answered++;
			else if (rc == -1)
				rx_err++;
			else
				tx_err++;
		}
	}
	fprintf(stderr, "responder %s: answered %lu, receive errors %lu, send errors %lu\n",
		node, answered, rx_err, tx_err);
	close(fd);
	return 0;

usage:
	fprintf(stderr, "usage: responder [-t SECONDS] NODE PORT\n");
	return 2;
}
