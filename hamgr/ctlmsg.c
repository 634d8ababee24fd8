/* ctlmsg: build, parse and validate control protocol messages (api 1).
 * Everything a peer sends is checked here, once, so neither the server
 * nor the handlers behind it see a message of the wrong shape. */
#include "errbuf.h"
#include "ctlmsg.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "ctlcmd.h"

/* Longest string argument (instance and node names are far shorter). */
#define ARG_STR_MAX 255

/* A command the daemon answers, by name; NULL for unknown and hactl-only
 * names (a "help" on the wire is as unknown as a typo). */
static const struct ctlcmd *cmd_find(const char *cmd)
{
	int id = ctlcmd_find(cmd);

	return id >= 0 && ctlcmd_on_wire((enum ctlcmd_id)id) ? ctlcmd_get((enum ctlcmd_id)id)
							     : NULL;
}

bool ctlmsg_cmd_known(const char *cmd)
{
	return cmd_find(cmd) != NULL;
}

bool ctlmsg_cmd_is_mutating(const char *cmd)
{
	const struct ctlcmd *c = cmd_find(cmd);

	return c ? c->kind == CTLCMD_MUTATE : true;
}

const char *ctlmsg_cmd_name(size_t i)
{
	int id;

	for (id = 0; id < CTLCMD_N; id++)
		if (ctlcmd_on_wire((enum ctlcmd_id)id) && i-- == 0)
			return ctlcmd_get((enum ctlcmd_id)id)->name;
	return NULL;
}


/* json_object_object_add that consumes val even when it fails, so every
 * builder below keeps its "takes ownership, also on failure" promise. */
static int add(struct json_object *o, const char *key, struct json_object *val)
{
	if (!val)
		return -1;
	if (json_object_object_add(o, key, val) != 0) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

struct json_object *ctlmsg_request_new(const char *cmd, struct json_object *args)
{
	struct json_object *o = json_object_new_object();

	if (!args)
		args = json_object_new_object();
	if (!o || !args || add(o, "api", json_object_new_int(CTLMSG_API)) < 0 ||
	    add(o, "cmd", json_object_new_string(cmd)) < 0) {
		json_object_put(o);
		json_object_put(args);
		return NULL;
	}
	if (add(o, "args", args) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *ctlmsg_answer_ok(struct json_object *result)
{
	struct json_object *o = json_object_new_object();

	if (!result)
		result = json_object_new_object();
	if (!o || !result || add(o, "api", json_object_new_int(CTLMSG_API)) < 0 ||
	    add(o, "ok", json_object_new_boolean(1)) < 0) {
		json_object_put(o);
		json_object_put(result);
		return NULL;
	}
	if (add(o, "result", result) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *ctlmsg_answer_error(const char *code, const char *error)
{
	struct json_object *o = json_object_new_object();

	if (!o || add(o, "api", json_object_new_int(CTLMSG_API)) < 0 ||
	    add(o, "ok", json_object_new_boolean(0)) < 0 ||
	    add(o, "error", json_object_new_string(error ? error : "unknown error")) < 0 ||
	    add(o, "code", json_object_new_string(code ? code : CTLMSG_EINVAL)) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

char *ctlmsg_line(struct json_object *msg, size_t *len)
{
	const char *s;
	size_t n;
	char *out;

	s = json_object_to_json_string_length(msg, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (!s)
		return NULL;
	out = malloc(n + 2);
	if (!out)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\n';
	out[n + 1] = '\0';
	if (len)
		*len = n + 1;
	return out;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The common framing of both directions: size, no NUL, strict JSON, one
 * object and nothing but white space after it. Returns the object or
 * NULL with err. */
static struct json_object *parse_object(const char *buf, size_t len, size_t max,
					const char *what, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error e;
	size_t end;

	if (len > max) {
		errbuf_set(err, errlen, "%s too large (%zu bytes, at most %zu)", what, len, max);
		return NULL;
	}
	if (memchr(buf, '\0', len)) {
		errbuf_set(err, errlen, "%s contains a NUL byte", what);
		return NULL;
	}
	while (len && is_space(buf[len - 1]))
		len--;
	if (len == 0) {
		errbuf_set(err, errlen, "empty %s", what);
		return NULL;
	}
	tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
	if (!tok) {
		errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (e == json_tokener_continue) {
		/* A complete object ends with '}', so this is a truncated
		 * object (or a bare number, which is no object either). */
		json_object_put(o);
		errbuf_set(err, errlen, "invalid JSON in %s: incomplete", what);
		return NULL;
	}
	if (e != json_tokener_success) {
		json_object_put(o);
		errbuf_set(err, errlen, "invalid JSON in %s: %s at offset %zu", what,
		       json_tokener_error_desc(e), end);
		return NULL;
	}
	if (end < len) {
		json_object_put(o);
		errbuf_set(err, errlen, "invalid JSON in %s: unexpected data after the object at offset %zu",
		       what, end);
		return NULL;
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		errbuf_set(err, errlen, "%s is not a JSON object", what);
		return NULL;
	}
	return o;
}

/* "api" must be present, an integer, and ours. -1 with err otherwise;
 * *seen receives the version found (0 if none). */
static int check_api(struct json_object *o, const char *what, int64_t *seen,
		     char *err, size_t errlen)
{
	struct json_object *v;

	*seen = 0;
	if (!json_object_object_get_ex(o, "api", &v)) {
		errbuf_set(err, errlen, "%s has no \"api\" member (supported: %d)", what, CTLMSG_API);
		return -1;
	}
	if (!json_object_is_type(v, json_type_int)) {
		errbuf_set(err, errlen, "%s: \"api\" is not an integer (supported: %d)", what,
		       CTLMSG_API);
		return -1;
	}
	*seen = json_object_get_int64(v);
	if (*seen != CTLMSG_API) {
		errbuf_set(err, errlen, "unsupported api version %" PRId64 " (supported: %d)", *seen,
		       CTLMSG_API);
		return -1;
	}
	return 0;
}

/* A string json-c holds may carry "\u0000": its C string would then be
 * shorter than the JSON one. Such names are refused everywhere. */
static bool clean_string(struct json_object *v)
{
	const char *s = json_object_get_string(v);

	return s && strlen(s) == (size_t)json_object_get_string_len(v);
}

static const struct ctlcmd_arg *arg_find(const struct ctlcmd *c, const char *name)
{
	const struct ctlcmd_arg *a;

	for (a = c->args; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

static int check_arg(const struct ctlcmd *c, const struct ctlcmd_arg *a,
		     struct json_object *v, char *err, size_t errlen)
{
	int64_t n;
	int len;

	if (a->type == CTLCMD_ARG_STRING) {
		if (!json_object_is_type(v, json_type_string)) {
			errbuf_set(err, errlen, "%s: argument \"%s\" must be a string", c->name, a->name);
			return -1;
		}
		len = json_object_get_string_len(v);
		if (len == 0 || len > ARG_STR_MAX || !clean_string(v)) {
			errbuf_set(err, errlen, "%s: argument \"%s\" must be 1 to %d bytes without NUL",
			       c->name, a->name, ARG_STR_MAX);
			return -1;
		}
		return 0;
	}
	if (a->type == CTLCMD_ARG_BOOL) {
		if (!json_object_is_type(v, json_type_boolean)) {
			errbuf_set(err, errlen, "%s: argument \"%s\" must be true or false", c->name, a->name);
			return -1;
		}
		return 0;
	}
	if (!json_object_is_type(v, json_type_int)) {
		errbuf_set(err, errlen, "%s: argument \"%s\" must be an integer", c->name, a->name);
		return -1;
	}
	n = json_object_get_int64(v);
	if (n < a->min || n > a->max) {
		errbuf_set(err, errlen, "%s: argument \"%s\" must be %" PRId64 "..%" PRId64
		       " (got %" PRId64 ")", c->name, a->name, a->min, a->max, n);
		return -1;
	}
	return 0;
}

/* Every member is one the command takes, with its type; every required
 * one is there. */
static int check_args(const struct ctlcmd *c, struct json_object *args,
		      char *err, size_t errlen)
{
	const struct ctlcmd_arg *a;

	json_object_object_foreach(args, key, val) {
		a = arg_find(c, key);
		if (!a) {
			errbuf_set(err, errlen, "%s: unknown argument \"%.64s\"", c->name, key);
			return -1;
		}
		if (check_arg(c, a, val, err, errlen) < 0)
			return -1;
	}
	for (a = c->args; a->name; a++) {
		if (a->required && !json_object_object_get_ex(args, a->name, NULL)) {
			errbuf_set(err, errlen, "%s: argument \"%s\" is required", c->name, a->name);
			return -1;
		}
	}
	return 0;
}

static bool known_member(const char *key, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(key, *names) == 0)
			return true;
	return false;
}

static int check_members(struct json_object *o, const char *what, const char *const *names,
			 char *err, size_t errlen)
{
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (!known_member(key, names)) {
			errbuf_set(err, errlen, "%s: unknown member \"%.64s\"", what, key);
			return -1;
		}
	}
	return 0;
}

/* "unknown command "x" (known: status, log, ...)", names from the table. */
static void unknown_cmd(const char *cmd, char *err, size_t errlen)
{
	const char *name;
	size_t i, off;

	errbuf_set(err, errlen, "unknown command \"%.64s\" (known:", cmd);
	for (i = 0; err && (name = ctlmsg_cmd_name(i)); i++) {
		off = strlen(err);
		if (off + 1 >= errlen)
			return;
		snprintf(err + off, errlen - off, "%s %s", i ? "," : "", name);
	}
	off = err ? strlen(err) : 0;
	if (off + 1 < errlen)
		snprintf(err + off, errlen - off, ")");
}

/* Resolve "cmd" and "args" of a request whose framing and api passed. */
static int request_fields(struct json_object *o, struct ctlmsg_request *req,
			  char *err, size_t errlen, const char **code)
{
	static const char *const members[] = { "api", "cmd", "args", NULL };
	const struct ctlcmd *c;
	struct json_object *v;

	*code = CTLMSG_EPROTO;
	if (check_members(o, "request", members, err, errlen) < 0)
		return -1;
	if (!json_object_object_get_ex(o, "cmd", &v)) {
		errbuf_set(err, errlen, "request has no \"cmd\" member");
		return -1;
	}
	if (!json_object_is_type(v, json_type_string)) {
		errbuf_set(err, errlen, "request: \"cmd\" is not a string");
		return -1;
	}
	req->cmd = json_object_get_string(v);
	c = clean_string(v) ? cmd_find(req->cmd) : NULL;
	if (!c) {
		*code = CTLMSG_EINVAL;
		unknown_cmd(req->cmd, err, errlen);
		return -1;
	}
	if (!json_object_object_get_ex(o, "args", &v)) {
		v = json_object_new_object();
		if (add(o, "args", v) < 0) {
			errbuf_set(err, errlen, "out of memory");
			return -1;
		}
	} else if (!json_object_is_type(v, json_type_object)) {
		errbuf_set(err, errlen, "request: \"args\" is not an object");
		return -1;
	}
	req->args = v;
	*code = CTLMSG_EINVAL;
	return check_args(c, v, err, errlen);
}

int ctlmsg_request_parse(const char *buf, size_t len, struct ctlmsg_request *req,
			 char *err, size_t errlen, const char **code)
{
	struct json_object *o;
	int64_t api;

	memset(req, 0, sizeof(*req));
	*code = CTLMSG_EPROTO;
	o = parse_object(buf, len, CTLMSG_MAX_REQUEST, "request", err, errlen);
	if (!o)
		return -1;
	if (check_api(o, "request", &api, err, errlen) < 0 ||
	    request_fields(o, req, err, errlen, code) < 0) {
		json_object_put(o);
		memset(req, 0, sizeof(*req));
		return -1;
	}
	req->root = o;
	return 0;
}

void ctlmsg_request_free(struct ctlmsg_request *req)
{
	if (!req)
		return;
	json_object_put(req->root);
	memset(req, 0, sizeof(*req));
}

static const char *get_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int answer_fields(struct json_object *o, struct ctlmsg_answer *ans,
			 char *err, size_t errlen)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, "ok", &v) || !json_object_is_type(v, json_type_boolean)) {
		errbuf_set(err, errlen, "answer: \"ok\" missing or not a boolean");
		return -1;
	}
	ans->ok = json_object_get_boolean(v);
	if (ans->ok) {
		if (!json_object_object_get_ex(o, "result", &v) ||
		    !json_object_is_type(v, json_type_object)) {
			errbuf_set(err, errlen, "answer: \"result\" missing or not an object");
			return -1;
		}
		ans->result = v;
		return 0;
	}
	ans->error = get_string(o, "error");
	ans->code = get_string(o, "code");
	if (!ans->error || !ans->code) {
		errbuf_set(err, errlen, "answer: \"error\" or \"code\" missing or not a string");
		return -1;
	}
	return 0;
}

int ctlmsg_answer_parse(const char *buf, size_t len, struct ctlmsg_answer *ans,
			char *err, size_t errlen)
{
	struct json_object *o;
	int64_t api;

	memset(ans, 0, sizeof(*ans));
	o = parse_object(buf, len, CTLMSG_MAX_ANSWER, "answer", err, errlen);
	if (!o)
		return -1;
	if (check_api(o, "answer", &api, err, errlen) < 0) {
		/* Say plainly that the two programs do not match. */
		if (api)
			errbuf_set(err, errlen, "hamgr speaks api %" PRId64 ", this hactl api %d "
			       "(install matching versions)", api, CTLMSG_API);
		json_object_put(o);
		return -1;
	}
	if (answer_fields(o, ans, err, errlen) < 0) {
		json_object_put(o);
		memset(ans, 0, sizeof(*ans));
		return -1;
	}
	ans->root = o;
	return 0;
}

void ctlmsg_answer_free(struct ctlmsg_answer *ans)
{
	if (!ans)
		return;
	json_object_put(ans->root);
	memset(ans, 0, sizeof(*ans));
}
