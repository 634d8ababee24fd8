/* addr_watch: address notifications through libnl-route (addr_watch.h). */
#include "addr_watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/addr.h>
#include <netlink/route/addr.h>

#include "nlwatch.h"

/* Address changes come in bursts (a flush, an interface going down). */
#define ADDR_RCVBUF (256 << 10)

struct addr_watch {
	struct nlwatch *ev;
	addr_cb cb;
	void *arg;
};

struct event {
	struct addr_watch *aw;
	bool deleted;
};

static void event_object(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *ra = (struct rtnl_addr *)obj;
	struct event *e = arg;
	struct nl_addr *local;
	struct ipaddr a;
	int af;

	if (strcmp(nl_object_get_type(obj), "route/addr") != 0)
		return;
	af = rtnl_addr_get_family(ra);
	local = rtnl_addr_get_local(ra);
	if (!local || (af != AF_INET && af != AF_INET6) ||
	    nl_addr_get_len(local) != (af == AF_INET ? 4u : 16u))
		return;
	ipaddr_from_bytes(&a, af == AF_INET ? IPADDR_V4 : IPADDR_V6,
			  nl_addr_get_binary_addr(local));
	a.prefixlen = (uint8_t)rtnl_addr_get_prefixlen(ra);
	e->aw->cb(e->aw->arg, rtnl_addr_get_ifindex(ra), &a, e->deleted);
}

static int event_msg(struct nl_msg *msg, void *arg)
{
	struct event e = { arg, nlmsg_hdr(msg)->nlmsg_type == RTM_DELADDR };

	nl_msg_parse(msg, event_object, &e);
	return NL_OK;
}

static void lost(void *arg)
{
	struct addr_watch *aw = arg;

	aw->cb(aw->arg, 0, NULL, false);
}

struct addr_watch *addr_watch_open(sd_event *event, addr_cb cb, void *arg)
{
	static const int groups[] = { RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR };
	struct addr_watch *aw = calloc(1, sizeof(*aw));

	if (!aw)
		return NULL;
	aw->cb = cb;
	aw->arg = arg;
	aw->ev = nlwatch_open(event, groups, 2, ADDR_RCVBUF, event_msg, lost, aw, "address watch");
	if (!aw->ev) {
		int e = errno;

		free(aw);
		errno = e;
		return NULL;
	}
	return aw;
}

void addr_watch_close(struct addr_watch *aw)
{
	if (!aw)
		return;
	nlwatch_close(aw->ev);
	free(aw);
}
