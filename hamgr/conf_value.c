/* conf_value: the syntax of single values.
 *
 * Every value is checked by a parse callback the moment libconfuse sets it,
 * when cfg->line is the line of that value; the callback records that line
 * ("spots", conf.c) so the checks after parsing can point at it too. */
#include "conf_priv.h"

#include "core/argv.h"

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

/* Node, instance, track and resource names end up in environment variables, JSON,
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

uint64_t conf_getduration(cfg_t *sec, const char *name)
{
	uint64_t us = 0;

	if (cfg_size(sec, name))
		conf_duration_parse(cfg_getstr(sec, name), &us);
	return us;
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
	{ "fall", 1, 255 },        { "weight", -254, 254 },
	{ "restart-limit", 0, 100 },
	{ "port", 1, 65535 },      { "max-entries", 16, 4194304 },
	{ "message-size", 576, 65000 }, { "garp-rate", 10, 100000 },
	{ "realtime-priority", 0, 99 }, { "quorum-nodes", 0, 16 }, { "heartbeat-port", 1, 65535 },
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

/* Durations by section and option; any other: 0s..DURATION_MAX_US
 * (advert-interval: its protocol's limits are checked after parsing).
 * zero_ok: 0s means "not set" below min. */
struct dur_range {
	const char *sec, *name;
	uint64_t min, max;
	bool zero_ok;
};

#define HOUR_US (3600 * US_PER_S)

static const struct dur_range dur_ranges[] = {
	{ "instance", "preempt-delay", 0, HOUR_US, false },
	{ "instance", "startup-gate", 0, HOUR_US, false },
	{ "instance", "settle-gate", 0, 60 * US_PER_S, false },
	{ "instance", "fail-holdoff", 0, HOUR_US, false },
	{ "instance", "fence-timeout", US_PER_S, HOUR_US, false },
	{ "instance", "quorum-wait", 100 * US_PER_MS, 600 * US_PER_S, false },
	{ "track", "interval", 10 * US_PER_MS, HOUR_US, false },
	{ "track", "timeout", 10 * US_PER_MS, HOUR_US, false },
	{ "resource", "timeout", 100 * US_PER_MS, HOUR_US, true },
	{ "resource", "monitor-interval", 100 * US_PER_MS, HOUR_US, true },
	{ "resource", "restart-window", US_PER_S, 24 * HOUR_US, true },
};

static const struct dur_range *dur_range_of(cfg_t *cfg, cfg_opt_t *opt)
{
	static const struct dur_range any = { "", "", 0, DURATION_MAX_US, false };
	size_t i;

	for (i = 0; i < sizeof(dur_ranges) / sizeof(dur_ranges[0]); i++)
		if (!strcmp(dur_ranges[i].sec, cfg->name) &&
		    !strcmp(dur_ranges[i].name, opt->name))
			return &dur_ranges[i];
	return &any;
}

/* Durations stay strings in libconfuse (the checks after parsing quote
 * them as written); this only checks them. */
int conf_cb_duration(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	const struct dur_range *r = dur_range_of(cfg, opt);
	char buf[SHOW_MAX], lo[32], hi[32];
	uint64_t us = 0;
	bool ok = false;
	int rc;

	if (value_begin(cfg, opt) < 0)
		return -1;
	rc = conf_duration_parse(value, &us);
	if (rc == 0)
		ok = (us >= r->min && us <= r->max) || (us == 0 && r->zero_ok);
	if (rc == -1)
		conf_report(cfg->line, "%s: %.40s has no unit, expected a duration like "
		            "100ms or 1s", opt->name, value);
	else if (rc == -2)
		conf_report(cfg->line, "%s: %s is not a duration, expected a duration like "
		            "100ms or 1s", opt->name, conf_show(buf, value));
	else if (!ok)
		conf_report(cfg->line, "%s: %.40s is out of range, expected %s%s..%s",
		            opt->name, value, r->zero_ok && r->min ? "0s or " : "",
		            conf_duration_str(lo, sizeof(lo), r->min),
		            conf_duration_str(hi, sizeof(hi), r->max));
	if (!ok)
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

bool conf_path_ok(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] && (unsigned char)s[i] >= 0x20; i++)
		;
	return s[0] == '/' && s[i] == '\0' && i <= max;
}

/* control-socket must fit sockaddr_un.sun_path with its NUL. */
int conf_cb_path(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	size_t max = !strcmp(opt->name, "control-socket")
		? sizeof(((struct conf *)0)->control_socket) - 1 : CONF_PATH_MAX - 1;
	char buf[SHOW_MAX];

	if (value_begin(cfg, opt) < 0)
		return -1;
	if (!conf_path_ok(value, max)) {
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
		            "characters without '/', ':' or spaces", opt->name,
		            conf_show(buf, value));
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

/* Options that take one of two words; the first is the default (quorum
 * has none: left out, it follows quorum-nodes). */
static const struct {
	const char *name, *what, *a, *b;
} choices[] = {
	{ "protocol", "a protocol", "vrrp3", "hamgr" },
	{ "type", "a resource type", "script", "ocf" },
	{ "phase", "a phase", "after-vips", "before-vips" },
	{ "on-fail", "an on-fail action", "release", "ignore" },
	{ "quorum", "a quorum provider", "majority", "corosync" },
};

int conf_cb_choice(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	char buf[SHOW_MAX];
	size_t i;

	if (value_begin(cfg, opt) < 0)
		return -1;
	for (i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
		if (strcmp(choices[i].name, opt->name))
			continue;
		if (strcmp(value, choices[i].a) && strcmp(value, choices[i].b)) {
			conf_report(cfg->line, "%s: %s is not %s, expected \"%s\" or \"%s\"",
			            opt->name, conf_show(buf, value), choices[i].what,
			            choices[i].a, choices[i].b);
			return -1;
		}
		*(const char **)result = value;
		return 0;
	}
	return -1; /* a choice option without its words: a bug here */
}

/* What one element of an address list may be. */
struct addr_kind {
	bool prefix;            /* ADDRESS/PREFIX as well as ADDRESS */
	bool network;           /* a prefix without host bits (allowed-peers) */
	int max;                /* elements per list */
	const char *expected;
};

static const struct addr_kind vip_kind = { true, false, CONF_VIPS_MAX,
	"ADDRESS or ADDRESS/PREFIX like 10.0.0.50/24 or fd00::50/64" };
static const struct addr_kind peer_kind = { false, false, LIST_MAX,
	"an address like 10.0.0.2 or fd00::2" };
static const struct addr_kind allowed_kind = { true, true, LIST_MAX,
	"an address like 10.0.0.2 or fe80::2, or a prefix like 10.0.0.0/29" };

static int check_addr(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result,
		      const struct addr_kind *k)
{
	struct ipaddr ip, net;
	char buf[SHOW_MAX], nbuf[IPADDR_STRLEN];
	const char *why;
	int idx = value_begin(cfg, opt);

	if (idx < 0)
		return -1;
	if (idx >= k->max) {
		conf_report(cfg->line, "%s: too many addresses, expected at most %d",
		            opt->name, k->max);
		return -1;
	}
	if (ipaddr_parse(value, k->prefix, &ip) < 0) {
		if (!k->prefix && strchr(value, '/'))
			conf_report(cfg->line, "%s: %s has a prefix length, expected a plain "
			            "address like 10.0.0.2", opt->name, conf_show(buf, value));
		else
			conf_report(cfg->line, "%s: %s is not an address, expected %s",
			            opt->name, conf_show(buf, value), k->expected);
		return -1;
	}
	why = addr_unusable(&ip);
	if (why) {
		conf_report(cfg->line, "%s: %s is %s, expected a unicast address", opt->name,
		            value, why);
		return -1;
	}
	if (k->prefix && ip.prefixlen == 0) {
		conf_report(cfg->line, "%s: %s has prefix length 0, expected 1..%d",
		            opt->name, value, ip.family == IPADDR_V4 ? 32 : 128);
		return -1;
	}
	ipaddr_network(&ip, &net);
	if (k->network && !ipaddr_eq(&ip, &net)) {
		conf_report(cfg->line, "%s: %s has host bits set, expected the prefix %s",
		            opt->name, value, ipaddr_str_prefix(&net, nbuf, sizeof(nbuf)));
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

int conf_cb_vip(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	return check_addr(cfg, opt, value, result, &vip_kind);
}

int conf_cb_peer(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	return check_addr(cfg, opt, value, result, &peer_kind);
}

int conf_cb_allowed(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	return check_addr(cfg, opt, value, result, &allowed_kind);
}

/* Strings checked after parsing, where they depend on other values
 * (a resource's script on its type): only their lines matter here. */
int conf_cb_text(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	if (value_begin(cfg, opt) < 0)
		return -1;
	*(const char **)result = value;
	return 0;
}

/* A track's command: argv[0] must be an absolute path, since it runs
 * without a shell (core/argv.h). */
int conf_cb_command(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	/* every word but the last takes a blank: never more words than this */
	char *argv[CONF_CMD_MAX / 2 + 1], words[CONF_CMD_MAX], buf[SHOW_MAX];
	const char *why = NULL;
	int n;

	if (value_begin(cfg, opt) < 0)
		return -1;
	if (strlen(value) >= CONF_CMD_MAX) {
		conf_report(cfg->line, "%s: %s is too long, expected at most %d bytes",
		            opt->name, conf_show(buf, value), CONF_CMD_MAX - 1);
		return -1;
	}
	n = argv_split(value, argv, sizeof(argv) / sizeof(argv[0]), words, sizeof(words),
		       &why);
	if (n < 0) {
		conf_report(cfg->line, "%s: %s is not a command line (%s), expected words "
		            "separated by blanks, '...' or \"...\" grouping words", opt->name,
		            conf_show(buf, value), why);
		return -1;
	}
	if (n == 0 || argv[0][0] != '/') {
		conf_report(cfg->line, "%s: %s does not start with an absolute path, "
		            "expected \"/path/to/program [argument ...]\"", opt->name,
		            conf_show(buf, value));
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

size_t conf_param_name_len(const char *s)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
		"0123456789";

	if (!s[0] || !strchr(alnum, s[0]) || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	return strspn(s, alnum);
}

/* One of a resource's params: "name=value", the name usable in an
 * environment variable (OCF_RESKEY_name, HAMGR_PARAM_name). Duplicates are
 * checked after parsing (conf_resource.c). */
int conf_cb_param(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	char buf[SHOW_MAX];
	int idx = value_begin(cfg, opt);
	size_t n, i;

	if (idx < 0)
		return -1;
	if (idx >= CONF_PARAMS_MAX) {
		conf_report(cfg->line, "%s: too many params, expected at most %d",
		            opt->name, CONF_PARAMS_MAX);
		return -1;
	}
	if (strlen(value) >= CONF_PARAM_MAX) {
		conf_report(cfg->line, "%s: %s is too long, expected at most %d bytes",
		            opt->name, conf_show(buf, value), CONF_PARAM_MAX - 1);
		return -1;
	}
	n = conf_param_name_len(value);
	if (n > 0 && value[n] == '\0') {
		conf_report(cfg->line, "%s: %s has no =VALUE, expected \"NAME=VALUE\" in quotes "
		            "(an unquoted '=' ends the value)", opt->name, conf_show(buf, value));
		return -1;
	}
	for (i = n + 1; n > 0 && value[n] == '=' && (unsigned char)value[i] >= 0x20 &&
	     value[i] != 0x7f; i++)
		;
	if (n == 0 || value[n] != '=' || value[i] != '\0') {
		conf_report(cfg->line, "%s: %s is not a parameter, expected NAME=VALUE, "
		            "NAME of letters, digits and '_' not starting with a digit, VALUE "
		            "without control characters", opt->name, conf_show(buf, value));
		return -1;
	}
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
