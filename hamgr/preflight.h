/* preflight: what a start would refuse that the config parser cannot see,
 * because it needs the system: resource programs and track agents that
 * are missing or not executable, a control-group that does not exist, a
 * control socket or state directory that cannot be made. hamgr -t, the
 * start and every reload run it after conf_load_file(), so the config
 * check catches them (and a start that fails this way exits 78, which
 * systemd does not restart). */
#ifndef HAMGR_PREFLIGHT_H
#define HAMGR_PREFLIGHT_H

#include <stddef.h>

#include "conf.h"

/* Returns 0, or -1 with "FILE:LINE: what, expected ..." in err for the
 * problem with the lowest line (a default value has none: "FILE: ...").
 * Writability is checked only when running as root, as the daemon does;
 * another user learns whether the directories exist or could. */
int preflight_check(const struct conf *c, char *err, size_t errlen);

/* A message for the user, "FILE:LINE: what". */
typedef void preflight_warn_fn(void *arg, const char *msg);

/* What a start logs and survives: interfaces (of instances and tracks)
 * that do not exist, since they may appear later; instance by instance.
 * And what works but is slow: more IPv6 VIPs on one interface, in
 * solicited-node groups of their own, than a takeover adds quickly. And
 * conntrack-sync with the kernel's conntrack events off. */
void preflight_warnings(const struct conf *c, preflight_warn_fn *warn, void *arg);

/* PREFLIGHT_CT_EVENTS: the sysctl that says whether the kernel reports
 * conntrack events. preflight_ct_events reads it at PATH: 0 off, 1 on, 2
 * on for entries made while a program listens (the default since Linux
 * 5.19), -1 unreadable (no conntrack module: a start says so itself). */
#define PREFLIGHT_CT_EVENTS "/proc/sys/net/netfilter/nf_conntrack_events"
int preflight_ct_events(const char *path);

/* The warning for conntrack-sync with events at EVENTS (as above) into
 * msg, or "" when there is nothing to say. */
void preflight_ct_events_warning(int events, char *msg, size_t len);

/* The program a resource runs: script as given, or for type "ocf" with
 * "provider:agent", $OCF_ROOT (default /usr/lib/ocf)/resource.d/provider/agent. */
void preflight_resource_path(const struct conf_resource *r, char *buf, size_t len);

#endif
