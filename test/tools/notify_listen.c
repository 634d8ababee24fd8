/* notify_listen: stands in for systemd's side of sd_notify(3) in tests.
 *
 *   notify_listen [-t SECONDS] PATH
 *
 * Binds an AF_UNIX datagram socket at PATH ("@name" for the abstract
 * namespace, as in NOTIFY_SOCKET) and prints every datagram it receives as
 * one line on standard output, flushed at once:
 *
 *   MS<TAB>PID<TAB>FIELD<TAB>FIELD...
 *
 * MS is the monotonic time in milliseconds since notify_listen started,
 * PID the sender's (from SCM_CREDENTIALS: systemd's NotifyAccess=main
 * accepts only the main process's messages, so tests check it too), and
 * the FIELDs are the datagram's newline-separated assignments
 * ("READY=1", "STATUS=web MASTER"). Bytes below 0x20, 0x7f and above,
 * and the backslash are written as \xNN, so one datagram stays one line; a
 * datagram longer than systemd accepts (4096 bytes) ends with the field
 * "(truncated)".
 *
 * "listening on PATH" goes to standard error once the socket is bound.
 * Exits 0 after SECONDS (default 60, at most 3600) or on SIGTERM/SIGINT,
 * removing the socket file; 1 on errors, 2 on usage errors. A stale
 * socket at PATH is replaced; any other file there is an error. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* systemd reads at most PIPE_BUF bytes of a notification. */
#define DGRAM_MAX 4096
#define DEFAULT_SECONDS 60
#define MAX_SECONDS 3600

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: notify_listen [-t SECONDS] PATH\n"
		   "  PATH        socket to bind (\"@name\": abstract namespace)\n"
		   "  -t SECONDS  exit after this long (default %d, at most %d)\n",
		DEFAULT_SECONDS, MAX_SECONDS);
}

/* Fill sun from path; returns the address length or -1 if it does not fit. */
static int make_addr(const char *path, struct sockaddr_un *sun)
{
	size_t len = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (len == 0 || len >= sizeof(sun->sun_path))
		return -1;
	memcpy(sun->sun_path, path, len);
	/* Abstract: a leading NUL, and the length says where the name ends. */
	if (path[0] == '@')
		sun->sun_path[0] = '\0';
	return (int)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '@' ? 0 : 1));
}

/* A socket left behind by an earlier run may go; anything else stays. */
static int clear_stale(const char *path)
{
	struct stat st;

	if (path[0] == '@' || lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "notify_listen: %s exists and is not a socket\n", path);
		return -1;
	}
	if (unlink(path) < 0) {
		fprintf(stderr, "notify_listen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int open_socket(const char *path)
{
	struct sockaddr_un sun;
	int fd, on = 1, len;

	len = make_addr(path, &sun);
	if (len < 0) {
		fprintf(stderr, "notify_listen: socket path too long or empty: %s\n", path);
		return -1;
	}
	if (clear_stale(path) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* SO_PASSCRED: the kernel then attaches the sender's pid to every
	 * datagram, whether or not the sender passed credentials itself. */
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&sun, (socklen_t)len) < 0) {
		fprintf(stderr, "notify_listen: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One field, escaped so that it cannot break the line or the columns. */
static void put_field(const unsigned char *p, size_t n)
{
	size_t i;

	putchar('\t');
	for (i = 0; i < n; i++) {
		if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '\\')
			printf("\\x%02x", p[i]);
		else
			putchar(p[i]);
	}
}

static void print_dgram(int64_t ms, long pid, const unsigned char *buf, size_t n,
			bool truncated)
{
	size_t start = 0, i;

	printf("%lld\t%ld", (long long)ms, pid);
	for (i = 0; i <= n; i++) {
		if (i < n && buf[i] != '\n')
			continue;
		if (i > start)
			put_field(buf + start, i - start);
		start = i + 1;
	}
	if (truncated)
		fputs("\t(truncated)", stdout);
	putchar('\n');
	fflush(stdout);
}

/* Receive one datagram and print it. Returns 0, or -1 on a socket error. */
static int receive_one(int fd, int64_t t0)
{
	unsigned char buf[DGRAM_MAX];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *c;
	long pid = -1;
	ssize_t n;

	n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred uc;

			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			pid = (long)uc.pid;
		}
	}
	print_dgram(now_ms() - t0, pid, buf, (size_t)n, (msg.msg_flags & MSG_TRUNC) != 0);
	return 0;
}

/* Wait for datagrams until the deadline or a signal. The signals stay
 * blocked except inside ppoll, so one arriving between the check of
 * stop_requested and the wait still ends the wait. */
static int listen_loop(int fd, int64_t t0, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	sigset_t during;
	int64_t left;
	struct timespec ts;
	int r;

	sigemptyset(&during);
	while (!stop_requested) {
		left = deadline - now_ms();
		if (left <= 0)
			break;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		r = ppoll(&pfd, 1, &ts, &during);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0 && receive_one(fd, t0) < 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;
	long seconds = DEFAULT_SECONDS;
	const char *path;
	char *end;
	int64_t t0 = now_ms();
	int c, fd, rc;

	while ((c = getopt(argc, argv, "ht:")) != -1) {
		switch (c) {
		case 't':
			errno = 0;
			seconds = strtol(optarg, &end, 10);
			if (errno || *end || seconds < 1 || seconds > MAX_SECONDS) {
				fprintf(stderr, "notify_listen: -t: expected 1..%d seconds\n",
					MAX_SECONDS);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	path = argv[optind];

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	fd = open_socket(path);
	if (fd < 0)
		return 1;
	fprintf(stderr, "notify_listen: listening on %s for %ld s\n", path, seconds);
	rc = listen_loop(fd, t0, t0 + seconds * 1000);
	if (rc < 0)
		fprintf(stderr, "notify_listen: %s: %s\n", path, strerror(errno));
	close(fd);
	if (path[0] != '@')
		unlink(path);
	return rc < 0 ? 1 : 0;
}
