/* cu_child: shared helpers for the unit tests that run real children on a
 * real sd-event loop (test_script, test_resource): a scratch directory
 * under /tmp, small /bin/sh programs written into it, files read back,
 * and runs of the loop bounded in time. Header-only (static inline): each
 * test file is one program. cu_child_init() blocks SIGCHLD, as the daemon
 * must before script_start(). */
#ifndef HAMGR_CU_CHILD_H
#define HAMGR_CU_CHILD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <systemd/sd-event.h>

#include "monotime.h"
#include "script.h"

static char cu_dir[64];
static sd_event *cu_ev;

/* Suite set-up: /tmp/hamgr-test-NAME.XXXXXX, SIGCHLD blocked, a loop. */
static inline int cu_child_init(const char *name)
{
	snprintf(cu_dir, sizeof(cu_dir), "/tmp/hamgr-test-%s.XXXXXX", name);
	if (!mkdtemp(cu_dir) || script_block_sigchld() < 0)
		return -1;
	return sd_event_new(&cu_ev) < 0 ? -1 : 0;
}

static inline int cu_child_clean(void)
{
	char cmd[128];

	cu_ev = sd_event_unref(cu_ev);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cu_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Run the loop until *count reaches n, at most max_s seconds. */
static inline void cu_loop_until(const unsigned *count, unsigned n, unsigned max_s)
{
	uint64_t end = monotime_us() + max_s * 1000000ULL;

	while (*count < n && monotime_us() < end)
		sd_event_run(cu_ev, 100000);
}

/* Run the loop for ms milliseconds whatever happens. */
static inline void cu_loop_for(unsigned ms)
{
	uint64_t end = monotime_us() + ms * 1000ULL;

	while (monotime_us() < end)
		sd_event_run(cu_ev, 20000);
}

/* Write cu_dir/name: "#!/bin/sh", then body; chmod mode. Returns the
 * absolute path, in buf. */
static inline const char *cu_write_prog(char *buf, size_t len, const char *name,
					const char *body, mode_t mode)
{
	FILE *f;

	snprintf(buf, len, "%s/%s", cu_dir, name);
	if ((f = fopen(buf, "w"))) {
		fprintf(f, "#!/bin/sh\n%s\n", body);
		fclose(f);
		chmod(buf, mode);
	}
	return buf;
}

/* The content of cu_dir/name ("" if unreadable), in a static buffer. */
static inline const char *cu_read_back(const char *name)
{
	static char buf[8192];
	char path[128];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cu_dir, name);
	if ((f = fopen(path, "r"))) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

#endif
