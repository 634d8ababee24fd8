/* argv: split a command line into words, without a shell.
 *
 * Pure: no allocation, no syscalls. Track commands are one string in the
 * config ("/usr/lib/hamgr/agents/check-ping 10.0.0.254") but are run
 * without a shell (script.h), so hamgr splits them itself, with the few
 * rules a reader expects from sh and nothing that sh would expand:
 *  - words are separated by blanks (spaces and tabs);
 *  - '...' and "..." keep blanks inside one word and are removed; quoted
 *    text touching other text joins it into one word (a'b c'd is "ab cd"),
 *    and '' or "" alone is an empty word;
 *  - nothing else is special: no backslash escapes, variables, globs or
 *    operators (a ' inside "..." and a " inside '...' are plain text);
 *  - a control character other than a tab is an error, quoted or not. */
#ifndef HAMGR_ARGV_H
#define HAMGR_ARGV_H

#include <stddef.h>

/* Split line into argv[0..n-1] with argv[n] = NULL, the words stored
 * NUL-terminated in buf. argv has room for max pointers (at most max - 1
 * words), buf for buflen bytes: strlen(line) + 1 is always enough. Returns
 * n (0 for a line of blanks), or -1 with *err (when err is not NULL) set
 * to a static reason: "a quote is not closed", "a control character",
 * "too many words" or "too long" (buf too small); argv and buf are then
 * unspecified. */
int argv_split(const char *line, char **argv, size_t max, char *buf, size_t buflen,
	       const char **err);

#endif
