/* ctlmsg: the control protocol's messages (api 1, see hactl(8)), shared by
 * the daemon's control socket (ctl.c) and hactl. Pure apart from json-c:
 * no I/O, no logging, no globals.
 *
 *   request: {"api": 1, "cmd": "status", "args": {...}}
 *   answer:  {"api": 1, "ok": true, "result": {...}}
 *        or  {"api": 1, "ok": false, "error": "why", "code": "EINVAL"}
 *
 * On the wire every message is one line: compact JSON and "\n".
 * The command table (names, whether they change anything, the arguments
 * each takes and their types) is ctlcmd.h's: the request parser checks
 * every argument against it, so a handler can trust that a present
 * argument has the type and range the table gives. */
#ifndef HAMGR_CTLMSG_H
#define HAMGR_CTLMSG_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

#define CTLMSG_API 1
/* Largest request line the server reads, its "\n" included. */
#define CTLMSG_MAX_REQUEST 65536
/* Largest answer line hactl reads (a status of many instances is big). */
#define CTLMSG_MAX_ANSWER (16 * 1024 * 1024)
/* Enough for any error text this module writes. */
#define CTLMSG_ERR_MAX 256

/* Error codes of an answer ("code"). */
#define CTLMSG_EPERM "EPERM"
#define CTLMSG_EINVAL "EINVAL"
#define CTLMSG_ENOENT "ENOENT"
#define CTLMSG_EAGAIN "EAGAIN"
#define CTLMSG_ENOTSUP "ENOTSUP"
#define CTLMSG_EPROTO "EPROTO"

/* A parsed request. root owns everything; cmd and args point into it.
 * args is always an object (an empty one when the request had none). */
struct ctlmsg_request {
	struct json_object *root;
	const char *cmd;
	struct json_object *args;
};

/* A parsed answer. root owns everything. ok: result is an object;
 * !ok: error and code are non-NULL strings. */
struct ctlmsg_answer {
	struct json_object *root;
	bool ok;
	struct json_object *result;
	const char *error;
	const char *code;
};

/* True when cmd is in the command table and the daemon answers it. */
bool ctlmsg_cmd_known(const char *cmd);

/* True when cmd changes anything (reload, switchover, standby, active):
 * such commands need root or CAP_NET_ADMIN. Unknown commands count as
 * mutating, so a forgotten table entry fails closed. */
bool ctlmsg_cmd_is_mutating(const char *cmd);

/* The i-th command the daemon answers, in table order; NULL past the end
 * (error texts). */
const char *ctlmsg_cmd_name(size_t i);

/* New request object {"api":1,"cmd":cmd,"args":args}. Takes ownership of
 * args (NULL: an empty object), also on failure. NULL when out of memory. */
struct json_object *ctlmsg_request_new(const char *cmd, struct json_object *args);

/* Parse and validate one request of len bytes (a trailing "\n" and
 * whitespace allowed; nothing else may follow the object). Checks: size
 * (at most CTLMSG_MAX_REQUEST), no NUL byte, valid JSON, an object, "api"
 * an integer equal to CTLMSG_API, "cmd" a string naming a known command,
 * "args" absent or an object whose members are the ones the command takes,
 * with their types and ranges, no other member at the top level.
 * Returns 0 and fills req (free with ctlmsg_request_free), or -1 with a
 * human-readable reason in err and the answer's code in *code (EPROTO for
 * a message that is not api-1 JSON, EINVAL for a bad command or argument). */
int ctlmsg_request_parse(const char *buf, size_t len, struct ctlmsg_request *req,
			 char *err, size_t errlen, const char **code);
void ctlmsg_request_free(struct ctlmsg_request *req);

/* {"api":1,"ok":true,"result":result}. Takes ownership of result (NULL: an
 * empty object), also on failure. NULL when out of memory. */
struct json_object *ctlmsg_answer_ok(struct json_object *result);

/* {"api":1,"ok":false,"error":error,"code":code}; code NULL means EINVAL.
 * NULL when out of memory. */
struct json_object *ctlmsg_answer_error(const char *code, const char *error);

/* Parse and validate one answer (same framing rules as requests, at most
 * CTLMSG_MAX_ANSWER bytes). Checks "api" (a daemon that speaks another
 * version is named in err), "ok" a boolean, then "result" an object, or
 * "error" and "code" strings. Returns 0 and fills ans (free with
 * ctlmsg_answer_free; a refusal is ok == false, still 0), or -1 with err. */
int ctlmsg_answer_parse(const char *buf, size_t len, struct ctlmsg_answer *ans,
			char *err, size_t errlen);
void ctlmsg_answer_free(struct ctlmsg_answer *ans);

/* msg as one wire line: compact JSON followed by "\n", NUL-terminated.
 * Returns a malloc'd string (its length without the NUL in *len), or NULL
 * when out of memory. */
char *ctlmsg_line(struct json_object *msg, size_t *len);

#endif
