/* Unit tests for ctl: the control socket server, run in-process on its own
 * sd-event loop with a stub handler; clients are sockets of this process
 * (or of a forked child that dropped privileges, when run as root).
 * Sockets live in a fresh directory under /tmp, removed at the end. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>

#include "ctl.h"
#include "ctlmsg.h"
#include "cu_main.h"

#define NOBODY 65534

static char dir[64];
static char sock[100];
static sd_event *ev;
static struct ctl *srv;

/* What the stub handler saw and what it does. */
static int calls;
static char last_cmd[32];
static char last_args[256];
static pid_t last_peer_pid;
static int fail_next;           /* answer with ENOENT */
static int close_in_handler;    /* call ctl_close() from the handler */

static int handler(void *arg, const char *cmd, struct json_object *args,
		   struct json_object **result, char *err, size_t errlen, const char **code)
{
	const struct ucred *peer = ctl_peer(srv);

	calls++;
	snprintf(last_cmd, sizeof(last_cmd), "%s", cmd);
	snprintf(last_args, sizeof(last_args), "%s",
		 json_object_to_json_string_ext(args, JSON_C_TO_STRING_PLAIN));
	last_peer_pid = peer ? peer->pid : -1;
	if (close_in_handler) {
		ctl_close(srv);
		srv = NULL;
	}
	if (fail_next) {
		fail_next = 0;
		snprintf(err, errlen, "no instance named \"x\"");
		*code = CTLMSG_ENOENT;
		return -1;
	}
	*result = json_object_new_object();
	json_object_object_add(*result, "cmd", json_object_new_string(cmd));
	json_object_object_add(*result, "mdi_ms", json_object_new_double(341.4));
	return 0;
}

static int suite_init(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hamgr-test-ctl.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	chmod(dir, 0755);
	snprintf(sock, sizeof(sock), "%s/run/sub/hamgr.sock", dir);
	return sd_event_new(&ev) < 0 ? -1 : 0;
}

static int suite_clean(void)
{
	char cmd[128];

	ctl_close(srv);
	srv = NULL;
	ev = sd_event_unref(ev);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct ctl *open_srv(gid_t group)
{
	char err[256] = "";
	struct ctl *c = ctl_open(ev, sock, group, handler, NULL, err, sizeof(err));

	if (!c)
		fprintf(stderr, "\nctl_open: %s\n", err);
	return c;
}

static int client(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("connect");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Run the loop (10 ms steps, at most ms) until fd has an answer and EOF;
 * returns the bytes read (NUL-terminated in buf), -1 if none came. */
static ssize_t await(int fd, char *buf, size_t size, int ms)
{
	size_t len = 0;
	ssize_t n;
	int i;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (i = 0; i < ms / 10; i++) {
		sd_event_run(ev, 10000);
		while ((n = read(fd, buf + len, size - 1 - len)) > 0)
			len += (size_t)n;
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			buf[len] = '\0';
			return len ? (ssize_t)len : -1;
		}
	}
	buf[len] = '\0';
	return -1;
}

static ssize_t roundtrip(const char *req, char *buf, size_t size)
{
	int fd = client();
	ssize_t n;

	if (fd < 0)
		return -1;
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	n = await(fd, buf, size, 2000);
	close(fd);
	return n;
}

/* The answer in buf parses; returns ok, fills code (or ""). */
static int answer_ok(const char *buf, char *code, size_t codelen)
{
	struct ctlmsg_answer a;
	char err[256];
	int ok;

	code[0] = '\0';
	if (ctlmsg_answer_parse(buf, strlen(buf), &a, err, sizeof(err)) < 0) {
		fprintf(stderr, "\nbad answer %s: %s\n", buf, err);
		return -1;
	}
	ok = a.ok;
	if (!ok)
		snprintf(code, codelen, "%s", a.code);
	ctlmsg_answer_free(&a);
	return ok;
}

/* ------------------------------------------------------------ tests */

static void test_open_modes(void)
{
	struct stat st;
	char parent[128];

	srv = open_srv(getegid() == 0 ? NOBODY : getegid());
	CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
	CU_ASSERT_EQUAL_FATAL(lstat(sock, &st), 0);
	CU_ASSERT_TRUE(S_ISSOCK(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0660);
	CU_ASSERT_EQUAL(st.st_gid, getegid() == 0 ? NOBODY : getegid());
	/* Both missing directories were created 0755. */
	snprintf(parent, sizeof(parent), "%s/run/sub", dir);
	CU_ASSERT_EQUAL(stat(parent, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0755);
	snprintf(parent, sizeof(parent), "%s/run", dir);
	CU_ASSERT_EQUAL(stat(parent, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0755);
}

static void test_status(void)
{
	char buf[4096], code[16];

	calls = 0;
	CU_ASSERT_FATAL(roundtrip("{\"api\":1,\"cmd\":\"status\",\"args\":{\"instance\":\"web\"}}\n",
				  buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 1);
	CU_ASSERT_EQUAL(calls, 1);
	CU_ASSERT_STRING_EQUAL(last_cmd, "status");
	CU_ASSERT_STRING_EQUAL(last_args, "{\"instance\":\"web\"}");
	CU_ASSERT_EQUAL(last_peer_pid, getpid());
	/* One line, and the double as written, not 341.39999999999998. */
	CU_ASSERT_PTR_EQUAL(strchr(buf, '\n'), buf + strlen(buf) - 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"mdi_ms\":341.4"));
	CU_ASSERT_PTR_NULL(strstr(buf, "341.39"));
	CU_ASSERT_PTR_NULL(ctl_peer(srv));
}

static void test_handler_error(void)
{
	char buf[4096], code[16];

	fail_next = 1;
	CU_ASSERT_FATAL(roundtrip("{\"api\":1,\"cmd\":\"status\"}\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 0);
	CU_ASSERT_STRING_EQUAL(code, "ENOENT");
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "no instance named"));
}

static void test_bad_requests(void)
{
	char buf[4096], code[16];

	calls = 0;
	CU_ASSERT_FATAL(roundtrip("{\"api\":7,\"cmd\":\"status\"}\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 0);
	CU_ASSERT_STRING_EQUAL(code, "EPROTO");
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "supported: 1"));
	CU_ASSERT_FATAL(roundtrip("{\"api\":1,\"cmd\":\"reboot\"}\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 0);
	CU_ASSERT_STRING_EQUAL(code, "EINVAL");
	CU_ASSERT_FATAL(roundtrip("garbage\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 0);
	CU_ASSERT_STRING_EQUAL(code, "EPROTO");
	CU_ASSERT_EQUAL(calls, 0);
}

/* A client that shuts down its side instead of sending "\n". */
static void test_eof_ends_request(void)
{
	const char *req = "{\"api\":1,\"cmd\":\"log\",\"args\":{\"n\":3}}";
	char buf[4096], code[16];
	int fd = client();

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	shutdown(fd, SHUT_WR);
	CU_ASSERT(await(fd, buf, sizeof(buf), 2000) > 0);
	close(fd);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 1);
	CU_ASSERT_STRING_EQUAL(last_cmd, "log");
}

/* Root may run mutating commands. */
static void test_mutating_as_root(void)
{
	char buf[4096], code[16];

	if (geteuid() != 0) {
		printf("\n  (not root: skipped)\n");
		return;
	}
	calls = 0;
	CU_ASSERT_FATAL(roundtrip("{\"api\":1,\"cmd\":\"standby\",\"args\":{\"instance\":\"web\"}}\n",
				  buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 1);
	CU_ASSERT_EQUAL(calls, 1);
}

/* In a child: become nobody (keeping CAP_NET_ADMIN in the effective set
 * if with_cap), send req, print the answer to the pipe. */
static void child_request(int out, const char *req, int with_cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	char buf[4096];
	ssize_t n, len = 0;
	int fd;

	if (with_cap)
		prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		_exit(10);
	memset(d, 0, sizeof(d));
	if (with_cap) {
		d[0].effective = d[0].permitted = 1u << 12;
		if (syscall(SYS_capset, &h, d) < 0)
			_exit(11);
	}
	fd = client();
	if (fd < 0)
		_exit(12);
	if (write(fd, req, strlen(req)) < 0)
		_exit(13);
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	if (write(out, buf, (size_t)len) < 0)
		_exit(14);
	_exit(0);
}

/* Fork a client as nobody and serve it; its answer in buf. */
static int as_nobody(const char *req, int with_cap, char *buf, size_t size)
{
	int p[2], st = -1, i;
	ssize_t n;
	size_t len = 0;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child_request(p[1], req, with_cap);
	}
	close(p[1]);
	for (i = 0; i < 300; i++) {
		sd_event_run(ev, 10000);
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
	}
	if (i == 300) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	while ((n = read(p[0], buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(p[0]);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_unprivileged(void)
{
	char buf[4096], code[16];

	if (geteuid() != 0) {
		printf("\n  (not root: skipped)\n");
		return;
	}
	/* Reading is allowed to the socket's group. */
	calls = 0;
	CU_ASSERT_EQUAL_FATAL(as_nobody("{\"api\":1,\"cmd\":\"status\"}\n", 0, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 1);
	CU_ASSERT_EQUAL(calls, 1);
	/* Changing anything is not, and the handler never runs. */
	CU_ASSERT_EQUAL_FATAL(as_nobody("{\"api\":1,\"cmd\":\"switchover\",\"args\":"
					"{\"instance\":\"web\"}}\n", 0, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 0);
	CU_ASSERT_STRING_EQUAL(code, "EPERM");
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "switchover needs root or CAP_NET_ADMIN (peer uid 65534)"));
	CU_ASSERT_EQUAL(calls, 1);
	/* CAP_NET_ADMIN is enough. */
	CU_ASSERT_EQUAL_FATAL(as_nobody("{\"api\":1,\"cmd\":\"reload\"}\n", 1, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 1);
	CU_ASSERT_EQUAL(calls, 2);
	CU_ASSERT_STRING_EQUAL(last_cmd, "reload");
}

static void test_timeout(void)
{
	char buf[4096], code[16];
	int fd = client();
	ssize_t n;

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "{\"api\":1,", 9), 9);
	/* Nothing more: the server gives up after 1 s, with a reason. */
	n = await(fd, buf, sizeof(buf), 3000);
	close(fd);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 0);
	CU_ASSERT_STRING_EQUAL(code, "EPROTO");
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "within 1 s"));
}

static void test_oversize(void)
{
	size_t n = CTLMSG_MAX_REQUEST + 1000;
	char *big = malloc(n), buf[4096], code[16];
	int fd = client();

	CU_ASSERT_FATAL(fd >= 0);
	memset(big, ' ', n);
	CU_ASSERT_EQUAL(write(fd, big, n), (ssize_t)n);
	CU_ASSERT(await(fd, buf, sizeof(buf), 2000) > 0);
	close(fd);
	free(big);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 0);
	CU_ASSERT_STRING_EQUAL(code, "EPROTO");
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "longer than 65536"));
}

/* CTL_MAX_CONNS idle clients: the next one waits in the backlog and is
 * answered once a slot frees. */
static void test_connection_limit(void)
{
	const char *req = "{\"api\":1,\"cmd\":\"status\"}\n";
	int idle[CTL_MAX_CONNS], fd, i;
	char buf[4096], code[16];

	for (i = 0; i < CTL_MAX_CONNS; i++) {
		idle[i] = client();
		CU_ASSERT_FATAL(idle[i] >= 0);
	}
	for (i = 0; i < 5; i++)
		sd_event_run(ev, 10000);
	fd = client();
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	CU_ASSERT_EQUAL(await(fd, buf, sizeof(buf), 300), -1);
	for (i = 0; i < CTL_MAX_CONNS; i++)
		close(idle[i]);
	CU_ASSERT(await(fd, buf, sizeof(buf), 2000) > 0);
	close(fd);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 1);
}

/* A second daemon on the same path is refused; the first keeps working. */
static void test_live_socket_refused(void)
{
	char err[256] = "", buf[4096], code[16];
	struct ctl *c2 = ctl_open(ev, sock, getegid(), handler, NULL, err, sizeof(err));

	CU_ASSERT_PTR_NULL(c2);
	ctl_close(c2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "another process is listening on it"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, sock));
	CU_ASSERT_FATAL(roundtrip("{\"api\":1,\"cmd\":\"status\"}\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 1);
}

static void test_close_unlinks(void)
{
	struct stat st;

	ctl_close(srv);
	srv = NULL;
	CU_ASSERT_EQUAL(lstat(sock, &st), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
}

/* A socket file nobody listens on (a crashed daemon's) is replaced. */
static void test_stale_socket_replaced(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096], code[16];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	srv = open_srv(getegid());
	CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
	CU_ASSERT_FATAL(roundtrip("{\"api\":1,\"cmd\":\"status\"}\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 1);
}

/* ctl_close leaves a socket file that is no longer its own alone. */
static void test_close_keeps_foreign_file(void)
{
	struct stat st;
	int fd;

	CU_ASSERT_EQUAL(unlink(sock), 0);
	fd = open(sock, O_CREAT | O_WRONLY, 0600);
	CU_ASSERT(fd >= 0);
	close(fd);
	ctl_close(srv);
	srv = NULL;
	CU_ASSERT_EQUAL(lstat(sock, &st), 0);
	CU_ASSERT_TRUE(S_ISREG(st.st_mode));
}

static void test_not_a_socket_refused(void)
{
	char err[256] = "";
	struct ctl *c = ctl_open(ev, sock, getegid(), handler, NULL, err, sizeof(err));

	CU_ASSERT_PTR_NULL(c);
	ctl_close(c);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "exists and is not a socket"));
	unlink(sock);
}

static void test_bad_paths(void)
{
	char err[256] = "", longp[200];

	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	CU_ASSERT_PTR_NULL(ctl_open(ev, longp, 0, handler, NULL, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "longer than 107 bytes"));
	CU_ASSERT_PTR_NULL(ctl_open(ev, "", 0, handler, NULL, err, sizeof(err)));
}

/* The handler closes its own ctl: the answer still goes out, the socket
 * file is gone, nothing leaks (ASan builds check that). */
static void test_close_from_handler(void)
{
	char buf[4096], code[16];
	struct stat st;
	int idle;

	srv = open_srv(getegid());
	CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
	idle = client();        /* another connection, dropped by the close */
	close_in_handler = 1;
	CU_ASSERT_FATAL(roundtrip("{\"api\":1,\"cmd\":\"reload\"}\n", buf, sizeof(buf)) > 0);
	close_in_handler = 0;
	CU_ASSERT_EQUAL(answer_ok(buf, code, sizeof(code)), 1);
	CU_ASSERT_PTR_NULL(srv);
	CU_ASSERT_EQUAL(lstat(sock, &st), -1);
	close(idle);
}

static CU_TestInfo tests[] = {
	{ "open: modes, group, directories", test_open_modes },
	{ "status round trip", test_status },
	{ "handler error", test_handler_error },
	{ "bad requests", test_bad_requests },
	{ "EOF ends a request", test_eof_ends_request },
	{ "mutating as root", test_mutating_as_root },
	{ "unprivileged peers", test_unprivileged },
	{ "read timeout", test_timeout },
	{ "oversize request", test_oversize },
	{ "connection limit", test_connection_limit },
	{ "live socket refused", test_live_socket_refused },
	{ "close unlinks", test_close_unlinks },
	{ "stale socket replaced", test_stale_socket_replaced },
	{ "close keeps a foreign file", test_close_keeps_foreign_file },
	{ "not a socket refused", test_not_a_socket_refused },
	{ "bad paths", test_bad_paths },
	{ "close from the handler", test_close_from_handler },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "ctl", suite_init, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites);
