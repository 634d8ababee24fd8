/* call: dial the control socket, send one request line, read one answer
 * line; every step waits at most until one deadline. */
#include "call.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "out.h"

static int last_errno;

int call_errno(void)
{
	return last_errno;
}

long long call_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connected socket, or -1 after saying why (exit code in *rc). The two
 * "not running" cases are told apart from a permission problem. */
static int dial(const char *path, int *rc)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, e;

	*rc = HACTL_EXIT_UNREACHABLE;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		out_err("socket path longer than %zu bytes: %s", sizeof(sa.sun_path) - 1, path);
		*rc = HACTL_EXIT_USAGE;
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		out_err("socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	e = errno;
	close(fd);
	last_errno = e;
	if (e == ENOENT)
		out_err("hamgr is not running (no socket at %s)", path);
	else if (e == ECONNREFUSED)
		out_err("hamgr is not running (nothing listens on %s)", path);
	else
		out_err("cannot connect to %s: %s", path, strerror(e));
	return -1;
}

/* Wait until fd is ready for events or the deadline passes. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left;
	int r;

	for (;;) {
		left = deadline - call_now_ms();
		if (left <= 0)
			return 0;
		r = poll(&p, 1, (int)left);
		if (r >= 0 || errno != EINTR)
			return r;
	}
}

static int send_all(int fd, const char *buf, size_t len, long long deadline)
{
	ssize_t n;

	while (len) {
		if (wait_fd(fd, POLLOUT, deadline) <= 0)
			return -1;
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read up to the first newline (or end of file). Returns the length, or
 * -1 with errno (ETIMEDOUT when the deadline passed). */
static ssize_t recv_line(int fd, char **out, long long deadline)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *p;
	ssize_t n;
	int r;

	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > CTLMSG_MAX_ANSWER + 1 || !(p = realloc(buf, cap))) {
				free(buf);
				errno = EMSGSIZE;
				return -1;
			}
			buf = p;
		}
		r = wait_fd(fd, POLLIN, deadline);
		if (r <= 0) {
			free(buf);
			errno = r == 0 ? ETIMEDOUT : errno;
			return -1;
		}
		n = recv(fd, buf + len, cap - len, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0 || memchr(buf + len, '\n', (size_t)n)) {
			len += (size_t)n;
			*out = buf;
			return (ssize_t)len;
		}
		len += (size_t)n;
	}
}

int call_cmd(const struct hactl *h, enum ctlcmd_id id, struct json_object *args,
	     struct ctlmsg_answer *ans)
{
	struct json_object *msg = ctlmsg_request_new(ctlcmd_get(id)->name, args);
	long long deadline = call_now_ms() + (h->timeout_ms > 0 ? h->timeout_ms : CALL_TIMEOUT_MS);
	char err[CTLMSG_ERR_MAX], *line, *in = NULL;
	size_t len;
	ssize_t n;
	int fd, rc;

	line = msg ? ctlmsg_line(msg, &len) : NULL;
	json_object_put(msg);
	if (!line) {
		out_err("out of memory");
		return HACTL_EXIT_REFUSED;
	}
	last_errno = 0;
	fd = dial(h->sock, &rc);
	if (fd < 0) {
		free(line);
		return rc;
	}
	rc = send_all(fd, line, len, deadline);
	free(line);
	n = rc < 0 ? -1 : recv_line(fd, &in, deadline);
	close(fd);
	if (n < 0) {
		last_errno = rc < 0 ? ECONNRESET : errno;
		out_err("no answer from hamgr at %s: %s", h->sock,
			errno == ETIMEDOUT ? "timed out" : strerror(errno));
		return HACTL_EXIT_UNREACHABLE;
	}
	if (n == 0) {
		free(in);
		last_errno = ECONNRESET;
		out_err("hamgr at %s closed the connection without answering", h->sock);
		return HACTL_EXIT_UNREACHABLE;
	}
	rc = ctlmsg_answer_parse(in, (size_t)n, ans, err, sizeof(err));
	free(in);
	if (rc < 0) {
		out_err("unreadable answer from hamgr at %s: %s", h->sock, err);
		return HACTL_EXIT_REFUSED;
	}
	return 0;
}

int call_ok(const struct hactl *h, enum ctlcmd_id id, struct json_object *args,
	    struct ctlmsg_answer *ans)
{
	int rc = call_cmd(h, id, args, ans);

	if (rc)
		return rc;
	if (!ans->ok) {
		out_err("%s", ans->error);
		ctlmsg_answer_free(ans);
		return HACTL_EXIT_REFUSED;
	}
	return 0;
}

struct json_object *call_args_instance(const char *name)
{
	struct json_object *a = json_object_new_object();

	if (a && name)
		json_object_object_add(a, "instance", json_object_new_string(name));
	return a;
}
