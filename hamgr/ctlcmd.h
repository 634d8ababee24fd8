/* ctlcmd: the one table of control commands. The protocol codec
 * (ctlmsg.c) checks requests against it, the daemon (api.c) keeps one
 * handler per entry and hactl (hactl/cli.c) one subcommand per entry, all
 * indexed by enum ctlcmd_id. Adding a command: an enum constant and a
 * table entry here, a handler in api.c, a subcommand in hactl/; the unit
 * test test_ctlcmd fails until all three exist. Pure: no I/O, no json-c.
 *
 * The table order is the order hactl's help and hactl(8) list the
 * commands in; commands that only hactl knows (check, built on status;
 * help, version) are never sent and take no wire arguments. */
#ifndef HAMGR_CTLCMD_H
#define HAMGR_CTLCMD_H

#include <stdbool.h>
#include <stdint.h>

enum ctlcmd_id {
	CTLCMD_STATUS,
	CTLCMD_SWITCHOVER,
	CTLCMD_STANDBY,
	CTLCMD_ACTIVE,
	CTLCMD_LOG,
	CTLCMD_METRICS,
	CTLCMD_CHECK,
	CTLCMD_RELOAD,
	CTLCMD_HELP,
	CTLCMD_VERSION,
	CTLCMD_N
};

/* Who answers a command, and whether it changes anything. */
enum ctlcmd_kind {
	CTLCMD_READ,    /* the daemon answers; anyone on the socket may ask */
	CTLCMD_MUTATE,  /* the daemon answers; root or CAP_NET_ADMIN only */
	CTLCMD_LOCAL,   /* hactl answers itself; never on the wire */
};

enum ctlcmd_arg_type { CTLCMD_ARG_STRING, CTLCMD_ARG_INT, CTLCMD_ARG_BOOL };

/* One member of a request's "args". */
struct ctlcmd_arg {
	const char *name;               /* NULL ends the list */
	enum ctlcmd_arg_type type;
	bool required;
	int64_t min, max;               /* CTLCMD_ARG_INT only */
};

#define CTLCMD_MAX_ARGS 3
/* "log" {"n": N}: default and largest N. */
#define CTLCMD_LOG_DEFAULT 50
#define CTLCMD_LOG_MAX 1000

struct ctlcmd {
	const char *name;
	enum ctlcmd_kind kind;
	struct ctlcmd_arg args[CTLCMD_MAX_ARGS + 1];
	const char *synopsis;           /* hactl's usage line, without "hactl " */
	const char *summary;            /* hactl's one-line help */
};

/* The entry of id; NULL when id is out of range. */
const struct ctlcmd *ctlcmd_get(enum ctlcmd_id id);

/* The id of the command called name, or -1 (NULL: -1). Finds hactl-only
 * commands too: callers on the wire check ctlcmd_on_wire(). */
int ctlcmd_find(const char *name);

/* True when the daemon answers id (kind READ or MUTATE). */
bool ctlcmd_on_wire(enum ctlcmd_id id);

#endif
