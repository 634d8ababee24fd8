/* hactl reload: the daemon re-reads its configuration (like SIGHUP); a
 * config it refuses leaves the running one in place. */
#include <stdio.h>
#include <string.h>

#include "call.h"
#include "cli.h"
#include "out.h"

int hactl_reload(const struct hactl *h, int argc, char **argv)
{
	struct ctlmsg_answer ans;
	int rc;

	if ((rc = cli_no_options(argc, argv)) >= 0)
		return rc;
	if ((rc = call_cmd(h, CTLCMD_RELOAD, NULL, &ans)))
		return rc;
	if (!ans.ok && !strcmp(ans.code, CTLMSG_EINVAL)) {
		out_err("reload refused, the running configuration is kept: %s", ans.error);
		ctlmsg_answer_free(&ans);
		return HACTL_EXIT_REFUSED;
	}
	if (!ans.ok) {
		out_err("%s", ans.error);
		ctlmsg_answer_free(&ans);
		return HACTL_EXIT_REFUSED;
	}
	printf("configuration reloaded\n");
	ctlmsg_answer_free(&ans);
	return 0;
}
