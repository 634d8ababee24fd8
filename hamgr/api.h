/* api: the control commands (status, log, metrics, reload, switchover,
 * standby, active) answered from the running daemon; the wire format and
 * the privilege check live in ctl.c / ctlmsg.c. */
#ifndef HAMGR_API_H
#define HAMGR_API_H

#include <stddef.h>
#include <json-c/json.h>

#include "ctlcmd.h"

struct daemon;

/* The handler of one command: args were checked against the command's
 * table entry (ctlcmd.h). Same contract as api_handle. */
typedef int (*api_handler)(struct daemon *d, struct json_object *args,
			   struct json_object **result, char *err, size_t errlen,
			   const char **code);

/* The daemon's handler of command id; NULL for hactl-only commands (and
 * ids out of range). */
api_handler api_handler_of(enum ctlcmd_id id);

/* A ctl_handler: arg is the struct daemon. Runs cmd's handler, which
 * fills *result (owned by the caller) and returns 0, or returns -1 with
 * err and *code ("EINVAL", "ENOENT", "EAGAIN", "ENOTSUP") set. */
int api_handle(void *arg, const char *cmd, struct json_object *args,
	       struct json_object **result, char *err, size_t errlen,
	       const char **code);

#endif
