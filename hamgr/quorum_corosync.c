/* quorum_corosync: corosync's votequorum in sd-event (quorum_corosync.h). */
#include "quorum_corosync.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <corosync/cmap.h>
#include <corosync/corotypes.h>
#include <corosync/votequorum.h>

#include "log.h"

#define RETRY_US 1000000u

struct quorum_corosync {
	sd_event *event;
	sd_event_source *io, *retry;
	votequorum_handle_t h;
	bool have_handle;
	struct quorum_corosync_state st;
	void (*changed)(void *arg);
	void *arg;
	unsigned attempts;      /* failed connects since the last success */
};

static uint64_t now_us(const struct quorum_corosync *qc)
{
	uint64_t now = 0;

	sd_event_now(qc->event, CLOCK_MONOTONIC, &now);
	return now;
}

static void on_notify(votequorum_handle_t h, uint64_t context, uint32_t quorate,
		      uint32_t n, votequorum_node_t list[])
{
	struct quorum_corosync *qc = (struct quorum_corosync *)(uintptr_t)context;
	unsigned members = 0;
	uint32_t i;

	(void)h;
	for (i = 0; i < n; i++)
		if (list[i].state == VOTEQUORUM_NODESTATE_MEMBER)
			members++;
	qc->st.quorate = quorate != 0;
	qc->st.members = members;
}

/* The totem token and consensus in force, for the default quorum-wait. */
static void read_totem(struct quorum_corosync *qc)
{
	cmap_handle_t cm;

	qc->st.token_ms = qc->st.consensus_ms = 0;
	if (cmap_initialize(&cm) != CS_OK)
		return;
	if (cmap_get_uint32(cm, "runtime.config.totem.token", &qc->st.token_ms) != CS_OK)
		qc->st.token_ms = 0;
	if (cmap_get_uint32(cm, "runtime.config.totem.consensus", &qc->st.consensus_ms) != CS_OK)
		qc->st.consensus_ms = 0;
	cmap_finalize(cm);
}

/* Expected votes and, until the first notification, the quorate flag. */
static void read_info(struct quorum_corosync *qc, bool flag)
{
	struct votequorum_info info;

	memset(&info, 0, sizeof(info));
	if (votequorum_getinfo(qc->h, VOTEQUORUM_QDEVICE_NODEID, &info) != CS_OK)
		return;
	qc->st.expected = info.node_expected_votes;
	if (flag)
		qc->st.quorate = (info.flags & VOTEQUORUM_INFO_QUORATE) != 0;
}

static void disconnect(struct quorum_corosync *qc, const char *why)
{
	qc->io = sd_event_source_disable_unref(qc->io);
	if (qc->have_handle)
		votequorum_finalize(qc->h);
	qc->have_handle = false;
	qc->st.connected = qc->st.quorate = false;
	qc->st.members = 0;
	snprintf(qc->st.error, sizeof(qc->st.error), "%s", why);
	sd_event_source_set_time(qc->retry, now_us(qc) + RETRY_US);
	sd_event_source_set_enabled(qc->retry, SD_EVENT_ONESHOT);
}

static int on_io(sd_event_source *s, int fd, uint32_t events, void *arg)
{
	struct quorum_corosync *qc = arg;
	cs_error_t e = votequorum_dispatch(qc->h, CS_DISPATCH_ALL);
	char why[sizeof(qc->st.error)];

	(void)s;
	(void)fd;
	(void)events;
	if (e != CS_OK && e != CS_ERR_TRY_AGAIN) {
		snprintf(why, sizeof(why), "corosync went away (votequorum: %s)", cs_strerror(e));
		log_warnx("quorum: %s: not quorate; reconnecting every second", why);
		disconnect(qc, why);
		qc->attempts = 1;       /* the next failure is not logged again */
	} else {
		read_info(qc, false);
	}
	qc->changed(qc->arg);
	return 0;
}

static int try_connect(struct quorum_corosync *qc)
{
	votequorum_callbacks_t cb = { .votequorum_quorum_notify_fn = on_notify };
	cs_error_t e;
	int fd = -1;

	e = votequorum_initialize(&qc->h, &cb);
	if (e == CS_OK) {
		qc->have_handle = true;
		e = votequorum_trackstart(qc->h, (uint64_t)(uintptr_t)qc, CS_TRACK_CURRENT | CS_TRACK_CHANGES);
	}
	if (e == CS_OK)
		e = votequorum_fd_get(qc->h, &fd);
	if (e == CS_OK && sd_event_add_io(qc->event, &qc->io, fd, EPOLLIN, on_io, qc) < 0)
		e = CS_ERR_NO_RESOURCES;
	if (e != CS_OK) {
		char why[sizeof(qc->st.error)];

		snprintf(why, sizeof(why), "corosync cannot be reached (votequorum: %s)",
			 cs_strerror(e));
		disconnect(qc, why);
		return -1;
	}
	qc->st.connected = true;
	qc->st.error[0] = '\0';
	read_info(qc, true);
	read_totem(qc);
	return 0;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *arg)
{
	struct quorum_corosync *qc = arg;

	(void)s;
	(void)usec;
	if (try_connect(qc) == 0) {
		log_notice("quorum: connected to corosync (%s, token %u ms, consensus %u ms)",
			   qc->st.quorate ? "quorate" : "not quorate", qc->st.token_ms,
			   qc->st.consensus_ms);
		qc->attempts = 0;
	} else {
		/* The first failure, then once a minute. */
		if (qc->attempts % 60 == 0)
			log_warnx("quorum: %s: not quorate; retrying every second (attempt %u)",
				  qc->st.error, qc->attempts + 1);
		qc->attempts++;
	}
	qc->changed(qc->arg);
	return 0;
}

struct quorum_corosync *quorum_corosync_open(sd_event *e, void (*changed)(void *arg),
					     void *arg)
{
	struct quorum_corosync *qc = calloc(1, sizeof(*qc));

	if (!qc)
		return NULL;
	qc->event = sd_event_ref(e);
	qc->changed = changed;
	qc->arg = arg;
	if (sd_event_add_time(e, &qc->retry, CLOCK_MONOTONIC, 0, 1000, on_retry, qc) < 0) {
		sd_event_unref(qc->event);
		free(qc);
		return NULL;
	}
	sd_event_source_set_enabled(qc->retry, SD_EVENT_OFF);
	/* The first attempt now: the instances start with corosync's verdict. */
	on_retry(qc->retry, 0, qc);
	return qc;
}

void quorum_corosync_close(struct quorum_corosync *qc)
{
	if (!qc)
		return;
	qc->io = sd_event_source_disable_unref(qc->io);
	qc->retry = sd_event_source_disable_unref(qc->retry);
	if (qc->have_handle)
		votequorum_finalize(qc->h);
	sd_event_unref(qc->event);
	free(qc);
}

void quorum_corosync_get(const struct quorum_corosync *qc, struct quorum_corosync_state *st)
{
	if (qc) {
		*st = qc->st;
		return;
	}
	memset(st, 0, sizeof(*st));
	snprintf(st->error, sizeof(st->error), "no connection to corosync");
}

int quorum_corosync_probe(char *why, size_t len)
{
	votequorum_callbacks_t cb = { .votequorum_quorum_notify_fn = NULL };
	votequorum_handle_t h;
	cs_error_t e = votequorum_initialize(&h, &cb);

	if (e != CS_OK) {
		snprintf(why, len, "votequorum: %s", cs_strerror(e));
		return -1;
	}
	votequorum_finalize(h);
	return 0;
}
