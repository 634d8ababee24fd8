/* conf_value: the syntax of single values.
 *
 * Every value is checked by a parse callback the moment libconfuse sets it,
 * when cfg->line is the line of that value; the callback records that line
 * ("spots", conf.c) so the checks after parsing can point at it too. */
#include "conf_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- values in messages ------------------------------------------------- */

const char *conf_show(char *buf, const char *s)
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

int conf_duration_parse(const char *s, uint64_t *us)
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

const char *conf_duration_str(char *buf, size_t len, uint64_t us)
{
	if (us % US_PER_S == 0)
		snprintf(buf, len, "%llus", (unsigned long long)(us / US_PER_S));
	else
		snprintf(buf, len, "%llums", (unsigned long long)(us / US_PER_MS));
	return buf;
}

/* node-name and instance names end up in environment variables, JSON,
 * logs and hactl arguments: keep them plain. */
bool conf_name_ok(const char *s)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	size_t n = strlen(s);

	return n >= 1 && n < CONF_NAME_MAX && strspn(s, ok) == n &&
	       !strchr("._-", s[0]);
}

const char *conf_title_show(char *buf, const char *title)
{
	return conf_name_ok(title) ? title : conf_show(buf, title);
}

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

void conf_copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
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
		conf_report(cfg->line, "%s: option paths are not supported, expected "
		            "the option inside its section", opt->name);
		return -1;
	}
	first = idx == 0 ? conf_spot_line(opt, 0) : 0;
	if (first > 0) {
		conf_report(cfg->line, "%s: already set at line %d", opt->name, first);
		return -1;
	}
	return conf_spot_add(opt, idx, cfg->line) < 0 ? -1 : (int)idx;
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

int conf_cb_int(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
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
		conf_report(cfg->line, "%s: %s is not a number, expected an integer %ld..%ld",
		            opt->name, conf_show(buf, value), r->min, r->max);
		return -1;
	}
	if (rc < 0 || v < r->min || v > r->max) {
		conf_report(cfg->line, "%s: %.40s%s is out of range, expected %ld..%ld",
		            opt->name, value, strlen(value) > 40 ? "..." : "", r->min, r->max);
		return -1;
	}
	*(long *)result = v;
	return 0;
}

/* Durations stay strings in libconfuse (the checks after parsing quote
 * them as written); this only checks them. */
int conf_cb_duration(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	uint64_t us = 0, max = !strcmp(opt->name, "preempt-delay") ? 3600 * US_PER_S
								    : DURATION_MAX_US;
	char buf[SHOW_MAX], lim[32];
	int rc;

	if (value_begin(cfg, opt) < 0)
		return -1;
	rc = conf_duration_parse(value, &us);
	if (rc == -1)
		conf_report(cfg->line, "%s: %.40s has no unit, expected a duration like "
		            "100ms or 1s", opt->name, value);
	else if (rc == -2)
		conf_report(cfg->line, "%s: %s is not a duration, expected a duration like "
		            "100ms or 1s", opt->name, conf_show(buf, value));
	else if (rc == -3 || us > max)
		conf_report(cfg->line, "%s: %.40s is out of range, expected 0s..%s",
		            opt->name, value, conf_duration_str(lim, sizeof(lim), max));
	if (rc < 0 || us > max)
		return -1;
	*(const char **)result = value;
	return 0;
}

int conf_cb_bool(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	char buf[SHOW_MAX];
	int b;

	if (value_begin(cfg, opt) < 0)
		return -1;
	b = cfg_parse_boolean(value);
	if (b < 0) {
		conf_report(cfg->line, "%s: %s is not a boolean, expected true or false",
		            opt->name, conf_show(buf, value));
		return -1;
	}
	*(int *)result = b;
	return 0;
}

int conf_cb_name(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	char buf[SHOW_MAX];

	if (value_begin(cfg, opt) < 0)
		return -1;
	if (!conf_name_ok(value)) {
		conf_report(cfg->line, "%s: %s is not a valid name, " NAME_EXPECTED,
		            opt->name, conf_show(buf, value));
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

/* control-socket must fit sockaddr_un.sun_path with its NUL. */
int conf_cb_path(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
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
		conf_report(cfg->line, "%s: %s is not usable, expected an absolute path of "
		            "at most %zu bytes", opt->name, conf_show(buf, value), max);
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

int conf_cb_ifname(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	char buf[SHOW_MAX];

	if (value_begin(cfg, opt) < 0)
		return -1;
	if (!ifname_ok(value)) {
		conf_report(cfg->line, "%s: %s is not an interface name, expected 1..15 "
		            "characters without '/', ':' or spaces", opt->name, conf_show(buf, value));
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

int conf_cb_protocol(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	char buf[SHOW_MAX];

	if (value_begin(cfg, opt) < 0)
		return -1;
	if (strcmp(value, "vrrp3") && strcmp(value, "hamgr")) {
		conf_report(cfg->line, "%s: %s is not a protocol, expected \"vrrp3\" or "
		            "\"hamgr\"", opt->name, conf_show(buf, value));
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
		conf_report(cfg->line, "%s: too many addresses, expected at most %d",
		            opt->name, LIST_MAX);
		return -1;
	}
	if (ipaddr_parse(value, with_prefix, &ip) < 0) {
		if (!with_prefix && strchr(value, '/'))
			conf_report(cfg->line, "%s: %s has a prefix length, expected a plain "
			            "address like 10.0.0.2", opt->name, conf_show(buf, value));
		else
			conf_report(cfg->line, "%s: %s is not an address, expected %s",
			            opt->name, conf_show(buf, value), with_prefix
			            ? "ADDRESS or ADDRESS/PREFIX like 10.0.0.50/24 or fd00::50/64"
			            : "an address like 10.0.0.2 or fd00::2");
		return -1;
	}
	why = addr_unusable(&ip);
	if (why) {
		conf_report(cfg->line, "%s: %s is %s, expected a unicast address", opt->name,
		            value, why);
		return -1;
	}
	if (with_prefix && ip.prefixlen == 0) {
		conf_report(cfg->line, "%s: %s has prefix length 0, expected 1..%d",
		            opt->name, value, ip.family == IPADDR_V4 ? 32 : 128);
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

int conf_cb_vip(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	return check_addr(cfg, opt, value, result, true);
}

int conf_cb_peer(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	return check_addr(cfg, opt, value, result, false);
}

/* Options of the not-yet-supported sections: only their lines matter. */
int conf_cb_text(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	if (value_begin(cfg, opt) < 0)
		return -1;
	*(const char **)result = value;
	return 0;
}

/* See HEADER_OPT: runs as libconfuse creates the section cfg; any later
 * call comes from a file that names the hidden option. */
int conf_cb_header(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	(void)value;
	if (conf_spot_line(cfg, 0) > 0) {
		conf_report(cfg->line, "no such option '%s'", opt->name);
		return -1;
	}
	*(long *)result = cfg->line;
	return conf_spot_add(cfg, 0, cfg->line);
}
