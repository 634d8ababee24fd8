/* vip: floating IP addresses through libnl-route (rtnl_addr objects).
 *
 * Errors are negative errno values throughout: the kernel's own errno for a
 * refused request (nlsock keeps it), -ETIMEDOUT when the kernel did not
 * answer in NLSOCK_TIMEOUT_MS, libnl's NLE_* codes mapped by nlsock_errno.
 * vip_strerror is therefore strerror. */
#include "vip.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/addr.h>
#include <netlink/route/addr.h>
#include <linux/if_addr.h>

#include "nlsock.h"
#include "vip_batch.h"

/* A dump that races with address changes is repeated this often. */
#define VIP_DUMP_TRIES 3

struct vip_ctx {
	struct nlsock *ns;
	struct vip_batch *batch;        /* opened at the first batch */
};

struct vip_ctx *vip_open(void)
{
	struct vip_ctx *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->ns = nlsock_open();
	if (!v->ns) {
		int e = errno;

		free(v);
		errno = e;
		return NULL;
	}
	return v;
}

void vip_close(struct vip_ctx *v)
{
	if (!v)
		return;
	nlsock_close(v->ns);
	vip_batch_close(v->batch);
	free(v);
}

/* vip_primary's family: IPADDR_V4/IPADDR_V6 or AF_INET/AF_INET6 (the
 * values do not overlap, so both are accepted). 0 for anything else. */
static int to_af(unsigned family)
{
	if (family == IPADDR_V4 || family == AF_INET)
		return AF_INET;
	if (family == IPADDR_V6 || family == AF_INET6)
		return AF_INET6;
	return 0;
}

/* AF_* of a valid vip on a valid ifindex, or -EINVAL. */
static int check_vip(int ifindex, const struct ipaddr *vip)
{
	int af = vip->family == IPADDR_V4 ? AF_INET :
		 vip->family == IPADDR_V6 ? AF_INET6 : 0;

	if (ifindex <= 0 || !af)
		return -EINVAL;
	if (vip->prefixlen > (af == AF_INET ? 32 : 128))
		return -EINVAL;
	return af;
}

/* The rtnl_addr describing vip on ifindex; NULL when out of memory. */
static struct rtnl_addr *vip_object(int ifindex, int af, const struct ipaddr *vip)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(af, vip->a, (unsigned)ipaddr_len(vip));

	if (!ra || !local || rtnl_addr_set_local(ra, local) < 0) {
		rtnl_addr_put(ra);
		nl_addr_put(local);
		return NULL;
	}
	nl_addr_put(local);	/* ra holds its own reference */
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, af);
	/* after set_local: it copies the (host) prefix length of local */
	rtnl_addr_set_prefixlen(ra, vip->prefixlen);
	return ra;
}

/* Add or delete vip on ifindex and wait for the kernel's answer. */
static int addr_change(struct vip_ctx *v, int ifindex, const struct ipaddr *vip,
		       bool add)
{
	int af = check_vip(ifindex, vip);
	struct rtnl_addr *ra;
	struct nl_msg *msg = NULL;
	int rc;

	if (af < 0)
		return af;
	ra = vip_object(ifindex, af, vip);
	if (!ra)
		return -ENOMEM;
	if (add) {
		/* Usable at once: no duplicate address detection, so the
		 * address is never "tentative" and can source traffic now. */
		if (af == AF_INET6)
			rtnl_addr_set_flags(ra, IFA_F_NODAD);
		/* NLM_F_EXCL, never NLM_F_REPLACE: an address that is already
		 * there (perhaps configured by the admin) is left untouched. */
		rc = rtnl_addr_build_add_request(ra, NLM_F_EXCL, &msg);
	} else {
		rc = rtnl_addr_build_delete_request(ra, 0, &msg);
	}
	rtnl_addr_put(ra);
	if (rc < 0)
		return nlsock_errno(rc);
	rc = nlsock_request(v->ns, msg, NULL, NULL);
	nlmsg_free(msg);
	return rc;
}

int vip_add(struct vip_ctx *v, int ifindex, const struct ipaddr *vip)
{
	int rc = addr_change(v, ifindex, vip, true);

	return rc == -EEXIST ? 0 : rc;
}

int vip_del(struct vip_ctx *v, int ifindex, const struct ipaddr *vip)
{
	int rc = addr_change(v, ifindex, vip, false);

	/* The kernel says EADDRNOTAVAIL for an address that is not there
	 * and ENODEV when the interface itself is gone: either way the
	 * address is absent, which is what the caller wants. */
	if (rc == -EADDRNOTAVAIL || rc == -ENOENT || rc == -ENODEV)
		return 0;
	return rc;
}

/* ---- many addresses at once ---- */

static int change_many(struct vip_ctx *v, int ifindex, const struct ipaddr *vips, size_t n,
		       bool add, int *err)
{
	size_t i, failed = 0;
	int rc;

	for (i = 0; i < n; i++)
		err[i] = check_vip(ifindex, &vips[i]) < 0 ? -EINVAL : 0;
	if (!v->batch && !(v->batch = vip_batch_open())) {
		for (i = 0; i < n; i++)
			err[i] = err[i] ? err[i] : -errno;
		return -errno;
	}
	/* Invalid ones (none after the config checks) are left out. */
	for (i = 0; i < n; i++)
		if (err[i])
			return -EINVAL;
	rc = vip_batch_change(v->batch, ifindex, vips, n, add, err);
	for (i = 0; i < n; i++) {
		if (add && err[i] == -EEXIST)
			err[i] = 0;
		if (!add && (err[i] == -EADDRNOTAVAIL || err[i] == -ENOENT || err[i] == -ENODEV))
			err[i] = 0;
		failed += err[i] != 0;
	}
	return rc < 0 ? rc : (int)failed;
}

int vip_add_many(struct vip_ctx *v, int ifindex, const struct ipaddr *vips, size_t n,
		 int *err)
{
	return change_many(v, ifindex, vips, n, true, err);
}

int vip_del_many(struct vip_ctx *v, int ifindex, const struct ipaddr *vips, size_t n,
		 int *err)
{
	return change_many(v, ifindex, vips, n, false, err);
}

/* ---- reading addresses: a fresh RTM_GETADDR dump each time ---- */

struct addr_scan;
typedef void (*addr_visit)(struct addr_scan *s, struct rtnl_addr *ra,
			   const struct ipaddr *ip);

struct addr_scan {
	int ifindex;
	int af;
	addr_visit visit;
	const struct ipaddr *want;	/* vip_present */
	const struct ipaddr *skip;	/* vip_primary */
	size_t n_skip;
	bool global6;			/* vip_primary: IPv6 global, not link-local */
	const struct ipaddr *many;	/* vip_present_many: sorted copy ... */
	const size_t *many_idx;		/* ... and each one's index in the caller's */
	size_t n_many;
	uint8_t *present;
	/* results, reset before every dump attempt */
	bool found;
	int best_rank;
	struct ipaddr best;
};

/* One parsed address (libnl object) of the dump. */
static void scan_object(struct nl_object *obj, void *arg)
{
	struct addr_scan *s = arg;
	struct rtnl_addr *ra = (struct rtnl_addr *)obj;
	struct nl_addr *local;
	struct ipaddr ip;

	if (strcmp(nl_object_get_type(obj), "route/addr") != 0)
		return;
	int af = rtnl_addr_get_family(ra);

	if (rtnl_addr_get_ifindex(ra) != s->ifindex || (s->af && af != s->af) ||
	    (af != AF_INET && af != AF_INET6))
		return;
	local = rtnl_addr_get_local(ra);
	if (!local || nl_addr_get_len(local) != (af == AF_INET ? 4u : 16u))
		return;
	ipaddr_from_bytes(&ip, af == AF_INET ? IPADDR_V4 : IPADDR_V6,
			  nl_addr_get_binary_addr(local));
	ip.prefixlen = (uint8_t)rtnl_addr_get_prefixlen(ra);
	s->visit(s, ra, &ip);
}

static int scan_msg(struct nl_msg *msg, void *arg)
{
	nl_msg_parse(msg, scan_object, arg);
	return NL_OK;
}

static int dump_once(struct vip_ctx *v, struct addr_scan *s)
{
	struct ifaddrmsg ifa = { .ifa_family = (unsigned char)s->af,
				 .ifa_index = (unsigned)s->ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETADDR, NLM_F_DUMP);
	int rc;

	if (!msg)
		return -ENOMEM;
	rc = nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO);
	if (rc < 0) {
		nlmsg_free(msg);
		return nlsock_errno(rc);
	}
	rc = nlsock_request(v->ns, msg, scan_msg, s);
	nlmsg_free(msg);
	return rc;
}

/* Addresses come in kernel order, which vip_primary relies on. */
static int addr_scan_run(struct vip_ctx *v, struct addr_scan *s)
{
	int rc, tries = 0;

	do {
		s->found = false;
		s->best_rank = 0;
		memset(&s->best, 0, sizeof(s->best));
		rc = dump_once(v, s);
	} while (rc == -EAGAIN && ++tries < VIP_DUMP_TRIES);
	return rc;
}

static void visit_present(struct addr_scan *s, struct rtnl_addr *ra,
			  const struct ipaddr *ip)
{
	if (ipaddr_eq(ip, s->want))
		s->found = true;
}

int vip_present(struct vip_ctx *v, int ifindex, const struct ipaddr *vip)
{
	struct addr_scan s = { .ifindex = ifindex, .visit = visit_present,
			       .want = vip };
	int rc;

	s.af = check_vip(ifindex, vip);
	if (s.af < 0)
		return s.af;
	rc = addr_scan_run(v, &s);
	if (rc < 0)
		return rc;
	return s.found ? 1 : 0;
}

static void visit_many(struct addr_scan *s, struct rtnl_addr *ra, const struct ipaddr *ip)
{
	size_t lo = 0, hi = s->n_many;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ipaddr_cmp(&s->many[mid], ip);

		if (c == 0) {
			/* equal addresses (other prefix lengths) sit together */
			while (mid > 0 && ipaddr_cmp(&s->many[mid - 1], ip) == 0)
				mid--;
			for (; mid < s->n_many && ipaddr_cmp(&s->many[mid], ip) == 0; mid++)
				s->present[s->many_idx[mid]] = 1;
			return;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
}

struct sorted_vip {
	struct ipaddr a;
	size_t i;
};

static int cmp_sorted(const void *x, const void *y)
{
	return ipaddr_cmp(&((const struct sorted_vip *)x)->a, &((const struct sorted_vip *)y)->a);
}

int vip_present_many(struct vip_ctx *v, int ifindex, const struct ipaddr *vips, size_t n,
		     uint8_t *present)
{
	struct addr_scan s = { .ifindex = ifindex, .af = 0, .visit = visit_many,
			       .present = present, .n_many = n };
	struct sorted_vip *sv = calloc(n ? n : 1, sizeof(*sv));
	struct ipaddr *a = calloc(n ? n : 1, sizeof(*a));
	size_t *idx = calloc(n ? n : 1, sizeof(*idx)), i;
	int rc = -ENOMEM;

	if (ifindex <= 0)
		rc = -EINVAL;
	else if (sv && a && idx) {
		for (i = 0; i < n; i++)
			sv[i] = (struct sorted_vip){ vips[i], i };
		qsort(sv, n, sizeof(*sv), cmp_sorted);
		for (i = 0; i < n; i++) {
			a[i] = sv[i].a;
			idx[i] = sv[i].i;
		}
		s.many = a;
		s.many_idx = idx;
		for (i = 0; i < VIP_DUMP_TRIES; i++) {
			memset(present, 0, n);
			if ((rc = dump_once(v, &s)) != -EAGAIN)
				break;
		}
	}
	free(sv);
	free(a);
	free(idx);
	return rc;
}

static bool in_skip(const struct addr_scan *s, const struct ipaddr *ip)
{
	for (size_t i = 0; i < s->n_skip; i++)
		if (ipaddr_eq(ip, &s->skip[i]))
			return true;
	return false;
}

/* How good a source address ip is: 0 unusable, higher is better. IPv4:
 * a primary beats a secondary (a secondary is only chosen when no primary
 * is left, e.g. the real address was re-added after a VIP of its subnet).
 * IPv6: link-local only, a DAD-complete one beats a tentative one. */
static int source_rank(int af, unsigned flags, const struct ipaddr *ip, bool global6)
{
	if (af == AF_INET)
		return (flags & IFA_F_SECONDARY) ? 1 : 2;
	if (ipaddr_is_linklocal6(ip) == global6 || (flags & IFA_F_DADFAILED))
		return 0;
	return (flags & IFA_F_TENTATIVE) ? 1 : 2;
}

/* First address of the best rank wins: strict '>' keeps kernel order. */
static void visit_primary(struct addr_scan *s, struct rtnl_addr *ra,
			  const struct ipaddr *ip)
{
	int rank = source_rank(s->af, rtnl_addr_get_flags(ra), ip, s->global6);

	if (rank > s->best_rank && !in_skip(s, ip)) {
		s->best_rank = rank;
		s->best = *ip;
	}
}

int vip_primary(struct vip_ctx *v, int ifindex, unsigned family,
		const struct ipaddr *skip, size_t n_skip, struct ipaddr *out)
{
	return vip_source(v, ifindex, family, false, skip, n_skip, out);
}

int vip_source(struct vip_ctx *v, int ifindex, unsigned family, bool global6,
	       const struct ipaddr *skip, size_t n_skip, struct ipaddr *out)
{
	struct addr_scan s = { .ifindex = ifindex, .af = to_af(family),
			       .visit = visit_primary, .skip = skip,
			       .n_skip = skip ? n_skip : 0, .global6 = global6 };
	int rc;

	if (ifindex <= 0 || !s.af)
		return -EINVAL;
	rc = addr_scan_run(v, &s);
	if (rc < 0)
		return rc;
	if (s.best_rank == 0)
		return -ENOENT;
	*out = s.best;
	return 0;
}

const char *vip_strerror(int err)
{
	return strerror(err < 0 ? -err : err);
}
