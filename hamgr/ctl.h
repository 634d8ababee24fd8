/* ctl: the control socket hactl talks to (protocol: ctlmsg.h, hactl(8)).
 *
 * An AF_UNIX stream socket served from the sd-event loop, one request per
 * connection: read one line (at most CTLMSG_MAX_REQUEST bytes, 1 s), check
 * it (ctlmsg_request_parse), check the peer's privilege for commands that
 * change anything (SO_PEERCRED: uid 0, or CAP_NET_ADMIN in the effective
 * set of the peer process), call the handler synchronously, write the
 * answer line, close. At most CTL_MAX_CONNS connections are served at
 * once; further clients wait in the listen backlog. Nothing blocks. */
#ifndef HAMGR_CTL_H
#define HAMGR_CTL_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

struct json_object;
struct ctl;

#define CTL_MAX_CONNS 16
/* Time a client has to send its request. */
#define CTL_READ_TIMEOUT_US 1000000ULL
/* Time a client has to read the answer. */
#define CTL_WRITE_TIMEOUT_US 2000000ULL

/* Answers one valid request: cmd is a known command (ctlmsg_cmd_known),
 * args an object whose members were checked against the command table,
 * and the peer may run cmd. Returns 0 with *result set to a new object
 * (NULL is taken as {}), which ctl then owns; or -1 with a reason in err
 * (errlen bytes) and *code set to an answer code (CTLMSG_EINVAL ...; left
 * NULL it means EINVAL). The handler may call ctl_close() on the ctl that
 * calls it (a reload that moves the socket): the close then completes
 * right after the current answer is sent (best effort, without waiting). */
typedef int (*ctl_handler)(void *arg, const char *cmd, struct json_object *args,
			   struct json_object **result, char *err, size_t errlen,
			   const char **code);

/* Listen on path. The parent directory is created (0755) when missing.
 * A socket file left by a dead daemon is replaced; a live listener on path
 * (another hamgr with the same control-socket) makes this fail: two
 * daemons must not share a socket. The socket is mode 0660, group group
 * (owner: the caller, root for hamgr). Also sets json-c's global double
 * format to "%.15g" so that 341.4 goes out as 341.4, not
 * 341.39999999999998. Returns NULL with a message naming path in err. */
struct ctl *ctl_open(sd_event *e, const char *path, gid_t group, ctl_handler h, void *arg,
		     char *err, size_t errlen);

/* Stop listening, drop every connection, unlink the socket file (only if
 * it is still the one ctl_open created). NULL is fine. */
void ctl_close(struct ctl *c);

/* The credentials of the peer whose request the handler is answering
 * (for logging who did what); NULL outside a handler call. */
const struct ucred *ctl_peer(const struct ctl *c);

#endif
