/* conf: the hamgr.conf schema (libconfuse) turned into a validated struct.
 *
 * Parses from a string so it can be unit-tested and fuzzed; every error
 * names file, line and what was expected. Nothing here touches the system
 * (no interface lookups): that happens when instances start. */
#ifndef HAMGR_CONF_H
#define HAMGR_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

#define CONF_EX_CONFIG 78 /* EX_CONFIG: exit code for a bad config */
#define CONF_NAME_MAX 64
#define CONF_IFNAME_MAX 16
#define CONF_PATHS_MAX 4         /* heartbeat-paths beside the interface */
#define CONF_PATH_MAX 256
#define CONF_ERR_MAX 512

#define CONF_CMD_MAX 1024       /* a track command line */
#define CONF_PARAMS_MAX 32      /* params of one resource */
#define CONF_PARAM_MAX 256      /* one "name=value" param */
#define CONF_TRACKS_MAX 32      /* per instance */
#define CONF_VIPS_MAX 4096      /* per instance; the advert lists 255 */
#define CONF_RESOURCES_MAX 32   /* per instance */

enum conf_protocol { CONF_PROTO_VRRP3 = 0, CONF_PROTO_HAMGR };

/* Where a resource sits in the takeover pipeline. */
enum conf_phase { CONF_PHASE_AFTER_VIPS = 0, CONF_PHASE_BEFORE_VIPS };
/* What a failed promote (or start) does. */
enum conf_on_fail { CONF_ON_FAIL_RELEASE = 0, CONF_ON_FAIL_IGNORE };
/* How a resource's program is called: hamgr-scripts(7) or an OCF agent. */
enum conf_rtype { CONF_RTYPE_SCRIPT = 0, CONF_RTYPE_OCF };

/* resource NAME { ... }: run on role changes, in config order. */
struct conf_resource {
	char name[CONF_NAME_MAX];
	int line;                       /* line of "resource NAME {" */
	enum conf_rtype type;           /* "script" (default) or "ocf" */
	/* script: an absolute path. ocf: an absolute path, or
	 * "provider:agent" resolved under $OCF_ROOT/resource.d/ */
	char script[CONF_PATH_MAX];
	enum conf_phase phase;          /* default after-vips */
	uint64_t timeout_us;            /* 0: not set (ocf: meta-data, else 30 s) */
	enum conf_on_fail on_fail;      /* default release */
	uint64_t monitor_interval_us;   /* 0: no monitor (default) */
	unsigned restart_limit;         /* monitor failures restarted before the
					   node releases; default 3, 0: release at once */
	uint64_t restart_window_us;     /* 0 (default): restart_limit counts
					   failures in a row; else failures until
					   this long passes without one */
	bool irreversible;              /* gated at start-up; default: phase ==
					   before-vips */
	char params[CONF_PARAMS_MAX][CONF_PARAM_MAX]; /* "name=value" (ocf:
					   OCF_RESKEY_name; script: HAMGR_PARAM_name) */
	size_t n_params;
};

enum conf_track_kind { CONF_TRACK_COMMAND = 0, CONF_TRACK_INTERFACE };

/* track NAME { ... }: a health check that moves the effective priority. */
struct conf_track {
	char name[CONF_NAME_MAX];
	int line;                       /* line of "track NAME {" */
	enum conf_track_kind kind;      /* command = ... or interface = ... */
	char command[CONF_CMD_MAX];     /* argv split on blanks, quotes kept
					   together; argv[0] an absolute path */
	char interface[CONF_IFNAME_MAX];
	int interface_line;             /* 0: not set (a command track) */
	uint64_t interval_us;           /* default 1 s (command only) */
	uint64_t timeout_us;            /* default: interval (command only) */
	unsigned rise, fall;            /* 1..255, defaults 2 and 3 */
	int weight;                     /* -254..254, 0: FAULT while down; default 0 */
	bool witness;                   /* a witness (weight 0): backups also wait
					   out its detection time before taking
					   over from a silent master */
};

/* quorum = ...: where the quorum decision comes from. */
enum conf_quorum {
	CONF_QUORUM_NONE = 0,
	CONF_QUORUM_MAJORITY,           /* quorum-nodes = N: hamgr counts */
	CONF_QUORUM_COROSYNC,           /* corosync's votequorum decides */
};

struct conf_instance {
	char name[CONF_NAME_MAX];
	int line;                       /* line of "instance NAME {" */
	char interface[CONF_IFNAME_MAX];
	int interface_line;
	uint8_t vrid;                   /* 1..255 */
	uint8_t priority;               /* 1..255 */
	uint64_t advert_interval_us;    /* vrrp3: 10ms..40950ms, multiple of 10ms;
					   hamgr: 1ms..60s */
	bool preempt;                   /* default true */
	uint64_t preempt_delay_us;      /* default 0 */
	enum conf_protocol protocol;    /* default vrrp3 */
	/* protocol "hamgr": more interfaces to send and hear the heartbeats
	 * on; a peer is gone only when every path is silent */
	char paths[CONF_PATHS_MAX][CONF_IFNAME_MAX];
	size_t n_paths;
	int protocol_line;              /* 0: the default */
	struct ipaddr *unicast_peers;   /* empty: multicast */
	size_t n_unicast_peers;
	struct ipaddr *allowed_peers;   /* adverts and announcements only from
					   within these addresses and prefixes;
					   empty: from any source (multicast only) */
	size_t n_allowed_peers;
	struct ipaddr *vips;            /* with prefix length; at least one */
	size_t n_vips;
	int vips_line;
	unsigned garp_repeat;           /* 1..100, default 3 */
	unsigned garp_rate;             /* GARP/NA per second, 10..100000, default 1000 */
	bool conntrack_sync;            /* default false */
	struct conf_track *tracks;      /* config order */
	size_t n_tracks;
	struct conf_resource *resources; /* config order = takeover order */
	size_t n_resources;
	uint64_t startup_gate_us;       /* irreversible steps wait this long after a
					   start-up mastership unless a peer confirms;
					   0: default (2 x Master_Down_Interval + 1 s) */
	bool settle_gate_set;           /* settle-gate written: irreversible steps */
	uint64_t settle_gate_us;        /* wait this long after a failover (0:
					   not at all); not set: two advert
					   intervals. Below that only where the
					   node hears one peer (a pair) */
	enum conf_quorum quorum;        /* who says whether the node may hold
					   the role: nobody, the majority count
					   (quorum-nodes), corosync's votequorum */
	unsigned quorum_nodes;          /* majority: 3..16, hold the role only
					   while a majority of them is seen;
					   0 otherwise */
	int quorum_line;
	uint64_t quorum_wait_us;        /* corosync: added to the backups'
					   Master_Down_Interval; 0: derived from
					   corosync's token and consensus */
	char fence[CONF_CMD_MAX];       /* fence command ("" none): run before
					   anything moves when the master went
					   silent; failure gives the role up */
	uint64_t fence_timeout_us;      /* default 60 s */
	int fence_line;
	uint64_t fail_holdoff_us;       /* after giving the role up for a failure,
					   compete with priority 0 this long; default 60 s */
};

/* sync { ... }: where and what conntrack-sync sends (conf_sync.c). */
#define CONF_SYNC_PEERS_MAX 16
#define CONF_SYNC_IGNORE_MAX 64
#define CONF_SYNC_TCP  0x1u
#define CONF_SYNC_UDP  0x2u
#define CONF_SYNC_ICMP 0x4u
enum conf_sync_release { CONF_SYNC_KEEP = 0, CONF_SYNC_FLUSH };

struct conf_sync {
	bool present;                   /* a sync section was written */
	int line;                       /* line of "sync {" */
	char interface[CONF_IFNAME_MAX]; /* the sync link (required) */
	struct ipaddr peers[CONF_SYNC_PEERS_MAX]; /* unicast peers, or: */
	size_t n_peers;
	struct ipaddr multicast;        /* a multicast group; family 0: none */
	uint16_t port;                  /* default 3780 */
	unsigned protocols;             /* CONF_SYNC_*; default all three */
	struct ipaddr ignore[CONF_SYNC_IGNORE_MAX]; /* prefixes never synced */
	size_t n_ignore;
	unsigned max_entries;           /* external cache; default 131072 */
	unsigned message_size;          /* datagram bytes; default 1400 */
	enum conf_sync_release release; /* what a master leaves in its table
					   when it releases; default keep */
	bool tcp_window_tracking;       /* a commit's TCP entries keep window
					   tracking; default false: liberal */
};

struct conf {
	char file[CONF_PATH_MAX];       /* as given, for messages */
	char node_name[CONF_NAME_MAX];  /* default: hostname supplied by caller */
	char control_socket[108];       /* default /run/hamgr/hamgr.sock */
	char auth_key_file[CONF_PATH_MAX];
	uint16_t heartbeat_port;        /* protocol "hamgr": UDP, default 694 */
	char control_group[CONF_NAME_MAX]; /* socket group; empty: root's group */
	char state_dir[CONF_PATH_MAX];  /* standby marks; default /var/lib/hamgr */
	int realtime_priority;          /* 0 off, 1..99: SCHED_FIFO; REALTIME_AUTO (default):
					   realtime_effective() decides */
	/* Lines of the values checked on the system (preflight.h); 0: the
	 * default, not written in the file. */
	int control_socket_line, control_group_line, state_dir_line;
	struct conf_instance *instances;
	size_t n_instances;
	struct conf_sync sync;
};

#define CONF_DEFAULT_FILE "/etc/hamgr/hamgr.conf"
#define CONF_DEFAULT_SOCKET "/run/hamgr/hamgr.sock"
#define CONF_DEFAULT_STATE_DIR "/var/lib/hamgr"

/* Parse text (named filename in messages). default_node_name is used when
 * node-name is not set (the daemon passes the hostname). On success returns 0
 * and *out (free with conf_free). On error returns -1 and err holds
 * "FILE:LINE: what was wrong/expected". */
int conf_parse_string(const char *text, const char *filename,
		      const char *default_node_name, struct conf **out,
		      char *err, size_t errlen);

/* Read path and conf_parse_string() it; an unreadable file is an error too
 * ("FILE: cannot read: reason"), and so is anything but a regular file
 * ("FILE: not a regular file (a FIFO) ..."), refused without blocking. */
int conf_load_file(const char *path, const char *default_node_name,
		   struct conf **out, char *err, size_t errlen);

/* Free c and everything in it; NULL is fine. */
void conf_free(struct conf *c);

/* Deep copy of src into dst (vips, unicast_peers, allowed_peers, tracks,
 * resources), to keep an instance's config beyond its struct conf. Returns
 * 0, or -1 when out of memory (dst then holds no arrays). Free with
 * conf_instance_release(). */
int conf_instance_copy(struct conf_instance *dst, const struct conf_instance *src);

/* Free what c's arrays hold (a copy's, or those of an instance in a struct
 * conf, which conf_free() releases itself) and set them empty. */
void conf_instance_release(struct conf_instance *c);

/* The same resource, the same track (lines aside: a line added above one
 * on reload does not make it another). */
bool conf_resource_equal(const struct conf_resource *a, const struct conf_resource *b);

/* a and b are the same resource, their policy aside: they differ at most
 * in timeout, on-fail, monitor-interval, restart-limit and restart-window,
 * which a reload changes in place (takeover_reconfigure). Anything else
 * (script, type, phase, irreversible, params, the name) makes another
 * resource: the instance restarts. */
bool conf_resource_same(const struct conf_resource *a, const struct conf_resource *b);
bool conf_track_equal(const struct conf_track *a, const struct conf_track *b);

/* The same sync sections (lines aside). */
bool conf_sync_equal(const struct conf_sync *a, const struct conf_sync *b);

/* Find an instance by name, or NULL. */
const struct conf_instance *conf_find_instance(const struct conf *c, const char *name);

#endif
