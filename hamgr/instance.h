/* instance: one configured instance's wiring. Kernel and wire events become
 * fsm events; fsm actions become socket sends, address changes and ARP. */
#ifndef HAMGR_INSTANCE_H
#define HAMGR_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "conf.h"
#include "core/advert.h"
#include "core/fsm.h"

struct vip_ctx;
struct garp;
struct link_watch;

/* What every instance shares: the loop and the adapters. */
struct instance_env {
	sd_event *event;
	struct vip_ctx *vip;
	struct garp *garp;
	struct link_watch *links;
	void (*on_state)(void *arg);    /* called after every transition */
	void *on_state_arg;
	const char *state_dir;          /* standby marks live here */
	struct hello_io *hello;         /* peer announcements; NULL: none */
	const char *node_name;          /* ours, as announced */
};

/* A hamgr node that announces itself for this instance (core/hello.h). */
struct instance_node {
	char node[64];
	struct ipaddr addr;
	uint8_t state;                   /* enum fsm_state */
	uint8_t priority, effective;
	uint8_t flags;                   /* HELLO_F_* */
	uint64_t last_seen;              /* monotonic us */
};
#define INSTANCE_MAX_NODES 16
#define INSTANCE_HELLO_PERIOD_US 1000000ULL
#define INSTANCE_NODE_TTL_US (3 * INSTANCE_HELLO_PERIOD_US + 500000ULL)

/* A source of valid adverts for our VRID, heard in the last
 * INSTANCE_PEER_TTL_US. VRRP backups are silent: a master sees other
 * masters only, a backup sees the master. */
struct instance_peer {
	struct ipaddr addr;
	uint8_t priority;
	uint64_t first_seen, last_seen;  /* monotonic us */
	uint64_t adverts;
	uint32_t interval_us;            /* advertised */
	double jitter_us;                /* mean |arrival gap - interval| (EWMA) */
};
#define INSTANCE_MAX_PEERS 16
#define INSTANCE_PEER_TTL_US 60000000ULL

struct instance_stats {
	uint64_t adverts_sent;
	uint64_t adverts_rcvd;          /* valid, for our VRID */
	uint64_t other_vrid;            /* valid, for another VRID (not an error) */
	uint64_t send_errors;
	uint64_t drops[ADVERT_REASON_MAX];
	uint64_t hello_sent, hello_rcvd, hello_ttl_drops;
	uint64_t hello_name_clash;      /* announcements carrying our node name */
};

struct hello;

struct instance;

/* Build an instance from its config (copied). Nothing is touched yet. */
struct instance *instance_new(const struct conf_instance *ci, struct instance_env *env);

/* Look up the interface, remove VIPs a crashed earlier run left behind,
 * open the socket and start the fsm. Returns 0, or -1 after logging why
 * (the daemon then exits: a config that cannot run is not half-run). */
int instance_start(struct instance *in);

/* Shutdown event: a MASTER sends priority 0 and removes its VIPs. */
void instance_stop(struct instance *in);
void instance_free(struct instance *in);

/* Feed a link notification from link_watch. */
void instance_link_event(struct instance *in, int ifindex, const char *ifname, bool up);

/* True when ci can be applied in place (same interface, VRID and advert
 * family); otherwise the instance must be stopped and started anew. */
bool instance_can_reconfigure(const struct instance *in, const struct conf_instance *ci);

/* Apply a changed config in place without a needless transition: VIPs that
 * stay configured are not touched; added ones are added (and announced) and
 * removed ones removed while MASTER. */
void instance_reconfigure(struct instance *in, const struct conf_instance *ci);

/* Operator commands. Return 0, or -1 with a reason in err. Standby is
 * remembered in state_dir/standby.NAME so it survives a restart. */
int instance_switchover(struct instance *in, const char *to, bool force,
			char *err, size_t errlen);

/* A decoded announcement for this instance's interface and VRID. */
void instance_hello_rx(struct instance *in, const struct ipaddr *src, uint8_t ttl,
		       const struct hello *h);

/* hamgr nodes announcing themselves recently (expired ones dropped). */
size_t instance_nodes(struct instance *in, const struct instance_node **nodes);

int instance_ifindex(const struct instance *in);
unsigned instance_family(const struct instance *in);
int instance_set_standby(struct instance *in, bool on, char *err, size_t errlen);

/* Peers heard recently (expired ones are dropped first); returns the count
 * and points *peers at them. */
size_t instance_peers(struct instance *in, const struct instance_peer **peers);

/* Whether VIP i is on the interface now: 1, 0, or <0 when unknown. */
int instance_vip_present(struct instance *in, size_t i);

/* Monotonic now as the instance sees it (the event loop's time). */
uint64_t instance_time(struct instance *in);
bool instance_link_up(const struct instance *in);
bool instance_has_primary(const struct instance *in);

const char *instance_name(const struct instance *in);
const struct fsm *instance_fsm(const struct instance *in);
const struct instance_stats *instance_stats(const struct instance *in);
const struct conf_instance *instance_conf(const struct instance *in);

#endif
