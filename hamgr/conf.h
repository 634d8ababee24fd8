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
#define CONF_PATH_MAX 256
#define CONF_ERR_MAX 512

enum conf_protocol { CONF_PROTO_VRRP3 = 0, CONF_PROTO_HAMGR };

struct conf_instance {
	char name[CONF_NAME_MAX];
	int line;                       /* line of "instance NAME {" */
	char interface[CONF_IFNAME_MAX];
	uint8_t vrid;                   /* 1..255 */
	uint8_t priority;               /* 1..255 */
	uint64_t advert_interval_us;    /* vrrp3: 10ms..40950ms, multiple of 10ms */
	bool preempt;                   /* default true */
	uint64_t preempt_delay_us;      /* default 0 */
	enum conf_protocol protocol;    /* default vrrp3 */
	struct ipaddr *unicast_peers;   /* empty: multicast */
	size_t n_unicast_peers;
	struct ipaddr *vips;            /* with prefix length; at least one */
	size_t n_vips;
	unsigned garp_repeat;           /* 1..100, default 3 */
	bool conntrack_sync;            /* default false */
};

struct conf {
	char file[CONF_PATH_MAX];       /* as given, for messages */
	char node_name[CONF_NAME_MAX];  /* default: hostname supplied by caller */
	char control_socket[108];       /* default /run/hamgr/hamgr.sock */
	char auth_key_file[CONF_PATH_MAX];
	char control_group[CONF_NAME_MAX]; /* socket group; empty: root's group */
	char state_dir[CONF_PATH_MAX];  /* standby marks; default /var/lib/hamgr */
	struct conf_instance *instances;
	size_t n_instances;
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
 * ("FILE: cannot read: reason"). */
int conf_load_file(const char *path, const char *default_node_name,
		   struct conf **out, char *err, size_t errlen);

void conf_free(struct conf *c);

/* Find an instance by name, or NULL. */
const struct conf_instance *conf_find_instance(const struct conf *c, const char *name);

#endif
