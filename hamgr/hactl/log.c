/* hactl log [-n N] [--json]: the daemon's recent transitions and events,
 * one line each: wrapped on a terminal, whole when piped (for grep). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <json-c/json.h>

#include "call.h"
#include "cli.h"
#include "json.h"
#include "out.h"

static void log_human(struct json_object *res)
{
	struct json_object *ev = jget(res, "events");
	char head[512];
	bool wrap = isatty(STDOUT_FILENO);
	size_t i;
	int col;

	for (i = 0; i < jlen(ev); i++) {
		struct json_object *e = jidx(ev, i);
		const char *from = jstr(e, "from", NULL), *to = jstr(e, "to", NULL);

		if (from && to)
			col = snprintf(head, sizeof(head), "%s %s %s -> %s: ", jstr(e, "time", "?"),
				       jstr(e, "instance", "-"), from, to);
		else
			col = snprintf(head, sizeof(head), "%s %s %s: ", jstr(e, "time", "?"),
				       jstr(e, "instance", "-"), jstr(e, "type", "event"));
		fputs(head, stdout);
		if (!wrap) {
			puts(jstr(e, "message", ""));
			continue;
		}
		out_wrap(col < (int)sizeof(head) ? col : (int)sizeof(head) - 1, 4,
			 jstr(e, "message", ""));
	}
}

int hactl_log(const struct hactl *h, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' }, { "lines", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' }, { 0 }
	};
	struct json_object *args = json_object_new_object();
	struct ctlmsg_answer ans;
	bool json = false;
	char *end;
	long n;
	int c, rc;

	while ((c = cli_subopt(argc, argv, "jn:h", lo)) != -1) {
		if (c == 'j') {
			json = true;
		} else if (c == 'n') {
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 1 || n > CTLCMD_LOG_MAX) {
				json_object_put(args);
				return cli_usage_error("log: -n takes a number from 1 to %d, "
						       "not '%s'", CTLCMD_LOG_MAX, optarg);
			}
			json_object_object_add(args, "n", json_object_new_int((int)n));
		} else {
			json_object_put(args);
			return c == 'h' ? (cli_usage(stdout), 0) : HACTL_EXIT_USAGE;
		}
	}
	if ((rc = cli_positional(argc, argv, 0, 0))) {
		json_object_put(args);
		return rc;
	}
	if ((rc = call_ok(h, CTLCMD_LOG, args, &ans)))
		return rc;
	if (json)
		jprint(ans.result);
	else
		log_human(ans.result);
	ctlmsg_answer_free(&ans);
	return 0;
}
