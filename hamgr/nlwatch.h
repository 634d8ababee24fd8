/* nlwatch: a NETLINK_ROUTE notification socket (libnl) subscribed to some
 * multicast groups, nonblocking, dispatched from sd-event; shared by
 * link.c (links) and addr_watch.c (addresses).
 *
 * Netlink notifications are lossy: when the receive buffer overflows the
 * kernel drops messages and recvmsg fails with ENOBUFS (libnl:
 * -NLE_NOMEM). The owner is then told (lost) so it can dump the state
 * again and report what changed. */
#ifndef HAMGR_NLWATCH_H
#define HAMGR_NLWATCH_H

#include <stddef.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <systemd/sd-event.h>

struct nlwatch;

/* Subscribe to groups (RTNLGRP_*) with a receive buffer of rcvbuf bytes
 * (capped by net.core.rmem_max); every notification goes to on_msg(msg,
 * arg), lost(arg) follows an overflow. what names the watch in the log
 * and in sd-event. NULL on error (errno). */
struct nlwatch *nlwatch_open(sd_event *event, const int *groups, size_t n_groups, int rcvbuf,
			     nl_recvmsg_msg_cb_t on_msg, void (*lost)(void *arg), void *arg,
			     const char *what);
void nlwatch_close(struct nlwatch *w);

#endif
