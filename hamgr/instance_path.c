/* instance_path: protocol "hamgr"'s heartbeat paths beside the instance's
 * interface (heartbeat-paths).
 *
 * Every heartbeat goes out on every path, to the group, from our address
 * on that interface; whatever fresh heartbeat arrives on any of them keeps
 * a master alive, so a peer is gone only when every path has been silent
 * for Master_Down_Interval. A peer's identity in the election (tie-break,
 * the master followed) stays its address on the instance's interface,
 * learnt from what arrived there: a heartbeat of a node never heard there
 * counts for the path's liveness only. */
#include "instance_priv.h"

#include <errno.h>
#include <string.h>

#include "hbproto.h"
#include "link.h"
#include "vip.h"

static void on_path_message(void *arg, const struct hbproto_msg *m)
{
	struct instance_path *p = arg;

	hbwire_rx(p->in, p->index, m);
}

static void open_one(struct instance *in, size_t i)
{
	struct instance_path *p = &in->paths[i];
	const char *ifname = in->conf.paths[i - 1];
	char err[256];
	bool up = false;

	p->in = in;
	p->index = i;
	if (link_query(in->env->links, ifname, &p->ifindex, &up) < 0 || !p->ifindex) {
		log_warnx("instance %s: heartbeat path %s: no such interface (yet): silent "
			  "until hamgr restarts", in->conf.name, ifname);
		return;
	}
	p->sub = hbproto_add(in->env->hb, p->ifindex, in->family, in->conf.vrid, true,
			     on_path_message, p, err, sizeof(err));
	if (!p->sub)
		log_warnx("instance %s: heartbeat path %s: %s", in->conf.name, ifname, err);
}

void path_open_all(struct instance *in)
{
	size_t i;

	in->paths[0].in = in;
	for (i = 1; i <= in->conf.n_paths; i++)
		open_one(in, i);
}

void path_close_all(struct instance *in)
{
	size_t i;

	for (i = 1; i <= in->conf.n_paths; i++) {
		if (in->env->hb)
			hbproto_del(in->env->hb, in->paths[i].sub);
		in->paths[i].sub = NULL;
		in->paths[i].have_src = false;
	}
}

/* Our address on the path: looked up again after a send failed. */
static bool path_source(struct instance *in, struct instance_path *p)
{
	if (!p->have_src)
		p->have_src = vip_source(in->env->vip, p->ifindex, in->family, false,
					 in->conf.vips, in->conf.n_vips, &p->src) == 0;
	return p->have_src;
}

int path_send_all(struct instance *in, struct heartbeat *hb)
{
	size_t i;
	int r = 0, e;

	for (i = 1; i <= in->conf.n_paths; i++) {
		struct instance_path *p = &in->paths[i];

		if (!p->sub || !path_source(in, p)) {
			e = -EADDRNOTAVAIL;
		} else if ((e = hbproto_send(in->env->hb, p->ifindex, &p->src, &in->group, hb))) {
			if (e == -EINVAL || e == -EADDRNOTAVAIL)
				p->have_src = false;
		}
		if (e && !r)
			r = e;
	}
	return r;
}

void path_heard(struct instance *in, size_t p, uint64_t now)
{
	in->paths[p].last_rx = now;
	in->paths[p].rx++;
}

const char *instance_path_name(const struct instance *in, size_t p)
{
	return p == 0 ? in->conf.interface : in->conf.paths[p - 1];
}

size_t instance_paths(const struct instance *in, uint64_t *last_rx, uint64_t *rx, size_t max)
{
	size_t i, n = in->conf.protocol == CONF_PROTO_HAMGR ? 1 + in->conf.n_paths : 0;

	for (i = 0; i < n && i < max; i++) {
		last_rx[i] = in->paths[i].last_rx;
		rx[i] = in->paths[i].rx;
	}
	return n < max ? n : max;
}
