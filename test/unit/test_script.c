/* Unit tests for script (and spawn): real children on a real sd-event
 * loop. The programs are small /bin/sh scripts written to a fresh
 * directory under /tmp, removed at the end. Times are asserted with
 * generous bounds only: a loaded machine must not fail these. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cu_child.h"
#include "cu_main.h"
#include "script.h"

/* What done saw. */
struct outcome {
	unsigned calls;
	struct script_result r;
};

static void on_done(void *arg, const struct script_result *r)
{
	struct outcome *o = arg;

	o->calls++;
	o->r = *r;
}

/* cu_write_prog() into one of 8 rotating buffers, so that a few paths
 * can stand in one argv at once. */
static const char *write_prog(const char *name, const char *body, mode_t mode)
{
	static char paths[8][128];
	static unsigned slot;

	return cu_write_prog(paths[slot++ % 8], sizeof(paths[0]), name, body, mode);
}

/* Run argv with timeout_ms and grace_ms; returns done's outcome. */
static struct outcome run_argv(char *const *argv, char *const *env, unsigned timeout_ms,
			       unsigned grace_ms)
{
	struct script_spec spec = {
		.tag = "test", .argv = argv, .env = env,
		.timeout_us = timeout_ms * 1000ULL, .kill_grace_us = grace_ms * 1000ULL,
	};
	struct outcome o = { 0 };
	char err[256] = "";
	struct script_run *run = script_start(cu_ev, &spec, on_done, &o, err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL(run);
	if (!run) {
		fprintf(stderr, "script_start: %s\n", err);
		return o;
	}
	cu_loop_until(&o.calls, 1, 60);
	return o;
}

static struct outcome run_body(const char *name, const char *body, unsigned timeout_ms)
{
	char *argv[] = { (char *)write_prog(name, body, 0755), NULL };

	return run_argv(argv, NULL, timeout_ms, 0);
}

static int suite_init(void)
{
	/* As the daemon does: a child must not inherit this. */
	signal(SIGPIPE, SIG_IGN);
	return cu_child_init("script");
}

static void test_exit_codes(void)
{
	static const int codes[] = { 0, 1, 7, 8, 42 };
	char body[32], buf[64];
	struct outcome o;
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		snprintf(body, sizeof(body), "exit %d", codes[i]);
		o = run_body("exit.sh", body, 10000);
		CU_ASSERT_EQUAL(o.calls, 1);
		CU_ASSERT_EQUAL(o.r.status, SCRIPT_EXITED);
		CU_ASSERT_EQUAL(o.r.code, codes[i]);
		CU_ASSERT_EQUAL(o.r.timeout_us, 10000000ULL);
		CU_ASSERT_STRING_EQUAL(o.r.last_line, "");
	}
	CU_ASSERT_STRING_EQUAL(script_result_str(&o.r, buf, sizeof(buf)), "exit 42");
	o = run_body("exit.sh", "exit 7", 10000);
	CU_ASSERT_STRING_EQUAL(script_result_str(&o.r, buf, sizeof(buf)), "exit 7 (not running)");
	/* done is not called again later */
	cu_loop_for(200);
	CU_ASSERT_EQUAL(o.calls, 1);
}

static void test_signaled(void)
{
	struct outcome o = run_body("selfkill.sh", "kill -USR1 $$; sleep 5", 10000);
	char buf[64];

	CU_ASSERT_EQUAL(o.r.status, SCRIPT_SIGNALED);
	CU_ASSERT_EQUAL(o.r.code, SIGUSR1);
	CU_ASSERT_STRING_EQUAL(script_result_str(&o.r, buf, sizeof(buf)),
			       "killed by signal 10 (SIGUSR1)");
}

static void test_output(void)
{
	struct outcome o;
	char line[SCRIPT_LINE_MAX];

	o = run_body("out.sh", "echo one; echo two; echo three >&2", 10000);
	CU_ASSERT_EQUAL(o.r.status, SCRIPT_EXITED);
	CU_ASSERT_STRING_EQUAL(o.r.last_line, "three");
	/* a last line without newline; blank lines do not count; control
	 * characters are replaced */
	o = run_body("out.sh", "echo first; printf 'a\\033[1mb\\n\\n\\n'; printf 'tail end'",
		     10000);
	CU_ASSERT_STRING_EQUAL(o.r.last_line, "tail end");
	o = run_body("out.sh", "printf 'a\\033[1mb\\r\\n'", 10000);
	CU_ASSERT_STRING_EQUAL(o.r.last_line, "a?[1mb");
	/* a long line is kept cut to SCRIPT_LINE_MAX - 1 bytes */
	o = run_body("out.sh", "i=0; while [ $i -lt 300 ]; do printf x; i=$((i+1)); done; echo",
		     10000);
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	CU_ASSERT_STRING_EQUAL(o.r.last_line, line);
	/* a line longer than the log's limit is cut there, the rest of it
	 * dropped, and the next line read as usual */
	o = run_body("out.sh", "i=0; while [ $i -lt 2000 ]; do printf y; i=$((i+1)); done; "
		     "echo; echo short", 10000);
	CU_ASSERT_STRING_EQUAL(o.r.last_line, "short");
}

/* Run body with fd 2 sent to a file; returns the file's lines matching
 * needle, counted. */
static unsigned count_log_lines(const char *body, const char *needle, struct outcome *o)
{
	char path[128], line[1024];
	unsigned n = 0;
	int saved = dup(2), fd;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stderr.log", cu_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || saved < 0)
		return 0;
	fflush(stderr);
	dup2(fd, 2);
	close(fd);
	*o = run_body("flood.sh", body, 20000);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

static void test_flood(void)
{
	struct outcome o;
	unsigned n;

	n = count_log_lines("i=0; while [ $i -lt 1000 ]; do i=$((i+1)); echo line $i; done",
			    "test: line ", &o);
	CU_ASSERT_EQUAL(o.r.status, SCRIPT_EXITED);
	CU_ASSERT_STRING_EQUAL(o.r.last_line, "line 1000");
	CU_ASSERT(n >= 10 && n <= 200);
	n = count_log_lines("i=0; while [ $i -lt 1000 ]; do i=$((i+1)); echo line $i; done",
			    "more output lines not logged", &o);
	CU_ASSERT(n >= 1);
	/* a cut line is marked */
	n = count_log_lines("i=0; while [ $i -lt 600 ]; do printf z; i=$((i+1)); done; echo",
			    "zzz...", &o);
	CU_ASSERT_EQUAL(n, 1);
}

static void test_timeout(void)
{
	uint64_t t0 = monotime_us();
	struct outcome o = run_body("sleep.sh", "sleep 30", 300);
	uint64_t took = monotime_us() - t0;
	char buf[64];

	CU_ASSERT_EQUAL(o.calls, 1);
	CU_ASSERT_EQUAL(o.r.status, SCRIPT_TIMEOUT);
	CU_ASSERT_EQUAL(o.r.code, SIGTERM);
	CU_ASSERT(took >= 250000 && took < 10000000);
	CU_ASSERT(o.r.duration_us >= 250000 && o.r.duration_us < 10000000);
	CU_ASSERT_STRING_EQUAL(script_result_str(&o.r, buf, sizeof(buf)),
			       "timed out after 300 ms");
}

/* True when pid is gone (or a zombie nobody has reaped yet). */
static bool gone(pid_t pid)
{
	char path[64], stat[256];
	const char *rp;
	FILE *f;

	if (kill(pid, 0) < 0)
		return errno == ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return true;
	stat[0] = '\0';
	if (!fgets(stat, sizeof(stat), f))
		stat[0] = '\0';
	fclose(f);
	rp = strrchr(stat, ')');
	return rp && rp[1] == ' ' && rp[2] == 'Z';
}

static void test_term_ignored(void)
{
	char body[256];
	uint64_t t0 = monotime_us();
	struct outcome o;
	pid_t bg;
	int i;

	/* The script and what it started both ignore SIGTERM. */
	snprintf(body, sizeof(body),
		 "trap '' TERM; sleep 30 & echo $! >'%s/bg.pid'; echo started; wait; "
		 "sleep 30", cu_dir);
	{
		char *argv[] = { (char *)write_prog("stubborn.sh", body, 0755), NULL };

		o = run_argv(argv, NULL, 300, 500);
	}
	CU_ASSERT_EQUAL(o.r.status, SCRIPT_TIMEOUT);
	CU_ASSERT_EQUAL(o.r.code, SIGKILL);
	CU_ASSERT(o.r.duration_us >= 700000 && o.r.duration_us < 15000000);
	CU_ASSERT(monotime_us() - t0 < 15000000);
	CU_ASSERT_STRING_EQUAL(o.r.last_line, "started");
	/* the background sleep died with its process group */
	bg = (pid_t)atoi(cu_read_back("bg.pid"));
	CU_ASSERT(bg > 1);
	for (i = 0; i < 100 && bg > 1 && !gone(bg); i++)
		cu_loop_for(20);
	CU_ASSERT(bg > 1 && gone(bg));
}

static void test_cancel(void)
{
	char *argv[] = { (char *)write_prog("cancel.sh", "echo waiting; sleep 30", 0755), NULL };
	struct script_spec spec = { .tag = "cancel", .argv = argv, .timeout_us = 30000000ULL };
	struct outcome o = { 0 };
	char err[256], buf[64];
	struct script_run *run = script_start(cu_ev, &spec, on_done, &o, err, sizeof(err));
	uint64_t t0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(run);
	cu_loop_for(200);
	CU_ASSERT_EQUAL(o.calls, 0);
	t0 = monotime_us();
	script_cancel(run);
	script_cancel(run); /* twice is harmless */
	cu_loop_until(&o.calls, 1, 20);
	CU_ASSERT_EQUAL(o.calls, 1);
	CU_ASSERT_EQUAL(o.r.status, SCRIPT_CANCELLED);
	CU_ASSERT(monotime_us() - t0 < 10000000);
	CU_ASSERT_STRING_EQUAL(o.r.last_line, "waiting");
	CU_ASSERT_STRING_EQUAL(script_result_str(&o.r, buf, sizeof(buf)), "cancelled");
	script_cancel(NULL);
}

static void test_abandon(void)
{
	char body[128];
	struct script_spec spec = { .tag = "abandon", .timeout_us = 30000000ULL };
	struct outcome o = { 0 };
	struct script_run *run;
	char err[256];
	pid_t pid;
	int i;

	snprintf(body, sizeof(body), "echo $$ >'%s/ab.pid'; sleep 30", cu_dir);
	{
		char *argv[] = { (char *)write_prog("abandon.sh", body, 0755), NULL };

		spec.argv = argv;
		run = script_start(cu_ev, &spec, on_done, &o, err, sizeof(err));
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(run);
	for (i = 0; i < 250 && atoi(cu_read_back("ab.pid")) <= 0; i++)
		cu_loop_for(20);
	pid = (pid_t)atoi(cu_read_back("ab.pid"));
	script_abandon(run);
	CU_ASSERT(pid > 1 && kill(pid, 0) < 0 && errno == ESRCH); /* killed and reaped */
	cu_loop_for(200);
	CU_ASSERT_EQUAL(o.calls, 0);
}

static void test_spawn_failed(void)
{
	char *noexec[] = { (char *)write_prog("noexec.sh", "exit 0", 0644), NULL };
	char missing_path[128], *missing[] = { missing_path, NULL };
	char *relative[] = { "bin/true", NULL };
	struct script_spec spec = { .argv = relative, .timeout_us = 1000000 };
	struct outcome o;
	char err[256] = "", buf[128];

	o = run_argv(noexec, NULL, 10000, 0);
	CU_ASSERT_EQUAL(o.calls, 1);
	CU_ASSERT_EQUAL(o.r.status, SCRIPT_SPAWN_FAILED);
	CU_ASSERT_EQUAL(o.r.code, EACCES);
	CU_ASSERT_STRING_EQUAL(script_result_str(&o.r, buf, sizeof(buf)),
			       "cannot execute: Permission denied");
	snprintf(missing_path, sizeof(missing_path), "%s/no-such-program", cu_dir);
	o = run_argv(missing, NULL, 10000, 0);
	CU_ASSERT_EQUAL(o.r.status, SCRIPT_SPAWN_FAILED);
	CU_ASSERT_EQUAL(o.r.code, ENOENT);
	/* not started at all: done never called */
	o.calls = 0;
	CU_ASSERT_PTR_NULL(script_start(cu_ev, &spec, on_done, &o, err, sizeof(err)));
	CU_ASSERT(strstr(err, "absolute") != NULL);
	spec.argv = noexec;
	spec.timeout_us = 0;
	CU_ASSERT_PTR_NULL(script_start(cu_ev, &spec, on_done, &o, err, sizeof(err)));
	cu_loop_for(50);
	CU_ASSERT_EQUAL(o.calls, 0);
}

static void test_sigchld_required(void)
{
	char *argv[] = { (char *)write_prog("t.sh", "exit 0", 0755), NULL };
	struct script_spec spec = { .argv = argv, .timeout_us = 1000000 };
	struct outcome o = { 0 };
	char err[256] = "";
	sigset_t ss;

	sigemptyset(&ss);
	sigaddset(&ss, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &ss, NULL);
	CU_ASSERT_PTR_NULL(script_start(cu_ev, &spec, on_done, &o, err, sizeof(err)));
	CU_ASSERT(strstr(err, "SIGCHLD") != NULL);
	CU_ASSERT_EQUAL(script_block_sigchld(), 0);
}

static void test_argv_literal(void)
{
	char out[160], body[200], marker[160];
	char *argv[6];
	struct outcome o;

	snprintf(out, sizeof(out), "%s/args.out", cu_dir);
	snprintf(marker, sizeof(marker), "$(touch %s/pwned)", cu_dir);
	snprintf(body, sizeof(body), "printf '%%s\\n' \"$#\" \"$@\" >'%s'", out);
	argv[0] = (char *)write_prog("args.sh", body, 0755);
	argv[1] = "two words";
	argv[2] = marker;
	argv[3] = "*";
	argv[4] = "";
	argv[5] = NULL;
	o = run_argv(argv, NULL, 10000, 0);
	CU_ASSERT_EQUAL(o.r.status, SCRIPT_EXITED);
	CU_ASSERT_EQUAL(o.r.code, 0);
	snprintf(body, sizeof(body), "4\ntwo words\n%s\n*\n\n", marker);
	CU_ASSERT_STRING_EQUAL(cu_read_back("args.out"), body);
	snprintf(out, sizeof(out), "%s/pwned", cu_dir);
	CU_ASSERT_EQUAL(access(out, F_OK), -1);
}

static void test_env(void)
{
	char *env[] = { "HAMGR_TEST=two words $HOME", "HAMGR_OVER=child", NULL };
	char *argv[] = { (char *)write_prog("env.sh",
		"echo \"[$HAMGR_TEST] [$HAMGR_OVER] [$HAMGR_KEEP]\"", 0755), NULL };
	struct outcome o;

	setenv("HAMGR_OVER", "parent", 1);
	setenv("HAMGR_KEEP", "inherited", 1);
	o = run_argv(argv, env, 10000, 0);
	CU_ASSERT_STRING_EQUAL(o.r.last_line, "[two words $HOME] [child] [inherited]");
	unsetenv("HAMGR_OVER");
	unsetenv("HAMGR_KEEP");
}

/* The child's descriptors, signal mask and dispositions, process group. */
static void test_child_hygiene(void)
{
	char body[512], expect[128];
	int sock = socket(AF_UNIX, SOCK_STREAM, 0);       /* no CLOEXEC on purpose */
	int file = open("/dev/zero", O_RDONLY);           /* neither */
	sigset_t ss, old;
	struct outcome o;

	CU_ASSERT_FATAL(sock > 2 && file > 2);
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGUSR2);
	sigprocmask(SIG_BLOCK, &ss, &old);
	signal(SIGHUP, SIG_IGN);
	snprintf(body, sizeof(body),
		 "exec >'%s/hyg.out'\n"
		 "for fd in %d %d; do [ -L /proc/$$/fd/$fd ] && echo open $fd; done\n"
		 "echo stdin $(readlink /proc/$$/fd/0)\n"
		 "grep -E '^Sig(Blk|Ign):' /proc/$$/status | tr -d '\\t'\n"
		 "pg=$(cut -d' ' -f5 /proc/$$/stat); [ \"$pg\" = $$ ] && echo own group\n",
		 cu_dir, sock, file);
	{
		char *argv[] = { (char *)write_prog("hyg.sh", body, 0755), NULL };

		o = run_argv(argv, NULL, 10000, 0);
	}
	CU_ASSERT_EQUAL(o.r.status, SCRIPT_EXITED);
	snprintf(expect, sizeof(expect), "stdin /dev/null\nSigBlk:0000000000000000\n"
		 "SigIgn:0000000000000000\nown group\n");
	if (strcmp(cu_read_back("hyg.out"), expect) != 0)
		printf("\nchild saw:\n%s", cu_read_back("hyg.out"));
	CU_ASSERT_STRING_EQUAL(cu_read_back("hyg.out"), expect);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGHUP, SIG_DFL);
	close(sock);
	close(file);
}

static void test_run_sync(void)
{
	char *argv[] = { (char *)write_prog("sync.sh", "echo out; echo err >&2; exit 3", 0755),
			 NULL };
	char *slow[] = { (char *)write_prog("slow.sh", "echo begun; sleep 30", 0755), NULL };
	struct script_spec spec = { .argv = argv, .timeout_us = 10000000 };
	struct script_result r;
	char out[64], small[4], err[256];
	uint64_t t0;

	CU_ASSERT_EQUAL_FATAL(script_run_sync(&spec, out, sizeof(out), &r, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(r.status, SCRIPT_EXITED);
	CU_ASSERT_EQUAL(r.code, 3);
	CU_ASSERT_STRING_EQUAL(out, "out\nerr\n");
	/* cut to the buffer */
	CU_ASSERT_EQUAL(script_run_sync(&spec, small, sizeof(small), &r, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(small, "out");
	/* killed at the timeout */
	spec.argv = slow;
	spec.timeout_us = 300000;
	t0 = monotime_us();
	CU_ASSERT_EQUAL(script_run_sync(&spec, out, sizeof(out), &r, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(r.status, SCRIPT_TIMEOUT);
	CU_ASSERT(monotime_us() - t0 >= 250000 && monotime_us() - t0 < 10000000);
	CU_ASSERT_STRING_EQUAL(out, "begun\n");
}

/* Every child of this process has been reaped by now. */
static void test_no_zombies(void)
{
	cu_loop_for(100);
	CU_ASSERT_EQUAL(waitpid(-1, NULL, WNOHANG), -1);
	CU_ASSERT_EQUAL(errno, ECHILD);
}

static CU_TestInfo tests[] = {
	{ "exit codes", test_exit_codes },
	{ "killed by a signal", test_signaled },
	{ "output: last line, cuts, control characters", test_output },
	{ "output flood is rate-limited", test_flood },
	{ "timeout: SIGTERM to the group", test_timeout },
	{ "timeout: SIGKILL when SIGTERM is ignored", test_term_ignored },
	{ "cancel", test_cancel },
	{ "abandon", test_abandon },
	{ "spawn failures", test_spawn_failed },
	{ "SIGCHLD must be blocked", test_sigchld_required },
	{ "argv passed literally, no shell", test_argv_literal },
	{ "environment", test_env },
	{ "child: fds, signals, process group", test_child_hygiene },
	{ "blocking run", test_run_sync },
	{ "no zombies left", test_no_zombies },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "script", suite_init, cu_child_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites);
