/* vrrp_rx: the one receive path for VRRP adverts, shared by every
 * instance of the daemon.
 *
 * One raw socket (advert_io) per interface and address family, opened by
 * the first instance on it and closed with the last; it joins the VRRP
 * group while at least one of them is a multicast instance. Packets are
 * read in batches (recvmmsg, bounded so timers are not starved), decoded
 * once, and handed to the instances of their VRID through core/demux.c:
 * an advert wakes only the instance it is for. Adverts for a VRID no
 * instance of the interface has go to every instance there (each counts
 * it as other_vrid and checks it for its VIPs), as do adverts whose
 * instance finds addresses in them it does not list, and so do packets that
 * fail to decode (each counts the drop, as with a socket each). A unicast
 * instance never sees adverts sent to the group. Sends go out through the
 * same socket. A socket whose instances are all steady backups is read
 * late, at their Master_Down deadlines or on a release (vrrp_rx_lazy). */
#ifndef HAMGR_VRRP_RX_H
#define HAMGR_VRRP_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "advert_io.h"
#include "core/advert.h"
#include "core/rxstats.h"

struct vrrp_rx;
struct vrrp_sub;

/* One received packet as an instance gets it. */
struct vrrp_pkt {
	const struct advert_rx *rx;    /* as received */
	enum advert_reason reason;     /* the decoder's verdict */
	const struct advert *adv;      /* decoded: valid when reason is ADVERT_OK */
	struct ipaddr src;             /* the sender (unset if the header was bad) */
	bool other_vrid;               /* no instance of the interface has its VRID */
};

/* Returns, for a valid advert of its own VRID, whether the advert lists
 * addresses the instance does not advertise itself: then every other
 * instance of the interface checks it too, as an advert for another VRID
 * (a peer of one group listing a VIP of another). Ignored otherwise. */
typedef bool (*vrrp_rx_fn)(void *arg, const struct vrrp_pkt *p);

struct vrrp_rx *vrrp_rx_open(sd_event *event);
void vrrp_rx_close(struct vrrp_rx *v);

/* Subscribe arg to the adverts of (ifindex, family, vrid); multicast false
 * for a unicast instance. Opens the interface's socket if needed. NULL
 * with "call on ifname: reason" in err on failure. */
struct vrrp_sub *vrrp_rx_add(struct vrrp_rx *v, int ifindex, const char *ifname,
			     unsigned family, uint8_t vrid, bool multicast,
			     vrrp_rx_fn fn, void *arg, char *err, size_t errlen);
/* Unsubscribe (NULL is ignored); safe from inside a callback. */
void vrrp_rx_del(struct vrrp_rx *v, struct vrrp_sub *s);

/* Send one encoded advert out of s's interface. 0 or -errno. */
int vrrp_rx_send(struct vrrp_rx *v, struct vrrp_sub *s, const struct ipaddr *src,
		 const struct ipaddr *dst, const uint8_t *buf, size_t len);

/* Read and dispatch, now, what waits on s's socket (all of it, bounded):
 * a backup does so before it declares the master down, so a loop that
 * was late (CPU starved, stopped) never takes over on adverts that are
 * already queued. Does nothing inside a dispatch. */
void vrrp_rx_drain(struct vrrp_rx *v, struct vrrp_sub *s);

/* Whether s's instance may have its adverts read late, within within_us
 * of their arrival (a steady backup: its Master_Down_Interval; each advert
 * then restarts its timer from the arrival time, advert_rx.arrived_us).
 * When every subscriber of a socket may, and few share it, and little
 * arrives, the socket is read only when vrrp_rx_drain asks (the backup's
 * deadline) or a release (priority 0) arrives, which a second socket with
 * a filter for releases hears at once. Cheap when nothing changes. */
void vrrp_rx_lazy(struct vrrp_rx *v, struct vrrp_sub *s, bool ok, uint64_t within_us);
/* Whether s's socket is read late now. */
bool vrrp_rx_is_lazy(const struct vrrp_sub *s);

/* The arg of the first subscriber of (ifindex, family, vrid), or NULL
 * (the peer announcements find their instance with it). */
void *vrrp_rx_find(const struct vrrp_rx *v, int ifindex, unsigned family, uint8_t vrid);

/* Counters of the shared path (core/rxstats.h), for the status, the
 * metrics and the benchmarks. */
const struct vrrp_rx_stats *vrrp_rx_stats(const struct vrrp_rx *v);

#endif
