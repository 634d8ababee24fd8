/* hactl: shows and steers a running hamgr through its control socket
 * (protocol: ctlmsg.h; manual: hactl(8)). One file per subcommand around
 * the command table of ctlcmd.h; this header is what they share. */
#ifndef HAMGR_HACTL_HACTL_H
#define HAMGR_HACTL_HACTL_H

#define HACTL_DEFAULT_SOCKET "/run/hamgr/hamgr.sock"

/* Exit codes: 0 ok, and these. */
#define HACTL_EXIT_REFUSED 1     /* the daemon refused or failed */
#define HACTL_EXIT_USAGE 2       /* bad command line */
#define HACTL_EXIT_UNREACHABLE 3 /* the daemon cannot be reached */

/* What the global options set. */
struct hactl {
	const char *sock;
	int timeout_ms;          /* one request and its answer; 0: CALL_TIMEOUT_MS */
};

/* A subcommand: argv[0] is its name, the rest its own arguments (parse
 * them with cli_subopt from optind 0). Returns the exit code. */
typedef int (*hactl_run)(const struct hactl *h, int argc, char **argv);

/* The subcommands, one file each (help and version: cli.c). */
int hactl_status(const struct hactl *h, int argc, char **argv);
int hactl_switchover(const struct hactl *h, int argc, char **argv);
int hactl_standby(const struct hactl *h, int argc, char **argv);
int hactl_active(const struct hactl *h, int argc, char **argv);
int hactl_log(const struct hactl *h, int argc, char **argv);
int hactl_metrics(const struct hactl *h, int argc, char **argv);
int hactl_check(const struct hactl *h, int argc, char **argv);
int hactl_reload(const struct hactl *h, int argc, char **argv);
int hactl_help(const struct hactl *h, int argc, char **argv);
int hactl_version(const struct hactl *h, int argc, char **argv);

#endif
