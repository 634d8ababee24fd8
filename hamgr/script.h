/* script: run one command as a child of the event loop, never blocking it.
 *
 * No shell: argv[0] is executed directly (an absolute path). The child gets
 * hamgr's environment plus spec->env, its stdin from /dev/null, and its
 * stdout/stderr read line by line into the log, each line tagged with
 * spec->tag (bounded: long lines are cut, a flood is rate-limited). After
 * timeout_us the child gets SIGTERM, and SIGKILL kill_grace_us later; it
 * runs in its own process group so both reach whatever it started. The
 * done callback runs exactly once per successful script_start(), from the
 * event loop, after the child has been reaped; the run is freed when done
 * returns.
 *
 * Children are reaped through sd_event_add_child(), which works only while
 * SIGCHLD is blocked in every thread of the process: call
 * script_block_sigchld() before the first script_start() and before any
 * thread is created (main() does it beside SIGTERM/SIGHUP). script_start()
 * refuses to run otherwise. The output pipe is closed when the child is
 * reaped: a daemon a script leaves running must not write to its stdout.
 * How the child is set up (no shell, process group, fds, signals): spawn.h. */
#ifndef HAMGR_SCRIPT_H
#define HAMGR_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#define SCRIPT_LINE_MAX 256           /* last_line kept for status */
#define SCRIPT_DEFAULT_GRACE_US 2000000ULL

enum script_status {
	SCRIPT_EXITED = 0,      /* code = exit status */
	SCRIPT_SIGNALED,        /* code = signal number (not one we sent) */
	SCRIPT_TIMEOUT,         /* killed at its timeout; code = the signal that
				   ended it, 0 if it exited after SIGTERM */
	SCRIPT_CANCELLED,       /* killed by script_cancel(); code as above */
	SCRIPT_SPAWN_FAILED,    /* code = errno of the exec/fork */
};

struct script_spec {
	const char *tag;                /* "web/db promote": log prefix */
	char *const *argv;              /* NULL-terminated; argv[0] absolute */
	char *const *env;               /* NULL-terminated "K=V" added, or NULL */
	uint64_t timeout_us;            /* > 0 */
	uint64_t kill_grace_us;         /* 0: SCRIPT_DEFAULT_GRACE_US */
};

struct script_result {
	enum script_status status;
	int code;
	uint64_t duration_us;
	uint64_t timeout_us;              /* the limit it ran under */
	char last_line[SCRIPT_LINE_MAX];  /* last non-blank output line (cut,
					     control characters as '?'),
					     "" if none */
};

typedef void (*script_done_fn)(void *arg, const struct script_result *r);

struct script_run;

/* Start spec. Returns the run, or NULL with err filled (then done is never
 * called). A program that exists but cannot be executed is reported through
 * done with SCRIPT_SPAWN_FAILED, not here. */
struct script_run *script_start(sd_event *e, const struct script_spec *spec,
				script_done_fn done, void *arg, char *err, size_t errlen);

/* Kill the run (SIGTERM, SIGKILL after the grace); done follows with
 * SCRIPT_CANCELLED once the child is reaped (SCRIPT_TIMEOUT if the
 * timeout had fired first). No-op on NULL and from within done. */
void script_cancel(struct script_run *run);

/* Forget the run without waiting: kill -9 the process group, reap, never
 * call done. For daemon exit only. No-op on NULL and from within done. */
void script_abandon(struct script_run *run);

/* "exit 7 (not running)", "killed by signal 9", "timed out after 30000 ms"... */
const char *script_result_str(const struct script_result *r, char *buf, size_t len);

/* Block SIGCHLD in the calling thread (sd_event_add_child() needs it
 * blocked in all of them). Returns 0, or -1 with errno. */
int script_block_sigchld(void);

/* Run spec to its end, blocking the caller: for start-up only (an OCF
 * agent's meta-data). stdout and stderr go to out, NUL-terminated and cut
 * at outlen - 1 bytes (the rest is read and dropped), nothing is logged.
 * At timeout_us the process group is killed with SIGKILL at once (there
 * is no state to save). Needs no event loop and no SIGCHLD set-up.
 * Returns 0 with r filled, or -1 with err filled (nothing ran). */
int script_run_sync(const struct script_spec *spec, char *out, size_t outlen,
		    struct script_result *r, char *err, size_t errlen);

#endif
