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
};

struct instance_stats {
	uint64_t adverts_sent;
	uint64_t adverts_rcvd;          /* valid, for our VRID */
	uint64_t other_vrid;            /* valid, for another VRID (not an error) */
	uint64_t send_errors;
	uint64_t drops[ADVERT_REASON_MAX];
};

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

const char *instance_name(const struct instance *in);
const struct fsm *instance_fsm(const struct instance *in);
const struct instance_stats *instance_stats(const struct instance *in);
const struct conf_instance *instance_conf(const struct instance *in);

#endif
