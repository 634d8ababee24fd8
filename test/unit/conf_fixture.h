/* conf_fixture: what the config parser's suites share (test_conf.c,
 * test_conf_sync.c, test_conf_allow.c): the file name errors carry, an
 * instance with its required options, parsing that expects success or one
 * exact error. */
#ifndef HAMGR_CONF_FIXTURE_H
#define HAMGR_CONF_FIXTURE_H

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

#define FILE_NAME "t.conf"

/* "instance web" with the required options on lines 2..4; body starts at
 * line 5. */
#define INST(body)                    \
	"instance web {\n"            \
	"  interface = eth0\n"        \
	"  vrid = 51\n"               \
	"  vips = {10.0.0.50/24}\n"   \
	body                          \
	"}\n"

/* text parsed as FILE_NAME: the config, or NULL with the error in err
 * (CONF_ERR_MAX bytes). */
static inline struct conf *parse(const char *text, char *err)
{
	struct conf *c = NULL;

	err[0] = '\0';
	if (conf_parse_string(text, FILE_NAME, "host1", &c, err, CONF_ERR_MAX) != 0)
		return NULL;
	return c;
}

static inline struct conf *parse_ok(const char *text)
{
	char err[CONF_ERR_MAX] = "";
	struct conf *c = NULL;
	int rc = conf_parse_string(text, FILE_NAME, "host1", &c, err, sizeof(err));

	if (rc != 0)
		printf("\n  unexpected error: %s\n", err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(c);
	return c;
}

/* text is refused with exactly want, and no config is handed out. */
static inline void expect_err(const char *text, const char *want)
{
	char err[CONF_ERR_MAX] = "";
	struct conf *c = (struct conf *)1;
	int rc = conf_parse_string(text, FILE_NAME, "host1", &c, err, sizeof(err));

	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_PTR_NULL(c);
	/* want is never NULL, but GCC 12 with -fsanitize=undefined warns that
	 * it might be (format-overflow) once the tables call this. */
	if (strcmp(err, want) != 0)
		printf("\n  want: %s\n  got:  %s\n", want ? want : "(null)", err);
	CU_ASSERT_STRING_EQUAL(err, want);
	if (rc == 0)
		conf_free(c);
}

/* "10.0.0.2/32": an address with its prefix length, into buf
 * (IPADDR_STRLEN bytes). */
static inline const char *addr(const struct ipaddr *ip, char *buf)
{
	return ipaddr_str_prefix(ip, buf, IPADDR_STRLEN);
}

/* A list of n addresses 10.1.x.y for option name in instance web, its
 * "{" on line 5 (free it). */
static inline char *long_list(const char *name, size_t n)
{
	size_t size = 256 + n * 16, o, i;
	char *text = malloc(size);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	o = (size_t)snprintf(text, size, "instance web {\n  interface = \"eth0\"\n"
			     "  vrid = 1\n  vips = {10.0.0.1/24}\n  %s = {", name);
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(text + o, size - o, "%s10.1.%zu.%zu", i ? "," : "",
				      i / 250, i % 250 + 1);
	snprintf(text + o, size - o, "}\n}\n");
	return text;
}

#endif
