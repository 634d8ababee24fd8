/* hactl: shows and steers a running hamgr through its control socket
 * (protocol: ctlmsg.h; manual: hactl(8)). One table of subcommands,
 * wireguard-tools style. Exit codes: 0 ok, 1 the daemon refused or
 * failed, 2 usage error, 3 the daemon cannot be reached. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "ctlcmd.h"
#include "ctlmsg.h"

#include "version.h"

#define DEFAULT_SOCKET "/run/hamgr/hamgr.sock"
#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define EXIT_UNREACHABLE 3
/* How long one request may take, reload included. */
#define CALL_TIMEOUT_MS 10000
#define WIDTH 100
/* switchover: how long to wait for another master, and how often to look. */
#define SWITCH_WAIT_MIN_MS 1000
#define SWITCH_WAIT_MAX_MS 10000
#define SWITCH_POLL_MS 50

struct hactl {
	const char *sock;
};

struct command {
	const char *name;
	int (*run)(const struct hactl *h, int argc, char **argv);
	const char *synopsis;
	const char *summary;
};

static const struct command *commands(void);

/* ------------------------------------------------------------ output */

static void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void errmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("hactl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	const struct command *c;

	fprintf(f, "usage: hactl [-s SOCKET] COMMAND [ARGS]\n"
		   "       hactl --version | --help\n\n"
		   "  -s SOCKET  hamgr's control socket (default: $HAMGR_SOCKET, else "
		   DEFAULT_SOCKET ")\n\ncommands:\n");
	for (c = commands(); c->name; c++)
		fprintf(f, "  %-44s %s\n", c->synopsis, c->summary);
	fprintf(f, "\nexit status: 0 ok, 1 hamgr refused or failed, 2 usage error, "
		   "3 hamgr not reachable\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("hactl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(hactl help lists the commands)\n", stderr);
	return EXIT_USAGE;
}

/* Print text word-wrapped at WIDTH columns: the first line after first
 * (already printed, taking col columns), continuation lines indented by
 * indent spaces. A word longer than a line is printed whole. */
static void wrap(int col, int indent, const char *text)
{
	const char *p = text, *w;
	bool first = true;      /* no word on this line yet */
	int len;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		for (w = p; *w && *w != ' '; w++)
			;
		len = (int)(w - p);
		if (!first && col + 1 + len > WIDTH) {
			printf("\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			putchar(' ');
			col++;
		}
		first = false;
		printf("%.*s", len, p);
		col += len;
		p = w;
	}
	putchar('\n');
}

/* A detail line under an instance: "  LABEL   text...", wrapped. */
static void detail(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void detail(const char *label, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("  %-8s", label);
	wrap(10, 10, buf);
}

/* Durations for humans: 0.41ms, 2.5ms, 35ms, 1.5s, 42s, 3m05s, 2h03m, 4d02h. */
static const char *fmt_ms(double ms, char *buf, size_t len)
{
	long long s = (long long)(ms / 1000.0);

	if (ms < 0 || isnan(ms))
		snprintf(buf, len, "-");
	else if (ms < 1 && ms != floor(ms))
		snprintf(buf, len, "%.2fms", ms);
	else if (ms < 10 && ms != floor(ms))
		snprintf(buf, len, "%.1fms", ms);
	else if (ms < 1000)
		snprintf(buf, len, "%.0fms", ms);
	else if (ms < 10000 && fmod(ms, 1000) != 0)
		snprintf(buf, len, "%.1fs", ms / 1000.0);
	else if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
	return buf;
}

/* ------------------------------------------------------------ JSON access */

/* Member k of o, NULL when missing or JSON null. */
static struct json_object *jget(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

static const char *jstr(struct json_object *o, const char *k, const char *def)
{
	struct json_object *v = jget(o, k);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : def;
}

static bool jnum_ok(struct json_object *v)
{
	return v && (json_object_is_type(v, json_type_int) ||
		     json_object_is_type(v, json_type_double));
}

static long long jint(struct json_object *o, const char *k, long long def)
{
	struct json_object *v = jget(o, k);

	return jnum_ok(v) ? (long long)json_object_get_int64(v) : def;
}

static double jdbl(struct json_object *o, const char *k, double def)
{
	struct json_object *v = jget(o, k);

	return jnum_ok(v) ? json_object_get_double(v) : def;
}

/* 1 true, 0 false, -1 missing/null/not a boolean. */
static int jbool(struct json_object *o, const char *k)
{
	struct json_object *v = jget(o, k);

	return v && json_object_is_type(v, json_type_boolean) ? json_object_get_boolean(v) : -1;
}

static size_t jlen(struct json_object *arr)
{
	return arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

static struct json_object *jidx(struct json_object *arr, size_t i)
{
	return json_object_array_get_idx(arr, i);
}

static void print_pretty(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* ------------------------------------------------------------ transport */

static long long now_ms(void)
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

	*rc = EXIT_UNREACHABLE;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errmsg("socket path longer than %zu bytes: %s", sizeof(sa.sun_path) - 1, path);
		*rc = EXIT_USAGE;
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		errmsg("socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	e = errno;
	close(fd);
	if (e == ENOENT)
		errmsg("hamgr is not running (no socket at %s)", path);
	else if (e == ECONNREFUSED)
		errmsg("hamgr is not running (nothing listens on %s)", path);
	else
		errmsg("cannot connect to %s: %s", path, strerror(e));
	return -1;
}

/* Wait until fd is ready for events or the deadline passes. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left;
	int r;

	for (;;) {
		left = deadline - now_ms();
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

/* One request, one answer. Returns 0 with ans filled (ok or not), or an
 * exit code after printing why. Takes ownership of args. */
static int call(const struct hactl *h, const char *cmd, struct json_object *args,
		struct ctlmsg_answer *ans)
{
	struct json_object *msg = ctlmsg_request_new(cmd, args);
	long long deadline = now_ms() + CALL_TIMEOUT_MS;
	char err[CTLMSG_ERR_MAX], *line, *in = NULL;
	size_t len;
	ssize_t n;
	int fd, rc;

	line = msg ? ctlmsg_line(msg, &len) : NULL;
	json_object_put(msg);
	if (!line) {
		errmsg("out of memory");
		return EXIT_REFUSED;
	}
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
		errmsg("no answer from hamgr at %s: %s", h->sock,
		       errno == ETIMEDOUT ? "timed out" : strerror(errno));
		return EXIT_UNREACHABLE;
	}
	if (n == 0) {
		free(in);
		errmsg("hamgr at %s closed the connection without answering", h->sock);
		return EXIT_UNREACHABLE;
	}
	rc = ctlmsg_answer_parse(in, (size_t)n, ans, err, sizeof(err));
	free(in);
	if (rc < 0) {
		errmsg("unreadable answer from hamgr at %s: %s", h->sock, err);
		return EXIT_REFUSED;
	}
	return 0;
}

/* call() for commands where a refusal is just printed: returns 0 with an
 * ok answer, or the exit code. */
static int call_ok(const struct hactl *h, const char *cmd, struct json_object *args,
		   struct ctlmsg_answer *ans)
{
	int rc = call(h, cmd, args, ans);

	if (rc)
		return rc;
	if (!ans->ok) {
		errmsg("%s", ans->error);
		ctlmsg_answer_free(ans);
		return EXIT_REFUSED;
	}
	return 0;
}

static struct json_object *args_instance(const char *name)
{
	struct json_object *a = json_object_new_object();

	if (a && name)
		json_object_object_add(a, "instance", json_object_new_string(name));
	return a;
}

/* ------------------------------------------------------------ options */

/* getopt_long over a subcommand's argv (argv[0] = the command). Prints
 * its own messages. Returns the option, -1 at the end, '?' on error. */
static int subopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == '?') {
		if (optopt)
			usage_error("%s: unknown option or missing value: -%c", argv[0], optopt);
		else
			usage_error("%s: unknown option or missing value: %s", argv[0],
				    argv[optind - 1]);
	} else if (c == ':') {
		usage_error("%s: option needs a value: %s", argv[0], argv[optind - 1]);
		c = '?';
	}
	return c;
}

static const char *synopsis(const char *name)
{
	const struct command *c;

	for (c = commands(); c->name; c++)
		if (!strcmp(c->name, name))
			return c->synopsis;
	return name;
}

/* The positional arguments left after options: between min and max. */
static int positional(int argc, char **argv, int min, int max)
{
	int n = argc - optind;

	if (n < min)
		return usage_error("%s: missing argument (usage: hactl %s)", argv[0],
				   synopsis(argv[0]));
	if (n > max)
		return usage_error("%s: unexpected argument '%s'", argv[0], argv[optind + max]);
	return 0;
}

/* For subcommands that take only --help and no operands: -1 to go on,
 * else the exit status to return at once. */
static int no_options(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int c, rc;

	while ((c = subopt(argc, argv, "h", lo)) != -1)
		if (c == 'h')
			return usage(stdout), 0;
		else
			return EXIT_USAGE;
	if ((rc = positional(argc, argv, 0, 0)))
		return rc;
	return -1;
}


/* ------------------------------------------------------------ status */

static const char *vip_word(int present, const char *state)
{
	if (present < 0)
		return "unknown";
	if (present)
		return strcmp(state, "MASTER") ? "present (unexpected: not master)" : "present";
	return strcmp(state, "MASTER") ? "absent" : "MISSING";
}

/* hamgr nodes that announce themselves: name, address, state, priority. */
static void status_nodes(struct json_object *nodes)
{
	char a[32];
	size_t i;

	for (i = 0; i < jlen(nodes); i++) {
		struct json_object *n = jidx(nodes, i);

		detail("node", "%s %s %s priority %lld/%lld%s%s, seen %s ago", jstr(n, "node", "?"),
		       jstr(n, "address", "?"), jstr(n, "state", "?"), jint(n, "priority", -1),
		       jint(n, "effective_priority", -1), jbool(n, "standby") == 1 ? ", standby" : "",
		       jbool(n, "link_up") == 0 ? ", link down" : "",
		       fmt_ms(jdbl(n, "last_seen_ms", -1), a, sizeof(a)));
	}
}

static void status_details(struct json_object *in)
{
	const char *state = jstr(in, "state", "?");
	struct json_object *vips = jget(in, "vips"), *peers = jget(in, "peers");
	struct json_object *m = jget(in, "master");
	char a[32], b[32], c[32];
	size_t i;

	if (jbool(in, "standby") == 1)
		detail("standby", "on: will not take the master role (hactl active %s ends it)",
		       jstr(in, "name", "?"));
	if (jbool(in, "link_up") == 0)
		detail("link", "%s is down", jstr(in, "interface", "?"));
	if (m && jbool(m, "self") != 1)
		detail("master", "%s%s%s%s priority %lld", jstr(m, "address", "?"),
		       jstr(m, "node", NULL) ? " (" : "", jstr(m, "node", ""),
		       jstr(m, "node", NULL) ? ")" : "", jint(m, "priority", -1));
	for (i = 0; i < jlen(vips); i++) {
		struct json_object *v = jidx(vips, i);

		detail("vip", "%s %s", jstr(v, "address", "?"), vip_word(jbool(v, "present"), state));
	}
	for (i = 0; i < jlen(peers); i++) {
		struct json_object *p = jidx(peers, i);

		detail("peer", "%s priority %lld, seen %s ago, interval %s, jitter %s",
		       jstr(p, "address", "?"), jint(p, "priority", -1),
		       fmt_ms(jdbl(p, "last_seen_ms", -1), a, sizeof(a)),
		       fmt_ms(jdbl(p, "interval_ms", -1), b, sizeof(b)),
		       fmt_ms(jdbl(p, "jitter_ms", -1), c, sizeof(c)));
	}
	if (!jlen(peers))
		detail("peer", "none heard in the last 60 s");
	status_nodes(jget(in, "nodes"));
	if (jstr(in, "reason", NULL) && jstr(in, "reason", "")[0])
		detail("reason", "%s", jstr(in, "reason", ""));
}

/* The MASTER column: "self", the master's address, or "-". */
static const char *master_cell(struct json_object *in)
{
	struct json_object *m = jget(in, "master");

	if (!m)
		return "-";
	if (jbool(m, "self") == 1)
		return "self";
	return jstr(m, "address", "?");
}

struct widths {
	int name, iface;
};

static void status_row(struct json_object *in, const struct widths *w)
{
	char prio[16], ivl[32], since[32];
	int used;

	snprintf(prio, sizeof(prio), "%lld/%lld", jint(in, "priority", -1),
		 jint(in, "effective_priority", -1));
	fmt_ms(jdbl(in, "advert_interval_ms", -1), ivl, sizeof(ivl));
	fmt_ms(jdbl(in, "time_in_state_ms", -1), since, sizeof(since));
	printf("%-*s %-6s %7s %4lld %-*s %-5s %8s %8s %5lld %n", w->name, jstr(in, "name", "?"),
	       jstr(in, "state", "?"), prio, jint(in, "vrid", -1), w->iface,
	       jstr(in, "interface", "?"), jstr(in, "protocol", "?"), ivl, since,
	       jint(in, "transitions", -1), &used);
	/* The master's address is the last column: cut it rather than go
	 * past WIDTH; the "master" detail line below has it whole. */
	printf("%.*s\n", WIDTH - used > 1 ? WIDTH - used : 1, master_cell(in));
}

static void status_human(struct json_object *res, const char *only)
{
	struct json_object *insts = jget(res, "instances");
	struct widths w = { 8, 5 };
	char up[32], hdr[1024];
	size_t i, n = 0;
	int l;

	snprintf(hdr, sizeof(hdr), "node %s: hamgr %s, pid %lld, up %s, config %s",
		 jstr(res, "node", "?"), jstr(res, "version", "?"), jint(res, "pid", -1),
		 fmt_ms(jdbl(res, "uptime_ms", -1), up, sizeof(up)), jstr(res, "config", "?"));
	wrap(0, 4, hdr);
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i);

		l = (int)strlen(jstr(in, "name", "?"));
		w.name = l > w.name ? (l > 24 ? 24 : l) : w.name;
		l = (int)strlen(jstr(in, "interface", "?"));
		w.iface = l > w.iface ? (l > 15 ? 15 : l) : w.iface;
	}
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i);

		if (only && strcmp(jstr(in, "name", ""), only))
			continue;
		if (n++ == 0)
			printf("%-*s %-6s %7s %4s %-*s %-5s %8s %8s %5s %s\n", w.name, "INSTANCE",
			       "STATE", "PRIO", "VRID", w.iface, "IFACE", "PROTO", "INTERVAL",
			       "IN STATE", "TRANS", "MASTER");
		status_row(in, &w);
		status_details(in);
	}
	if (!n)
		printf("no instances%s%s\n", only ? " named " : " configured", only ? only : "");
}

static int cmd_status(const struct hactl *h, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' }, { "help", no_argument, NULL, 'h' }, { 0 }
	};
	struct ctlmsg_answer ans;
	const char *only;
	bool json = false;
	int c, rc;

	while ((c = subopt(argc, argv, "jh", lo)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'h')
			return usage(stdout), 0;
		else
			return EXIT_USAGE;
	}
	if ((rc = positional(argc, argv, 0, 1)))
		return rc;
	only = optind < argc ? argv[optind] : NULL;
	if ((rc = call_ok(h, "status", args_instance(only), &ans)))
		return rc;
	if (json)
		print_pretty(ans.result);
	else
		status_human(ans.result, only);
	ctlmsg_answer_free(&ans);
	return 0;
}

/* ------------------------------------------------------------ metrics */

/* One metric family: HELP and TYPE, then its samples. */
static void family(const char *name, const char *type, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value in the exposition format: \ " and newline escaped. */
static void label_value(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			printf("\\%c", *s);
		else if (*s == '\n')
			printf("\\n");
		else
			putchar(*s);
	}
	putchar('"');
}

/* name{instance="...",k2="v2"} value; k2 NULL for none. */
static void sample(const char *name, struct json_object *in, const char *k2, const char *v2,
		   double value)
{
	printf("%s{instance=", name);
	label_value(jstr(in, "name", "?"));
	if (k2) {
		printf(",%s=", k2);
		label_value(v2);
	}
	if (value == floor(value) && fabs(value) < 1e15)
		printf("} %.0f\n", value);
	else
		printf("} %.6g\n", value);
}

/* A per-instance number from the status (obj NULL: the instance) or a
 * member of its "counters". Missing values are left out (no sample). */
static void per_instance(struct json_object *insts, const char *name, const char *type,
			 const char *help, bool counter_member, const char *key, double scale)
{
	size_t i;

	family(name, type, help);
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i);
		struct json_object *src = counter_member ? jget(in, "counters") : in;

		if (jnum_ok(jget(src, key)))
			sample(name, in, NULL, NULL, jdbl(src, key, 0) * scale);
		else if (jbool(src, key) >= 0)
			sample(name, in, NULL, NULL, jbool(src, key));
	}
}

static void metrics_states(struct json_object *insts)
{
	static const char *const states[] = { "INIT", "BACKUP", "MASTER", "FAULT" };
	size_t i, s;

	family("hamgr_instance_state", "gauge",
	       "1 for the state the instance is in, 0 for the others.");
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i);

		for (s = 0; s < 4; s++)
			sample("hamgr_instance_state", in, "state", states[s],
			       !strcmp(jstr(in, "state", ""), states[s]));
	}
}

static void metrics_drops(struct json_object *insts)
{
	size_t i;

	family("hamgr_advert_drops_total", "counter",
	       "Adverts received and dropped, by reason.");
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i);
		struct json_object *d = jget(jget(in, "counters"), "drops");

		if (!d || !json_object_is_type(d, json_type_object))
			continue;
		json_object_object_foreach(d, reason, v) {
			if (jnum_ok(v))
				sample("hamgr_advert_drops_total", in, "reason", reason,
				       json_object_get_double(v));
		}
	}
}

static void metrics_vips(struct json_object *insts)
{
	size_t i, j;

	family("hamgr_vip_present", "gauge",
	       "1 when the virtual address is on the interface, 0 when not.");
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i), *vips = jget(in, "vips");

		for (j = 0; j < jlen(vips); j++) {
			struct json_object *v = jidx(vips, j);

			if (jbool(v, "present") >= 0)
				sample("hamgr_vip_present", in, "address", jstr(v, "address", "?"),
				       jbool(v, "present"));
		}
	}
}

/* Peers heard in the last 60 s: priority, age and jitter of their adverts. */
static void metrics_peers(struct json_object *insts, const char *name, const char *help,
			  const char *key, double scale)
{
	size_t i, j;

	family(name, "gauge", help);
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i), *peers = jget(in, "peers");

		for (j = 0; j < jlen(peers); j++) {
			struct json_object *p = jidx(peers, j);

			if (jnum_ok(jget(p, key)))
				sample(name, in, "peer", jstr(p, "address", "?"),
				       jdbl(p, key, 0) * scale);
		}
	}
}

/* Announcements that failed to decode, daemon-wide (no instance label:
 * an undecodable datagram names no instance). */
static void metrics_announcement_drops(struct json_object *res)
{
	struct json_object *d = jget(res, "announcement_drops");

	family("hamgr_announcement_drops_total", "counter",
	       "Peer announcements received and dropped, by reason.");
	if (!d || !json_object_is_type(d, json_type_object))
		return;
	json_object_object_foreach(d, reason, v) {
		if (!jnum_ok(v))
			continue;
		printf("hamgr_announcement_drops_total{reason=");
		label_value(reason);
		printf("} %.0f\n", json_object_get_double(v));
	}
}

/* One sample per hamgr node heard announcing itself for the instance:
 * its name and announced state as labels, so that a query can count
 * eligible backups before a switchover. */
static void metrics_nodes(struct json_object *insts)
{
	size_t i, j;

	family("hamgr_node_up", "gauge",
	       "1 for each hamgr node that announces itself for the instance, by state.");
	for (i = 0; i < jlen(insts); i++) {
		struct json_object *in = jidx(insts, i), *nodes = jget(in, "nodes");

		for (j = 0; j < jlen(nodes); j++) {
			struct json_object *n = jidx(nodes, j);

			printf("hamgr_node_up{instance=");
			label_value(jstr(in, "name", "?"));
			printf(",node=");
			label_value(jstr(n, "node", "?"));
			printf(",state=");
			label_value(jstr(n, "state", "?"));
			printf("} 1\n");
		}
	}
}

static void metrics_print(struct json_object *res)
{
	struct json_object *insts = jget(res, "instances");

	family("hamgr_info", "gauge", "Always 1; the labels name the node and hamgr's version.");
	printf("hamgr_info{node=");
	label_value(jstr(res, "node", "?"));
	printf(",version=");
	label_value(jstr(res, "version", "?"));
	printf("} 1\n");
	family("hamgr_uptime_seconds", "gauge", "Seconds since hamgr started.");
	printf("hamgr_uptime_seconds %.3f\n", jdbl(res, "uptime_ms", 0) / 1000.0);
	metrics_states(insts);
	per_instance(insts, "hamgr_standby", "gauge", "1 while the instance is in standby "
		     "(maintenance: it will not take the master role).", false, "standby", 1);
	per_instance(insts, "hamgr_link_up", "gauge", "1 while the instance's interface is up.",
		     false, "link_up", 1);
	per_instance(insts, "hamgr_priority", "gauge", "Configured priority.", false,
		     "priority", 1);
	per_instance(insts, "hamgr_effective_priority", "gauge",
		     "Priority advertised now (after tracks).", false, "effective_priority", 1);
	per_instance(insts, "hamgr_time_in_state_seconds", "gauge",
		     "Seconds since the last state change.", false, "time_in_state_ms", 0.001);
	per_instance(insts, "hamgr_transitions_total", "counter", "State changes since start.",
		     false, "transitions", 1);
	per_instance(insts, "hamgr_adverts_sent_total", "counter", "Adverts sent.", true,
		     "adverts_sent", 1);
	per_instance(insts, "hamgr_adverts_received_total", "counter",
		     "Valid adverts received for this instance.", true, "adverts_received", 1);
	per_instance(insts, "hamgr_adverts_other_vrid_total", "counter",
		     "Adverts received for another VRID on the same interface.", true,
		     "other_vrid", 1);
	per_instance(insts, "hamgr_advert_send_errors_total", "counter",
		     "Adverts that could not be sent.", true, "send_errors", 1);
	metrics_drops(insts);
	metrics_vips(insts);
	metrics_peers(insts, "hamgr_peer_priority", "Priority a peer advertises.", "priority", 1);
	metrics_peers(insts, "hamgr_peer_last_seen_seconds", "Seconds since the peer's last advert.",
		      "last_seen_ms", 0.001);
	metrics_peers(insts, "hamgr_peer_jitter_seconds",
		      "Measured jitter of the peer's advert interval.", "jitter_ms", 0.001);
	per_instance(insts, "hamgr_announcements_sent_total", "counter",
		     "Peer announcements sent (one per destination).", true,
		     "announcements_sent", 1);
	per_instance(insts, "hamgr_announcements_received_total", "counter",
		     "Valid peer announcements received from other hamgr nodes.", true,
		     "announcements_received", 1);
	per_instance(insts, "hamgr_announcement_ttl_drops_total", "counter",
		     "Peer announcements dropped: TTL or hop limit not 255.", true,
		     "announcement_ttl_drops", 1);
	metrics_announcement_drops(res);
	metrics_nodes(insts);
}

static int cmd_metrics(const struct hactl *h, int argc, char **argv)
{
	struct ctlmsg_answer ans;
	int rc;

	if ((rc = no_options(argc, argv)) >= 0)
		return rc;
	if ((rc = call_ok(h, "metrics", NULL, &ans)))
		return rc;
	metrics_print(ans.result);
	ctlmsg_answer_free(&ans);
	return 0;
}

/* ------------------------------------------------------------ log */

static void log_human(struct json_object *res)
{
	struct json_object *ev = jget(res, "events");
	char head[512];
	size_t i;
	int col;

	for (i = 0; i < jlen(ev); i++) {
		struct json_object *e = jidx(ev, i);
		const char *from = jstr(e, "from", NULL), *to = jstr(e, "to", NULL);

		if (from && to)
			col = snprintf(head, sizeof(head), "%s %s %s -> %s: ", jstr(e, "time", "?"),
				       jstr(e, "instance", "-"), from, to);
		else
			col = snprintf(head, sizeof(head), "%s %s %s: ", jstr(e, "time", "?"),
				       jstr(e, "instance", "-"), jstr(e, "type", "event"));
		fputs(head, stdout);
		wrap(col < (int)sizeof(head) ? col : (int)sizeof(head) - 1, 4,
		     jstr(e, "message", ""));
	}
}

static int cmd_log(const struct hactl *h, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' }, { "lines", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' }, { 0 }
	};
	struct json_object *args = json_object_new_object();
	struct ctlmsg_answer ans;
	bool json = false;
	char *end;
	long n;
	int c, rc;

	while ((c = subopt(argc, argv, "jn:h", lo)) != -1) {
		if (c == 'j') {
			json = true;
		} else if (c == 'n') {
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 1 || n > CTLCMD_LOG_MAX) {
				json_object_put(args);
				return usage_error("log: -n takes a number from 1 to %d, not '%s'",
						   CTLCMD_LOG_MAX, optarg);
			}
			json_object_object_add(args, "n", json_object_new_int((int)n));
		} else {
			json_object_put(args);
			return c == 'h' ? (usage(stdout), 0) : EXIT_USAGE;
		}
	}
	if ((rc = positional(argc, argv, 0, 0))) {
		json_object_put(args);
		return rc;
	}
	if ((rc = call_ok(h, "log", args, &ans)))
		return rc;
	if (json)
		print_pretty(ans.result);
	else
		log_human(ans.result);
	ctlmsg_answer_free(&ans);
	return 0;
}

/* ------------------------------------------------------------ reload */

static int cmd_reload(const struct hactl *h, int argc, char **argv)
{
	struct ctlmsg_answer ans;
	int rc;

	if ((rc = no_options(argc, argv)) >= 0)
		return rc;
	if ((rc = call(h, "reload", NULL, &ans)))
		return rc;
	if (!ans.ok && !strcmp(ans.code, CTLMSG_EINVAL)) {
		errmsg("reload refused, the running configuration is kept: %s", ans.error);
		ctlmsg_answer_free(&ans);
		return EXIT_REFUSED;
	}
	if (!ans.ok) {
		errmsg("%s", ans.error);
		ctlmsg_answer_free(&ans);
		return EXIT_REFUSED;
	}
	printf("configuration reloaded\n");
	ctlmsg_answer_free(&ans);
	return 0;
}

/* ------------------------------------------------------------ standby */

static int set_standby(const struct hactl *h, int argc, char **argv, const char *cmd)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	struct ctlmsg_answer ans;
	int c, rc;

	while ((c = subopt(argc, argv, "h", lo)) != -1)
		if (c == 'h')
			return usage(stdout), 0;
		else
			return EXIT_USAGE;
	if ((rc = positional(argc, argv, 1, 1)))
		return rc;
	if ((rc = call_ok(h, cmd, args_instance(argv[optind]), &ans)))
		return rc;
	printf("%s: %s, state %s\n", jstr(ans.result, "instance", argv[optind]),
	       jbool(ans.result, "standby") == 1 ? "standby (will not take the master role)"
						 : "active",
	       jstr(ans.result, "state", "?"));
	if (jstr(ans.result, "note", NULL))
		wrap(0, 0, jstr(ans.result, "note", ""));
	ctlmsg_answer_free(&ans);
	return 0;
}

static int cmd_standby(const struct hactl *h, int argc, char **argv)
{
	return set_standby(h, argc, argv, "standby");
}

static int cmd_active(const struct hactl *h, int argc, char **argv)
{
	return set_standby(h, argc, argv, "active");
}

/* ------------------------------------------------------------ switchover */

/* The instance's entry in a status result, or NULL. */
static struct json_object *find_instance(struct json_object *res, const char *name)
{
	struct json_object *insts = jget(res, "instances");
	size_t i;

	for (i = 0; i < jlen(insts); i++)
		if (!strcmp(jstr(jidx(insts, i), "name", ""), name))
			return jidx(insts, i);
	return NULL;
}

/* One status poll. 1: another node is master now (printed), 0: not yet
 * (state copied to last), or an exit code. */
static int switch_poll(const struct hactl *h, const char *name, long long t0,
		       char *last, size_t lastlen)
{
	struct ctlmsg_answer ans;
	struct json_object *in, *m;
	int rc;

	if ((rc = call_ok(h, "status", args_instance(name), &ans)))
		return rc;
	in = find_instance(ans.result, name);
	m = jget(in, "master");
	snprintf(last, lastlen, "%s", jstr(in, "state", "?"));
	if (in && !strcmp(jstr(in, "state", ""), "BACKUP") && m && jbool(m, "self") == 0) {
		printf("%s: %s%s%s%s (priority %lld) is master now, after %.1f s; this node is BACKUP\n",
		       name, jstr(m, "address", "?"), jstr(m, "node", NULL) ? " (" : "",
		       jstr(m, "node", ""), jstr(m, "node", NULL) ? ")" : "", jint(m, "priority", -1),
		       (double)(now_ms() - t0) / 1000.0);
		ctlmsg_answer_free(&ans);
		return 1;
	}
	ctlmsg_answer_free(&ans);
	return 0;
}

/* Poll until another node is master, bounded by 3 x the instance's
 * Master_Down_Interval (within SWITCH_WAIT_MIN_MS..SWITCH_WAIT_MAX_MS). */
static int switch_wait(const struct hactl *h, const char *name, double mdi_ms)
{
	long long t0 = now_ms(), wait = (long long)(3 * mdi_ms);
	char last[16] = "?";
	int r;

	if (wait < SWITCH_WAIT_MIN_MS)
		wait = SWITCH_WAIT_MIN_MS;
	if (wait > SWITCH_WAIT_MAX_MS)
		wait = SWITCH_WAIT_MAX_MS;
	for (;;) {
		r = switch_poll(h, name, t0, last, sizeof(last));
		if (r == 1)
			return 0;
		if (r > 1)
			return r;
		if (now_ms() - t0 >= wait)
			break;
		usleep(SWITCH_POLL_MS * 1000);
	}
	if (!strcmp(last, "MASTER"))
		errmsg("switchover %s: no backup took over within %.1f s; this node is MASTER "
		       "again", name, (double)wait / 1000.0);
	else
		errmsg("switchover %s: no other master seen within %.1f s (this node is %s)",
		       name, (double)wait / 1000.0, last);
	return EXIT_REFUSED;
}

static int cmd_switchover(const struct hactl *h, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "to", required_argument, NULL, 't' }, { "no-wait", no_argument, NULL, 'W' },
		{ "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { 0 }
	};
	struct json_object *args;
	struct ctlmsg_answer ans;
	const char *to = NULL, *name;
	bool nowait = false, force = false;
	double mdi;
	int c, rc;

	while ((c = subopt(argc, argv, "t:fh", lo)) != -1) {
		if (c == 't')
			to = optarg;
		else if (c == 'W')
			nowait = true;
		else if (c == 'f')
			force = true;
		else
			return c == 'h' ? (usage(stdout), 0) : EXIT_USAGE;
	}
	if ((rc = positional(argc, argv, 1, 1)))
		return rc;
	name = argv[optind];
	args = args_instance(name);
	if (to)
		json_object_object_add(args, "to", json_object_new_string(to));
	if (force)
		json_object_object_add(args, "force", json_object_new_boolean(1));
	if ((rc = call_ok(h, "switchover", args, &ans)))
		return rc;
	mdi = jdbl(ans.result, "master_down_interval_ms", 0);
	if (nowait) {
		printf("%s: released, state %s\n", name, jstr(ans.result, "state", "?"));
		if (jstr(ans.result, "note", NULL))
			wrap(0, 0, jstr(ans.result, "note", ""));
	}
	ctlmsg_answer_free(&ans);
	return nowait ? 0 : switch_wait(h, name, mdi);
}

/* ------------------------------------------------------------ help */

static int cmd_help(const struct hactl *h, int argc, char **argv)
{
	usage(stdout);
	return 0;
}

static int cmd_version(const struct hactl *h, int argc, char **argv)
{
	printf("hactl %s (control api %d)\n", HAMGR_VERSION, CTLMSG_API);
	return 0;
}

static const struct command command_table[] = {
	{ "status", cmd_status, "status [--json] [INSTANCE]",
	  "state, priorities, VIPs, peers, reasons" },
	{ "switchover", cmd_switchover, "switchover INSTANCE [--to NODE] [--force] [--no-wait]",
	  "hand the master role to a backup" },
	{ "standby", cmd_standby, "standby INSTANCE", "give up and keep off the master role" },
	{ "active", cmd_active, "active INSTANCE", "end standby" },
	{ "log", cmd_log, "log [-n N] [--json]", "recent transitions and events" },
	{ "metrics", cmd_metrics, "metrics", "Prometheus text exposition" },
	{ "reload", cmd_reload, "reload", "re-read the configuration (like SIGHUP)" },
	{ "help", cmd_help, "help", "this text" },
	{ "version", cmd_version, "version", "hactl's version" },
	{ NULL, NULL, NULL, NULL },
};

static const struct command *commands(void)
{
	return command_table;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { 0 }
	};
	struct hactl h = { .sock = getenv("HAMGR_SOCKET") };
	const struct command *c;
	int opt;

	if (!h.sock || !h.sock[0])
		h.sock = DEFAULT_SOCKET;
	opterr = 0;
	/* "+": stop at the command; its options are its own. */
	while ((opt = getopt_long(argc, argv, "+s:hV", lo, NULL)) != -1) {
		switch (opt) {
		case 's': h.sock = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': return cmd_version(&h, 0, NULL);
		default:
			return usage_error("unknown option or missing value: %s", argv[optind - 1]);
		}
	}
	if (!h.sock[0])
		return usage_error("-s: empty socket path");
	if (optind == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (c = commands(); c->name; c++) {
		if (strcmp(c->name, argv[optind]) == 0) {
			argc -= optind;
			argv += optind;
			optind = 0;     /* GNU getopt: start over on the new argv */
			return c->run(&h, argc, argv);
		}
	}
	return usage_error("unknown command '%s'", argv[optind]);
}
