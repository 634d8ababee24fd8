/* link: interface state watch through netlink (libnl-route), wired into
 * sd-event. Reports carrier/operational state changes of every link; the
 * instances decide which ones matter to them. */
#ifndef HAMGR_LINK_H
#define HAMGR_LINK_H

#include <stdbool.h>
#include <systemd/sd-event.h>

struct link_watch;

/* Called for every link notification: ifindex, name and whether the link is
 * usable (IFF_UP, carrier present, operstate UP or UNKNOWN). Also called
 * when a link disappears (up = false). */
typedef void (*link_cb)(void *arg, int ifindex, const char *ifname, bool up);

/* Subscribe to RTNLGRP_LINK and dispatch from event. NULL on error (errno).
 * When notifications were lost (receive buffer overflow) every link is
 * reported again, and links that vanished meanwhile are reported down.
 * The callback may call link_query but must not close the watch. */
struct link_watch *link_watch_open(sd_event *event, link_cb cb, void *arg);
void link_watch_close(struct link_watch *lw);

/* Current state of the link named ifname: *ifindex (0 if absent) and
 * whether it is usable (same test as the callback). Returns 0, or a
 * negative errno on a netlink error (-ETIMEDOUT after 2 s). An absent link is not an error: *ifindex = 0, *up = false. */
int link_query(struct link_watch *lw, const char *ifname, int *ifindex, bool *up);

#endif
