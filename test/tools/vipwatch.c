/* vipwatch: who holds an address, as the kernels say it, event by event.
 *
 *   vipwatch [-d SECONDS] [-s STOPFILE] [-o STATEFILE] ADDR NAME=NETNS...
 *
 * For every NAME=NETNS (a path such as /run/netns/hm123-n1) it opens a
 * rtnetlink socket inside that namespace, subscribed to the IPv4 and IPv6
 * address groups, then dumps the namespace's addresses once. From then on
 * every change of "NAME holds ADDR" is printed as one line
 *
 *   US NAME 1|0
 *
 * US being the wall clock in microseconds (CLOCK_REALTIME, the clock of
 * bash's EPOCHREALTIME, so a script's own time stamps line up with it).
 * The dump's result is printed the same way (a "1" line per holder, marked
 * by a first line "US - start"). No sampling: a double holding of 1 ms
 * shows as two lines 1 ms apart. When a socket overflows (ENOBUFS) that
 * namespace is dumped again and the line "US NAME resync" printed first.
 * With -o, STATEFILE holds the current holders (one line, names separated
 * by spaces, empty if none), rewritten (write and rename) at every change,
 * for a script to read without forking.
 *
 * Bounded: it runs at most -d SECONDS (default 600, at most 7200) and
 * stops once STOPFILE exists (checked every 100 ms) or on SIGTERM/SIGINT.
 * Needs CAP_SYS_ADMIN (setns). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_NODES 16
#define NAME_MAX_LEN 32
#define MAX_SECONDS 7200

struct node {
	char name[NAME_MAX_LEN];
	int fd;
	bool held;
	uint32_t dump_seq;
	bool dumping;
	bool dump_held;     /* what the dump in progress found */
};

static volatile sig_atomic_t stop_requested;
static struct node nodes[MAX_NODES];
static int n_nodes;
static int family;
static unsigned char want[16];
static size_t want_len;
static const char *state_file;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void write_state(void)
{
	char tmp[4096];
	FILE *f;
	int i, first = 1;

	if (!state_file)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", state_file);
	f = fopen(tmp, "w");
	if (!f)
		return;
	for (i = 0; i < n_nodes; i++) {
		if (!nodes[i].held)
			continue;
		fprintf(f, "%s%s", first ? "" : " ", nodes[i].name);
		first = 0;
	}
	fputc('\n', f);
	if (fclose(f) == 0)
		rename(tmp, state_file);
}

static void set_held(struct node *n, bool held)
{
	if (n->held == held)
		return;
	n->held = held;
	printf("%lld %s %d\n", now_us(), n->name, held ? 1 : 0);
	fflush(stdout);
	write_state();
}

static int send_dump(struct node *n)
{
	static uint32_t seq = 1;
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
	} req = { 0 };

	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_GETADDR;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = ++seq;
	req.ifa.ifa_family = (unsigned char)family;
	n->dump_seq = req.nh.nlmsg_seq;
	n->dumping = true;
	n->dump_held = false;
	if (send(n->fd, &req, sizeof(req), 0) < 0) {
		fprintf(stderr, "vipwatch: %s: dump request: %s\n", n->name, strerror(errno));
		return -1;
	}
	return 0;
}

/* Does this RTM_NEWADDR/DELADDR carry our address? */
static bool is_ours(struct nlmsghdr *nh)
{
	struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	struct rtattr *rta;
	int len;

	if (ifa->ifa_family != family)
		return false;
	len = (int)IFA_PAYLOAD(nh);
	for (rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type != IFA_LOCAL && rta->rta_type != IFA_ADDRESS)
			continue;
		if (RTA_PAYLOAD(rta) == want_len && memcmp(RTA_DATA(rta), want, want_len) == 0)
			return true;
	}
	return false;
}

static void read_node(struct node *n)
{
	char buf[65536];
	ssize_t r;
	struct nlmsghdr *nh;

	for (;;) {
		r = recv(n->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			if (errno == ENOBUFS) {
				printf("%lld %s resync\n", now_us(), n->name);
				fflush(stdout);
				send_dump(n);
				continue;
			}
			fprintf(stderr, "vipwatch: %s: recv: %s\n", n->name, strerror(errno));
			return;
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (unsigned)r); nh = NLMSG_NEXT(nh, r)) {
			bool dump_msg = n->dumping && nh->nlmsg_seq == n->dump_seq;

			if (nh->nlmsg_type == NLMSG_DONE || nh->nlmsg_type == NLMSG_ERROR) {
				if (dump_msg) {
					n->dumping = false;
					set_held(n, n->dump_held);
				}
				continue;
			}
			if (nh->nlmsg_type != RTM_NEWADDR && nh->nlmsg_type != RTM_DELADDR)
				continue;
			if (!is_ours(nh))
				continue;
			if (dump_msg) {
				n->dump_held = true;
				continue;
			}
			/* An event during a dump: the dump may or may not have
			 * seen it; the event is the newer word. */
			if (n->dumping)
				n->dump_held = nh->nlmsg_type == RTM_NEWADDR;
			set_held(n, nh->nlmsg_type == RTM_NEWADDR);
		}
	}
}

static int open_in_ns(const char *path)
{
	int self, target, fd = -1, rcv = 1 << 20;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || target < 0) {
		fprintf(stderr, "vipwatch: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (setns(target, CLONE_NEWNET) < 0) {
		fprintf(stderr, "vipwatch: setns %s: %s\n", path, strerror(errno));
		goto out;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
		sa.nl_groups = family == AF_INET ? RTMGRP_IPV4_IFADDR : RTMGRP_IPV6_IFADDR;
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			fprintf(stderr, "vipwatch: bind in %s: %s\n", path, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	if (setns(self, CLONE_NEWNET) < 0) {
		fprintf(stderr, "vipwatch: setns back: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
out:
	if (self >= 0)
		close(self);
	if (target >= 0)
		close(target);
	return fd;
}

static void usage(void)
{
	fprintf(stderr, "usage: vipwatch [-d SECONDS] [-s STOPFILE] [-o STATEFILE] ADDR NAME=NETNS...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct pollfd pfd[MAX_NODES];
	const char *stop_file = NULL;
	double max_s = 600;
	long long end_us, next_stop_check = 0;
	struct stat st;
	char *eq;
	int c, i;

	while ((c = getopt(argc, argv, "d:s:o:")) != -1) {
		switch (c) {
		case 'd':
			max_s = atof(optarg);
			if (!(max_s > 0) || max_s > MAX_SECONDS)
				usage();
			break;
		case 's':
			stop_file = optarg;
			break;
		case 'o':
			state_file = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind < 2 || argc - optind - 1 > MAX_NODES)
		usage();
	if (inet_pton(AF_INET, argv[optind], want) == 1) {
		family = AF_INET;
		want_len = 4;
	} else if (inet_pton(AF_INET6, argv[optind], want) == 1) {
		family = AF_INET6;
		want_len = 16;
	} else {
		usage();
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("%lld - start\n", now_us());
	for (i = optind + 1; i < argc; i++) {
		struct node *n = &nodes[n_nodes];

		eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i] || (size_t)(eq - argv[i]) >= NAME_MAX_LEN)
			usage();
		memcpy(n->name, argv[i], (size_t)(eq - argv[i]));
		n->fd = open_in_ns(eq + 1);
		if (n->fd < 0)
			return 1;
		pfd[n_nodes].fd = n->fd;
		pfd[n_nodes].events = POLLIN;
		n_nodes++;
		if (send_dump(n) < 0)
			return 1;
	}
	write_state();
	end_us = now_us() + (long long)(max_s * 1e6);
	while (!stop_requested) {
		long long t = now_us();

		if (t >= end_us)
			break;
		if (stop_file && t >= next_stop_check) {
			if (stat(stop_file, &st) == 0)
				break;
			next_stop_check = t + 100000;
		}
		if (poll(pfd, (nfds_t)n_nodes, 100) < 0 && errno != EINTR)
			break;
		for (i = 0; i < n_nodes; i++)
			if (pfd[i].revents & (POLLIN | POLLERR))
				read_node(&nodes[i]);
	}
	printf("%lld - stop\n", now_us());
	return 0;
}
