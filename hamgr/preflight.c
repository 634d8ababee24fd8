/* preflight: resource programs and track agents checked on disk. */
#include "preflight.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/argv.h"

#define PREFLIGHT_ARGV_MAX 64

void preflight_resource_path(const struct conf_resource *r, char *buf, size_t len)
{
	const char *root = getenv("OCF_ROOT"), *colon = strchr(r->script, ':');

	if (r->type != CONF_RTYPE_OCF || r->script[0] == '/' || !colon) {
		snprintf(buf, len, "%s", r->script);
		return;
	}
	snprintf(buf, len, "%s/resource.d/%.*s/%s", root && *root ? root : "/usr/lib/ocf",
		 (int)(colon - r->script), r->script, colon + 1);
}

/* An executable regular file, or why not. */
static const char *not_runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (access(path, X_OK) < 0)
		return "not executable";
	return NULL;
}

static int fail(char *err, size_t errlen, const char *file, int line, const char *kind,
		const char *name, const char *path, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "%s:%d: %s %s: %s: %s, expected an executable program", file,
			 line, kind, name, path, why);
	return -1;
}

static int check_resource(const struct conf *c, const struct conf_resource *r, char *err,
			  size_t errlen)
{
	char path[CONF_PATH_MAX + 64];
	const char *why;

	preflight_resource_path(r, path, sizeof(path));
	why = not_runnable(path);
	return why ? fail(err, errlen, c->file, r->line, "resource", r->name, path, why) : 0;
}

static int check_track(const struct conf *c, const struct conf_track *t, char *err,
		       size_t errlen)
{
	char buf[CONF_CMD_MAX + PREFLIGHT_ARGV_MAX], *argv[PREFLIGHT_ARGV_MAX];
	const char *why = NULL;

	if (t->kind != CONF_TRACK_COMMAND)
		return 0;       /* an interface may appear later */
	if (argv_split(t->command, argv, PREFLIGHT_ARGV_MAX, buf, sizeof(buf), &why) <= 0)
		return fail(err, errlen, c->file, t->line, "track", t->name, t->command,
			    why ? why : "empty");
	why = not_runnable(argv[0]);
	return why ? fail(err, errlen, c->file, t->line, "track", t->name, argv[0], why) : 0;
}

int preflight_check(const struct conf *c, char *err, size_t errlen)
{
	size_t i, j;

	for (i = 0; c && i < c->n_instances; i++) {
		const struct conf_instance *in = &c->instances[i];
		size_t r = 0, t = 0;

		/* In file order across both lists, so the first error is the
		 * first in the file. */
		for (j = 0; j < in->n_resources + in->n_tracks; j++) {
			bool res = t >= in->n_tracks ||
				   (r < in->n_resources && in->resources[r].line < in->tracks[t].line);

			if (res ? check_resource(c, &in->resources[r++], err, errlen) < 0
				: check_track(c, &in->tracks[t++], err, errlen) < 0)
				return -1;
		}
	}
	return 0;
}
