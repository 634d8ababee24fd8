/* spawn: the fork/exec of one child without a shell. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

/* Upper bound for the close-on-exec sweep where close_range() is missing
 * (kernels before 5.11): one fcntl() per possible descriptor. */
#define SPAWN_FD_SWEEP_MAX 65536

/* The child reports why it could not exec, then exits. Only
 * async-signal-safe calls from here on: hamgr may one day have threads,
 * and a forked child of a threaded process may not malloc. */
static _Noreturn void child_fail(int errno_fd, int e)
{
	ssize_t n = write(errno_fd, &e, sizeof(e));

	(void)n;
	_exit(127);
}

/* fd moved to a number above 2 if it is 0-2 (hamgr started with a closed
 * stdin makes pipe() return 0), so the dup2()s below cannot clobber it. */
static int above_stdio(int fd)
{
	return fd > 2 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

static void cloexec_all_above_stdio(void)
{
	struct rlimit rl;
	long max = SPAWN_FD_SWEEP_MAX, fd;

	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)max)
		max = (long)rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}

static _Noreturn void child_exec(char *const *argv, char *const *envp, int null_fd,
				 int out_fd, int errno_fd)
{
	unsigned char dfl[64]; /* above any kernel struct sigaction */
	sigset_t none;
	int sig;

	if ((errno_fd = above_stdio(errno_fd)) < 0)
		_exit(127);
	if (setpgid(0, 0) < 0)
		child_fail(errno_fd, errno);
	/* The raw system call: glibc refuses its own real-time signals (32,
	 * 33), and those can arrive ignored too (GNU make leaves them so).
	 * SIG_DFL is 0, so an all-zero kernel sigaction is "default, no
	 * flags, empty mask" whatever the architecture's field order. */
	memset(&dfl, 0, sizeof(dfl));
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, (NSIG - 1) / 8);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		child_fail(errno_fd, errno);
	if ((null_fd = above_stdio(null_fd)) < 0 || (out_fd = above_stdio(out_fd)) < 0 ||
	    dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		child_fail(errno_fd, errno);
	/* The errno pipe is close-on-exec already: it stays open until the
	 * exec succeeds, and closes with it. */
	cloexec_all_above_stdio();
	execve(argv[0], argv, envp);
	child_fail(errno_fd, errno);
}

int spawn_start(char *const *argv, char *const *envp, int out_fd, pid_t *pid,
		int *errno_fd, char *err, size_t errlen)
{
	int ep[2], null_fd, e;
	pid_t p;

	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0) {
		snprintf(err, errlen, "/dev/null: %s", strerror(errno));
		return -1;
	}
	if (pipe2(ep, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(null_fd);
		return -1;
	}
	p = fork();
	if (p < 0) {
		e = errno;
		close(null_fd);
		close(ep[0]);
		close(ep[1]);
		snprintf(err, errlen, "fork: %s", strerror(e));
		return -1;
	}
	if (p == 0) {
		close(ep[0]);
		child_exec(argv, envp, null_fd, out_fd, ep[1]);
	}
	/* Also here: a kill(-pid) right after this call must find the group,
	 * whichever of parent and child runs first. EACCES once the child
	 * has exec'd is fine (it did it itself). */
	setpgid(p, p);
	close(null_fd);
	close(ep[1]);
	*pid = p;
	*errno_fd = ep[0];
	return 0;
}

int spawn_exec_errno(int errno_fd)
{
	int e = 0;

	if (read(errno_fd, &e, sizeof(e)) != (ssize_t)sizeof(e))
		return 0;
	return e ? e : EIO;
}

/* Length of the name part of "K=V" (the whole string if there is no '='). */
static size_t env_name_len(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq ? (size_t)(eq - kv) : strlen(kv);
}

static bool env_overridden(const char *kv, char *const *add)
{
	size_t n = env_name_len(kv);

	for (; add && *add; add++)
		if (env_name_len(*add) == n && strncmp(*add, kv, n) == 0)
			return true;
	return false;
}

char **spawn_env_new(char *const *add)
{
	size_t n = 0, i = 0;
	char **env, *const *p;

	for (p = environ; p && *p; p++)
		n++;
	for (p = add; p && *p; p++)
		n++;
	env = calloc(n + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (p = environ; p && *p; p++)
		if (!env_overridden(*p, add) && !(env[i++] = strdup(*p)))
			goto oom;
	for (p = add; p && *p; p++)
		if (!(env[i++] = strdup(*p)))
			goto oom;
	return env;
oom:
	spawn_env_free(env);
	return NULL;
}

void spawn_env_free(char **envp)
{
	char **p;

	for (p = envp; p && *p; p++)
		free(*p);
	free(envp);
}
