/* vipset: one instance's floating addresses on its interface, through
 * vip.c (libnl-route) and garp.c. Every failure is logged with the
 * address and the kernel's reason; the pipeline's VIP step and reloads go
 * through here. */
#include "instance_priv.h"

#include <errno.h>
#include <stdio.h>

#include "garp.h"
#include "vip.h"

void vipset_add(struct instance *in, const struct ipaddr *v, size_t n)
{
	char a[IPADDR_STRLEN];
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		r = in->ifindex ? vip_add(in->env->vip, in->ifindex, &v[i]) : -ENODEV;
		if (r < 0)
			log_warnx("instance %s: cannot add %s on %s: %s", in->conf.name,
				  ipaddr_str_prefix(&v[i], a, sizeof(a)),
				  in->conf.interface, vip_strerror(r));
	}
}

void vipset_del(struct instance *in, const struct ipaddr *v, size_t n)
{
	char a[IPADDR_STRLEN];
	size_t i;
	int r;

	if (!in->ifindex)
		return;
	for (i = 0; i < n; i++) {
		r = vip_del(in->env->vip, in->ifindex, &v[i]);
		if (r < 0)
			log_warnx("instance %s: cannot remove %s from %s: %s", in->conf.name,
				  ipaddr_str_prefix(&v[i], a, sizeof(a)),
				  in->conf.interface, vip_strerror(r));
	}
}

void vipset_garp(struct instance *in, const struct ipaddr *v, size_t n)
{
	unsigned rep;
	size_t i;

	if (!in->ifindex)
		return;
	for (rep = 0; rep < in->conf.garp_repeat; rep++)
		for (i = 0; i < n; i++)
			if (garp_send(in->env->garp, in->ifindex, &v[i]) < 0 && rep == 0)
				log_debug("instance %s: gratuitous ARP/NA failed", in->conf.name);
}

/* A crashed earlier run (kill -9) leaves its VIPs on the interface; left
 * there, two nodes would answer for one address. The address owner
 * (priority 255) owns them for real and keeps them. */
void vipset_remove_stale(struct instance *in)
{
	char a[IPADDR_STRLEN];
	size_t i;

	if (in->conf.priority == 255 || !in->ifindex)
		return;
	for (i = 0; i < in->conf.n_vips; i++) {
		if (vip_present(in->env->vip, in->ifindex, &in->conf.vips[i]) != 1)
			continue;
		log_notice("instance %s: removing stale %s from %s (left by an earlier run)",
			   in->conf.name, ipaddr_str_prefix(&in->conf.vips[i], a, sizeof(a)),
			   in->conf.interface);
		vip_del(in->env->vip, in->ifindex, &in->conf.vips[i]);
	}
}
