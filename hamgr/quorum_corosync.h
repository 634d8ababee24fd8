/* quorum_corosync: corosync's votequorum as the quorum of the instances
 * with quorum = "corosync". One connection per daemon, in sd-event: the
 * notifications (CS_TRACK_CHANGES) arrive on votequorum's fd; the quorate
 * flag is what counts (notifications repeat and list members in any
 * order). While corosync cannot be reached, or once it went away (dispatch
 * failed), the verdict is "not quorate" and a reconnect is tried every
 * second, its failures logged rate-limited. On each connect the totem
 * token and consensus in force are read from cmap: they give the default
 * quorum-wait (core/quorum.h, quorum_corosync_wait_us()).
 *
 * The library calls block while corosync answers them (libqb IPC without
 * a timeout): only the connect and the cmap read are such calls, made
 * when a connect is tried; while connected, only the dispatch of what is
 * readable runs. */
#ifndef HAMGR_QUORUM_COROSYNC_H
#define HAMGR_QUORUM_COROSYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

struct quorum_corosync;

struct quorum_corosync_state {
	bool connected;         /* votequorum answers */
	bool quorate;           /* connected, and corosync says quorate */
	unsigned members;       /* nodes in corosync's membership */
	unsigned expected;      /* expected votes (0: unknown) */
	uint32_t token_ms;      /* totem token and consensus in force */
	uint32_t consensus_ms;  /* (0: unknown) */
	char error[128];        /* why not connected ("" when connected) */
};

/* Start connecting (a failure here is no error: it retries every second).
 * changed(arg) is called whenever the state may have changed. NULL only
 * when out of memory or sd-event refuses a source. */
struct quorum_corosync *quorum_corosync_open(sd_event *e, void (*changed)(void *arg),
					     void *arg);
void quorum_corosync_close(struct quorum_corosync *qc);

/* The state now; NULL qc: not connected (no connection is open). */
void quorum_corosync_get(const struct quorum_corosync *qc, struct quorum_corosync_state *st);

/* hamgr -t: can corosync's votequorum be reached from here? 0, or -1 with
 * why in why. */
int quorum_corosync_probe(char *why, size_t len);

#endif
