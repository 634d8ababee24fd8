/* ctlcmd: the control commands, their arguments and their help texts.
 * Designated initializers tie every entry to its enum constant, so the
 * order of the lines below cannot drift from the enum. */
#include "ctlcmd.h"

#include <stddef.h>
#include <string.h>

#define NO_ARGS { { NULL, CTLCMD_ARG_STRING, false, 0, 0 } }
#define INSTANCE_ARG { "instance", CTLCMD_ARG_STRING, true, 0, 0 }

static const struct ctlcmd table[CTLCMD_N] = {
	[CTLCMD_STATUS] = { "status", CTLCMD_READ,
		{ { "instance", CTLCMD_ARG_STRING, false, 0, 0 } },
		"status [--json] [INSTANCE]", "state, priorities, VIPs, takeover, tracks, peers" },
	[CTLCMD_SWITCHOVER] = { "switchover", CTLCMD_MUTATE,
		{ INSTANCE_ARG, { "to", CTLCMD_ARG_STRING, false, 0, 0 },
		  { "force", CTLCMD_ARG_BOOL, false, 0, 0 } },
		"switchover INSTANCE [--to NODE] [--force] [--no-wait]",
		"hand the master role to a backup" },
	[CTLCMD_STANDBY] = { "standby", CTLCMD_MUTATE, { INSTANCE_ARG },
		"standby INSTANCE", "give up and keep off the master role" },
	[CTLCMD_ACTIVE] = { "active", CTLCMD_MUTATE, { INSTANCE_ARG },
		"active INSTANCE", "end standby" },
	[CTLCMD_LOG] = { "log", CTLCMD_READ,
		{ { "n", CTLCMD_ARG_INT, false, 1, CTLCMD_LOG_MAX } },
		"log [-n N] [--json]", "recent transitions, steps and events" },
	[CTLCMD_METRICS] = { "metrics", CTLCMD_READ, NO_ARGS,
		"metrics", "Prometheus text exposition" },
	[CTLCMD_RELOAD] = { "reload", CTLCMD_MUTATE, NO_ARGS,
		"reload", "re-read the configuration (like SIGHUP)" },
	[CTLCMD_HELP] = { "help", CTLCMD_LOCAL, NO_ARGS, "help", "this text" },
	[CTLCMD_VERSION] = { "version", CTLCMD_LOCAL, NO_ARGS, "version", "hactl's version" },
};

const struct ctlcmd *ctlcmd_get(enum ctlcmd_id id)
{
	return (unsigned)id < CTLCMD_N ? &table[id] : NULL;
}

int ctlcmd_find(const char *name)
{
	int i;

	for (i = 0; name && i < CTLCMD_N; i++)
		if (table[i].name && strcmp(table[i].name, name) == 0)
			return i;
	return -1;
}

bool ctlcmd_on_wire(enum ctlcmd_id id)
{
	const struct ctlcmd *c = ctlcmd_get(id);

	return c && c->name && c->kind != CTLCMD_LOCAL;
}
