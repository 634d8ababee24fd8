/* test_fsm: the RFC 5798 section 6 state machine (plus FAULT) driven by a
 * fake clock.
 *
 * Single-instance tests call the fsm directly and compare the emitted
 * actions as a string ("STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE"),
 * so type, order and priority are all asserted at once. Timeline tests run
 * two or three instances against each other in a small simulation: every
 * SEND_ADVERT is delivered to the other nodes after a configurable delay
 * (or dropped across a partition), and the clock jumps to the earliest
 * packet or timer deadline. The fake clock starts at T0 = 1 s: a real
 * monotonic clock is never 0, and the fsm uses 0 for "timer off". */
#include "core/fsm.h"
#include "core/ipaddr.h"
#include "cu_main.h"
#include "cu_eq.h"
#include "sim.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



/* ---- single-instance helpers ------------------------------------------ */

static struct fsm_actions acts;
static char got[512];

static const char *rendered(void)
{
	sim_render(&acts, got, sizeof(got));
	CU_ASSERT(acts.overflow == 0);
	return got;
}



static void mk(struct fsm *f, unsigned prio, uint64_t intv, const char *addr)
{
	struct fsm_config c = sim_cfg(prio, intv);
	struct ipaddr a = sim_ip(addr);

	fsm_init(f, &c, &a);
}

static const char *do_start(struct fsm *f, uint64_t t)
{
	acts.n = 0;
	fsm_start(f, t, &acts);
	return rendered();
}

static const char *do_timer(struct fsm *f, uint64_t t)
{
	acts.n = 0;
	fsm_timer(f, t, &acts);
	return rendered();
}

static const char *do_recv(struct fsm *f, uint64_t t, const char *src, unsigned prio,
			   uint64_t intv)
{
	struct ipaddr a = sim_ip(src);

	acts.n = 0;
	fsm_recv(f, t, &a, (uint8_t)prio, (uint32_t)intv, &acts);
	return rendered();
}

static const char *do_link(struct fsm *f, uint64_t t, bool up)
{
	acts.n = 0;
	fsm_link(f, t, up, &acts);
	return rendered();
}

static const char *do_shutdown(struct fsm *f, uint64_t t)
{
	acts.n = 0;
	fsm_shutdown(f, t, &acts);
	sim_pipeline_answers(f, t, &acts);
	return rendered();
}

static const char *do_reconf(struct fsm *f, uint64_t t, const struct fsm_config *c)
{
	acts.n = 0;
	fsm_reconfigure(f, t, c, c->priority, &acts);
	return rendered();
}

static const char *do_standby(struct fsm *f, uint64_t t, bool on)
{
	acts.n = 0;
	fsm_set_standby(f, t, on, &acts);
	sim_pipeline_answers(f, t, &acts);
	return rendered();
}

/* fsm_switchover's return value goes to *rc, its actions to the string. */
static const char *do_switchover(struct fsm *f, uint64_t t, int *rc)
{
	acts.n = 0;
	*rc = fsm_switchover(f, t, &acts);
	sim_pipeline_answers(f, t, &acts);
	return rendered();
}

/* A lone instance (prio 100, 1 s, 10.0.0.1) that became MASTER at
 * T0 + 3609375 = 4609375; its next advert is due at 5609375. */
static void lone_master(struct fsm *f)
{
	mk(f, 100, SEC, "10.0.0.1");
	EQS(do_start(f, T0), "STATE(INIT>BACKUP)");
	EQS(do_timer(f, 4609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(fsm_next_deadline(f), 5609375);
}

/* ---- suite: timing values --------------------------------------------- */

static uint64_t skew_of(unsigned prio, uint64_t intv)
{
	struct fsm f;

	mk(&f, prio, intv, "10.0.0.1");
	return fsm_skew_time(&f);
}

static uint64_t mdi_of(unsigned prio, uint64_t intv)
{
	struct fsm f;

	mk(&f, prio, intv, "10.0.0.1");
	return fsm_master_down_interval(&f);
}

static void test_skew_mdi_values(void)
{
	EQU(skew_of(100, SEC), 609375);
	EQU(mdi_of(100, SEC), 3609375);
	EQU(skew_of(200, SEC), 218750);
	EQU(mdi_of(200, SEC), 3218750);
	EQU(skew_of(150, SEC), 414062);
	EQU(mdi_of(150, SEC), 3414062);
	EQU(skew_of(50, SEC), 804687);
	EQU(mdi_of(50, SEC), 3804687);
	EQU(skew_of(1, SEC), 996093);
	EQU(mdi_of(1, SEC), 3996093);
	EQU(skew_of(255, SEC), 3906);
	EQU(mdi_of(255, SEC), 3003906);
	EQU(skew_of(254, 100 * MS), 781);
	EQU(mdi_of(254, 100 * MS), 300781);
	EQU(skew_of(100, 10 * MS), 6093);
	EQU(mdi_of(100, 10 * MS), 36093);
	/* The longest VRRPv3 interval must not overflow. */
	EQU(skew_of(100, 40950 * MS), 24953906);
	EQU(mdi_of(100, 40950 * MS), 147803906);
}

/* Skew_Time and Master_Down_Interval use Master_Adver_Interval, the
 * interval learnt from the master, not our configured one. */
static void test_timing_uses_learnt_interval(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, 2 * SEC), "");
	EQU(f.master_adver_int_us, 2 * SEC);
	EQU(fsm_skew_time(&f), 1218750);
	EQU(fsm_master_down_interval(&f), 7218750);
	EQU(fsm_next_deadline(&f), 2 * SEC + 7218750);
	/* A faster master shortens it again. */
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 200, 500 * MS), "");
	EQU(fsm_master_down_interval(&f), 1500000 + 304687);
	EQU(fsm_next_deadline(&f), 3 * SEC + 1804687);
}

/* A takeover while the master's adverts arrive but are dropped (their
 * interval is far from ours) says so: "no advert" would send the operator
 * looking for a dead master that is alive and misconfigured. */
static void test_takeover_reason_names_drops(void)
{
	struct fsm f;
	struct ipaddr m = sim_ip("10.0.0.2"), other = sim_ip("10.0.0.3");

	/* The master was heard, then only its dropped adverts arrive. */
	mk(&f, 100, 100 * MS, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, T0 + 100 * MS, "10.0.0.2", 200, 100 * MS), "");
	fsm_note_dropped(&f, T0 + 200 * MS, &m, "interval 1000 ms, ours 100 ms");
	EQS(do_timer(&f, T0 + 100 * MS + 360937), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQS(f.reason, "master_down timer expired: no valid advert from 10.0.0.2 for 360 ms; "
	    "its adverts are dropped: interval 1000 ms, ours 100 ms");

	/* Never a valid advert: the drops name their sender. */
	mk(&f, 100, 100 * MS, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	fsm_note_dropped(&f, T0 + 300 * MS, &m, "interval 1000 ms, ours 100 ms");
	EQS(do_timer(&f, T0 + 360937), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQS(f.reason, "master_down timer expired: no valid advert heard for 360 ms; "
	    "adverts from 10.0.0.2 are dropped: interval 1000 ms, ours 100 ms");

	/* Drops from another node than the silent master. */
	mk(&f, 100, 100 * MS, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, T0 + 100 * MS, "10.0.0.2", 200, 100 * MS), "");
	fsm_note_dropped(&f, T0 + 200 * MS, &other, "interval 1000 ms, ours 100 ms");
	EQS(do_timer(&f, T0 + 100 * MS + 360937), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQS(f.reason, "master_down timer expired: no advert from 10.0.0.2 for 360 ms; "
	    "adverts from 10.0.0.3 are dropped: interval 1000 ms, ours 100 ms");

	/* Drops older than Master_Down_Interval are not news. */
	mk(&f, 100, 100 * MS, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	fsm_note_dropped(&f, T0 - 10 * MS, &m, "interval 1000 ms, ours 100 ms");
	EQS(do_recv(&f, T0 + 100 * MS, "10.0.0.2", 200, 100 * MS), "");
	EQS(do_timer(&f, T0 + 100 * MS + 360937), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQS(f.reason, "master_down timer expired: no advert from 10.0.0.2 for 360 ms");
}

/* ---- suite: one instance ---------------------------------------------- */

static void test_startup_alone(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.1");
	EQU(f.state, FSM_INIT);
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_timer(&f, T0), "");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQU(f.state, FSM_BACKUP);
	EQU(f.cause, FSM_CAUSE_STARTUP);
	EQU(fsm_next_deadline(&f), T0 + 3609375);
	EQS(do_timer(&f, T0 + 3609374), "");
	EQU(f.state, FSM_BACKUP);
	EQS(do_timer(&f, T0 + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(f.state, FSM_MASTER);
	EQU(f.cause, FSM_CAUSE_MASTER_DOWN);
	EQU(f.state_since, T0 + 3609375);
	EQU(f.transitions, 2);
	EQU(fsm_next_deadline(&f), T0 + 4609375);
	EQS(do_timer(&f, T0 + 4609375), "ADVERT(100)");
	EQU(fsm_next_deadline(&f), T0 + 5609375);
	/* A second Startup event is not an event. */
	EQS(do_start(&f, T0 + 5 * SEC), "");
	EQU(f.state, FSM_MASTER);
}

static void test_owner_starts_master(void)
{
	struct fsm f;

	mk(&f, 255, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>MASTER) ADVERT(255) ACQUIRE");
	EQU(f.state, FSM_MASTER);
	EQU(f.cause, FSM_CAUSE_OWNER);
	EQU(fsm_next_deadline(&f), T0 + SEC);
	EQS(do_timer(&f, T0 + SEC), "ADVERT(255)");
}

static void test_adver_timer_no_drift(void)
{
	struct fsm f;
	uint64_t first = 5609375, late = 0;
	uint32_t r = 12345;

	lone_master(&f);
	EQS(do_timer(&f, first + 300 * MS), "ADVERT(100)");
	EQU(fsm_next_deadline(&f), first + SEC);
	EQS(do_timer(&f, first + SEC), "ADVERT(100)");
	EQU(fsm_next_deadline(&f), first + 2 * SEC);
	EQS(do_timer(&f, first + 2 * SEC + 999999), "ADVERT(100)");
	EQU(fsm_next_deadline(&f), first + 3 * SEC);
	/* 1000 late wakeups, each up to one period late: still on the grid. */
	for (unsigned k = 3; k < 1003; k++) {
		r = r * 1103515245u + 12345u;
		late = (r >> 8) % SEC;
		EQS(do_timer(&f, first + k * SEC + late), "ADVERT(100)");
		EQU(fsm_next_deadline(&f), first + (k + 1) * SEC);
	}
	/* More than a whole period late: one advert, no catch-up burst, and the
	 * next one a full period later, not in the past. */
	EQS(do_timer(&f, first + 1003 * SEC + 2500 * MS), "ADVERT(100)");
	EQU(fsm_next_deadline(&f), first + 1004 * SEC + 2500 * MS);
	EQS(do_timer(&f, first + 1004 * SEC + 2500 * MS - 1), "");
}

static void test_own_address_ignored(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.1", 200, 3 * SEC), "");
	CU_ASSERT(!f.master_known);
	EQU(f.master_adver_int_us, SEC);
	EQU(fsm_next_deadline(&f), T0 + 3609375);
	EQS(do_recv(&f, 2 * SEC, "10.0.0.1", 0, SEC), "");
	EQU(fsm_next_deadline(&f), T0 + 3609375);

	lone_master(&f);
	EQS(do_recv(&f, 5 * SEC, "10.0.0.1", 255, SEC), "");
	EQS(do_recv(&f, 5 * SEC, "10.0.0.1", 1, SEC), "");
	EQS(do_recv(&f, 5 * SEC, "10.0.0.1", 0, SEC), "");
	EQU(f.state, FSM_MASTER);
	EQU(fsm_next_deadline(&f), 5609375);

	/* IPv6 too. */
	mk(&f, 100, SEC, "fe80::1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "fe80::1", 200, SEC), "");
	EQU(fsm_next_deadline(&f), T0 + 3609375);
	EQS(do_recv(&f, 2 * SEC, "fe80::2", 200, SEC), "");
	EQU(fsm_next_deadline(&f), 2 * SEC + 3609375);
}

static void test_init_and_fault_ignore_adverts(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_recv(&f, T0, "10.0.0.2", 200, SEC), "");
	EQS(do_recv(&f, T0, "10.0.0.2", 0, SEC), "");
	EQU(f.state, FSM_INIT);
	CU_ASSERT(!f.master_known);
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_link(&f, 2 * SEC, false), "STATE(BACKUP>FAULT)");
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 50, SEC), "");
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 0, SEC), "");
	EQS(do_timer(&f, 100 * SEC), "");
	EQU(f.state, FSM_FAULT);
	EQU(fsm_next_deadline(&f), 0);
}

static void test_backup_release_skew_only(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, SEC), "");
	EQU(fsm_next_deadline(&f), 2 * SEC + 3609375);
	EQS(do_recv(&f, 2500 * MS, "10.0.0.2", 0, SEC), "");
	EQU(fsm_next_deadline(&f), 2500 * MS + 609375);
	EQS(do_timer(&f, 2500 * MS + 609374), "");
	EQS(do_timer(&f, 2500 * MS + 609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_RELEASE_SEEN);
	CU_ASSERT(strstr(f.reason, "released") != NULL);
}

/* A release, then a lower master speaks before our Skew_Time ends (it
 * took over meanwhile): the takeover preempts it, awaits its release and
 * says so; it does not name the lower master as the one that released. */
static void test_release_then_lower_master(void)
{
	struct fsm f;
	struct ipaddr low = sim_ip("10.0.0.3");

	mk(&f, 150, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_recv(&f, 2500 * MS, "10.0.0.2", 0, SEC), "");
	EQS(do_recv(&f, 2510 * MS, "10.0.0.3", 100, SEC), "");
	CU_ASSERT(f.lower_seen);
	CU_ASSERT(!f.release_seen);
	/* the deadline the release set stands: 414 ms of Skew_Time */
	EQU(fsm_next_deadline(&f), 2500 * MS + 414062);
	EQS(do_timer(&f, 2500 * MS + 414062), "STATE(BACKUP>MASTER) ADVERT(150) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_MASTER_DOWN);
	EQS(f.reason, "preempting 10.0.0.3 priority 100 (ours 150)");
	CU_ASSERT(f.awaiting_release);
	CU_ASSERT(ipaddr_eq(&f.preempted, &low));
	CU_ASSERT(!f.silent_known);
}

/* A backup whose socket is read late (vrrp_rx_lazy) hands each advert
 * over at its Master_Down deadline with the time it arrived: the
 * deadline moves exactly as if each had been read on arrival, and a
 * master that died is declared down a Master_Down_Interval after its
 * last advert arrived, not after it was read. */
static void test_backup_late_read_arrival(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, SEC), "");
	EQU(fsm_next_deadline(&f), 2 * SEC + 3609375);
	/* The deadline: the adverts of 3 s and 4 s are read now. */
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_recv(&f, 4 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_timer(&f, 2 * SEC + 3609375), "");
	EQU(fsm_next_deadline(&f), 4 * SEC + 3609375);
	/* Nothing arrived since: down, 3,609 ms after the last arrival. */
	EQS(do_timer(&f, 4 * SEC + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_MASTER_DOWN);
	CU_ASSERT(strstr(f.reason, "for 3609 ms") != NULL);

	/* A release read 400 ms after it arrived (no wakeup for it): the
	 * takeover is still due Skew_Time after its arrival. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_timer(&f, 2900 * MS), "");       /* the loop at 2.9 s, unread */
	EQS(do_recv(&f, 2500 * MS, "10.0.0.2", 0, SEC), "");
	EQU(fsm_next_deadline(&f), 2500 * MS + 609375);
	EQS(do_timer(&f, 2500 * MS + 609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_RELEASE_SEEN);
}

/* Whom a fence step fences: the master that went silent; never one that
 * released, nor anybody after a start with nobody heard, nor a lower
 * master we preempt (it is told to release). */
static void test_silent_master_for_fence(void)
{
	struct fsm f;
	struct ipaddr m = sim_ip("10.0.0.2");

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_timer(&f, 2 * SEC + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	CU_ASSERT(f.silent_known);
	CU_ASSERT(ipaddr_eq(&f.silent_master, &m));

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_recv(&f, 2500 * MS, "10.0.0.2", 0, SEC), "");
	EQS(do_timer(&f, 2500 * MS + 609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	CU_ASSERT(!f.silent_known);

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_timer(&f, T0 + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	CU_ASSERT(!f.silent_known);

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 50, SEC), "");
	CU_ASSERT(f.lower_seen);
	EQS(do_timer(&f, 2 * SEC + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	CU_ASSERT(!f.silent_known);
}

/* Even a backup that would not preempt takes over on a release. */
static void test_release_nopreempt(void)
{
	struct fsm f;
	struct fsm_config c = sim_cfg(100, SEC);
	struct ipaddr a = sim_ip("10.0.0.1");

	c.preempt = false;
	fsm_init(&f, &c, &a);
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 50, SEC), "");
	EQU(fsm_next_deadline(&f), 2 * SEC + 3609375);
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 0, SEC), "");
	EQU(fsm_next_deadline(&f), 3 * SEC + 609375);
}

static void test_master_hears_release(void)
{
	struct fsm f;

	lone_master(&f);
	EQS(do_recv(&f, 5 * SEC, "10.0.0.2", 0, SEC), "ADVERT(100) GARP");
	EQU(f.state, FSM_MASTER);
	EQU(fsm_next_deadline(&f), 6 * SEC);
	/* Not rate-limited: every release is answered. */
	EQS(do_recv(&f, 5 * SEC + 10 * MS, "10.0.0.3", 0, SEC), "ADVERT(100)");
	EQU(fsm_next_deadline(&f), 6 * SEC + 10 * MS);
}

static void test_master_steps_down_higher(void)
{
	struct fsm f;

	lone_master(&f);
	EQS(do_recv(&f, 5 * SEC, "10.0.0.2", 101, 2 * SEC), "RELEASE STATE(MASTER>BACKUP)");
	EQU(f.state, FSM_BACKUP);
	EQU(f.cause, FSM_CAUSE_PREEMPTED);
	CU_ASSERT(f.master_known);
	EQU(f.master_priority, 101);
	/* Master_Adver_Interval learnt from the new master's advert. */
	EQU(f.master_adver_int_us, 2 * SEC);
	EQU(fsm_next_deadline(&f), 5 * SEC + 7218750);
	/* No adverts any more: the old adver timer is gone. */
	EQS(do_timer(&f, 5609375), "");
	EQU(f.state, FSM_BACKUP);
}

static void test_master_tie_break(void)
{
	struct fsm f;

	/* Equal priority, higher address: step down. */
	lone_master(&f);
	EQS(do_recv(&f, 5 * SEC, "10.0.0.2", 100, SEC), "RELEASE STATE(MASTER>BACKUP)");
	CU_ASSERT(strstr(f.reason, "equal priority") != NULL);
	/* Equal priority, lower address: keep the role (and tell it). */
	mk(&f, 100, SEC, "10.0.0.5");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_timer(&f, 4609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQS(do_recv(&f, 5 * SEC, "10.0.0.4", 100, SEC), "ADVERT(100) GARP");
	EQU(f.state, FSM_MASTER);
	/* Addresses compare as numbers, not strings: 10.0.0.10 > 10.0.0.5. */
	EQS(do_recv(&f, 7 * SEC, "10.0.0.10", 100, SEC), "RELEASE STATE(MASTER>BACKUP)");
	/* IPv6 */
	mk(&f, 100, SEC, "fe80::a");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_timer(&f, 4609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQS(do_recv(&f, 5 * SEC, "fe80::9", 100, SEC), "ADVERT(100) GARP");
	EQS(do_recv(&f, 7 * SEC, "fe80::1:0", 100, SEC), "RELEASE STATE(MASTER>BACKUP)");
}

/* keepalived issue #166: a master that hears a lower master keeps the
 * role and re-announces at once, but at most once per refresh window. */
static void test_master_hears_lower_ratelimit(void)
{
	struct fsm f;
	struct fsm_config c = sim_cfg(100, SEC);

	lone_master(&f);
	EQS(do_recv(&f, 5 * SEC, "10.0.0.2", 99, SEC), "ADVERT(100) GARP");
	EQU(f.state, FSM_MASTER);
	EQU(fsm_next_deadline(&f), 6 * SEC);
	EQS(do_recv(&f, 5 * SEC + 1, "10.0.0.2", 99, SEC), "");
	EQS(do_recv(&f, 5 * SEC + 999999, "10.0.0.3", 1, SEC), "");
	EQU(fsm_next_deadline(&f), 6 * SEC);
	EQS(do_recv(&f, 6 * SEC, "10.0.0.2", 99, SEC), "ADVERT(100) GARP");
	EQU(fsm_next_deadline(&f), 7 * SEC);
	/* A configured window. */
	c.garp_refresh_us = 5 * SEC;
	EQS(do_reconf(&f, 6 * SEC, &c), "");
	EQS(do_recv(&f, 10 * SEC, "10.0.0.2", 99, SEC), "");
	EQS(do_recv(&f, 11 * SEC, "10.0.0.2", 99, SEC), "ADVERT(100) GARP");
	/* The periodic advert goes on regardless. */
	EQS(do_timer(&f, 12 * SEC), "ADVERT(100)");
	EQS(do_recv(&f, 12 * SEC + 1, "10.0.0.2", 99, SEC), "");
}

static void test_backup_learns_interval_and_follows(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	/* Adverts from a higher master keep pushing Master_Down_Timer. */
	for (unsigned k = 2; k < 20; k += 2) {
		EQS(do_recv(&f, k * SEC, "10.0.0.2", 200, 2 * SEC), "");
		EQU(fsm_next_deadline(&f), k * SEC + 7218750);
		EQS(do_timer(&f, k * SEC + 2 * SEC - 1), "");
	}
	EQU(f.state, FSM_BACKUP);
	EQU(f.master_priority, 200);
	EQS(do_timer(&f, 18 * SEC + 7218750), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	CU_ASSERT(strstr(f.reason, "10.0.0.2") != NULL);
}

static void test_backup_preempts_lower(void)
{
	struct fsm f;

	mk(&f, 150, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	/* Lower-priority adverts are discarded: the timer is not re-armed. */
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 100, SEC), "");
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 100, SEC), "");
	EQS(do_recv(&f, 4 * SEC, "10.0.0.2", 100, 5 * SEC), "");
	EQU(f.master_adver_int_us, SEC);
	EQU(fsm_next_deadline(&f), T0 + 3414062);
	EQS(do_timer(&f, T0 + 3414062), "STATE(BACKUP>MASTER) ADVERT(150) ACQUIRE");
	CU_ASSERT(strstr(f.reason, "preempting") != NULL);
	/* Equal priority is followed, whatever the address (RFC 5798 6.4.2:
	 * "greater than or equal to the local Priority"). */
	mk(&f, 150, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.0", 150, SEC), "");
	EQU(fsm_next_deadline(&f), 2 * SEC + 3414062);
}

static void test_backup_nopreempt_follows_lower(void)
{
	struct fsm f;
	struct fsm_config c = sim_cfg(200, SEC);
	struct ipaddr a = sim_ip("10.0.0.1");

	c.preempt = false;
	fsm_init(&f, &c, &a);
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	for (unsigned k = 2; k < 60; k++) {
		EQS(do_recv(&f, k * SEC, "10.0.0.2", 1, SEC), "");
		EQU(fsm_next_deadline(&f), k * SEC + 3218750);
	}
	EQU(f.state, FSM_BACKUP);
}

static void test_preempt_delay_single(void)
{
	struct fsm f;
	struct fsm_config c = sim_cfg(200, SEC);
	struct ipaddr a = sim_ip("10.0.0.1");

	c.preempt_delay_us = 5 * SEC;
	fsm_init(&f, &c, &a);
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	/* Followed for 5 s after the first lower advert (at 2 s) ... */
	for (unsigned k = 2; k < 7; k++) {
		EQS(do_recv(&f, k * SEC, "10.0.0.2", 100, SEC), "");
		EQU(fsm_next_deadline(&f), k * SEC + 3218750);
	}
	/* ... then discarded: takeover one Master_Down_Interval after the last
	 * accepted advert. */
	EQS(do_recv(&f, 7 * SEC, "10.0.0.2", 100, SEC), "");
	EQS(do_recv(&f, 8 * SEC, "10.0.0.2", 100, SEC), "");
	EQU(fsm_next_deadline(&f), 6 * SEC + 3218750);
	EQS(do_timer(&f, 6 * SEC + 3218750), "STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE");

	/* A higher master in between restarts the delay. */
	fsm_init(&f, &c, &a);
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 100, SEC), "");
	EQS(do_recv(&f, 5 * SEC, "10.0.0.3", 250, SEC), "");
	EQS(do_recv(&f, 6 * SEC, "10.0.0.2", 100, SEC), "");
	EQS(do_recv(&f, 10 * SEC, "10.0.0.2", 100, SEC), "");
	EQU(fsm_next_deadline(&f), 10 * SEC + 3218750);
	EQS(do_recv(&f, 11 * SEC, "10.0.0.2", 100, SEC), "");
	EQU(fsm_next_deadline(&f), 10 * SEC + 3218750);
}

static void test_link_down_before_start(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_link(&f, T0, false), "");
	EQU(f.state, FSM_INIT);
	EQS(do_start(&f, T0), "STATE(INIT>FAULT)");
	EQU(f.cause, FSM_CAUSE_LINK_DOWN);
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_link(&f, 5 * SEC, false), "");
	EQS(do_link(&f, 6 * SEC, true), "STATE(FAULT>BACKUP)");
	EQU(f.cause, FSM_CAUSE_LINK_UP);
	EQU(fsm_next_deadline(&f), 6 * SEC + 3609375);
	EQS(do_link(&f, 6 * SEC, true), "");
	EQS(do_timer(&f, 6 * SEC + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");

	/* Link down and up again before the start: nothing happens early. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_link(&f, T0, false), "");
	EQS(do_link(&f, T0, true), "");
	EQU(f.state, FSM_INIT);
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
}

static void test_link_down_master(void)
{
	struct fsm f;

	lone_master(&f);
	EQS(do_link(&f, 5 * SEC, false), "RELEASE STATE(MASTER>FAULT)");
	EQU(f.state, FSM_FAULT);
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_timer(&f, 5609375), "");
	EQS(do_link(&f, 8 * SEC, true), "STATE(FAULT>BACKUP)");
	EQU(fsm_next_deadline(&f), 8 * SEC + 3609375);
	EQS(do_timer(&f, 8 * SEC + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");

	/* A backup holds no VIPs: nothing to delete. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_link(&f, 2 * SEC, false), "STATE(BACKUP>FAULT)");

	/* The owner comes back as MASTER at once. */
	mk(&f, 255, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>MASTER) ADVERT(255) ACQUIRE");
	EQS(do_link(&f, 2 * SEC, false), "RELEASE STATE(MASTER>FAULT)");
	EQS(do_link(&f, 3 * SEC, true), "STATE(FAULT>MASTER) ADVERT(255) ACQUIRE");
	EQU(fsm_next_deadline(&f), 4 * SEC);
}

/* What the backup knew of the old master is forgotten in FAULT: after
 * link up it waits a full Master_Down_Interval on its own interval. */
static void test_link_up_forgets_master(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, 3 * SEC), "");
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 0, 3 * SEC), "");
	EQS(do_link(&f, 3 * SEC + 1, false), "STATE(BACKUP>FAULT)");
	EQS(do_link(&f, 4 * SEC, true), "STATE(FAULT>BACKUP)");
	CU_ASSERT(!f.master_known);
	CU_ASSERT(!f.release_seen);
	EQU(f.master_adver_int_us, SEC);
	EQU(fsm_next_deadline(&f), 4 * SEC + 3609375);
}

static void test_shutdown(void)
{
	struct fsm f;

	lone_master(&f);
	EQS(do_shutdown(&f, 5 * SEC), "RELEASE ADVERT(0) STATE(MASTER>INIT)");
	EQU(f.state, FSM_INIT);
	EQU(f.cause, FSM_CAUSE_SHUTDOWN);
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_timer(&f, 5609375), "");
	EQS(do_shutdown(&f, 6 * SEC), "");
	/* It can be started again. */
	EQS(do_start(&f, 7 * SEC), "STATE(INIT>BACKUP)");
	EQU(fsm_next_deadline(&f), 7 * SEC + 3609375);
	/* A backup just stops, silently. */
	EQS(do_shutdown(&f, 8 * SEC), "RELEASE STATE(BACKUP>INIT)");
	EQU(fsm_next_deadline(&f), 0);
	/* So does an instance in FAULT. */
	EQS(do_start(&f, 9 * SEC), "STATE(INIT>BACKUP)");
	EQS(do_link(&f, 9 * SEC, false), "STATE(BACKUP>FAULT)");
	EQS(do_shutdown(&f, 10 * SEC), "RELEASE STATE(FAULT>INIT)");
	EQS(do_start(&f, 11 * SEC), "STATE(INIT>FAULT)");
}

/* ---- suite: reconfigure ------------------------------------------------ */

static void test_reconf_master_no_transition(void)
{
	struct fsm f;
	struct fsm_config c = sim_cfg(100, SEC);
	uint32_t tr;

	lone_master(&f);
	tr = f.transitions;
	EQS(do_reconf(&f, 5 * SEC, &c), "");
	EQU(f.state, FSM_MASTER);
	EQU(f.transitions, tr);
	EQU(fsm_next_deadline(&f), 5609375);
	/* A lower priority keeps the role; the next advert carries it. */
	c.priority = 50;
	EQS(do_reconf(&f, 5 * SEC, &c), "");
	EQU(f.state, FSM_MASTER);
	EQS(do_timer(&f, 5609375), "ADVERT(50)");
	EQU(fsm_next_deadline(&f), 6609375);
	/* A longer interval does not postpone the advert already due ... */
	c.adver_int_us = 3 * SEC;
	EQS(do_reconf(&f, 6 * SEC, &c), "");
	EQU(fsm_next_deadline(&f), 6609375);
	EQS(do_timer(&f, 6609375), "ADVERT(50)");
	EQU(fsm_next_deadline(&f), 9609375);
	/* ... a shorter one brings it closer. */
	c.adver_int_us = 300 * MS;
	EQS(do_reconf(&f, 7 * SEC, &c), "");
	EQU(fsm_next_deadline(&f), 7300000);
	EQU(f.transitions, tr);
}

static void test_reconf_backup_alone(void)
{
	struct fsm f;
	struct fsm_config c = sim_cfg(100, 3 * SEC);

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	/* Longer interval, lower priority: the pending takeover stays. */
	EQS(do_reconf(&f, 2 * SEC, &c), "");
	EQU(fsm_next_deadline(&f), 4609375);
	c.priority = 1;
	EQS(do_reconf(&f, 2 * SEC, &c), "");
	EQU(fsm_next_deadline(&f), 4609375);
	c.priority = 200;
	c.adver_int_us = SEC;
	EQS(do_reconf(&f, 2 * SEC, &c), "");
	EQU(fsm_next_deadline(&f), 4609375);
	/* A shorter interval brings it closer. */
	c.adver_int_us = 100 * MS;
	EQS(do_reconf(&f, 2 * SEC, &c), "");
	EQU(fsm_next_deadline(&f), 2 * SEC + 321875);
	EQU(f.state, FSM_BACKUP);
	EQU(f.transitions, 1);
	EQS(do_timer(&f, 2 * SEC + 321875), "STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE");
	EQU(fsm_next_deadline(&f), 2 * SEC + 421875);
}

static void test_reconf_backup_following(void)
{
	struct fsm f;
	struct fsm_config c = sim_cfg(50, SEC);

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 5 * SEC, "10.0.0.2", 200, 2 * SEC), "");
	EQU(fsm_next_deadline(&f), 5 * SEC + 7218750);
	EQS(do_reconf(&f, 6 * SEC, &c), "");
	EQU(fsm_next_deadline(&f), 5 * SEC + 7218750);
	/* The learnt interval survives a reload. */
	EQU(f.master_adver_int_us, 2 * SEC);
	EQU(f.state, FSM_BACKUP);
	CU_ASSERT(f.master_known);
	/* Same config while a release is pending: Skew_Time deadline kept. */
	EQS(do_recv(&f, 7 * SEC, "10.0.0.2", 0, 2 * SEC), "");
	EQU(fsm_next_deadline(&f), 7 * SEC + 1609375);
	c.priority = 1;
	EQS(do_reconf(&f, 7 * SEC + 1, &c), "");
	EQU(fsm_next_deadline(&f), 7 * SEC + 1609375);
	EQS(do_timer(&f, 7 * SEC + 1609375), "STATE(BACKUP>MASTER) ADVERT(1) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_RELEASE_SEEN);
}

static void test_reconf_backup_preempting(void)
{
	struct fsm f;
	struct fsm_config c = sim_cfg(150, SEC);
	uint64_t dl;

	mk(&f, 150, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 100, SEC), "");
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 100, SEC), "");
	EQS(do_reconf(&f, 3500 * MS, &c), "");
	EQU(fsm_next_deadline(&f), T0 + 3414062);
	EQS(do_recv(&f, 4 * SEC, "10.0.0.2", 100, SEC), "");
	EQS(do_timer(&f, T0 + 3414062), "STATE(BACKUP>MASTER) ADVERT(150) ACQUIRE");

	/* Raising our priority above the master's: preempt by the RFC rules,
	 * one Master_Down_Interval after the last advert we followed (with
	 * the old or the new Skew_Time; never later than already armed). */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 120, SEC), "");
	c.priority = 150;
	EQS(do_reconf(&f, 2500 * MS, &c), "");
	EQU(f.state, FSM_BACKUP);
	CU_ASSERT(fsm_next_deadline(&f) <= 2 * SEC + 3609375);
	CU_ASSERT(fsm_next_deadline(&f) >= 2 * SEC + 3414062);
	dl = fsm_next_deadline(&f);
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 120, SEC), "");
	EQS(do_recv(&f, 4 * SEC, "10.0.0.2", 120, SEC), "");
	EQU(fsm_next_deadline(&f), dl);
	EQS(do_timer(&f, dl), "STATE(BACKUP>MASTER) ADVERT(150) ACQUIRE");
}

static void test_reconf_owner_and_others(void)
{
	struct fsm f;
	struct fsm_config c = sim_cfg(255, SEC);

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_reconf(&f, 2 * SEC, &c), "STATE(BACKUP>MASTER) ADVERT(255) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_OWNER);
	/* FAULT stays FAULT; INIT stays INIT and starts with the new config. */
	EQS(do_link(&f, 3 * SEC, false), "RELEASE STATE(MASTER>FAULT)");
	c.priority = 100;
	EQS(do_reconf(&f, 4 * SEC, &c), "");
	EQU(f.state, FSM_FAULT);
	EQS(do_link(&f, 5 * SEC, true), "STATE(FAULT>BACKUP)");
	mk(&f, 100, SEC, "10.0.0.1");
	c.adver_int_us = 2 * SEC;
	EQS(do_reconf(&f, T0, &c), "");
	EQU(f.state, FSM_INIT);
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQU(fsm_next_deadline(&f), T0 + 7218750);
}

/* ---- suite: operator commands (standby, switchover) -------------------- */

static void test_standby_flag_and_priority(void)
{
	struct fsm f;

	mk(&f, 150, SEC, "10.0.0.1");
	EQU(fsm_effective_priority(&f), 150);
	/* Off while off, on while on: not events. */
	EQS(do_standby(&f, T0, false), "");
	CU_ASSERT(!f.standby);
	/* In INIT it is only a flag. */
	EQS(do_standby(&f, T0, true), "");
	CU_ASSERT(f.standby);
	EQU(f.state, FSM_INIT);
	EQU(fsm_effective_priority(&f), 0);
	EQU(f.cfg.priority, 150); /* the configured priority is kept */
	EQS(do_standby(&f, T0, true), "");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQU(f.cause, FSM_CAUSE_STARTUP);
	/* No Master_Down_Timer while standing by: nothing to arm. */
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_timer(&f, T0 + 3414062), "");
	EQS(do_standby(&f, 50 * SEC, true), "");
	EQS(do_timer(&f, 100 * SEC), "");
	EQU(f.state, FSM_BACKUP);
	EQU(f.transitions, 1);
	EQS(do_standby(&f, 100 * SEC, false), "");
	CU_ASSERT(!f.standby);
	EQU(fsm_effective_priority(&f), 150);
	EQU(f.state, FSM_BACKUP);
	EQU(f.transitions, 1);
}

/* A MASTER put in standby releases like a shutdown but stays BACKUP; it
 * keeps tracking whoever is master, and never takes the role, not on a
 * release, not when that master goes silent. */
static void test_standby_master_releases(void)
{
	struct fsm f;
	struct ipaddr m = sim_ip("10.0.0.3");
	uint32_t tr;

	lone_master(&f);
	tr = f.transitions;
	EQS(do_standby(&f, 5 * SEC, true), "RELEASE ADVERT(0) STATE(MASTER>BACKUP)");
	EQU(f.state, FSM_BACKUP);
	EQU(f.cause, FSM_CAUSE_STANDBY);
	CU_ASSERT(strstr(f.reason, "standby") != NULL);
	EQU(f.transitions, tr + 1);
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_timer(&f, 5609375), ""); /* the periodic advert is gone */
	EQS(do_standby(&f, 6 * SEC, true), "");
	EQS(do_recv(&f, 6 * SEC, "10.0.0.2", 50, 2 * SEC), "");
	CU_ASSERT(f.master_known);
	EQU(f.master_priority, 50);
	EQS(do_recv(&f, 7 * SEC, "10.0.0.3", 255, SEC), "");
	EQU(f.master_priority, 255);
	CU_ASSERT(ipaddr_eq(&f.master_addr, &m));
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_recv(&f, 8 * SEC, "10.0.0.3", 0, SEC), "");
	EQU(fsm_next_deadline(&f), 0);
	for (uint64_t t = 9 * SEC; t < 1000 * SEC; t += 7 * SEC + 1)
		EQS(do_timer(&f, t), "");
	EQU(f.state, FSM_BACKUP);
	EQU(f.transitions, tr + 1);
}

/* Standby beats priority 255: startup, link up and reload all leave the
 * owner BACKUP; standby off makes it MASTER at once. */
static void test_standby_owner(void)
{
	struct fsm f;
	struct fsm_config c255 = sim_cfg(255, SEC);

	mk(&f, 255, SEC, "10.0.0.1");
	EQS(do_standby(&f, T0, true), "");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_timer(&f, 10 * SEC), "");
	EQS(do_link(&f, 11 * SEC, false), "STATE(BACKUP>FAULT)");
	EQS(do_link(&f, 12 * SEC, true), "STATE(FAULT>BACKUP)");
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_reconf(&f, 13 * SEC, &c255), "");
	EQU(f.state, FSM_BACKUP);
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_standby(&f, 14 * SEC, false), "STATE(BACKUP>MASTER) ADVERT(255) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_OWNER);
	EQU(fsm_next_deadline(&f), 15 * SEC);
	EQS(do_standby(&f, 16 * SEC, true), "RELEASE ADVERT(0) STATE(MASTER>BACKUP)");
	EQU(fsm_next_deadline(&f), 0);
	/* Standby off while in FAULT: the link coming up decides. */
	EQS(do_link(&f, 17 * SEC, false), "STATE(BACKUP>FAULT)");
	EQS(do_standby(&f, 18 * SEC, false), "");
	EQU(f.state, FSM_FAULT);
	EQS(do_link(&f, 19 * SEC, true), "STATE(FAULT>MASTER) ADVERT(255) ACQUIRE");

	/* A standby backup reloaded as the owner stays BACKUP. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_standby(&f, 2 * SEC, true), "");
	EQS(do_reconf(&f, 3 * SEC, &c255), "");
	EQU(f.state, FSM_BACKUP);
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_standby(&f, 4 * SEC, false), "STATE(BACKUP>MASTER) ADVERT(255) ACQUIRE");
}

/* A backup's reason names the master it follows once one is heard, and
 * the next one when it changes, after the cause of its last transition;
 * "waiting for a master" does not stay for hours. */
static void test_reason_follows_master(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(f.reason, "startup; waiting 3609 ms for a master");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(f.reason, "startup; following master 10.0.0.2 (priority 200)");
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(f.reason, "startup; following master 10.0.0.2 (priority 200)");
	EQS(do_recv(&f, 4 * SEC, "10.0.0.2", 150, SEC), "");
	EQS(f.reason, "startup; following master 10.0.0.2 (priority 150)");
	/* It released; another master speaks before our Skew_Time ends. */
	EQS(do_recv(&f, 5 * SEC, "10.0.0.2", 0, SEC), "");
	EQS(do_recv(&f, 5 * SEC + 100000, "10.0.0.3", 120, SEC), "");
	EQS(f.reason, "startup; following master 10.0.0.3 (priority 120)");
	EQU(f.transitions, 1);

	/* After a lost role: the cause stays, the master is named. */
	lone_master(&f);
	EQS(do_recv(&f, 5 * SEC, "10.0.0.2", 200, SEC), "RELEASE STATE(MASTER>BACKUP)");
	EQS(f.reason, "preempted by 10.0.0.2 priority 200");
	EQS(do_recv(&f, 6 * SEC, "10.0.0.3", 210, SEC), "");
	EQS(f.reason, "preempted by 10.0.0.2 priority 200; following master 10.0.0.3 (priority 210)");

	/* Standby off while a master is known: named too. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_standby(&f, 2 * SEC, true), "");
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_standby(&f, 4 * SEC, false), "");
	EQS(f.reason, "active again (operator); following master 10.0.0.2 (priority 200)");
}

/* Standby off with no master ever heard: a full Master_Down_Interval
 * from the moment it is back, like a node that just started. */
static void test_standby_off_no_master(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_standby(&f, 2 * SEC, true), "");
	EQS(do_standby(&f, 10 * SEC, false), "");
	CU_ASSERT(strstr(f.reason, "waiting for a master") != NULL);
	EQU(fsm_next_deadline(&f), 10 * SEC + 3609375);
	EQS(do_timer(&f, 10 * SEC + 3609374), "");
	EQS(do_timer(&f, 10 * SEC + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_MASTER_DOWN);

	/* Off before the startup timer was due: restarted, not kept. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_standby(&f, 2 * SEC, true), "");
	EQS(do_standby(&f, 3 * SEC, false), "");
	EQU(fsm_next_deadline(&f), 3 * SEC + 3609375);

	/* A lone master in standby and back, after its old timer expired. */
	lone_master(&f);
	EQS(do_standby(&f, 5 * SEC, true), "RELEASE ADVERT(0) STATE(MASTER>BACKUP)");
	EQS(do_standby(&f, 20 * SEC, false), "");
	EQU(fsm_next_deadline(&f), 20 * SEC + 3609375);
}

/* The master it was tracking went silent while it stood by: standby off
 * keeps that Master_Down_Timer, and takes over at once if it expired. */
static void test_standby_off_master_died(void)
{
	struct fsm f;

	for (int late = 0; late < 2; late++) {
		uint64_t off = late ? 60 * SEC : 6 * SEC;

		mk(&f, 100, SEC, "10.0.0.1");
		EQS(do_standby(&f, T0, true), "");
		EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
		for (unsigned k = 2; k <= 5; k++) {
			EQS(do_recv(&f, k * SEC, "10.0.0.2", 200, SEC), "");
			EQU(fsm_next_deadline(&f), 0);
		}
		EQS(do_timer(&f, off - 1), "");
		EQS(do_standby(&f, off, false), "");
		CU_ASSERT(strstr(f.reason, "following master 10.0.0.2 (priority 200)") != NULL);
		EQU(fsm_next_deadline(&f), 5 * SEC + 3609375);
		if (!late)
			EQS(do_timer(&f, 5 * SEC + 3609374), "");
		EQS(do_timer(&f, late ? off : 5 * SEC + 3609375),
		    "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
		EQU(f.cause, FSM_CAUSE_MASTER_DOWN);
		CU_ASSERT(strstr(f.reason, "no advert from 10.0.0.2") != NULL);
	}

	/* A release heard in standby: at once after standby off too. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_standby(&f, T0, true), "");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 0, SEC), "");
	EQS(do_timer(&f, 10 * SEC), "");
	EQS(do_standby(&f, 30 * SEC, false), "");
	EQS(do_timer(&f, 30 * SEC), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_RELEASE_SEEN);
}

/* Back from standby with a live master: a higher one is followed for
 * good; a lower one is preempted by the usual rules counted from the
 * return: Master_Down_Interval after the last advert it followed, and
 * the preempt delay from the first lower advert after the return. */
static void test_standby_off_live_master(void)
{
	struct fsm f;
	struct fsm_config c = sim_cfg(200, SEC);
	struct ipaddr a = sim_ip("10.0.0.1");

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_standby(&f, T0, true), "");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	for (unsigned k = 2; k <= 30; k++)
		EQS(do_recv(&f, k * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_standby(&f, 30500 * MS, false), "");
	EQU(fsm_next_deadline(&f), 30 * SEC + 3609375);
	for (unsigned k = 31; k <= 90; k++) {
		EQS(do_timer(&f, k * SEC - 1), "");
		EQS(do_recv(&f, k * SEC, "10.0.0.2", 200, SEC), "");
		EQU(fsm_next_deadline(&f), k * SEC + 3609375);
	}
	EQU(f.state, FSM_BACKUP);

	for (int delayed = 0; delayed < 2; delayed++) {
		uint64_t last = delayed ? 35 * SEC : 30 * SEC;

		c.preempt_delay_us = delayed ? 5 * SEC : 0;
		fsm_init(&f, &c, &a);
		EQS(do_standby(&f, T0, true), "");
		EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
		for (unsigned k = 2; k <= 30; k++)
			EQS(do_recv(&f, k * SEC, "10.0.0.2", 100, SEC), "");
		EQU(fsm_next_deadline(&f), 0);
		EQS(do_standby(&f, 30500 * MS, false), "");
		EQU(fsm_next_deadline(&f), 30 * SEC + 3218750);
		for (unsigned k = 31; k * SEC < last + 3218750; k++) {
			EQS(do_recv(&f, k * SEC, "10.0.0.2", 100, SEC), "");
			EQU(fsm_next_deadline(&f), (k * SEC < last ? k * SEC : last) + 3218750);
		}
		EQS(do_timer(&f, last + 3218749), "");
		EQS(do_timer(&f, last + 3218750), "STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE");
		CU_ASSERT(strstr(f.reason, "preempting 10.0.0.2 priority 100") != NULL);
	}
}

static void test_switchover_not_master(void)
{
	struct fsm f;
	int rc = 7;

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_switchover(&f, T0, &rc), "");
	EQU(rc, -1);
	EQU(f.state, FSM_INIT);
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	rc = 7;
	EQS(do_switchover(&f, 2 * SEC, &rc), "");
	EQU(rc, -1);
	EQU(f.state, FSM_BACKUP);
	CU_ASSERT(!f.yielded);
	EQU(f.transitions, 1);
	EQU(fsm_next_deadline(&f), T0 + 3609375);
	EQS(do_link(&f, 3 * SEC, false), "STATE(BACKUP>FAULT)");
	rc = 7;
	EQS(do_switchover(&f, 4 * SEC, &rc), "");
	EQU(rc, -1);
	EQU(f.state, FSM_FAULT);
	CU_ASSERT(!f.yielded);

	/* The owner can hand over; a second switchover finds a BACKUP. */
	mk(&f, 255, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>MASTER) ADVERT(255) ACQUIRE");
	EQS(do_switchover(&f, 2 * SEC, &rc), "RELEASE ADVERT(0) STATE(MASTER>BACKUP)");
	EQU(rc, 0);
	EQU(fsm_next_deadline(&f), 2 * SEC + 3003906);
	rc = 7;
	EQS(do_switchover(&f, 2 * SEC, &rc), "");
	EQU(rc, -1);
	EQU(fsm_next_deadline(&f), 2 * SEC + 3003906);
}

/* Nobody takes over: the old master takes the role back one
 * Master_Down_Interval after the switchover, and says why. */
static void test_switchover_nobody_takes_over(void)
{
	struct fsm f;
	int rc = 7;

	lone_master(&f);
	EQS(do_switchover(&f, 5 * SEC, &rc), "RELEASE ADVERT(0) STATE(MASTER>BACKUP)");
	EQU(rc, 0);
	EQU(f.state, FSM_BACKUP);
	EQU(f.cause, FSM_CAUSE_SWITCHOVER);
	CU_ASSERT(strstr(f.reason, "switchover") != NULL);
	CU_ASSERT(f.yielded);
	CU_ASSERT(!f.standby);
	CU_ASSERT(!f.master_known);
	EQU(fsm_effective_priority(&f), 100);
	EQU(fsm_next_deadline(&f), 5 * SEC + 3609375);
	EQS(do_timer(&f, 5609375), "");
	EQS(do_timer(&f, 5 * SEC + 3609374), "");
	EQS(do_timer(&f, 5 * SEC + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_MASTER_DOWN);
	EQS(f.reason, "switchover: no backup took over within 3609 ms; taking the role back");
	CU_ASSERT(!f.yielded);
	EQU(fsm_next_deadline(&f), 6 * SEC + 3609375);
}

/* After a switchover the old master follows the new one even when it
 * ranks lower (preempt on), until it is MASTER again by a plain master
 * down; from then on a lower master is preempted as usual. */
static void test_switchover_yields_until_master(void)
{
	struct fsm f;
	int rc;

	lone_master(&f);
	EQS(do_switchover(&f, 5 * SEC, &rc), "RELEASE ADVERT(0) STATE(MASTER>BACKUP)");
	for (uint64_t t = 5600 * MS; t <= 15600 * MS; t += SEC) {
		EQS(do_recv(&f, t, "10.0.0.2", 50, SEC), "");
		EQU(fsm_next_deadline(&f), t + 3609375);
	}
	EQU(f.master_priority, 50);
	CU_ASSERT(f.yielded);
	EQU(f.state, FSM_BACKUP);
	EQS(do_timer(&f, 15600 * MS + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_MASTER_DOWN);
	EQS(f.reason, "master_down timer expired: no advert from 10.0.0.2 for 3609 ms");
	CU_ASSERT(!f.yielded);
	/* Normal preemption again: a lower master's adverts are discarded. */
	EQS(do_recv(&f, 20 * SEC, "10.0.0.3", 150, SEC), "RELEASE STATE(MASTER>BACKUP)");
	EQS(do_recv(&f, 21 * SEC, "10.0.0.2", 50, SEC), "");
	EQS(do_recv(&f, 22 * SEC, "10.0.0.2", 50, SEC), "");
	EQU(fsm_next_deadline(&f), 20 * SEC + 3609375);
	EQS(do_timer(&f, 20 * SEC + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	CU_ASSERT(strstr(f.reason, "preempting 10.0.0.2 priority 50") != NULL);

	/* Standby on and off also ends the yield. */
	lone_master(&f);
	EQS(do_switchover(&f, 5 * SEC, &rc), "RELEASE ADVERT(0) STATE(MASTER>BACKUP)");
	EQS(do_recv(&f, 5600 * MS, "10.0.0.2", 50, SEC), "");
	EQS(do_standby(&f, 6 * SEC, true), "");
	EQS(do_standby(&f, 6 * SEC, false), "");
	CU_ASSERT(!f.yielded);
	EQS(do_recv(&f, 6600 * MS, "10.0.0.2", 50, SEC), "");
	EQU(fsm_next_deadline(&f), 5600 * MS + 3609375);
}

/* Handover by name: the chosen backup takes over at once; a standby or
 * non-BACKUP node refuses; the others wait for it instead of racing it
 * after Skew_Time, and then follow it although it ranks lower. */
static void test_take_over_and_yield(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.3");
	EQU(fsm_take_over(&f, T0, "x", &acts), -1);           /* INIT */
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.1", 200, SEC), "");
	acts.n = 0;
	EQU(fsm_take_over(&f, 2100 * MS, "handed over", &acts), 0);
	EQS(rendered(), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_SWITCHOVER);
	EQS(f.reason, "handed over");
	acts.n = 0;
	EQU(fsm_take_over(&f, 2200 * MS, "again", &acts), -1); /* already MASTER */
	EQS(rendered(), "");

	/* A standby backup does not take over even when named. */
	mk(&f, 100, SEC, "10.0.0.3");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_standby(&f, T0, true), "");
	acts.n = 0;
	EQU(fsm_take_over(&f, 2 * SEC, "x", &acts), -1);
	EQS(rendered(), "");

	/* Yield: priority 200 backup, the master (150) releases to another node. */
	mk(&f, 200, SEC, "10.0.0.2");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.1", 150, SEC), "");    /* lower: discarded */
	EQS(do_recv(&f, 2500 * MS, "10.0.0.1", 0, SEC), "");    /* release */
	EQU(fsm_next_deadline(&f), 2500 * MS + fsm_skew_time(&f));
	fsm_yield(&f, 2501 * MS);
	CU_ASSERT(f.yielded && f.handover_wait);
	EQU(fsm_next_deadline(&f), 2501 * MS + fsm_master_down_interval(&f));
	EQS(do_recv(&f, 2502 * MS, "10.0.0.1", 0, SEC), "");    /* repeated release: no race */
	EQU(fsm_next_deadline(&f), 2501 * MS + fsm_master_down_interval(&f));
	/* The chosen node (priority 100) speaks: followed, not preempted. */
	for (uint64_t t = 2600 * MS; t <= 12600 * MS; t += SEC) {
		EQS(do_recv(&f, t, "10.0.0.3", 100, SEC), "");
		EQU(fsm_next_deadline(&f), t + fsm_master_down_interval(&f));
	}
	CU_ASSERT(!f.handover_wait);
	EQU(f.state, FSM_BACKUP);
	/* It dies: normal takeover, and the yield ends with the mastership. */
	EQS(do_timer(&f, 12600 * MS + fsm_master_down_interval(&f)),
	    "STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE");
	CU_ASSERT(!f.yielded);
}

/* A master whose boot is not joined yet (protocol "hamgr") holds a starting
 * backup's takeover one more Master_Down_Interval, once per start, and only
 * before any master was heard. */
static void test_hold_for_join(void)
{
	struct fsm f;
	uint64_t mdi;

	mk(&f, 100, 10 * MS, "10.0.0.2");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	mdi = fsm_master_down_interval(&f);
	EQU(fsm_next_deadline(&f), T0 + mdi);
	/* The join is under way 3 ms in: one more interval beyond the
	 * deadline (not from now, which would add 3 ms). */
	fsm_hold_for_join(&f, T0 + 3 * MS);
	EQU(fsm_next_deadline(&f), T0 + 2 * mdi);
	EQS(do_timer(&f, T0 + mdi), "");
	/* Once per start: a second unjoined heartbeat moves nothing. */
	fsm_hold_for_join(&f, T0 + 60 * MS);
	EQU(fsm_next_deadline(&f), T0 + 2 * mdi);
	/* No master after all (a replay): MASTER at the held deadline. */
	EQS(do_timer(&f, T0 + 2 * mdi), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");

	/* The join completes in time: the master is followed, nothing moves. */
	mk(&f, 100, 10 * MS, "10.0.0.2");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	fsm_hold_for_join(&f, T0 + 20 * MS);
	EQS(do_recv(&f, T0 + 40 * MS, "10.0.0.1", 200, 10 * MS), "");
	EQU(fsm_next_deadline(&f), T0 + 40 * MS + mdi);
	/* Heard once: later unjoined boots (the master restarted) do not
	 * hold; Master_Down runs from the last advert as usual. */
	mk(&f, 100, 10 * MS, "10.0.0.2");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, T0 + 5 * MS, "10.0.0.1", 200, 10 * MS), "");
	fsm_hold_for_join(&f, T0 + 20 * MS);
	EQU(fsm_next_deadline(&f), T0 + 5 * MS + mdi);
	/* A restart of this node arms it again. */
	mk(&f, 100, 10 * MS, "10.0.0.2");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	fsm_hold_for_join(&f, T0 + 10 * MS);
	acts.n = 0;
	fsm_shutdown(&f, T0 + 20 * MS, &acts);
	EQS(do_start(&f, T0 + SEC), "STATE(INIT>BACKUP)");
	fsm_hold_for_join(&f, T0 + SEC + 10 * MS);
	EQU(fsm_next_deadline(&f), T0 + SEC + 2 * mdi);
	/* Not in MASTER: nothing. */
	EQS(do_timer(&f, T0 + SEC + 2 * mdi), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	fsm_hold_for_join(&f, T0 + 2 * SEC);
	EQU(f.state, FSM_MASTER);
}

/* ---- suite: timelines (simulation) ------------------------------------- */

static void test_sim_two_nodes(void)
{
	for (int order = 0; order < 2; order++) {
		for (uint64_t delay = 0; delay <= 500; delay += 500) {
			struct sim *s = sim_new(delay);
			int a, b;

			if (order == 0) {
				a = sim_add_p(s, 200, "10.0.0.1");
				b = sim_add_p(s, 100, "10.0.0.2");
			} else {
				b = sim_add_p(s, 100, "10.0.0.2");
				a = sim_add_p(s, 200, "10.0.0.1");
			}
			sim_start(s, order ? a : b);
			sim_start(s, order ? b : a);
			sim_run_until(s, T0 + 3218749);
			EQU(st(s, a), FSM_BACKUP);
			sim_run_until(s, T0 + 3218750);
			EQU(st(s, a), FSM_MASTER);
			sim_run_until(s, 104218750 + delay);
			EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
					    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n");
			EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n");
			/* One advert per second, exactly. */
			EQU(s->nd[a].adverts, 101);
			EQU(s->nd[b].adverts, 0);
			EQU(fsm_next_deadline(&s->nd[b].f), 104218750 + delay + 3609375);
			EQU(s->nd[b].f.master_priority, 200);
		}
	}
}

static void test_sim_three_nodes(void)
{
	static const unsigned prios[6][3] = {
		{ 200, 150, 100 }, { 200, 100, 150 }, { 150, 200, 100 },
		{ 150, 100, 200 }, { 100, 200, 150 }, { 100, 150, 200 },
	};

	for (int k = 0; k < 6; k++) {
		struct sim *s = sim_new(0);
		int top = 0;

		for (int i = 0; i < 3; i++) {
			char addr[24];

			snprintf(addr, sizeof(addr), "10.0.0.%d", 3 - i);
			sim_add_p(s, prios[k][i], addr);
			if (prios[k][i] == 200)
				top = i;
		}
		for (int i = 0; i < 3; i++)
			sim_start(s, i);
		sim_run_until(s, 60 * SEC);
		for (int i = 0; i < 3; i++) {
			EQU(st(s, i), i == top ? FSM_MASTER : FSM_BACKUP);
			EQS(sim_hist(s, i), i == top
				? "1000000 STATE(INIT>BACKUP)\n"
				  "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
				: "1000000 STATE(INIT>BACKUP)\n");
		}
	}
}

static void test_sim_master_dies(void)
{
	struct sim *s = sim_new(0);
	int a = sim_add_p(s, 200, "10.0.0.1");
	int b = sim_add_p(s, 100, "10.0.0.2");
	int c = sim_add_p(s, 50, "10.0.0.3");

	sim_start(s, a);
	sim_start(s, b);
	sim_start(s, c);
	sim_run_until(s, 10500 * MS);
	sim_crash(s, a);
	EQU(s->nd[a].last_advert, 10218750);
	sim_run_until(s, 10218750 + 3609375 - 1);
	EQU(st(s, b), FSM_BACKUP);
	sim_run_until(s, 30 * SEC);
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "13828125 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n");
	EQS(sim_hist(s, c), "1000000 STATE(INIT>BACKUP)\n");
	EQU(s->nd[b].f.cause, FSM_CAUSE_MASTER_DOWN);
	CU_ASSERT(strstr(s->nd[b].f.reason, "10.0.0.1") != NULL);
	EQU(s->nd[c].f.master_priority, 100);
	CU_ASSERT(ipaddr_eq(&s->nd[c].f.master_addr, &s->nd[b].f.primary));
	/* And when B dies too, C takes over after its own interval. */
	sim_crash(s, b);
	sim_run_until(s, 40 * SEC);
	EQU(s->nd[b].last_advert, 29828125);
	EQS(sim_hist(s, c), "1000000 STATE(INIT>BACKUP)\n"
			    "33632812 STATE(BACKUP>MASTER) ADVERT(50) ACQUIRE\n");
}

static void test_sim_graceful_release(void)
{
	for (uint64_t delay = 0; delay <= 1000; delay += 1000) {
		struct sim *s = sim_new(delay);
		int a = sim_add_p(s, 200, "10.0.0.1");
		int b = sim_add_p(s, 150, "10.0.0.2");
		int c = sim_add_p(s, 100, "10.0.0.3");
		char want[256];

		sim_start(s, a);
		sim_start(s, b);
		sim_start(s, c);
		sim_run_until(s, 10500 * MS);
		sim_shutdown(s, a);
		sim_run_until(s, 30 * SEC);
		EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
				    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
				    "10500000 RELEASE ADVERT(0) STATE(MASTER>INIT)\n");
		/* Skew_Time only (414062 us), not Master_Down_Interval. */
		snprintf(want, sizeof(want), "1000000 STATE(INIT>BACKUP)\n"
			 "%" PRIu64 " STATE(BACKUP>MASTER) ADVERT(150) ACQUIRE\n",
			 10500000 + delay + 414062);
		EQS(sim_hist(s, b), want);
		EQS(sim_hist(s, c), "1000000 STATE(INIT>BACKUP)\n");
		EQU(s->nd[b].f.cause, FSM_CAUSE_RELEASE_SEEN);
		EQU(s->nd[c].f.master_priority, 150);
		EQU(sim_masters(s), 1);
	}
}

static void test_sim_preempt_on_return(void)
{
	struct sim *s = sim_new(0);
	int a = sim_add_p(s, 200, "10.0.0.1");
	int b = sim_add_p(s, 100, "10.0.0.2");

	sim_start(s, a);
	sim_start(s, b);
	sim_run_until(s, 10500 * MS);
	sim_crash(s, a);
	sim_run_until(s, 20300 * MS);
	sim_boot(s, a);
	sim_run_until(s, 23518749);
	EQU(st(s, a), FSM_BACKUP);
	EQU(st(s, b), FSM_MASTER);
	sim_run_until(s, 60 * SEC);
	EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
			    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "20300000 STATE(INIT>BACKUP)\n"
			    "23518750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "23518750 SETTLE ADVERT(200) GARP\n");
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "13828125 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n"
			    "23518750 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
	CU_ASSERT(strstr(s->nd[a].f.reason, "preempting 10.0.0.2") != NULL);
	EQU(s->nd[b].f.cause, FSM_CAUSE_PREEMPTED);
}

static void test_sim_nopreempt(void)
{
	struct sim *s = sim_new(0);
	struct fsm_config ca = sim_cfg(200, SEC);
	int a, b;

	ca.preempt = false;
	a = sim_add(s, &ca, "10.0.0.1");
	b = sim_add_p(s, 100, "10.0.0.2");
	sim_start(s, a);
	sim_start(s, b);
	sim_run_until(s, 10500 * MS);
	sim_crash(s, a);
	sim_run_until(s, 20300 * MS);
	sim_boot(s, a);
	sim_run_until(s, 80500 * MS);
	EQU(st(s, a), FSM_BACKUP);
	EQU(st(s, b), FSM_MASTER);
	EQU(s->nd[a].f.master_priority, 100);
	sim_crash(s, b);
	sim_run_until(s, 100 * SEC);
	EQU(s->nd[b].last_advert, 79828125);
	EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
			    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "20300000 STATE(INIT>BACKUP)\n"
			    "83046875 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n");
}

static void test_sim_preempt_delay(void)
{
	struct sim *s = sim_new(0);
	struct fsm_config ca = sim_cfg(200, SEC);
	int a, b;
	uint64_t t1 = 20828125; /* first advert of B that A hears */

	ca.preempt_delay_us = 10 * SEC;
	a = sim_add(s, &ca, "10.0.0.1");
	b = sim_add_p(s, 100, "10.0.0.2");
	sim_start(s, a);
	sim_start(s, b);
	sim_run_until(s, 10500 * MS);
	sim_crash(s, a);
	sim_run_until(s, 20300 * MS);
	sim_boot(s, a);
	/* No takeover before the delay has passed ... */
	sim_run_until(s, t1 + 10 * SEC);
	EQU(st(s, a), FSM_BACKUP);
	EQU(st(s, b), FSM_MASTER);
	/* ... and none before Master_Down_Interval after the last advert it
	 * still followed (t1 + 9 s); then at once. */
	sim_run_until(s, t1 + 9 * SEC + 3218750 - 1);
	EQU(st(s, a), FSM_BACKUP);
	sim_run_until(s, 60 * SEC);
	EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
			    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "20300000 STATE(INIT>BACKUP)\n"
			    "33046875 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "33046875 SETTLE ADVERT(200) GARP\n");
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "13828125 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n"
			    "33046875 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
}

/* Two equal-priority nodes that both become MASTER (started together,
 * adverts in flight for 1 ms): the higher primary address wins, whatever
 * the order the nodes are created, started and run in. */
static void test_sim_tie_break_simultaneous(void)
{
	for (int order = 0; order < 2; order++) {
		struct sim *s = sim_new(1000);
		int lo, hi;

		if (order == 0) {
			lo = sim_add_p(s, 100, "10.0.0.1");
			hi = sim_add_p(s, 100, "10.0.0.2");
		} else {
			hi = sim_add_p(s, 100, "10.0.0.2");
			lo = sim_add_p(s, 100, "10.0.0.1");
		}
		sim_start(s, 0);
		s->now += 500; /* the second one starts 0.5 ms later */
		sim_start(s, 1);
		sim_run_until(s, 30 * SEC);
		EQU(st(s, hi), FSM_MASTER);
		EQU(st(s, lo), FSM_BACKUP);
		if (order == 0) {
			EQS(sim_hist(s, lo), "1000000 STATE(INIT>BACKUP)\n"
					     "4609375 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n"
					     "4610875 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
			EQS(sim_hist(s, hi), "1000500 STATE(INIT>BACKUP)\n"
					     "4609875 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n"
					     "4610375 ADVERT(100) GARP\n"
					     "4611875 ADVERT(100)\n");
		} else {
			EQS(sim_hist(s, hi), "1000000 STATE(INIT>BACKUP)\n"
					     "4609375 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n"
					     "4610875 ADVERT(100) GARP\n"
					     "4611375 ADVERT(100)\n");
			EQS(sim_hist(s, lo), "1000500 STATE(INIT>BACKUP)\n"
					     "4609875 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n"
					     "4610375 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
		}
	}
}

/* Three equal nodes started at the same instant: the highest address. */
static void test_sim_tie_break_three(void)
{
	static const char *addrs[3][3] = {
		{ "10.0.0.1", "10.0.0.2", "10.0.0.3" },
		{ "10.0.0.3", "10.0.0.1", "10.0.0.2" },
		{ "10.0.0.2", "10.0.0.3", "10.0.0.1" },
	};

	for (int k = 0; k < 3; k++) {
		struct sim *s = sim_new(200);

		for (int i = 0; i < 3; i++)
			sim_add_p(s, 100, addrs[k][i]);
		for (int i = 0; i < 3; i++)
			sim_start(s, i);
		sim_run_until(s, 30 * SEC);
		for (int i = 0; i < 3; i++)
			EQU(st(s, i), strcmp(addrs[k][i], "10.0.0.3") ? FSM_BACKUP : FSM_MASTER);
		EQU(sim_masters(s), 1);
	}
}

/* With equal priorities a backup follows whoever is master (RFC 5798
 * 6.4.2 accepts ">= local Priority"): the node started first keeps the
 * role, in both start orders; the address only breaks a tie between two
 * masters. */
static void test_sim_tie_staggered(void)
{
	for (int order = 0; order < 2; order++) {
		struct sim *s = sim_new(0);
		int lo = sim_add_p(s, 100, "10.0.0.1");
		int hi = sim_add_p(s, 100, "10.0.0.2");
		int first = order ? hi : lo, second = order ? lo : hi;

		sim_start(s, first);
		sim_run_until(s, 6 * SEC);
		sim_start(s, second);
		sim_run_until(s, 60 * SEC);
		EQU(st(s, first), FSM_MASTER);
		EQU(st(s, second), FSM_BACKUP);
		EQS(sim_hist(s, second), "6000000 STATE(INIT>BACKUP)\n");
	}
}

static void test_sim_interval_learning(void)
{
	struct sim *s = sim_new(0);
	struct fsm_config ca = sim_cfg(200, 2 * SEC);
	int a = sim_add(s, &ca, "10.0.0.1");
	int b = sim_add_p(s, 100, "10.0.0.2");

	sim_start(s, a);
	sim_run_until(s, 11 * SEC);
	sim_start(s, b);
	sim_run_until(s, 20500 * MS);
	EQU(s->nd[b].f.master_adver_int_us, 2 * SEC);
	EQU(fsm_master_down_interval(&s->nd[b].f), 7218750);
	sim_crash(s, a);
	EQU(s->nd[a].last_advert, 19437500);
	/* Not at last + 3609375 (its own interval) ... */
	sim_run_until(s, 19437500 + 7218750 - 1);
	EQU(st(s, b), FSM_BACKUP);
	sim_run_until(s, 40 * SEC);
	EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
			    "7437500 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n");
	/* ... but at last + 3 * 2 s + Skew_Time(100, 2 s). */
	EQS(sim_hist(s, b), "11000000 STATE(INIT>BACKUP)\n"
			    "26656250 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n");
}

static void test_sim_owner(void)
{
	struct sim *s = sim_new(0);
	int b = sim_add_p(s, 100, "10.0.0.2");
	int o = sim_add_p(s, 255, "10.0.0.1");

	sim_start(s, b);
	sim_run_until(s, 10300 * MS);
	sim_start(s, o);
	sim_run_until(s, 30 * SEC);
	EQS(sim_hist(s, o), "10300000 STATE(INIT>MASTER) ADVERT(255) ACQUIRE\n"
			    "10300000 ADVERT(255) GARP\n");
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "4609375 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n"
			    "10300000 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
}

/* Healed partition: both are MASTER; the lower one's next advert makes
 * the higher one re-announce at once and the lower one step down. */
static void test_sim_healed_partition(void)
{
	struct sim *s = sim_new(0);
	int a = sim_add_p(s, 200, "10.0.0.1");
	int b = sim_add_p(s, 100, "10.0.0.2");

	s->block[a][b] = s->block[b][a] = true;
	sim_start(s, a);
	sim_start(s, b);
	sim_run_until(s, 10500 * MS);
	EQU(sim_masters(s), 2);
	s->block[a][b] = s->block[b][a] = false;
	sim_run_until(s, 30 * SEC);
	EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
			    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "10609375 ADVERT(200) GARP\n"
			    "10609375 ADVERT(200)\n");
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "4609375 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n"
			    "10609375 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
	/* The immediate advert restarted A's period. */
	EQU(fsm_next_deadline(&s->nd[a].f), 30609375);
}

/* A frozen backup resumes long after its Master_Down_Timer: it becomes
 * MASTER late, the real master answers at once, it steps down. */
static void test_sim_frozen_backup_resumes(void)
{
	struct sim *s = sim_new(0);
	int a = sim_add_p(s, 200, "10.0.0.1");
	int b = sim_add_p(s, 100, "10.0.0.2");

	sim_start(s, a);
	sim_start(s, b);
	sim_run_until(s, 10500 * MS);
	s->nd[b].frozen = true;
	sim_run_until(s, 20500 * MS);
	s->nd[b].frozen = false;
	sim_run_until(s, 30 * SEC);
	EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
			    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "20500000 ADVERT(200) GARP\n"
			    "20500000 ADVERT(200)\n");
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "20500000 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n"
			    "20500000 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
	/* Frozen again right away: the second late takeover is not answered
	 * by a GARP (rate limit), the next periodic advert settles it. */
	s->nd[b].frozen = true;
	sim_run_until(s, 40 * SEC);
	s->nd[b].frozen = false;
	s->nd[a].f.last_garp_refresh = 40 * SEC - 1; /* pretend one just went out */
	sim_run_until(s, 40 * SEC);
	EQU(sim_masters(s), 2);
	sim_run_until(s, 41 * SEC);
	EQU(sim_masters(s), 1);
	EQU(st(s, a), FSM_MASTER);
}

/* A frozen master resumes: its overdue advert goes out at once (one, not
 * a burst) and the lower node that took over steps down. */
static void test_sim_frozen_master_resumes(void)
{
	struct sim *s = sim_new(0);
	int a = sim_add_p(s, 200, "10.0.0.1");
	int b = sim_add_p(s, 100, "10.0.0.2");
	unsigned n;

	sim_start(s, a);
	sim_start(s, b);
	sim_run_until(s, 10500 * MS);
	s->nd[a].frozen = true;
	n = s->nd[a].adverts;
	sim_run_until(s, 20500 * MS);
	s->nd[a].frozen = false;
	sim_run_until(s, 20500 * MS + 999999);
	/* The overdue one, and the answer to b's priority 0 once b has
	 * released (with the gratuitous ARPs that reclaim the clients). */
	EQU(s->nd[a].adverts, n + 2);
	EQU(fsm_next_deadline(&s->nd[a].f), 21500 * MS);
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "13828125 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n"
			    "20500000 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
}

static void test_sim_link_flap_master(void)
{
	struct sim *s = sim_new(0);
	int a = sim_add_p(s, 200, "10.0.0.1");
	int b = sim_add_p(s, 100, "10.0.0.2");

	sim_start(s, a);
	sim_start(s, b);
	sim_run_until(s, 10500 * MS);
	sim_link(s, a, false);
	sim_run_until(s, 20 * SEC);
	sim_link(s, a, true);
	sim_run_until(s, 40 * SEC);
	EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
			    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "10500000 RELEASE STATE(MASTER>FAULT)\n"
			    "20000000 STATE(FAULT>BACKUP)\n"
			    "23218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "23218750 SETTLE ADVERT(200) GARP\n");
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "13828125 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n"
			    "23218750 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
}

/* A reload in the middle of a timeline: no transition, and a backup's
 * takeover after the master dies is not postponed. */
static void test_sim_reconf_no_delay(void)
{
	struct sim *s = sim_new(0);
	int a = sim_add_p(s, 200, "10.0.0.1");
	int b = sim_add_p(s, 100, "10.0.0.2");
	struct fsm_config cb = sim_cfg(100, 3 * SEC);

	sim_start(s, a);
	sim_start(s, b);
	sim_run_until(s, 10500 * MS);
	sim_crash(s, a);
	sim_run_until(s, 12 * SEC);
	cb.priority = 20;
	sim_reconf(s, b, &cb);
	sim_run_until(s, 30 * SEC);
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "13828125 STATE(BACKUP>MASTER) ADVERT(20) ACQUIRE\n");
}

/* ---- suite: operator commands in timelines ------------------------------ */

/* Watches a timeline for two MASTERs or two VIP holders, and for a node
 * in standby that is MASTER or holds the VIPs. As s->each it looks after
 * every single fsm call (nothing may overlap, not even within one
 * instant); as s->check only at settled instants. */
struct excl_ctx {
	unsigned long looks, bad;
	uint64_t first_bad;
};

static void excl_look(struct sim *s, void *p)
{
	struct excl_ctx *c = p;
	bool ok = sim_masters(s) <= 1 && sim_vip_holders(s) <= 1;

	for (int i = 0; i < s->n; i++)
		if (s->nd[i].f.standby && (st(s, i) == FSM_MASTER || s->nd[i].vips))
			ok = false;
	c->looks++;
	if (!ok && !c->bad++)
		c->first_bad = s->now;
}

static void excl_report(const struct excl_ctx *c, const char *what)
{
	if (c->bad)
		fprintf(stderr, "\n%s: %lu bad looks, first at t=%" PRIu64 "\n", what, c->bad,
			c->first_bad);
	CU_ASSERT(c->bad == 0);
	CU_ASSERT(c->looks > 10);
}

/* Standby on the master of three: the next best takes over after its
 * Skew_Time; the standby node stays BACKUP while that master runs, while
 * the third node takes over from it, and while there is no master at
 * all; standby off then takes the role at once (its timer ran out). */
static void test_sim_standby_master(void)
{
	struct sim *s = sim_new(0);
	struct excl_ctx x = { 0, 0, 0 };
	int a = sim_add_p(s, 200, "10.0.0.1");
	int b = sim_add_p(s, 150, "10.0.0.2");
	int c = sim_add_p(s, 100, "10.0.0.3");

	s->each = excl_look;
	s->ctx = &x;
	sim_start(s, a);
	sim_start(s, b);
	sim_start(s, c);
	sim_run_until(s, 10500 * MS);
	sim_standby(s, a, true);
	sim_run_until(s, 10914061);
	EQU(sim_masters(s), 0);
	sim_run_until(s, 60500 * MS);
	EQU(st(s, a), FSM_BACKUP);
	EQU(s->nd[a].f.master_priority, 150);
	EQU(fsm_next_deadline(&s->nd[a].f), 0);
	sim_crash(s, b);
	EQU(s->nd[b].last_advert, 59914062);
	sim_run_until(s, 80 * SEC);
	EQU(s->nd[a].f.master_priority, 100);
	sim_crash(s, c);
	EQU(s->nd[c].last_advert, 79523437);
	sim_run_until(s, 200 * SEC);
	EQU(sim_masters(s), 0);
	EQU(st(s, a), FSM_BACKUP);
	sim_standby(s, a, false);
	sim_run_until(s, 230 * SEC);
	EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
			    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "10500000 RELEASE ADVERT(0) STATE(MASTER>BACKUP)\n"
			    "200000000 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n");
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "10914062 STATE(BACKUP>MASTER) ADVERT(150) ACQUIRE\n");
	EQS(sim_hist(s, c), "1000000 STATE(INIT>BACKUP)\n"
			    "63523437 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n");
	EQU(s->nd[b].f.cause, FSM_CAUSE_RELEASE_SEEN);
	CU_ASSERT(strstr(s->nd[a].f.reason, "10.0.0.3") != NULL);
	excl_report(&x, "standby master");
}

/* The owner in standby: a link flap brings it back as BACKUP, it keeps
 * following the other node, and stays BACKUP when that one dies. */
static void test_sim_standby_owner_link_flap(void)
{
	struct sim *s = sim_new(0);
	struct excl_ctx x = { 0, 0, 0 };
	int o = sim_add_p(s, 255, "10.0.0.1");
	int b = sim_add_p(s, 100, "10.0.0.2");
	struct ipaddr ba = sim_ip("10.0.0.2");

	s->each = excl_look;
	s->ctx = &x;
	sim_start(s, o);
	sim_start(s, b);
	sim_run_until(s, 5 * SEC);
	sim_standby(s, o, true);
	sim_run_until(s, 10 * SEC);
	sim_link(s, o, false);
	sim_run_until(s, 15 * SEC);
	sim_link(s, o, true);
	sim_run_until(s, 30200 * MS);
	EQU(st(s, o), FSM_BACKUP);
	CU_ASSERT(s->nd[o].f.master_known);
	CU_ASSERT(ipaddr_eq(&s->nd[o].f.master_addr, &ba));
	sim_crash(s, b);
	EQU(s->nd[b].last_advert, 29609375);
	sim_run_until(s, 60 * SEC);
	EQU(sim_masters(s), 0);
	EQU(fsm_next_deadline(&s->nd[o].f), 0);
	sim_standby(s, o, false);
	sim_run_until(s, 70 * SEC);
	EQS(sim_hist(s, o), "1000000 STATE(INIT>MASTER) ADVERT(255) ACQUIRE\n"
			    "5000000 RELEASE ADVERT(0) STATE(MASTER>BACKUP)\n"
			    "10000000 STATE(BACKUP>FAULT)\n"
			    "15000000 STATE(FAULT>BACKUP)\n"
			    "60000000 STATE(BACKUP>MASTER) ADVERT(255) ACQUIRE\n");
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "5609375 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n");
	EQU(s->nd[o].f.cause, FSM_CAUSE_OWNER);
	excl_report(&x, "standby owner");
}

/* Started in standby, the higher node follows the lower master; back in
 * the election it preempts by the usual rules from then on: one
 * Master_Down_Interval after the last advert it followed (B's advert at
 * 19.609375 s), or with a 10 s preempt delay counted from the first
 * advert after its return (20.609375 s), not from the adverts it heard
 * while standing by. */
static void test_sim_standby_off_preempts(void)
{
	for (int delayed = 0; delayed < 2; delayed++) {
		struct sim *s = sim_new(0);
		struct excl_ctx x = { 0, 0, 0 };
		struct fsm_config ca = sim_cfg(200, SEC);
		uint64_t at = delayed ? 29609375 + 3218750 : 19609375 + 3218750;
		char want[256];
		int a, b;

		ca.preempt_delay_us = delayed ? 10 * SEC : 0;
		a = sim_add(s, &ca, "10.0.0.1");
		b = sim_add_p(s, 100, "10.0.0.2");
		s->check = excl_look;
		s->ctx = &x;
		sim_standby(s, a, true);
		sim_start(s, a);
		sim_start(s, b);
		sim_run_until(s, 20500 * MS);
		sim_standby(s, a, false);
		sim_run_until(s, at - 1);
		EQU(st(s, a), FSM_BACKUP);
		EQU(st(s, b), FSM_MASTER);
		sim_run_until(s, 60 * SEC);
		snprintf(want, sizeof(want), "1000000 STATE(INIT>BACKUP)\n"
			 "%" PRIu64 " STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			 "%" PRIu64 " SETTLE ADVERT(200) GARP\n", at, at);
		EQS(sim_hist(s, a), want);
		snprintf(want, sizeof(want), "1000000 STATE(INIT>BACKUP)\n"
			 "4609375 STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE\n"
			 "%" PRIu64 " RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n", at);
		EQS(sim_hist(s, b), want);
		CU_ASSERT(strstr(s->nd[a].f.reason, "preempting 10.0.0.2") != NULL);
		excl_report(&x, delayed ? "standby off, preempt delay" : "standby off");
	}
}

/* Switchover among three nodes, every order of priorities over the
 * addresses, zero and 1 ms delivery delay: the old master is BACKUP from
 * the command on, the best backup (150) takes over after its Skew_Time,
 * no instant (not even between two fsm calls) has two MASTERs or two VIP
 * holders, and the old master keeps following the new, lower, one. When
 * that one dies the old master takes over the usual way, yield over. */
static void test_sim_switchover_three(void)
{
	static const unsigned prios[6][3] = {
		{ 200, 150, 100 }, { 200, 100, 150 }, { 150, 200, 100 },
		{ 150, 100, 200 }, { 100, 200, 150 }, { 100, 150, 200 },
	};

	for (int k = 0; k < 6; k++) {
		for (uint64_t d = 0; d <= MS; d += MS) {
			struct sim *s = sim_new(d);
			struct excl_ctx x = { 0, 0, 0 };
			int old = 0, nw = 0, low = 0;
			uint64_t take = 10914062 + d, back = 59914062 + 2 * d + 3218750;
			char want[256], a[IPADDR_STRLEN];

			for (int i = 0; i < 3; i++) {
				char addr[24];

				snprintf(addr, sizeof(addr), "10.0.0.%d", 3 - i);
				sim_add_p(s, prios[k][i], addr);
				if (prios[k][i] == 200)
					old = i;
				else if (prios[k][i] == 150)
					nw = i;
				else
					low = i;
			}
			s->each = excl_look;
			s->ctx = &x;
			for (int i = 0; i < 3; i++)
				sim_start(s, i);
			sim_run_until(s, 10500 * MS);
			EQU(st(s, old), FSM_MASTER);
			EQU(sim_switchover(s, old), 0);
			EQU(st(s, old), FSM_BACKUP);
			sim_run_until(s, take - 1);
			EQU(sim_masters(s), 0);
			EQU(sim_vip_holders(s), 0);
			sim_run_until(s, 60500 * MS);
			EQU(st(s, nw), FSM_MASTER);
			EQU(st(s, old), FSM_BACKUP);
			EQU(st(s, low), FSM_BACKUP);
			CU_ASSERT(s->nd[old].f.yielded);
			EQU(s->nd[old].f.master_priority, 150);
			EQU(s->nd[low].f.master_priority, 150);
			CU_ASSERT(ipaddr_eq(&s->nd[old].f.master_addr, &s->nd[nw].f.primary));
			EQS(sim_hist(s, old), "1000000 STATE(INIT>BACKUP)\n"
					      "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
					      "10500000 RELEASE ADVERT(0) STATE(MASTER>BACKUP)\n");
			snprintf(want, sizeof(want), "1000000 STATE(INIT>BACKUP)\n"
				 "%" PRIu64 " STATE(BACKUP>MASTER) ADVERT(150) ACQUIRE\n", take);
			EQS(sim_hist(s, nw), want);
			EQS(sim_hist(s, low), "1000000 STATE(INIT>BACKUP)\n");
			EQU(s->nd[nw].f.cause, FSM_CAUSE_RELEASE_SEEN);
			EQU(s->nd[old].f.cause, FSM_CAUSE_SWITCHOVER);

			sim_crash(s, nw);
			EQU(s->nd[nw].last_advert, 59914062 + d);
			sim_run_until(s, 90 * SEC);
			snprintf(want, sizeof(want), "1000000 STATE(INIT>BACKUP)\n"
				 "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
				 "10500000 RELEASE ADVERT(0) STATE(MASTER>BACKUP)\n"
				 "%" PRIu64 " STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n", back);
			EQS(sim_hist(s, old), want);
			EQU(s->nd[old].f.cause, FSM_CAUSE_MASTER_DOWN);
			snprintf(want, sizeof(want), "no advert from %s",
				 ipaddr_str(&s->nd[nw].f.primary, a, sizeof(a)));
			CU_ASSERT(strstr(s->nd[old].f.reason, want) != NULL);
			CU_ASSERT(!s->nd[old].f.yielded);
			EQS(sim_hist(s, low), "1000000 STATE(INIT>BACKUP)\n");
			excl_report(&x, "switchover, three nodes");
		}
	}
}

/* The only other node is in standby: the old master takes the role back
 * one Master_Down_Interval after the switchover. */
static void test_sim_switchover_nobody(void)
{
	for (uint64_t d = 0; d <= MS; d += MS) {
		struct sim *s = sim_new(d);
		struct excl_ctx x = { 0, 0, 0 };
		int a = sim_add_p(s, 200, "10.0.0.1");
		int b = sim_add_p(s, 100, "10.0.0.2");

		s->each = excl_look;
		s->ctx = &x;
		sim_standby(s, b, true);
		sim_start(s, a);
		sim_start(s, b);
		sim_run_until(s, 10500 * MS);
		EQU(sim_switchover(s, a), 0);
		sim_run_until(s, 13718749);
		EQU(sim_masters(s), 0);
		sim_run_until(s, 30 * SEC);
		EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
				    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
				    "10500000 RELEASE ADVERT(0) STATE(MASTER>BACKUP)\n"
				    "13718750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n");
		EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n");
		EQS(s->nd[a].f.reason,
		    "switchover: no backup took over within 3218 ms; taking the role back");
		EQU(sim_switchover(s, b), -1);
		excl_report(&x, "switchover, nobody");
	}
}

/* Switchover, and back: the node that yielded takes the role on the
 * second release (priority 0, Skew_Time), its yield ends, the other one
 * now yields to it. */
static void test_sim_switchover_back(void)
{
	struct sim *s = sim_new(MS);
	struct excl_ctx x = { 0, 0, 0 };
	int a = sim_add_p(s, 200, "10.0.0.1");
	int b = sim_add_p(s, 150, "10.0.0.2");
	int c = sim_add_p(s, 100, "10.0.0.3");

	s->each = excl_look;
	s->ctx = &x;
	sim_start(s, a);
	sim_start(s, b);
	sim_start(s, c);
	sim_run_until(s, 10500 * MS);
	EQU(sim_switchover(s, a), 0);
	sim_run_until(s, 20500 * MS);
	EQU(st(s, b), FSM_MASTER);
	EQU(sim_switchover(s, b), 0);
	sim_run_until(s, 60 * SEC);
	EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
			    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "10500000 RELEASE ADVERT(0) STATE(MASTER>BACKUP)\n"
			    "20719750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n");
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "10915062 STATE(BACKUP>MASTER) ADVERT(150) ACQUIRE\n"
			    "20500000 RELEASE ADVERT(0) STATE(MASTER>BACKUP)\n");
	EQS(sim_hist(s, c), "1000000 STATE(INIT>BACKUP)\n");
	EQU(s->nd[a].f.cause, FSM_CAUSE_RELEASE_SEEN);
	CU_ASSERT(!s->nd[a].f.yielded);
	CU_ASSERT(s->nd[b].f.yielded);
	EQU(s->nd[c].f.master_priority, 200);
	excl_report(&x, "switchover and back");
}

/* The yield ends when the old master is MASTER again: after that, back
 * from a link flap, it preempts the lower node as usual. */
static void test_sim_switchover_yield_ends(void)
{
	struct sim *s = sim_new(0);
	int a = sim_add_p(s, 200, "10.0.0.1");
	int b = sim_add_p(s, 150, "10.0.0.2");

	sim_start(s, a);
	sim_start(s, b);
	sim_run_until(s, 10500 * MS);
	EQU(sim_switchover(s, a), 0);
	sim_run_until(s, 30500 * MS);
	EQU(st(s, a), FSM_BACKUP);
	sim_crash(s, b);
	sim_run_until(s, 40 * SEC);
	sim_boot(s, b);
	sim_run_until(s, 50500 * MS);
	sim_link(s, a, false);
	sim_run_until(s, 60 * SEC);
	sim_link(s, a, true);
	sim_run_until(s, 80 * SEC);
	EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
			    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "10500000 RELEASE ADVERT(0) STATE(MASTER>BACKUP)\n"
			    "33132812 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "50500000 RELEASE STATE(MASTER>FAULT)\n"
			    "60000000 STATE(FAULT>BACKUP)\n"
			    "63218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
			    "63218750 SETTLE ADVERT(200) GARP\n");
	EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
			    "10914062 STATE(BACKUP>MASTER) ADVERT(150) ACQUIRE\n"
			    "40000000 STATE(INIT>BACKUP)\n"
			    "53546874 STATE(BACKUP>MASTER) ADVERT(150) ACQUIRE\n"
			    "63218750 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
	CU_ASSERT(strstr(s->nd[a].f.reason, "preempting 10.0.0.2") != NULL);
}

/* ---- suite: random flapping peer --------------------------------------- */

static uint64_t rnd_s;

static uint64_t rnd(void)
{
	/* splitmix64: same sequence on every libc */
	uint64_t z = (rnd_s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd_in(uint64_t lo, uint64_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

struct flap_ctx {
	uint64_t calm_since;  /* all nodes connected and running since */
	bool calm;
	uint64_t settle;      /* allowed convergence time after calm */
	uint64_t overlap_ok;  /* a handover may show two masters this long */
	uint64_t live;        /* a master must exist after this much calm */
	uint64_t overlap_since;
	unsigned long checked, violations, dead;
	uint64_t first_bad;
	int bad_masters;
};

/* Called whenever the clock is about to move on: everything due at
 * s->now has happened, the states are what the world sees until then. */
static void flap_check(struct sim *s, void *p)
{
	struct flap_ctx *c = p;
	int m;

	if (!c->calm || s->now < c->calm_since + c->settle) {
		c->overlap_since = NEVER;
		return;
	}
	c->checked++;
	m = sim_masters(s);
	if (m <= 1)
		c->overlap_since = NEVER;
	else if (c->overlap_since == NEVER)
		c->overlap_since = s->now;
	if (m > 1 && s->now - c->overlap_since >= c->overlap_ok && !c->violations++) {
		c->first_bad = s->now;
		c->bad_masters = m;
	}
	if (m == 0 && s->now >= c->calm_since + c->live && !c->dead++ && !c->violations) {
		c->first_bad = s->now;
		c->bad_masters = 0;
	}
}

#define FLAP_SEED 0x48414d47ull /* "HAMG" */
#define FLAP_RUNS 40
#define FLAP_SECONDS 600

static void flap_report(const char *what, int run, uint64_t seed, const struct sim *s,
			const struct flap_ctx *c)
{
	if (!c->violations && !c->dead)
		return;
	fprintf(stderr, "\n%s run %d (seed %#" PRIx64 "): %d masters at t=%" PRIu64
		" (%lu bad checks, %lu without a master); prios %u/%u/%u preempt %d%d%d\n",
		what, run, seed, c->bad_masters, c->first_bad, c->violations, c->dead,
		s->nd[0].f.cfg.priority, s->nd[1].f.cfg.priority, s->nd[2].f.cfg.priority,
		s->nd[0].f.cfg.preempt, s->nd[1].f.cfg.preempt, s->nd[2].f.cfg.preempt);
}

/* Three nodes with random priorities (ties included), preempt on or off,
 * preempt delays and GARP refresh windows, all on one interval. */
static void flap_random_nodes(struct sim *s, uint64_t intv)
{
	static const unsigned prios[] = { 1, 50, 100, 100, 150, 200, 254 };

	for (int i = 0; i < 3; i++) {
		struct fsm_config fc = sim_cfg(prios[rnd() % 7], intv);
		char addr[24];

		fc.preempt = rnd() % 4 != 0;
		fc.preempt_delay_us = rnd() % 3 == 0 ? rnd_in(1, 5) * intv : 0;
		fc.garp_refresh_us = rnd() % 2 ? 0 : rnd_in(1, 30) * intv;
		snprintf(addr, sizeof(addr), "10.0.0.%d", i + 1);
		sim_add(s, &fc, addr);
	}
}

/* Start the nodes a little apart, then let one peer alternate between
 * talking and silence (partitioned, or frozen when freeze is allowed) for
 * the given time; now and then another node takes over the flapping. */
static void flap_timeline(struct sim *s, struct flap_ctx *c, uint64_t intv,
			  uint64_t seconds, bool freeze_too)
{
	int flapper = (int)(rnd() % 3);
	uint64_t end;

	s->norec = true;
	s->check = flap_check;
	s->ctx = c;
	for (int i = 0; i < 3; i++) {
		sim_run_until(s, s->now + rnd_in(0, 3 * intv));
		sim_start(s, i);
	}
	c->calm = true;
	c->calm_since = s->now;
	end = s->now + seconds * SEC;
	while (s->now < end) {
		struct sim_node *f = &s->nd[flapper];

		sim_run_until(s, s->now + rnd_in(intv / 10, 10 * intv));
		c->calm = false;
		if (freeze_too && rnd() % 2)
			f->frozen = true;
		else
			f->cut = true;
		sim_run_until(s, s->now + rnd_in(1, 8 * intv));
		f->frozen = false;
		f->cut = false;
		c->calm = true;
		c->calm_since = s->now;
		if (rnd() % 8 == 0)
			flapper = (int)(rnd() % 3);
	}
}

/* A flapping peer (adverts, silence, adverts ...: partitions and frozen
 * processes of random length) never leaves two masters once the network
 * has been calm for one advert interval, with zero-delay delivery; and
 * after a Master_Down_Interval of calm there is always a master. */
static void test_flapping_peer_one_master(void)
{
	const char *env = getenv("HAMGR_FSM_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : FLAP_SEED;
	unsigned long checks = 0;

	printf("\n    flapping peer: seed %#" PRIx64 " (set HAMGR_FSM_SEED to change),"
	       " %d runs of %d s ", seed, FLAP_RUNS, FLAP_SECONDS);
	rnd_s = seed;
	for (int run = 0; run < FLAP_RUNS; run++) {
		struct sim *s = sim_new(0);
		struct flap_ctx c;
		uint64_t intv = rnd() % 2 ? SEC : 100 * MS;

		memset(&c, 0, sizeof(c));
		c.settle = intv;
		c.live = 4 * intv + 1;
		flap_random_nodes(s, intv);
		flap_timeline(s, &c, intv, FLAP_SECONDS, true);
		flap_report("zero-delay", run, seed, s, &c);
		checks += c.checked;
		CU_ASSERT(c.violations == 0);
		CU_ASSERT(c.dead == 0);
		CU_ASSERT(c.checked > 100);
	}
	printf("(%lu checks) ", checks);
}

/* With a 2 ms delivery delay a preempting node and the master it
 * replaces are both MASTER until its first advert arrives: after calm,
 * such an overlap lasts the delay, never longer. Convergence after calm
 * takes longer too: an advert still in flight when a backup's timer fires,
 * and the master rate-limited, give up to two periods plus two delays. */
static void test_flapping_peer_with_delay(void)
{
	const char *env = getenv("HAMGR_FSM_SEED");
	uint64_t seed = (env ? strtoull(env, NULL, 0) : FLAP_SEED) ^ 0xd1a7;

	printf("\n    delayed: seed %#" PRIx64 " ", seed);
	rnd_s = seed;
	for (int run = 0; run < 10; run++) {
		struct sim *s = sim_new(2 * MS);
		struct flap_ctx c;

		memset(&c, 0, sizeof(c));
		c.settle = 2 * SEC + 4 * MS;
		c.overlap_ok = 2 * MS + 1;
		c.live = 4 * SEC + 2 * MS + 1;
		flap_random_nodes(s, SEC);
		flap_timeline(s, &c, SEC, 300, false);
		flap_report("2 ms delay", run, seed, s, &c);
		CU_ASSERT(c.violations == 0);
		CU_ASSERT(c.dead == 0);
		CU_ASSERT(c.checked > 100);
	}
}

/* ---- suite: random operator commands ------------------------------------ */

struct ops_ctx {
	struct excl_ctx x;
	uint64_t since;       /* last command */
	uint64_t live;        /* a candidate must be MASTER after this long */
	unsigned long dead;
	uint64_t first_dead;
};

/* A node that may become MASTER: running, link up, not in standby. */
static bool ops_candidate(const struct sim *s, int i)
{
	return sim_active(s, i) && s->nd[i].f.link_up && !s->nd[i].f.standby;
}

static void ops_check(struct sim *s, void *p)
{
	struct ops_ctx *c = p;
	bool any = false;

	excl_look(s, &c->x);
	for (int i = 0; i < s->n; i++)
		any = any || ops_candidate(s, i);
	if (any && !sim_masters(s) && s->now >= c->since + c->live && !c->dead++)
		c->first_dead = s->now;
}

/* One random command at s->now: a switchover (usually on the master),
 * standby on or off, or a link going down or up. */
static void ops_command(struct sim *s)
{
	int i = (int)(rnd() % 3);
	unsigned what = (unsigned)(rnd() % 8);

	if (what < 3) {
		enum fsm_state was;
		bool was_standby;
		int rc;

		for (int j = 0; what < 2 && j < 3; j++)
			if (st(s, j) == FSM_MASTER)
				i = j;
		was = st(s, i);
		was_standby = s->nd[i].f.standby;
		rc = sim_switchover(s, i);
		EQU(rc, was == FSM_MASTER ? 0 : -1);
		if (rc == 0) {
			EQU(st(s, i), FSM_BACKUP);
			CU_ASSERT(s->nd[i].f.yielded);
		}
		CU_ASSERT(s->nd[i].f.standby == was_standby);
	} else if (what < 6) {
		sim_standby(s, i, !s->nd[i].f.standby);
	} else {
		sim_link(s, i, !s->nd[i].f.link_up);
	}
}

/* Three nodes with random priorities (ties included), preempt on or off,
 * preempt delays, 1 s or 100 ms, zero delay; random commands every 0.1 to
 * 10 intervals. At every settled instant: at most one MASTER, one VIP
 * holder, none in standby; and a MASTER whenever some node could be one
 * and the last command is a Master_Down_Interval old. */
static void test_random_operator_commands(void)
{
	const char *env = getenv("HAMGR_FSM_SEED");
	uint64_t seed = (env ? strtoull(env, NULL, 0) : FLAP_SEED) ^ 0x0b5;
	unsigned long looks = 0, cmds = 0;

	printf("\n    operator commands: seed %#" PRIx64 " ", seed);
	rnd_s = seed;
	for (int run = 0; run < 40; run++) {
		struct sim *s = sim_new(0);
		struct ops_ctx c;
		uint64_t intv = rnd() % 2 ? SEC : 100 * MS, end;

		memset(&c, 0, sizeof(c));
		c.live = 4 * intv + 1;
		flap_random_nodes(s, intv);
		s->norec = true;
		s->check = ops_check;
		s->ctx = &c;
		for (int i = 0; i < 3; i++) {
			/* A startup is a command too: it arms a fresh MDI. */
			c.since = s->now;
			sim_run_until(s, s->now + rnd_in(0, 3 * intv));
			c.since = s->now;
			sim_start(s, i);
		}
		end = s->now + 600 * SEC;
		while (s->now < end) {
			sim_run_until(s, s->now + rnd_in(intv / 10, 10 * intv));
			ops_command(s);
			c.since = s->now;
			cmds++;
		}
		if (c.x.bad || c.dead)
			fprintf(stderr, "\noperator run %d (seed %#" PRIx64 "): %lu bad looks"
				" (first t=%" PRIu64 "), %lu without a master (first t=%" PRIu64
				"); prios %u/%u/%u preempt %d%d%d\n", run, seed, c.x.bad,
				c.x.first_bad, c.dead, c.first_dead, s->nd[0].f.cfg.priority,
				s->nd[1].f.cfg.priority, s->nd[2].f.cfg.priority,
				s->nd[0].f.cfg.preempt, s->nd[1].f.cfg.preempt,
				s->nd[2].f.cfg.preempt);
		CU_ASSERT(c.x.bad == 0);
		CU_ASSERT(c.dead == 0);
		looks += c.x.looks;
	}
	CU_ASSERT(cmds > 1000);
	printf("(%lu commands, %lu checks) ", cmds, looks);
}

/* ---- suite: the pipeline's two phases, tracked priority, FAULT causes,
 * give-up, confirmed masterships ----------------------------------------- */

static const char *do_vips_released(struct fsm *f, uint64_t t)
{
	acts.n = 0;
	fsm_released(f, t, &acts);
	return rendered();
}

static const char *do_give_up(struct fsm *f, uint64_t t, uint64_t holdoff, const char *why)
{
	acts.n = 0;
	fsm_give_up(f, t, holdoff, why, &acts);
	sim_pipeline_answers(f, t, &acts);
	return rendered();
}

static const char *do_prio(struct fsm *f, uint64_t t, unsigned prio)
{
	acts.n = 0;
	fsm_set_priority(f, t, (uint8_t)prio, &acts);
	return rendered();
}

static const char *do_fault(struct fsm *f, uint64_t t, unsigned cause, bool on, const char *why)
{
	acts.n = 0;
	fsm_set_fault(f, t, cause, on, why, &acts);
	sim_pipeline_answers(f, t, &acts);
	return rendered();
}

static void sim_prio(struct sim *s, int i, unsigned prio)
{
	struct fsm_actions out = { .n = 0 };

	fsm_set_priority(&s->nd[i].f, s->now, (uint8_t)prio, &out);
	sim_apply(s, i, O_OPER, &out);
}

/* Switchover with a slow pipeline: RELEASE first, the node stays MASTER
 * and advertises its priority on the usual period until the VIPs are
 * gone; only then priority 0 and BACKUP. A second switchover meanwhile is
 * refused. */
static void test_release_switchover_two_phase(void)
{
	struct fsm f;
	int rc = 7;

	sim_instant_pipeline = false;
	lone_master(&f);
	EQS(do_switchover(&f, 5 * SEC, &rc), "RELEASE");
	EQU(rc, 0);
	EQU(f.state, FSM_MASTER);
	EQU(f.releasing, FSM_CAUSE_SWITCHOVER);
	EQS(f.reason, "releasing: switchover requested by operator");
	rc = 7;
	EQS(do_switchover(&f, 5100 * MS, &rc), "");
	EQU(rc, -1);
	EQU(f.releasing, FSM_CAUSE_SWITCHOVER);
	/* The adverts go on, on the adver timer, at the old priority. */
	EQU(fsm_next_deadline(&f), 5609375);
	EQS(do_timer(&f, 5609374), "");
	EQS(do_timer(&f, 5609375), "ADVERT(100)");
	EQU(fsm_next_deadline(&f), 6609375);
	EQS(do_timer(&f, 6609375), "ADVERT(100)");
	/* A release of another node is answered at the old priority too. */
	EQS(do_recv(&f, 7 * SEC, "10.0.0.2", 0, SEC), "ADVERT(100) GARP");
	EQU(f.state, FSM_MASTER);
	EQU(f.transitions, 2);
	/* The VIPs are gone: now priority 0, BACKUP, yielding. */
	EQS(do_vips_released(&f, 7500 * MS), "ADVERT(0) STATE(MASTER>BACKUP)");
	EQU(f.cause, FSM_CAUSE_SWITCHOVER);
	EQS(f.reason, "switchover requested by operator");
	EQU(f.releasing, FSM_CAUSE_NONE);
	CU_ASSERT(f.yielded);
	EQU(fsm_next_deadline(&f), 7500 * MS + 3609375);
	/* Said twice, or when not releasing: nothing. */
	EQS(do_vips_released(&f, 8 * SEC), "");
	rc = 7;
	EQS(do_switchover(&f, 8 * SEC, &rc), "");
	EQU(rc, -1);
	lone_master(&f);
	EQS(do_vips_released(&f, 5 * SEC), "");
	EQU(f.state, FSM_MASTER);
	sim_instant_pipeline = true;
}

/* Standby with a slow pipeline: the effective priority is 0 at once, but
 * the adverts keep the priority the node had, so nobody takes over, and a
 * lower master does not take the role from it while the VIPs are up; a
 * track change meanwhile neither advertises nor changes that priority. */
static void test_release_standby_two_phase(void)
{
	struct fsm f;

	sim_instant_pipeline = false;
	lone_master(&f);
	EQS(do_standby(&f, 5 * SEC, true), "RELEASE");
	EQU(f.state, FSM_MASTER);
	CU_ASSERT(f.standby);
	EQU(fsm_effective_priority(&f), 0);
	EQU(f.release_prio, 100);
	EQS(do_timer(&f, 5609375), "ADVERT(100)");
	EQS(do_recv(&f, 6 * SEC, "10.0.0.2", 50, SEC), "ADVERT(100) GARP");
	EQU(f.state, FSM_MASTER);
	EQS(do_prio(&f, 6100 * MS, 80), "");
	EQU(fsm_next_deadline(&f), 7 * SEC);
	EQS(do_timer(&f, 7 * SEC), "ADVERT(100)");
	EQS(do_vips_released(&f, 7200 * MS), "ADVERT(0) STATE(MASTER>BACKUP)");
	EQU(f.cause, FSM_CAUSE_STANDBY);
	EQU(fsm_next_deadline(&f), 0);
	CU_ASSERT(!f.yielded);
	sim_instant_pipeline = true;
}

/* Shutdown with a slow pipeline: RELEASE, MASTER and adverts until the
 * VIPs are gone, then priority 0 and INIT. A shutdown during a switchover
 * release emits no second RELEASE and ends in INIT too; one preempted
 * while releasing ends in INIT at once, without priority 0. */
static void test_release_shutdown_two_phase(void)
{
	struct fsm f;
	int rc;

	sim_instant_pipeline = false;
	lone_master(&f);
	EQS(do_shutdown(&f, 5 * SEC), "RELEASE");
	EQU(f.state, FSM_MASTER);
	EQS(do_timer(&f, 5609375), "ADVERT(100)");
	EQS(do_shutdown(&f, 5700 * MS), "");
	EQS(do_vips_released(&f, 6 * SEC), "ADVERT(0) STATE(MASTER>INIT)");
	EQU(f.cause, FSM_CAUSE_SHUTDOWN);
	EQU(fsm_next_deadline(&f), 0);

	lone_master(&f);
	EQS(do_switchover(&f, 5 * SEC, &rc), "RELEASE");
	EQS(do_shutdown(&f, 5300 * MS), "");
	EQU(f.state, FSM_MASTER);
	EQS(do_timer(&f, 5609375), "ADVERT(100)");
	EQS(do_vips_released(&f, 6 * SEC), "ADVERT(0) STATE(MASTER>INIT)");
	EQU(f.state, FSM_INIT);
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_timer(&f, 6609375), "");
	/* It can be started again, as a plain backup. */
	EQS(do_start(&f, 7 * SEC), "STATE(INIT>BACKUP)");
	CU_ASSERT(!f.yielded);
	EQU(fsm_next_deadline(&f), 7 * SEC + 3609375);

	lone_master(&f);
	EQS(do_shutdown(&f, 5 * SEC), "RELEASE");
	EQS(do_recv(&f, 5100 * MS, "10.0.0.2", 200, SEC), "STATE(MASTER>INIT)");
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_vips_released(&f, 6 * SEC), "");
	EQU(f.state, FSM_INIT);

	/* A FAULT while the shutdown release runs ends it in INIT too (as a
	 * shutdown in FAULT does): the VIPs-gone answer finds no release to
	 * finish, and a link coming back must not make a node that is
	 * shutting down (here the owner) MASTER again. */
	mk(&f, 255, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>MASTER) ADVERT(255) ACQUIRE");
	EQS(do_shutdown(&f, 2 * SEC), "RELEASE");
	EQS(do_link(&f, 2100 * MS, false), "STATE(MASTER>INIT)");
	EQU(f.cause, FSM_CAUSE_SHUTDOWN);
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_vips_released(&f, 2200 * MS), "");
	EQS(do_link(&f, 2300 * MS, true), "");
	EQU(f.state, FSM_INIT);
	/* A weight-0 track going down does not cut the shutdown release
	 * short: the node is still on the wire, advertises until the
	 * pipeline is done, then priority 0 and INIT. */
	lone_master(&f);
	EQS(do_shutdown(&f, 5 * SEC), "RELEASE");
	EQS(do_fault(&f, 5100 * MS, FSM_FAULT_TRACK, true, "t"), "");
	EQU(f.state, FSM_MASTER);
	EQU(f.releasing, FSM_CAUSE_SHUTDOWN);
	EQS(do_timer(&f, 5609375), "ADVERT(100)");
	EQS(do_vips_released(&f, 5700 * MS), "ADVERT(0) STATE(MASTER>INIT)");
	EQS(do_fault(&f, 5800 * MS, FSM_FAULT_TRACK, false, "t"), "");
	EQU(f.state, FSM_INIT);
	/* Started again with the fault cleared: a plain BACKUP. */
	EQS(do_start(&f, 6 * SEC), "STATE(INIT>BACKUP)");
	sim_instant_pipeline = true;
}

/* A higher master while releasing: BACKUP at once, RELEASE not emitted a
 * second time, and no priority 0 when the VIPs are gone later (the new
 * master must not be undercut). Equal priority and a higher address is
 * higher; a lower priority than the one released with is not. */
static void test_release_preempted(void)
{
	struct fsm f;
	int rc;

	sim_instant_pipeline = false;
	lone_master(&f);
	EQS(do_switchover(&f, 5 * SEC, &rc), "RELEASE");
	EQS(do_recv(&f, 5200 * MS, "10.0.0.2", 150, 2 * SEC), "STATE(MASTER>BACKUP)");
	EQU(f.cause, FSM_CAUSE_PREEMPTED);
	EQU(f.releasing, FSM_CAUSE_NONE);
	CU_ASSERT(f.master_known);
	EQU(f.master_priority, 150);
	EQU(fsm_next_deadline(&f), 5200 * MS + 7218750);
	EQS(do_vips_released(&f, 6 * SEC), "ADVERT(0)");
	EQU(f.state, FSM_BACKUP);
	EQS(do_timer(&f, 6609375), "");

	lone_master(&f);
	EQS(do_give_up(&f, 5 * SEC, 10 * SEC, "promote failed"), "RELEASE");
	EQS(do_recv(&f, 5100 * MS, "10.0.0.2", 99, SEC), "ADVERT(100) GARP");
	EQU(f.state, FSM_MASTER);
	EQS(do_recv(&f, 5200 * MS, "10.0.0.2", 100, SEC), "STATE(MASTER>BACKUP)");
	CU_ASSERT(strstr(f.reason, "equal priority") != NULL);
	EQS(do_vips_released(&f, 6 * SEC), "ADVERT(0)");
	CU_ASSERT(f.holdoff);
	sim_instant_pipeline = true;
}

/* A master's tracked priority changes: advertised at once (and the
 * advert period restarts); the same value again is not a change; the
 * comparisons use it. */
static void test_priority_master(void)
{
	struct fsm f;

	lone_master(&f);
	EQS(do_prio(&f, 5 * SEC, 120), "ADVERT(120)");
	EQU(f.prio, 120);
	EQU(fsm_effective_priority(&f), 120);
	EQU(f.cfg.priority, 100);
	EQU(fsm_next_deadline(&f), 6 * SEC);
	EQS(do_prio(&f, 5500 * MS, 120), "");
	EQU(fsm_next_deadline(&f), 6 * SEC);
	EQS(do_prio(&f, 5500 * MS, 60), "ADVERT(60)");
	EQU(fsm_next_deadline(&f), 6500 * MS);
	EQS(do_timer(&f, 6500 * MS), "ADVERT(60)");
	/* 70 > 60: the tracked priority loses. */
	EQS(do_recv(&f, 7 * SEC, "10.0.0.2", 70, SEC), "RELEASE STATE(MASTER>BACKUP)");
	/* Priority 0 via a track is impossible (track_priority clamps);
	 * a master in standby (effective 0) does not advertise changes. */
	sim_instant_pipeline = false;
	lone_master(&f);
	EQS(do_standby(&f, 5 * SEC, true), "RELEASE");
	EQS(do_prio(&f, 5100 * MS, 150), "");
	EQS(do_vips_released(&f, 5200 * MS), "ADVERT(0) STATE(MASTER>BACKUP)");
	EQS(do_prio(&f, 5300 * MS, 255), "");        /* standby: not the owner */
	EQU(f.state, FSM_BACKUP);
	sim_instant_pipeline = true;
}

/* A backup's tracked priority: Skew_Time and Master_Down_Interval follow
 * it, preemption compares it, and 255 makes it MASTER at once (unless it
 * is benched). */
static void test_priority_backup(void)
{
	struct fsm f;

	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_prio(&f, T0, 200), "");
	EQU(fsm_skew_time(&f), 218750);
	EQU(fsm_master_down_interval(&f), 3218750);
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 250, SEC), "");
	EQU(fsm_next_deadline(&f), 2 * SEC + 3218750);
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 0, SEC), "");
	EQU(fsm_next_deadline(&f), 3 * SEC + 218750);
	EQS(do_timer(&f, 3 * SEC + 218750), "STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE");

	/* Preemption by the tracked priority: 150 is followed while we are
	 * 100, discarded once we are 200. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 150, SEC), "");
	EQU(fsm_next_deadline(&f), 2 * SEC + 3609375);
	EQS(do_prio(&f, 2500 * MS, 200), "");
	/* The pending timer follows the new Skew_Time (only ever closer). */
	EQU(fsm_next_deadline(&f), 2 * SEC + 3218750);
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 150, SEC), "");
	EQU(fsm_next_deadline(&f), 2 * SEC + 3218750);
	EQS(do_prio(&f, 3500 * MS, 140), "");
	EQS(do_recv(&f, 4 * SEC, "10.0.0.2", 150, SEC), "");
	EQU(fsm_next_deadline(&f), 4 * SEC + fsm_master_down_interval(&f));
	EQU(fsm_master_down_interval(&f), 3 * SEC + 453125);

	/* Reaching 255: MASTER at once, as the owner. */
	EQS(do_prio(&f, 5 * SEC, 255), "STATE(BACKUP>MASTER) ADVERT(255) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_PRIORITY);
	CU_ASSERT(!f.confirmed);
	EQU(fsm_next_deadline(&f), 6 * SEC);

	/* Not in hold-off, not in INIT or FAULT. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_prio(&f, T0, 255), "");
	EQU(f.state, FSM_INIT);
	EQS(do_prio(&f, T0, 100), "");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_give_up(&f, 2 * SEC, 5 * SEC, "x"), "");
	EQS(do_prio(&f, 3 * SEC, 255), "");
	EQU(f.state, FSM_BACKUP);
	EQS(do_link(&f, 4 * SEC, false), "STATE(BACKUP>FAULT)");
	EQS(do_prio(&f, 4 * SEC, 100), "");
	EQS(do_prio(&f, 4 * SEC, 255), "");
	EQU(f.state, FSM_FAULT);
}

/* A master whose tracked priority falls below a preempting backup's is
 * replaced by the RFC rules: its immediate advert is discarded, the backup
 * takes over one Master_Down_Interval after the last advert it accepted,
 * the old master steps down on hearing it. Without preempt it is followed.
 * A backup whose priority rises above the master's preempts the same way;
 * one reaching 255 takes over at once. */
static void test_sim_priority_preempt(void)
{
	for (int preempt = 0; preempt < 2; preempt++) {
		struct sim *s = sim_new(0);
		struct fsm_config cb = sim_cfg(150, SEC);
		int a, b;

		cb.preempt = preempt;
		a = sim_add_p(s, 200, "10.0.0.1");
		b = sim_add(s, &cb, "10.0.0.2");
		sim_start(s, a);
		sim_start(s, b);
		sim_run_until(s, 10500 * MS);
		sim_prio(s, a, 100);
		sim_run_until(s, 13632811);
		EQU(st(s, b), FSM_BACKUP);
		EQU(s->nd[b].f.master_priority, 100);
		sim_run_until(s, 30 * SEC);
		if (preempt) {
			EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
					    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
					    "10500000 ADVERT(100)\n"
					    "13632812 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
			EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
					    "13632812 STATE(BACKUP>MASTER) ADVERT(150) ACQUIRE\n"
					    "13632812 SETTLE ADVERT(150) GARP\n");
			CU_ASSERT(strstr(s->nd[b].f.reason,
					 "preempting 10.0.0.1 priority 100 (ours 150)") != NULL);
			/* The preempted master said it released everything
			 * (its priority 0 once released): the settle runs, not
			 * confirmed yet (another node may have preempted it too). */
			CU_ASSERT(!s->nd[b].f.confirmed);
			CU_ASSERT(!s->nd[b].f.awaiting_release);
		} else {
			EQU(st(s, a), FSM_MASTER);
			EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n");
		}
	}

	{
		struct sim *s = sim_new(0);
		int a = sim_add_p(s, 200, "10.0.0.1");
		int b = sim_add_p(s, 150, "10.0.0.2");

		sim_start(s, a);
		sim_start(s, b);
		sim_run_until(s, 10500 * MS);
		/* The timer armed by A's last accepted advert is re-derived
		 * with the Skew_Time of 254 (only ever brought closer); A's
		 * next advert is discarded. */
		sim_prio(s, b, 254);
		sim_run_until(s, 13226561);
		EQU(st(s, b), FSM_BACKUP);
		sim_run_until(s, 20500 * MS);
		EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
				    "13226562 STATE(BACKUP>MASTER) ADVERT(254) ACQUIRE\n"
				    "13226562 SETTLE ADVERT(254) GARP\n");
		EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
				    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
				    "13226562 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
		sim_prio(s, a, 255);
		sim_run_until(s, 30 * SEC);
		EQS(sim_hist(s, a), "1000000 STATE(INIT>BACKUP)\n"
				    "4218750 STATE(BACKUP>MASTER) ADVERT(200) ACQUIRE\n"
				    "13226562 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n"
				    "20500000 STATE(BACKUP>MASTER) ADVERT(255) ACQUIRE\n"
				    "20500000 ADVERT(255) GARP\n");
		EQS(sim_hist(s, b), "1000000 STATE(INIT>BACKUP)\n"
				    "13226562 STATE(BACKUP>MASTER) ADVERT(254) ACQUIRE\n"
				    "13226562 SETTLE ADVERT(254) GARP\n"
				    "20500000 RELEASE STATE(MASTER>BACKUP) ADVERT(0)\n");
		EQU(sim_masters(s), 1);
	}
}

/* FAULT has causes: FAULT while any holds, back only when all are clear,
 * with the reason of what happened; one cause set twice is one cause. */
static void test_fault_causes(void)
{
	struct fsm f;

	lone_master(&f);
	EQS(do_fault(&f, 5 * SEC, FSM_FAULT_TRACK, true, "track gw down"),
	    "RELEASE ADVERT(0) STATE(MASTER>FAULT)");
	EQU(f.cause, FSM_CAUSE_TRACK_DOWN);
	EQS(f.reason, "track gw down");
	EQU(f.fault, FSM_FAULT_TRACK);
	CU_ASSERT(f.link_up);
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_link(&f, 6 * SEC, false), "");
	EQU(f.fault, FSM_FAULT_TRACK | FSM_FAULT_LINK);
	CU_ASSERT(!f.link_up);
	EQS(do_fault(&f, 7 * SEC, FSM_FAULT_TRACK, false, "track gw up"), "");
	EQU(f.state, FSM_FAULT);
	EQU(f.fault, FSM_FAULT_LINK);
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_link(&f, 8 * SEC, true), "STATE(FAULT>BACKUP)");
	EQU(f.cause, FSM_CAUSE_LINK_UP);
	CU_ASSERT(strncmp(f.reason, "link up; waiting", 16) == 0);
	EQU(f.fault, 0);
	CU_ASSERT(f.link_up);
	EQU(fsm_next_deadline(&f), 8 * SEC + 3609375);

	/* The other order, from BACKUP. */
	EQS(do_link(&f, 9 * SEC, false), "STATE(BACKUP>FAULT)");
	EQU(f.cause, FSM_CAUSE_LINK_DOWN);
	EQS(f.reason, "interface link down");
	EQS(do_fault(&f, 10 * SEC, FSM_FAULT_TRACK, true, "track db down"), "");
	EQS(do_link(&f, 11 * SEC, true), "");
	EQU(f.state, FSM_FAULT);
	CU_ASSERT(f.link_up);
	EQS(do_fault(&f, 12 * SEC, FSM_FAULT_TRACK, false, "track db up"), "STATE(FAULT>BACKUP)");
	EQU(f.cause, FSM_CAUSE_TRACK_UP);
	CU_ASSERT(strncmp(f.reason, "track up; waiting", 17) == 0);
	EQU(fsm_next_deadline(&f), 12 * SEC + 3609375);
	EQS(do_fault(&f, 13 * SEC, FSM_FAULT_TRACK, true, "a"), "STATE(BACKUP>FAULT)");
	EQS(do_fault(&f, 14 * SEC, FSM_FAULT_TRACK, true, "a"), "");
	EQS(do_fault(&f, 15 * SEC, FSM_FAULT_TRACK, false, "b"), "STATE(FAULT>BACKUP)");

	/* Set before the start: the start goes to FAULT with that cause. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_fault(&f, T0, FSM_FAULT_TRACK, true, "t"), "");
	EQU(f.state, FSM_INIT);
	EQS(do_start(&f, T0), "STATE(INIT>FAULT)");
	EQU(f.cause, FSM_CAUSE_TRACK_DOWN);
	EQS(f.reason, "startup with a weight-0 track down");
	EQS(do_fault(&f, 2 * SEC, FSM_FAULT_TRACK, false, "t"), "STATE(FAULT>BACKUP)");

	/* The owner is MASTER again only when both are clear. */
	mk(&f, 255, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>MASTER) ADVERT(255) ACQUIRE");
	EQS(do_link(&f, 2 * SEC, false), "RELEASE STATE(MASTER>FAULT)");
	EQS(do_fault(&f, 3 * SEC, FSM_FAULT_TRACK, true, "t"), "");
	EQS(do_link(&f, 4 * SEC, true), "");
	EQS(do_fault(&f, 5 * SEC, FSM_FAULT_TRACK, false, "t"),
	    "STATE(FAULT>MASTER) ADVERT(255) ACQUIRE");

	/* A track fault during a release: no second RELEASE; the release
	 * goes on and ends in FAULT, with priority 0. A link fault during
	 * one: FAULT at once, no priority 0 later. */
	sim_instant_pipeline = false;
	lone_master(&f);
	EQS(do_standby(&f, 5 * SEC, true), "RELEASE");
	EQS(do_fault(&f, 5100 * MS, FSM_FAULT_TRACK, true, "t"), "");
	EQU(f.releasing, FSM_CAUSE_STANDBY);
	EQS(do_vips_released(&f, 6 * SEC), "ADVERT(0) STATE(MASTER>FAULT)");
	EQU(f.state, FSM_FAULT);
	EQU(f.cause, FSM_CAUSE_TRACK_DOWN);
	EQS(f.reason, "a weight-0 track down");
	lone_master(&f);
	EQS(do_standby(&f, 5 * SEC, true), "RELEASE");
	EQS(do_link(&f, 5100 * MS, false), "STATE(MASTER>FAULT)");
	EQU(f.releasing, FSM_CAUSE_NONE);
	EQS(do_vips_released(&f, 6 * SEC), "");
	EQU(f.state, FSM_FAULT);
	sim_instant_pipeline = true;
}

/* A weight-0 track down on a MASTER whose link is up: it releases in two
 * phases like a switchover (MASTER, adverts at its priority until the
 * pipeline has released everything, then priority 0 and FAULT), so no
 * backup takes over while it still holds a VIP or a promoted resource.
 * The link lost meanwhile: FAULT at once. Preempted meanwhile: FAULT, not
 * BACKUP, and no priority 0 later. The track back up meanwhile: the
 * release ends in BACKUP. */
static void test_release_track_fault_two_phase(void)
{
	struct fsm f;

	sim_instant_pipeline = false;
	lone_master(&f);
	EQS(do_fault(&f, 5 * SEC, FSM_FAULT_TRACK, true, "track db down (weight 0)"), "RELEASE");
	EQU(f.state, FSM_MASTER);
	EQU(f.releasing, FSM_CAUSE_TRACK_DOWN);
	EQS(f.reason, "releasing: track db down (weight 0)");
	EQS(do_timer(&f, 5609375), "ADVERT(100)");
	EQS(do_recv(&f, 6 * SEC, "10.0.0.2", 50, SEC), "ADVERT(100) GARP");
	EQS(do_fault(&f, 6100 * MS, FSM_FAULT_TRACK, true, "again"), "");
	EQU(fsm_next_deadline(&f), 7 * SEC);
	EQS(do_timer(&f, 7 * SEC), "ADVERT(100)");
	EQS(do_vips_released(&f, 7200 * MS), "ADVERT(0) STATE(MASTER>FAULT)");
	EQU(f.cause, FSM_CAUSE_TRACK_DOWN);
	EQS(f.reason, "track db down (weight 0)");
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_recv(&f, 8 * SEC, "10.0.0.2", 50, SEC), "");
	EQS(do_fault(&f, 9 * SEC, FSM_FAULT_TRACK, false, "up"), "STATE(FAULT>BACKUP)");
	EQU(f.cause, FSM_CAUSE_TRACK_UP);

	lone_master(&f);
	EQS(do_fault(&f, 5 * SEC, FSM_FAULT_TRACK, true, "t"), "RELEASE");
	EQS(do_link(&f, 5100 * MS, false), "STATE(MASTER>FAULT)");
	EQU(f.cause, FSM_CAUSE_LINK_DOWN);
	EQU(f.releasing, FSM_CAUSE_NONE);
	EQS(do_vips_released(&f, 6 * SEC), "");
	EQU(f.state, FSM_FAULT);
	EQS(do_link(&f, 7 * SEC, true), "");
	EQS(do_fault(&f, 8 * SEC, FSM_FAULT_TRACK, false, "t"), "STATE(FAULT>BACKUP)");

	lone_master(&f);
	EQS(do_fault(&f, 5 * SEC, FSM_FAULT_TRACK, true, "t"), "RELEASE");
	EQS(do_recv(&f, 5100 * MS, "10.0.0.2", 200, SEC), "STATE(MASTER>FAULT)");
	EQU(f.releasing, FSM_CAUSE_NONE);
	EQU(fsm_next_deadline(&f), 0);
	EQS(do_vips_released(&f, 6 * SEC), "");
	EQU(f.state, FSM_FAULT);

	lone_master(&f);
	EQS(do_fault(&f, 5 * SEC, FSM_FAULT_TRACK, true, "t"), "RELEASE");
	EQS(do_fault(&f, 5100 * MS, FSM_FAULT_TRACK, false, "t"), "");
	EQU(f.state, FSM_MASTER);
	EQS(do_vips_released(&f, 6 * SEC), "ADVERT(0) STATE(MASTER>BACKUP)");
	EQU(f.cause, FSM_CAUSE_TRACK_DOWN);
	sim_instant_pipeline = true;
}

/* Give-up: a MASTER releases (two phases) and competes with priority 0
 * for the hold-off: it never becomes MASTER then, not when the master
 * dies, not on a release; fsm_next_deadline includes the hold-off's end;
 * after it the node is back in the election. */
static void test_give_up(void)
{
	struct fsm f;

	sim_instant_pipeline = false;
	lone_master(&f);
	EQS(do_give_up(&f, 5 * SEC, 10 * SEC, "promote failed"), "RELEASE");
	EQU(f.state, FSM_MASTER);
	CU_ASSERT(f.holdoff);
	EQU(f.holdoff_until, 15 * SEC);
	EQU(fsm_effective_priority(&f), 0);
	EQU(fsm_next_deadline(&f), 5609375);
	EQS(do_timer(&f, 5609375), "ADVERT(100)");
	EQS(do_vips_released(&f, 6 * SEC), "ADVERT(0) STATE(MASTER>BACKUP)");
	EQU(f.cause, FSM_CAUSE_GIVE_UP);
	EQS(f.reason, "promote failed");
	CU_ASSERT(!f.yielded);
	EQU(fsm_next_deadline(&f), 15 * SEC);
	/* A lower node takes over and dies: no takeover in the hold-off. */
	EQS(do_recv(&f, 6700 * MS, "10.0.0.2", 50, SEC), "");
	EQU(fsm_next_deadline(&f), 15 * SEC);
	EQS(do_timer(&f, 6700 * MS + 3609375), "");
	EQS(do_timer(&f, 15 * SEC - 1), "");
	EQU(f.state, FSM_BACKUP);
	EQU(fsm_next_deadline(&f), 15 * SEC);
	/* Hold-off over, that master's timer long expired: at once. */
	EQS(do_timer(&f, 15 * SEC), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	CU_ASSERT(!f.holdoff);
	EQU(f.cause, FSM_CAUSE_MASTER_DOWN);
	CU_ASSERT(!f.confirmed && f.settle);
	EQU(fsm_effective_priority(&f), 100);

	/* A release heard in the hold-off: no takeover until its end. */
	lone_master(&f);
	EQS(do_give_up(&f, 5 * SEC, 10 * SEC, "x"), "RELEASE");
	EQS(do_vips_released(&f, 5 * SEC), "ADVERT(0) STATE(MASTER>BACKUP)");
	EQS(do_recv(&f, 6 * SEC, "10.0.0.2", 50, SEC), "");
	EQS(do_recv(&f, 7 * SEC, "10.0.0.2", 0, SEC), "");
	EQS(do_timer(&f, 7 * SEC + 609375), "");
	EQS(do_timer(&f, 15 * SEC), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_RELEASE_SEEN);

	/* A live master when the hold-off ends: followed (it ranks higher). */
	lone_master(&f);
	EQS(do_give_up(&f, 5 * SEC, 10 * SEC, "x"), "RELEASE");
	EQS(do_vips_released(&f, 5 * SEC), "ADVERT(0) STATE(MASTER>BACKUP)");
	for (uint64_t t = 6 * SEC; t <= 30 * SEC; t += SEC) {
		EQS(do_timer(&f, t - 1), "");
		EQS(do_recv(&f, t, "10.0.0.2", 150, SEC), "");
	}
	EQU(f.state, FSM_BACKUP);
	CU_ASSERT(!f.holdoff);
	EQS(f.reason, "hold-off after giving up is over; following master 10.0.0.2 (priority 150)");
	EQU(fsm_next_deadline(&f), 30 * SEC + 3609375);

	/* Nobody at all: a fresh Master_Down_Interval from the hold-off's end. */
	lone_master(&f);
	EQS(do_give_up(&f, 5 * SEC, 10 * SEC, "x"), "RELEASE");
	EQS(do_vips_released(&f, 5 * SEC), "ADVERT(0) STATE(MASTER>BACKUP)");
	EQU(fsm_next_deadline(&f), 15 * SEC);
	EQS(do_timer(&f, 15 * SEC), "");
	EQS(f.reason, "hold-off after giving up is over; waiting for a master");
	EQU(fsm_next_deadline(&f), 15 * SEC + 3609375);
	EQS(do_timer(&f, 15 * SEC + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	CU_ASSERT(!f.confirmed);

	/* A BACKUP gives up: hold-off only; take_over refused meanwhile; the
	 * deadline is the earlier of its timer and the hold-off's end. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_give_up(&f, 2 * SEC, 60 * SEC, "x"), "");
	CU_ASSERT(f.holdoff);
	EQU(fsm_next_deadline(&f), 62 * SEC);
	acts.n = 0;
	EQU(fsm_take_over(&f, 3 * SEC, "x", &acts), -1);
	EQS(rendered(), "");
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_give_up(&f, 2 * SEC, SEC, "x"), "");
	EQU(fsm_next_deadline(&f), 3 * SEC);
	EQS(do_timer(&f, 3 * SEC), "");
	EQU(fsm_next_deadline(&f), 3 * SEC + 3609375);
	/* A zero hold-off still ends (1 us). */
	EQS(do_give_up(&f, 4 * SEC, 0, "x"), "");
	EQU(fsm_next_deadline(&f), 4 * SEC + 1);
	sim_instant_pipeline = true;
}

/* f->confirmed for each way to become MASTER. */
static void test_confirmed(void)
{
	struct fsm f;

	/* Startup timeout having heard nobody: not confirmed. */
	lone_master(&f);
	CU_ASSERT(!f.confirmed);
	/* A lower master heard: no confirmation (with three nodes a higher
	 * one may not have spoken yet). */
	EQS(do_recv(&f, 5 * SEC, "10.0.0.2", 50, SEC), "ADVERT(100) GARP");
	CU_ASSERT(!f.confirmed);
	/* A release or a higher master heard is no confirmation. */
	lone_master(&f);
	EQS(do_recv(&f, 5 * SEC, "10.0.0.2", 0, SEC), "ADVERT(100) GARP");
	CU_ASSERT(!f.confirmed);
	/* fsm_confirm. */
	fsm_confirm(&f);
	CU_ASSERT(f.confirmed);
	/* A new mastership starts over: link flap, then alone again. */
	EQS(do_link(&f, 6 * SEC, false), "RELEASE STATE(MASTER>FAULT)");
	EQS(do_link(&f, 7 * SEC, true), "STATE(FAULT>BACKUP)");
	EQS(do_timer(&f, 7 * SEC + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	CU_ASSERT(!f.confirmed);

	/* Master_down after hearing a master: another backup may have taken
	 * over at the same instant (test_takeover's three-node failover):
	 * confirmed after the settle gate, two advert intervals. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_timer(&f, 2 * SEC + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_MASTER_DOWN);
	CU_ASSERT(!f.confirmed && f.settle);
	EQU(fsm_gate_us(&f, 9 * SEC), 2 * SEC);
	/* settle-gate set (a pair): that length, 0 included, after a master
	 * that went silent; the start-up gate is not its business. */
	f.cfg.settle_fixed = true;
	f.cfg.settle_gate_us = 0;
	EQU(fsm_gate_us(&f, 9 * SEC), 0);
	f.cfg.settle_gate_us = 5 * SEC;
	EQU(fsm_gate_us(&f, 9 * SEC), 5 * SEC);
	f.settle = false;
	EQU(fsm_gate_us(&f, 9 * SEC), 9 * SEC);
	/* Release seen: the same (F1 of the election checker: backups of
	 * different priorities race after their Skew_Time). */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_recv(&f, 3 * SEC, "10.0.0.2", 0, SEC), "");
	EQS(do_timer(&f, 3 * SEC + 609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	EQU(f.cause, FSM_CAUSE_RELEASE_SEEN);
	CU_ASSERT(!f.confirmed && f.settle);
	/* ... and settle-gate does not shorten it: after a release even a
	 * pair may have two successors (the checker's pair0-equal/reorder). */
	f.cfg.settle_fixed = true;
	EQU(fsm_gate_us(&f, 9 * SEC), 2 * SEC);
	/* A release from a node we do not follow is not our master's. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_recv(&f, 2100 * MS, "10.0.0.3", 0, SEC), "");
	EQU(fsm_next_deadline(&f), 2 * SEC + 3609375);
	CU_ASSERT(!f.release_seen);
	/* Having heard nobody: the start-up gate. */
	lone_master(&f);
	CU_ASSERT(!f.confirmed && !f.settle);
	EQU(fsm_gate_us(&f, 9 * SEC), 9 * SEC);
	/* Preempting a lower master heard: not until it released. Another
	 * node's priority 0 is not its release; its own is. */
	mk(&f, 150, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 100, SEC), "");
	EQS(do_timer(&f, T0 + 3414062), "STATE(BACKUP>MASTER) ADVERT(150) ACQUIRE");
	CU_ASSERT(!f.confirmed && f.awaiting_release);
	EQS(do_recv(&f, 4500 * MS, "10.0.0.3", 0, SEC), "ADVERT(150) GARP");
	CU_ASSERT(!f.confirmed);
	/* Its release starts the settle gate, not a confirmation: another
	 * node that preempted it too hears the same release (the checker's
	 * three-ranked/calm). */
	EQS(do_recv(&f, 4600 * MS, "10.0.0.2", 0, SEC), "SETTLE ADVERT(150)");
	CU_ASSERT(!f.confirmed && !f.awaiting_release && f.settle);
	EQU(fsm_gate_us(&f, 9 * SEC), 2 * SEC);
	/* Handed over by name (fsm_take_over), having heard nobody: confirmed. */
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	acts.n = 0;
	EQU(fsm_take_over(&f, 2 * SEC, "handed over", &acts), 0);
	EQS(rendered(), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	CU_ASSERT(f.confirmed);
	/* The owner at startup, or by a track: not confirmed. */
	mk(&f, 255, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>MASTER) ADVERT(255) ACQUIRE");
	CU_ASSERT(!f.confirmed);
	mk(&f, 100, SEC, "10.0.0.1");
	EQS(do_start(&f, T0), "STATE(INIT>BACKUP)");
	EQS(do_recv(&f, 2 * SEC, "10.0.0.2", 200, SEC), "");
	EQS(do_prio(&f, 3 * SEC, 255), "STATE(BACKUP>MASTER) ADVERT(255) ACQUIRE");
	CU_ASSERT(!f.confirmed);
	/* Back from a switchover nobody took: nobody heard, not confirmed. */
	lone_master(&f);
	fsm_confirm(&f);
	sim_instant_pipeline = true;
	{
		int rc;

		EQS(do_switchover(&f, 5 * SEC, &rc), "RELEASE ADVERT(0) STATE(MASTER>BACKUP)");
	}
	EQS(do_timer(&f, 5 * SEC + 3609375), "STATE(BACKUP>MASTER) ADVERT(100) ACQUIRE");
	CU_ASSERT(!f.confirmed);
}

/* ---- registration ------------------------------------------------------- */

static CU_TestInfo timing_tests[] = {
	{ "Skew_Time and Master_Down_Interval values", test_skew_mdi_values },
	{ "timing uses the learnt Master_Adver_Interval", test_timing_uses_learnt_interval },
	{ "a takeover's reason names dropped adverts", test_takeover_reason_names_drops },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo single_tests[] = {
	{ "startup alone: BACKUP, MASTER after MDI", test_startup_alone },
	{ "priority 255 owner: MASTER at startup", test_owner_starts_master },
	{ "adver timer keeps its period when late", test_adver_timer_no_drift },
	{ "adverts from our own address are ignored", test_own_address_ignored },
	{ "INIT and FAULT ignore adverts", test_init_and_fault_ignore_adverts },
	{ "silent master: whom a fence step fences", test_silent_master_for_fence },
	{ "backup: priority 0 -> MASTER after Skew_Time", test_backup_release_skew_only },
	{ "backup: a release, then a lower master: preempt it, named", test_release_then_lower_master },
	{ "backup read late: Master_Down from each advert's arrival", test_backup_late_read_arrival },
	{ "backup without preempt: priority 0 too", test_release_nopreempt },
	{ "master hears priority 0: advert at once", test_master_hears_release },
	{ "master hears higher priority: steps down", test_master_steps_down_higher },
	{ "master tie-break on primary address", test_master_tie_break },
	{ "master hears lower master: advert+GARP, rate-limited", test_master_hears_lower_ratelimit },
	{ "backup follows and learns the interval", test_backup_learns_interval_and_follows },
	{ "backup preempts a lower master", test_backup_preempts_lower },
	{ "backup without preempt follows a lower master", test_backup_nopreempt_follows_lower },
	{ "preempt-delay", test_preempt_delay_single },
	{ "link down before start -> FAULT", test_link_down_before_start },
	{ "link down in MASTER -> RELEASE, FAULT; up", test_link_down_master },
	{ "link up forgets the old master", test_link_up_forgets_master },
	{ "shutdown", test_shutdown },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo reconf_tests[] = {
	{ "MASTER: no transition, adverts not postponed", test_reconf_master_no_transition },
	{ "BACKUP alone: takeover never postponed", test_reconf_backup_alone },
	{ "BACKUP following: deadlines kept", test_reconf_backup_following },
	{ "BACKUP preempting: deadline kept", test_reconf_backup_preempting },
	{ "priority 255, FAULT, INIT", test_reconf_owner_and_others },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo sim_tests[] = {
	{ "two nodes: election by priority", test_sim_two_nodes },
	{ "three nodes: election by priority", test_sim_three_nodes },
	{ "master dies: takeover at last advert + MDI", test_sim_master_dies },
	{ "graceful release: takeover after Skew_Time", test_sim_graceful_release },
	{ "higher node returns and preempts", test_sim_preempt_on_return },
	{ "nopreempt: higher node stays backup", test_sim_nopreempt },
	{ "preempt-delay", test_sim_preempt_delay },
	{ "tie-break: simultaneous start, both orders", test_sim_tie_break_simultaneous },
	{ "tie-break: three equal nodes", test_sim_tie_break_three },
	{ "equal priority, staggered start: first keeps it", test_sim_tie_staggered },
	{ "backup uses the master's interval", test_sim_interval_learning },
	{ "owner preempts at startup", test_sim_owner },
	{ "healed partition: lower master steps down", test_sim_healed_partition },
	{ "frozen backup resumes", test_sim_frozen_backup_resumes },
	{ "frozen master resumes", test_sim_frozen_master_resumes },
	{ "link flap of the master", test_sim_link_flap_master },
	{ "reload does not delay a takeover", test_sim_reconf_no_delay },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo oper_tests[] = {
	{ "standby: flag, effective priority, no timer", test_standby_flag_and_priority },
	{ "standby on a MASTER: release, never MASTER", test_standby_master_releases },
	{ "standby beats priority 255 (start, link, reload)", test_standby_owner },
	{ "standby off, no master: MDI from then", test_standby_off_no_master },
	{ "a backup's reason names its master", test_reason_follows_master },
	{ "standby off, master died: old timer kept", test_standby_off_master_died },
	{ "standby off, live master: follow or preempt", test_standby_off_live_master },
	{ "switchover when not MASTER: -1, nothing", test_switchover_not_master },
	{ "switchover, nobody takes over: role back", test_switchover_nobody_takes_over },
	{ "switchover: follow a lower master until MASTER", test_switchover_yields_until_master },
	{ "handover by name: take over, or wait and follow", test_take_over_and_yield },
	{ "an unjoined master holds a start-up takeover once", test_hold_for_join },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo oper_sim_tests[] = {
	{ "standby on the master of three", test_sim_standby_master },
	{ "standby owner through a link flap", test_sim_standby_owner_link_flap },
	{ "standby off: preempts by the usual rules", test_sim_standby_off_preempts },
	{ "switchover: best backup, never two masters", test_sim_switchover_three },
	{ "switchover, only backup in standby", test_sim_switchover_nobody },
	{ "switchover and back", test_sim_switchover_back },
	{ "switchover: yield ends once MASTER again", test_sim_switchover_yield_ends },
	{ "random operator commands", test_random_operator_commands },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo pipe_tests[] = {
	{ "switchover: RELEASE, old priority, then 0", test_release_switchover_two_phase },
	{ "standby: RELEASE, old priority, then 0", test_release_standby_two_phase },
	{ "shutdown: two phases, also mid-switchover", test_release_shutdown_two_phase },
	{ "preempted while releasing: no priority 0", test_release_preempted },
	{ "tracked priority on a MASTER", test_priority_master },
	{ "tracked priority on a BACKUP, 255", test_priority_backup },
	{ "tracked priority: preemption timelines", test_sim_priority_preempt },
	{ "FAULT causes: link and track", test_fault_causes },
	{ "track FAULT on a master: two phases", test_release_track_fault_two_phase },
	{ "give-up: release, hold-off, back", test_give_up },
	{ "confirmed masterships", test_confirmed },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo flap_tests[] = {
	{ "flapping peer: at most one master (zero delay)", test_flapping_peer_one_master },
	{ "flapping peer: overlap bounded (2 ms delay)", test_flapping_peer_with_delay },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suites[] = {
	{ "fsm timing", NULL, NULL, NULL, NULL, timing_tests },
	{ "fsm single instance", NULL, NULL, NULL, NULL, single_tests },
	{ "fsm reconfigure", NULL, NULL, NULL, NULL, reconf_tests },
	{ "fsm timelines", NULL, NULL, NULL, NULL, sim_tests },
	{ "fsm operator commands", NULL, NULL, NULL, NULL, oper_tests },
	{ "fsm operator timelines", NULL, NULL, NULL, NULL, oper_sim_tests },
	{ "fsm pipeline, priority, faults", NULL, NULL, NULL, NULL, pipe_tests },
	{ "fsm flapping", NULL, NULL, NULL, NULL, flap_tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
