/* conflict_io: the listening half of conflict detection, on one interface:
 * every ARP packet (an AF_PACKET socket for ETH_P_ARP bound to it) and
 * every neighbour advertisement (a raw ICMPv6 socket filtered to NAs, hop
 * limit 255 required) becomes a claim of an address by a MAC, handed to
 * the callback; core/conflict.c decides what a claim means. Open only
 * while an instance holds its VIPs. The probes go out through garp.c. */
#ifndef HAMGR_CONFLICT_IO_H
#define HAMGR_CONFLICT_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#include "core/conflict.h"

struct conflict_io;

typedef void (*conflict_io_cb)(void *arg, const struct conflict_claim *cl);

/* Listen on ifindex for ARP (v4) and/or NAs (v6). NULL with a reason in
 * err when a socket cannot be opened. */
struct conflict_io *conflict_io_open(sd_event *event, int ifindex, bool v4, bool v6,
				     conflict_io_cb cb, void *arg, char *err, size_t errlen);
void conflict_io_close(struct conflict_io *io);

#endif
