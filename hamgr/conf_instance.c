/* conf_instance: one instance section into struct conf_instance, and the
 * checks that need more than one value: required options, address lists
 * (unicast-peers, allowed-peers) and families, protocol limits, and
 * instances against each other. */
#include "conf_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/heartbeat.h"

#define VRRP3_MIN_US (10 * US_PER_MS)      /* RFC 5798: centiseconds, 12 bits */
#define VRRP3_MAX_US (40950 * US_PER_MS)
#define VRRP3_STEP_US (10 * US_PER_MS)

static const char *family_name(const struct ipaddr *ip)
{
	return ip->family == IPADDR_V6 ? "IPv6" : "IPv4";
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
		conf_report(0, "out of memory");
		return 0;
	}
	for (i = 0; i < n; i++)
		ipaddr_parse(cfg_getnstr(sec, name, (unsigned)i), with_prefix, &(*out)[i]);
	return n;
}

static void basics(cfg_t *sec, struct conf_instance *in)
{
	char buf[SHOW_MAX];
	const char *shown = conf_title_show(buf, cfg_title(sec) ? cfg_title(sec) : "");

	in->line = conf_section_name(sec, "instance", in->name);
	if (cfg_size(sec, "interface") == 0) {
		conf_report(in->line, "instance %s: interface is required", shown);
	} else {
		conf_copy_str(in->interface, sizeof(in->interface), cfg_getstr(sec, "interface"));
		in->interface_line = conf_line_of(sec, "interface", 0, in->line);
	}
	if (cfg_size(sec, "vrid") == 0)
		conf_report(in->line, "instance %s: vrid is required, expected 1..255", shown);
	else
		in->vrid = (uint8_t)cfg_getint(sec, "vrid");
	in->priority = (uint8_t)cfg_getint(sec, "priority");
	in->garp_repeat = (unsigned)cfg_getint(sec, "garp-repeat");
	in->garp_rate = (unsigned)cfg_getint(sec, "garp-rate");
	in->preempt = cfg_getbool(sec, "preempt");
	in->conntrack_sync = cfg_getbool(sec, "conntrack-sync");
	in->protocol = strcmp(cfg_getstr(sec, "protocol"), "hamgr") ? CONF_PROTO_VRRP3
								      : CONF_PROTO_HAMGR;
	in->protocol_line = conf_line_of(sec, "protocol", 0, 0);
	in->advert_interval_us = conf_getduration(sec, "advert-interval");
	in->preempt_delay_us = conf_getduration(sec, "preempt-delay");
	in->startup_gate_us = conf_getduration(sec, "startup-gate");
	in->fail_holdoff_us = conf_getduration(sec, "fail-holdoff");
	if (cfg_size(sec, "fence")) {
		conf_copy_str(in->fence, sizeof(in->fence), cfg_getstr(sec, "fence"));
		in->fence_line = conf_line_of(sec, "fence", 0, in->line);
	}
	in->fence_timeout_us = conf_getduration(sec, "fence-timeout");
}

/* quorum, quorum-nodes, quorum-wait: who says whether the node may hold
 * the role. quorum-nodes alone is the majority count (as before quorum
 * existed); quorum = "corosync" takes corosync's votequorum instead. */
static void quorum_build(cfg_t *sec, struct conf_instance *in)
{
	const char *q = cfg_size(sec, "quorum") ? cfg_getstr(sec, "quorum") : NULL;
	int qline = conf_line_of(sec, "quorum", 0, in->line);
	int wline = conf_line_of(sec, "quorum-wait", 0, in->line);

	in->quorum_nodes = (unsigned)cfg_getint(sec, "quorum-nodes");
	in->quorum_line = conf_line_of(sec, "quorum-nodes", 0, in->line);
	if (q && !strcmp(q, "corosync")) {
		in->quorum = CONF_QUORUM_COROSYNC;
		in->quorum_line = qline;
		if (in->quorum_nodes)
			conf_report(conf_line_of(sec, "quorum-nodes", 0, in->line),
			            "quorum-nodes: corosync counts the nodes with quorum = "
			            "\"corosync\" (line %d), expected no quorum-nodes or "
			            "quorum = \"majority\"", qline);
		in->quorum_nodes = 0;
	} else if (q || in->quorum_nodes) {
		in->quorum = CONF_QUORUM_MAJORITY;
		if (!in->quorum_nodes)
			conf_report(qline, "quorum: \"majority\" needs the number of nodes, "
			            "expected quorum-nodes = 3..16 beside it");
		/* One or two nodes have no majority to speak of: a pair needs
		 * a witness instead. */
		else if (in->quorum_nodes < 3)
			conf_report(in->quorum_line, "quorum-nodes: %u is too few for a "
			            "majority, expected 3..16 (a pair uses a witness track "
			            "instead) or 0", in->quorum_nodes);
	}
	if (!cfg_size(sec, "quorum-wait"))
		return;
	if (in->quorum != CONF_QUORUM_COROSYNC)
		conf_report(wline, "quorum-wait: only for quorum = \"corosync\" (the "
		            "majority's wait follows the advert interval), expected "
		            "quorum = \"corosync\" or no quorum-wait");
	else
		in->quorum_wait_us = conf_getduration(sec, "quorum-wait");
}

static void protocol_checks(cfg_t *sec, const struct conf_instance *in)
{
	const char *adv = cfg_getstr(sec, "advert-interval");
	int line = conf_line_of(sec, "advert-interval", 0, in->line);
	uint64_t us = in->advert_interval_us;

	if (in->protocol == CONF_PROTO_HAMGR) {
		if (us < HEARTBEAT_INTERVAL_MIN_US || us > HEARTBEAT_INTERVAL_MAX_US)
			conf_report(line, "advert-interval: %s is out of range, expected "
			            "1ms..60s for protocol \"hamgr\"", adv);
	} else if (us < VRRP3_MIN_US || us > VRRP3_MAX_US)
		conf_report(line, "advert-interval: %s is out of range, expected "
		            "10ms..40950ms for protocol \"vrrp3\"", adv);
	else if (us % VRRP3_STEP_US)
		conf_report(line, "advert-interval: %s is not a multiple of 10ms, expected "
		            "whole centiseconds for protocol \"vrrp3\"", adv);
	if (!in->preempt && in->preempt_delay_us)
		conf_report(conf_line_of(sec, "preempt-delay", 0, in->line),
		            "preempt-delay: %s has no effect with preempt = false, expected "
		            "0s or preempt = true", cfg_getstr(sec, "preempt-delay"));
}

/* The same address twice in one list; in a list of prefixes (nets) also
 * an entry within another, reported at the narrower one. */
static void list_dups(cfg_t *sec, const char *name, const struct ipaddr *a, size_t n,
		      bool nets)
{
	char buf[IPADDR_STRLEN];
	size_t i, j, inner, outer;

	for (i = 1; i < n; i++)
		for (j = 0; j < i; j++) {
			inner = nets && a[i].prefixlen < a[j].prefixlen ? j : i;
			outer = inner == i ? j : i;
			if (!(nets ? ipaddr_in_prefix(&a[inner], &a[outer])
				   : ipaddr_eq(&a[i], &a[j])))
				continue;
			if (!nets || a[i].prefixlen == a[j].prefixlen)
				conf_report(conf_line_of(sec, name, (unsigned)i, 0),
				            "%s: %s is listed twice (first at line %d)", name,
				            cfg_getnstr(sec, name, (unsigned)i),
				            conf_line_of(sec, name, (unsigned)j, 0));
			else
				conf_report(conf_line_of(sec, name, (unsigned)inner, 0),
				            "%s: %s is within %s (line %d), expected each "
				            "address once", name,
				            cfg_getnstr(sec, name, (unsigned)inner),
				            ipaddr_str_prefix(&a[outer], buf, sizeof(buf)),
				            conf_line_of(sec, name, (unsigned)outer, 0));
			break;
		}
}

/* Element i of the address list name is of the advert family: VRRPv3
 * carries one family per advert, the family of the first VIP. */
static void family_check(cfg_t *sec, const struct conf_instance *in, const char *name,
			 const struct ipaddr *p, size_t i)
{
	const struct ipaddr *first = &in->vips[0];
	char fbuf[IPADDR_STRLEN];

	if (p->family != first->family)
		conf_report(conf_line_of(sec, name, (unsigned)i, in->line), "%s: %s is %s but "
		            "the instance advertises %s (the family of its first VIP %s), "
		            "expected an %s address", name, cfg_getnstr(sec, name, (unsigned)i),
		            family_name(p), family_name(first),
		            ipaddr_str_prefix(first, fbuf, sizeof(fbuf)), family_name(first));
}

static void peer_checks(cfg_t *sec, const struct conf_instance *in)
{
	size_t i, j;

	for (i = 0; i < in->n_unicast_peers; i++) {
		const struct ipaddr *p = &in->unicast_peers[i];
		const char *s = cfg_getnstr(sec, "unicast-peers", (unsigned)i);
		int line = conf_line_of(sec, "unicast-peers", (unsigned)i, in->line);

		family_check(sec, in, "unicast-peers", p, i);
		for (j = 0; j < in->n_vips; j++)
			if (ipaddr_eq(p, &in->vips[j]))
				conf_report(line, "unicast-peers: %s is a VIP of this instance, "
				            "expected the address of a peer node", s);
	}
}

/* allowed-peers: in multicast mode only (with unicast-peers only the
 * listed peers are heard already), never empty, of the advert family. */
static void allowed_checks(cfg_t *sec, const struct conf_instance *in)
{
	int line = conf_line_of(sec, "allowed-peers", 0, in->line);
	bool written = cfg_getopt(sec, "allowed-peers")->flags & CFGF_MODIFIED;
	size_t i;

	if (in->n_allowed_peers == 0 && written) {
		line = conf_text_option_line(conf_ctx->text, in->line, "allowed-peers");
		conf_report(line ? line : in->line, "allowed-peers: the list is empty, expected "
		            "at least one address or prefix (leave allowed-peers out to accept "
		            "adverts from any source)");
	}
	if (in->n_allowed_peers && in->n_unicast_peers)
		conf_report(line, "allowed-peers: not with unicast-peers (line %d): only the "
		            "unicast peers are heard already, expected one of the two",
		            conf_line_of(sec, "unicast-peers", 0, in->line));
	for (i = 0; i < in->n_allowed_peers; i++)
		family_check(sec, in, "allowed-peers", &in->allowed_peers[i], i);
}

/* settle-gate: the settle gate waits, after a failover, for a second
 * backup that took over at the same instant (docs/DESIGN.md, F1). Only a
 * node that hears a single peer can do without it: one unicast peer, or
 * one allowed peer that is a host address. Longer than the default is
 * always allowed. */
static void settle_checks(cfg_t *sec, struct conf_instance *in)
{
	int line = conf_line_of(sec, "settle-gate", 0, in->line);
	uint64_t dflt = 2 * in->advert_interval_us;
	char lo[32];
	bool pair = in->n_unicast_peers == 1 ||
		    (in->n_allowed_peers == 1 &&
		     in->allowed_peers[0].prefixlen ==
		      (in->allowed_peers[0].family == IPADDR_V4 ? 32 : 128));

	if (!cfg_size(sec, "settle-gate"))
		return;
	in->settle_gate_set = true;
	in->settle_gate_us = conf_getduration(sec, "settle-gate");
	if (in->settle_gate_us < dflt && !pair)
		conf_report(line, "settle-gate: %s is shorter than two advert intervals (%s), "
		            "which only a pair may use: two backups could promote at once, "
		            "expected exactly one unicast-peers or allowed-peers address, or "
		            "settle-gate >= %s", cfg_getstr(sec, "settle-gate"),
		            conf_duration_str(lo, sizeof(lo), dflt), lo);
}

static void addresses(cfg_t *sec, struct conf_instance *in)
{
	in->n_vips = addr_list(sec, "vips", true, &in->vips);
	in->vips_line = conf_line_of(sec, "vips", 0, in->line);
	in->n_unicast_peers = addr_list(sec, "unicast-peers", false, &in->unicast_peers);
	in->n_allowed_peers = addr_list(sec, "allowed-peers", true, &in->allowed_peers);
	if (in->n_vips == 0) {
		char buf[SHOW_MAX];

		conf_report(in->line, "instance %s: vips is required, expected at least one "
		            "address", conf_title_show(buf, in->name));
		return;
	}
	list_dups(sec, "vips", in->vips, in->n_vips, false);
	list_dups(sec, "unicast-peers", in->unicast_peers, in->n_unicast_peers, false);
	list_dups(sec, "allowed-peers", in->allowed_peers, in->n_allowed_peers, true);
	peer_checks(sec, in);
	allowed_checks(sec, in);
	settle_checks(sec, in);
}

void conf_instance_cross_check(cfg_t *root, const struct conf *c, size_t i, size_t j)
{
	const struct conf_instance *a = &c->instances[i], *b = &c->instances[j];
	cfg_t *sa = cfg_getnsec(root, "instance", (unsigned)i);
	cfg_t *sb = cfg_getnsec(root, "instance", (unsigned)j);
	char buf[SHOW_MAX];
	const char *name = conf_title_show(buf, a->name);
	size_t x, y;

	if (a->vrid && a->vrid == b->vrid && a->n_vips && b->n_vips &&
	    a->vips[0].family == b->vips[0].family && a->interface[0] &&
	    !strcmp(a->interface, b->interface))
		conf_report(conf_line_of(sb, "vrid", 0, b->line), "vrid: %u on %s (%s) is already "
		            "used by instance %s (line %d), expected a vrid unique per "
		            "interface and address family", b->vrid, b->interface,
		            family_name(&b->vips[0]), name, a->line);
	for (y = 0; y < b->n_vips; y++)
		for (x = 0; x < a->n_vips; x++)
			if (ipaddr_eq(&b->vips[y], &a->vips[x]))
				conf_report(conf_line_of(sb, "vips", (unsigned)y, b->line),
				            "vips: %s is already a VIP of instance %s (line %d)",
				            cfg_getnstr(sb, "vips", (unsigned)y), name,
				            conf_line_of(sa, "vips", (unsigned)x, a->line));
}


/* heartbeat-paths: interfaces beside the instance's, protocol "hamgr" only. */
static void paths(cfg_t *sec, struct conf_instance *in)
{
	size_t n = cfg_size(sec, "heartbeat-paths"), i, j;

	if (n && in->protocol != CONF_PROTO_HAMGR) {
		conf_report(conf_line_of(sec, "heartbeat-paths", 0, in->line),
		            "heartbeat-paths: VRRPv3 has one path, expected protocol = \"hamgr\" "
		            "for several");
		return;
	}
	for (i = 0; i < n; i++) {
		const char *s = cfg_getnstr(sec, "heartbeat-paths", (unsigned)i);
		int line = conf_line_of(sec, "heartbeat-paths", (unsigned)i, in->line);

		if (i == CONF_PATHS_MAX) {
			conf_report(line, "heartbeat-paths: %s is one too many, expected at most "
			            "%d interfaces", s, CONF_PATHS_MAX);
			return;
		}
		if (!strcmp(s, in->interface))
			conf_report(line, "heartbeat-paths: %s is the instance's interface, "
			            "expected another one", s);
		for (j = 0; j < i; j++)
			if (!strcmp(s, in->paths[j]))
				conf_report(line, "heartbeat-paths: %s is listed twice", s);
		conf_copy_str(in->paths[i], sizeof(in->paths[i]), s);
		in->n_paths = i + 1;
	}
}

void conf_instance_build(cfg_t *sec, struct conf_instance *in)
{
	basics(sec, in);
	quorum_build(sec, in);
	addresses(sec, in);
	protocol_checks(sec, in);
	paths(sec, in);
	conf_track_build(sec, in);
	conf_resource_build(sec, in);
}
