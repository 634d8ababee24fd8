/* conf_priv: what the conf*.c files share; not part of the conf API.
 *
 * The parser is split by subject: conf.c (schema, entry points, errors and
 * the lines of values), conf_text.c (the text before libconfuse sees it),
 * conf_hint.c (libconfuse's own error messages),
 * conf_value.c (the syntax of single values: libconfuse's parse
 * callbacks), conf_instance.c (an instance and the checks across values
 * and instances), conf_track.c and conf_resource.c (one section each).
 *
 * libconfuse's callbacks carry no user pointer and its lexer keeps global
 * state, so one parse runs at a time and its context is the global
 * conf_ctx, set for the length of conf_parse_string(): none of this is
 * thread-safe (neither is libconfuse). */
#ifndef HAMGR_CONF_PRIV_H
#define HAMGR_CONF_PRIV_H

#include <confuse.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define US_PER_MS 1000ULL
#define US_PER_S 1000000ULL
#define DURATION_MAX_US (86400 * US_PER_S) /* no duration may exceed a day */
#define LIST_MAX 255                       /* unicast and allowed peers per instance */
#define SHOW_MAX 200                       /* a value quoted in a message */

/* Hidden per-section option whose default libconfuse parses while it
 * creates the section, i.e. while cfg->line is still the line of the
 * section's "{": the only moment that line is known (afterwards it is the
 * line of "}"). A file can still name it ("|line" = 1): conf_cb_header()
 * refuses that. Every section's schema ends with HEADER. */
#define HEADER_OPT "|line"
#define HEADER CFG_INT_LIST_CB(HEADER_OPT, "{0}", CFGF_NONE, conf_cb_header)

/* Sections inside an instance, and instances: titled, repeatable, each
 * title once (libconfuse reports a repeated one, see conf.c). */
#define SUBSECTION (CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES)

#define NAME_EXPECTED "expected 1..63 letters, digits, '.', '_' or '-', " \
	"starting with a letter or digit"

/* Where a value (key = its cfg_opt_t, idx = its list index) or a section
 * header (key = its cfg_t) was set. */
struct conf_spot {
	const void *key;
	unsigned idx;
	int line;
};

struct conf_parse {
	const char *file;
	const char *text; /* as libconfuse reads it (comments blanked) */
	char msg[CONF_ERR_MAX];
	int msg_line;
	bool failed;
	bool lowest; /* after parsing: keep the error with the lowest line */
	struct conf_spot *spots;
	size_t n_spots, cap_spots;
};

/* The parse running now (NULL between parses). */
extern struct conf_parse *conf_ctx;

/* ---- conf.c: errors and lines ---------------------------------------- */

/* Record an error "FILE:LINE: text" (line 0: "FILE: text"). While libconfuse
 * parses, the first error wins (it stops there); in the checks after
 * parsing the one with the lowest line wins, so the user fixes the file top
 * down. */
void conf_report(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Remember that key/idx was set on line; -1 after report() (no memory). */
int conf_spot_add(const void *key, unsigned idx, int line);

/* The latest line recorded for key/idx, 0 when none (a default value). */
int conf_spot_line(const void *key, unsigned idx);

/* The line of sec's "{" (see HEADER_OPT). */
int conf_header_line(cfg_t *sec);

/* Line of option name (list index idx) in sec, else fallback. */
int conf_line_of(cfg_t *sec, const char *name, unsigned idx, int fallback);

/* The kind sections of sec (CONF_TRACKS_MAX, say, as max) as a zeroed
 * array of elements of size bytes, their count in *n; NULL when there are
 * none, too many ("KIND NAME: one KIND too many") or no memory (reported). */
void *conf_sections(cfg_t *sec, const char *kind, size_t max, size_t size, size_t *n);

/* The title of the titled section sec into name (CONF_NAME_MAX bytes), a
 * title that is not a valid name reported as "KIND NAME: not a valid KIND
 * name". Returns the line of its "{". */
int conf_section_name(cfg_t *sec, const char *kind, char *name);

/* ---- conf_text.c ------------------------------------------------------ */

/* A copy of text with every comment replaced by spaces (newlines kept), or
 * NULL after conf_report() (an unclosed string, comment or section). */
char *conf_strip_comments(const char *text);

/* The section keyword, "track" or "resource", written before the last
 * title equal to title at or before line of the blanked text, or NULL:
 * which kind a repeated title was (libconfuse's message does not say). */
const char *conf_text_section_kind(const char *text, int line, const char *title);

/* The line of the first "NAME =" or "NAME +=" at or after line from of the
 * blanked text, 0 when none: where an empty list was written (libconfuse
 * calls no value callback for "{}"). */
int conf_text_option_line(const char *text, int from, const char *name);

/* The first keepalived.conf keyword (vrrp_instance, global_defs ...)
 * written where hamgr reads an option name, its line in *line, or NULL. */
const char *conf_text_keepalived(const char *text, int *line);

/* ---- conf_hint.c: libconfuse's own errors ---------------------------- */

/* The schema of the file and of an instance (conf.c). */
extern cfg_opt_t conf_root_opts[];
extern cfg_opt_t conf_instance_opts[];

/* libconfuse's error function (cfg_set_error_function()): its message
 * reported with the file name, and made to say what to do where it can
 * (a repeated title, a misspelt option, an option in the wrong section, a
 * keepalived file). */
void conf_cfg_error(cfg_t *cfg, const char *fmt, va_list ap);

/* ---- conf_value.c: values in messages, value syntax ------------------- */

/* A value as the user wrote it, quoted, with anything unprintable escaped
 * and long values cut, into buf (SHOW_MAX bytes): messages stay one
 * readable line. Returns buf. */
const char *conf_show(char *buf, const char *s);

/* A section title in a message: as is when it is a valid name, else
 * quoted like conf_show() into buf. */
const char *conf_title_show(char *buf, const char *title);

/* node-name, instance, track and resource names end up in environment
 * variables, JSON, logs and hactl arguments: plain names only
 * (NAME_EXPECTED). */
bool conf_name_ok(const char *s);

/* "100ms" or "1s" into microseconds: 0, -1 a bare number (no unit),
 * -2 not a duration, -3 more than a day. */
int conf_duration_parse(const char *s, uint64_t *us);

/* Durations print in the largest unit that is exact: 2s, 1500ms. */
const char *conf_duration_str(char *buf, size_t len, uint64_t us);

/* An absolute path of at most max bytes without control characters. */
bool conf_path_ok(const char *s, size_t max);

/* Length of the environment variable name ([A-Za-z_][A-Za-z0-9_]*) that s
 * starts with, 0 when none. */
size_t conf_param_name_len(const char *s);

/* The duration option name of sec in microseconds, 0 when it is not set
 * (its value was checked by conf_cb_duration()). */
uint64_t conf_getduration(cfg_t *sec, const char *name);

/* snprintf(dst, len, "%s", src), NULL as "". */
void conf_copy_str(char *dst, size_t len, const char *src);

/* libconfuse parse callbacks (cfg_callback_t): each checks one value the
 * moment it is set, refuses a second assignment and option paths, and
 * records the value's line. conf_cb_int and conf_cb_duration find their
 * range, conf_cb_choice its two words, by option (and section) name in
 * their tables in conf_value.c. conf_cb_text checks nothing. */
int conf_cb_int(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_duration(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_bool(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_name(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_path(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_ifname(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_choice(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_vip(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_peer(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_allowed(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_command(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_param(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_text(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
int conf_cb_header(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);

/* ---- conf_instance.c ---------------------------------------------------- */

/* Fill in from the instance section sec and check it, reporting every
 * problem; in's arrays are allocated (conf_instance_release()). */
void conf_instance_build(cfg_t *sec, struct conf_instance *in);

/* Instance j against the earlier instance i of c (root: the parsed file):
 * one VRRP router per (interface, vrid, family), no address held twice. */
void conf_instance_cross_check(cfg_t *root, const struct conf *c, size_t i, size_t j);

/* ---- conf_track.c, conf_resource.c ---------------------------------------- */

extern cfg_opt_t conf_track_opts[];
extern cfg_opt_t conf_resource_opts[];
extern cfg_opt_t conf_sync_opts[];

/* The track (resource) sections of the instance section sec into
 * in->tracks (in->resources), checked; reports every problem. */
void conf_track_build(cfg_t *sec, struct conf_instance *in);
void conf_resource_build(cfg_t *sec, struct conf_instance *in);

/* ---- conf_sync.c ---------------------------------------------------------- */

/* The sync section of root (at most one) into c->sync, and what it needs
 * of the rest of the file (instances built already): conntrack-sync
 * needs it, it needs auth-key-file. */
void conf_sync_build(cfg_t *root, struct conf *c);

#endif
