/* call: one request to hamgr and its answer over the control socket
 * (protocol: ctlmsg.h), bounded by CALL_TIMEOUT_MS, reload included. */
#ifndef HAMGR_HACTL_CALL_H
#define HAMGR_HACTL_CALL_H

#include "ctlcmd.h"
#include "ctlmsg.h"
#include "hactl.h"

struct json_object;

#define CALL_TIMEOUT_MS 10000

/* One request (command id, which the daemon answers), one answer, within
 * h->timeout_ms (CALL_TIMEOUT_MS when 0). Takes
 * ownership of args (NULL: none). Returns 0 with ans filled (ok or a
 * refusal; free it with ctlmsg_answer_free), or an exit code after
 * printing why (daemon not running, no answer in time, unreadable answer). */
int call_cmd(const struct hactl *h, enum ctlcmd_id id, struct json_object *args,
	     struct ctlmsg_answer *ans);

/* call_cmd() for commands where a refusal is just printed: returns 0
 * with an ok answer, or the exit code. */
int call_ok(const struct hactl *h, enum ctlcmd_id id, struct json_object *args,
	    struct ctlmsg_answer *ans);

/* Why the last call_cmd() could not reach hamgr: the errno of the
 * connection (ENOENT, ECONNREFUSED: not running; EACCES: not allowed) or
 * of the exchange (ETIMEDOUT: no answer in time); ECONNRESET when it
 * closed the connection without answering; 0 when it was reached. */
int call_errno(void);

/* New args {"instance": name}; {} when name is NULL. */
struct json_object *call_args_instance(const char *name);

/* The monotonic clock in milliseconds (deadlines, waits). */
long long call_now_ms(void);

#endif
