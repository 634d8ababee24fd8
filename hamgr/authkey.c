/* authkey: the key file of protocol "hamgr" and HMAC-SHA256 through
 * libsodium. The file format and what is refused are in authkey.h. */
#include "authkey.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "errbuf.h"

/* The line of each key, for "given twice (line N)". */
struct parse_state {
	const char *name;
	int line[AUTHKEY_MAX];
	int send_line;
	char *err;
	size_t errlen;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Split a line into at most max tokens (a '#' token ends it). Returns the
 * count, or max + 1 when there are more. */
static size_t split(const char *p, const char *end, const char **tok, size_t *tlen,
		    size_t max)
{
	size_t n = 0;

	for (;;) {
		const char *s;

		while (p < end && is_blank(*p))
			p++;
		if (p == end || *p == '#')
			return n;
		if (n == max)
			return max + 1;
		s = p;
		while (p < end && !is_blank(*p))
			p++;
		tok[n] = s;
		tlen[n++] = (size_t)(p - s);
	}
}

static int parse_id(const char *s, size_t n, uint8_t *id)
{
	unsigned v = 0;
	size_t i;

	if (n == 0 || n > 3)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < 1 || v > 255)
		return -1;
	*id = (uint8_t)v;
	return 0;
}

static unsigned distinct_bytes(const uint8_t *k)
{
	uint8_t seen[256] = { 0 };
	unsigned n = 0;
	size_t i;

	for (i = 0; i < AUTHKEY_LEN; i++)
		if (!seen[k[i]]++)
			n++;
	return n;
}

/* Report into the parse state's buffer and fail. */
#define FAIL(st, ...) do { \
	errbuf_set((st)->err, (st)->errlen, __VA_ARGS__); \
	return -1; \
} while (0)

static int parse_key(struct parse_state *st, int ln, const char *s, size_t n,
		     uint8_t key[AUTHKEY_LEN])
{
	unsigned d;
	size_t i;

	if (n != 2 * AUTHKEY_LEN)
		FAIL(st, "%s:%d: key of %zu characters, expected %d hex digits (32 bytes)",
		     st->name, ln, n, 2 * AUTHKEY_LEN);
	for (i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			FAIL(st, "%s:%d: key: '%c' is not a hex digit, expected %d hex digits",
			     st->name, ln, hi < 0 ? s[i] : s[i + 1], 2 * AUTHKEY_LEN);
		key[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	d = distinct_bytes(key);
	if (d == 1)
		FAIL(st, "%s:%d: weak key: one byte repeated%s, expected a random key "
		     "(hamgr --genkey)", st->name, ln, key[0] ? "" : " (all zero)");
	if (d < AUTHKEY_MIN_DISTINCT)
		FAIL(st, "%s:%d: weak key: only %u distinct byte values, expected a random "
		     "key (hamgr --genkey)", st->name, ln, d);
	return 0;
}

/* One line with its tokens: "ID KEY [send]". */
static int parse_line(struct parse_state *st, struct authkeys *out, int ln,
		      const char *p, const char *end)
{
	const char *tok[3];
	size_t tlen[3], n = split(p, end, tok, tlen, 3), i;
	struct authkey k;
	int send = 0;

	if (n == 0)
		return 0;
	if (n == 1 || n > 3)
		FAIL(st, "%s:%d: %s, expected \"ID KEY\" or \"ID KEY send\"", st->name, ln,
		     n == 1 ? "a lone word" : "more than three words");
	if (n == 3) {
		if (tlen[2] != 4 || memcmp(tok[2], "send", 4) != 0)
			FAIL(st, "%s:%d: \"%.*s\" after the key, expected \"send\" or nothing",
			     st->name, ln, (int)(tlen[2] > 32 ? 32 : tlen[2]), tok[2]);
		send = 1;
	}
	if (parse_id(tok[0], tlen[0], &k.id) < 0)
		FAIL(st, "%s:%d: key id \"%.*s\", expected a number 1..255", st->name, ln,
		     (int)(tlen[0] > 32 ? 32 : tlen[0]), tok[0]);
	if (parse_key(st, ln, tok[1], tlen[1], k.key) < 0) {
		sodium_memzero(&k, sizeof(k));
		return -1;
	}
	for (i = 0; i < out->n; i++) {
		int same_id = out->key[i].id == k.id;
		int same_key = sodium_memcmp(out->key[i].key, k.key, AUTHKEY_LEN) == 0;

		if (!same_id && !same_key)
			continue;
		sodium_memzero(&k, sizeof(k));
		if (same_id)
			FAIL(st, "%s:%d: key id %u given twice (line %d)", st->name, ln,
			     out->key[i].id, st->line[i]);
		FAIL(st, "%s:%d: the same key as id %u (line %d), expected a different "
		     "key per id", st->name, ln, out->key[i].id, st->line[i]);
	}
	if (out->n == AUTHKEY_MAX) {
		sodium_memzero(&k, sizeof(k));
		FAIL(st, "%s:%d: more than %d keys", st->name, ln, AUTHKEY_MAX);
	}
	if (send && st->send_line) {
		sodium_memzero(&k, sizeof(k));
		FAIL(st, "%s:%d: a second key marked \"send\" (line %d), expected one",
		     st->name, ln, st->send_line);
	}
	if (send) {
		st->send_line = ln;
		out->send_id = k.id;
	}
	st->line[out->n] = ln;
	out->key[out->n++] = k;
	sodium_memzero(&k, sizeof(k));
	return 0;
}

int authkey_parse(const char *text, size_t len, const char *name,
		  struct authkeys *out, char *err, size_t errlen)
{
	struct parse_state st = { .name = name ? name : "auth-key-file", .err = err,
				  .errlen = errlen };
	const char *p = text, *end = text + len;
	int ln = 1;

	memset(out, 0, sizeof(*out));
	if (sodium_init() < 0) {
		errbuf_set(err, errlen, "%s: libsodium did not initialise", st.name);
		return -1;
	}
	if (memchr(text, '\0', len)) {
		errbuf_set(err, errlen, "%s: a NUL byte, expected a text file", st.name);
		return -1;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;

		if (parse_line(&st, out, ln, p, eol) < 0) {
			authkey_wipe(out);
			return -1;
		}
		p = nl ? nl + 1 : end;
		ln++;
	}
	if (out->n == 0)
		errbuf_set(err, errlen, "%s: no key, expected lines \"ID KEY\" "
			   "(hamgr --genkey writes one)", st.name);
	else if (out->n > 1 && !st.send_line)
		errbuf_set(err, errlen, "%s: %zu keys and none marked \"send\", expected "
			   "\"ID KEY send\" on the one that signs", st.name, out->n);
	else {
		if (!st.send_line)
			out->send_id = out->key[0].id;
		return 0;
	}
	authkey_wipe(out);
	return -1;
}

int authkey_check_stat(const struct stat *st, uid_t self, const char *name,
		       char *err, size_t errlen)
{
	if (!S_ISREG(st->st_mode)) {
		errbuf_set(err, errlen, "%s: not a regular file", name);
		return -1;
	}
	if (st->st_uid != 0 && st->st_uid != self) {
		errbuf_set(err, errlen, "%s: owned by uid %u, expected root%s", name,
			   (unsigned)st->st_uid, self ? " or the user running hamgr" : "");
		return -1;
	}
	if (st->st_mode & 077) {
		errbuf_set(err, errlen, "%s: mode %04o gives group or others access, "
			   "expected 0600 or 0400 (chmod 600 %s)", name,
			   (unsigned)(st->st_mode & 07777), name);
		return -1;
	}
	return 0;
}

int authkey_load(const char *path, struct authkeys *out, char *err, size_t errlen)
{
	char buf[AUTHKEY_FILE_MAX + 1];
	struct stat st;
	size_t len = 0;
	int fd, rc = -1;

	memset(out, 0, sizeof(*out));
	/* O_NONBLOCK: a FIFO is refused by fstat, not waited on. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		errbuf_set(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		errbuf_set(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
		goto out;
	}
	if (authkey_check_stat(&st, geteuid(), path, err, errlen) < 0)
		goto out;
	for (;;) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			errbuf_set(err, errlen, "%s: cannot read: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == sizeof(buf)) {
			errbuf_set(err, errlen, "%s: larger than %d bytes, expected a few "
				   "lines \"ID KEY\"", path, AUTHKEY_FILE_MAX);
			goto out;
		}
	}
	rc = authkey_parse(buf, len, path, out, err, errlen);
out:
	sodium_memzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

void authkey_wipe(struct authkeys *k)
{
	if (k)
		sodium_memzero(k, sizeof(*k));
}

const struct authkey *authkey_find(const struct authkeys *k, uint8_t id)
{
	size_t i;

	for (i = 0; k && i < k->n; i++)
		if (k->key[i].id == id)
			return &k->key[i];
	return NULL;
}

void authkey_hmac(const uint8_t *key, size_t keylen, const uint8_t *msg, size_t len,
		  uint8_t tag[HEARTBEAT_TAG_LEN])
{
	crypto_auth_hmacsha256_state s;

	crypto_auth_hmacsha256_init(&s, key, keylen);
	crypto_auth_hmacsha256_update(&s, msg, len);
	crypto_auth_hmacsha256_final(&s, tag);
	sodium_memzero(&s, sizeof(s));
}

_Static_assert(HEARTBEAT_TAG_LEN == crypto_auth_hmacsha256_BYTES, "tag is HMAC-SHA256");
_Static_assert(AUTHKEY_LEN == crypto_auth_hmacsha256_KEYBYTES, "key is HMAC-SHA256's");

int authkey_sign(const struct authkeys *k, uint8_t id, const uint8_t *msg, size_t len,
		 uint8_t tag[HEARTBEAT_TAG_LEN])
{
	const struct authkey *key = authkey_find(k, id ? id : (k ? k->send_id : 0));

	if (!key)
		return -1;
	crypto_auth_hmacsha256(tag, msg, len, key->key);
	return 0;
}

enum heartbeat_reason authkey_verify(const struct authkeys *k, uint8_t id,
				     const uint8_t *msg, size_t len,
				     const uint8_t tag[HEARTBEAT_TAG_LEN])
{
	const struct authkey *key = authkey_find(k, id);

	if (!key)
		return HEARTBEAT_ERR_KEY;
	return crypto_auth_hmacsha256_verify(tag, msg, len, key->key) == 0
	       ? HEARTBEAT_OK : HEARTBEAT_ERR_MAC;
}

int authkey_hb_sign(void *ctx, uint8_t key_id, const uint8_t *msg, size_t len,
		    uint8_t tag[HEARTBEAT_TAG_LEN])
{
	return authkey_sign(ctx, key_id, msg, len, tag);
}

enum heartbeat_reason authkey_hb_verify(void *ctx, uint8_t key_id, const uint8_t *msg,
					size_t len, const uint8_t tag[HEARTBEAT_TAG_LEN])
{
	return authkey_verify(ctx, key_id, msg, len, tag);
}

int authkey_genkey(FILE *f, uint8_t id)
{
	uint8_t key[AUTHKEY_LEN];
	char hex[2 * AUTHKEY_LEN + 1];
	int rc;

	if (sodium_init() < 0 || id == 0)
		return -1;
	do
		randombytes_buf(key, sizeof(key));
	while (distinct_bytes(key) < AUTHKEY_MIN_DISTINCT);
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	rc = fprintf(f, "%u %s\n", id, hex) < 0 || fflush(f) != 0 ? -1 : 0;
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}
