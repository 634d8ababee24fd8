/* preflight: what a start would refuse that the config parser cannot see,
 * because it needs the file system: resource programs and track agents
 * that are missing or not executable. hamgr -t, the start and every reload
 * run it after conf_load_file(), so the config check catches them. */
#ifndef HAMGR_PREFLIGHT_H
#define HAMGR_PREFLIGHT_H

#include <stddef.h>

#include "conf.h"

/* Returns 0, or -1 with "FILE:LINE: what, expected ..." in err for the
 * first problem in file order. */
int preflight_check(const struct conf *c, char *err, size_t errlen);

/* The program a resource runs: script as given, or for type "ocf" with
 * "provider:agent", $OCF_ROOT (default /usr/lib/ocf)/resource.d/provider/agent. */
void preflight_resource_path(const struct conf_resource *r, char *buf, size_t len);

#endif
