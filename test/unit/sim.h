/* sim: the fsm timeline simulator shared by the CUnit suites (sim.c). */
#ifndef HAMGR_TEST_SIM_H
#define HAMGR_TEST_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fsm.h"
#include "core/ipaddr.h"

#define MS 1000ull
#define SEC 1000000ull
#define T0 SEC
#define NEVER UINT64_MAX

#define SIM_MAX 3
#define SIM_QMAX 64
#define SIM_RECMAX 512
#define SIM_EVENT_LIMIT 50000000u

enum origin { O_START, O_TIMER, O_RECV, O_LINK, O_SHUT, O_RECONF, O_OPER };

struct sim_pkt {
	uint64_t at, seq;
	int from, to;
	struct ipaddr src;
	uint8_t prio;
	uint32_t intv;
};

struct sim_rec {
	uint64_t t;
	int node;
	enum origin o;
	char acts[96];
};

struct sim_node {
	struct fsm f;
	bool up;           /* process alive (a crash just stops it) */
	bool frozen;       /* SIGSTOPped: no timers, misses every packet */
	bool cut;          /* partitioned: nothing in, nothing out */
	uint64_t last_advert; /* last advert with priority > 0 sent */
	unsigned adverts;
	bool vips;         /* between its ACQUIRE and RELEASE */
};

struct sim {
	int n;
	struct sim_node nd[SIM_MAX];
	uint64_t now, delay, seq;
	bool block[SIM_MAX][SIM_MAX]; /* drop everything from -> to */
	struct sim_pkt q[SIM_QMAX];
	size_t nq;
	struct sim_rec rec[SIM_RECMAX];
	size_t nrec;
	bool norec;
	void (*check)(struct sim *s, void *ctx);
	void (*each)(struct sim *s, void *ctx); /* after every fsm call */
	void *ctx;
	unsigned long events;
};


/* Actions as a string: "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE". */
void sim_render(const struct fsm_actions *o, char *buf, size_t len);

/* An instant pipeline (the default): a RELEASE in o is answered at once by
 * fsm_released(), its actions appended to o. */
extern bool sim_instant_pipeline;
void sim_pipeline_answers(struct fsm *f, uint64_t t, struct fsm_actions *o);

struct ipaddr sim_ip(const char *s);
/* priority, interval, preempt on */
struct fsm_config sim_cfg(unsigned prio, uint64_t intv);

/* A fresh simulation (one static instance) with this wire delay. */
struct sim *sim_new(uint64_t delay);
int sim_add(struct sim *s, const struct fsm_config *c, const char *addr);
int sim_add_p(struct sim *s, unsigned prio, const char *addr);   /* 1 s interval */
void sim_apply(struct sim *s, int i, enum origin o, const struct fsm_actions *out);
bool sim_active(const struct sim *s, int i);
void sim_run_until(struct sim *s, uint64_t until);
void sim_start(struct sim *s, int i);
void sim_crash(struct sim *s, int i);      /* dies without a word */
void sim_boot(struct sim *s, int i);       /* a fresh process starts now */
void sim_shutdown(struct sim *s, int i);
void sim_link(struct sim *s, int i, bool up);
void sim_reconf(struct sim *s, int i, const struct fsm_config *c);
void sim_standby(struct sim *s, int i, bool on);
int sim_switchover(struct sim *s, int i);
int sim_masters(const struct sim *s);
int sim_vip_holders(const struct sim *s);  /* live nodes holding the VIPs */
/* Node i's history, one "TIME ACTIONS" line per event, without a master's
 * plain periodic adverts. */
const char *sim_hist(const struct sim *s, int i);

static inline enum fsm_state st(const struct sim *s, int i)
{
	return s->nd[i].f.state;
}

#endif
