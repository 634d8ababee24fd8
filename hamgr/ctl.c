/* ctl: the control socket server. Transport and privilege only: requests
 * are checked by ctlmsg.c and answered by the handler (api.c). Every
 * connection is bounded in time (CTL_READ_TIMEOUT_US to send the request,
 * CTL_WRITE_TIMEOUT_US to take the answer), in size (CTLMSG_MAX_REQUEST)
 * and in number (CTL_MAX_CONNS), so no client can stall the daemon. */
#include "errbuf.h"
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>

#include "ctlmsg.h"
#include "ctlsock.h"
#include "log.h"

#define CAP_NET_ADMIN_BIT 12
#define IN_CHUNK 4096
/* After accept() fails for lack of descriptors, pause accepting this long
 * instead of spinning on a readable listen socket. */
#define ACCEPT_RETRY_US 100000ULL

struct ctl_conn {
	struct ctl *ctl;
	struct ctl_conn *prev, *next;
	int fd;
	sd_event_source *io, *timer;
	struct ucred cred;
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_len, out_off;
};

struct ctl {
	sd_event *e;
	int fd;
	sd_event_source *listen, *retry;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev;
	ino_t ino;
	ctl_handler h;
	void *arg;
	struct ctl_conn *conns;
	unsigned n_conns;
	const struct ucred *peer;       /* during a handler call */
	bool in_handler, close_pending;
};


/* ------------------------------------------------------------ privilege */

/* Root, or CAP_NET_ADMIN in the peer's effective set. The peer's process
 * is looked up by the pid SO_PEERCRED gave; its effective uid must still
 * be the one the kernel recorded at connect time, so a pid reused by
 * another process after the client exited does not lend its rights. */
static bool peer_privileged(const struct ucred *cr)
{
	char path[64], line[256];
	unsigned long long caps = 0;
	unsigned ruid, euid;
	bool uid_ok = false, cap_seen = false;
	FILE *f;

	if (cr->uid == 0)
		return true;
	if (cr->pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)cr->pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Uid: %u %u", &ruid, &euid) == 2)
			uid_ok = euid == cr->uid;
		else if (sscanf(line, "CapEff: %llx", &caps) == 1)
			cap_seen = true;
	}
	fclose(f);
	return uid_ok && cap_seen && (caps >> CAP_NET_ADMIN_BIT & 1);
}

/* ------------------------------------------------------------ connections */

static void listen_update(struct ctl *c);

static void conn_free(struct ctl_conn *k)
{
	struct ctl *c = k->ctl;

	if (k->prev)
		k->prev->next = k->next;
	else
		c->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	c->n_conns--;
	sd_event_source_disable_unref(k->io);
	sd_event_source_disable_unref(k->timer);
	if (k->fd >= 0)
		close(k->fd);
	free(k->in);
	free(k->out);
	free(k);
	listen_update(c);
}

/* Send what is left of the answer. 1 when all of it went out, 0 when the
 * socket is full, -1 on error. */
static int conn_flush(struct ctl_conn *k)
{
	ssize_t n;

	while (k->out_off < k->out_len) {
		n = send(k->fd, k->out + k->out_off, k->out_len - k->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return -1;
		k->out_off += (size_t)n;
	}
	return 1;
}

/* Queue msg (consumed) as the answer and start sending it; the connection
 * is closed once it is out, or after CTL_WRITE_TIMEOUT_US. */
static void conn_answer(struct ctl_conn *k, struct json_object *msg)
{
	int r;

	k->out = msg ? ctlmsg_line(msg, &k->out_len) : NULL;
	json_object_put(msg);
	if (!k->out) {
		log_warnx("control: out of memory for an answer");
		conn_free(k);
		return;
	}
	r = conn_flush(k);
	if (r != 0) {
		if (r < 0)
			log_debug("control: peer pid %d went away: %s", (int)k->cred.pid,
				  strerror(errno));
		conn_free(k);
		return;
	}
	if (sd_event_source_set_io_events(k->io, EPOLLOUT) < 0 ||
	    sd_event_source_set_time_relative(k->timer, CTL_WRITE_TIMEOUT_US) < 0 ||
	    sd_event_source_set_enabled(k->timer, SD_EVENT_ONESHOT) < 0)
		conn_free(k);
}

static void conn_error(struct ctl_conn *k, const char *code, const char *msg)
{
	conn_answer(k, ctlmsg_answer_error(code, msg));
}

/* Run the handler for a valid, permitted request. */
static struct json_object *dispatch(struct ctl_conn *k, const struct ctlmsg_request *req)
{
	struct ctl *c = k->ctl;
	struct json_object *result = NULL;
	char err[1024] = "";
	const char *code = NULL;
	int r;

	c->in_handler = true;
	c->peer = &k->cred;
	r = c->h(c->arg, req->cmd, req->args, &result, err, sizeof(err), &code);
	c->peer = NULL;
	c->in_handler = false;
	if (r == 0)
		return ctlmsg_answer_ok(result);
	json_object_put(result);
	if (!err[0])
		snprintf(err, sizeof(err), "%s failed", req->cmd);
	return ctlmsg_answer_error(code ? code : CTLMSG_EINVAL, err);
}

/* The handler closed the ctl: send this last answer if the socket takes
 * it at once, then free the connection and the ctl. */
static void finish_pending_close(struct ctl_conn *k, struct json_object *msg)
{
	struct ctl *c = k->ctl;

	k->out = msg ? ctlmsg_line(msg, &k->out_len) : NULL;
	json_object_put(msg);
	if (k->out)
		(void)conn_flush(k);
	conn_free(k);
	free(c);
}

static void conn_request(struct ctl_conn *k, size_t len)
{
	struct ctl *c = k->ctl;
	struct ctlmsg_request req;
	struct json_object *msg;
	char err[CTLMSG_ERR_MAX];
	const char *code;

	sd_event_source_set_enabled(k->timer, SD_EVENT_OFF);
	if (ctlmsg_request_parse(k->in, len, &req, err, sizeof(err), &code) < 0) {
		log_debug("control: bad request from pid %d: %s", (int)k->cred.pid, err);
		conn_error(k, code, err);
		return;
	}
	if (ctlmsg_cmd_is_mutating(req.cmd) && !peer_privileged(&k->cred)) {
		snprintf(err, sizeof(err), "%s needs root or CAP_NET_ADMIN (peer uid %u)", req.cmd,
			 (unsigned)k->cred.uid);
		log_notice("control: refused %s from uid %u pid %d: not privileged", req.cmd,
			   (unsigned)k->cred.uid, (int)k->cred.pid);
		ctlmsg_request_free(&req);
		conn_error(k, CTLMSG_EPERM, err);
		return;
	}
	if (ctlmsg_cmd_is_mutating(req.cmd))
		log_info("control: %s from uid %u pid %d", req.cmd, (unsigned)k->cred.uid,
			 (int)k->cred.pid);
	msg = dispatch(k, &req);
	ctlmsg_request_free(&req);
	if (c->close_pending) {
		finish_pending_close(k, msg);
		return;
	}
	conn_answer(k, msg);
}

/* Make room for more input: grow the buffer up to the request limit.
 * -1 when the limit is reached. */
static int conn_grow(struct ctl_conn *k)
{
	size_t cap = k->in_cap ? k->in_cap * 2 : IN_CHUNK;
	char *p;

	if (k->in_cap >= CTLMSG_MAX_REQUEST)
		return -1;
	if (cap > CTLMSG_MAX_REQUEST)
		cap = CTLMSG_MAX_REQUEST;
	p = realloc(k->in, cap);
	if (!p)
		return -1;
	k->in = p;
	k->in_cap = cap;
	return 0;
}

/* Read what is there. A newline ends the request; so does end of file
 * after some bytes (a client that shuts down its side instead). */
static void conn_read(struct ctl_conn *k)
{
	char *nl;
	ssize_t n;

	for (;;) {
		if (k->in_len == k->in_cap && conn_grow(k) < 0) {
			char msg[96];

			snprintf(msg, sizeof(msg), "request longer than %d bytes (or out of memory)",
				 CTLMSG_MAX_REQUEST);
			conn_error(k, CTLMSG_EPROTO, msg);
			return;
		}
		n = read(k->fd, k->in + k->in_len, k->in_cap - k->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 || (n == 0 && k->in_len == 0)) {
			conn_free(k);
			return;
		}
		if (n == 0) {
			conn_request(k, k->in_len);
			return;
		}
		nl = memchr(k->in + k->in_len, '\n', (size_t)n);
		k->in_len += (size_t)n;
		if (nl) {
			conn_request(k, (size_t)(nl - k->in) + 1);
			return;
		}
	}
}

static int on_conn_io(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct ctl_conn *k = arg;
	int r;

	if (!k->out) {
		conn_read(k);
		return 0;
	}
	r = conn_flush(k);
	if (r != 0 || (revents & (EPOLLERR | EPOLLHUP)))
		conn_free(k);
	return 0;
}

static int on_conn_timeout(sd_event_source *s, uint64_t usec, void *arg)
{
	struct ctl_conn *k = arg;

	if (k->out) {
		log_debug("control: pid %d did not take its answer in time", (int)k->cred.pid);
		conn_free(k);
		return 0;
	}
	/* Tell a human typing into socat why the line went unanswered. */
	log_debug("control: pid %d sent no complete request in time", (int)k->cred.pid);
	conn_error(k, CTLMSG_EPROTO, "no complete request line within 1 s");
	return 0;
}

static int conn_new(struct ctl *c, int fd)
{
	struct ctl_conn *k = calloc(1, sizeof(*k));
	socklen_t sl = sizeof(k->cred);

	if (!k) {
		close(fd);
		return -ENOMEM;
	}
	k->ctl = c;
	k->fd = fd;
	k->cred.pid = 0;
	k->cred.uid = (uid_t)-1;
	k->cred.gid = (gid_t)-1;
	/* No credentials: treated as unprivileged (uid -1). */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &k->cred, &sl) < 0)
		log_warn("control: SO_PEERCRED");
	k->next = c->conns;
	if (c->conns)
		c->conns->prev = k;
	c->conns = k;
	c->n_conns++;
	if (sd_event_add_io(c->e, &k->io, fd, EPOLLIN, on_conn_io, k) < 0 ||
	    sd_event_add_time_relative(c->e, &k->timer, CLOCK_MONOTONIC, CTL_READ_TIMEOUT_US,
				       10000, on_conn_timeout, k) < 0) {
		conn_free(k);
		return -ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------ listening */

/* Accept while under the connection limit; the listen source is off
 * while the limit is reached (clients wait in the backlog). */
static void listen_update(struct ctl *c)
{
	if (c->listen && !c->retry)
		sd_event_source_set_enabled(c->listen, c->n_conns < CTL_MAX_CONNS ?
					    SD_EVENT_ON : SD_EVENT_OFF);
}

static int on_retry(sd_event_source *s, uint64_t usec, void *arg)
{
	struct ctl *c = arg;

	c->retry = sd_event_source_disable_unref(c->retry);
	listen_update(c);
	return 0;
}

static int on_accept(sd_event_source *s, int lfd, uint32_t revents, void *arg)
{
	struct ctl *c = arg;
	int fd;

	while (c->n_conns < CTL_MAX_CONNS) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			log_warn("control: accept");
			if (!c->retry &&
			    sd_event_add_time_relative(c->e, &c->retry, CLOCK_MONOTONIC,
						       ACCEPT_RETRY_US, 10000, on_retry, c) >= 0)
				sd_event_source_set_enabled(c->listen, SD_EVENT_OFF);
			break;
		}
		if (conn_new(c, fd) < 0)
			log_warnx("control: out of memory for a connection");
	}
	listen_update(c);
	return 0;
}

static void stop_listening(struct ctl *c)
{
	c->listen = sd_event_source_disable_unref(c->listen);
	c->retry = sd_event_source_disable_unref(c->retry);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	ctlsock_unlink_own(c->path, c->dev, c->ino);
	c->ino = 0;
}

struct ctl *ctl_open(sd_event *e, const char *path, gid_t group, ctl_handler h, void *arg,
		     char *err, size_t errlen)
{
	struct ctl *c;
	int r;

	if (!path || !path[0] || strlen(path) >= sizeof(c->path)) {
		errbuf_set(err, errlen, "control socket path empty or longer than %zu bytes",
		       sizeof(c->path) - 1);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	c->e = e;
	c->fd = -1;
	c->h = h;
	c->arg = arg;
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->fd = ctlsock_open(path, group, &c->dev, &c->ino, err, errlen);
	if (c->fd < 0) {
		stop_listening(c);
		free(c);
		return NULL;
	}
	r = sd_event_add_io(e, &c->listen, c->fd, EPOLLIN, on_accept, c);
	if (r < 0) {
		errbuf_set(err, errlen, "control socket %s: sd-event: %s", path, strerror(-r));
		stop_listening(c);
		free(c);
		return NULL;
	}
	/* json-c writes doubles with %.17g: 341.4 would go out as
	 * 341.39999999999998. 15 digits round-trip every value we send. */
	json_c_set_serialization_double_format("%.15g", JSON_C_OPTION_GLOBAL);
	return c;
}

void ctl_close(struct ctl *c)
{
	struct ctl_conn *k, *next;

	if (!c)
		return;
	stop_listening(c);
	for (k = c->conns; k; k = next) {
		next = k->next;
		/* The connection whose handler is running is freed by
		 * conn_request once the handler returns. */
		if (c->in_handler && c->peer == &k->cred)
			continue;
		conn_free(k);
	}
	if (c->in_handler) {
		c->close_pending = true;
		return;
	}
	free(c);
}

const struct ucred *ctl_peer(const struct ctl *c)
{
	return c ? c->peer : NULL;
}
