/* vipset: one instance's floating addresses on its interface, through
 * vip.c (batched netlink requests) and garp.c. Every failure is logged
 * with the address and the kernel's reason; the pipeline's VIP step and
 * reloads go through here.
 *
 * Gratuitous ARPs and unsolicited NAs are paced from the event loop: a
 * token bucket of garp-rate per second (core/pace.c: a tenth of a
 * second's worth at once), so a takeover of thousands of addresses announces them over a
 * few seconds instead of flooding the segment, while a few addresses go
 * out at once as before. */
#include "instance_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/pace.h"
#include "garp.h"
#include "monotime.h"
#include "vip.h"

/* Log at most this many failed addresses one by one, then a count. */
#define VIPSET_LOG_MAX 10
#define GARP_TICK_US 10000ULL

static void log_failures(struct instance *in, const struct ipaddr *v, size_t n,
			 const int *err, const char *what, const char *prep)
{
	char a[IPADDR_STRLEN];
	size_t i, logged = 0, failed = 0;

	for (i = 0; i < n; i++) {
		if (!err[i])
			continue;
		if (++failed > VIPSET_LOG_MAX)
			continue;
		logged++;
		log_warnx("instance %s: cannot %s %s %s %s: %s", in->conf.name, what,
			  ipaddr_str_prefix(&v[i], a, sizeof(a)), prep, in->conf.interface,
			  vip_strerror(err[i]));
	}
	if (failed > logged)
		log_warnx("instance %s: cannot %s %zu more addresses %s %s", in->conf.name, what,
			  failed - logged, prep, in->conf.interface);
}

static void change(struct instance *in, const struct ipaddr *v, size_t n, bool add)
{
	int *err;
	size_t i;

	if (n == 0)
		return;
	err = calloc(n, sizeof(*err));
	if (!err) {
		log_warnx("instance %s: out of memory for %zu addresses", in->conf.name, n);
		return;
	}
	if (!in->ifindex)
		for (i = 0; i < n; i++)
			err[i] = -ENODEV;
	else if (add)
		vip_add_many(in->env->vip, in->ifindex, v, n, err);
	else
		vip_del_many(in->env->vip, in->ifindex, v, n, err);
	log_failures(in, v, n, err, add ? "add" : "remove", add ? "on" : "from");
	free(err);
}

void vipset_add(struct instance *in, const struct ipaddr *v, size_t n)
{
	change(in, v, n, true);
}

static void garp_forget(struct instance *in, const struct ipaddr *v, size_t n);

void vipset_del(struct instance *in, const struct ipaddr *v, size_t n)
{
	garp_forget(in, v, n);
	if (in->ifindex)
		change(in, v, n, false);
}

/* ---- paced announcements ---- */

static void garp_arm(struct instance *in, uint64_t now);

/* Compact the queue: drop the entries with nothing left to send. */
static void garp_compact(struct vipset_garpq *q)
{
	size_t i, j;

	for (i = j = 0; i < q->n; i++)
		if (q->e[i].left)
			q->e[j++] = q->e[i];
	q->n = j;
	q->next = 0;
}

/* Send what the bucket allows (core/pace.c), in passes over the queue:
 * every address once, then the repeats. */
static void garp_run(struct instance *in, uint64_t now)
{
	struct vipset_garpq *q = &in->garpq;
	size_t allowed = pace_take(&q->pace, now, vipset_garp_pending(in));

	while (allowed && q->n) {
		if (q->next >= q->n) {
			garp_compact(q);
			continue;
		}
		if (q->e[q->next].left) {
			allowed--;
			q->e[q->next].left--;
			q->sent++;
			if (in->ifindex && garp_send(in->env->garp, in->ifindex, &q->e[q->next].a) < 0)
				q->errors++;
		}
		q->next++;
	}
	if (q->n && q->next >= q->n)
		garp_compact(q);
	garp_arm(in, now);
}

static int on_garp_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct instance *in = arg;

	garp_run(in, instance_now(in));
	return 0;
}

static void garp_arm(struct instance *in, uint64_t now)
{
	struct vipset_garpq *q = &in->garpq;

	if (!q->n) {
		if (q->timer)
			sd_event_source_set_enabled(q->timer, SD_EVENT_OFF);
		return;
	}
	if (!q->timer && sd_event_add_time(in->env->event, &q->timer, CLOCK_MONOTONIC,
					   now + GARP_TICK_US, 1000, on_garp_timer, in) < 0) {
		log_warnx("instance %s: cannot pace gratuitous ARP/NA: %zu not sent",
			  in->conf.name, q->n);
		q->n = q->next = 0;
		return;
	}
	{
		uint64_t at = pace_next(&q->pace, now);

		/* one wakeup per tick at most, sending what is due by then */
		if (at < now + GARP_TICK_US)
			at = now + GARP_TICK_US;
		sd_event_source_set_time(q->timer, at);
	}
	sd_event_source_set_enabled(q->timer, SD_EVENT_ONESHOT);
}

void vipset_garp(struct instance *in, const struct ipaddr *v, size_t n)
{
	struct vipset_garpq *q = &in->garpq;
	uint64_t now = instance_now(in);
	size_t i;

	if (!in->ifindex || n == 0)
		return;
	/* All of them again (the fsm's announcement): start over. */
	if (v == in->conf.vips && n == in->conf.n_vips)
		q->n = q->next = 0;
	if (q->n + n > q->cap) {
		size_t cap = q->n + n;
		void *e = realloc(q->e, cap * sizeof(*q->e));

		if (!e) {
			log_warnx("instance %s: out of memory: %zu gratuitous ARP/NA not sent",
				  in->conf.name, n);
			return;
		}
		q->e = e;
		q->cap = cap;
	}
	for (i = 0; i < n; i++) {
		q->e[q->n].a = v[i];
		q->e[q->n++].left = in->conf.garp_repeat;
	}
	if (q->pace.rate != in->conf.garp_rate)
		pace_init(&q->pace, in->conf.garp_rate);   /* first use, or a reload */
	garp_run(in, now);
}

static void garp_forget(struct instance *in, const struct ipaddr *v, size_t n)
{
	struct vipset_garpq *q = &in->garpq;
	size_t i, k;

	if (v == in->conf.vips && n == in->conf.n_vips) {
		q->n = q->next = 0;
	} else {
		for (i = 0; i < q->n; i++)
			for (k = 0; k < n; k++)
				if (ipaddr_eq(&q->e[i].a, &v[k]))
					q->e[i].left = 0;
	}
	garp_arm(in, instance_now(in));
}

size_t vipset_garp_pending(const struct instance *in)
{
	size_t i, left = 0;

	for (i = 0; i < in->garpq.n; i++)
		left += in->garpq.e[i].left;
	return left;
}

void vipset_free(struct instance *in)
{
	vipset_step_cancel(in);
	in->garpq.timer = sd_event_source_disable_unref(in->garpq.timer);
	free(in->garpq.e);
	memset(&in->garpq, 0, sizeof(in->garpq));
}

/* ---- the VIP step: every address, in slices from the loop ---- */

/* Addresses per netlink batch of a step, and how long one slice may run
 * before the loop gets back to adverts and timers. IPv4 addresses cost
 * the kernel microseconds each; an IPv6 one costs more the more there
 * are on the interface (about 0.5 ms each at 4,000), so thousands of
 * IPv6 addresses take a few slices. */
#define STEP_CHUNK 32
#define STEP_SLICE_US 10000ULL

/* One slice; true when the step is complete. */
static bool step_slice(struct instance *in)
{
	struct vipset_step *j = &in->vstep;
	uint64_t t0 = monotime_us();

	while (j->next < j->n) {
		size_t m = j->n - j->next < STEP_CHUNK ? j->n - j->next : STEP_CHUNK;

		change(in, j->v + j->next, m, j->add);
		/* Announce what is up while the rest is added. */
		if (j->add)
			vipset_garp(in, j->v + j->next, m);
		j->next += m;
		if (monotime_us() - t0 >= STEP_SLICE_US)
			break;
	}
	return j->next >= j->n;
}

static void step_end(struct instance *in)
{
	struct vipset_step *j = &in->vstep;

	j->src = sd_event_source_disable_unref(j->src);
	free(j->v);
	j->v = NULL;
	j->active = false;
}

static int on_step(sd_event_source *s, uint64_t usec, void *arg)
{
	struct instance *in = arg;
	struct vipset_step *j = &in->vstep;

	uint64_t token = j->token;
	bool add = j->add;

	j->slices++;
	if (!step_slice(in)) {
		sd_event_source_set_time(j->src, 0);
		sd_event_source_set_enabled(j->src, SD_EVENT_ONESHOT);
		return 0;
	}
	log_debug("instance %s: VIPs %s in %u slices", in->conf.name, add ? "added" : "removed",
		  j->slices);
	step_end(in);
	takeover_vips_done(in, token, add, false);
	return 0;
}

bool vipset_step(struct instance *in, bool add, uint64_t token)
{
	struct vipset_step *j = &in->vstep;

	vipset_step_cancel(in);
	if (!add)
		garp_forget(in, in->conf.vips, in->conf.n_vips);
	j->v = malloc((in->conf.n_vips ? in->conf.n_vips : 1) * sizeof(*j->v));
	if (!j->v) {
		/* out of memory: one synchronous pass over the config */
		change(in, in->conf.vips, in->conf.n_vips, add);
		if (add)
			vipset_garp(in, in->conf.vips, in->conf.n_vips);
		return true;
	}
	memcpy(j->v, in->conf.vips, in->conf.n_vips * sizeof(*j->v));
	j->n = in->conf.n_vips;
	j->next = 0;
	j->add = add;
	j->token = token;
	j->active = true;
	j->slices = 1;
	if (step_slice(in)) {
		step_end(in);
		return true;
	}
	/* The rest from the loop, after whatever else is due: low priority,
	 * so adverts and timers go first. */
	if (sd_event_add_time(in->env->event, &j->src, CLOCK_MONOTONIC, 0, 0, on_step, in) < 0) {
		while (!step_slice(in))
			;
		step_end(in);
		return true;
	}
	sd_event_source_set_priority(j->src, SD_EVENT_PRIORITY_IDLE);
	return false;
}

bool vipset_step_cancel(struct instance *in)
{
	if (!in->vstep.active)
		return false;
	step_end(in);
	return true;
}

/* ---- presence ---- */

/* The VIPs of every instance on ifindex, in one array (all NULL: only
 * how many). */
static size_t gather_vips(struct instance *const *inst, size_t n, int ifindex,
			  struct ipaddr *all)
{
	size_t k, m = 0;

	for (k = 0; k < n; k++)
		if (inst[k]->ifindex == ifindex) {
			if (all)
				memcpy(all + m, inst[k]->conf.vips,
				       inst[k]->conf.n_vips * sizeof(*all));
			m += inst[k]->conf.n_vips;
		}
	return m;
}

static int present_on(struct instance *const *inst, size_t n, uint8_t *const *present,
		      int ifindex)
{
	size_t m = gather_vips(inst, n, ifindex, NULL), k, at = 0;
	struct ipaddr *all = calloc(m ? m : 1, sizeof(*all));
	uint8_t *got = calloc(m ? m : 1, 1);
	int rc = -ENOMEM;

	if (all && got) {
		gather_vips(inst, n, ifindex, all);
		rc = vip_present_many(inst[0]->env->vip, ifindex, all, m, got);
	}
	for (k = 0; rc == 0 && k < n; k++)
		if (inst[k]->ifindex == ifindex) {
			memcpy(present[k], got + at, inst[k]->conf.n_vips);
			at += inst[k]->conf.n_vips;
		}
	free(all);
	free(got);
	return rc;
}

static int vips_present(struct instance *const *inst, size_t n, uint8_t *const *present)
{
	size_t k, j;
	int rc;

	/* Instances without their interface keep their zeros. */
	for (k = 0; k < n; k++) {
		int ifx = inst[k]->ifindex;
		bool seen = false;

		if (!ifx)
			continue;
		for (j = 0; j < k && !seen; j++)
			seen = inst[j]->ifindex == ifx;
		if (!seen && (rc = present_on(inst, n, present, ifx)) < 0)
			return rc;
	}
	return 0;
}

uint8_t **instances_presence(struct instance *const *inst, size_t n)
{
	uint8_t **present = calloc(n ? n : 1, sizeof(*present));
	size_t k;

	for (k = 0; present && k < n; k++)
		if (!(present[k] = calloc(inst[k]->conf.n_vips + 1, 1))) {
			instances_presence_free(present, k);
			return NULL;
		}
	if (present && vips_present(inst, n, present) < 0) {
		instances_presence_free(present, n);
		return NULL;
	}
	return present;
}

void instances_presence_free(uint8_t **present, size_t n)
{
	for (size_t k = 0; present && k < n; k++)
		free(present[k]);
	free(present);
}

/* A crashed earlier run (kill -9) leaves its VIPs on the interface; left
 * there, two nodes would answer for one address. The address owner
 * (priority 255) owns them for real and keeps them. One dump finds them,
 * one batch removes them. */
void vipset_remove_stale(struct instance *in)
{
	char a[IPADDR_STRLEN];
	struct ipaddr *stale;
	uint8_t **present;
	size_t i, n = 0;

	if (in->conf.priority == 255 || !in->ifindex)
		return;
	present = instances_presence(&in, 1);
	stale = calloc(in->conf.n_vips, sizeof(*stale));
	if (present && stale) {
		for (i = 0; i < in->conf.n_vips; i++) {
			if (!present[0][i])
				continue;
			stale[n++] = in->conf.vips[i];
			if (n <= VIPSET_LOG_MAX)
				log_notice("instance %s: removing stale %s from %s (left by an "
					   "earlier run)", in->conf.name,
					   ipaddr_str_prefix(&in->conf.vips[i], a, sizeof(a)),
					   in->conf.interface);
		}
		if (n > VIPSET_LOG_MAX)
			log_notice("instance %s: removing %zu more stale addresses from %s",
				   in->conf.name, n - VIPSET_LOG_MAX, in->conf.interface);
		change(in, stale, n, false);
	}
	instances_presence_free(present, 1);
	free(stale);
}
