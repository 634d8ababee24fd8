/* vip: floating IP addresses on an interface, through libnl-route.
 * One side effect per file: this one only adds, removes and reads
 * addresses. */
#ifndef HAMGR_VIP_H
#define HAMGR_VIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

struct vip_ctx;

/* Open a NETLINK_ROUTE socket for address changes. NULL on error (errno). */
struct vip_ctx *vip_open(void);
void vip_close(struct vip_ctx *v);

/* Add vip (address/prefixlen) to ifindex. IPv6 addresses are added with
 * IFA_F_NODAD so they answer at once. Idempotent: an address already there
 * is success. Returns 0 or a negative errno-style value. */
int vip_add(struct vip_ctx *v, int ifindex, const struct ipaddr *vip);

/* Remove vip from ifindex. Idempotent: an absent address is success.
 * Returns 0 or a negative errno-style value. */
int vip_del(struct vip_ctx *v, int ifindex, const struct ipaddr *vip);

/* Add (vip_add_many) or remove (vip_del_many) n addresses on ifindex with
 * batched netlink requests: up to VIP_BATCH_MAX RTM_NEWADDR/RTM_DELADDR
 * per sendmsg, every acknowledgement collected before the next batch.
 * err[i] receives vips[i]'s result as vip_add/vip_del would return it
 * (an address already there, or already gone, is success). Returns how
 * many failed, or a negative errno when the requests could not be made
 * (err then says -EIO for the addresses whose fate is unknown). Each
 * batch waits at most NLSOCK_TIMEOUT_MS for its acknowledgements. */
#define VIP_BATCH_MAX 128
int vip_add_many(struct vip_ctx *v, int ifindex, const struct ipaddr *vips, size_t n,
		 int *err);
int vip_del_many(struct vip_ctx *v, int ifindex, const struct ipaddr *vips, size_t n,
		 int *err);

/* Which of vips[0..n) are on ifindex (prefix length ignored), from one
 * address dump: present[i] = 1 or 0. 0, or a negative errno. */
int vip_present_many(struct vip_ctx *v, int ifindex, const struct ipaddr *vips, size_t n,
		     uint8_t *present);

/* 1 if the address (prefix length ignored) is on ifindex, 0 if not, <0 on
 * error. */
int vip_present(struct vip_ctx *v, int ifindex, const struct ipaddr *vip);

/* The address hamgr sends adverts from: for IPv4 the interface's first
 * (primary) IPv4 address that is not one of the n_skip addresses in skip
 * (if every such address is secondary, the first secondary one); for IPv6
 * its link-local address, preferring one that finished DAD. family is
 * IPADDR_V4/IPADDR_V6 (AF_INET/AF_INET6 are accepted too). Returns 0 and
 * fills out, or -ENOENT. */
int vip_primary(struct vip_ctx *v, int ifindex, unsigned family,
		const struct ipaddr *skip, size_t n_skip, struct ipaddr *out);

/* vip_primary() with a choice of IPv6 scope: global6 picks the first
 * global (not link-local) IPv6 address that is not in skip, for unicast
 * peers given by global address (they check the source against their own
 * peer list). IPv4 ignores global6. */
int vip_source(struct vip_ctx *v, int ifindex, unsigned family, bool global6,
	       const struct ipaddr *skip, size_t n_skip, struct ipaddr *out);

/* Human-readable text for a negative return value of this module (all
 * of them are negative errno values; -ETIMEDOUT if the kernel did not
 * answer within 2 s). */
const char *vip_strerror(int err);

#endif
