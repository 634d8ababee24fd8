/* takeover_fence: the pipeline's fence step carried out.
 *
 * A master that went silent may be alive: stopped, starved, cut off from
 * this node but not from its clients. Before a new master takes its
 * addresses or promotes anything, the fence command (an operator's script:
 * IPMI, a cloud API, a PDU) makes sure it is down. It runs only when this
 * node took over from a master that went silent (fsm silent_known); a
 * master that released, handed over, or a start with nobody heard has
 * nothing to fence, and the step succeeds at once. Exit 0: fenced, the
 * takeover goes on; anything else (or its timeout): the step fails and the
 * node gives the role up (the pipeline's release-on-fail), so it never
 * promotes beside a master that may still be alive. */
#include "instance_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/argv.h"
#include "events.h"
#include "script.h"

#define FENCE_ARGV_MAX 64

static void on_fence_done(void *arg, const struct script_result *r)
{
	struct instance *in = arg;
	bool ok = r->status == SCRIPT_EXITED && r->code == 0;
	char what[128];

	in->fence_run = NULL;
	script_result_str(r, what, sizeof(what));
	if (ok)
		log_notice("instance %s: fence: done in %llu ms", in->conf.name,
			   (unsigned long long)(r->duration_us / 1000u));
	else
		log_warnx("instance %s: fence failed: %s%s%s: not taking over", in->conf.name,
			  what, r->last_line[0] ? ": " : "", r->last_line);
	events_add(in->conf.name, "fence", NULL, NULL, "%s in %llu ms%s%s",
		   ok ? "done" : what, (unsigned long long)(r->duration_us / 1000u),
		   r->last_line[0] ? ": " : "", r->last_line);
	takeover_done(in, in->fence_token, ok);
}

static void start_fence(struct instance *in, uint64_t token)
{
	char buf[CONF_CMD_MAX + FENCE_ARGV_MAX], *argv[FENCE_ARGV_MAX + 1], err[256];
	char env_addr[80], env_node[96], env_inst[96], env_to[48], tag[96], a[IPADDR_STRLEN];
	const char *why = NULL, *node;
	char *env[5];
	struct script_spec spec;
	int n;

	ipaddr_str(&in->fsm.silent_master, a, sizeof(a));
	node = peers_node_at(&in->peers, instance_now(in), &in->fsm.silent_master);
	n = argv_split(in->conf.fence, argv, FENCE_ARGV_MAX, buf, sizeof(buf), &why);
	if (n <= 0) {   /* the config check refuses this: belt and braces */
		log_warnx("instance %s: fence: %s", in->conf.name, why ? why : "empty");
		takeover_answer_now(in, token, false);
		return;
	}
	argv[n] = NULL;
	snprintf(env_addr, sizeof(env_addr), "HAMGR_FENCE_ADDRESS=%s", a);
	snprintf(env_node, sizeof(env_node), "HAMGR_FENCE_NODE=%s", node ? node : "");
	snprintf(env_inst, sizeof(env_inst), "HAMGR_INSTANCE=%s", in->conf.name);
	snprintf(env_to, sizeof(env_to), "HAMGR_TIMEOUT_MS=%llu",
		 (unsigned long long)(in->conf.fence_timeout_us / 1000u));
	env[0] = env_addr;
	env[1] = env_node;
	env[2] = env_inst;
	env[3] = env_to;
	env[4] = NULL;
	snprintf(tag, sizeof(tag), "%s/fence", in->conf.name);
	memset(&spec, 0, sizeof(spec));
	spec.tag = tag;
	spec.argv = argv;
	spec.env = env;
	spec.timeout_us = in->conf.fence_timeout_us;
	log_notice("instance %s: fencing %s%s%s%s, the master that went silent", in->conf.name,
		   a, node ? " (" : "", node ? node : "", node ? ")" : "");
	in->fence_token = token;
	in->fence_run = script_start(in->env->event, &spec, on_fence_done, in, err, sizeof(err));
	if (!in->fence_run) {
		log_warnx("instance %s: fence cannot run: %s: not taking over", in->conf.name, err);
		takeover_answer_now(in, token, false);
	}
}

void takeover_fence_step(struct instance *in, uint64_t token, bool start)
{
	/* Stopping a fence undoes nothing; a takeover with nobody silent
	 * has nobody to fence. */
	if (!start || !in->fsm.silent_known) {
		takeover_answer_now(in, token, true);
		return;
	}
	start_fence(in, token);
}

void takeover_fence_cancel(struct instance *in)
{
	script_cancel(in->fence_run);   /* its done follows, with the token */
}

void takeover_fence_free(struct instance *in)
{
	script_abandon(in->fence_run);
	in->fence_run = NULL;
}
