/* resource: one resource's queue of actions, its environment and results. */
#include "resource.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/ocf.h"
#include "log.h"

#define RESOURCE_DEFAULT_TIMEOUT_US 30000000ULL
/* meta-data runs at start-up and blocks it: short, whatever the agent
 * says about its own meta-data timeout. */
#define RESOURCE_META_TIMEOUT_US 5000000ULL
/* Large agents (IPaddr2, mysql) print some 20 KiB of meta-data; the
 * actions come last, so the buffer must hold the whole document. */
#define RESOURCE_META_MAX (256 * 1024)
#define RESOURCE_OCF_ROOT "/usr/lib/ocf"

/* One requested action, queued or running. */
struct pending {
	struct pending *next;
	enum resource_action action;
	uint64_t token;
	uint64_t timeout_us;
	resource_done_fn done;
	void *arg;
	char **env;                     /* "K=V", NULL-terminated, owned */
};

struct resource {
	sd_event *e;
	struct conf_resource conf;
	char instance[CONF_NAME_MAX];
	char program[PATH_MAX];         /* what is executed */
	char ocf_root[PATH_MAX];
	char ocf_type[CONF_PATH_MAX];   /* agent name (OCF_RESOURCE_TYPE) */
	char ocf_provider[CONF_PATH_MAX];
	bool promotable;
	uint64_t meta_timeout_us[RESOURCE_ACTION_MAX];  /* 0: not given */
	struct pending *queue;          /* not started yet, in order */
	struct pending *dropped;        /* cancelled while queued: done due */
	struct pending *running;
	struct script_run *run;
	sd_event_source *kick;          /* starts the next action, reports drops */
	struct resource_result last[RESOURCE_ACTION_MAX];
	bool has_last[RESOURCE_ACTION_MAX];
	struct resource_stats stats;
	unsigned dispatching;           /* inside a done callback */
	bool freed;                     /* resource_free() ran meanwhile */
};

static const char *const action_names[RESOURCE_ACTION_MAX] = {
	[RESOURCE_START] = "start",
	[RESOURCE_STOP] = "stop",
	[RESOURCE_PROMOTE] = "promote",
	[RESOURCE_DEMOTE] = "demote",
	[RESOURCE_MONITOR] = "monitor",
};

const char *resource_action_str(enum resource_action a)
{
	return (unsigned)a < RESOURCE_ACTION_MAX ? action_names[a] : "unknown";
}

/* ------------------------------------------------------- environment */

/* A growing "K=V" list; one allocation failure spoils it (ok false). */
struct envlist {
	char **v;
	size_t n, cap;
	bool ok;
};

static void env_add(struct envlist *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void env_add(struct envlist *l, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!l->ok)
		return;
	if (l->n + 2 > l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			l->ok = false;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		l->ok = false;
	} else {
		l->v[l->n++] = s;
		l->v[l->n] = NULL;
	}
	va_end(ap);
}

static void env_free(char **v)
{
	char **p;

	for (p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* "name=value" params: name before the first '=', value after it. */
static void env_add_params(struct envlist *l, const struct resource *r, const char *prefix)
{
	size_t i;

	for (i = 0; i < r->conf.n_params; i++) {
		const char *p = r->conf.params[i], *eq = strchr(p, '=');

		env_add(l, "%s%.*s=%s", prefix, (int)(eq - p), p, eq + 1);
	}
}

/* The OCF variables every run of an agent gets (meta-data too). */
static void env_add_ocf_base(struct envlist *l, const struct resource *r)
{
	env_add(l, "OCF_ROOT=%s", r->ocf_root);
	env_add(l, "OCF_RA_VERSION_MAJOR=1");
	env_add(l, "OCF_RA_VERSION_MINOR=0");
	env_add(l, "OCF_RESOURCE_INSTANCE=%s", r->conf.name);
	env_add(l, "OCF_RESOURCE_TYPE=%s", r->ocf_type);
	if (r->ocf_provider[0])
		env_add(l, "OCF_RESOURCE_PROVIDER=%s", r->ocf_provider);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static char **env_for(const struct resource *r, enum resource_action a,
		      const struct resource_ctx *c, uint64_t timeout_us)
{
	struct envlist l = { .ok = true };

	env_add(&l, "HAMGR_INSTANCE=%s", c->instance ? c->instance : r->instance);
	env_add(&l, "HAMGR_NODE=%s", or_empty(c->node));
	env_add(&l, "HAMGR_STATE=%s", or_empty(c->state));
	env_add(&l, "HAMGR_PREV_STATE=%s", or_empty(c->prev_state));
	env_add(&l, "HAMGR_VIPS=%s", or_empty(c->vips));
	env_add(&l, "HAMGR_PEER=%s", or_empty(c->peer));
	env_add(&l, "HAMGR_RESOURCE=%s", r->conf.name);
	env_add(&l, "HAMGR_ACTION=%s", resource_action_str(a));
	/* The time this action has before SIGTERM, so a script can bound
	 * its own waits (a promote waiting for the relay log) inside it. */
	env_add(&l, "HAMGR_TIMEOUT_MS=%llu", (unsigned long long)(timeout_us / 1000));
	if (r->conf.type == CONF_RTYPE_OCF) {
		env_add_ocf_base(&l, r);
		env_add_params(&l, r, "OCF_RESKEY_");
		env_add(&l, "OCF_RESKEY_CRM_meta_timeout=%llu",
			(unsigned long long)(timeout_us / 1000));
		/* What Pacemaker tells the agents of a promotable clone:
		 * ocf_is_ms() in ocf-shellfuncs reads it, and agents such as
		 * mysql start as a replica only when it is set. */
		if (r->promotable)
			env_add(&l, "OCF_RESKEY_CRM_meta_promotable=true");
	} else {
		env_add_params(&l, r, "HAMGR_PARAM_");
	}
	if (!l.ok) {
		env_free(l.v);
		return NULL;
	}
	return l.v;
}

/* ------------------------------------------------------------ set-up */

static bool param_name_ok(const char *p, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		      (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return false;
	return true;
}

static bool path_part_ok(const char *s, size_t n)
{
	return n > 0 && memchr(s, '/', n) == NULL && !(n == 1 && s[0] == '.') &&
	       !(n == 2 && s[0] == '.' && s[1] == '.');
}

/* The program to run, its OCF type and provider. */
static int resolve(struct resource *r, char *err, size_t errlen)
{
	const char *s = r->conf.script, *colon = strchr(s, ':'), *slash;
	const char *root = getenv("OCF_ROOT");

	snprintf(r->ocf_root, sizeof(r->ocf_root), "%s", root && root[0] == '/' ? root :
		 RESOURCE_OCF_ROOT);
	if (s[0] == '/') {
		snprintf(r->program, sizeof(r->program), "%s", s);
		slash = strrchr(s, '/');
		snprintf(r->ocf_type, sizeof(r->ocf_type), "%s", slash + 1);
		/* .../resource.d/PROVIDER/AGENT names its provider */
		if (strstr(s, "/resource.d/") && slash > s) {
			const char *p = slash - 1;

			while (p > s && *p != '/')
				p--;
			snprintf(r->ocf_provider, sizeof(r->ocf_provider), "%.*s",
				 (int)(slash - p - 1), p + 1);
		}
	} else if (r->conf.type == CONF_RTYPE_OCF && colon &&
		   path_part_ok(s, (size_t)(colon - s)) && path_part_ok(colon + 1, strlen(colon + 1))) {
		snprintf(r->ocf_provider, sizeof(r->ocf_provider), "%.*s", (int)(colon - s), s);
		snprintf(r->ocf_type, sizeof(r->ocf_type), "%s", colon + 1);
		if (snprintf(r->program, sizeof(r->program), "%s/resource.d/%s/%s", r->ocf_root,
			     r->ocf_provider, r->ocf_type) >= (int)sizeof(r->program)) {
			snprintf(err, errlen, "resource %s: agent path too long", r->conf.name);
			return -1;
		}
	} else {
		snprintf(err, errlen, "resource %s: \"%s\": expected an absolute path%s",
			 r->conf.name, s, r->conf.type == CONF_RTYPE_OCF ?
			 " or \"provider:agent\"" : "");
		return -1;
	}
	if (access(r->program, X_OK) < 0) {
		snprintf(err, errlen, "resource %s: %s: %s", r->conf.name, r->program,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* Run `AGENT meta-data` once, blocking (start-up only), and learn the
 * default timeouts and whether the agent can promote. */
static int read_meta(struct resource *r, char *err, size_t errlen)
{
	char *argv[] = { r->program, "meta-data", NULL };
	char tag[CONF_NAME_MAX * 2 + 16], why[96], *out;
	struct envlist l = { .ok = true };
	struct script_spec spec = { .tag = tag, .argv = argv,
				    .timeout_us = RESOURCE_META_TIMEOUT_US };
	struct script_result sr;
	struct ocf_meta meta;
	int a, rc = -1;

	snprintf(tag, sizeof(tag), "%s/%s meta-data", r->instance, r->conf.name);
	env_add_ocf_base(&l, r);
	out = malloc(RESOURCE_META_MAX);
	if (!l.ok || !out) {
		snprintf(err, errlen, "resource %s: out of memory", r->conf.name);
		goto out;
	}
	spec.env = l.v;
	if (script_run_sync(&spec, out, RESOURCE_META_MAX, &sr, err, errlen) < 0)
		goto out;
	if (sr.status != SCRIPT_EXITED || sr.code != 0) {
		snprintf(err, errlen, "resource %s: %s meta-data: %s", r->conf.name, r->program,
			 script_result_str(&sr, why, sizeof(why)));
		goto out;
	}
	if (ocf_meta_parse(out, strlen(out), &meta) < 0) {
		snprintf(err, errlen, "resource %s: %s meta-data: no <resource-agent> document",
			 r->conf.name, r->program);
		goto out;
	}
	for (a = 0; a < RESOURCE_ACTION_MAX; a++) {
		const struct ocf_meta_action *m = ocf_meta_find(&meta, action_names[a]);

		r->meta_timeout_us[a] = m ? m->timeout_us : 0;
	}
	r->promotable = ocf_meta_find(&meta, "promote") != NULL;
	log_debug("%s: %zu actions, %s", tag, meta.n_actions,
		  r->promotable ? "promotable" : "start/stop only");
	rc = 0;
out:
	free(out);
	env_free(l.v);
	return rc;
}

static int on_kick(sd_event_source *s, void *arg);

void resource_set_conf(struct resource *r, const struct conf_resource *cr)
{
	if (conf_resource_same(&r->conf, cr))
		r->conf = *cr;
}

struct resource *resource_new(sd_event *e, const struct conf_resource *cr,
			      const char *instance, char *err, size_t errlen)
{
	struct resource *r = calloc(1, sizeof(*r));
	size_t i;
	int rc;

	if (!r) {
		snprintf(err, errlen, "resource %s: out of memory", cr->name);
		return NULL;
	}
	r->conf = *cr;
	snprintf(r->instance, sizeof(r->instance), "%s", instance ? instance : "");
	r->promotable = cr->type != CONF_RTYPE_OCF;
	for (i = 0; i < cr->n_params; i++) {
		const char *p = cr->params[i], *eq = strchr(p, '=');

		if (!eq || !param_name_ok(p, (size_t)(eq - p))) {
			snprintf(err, errlen, "resource %s: param \"%s\": expected name=value, "
				 "the name of letters, digits and _", cr->name, p);
			goto fail;
		}
	}
	if (resolve(r, err, errlen) < 0 ||
	    (cr->type == CONF_RTYPE_OCF && read_meta(r, err, errlen) < 0))
		goto fail;
	if ((rc = sd_event_add_defer(e, &r->kick, on_kick, r)) < 0) {
		snprintf(err, errlen, "resource %s: sd-event: %s", cr->name, strerror(-rc));
		goto fail;
	}
	sd_event_source_set_enabled(r->kick, SD_EVENT_OFF);
	r->e = sd_event_ref(e);
	return r;
fail:
	free(r);
	return NULL;
}

/* ------------------------------------------------------------ results */

static bool action_ok(enum resource_action a, int rc)
{
	switch (a) {
	case RESOURCE_STOP:
	case RESOURCE_DEMOTE:
		return rc == OCF_SUCCESS || rc == OCF_NOT_RUNNING;
	case RESOURCE_MONITOR:
		return rc == OCF_SUCCESS || rc == OCF_NOT_RUNNING || rc == OCF_RUNNING_MASTER;
	default:
		return rc == OCF_SUCCESS;
	}
}

static void free_pending(struct pending *p)
{
	env_free(p->env);
	free(p);
}

static void maybe_free(struct resource *r)
{
	if (r->freed && r->dispatching == 0) {
		sd_event_unref(r->e);
		free(r);
	}
}

/* Report p's outcome (started: it ran, counts in last and stats), then
 * forget p. The callback may call anything, resource_free() included. */
static void finish(struct resource *r, struct pending *p, const struct script_result *sr,
		   bool started)
{
	struct resource_result res = { .action = p->action, .script = *sr };
	const char *name = resource_action_str(p->action);
	char what[128];

	res.ocf_rc = sr->status == SCRIPT_EXITED ? sr->code : -1;
	sd_event_now(r->e, CLOCK_MONOTONIC, &res.finished_at);
	res.ok = res.ocf_rc >= 0 && action_ok(p->action, res.ocf_rc);
	script_result_str(sr, what, sizeof(what));
	if (started) {
		r->last[p->action] = res;
		r->has_last[p->action] = true;
		r->stats.runs[p->action]++;
		r->stats.duration_us[p->action] += sr->duration_us;
		if (!res.ok)
			r->stats.failures[p->action]++;
		if (sr->status == SCRIPT_TIMEOUT)
			r->stats.timeouts++;
	}
	if (!res.ok)
		log_warnx("%s/%s %s failed: %s%s%s", r->instance, r->conf.name, name, what,
			  sr->last_line[0] ? ": " : "", sr->last_line);
	else if (p->action == RESOURCE_MONITOR)
		log_debug("%s/%s monitor: %s", r->instance, r->conf.name, what);
	else
		log_info("%s/%s %s: %s in %llu ms", r->instance, r->conf.name, name, what,
			 (unsigned long long)(sr->duration_us / 1000));
	r->dispatching++;
	p->done(p->arg, p->token, &res);
	r->dispatching--;
	free_pending(p);
}

static void on_script_done(void *arg, const struct script_result *sr)
{
	struct resource *r = arg;
	struct pending *p = r->running;

	r->running = NULL;
	r->run = NULL;
	r->dispatching++;
	finish(r, p, sr, true);
	r->dispatching--;
	if (!r->freed && r->queue)
		sd_event_source_set_enabled(r->kick, SD_EVENT_ONESHOT);
	maybe_free(r);
}

/* Start p; false when it could not be (then reported as a spawn failure). */
static bool start(struct resource *r, struct pending *p)
{
	char *argv[] = { r->program, (char *)resource_action_str(p->action), NULL };
	char tag[CONF_NAME_MAX * 2 + 16], err[256];
	struct script_spec spec = {
		.tag = tag, .argv = argv, .env = p->env, .timeout_us = p->timeout_us,
	};
	struct script_result sr = { .status = SCRIPT_SPAWN_FAILED, .timeout_us = p->timeout_us };

	snprintf(tag, sizeof(tag), "%s/%s %s", r->instance, r->conf.name, argv[1]);
	r->running = p;
	errno = 0;
	r->run = script_start(r->e, &spec, on_script_done, r, err, sizeof(err));
	if (r->run)
		return true;
	r->running = NULL;
	sr.code = errno ? errno : EIO;
	snprintf(sr.last_line, sizeof(sr.last_line), "%s", err);
	finish(r, p, &sr, true);
	return false;
}

static int on_kick(sd_event_source *s, void *arg)
{
	struct resource *r = arg;
	struct pending *p;

	r->dispatching++;
	while (!r->freed && (p = r->dropped)) {
		struct script_result sr = { .status = SCRIPT_CANCELLED,
					    .timeout_us = p->timeout_us };

		r->dropped = p->next;
		finish(r, p, &sr, false);
	}
	while (!r->freed && !r->running && (p = r->queue)) {
		r->queue = p->next;
		if (start(r, p))
			break;
	}
	r->dispatching--;
	maybe_free(r);
	return 0;
}

/* ---------------------------------------------------------------- API */

bool resource_promotable(const struct resource *r)
{
	return r->promotable;
}

uint64_t resource_timeout(const struct resource *r, enum resource_action a)
{
	if (r->conf.timeout_us)
		return r->conf.timeout_us;
	if ((unsigned)a < RESOURCE_ACTION_MAX && r->meta_timeout_us[a])
		return r->meta_timeout_us[a];
	return RESOURCE_DEFAULT_TIMEOUT_US;
}

static void append(struct pending **list, struct pending *p)
{
	while (*list)
		list = &(*list)->next;
	p->next = NULL;
	*list = p;
}

int resource_run(struct resource *r, enum resource_action a,
		 const struct resource_ctx *ctx, uint64_t token,
		 resource_done_fn done, void *arg)
{
	static const struct resource_ctx none;
	struct pending *p;

	if (!r || r->freed || (unsigned)a >= RESOURCE_ACTION_MAX || !done)
		return -1;
	if (!(p = calloc(1, sizeof(*p))))
		return -1;
	p->action = a;
	p->token = token;
	p->timeout_us = resource_timeout(r, a);
	p->done = done;
	p->arg = arg;
	/* The moment is taken now: the state may change while it waits. */
	if (!(p->env = env_for(r, a, ctx ? ctx : &none, p->timeout_us))) {
		free(p);
		return -1;
	}
	append(&r->queue, p);
	/* Started from the loop, never from here: done must not run inside
	 * the caller's call, not even for a spawn failure. */
	if (!r->running)
		sd_event_source_set_enabled(r->kick, SD_EVENT_ONESHOT);
	return 0;
}

void resource_cancel(struct resource *r, uint64_t token)
{
	struct pending **pp = &r->queue, *p;
	bool dropped = false;

	while ((p = *pp)) {
		if (p->token == token) {
			*pp = p->next;
			append(&r->dropped, p);
			dropped = true;
		} else {
			pp = &p->next;
		}
	}
	if (dropped)
		sd_event_source_set_enabled(r->kick, SD_EVENT_ONESHOT);
	if (r->running && r->running->token == token)
		script_cancel(r->run);
}

static void free_list(struct pending *p)
{
	struct pending *next;

	for (; p; p = next) {
		next = p->next;
		free_pending(p);
	}
}

void resource_free(struct resource *r)
{
	if (!r || r->freed)
		return;
	r->freed = true;
	if (r->run) {
		script_abandon(r->run);
		r->run = NULL;
		free_pending(r->running);
		r->running = NULL;
	}
	free_list(r->queue);
	free_list(r->dropped);
	r->queue = r->dropped = NULL;
	r->kick = sd_event_source_disable_unref(r->kick);
	maybe_free(r);
}

const struct resource_result *resource_last(const struct resource *r,
					    enum resource_action a)
{
	return (unsigned)a < RESOURCE_ACTION_MAX && r->has_last[a] ? &r->last[a] : NULL;
}

bool resource_busy(const struct resource *r)
{
	return r->running || r->queue;
}

const struct resource_stats *resource_stats(const struct resource *r)
{
	return &r->stats;
}
