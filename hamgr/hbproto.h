/* hbproto: protocol "hamgr" on the wire, one per daemon.
 *
 * One UDP socket per family on heartbeat-port (default 694, ha-cluster),
 * shared by every instance of the protocol, like vrrp_rx for VRRPv3. What
 * arrives is decoded (core/heartbeat.c), its HMAC verified with the keys
 * of auth-key-file (authkey.c), judged by the replay window
 * (core/replay.c) and only then handed to the instance of its interface,
 * family and VRID. Every drop is counted by reason (hbproto_drop_name()
 * is the one list of those names) and logged rate-limited.
 *
 * What is per daemon and not per instance: the keys, our boot id (random
 * at each start) and the one counter every message we send carries, and
 * the replay window with our challenge (nonce) and the challenge we answer
 * (echo): a peer joins once for all the instances it shares with us.
 *
 * The send and receive paths neither allocate nor log per message (the
 * log of drops is rate-limited). */
#ifndef HAMGR_HBPROTO_H
#define HAMGR_HBPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "core/heartbeat.h"
#include "core/ipaddr.h"
#include "core/replay.h"

struct hbproto;
struct hbproto_sub;

/* One message as an instance gets it. */
struct hbproto_msg {
	const struct heartbeat *hb;
	struct ipaddr src;
	int ifindex;
	enum replay_verdict verdict;  /* NEW, LATE or JOINED: authentic and
					 fresh; UNVERIFIED: authentic, not
					 yet proven fresh (never for the
					 election), sent up only with answer */
	bool answer;                  /* our echo changed or a new challenge
					 is out: send a message now */
};

typedef void (*hbproto_fn)(void *arg, const struct hbproto_msg *m);

/* Every reason a received datagram goes no further. The first
 * HEARTBEAT_REASON_MAX - 1 are the codec's (core/heartbeat.h, after
 * HEARTBEAT_OK), then the replay window's refusals, then these. */
enum hbproto_extra_drop {
	HBPROTO_DROP_OWN_NAME = 0,    /* carries our node name: a clone */
	HBPROTO_DROP_NO_INSTANCE,     /* no instance here for its VRID */
	HBPROTO_DROP_UNKNOWN_PEER,    /* not a configured unicast peer */
	HBPROTO_EXTRA_MAX
};

/* The name of drop counter i, 0 <= i < hbproto_drop_count(); NULL for an
 * index that counts nothing (HEARTBEAT_OK, an accepted verdict). */
const char *hbproto_drop_name(size_t i);
size_t hbproto_drop_count(void);

struct hbproto_stats {
	uint64_t received;            /* reached an instance */
	uint64_t sent, send_errors;
	uint64_t joins;               /* a peer's session (re)started */
	uint64_t answers;             /* messages sent at once to answer */
};

/* Load the keys from keyfile (refused when group or others can read it:
 * authkey.h) and bind port in both families. NULL with the reason in err. */
struct hbproto *hbproto_open(sd_event *event, uint16_t port, const char *keyfile,
			     const char *node_name, char *err, size_t errlen);
void hbproto_close(struct hbproto *h);

/* Re-read the key file (reload). 0, or -1 with err and the keys in force
 * unchanged. */
int hbproto_reload_keys(struct hbproto *h, const char *keyfile, char *err, size_t errlen);

/* Our node name (a reload may change it): a message carrying it is a
 * clone's, dropped. */
void hbproto_set_node_name(struct hbproto *h, const char *node_name);

/* The port bound (a reload cannot change it). */
uint16_t hbproto_port(const struct hbproto *h);

/* Subscribe arg to the messages of (ifindex, family, vrid), joining the
 * group on ifindex when multicast. NULL with the reason in err. */
struct hbproto_sub *hbproto_add(struct hbproto *h, int ifindex, unsigned family, uint8_t vrid,
				bool multicast, hbproto_fn fn, void *arg, char *err,
				size_t errlen);
/* Unsubscribe (NULL is ignored); safe from inside a callback. */
void hbproto_del(struct hbproto *h, struct hbproto_sub *s);

/* Count a message an instance sent at once to answer a challenge. */
void hbproto_count_answer(struct hbproto *h);

/* Count a message an instance refused for not coming from a configured
 * unicast peer. */
void hbproto_count_unknown_peer(struct hbproto *h);

/* Send hb to dst out of ifindex from src: its key id, boot id, counter,
 * nonce and echo are filled in here, then it is signed. A handover request
 * gets a fresh nonce (its confirmation echoes it). 0 or -errno. */
int hbproto_send(struct hbproto *h, int ifindex, const struct ipaddr *src,
		 const struct ipaddr *dst, struct heartbeat *hb);

/* Read and dispatch what waits in family's socket now (before a backup
 * declares the master down). */
void hbproto_drain(struct hbproto *h, unsigned family);

const struct hbproto_stats *hbproto_stats(const struct hbproto *h);
/* Drop counter i (see hbproto_drop_name). */
uint64_t hbproto_drops(const struct hbproto *h, size_t i);
const struct replay *hbproto_replay(const struct hbproto *h);
uint64_t hbproto_boot_id(const struct hbproto *h);
/* The key id that signs what we send, and how many keys are loaded. */
uint8_t hbproto_send_key(const struct hbproto *h);
size_t hbproto_keys(const struct hbproto *h);

#endif
