/* text: the trace's words for events, actions and worlds. */
#include "model.h"

#include <stdarg.h>
#include <stdio.h>

char xnode_name(int i)
{
	return "ABC"[i];
}

void xlog_add(struct xlog *l, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (!l || l->len + 2 >= sizeof(l->buf))
		return;
	if (l->len)
		l->buf[l->len++] = ' ';
	va_start(ap, fmt);
	k = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (k > 0)
		l->len += (size_t)k;
	if (l->len >= sizeof(l->buf))
		l->len = sizeof(l->buf) - 1;
}

const char *xstep_name(size_t s)
{
	return s == S_PROMOTE ? "promote" : s == S_VIPS ? "vips" : "after";
}

const char *xcause_name(enum fsm_cause c)
{
	static const char *const n[] = {
		"none", "startup", "owner", "master down", "release seen", "preempted",
		"shutdown", "link down", "link up", "standby", "switchover", "track down",
		"track up", "give up", "priority", "quorum up",
	};

	return (size_t)c < sizeof(n) / sizeof(n[0]) ? n[c] : "?";
}

void world_describe(const struct world *w, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < w->c->n && o < len; i++) {
		const struct xnode *n = &w->nd[i];

		if (n->life != X_UP) {
			o += (size_t)snprintf(buf + o, len - o, "%s%c %s", i ? "  " : "", xnode_name(i),
					      n->life == X_DOWN ? "down" : "not started");
			continue;
		}
		o += (size_t)snprintf(buf + o, len - o, "%s%c %s%s%s [", i ? "  " : "", xnode_name(i),
				      fsm_state_str(n->f.state),
				      n->f.releasing != FSM_CAUSE_NONE ? " releasing" : "",
				      n->f.holdoff ? " hold-off" : "");
		for (size_t s = 0; s < XSTEPS && o < len; s++)
			o += (size_t)snprintf(buf + o, len - o, "%s%s:%s", s ? " " : "", xstep_name(s),
					      pipeline_step_state_str(n->p.step[s].state));
		if (o < len)
			o += (size_t)snprintf(buf + o, len - o, "]");
	}
}

void xev_str(const struct world *w, struct xev e, char *buf, size_t len)
{
	const struct xmsg *m = &w->q[e.arg];
	const struct xnode *n = &w->nd[e.node];

	switch (e.type) {
	case EV_DELIVER:
	case EV_LATE:
	case EV_DROP:
		snprintf(buf, len, "%c %s %c>%c advert(%u)", xnode_name(m->to),
			 e.type == EV_DELIVER ? "receives" : e.type == EV_LATE ? "receives late"
										: "LOST",
			 xnode_name(m->from), xnode_name(m->to), m->prio);
		return;
	case EV_DONE_OK:
	case EV_DONE_FAIL:
		snprintf(buf, len, "%c %s %s%s", xnode_name(e.node),
			 n->p.running >= 0 ? xstep_name((size_t)n->p.running) : "?",
			 n->p.running >= 0 && n->p.step[n->p.running].state == PIPELINE_STOPPING
				 ? "stop" : "start",
			 e.type == EV_DONE_OK ? " ok" : n->p.cancelling ? " cancelled" : " FAILS");
		return;
	case EV_LINK:
		snprintf(buf, len, "* link %c-%c CUT", xnode_name(e.node), xnode_name(e.arg));
		return;
	case EV_VERDICT:
		snprintf(buf, len, "%c %s %s", xnode_name(e.node),
			 w->c->arb == ARB_WITNESS ? "witness" : "quorum",
			 n->f.fault & (FSM_FAULT_TRACK | FSM_FAULT_QUORUM) ? "regained" : "lost");
		return;
	default:
		break;
	}
	snprintf(buf, len, "%c %s", xnode_name(e.node),
		 e.type == EV_START ? "start" : e.type == EV_TIMER ? "timer" :
		 e.type == EV_CRASH ? "CRASH" : e.type == EV_RESTART ? "restart" :
		 e.type == EV_CUT ? "CUT OFF" : e.type == EV_HEAL ? "partition heals" :
		 e.type == EV_SWITCHOVER ? "switchover" :
		 e.type == EV_WCUT ? "CUT FROM THE WITNESS" : "?");
	if (e.type == EV_HEAL)
		snprintf(buf, len, "* partition heals");
}
