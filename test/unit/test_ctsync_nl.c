/* Unit tests for the ctnetlink messages of conntrack-sync
 * (hamgr/ctsync_nl.c): what the commit writes parses back, as an event,
 * into the entry it came from (the status and TCP flags the commit may
 * set, CONFIRMED added); under NAT the reply tuple written is the
 * untranslated one and CTA_NAT_SRC carries the translation; deletes and
 * dump requests; messages that are no entry of ours are skipped. */
#include <arpa/inet.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <string.h>

#include "ctsync_priv.h"
#include "cu_main.h"

static struct ctmsg_entry tcp_entry(void)
{
	struct ctmsg_entry e;

	memset(&e, 0, sizeof(e));
	e.orig.family = e.reply.family = 4;
	e.orig.proto = e.reply.proto = 6;
	inet_pton(AF_INET, "198.51.100.10", e.orig.src);
	inet_pton(AF_INET, "203.0.113.10", e.orig.dst);
	e.orig.sport = 43210;
	e.orig.dport = 7000;
	ctmsg_tuple_invert(&e.orig, &e.reply);
	e.status = IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED;
	e.timeout = 431999;
	e.mark = 7;
	e.flags = CTMSG_E_TCP;
	e.tcp_state = 3;
	e.wscale_orig = 7;
	e.wscale_reply = 9;
	e.tflags_orig = IP_CT_TCP_FLAG_WINDOW_SCALE | IP_CT_TCP_FLAG_SACK_PERM;
	e.tflags_reply = IP_CT_TCP_FLAG_WINDOW_SCALE;
	return e;
}

static void test_roundtrip(void)
{
	uint8_t buf[CTSYNC_NL_MSG_MAX];
	struct ctmsg_entry e = tcp_entry(), got;
	bool destroy = true;
	size_t len = ctsync_nl_put_new(buf, 42, &e, false);
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

	CU_ASSERT_TRUE(len > sizeof(*nlh) && len <= sizeof(buf));
	CU_ASSERT_EQUAL(nlh->nlmsg_seq, 42);
	CU_ASSERT_EQUAL(nlh->nlmsg_type, NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW);
	CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK);
	CU_ASSERT_EQUAL(ctsync_nl_parse(nlh, &got, &destroy), 1);
	CU_ASSERT_FALSE(destroy);
	CU_ASSERT_EQUAL(memcmp(&got, &e, sizeof(e)), 0);
	/* a status the kernel owns is not written; CONFIRMED always is */
	e.status = IPS_SEEN_REPLY | IPS_DYING | IPS_EXPECTED;
	e.tflags_orig = 0xff;
	ctsync_nl_put_new(buf, 43, &e, false);
	CU_ASSERT_EQUAL(ctsync_nl_parse(nlh, &got, &destroy), 1);
	CU_ASSERT_EQUAL(got.status, IPS_SEEN_REPLY | IPS_CONFIRMED);
	CU_ASSERT_EQUAL(got.tflags_orig, IP_CT_TCP_FLAG_WINDOW_SCALE |
			IP_CT_TCP_FLAG_SACK_PERM | IP_CT_TCP_FLAG_BE_LIBERAL);
}

/* Without window tracking both directions are written be-liberal, the
 * options negotiated kept; with it, only what the source had. */
static void test_liberal(void)
{
	uint8_t buf[CTSYNC_NL_MSG_MAX];
	struct ctmsg_entry e = tcp_entry(), got;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	bool destroy;

	e.tflags_orig = IP_CT_TCP_FLAG_WINDOW_SCALE;
	e.tflags_reply = 0;
	ctsync_nl_put_new(buf, 9, &e, true);
	CU_ASSERT_EQUAL(ctsync_nl_parse(nlh, &got, &destroy), 1);
	CU_ASSERT_EQUAL(got.tflags_orig, IP_CT_TCP_FLAG_WINDOW_SCALE | IP_CT_TCP_FLAG_BE_LIBERAL);
	CU_ASSERT_EQUAL(got.tflags_reply, IP_CT_TCP_FLAG_BE_LIBERAL);
	ctsync_nl_put_new(buf, 10, &e, false);
	CU_ASSERT_EQUAL(ctsync_nl_parse(nlh, &got, &destroy), 1);
	CU_ASSERT_EQUAL(got.tflags_orig, IP_CT_TCP_FLAG_WINDOW_SCALE);
	CU_ASSERT_EQUAL(got.tflags_reply, 0);
	/* not TCP: nothing to be liberal about */
	e = tcp_entry();
	e.orig.proto = e.reply.proto = 17;
	e.flags = 0;
	e.tcp_state = e.wscale_orig = e.wscale_reply = e.tflags_orig = e.tflags_reply = 0;
	ctsync_nl_put_new(buf, 11, &e, true);
	CU_ASSERT_EQUAL(ctsync_nl_parse(nlh, &got, &destroy), 1);
	CU_ASSERT_EQUAL(got.flags & CTMSG_E_TCP, 0);
}

static void test_nat(void)
{
	uint8_t buf[CTSYNC_NL_MSG_MAX];
	struct ctmsg_entry e = tcp_entry(), got;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	bool destroy;

	inet_pton(AF_INET, "203.0.113.1", e.reply.dst);   /* SNAT to the VIP */
	e.reply.dport = 61000;
	e.status |= IPS_SRC_NAT;
	ctsync_nl_put_new(buf, 1, &e, false);
	CU_ASSERT_EQUAL(ctsync_nl_parse(nlh, &got, &destroy), 1);
	/* written untranslated: the kernel's NAT setup translates it */
	CU_ASSERT_EQUAL(memcmp(got.reply.dst, e.orig.src, 4), 0);
	CU_ASSERT_EQUAL(got.reply.dport, e.orig.sport);
	/* ... with the translation in CTA_NAT_SRC */
	CU_ASSERT_PTR_NOT_NULL(memmem(buf, nlh->nlmsg_len, e.reply.dst, 4));
}

static void test_delete_dump_skip(void)
{
	uint8_t buf[CTSYNC_NL_MSG_MAX];
	struct ctmsg_entry e = tcp_entry(), got;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nfgenmsg *nfg;
	bool destroy = false;

	ctsync_nl_put_delete(buf, 5, &e);
	CU_ASSERT_EQUAL(nlh->nlmsg_type, NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_DELETE);
	CU_ASSERT_EQUAL(ctsync_nl_parse(nlh, &got, &destroy), 1);
	CU_ASSERT_TRUE(destroy);
	CU_ASSERT_EQUAL(memcmp(&got.orig, &e.orig, sizeof(e.orig)), 0);
	ctsync_nl_put_dump(buf, 6);
	CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	CU_ASSERT_EQUAL(ctsync_nl_parse(nlh, &got, &destroy), 0);   /* a GET */
	/* another family, another protocol: not ours */
	ctsync_nl_put_new(buf, 7, &e, false);
	nfg = mnl_nlmsg_get_payload(nlh);
	nfg->nfgen_family = AF_BRIDGE;
	CU_ASSERT_EQUAL(ctsync_nl_parse(nlh, &got, &destroy), 0);
	e.orig.proto = e.reply.proto = 132;
	e.flags = 0;
	e.tcp_state = e.wscale_orig = e.wscale_reply = e.tflags_orig = e.tflags_reply = 0;
	ctsync_nl_put_new(buf, 8, &e, false);
	CU_ASSERT_EQUAL(ctsync_nl_parse(nlh, &got, &destroy), 0);
}

static CU_TestInfo tests[] = {
	{ "commit message parses back", test_roundtrip },
	{ "NAT", test_nat },
	{ "be-liberal without window tracking", test_liberal },
	{ "delete, dump, skipped", test_delete_dump_skip },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "ctsync_nl", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
