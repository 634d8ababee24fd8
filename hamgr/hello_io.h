/* hello_io: UDP sockets on one port (one per family), shared by every
 * instance of the daemon: hamgr's peer announcements (HELLO_PORT) and the
 * heartbeats of protocol "hamgr" (heartbeat-port) use one each.
 * Sends to the VRRP group (224.0.0.18 / ff02::12) or a unicast peer with
 * TTL / hop limit 255 from a pinned source; hands every datagram up with
 * its ingress interface, source and TTL. While every instance is steady
 * the sockets are read from the instances' own wakeups (hello_io_vote). */
#ifndef HAMGR_HELLO_IO_H
#define HAMGR_HELLO_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "core/ipaddr.h"

struct hello_io;

/* One received datagram. */
typedef void (*hello_io_cb)(void *arg, int ifindex, const struct ipaddr *src,
			    uint8_t ttl, const uint8_t *buf, size_t len);

/* Bind both families' sockets on port (SO_REUSEADDR, so daemons in
 * one namespace share the multicast) and watch them in event. A family
 * that cannot be set up is left out with a message in err (the other may
 * still work). Returns NULL only when neither family works. */
struct hello_io *hello_io_open(sd_event *event, uint16_t port, hello_io_cb cb, void *arg,
			       char *err, size_t errlen);
void hello_io_close(struct hello_io *h);

/* Join the VRRP group of family on ifindex (idempotent per pair). */
int hello_io_join(struct hello_io *h, unsigned family, int ifindex);

/* Send buf from src (our advert source address) to dst out of ifindex.
 * Returns 0 or -errno. */
int hello_io_send(struct hello_io *h, int ifindex, const struct ipaddr *src,
		  const struct ipaddr *dst, const uint8_t *buf, size_t len);

/* Read and hand up, now, what waits on family's socket (one bounded
 * batch): a backup does so before it declares the master down. */
void hello_io_drain(struct hello_io *h, unsigned family);

/* Read late. Each instance that announces itself is a user (add at
 * its start, remove at its stop, which withdraws its vote) and votes,
 * in *vote, whether what arrives may wait (a steady backup or master:
 * instance.c). While every user may, the sockets are not watched and
 * hello_io_drain_due reads them, from wakeups the instances have anyway:
 * announcements are once a second and news in them can wait that long;
 * an instance with anything to decide (a release, a handover, a quorum)
 * votes no, and what is queued is read at once. */
void hello_io_user(struct hello_io *h, bool add, bool *vote);
void hello_io_vote(struct hello_io *h, bool *vote, bool ok);
bool hello_io_lazy(const struct hello_io *h);
/* While lazy, read both families if every_us passed since the last time. */
void hello_io_drain_due(struct hello_io *h, uint64_t now, uint64_t every_us);
/* Read both families now, lazy or not (at most one drain's worth): what
 * waits in the kernel must be read before a backup declares its master
 * down, even while the sockets are watched and their turn has not come. */
void hello_io_read_queued(struct hello_io *h, uint64_t now);

#endif
