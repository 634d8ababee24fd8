/* conf_text: the config text before libconfuse reads it.
 *
 * Comments are blanked (newlines kept) and unclosed strings, comments,
 * ${NAME} references and sections are refused, because libconfuse 3.3
 * miscounts lines after every comment and silently swallows the rest of
 * the file after an unclosed one (see conf_strip_comments()). */
#include "conf_priv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A character libconfuse 3.3 takes as part of an unquoted word. */
static bool word_char(char c)
{
	return c != '\0' && !strchr(" #\"'\t\n\r={}()+,*", c);
}

/* "${NAME}" at s: libconfuse replaces it by the environment variable.
 * Returns its length, 0 when s is no such reference (no '}' follows), -1
 * when its '}' is on a later line (libconfuse would not count those lines).
 * more_braces: whether the text has a '}' after s at all. */
static long env_ref(const char *s, bool more_braces)
{
	size_t n;

	if (s[0] != '$' || s[1] != '{')
		return 0;
	n = strcspn(s, "}\n");
	if (s[n] == '}')
		return (long)n + 1;
	return more_braces ? -1 : 0;
}

/* Skip the string starting at t[*i] (a quote); *line follows newlines.
 * Inside "...", ${NAME} runs to its '}' even past a quote, as in libconfuse.
 * A string ends on its line: no value may hold a newline, so a line break
 * not taken by a backslash (libconfuse's continuation line) means the
 * closing quote is missing, and the next quote, lines further, would
 * only seem to close it. Returns 0, or -1 (not closed) or -2 (a ${
 * spanning lines). */
static int skip_string(const char *t, size_t *i, int *line, const char *last_brace)
{
	char q = t[*i];
	long env;

	for ((*i)++; t[*i] != q; (*i)++) {
		if (t[*i] == '\0' || t[*i] == '\n')
			return -1;
		if (t[*i] == '\\' && t[*i + 1] != '\0')
			(*i)++; /* a backslash takes the next character */
		else if (q == '"' && (env = env_ref(t + *i, t + *i < last_brace)) != 0) {
			if (env < 0)
				return -2;
			*i += (size_t)env - 1;
			continue;
		}
		if (t[*i] == '\n')
			(*line)++;
	}
	(*i)++;
	return 0;
}

/* Blank the comment at t[*i] ('#', "//" or a C comment), keeping newlines;
 * a one-line comment stops before its newline. -1: a C comment not closed. */
static int blank_comment(char *t, size_t *i, int *line)
{
	bool block = t[*i] == '/' && t[*i + 1] == '*';

	if (block) {
		t[(*i)++] = ' ';
		t[(*i)++] = ' ';
	}
	for (; t[*i]; (*i)++) {
		if (t[*i] == '\n') {
			if (!block)
				return 0;
			(*line)++;
		} else if (block && t[*i] == '*' && t[*i + 1] == '/') {
			t[(*i)++] = ' ';
			t[(*i)++] = ' ';
			return 0;
		} else {
			t[*i] = ' ';
		}
	}
	return block ? -1 : 0;
}

/* See conf_priv.h.
 *
 * Why: libconfuse 3.3 adds two lines to its count for every '#' or '//'
 * comment and one for every C comment, so its line numbers drift after the
 * first comment; it also rejects a comment inside a list (upstream issue
 * #150); and an unclosed quote or C comment silently swallows the rest of
 * the file, and so does an unclosed section (checked here too). Blanking is
 * not parsing: the rules below mirror libconfuse's
 * lexer so the text means exactly what it meant, and libconfuse still does
 * all the parsing.
 *  - '#' starts a comment anywhere outside quotes; "//" and C comments only
 *    where a word would start ("a//b" is one word);
 *  - "..." and '...' are strings, in which a backslash takes the next
 *    character; ${NAME} is an environment reference. */
char *conf_strip_comments(const char *text)
{
	char *t = strdup(text);
	const char *last_brace;
	size_t i = 0, depth = 0;
	int line = 1, start, rc, open_line = 0;
	bool in_word = false;
	char quote;
	long env;

	if (!t) {
		conf_report(0, "out of memory");
		return NULL;
	}
	last_brace = strrchr(t, '}');
	while (t[i]) {
		start = line;
		quote = t[i];
		rc = 0;
		if (t[i] == '"' || t[i] == '\'') {
			rc = skip_string(t, &i, &line, last_brace);
		} else if (t[i] == '#' ||
			   (!in_word && t[i] == '/' && (t[i + 1] == '/' || t[i + 1] == '*'))) {
			if (blank_comment(t, &i, &line) < 0) {
				conf_report(start, "comment is not closed, expected \"*/\" before "
				            "the end of the file");
				break;
			}
		} else if (!in_word && (env = env_ref(t + i, t + i < last_brace)) != 0) {
			rc = env < 0 ? -2 : 0;
			i += env > 0 ? (size_t)env : 0;
		} else {
			if (t[i] == '{' && depth++ == 0)
				open_line = line;
			else if (t[i] == '}' && depth > 0)
				depth--; /* a '}' too many: libconfuse reports it */
			in_word = word_char(t[i]);
			line += t[i++] == '\n';
			continue;
		}
		if (rc == -1)
			conf_report(start, "a string opened here is not closed, expected a "
			            "closing %c", quote);
		else if (rc == -2)
			conf_report(start, "\"${\" is not closed on its line, expected "
			            "${NAME} on one line");
		if (rc < 0)
			break;
		in_word = false;
	}
	if (depth > 0 && !conf_ctx->failed)
		conf_report(open_line, "\"{\" is not closed, expected \"}\" before the end "
		            "of the file");
	if (conf_ctx->failed) {
		free(t);
		return NULL;
	}
	return t;
}

const char *conf_text_section_kind(const char *t, int line, const char *title)
{
	const char *last_brace = strrchr(t, '}'), *kind = NULL, *found = NULL;
	size_t i = 0, start, len, tlen = strlen(title);
	int l = 1;

	/* Tokens as libconfuse reads them: words, strings (compared without
	 * their quotes) and single characters; blanks only separate. */
	while (t[i] && l <= line) {
		const char *tok = t + i;
		bool word = false;

		start = i;
		if (t[i] == '"' || t[i] == '\'') {
			if (skip_string(t, &i, &l, last_brace) < 0)
				break;
			tok = t + start + 1;
			len = i - start - 2;
		} else if (word_char(t[i])) {
			while (word_char(t[i]))
				i++;
			len = i - start;
			word = true;
		} else {
			l += t[i] == '\n';
			if (strchr(" \t\r\n", t[i++]))
				continue;
			len = 0; /* '{', '=' ...: no title follows */
		}
		if (kind && len == tlen && !memcmp(tok, title, len))
			found = kind;
		kind = !word ? NULL : len == 5 && !memcmp(tok, "track", 5) ? "track"
				: len == 8 && !memcmp(tok, "resource", 8) ? "resource" : NULL;
	}
	return found;
}
