/* argv: split a command line into words, without a shell (see argv.h). */
#include "core/argv.h"

#include <stdbool.h>

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

int argv_split(const char *line, char **argv, size_t max, char *buf, size_t buflen,
	       const char **err)
{
	const char *p = line, *why = NULL;
	size_t n = 0, o = 0;

	if (max == 0) {
		why = "too many words"; /* not even room for the NULL */
		goto fail;
	}
	for (;;) {
		char q = 0;

		while (blank(*p))
			p++;
		if (*p == '\0')
			break;
		if (n + 1 >= max) {
			why = "too many words";
			goto fail;
		}
		argv[n++] = buf + o;
		for (; *p && (q || !blank(*p)); p++) {
			unsigned char c = (unsigned char)*p;

			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				why = "a control character";
				goto fail;
			}
			if (q ? c == (unsigned char)q : (c == '\'' || c == '"')) {
				q = q ? 0 : (char)c; /* a quote opens or closes, never copied */
				continue;
			}
			if (o + 1 >= buflen) { /* room for c and the word's NUL */
				why = "too long";
				goto fail;
			}
			buf[o++] = (char)c;
		}
		if (q) {
			why = "a quote is not closed";
			goto fail;
		}
		if (o >= buflen) { /* an empty word at the very end of buf */
			why = "too long";
			goto fail;
		}
		buf[o++] = '\0';
	}
	argv[n] = NULL;
	return (int)n;
fail:
	if (err)
		*err = why;
	return -1;
}
