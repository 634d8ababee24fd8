/* hactl switchover INSTANCE [--to NODE] [--force] [--no-wait]: the
 * master releases, then hactl polls the status until another node is
 * master or the wait (3 x Master_Down_Interval, bounded) runs out. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "call.h"
#include "cli.h"
#include "json.h"
#include "out.h"

/* How long to wait for another master, and how often to look. */
#define SWITCH_WAIT_MIN_MS 1000
#define SWITCH_WAIT_MAX_MS 10000
#define SWITCH_POLL_MS 50

/* One status poll. 1: another node is master now (printed), 0: not yet
 * (state copied to last), or an exit code. */
static int switch_poll(const struct hactl *h, const char *name, long long t0,
		       char *last, size_t lastlen)
{
	struct ctlmsg_answer ans;
	struct json_object *in, *m;
	int rc;

	if ((rc = call_ok(h, CTLCMD_STATUS, call_args_instance(name), &ans)))
		return rc;
	in = jnamed(ans.result, "instances", name);
	m = jget(in, "master");
	snprintf(last, lastlen, "%s", jstr(in, "state", "?"));
	if (in && !strcmp(jstr(in, "state", ""), "BACKUP") && m && jbool(m, "self") == 0) {
		printf("%s: %s%s%s%s (priority %lld) is master now, after %.1f s; this node is BACKUP\n",
		       name, jstr(m, "address", "?"), jstr(m, "node", NULL) ? " (" : "",
		       jstr(m, "node", ""), jstr(m, "node", NULL) ? ")" : "", jint(m, "priority", -1),
		       (double)(call_now_ms() - t0) / 1000.0);
		ctlmsg_answer_free(&ans);
		return 1;
	}
	ctlmsg_answer_free(&ans);
	return 0;
}

/* Poll until another node is master, bounded by 3 x the instance's
 * Master_Down_Interval (within SWITCH_WAIT_MIN_MS..SWITCH_WAIT_MAX_MS). */
static int switch_wait(const struct hactl *h, const char *name, double mdi_ms)
{
	long long t0 = call_now_ms(), wait = (long long)(3 * mdi_ms);
	char last[16] = "?";
	int r;

	if (wait < SWITCH_WAIT_MIN_MS)
		wait = SWITCH_WAIT_MIN_MS;
	if (wait > SWITCH_WAIT_MAX_MS)
		wait = SWITCH_WAIT_MAX_MS;
	for (;;) {
		r = switch_poll(h, name, t0, last, sizeof(last));
		if (r == 1)
			return 0;
		if (r > 1)
			return r;
		if (call_now_ms() - t0 >= wait)
			break;
		usleep(SWITCH_POLL_MS * 1000);
	}
	if (!strcmp(last, "MASTER"))
		out_err("switchover %s: no backup took over within %.1f s; this node is MASTER "
			"again", name, (double)wait / 1000.0);
	else
		out_err("switchover %s: no other master seen within %.1f s (this node is %s)",
			name, (double)wait / 1000.0, last);
	return HACTL_EXIT_REFUSED;
}

int hactl_switchover(const struct hactl *h, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "to", required_argument, NULL, 't' }, { "no-wait", no_argument, NULL, 'W' },
		{ "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { 0 }
	};
	struct json_object *args;
	struct ctlmsg_answer ans;
	const char *to = NULL, *name;
	bool nowait = false, force = false;
	double mdi;
	int c, rc;

	while ((c = cli_subopt(argc, argv, "t:fh", lo)) != -1) {
		if (c == 't')
			to = optarg;
		else if (c == 'W')
			nowait = true;
		else if (c == 'f')
			force = true;
		else
			return c == 'h' ? (cli_usage(stdout), 0) : HACTL_EXIT_USAGE;
	}
	if ((rc = cli_positional(argc, argv, 1, 1)))
		return rc;
	name = argv[optind];
	args = call_args_instance(name);
	if (to)
		json_object_object_add(args, "to", json_object_new_string(to));
	if (force)
		json_object_object_add(args, "force", json_object_new_boolean(1));
	if ((rc = call_ok(h, CTLCMD_SWITCHOVER, args, &ans)))
		return rc;
	mdi = jdbl(ans.result, "master_down_interval_ms", 0);
	if (nowait) {
		printf("%s: released, state %s\n", name, jstr(ans.result, "state", "?"));
		if (jstr(ans.result, "note", NULL))
			out_wrap(0, 0, jstr(ans.result, "note", ""));
	}
	ctlmsg_answer_free(&ans);
	return nowait ? 0 : switch_wait(h, name, mdi);
}
