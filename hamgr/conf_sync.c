/* conf_sync: the global sync section into struct conf_sync.
 *
 *     sync { interface = "eth1"
 *            peers = {"192.0.2.2"} | multicast = "239.192.0.1"
 *            port = 3780  protocols = {"tcp", "udp", "icmp"}
 *            ignore = {"198.51.100.0/24"}  max-entries = 131072
 *            message-size = 1400  release = "keep" | "flush"
 *            tcp-window-tracking = false }
 *
 * One section at most; with it, conntrack-sync = true is accepted in
 * instances, and it needs auth-key-file (every sync message is signed).
 * The values' syntax is checked as they are read; what needs several
 * values, and the rest of the file, here. */
#include "conf_priv.h"

#include <string.h>

#define SYNC_MAX_ENTRIES_DEFAULT 131072
#define SYNC_MESSAGE_SIZE_DEFAULT 1400

static int cb_proto(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
static int cb_prefix(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
static int cb_group(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
static int cb_release(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);

cfg_opt_t conf_sync_opts[] = {
	CFG_STR_CB("interface", NULL, CFGF_NODEFAULT, conf_cb_ifname),
	CFG_STR_LIST_CB("peers", NULL, CFGF_NONE, conf_cb_peer),
	CFG_STR_CB("multicast", NULL, CFGF_NODEFAULT, cb_group),
	CFG_INT_CB("port", 3780, CFGF_NONE, conf_cb_int),
	CFG_STR_LIST_CB("protocols", "{tcp,udp,icmp}", CFGF_NONE, cb_proto),
	CFG_STR_LIST_CB("ignore", NULL, CFGF_NONE, cb_prefix),
	CFG_INT_CB("max-entries", SYNC_MAX_ENTRIES_DEFAULT, CFGF_NONE, conf_cb_int),
	CFG_INT_CB("message-size", SYNC_MESSAGE_SIZE_DEFAULT, CFGF_NONE, conf_cb_int),
	CFG_STR_CB("release", "keep", CFGF_NONE, cb_release),
	CFG_BOOL_CB("tcp-window-tracking", cfg_false, CFGF_NONE, conf_cb_bool),
	HEADER,
	CFG_END()
};

static unsigned proto_bit(const char *s)
{
	return !strcmp(s, "tcp") ? CONF_SYNC_TCP : !strcmp(s, "udp") ? CONF_SYNC_UDP
	     : !strcmp(s, "icmp") ? CONF_SYNC_ICMP : 0;
}

/* libconfuse parses list defaults with the callback too, while no file
 * line is known: only a value written in the file is checked for
 * repetition. */
static int cb_proto(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	char buf[SHOW_MAX];

	if (!proto_bit(value)) {
		conf_report(cfg->line, "%s: %s is not a protocol, expected \"tcp\", \"udp\" "
		            "or \"icmp\"", opt->name, conf_show(buf, value));
		return -1;
	}
	if (cfg->line && conf_spot_add(opt, (unsigned)cfg_opt_size(opt), cfg->line) < 0)
		return -1;
	*(const char **)result = value;
	return 0;
}

static int cb_prefix(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	struct ipaddr ip;
	char buf[SHOW_MAX];
	unsigned idx = (unsigned)cfg_opt_size(opt);

	if (idx >= CONF_SYNC_IGNORE_MAX) {
		conf_report(cfg->line, "%s: too many prefixes, expected at most %d", opt->name,
		            CONF_SYNC_IGNORE_MAX);
		return -1;
	}
	if (ipaddr_parse(value, true, &ip) < 0) {
		conf_report(cfg->line, "%s: %s is not a prefix, expected ADDRESS/LENGTH like "
		            "198.51.100.0/24 or 2001:db8::/32", opt->name, conf_show(buf, value));
		return -1;
	}
	if (conf_spot_add(opt, idx, cfg->line) < 0)
		return -1;
	*(const char **)result = value;
	return 0;
}

static bool is_multicast(const struct ipaddr *ip)
{
	return ip->family == IPADDR_V4 ? ip->a[0] >= 224 && ip->a[0] < 240 : ip->a[0] == 0xff;
}

static int cb_group(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	struct ipaddr ip;
	char buf[SHOW_MAX];

	if (ipaddr_parse(value, false, &ip) < 0 || !is_multicast(&ip)) {
		conf_report(cfg->line, "%s: %s is not a multicast group, expected an address "
		            "like 239.192.0.1 or ff02::1:3780", opt->name, conf_show(buf, value));
		return -1;
	}
	if (conf_spot_add(opt, 0, cfg->line) < 0)
		return -1;
	*(const char **)result = value;
	return 0;
}

static int cb_release(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	char buf[SHOW_MAX];

	if (strcmp(value, "keep") && strcmp(value, "flush")) {
		conf_report(cfg->line, "%s: %s is not a release policy, expected \"keep\" or "
		            "\"flush\"", opt->name, conf_show(buf, value));
		return -1;
	}
	*(const char **)result = value;
	return 0;
}

static void addresses(cfg_t *t, struct conf_sync *s)
{
	size_t i, j, n = cfg_size(t, "peers");
	char a[IPADDR_STRLEN];

	for (i = 0; i < n && i < CONF_SYNC_PEERS_MAX; i++)
		ipaddr_parse(cfg_getnstr(t, "peers", (unsigned)i), false, &s->peers[i]);
	s->n_peers = i;
	if (n > CONF_SYNC_PEERS_MAX)
		conf_report(conf_line_of(t, "peers", CONF_SYNC_PEERS_MAX, s->line),
		            "peers: too many peers, expected at most %d", CONF_SYNC_PEERS_MAX);
	if (cfg_size(t, "multicast"))
		ipaddr_parse(cfg_getstr(t, "multicast"), false, &s->multicast);
	if (n && s->multicast.family)
		conf_report(conf_line_of(t, "multicast", 0, s->line), "sync: both peers and "
		            "multicast are set, expected one of them");
	else if (!n && !s->multicast.family)
		conf_report(s->line, "sync: peers or multicast is required, expected peers = "
		            "{\"ADDRESS\", ...} or multicast = \"GROUP\"");
	for (i = 1; i < s->n_peers; i++) {
		if (s->peers[i].family != s->peers[0].family)
			conf_report(conf_line_of(t, "peers", (unsigned)i, s->line), "peers: %s is "
			            "not of the family of %s, expected one family",
			            ipaddr_str(&s->peers[i], a, sizeof(a)),
			            cfg_getnstr(t, "peers", 0));
		for (j = 0; j < i; j++)
			if (ipaddr_eq(&s->peers[i], &s->peers[j]))
				conf_report(conf_line_of(t, "peers", (unsigned)i, s->line),
				            "peers: %s is listed twice",
				            ipaddr_str(&s->peers[i], a, sizeof(a)));
	}
	n = cfg_size(t, "ignore");
	for (i = 0; i < n && i < CONF_SYNC_IGNORE_MAX; i++)
		ipaddr_parse(cfg_getnstr(t, "ignore", (unsigned)i), true, &s->ignore[i]);
	s->n_ignore = i;
}

static void build_one(cfg_t *t, struct conf_sync *s)
{
	size_t i, n;

	s->present = true;
	s->line = conf_header_line(t);
	if (cfg_size(t, "interface") == 0)
		conf_report(s->line, "sync: interface is required, expected the interface "
		            "of the sync link, like interface = \"eth1\"");
	else
		conf_copy_str(s->interface, sizeof(s->interface), cfg_getstr(t, "interface"));
	addresses(t, s);
	s->port = (uint16_t)cfg_getint(t, "port");
	n = cfg_size(t, "protocols");
	for (i = 0; i < n; i++)
		s->protocols |= proto_bit(cfg_getnstr(t, "protocols", (unsigned)i));
	if (!s->protocols)
		conf_report(conf_line_of(t, "protocols", 0, s->line), "protocols: empty, "
		            "expected one or more of \"tcp\", \"udp\", \"icmp\"");
	s->max_entries = (unsigned)cfg_getint(t, "max-entries");
	s->message_size = (unsigned)cfg_getint(t, "message-size");
	s->release = strcmp(cfg_getstr(t, "release"), "flush") ? CONF_SYNC_KEEP
								: CONF_SYNC_FLUSH;
	s->tcp_window_tracking = cfg_getbool(t, "tcp-window-tracking");
}

void conf_sync_build(cfg_t *root, struct conf *c)
{
	size_t n = cfg_size(root, "sync"), i;
	int first = 0;

	if (n > 1) {
		conf_report(conf_header_line(cfg_getnsec(root, "sync", 1)), "sync: a second sync "
		            "section (the first at line %d), expected one",
		            conf_header_line(cfg_getnsec(root, "sync", 0)));
		return;
	}
	if (n == 1)
		build_one(cfg_getnsec(root, "sync", 0), &c->sync);
	for (i = 0; i < c->n_instances; i++)
		if (c->instances[i].conntrack_sync && !first)
			first = c->instances[i].line;
	if (first && !c->sync.present)
		conf_report(first, "conntrack-sync = true needs a sync section, expected "
		            "sync { interface = \"IFACE\"; peers = {\"ADDRESS\"} }");
	if (c->sync.present && !c->auth_key_file[0])
		conf_report(c->sync.line, "sync: conntrack-sync messages are signed, expected "
		            "auth-key-file = \"/etc/hamgr/authkey\" (hamgr --genkey makes one)");
}

static bool addrs_equal(const struct ipaddr *a, const struct ipaddr *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ipaddr_eq(&a[i], &b[i]) || a[i].prefixlen != b[i].prefixlen)
			return false;
	return true;
}

bool conf_sync_equal(const struct conf_sync *a, const struct conf_sync *b)
{
	return a->present == b->present && !strcmp(a->interface, b->interface) &&
	       a->n_peers == b->n_peers && addrs_equal(a->peers, b->peers, a->n_peers) &&
	       a->multicast.family == b->multicast.family &&
	       (!a->multicast.family || ipaddr_eq(&a->multicast, &b->multicast)) &&
	       a->port == b->port && a->protocols == b->protocols &&
	       a->n_ignore == b->n_ignore && addrs_equal(a->ignore, b->ignore, a->n_ignore) &&
	       a->max_entries == b->max_entries && a->message_size == b->message_size &&
	       a->release == b->release && a->tcp_window_tracking == b->tcp_window_tracking;
}
