/* preflight: what a start would refuse, checked on the system: resource
 * programs and track agents, the control socket's group, directory and
 * path, the state directory; missing interfaces as warnings. */
#include "preflight.h"

#include <errno.h>
#include <grp.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authkey.h"
#include "core/argv.h"
#include "quorum_corosync.h"

#define PREFLIGHT_ARGV_MAX 64
#define WHY_MAX (2 * CONF_PATH_MAX + 128)
/* Above this many solicited-node groups on one interface, hamgr -t warns:
 * 256 cost the kernel about 10 ms to add, 800 about 100 ms. */
#define PREFLIGHT_SOLICITED_WARN 256

/* The problem with the lowest line, "FILE:LINE: ..." in err. */
struct report {
	const struct conf *c;
	char *err;
	size_t errlen;
	int line;
	bool failed;
};

static void fail(struct report *r, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct report *r, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->failed && line >= r->line)
		return;
	r->failed = true;
	r->line = line;
	if (!r->err || !r->errlen)
		return;
	n = line > 0 ? snprintf(r->err, r->errlen, "%s:%d: ", r->c->file, line)
		     : snprintf(r->err, r->errlen, "%s: ", r->c->file);
	if (n < 0 || (size_t)n >= r->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* ---- programs ------------------------------------------------------------ */

void preflight_resource_path(const struct conf_resource *r, char *buf, size_t len)
{
	const char *root = getenv("OCF_ROOT"), *colon = strchr(r->script, ':');

	if (r->type != CONF_RTYPE_OCF || r->script[0] == '/' || !colon) {
		snprintf(buf, len, "%s", r->script);
		return;
	}
	snprintf(buf, len, "%s/resource.d/%.*s/%s", root && *root ? root : "/usr/lib/ocf",
		 (int)(colon - r->script), r->script, colon + 1);
}

/* An executable regular file, or why not. */
static const char *not_runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (access(path, X_OK) < 0)
		return "not executable";
	return NULL;
}

static void check_resource(struct report *rep, const struct conf_resource *r)
{
	char path[CONF_PATH_MAX + 64];
	const char *why;

	preflight_resource_path(r, path, sizeof(path));
	why = not_runnable(path);
	if (why)
		fail(rep, r->line, "resource %s: %s: %s, expected an executable program",
		     r->name, path, why);
}

/* A command line's program: NULL when it can run, else why not; *prog is
 * what to name. */
static const char *command_problem(const char *command, const char **prog)
{
	char buf[CONF_CMD_MAX + PREFLIGHT_ARGV_MAX], *argv[PREFLIGHT_ARGV_MAX];
	const char *why = NULL;
	static char name[CONF_CMD_MAX];

	*prog = command;
	if (argv_split(command, argv, PREFLIGHT_ARGV_MAX, buf, sizeof(buf), &why) <= 0)
		return why ? why : "empty";
	snprintf(name, sizeof(name), "%s", argv[0]);
	*prog = name;
	return not_runnable(name);
}

static void check_track(struct report *rep, const struct conf_track *t)
{
	const char *prog, *why;

	if (t->kind != CONF_TRACK_COMMAND)
		return; /* an interface may appear later: preflight_warnings() */
	if ((why = command_problem(t->command, &prog)))
		fail(rep, t->line, "track %s: %s: %s, expected an executable program", t->name,
		     prog, why);
}

static void check_fence(struct report *rep, const struct conf_instance *in)
{
	const char *prog, *why;

	if (in->fence[0] && (why = command_problem(in->fence, &prog)))
		fail(rep, in->fence_line, "fence: %s: %s, expected an executable program", prog,
		     why);
}

/* ---- the control socket and the state directory ----------------------------- */

/* Whether hamgr could make or write dir, or why not in why. It runs as
 * root: a check by root (access() sees read-only mounts and a missing
 * CAP_DAC_OVERRIDE too) says whether it can write; another user can only
 * tell whether the path is, or can become, a directory. mkdir_p: the
 * daemon creates missing parents too (the socket's), else only dir itself
 * (the state directory). */
static bool dir_usable(const char *dir, bool mkdir_p, char *why, size_t len)
{
	bool root = geteuid() == 0, missing = false;
	char path[CONF_PATH_MAX];
	struct stat st;
	char *slash;

	snprintf(path, sizeof(path), "%s", dir);
	for (;;) {
		if (stat(path, &st) == 0)
			break;
		if ((errno != ENOENT && errno != ENOTDIR) || (missing && !mkdir_p)) {
			if (errno == ENOENT || errno == ENOTDIR)
				snprintf(why, len, "%s cannot be created: %s does not exist", dir,
					 path);
			else
				snprintf(why, len, "%s: %s", path, strerror(errno));
			return false;
		}
		missing = true;
		slash = strrchr(path, '/');
		if (!slash || !path[1])
			return true; /* not absolute (the parser refused it), or "/" */
		slash[slash == path] = '\0'; /* "/x" -> "/" */
	}
	if (!S_ISDIR(st.st_mode) || (root && access(path, W_OK | X_OK) < 0)) {
		const char *what = S_ISDIR(st.st_mode) ? "is not writable" : "is not a directory";
		char err[128] = "";

		if (S_ISDIR(st.st_mode))
			snprintf(err, sizeof(err), " (%s)", strerror(errno));
		if (missing)
			snprintf(why, len, "%s cannot be created: %s %s%s", dir, path, what, err);
		else
			snprintf(why, len, "%s %s%s", path, what, err);
		return false;
	}
	return true;
}

static void check_socket(struct report *r, const struct conf *c)
{
	char dir[sizeof(c->control_socket)], why[WHY_MAX];
	char *slash;
	struct stat st;

	/* A dead daemon's socket is removed at start, a live one is the
	 * running hamgr's (hamgr -t before a reload): either is fine. */
	if (lstat(c->control_socket, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		fail(r, c->control_socket_line, "control-socket: %s exists and is not a socket, "
		     "expected a path hamgr can bind", c->control_socket);
		return;
	}
	snprintf(dir, sizeof(dir), "%s", c->control_socket);
	slash = strrchr(dir, '/');
	if (!slash)
		return;
	slash[slash == dir] = '\0';
	if (!dir_usable(dir, true, why, sizeof(why)))
		fail(r, c->control_socket_line, "control-socket: %s, expected a directory for the "
		     "socket that hamgr can write or create", why);
}

static void check_group(struct report *r, const struct conf *c)
{
	if (!c->control_group[0])
		return;
	errno = 0;
	if (getgrnam(c->control_group))
		return;
	/* Not found is 0 or, depending on the NSS module, one of these. */
	if (errno == 0 || errno == ENOENT || errno == ESRCH || errno == EBADF || errno == EPERM)
		fail(r, c->control_group_line, "control-group: no group %s, expected an "
		     "existing group", c->control_group);
	else
		fail(r, c->control_group_line, "control-group: cannot look up %s: %s, expected "
		     "an existing group", c->control_group, strerror(errno));
}

/* The line of the first instance of protocol "hamgr" (it signs with the
 * key too), or 0. */
static int key_user(const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->n_instances; i++)
		if (c->instances[i].protocol == CONF_PROTO_HAMGR)
			return c->instances[i].protocol_line ? c->instances[i].protocol_line
							     : c->instances[i].line;
	return 0;
}

int preflight_check(const struct conf *c, char *err, size_t errlen)
{
	struct report r = { .c = c, .err = err, .errlen = errlen };
	char why[WHY_MAX];
	size_t i, j;

	if (!c)
		return 0;
	check_group(&r, c);
	check_socket(&r, c);
	if (!dir_usable(c->state_dir, false, why, sizeof(why)))
		fail(&r, c->state_dir_line, "state-directory: %s, expected a directory hamgr "
		     "can write or create", why);
	for (i = 0; i < c->n_instances; i++) {
		const struct conf_instance *in = &c->instances[i];

		for (j = 0; j < in->n_resources; j++)
			check_resource(&r, &in->resources[j]);
		for (j = 0; j < in->n_tracks; j++)
			check_track(&r, &in->tracks[j]);
		check_fence(&r, in);
	}
	/* conntrack-sync signs with the cluster key: a key others may read is
	 * refused here, before anything starts */
	if (c->sync.present || key_user(c)) {
		struct authkeys k;

		if (authkey_load(c->auth_key_file, &k, why, sizeof(why)) < 0)
			fail(&r, c->sync.present ? c->sync.line : key_user(c),
			     "auth-key-file: %s", why);
		authkey_wipe(&k);
	}
	return r.failed ? -1 : 0;
}

/* ---- warnings --------------------------------------------------------------------- */

static void warn_interface(const struct conf *c, const char *ifname, int line,
			   preflight_warn_fn *warn, void *arg)
{
	char msg[CONF_PATH_MAX + 96];

	if (!ifname[0] || if_nametoindex(ifname) > 0)
		return;
	snprintf(msg, sizeof(msg), "%s:%d: interface %s does not exist (yet)", c->file, line,
		 ifname);
	warn(arg, msg);
}

/* quorum = "corosync" with corosync out of reach: the instance starts in
 * FAULT and waits for it (once per config, at the first such instance). */
static void warn_corosync(const struct conf *c, const struct conf_instance *in,
			  bool *asked, preflight_warn_fn *warn, void *arg)
{
	char msg[CONF_PATH_MAX + 256], why[128];

	if (in->quorum != CONF_QUORUM_COROSYNC || *asked)
		return;
	*asked = true;
	if (quorum_corosync_probe(why, sizeof(why)) == 0)
		return;
	snprintf(msg, sizeof(msg), "%s:%d: quorum: corosync cannot be reached (%s): the "
		 "instances with quorum = \"corosync\" stay in FAULT until it can", c->file,
		 in->quorum_line, why);
	warn(arg, msg);
}

/* Many IPv6 VIPs on one interface, each in a solicited-node group of its
 * own: the kernel (6.x) walks every group of the interface on each IPv6
 * address it adds (ipv6_find_idev -> ipv6_mc_up), so a takeover that adds
 * n of them costs O(n^2): about 100 ms for 800 here (docs/BENCHMARKS.md).
 * Said once per interface, at its first instance, with the remedy. */
static void warn_solicited(const struct conf *c, size_t first, preflight_warn_fn *warn,
			   void *arg)
{
	const struct conf_instance *in = &c->instances[first];
	uint8_t *bits;
	size_t i, groups = 0;
	char msg[CONF_PATH_MAX + 512];

	for (i = 0; i < first; i++)
		if (!strcmp(c->instances[i].interface, in->interface))
			return;         /* said at that one */
	bits = calloc(1, IPADDR_SOLICITED_BITS_BYTES);
	if (!bits)
		return;
	/* one bitmap for all of the interface's instances: a group two of
	 * them share counts once */
	for (i = first; i < c->n_instances; i++)
		if (!strcmp(c->instances[i].interface, in->interface))
			groups += ipaddr_solicited_groups(c->instances[i].vips,
							  c->instances[i].n_vips, bits);
	free(bits);
	if (groups <= PREFLIGHT_SOLICITED_WARN)
		return;
	snprintf(msg, sizeof(msg), "%s:%d: the IPv6 VIPs on %s join %zu solicited-node multicast "
		 "groups: the kernel walks all of an interface's groups on every address it adds, so "
		 "bringing them up at a takeover takes time that grows with the square of that number "
		 "(800: about 100 ms); VIPs that share their last 24 bits share one group "
		 "(hamgr.conf(5), vips)", c->file, in->vips_line, in->interface, groups);
	warn(arg, msg);
}

int preflight_ct_events(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1 || v < 0)
		v = -1;
	fclose(f);
	return v;
}

void preflight_ct_events_warning(int events, char *msg, size_t len)
{
	msg[0] = '\0';
	if (events == 0)
		snprintf(msg, len, "conntrack-sync: the kernel's conntrack events are off "
			 "(net.netfilter.nf_conntrack_events = 0): the sender can send full dumps "
			 "only, no change as it happens; set it to 1 or 2 (hamgr.conf(5), "
			 "Conntrack sync)");
}

/* A sync section and an instance that uses it. */
static bool ct_sync_used(const struct conf *c)
{
	size_t i;

	for (i = 0; c->sync.present && i < c->n_instances; i++)
		if (c->instances[i].conntrack_sync)
			return true;
	return false;
}

/* conntrack-sync on with the kernel's events off. */
static void warn_ct_events(const struct conf *c, preflight_warn_fn *warn, void *arg)
{
	char msg[CONF_PATH_MAX + 320], w[256];

	if (!ct_sync_used(c))
		return;
	preflight_ct_events_warning(preflight_ct_events(PREFLIGHT_CT_EVENTS), w, sizeof(w));
	if (!w[0])
		return;
	snprintf(msg, sizeof(msg), "%s:%d: %s", c->file, c->sync.line, w);
	warn(arg, msg);
}

void preflight_warnings(const struct conf *c, preflight_warn_fn *warn, void *arg)
{
	bool asked = false;
	size_t i, j;

	if (c)
		warn_ct_events(c, warn, arg);
	for (i = 0; c && i < c->n_instances; i++) {
		const struct conf_instance *in = &c->instances[i];

		warn_interface(c, in->interface, in->interface_line, warn, arg);
		warn_corosync(c, in, &asked, warn, arg);
		warn_solicited(c, i, warn, arg);
		for (j = 0; j < in->n_tracks; j++)
			if (in->tracks[j].kind == CONF_TRACK_INTERFACE)
				warn_interface(c, in->tracks[j].interface,
					       in->tracks[j].interface_line, warn, arg);
	}
}
