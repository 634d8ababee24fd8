/* conf_track: the track sections of an instance.
 *
 * Health tracks land in a later version: they are read and their values
 * checked, then refused with "not supported yet", never ignored. */
#include "conf_priv.h"

/* Accepted so a config written for a later version parses, then rejected
 * with "not supported yet" (conf_track_build()). No defaults: nothing reads
 * them. */
cfg_opt_t conf_track_opts[] = {
	CFG_STR_CB("command", NULL, CFGF_NODEFAULT, conf_cb_text),
	CFG_STR_CB("interval", NULL, CFGF_NODEFAULT, conf_cb_duration),
	CFG_STR_CB("timeout", NULL, CFGF_NODEFAULT, conf_cb_duration),
	CFG_INT_CB("rise", 0, CFGF_NODEFAULT, conf_cb_int),
	CFG_INT_CB("fall", 0, CFGF_NODEFAULT, conf_cb_int),
	CFG_INT_CB("weight", 0, CFGF_NODEFAULT, conf_cb_int),
	HEADER,
	CFG_END()
};

void conf_track_build(cfg_t *sec)
{
	char buf[SHOW_MAX];
	unsigned i;

	for (i = 0; i < cfg_size(sec, "track"); i++) {
		cfg_t *t = cfg_getnsec(sec, "track", i);

		conf_report(conf_header_line(t), "track %s: health tracks are not supported yet",
		            conf_title_show(buf, cfg_title(t)));
	}
}
