/* spawn: fork and exec one program, without a shell, as a clean child.
 *
 * The child runs in its own process group (pgid = pid, so one kill(-pid)
 * reaches everything it starts), with stdin from /dev/null, stdout and
 * stderr on out_fd, an empty signal mask and every signal at its default
 * disposition (hamgr ignores SIGPIPE and blocks SIGCHLD and SIGTERM; a
 * child must not inherit that), and no descriptor of hamgr's beyond 0-2:
 * every other one is marked close-on-exec in the child before exec, so a
 * socket opened without SOCK_CLOEXEC does not leak either.
 *
 * A failed exec (or a failed step before it) is reported through a
 * close-on-exec pipe: the child writes its errno there and exits 127; the
 * parent reads it with spawn_exec_errno() once the child has exited, so
 * the parent never blocks on the child. */
#ifndef HAMGR_SPAWN_H
#define HAMGR_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

/* Start argv[0] (a path, not searched in PATH) with envp. Returns 0 with
 * *pid and *errno_fd (the read end of the errno pipe, non-blocking,
 * close-on-exec; the caller closes it), or -1 with err filled (nothing
 * started). */
int spawn_start(char *const *argv, char *const *envp, int out_fd, pid_t *pid,
		int *errno_fd, char *err, size_t errlen);

/* After the child has exited: the errno its exec failed with, or 0 when
 * the exec succeeded. */
int spawn_exec_errno(int errno_fd);

/* hamgr's environment with add ("K=V" strings, NULL-terminated, may be
 * NULL) on top: a variable in add replaces the inherited one of the same
 * name. Returns a NULL-terminated array (free with spawn_env_free), or
 * NULL when out of memory. */
char **spawn_env_new(char *const *add);
void spawn_env_free(char **envp);

#endif
