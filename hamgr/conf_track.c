/* conf_track: the track sections of an instance into struct conf_track.
 *
 *     track NAME { command = "/path/agent args" | interface = "eth1"
 *                  interval timeout rise fall weight }
 *
 * A track is either a command run every interval or an interface's link
 * state; the syntax of each value is checked as it is read (conf_value.c),
 * what needs several values here. */
#include "conf_priv.h"

#include <string.h>

#define TRACK_INTERVAL_US US_PER_S /* default interval of a command track */

/* interval and timeout have no default here: whether they were written
 * matters (an interface track has neither; timeout defaults to interval). */
cfg_opt_t conf_track_opts[] = {
	CFG_STR_CB("command", NULL, CFGF_NODEFAULT, conf_cb_command),
	CFG_STR_CB("interface", NULL, CFGF_NODEFAULT, conf_cb_ifname),
	CFG_STR_CB("interval", NULL, CFGF_NODEFAULT, conf_cb_duration),
	CFG_STR_CB("timeout", NULL, CFGF_NODEFAULT, conf_cb_duration),
	CFG_INT_CB("rise", 2, CFGF_NONE, conf_cb_int),
	CFG_INT_CB("fall", 3, CFGF_NONE, conf_cb_int),
	CFG_INT_CB("weight", 0, CFGF_NONE, conf_cb_int),
	CFG_BOOL_CB("witness", cfg_false, CFGF_NONE, conf_cb_bool),
	HEADER,
	CFG_END()
};

/* An interface track follows link events: interval and timeout would be
 * silently meaningless, so they are refused. */
static void interface_only(cfg_t *t, struct conf_track *tr)
{
	static const char *const unused[] = { "interval", "timeout" };
	size_t k;

	tr->kind = CONF_TRACK_INTERFACE;
	conf_copy_str(tr->interface, sizeof(tr->interface), cfg_getstr(t, "interface"));
	tr->interface_line = conf_line_of(t, "interface", 0, tr->line);
	for (k = 0; k < sizeof(unused) / sizeof(unused[0]); k++)
		if (cfg_size(t, unused[k]))
			conf_report(conf_line_of(t, unused[k], 0, tr->line), "%s: not used by "
			            "an interface track, expected it only with command",
			            unused[k]);
}

static void command(cfg_t *t, struct conf_track *tr)
{
	char iv[32];

	tr->kind = CONF_TRACK_COMMAND;
	conf_copy_str(tr->command, sizeof(tr->command), cfg_getstr(t, "command"));
	tr->interval_us = cfg_size(t, "interval") ? conf_getduration(t, "interval")
						  : TRACK_INTERVAL_US;
	tr->timeout_us = cfg_size(t, "timeout") ? conf_getduration(t, "timeout")
						: tr->interval_us;
	/* A check still running when the next one is due would pile up. */
	if (tr->timeout_us > tr->interval_us)
		conf_report(conf_line_of(t, "timeout", 0, tr->line), "timeout: %s is longer "
		            "than the interval (%s), expected at most %s",
		            cfg_getstr(t, "timeout"),
		            conf_duration_str(iv, sizeof(iv), tr->interval_us), iv);
}

static void build_one(cfg_t *t, struct conf_track *tr)
{
	bool has_cmd = cfg_size(t, "command") > 0, has_if = cfg_size(t, "interface") > 0;
	char buf[SHOW_MAX];

	tr->line = conf_section_name(t, "track", tr->name);
	if (has_cmd && has_if) {
		int lc = conf_line_of(t, "command", 0, tr->line);
		int li = conf_line_of(t, "interface", 0, tr->line);

		conf_report(lc > li ? lc : li, "track %s: both command and interface are "
		            "set, expected exactly one of them", conf_title_show(buf, tr->name));
	} else if (has_if) {
		interface_only(t, tr);
	} else if (has_cmd) {
		command(t, tr);
	} else {
		conf_report(tr->line, "track %s: command or interface is required, expected "
		            "exactly one of them", conf_title_show(buf, tr->name));
	}
	tr->rise = (unsigned)cfg_getint(t, "rise");
	tr->fall = (unsigned)cfg_getint(t, "fall");
	tr->weight = (int)cfg_getint(t, "weight");
	tr->witness = cfg_getbool(t, "witness");
	/* A witness decides who may hold the role at all: down is FAULT. */
	if (tr->witness && tr->weight)
		conf_report(conf_line_of(t, "weight", 0, tr->line), "weight: a witness track "
		            "has none (down is FAULT), expected weight = 0 or witness = false");
	if (tr->witness && has_if)
		conf_report(conf_line_of(t, "witness", 0, tr->line), "witness: an interface "
		            "is no witness, expected a command track (check-ping, check-tcp)");
}

void conf_track_build(cfg_t *sec, struct conf_instance *in)
{
	size_t i;

	in->tracks = conf_sections(sec, "track", CONF_TRACKS_MAX, sizeof(*in->tracks),
				   &in->n_tracks);
	for (i = 0; i < in->n_tracks; i++)
		build_one(cfg_getnsec(sec, "track", (unsigned)i), &in->tracks[i]);
}

bool conf_track_equal(const struct conf_track *a, const struct conf_track *b)
{
	struct conf_track x, y;         /* copies: memcmp also covers fields added later */

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	x.line = y.line = 0;
	if (x.interface_line)
		x.interface_line = 1;   /* set or not is part of the track */
	if (y.interface_line)
		y.interface_line = 1;
	return memcmp(&x, &y, sizeof(x)) == 0;
}
