/* script: one child of the event loop, its output, timeout and reaping. */
#include "script.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/ocf.h"
#include "log.h"
#include "monotime.h"
#include "spawn.h"

/* An output line is logged up to this many bytes, then cut ("..."); the
 * rest of it up to the newline is dropped. */
#define SCRIPT_OUT_LINE_MAX 512
/* At most SCRIPT_LOG_BURST lines per run and window reach the log; the
 * count of the others is logged when the window ends or the run does. A
 * script in a loop printing must not flood the journal. */
#define SCRIPT_LOG_BURST 100
#define SCRIPT_LOG_WINDOW_US 10000000ULL
/* What is still read from the pipe once the child is reaped: a child that
 * left a flooding daemon behind must not keep the loop here. */
#define SCRIPT_DRAIN_MAX 65536

struct script_run {
	sd_event *e;
	char *tag;
	pid_t pid;
	int out_fd, errno_fd;
	sd_event_source *child_src, *io_src, *timer_src;
	uint64_t t0_us, timeout_us, grace_us;
	bool term_sent, finished;
	enum script_status kill_reason;   /* SCRIPT_EXITED: none */
	script_done_fn done;
	void *arg;
	/* the line being read */
	char line[SCRIPT_OUT_LINE_MAX + 1];
	size_t line_len;
	bool skipping;                    /* dropping the rest of a cut line */
	uint64_t win_start_us;
	unsigned win_lines, suppressed;
	struct script_result res;
};

int script_block_sigchld(void)
{
	sigset_t ss;

	sigemptyset(&ss);
	sigaddset(&ss, SIGCHLD);
	return sigprocmask(SIG_BLOCK, &ss, NULL) < 0 ? -1 : 0;
}

static bool sigchld_blocked(void)
{
	sigset_t cur;

	return sigprocmask(SIG_BLOCK, NULL, &cur) == 0 && sigismember(&cur, SIGCHLD) == 1;
}

static int check_spec(const struct script_spec *spec, char *err, size_t errlen)
{
	if (!spec->argv || !spec->argv[0] || spec->argv[0][0] != '/') {
		snprintf(err, errlen, "%s: not an absolute path",
			 spec->argv && spec->argv[0] ? spec->argv[0] : "(no program)");
		return -1;
	}
	if (spec->timeout_us == 0) {
		snprintf(err, errlen, "%s: no timeout", spec->argv[0]);
		return -1;
	}
	return 0;
}

/* Spawn with a fresh output pipe: *rd gets its non-blocking read end. */
static int spawn_piped(const struct script_spec *spec, pid_t *pid, int *rd, int *errno_fd,
		       char *err, size_t errlen)
{
	char **env;
	int p[2], r;

	if (check_spec(spec, err, errlen) < 0)
		return -1;
	if (!(env = spawn_env_new(spec->env))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		spawn_env_free(env);
		return -1;
	}
	/* Only our end: a child whose stdout is non-blocking gets EAGAIN
	 * from printf when the pipe is full, which few programs expect. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	r = spawn_start(spec->argv, env, p[1], pid, errno_fd, err, errlen);
	spawn_env_free(env);
	close(p[1]);
	if (r < 0) {
		close(p[0]);
		return -1;
	}
	*rd = p[0];
	return 0;
}

/* The result once the child is gone: exited (code = exit status) or
 * killed (code = signal), the reason we killed it, and the exec errno. */
static void result_fill(struct script_result *r, bool exited, int code,
			enum script_status kill_reason, int exec_errno)
{
	if (exec_errno) {
		r->status = SCRIPT_SPAWN_FAILED;
		r->code = exec_errno;
	} else if (kill_reason != SCRIPT_EXITED) {
		r->status = kill_reason;
		r->code = exited ? 0 : code;
	} else {
		r->status = exited ? SCRIPT_EXITED : SCRIPT_SIGNALED;
		r->code = code;
	}
}

/* ------------------------------------------------------------ output */

static void report_suppressed(struct script_run *run)
{
	if (run->suppressed)
		log_info("%s: %u more output lines not logged", run->tag, run->suppressed);
	run->suppressed = 0;
}

/* Copy line (n bytes) into last, cut at a UTF-8 character boundary. */
static void keep_last(char last[SCRIPT_LINE_MAX], const char *line, size_t n)
{
	if (n >= SCRIPT_LINE_MAX) {
		n = SCRIPT_LINE_MAX - 1;
		while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(last, line, n);
	last[n] = '\0';
}

/* The line in run->line is complete (or cut): log it, keep it. */
static void line_done(struct script_run *run, bool cut)
{
	char *l = run->line;
	size_t n = run->line_len, i;
	uint64_t now;

	run->line_len = 0;
	while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	l[n] = '\0';
	/* No terminal escapes or NULs in the journal. */
	for (i = 0; i < n; i++)
		if ((unsigned char)l[i] < 0x20 || l[i] == 0x7f)
			l[i] = l[i] == '\t' ? ' ' : '?';
	keep_last(run->res.last_line, l, n);
	now = monotime_us();
	if (now - run->win_start_us >= SCRIPT_LOG_WINDOW_US) {
		report_suppressed(run);
		run->win_start_us = now;
		run->win_lines = 0;
	}
	if (run->win_lines >= SCRIPT_LOG_BURST) {
		run->suppressed++;
		return;
	}
	run->win_lines++;
	log_info("%s: %s%s", run->tag, l, cut ? "..." : "");
}

static void output_feed(struct script_run *run, const char *p, size_t n)
{
	const char *nl;
	size_t take;

	while (n > 0) {
		nl = memchr(p, '\n', n);
		take = nl ? (size_t)(nl - p) : n;
		if (!run->skipping) {
			size_t room = SCRIPT_OUT_LINE_MAX - run->line_len;
			size_t c = take < room ? take : room;

			memcpy(run->line + run->line_len, p, c);
			run->line_len += c;
			if (take > room) {
				line_done(run, true);
				run->skipping = true;
			}
		}
		if (!nl)
			return;
		if (!run->skipping)
			line_done(run, false);
		run->skipping = false;
		p = nl + 1;
		n -= take + 1;
	}
}

/* Read what the pipe holds, at most max bytes. Returns 1 at end of file
 * or on an error, 0 when it would block (or max was reached). */
static int output_read(struct script_run *run, size_t max)
{
	char buf[4096];
	size_t total = 0;
	ssize_t n;

	while (total < max) {
		n = read(run->out_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return 1;
		output_feed(run, buf, (size_t)n);
		total += (size_t)n;
	}
	return 0;
}

static int on_output(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct script_run *run = arg;

	/* At end of file the pipe stays readable: stop watching it (the fd
	 * itself is closed with the run). */
	if (output_read(run, SCRIPT_DRAIN_MAX) == 1)
		sd_event_source_set_enabled(s, SD_EVENT_OFF);
	return 0;
}

/* ----------------------------------------------------------- killing */

static void send_group(struct script_run *run, int sig)
{
	if (kill(-run->pid, sig) < 0 && errno != ESRCH)
		log_warn("%s: kill(-%d, %d)", run->tag, (int)run->pid, sig);
}

/* SIGTERM to the group now, SIGKILL when the grace is over. */
static void terminate(struct script_run *run, enum script_status reason)
{
	if (run->kill_reason == SCRIPT_EXITED)
		run->kill_reason = reason;
	if (run->term_sent)
		return;
	run->term_sent = true;
	send_group(run, SIGTERM);
	sd_event_source_set_time_relative(run->timer_src, run->grace_us);
	sd_event_source_set_enabled(run->timer_src, SD_EVENT_ONESHOT);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct script_run *run = arg;

	if (!run->term_sent) {
		log_warnx("%s: timed out after %llu ms, terminating process group %d",
			  run->tag, (unsigned long long)(run->timeout_us / 1000), (int)run->pid);
		terminate(run, SCRIPT_TIMEOUT);
	} else {
		log_warnx("%s: still running %llu ms after SIGTERM, killing process group %d",
			  run->tag, (unsigned long long)(run->grace_us / 1000), (int)run->pid);
		send_group(run, SIGKILL);
	}
	return 0;
}

/* ------------------------------------------------------------ a run */

static void run_free(struct script_run *run)
{
	sd_event_source_disable_unref(run->io_src);
	sd_event_source_disable_unref(run->timer_src);
	sd_event_source_disable_unref(run->child_src);
	if (run->out_fd >= 0)
		close(run->out_fd);
	if (run->errno_fd >= 0)
		close(run->errno_fd);
	sd_event_unref(run->e);
	free(run->tag);
	free(run);
}

static int on_child(sd_event_source *s, const siginfo_t *si, void *arg)
{
	struct script_run *run = arg;

	run->finished = true;
	output_read(run, SCRIPT_DRAIN_MAX);
	if (run->line_len > 0)
		line_done(run, false);
	report_suppressed(run);
	/* What a killed script started dies with it; the child itself is a
	 * zombie until this callback returns, so its group id is still
	 * ours. A script that ended by itself keeps what it started. */
	if (run->kill_reason != SCRIPT_EXITED)
		send_group(run, SIGKILL);
	result_fill(&run->res, si->si_code == CLD_EXITED, si->si_status, run->kill_reason,
		    spawn_exec_errno(run->errno_fd));
	run->res.duration_us = monotime_us() - run->t0_us;
	run->done(run->arg, &run->res);
	/* sd-event reaps the zombie after this callback returns. */
	run_free(run);
	return 0;
}

struct script_run *script_start(sd_event *e, const struct script_spec *spec,
				script_done_fn done, void *arg, char *err, size_t errlen)
{
	struct script_run *run;
	int r;

	if (check_spec(spec, err, errlen) < 0)
		return NULL;
	if (!sigchld_blocked()) {
		snprintf(err, errlen, "SIGCHLD is not blocked (script_block_sigchld())");
		return NULL;
	}
	run = calloc(1, sizeof(*run));
	if (!run || !(run->tag = strdup(spec->tag ? spec->tag : spec->argv[0]))) {
		free(run);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	run->e = sd_event_ref(e);
	run->out_fd = run->errno_fd = -1;
	run->timeout_us = spec->timeout_us;
	run->grace_us = spec->kill_grace_us ? spec->kill_grace_us : SCRIPT_DEFAULT_GRACE_US;
	run->res.timeout_us = spec->timeout_us;
	run->done = done;
	run->arg = arg;
	run->t0_us = run->win_start_us = monotime_us();
	if (spawn_piped(spec, &run->pid, &run->out_fd, &run->errno_fd, err, errlen) < 0) {
		run->pid = 0;
		run_free(run);
		return NULL;
	}
	if ((r = sd_event_add_child(e, &run->child_src, run->pid, WEXITED, on_child, run)) < 0 ||
	    (r = sd_event_add_io(e, &run->io_src, run->out_fd, EPOLLIN, on_output, run)) < 0 ||
	    (r = sd_event_add_time_relative(e, &run->timer_src, CLOCK_MONOTONIC,
					    spec->timeout_us, 0, on_timer, run)) < 0) {
		snprintf(err, errlen, "sd-event: %s", strerror(-r));
		script_abandon(run);
		return NULL;
	}
	log_debug("%s: started pid %d", run->tag, (int)run->pid);
	return run;
}

void script_cancel(struct script_run *run)
{
	if (!run || run->finished || run->kill_reason != SCRIPT_EXITED)
		return;
	log_info("%s: cancelled, terminating process group %d", run->tag, (int)run->pid);
	terminate(run, SCRIPT_CANCELLED);
}

void script_abandon(struct script_run *run)
{
	if (!run || run->finished)
		return;
	send_group(run, SIGKILL);
	/* The source first: sd-event must not reap or report this pid. */
	run->child_src = sd_event_source_disable_unref(run->child_src);
	while (waitpid(run->pid, NULL, 0) < 0 && errno == EINTR)
		;
	run_free(run);
}

const char *script_result_str(const struct script_result *r, char *buf, size_t len)
{
	const char *what, *name;

	switch (r->status) {
	case SCRIPT_EXITED:
		what = ocf_rc_meaning(r->code);
		if (what)
			snprintf(buf, len, "exit %d (%s)", r->code, what);
		else
			snprintf(buf, len, "exit %d", r->code);
		break;
	case SCRIPT_SIGNALED:
		name = sigabbrev_np(r->code);
		if (name)
			snprintf(buf, len, "killed by signal %d (SIG%s)", r->code, name);
		else
			snprintf(buf, len, "killed by signal %d", r->code);
		break;
	case SCRIPT_TIMEOUT:
		snprintf(buf, len, "timed out after %llu ms",
			 (unsigned long long)(r->timeout_us / 1000));
		break;
	case SCRIPT_CANCELLED:
		snprintf(buf, len, "cancelled");
		break;
	case SCRIPT_SPAWN_FAILED:
		snprintf(buf, len, "cannot execute: %s", strerror(r->code));
		break;
	default:
		snprintf(buf, len, "unknown status %d", (int)r->status);
		break;
	}
	return buf;
}

/* ------------------------------------------------------- blocking run */

/* Wait for pid until deadline (CLOCK_MONOTONIC µs); 0 with *status, or
 * -1 when the deadline passed first. Polls: there is no SIGCHLD to wait
 * for while it is blocked, and start-up can afford 10 ms steps. */
static int wait_until(pid_t pid, uint64_t deadline, int *status)
{
	const struct timespec step = { 0, 10 * 1000 * 1000 };
	pid_t w;

	for (;;) {
		w = waitpid(pid, status, WNOHANG);
		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return 0; /* not ours any more: nothing to wait for */
		if (monotime_us() >= deadline)
			return -1;
		nanosleep(&step, NULL);
	}
}

int script_run_sync(const struct script_spec *spec, char *out, size_t outlen,
		    struct script_result *r, char *err, size_t errlen)
{
	uint64_t t0 = monotime_us(), deadline = t0 + spec->timeout_us, now;
	enum script_status reason = SCRIPT_EXITED;
	size_t used = 0;
	int rd, errno_fd, status = 0;
	pid_t pid;
	char buf[4096];

	memset(r, 0, sizeof(*r));
	r->timeout_us = spec->timeout_us;
	if (outlen > 0)
		out[0] = '\0';
	if (spawn_piped(spec, &pid, &rd, &errno_fd, err, errlen) < 0)
		return -1;
	/* Read until end of file or the deadline. */
	while ((now = monotime_us()) < deadline) {
		struct pollfd pfd = { .fd = rd, .events = POLLIN };
		ssize_t n;
		int ms = (int)((deadline - now + 999) / 1000);

		if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
			break;
		n = read(rd, buf, sizeof(buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			break;
		if (outlen > 0 && used < outlen - 1) {
			size_t c = (size_t)n < outlen - 1 - used ? (size_t)n : outlen - 1 - used;

			memcpy(out + used, buf, c);
			used += c;
			out[used] = '\0';
		}
	}
	if (wait_until(pid, deadline, &status) < 0) {
		reason = SCRIPT_TIMEOUT;
		kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	result_fill(r, WIFEXITED(status), WIFEXITED(status) ? WEXITSTATUS(status) :
		    WTERMSIG(status), reason, spawn_exec_errno(errno_fd));
	r->duration_us = monotime_us() - t0;
	close(rd);
	close(errno_fd);
	return 0;
}
