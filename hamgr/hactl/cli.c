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
		   "3 hamgr not reachable\n");
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

int cli_subopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == '?') {
		if (optopt)
			cli_usage_error("%s: unknown option or missing value: -%c", argv[0],
					optopt);
		else
			cli_usage_error("%s: unknown option or missing value: %s", argv[0],
					argv[optind - 1]);
	} else if (c == ':') {
		cli_usage_error("%s: option needs a value: %s", argv[0], argv[optind - 1]);
		c = '?';
	}
	return c;
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
