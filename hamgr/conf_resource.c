/* conf_resource: the resource sections of an instance into struct
 * conf_resource.
 *
 *     resource NAME { script type phase timeout on-fail monitor-interval
 *                     restart-limit restart-window irreversible params }
 *
 * Resources run in config order on takeover (reversed on release); the
 * syntax of each value is checked as it is read (conf_value.c), what needs
 * several values here: the script against its type, irreversible's default
 * from the phase, params named twice. */
#include "conf_priv.h"

#include <string.h>

/* irreversible has no default here: it follows phase unless written. */
cfg_opt_t conf_resource_opts[] = {
	CFG_STR_CB("script", NULL, CFGF_NODEFAULT, conf_cb_text),
	CFG_STR_CB("type", "script", CFGF_NONE, conf_cb_choice),
	CFG_STR_CB("phase", "after-vips", CFGF_NONE, conf_cb_choice),
	CFG_STR_CB("timeout", "0s", CFGF_NONE, conf_cb_duration),
	CFG_STR_CB("on-fail", "release", CFGF_NONE, conf_cb_choice),
	CFG_STR_CB("monitor-interval", "0s", CFGF_NONE, conf_cb_duration),
	CFG_INT_CB("restart-limit", 3, CFGF_NONE, conf_cb_int),
	CFG_STR_CB("restart-window", "0s", CFGF_NONE, conf_cb_duration),
	CFG_BOOL_CB("irreversible", cfg_false, CFGF_NODEFAULT, conf_cb_bool),
	CFG_STR_LIST_CB("params", NULL, CFGF_NONE, conf_cb_param),
	HEADER,
	CFG_END()
};

/* "provider:agent" of an OCF agent, found under
 * $OCF_ROOT/resource.d/provider/agent: both plain names, so neither can
 * climb out of that directory. */
static bool ocf_agent_ok(const char *s)
{
	const char *colon = strchr(s, ':');
	char provider[CONF_NAME_MAX];

	if (!colon || (size_t)(colon - s) >= sizeof(provider))
		return false;
	memcpy(provider, s, (size_t)(colon - s));
	provider[colon - s] = '\0';
	return conf_name_ok(provider) && conf_name_ok(colon + 1);
}

static void script(cfg_t *r, struct conf_resource *res)
{
	int line = conf_line_of(r, "script", 0, res->line);
	bool ocf = res->type == CONF_RTYPE_OCF;
	const char *s;
	char buf[SHOW_MAX];

	if (cfg_size(r, "script") == 0) {
		conf_report(res->line, "resource %s: script is required, expected an absolute "
		            "path%s", conf_title_show(buf, res->name),
		            ocf ? " or \"provider:agent\"" : "");
		return;
	}
	s = cfg_getstr(r, "script");
	conf_copy_str(res->script, sizeof(res->script), s);
	if (conf_path_ok(s, CONF_PATH_MAX - 1) || (ocf && ocf_agent_ok(s)))
		return;
	if (ocf)
		conf_report(line, "script: %s is not usable, expected an absolute path of at "
		            "most %d bytes or \"provider:agent\" like \"heartbeat:Dummy\"",
		            conf_show(buf, s), CONF_PATH_MAX - 1);
	else
		conf_report(line, "script: %s is not usable, expected an absolute path of at "
		            "most %d bytes%s", conf_show(buf, s), CONF_PATH_MAX - 1,
		            ocf_agent_ok(s) ? " (an OCF \"provider:agent\" needs type = \"ocf\")"
		                            : "");
}

/* A window counts the failures the monitor finds: without a monitor it
 * counts nothing, and one no longer than the monitor's interval clears
 * the count before the next failure can be seen, so a flapping service
 * would be restarted forever, which is what the window is there to stop. */
static void restart_window(cfg_t *r, struct conf_resource *res)
{
	int line = conf_line_of(r, "restart-window", 0, res->line);
	char w[32], m[32];

	res->restart_window_us = conf_getduration(r, "restart-window");
	if (!res->restart_window_us)
		return;
	conf_duration_str(w, sizeof(w), res->restart_window_us);
	conf_duration_str(m, sizeof(m), res->monitor_interval_us);
	if (!res->monitor_interval_us)
		conf_report(line, "restart-window: %s without monitor-interval, expected "
			    "monitor-interval too (the window counts the monitor's failures)", w);
	else if (res->restart_window_us <= res->monitor_interval_us)
		conf_report(line, "restart-window: %s is not longer than monitor-interval %s, "
			    "expected 0s or more than monitor-interval", w, m);
}

/* Each name once: the environment would keep only one of them. */
static void params(cfg_t *r, struct conf_resource *res)
{
	size_t n = cfg_size(r, "params"), i, j, len;

	for (i = 0; i < n && i < CONF_PARAMS_MAX; i++) {
		const char *p = cfg_getnstr(r, "params", (unsigned)i);

		conf_copy_str(res->params[i], sizeof(res->params[i]), p);
		len = conf_param_name_len(p);
		for (j = 0; j < i; j++) {
			if (strncmp(res->params[j], p, len + 1) != 0)
				continue; /* compared with the '=': "a=" is not "ab=" */
			conf_report(conf_line_of(r, "params", (unsigned)i, res->line),
			            "params: %.*s is set twice (first at line %d), expected "
			            "each name once", (int)len, p,
			            conf_line_of(r, "params", (unsigned)j, res->line));
			break;
		}
	}
	res->n_params = i;
}

static void build_one(cfg_t *r, struct conf_resource *res)
{
	res->line = conf_section_name(r, "resource", res->name);
	res->type = strcmp(cfg_getstr(r, "type"), "ocf") ? CONF_RTYPE_SCRIPT
							 : CONF_RTYPE_OCF;
	script(r, res);
	res->phase = strcmp(cfg_getstr(r, "phase"), "before-vips") ? CONF_PHASE_AFTER_VIPS
								   : CONF_PHASE_BEFORE_VIPS;
	res->timeout_us = conf_getduration(r, "timeout");
	res->on_fail = strcmp(cfg_getstr(r, "on-fail"), "ignore") ? CONF_ON_FAIL_RELEASE
								  : CONF_ON_FAIL_IGNORE;
	res->monitor_interval_us = conf_getduration(r, "monitor-interval");
	res->restart_limit = (unsigned)cfg_getint(r, "restart-limit");
	restart_window(r, res);
	/* A step before the VIPs (promoting a replica) is the one that must
	 * not follow a momentary mastership, see DESIGN.md. */
	res->irreversible = cfg_size(r, "irreversible") ? cfg_getbool(r, "irreversible")
							: res->phase == CONF_PHASE_BEFORE_VIPS;
	params(r, res);
}

void conf_resource_build(cfg_t *sec, struct conf_instance *in)
{
	size_t i;

	in->resources = conf_sections(sec, "resource", CONF_RESOURCES_MAX,
				      sizeof(*in->resources), &in->n_resources);
	for (i = 0; i < in->n_resources; i++)
		build_one(cfg_getnsec(sec, "resource", (unsigned)i), &in->resources[i]);
}

/* a's and b's copies with the fields a reload may change in place cleared. */
static void without_policy(struct conf_resource *x)
{
	x->line = 0;
	x->timeout_us = 0;
	x->on_fail = 0;
	x->monitor_interval_us = 0;
	x->restart_limit = 0;
	x->restart_window_us = 0;
}

bool conf_resource_same(const struct conf_resource *a, const struct conf_resource *b)
{
	struct conf_resource x, y;      /* copies: memcmp also covers fields added later */

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	without_policy(&x);
	without_policy(&y);
	return memcmp(&x, &y, sizeof(x)) == 0;
}

bool conf_resource_equal(const struct conf_resource *a, const struct conf_resource *b)
{
	struct conf_resource x, y;      /* copies: memcmp also covers fields added later */

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	x.line = y.line = 0;
	return memcmp(&x, &y, sizeof(x)) == 0;
}
