/* conflict: the alarms that keep an operator from trusting a cluster that
 * is quietly broken, as pure decisions.
 *
 * Three kinds, one table per instance:
 * - conflict: another host answers for one of our VIPs while we hold it
 *   (RFC 5227 style: a reply to our ARP probe / NS, from another MAC);
 * - misconfigured_peer: a peer's adverts are dropped because its interval
 *   is far from ours, or an advert for another VRID lists one of our VIPs;
 * - vip_missing: a VIP vanished from the interface while the pipeline
 *   held it (someone ran `ip addr del`); it is re-added, rate-limited.
 *
 * Every alarm clears after a quiet period without new evidence:
 * max(3 x Master_Down_Interval, 10 s), and never before two of its
 * evidence periods passed without any (a peer's advert interval; the
 * probe period for a conflict, whose answers come one round at a time);
 * a vip_missing alarm also needs the address back. The probe schedule lives here too: the first round 1 s
 * after the VIPs came up (a preempted master has released by then), then
 * every 10 s +- 1 s; an unsolicited claim of a VIP by another MAC (its
 * gratuitous ARP, an unsolicited NA) only brings the next round forward,
 * so a legitimate handover never raises an alarm; rounds are at least 1 s
 * apart. Only answers within 2 s of a round count.
 *
 * Pure: time comes in as monotonic microseconds, randomness (the jitter)
 * as a number from the caller; the caller logs, sends and re-adds. */
#ifndef HAMGR_CONFLICT_H
#define HAMGR_CONFLICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/advert.h"
#include "core/ipaddr.h"

#define CONFLICT_ALARMS_MAX       16
#define CONFLICT_QUIET_MIN_US     10000000ULL  /* alarms clear after max(3 x MDI, this) */
#define CONFLICT_PROBE_FIRST_US   1000000ULL   /* first round after the VIPs came up */
#define CONFLICT_PROBE_PERIOD_US  10000000ULL  /* then every period ... */
#define CONFLICT_PROBE_JITTER_US  1000000ULL   /* ... +- jitter */
#define CONFLICT_PROBE_GAP_US     1000000ULL   /* rounds never closer than this */
#define CONFLICT_CONFIRM_US       200000ULL    /* a claim seen: next round after this */
#define CONFLICT_ANSWER_US        2000000ULL   /* answers count this long after a round */
#define CONFLICT_READD_MAX        5            /* re-adds of one VIP ... */
#define CONFLICT_READD_WINDOW_US  10000000ULL  /* ... within this window */
#define CONFLICT_LOG_US           60000000ULL  /* an alarm's warning repeats this often */
#define CONFLICT_MACS_MAX         8            /* MAC -> address memory */
#define CONFLICT_MAC_LEN          6

enum conflict_kind {
	CONFLICT_ADDR = 1,       /* "conflict" */
	CONFLICT_PEER,           /* "misconfigured_peer" */
	CONFLICT_VIP_MISSING,    /* "vip_missing" */
};

/* Why a peer is misconfigured. */
enum conflict_reason {
	CONFLICT_R_NONE = 0,
	CONFLICT_R_INTERVAL_FAR, /* "interval_far": its adverts are dropped */
	CONFLICT_R_OTHER_VRID,   /* "other_vrid": another VRID lists our VIP */
	CONFLICT_R_AUTH,         /* "auth": reserved for the hamgr protocol */
};

const char *conflict_kind_str(enum conflict_kind k);
const char *conflict_reason_str(enum conflict_reason r);

struct conflict_alarm {
	enum conflict_kind kind;
	struct ipaddr addr;        /* conflict, vip_missing: the VIP; peer: the peer */
	struct ipaddr from;        /* conflict: the other host's address (family 0: unknown) */
	uint8_t mac[CONFLICT_MAC_LEN]; /* conflict: the other host's MAC */
	enum conflict_reason reason;   /* misconfigured_peer */
	char detail[96];           /* misconfigured_peer: "advertises 1000 ms, ours 100 ms" */
	uint64_t since, last;      /* first and latest evidence (monotonic us) */
	uint64_t period;           /* evidence expected this often (0: any time) */
	uint64_t count;            /* evidence in this episode */
	uint64_t readded;          /* vip_missing: re-adds in this episode */
	uint64_t readd_at[CONFLICT_READD_MAX]; /* the latest re-adds (ring) */
	bool missing;              /* vip_missing: not back yet */
	bool limit_told;           /* vip_missing: "rate limit hit" was said */
	uint64_t logged_at;        /* last warning, 0: none */
	uint64_t unlogged;         /* evidence since the last warning */
};

struct conflict_stats {
	uint64_t conflicts;           /* answers for a VIP from another MAC */
	uint64_t vip_readded;         /* VIPs re-added after they vanished */
	uint64_t misconfigured_peer;  /* adverts from misconfigured peers */
};

/* A MAC seen with an address of its own (ARP sender), to name the other
 * host of a conflict: answers for a VIP carry the VIP, not its address. */
struct conflict_mac {
	uint8_t mac[CONFLICT_MAC_LEN];
	struct ipaddr addr;
	uint64_t seen;
};

struct conflict {
	struct conflict_alarm alarm[CONFLICT_ALARMS_MAX];
	size_t n;
	uint64_t quiet_us;
	bool holding;                 /* the pipeline holds the VIPs */
	uint64_t next_probe;          /* 0: none due */
	uint64_t last_probe;
	struct conflict_mac macs[CONFLICT_MACS_MAX];
	struct conflict_stats stats;
};

/* One ARP packet or NA that claims addr for mac. */
struct conflict_claim {
	struct ipaddr addr;           /* ARP sender address / NA target */
	uint8_t mac[CONFLICT_MAC_LEN];/* ARP sender MAC / NA target link-layer address */
	struct ipaddr from;           /* the sender's own address, if it says (family 0: no) */
	bool answer;                  /* an answer to a probe (ARP reply to 0.0.0.0,
					 solicited NA) rather than unsolicited */
};

/* What one piece of evidence did. */
struct conflict_note {
	const struct conflict_alarm *alarm; /* NULL: nothing counted */
	bool raised;                  /* a new alarm */
	bool log;                     /* warn now: raised, or the warning is due again */
	uint64_t unlogged;            /* with log: evidence since the previous warning */
	bool readd;                   /* vip_missing: re-add the VIP now */
	bool limited;                 /* vip_missing: rate limit hit, say so (once) */
};

void conflict_init(struct conflict *c);

/* The quiet period follows Master_Down_Interval: max(3 x mdi, 10 s). */
void conflict_set_mdi(struct conflict *c, uint64_t mdi_us);

/* The pipeline holds the VIPs (true) or not: probing starts 1 s later, or
 * stops; vip_missing alarms go with the role. */
void conflict_hold(struct conflict *c, uint64_t now, bool holding);

/* A probe round is due: send one ARP probe / NS per VIP, then call
 * conflict_probed with a random number for the jitter. */
bool conflict_probe_due(const struct conflict *c, uint64_t now);
void conflict_probed(struct conflict *c, uint64_t now, uint32_t rnd);

/* Remember who claims an address that is not one of vips (an ARP sender
 * with its own address, an NA's source), to name that host should its MAC
 * answer for a VIP later. */
void conflict_learn(struct conflict *c, uint64_t now, const struct conflict_claim *cl,
		    const struct ipaddr *vips, size_t n_vips);

/* An ARP packet or NA claims an address. It counts as a conflict when we
 * hold it among vips, the MAC is not ours (nor zero), it answers a probe
 * round of the last 2 s, and no peer is still releasing it
 * (peer_releasing: a node announces that it holds and is not MASTER: a
 * preempted master on its way out). Anything else that claims one of our
 * VIPs only brings the next probe round forward. */
struct conflict_note conflict_seen(struct conflict *c, uint64_t now,
				   const struct conflict_claim *cl,
				   const uint8_t ours[CONFLICT_MAC_LEN],
				   const struct ipaddr *vips, size_t n_vips, bool peer_releasing);

/* A peer is misconfigured (reason, detail): raise or refresh its alarm.
 * period_us: the interval its adverts claim (they refresh the alarm). */
struct conflict_note conflict_peer(struct conflict *c, uint64_t now, const struct ipaddr *peer,
				   enum conflict_reason reason, const char *detail,
				   uint64_t period_us);

/* VIP vip vanished from the interface while held: raise or refresh its
 * vip_missing alarm; .readd says whether to add it back now (at most
 * CONFLICT_READD_MAX times per window; beyond, .limited once and a later
 * conflict_vip_retry). Nothing while not holding. */
struct conflict_note conflict_vip_gone(struct conflict *c, uint64_t now,
				       const struct ipaddr *vip);

/* VIP vip is on the interface again (re-added, or seen). */
void conflict_vip_back(struct conflict *c, const struct ipaddr *vip);

/* A VIP still missing whose re-add the rate limit allows now (recorded as
 * re-added), or NULL. Call until NULL. */
const struct conflict_alarm *conflict_vip_retry(struct conflict *c, uint64_t now);

/* Remove the alarms quiet for the quiet period (a vip_missing one only
 * once its address is back), copying up to max of them to cleared;
 * returns how many were copied (call again while it returns max). */
size_t conflict_expire(struct conflict *c, uint64_t now, struct conflict_alarm *cleared,
		       size_t max);

/* The earliest moment something is due (a probe round, an expiry, a
 * re-add the rate limit held back); 0: none. */
uint64_t conflict_next_deadline(const struct conflict *c);

/* Whether adv lists one of vips (compared by address); the first one
 * listed goes to *which. */
bool conflict_lists_vip(const struct advert *adv, const struct ipaddr *vips, size_t n_vips,
			struct ipaddr *which);
/* The same with vips sorted by ipaddr_cmp: a binary search per listed
 * address, for instances with thousands of VIPs. */
bool conflict_lists_vip_sorted(const struct advert *adv, const struct ipaddr *sorted,
			       size_t n, struct ipaddr *which);

/* Decode an ARP packet (as an AF_PACKET SOCK_DGRAM socket returns it: no
 * Ethernet header) into a claim of its sender address by its sender MAC;
 * an answer is a reply to a probe (target address 0.0.0.0). False for
 * anything but Ethernet/IPv4 ARP, or a sender address 0.0.0.0 (a probe). */
bool conflict_parse_arp(const uint8_t *buf, size_t len, struct conflict_claim *out);

/* Decode an ICMPv6 neighbour advertisement (as a raw ICMPv6 socket returns
 * it) from src into a claim of its target by its target link-layer
 * address; an answer has the Solicited flag. False for anything else, or
 * without that option (no MAC to name). */
bool conflict_parse_na(const uint8_t *buf, size_t len, const struct ipaddr *src,
		       struct conflict_claim *out);

/* "02:00:5e:00:01:33" into buf (at least 18 bytes); returns buf. */
const char *conflict_mac_str(const uint8_t mac[CONFLICT_MAC_LEN], char *buf, size_t len);

#endif
