/* ctsync_nl: ctnetlink conntrack messages to and from sync entries, with
 * libmnl. The attributes are those of linux/netfilter/nfnetlink_conntrack.h:
 * CTA_TUPLE_ORIG / CTA_TUPLE_REPLY (CTA_TUPLE_IP, CTA_TUPLE_PROTO),
 * CTA_STATUS, CTA_TIMEOUT, CTA_MARK, CTA_PROTOINFO_TCP (state, window
 * scale, flags), CTA_NAT_SRC / CTA_NAT_DST for the commit. */
#include "ctsync_priv.h"

#include <arpa/inet.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <string.h>
#include <sys/socket.h>

#define P_ICMP 1
#define P_TCP 6
#define P_UDP 17
#define P_ICMPV6 58
/* What a commit may set in the status (the kernel owns the rest: NAT bits
 * follow CTA_NAT_*). ctnetlink marks a new entry CONFIRMED before it
 * applies CTA_STATUS and answers EBUSY to a status that would clear
 * CONFIRMED (or change EXPECTED or DYING): so CONFIRMED is always set. */
#define STATUS_SETTABLE (IPS_SEEN_REPLY | IPS_ASSURED)
#define STATUS_ALWAYS IPS_CONFIRMED
/* TCP flags worth carrying into a new entry: the options both ends
 * negotiated, and a liberal entry stays liberal. MAXACK_SET and the like
 * describe window data the commit cannot set. */
#define TFLAGS_SETTABLE (IP_CT_TCP_FLAG_WINDOW_SCALE | IP_CT_TCP_FLAG_SACK_PERM | \
			 IP_CT_TCP_FLAG_BE_LIBERAL)

struct tb {
	const struct nlattr **a;
	int max;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct tb *t = data;
	int type = mnl_attr_get_type(attr);

	if (type <= t->max)
		t->a[type] = attr;
	return MNL_CB_OK;
}

static bool nested(const struct nlattr *attr, const struct nlattr **a, int max)
{
	struct tb t = { a, max };

	memset(a, 0, sizeof(*a) * (size_t)(max + 1));
	return attr && mnl_attr_parse_nested(attr, attr_cb, &t) >= 0;
}

static bool get_bytes(const struct nlattr *a, void *dst, size_t n)
{
	if (!a || mnl_attr_get_payload_len(a) < n)
		return false;
	memcpy(dst, mnl_attr_get_payload(a), n);
	return true;
}

static uint16_t get_be16(const struct nlattr *a)
{
	uint16_t v = 0;

	get_bytes(a, &v, 2);
	return ntohs(v);
}

static uint8_t get_u8(const struct nlattr *a)
{
	uint8_t v = 0;

	get_bytes(a, &v, 1);
	return v;
}

static uint32_t get_be32(const struct nlattr *a)
{
	uint32_t v = 0;

	get_bytes(a, &v, 4);
	return ntohl(v);
}

static bool parse_tuple(const struct nlattr *attr, uint8_t family, struct ctmsg_tuple *t)
{
	const struct nlattr *tb[CTA_TUPLE_MAX + 1], *ip[CTA_IP_MAX + 1],
			    *pr[CTA_PROTO_MAX + 1];
	size_t alen = family == 4 ? 4 : 16;

	if (!nested(attr, tb, CTA_TUPLE_MAX) || !nested(tb[CTA_TUPLE_IP], ip, CTA_IP_MAX) ||
	    !nested(tb[CTA_TUPLE_PROTO], pr, CTA_PROTO_MAX))
		return false;
	if (tb[CTA_TUPLE_ZONE] && get_be16(tb[CTA_TUPLE_ZONE]) != 0)
		return false;   /* zones are not synced */
	t->family = family;
	if (!get_bytes(ip[family == 4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC], t->src, alen) ||
	    !get_bytes(ip[family == 4 ? CTA_IP_V4_DST : CTA_IP_V6_DST], t->dst, alen) ||
	    !pr[CTA_PROTO_NUM])
		return false;
	t->proto = get_u8(pr[CTA_PROTO_NUM]);
	switch (t->proto) {
	case P_TCP:
	case P_UDP:
		t->sport = get_be16(pr[CTA_PROTO_SRC_PORT]);
		t->dport = get_be16(pr[CTA_PROTO_DST_PORT]);
		return pr[CTA_PROTO_SRC_PORT] && pr[CTA_PROTO_DST_PORT];
	case P_ICMP:
		t->sport = get_be16(pr[CTA_PROTO_ICMP_ID]);
		t->dport = (uint16_t)(get_u8(pr[CTA_PROTO_ICMP_TYPE]) << 8 |
				      get_u8(pr[CTA_PROTO_ICMP_CODE]));
		return family == 4 && pr[CTA_PROTO_ICMP_ID];
	case P_ICMPV6:
		t->sport = get_be16(pr[CTA_PROTO_ICMPV6_ID]);
		t->dport = (uint16_t)(get_u8(pr[CTA_PROTO_ICMPV6_TYPE]) << 8 |
				      get_u8(pr[CTA_PROTO_ICMPV6_CODE]));
		return family == 6 && pr[CTA_PROTO_ICMPV6_ID];
	default:
		return false;
	}
}

static void parse_tcp(const struct nlattr *attr, struct ctmsg_entry *e)
{
	const struct nlattr *pi[CTA_PROTOINFO_MAX + 1], *tcp[CTA_PROTOINFO_TCP_MAX + 1];
	uint8_t state;

	if (!nested(attr, pi, CTA_PROTOINFO_MAX) ||
	    !nested(pi[CTA_PROTOINFO_TCP], tcp, CTA_PROTOINFO_TCP_MAX) ||
	    !tcp[CTA_PROTOINFO_TCP_STATE])
		return;
	state = get_u8(tcp[CTA_PROTOINFO_TCP_STATE]);
	if (state < 1 || state > CTMSG_TCP_STATE_MAX)
		return;
	e->flags |= CTMSG_E_TCP;
	e->tcp_state = state;
	e->wscale_orig = get_u8(tcp[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL]);
	e->wscale_reply = get_u8(tcp[CTA_PROTOINFO_TCP_WSCALE_REPLY]);
	if (e->wscale_orig > CTMSG_WSCALE_MAX)
		e->wscale_orig = CTMSG_WSCALE_MAX;
	if (e->wscale_reply > CTMSG_WSCALE_MAX)
		e->wscale_reply = CTMSG_WSCALE_MAX;
	e->tflags_orig = get_u8(tcp[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL]);
	e->tflags_reply = get_u8(tcp[CTA_PROTOINFO_TCP_FLAGS_REPLY]);
}

int ctsync_nl_parse(const struct nlmsghdr *nlh, struct ctmsg_entry *e, bool *destroy)
{
	const struct nlattr *tb[CTA_MAX + 1];
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	struct tb t = { tb, CTA_MAX };
	uint8_t family;
	int type = nlh->nlmsg_type & 0xff;

	memset(e, 0, sizeof(*e));
	memset(tb, 0, sizeof(tb));
	if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_CTNETLINK ||
	    (type != IPCTNL_MSG_CT_NEW && type != IPCTNL_MSG_CT_DELETE) ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
		return 0;
	family = nfg->nfgen_family == AF_INET ? 4 : nfg->nfgen_family == AF_INET6 ? 6 : 0;
	if (!family || mnl_attr_parse(nlh, sizeof(*nfg), attr_cb, &t) < 0)
		return 0;
	*destroy = type == IPCTNL_MSG_CT_DELETE;
	if (!parse_tuple(tb[CTA_TUPLE_ORIG], family, &e->orig))
		return 0;
	e->reply.family = family;
	e->reply.proto = e->orig.proto;
	if (*destroy)
		return 1;
	if (!tb[CTA_TUPLE_REPLY] || !parse_tuple(tb[CTA_TUPLE_REPLY], family, &e->reply))
		return 0;
	e->status = get_be32(tb[CTA_STATUS]);
	e->timeout = get_be32(tb[CTA_TIMEOUT]);
	e->mark = get_be32(tb[CTA_MARK]);
	if (e->orig.proto == P_TCP)
		parse_tcp(tb[CTA_PROTOINFO], e);
	return ctmsg_entry_ok(CTMSG_UPDATE, e) ? 1 : 0;
}

static struct nlmsghdr *put_hdr(void *buf, int type, uint16_t flags, uint32_t seq,
				uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (uint16_t)(NFNL_SUBSYS_CTNETLINK << 8 | type);
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

static void put_tuple(struct nlmsghdr *nlh, int type, const struct ctmsg_tuple *t)
{
	struct nlattr *tup = mnl_attr_nest_start(nlh, (uint16_t)type), *n;
	bool v4 = t->family == 4;

	n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put(nlh, v4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC, v4 ? 4 : 16, t->src);
	mnl_attr_put(nlh, v4 ? CTA_IP_V4_DST : CTA_IP_V6_DST, v4 ? 4 : 16, t->dst);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, t->proto);
	if (t->proto == P_TCP || t->proto == P_UDP) {
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(t->sport));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(t->dport));
	} else if (t->proto == P_ICMP) {
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMP_ID, htons(t->sport));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_TYPE, (uint8_t)(t->dport >> 8));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_CODE, (uint8_t)t->dport);
	} else {
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMPV6_ID, htons(t->sport));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_TYPE, (uint8_t)(t->dport >> 8));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_CODE, (uint8_t)t->dport);
	}
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, tup);
}

/* CTA_NAT_SRC / CTA_NAT_DST: the address (and port) the reply tuple shows,
 * as a range of one, so the kernel's NAT maps exactly as the master's did. */
static void put_nat(struct nlmsghdr *nlh, int type, uint8_t family, uint8_t proto,
		    const uint8_t *addr, uint16_t port)
{
	struct nlattr *nat = mnl_attr_nest_start(nlh, (uint16_t)type), *pn;
	bool v4 = family == 4;

	mnl_attr_put(nlh, v4 ? CTA_NAT_V4_MINIP : CTA_NAT_V6_MINIP, v4 ? 4 : 16, addr);
	mnl_attr_put(nlh, v4 ? CTA_NAT_V4_MAXIP : CTA_NAT_V6_MAXIP, v4 ? 4 : 16, addr);
	if (proto == P_TCP || proto == P_UDP) {
		pn = mnl_attr_nest_start(nlh, CTA_NAT_PROTO);
		mnl_attr_put_u16(nlh, CTA_PROTONAT_PORT_MIN, htons(port));
		mnl_attr_put_u16(nlh, CTA_PROTONAT_PORT_MAX, htons(port));
		mnl_attr_nest_end(nlh, pn);
	}
	mnl_attr_nest_end(nlh, nat);
}

/* The reply tuple a new entry is created with. Under NAT it is the one
 * without translation (the inverted original tuple; ICMP keeps its reply
 * type): the kernel's NAT setup (CTA_NAT_*) then translates it and marks
 * the entry SRC_NAT/DST_NAT, which is what makes it mangle packets. Given
 * the translated reply tuple, it would find nothing to translate and the
 * entry would forward untranslated. */
static struct ctmsg_tuple reply_for_create(const struct ctmsg_entry *e)
{
	struct ctmsg_tuple r = e->reply;

	if (!(e->status & (IPS_SRC_NAT | IPS_DST_NAT)))
		return r;
	memcpy(r.src, e->orig.dst, sizeof(r.src));
	memcpy(r.dst, e->orig.src, sizeof(r.dst));
	if (e->orig.proto == P_TCP || e->orig.proto == P_UDP) {
		r.sport = e->orig.dport;
		r.dport = e->orig.sport;
	} else {
		r.sport = e->orig.sport;   /* the ICMP id */
	}
	return r;
}

size_t ctsync_nl_put_new(void *buf, uint32_t seq, const struct ctmsg_entry *e, bool liberal)
{
	/* The kernel tracks the window of a connection it picks up without
	 * its SYN liberally too: the committed entry has no window data
	 * (td_maxwin 0), and a stream with much in flight at the takeover
	 * could be judged out of window and stall. */
	uint8_t lib = liberal ? IP_CT_TCP_FLAG_BE_LIBERAL : 0;
	struct nlmsghdr *nlh = put_hdr(buf, IPCTNL_MSG_CT_NEW,
				       NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK, seq,
				       e->orig.family);
	struct ctmsg_tuple reply = reply_for_create(e);

	put_tuple(nlh, CTA_TUPLE_ORIG, &e->orig);
	put_tuple(nlh, CTA_TUPLE_REPLY, &reply);
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl((e->status & STATUS_SETTABLE) | STATUS_ALWAYS));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(e->timeout ? e->timeout : 1));
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(e->mark));
	if (e->flags & CTMSG_E_TCP) {
		struct nlattr *pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		struct nlattr *tcp = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
		struct nf_ct_tcp_flags fo = { (e->tflags_orig & TFLAGS_SETTABLE) | lib,
					      TFLAGS_SETTABLE };
		struct nf_ct_tcp_flags fr = { (e->tflags_reply & TFLAGS_SETTABLE) | lib,
					      TFLAGS_SETTABLE };

		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, e->tcp_state);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, e->wscale_orig);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_WSCALE_REPLY, e->wscale_reply);
		mnl_attr_put(nlh, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, sizeof(fo), &fo);
		mnl_attr_put(nlh, CTA_PROTOINFO_TCP_FLAGS_REPLY, sizeof(fr), &fr);
		mnl_attr_nest_end(nlh, tcp);
		mnl_attr_nest_end(nlh, pi);
	}
	/* SNAT: the reply goes to the translated source; DNAT: it comes from
	 * the translated destination. */
	if (e->status & IPS_SRC_NAT)
		put_nat(nlh, CTA_NAT_SRC, e->orig.family, e->orig.proto, e->reply.dst,
			e->reply.dport);
	if (e->status & IPS_DST_NAT)
		put_nat(nlh, CTA_NAT_DST, e->orig.family, e->orig.proto, e->reply.src,
			e->reply.sport);
	return nlh->nlmsg_len;
}

size_t ctsync_nl_put_delete(void *buf, uint32_t seq, const struct ctmsg_entry *e)
{
	struct nlmsghdr *nlh = put_hdr(buf, IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK,
				       seq, e->orig.family);

	put_tuple(nlh, CTA_TUPLE_ORIG, &e->orig);
	return nlh->nlmsg_len;
}

size_t ctsync_nl_put_dump(void *buf, uint32_t seq)
{
	struct nlmsghdr *nlh = put_hdr(buf, IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_DUMP, seq,
				       0);

	return nlh->nlmsg_len;
}
