/* hello: the announcements hamgr nodes exchange beside VRRPv3.
 *
 * VRRP backups are silent and VRRPv3 carries no node names, so a master
 * cannot tell which backups exist, what they are called, or hand the role
 * to a particular one. Every hamgr node therefore announces, per instance,
 * its node name, state and priorities once a second and on every change
 * (HELLO_ANNOUNCE), and a master handing over names its successor
 * (HELLO_HANDOVER). Other VRRP implementations ignore these UDP datagrams.
 * They carry the trust of VRRPv3 itself: link-local only (TTL/hop limit
 * 255 required on receipt), no authentication.
 *
 * Wire format (network byte order), exactly this long:
 *   0  magic "HMGR" (4)
 *   4  version (1) = 1
 *   5  type (1): 1 announce, 2 handover
 *   6  vrid (1), 1..255
 *   7  state (1): 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT (enum fsm_state)
 *   8  priority (1): configured
 *   9  effective (1): what the node competes with now (0 in standby)
 *  10  flags (1): bit 0 standby, bit 1 link up; other bits must be 0
 *  11  node_len (1): 1..63
 *  12  target_len (1): handover 1..63, announce 0
 *  13  reserved (3): must be 0
 *  16  seq (4): sender's counter
 *  20  node (node_len bytes), then target (target_len bytes)
 * Names: letters, digits, '.', '_', '-', starting with a letter or digit
 * (the config's node-name rule). */
#ifndef HAMGR_HELLO_H
#define HAMGR_HELLO_H

#include <stddef.h>
#include <stdint.h>

#define HELLO_PORT 5798
#define HELLO_MAGIC "HMGR"
#define HELLO_VERSION 1
#define HELLO_HDR_LEN 20
#define HELLO_NAME_MAX 63
#define HELLO_MAX_LEN (HELLO_HDR_LEN + 2 * HELLO_NAME_MAX)

#define HELLO_F_STANDBY 0x01
#define HELLO_F_LINK_UP 0x02
#define HELLO_F_HELD    0x04   /* the takeover pipeline is not released:
				  this node may still hold VIPs or promoted
				  resources (a preemptor waits for it) */
#define HELLO_F_TRACK_FAULT 0x08 /* FAULT because a weight-0 track is down */
#define HELLO_F_TRACK_DOWN  0x10 /* a track is down: effective < configured */
/* Every flag this version knows; the decoder refuses any other bit. */
#define HELLO_F_KNOWN (HELLO_F_STANDBY | HELLO_F_LINK_UP | HELLO_F_HELD | \
		       HELLO_F_TRACK_FAULT | HELLO_F_TRACK_DOWN)

enum hello_type { HELLO_ANNOUNCE = 1, HELLO_HANDOVER = 2 };

struct hello {
	uint8_t type;
	uint8_t vrid;
	uint8_t state;
	uint8_t priority;
	uint8_t effective;
	uint8_t flags;
	uint32_t seq;
	char node[HELLO_NAME_MAX + 1];    /* NUL-terminated */
	char target[HELLO_NAME_MAX + 1];  /* handover only; "" otherwise */
};

enum hello_reason {
	HELLO_OK = 0,
	HELLO_ERR_SHORT,      /* shorter than the header */
	HELLO_ERR_MAGIC,      /* not "HMGR" */
	HELLO_ERR_VERSION,    /* version is not 1 */
	HELLO_ERR_TYPE,       /* unknown type */
	HELLO_ERR_FIELD,      /* vrid 0, state > 3, unknown flag bits, reserved != 0 */
	HELLO_ERR_LENGTH,     /* length != 20 + node_len + target_len */
	HELLO_ERR_NAME,       /* node or target empty, too long or bad characters */
	HELLO_ERR_TARGET,     /* handover without target, announce with one */
	HELLO_ERR_TTL,        /* TTL / hop limit not 255 (checked by the caller) */
	HELLO_ERR_UNSIGNED,   /* a node with auth-key-file takes signed
				 announcements only (checked by the caller) */
	HELLO_ERR_NOT_ALLOWED, /* source outside allowed-peers (checked by the instance) */
	HELLO_REASON_MAX
};

/* Short snake_case name of a reason ("magic", "name", ...). */
const char *hello_reason_str(enum hello_reason r);

/* True when s is a valid node name (1..63 bytes, the charset above). */
int hello_name_ok(const char *s);

/* The same rule for a name on the wire: n bytes, no terminator (so a NUL
 * byte is refused like any other bad character). core/heartbeat.c too. */
int hello_name_bytes_ok(const uint8_t *p, size_t n);

/* Encode h into buf. Returns bytes written, or 0 when buf is too small or h
 * is invalid (the decoder's rules). */
size_t hello_encode(const struct hello *h, uint8_t *buf, size_t buflen);

/* Decode buf. Fills out and returns HELLO_OK, or the first reason it fails.
 * Never reads past len, never logs. */
enum hello_reason hello_decode(const uint8_t *buf, size_t len, struct hello *out);

#endif
