/* hamgr: arguments, config check mode, the sd-event loop, signals and
 * sd_notify. Runs in the foreground (systemd style, no forking). */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "api.h"
#include "conf.h"
#include "core/advert.h"
#include "ctl.h"
#include "daemon.h"
#include "events.h"
#include "garp.h"
#include "hello_io.h"
#include "instance.h"
#include "addr_watch.h"
#include "link.h"
#include "log.h"
#include "preflight.h"
#include "script.h"
#include "vip.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: hamgr [-dhtV] [-f CONFIG]\n"
		   "  -f, --config CONFIG  configuration file (default " CONF_DEFAULT_FILE ")\n"
		   "  -t, --test           check the configuration and exit (0 ok, 78 bad)\n"
		   "  -d, --debug          debug logging\n"
		   "  -h, --help           print this help and exit\n"
		   "  -V, --version        print the version and exit\n");
}

static void print_warning(void *arg, const char *msg)
{
	fprintf(stderr, "hamgr: warning: %s\n", msg);
}

/* RELOADING=1 with MONOTONIC_USEC, which systemd >= 253's
 * Type=notify-reload requires in the same message (252 ignores it). */
static void notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000u);
}

/* STATUS= line for systemctl status: "web MASTER, db BACKUP". */
static void notify_status(void *arg)
{
	struct daemon *d = arg;
	char buf[512];
	size_t off = 0, i;

	if (d->stopping)
		return;
	off += (size_t)snprintf(buf, sizeof(buf), "STATUS=");
	for (i = 0; i < d->n_inst && off < sizeof(buf); i++) {
		const struct fsm *f;

		if (!d->inst[i])
			continue;
		f = instance_fsm(d->inst[i]);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s %s%s",
					off > 7 ? ", " : "", instance_name(d->inst[i]),
					fsm_state_str(f->state), f->standby ? " (standby)" : "");
	}
	if (off == 7)
		snprintf(buf, sizeof(buf), "STATUS=no instances");
	sd_notify(0, buf);
}

static void on_link(void *arg, int ifindex, const char *ifname, bool up)
{
	struct daemon *d = arg;
	size_t i;

	for (i = 0; i < d->n_inst; i++)
		if (d->inst[i])
			instance_link_event(d->inst[i], ifindex, ifname, up);
}

static void on_addr(void *arg, int ifindex, const struct ipaddr *addr, bool deleted)
{
	struct daemon *d = arg;
	size_t i;

	for (i = 0; i < d->n_inst; i++)
		if (d->inst[i])
			instance_addr_event(d->inst[i], ifindex, addr, deleted);
}

static int start_instances(struct daemon *d)
{
	size_t i;

	d->inst = calloc(d->conf->n_instances ? d->conf->n_instances : 1, sizeof(*d->inst));
	if (!d->inst)
		return -1;
	for (i = 0; i < d->conf->n_instances; i++) {
		d->inst[i] = instance_new(&d->conf->instances[i], &d->env);
		if (!d->inst[i])
			return -1;
		d->n_inst++;
		if (instance_start(d->inst[i]) < 0)
			return -1;
	}
	return 0;
}

static void stop_instances(struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->n_inst; i++) {
		if (!d->inst[i])
			continue;
		instance_stop(d->inst[i]);
		instance_free(d->inst[i]);
	}
	free(d->inst);
	d->inst = NULL;
	d->n_inst = 0;
	/* Old instances a reload was still waiting for (their replacements
	 * were in d->inst): freeing removes their VIPs synchronously. */
	for (i = 0; i < d->n_retiring; i++)
		instance_free(d->retiring[i].old);
	free(d->retiring);
	d->retiring = NULL;
	d->n_retiring = 0;
}

static struct instance *take_instance(struct daemon *d, const char *name)
{
	struct instance *in;
	size_t i;

	for (i = 0; i < d->n_inst; i++) {
		if (d->inst[i] && strcmp(instance_name(d->inst[i]), name) == 0) {
			in = d->inst[i];
			d->inst[i] = NULL;
			return in;
		}
	}
	return NULL;
}

/* The control socket's group: control-group, or root's group. */
static int control_gid(const struct conf *c, gid_t *gid, char *err, size_t errlen)
{
	struct group *g;

	*gid = 0;
	if (!c->control_group[0])
		return 0;
	errno = 0;
	g = getgrnam(c->control_group);
	if (!g) {
		snprintf(err, errlen, "control-group \"%s\": %s", c->control_group,
			 errno ? strerror(errno) : "no such group");
		return -1;
	}
	*gid = g->gr_gid;
	return 0;
}

static struct ctl *open_control(struct daemon *d, const struct conf *c)
{
	char err[512];
	struct ctl *ctl;
	gid_t gid;

	if (control_gid(c, &gid, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		return NULL;
	}
	ctl = ctl_open(d->env.event, c->control_socket, gid, api_handle, d, err, sizeof(err));
	if (!ctl)
		log_warnx("control socket: %s", err);
	return ctl;
}

/* After a reload that moved the socket or changed its group: open the new
 * one first, so a failure leaves hactl working on the old one. */
static void reopen_control(struct daemon *d, const struct conf *old, const struct conf *nc)
{
	struct ctl *ctl;

	if (!strcmp(old->control_socket, nc->control_socket) &&
	    !strcmp(old->control_group, nc->control_group))
		return;
	if (!strcmp(old->control_socket, nc->control_socket)) {
		/* Same path: the old listener must go first (a live listener
		 * on the path is refused), then the new one takes the path. */
		ctl_close(d->ctl);
		d->ctl = open_control(d, nc);
		return;
	}
	ctl = open_control(d, nc);
	if (!ctl) {
		log_warnx("control socket stays at %s", old->control_socket);
		return;
	}
	ctl_close(d->ctl);
	d->ctl = ctl;
}

/* An old instance is done releasing: free it, start its replacement. */
static void retired(struct daemon *d, size_t k)
{
	struct retiring r = d->retiring[k];

	d->retiring[k] = d->retiring[--d->n_retiring];
	instance_free(r.old);
	if (r.next && !d->stopping && instance_start(r.next) < 0)
		log_warnx("instance %s: could not start after reload", instance_name(r.next));
}

/* Stop old (release through its pipeline, stop its resources); next, if
 * any, starts only once that is done. */
static void retire(struct daemon *d, struct instance *old, struct instance *next)
{
	struct retiring *r = realloc(d->retiring, (d->n_retiring + 1) * sizeof(*r));

	if (!r) {
		/* No room to wait: free now (removes the VIPs synchronously). */
		instance_stop(old);
		instance_free(old);
		if (next && instance_start(next) < 0)
			log_warnx("instance %s: could not start after reload", instance_name(next));
		return;
	}
	d->retiring = r;
	d->retiring[d->n_retiring++] = (struct retiring){ old, next };
	d->just_stopping = old;
	instance_stop(old);
	d->just_stopping = NULL;
	if (instance_stopped(old))
		retired(d, d->n_retiring - 1);
}

/* Reload: the new config replaces the old only when it parses; instances
 * that keep their name, interface, VRID and family are changed in place so
 * a VIP that stays configured is never removed and no state changes for
 * nothing. */
int daemon_reload(struct daemon *d, char *err, size_t errlen)
{
	struct conf *nc;
	struct instance **ni;
	size_t i;

	notify_reloading();
	if (conf_load_file(d->conf_path, d->hostname, &nc, err, errlen) < 0 ||
	    preflight_check(nc, err, errlen) < 0) {
		conf_free(nc);
		log_warnx("reload refused, running config kept: %s", err);
		events_add(NULL, "reload", NULL, NULL, "refused: %s", err);
		sd_notify(0, "READY=1");
		return -1;
	}
	ni = calloc(nc->n_instances ? nc->n_instances : 1, sizeof(*ni));
	if (!ni) {
		conf_free(nc);
		snprintf(err, errlen, "out of memory");
		sd_notify(0, "READY=1");
		return -1;
	}
	for (i = 0; i < nc->n_instances; i++) {
		const struct conf_instance *ci = &nc->instances[i];
		struct instance *old = take_instance(d, ci->name);

		if (old && instance_can_reconfigure(old, ci)) {
			instance_reconfigure(old, ci);
			ni[i] = old;
			continue;
		}
		ni[i] = instance_new(ci, &d->env);
		if (!ni[i]) {
			log_warnx("instance %s: cannot set it up on reload", ci->name);
			if (old)
				retire(d, old, NULL);
			continue;
		}
		if (old) {
			log_notice("instance %s: interface, VRID, family, tracks or resources "
				   "changed: restarting it", ci->name);
			retire(d, old, ni[i]);
		} else if (instance_start(ni[i]) < 0) {
			log_warnx("instance %s: could not start after reload", ci->name);
		}
	}
	for (i = 0; i < d->n_inst; i++) {
		if (!d->inst[i])
			continue;
		log_notice("instance %s: removed from the config: stopping it",
			   instance_name(d->inst[i]));
		retire(d, d->inst[i], NULL);
	}
	free(d->inst);
	d->inst = ni;
	d->n_inst = nc->n_instances;
	d->env.state_dir = nc->state_dir;
	d->env.node_name = nc->node_name;
	reopen_control(d, d->conf, nc);
	conf_free(d->conf);
	d->conf = nc;
	log_notice("configuration reloaded from %s", d->conf_path);
	events_add(NULL, "reload", NULL, NULL, "configuration reloaded from %s", d->conf_path);
	sd_notify(0, "READY=1");
	notify_status(d);
	return 0;
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *arg)
{
	struct daemon *d = arg;
	char err[CONF_ERR_MAX];

	daemon_reload(d, err, sizeof(err));
	return 0;
}

/* Every instance has released and stopped its resources: exit the loop. */
static void maybe_exit(struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->n_inst; i++)
		if (d->inst[i] && !instance_stopped(d->inst[i]))
			return;
	if (d->n_retiring)
		return;
	sd_event_exit(d->env.event, 0);
}

static void on_stopped(void *arg, struct instance *in)
{
	struct daemon *d = arg;
	size_t k;

	for (k = 0; k < d->n_retiring; k++)
		if (d->retiring[k].old == in) {
			/* Not from inside instance_stop(): retire() handles that. */
			if (in != d->just_stopping)
				retired(d, k);
			break;
		}
	if (d->stopping)
		maybe_exit(d);
}

/* Resource scripts that do not finish in time must not keep a stopping
 * daemon forever: after this, whatever still runs is killed and the VIPs
 * are removed synchronously (instance_free). */
#define STOP_DEADLINE_US (80 * 1000000ULL)

static int on_stop_deadline(sd_event_source *s, uint64_t usec, void *arg)
{
	log_warnx("stopping: resources did not finish within %llu s; exiting anyway",
		  (unsigned long long)(STOP_DEADLINE_US / 1000000u));
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int on_sigterm(sd_event_source *s, const struct signalfd_siginfo *si, void *arg)
{
	struct daemon *d = arg;
	size_t i;

	if (d->stopping)
		return 0;
	log_notice("signal %s: releasing and exiting", strsignal((int)si->ssi_signo));
	d->stopping = true;
	sd_notify(0, "STOPPING=1\nSTATUS=stopping: releasing VIPs and resources");
	sd_event_add_time_relative(d->env.event, NULL, CLOCK_MONOTONIC, STOP_DEADLINE_US,
				   100000, on_stop_deadline, d);
	for (i = 0; i < d->n_inst; i++)
		if (d->inst[i])
			instance_stop(d->inst[i]);
	maybe_exit(d);
	return 0;
}

static int setup_loop(struct daemon *d)
{
	sigset_t ss;
	int r;

	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	/* sd_event_add_child (resource scripts, agents) needs SIGCHLD blocked. */
	script_block_sigchld();
	signal(SIGPIPE, SIG_IGN);
	if ((r = sd_event_default(&d->env.event)) < 0 ||
	    (r = sd_event_add_signal(d->env.event, NULL, SIGTERM, on_sigterm, d)) < 0 ||
	    (r = sd_event_add_signal(d->env.event, NULL, SIGINT, on_sigterm, d)) < 0 ||
	    (r = sd_event_add_signal(d->env.event, NULL, SIGHUP, on_sighup, d)) < 0) {
		log_warnx("sd-event setup: %s", strerror(-r));
		return -1;
	}
	/* Feeds WATCHDOG=1 at half WATCHDOG_USEC when systemd asks for it. */
	sd_event_set_watchdog(d->env.event, true);
	return 0;
}

/* A peer announcement: decode, then hand it to the instance it is for. */
static void on_hello(void *arg, int ifindex, const struct ipaddr *src, uint8_t ttl,
		     const uint8_t *buf, size_t len)
{
	struct daemon *d = arg;
	char a[IPADDR_STRLEN];
	struct hello h;
	enum hello_reason r = hello_decode(buf, len, &h);
	uint64_t now = 0;
	unsigned supp;
	size_t i;

	if (r != HELLO_OK) {
		d->hello_drops[r]++;
		sd_event_now(d->env.event, CLOCK_MONOTONIC, &now);
		if (log_ratelimit_ok(&d->hello_rl, now, &supp))
			log_warnx("dropped peer announcement from %s: %s",
				  ipaddr_str(src, a, sizeof(a)), hello_reason_str(r));
		return;
	}
	if (ttl != ADVERT_TTL)
		d->hello_drops[HELLO_ERR_TTL]++;   /* the instance drops it too */
	for (i = 0; i < d->n_inst; i++) {
		struct instance *in = d->inst[i];

		if (in && instance_ifindex(in) == ifindex && instance_conf(in)->vrid == h.vrid &&
		    instance_family(in) == src->family) {
			instance_hello_rx(in, src, ttl, &h);
			return;
		}
	}
	d->hello_unknown++;
}

static int setup_adapters(struct daemon *d)
{
	char err[256];

	d->env.vip = vip_open();
	if (!d->env.vip) {
		log_warn("netlink (addresses)");
		return -1;
	}
	d->env.garp = garp_open();
	if (!d->env.garp) {
		log_warn("gratuitous ARP/NA sockets");
		return -1;
	}
	d->env.links = link_watch_open(d->env.event, on_link, d);
	if (!d->env.links) {
		log_warn("netlink (link watch)");
		return -1;
	}
	d->addrs = addr_watch_open(d->env.event, on_addr, d);
	if (!d->addrs) {
		log_warn("netlink (address watch)");
		return -1;
	}
	/* Announcements add node names, --to and the successor check; hamgr
	 * runs without them (VRRPv3 alone) when the port is not available. */
	d->env.hello = hello_io_open(d->env.event, on_hello, d, err, sizeof(err));
	if (!d->env.hello || err[0])
		log_warnx("peer announcements%s: %s", d->env.hello ? " (partly)" : " off", err);
	d->env.node_name = d->conf->node_name;
	d->env.on_state = notify_status;
	d->env.on_stopped = on_stopped;
	d->env.on_state_arg = d;
	d->env.state_dir = d->conf->state_dir;
	return 0;
}

static void close_adapters(struct daemon *d)
{
	ctl_close(d->ctl);
	d->ctl = NULL;
	hello_io_close(d->env.hello);
	d->env.hello = NULL;
	addr_watch_close(d->addrs);
	d->addrs = NULL;
	link_watch_close(d->env.links);
	garp_close(d->env.garp);
	vip_close(d->env.vip);
	d->env.event = sd_event_unref(d->env.event);
}

static int run(struct daemon *d)
{
	int r;

	if (setup_loop(d) < 0 || setup_adapters(d) < 0 ||
	    !(d->ctl = open_control(d, d->conf))) {
		close_adapters(d);
		return 1;
	}
	sd_event_now(d->env.event, CLOCK_MONOTONIC, &d->start_us);
	if (start_instances(d) < 0) {
		stop_instances(d);
		close_adapters(d);
		return 1;
	}
	log_notice("hamgr %s started: %zu instance(s) from %s", HAMGR_VERSION, d->n_inst,
		   d->conf_path);
	events_add(NULL, "start", NULL, NULL, "hamgr %s started with %s", HAMGR_VERSION,
		   d->conf_path);
	sd_notify(0, "READY=1");
	notify_status(d);
	r = sd_event_loop(d->env.event);
	stop_instances(d);
	close_adapters(d);
	log_notice("hamgr stopped");
	return r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "test", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d = { .conf_path = CONF_DEFAULT_FILE };
	char err[CONF_ERR_MAX];
	bool check = false, debug = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "df:thV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': debug = true; break;
		case 'f': d.conf_path = optarg; break;
		case 't': check = true; break;
		case 'V': printf("hamgr %s\n", HAMGR_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	log_init("hamgr", debug);
	if (gethostname(d.hostname, sizeof(d.hostname) - 1) < 0)
		snprintf(d.hostname, sizeof(d.hostname), "localhost");
	if (conf_load_file(d.conf_path, d.hostname, &d.conf, err, sizeof(err)) < 0 ||
	    preflight_check(d.conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "hamgr: %s\n", err);
		conf_free(d.conf);
		return CONF_EX_CONFIG;
	}
	if (check) {
		preflight_warnings(d.conf, print_warning, NULL);
		printf("%s: configuration OK (%zu instance(s))\n", d.conf_path, d.conf->n_instances);
		conf_free(d.conf);
		return 0;
	}
	rc = run(&d);
	conf_free(d.conf);
	return rc;
}
