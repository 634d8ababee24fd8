/* hello_io: UDP sockets on one port (one per family), shared by every
 * instance of the daemon: hamgr's peer announcements (HELLO_PORT) and the
 * heartbeats of protocol "hamgr" (heartbeat-port) use one each.
 * Sends to the VRRP group (224.0.0.18 / ff02::12) or a unicast peer with
 * TTL / hop limit 255 from a pinned source; hands every datagram up with
 * its ingress interface, source and TTL. */
#ifndef HAMGR_HELLO_IO_H
#define HAMGR_HELLO_IO_H

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

#endif
