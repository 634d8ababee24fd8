/* fuzz_conf: libFuzzer target for the config parser.
 *
 * Feeds the input (as a NUL-terminated copy) to conf_parse_string() and
 * checks what must hold either way: an error names the file, a success is
 * a config that passed every check (so what the daemon relies on holds,
 * tracks and resources included), lines included, and copies with
 * conf_instance_copy().
 * Build: clang -std=c11 -D_GNU_SOURCE -g -O1 -Ihamgr
 *        -fsanitize=fuzzer,address,undefined test/fuzz/fuzz_conf.c
 *        hamgr/conf*.c hamgr/core/ipaddr.c hamgr/core/argv.c -lconfuse
 *        -o build/fuzz/fuzz_conf
 * Run:   build/fuzz/fuzz_conf -dict=test/fuzz/seeds/fuzz_conf.dict
 *        -max_total_time=60 build/fuzz-corpus/fuzz_conf test/fuzz/seeds/fuzz_conf
 * (with a scratch corpus directory first to keep new inputs elsewhere) */
#include "conf.h"
#include "core/argv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_FILE "fuzz.conf"

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_conf: %s: %s\n", what, detail);
	abort();
}

/* What the parser promises of a command: its first word, split as hamgr
 * splits it (blanks, quotes), is an absolute path. The line itself may
 * begin with blanks or a quote. */
static int argv0_absolute(const char *command)
{
	char buf[CONF_CMD_MAX + 64], *argv[64];

	return argv_split(command, argv, 64, buf, sizeof(buf), NULL) > 0 && argv[0][0] == '/';
}

static void check_track(const struct conf_track *t)
{
	if (!t->name[0] || t->line < 1 || t->rise < 1 || t->rise > 255 || t->fall < 1 ||
	    t->fall > 255 || t->weight < -254 || t->weight > 254)
		fail("track value out of range", t->name);
	if (t->kind == CONF_TRACK_COMMAND &&
	    (!argv0_absolute(t->command) || t->interface[0] || t->interval_us < 10000 ||
	     t->interval_us > 3600000000ULL || t->timeout_us < 10000 ||
	     t->timeout_us > t->interval_us))
		fail("command track", t->name);
	if (t->kind == CONF_TRACK_INTERFACE &&
	    (!t->interface[0] || t->command[0] || t->interval_us || t->timeout_us ||
	     t->interface_line < t->line))
		fail("interface track", t->name);
}

static void check_resource(const struct conf_resource *r)
{
	size_t i;

	if (!r->name[0] || r->line < 1 || r->restart_limit > 100 ||
	    r->n_params > CONF_PARAMS_MAX || (r->type == CONF_RTYPE_SCRIPT &&
					      r->script[0] != '/'))
		fail("resource value out of range", r->name);
	if ((r->timeout_us && r->timeout_us < 100000) || r->timeout_us > 3600000000ULL ||
	    (r->monitor_interval_us && r->monitor_interval_us < 100000) ||
	    r->monitor_interval_us > 3600000000ULL)
		fail("resource duration out of range", r->name);
	if (r->script[0] != '/' && !strchr(r->script, ':'))
		fail("resource script", r->script);
	for (i = 0; i < r->n_params; i++)
		if (!strchr(r->params[i], '=') || r->params[i][0] == '=')
			fail("resource param", r->params[i]);
}

/* conntrack-sync needs the sync section, which needs the key file; its
 * values in range, exactly one of peers and multicast. */
static void check_sync(const struct conf *c)
{
	const struct conf_sync *s = &c->sync;
	size_t i;

	for (i = 0; i < c->n_instances; i++)
		if (c->instances[i].conntrack_sync && !s->present)
			fail("conntrack-sync without a sync section", c->instances[i].name);
	if (!s->present)
		return;
	if (!c->auth_key_file[0] || !s->interface[0] || s->line < 1 || s->port == 0 ||
	    !s->protocols || s->protocols > 7 || s->max_entries < 16 ||
	    s->max_entries > 4194304 || s->message_size < 576 || s->message_size > 65000 ||
	    s->n_peers > CONF_SYNC_PEERS_MAX || s->n_ignore > CONF_SYNC_IGNORE_MAX ||
	    (s->n_peers != 0) == (s->multicast.family != 0))
		fail("sync section", s->interface);
	if (!conf_sync_equal(s, s))
		fail("conf_sync_equal", s->interface);
}

/* allowed-peers: multicast only, of the advert family, prefixes without
 * host bits, none within another. */
static void check_allowed(const struct conf_instance *in)
{
	struct ipaddr net;
	size_t i, j;

	if (in->n_allowed_peers && (in->n_unicast_peers || !in->allowed_peers))
		fail("allowed-peers with unicast-peers", in->name);
	for (i = 0; i < in->n_allowed_peers; i++) {
		const struct ipaddr *p = &in->allowed_peers[i];

		ipaddr_network(p, &net);
		if (p->family != in->vips[0].family || p->prefixlen == 0 || !ipaddr_eq(p, &net))
			fail("allowed-peers entry", in->name);
		for (j = 0; j < in->n_allowed_peers; j++)
			if (j != i && ipaddr_in_prefix(p, &in->allowed_peers[j]) &&
			    p->prefixlen >= in->allowed_peers[j].prefixlen)
				fail("allowed-peers entry within another", in->name);
	}
}

static void check_instance(const struct conf_instance *in)
{
	struct conf_instance copy;
	size_t i;

	if (!in->name[0] || !in->interface[0] || in->vrid == 0 || in->priority == 0 ||
	    in->line < 1 || in->interface_line < in->line)
		fail("instance without name, interface, vrid or priority", in->name);
	if (in->n_vips == 0 || in->n_vips > 255 || !in->vips)
		fail("instance without vips", in->name);
	if (in->advert_interval_us < 10000 || in->advert_interval_us > 40950000 ||
	    in->advert_interval_us % 10000)
		fail("advert-interval outside vrrp3 limits", in->name);
	if (in->preempt_delay_us > 3600000000ULL || in->garp_repeat < 1 ||
	    in->garp_repeat > 100 || in->protocol != CONF_PROTO_VRRP3)
		fail("value out of range", in->name);
	for (i = 0; i < in->n_unicast_peers; i++)
		if (in->unicast_peers[i].family != in->vips[0].family)
			fail("peer of the wrong family", in->name);
	check_allowed(in);
	if (in->startup_gate_us > 3600000000ULL || in->fail_holdoff_us > 3600000000ULL)
		fail("startup-gate or fail-holdoff out of range", in->name);
	if (in->n_tracks > CONF_TRACKS_MAX || in->n_resources > CONF_RESOURCES_MAX ||
	    (in->n_tracks && !in->tracks) || (in->n_resources && !in->resources))
		fail("tracks or resources", in->name);
	for (i = 0; i < in->n_tracks; i++)
		check_track(&in->tracks[i]);
	for (i = 0; i < in->n_resources; i++)
		check_resource(&in->resources[i]);
	if (conf_instance_copy(&copy, in) == 0) {
		if (copy.n_tracks != in->n_tracks || copy.n_resources != in->n_resources ||
		    copy.n_allowed_peers != in->n_allowed_peers ||
		    (in->n_allowed_peers && memcmp(copy.allowed_peers, in->allowed_peers,
						   in->n_allowed_peers * sizeof(*in->allowed_peers))) ||
		    (in->n_resources && memcmp(copy.resources, in->resources,
					       in->n_resources * sizeof(*in->resources))))
			fail("conf_instance_copy", in->name);
		conf_instance_release(&copy);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CONF_ERR_MAX];
	struct conf *c = NULL;
	char *text = malloc(size + 1);
	size_t i;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (conf_parse_string(text, FUZZ_FILE, "fuzzhost", &c, err, sizeof(err)) == 0) {
		if (!c || c->n_instances == 0 || !c->node_name[0] ||
		    c->control_socket[0] != '/' || c->state_dir[0] != '/' ||
		    c->control_socket_line < 0 || c->control_group_line < 0 ||
		    c->state_dir_line < 0 || (c->control_group[0] != '\0') !=
		    (c->control_group_line > 0))
			fail("accepted an incomplete config", text);
		for (i = 0; i < c->n_instances; i++)
			check_instance(&c->instances[i]);
		check_sync(c);
		if (conf_find_instance(c, c->instances[0].name) != &c->instances[0])
			fail("conf_find_instance", c->instances[0].name);
		conf_free(c);
	} else {
		if (c)
			fail("error with a config", err);
		if (strncmp(err, FUZZ_FILE ":", strlen(FUZZ_FILE ":")) != 0)
			fail("error without the file name", err);
		if (strchr(err, '\n'))
			fail("error on more than one line", err);
	}
	free(text);
	return 0;
}
