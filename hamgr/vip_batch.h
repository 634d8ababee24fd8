/* vip_batch: many address changes in few netlink round trips (libmnl),
 * behind vip_add_many / vip_del_many (vip.h). */
#ifndef HAMGR_VIP_BATCH_H
#define HAMGR_VIP_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/ipaddr.h"

struct vip_batch;

/* A NETLINK_ROUTE socket of its own (no groups). NULL on error (errno). */
struct vip_batch *vip_batch_open(void);
void vip_batch_close(struct vip_batch *b);

/* RTM_NEWADDR (add, NLM_F_CREATE | NLM_F_EXCL; IPv6 with IFA_F_NODAD) or
 * RTM_DELADDR for vips[0..n) on ifindex, in batches; err[i] the kernel's
 * answer for vips[i] (0 or -errno, -ETIMEDOUT when none came). Returns 0,
 * or a negative errno when sending failed (the unsent ones get it). */
int vip_batch_change(struct vip_batch *b, int ifindex, const struct ipaddr *vips, size_t n,
		     bool add, int *err);

#endif
