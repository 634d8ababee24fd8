/* authkey: the keys of protocol "hamgr" (auth-key-file) and the HMAC-SHA256
 * that signs and verifies its messages, through libsodium.
 *
 * The file: one key a line, "ID KEY [send]"; ID 1..255 in decimal, KEY 32
 * bytes as 64 hex digits; blank lines and lines starting with '#' are
 * skipped. At most AUTHKEY_MAX keys: every key is accepted on receipt, one
 * signs what this node sends. With one key, that key; with several,
 * exactly one line carries the word "send" (key rollover: add the new key
 * everywhere, move "send" to it everywhere, remove the old one).
 *
 * Refused, with "FILE:LINE: ..." or "FILE: ...": a file readable or
 * writable by group or others (mode & 077), owned by a user other than
 * root and the one running hamgr, not a regular file; bad syntax, an ID out
 * of range or twice, a key not of 64 hex digits, a weak key (fewer than
 * AUTHKEY_MIN_DISTINCT distinct byte values: all zero, repeated bytes, short
 * patterns), the same key under two IDs, too many keys, none at all. */
#ifndef HAMGR_AUTHKEY_H
#define HAMGR_AUTHKEY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/heartbeat.h"

#define AUTHKEY_LEN 32
#define AUTHKEY_MAX 4
#define AUTHKEY_MIN_DISTINCT 16   /* a random key has ~30; < 16: p < 1e-15 */
#define AUTHKEY_FILE_MAX 4096     /* bytes; a key file is a few lines */

struct authkey {
	uint8_t id;
	uint8_t key[AUTHKEY_LEN];
};

struct authkeys {
	struct authkey key[AUTHKEY_MAX];
	size_t n;
	uint8_t send_id;          /* the key that signs what we send */
};

/* Parse a key file's text (len bytes, need not be terminated); name is used
 * in messages. Returns 0, or -1 with err = "NAME:LINE: what, expected ...".
 * out is wiped on failure. */
int authkey_parse(const char *text, size_t len, const char *name,
		  struct authkeys *out, char *err, size_t errlen);

/* What a key file's owner and mode must be: a regular file, owned by root
 * or by self, no permission for group or others. Returns 0, or -1 with err
 * = "NAME: ...". */
int authkey_check_stat(const struct stat *st, uid_t self, const char *name,
		       char *err, size_t errlen);

/* Open path (no blocking on a FIFO), authkey_check_stat() it with
 * geteuid(), read and authkey_parse() it. The text read is wiped. */
int authkey_load(const char *path, struct authkeys *out, char *err, size_t errlen);

/* Wipe the keys (sodium_memzero). */
void authkey_wipe(struct authkeys *k);

/* The key with this id, or NULL. */
const struct authkey *authkey_find(const struct authkeys *k, uint8_t id);

/* HMAC-SHA256 of msg with a key of any length (RFC 2104; RFC 4231 vectors). */
void authkey_hmac(const uint8_t *key, size_t keylen, const uint8_t *msg, size_t len,
		  uint8_t tag[HEARTBEAT_TAG_LEN]);

/* Sign with the key id (0: the send key). Returns 0, or -1 when there is no
 * such key. */
int authkey_sign(const struct authkeys *k, uint8_t id, const uint8_t *msg, size_t len,
		 uint8_t tag[HEARTBEAT_TAG_LEN]);

/* Verify tag in constant time (crypto_auth_hmacsha256_verify). Returns
 * HEARTBEAT_OK, HEARTBEAT_ERR_KEY (no key id) or HEARTBEAT_ERR_MAC. */
enum heartbeat_reason authkey_verify(const struct authkeys *k, uint8_t id,
				     const uint8_t *msg, size_t len,
				     const uint8_t tag[HEARTBEAT_TAG_LEN]);

/* The callbacks of core/heartbeat.h, ctx a struct authkeys. */
int authkey_hb_sign(void *ctx, uint8_t key_id, const uint8_t *msg, size_t len,
		    uint8_t tag[HEARTBEAT_TAG_LEN]);
enum heartbeat_reason authkey_hb_verify(void *ctx, uint8_t key_id, const uint8_t *msg,
					size_t len, const uint8_t tag[HEARTBEAT_TAG_LEN]);

/* hamgr --genkey: a new random key as one key-file line "ID HEX\n" on f.
 * Returns 0, or -1 (libsodium did not initialise, write error). */
int authkey_genkey(FILE *f, uint8_t id);

#endif
