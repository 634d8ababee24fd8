/* cli: the subcommand table, usage, and option parsing, wireguard-tools
 * style: one getopt pass for hactl's options, one per subcommand. */
#include "cli.h"

#include <stdarg.h>
#include <string.h>

#include "ctlmsg.h"
#include "out.h"
#include "version.h"

/* By ctlcmd id, so the table cannot list a command hactl lacks or miss
 * one the daemon answers (test_ctlcmd). */
static const hactl_run runners[CTLCMD_N] = {
	[CTLCMD_STATUS] = hactl_status,
	[CTLCMD_SWITCHOVER] = hactl_switchover,
	[CTLCMD_STANDBY] = hactl_standby,
	[CTLCMD_ACTIVE] = hactl_active,
	[CTLCMD_LOG] = hactl_log,
	[CTLCMD_METRICS] = hactl_metrics,
	[CTLCMD_CHECK] = hactl_check,
	[CTLCMD_RELOAD] = hactl_reload,
	[CTLCMD_HELP] = hactl_help,
	[CTLCMD_VERSION] = hactl_version,
};

hactl_run cli_runner(enum ctlcmd_id id)
{
	return (unsigned)id < CTLCMD_N ? runners[id] : NULL;
}

void cli_usage(FILE *f)
{
	const struct ctlcmd *c;
	int id;

	fprintf(f, "usage: hactl [-s SOCKET] COMMAND [ARGS]\n"
		   "       hactl --version | --help\n\n"
		   "  -s SOCKET  hamgr's control socket (default: $HAMGR_SOCKET, else "
		   HACTL_DEFAULT_SOCKET ")\n\ncommands:\n");
	for (id = 0; (c = ctlcmd_get((enum ctlcmd_id)id)); id++)
		fprintf(f, "  %-44s %s\n", c->synopsis, c->summary);
	fprintf(f, "\nexit status: 0 ok, 1 hamgr refused or failed, 2 usage error, "
		   "3 hamgr not reachable;\n  check: 0 OK, 1 WARNING, 2 CRITICAL (hamgr not "
		   "reachable too), 3 UNKNOWN\n");
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_verr(fmt, ap);
	va_end(ap);
	fputs("(hactl help lists the commands)\n", stderr);
	return HACTL_EXIT_USAGE;
}

static const char *synopsis(const char *name);

/* What option opt (its short letter) takes, as the command's usage line
 * names it ("NODE" for switchover's --to), into buf; NULL when it does not
 * say. */
static const char *metavar(const char *cmd, const struct option *lo, int opt, char *buf,
			   size_t len)
{
	const char *syn = synopsis(cmd), *p = NULL;
	char key[64];
	size_t n;

	for (; lo && lo->name && !p; lo++)
		if (lo->val == opt && snprintf(key, sizeof(key), "--%s ", lo->name) > 0)
			p = strstr(syn, key);
	if (!p && snprintf(key, sizeof(key), "-%c ", opt) > 0)
		p = strstr(syn, key);
	if (!p)
		return NULL;
	p += strlen(key);
	n = strcspn(p, "] |");
	if (!n || n >= len)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

int cli_subopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	const char *as;         /* the option as written: "--to" or "-t" */
	char opts[64], mv[32], shortname[3] = { '-', 0, 0 };
	int c;

	/* A leading ':' tells a missing value (':') from an unknown option. */
	snprintf(opts, sizeof(opts), ":%s", shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, opts, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	as = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
	if (optopt && strncmp(as, "--", 2) != 0) {
		shortname[1] = (char)optopt;
		as = shortname;
	}
	if (c == '?') {
		cli_usage_error("%s: unknown option: %s", argv[0], as);
	} else if (metavar(argv[0], longopts, optopt, mv, sizeof(mv))) {
		cli_usage_error("%s: %s needs %s%s", argv[0], as, strlen(mv) > 1 ? "a " : "", mv);
	} else {
		cli_usage_error("%s: %s needs a value", argv[0], as);
	}
	return '?';
}

static const char *synopsis(const char *name)
{
	int id = ctlcmd_find(name);

	return id >= 0 ? ctlcmd_get((enum ctlcmd_id)id)->synopsis : name;
}

int cli_positional(int argc, char **argv, int min, int max)
{
	int n = argc - optind;

	if (n < min)
		return cli_usage_error("%s: missing argument (usage: hactl %s)", argv[0],
				       synopsis(argv[0]));
	if (n > max)
		return cli_usage_error("%s: unexpected argument '%s'", argv[0],
				       argv[optind + max]);
	return 0;
}

/* Only --help, then between min and max operands. */
static int help_only(int argc, char **argv, int min, int max)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int c, rc;

	while ((c = cli_subopt(argc, argv, "h", lo)) != -1)
		if (c == 'h')
			return cli_usage(stdout), 0;
		else
			return HACTL_EXIT_USAGE;
	if ((rc = cli_positional(argc, argv, min, max)))
		return rc;
	return -1;
}

int cli_no_options(int argc, char **argv)
{
	return help_only(argc, argv, 0, 0);
}

int cli_instance_only(int argc, char **argv)
{
	return help_only(argc, argv, 1, 1);
}

int hactl_help(const struct hactl *h, int argc, char **argv)
{
	cli_usage(stdout);
	return 0;
}

int hactl_version(const struct hactl *h, int argc, char **argv)
{
	printf("hactl %s (control api %d)\n", HAMGR_VERSION, CTLMSG_API);
	return 0;
}
