/* cli: hactl's subcommand table (one entry per ctlcmd.h command), its
 * usage text and the option parsing every subcommand shares. */
#ifndef HAMGR_HACTL_CLI_H
#define HAMGR_HACTL_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "ctlcmd.h"
#include "hactl.h"

/* The subcommand of command id, NULL when hactl has none (the unit test
 * test_ctlcmd checks that every command has one). */
hactl_run cli_runner(enum ctlcmd_id id);

/* The usage text, listing every command of the table, on f. */
void cli_usage(FILE *f);

/* "hactl: MESSAGE" and a hint at "hactl help" on stderr; returns
 * HACTL_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* getopt_long over a subcommand's argv (argv[0] = the command). Prints
 * its own messages. Returns the option, -1 at the end, '?' on error. */
int cli_subopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* The positional arguments left after the options: between min and max.
 * 0, or the usage error's exit code after printing it. */
int cli_positional(int argc, char **argv, int min, int max);

/* For subcommands that take only --help and no operands: -1 to go on,
 * else the exit code to return at once. */
int cli_no_options(int argc, char **argv);

/* For subcommands that take only --help and one INSTANCE operand: -1 to
 * go on (the name is argv[optind]), else the exit code. */
int cli_instance_only(int argc, char **argv);

#endif
