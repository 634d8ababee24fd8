/* conflict_io: the listening half of conflict detection, on one interface:
 * every ARP packet (an AF_PACKET socket for ETH_P_ARP bound to it) and
 * every neighbour advertisement (a raw ICMPv6 socket filtered to NAs, hop
 * limit 255 required) becomes a claim of an address by a MAC, handed to
 * the callback; core/conflict.c decides what a claim means. Opened when
 * an instance first holds its VIPs, paused while it does not. The probes
 * go out through garp.c. The sockets are shared: one per interface and
 * family for every instance there (each an entry the kernel walks for
 * every packet the interface receives), read while any instance listens. */
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

/* Stop or resume handing claims up, keeping the sockets: closing an
 * AF_PACKET socket waits for the kernel's RCU grace period (10-20 ms
 * measured), which a master releasing its VIPs at 1 ms heartbeats cannot
 * afford, and opening one costs as much on the new master. Claims from
 * while paused are never handed up (the first to resume on a socket
 * nobody read drops what queued meanwhile). */
void conflict_io_pause(struct conflict_io *io, bool paused);

/* io listens on ifindex for exactly these families. */
bool conflict_io_is(const struct conflict_io *io, int ifindex, bool v4, bool v6);

#endif
