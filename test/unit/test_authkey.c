/* Unit tests for the key file and the HMAC helpers (hamgr/authkey.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "authkey.h"
#include "cu_main.h"

#define K1 "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0"
#define K2 "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
#define K3 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
#define K4 "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
#define K5 "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"

static char dir[64];

static int suite_init(void)
{
	strcpy(dir, "/tmp/hamgr-authkey.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int suite_clean(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int unhex(const char *h, uint8_t *out, size_t max)
{
	size_t n = strlen(h) / 2, i;

	if (n > max)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(h + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return (int)n;
}

/* ---- HMAC-SHA256: RFC 4231 section 4 ---- */

struct rfc4231 {
	const char *name;
	uint8_t key_byte;          /* 0: key_hex */
	size_t key_len;
	const char *key_hex;
	const char *data;          /* NULL: data_byte x data_len */
	uint8_t data_byte;
	size_t data_len;
	const char *mac;           /* hex; case 5: the first 128 bits */
};

static const struct rfc4231 vectors[] = {
	{ "1", 0x0b, 20, NULL, "Hi There", 0, 0,
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ "2", 0, 4, "4a656665", "what do ya want for nothing?", 0, 0,
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ "3", 0xaa, 20, NULL, NULL, 0xdd, 50,
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ "4", 0, 25, "0102030405060708090a0b0c0d0e0f10111213141516171819", NULL, 0xcd, 50,
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ "5", 0x0c, 20, NULL, "Test With Truncation", 0, 0,
	  "a3b6167473100ee06e0c796c2955552b" },
	{ "6", 0xaa, 131, NULL, "Test Using Larger Than Block-Size Key - Hash Key First", 0, 0,
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ "7", 0xaa, 131, NULL, "This is a test using a larger than block-size key and a "
	  "larger than block-size data. The key needs to be hashed before being used by "
	  "the HMAC algorithm.", 0, 0,
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};

static void test_rfc4231(void)
{
	size_t i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct rfc4231 *v = &vectors[i];
		uint8_t key[131], data[160], want[32], tag[32];
		size_t dlen;
		int wlen = unhex(v->mac, want, sizeof(want));

		if (v->key_hex) {
			CU_ASSERT_FATAL(unhex(v->key_hex, key, sizeof(key)) == (int)v->key_len);
		} else {
			memset(key, v->key_byte, v->key_len);
		}
		if (v->data) {
			dlen = strlen(v->data);
			CU_ASSERT_FATAL(dlen <= sizeof(data));
			memcpy(data, v->data, dlen);
		} else {
			dlen = v->data_len;
			memset(data, v->data_byte, dlen);
		}
		authkey_hmac(key, v->key_len, data, dlen, tag);
		if (memcmp(tag, want, (size_t)wlen) != 0)
			printf("\n  RFC 4231 test case %s differs\n", v->name);
		CU_ASSERT(memcmp(tag, want, (size_t)wlen) == 0);
	}
}

/* authkey_sign/verify use crypto_auth_hmacsha256 with 32-byte keys: the
 * same function as the general one. */
static void test_sign_verify(void)
{
	struct authkeys k;
	uint8_t msg[100], tag[32], ref[32];
	char err[256];
	const char *text = "3 " K1 "\n9 " K2 " send\n";

	CU_ASSERT_FATAL(authkey_parse(text, strlen(text), "f", &k, err, sizeof(err)) == 0);
	CU_ASSERT_EQUAL(k.send_id, 9);
	memset(msg, 0x5c, sizeof(msg));
	CU_ASSERT_EQUAL(authkey_sign(&k, 3, msg, sizeof(msg), tag), 0);
	authkey_hmac(k.key[0].key, AUTHKEY_LEN, msg, sizeof(msg), ref);
	CU_ASSERT(memcmp(tag, ref, 32) == 0);
	CU_ASSERT_EQUAL(authkey_verify(&k, 3, msg, sizeof(msg), tag), HEARTBEAT_OK);
	CU_ASSERT_EQUAL(authkey_verify(&k, 9, msg, sizeof(msg), tag), HEARTBEAT_ERR_MAC);
	CU_ASSERT_EQUAL(authkey_verify(&k, 4, msg, sizeof(msg), tag), HEARTBEAT_ERR_KEY);
	CU_ASSERT_EQUAL(authkey_verify(&k, 0, msg, sizeof(msg), tag), HEARTBEAT_ERR_KEY);
	CU_ASSERT_EQUAL(authkey_verify(&k, 3, msg, sizeof(msg) - 1, tag), HEARTBEAT_ERR_MAC);
	tag[31] ^= 1;
	CU_ASSERT_EQUAL(authkey_verify(&k, 3, msg, sizeof(msg), tag), HEARTBEAT_ERR_MAC);
	/* id 0: the send key */
	CU_ASSERT_EQUAL(authkey_sign(&k, 0, msg, sizeof(msg), tag), 0);
	CU_ASSERT_EQUAL(authkey_verify(&k, 9, msg, sizeof(msg), tag), HEARTBEAT_OK);
	CU_ASSERT_EQUAL(authkey_sign(&k, 4, msg, sizeof(msg), tag), -1);
	CU_ASSERT_EQUAL(authkey_sign(NULL, 0, msg, sizeof(msg), tag), -1);
	CU_ASSERT_PTR_NULL(authkey_find(&k, 4));
	CU_ASSERT_PTR_NOT_NULL(authkey_find(&k, 9));
	authkey_wipe(&k);
	CU_ASSERT_EQUAL(k.n, 0);
	CU_ASSERT_EQUAL(k.key[0].key[0], 0);
}

/* ---- the file's text ---- */

static int parse(const char *text, struct authkeys *k, char *err, size_t errlen)
{
	err[0] = '\0';
	return authkey_parse(text, strlen(text), "/etc/hamgr/authkey", k, err, errlen);
}

static void test_parse_one(void)
{
	struct authkeys k;
	char err[256];

	CU_ASSERT_EQUAL(parse("1 " K1 "\n", &k, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(k.n, 1);
	CU_ASSERT_EQUAL(k.key[0].id, 1);
	CU_ASSERT_EQUAL(k.send_id, 1);
	CU_ASSERT_EQUAL(k.key[0].key[0], 0x0f);
	CU_ASSERT_EQUAL(k.key[0].key[31], 0xf0);
	/* no final newline, blanks, comments, CRLF, upper case, marked send */
	CU_ASSERT_EQUAL(parse("# hamgr key\n\n\t 255\t" K2 "  send # new\r\n", &k, err,
			      sizeof(err)), 0);
	CU_ASSERT_EQUAL(k.key[0].id, 255);
	CU_ASSERT_EQUAL(k.send_id, 255);
	CU_ASSERT_EQUAL(parse("7 0F1E2D3C4B5A69788796A5B4C3D2E1F00112233445566778899AABBCCDDEEFF0",
			      &k, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(k.key[0].key[0], 0x0f);
	CU_ASSERT_EQUAL(k.key[0].key[31], 0xf0);
}

/* Rollover: several keys, one marked "send"; all of them verify. */
static void test_parse_rollover(void)
{
	struct authkeys k;
	char err[256];

	CU_ASSERT_EQUAL(parse("1 " K1 " send\n2 " K2 "\n", &k, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(k.n, 2);
	CU_ASSERT_EQUAL(k.send_id, 1);
	CU_ASSERT_EQUAL(parse("1 " K1 "\n2 " K2 " send\n", &k, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(k.send_id, 2);
	CU_ASSERT_EQUAL(parse("1 " K1 "\n2 " K2 "\n3 " K3 "\n4 " K4 " send\n", &k, err,
			      sizeof(err)), 0);
	CU_ASSERT_EQUAL(k.n, AUTHKEY_MAX);
	CU_ASSERT_EQUAL(parse("1 " K1 "\n2 " K2 "\n", &k, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "/etc/hamgr/authkey: 2 keys and none marked \"send\", "
			       "expected \"ID KEY send\" on the one that signs");
	CU_ASSERT_EQUAL(k.n, 0);
	CU_ASSERT_EQUAL(parse("1 " K1 " send\n\n2 " K2 " send\n", &k, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "/etc/hamgr/authkey:3: a second key marked \"send\" "
			       "(line 1), expected one");
	CU_ASSERT_EQUAL(parse("1 " K1 "\n2 " K2 "\n3 " K3 "\n4 " K4 "\n5 " K5 " send\n",
			      &k, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "/etc/hamgr/authkey:5: more than 4 keys");
}

/* Each bad line is reported with its line number. */
static void test_parse_syntax(void)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "", "/etc/hamgr/authkey: no key, expected lines \"ID KEY\" (hamgr --genkey "
		  "writes one)" },
		{ "# only a comment\n\n", "/etc/hamgr/authkey: no key, expected lines "
		  "\"ID KEY\" (hamgr --genkey writes one)" },
		{ "\n" K1 "\n", "/etc/hamgr/authkey:2: a lone word, expected \"ID KEY\" or "
		  "\"ID KEY send\"" },
		{ "1 " K1 " send now\n", "/etc/hamgr/authkey:1: more than three words, "
		  "expected \"ID KEY\" or \"ID KEY send\"" },
		{ "1 " K1 " sign\n", "/etc/hamgr/authkey:1: \"sign\" after the key, expected "
		  "\"send\" or nothing" },
		{ "\n\n\n0 " K1 "\n", "/etc/hamgr/authkey:4: key id \"0\", expected a number "
		  "1..255" },
		{ "256 " K1 "\n", "/etc/hamgr/authkey:1: key id \"256\", expected a number "
		  "1..255" },
		{ "-1 " K1 "\n", "/etc/hamgr/authkey:1: key id \"-1\", expected a number "
		  "1..255" },
		{ "0x1 " K1 "\n", "/etc/hamgr/authkey:1: key id \"0x1\", expected a number "
		  "1..255" },
		{ "1 0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff\n",
		  "/etc/hamgr/authkey:1: key of 63 characters, expected 64 hex digits (32 bytes)" },
		{ "1 0f1e2d3c4b5a69788796a5b4c3d2e1f0\n",
		  "/etc/hamgr/authkey:1: key of 32 characters, expected 64 hex digits (32 bytes)" },
		{ "1 " K1 "0\n",
		  "/etc/hamgr/authkey:1: key of 65 characters, expected 64 hex digits (32 bytes)" },
		{ "1 0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeefg0\n",
		  "/etc/hamgr/authkey:1: key: 'g' is not a hex digit, expected 64 hex digits" },
		{ "1 Dx4iwSNuL3D8zY8Uq0Q2o4Y6l8h+b3ZxR4aTLfXvh9Q=\n",
		  "/etc/hamgr/authkey:1: key of 44 characters, expected 64 hex digits (32 bytes)" },
		{ "1 " K1 "\n# again\n1 " K2 " send\n", "/etc/hamgr/authkey:3: key id 1 given "
		  "twice (line 1)" },
		{ "1 " K1 "\n2 " K1 " send\n", "/etc/hamgr/authkey:2: the same key as id 1 "
		  "(line 1), expected a different key per id" },
		{ "1 " K1 "\n2 0F1E2D3C4B5A69788796A5B4C3D2E1F00112233445566778899AABBCCDDEEFF0"
		  " send\n", "/etc/hamgr/authkey:2: the same key as id 1 (line 1), expected a "
		  "different key per id" },
	};
	struct authkeys k;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&k, 0x55, sizeof(k));
		CU_ASSERT_EQUAL(parse(bad[i].text, &k, err, sizeof(err)), -1);
		if (strcmp(err, bad[i].want) != 0)
			printf("\n  case %zu: got \"%s\"\n", i, err);
		CU_ASSERT_STRING_EQUAL(err, bad[i].want);
		CU_ASSERT_EQUAL(k.n, 0);      /* wiped */
		CU_ASSERT_EQUAL(k.key[0].key[0], 0);
	}
	/* a NUL byte */
	CU_ASSERT_EQUAL(authkey_parse("1 " K1 "\0", 67, "f", &k, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "f: a NUL byte, expected a text file");
}

static void test_parse_weak(void)
{
	static const struct { const char *key, *want; } weak[] = {
		{ "0000000000000000000000000000000000000000000000000000000000000000",
		  "one byte repeated (all zero)" },
		{ "abababababababababababababababababababababababababababababababab",
		  "one byte repeated," },
		{ "0102010201020102010201020102010201020102010201020102010201020102",
		  "only 2 distinct byte values" },
		{ "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
		  "only 16 distinct" },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "only 8 distinct" },
	};
	struct authkeys k;
	char err[256], text[128];
	size_t i;

	for (i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		snprintf(text, sizeof(text), "\n5 %s\n", weak[i].key);
		if (strstr(weak[i].want, "16")) {      /* 16 distinct: just enough */
			CU_ASSERT_EQUAL(parse(text, &k, err, sizeof(err)), 0);
			continue;
		}
		CU_ASSERT_EQUAL(parse(text, &k, err, sizeof(err)), -1);
		if (!strstr(err, weak[i].want))
			printf("\n  weak %zu: got \"%s\"\n", i, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, weak[i].want));
		CU_ASSERT(strncmp(err, "/etc/hamgr/authkey:2: weak key: ", 32) == 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "hamgr --genkey"));
	}
	/* 15 distinct: refused */
	CU_ASSERT_EQUAL(parse("1 00112233445566778899aabbccddee0000112233445566778899aabbccddee00",
			      &k, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "only 15 distinct"));
}

/* ---- the file on disk ---- */

static const char *write_file(const char *name, const char *text, mode_t mode)
{
	static char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CU_ASSERT_FATAL(fchmod(fd, mode) == 0);
	close(fd);
	return path;
}

static void test_load_modes(void)
{
	static const mode_t bad[] = { 0640, 0604, 0644, 0660, 0606, 0620, 0602, 0610, 0601, 0 };
	struct authkeys k;
	char err[512], want[512];
	const char *p;
	size_t i;

	p = write_file("key", "1 " K1 "\n", 0600);
	CU_ASSERT_EQUAL(authkey_load(p, &k, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(k.n, 1);
	p = write_file("key", "1 " K1 "\n", 0400);
	CU_ASSERT_EQUAL(authkey_load(p, &k, err, sizeof(err)), 0);
	for (i = 0; bad[i]; i++) {
		p = write_file("key", "1 " K1 "\n", bad[i]);
		CU_ASSERT_EQUAL(authkey_load(p, &k, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s: mode %04o gives group or others access, "
			 "expected 0600 or 0400 (chmod 600 %s)", p, (unsigned)bad[i], p);
		CU_ASSERT_STRING_EQUAL(err, want);
		CU_ASSERT_EQUAL(k.n, 0);
	}
	/* a weak key in a good file: file:line */
	p = write_file("key", "# keys\n1 " K1 " send\n2 "
		       "0000000000000000000000000000000000000000000000000000000000000000\n", 0600);
	CU_ASSERT_EQUAL(authkey_load(p, &k, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: weak key: one byte repeated (all zero), "
		 "expected a random key (hamgr --genkey)", p);
	CU_ASSERT_STRING_EQUAL(err, want);
}

static void test_load_not_regular(void)
{
	struct authkeys k;
	char err[512], want[512], path[128];

	/* a directory, a FIFO (refused without waiting for a writer), nothing */
	CU_ASSERT_EQUAL(authkey_load(dir, &k, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", dir);
	CU_ASSERT_STRING_EQUAL(err, want);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CU_ASSERT_FATAL(mkfifo(path, 0600) == 0);
	CU_ASSERT_EQUAL(authkey_load(path, &k, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	CU_ASSERT_STRING_EQUAL(err, want);
	snprintf(path, sizeof(path), "%s/none", dir);
	CU_ASSERT_EQUAL(authkey_load(path, &k, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	CU_ASSERT_STRING_EQUAL(err, want);
}

static void test_load_too_large(void)
{
	char text[AUTHKEY_FILE_MAX + 80], err[512];
	struct authkeys k;
	const char *p;

	memset(text, '#', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	p = write_file("big", text, 0600);
	CU_ASSERT_EQUAL(authkey_load(p, &k, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "larger than 4096 bytes"));
	/* exactly the limit is read */
	text[AUTHKEY_FILE_MAX] = '\0';
	memcpy(text, "1 " K1 "\n", 67);
	p = write_file("big", text, 0600);
	CU_ASSERT_EQUAL(authkey_load(p, &k, err, sizeof(err)), 0);
}

/* Owners: checked on fake stat results, and on a real file where we may
 * chown (running as root). */
static void test_owner(void)
{
	struct stat st;
	struct authkeys k;
	char err[512], want[512];
	const char *p;

	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0600;
	st.st_uid = 0;
	CU_ASSERT_EQUAL(authkey_check_stat(&st, 0, "f", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(authkey_check_stat(&st, 1000, "f", err, sizeof(err)), 0);
	st.st_uid = 1000;
	CU_ASSERT_EQUAL(authkey_check_stat(&st, 1000, "f", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(authkey_check_stat(&st, 0, "f", err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "f: owned by uid 1000, expected root");
	CU_ASSERT_EQUAL(authkey_check_stat(&st, 1001, "f", err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "f: owned by uid 1000, expected root or the user "
			       "running hamgr");
	st.st_uid = 0;
	st.st_mode = S_IFREG | 0440;
	CU_ASSERT_EQUAL(authkey_check_stat(&st, 0, "f", err, sizeof(err)), -1);
	st.st_mode = S_IFLNK | 0600;
	CU_ASSERT_EQUAL(authkey_check_stat(&st, 0, "f", err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "f: not a regular file");

	p = write_file("owned", "1 " K1 "\n", 0600);
	if (geteuid() != 0 || chown(p, 4242, 4242) != 0) {
		printf("\n  chown to another user not possible here: real owner check skipped\n");
		return;
	}
	CU_ASSERT_EQUAL(authkey_load(p, &k, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: owned by uid 4242, expected root", p);
	CU_ASSERT_STRING_EQUAL(err, want);
}

/* ---- hamgr --genkey ---- */

static void test_genkey(void)
{
	char line1[160], line2[160], err[256];
	struct authkeys k;
	FILE *f = tmpfile();

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(authkey_genkey(f, 1), 0);
	CU_ASSERT_EQUAL(authkey_genkey(f, 200), 0);
	CU_ASSERT_EQUAL(authkey_genkey(f, 0), -1);
	rewind(f);
	CU_ASSERT_FATAL(fgets(line1, sizeof(line1), f) != NULL);
	CU_ASSERT_FATAL(fgets(line2, sizeof(line2), f) != NULL);
	CU_ASSERT_EQUAL(fgetc(f), EOF);
	fclose(f);
	CU_ASSERT_EQUAL(strlen(line1), 2 + 64 + 1);
	CU_ASSERT_EQUAL(strlen(line2), 4 + 64 + 1);
	CU_ASSERT(strncmp(line1, "1 ", 2) == 0);
	CU_ASSERT(strncmp(line2, "200 ", 4) == 0);
	CU_ASSERT_EQUAL(strspn(line1 + 2, "0123456789abcdef"), 64);
	CU_ASSERT(strcmp(line1 + 2, line2 + 4) != 0);
	/* what it writes is a key file, alone or as a rollover pair */
	CU_ASSERT_EQUAL(authkey_parse(line1, strlen(line1), "g", &k, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(k.send_id, 1);
	line1[strlen(line1) - 1] = '\0';
	strcat(line1, " send\n");
	strcat(line1, line2);
	CU_ASSERT_EQUAL(authkey_parse(line1, strlen(line1), "g", &k, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(k.n, 2);
	CU_ASSERT_EQUAL(k.send_id, 1);
}

static CU_TestInfo hmac_tests[] = {
	{ "RFC 4231 HMAC-SHA256 vectors", test_rfc4231 },
	{ "sign and verify", test_sign_verify },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo parse_tests[] = {
	{ "one key", test_parse_one },
	{ "rollover", test_parse_rollover },
	{ "syntax errors with lines", test_parse_syntax },
	{ "weak keys", test_parse_weak },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo file_tests[] = {
	{ "modes", test_load_modes },
	{ "not a regular file", test_load_not_regular },
	{ "too large", test_load_too_large },
	{ "owner", test_owner },
	{ "genkey", test_genkey },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "authkey hmac", NULL, NULL, NULL, NULL, hmac_tests },
	{ "authkey parse", NULL, NULL, NULL, NULL, parse_tests },
	{ "authkey file", suite_init, suite_clean, NULL, NULL, file_tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
