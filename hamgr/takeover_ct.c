/* takeover_ct: the pipeline's conntrack step carried out through ctsync.c:
 * the commit on the way up, the release policy on the way down. The node
 * sends its table once the commit is through (even one the kernel partly
 * refused: what it took is better synced than not) and receives again
 * once the step is down. */
#include "instance_priv.h"

#include "ctsync.h"

static void on_conntrack_done(void *arg, uint64_t token, bool ok)
{
	struct instance *in = arg;
	bool start = in->ct_starting;

	if (start && !in->ct_held) {
		in->ct_held = true;
		ctsync_hold(in->env->ctsync, true);
	} else if (!start && in->ct_held) {
		in->ct_held = false;
		ctsync_hold(in->env->ctsync, false);
	}
	takeover_done(in, token, ok);
}

/* A synchronous answer (no sync section, or ctsync refused): fed back once
 * the current batch of pipeline actions is through, like the VIP step's. */
void takeover_answer_now(struct instance *in, uint64_t token, bool ok)
{
	in->vip_done_pending = true;
	in->vip_done_token = token;
	in->vip_done_ok = ok;
}

void takeover_ct_step(struct instance *in, uint64_t token, bool start)
{
	struct ctsync *cs = in->env->ctsync;
	int r;

	in->ct_starting = start;
	if (!cs) {   /* no sync section: nothing to write (the config requires one) */
		takeover_answer_now(in, token, true);
		return;
	}
	r = start ? ctsync_commit(cs, token, on_conntrack_done, in)
		  : ctsync_release(cs, token, on_conntrack_done, in, in->ct_held);
	if (r < 0) {
		log_warnx("instance %s: conntrack %s could not start (a flush runs)",
			  in->conf.name, start ? "commit" : "release");
		takeover_answer_now(in, token, false);
	}
}

void takeover_ct_cancel(struct instance *in, uint64_t token)
{
	if (in->env->ctsync)
		ctsync_cancel(in->env->ctsync, token);
}

void takeover_ct_free(struct instance *in)
{
	if (!in->env->ctsync)
		return;
	ctsync_detach(in->env->ctsync, in);
	if (in->ct_held)
		ctsync_hold(in->env->ctsync, false);
	in->ct_held = false;
}
