/* hamgr: arguments, config check mode, the sd-event loop, signals and
 * the adapters. Runs in the foreground (systemd style, no forking). The
 * instances' lifecycle, reload and the control socket are daemon.c's. */
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
#include "authkey.h"
#include "ctsync.h"
#include "conf.h"
#include "core/advert.h"
#include "ctl.h"
#include "daemon.h"
#include "events.h"
#include "garp.h"
#include "hbproto.h"
#include "hello_io.h"
#include "instance.h"
#include "addr_watch.h"
#include "link.h"
#include "log.h"
#include "preflight.h"
#include "quorum_corosync.h"
#include "script.h"
#include "vip.h"
#include "vrrp_rx.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: hamgr [-dhtV] [-f CONFIG]\n"
		   "       hamgr --genkey[=ID]\n"
		   "  -f, --config CONFIG  configuration file (default " CONF_DEFAULT_FILE ")\n"
		   "  -t, --test           check the configuration and exit (0 ok, 78 bad)\n"
		   "  -d, --debug          debug logging\n"
		   "  -h, --help           print this help and exit\n"
		   "  -V, --version        print the version and exit\n"
		   "      --genkey[=ID]    print a new auth-key-file line \"ID KEY\" (ID 1..255,\n"
		   "                       default 1) and exit\n");
}

/* --genkey=ID: 1..255 in decimal, or -1. */
static int genkey_id(const char *s)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > 255)
		return -1;
	return (int)v;
}

static void print_warning(void *arg, const char *msg)
{
	fprintf(stderr, "hamgr: warning: %s\n", msg);
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

	if (!addr) {
		instances_addr_lost(d->inst, d->n_inst);
		return;
	}
	for (i = 0; i < d->n_inst; i++)
		if (d->inst[i])
			instance_addr_event(d->inst[i], ifindex, addr, deleted);
}











static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *arg)
{
	struct daemon *d = arg;
	char err[CONF_ERR_MAX];

	daemon_reload(d, err, sizeof(err));
	return 0;
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
	daemon_maybe_exit(d);
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
	d->env.deadlines = &d->deadlines;
	/* A loop of our own, not sd_event_default's: the default loop checks
	 * its thread with a gettid() system call on every iteration (one per
	 * advert sent or read), and nothing here shares it. */
	if ((r = sd_event_new(&d->env.event)) < 0 ||
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
	struct instance *in;
	uint64_t now = 0;
	unsigned supp;

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
	/* The instance it is for, by the adverts' table: no instance but
	 * that one is woken. */
	in = vrrp_rx_find(d->env.vrrp, ifindex, src->family, h.vrid);
	if (!in)
		d->hello_unknown++;
	else if (instance_hello_rx(in, src, ttl, &h) == HELLO_ERR_NOT_ALLOWED)
		d->hello_drops[HELLO_ERR_NOT_ALLOWED]++;   /* and per instance */
}

static int setup_adapters(struct daemon *d)
{
	char err[256];

	d->env.vip = vip_open();
	if (!d->env.vip) {
		log_warn("netlink (addresses)");
		return -1;
	}
	d->env.vrrp = vrrp_rx_open(d->env.event);
	if (!d->env.vrrp) {
		log_warn("VRRP receive path");
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
	d->env.hello = hello_io_open(d->env.event, HELLO_PORT, on_hello, d, err, sizeof(err));
	if (!d->env.hello || err[0])
		log_warnx("peer announcements%s: %s", d->env.hello ? " (partly)" : " off", err);
	if (daemon_heartbeat(d, d->conf, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		return -1;
	}
	if (d->conf->sync.present) {
		d->env.ctsync = ctsync_open(d->env.event, d->conf, err, sizeof(err));
		if (!d->env.ctsync) {
			log_warnx("%s", err);
			return -1;
		}
	}
	daemon_corosync(d, d->conf);
	d->env.node_name = d->conf->node_name;
	d->env.on_state = daemon_notify_status;
	d->env.on_stopped = daemon_on_stopped;
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
	hbproto_close(d->env.hb);
	d->env.hb = NULL;
	ctsync_close(d->env.ctsync);
	d->env.ctsync = NULL;
	quorum_corosync_close(d->env.corosync);
	d->env.corosync = NULL;
	addr_watch_close(d->addrs);
	d->addrs = NULL;
	link_watch_close(d->env.links);
	garp_close(d->env.garp);
	vrrp_rx_close(d->env.vrrp);
	d->env.vrrp = NULL;
	vip_close(d->env.vip);
	d->env.event = sd_event_unref(d->env.event);
}

static int run(struct daemon *d)
{
	int r;

	if (setup_loop(d) < 0 || setup_adapters(d) < 0 ||
	    !(d->ctl = daemon_open_control(d, d->conf))) {
		close_adapters(d);
		return 1;
	}
	sd_event_now(d->env.event, CLOCK_MONOTONIC, &d->start_us);
	daemon_realtime(d);
	if (daemon_start_instances(d) < 0) {
		daemon_stop_instances(d);
		close_adapters(d);
		deadlines_free(&d->deadlines);
		return 1;
	}
	log_notice("hamgr %s started: %zu instance(s) from %s", HAMGR_VERSION, d->n_inst,
		   d->conf_path);
	events_add(NULL, "start", NULL, NULL, "hamgr %s started with %s", HAMGR_VERSION,
		   d->conf_path);
	sd_notify(0, "READY=1");
	daemon_notify_status(d);
	r = deadlines_loop(d->env.event, &d->deadlines);
	daemon_stop_instances(d);
	close_adapters(d);
	deadlines_free(&d->deadlines);
	free(d->past_transitions);
	log_notice("hamgr stopped");
	return r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	enum { OPT_GENKEY = 256 };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "genkey", optional_argument, NULL, OPT_GENKEY },
		{ "help", no_argument, NULL, 'h' },
		{ "test", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d = { .conf_path = CONF_DEFAULT_FILE };
	char err[CONF_ERR_MAX];
	bool check = false, debug = false;
	int c, rc, genkey = 0;

	while ((c = getopt_long(argc, argv, "df:thV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': debug = true; break;
		case 'f': d.conf_path = optarg; break;
		case 't': check = true; break;
		case 'V': printf("hamgr %s\n", HAMGR_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		case OPT_GENKEY:
			genkey = optarg ? genkey_id(optarg) : 1;
			if (genkey < 0) {
				fprintf(stderr, "hamgr: --genkey=%s: expected a key id 1..255\n",
					optarg);
				return 2;
			}
			break;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	/* Like wg genkey: the line on stdout and nothing else, no config read. */
	if (genkey) {
		if (authkey_genkey(stdout, (uint8_t)genkey) < 0) {
			fprintf(stderr, "hamgr: --genkey: %s\n",
				ferror(stdout) ? strerror(errno) : "libsodium did not initialise");
			return 1;
		}
		return 0;
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
