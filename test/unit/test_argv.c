/* test_argv: splitting track command lines into words (core/argv.c). */
#include <string.h>

#include "core/argv.h"
#include "cu_main.h"

#define MAXW 8

/* Split line with ample room and compare with the NULL-terminated want. */
static void expect_words(const char *line, const char *const *want)
{
	char *argv[MAXW], buf[256];
	const char *err = "unset";
	size_t n = 0;
	int rc;

	while (want[n])
		n++;
	rc = argv_split(line, argv, MAXW, buf, sizeof(buf), &err);
	CU_ASSERT_EQUAL_FATAL(rc, (int)n);
	CU_ASSERT_STRING_EQUAL(err, "unset"); /* untouched on success */
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_STRING_EQUAL(argv[i], want[i]);
	CU_ASSERT_PTR_NULL(argv[n]);
}

static void expect_error(const char *line, size_t max, size_t buflen, const char *why)
{
	char *argv[MAXW], buf[256];
	const char *err = NULL;

	CU_ASSERT_FATAL(max <= MAXW && buflen <= sizeof(buf));
	CU_ASSERT_EQUAL(argv_split(line, argv, max, buf, buflen, &err), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	CU_ASSERT_STRING_EQUAL(err, why);
}

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_blanks(void)
{
	expect_words("/bin/true", WORDS("/bin/true"));
	expect_words("/usr/lib/hamgr/agents/check-ping 10.0.0.254",
		     WORDS("/usr/lib/hamgr/agents/check-ping", "10.0.0.254"));
	expect_words("  a \t b\t\tc  ", WORDS("a", "b", "c"));
	expect_words("", (const char *const[]){ NULL });
	expect_words(" \t ", (const char *const[]){ NULL });
}

static void test_quotes(void)
{
	expect_words("/x 'a b' \"c\td\"", WORDS("/x", "a b", "c\td"));
	expect_words("a'b c'd", WORDS("ab cd"));
	expect_words("'a'\"b\"c", WORDS("abc"));
	expect_words("/x '' \"\"", WORDS("/x", "", ""));
	expect_words("\"it's\" 'say \"hi\"'", WORDS("it's", "say \"hi\""));
	/* nothing else is special */
	expect_words("a\\ b $HOME * ; |", WORDS("a\\", "b", "$HOME", "*", ";", "|"));
	expect_words("'a\\'", WORDS("a\\"));
}

static void test_errors(void)
{
	expect_error("/x 'a b", MAXW, 256, "a quote is not closed");
	expect_error("/x \"", MAXW, 256, "a quote is not closed");
	expect_error("/x a\"b'", MAXW, 256, "a quote is not closed");
	expect_error("/x a\nb", MAXW, 256, "a control character");
	expect_error("/x 'a\rb'", MAXW, 256, "a control character");
	expect_error("/x \x7f", MAXW, 256, "a control character");
	expect_error("", 0, 256, "too many words");
}

/* max counts the NULL: max - 1 words fit, one more does not. */
static void test_word_limit(void)
{
	char *argv[4], buf[64];

	CU_ASSERT_EQUAL(argv_split("a b c", argv, 4, buf, sizeof(buf), NULL), 3);
	CU_ASSERT_PTR_NULL(argv[3]);
	expect_error("a b c d", 4, 64, "too many words");
	CU_ASSERT_EQUAL(argv_split("  ", argv, 1, buf, sizeof(buf), NULL), 0);
	CU_ASSERT_PTR_NULL(argv[0]);
	expect_error("a", 1, 64, "too many words");
	CU_ASSERT_EQUAL(argv_split("a", argv, 2, buf, sizeof(buf), NULL), 1);
}

/* strlen(line) + 1 always suffices; one byte less fails where it must. */
static void test_buffer(void)
{
	static const char *const lines[] = { "a b", "abc", "''", "a ''", "'a b'", " a  b ",
					     "\"\" \"\"" };
	char *argv[MAXW], buf[16];
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CU_ASSERT(argv_split(lines[i], argv, MAXW, buf, strlen(lines[i]) + 1, NULL) >= 0);
	expect_error("a b", MAXW, 3, "too long");
	expect_error("abc", MAXW, 3, "too long");
	expect_error("a ''", MAXW, 2, "too long");
	expect_error("x", MAXW, 0, "too long");
	CU_ASSERT_EQUAL(argv_split("", argv, MAXW, buf, 0, NULL), 0);
}

static CU_TestInfo argv_tests[] = {
	{ "blanks", test_blanks },
	{ "quotes", test_quotes },
	{ "errors", test_errors },
	{ "word limit", test_word_limit },
	{ "buffer size", test_buffer },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "argv split", NULL, NULL, NULL, NULL, argv_tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
