/* conf: hamgr.conf through libconfuse into a validated struct conf.
 *
 * libconfuse parses (schema, titled sections, lists, value callbacks); this
 * file adds what hamgr needs on top of it:
 *  - every value is checked by a parse callback the moment libconfuse sets
 *    it, when cfg->line is the line of that value;
 *  - those lines are remembered ("spots"), so the checks that need the
 *    whole file (address families, duplicates, protocol limits) still point
 *    at the offending line after parsing;
 *  - comments are blanked before libconfuse sees the text, because
 *    libconfuse 3.3 miscounts lines after every comment (strip_comments()).
 *
 * libconfuse's callbacks carry no user pointer and its lexer keeps global
 * state, so one parse runs at a time and its context is a static pointer:
 * this module is not thread-safe (neither is libconfuse).
 */
#include "conf.h"

#include <confuse.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US_PER_MS 1000ULL
#define US_PER_S 1000000ULL
#define DURATION_MAX_US (86400 * US_PER_S) /* no duration may exceed a day */
#define LIST_MAX 255                       /* addresses per list */
#define VRRP3_MIN_US (10 * US_PER_MS)      /* RFC 5798: centiseconds, 12 bits */
#define VRRP3_MAX_US (40950 * US_PER_MS)
#define VRRP3_STEP_US (10 * US_PER_MS)
#define FILE_MAX (1 << 20)                 /* conf_load_file() limit */
#define SHOW_MAX 200                       /* a value quoted in a message */

/* Hidden per-section option whose default libconfuse parses while it
 * creates the section, i.e. while cfg->line is still the line of the
 * section's "{": the only moment that line is known (afterwards it is the
 * line of "}"). A file can still name it ("|line" = 1): cb_header() refuses
 * that. */
#define HEADER_OPT "|line"

/* Where a value (key = its cfg_opt_t, idx = its list index) or a section
 * header (key = its cfg_t) was set. */
struct spot {
	const void *key;
	unsigned idx;
	int line;
};

struct parse {
	const char *file;
	char msg[CONF_ERR_MAX];
	int msg_line;
	bool failed;
	bool lowest; /* after parsing: keep the error with the lowest line */
	struct spot *spots;
	size_t n_spots, cap_spots;
};

static struct parse *P;

/* ---- errors ----------------------------------------------------------- */

/* Record an error "FILE:LINE: text" (line 0: "FILE: text"). While libconfuse
 * parses, the first error wins (it stops there); in the checks after
 * parsing the one with the lowest line wins, so the user fixes the file top
 * down. */
static void report(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(int line, const char *fmt, ...)
{
	size_t size = sizeof(P->msg);
	va_list ap;
	int n;

	if (P->failed && !(P->lowest && line < P->msg_line))
		return;
	if (line > 0)
		n = snprintf(P->msg, size, "%s:%d: ", P->file, line);
	else
		n = snprintf(P->msg, size, "%s: ", P->file);
	if (n < 0 || (size_t)n >= size)
		n = 0; /* a file name too long for a message: drop it */
	va_start(ap, fmt);
	vsnprintf(P->msg + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	P->msg_line = line;
	P->failed = true;
}

/* ---- where values were set ---------------------------------------------- */

static int spot_add(const void *key, unsigned idx, int line)
{
	if (P->n_spots == P->cap_spots) {
		size_t cap = P->cap_spots ? 2 * P->cap_spots : 64;
		struct spot *s = realloc(P->spots, cap * sizeof(*s));

		if (!s) {
			report(0, "out of memory");
			return -1;
		}
		P->spots = s;
		P->cap_spots = cap;
	}
	P->spots[P->n_spots++] = (struct spot){ key, idx, line };
	return 0;
}

/* The latest line recorded for key/idx, 0 when none (a default value). */
static int spot_line(const void *key, unsigned idx)
{
	size_t i;

	for (i = P->n_spots; i-- > 0;)
		if (P->spots[i].key == key && P->spots[i].idx == idx)
			return P->spots[i].line;
	return 0;
}

static int header_line(cfg_t *sec)
{
	return spot_line(sec, 0);
}

/* Line of option name (list index idx) in sec, else fallback. */
static int line_of(cfg_t *sec, const char *name, unsigned idx, int fallback)
{
	int line = spot_line(cfg_getopt(sec, name), idx);

	return line > 0 ? line : fallback;
}

/* ---- values in messages ------------------------------------------------- */

/* A value as the user wrote it, quoted, with anything unprintable escaped
 * and long values cut: messages stay one readable line. */
static const char *show(char *buf, const char *s)
{
	size_t o = 0, i;

	buf[o++] = '"';
	for (i = 0; s[i] && i < 40; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			o += (size_t)snprintf(buf + o, SHOW_MAX - o, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			o += (size_t)snprintf(buf + o, SHOW_MAX - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	if (s[i])
		o += (size_t)snprintf(buf + o, SHOW_MAX - o, "...");
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static const char *family_name(const struct ipaddr *ip)
{
	return ip->family == IPADDR_V6 ? "IPv6" : "IPv4";
}

/* ---- value syntax --------------------------------------------------------- */

/* Decimal integer with optional '-'. 0, -1 not a number, -2 too large. */
static int parse_long(const char *s, long *out)
{
	const char *p = s + (*s == '-');
	char *end;

	if (*p < '0' || *p > '9' || p[strspn(p, "0123456789")] != '\0')
		return -1;
	errno = 0;
	*out = strtol(s, &end, 10);
	return errno == ERANGE ? -2 : 0;
}

/* "100ms" or "1s" into microseconds: 0, -1 a bare number (no unit),
 * -2 not a duration, -3 more than a day. */
static int duration_parse(const char *s, uint64_t *us)
{
	uint64_t n = 0, unit;
	const char *p = s;
	bool big = false;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > DURATION_MAX_US)
			big = true;
		else
			n = n * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return -2;
	if (*p == '\0')
		return -1;
	if (strcmp(p, "ms") == 0)
		unit = US_PER_MS;
	else if (strcmp(p, "s") == 0)
		unit = US_PER_S;
	else
		return -2;
	if (big || n > DURATION_MAX_US / unit)
		return -3;
	*us = n * unit;
	return 0;
}

/* Durations print in the largest unit that is exact: 2s, 1500ms. */
static const char *duration_str(char *buf, size_t len, uint64_t us)
{
	if (us % US_PER_S == 0)
		snprintf(buf, len, "%llus", (unsigned long long)(us / US_PER_S));
	else
		snprintf(buf, len, "%llums", (unsigned long long)(us / US_PER_MS));
	return buf;
}

/* node-name and instance names end up in environment variables, JSON,
 * logs and hactl arguments: keep them plain. */
static bool name_ok(const char *s)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	size_t n = strlen(s);

	return n >= 1 && n < CONF_NAME_MAX && strspn(s, ok) == n &&
	       !strchr("._-", s[0]);
}

/* A section title in a message: as is when it is a valid name, else
 * quoted like any value. */
static const char *title_show(char *buf, const char *title)
{
	return name_ok(title) ? title : show(buf, title);
}

#define NAME_EXPECTED "expected 1..63 letters, digits, '.', '_' or '-', " \
	"starting with a letter or digit"

/* The kernel's rule for interface names (dev_valid_name), plus no
 * control characters. */
static bool ifname_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 1 || n >= CONF_IFNAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] == ' ' ||
		    (unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* Why ip can be neither a VIP nor a peer, or NULL when it can. */
static const char *addr_unusable(const struct ipaddr *ip)
{
	static const uint8_t zero[16], one6[16] = { [15] = 1 };

	if (ip->family == IPADDR_V4) {
		if (ip->a[0] == 0)
			return "in 0.0.0.0/8";
		if (ip->a[0] == 127)
			return "a loopback address";
		if (ip->a[0] >= 224 && ip->a[0] < 240)
			return "a multicast address";
		if (!memcmp(ip->a, "\xff\xff\xff\xff", 4))
			return "the broadcast address";
		return NULL;
	}
	if (!memcmp(ip->a, zero, 16))
		return "the unspecified address";
	if (!memcmp(ip->a, one6, 16))
		return "a loopback address";
	if (ip->a[0] == 0xff)
		return "a multicast address";
	return NULL;
}

/* libconfuse's own messages ("no such option 'x'", "unexpected token")
 * get the file name we were given (cfg_parse_buf() knows none). */
static void on_cfg_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char text[CONF_ERR_MAX], buf[SHOW_MAX];
	const char *kind = "instance";
	cfg_t *first;

	/* A repeated section title: say which section and where the first
	 * one is. libconfuse reports it only through this message. */
	if (strcmp(fmt, "found duplicate title '%s'") == 0) {
		const char *title = va_arg(ap, const char *);

		if (strcmp(cfg_name(cfg), "root") == 0) {
			first = cfg_gettsec(cfg, "instance", title);
		} else {
			kind = "track";
			first = cfg_gettsec(cfg, kind, title);
			if (!first) {
				kind = "resource";
				first = cfg_gettsec(cfg, kind, title);
			}
		}
		report(cfg->line, "%s %s is defined twice (first at line %d)", kind,
		       title_show(buf, title), first ? spot_line(first, 0) : 0);
		return;
	}
	vsnprintf(text, sizeof(text), fmt, ap);
	/* libconfuse quotes tokens as read: keep the message one short line */
	for (char *ch = text; *ch; ch++)
		if ((unsigned char)*ch < 0x20 || *ch == 0x7f)
			*ch = '?';
	if (strlen(text) > 200)
		memcpy(text + 197, "...", 4);
	report(cfg->line, "%s", text);
}

/* ---- parse callbacks: run by libconfuse as each value is set ------------- */

/* True when opt belongs to cfg. libconfuse also accepts option paths such
 * as "instance=web|vrid" = 7 at the top level; hamgr does not. */
static bool owns(cfg_t *cfg, cfg_opt_t *opt)
{
	return opt >= cfg->opts && opt < cfg->opts + cfg_numopts(cfg->opts);
}

/* First step of every value callback: refuse option paths and a second
 * assignment (libconfuse would silently keep the last one), remember the
 * line. Returns the value's index in its list (0 for a single value). */
static int value_begin(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned idx = opt->nvalues ? opt->nvalues - 1 : 0;
	int first;

	if (!owns(cfg, opt)) {
		report(cfg->line, "%s: option paths are not supported, expected "
		       "the option inside its section", opt->name);
		return -1;
	}
	first = idx == 0 ? spot_line(opt, 0) : 0;
	if (first > 0) {
		report(cfg->line, "%s: already set at line %d", opt->name, first);
		return -1;
	}
	return spot_add(opt, idx, cfg->line) < 0 ? -1 : (int)idx;
}

struct int_range {
	const char *name;
	long min, max;
};

static const struct int_range int_ranges[] = {
	{ "vrid", 1, 255 },        { "priority", 1, 255 },
	{ "garp-repeat", 1, 100 }, { "rise", 1, 255 },
	{ "fall", 1, 255 },        { "weight", -255, 255 },
};

static int cb_int(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	const struct int_range *r = NULL;
	char buf[SHOW_MAX];
	size_t i;
	long v;
	int rc;

	if (value_begin(cfg, opt) < 0)
		return -1;
	for (i = 0; i < sizeof(int_ranges) / sizeof(int_ranges[0]); i++)
		if (!strcmp(int_ranges[i].name, opt->name))
			r = &int_ranges[i];
	if (!r)
		return -1; /* an integer option without a range: a bug here */
	rc = parse_long(value, &v);
	if (rc == -1) {
		report(cfg->line, "%s: %s is not a number, expected an integer %ld..%ld",
		       opt->name, show(buf, value), r->min, r->max);
		return -1;
	}
	if (rc < 0 || v < r->min || v > r->max) {
		report(cfg->line, "%s: %.40s%s is out of range, expected %ld..%ld",
		       opt->name, value, strlen(value) > 40 ? "..." : "", r->min, r->max);
		return -1;
	}
	*(long *)result = v;
	return 0;
}

/* Durations stay strings in libconfuse (the checks after parsing quote
 * them as written); this only checks them. */
static int cb_duration(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	uint64_t us = 0, max = !strcmp(opt->name, "preempt-delay") ? 3600 * US_PER_S
								    : DURATION_MAX_US;
	char buf[SHOW_MAX], lim[32];
	int rc;

	if (value_begin(cfg, opt) < 0)
		return -1;
	rc = duration_parse(value, &us);
	if (rc == -1)
		report(cfg->line, "%s: %.40s has no unit, expected a duration like "
		       "100ms or 1s", opt->name, value);
	else if (rc == -2)
		report(cfg->line, "%s: %s is not a duration, expected a duration like "
		       "100ms or 1s", opt->name, show(buf, value));
	else if (rc == -3 || us > max)
		report(cfg->line, "%s: %.40s is out of range, expected 0s..%s",
		       opt->name, value, duration_str(lim, sizeof(lim), max));
	if (rc < 0 || us > max)
		return -1;
	*(const char **)result = value;
	return 0;
}

static int cb_bool(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	char buf[SHOW_MAX];
	int b;

	if (value_begin(cfg, opt) < 0)
		return -1;
	b = cfg_parse_boolean(value);
	if (b < 0) {
		report(cfg->line, "%s: %s is not a boolean, expected true or false",
		       opt->name, show(buf, value));
		return -1;
	}
	*(int *)result = b;
	return 0;
}

static int cb_name(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	char buf[SHOW_MAX];

	if (value_begin(cfg, opt) < 0)
		return -1;
	if (!name_ok(value)) {
		report(cfg->line, "%s: %s is not a valid name, " NAME_EXPECTED,
		       opt->name, show(buf, value));
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

/* control-socket must fit sockaddr_un.sun_path with its NUL. */
static int cb_path(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	size_t max = !strcmp(opt->name, "control-socket")
		? sizeof(((struct conf *)0)->control_socket) - 1 : CONF_PATH_MAX - 1;
	char buf[SHOW_MAX];
	size_t i;

	if (value_begin(cfg, opt) < 0)
		return -1;
	for (i = 0; value[i] && (unsigned char)value[i] >= 0x20; i++)
		;
	if (value[0] != '/' || value[i] != '\0' || i > max) {
		report(cfg->line, "%s: %s is not usable, expected an absolute path of "
		       "at most %zu bytes", opt->name, show(buf, value), max);
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

static int cb_ifname(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	char buf[SHOW_MAX];

	if (value_begin(cfg, opt) < 0)
		return -1;
	if (!ifname_ok(value)) {
		report(cfg->line, "%s: %s is not an interface name, expected 1..15 "
		       "characters without '/', ':' or spaces", opt->name, show(buf, value));
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

static int cb_protocol(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	char buf[SHOW_MAX];

	if (value_begin(cfg, opt) < 0)
		return -1;
	if (strcmp(value, "vrrp3") && strcmp(value, "hamgr")) {
		report(cfg->line, "%s: %s is not a protocol, expected \"vrrp3\" or "
		       "\"hamgr\"", opt->name, show(buf, value));
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

/* vips (with_prefix) and unicast-peers: one list element. */
static int check_addr(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result,
		      bool with_prefix)
{
	struct ipaddr ip;
	char buf[SHOW_MAX];
	const char *why;
	int idx = value_begin(cfg, opt);

	if (idx < 0)
		return -1;
	if (idx >= LIST_MAX) {
		report(cfg->line, "%s: too many addresses, expected at most %d",
		       opt->name, LIST_MAX);
		return -1;
	}
	if (ipaddr_parse(value, with_prefix, &ip) < 0) {
		if (!with_prefix && strchr(value, '/'))
			report(cfg->line, "%s: %s has a prefix length, expected a plain "
			       "address like 10.0.0.2", opt->name, show(buf, value));
		else
			report(cfg->line, "%s: %s is not an address, expected %s",
			       opt->name, show(buf, value), with_prefix
			       ? "ADDRESS or ADDRESS/PREFIX like 10.0.0.50/24 or fd00::50/64"
			       : "an address like 10.0.0.2 or fd00::2");
		return -1;
	}
	why = addr_unusable(&ip);
	if (why) {
		report(cfg->line, "%s: %s is %s, expected a unicast address", opt->name,
		       value, why);
		return -1;
	}
	if (with_prefix && ip.prefixlen == 0) {
		report(cfg->line, "%s: %s has prefix length 0, expected 1..%d",
		       opt->name, value, ip.family == IPADDR_V4 ? 32 : 128);
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

static int cb_vip(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	return check_addr(cfg, opt, value, result, true);
}

static int cb_peer(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	return check_addr(cfg, opt, value, result, false);
}

/* Options of the not-yet-supported sections: only their lines matter. */
static int cb_text(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	if (value_begin(cfg, opt) < 0)
		return -1;
	*(const char **)result = value;
	return 0;
}

/* See HEADER_OPT: runs as libconfuse creates the section cfg; any later
 * call comes from a file that names the hidden option. */
static int cb_header(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	(void)value;
	if (spot_line(cfg, 0) > 0) {
		report(cfg->line, "no such option '%s'", opt->name);
		return -1;
	}
	*(long *)result = cfg->line;
	return spot_add(cfg, 0, cfg->line);
}

/* ---- schema ----------------------------------------------------------------- */

#define HEADER CFG_INT_LIST_CB(HEADER_OPT, "{0}", CFGF_NONE, cb_header)

/* Accepted so a config written for a later version parses, then rejected
 * with "not supported yet" (checks()). No defaults: nothing reads them. */
static cfg_opt_t track_opts[] = {
	CFG_STR_CB("command", NULL, CFGF_NODEFAULT, cb_text),
	CFG_STR_CB("interval", NULL, CFGF_NODEFAULT, cb_duration),
	CFG_STR_CB("timeout", NULL, CFGF_NODEFAULT, cb_duration),
	CFG_INT_CB("rise", 0, CFGF_NODEFAULT, cb_int),
	CFG_INT_CB("fall", 0, CFGF_NODEFAULT, cb_int),
	CFG_INT_CB("weight", 0, CFGF_NODEFAULT, cb_int),
	HEADER,
	CFG_END()
};

static cfg_opt_t resource_opts[] = {
	CFG_STR_CB("script", NULL, CFGF_NODEFAULT, cb_text),
	CFG_STR_CB("phase", NULL, CFGF_NODEFAULT, cb_text),
	CFG_STR_CB("timeout", NULL, CFGF_NODEFAULT, cb_duration),
	CFG_STR_CB("on-fail", NULL, CFGF_NODEFAULT, cb_text),
	CFG_STR_CB("type", NULL, CFGF_NODEFAULT, cb_text),
	HEADER,
	CFG_END()
};

#define SUBSECTION (CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES)

static cfg_opt_t instance_opts[] = {
	CFG_STR_CB("interface", NULL, CFGF_NODEFAULT, cb_ifname),
	CFG_INT_CB("vrid", 0, CFGF_NODEFAULT, cb_int),
	CFG_INT_CB("priority", 100, CFGF_NONE, cb_int),
	CFG_STR_CB("advert-interval", "1s", CFGF_NONE, cb_duration),
	CFG_BOOL_CB("preempt", cfg_true, CFGF_NONE, cb_bool),
	CFG_STR_CB("preempt-delay", "0s", CFGF_NONE, cb_duration),
	CFG_STR_CB("protocol", "vrrp3", CFGF_NONE, cb_protocol),
	CFG_STR_LIST_CB("unicast-peers", NULL, CFGF_NONE, cb_peer),
	CFG_STR_LIST_CB("vips", NULL, CFGF_NODEFAULT, cb_vip),
	CFG_INT_CB("garp-repeat", 3, CFGF_NONE, cb_int),
	CFG_BOOL_CB("conntrack-sync", cfg_false, CFGF_NONE, cb_bool),
	CFG_SEC("track", track_opts, SUBSECTION),
	CFG_SEC("resource", resource_opts, SUBSECTION),
	HEADER,
	CFG_END()
};

static cfg_opt_t root_opts[] = {
	CFG_STR_CB("node-name", NULL, CFGF_NODEFAULT, cb_name),
	CFG_STR_CB("control-socket", CONF_DEFAULT_SOCKET, CFGF_NONE, cb_path),
	CFG_STR_CB("auth-key-file", NULL, CFGF_NODEFAULT, cb_path),
	CFG_STR_CB("control-group", NULL, CFGF_NODEFAULT, cb_name),
	CFG_STR_CB("state-directory", CONF_DEFAULT_STATE_DIR, CFGF_NONE, cb_path),
	CFG_SEC("instance", instance_opts, SUBSECTION),
	CFG_END()
};

/* ---- comments ----------------------------------------------------------------- */

/* A character libconfuse 3.3 takes as part of an unquoted word. */
static bool word_char(char c)
{
	return c != '\0' && !strchr(" #\"'\t\n\r={}()+,*", c);
}

/* "${NAME}" at s: libconfuse replaces it by the environment variable.
 * Returns its length, 0 when s is no such reference (no '}' follows), -1
 * when its '}' is on a later line (libconfuse would not count those lines).
 * more_braces: whether the text has a '}' after s at all. */
static long env_ref(const char *s, bool more_braces)
{
	size_t n;

	if (s[0] != '$' || s[1] != '{')
		return 0;
	n = strcspn(s, "}\n");
	if (s[n] == '}')
		return (long)n + 1;
	return more_braces ? -1 : 0;
}

/* Skip the string starting at t[*i] (a quote); *line follows newlines.
 * Inside "...", ${NAME} runs to its '}' even past a quote, as in libconfuse.
 * Returns 0, or -1 (not closed) or -2 (a ${ spanning lines). */
static int skip_string(const char *t, size_t *i, int *line, const char *last_brace)
{
	char q = t[*i];
	long env;

	for ((*i)++; t[*i] != q; (*i)++) {
		if (t[*i] == '\0')
			return -1;
		if (t[*i] == '\\' && t[*i + 1] != '\0')
			(*i)++; /* a backslash takes the next character */
		else if (q == '"' && (env = env_ref(t + *i, t + *i < last_brace)) != 0) {
			if (env < 0)
				return -2;
			*i += (size_t)env - 1;
			continue;
		}
		if (t[*i] == '\n')
			(*line)++;
	}
	(*i)++;
	return 0;
}

/* Blank the comment at t[*i] ('#', "//" or a C comment), keeping newlines;
 * a one-line comment stops before its newline. -1: a C comment not closed. */
static int blank_comment(char *t, size_t *i, int *line)
{
	bool block = t[*i] == '/' && t[*i + 1] == '*';

	if (block) {
		t[(*i)++] = ' ';
		t[(*i)++] = ' ';
	}
	for (; t[*i]; (*i)++) {
		if (t[*i] == '\n') {
			if (!block)
				return 0;
			(*line)++;
		} else if (block && t[*i] == '*' && t[*i + 1] == '/') {
			t[(*i)++] = ' ';
			t[(*i)++] = ' ';
			return 0;
		} else {
			t[*i] = ' ';
		}
	}
	return block ? -1 : 0;
}

/* Return a copy of text with every comment replaced by spaces (newlines
 * kept), or NULL after report().
 *
 * Why: libconfuse 3.3 adds two lines to its count for every '#' or '//'
 * comment and one for every C comment, so its line numbers drift after the
 * first comment; it also rejects a comment inside a list (upstream issue
 * #150); and an unclosed quote or C comment silently swallows the rest of
 * the file, and so does an unclosed section (checked here too). Blanking is
 * not parsing: the rules below mirror libconfuse's
 * lexer so the text means exactly what it meant, and libconfuse still does
 * all the parsing.
 *  - '#' starts a comment anywhere outside quotes; "//" and C comments only
 *    where a word would start ("a//b" is one word);
 *  - "..." and '...' are strings, in which a backslash takes the next
 *    character; ${NAME} is an environment reference. */
static char *strip_comments(const char *text)
{
	char *t = strdup(text);
	const char *last_brace;
	size_t i = 0, depth = 0;
	int line = 1, start, rc, open_line = 0;
	bool in_word = false;
	long env;

	if (!t) {
		report(0, "out of memory");
		return NULL;
	}
	last_brace = strrchr(t, '}');
	while (t[i]) {
		start = line;
		rc = 0;
		if (t[i] == '"' || t[i] == '\'') {
			rc = skip_string(t, &i, &line, last_brace);
		} else if (t[i] == '#' ||
			   (!in_word && t[i] == '/' && (t[i + 1] == '/' || t[i + 1] == '*'))) {
			if (blank_comment(t, &i, &line) < 0) {
				report(start, "comment is not closed, expected \"*/\" before "
				       "the end of the file");
				break;
			}
		} else if (!in_word && (env = env_ref(t + i, t + i < last_brace)) != 0) {
			rc = env < 0 ? -2 : 0;
			i += env > 0 ? (size_t)env : 0;
		} else {
			if (t[i] == '{' && depth++ == 0)
				open_line = line;
			else if (t[i] == '}' && depth > 0)
				depth--; /* a '}' too many: libconfuse reports it */
			in_word = word_char(t[i]);
			line += t[i++] == '\n';
			continue;
		}
		if (rc == -1)
			report(start, "string is not closed, expected a closing quote "
			       "before the end of the file");
		else if (rc == -2)
			report(start, "\"${\" is not closed on its line, expected "
			       "${NAME} on one line");
		if (rc < 0)
			break;
		in_word = false;
	}
	if (depth > 0 && !P->failed)
		report(open_line, "\"{\" is not closed, expected \"}\" before the end "
		       "of the file");
	if (P->failed) {
		free(t);
		return NULL;
	}
	return t;
}

/* ---- building struct conf, and checks that need more than one value ------- */

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* Parse the address list name of sec into *out (already checked by the
 * callbacks). Returns the count; on out of memory reports and returns 0. */
static size_t addr_list(cfg_t *sec, const char *name, bool with_prefix,
			struct ipaddr **out)
{
	size_t n = cfg_size(sec, name), i;

	*out = NULL;
	if (n == 0)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (!*out) {
		report(0, "out of memory");
		return 0;
	}
	for (i = 0; i < n; i++)
		ipaddr_parse(cfg_getnstr(sec, name, (unsigned)i), with_prefix, &(*out)[i]);
	return n;
}

static void basics(cfg_t *sec, struct conf_instance *in)
{
	const char *title = cfg_title(sec) ? cfg_title(sec) : "", *shown;
	uint64_t us = 0;
	char buf[SHOW_MAX];

	in->line = header_line(sec);
	shown = title_show(buf, title);
	copy_str(in->name, sizeof(in->name), title);
	if (!name_ok(title))
		report(in->line, "instance %s: not a valid instance name, " NAME_EXPECTED,
		       shown);
	if (cfg_size(sec, "interface") == 0)
		report(in->line, "instance %s: interface is required", shown);
	else
		copy_str(in->interface, sizeof(in->interface), cfg_getstr(sec, "interface"));
	if (cfg_size(sec, "vrid") == 0)
		report(in->line, "instance %s: vrid is required, expected 1..255", shown);
	else
		in->vrid = (uint8_t)cfg_getint(sec, "vrid");
	in->priority = (uint8_t)cfg_getint(sec, "priority");
	in->garp_repeat = (unsigned)cfg_getint(sec, "garp-repeat");
	in->preempt = cfg_getbool(sec, "preempt");
	in->conntrack_sync = cfg_getbool(sec, "conntrack-sync");
	in->protocol = strcmp(cfg_getstr(sec, "protocol"), "hamgr") ? CONF_PROTO_VRRP3
								      : CONF_PROTO_HAMGR;
	duration_parse(cfg_getstr(sec, "advert-interval"), &us);
	in->advert_interval_us = us;
	us = 0;
	duration_parse(cfg_getstr(sec, "preempt-delay"), &us);
	in->preempt_delay_us = us;
}

static void protocol_checks(cfg_t *sec, const struct conf_instance *in)
{
	const char *adv = cfg_getstr(sec, "advert-interval");
	int line = line_of(sec, "advert-interval", 0, in->line);
	uint64_t us = in->advert_interval_us;

	if (in->protocol == CONF_PROTO_HAMGR)
		report(line_of(sec, "protocol", 0, in->line),
		       "protocol \"hamgr\" is not supported yet (use \"vrrp3\")");
	else if (us < VRRP3_MIN_US || us > VRRP3_MAX_US)
		report(line, "advert-interval: %s is out of range, expected "
		       "10ms..40950ms for protocol \"vrrp3\"", adv);
	else if (us % VRRP3_STEP_US)
		report(line, "advert-interval: %s is not a multiple of 10ms, expected "
		       "whole centiseconds for protocol \"vrrp3\"", adv);
	if (in->conntrack_sync)
		report(line_of(sec, "conntrack-sync", 0, in->line),
		       "conntrack-sync = true is not supported yet (use false)");
	if (!in->preempt && in->preempt_delay_us)
		report(line_of(sec, "preempt-delay", 0, in->line),
		       "preempt-delay: %s has no effect with preempt = false, expected "
		       "0s or preempt = true", cfg_getstr(sec, "preempt-delay"));
}

/* Tracks and resources land in later versions: say so, never ignore them. */
static void later_sections(cfg_t *sec)
{
	char buf[SHOW_MAX];
	unsigned i;

	for (i = 0; i < cfg_size(sec, "track"); i++) {
		cfg_t *t = cfg_getnsec(sec, "track", i);

		report(header_line(t), "track %s: health tracks are not supported yet",
		       title_show(buf, cfg_title(t)));
	}
	for (i = 0; i < cfg_size(sec, "resource"); i++) {
		cfg_t *r = cfg_getnsec(sec, "resource", i);

		report(header_line(r), "resource %s: resource scripts are not "
		       "supported yet", title_show(buf, cfg_title(r)));
	}
}

/* The same address twice in one list. */
static void list_dups(cfg_t *sec, const char *name, const struct ipaddr *a, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++)
		for (j = 0; j < i; j++)
			if (ipaddr_eq(&a[i], &a[j])) {
				report(line_of(sec, name, (unsigned)i, 0),
				       "%s: %s is listed twice (first at line %d)", name,
				       cfg_getnstr(sec, name, (unsigned)i),
				       line_of(sec, name, (unsigned)j, 0));
				break;
			}
}

/* VRRPv3 carries one family per advert: the family of the first VIP. */
static void peer_checks(cfg_t *sec, const struct conf_instance *in)
{
	const struct ipaddr *first = &in->vips[0];
	char fbuf[IPADDR_STRLEN];
	size_t i, j;

	for (i = 0; i < in->n_unicast_peers; i++) {
		const struct ipaddr *p = &in->unicast_peers[i];
		const char *s = cfg_getnstr(sec, "unicast-peers", (unsigned)i);
		int line = line_of(sec, "unicast-peers", (unsigned)i, in->line);

		if (p->family != first->family)
			report(line, "unicast-peers: %s is %s but the instance advertises "
			       "%s (the family of its first VIP %s), expected an %s address",
			       s, family_name(p), family_name(first),
			       ipaddr_str_prefix(first, fbuf, sizeof(fbuf)),
			       family_name(first));
		for (j = 0; j < in->n_vips; j++)
			if (ipaddr_eq(p, &in->vips[j]))
				report(line, "unicast-peers: %s is a VIP of this instance, "
				       "expected the address of a peer node", s);
	}
}

static void addresses(cfg_t *sec, struct conf_instance *in)
{
	in->n_vips = addr_list(sec, "vips", true, &in->vips);
	in->n_unicast_peers = addr_list(sec, "unicast-peers", false, &in->unicast_peers);
	if (in->n_vips == 0) {
		char buf[SHOW_MAX];

		report(in->line, "instance %s: vips is required, expected at least one "
		       "address", title_show(buf, in->name));
		return;
	}
	list_dups(sec, "vips", in->vips, in->n_vips);
	list_dups(sec, "unicast-peers", in->unicast_peers, in->n_unicast_peers);
	peer_checks(sec, in);
}

/* Instance j against the earlier instance i: one VRRP router per
 * (interface, vrid, family), and no address held by two instances. */
static void cross_check(cfg_t *root, const struct conf *c, size_t i, size_t j)
{
	const struct conf_instance *a = &c->instances[i], *b = &c->instances[j];
	cfg_t *sa = cfg_getnsec(root, "instance", (unsigned)i);
	cfg_t *sb = cfg_getnsec(root, "instance", (unsigned)j);
	char buf[SHOW_MAX];
	const char *name = title_show(buf, a->name);
	size_t x, y;

	if (a->vrid && a->vrid == b->vrid && a->n_vips && b->n_vips &&
	    a->vips[0].family == b->vips[0].family && a->interface[0] &&
	    !strcmp(a->interface, b->interface))
		report(line_of(sb, "vrid", 0, b->line), "vrid: %u on %s (%s) is already "
		       "used by instance %s (line %d), expected a vrid unique per "
		       "interface and address family", b->vrid, b->interface,
		       family_name(&b->vips[0]), name, a->line);
	for (y = 0; y < b->n_vips; y++)
		for (x = 0; x < a->n_vips; x++)
			if (ipaddr_eq(&b->vips[y], &a->vips[x]))
				report(line_of(sb, "vips", (unsigned)y, b->line),
				       "vips: %s is already a VIP of instance %s (line %d)",
				       cfg_getnstr(sb, "vips", (unsigned)y), name,
				       line_of(sa, "vips", (unsigned)x, a->line));
}

static void build_root(cfg_t *root, const char *default_node_name, struct conf *c)
{
	char buf[SHOW_MAX];

	if (cfg_size(root, "node-name")) {
		copy_str(c->node_name, sizeof(c->node_name), cfg_getstr(root, "node-name"));
	} else if (!default_node_name || !name_ok(default_node_name)) {
		report(0, "node-name is not set and the host name %s is not a valid "
		       "name (" NAME_EXPECTED "), expected node-name = \"NAME\"",
		       show(buf, default_node_name ? default_node_name : ""));
	} else {
		copy_str(c->node_name, sizeof(c->node_name), default_node_name);
	}
	copy_str(c->control_socket, sizeof(c->control_socket),
		 cfg_getstr(root, "control-socket"));
	if (cfg_size(root, "auth-key-file"))
		copy_str(c->auth_key_file, sizeof(c->auth_key_file),
			 cfg_getstr(root, "auth-key-file"));
	if (cfg_size(root, "control-group"))
		copy_str(c->control_group, sizeof(c->control_group),
			 cfg_getstr(root, "control-group"));
	copy_str(c->state_dir, sizeof(c->state_dir), cfg_getstr(root, "state-directory"));
}

static void build(cfg_t *root, const char *default_node_name, struct conf *c)
{
	size_t n = cfg_size(root, "instance"), i, j;

	build_root(root, default_node_name, c);
	if (n == 0) {
		report(0, "no instance is defined, expected at least one "
		       "\"instance NAME { ... }\"");
		return;
	}
	c->instances = calloc(n, sizeof(*c->instances));
	if (!c->instances) {
		report(0, "out of memory");
		return;
	}
	c->n_instances = n;
	for (i = 0; i < n; i++) {
		cfg_t *sec = cfg_getnsec(root, "instance", (unsigned)i);

		basics(sec, &c->instances[i]);
		addresses(sec, &c->instances[i]);
		protocol_checks(sec, &c->instances[i]);
		later_sections(sec);
	}
	for (j = 1; j < n; j++)
		for (i = 0; i < j; i++)
			cross_check(root, c, i, j);
}

/* Where libconfuse stopped: each section counts its own lines while it is
 * parsed, so the innermost one (the highest count) is where parsing was. */
static int stop_line(cfg_t *cfg)
{
	static const char *const subs[] = { "instance", "track", "resource" };
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
	struct parse p = { .file = filename ? filename : "(string)" };
	struct conf *c = NULL;
	cfg_t *cfg = NULL;
	char *clean = NULL;
	int rc = -1;

	if (out)
		*out = NULL;
	P = &p;
	if (!text || !out) {
		report(0, "no configuration text");
		goto done;
	}
	clean = strip_comments(text);
	if (!clean)
		goto done;
	cfg = cfg_init(root_opts, CFGF_NONE);
	c = calloc(1, sizeof(*c));
	if (!cfg || !c) {
		report(0, "out of memory");
		goto done;
	}
	copy_str(c->file, sizeof(c->file), p.file);
	cfg_set_error_function(cfg, on_cfg_error);
	if (cfg_parse_buf(cfg, clean) != CFG_SUCCESS) {
		/* Kept only if libconfuse said nothing: it fails silently on an
		 * empty option name ("" or an unset ${NAME}). */
		report(stop_line(cfg), "syntax error, expected an option name "
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
	P = NULL;
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

int conf_load_file(const char *path, const char *default_node_name,
		   struct conf **out, char *err, size_t errlen)
{
	FILE *f;
	char *text, *nul;
	size_t len = 0;
	int rc, error = 0;

	if (out)
		*out = NULL;
	f = fopen(path, "re");
	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
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

void conf_free(struct conf *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n_instances; i++) {
		free(c->instances[i].vips);
		free(c->instances[i].unicast_peers);
	}
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
