/* hactl standby INSTANCE / hactl active INSTANCE: keep the instance off
 * the master role (maintenance), and end that. */
#include <stdio.h>

#include "call.h"
#include "cli.h"
#include "json.h"
#include "out.h"

static int set_standby(const struct hactl *h, int argc, char **argv, enum ctlcmd_id id)
{
	struct ctlmsg_answer ans;
	int rc;

	if ((rc = cli_instance_only(argc, argv)) >= 0)
		return rc;
	if ((rc = call_ok(h, id, call_args_instance(argv[optind]), &ans)))
		return rc;
	printf("%s: %s, state %s\n", jstr(ans.result, "instance", argv[optind]),
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
	return set_standby(h, argc, argv, CTLCMD_STANDBY);
}

int hactl_active(const struct hactl *h, int argc, char **argv)
{
	return set_standby(h, argc, argv, CTLCMD_ACTIVE);
}
