/* hactl main: global options, then the subcommand named next (cli.c's
 * table). Exit codes: 0 ok, 1 the daemon refused or failed, 2 usage
 * error, 3 the daemon cannot be reached. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "hactl.h"

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { 0 }
	};
	struct hactl h = { .sock = getenv("HAMGR_SOCKET") };
	hactl_run run;
	int opt, id;

	if (!h.sock || !h.sock[0])
		h.sock = HACTL_DEFAULT_SOCKET;
	opterr = 0;
	/* "+": stop at the command; its options are its own. */
	while ((opt = getopt_long(argc, argv, "+s:hV", lo, NULL)) != -1) {
		switch (opt) {
		case 's': h.sock = optarg; break;
		case 'h': cli_usage(stdout); return 0;
		case 'V': return hactl_version(&h, 0, NULL);
		default:
			return cli_usage_error("unknown option or missing value: %s",
					       argv[optind - 1]);
		}
	}
	if (!h.sock[0])
		return cli_usage_error("-s: empty socket path");
	if (optind == argc) {
		cli_usage(stderr);
		return HACTL_EXIT_USAGE;
	}
	id = ctlcmd_find(argv[optind]);
	run = id >= 0 ? cli_runner((enum ctlcmd_id)id) : NULL;
	if (!run)
		return cli_usage_error("unknown command '%s'", argv[optind]);
	argc -= optind;
	argv += optind;
	optind = 0;     /* GNU getopt: start over on the new argv */
	return run(&h, argc, argv);
}
