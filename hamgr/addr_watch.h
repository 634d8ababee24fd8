/* addr_watch: address changes (RTM_NEWADDR / RTM_DELADDR, IPv4 and IPv6)
 * through libnl-route, in sd-event, so that a VIP removed from under the
 * master (`ip addr del`) is noticed at once. */
#ifndef HAMGR_ADDR_WATCH_H
#define HAMGR_ADDR_WATCH_H

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "core/ipaddr.h"

struct addr_watch;

/* An address (with its prefix length) appeared on or vanished from
 * ifindex. After lost notifications the callback comes once with
 * ifindex 0 and addr NULL: anything may have changed, look again. */
typedef void (*addr_cb)(void *arg, int ifindex, const struct ipaddr *addr, bool deleted);

/* Subscribe to RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR. NULL on error
 * (errno). */
struct addr_watch *addr_watch_open(sd_event *event, addr_cb cb, void *arg);
void addr_watch_close(struct addr_watch *aw);

#endif
