/* link: interface state through libnl-route, dispatched from sd-event.
 *
 * Two sockets: an nlwatch subscribed to RTNLGRP_LINK, and a synchronous
 * nlsock for link_query and dumps.
 *
 * Netlink notifications are lossy (nlwatch.h): after an overflow we dump
 * every link and report all of them, and report as down every link we
 * knew that the dump no longer has, so a link deleted during the overflow
 * is not missed. That is why the watch keeps a table of the links it has
 * seen (index and name only). */
#include "link.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <linux/if.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>

#include "log.h"
#include "nlsock.h"
#include "nlwatch.h"

/* Receive buffer for notifications (capped by net.core.rmem_max); bursts
 * beyond it trigger a resync. Overridable so tests can force overflows. */
#ifndef LINK_RCVBUF
#define LINK_RCVBUF (1 << 20)
#endif

struct link_state {
	int ifindex;
	char name[IFNAMSIZ];
	bool up;
};

/* A growable array of link_state. */
struct link_set {
	struct link_state *v;
	size_t n, cap;
};

struct link_watch {
	struct nlwatch *ev;
	struct nlsock *req;
	link_cb cb;
	void *arg;
	struct link_set known;
};

/* ---- link_set ---- */

static struct link_state *set_find(struct link_set *s, int ifindex)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].ifindex == ifindex)
			return &s->v[i];
	return NULL;
}

static int set_put(struct link_set *s, const struct link_state *st)
{
	struct link_state *slot = set_find(s, st->ifindex);

	if (!slot) {
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 16;
			struct link_state *nv = realloc(s->v, cap * sizeof(*nv));

			if (!nv)
				return -ENOMEM;
			s->v = nv;
			s->cap = cap;
		}
		slot = &s->v[s->n++];
	}
	*slot = *st;
	return 0;
}

static void set_remove(struct link_set *s, int ifindex)
{
	struct link_state *slot = set_find(s, ifindex);

	if (slot)
		*slot = s->v[--s->n];
}

static void set_free(struct link_set *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- parsing (libnl objects) ---- */

/* IFF_UP, carrier (IFF_LOWER_UP), IFF_RUNNING, and operstate UP or
 * UNKNOWN (drivers without operstate support report UNKNOWN, e.g. lo and
 * dummy). A veth whose peer is down has no carrier: LOWERLAYERDOWN. */
static bool link_usable(struct rtnl_link *l)
{
	unsigned need = IFF_UP | IFF_RUNNING | IFF_LOWER_UP;
	uint8_t op = rtnl_link_get_operstate(l);

	return (rtnl_link_get_flags(l) & need) == need &&
	       (op == IF_OPER_UP || op == IF_OPER_UNKNOWN);
}

/* Fill st from a parsed link object. False for objects that are not
 * plain link messages: the kernel also sends AF_BRIDGE RTM_NEWLINK and
 * RTM_DELLINK on this group for bridge ports (a port leaving its bridge is
 * an RTM_DELLINK although the link stays). */
static bool link_state_of(struct nl_object *obj, struct link_state *st)
{
	struct rtnl_link *l = (struct rtnl_link *)obj;
	const char *name;

	if (strcmp(nl_object_get_type(obj), "route/link") != 0 ||
	    rtnl_link_get_family(l) != AF_UNSPEC)
		return false;
	memset(st, 0, sizeof(*st));
	st->ifindex = rtnl_link_get_ifindex(l);
	name = rtnl_link_get_name(l);
	if (name)
		snprintf(st->name, sizeof(st->name), "%s", name);
	st->up = link_usable(l);
	return st->ifindex > 0;
}

/* ---- synchronous requests ---- */

static void collect_object(struct nl_object *obj, void *arg)
{
	struct link_state st;

	if (link_state_of(obj, &st))
		set_put(arg, &st);
}

static int collect_msg(struct nl_msg *msg, void *arg)
{
	nl_msg_parse(msg, collect_object, arg);
	return NL_OK;
}

/* Every link of the namespace into out (emptied first). */
static int dump_links(struct nlsock *ns, struct link_set *out)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg;
	int rc, tries = 0;

	do {
		out->n = 0;
		msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);
		if (!msg)
			return -ENOMEM;
		rc = nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
		rc = rc < 0 ? nlsock_errno(rc) : nlsock_request(ns, msg, collect_msg, out);
		nlmsg_free(msg);
	} while (rc == -EAGAIN && ++tries < 3);
	return rc;
}

int link_query(struct link_watch *lw, const char *ifname, int *ifindex, bool *up)
{
	struct link_set found = { 0 };
	struct nl_msg *msg = NULL;
	int rc;

	*ifindex = 0;
	*up = false;
	rc = rtnl_link_build_get_request(0, ifname, &msg);
	if (rc < 0)
		return nlsock_errno(rc);
	rc = nlsock_request(lw->req, msg, collect_msg, &found);
	nlmsg_free(msg);
	if (rc == -ENODEV)	/* no such link: not an error */
		rc = 0;
	if (rc == 0 && found.n > 0) {
		*ifindex = found.v[0].ifindex;
		*up = found.v[0].up;
	}
	set_free(&found);
	return rc;
}

/* ---- notifications ---- */

struct event {
	struct link_watch *lw;
	bool deleted;
};

static void event_object(struct nl_object *obj, void *arg)
{
	struct event *e = arg;
	struct link_state st;

	if (!link_state_of(obj, &st))
		return;
	if (e->deleted) {
		st.up = false;
		set_remove(&e->lw->known, st.ifindex);
	} else if (set_put(&e->lw->known, &st) < 0) {
		log_warnx("link: out of memory tracking %s", st.name);
	}
	e->lw->cb(e->lw->arg, st.ifindex, st.name, st.up);
}

static int event_msg(struct nl_msg *msg, void *arg)
{
	struct event e = { arg, nlmsg_hdr(msg)->nlmsg_type == RTM_DELLINK };

	nl_msg_parse(msg, event_object, &e);
	return NL_OK;
}

/* After lost notifications: report the current state of every link, and
 * report as gone the links we knew that no longer exist. */
static void resync(void *arg)
{
	struct link_watch *lw = arg;
	struct link_set now = { 0 }, old;
	int rc = dump_links(lw->req, &now);

	if (rc < 0) {
		log_warnx("link: resync dump failed: %s", strerror(-rc));
		set_free(&now);
		return;
	}
	old = lw->known;
	lw->known = now;
	for (size_t i = 0; i < old.n; i++)
		if (!set_find(&now, old.v[i].ifindex))
			lw->cb(lw->arg, old.v[i].ifindex, old.v[i].name, false);
	for (size_t i = 0; i < now.n; i++)
		lw->cb(lw->arg, now.v[i].ifindex, now.v[i].name, now.v[i].up);
	set_free(&old);
}

struct link_watch *link_watch_open(sd_event *event, link_cb cb, void *arg)
{
	static const int groups[] = { RTNLGRP_LINK };
	struct link_watch *lw = calloc(1, sizeof(*lw));
	int rc = 0;

	if (!lw)
		return NULL;
	lw->cb = cb;
	lw->arg = arg;
	lw->ev = nlwatch_open(event, groups, 1, LINK_RCVBUF, event_msg, resync, lw, "link");
	if (!lw->ev)
		rc = -errno;
	if (rc == 0) {
		lw->req = nlsock_open();
		rc = lw->req ? 0 : -errno;
	}
	/* Subscribed first, then dumped: no change falls in between. */
	if (rc == 0)
		rc = dump_links(lw->req, &lw->known);
	if (rc < 0) {
		link_watch_close(lw);
		errno = -rc;
		return NULL;
	}
	return lw;
}

void link_watch_close(struct link_watch *lw)
{
	if (!lw)
		return;
	nlwatch_close(lw->ev);
	nlsock_close(lw->req);
	set_free(&lw->known);
	free(lw);
}
