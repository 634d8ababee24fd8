/* conf_resource: the resource sections of an instance.
 *
 * Resource scripts land in a later version: they are read and their values
 * checked, then refused with "not supported yet", never ignored. */
#include "conf_priv.h"

/* Accepted so a config written for a later version parses, then rejected
 * (conf_resource_build()). No defaults: nothing reads them. */
cfg_opt_t conf_resource_opts[] = {
	CFG_STR_CB("script", NULL, CFGF_NODEFAULT, conf_cb_text),
	CFG_STR_CB("phase", NULL, CFGF_NODEFAULT, conf_cb_text),
	CFG_STR_CB("timeout", NULL, CFGF_NODEFAULT, conf_cb_duration),
	CFG_STR_CB("on-fail", NULL, CFGF_NODEFAULT, conf_cb_text),
	CFG_STR_CB("type", NULL, CFGF_NODEFAULT, conf_cb_text),
	HEADER,
	CFG_END()
};

void conf_resource_build(cfg_t *sec)
{
	char buf[SHOW_MAX];
	unsigned i;

	for (i = 0; i < cfg_size(sec, "resource"); i++) {
		cfg_t *r = cfg_getnsec(sec, "resource", i);

		conf_report(conf_header_line(r), "resource %s: resource scripts are not "
		            "supported yet", conf_title_show(buf, cfg_title(r)));
	}
}
