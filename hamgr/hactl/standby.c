/* hactl standby INSTANCE [--force] / hactl active INSTANCE: keep the
 * instance off the master role (maintenance), and end that. A master goes
 * to standby only when a backup can take over, unless --force. */
#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "call.h"
#include "cli.h"
#include "json.h"
#include "out.h"

static int set_standby(const struct hactl *h, const char *name, bool force, enum ctlcmd_id id)
{
	struct json_object *args = call_args_instance(name);
	struct ctlmsg_answer ans;
	int rc;

	if (force)
		json_object_object_add(args, "force", json_object_new_boolean(1));
	if ((rc = call_ok(h, id, args, &ans)))
		return rc;
	printf("%s: %s, state %s\n", jstr(ans.result, "instance", name),
	       jbool(ans.result, "standby") == 1 ? "standby (will not take the master role)"
						 : "active",
	       jstr(ans.result, "state", "?"));
	if (jstr(ans.result, "note", NULL))
		out_wrap(0, 0, jstr(ans.result, "note", ""));
	ctlmsg_answer_free(&ans);
	return 0;
}

int hactl_standby(const struct hactl *h, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { 0 }
	};
	bool force = false;
	int c, rc;

	while ((c = cli_subopt(argc, argv, "fh", lo)) != -1) {
		if (c == 'f')
			force = true;
		else
			return c == 'h' ? (cli_usage(stdout), 0) : HACTL_EXIT_USAGE;
	}
	if ((rc = cli_positional(argc, argv, 1, 1)))
		return rc;
	return set_standby(h, argv[optind], force, CTLCMD_STANDBY);
}

int hactl_active(const struct hactl *h, int argc, char **argv)
{
	int rc;

	if ((rc = cli_instance_only(argc, argv)) >= 0)
		return rc;
	return set_standby(h, argv[optind], false, CTLCMD_ACTIVE);
}
