/* conf_hint: libconfuse's own error messages, made to say what to do.
 *
 * libconfuse reports syntax it cannot read ("no such option 'x'",
 * "unexpected token"); its message gets the file name here, and where the
 * mistake is a common one, a hint: the option meant by a misspelt name,
 * the section an option belongs in, the first line of a keepalived file,
 * which section a repeated title was. */
#include "conf_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define SUGGEST_MAX 2u /* "did you mean": at most this many edits away */

/* Sections whose options an unknown name is looked up in, in the order a
 * message lists them. */
static const struct {
	const char *kind, *inside;
	cfg_opt_t *opts;
} sections[] = {
	{ "root", NULL, conf_root_opts },
	{ "instance", "an instance { }", conf_instance_opts },
	{ "track", "a track { }", conf_track_opts },
	{ "resource", "a resource { }", conf_resource_opts },
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

/* An option (not a section, not the hidden HEADER_OPT) called name. */
static bool has_option(const cfg_opt_t *opts, const char *name)
{
	for (; opts->name; opts++)
		if (opts->type != CFGT_SEC && strcmp(opts->name, HEADER_OPT) &&
		    !strcmp(opts->name, name))
			return true;
	return false;
}

static bool same_char(char a, char b)
{
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

/* Edits (insert, delete, replace, swap two neighbours) from a to b,
 * case-insensitive (optimal string alignment distance); names longer
 * than a name can be are far off. */
static unsigned distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned char d[CONF_NAME_MAX + 1][CONF_NAME_MAX + 1];

	if (la > CONF_NAME_MAX || lb > CONF_NAME_MAX)
		return CONF_NAME_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned char)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned char)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			unsigned v = d[i - 1][j - 1] + !same_char(a[i - 1], b[j - 1]);

			if (d[i - 1][j] + 1u < v)
				v = d[i - 1][j] + 1u;
			if (d[i][j - 1] + 1u < v)
				v = d[i][j - 1] + 1u;
			if (i > 1 && j > 1 && same_char(a[i - 1], b[j - 2]) &&
			    same_char(a[i - 2], b[j - 1]) && d[i - 2][j - 2] + 1u < v)
				v = d[i - 2][j - 2] + 1u;
			d[i][j] = (unsigned char)v;
		}
	}
	return d[la][lb];
}

/* The option of opts closest to name: at most SUGGEST_MAX edits away, and
 * fewer than half its length (two edits turn "prio" into "vrid"). */
static const char *closest(const cfg_opt_t *opts, const char *name)
{
	unsigned best = SUGGEST_MAX + 1, d;
	const char *found = NULL;

	for (; opts->name; opts++) {
		if (opts->type == CFGT_SEC || !strcmp(opts->name, HEADER_OPT))
			continue;
		d = distance(name, opts->name);
		if (d < best && 2 * d < strlen(opts->name)) {
			best = d;
			found = opts->name;
		}
	}
	return found;
}
/* "no such option 'name'" in section cfg: the option it is elsewhere, or
 * the one it is a misspelling of. */
static void unknown_option(cfg_t *cfg, const char *name)
{
	const char *kind = cfg_name(cfg), *near;
	char where[128] = "", buf[SHOW_MAX];
	size_t k, o = 0;

	if (strcmp(kind, "root") && has_option(conf_root_opts, name)) {
		conf_report(cfg->line, "%s is a global option, expected it before any "
		            "instance", name);
		return;
	}
	if (strcmp(kind, "track") == 0 || strcmp(kind, "resource") == 0) {
		if (has_option(conf_instance_opts, name)) {
			conf_report(cfg->line, "%s is an instance option, expected it outside "
			            "%s %s { }", name, kind, conf_title_show(buf, cfg_title(cfg)));
			return;
		}
	}
	for (k = 1; k < N_SECTIONS; k++)
		if (strcmp(kind, sections[k].kind) && has_option(sections[k].opts, name))
			o += (size_t)snprintf(where + o, sizeof(where) - o, "%s%s",
					      o ? " or " : "", sections[k].inside);
	if (o) {
		conf_report(cfg->line, "%s belongs inside %s section", name, where);
		return;
	}
	near = closest(cfg->opts, name);
	if (near)
		conf_report(cfg->line, "no such option '%s', did you mean '%s'?", name, near);
	else
		conf_report(cfg->line, "no such option '%s'", name);
}

/* A repeated section title: which section, and where the first one is. */
static void duplicate_title(cfg_t *cfg, const char *title)
{
	const char *kind = "instance";
	char buf[SHOW_MAX];
	cfg_t *first;

	if (strcmp(cfg_name(cfg), "root") == 0) {
		first = cfg_gettsec(cfg, "instance", title);
	} else {
		/* A track and a resource may share a title. */
		kind = conf_text_section_kind(conf_ctx->text, cfg->line, title);
		if (!kind)
			kind = cfg_gettsec(cfg, "track", title) ? "track" : "resource";
		first = cfg_gettsec(cfg, kind, title);
	}
	conf_report(cfg->line, "%s %s is defined twice (first at line %d)", kind,
	            conf_title_show(buf, title), first ? conf_spot_line(first, 0) : 0);
}

void conf_cfg_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char text[CONF_ERR_MAX];
	const char *word;
	int line = 0;

	/* Whatever libconfuse tripped over, a keepalived file is the
	 * mistake to name (its first line may be a "!" comment). */
	word = conf_text_keepalived(conf_ctx->text, &line);
	if (word) {
		conf_report(line, "this looks like a keepalived configuration (%s); "
		            "hamgr.conf(5) has the syntax, expected instance NAME { ... }",
		            word);
		return;
	}
	if (strcmp(fmt, "found duplicate title '%s'") == 0) {
		duplicate_title(cfg, va_arg(ap, const char *));
		return;
	}
	vsnprintf(text, sizeof(text), fmt, ap);
	/* libconfuse quotes tokens as read: keep the message one short line */
	for (char *ch = text; *ch; ch++)
		if ((unsigned char)*ch < 0x20 || *ch == 0x7f)
			*ch = '?';
	if (strlen(text) > 200)
		memcpy(text + 197, "...", 4);
	if (strcmp(fmt, "no such option '%s'") == 0 && strlen(text) < 200) {
		text[strlen(text) - 1] = '\0';
		unknown_option(cfg, text + strlen("no such option '"));
		return;
	}
	conf_report(cfg->line, "%s", text);
}
