/* instance_quorum: whether an instance's node may hold the role: none,
 * a majority of the nodes its peer announcements were heard from
 * (core/quorum.h), or corosync's votequorum (quorum_corosync.c); the
 * quorum's FAULT and the wait it adds before a takeover. */
#include "instance_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/quorum.h"
#include "events.h"
#include "quorum_corosync.h"

uint64_t instance_quorum_wait(const struct conf_instance *ci, const struct instance_env *env)
{
	struct quorum_corosync_state st;

	if (ci->quorum == CONF_QUORUM_MAJORITY)
		return quorum_wait_us(announce_period(ci));
	if (ci->quorum != CONF_QUORUM_COROSYNC)
		return 0;
	if (ci->quorum_wait_us)
		return ci->quorum_wait_us;
	quorum_corosync_get(env ? env->corosync : NULL, &st);
	return quorum_corosync_wait_us(st.token_ms, st.consensus_ms);
}

void instance_quorum(struct instance *in, struct instance_quorum *q)
{
	struct quorum_corosync_state st;
	size_t seen;

	memset(q, 0, sizeof(*q));
	q->provider = in->conf.quorum;
	q->wait_us = instance_quorum_wait(&in->conf, in->env);
	q->reachable = true;
	switch (in->conf.quorum) {
	case CONF_QUORUM_NONE:
		q->quorate = true;
		return;
	case CONF_QUORUM_MAJORITY:
		seen = peers_heard_within(&in->peers, instance_now(in),
					  quorum_window_us(announce_period(&in->conf)), 0);
		q->quorate = quorum_majority(in->conf.quorum_nodes, seen);
		q->seen = (unsigned)(1 + seen);
		q->nodes = in->conf.quorum_nodes;
		snprintf(q->why, sizeof(q->why), "%u of %u nodes seen", q->seen, q->nodes);
		return;
	case CONF_QUORUM_COROSYNC:
		quorum_corosync_get(in->env->corosync, &st);
		q->quorate = st.quorate;
		q->reachable = st.connected;
		q->seen = st.members;
		q->nodes = st.expected;
		if (!st.connected)
			snprintf(q->why, sizeof(q->why), "%s", st.error);
		else
			snprintf(q->why, sizeof(q->why), "corosync: %s (%u of %u nodes)",
				 st.quorate ? "quorate" : "not quorate", st.members, st.expected);
		return;
	}
}

/* quorum = "corosync" without quorum-wait: the wait follows corosync's
 * token, known once connected. */
static void quorum_wait_refresh(struct instance *in, uint64_t now)
{
	struct fsm_actions acts = { .n = 0 };
	struct fsm_config fc;

	instance_fsm_config(&fc, &in->conf, in->env);
	if (fc.down_wait_us == in->fsm.cfg.down_wait_us)
		return;
	log_info("instance %s: backups wait %llu ms more for the quorum before a takeover",
		 in->conf.name, (unsigned long long)(fc.down_wait_us / 1000u));
	fsm_reconfigure(&in->fsm, now, &fc, in->fsm.prio, &acts);
	instance_apply(in, &acts);
	instance_rearm(in);
}

void instance_quorum_check(struct instance *in)
{
	struct fsm_actions acts = { .n = 0 };
	uint64_t now = instance_now(in);
	struct instance_quorum q;
	char why[192];

	if (!in->conf.quorum && !(in->fsm.fault & FSM_FAULT_QUORUM))
		return;
	instance_quorum(in, &q);
	if (in->conf.quorum == CONF_QUORUM_COROSYNC)
		quorum_wait_refresh(in, now);
	/* A quorum removed by a reload: the FAULT goes with it. */
	if (q.quorate == !(in->fsm.fault & FSM_FAULT_QUORUM))
		return;
	snprintf(why, sizeof(why), "no quorum: %s", q.why);
	if (q.quorate)
		log_notice("instance %s: quorum: %s", in->conf.name, q.why);
	else
		log_warnx("instance %s: %s", in->conf.name, why);
	events_add(in->conf.name, "quorum", NULL, NULL, "%s: %s", q.quorate ? "gained" : "lost",
		   q.why);
	fsm_set_fault(&in->fsm, now, FSM_FAULT_QUORUM, !q.quorate, why, &acts);
	instance_apply(in, &acts);
	instance_rearm(in);
}

void instance_quorum_changed(struct instance *in)
{
	if (in->timer.set && !in->stopped)         /* started, not yet stopped */
		instance_quorum_check(in);
}
