/* conf: hamgr.conf through libconfuse into a validated struct conf.
 *
 * libconfuse parses (schema, titled sections, lists, value callbacks); the
 * conf*.c files add what hamgr needs on top of it:
 *  - every value is checked by a parse callback the moment libconfuse sets
 *    it, when cfg->line is the line of that value (conf_value.c);
 *  - those lines are remembered ("spots", here), so the checks that need
 *    the whole file (address families, duplicates, protocol limits) still
 *    point at the offending line after parsing (conf_instance.c ...);
 *  - comments are blanked before libconfuse sees the text, because
 *    libconfuse 3.3 miscounts lines after every comment (conf_text.c).
 *
 * This file: the schema of the file and its instances, errors and spots,
 * the entry points. See conf_priv.h for the split and why one parse runs
 * at a time.
 */
#include "conf_priv.h"
#include "realtime.h"
#include "core/heartbeat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_MAX (1 << 20)                 /* conf_load_file() limit */
#define UTF8_BOM "\xef\xbb\xbf"

struct conf_parse *conf_ctx;

/* ---- errors ----------------------------------------------------------- */

void conf_report(int line, const char *fmt, ...)
{
	size_t size = sizeof(conf_ctx->msg);
	va_list ap;
	int n;

	if (conf_ctx->failed && !(conf_ctx->lowest && line < conf_ctx->msg_line))
		return;
	if (line > 0)
		n = snprintf(conf_ctx->msg, size, "%s:%d: ", conf_ctx->file, line);
	else
		n = snprintf(conf_ctx->msg, size, "%s: ", conf_ctx->file);
	if (n < 0 || (size_t)n >= size)
		n = 0; /* a file name too long for a message: drop it */
	va_start(ap, fmt);
	vsnprintf(conf_ctx->msg + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	conf_ctx->msg_line = line;
	conf_ctx->failed = true;
}

/* ---- where values were set ---------------------------------------------- */

int conf_spot_add(const void *key, unsigned idx, int line)
{
	if (conf_ctx->n_spots == conf_ctx->cap_spots) {
		size_t cap = conf_ctx->cap_spots ? 2 * conf_ctx->cap_spots : 64;
		struct conf_spot *s = realloc(conf_ctx->spots, cap * sizeof(*s));

		if (!s) {
			conf_report(0, "out of memory");
			return -1;
		}
		conf_ctx->spots = s;
		conf_ctx->cap_spots = cap;
	}
	conf_ctx->spots[conf_ctx->n_spots++] = (struct conf_spot){ key, idx, line };
	return 0;
}

int conf_spot_line(const void *key, unsigned idx)
{
	size_t i;

	for (i = conf_ctx->n_spots; i-- > 0;)
		if (conf_ctx->spots[i].key == key && conf_ctx->spots[i].idx == idx)
			return conf_ctx->spots[i].line;
	return 0;
}

int conf_header_line(cfg_t *sec)
{
	return conf_spot_line(sec, 0);
}

int conf_line_of(cfg_t *sec, const char *name, unsigned idx, int fallback)
{
	int line = conf_spot_line(cfg_getopt(sec, name), idx);

	return line > 0 ? line : fallback;
}

int conf_section_name(cfg_t *sec, const char *kind, char *name)
{
	const char *title = cfg_title(sec) ? cfg_title(sec) : "";
	int line = conf_header_line(sec);
	char buf[SHOW_MAX];

	conf_copy_str(name, CONF_NAME_MAX, title);
	if (!conf_name_ok(title))
		conf_report(line, "%s %s: not a valid %s name, " NAME_EXPECTED, kind,
		            conf_title_show(buf, title), kind);
	return line;
}

void *conf_sections(cfg_t *sec, const char *kind, size_t max, size_t size, size_t *n)
{
	size_t count = cfg_size(sec, kind);
	char buf[SHOW_MAX];
	void *a;

	*n = 0;
	if (count == 0)
		return NULL;
	if (count > max) {
		cfg_t *extra = cfg_getnsec(sec, kind, (unsigned)max);

		conf_report(conf_header_line(extra), "%s %s: one %s too many, expected at "
		            "most %zu per instance", kind, conf_title_show(buf, cfg_title(extra)),
		            kind, max);
		return NULL;
	}
	a = calloc(count, size);
	if (!a) {
		conf_report(0, "out of memory");
		return NULL;
	}
	*n = count;
	return a;
}

/* ---- schema ----------------------------------------------------------------- */

cfg_opt_t conf_instance_opts[] = {
	CFG_STR_CB("interface", NULL, CFGF_NODEFAULT, conf_cb_ifname),
	CFG_INT_CB("vrid", 0, CFGF_NODEFAULT, conf_cb_int),
	CFG_INT_CB("priority", 100, CFGF_NONE, conf_cb_int),
	CFG_STR_CB("advert-interval", "1s", CFGF_NONE, conf_cb_duration),
	CFG_BOOL_CB("preempt", cfg_true, CFGF_NONE, conf_cb_bool),
	CFG_STR_CB("preempt-delay", "0s", CFGF_NONE, conf_cb_duration),
	CFG_STR_CB("protocol", "vrrp3", CFGF_NONE, conf_cb_choice),
	CFG_STR_LIST_CB("unicast-peers", NULL, CFGF_NONE, conf_cb_peer),
	CFG_STR_LIST_CB("heartbeat-paths", NULL, CFGF_NONE, conf_cb_ifname),
	CFG_STR_LIST_CB("allowed-peers", NULL, CFGF_NONE, conf_cb_allowed),
	CFG_STR_LIST_CB("vips", NULL, CFGF_NODEFAULT, conf_cb_vip),
	CFG_INT_CB("garp-repeat", 3, CFGF_NONE, conf_cb_int),
	CFG_INT_CB("garp-rate", 1000, CFGF_NONE, conf_cb_int),
	CFG_BOOL_CB("conntrack-sync", cfg_false, CFGF_NONE, conf_cb_bool),
	CFG_STR_CB("startup-gate", "0s", CFGF_NONE, conf_cb_duration),
	CFG_STR_CB("settle-gate", NULL, CFGF_NODEFAULT, conf_cb_duration),
	CFG_STR_CB("fail-holdoff", "60s", CFGF_NONE, conf_cb_duration),
	CFG_STR_CB("fence", NULL, CFGF_NODEFAULT, conf_cb_command),
	CFG_INT_CB("quorum-nodes", 0, CFGF_NONE, conf_cb_int),
	CFG_STR_CB("quorum", NULL, CFGF_NODEFAULT, conf_cb_choice),
	CFG_STR_CB("quorum-wait", NULL, CFGF_NODEFAULT, conf_cb_duration),
	CFG_STR_CB("fence-timeout", "60s", CFGF_NONE, conf_cb_duration),
	CFG_SEC("track", conf_track_opts, SUBSECTION),
	CFG_SEC("resource", conf_resource_opts, SUBSECTION),
	HEADER,
	CFG_END()
};

cfg_opt_t conf_root_opts[] = {
	CFG_STR_CB("node-name", NULL, CFGF_NODEFAULT, conf_cb_name),
	CFG_STR_CB("control-socket", CONF_DEFAULT_SOCKET, CFGF_NONE, conf_cb_path),
	CFG_STR_CB("auth-key-file", NULL, CFGF_NODEFAULT, conf_cb_path),
	CFG_INT_CB("heartbeat-port", HEARTBEAT_PORT, CFGF_NONE, conf_cb_int),
	CFG_STR_CB("control-group", NULL, CFGF_NODEFAULT, conf_cb_name),
	CFG_STR_CB("state-directory", CONF_DEFAULT_STATE_DIR, CFGF_NONE, conf_cb_path),
	CFG_INT_CB("realtime-priority", REALTIME_AUTO, CFGF_NONE, conf_cb_int),
	CFG_SEC("instance", conf_instance_opts, SUBSECTION),
	CFG_SEC("sync", conf_sync_opts, CFGF_MULTI),
	CFG_END()
};

/* ---- building struct conf ----------------------------------------------------- */

static void build_root(cfg_t *root, const char *default_node_name, struct conf *c)
{
	char buf[SHOW_MAX];

	if (cfg_size(root, "node-name")) {
		conf_copy_str(c->node_name, sizeof(c->node_name), cfg_getstr(root, "node-name"));
	} else if (!default_node_name || !conf_name_ok(default_node_name)) {
		conf_report(0, "node-name is not set and the host name %s is not a valid "
		            "name (" NAME_EXPECTED "), expected node-name = \"NAME\"",
		            conf_show(buf, default_node_name ? default_node_name : ""));
	} else {
		conf_copy_str(c->node_name, sizeof(c->node_name), default_node_name);
	}
	conf_copy_str(c->control_socket, sizeof(c->control_socket),
		      cfg_getstr(root, "control-socket"));
	if (cfg_size(root, "auth-key-file"))
		conf_copy_str(c->auth_key_file, sizeof(c->auth_key_file),
			      cfg_getstr(root, "auth-key-file"));
	if (cfg_size(root, "control-group"))
		conf_copy_str(c->control_group, sizeof(c->control_group),
			      cfg_getstr(root, "control-group"));
	conf_copy_str(c->state_dir, sizeof(c->state_dir), cfg_getstr(root, "state-directory"));
	c->realtime_priority = (int)cfg_getint(root, "realtime-priority");
	c->heartbeat_port = (uint16_t)cfg_getint(root, "heartbeat-port");
	c->control_socket_line = conf_line_of(root, "control-socket", 0, 0);
	c->control_group_line = conf_line_of(root, "control-group", 0, 0);
	c->state_dir_line = conf_line_of(root, "state-directory", 0, 0);
}

static void build(cfg_t *root, const char *default_node_name, struct conf *c)
{
	size_t n = cfg_size(root, "instance"), i, j;

	build_root(root, default_node_name, c);
	if (n == 0) {
		conf_report(0, "no instance is defined, expected at least one "
		            "\"instance NAME { ... }\"");
		return;
	}
	c->instances = calloc(n, sizeof(*c->instances));
	if (!c->instances) {
		conf_report(0, "out of memory");
		return;
	}
	c->n_instances = n;
	for (i = 0; i < n; i++) {
		cfg_t *sec = cfg_getnsec(root, "instance", (unsigned)i);

		conf_instance_build(sec, &c->instances[i]);
	}
	for (j = 1; j < n; j++)
		for (i = 0; i < j; i++)
			conf_instance_cross_check(root, c, i, j);
	for (i = 0; i < n; i++)
		if (c->instances[i].protocol == CONF_PROTO_HAMGR && !c->auth_key_file[0]) {
			conf_report(c->instances[i].protocol_line, "protocol \"hamgr\" signs every "
			            "message, expected auth-key-file = \"/etc/hamgr/authkey\" "
			            "(hamgr --genkey makes one)");
			break;
		}
	conf_sync_build(root, c);
}

/* Where libconfuse stopped: each section counts its own lines while it is
 * parsed, so the innermost one (the highest count) is where parsing was. */
static int stop_line(cfg_t *cfg)
{
	static const char *const subs[] = { "instance", "track", "resource", "sync" };
	int line = cfg->line, l;
	unsigned i, k;

	for (k = 0; k < sizeof(subs) / sizeof(subs[0]); k++) {
		cfg_opt_t *opt = NULL;

		for (i = 0; i < cfg_num(cfg); i++)
			if (!strcmp(cfg_getnopt(cfg, i)->name, subs[k]))
				opt = cfg_getnopt(cfg, i);
		for (i = 0; opt && i < cfg_opt_size(opt); i++) {
			l = stop_line(cfg_opt_getnsec(opt, i));
			line = l > line ? l : line;
		}
	}
	return line;
}

/* ---- API ---------------------------------------------------------------------- */

int conf_parse_string(const char *text, const char *filename,
		      const char *default_node_name, struct conf **out,
		      char *err, size_t errlen)
{
	struct conf_parse p = { .file = filename ? filename : "(string)" };
	struct conf *c = NULL;
	cfg_t *cfg = NULL;
	char *clean = NULL;
	int rc = -1;

	if (out)
		*out = NULL;
	conf_ctx = &p;
	if (!text || !out) {
		conf_report(0, "no configuration text");
		goto done;
	}
	/* A UTF-8 byte order mark, as some editors write it: not text. */
	if (strncmp(text, UTF8_BOM, strlen(UTF8_BOM)) == 0)
		text += strlen(UTF8_BOM);
	clean = conf_strip_comments(text);
	if (!clean)
		goto done;
	p.text = clean;
	cfg = cfg_init(conf_root_opts, CFGF_NONE);
	c = calloc(1, sizeof(*c));
	if (!cfg || !c) {
		conf_report(0, "out of memory");
		goto done;
	}
	conf_copy_str(c->file, sizeof(c->file), p.file);
	cfg_set_error_function(cfg, conf_cfg_error);
	if (cfg_parse_buf(cfg, clean) != CFG_SUCCESS) {
		/* Kept only if libconfuse said nothing: it fails silently on an
		 * empty option name ("" or an unset ${NAME}). */
		conf_report(stop_line(cfg), "syntax error, expected an option name "
		            "(\"\" or an unset ${NAME} is empty)");
		goto done;
	}
	p.lowest = true;
	build(cfg, default_node_name, c);
	if (!p.failed) {
		*out = c;
		c = NULL;
		rc = 0;
	}
done:
	conf_free(c);
	if (cfg)
		cfg_free(cfg);
	free(clean);
	free(p.spots);
	if (rc < 0 && err && errlen)
		snprintf(err, errlen, "%s", p.msg);
	conf_ctx = NULL;
	return rc;
}

/* Read all of f (at most FILE_MAX bytes) into a NUL-terminated buffer. */
static char *slurp(FILE *f, size_t *len, int *error)
{
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap), *nb;

	while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n > FILE_MAX) {
			*error = EFBIG;
			free(buf);
			return NULL;
		}
		if (cap - n - 1 == 0) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		}
	}
	if (!buf || ferror(f)) {
		*error = buf ? (errno ? errno : EIO) : ENOMEM;
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* What st is, for "not a regular file (a FIFO)". */
static const char *file_kind(const struct stat *st)
{
	return S_ISDIR(st->st_mode) ? "a directory" : S_ISFIFO(st->st_mode) ? "a FIFO"
	     : S_ISSOCK(st->st_mode) ? "a socket" : S_ISCHR(st->st_mode) ? "a character device"
	     : S_ISBLK(st->st_mode) ? "a block device" : "not a file";
}

/* path opened for reading if it is a regular file. The open does not
 * block (a FIFO without a writer would hang hamgr -t forever); fstat
 * then refuses anything but a regular file. NULL with err set. */
static FILE *open_regular(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	FILE *f;

	if (fd < 0 || fstat(fd, &st) < 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: not a regular file (%s), expected a plain file",
				 path, file_kind(&st));
	} else if ((f = fdopen(fd, "r")) != NULL) {
		return f;
	} else if (err && errlen) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

int conf_load_file(const char *path, const char *default_node_name,
		   struct conf **out, char *err, size_t errlen)
{
	FILE *f;
	char *text, *nul;
	size_t len = 0;
	int rc, error = 0;

	if (out)
		*out = NULL;
	f = open_regular(path, err, errlen);
	if (!f)
		return -1;
	errno = 0;
	text = slurp(f, &len, &error);
	fclose(f);
	if (!text) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot read: %s", path,
				 error == EFBIG ? "larger than 1 MiB" : strerror(error));
		return -1;
	}
	/* libconfuse reads a C string: a NUL would silently end the file. */
	nul = memchr(text, '\0', len);
	if (nul) {
		int line = 1;
		char *p;

		for (p = text; p < nul; p++)
			line += *p == '\n';
		if (err && errlen)
			snprintf(err, errlen, "%s:%d: NUL byte, expected a text file", path, line);
		free(text);
		return -1;
	}
	rc = conf_parse_string(text, path, default_node_name, out, err, errlen);
	free(text);
	return rc;
}

/* A copy of n elements of size bytes, NULL for none (or no memory). */
static void *dup_array(const void *p, size_t n, size_t size)
{
	void *q;

	if (n == 0)
		return NULL;
	q = calloc(n, size);
	if (q)
		memcpy(q, p, n * size);
	return q;
}

int conf_instance_copy(struct conf_instance *dst, const struct conf_instance *src)
{
	*dst = *src;
	dst->vips = dup_array(src->vips, src->n_vips, sizeof(*src->vips));
	dst->unicast_peers = dup_array(src->unicast_peers, src->n_unicast_peers,
				       sizeof(*src->unicast_peers));
	dst->allowed_peers = dup_array(src->allowed_peers, src->n_allowed_peers,
				       sizeof(*src->allowed_peers));
	dst->tracks = dup_array(src->tracks, src->n_tracks, sizeof(*src->tracks));
	dst->resources = dup_array(src->resources, src->n_resources,
				   sizeof(*src->resources));
	if ((src->n_vips && !dst->vips) || (src->n_unicast_peers && !dst->unicast_peers) ||
	    (src->n_allowed_peers && !dst->allowed_peers) ||
	    (src->n_tracks && !dst->tracks) || (src->n_resources && !dst->resources)) {
		conf_instance_release(dst);
		return -1;
	}
	return 0;
}

void conf_instance_release(struct conf_instance *c)
{
	free(c->vips);
	free(c->unicast_peers);
	free(c->allowed_peers);
	free(c->tracks);
	free(c->resources);
	c->vips = NULL;
	c->unicast_peers = NULL;
	c->allowed_peers = NULL;
	c->tracks = NULL;
	c->resources = NULL;
	c->n_vips = c->n_unicast_peers = c->n_allowed_peers = c->n_tracks = 0;
	c->n_resources = 0;
}

void conf_free(struct conf *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n_instances; i++)
		conf_instance_release(&c->instances[i]);
	free(c->instances);
	free(c);
}

const struct conf_instance *conf_find_instance(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; c && name && i < c->n_instances; i++)
		if (!strcmp(c->instances[i].name, name))
			return &c->instances[i];
	return NULL;
}
