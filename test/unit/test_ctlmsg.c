/* Unit tests for ctlmsg: the control protocol codec shared by the daemon's
 * control socket and hactl. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "ctlmsg.h"
#include "cu_main.h"

static char err[CTLMSG_ERR_MAX];
static const char *code;
static struct ctlmsg_request req;
static struct ctlmsg_answer ans;

static int parse_req(const char *s)
{
	memset(err, 0, sizeof(err));
	code = NULL;
	return ctlmsg_request_parse(s, strlen(s), &req, err, sizeof(err), &code);
}

static int parse_ans(const char *s)
{
	memset(err, 0, sizeof(err));
	return ctlmsg_answer_parse(s, strlen(s), &ans, err, sizeof(err));
}

/* The request must be refused with code c and an error containing sub. */
static void refused(const char *s, const char *c, const char *sub)
{
	int r = parse_req(s);

	CU_ASSERT_EQUAL(r, -1);
	if (r == 0) {
		fprintf(stderr, "\naccepted: %s\n", s);
		ctlmsg_request_free(&req);
		return;
	}
	CU_ASSERT_PTR_NULL(req.root);
	CU_ASSERT_PTR_NOT_NULL_FATAL(code);
	CU_ASSERT_STRING_EQUAL(code, c);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, sub));
	if (strcmp(code, c) || !strstr(err, sub))
		fprintf(stderr, "\n%s -> %s: %s (expected %s, /%s/)\n", s, code, err, c, sub);
}

static void ans_refused(const char *s, const char *sub)
{
	int r = parse_ans(s);

	CU_ASSERT_EQUAL(r, -1);
	if (r == 0) {
		fprintf(stderr, "\naccepted answer: %s\n", s);
		ctlmsg_answer_free(&ans);
		return;
	}
	CU_ASSERT_PTR_NULL(ans.root);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, sub));
	if (!strstr(err, sub))
		fprintf(stderr, "\n%s -> %s (expected /%s/)\n", s, err, sub);
}

/* ------------------------------------------------------------ round trips */

static void test_request_round_trip(void)
{
	struct json_object *args = json_object_new_object(), *msg, *v;
	size_t len;
	char *line;

	json_object_object_add(args, "instance", json_object_new_string("web"));
	json_object_object_add(args, "to", json_object_new_string("n2"));
	msg = ctlmsg_request_new("switchover", args);
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	line = ctlmsg_line(msg, &len);
	json_object_put(msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	CU_ASSERT_EQUAL(len, strlen(line));
	/* One line: only the final newline. */
	CU_ASSERT_PTR_EQUAL(strchr(line, '\n'), line + len - 1);
	CU_ASSERT_EQUAL(ctlmsg_request_parse(line, len, &req, err, sizeof(err), &code), 0);
	CU_ASSERT_STRING_EQUAL(req.cmd, "switchover");
	CU_ASSERT_TRUE(json_object_object_get_ex(req.args, "instance", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "web");
	CU_ASSERT_TRUE(json_object_object_get_ex(req.args, "to", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "n2");
	ctlmsg_request_free(&req);
	CU_ASSERT_PTR_NULL(req.root);
	free(line);
}

/* Every command with no arguments: args is an empty object; missing
 * "args" is the same as {}. */
static void test_request_every_command(void)
{
	const char *name;
	struct json_object *msg, *a;
	char *line, buf[128];
	size_t i, len;
	int n = 0;

	for (i = 0; (name = ctlmsg_cmd_name(i)); i++, n++) {
		bool needs = !strcmp(name, "switchover") || !strcmp(name, "standby") ||
			     !strcmp(name, "active");

		a = json_object_new_object();
		if (needs)
			json_object_object_add(a, "instance", json_object_new_string("db"));
		msg = ctlmsg_request_new(name, a);
		line = ctlmsg_line(msg, &len);
		json_object_put(msg);
		CU_ASSERT_EQUAL(ctlmsg_request_parse(line, len, &req, err, sizeof(err), &code), 0);
		CU_ASSERT_STRING_EQUAL(req.cmd, name);
		CU_ASSERT_TRUE(json_object_is_type(req.args, json_type_object));
		ctlmsg_request_free(&req);
		free(line);
		if (needs)
			continue;
		snprintf(buf, sizeof(buf), "{\"api\":1,\"cmd\":\"%s\"}", name);
		CU_ASSERT_EQUAL_FATAL(parse_req(buf), 0);
		CU_ASSERT_TRUE(json_object_is_type(req.args, json_type_object));
		CU_ASSERT_EQUAL(json_object_object_length(req.args), 0);
		ctlmsg_request_free(&req);
	}
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_PTR_NULL(ctlmsg_cmd_name(7));
}

static void test_request_null_args(void)
{
	struct json_object *msg = ctlmsg_request_new("status", NULL), *v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT_TRUE(json_object_object_get_ex(msg, "args", &v));
	CU_ASSERT_TRUE(json_object_is_type(v, json_type_object));
	CU_ASSERT_TRUE(json_object_object_get_ex(msg, "api", &v));
	CU_ASSERT_EQUAL(json_object_get_int(v), CTLMSG_API);
	json_object_put(msg);
}

static void test_answer_ok_round_trip(void)
{
	struct json_object *res = json_object_new_object(), *msg, *v;
	char *line;
	size_t len;

	json_object_object_add(res, "node", json_object_new_string("proxy01"));
	json_object_object_add(res, "master_down_interval_ms", json_object_new_double(341.4));
	msg = ctlmsg_answer_ok(res);
	line = ctlmsg_line(msg, &len);
	json_object_put(msg);
	CU_ASSERT_EQUAL_FATAL(ctlmsg_answer_parse(line, len, &ans, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(ans.ok);
	CU_ASSERT_PTR_NULL(ans.error);
	CU_ASSERT_TRUE(json_object_object_get_ex(ans.result, "node", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "proxy01");
	CU_ASSERT_TRUE(json_object_object_get_ex(ans.result, "master_down_interval_ms", &v));
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(v), 341.4, 1e-9);
	ctlmsg_answer_free(&ans);
	free(line);

	msg = ctlmsg_answer_ok(NULL);
	line = ctlmsg_line(msg, &len);
	json_object_put(msg);
	CU_ASSERT_EQUAL_FATAL(ctlmsg_answer_parse(line, len, &ans, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(ans.ok);
	CU_ASSERT_EQUAL(json_object_object_length(ans.result), 0);
	ctlmsg_answer_free(&ans);
	free(line);
}

static void test_answer_error_round_trip(void)
{
	struct json_object *msg;
	char *line;
	size_t len;

	msg = ctlmsg_answer_error(CTLMSG_EPERM,
				  "switchover needs root or CAP_NET_ADMIN (peer uid 1000)");
	line = ctlmsg_line(msg, &len);
	json_object_put(msg);
	CU_ASSERT_EQUAL_FATAL(ctlmsg_answer_parse(line, len, &ans, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(ans.ok);
	CU_ASSERT_PTR_NULL(ans.result);
	CU_ASSERT_STRING_EQUAL(ans.code, "EPERM");
	CU_ASSERT_STRING_EQUAL(ans.error, "switchover needs root or CAP_NET_ADMIN (peer uid 1000)");
	ctlmsg_answer_free(&ans);
	free(line);

	/* NULL code defaults to EINVAL. */
	msg = ctlmsg_answer_error(NULL, "bad");
	line = ctlmsg_line(msg, &len);
	json_object_put(msg);
	CU_ASSERT_EQUAL_FATAL(ctlmsg_answer_parse(line, len, &ans, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(ans.code, "EINVAL");
	ctlmsg_answer_free(&ans);
	free(line);
}

/* A string with a newline and a slash stays one line and comes back. */
static void test_line_escapes(void)
{
	struct json_object *msg = ctlmsg_answer_error("EINVAL", "a\nb/c\"d"), *v;
	char *line;
	size_t len;

	line = ctlmsg_line(msg, &len);
	json_object_put(msg);
	CU_ASSERT_PTR_EQUAL(strchr(line, '\n'), line + len - 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "b/c"));
	CU_ASSERT_EQUAL_FATAL(ctlmsg_answer_parse(line, len, &ans, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(ans.error, "a\nb/c\"d");
	(void)v;
	ctlmsg_answer_free(&ans);
	free(line);
}

/* ------------------------------------------------------------ framing */

static void test_framing_whitespace(void)
{
	CU_ASSERT_EQUAL(parse_req("{\"api\":1,\"cmd\":\"status\"}\n"), 0);
	ctlmsg_request_free(&req);
	CU_ASSERT_EQUAL(parse_req("  {\"api\":1,\"cmd\":\"status\"} \r\n\n"), 0);
	ctlmsg_request_free(&req);
}

static void test_malformed_json(void)
{
	refused("", CTLMSG_EPROTO, "empty request");
	refused("\n", CTLMSG_EPROTO, "empty request");
	refused("{", CTLMSG_EPROTO, "incomplete");
	refused("{\"api\":1,\"cmd\":\"status\"", CTLMSG_EPROTO, "incomplete");
	refused("not json", CTLMSG_EPROTO, "invalid JSON");
	/* Trailing data: json-c's strict mode stops at it. */
	refused("{\"api\":1,\"cmd\":\"status\"} x", CTLMSG_EPROTO, "invalid JSON in request");
	refused("{\"api\":1,\"cmd\":\"status\"}{}", CTLMSG_EPROTO, "at offset 24");
	/* Strict JSON: no single quotes, no trailing commas. */
	refused("{'api':1,'cmd':'status'}", CTLMSG_EPROTO, "invalid JSON");
	refused("{\"api\":1,\"cmd\":\"status\",}", CTLMSG_EPROTO, "invalid JSON");
	refused("[1,2]", CTLMSG_EPROTO, "not a JSON object");
	refused("\"status\"", CTLMSG_EPROTO, "not a JSON object");
	refused("null", CTLMSG_EPROTO, "invalid JSON");
	refused("true ", CTLMSG_EPROTO, "invalid JSON");
	refused("{\"api\":1,\"cmd\":\"st\xff\xfe\"}", CTLMSG_EPROTO, "invalid JSON");
}

static void test_nul_byte(void)
{
	static const char s[] = "{\"api\":1,\"cmd\":\"status\"}\0garbage";

	code = NULL;
	CU_ASSERT_EQUAL(ctlmsg_request_parse(s, sizeof(s) - 1, &req, err, sizeof(err), &code), -1);
	CU_ASSERT_STRING_EQUAL(code, CTLMSG_EPROTO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "NUL"));
}

static void test_too_deep(void)
{
	char buf[512];
	size_t off = 0;
	int i;

	off += (size_t)snprintf(buf, sizeof(buf), "{\"api\":1,\"cmd\":\"status\",\"args\":");
	for (i = 0; i < 60; i++)
		buf[off++] = '[';
	for (i = 0; i < 60; i++)
		buf[off++] = ']';
	buf[off++] = '}';
	buf[off] = '\0';
	refused(buf, CTLMSG_EPROTO, "invalid JSON");
}

static void test_oversize(void)
{
	char *big = malloc(CTLMSG_MAX_REQUEST + 2);
	const char *head = "{\"api\":1,\"cmd\":\"status\"}";
	size_t hl = strlen(head);

	/* Exactly the limit (padded with spaces and a newline) is accepted. */
	memcpy(big, head, hl);
	memset(big + hl, ' ', CTLMSG_MAX_REQUEST - hl - 1);
	big[CTLMSG_MAX_REQUEST - 1] = '\n';
	big[CTLMSG_MAX_REQUEST] = '\0';
	CU_ASSERT_EQUAL(parse_req(big), 0);
	ctlmsg_request_free(&req);
	/* One byte more is not, before any parsing. */
	big[CTLMSG_MAX_REQUEST - 1] = ' ';
	big[CTLMSG_MAX_REQUEST] = '\n';
	big[CTLMSG_MAX_REQUEST + 1] = '\0';
	refused(big, CTLMSG_EPROTO, "too large (65537 bytes, at most 65536)");
	free(big);
}

/* ------------------------------------------------------------ api, cmd */

static void test_api_version(void)
{
	refused("{\"cmd\":\"status\"}", CTLMSG_EPROTO, "no \"api\"");
	refused("{\"api\":2,\"cmd\":\"status\"}", CTLMSG_EPROTO,
		"unsupported api version 2 (supported: 1)");
	refused("{\"api\":0,\"cmd\":\"status\"}", CTLMSG_EPROTO, "unsupported api version 0");
	refused("{\"api\":\"1\",\"cmd\":\"status\"}", CTLMSG_EPROTO, "not an integer");
	refused("{\"api\":1.0,\"cmd\":\"status\"}", CTLMSG_EPROTO, "not an integer");
	refused("{\"api\":null,\"cmd\":\"status\"}", CTLMSG_EPROTO, "not an integer");
	refused("{\"api\":99999999999999999999,\"cmd\":\"status\"}", CTLMSG_EPROTO,
		"unsupported api version");
}

static void test_cmd(void)
{
	refused("{\"api\":1}", CTLMSG_EPROTO, "no \"cmd\"");
	refused("{\"api\":1,\"cmd\":5}", CTLMSG_EPROTO, "\"cmd\" is not a string");
	refused("{\"api\":1,\"cmd\":null}", CTLMSG_EPROTO, "\"cmd\" is not a string");
	refused("{\"api\":1,\"cmd\":[\"status\"]}", CTLMSG_EPROTO, "\"cmd\" is not a string");
	refused("{\"api\":1,\"cmd\":\"reboot\"}", CTLMSG_EINVAL,
		"unknown command \"reboot\" (known: status, switchover, standby, active, log, "
		"metrics, reload)");
	refused("{\"api\":1,\"cmd\":\"\"}", CTLMSG_EINVAL, "unknown command");
	refused("{\"api\":1,\"cmd\":\"STATUS\"}", CTLMSG_EINVAL, "unknown command");
	/* "status\u0000x" must not pass as "status". */
	refused("{\"api\":1,\"cmd\":\"status\\u0000x\"}", CTLMSG_EINVAL, "unknown command");
	refused("{\"api\":1,\"cmd\":\"status\",\"extra\":1}", CTLMSG_EPROTO,
		"unknown member \"extra\"");
}

static void test_args_not_object(void)
{
	refused("{\"api\":1,\"cmd\":\"status\",\"args\":[]}", CTLMSG_EPROTO,
		"\"args\" is not an object");
	refused("{\"api\":1,\"cmd\":\"status\",\"args\":\"web\"}", CTLMSG_EPROTO,
		"\"args\" is not an object");
	refused("{\"api\":1,\"cmd\":\"status\",\"args\":null}", CTLMSG_EPROTO,
		"\"args\" is not an object");
	refused("{\"api\":1,\"cmd\":\"status\",\"args\":1}", CTLMSG_EPROTO,
		"\"args\" is not an object");
}

static void test_args_checked(void)
{
	struct json_object *v;

	refused("{\"api\":1,\"cmd\":\"status\",\"args\":{\"instance\":5}}", CTLMSG_EINVAL,
		"status: argument \"instance\" must be a string");
	refused("{\"api\":1,\"cmd\":\"status\",\"args\":{\"instance\":\"\"}}", CTLMSG_EINVAL,
		"must be 1 to 255 bytes");
	refused("{\"api\":1,\"cmd\":\"status\",\"args\":{\"instance\":\"a\\u0000b\"}}",
		CTLMSG_EINVAL, "without NUL");
	refused("{\"api\":1,\"cmd\":\"status\",\"args\":{\"verbose\":true}}", CTLMSG_EINVAL,
		"status: unknown argument \"verbose\"");
	refused("{\"api\":1,\"cmd\":\"metrics\",\"args\":{\"instance\":\"web\"}}", CTLMSG_EINVAL,
		"metrics: unknown argument \"instance\"");
	refused("{\"api\":1,\"cmd\":\"log\",\"args\":{\"n\":0}}", CTLMSG_EINVAL,
		"log: argument \"n\" must be 1..1000 (got 0)");
	refused("{\"api\":1,\"cmd\":\"log\",\"args\":{\"n\":1001}}", CTLMSG_EINVAL, "must be 1..1000");
	refused("{\"api\":1,\"cmd\":\"log\",\"args\":{\"n\":-5}}", CTLMSG_EINVAL, "must be 1..1000");
	refused("{\"api\":1,\"cmd\":\"log\",\"args\":{\"n\":\"5\"}}", CTLMSG_EINVAL,
		"must be an integer");
	refused("{\"api\":1,\"cmd\":\"log\",\"args\":{\"n\":5.5}}", CTLMSG_EINVAL,
		"must be an integer");
	refused("{\"api\":1,\"cmd\":\"switchover\",\"args\":{}}", CTLMSG_EINVAL,
		"switchover: argument \"instance\" is required");
	refused("{\"api\":1,\"cmd\":\"switchover\"}", CTLMSG_EINVAL, "\"instance\" is required");
	refused("{\"api\":1,\"cmd\":\"standby\",\"args\":{\"to\":\"n2\"}}", CTLMSG_EINVAL,
		"standby: unknown argument \"to\"");
	refused("{\"api\":1,\"cmd\":\"active\",\"args\":{}}", CTLMSG_EINVAL, "is required");
	refused("{\"api\":1,\"cmd\":\"switchover\",\"args\":{\"instance\":\"web\",\"to\":1}}",
		CTLMSG_EINVAL, "\"to\" must be a string");

	CU_ASSERT_EQUAL_FATAL(parse_req("{\"api\":1,\"cmd\":\"log\",\"args\":{\"n\":1000}}"), 0);
	CU_ASSERT_TRUE(json_object_object_get_ex(req.args, "n", &v));
	CU_ASSERT_EQUAL(json_object_get_int(v), 1000);
	ctlmsg_request_free(&req);
	CU_ASSERT_EQUAL(parse_req("{\"args\":{\"instance\":\"web\"},\"cmd\":\"active\",\"api\":1}"), 0);
	ctlmsg_request_free(&req);
}

/* A long string argument is refused, and a huge error text is cut, not
 * overflowed. */
static void test_long_strings(void)
{
	char buf[1024], small[16];
	const char *c = NULL;

	snprintf(buf, sizeof(buf), "{\"api\":1,\"cmd\":\"status\",\"args\":{\"instance\":\"%0256d\"}}",
		 0);
	refused(buf, CTLMSG_EINVAL, "must be 1 to 255 bytes");
	snprintf(buf, sizeof(buf), "{\"api\":1,\"cmd\":\"x%0500d\"}", 0);
	CU_ASSERT_EQUAL(ctlmsg_request_parse(buf, strlen(buf), &req, small, sizeof(small), &c), -1);
	CU_ASSERT_EQUAL(strlen(small), sizeof(small) - 1);
	CU_ASSERT_STRING_EQUAL(c, CTLMSG_EINVAL);
	refused(buf, CTLMSG_EINVAL, "unknown command \"x000");
	CU_ASSERT(strlen(err) < sizeof(err));
}

static void test_mutating(void)
{
	CU_ASSERT_FALSE(ctlmsg_cmd_is_mutating("status"));
	CU_ASSERT_FALSE(ctlmsg_cmd_is_mutating("log"));
	CU_ASSERT_FALSE(ctlmsg_cmd_is_mutating("metrics"));
	CU_ASSERT_TRUE(ctlmsg_cmd_is_mutating("reload"));
	CU_ASSERT_TRUE(ctlmsg_cmd_is_mutating("switchover"));
	CU_ASSERT_TRUE(ctlmsg_cmd_is_mutating("standby"));
	CU_ASSERT_TRUE(ctlmsg_cmd_is_mutating("active"));
	/* Fail closed. */
	CU_ASSERT_TRUE(ctlmsg_cmd_is_mutating("reboot"));
	CU_ASSERT_TRUE(ctlmsg_cmd_is_mutating(NULL));
	CU_ASSERT_TRUE(ctlmsg_cmd_known("status"));
	CU_ASSERT_FALSE(ctlmsg_cmd_known("Status"));
	CU_ASSERT_FALSE(ctlmsg_cmd_known(NULL));
}

/* ------------------------------------------------------------ answers */

static void test_answer_invalid(void)
{
	ans_refused("", "empty answer");
	ans_refused("{\"api\":1,\"ok\":true", "incomplete");
	ans_refused("[]", "not a JSON object");
	ans_refused("{\"ok\":true,\"result\":{}}", "no \"api\"");
	ans_refused("{\"api\":2,\"ok\":true,\"result\":{}}", "hamgr speaks api 2, this hactl api 1");
	ans_refused("{\"api\":1,\"result\":{}}", "\"ok\" missing");
	ans_refused("{\"api\":1,\"ok\":1,\"result\":{}}", "not a boolean");
	ans_refused("{\"api\":1,\"ok\":true}", "\"result\" missing");
	ans_refused("{\"api\":1,\"ok\":true,\"result\":[]}", "not an object");
	ans_refused("{\"api\":1,\"ok\":false,\"error\":\"x\"}", "\"code\" missing");
	ans_refused("{\"api\":1,\"ok\":false,\"code\":\"EINVAL\"}", "\"error\" or");
	ans_refused("{\"api\":1,\"ok\":false,\"error\":5,\"code\":\"EINVAL\"}", "not a string");
}

/* A daemon refusing our api version answers with its own: hactl names
 * both. */
static void test_answer_other_api_refusal(void)
{
	ans_refused("{\"api\":3,\"ok\":false,\"error\":\"unsupported api version 1 (supported: 3)\","
		    "\"code\":\"EPROTO\"}", "hamgr speaks api 3");
}

/* Answers may be far larger than requests. */
static void test_answer_large(void)
{
	size_t n = 1024 * 1024, i;
	char *big = malloc(n + 64);
	size_t off;

	off = (size_t)sprintf(big, "{\"api\":1,\"ok\":true,\"result\":{\"x\":\"");
	for (i = 0; i < n; i++)
		big[off++] = 'a';
	off += (size_t)sprintf(big + off, "\"}}\n");
	CU_ASSERT_EQUAL(ctlmsg_answer_parse(big, off, &ans, err, sizeof(err)), 0);
	ctlmsg_answer_free(&ans);
	CU_ASSERT_EQUAL(ctlmsg_answer_parse(big, CTLMSG_MAX_ANSWER + 1, &ans, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too large"));
	free(big);
}

/* ------------------------------------------------------------ random */

/* Mutated valid requests: the parser either accepts a well-formed result
 * or refuses with a code and a message; never anything in between. Fixed
 * seed, printed. */
static void test_random_mutations(void)
{
	static const char *const base[] = {
		"{\"api\":1,\"cmd\":\"switchover\",\"args\":{\"instance\":\"web\",\"to\":\"n2\"}}\n",
		"{\"api\":1,\"cmd\":\"log\",\"args\":{\"n\":20}}\n",
		"{\"api\":1,\"ok\":false,\"error\":\"x\",\"code\":\"EPERM\"}\n",
	};
	unsigned seed = 20261122, i, j, accepted = 0, refused_n = 0;
	char buf[256];

	printf("\n  seed %u\n", seed);
	srand(seed);
	for (i = 0; i < 20000; i++) {
		const char *b = base[i % 3];
		size_t len = strlen(b);
		unsigned flips = 1 + (unsigned)rand() % 4;

		memcpy(buf, b, len + 1);
		for (j = 0; j < flips; j++)
			buf[(size_t)rand() % len] = (char)(rand() % 256);
		if (rand() % 4 == 0)
			len = (size_t)rand() % len;
		code = NULL;
		err[0] = '\0';
		if (ctlmsg_request_parse(buf, len, &req, err, sizeof(err), &code) == 0) {
			CU_ASSERT_TRUE(ctlmsg_cmd_known(req.cmd));
			CU_ASSERT_TRUE(json_object_is_type(req.args, json_type_object));
			ctlmsg_request_free(&req);
			accepted++;
		} else {
			CU_ASSERT(err[0] != '\0');
			CU_ASSERT(code && (!strcmp(code, "EPROTO") || !strcmp(code, "EINVAL")));
			refused_n++;
		}
		if (ctlmsg_answer_parse(buf, len, &ans, err, sizeof(err)) == 0) {
			CU_ASSERT(ans.ok ? ans.result != NULL : ans.error && ans.code);
			ctlmsg_answer_free(&ans);
		}
	}
	CU_ASSERT(accepted > 0);
	CU_ASSERT(refused_n > 0);
}

static CU_TestInfo round_trips[] = {
	{ "request round trip", test_request_round_trip },
	{ "every command", test_request_every_command },
	{ "request with NULL args", test_request_null_args },
	{ "ok answer round trip", test_answer_ok_round_trip },
	{ "error answer round trip", test_answer_error_round_trip },
	{ "one line, escapes", test_line_escapes },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo requests[] = {
	{ "white space framing", test_framing_whitespace },
	{ "malformed JSON", test_malformed_json },
	{ "NUL byte", test_nul_byte },
	{ "nesting too deep", test_too_deep },
	{ "oversize input", test_oversize },
	{ "api version", test_api_version },
	{ "missing/non-string/unknown cmd", test_cmd },
	{ "non-object args", test_args_not_object },
	{ "arguments checked", test_args_checked },
	{ "long strings", test_long_strings },
	{ "mutating table", test_mutating },
	{ "random mutations", test_random_mutations },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo answers[] = {
	{ "invalid answers", test_answer_invalid },
	{ "refusal in another api", test_answer_other_api_refusal },
	{ "large answer", test_answer_large },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "ctlmsg round trips", NULL, NULL, NULL, NULL, round_trips },
	{ "ctlmsg requests", NULL, NULL, NULL, NULL, requests },
	{ "ctlmsg answers", NULL, NULL, NULL, NULL, answers },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites);
