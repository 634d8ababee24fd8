/* conf_text: the config text before libconfuse reads it.
 *
 * Comments are blanked (newlines kept) and unclosed strings, comments,
 * ${NAME} references and sections are refused, because libconfuse 3.3
 * miscounts lines after every comment and silently swallows the rest of
 * the file after an unclosed one (see conf_strip_comments()). Its tokens
 * are read again, the way libconfuse reads them, where libconfuse's own
 * error needs more than it says: which section a repeated title was, and
 * whether the file is a keepalived.conf; and where libconfuse keeps no
 * line: an empty list. */
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

/* A token as libconfuse reads it: a word, a string (s and len without its
 * quotes) or a single character such as '{' or '='; blanks only separate. */
struct token {
	const char *s;
	size_t len;
	int line;
	char kind; /* 'w' a word, 's' a string, else the character */
};

struct lexer {
	const char *t, *last_brace;
	size_t i;
	int line;
};

static void lexer_init(struct lexer *lx, const char *t)
{
	*lx = (struct lexer){ t, strrchr(t, '}'), 0, 1 };
}

/* The next token of the blanked text; false at its end (or at a string
 * conf_strip_comments() refused). */
static bool next_token(struct lexer *lx, struct token *tok)
{
	const char *t = lx->t;
	size_t start;

	while (t[lx->i] && strchr(" \t\r\n", t[lx->i]))
		lx->line += t[lx->i++] == '\n';
	if (!t[lx->i])
		return false;
	start = lx->i;
	tok->line = lx->line;
	tok->s = t + start;
	if (t[start] == '"' || t[start] == '\'') {
		if (skip_string(t, &lx->i, &lx->line, lx->last_brace) < 0)
			return false;
		tok->s++;
		tok->len = lx->i - start - 2;
		tok->kind = 's';
	} else if (word_char(t[start])) {
		while (word_char(t[lx->i]))
			lx->i++;
		tok->len = lx->i - start;
		tok->kind = 'w';
	} else {
		tok->len = 1;
		tok->kind = t[lx->i++];
	}
	return true;
}

static bool token_is(const struct token *tok, const char *word)
{
	return tok->kind == 'w' && tok->len == strlen(word) && !memcmp(tok->s, word, tok->len);
}

const char *conf_text_section_kind(const char *t, int line, const char *title)
{
	const char *kind = NULL, *found = NULL;
	size_t tlen = strlen(title);
	struct lexer lx;
	struct token tok;

	lexer_init(&lx, t);
	while (next_token(&lx, &tok) && tok.line <= line) {
		if (kind && (tok.kind == 'w' || tok.kind == 's') && tok.len == tlen &&
		    !memcmp(tok.s, title, tlen))
			found = kind;
		kind = token_is(&tok, "track") ? "track"
		     : token_is(&tok, "resource") ? "resource" : NULL;
	}
	return found;
}

int conf_text_option_line(const char *t, int from, const char *name)
{
	struct token prev = { .kind = '}' }, tok;
	size_t len = strlen(name);
	struct lexer lx;

	lexer_init(&lx, t);
	while (next_token(&lx, &tok)) {
		if ((tok.kind == '=' || tok.kind == '+') && prev.line >= from &&
		    (prev.kind == 'w' || prev.kind == 's') && prev.len == len &&
		    !memcmp(prev.s, name, len))
			return prev.line;
		prev = tok;
	}
	return 0;
}

/* Words of keepalived.conf(5) that hamgr.conf has no use for as options. */
static const char *const keepalived_words[] = {
	"global_defs", "vrrp_instance", "vrrp_script", "vrrp_sync_group",
	"virtual_router_id", "virtual_ipaddress", "virtual_server",
};

static const char *keepalived_word(const struct token *tok)
{
	size_t k;

	for (k = 0; k < sizeof(keepalived_words) / sizeof(keepalived_words[0]); k++)
		if (token_is(tok, keepalived_words[k]))
			return keepalived_words[k];
	return NULL;
}

/* A keepalived word where hamgr would read an option name: not a section
 * title (a resource may be called vrrp_script), not a value after '=',
 * not followed by '=' (keepalived writes "keyword value"). */
const char *conf_text_keepalived(const char *t, int *line)
{
	struct token prev = { .kind = '}' }, tok;
	const char *found = NULL;
	struct lexer lx;

	lexer_init(&lx, t);
	while (next_token(&lx, &tok)) {
		if (found && tok.kind != '=' && tok.kind != '+')
			return found;
		found = NULL;
		if (prev.kind != '=' && !token_is(&prev, "instance") &&
		    !token_is(&prev, "track") && !token_is(&prev, "resource")) {
			found = keepalived_word(&tok);
			*line = tok.line;
		}
		prev = tok;
	}
	return found;
}
