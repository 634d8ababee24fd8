/* hello_io: the UDP sockets (port HELLO_PORT, one per family) that carry
 * hamgr's peer announcements, shared by every instance of the daemon.
 * Sends to the VRRP group (224.0.0.18 / ff02::12) or a unicast peer with
 * TTL / hop limit 255 from a pinned source; hands every datagram up with
 * its ingress interface, source and TTL. */
#ifndef HAMGR_HELLO_IO_H
#define HAMGR_HELLO_IO_H

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "core/ipaddr.h"

struct hello_io;

/* One received datagram. */
typedef void (*hello_io_cb)(void *arg, int ifindex, const struct ipaddr *src,
			    uint8_t ttl, const uint8_t *buf, size_t len);

/* Bind both families' sockets on HELLO_PORT (SO_REUSEADDR, so daemons in
 * one namespace share the multicast) and watch them in event. A family
 * that cannot be set up is left out with a message in err (the other may
 * still work). Returns NULL only when neither family works. */
struct hello_io *hello_io_open(sd_event *event, hello_io_cb cb, void *arg,
			       char *err, size_t errlen);
void hello_io_close(struct hello_io *h);

/* Join the VRRP group of family on ifindex (idempotent per pair). */
int hello_io_join(struct hello_io *h, unsigned family, int ifindex);

/* Send buf from src (our advert source address) to dst out of ifindex.
 * Returns 0 or -errno. */
int hello_io_send(struct hello_io *h, int ifindex, const struct ipaddr *src,
		  const struct ipaddr *dst, const uint8_t *buf, size_t len);

#endif
