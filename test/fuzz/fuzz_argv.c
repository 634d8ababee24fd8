/* fuzz_argv: libFuzzer target for the command line splitter.
 *
 * The input (as a NUL-terminated copy) is split with a buffer of exactly
 * strlen + 1 bytes, which must always be enough. When it splits, every
 * word must lie inside buf and be free of control characters other than
 * tabs, a word without quotes in the input must be free of blanks, and
 * quoting each word again and splitting that must give the same words. A
 * buffer one byte short, or room for one word less, must fail cleanly.
 * Any mismatch abort()s. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/argv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WORDS_MAX 64

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_argv: %s\n", what);
		abort();
	}
}

/* Each word quoted again: a ' as "'", anything else inside '...'. */
static size_t requote(char *const *argv, int n, char *out)
{
	size_t o = 0;

	for (int i = 0; i < n; i++) {
		if (i)
			out[o++] = ' ';
		out[o++] = '\'';
		for (const char *s = argv[i]; *s; s++) {
			if (*s == '\'') {
				memcpy(out + o, "'\"'\"'", 5); /* close, "'", reopen */
				o += 5;
			} else {
				out[o++] = *s;
			}
		}
		out[o++] = '\'';
	}
	out[o] = '\0';
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[WORDS_MAX], *argv2[WORDS_MAX], *line, *buf, *buf2, *again;
	const char *err = NULL;
	size_t len, total = 0;
	int n, i;

	line = malloc(size + 1);
	buf = malloc(size + 1);
	if (!line || !buf)
		goto out;
	memcpy(line, data, size);
	line[size] = '\0';
	len = strlen(line);
	n = argv_split(line, argv, WORDS_MAX, buf, len + 1, &err);
	if (n < 0) {
		check(err && (!strcmp(err, "a quote is not closed") ||
			      !strcmp(err, "a control character") ||
			      !strcmp(err, "too many words")), "error reason");
		goto out;
	}
	check(n < WORDS_MAX && argv[n] == NULL, "NULL after the words");
	for (i = 0; i < n; i++) {
		size_t wl = strlen(argv[i]);

		check(argv[i] >= buf && argv[i] + wl < buf + len + 1, "word outside buf");
		for (const char *s = argv[i]; *s; s++)
			check((unsigned char)*s >= 0x20 || *s == '\t', "control character");
		total += wl + 1;
	}
	check(total <= len + 1, "words longer than the line");
	if (!strpbrk(line, "'\""))
		for (i = 0; i < n; i++)
			check(!strpbrk(argv[i], " \t"), "blank in an unquoted word");
	/* A buffer one byte short of what the words take must fail. */
	if (n > 0)
		check(argv_split(line, argv2, WORDS_MAX, buf, total - 1, &err) == -1 &&
		      !strcmp(err, "too long"), "short buffer accepted");
	if (n > 0)
		check(argv_split(line, argv2, (size_t)n, buf, len + 1, &err) == -1 &&
		      !strcmp(err, "too many words"), "word limit ignored");
	/* Split the input again for the round trip (the checks above reused buf). */
	n = argv_split(line, argv, WORDS_MAX, buf, len + 1, NULL);
	again = malloc(5 * len + 3 * (size_t)n + 1);
	buf2 = malloc(5 * len + 3 * (size_t)n + 1);
	if (again && buf2) {
		size_t alen = requote(argv, n, again);

		check(argv_split(again, argv2, WORDS_MAX, buf2, alen + 1, NULL) == n,
		      "requoted words split differently");
		for (i = 0; i < n; i++)
			check(!strcmp(argv[i], argv2[i]), "requoted word differs");
	}
	free(again);
	free(buf2);
out:
	free(line);
	free(buf);
	return 0;
}
