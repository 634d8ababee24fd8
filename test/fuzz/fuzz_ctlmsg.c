/* fuzz_ctlmsg: libFuzzer target for the control protocol parsers.
 *
 * Every input goes to both ctlmsg_request_parse() (what the daemon reads
 * from any local user who can connect) and ctlmsg_answer_parse() (what
 * hactl reads). Checks what must hold either way: a refusal carries a
 * message and a known code; an accepted request names a known command,
 * has object args, and survives a round trip through ctlmsg_line() to the
 * same command and arguments; an accepted answer has its result, or its
 * error and code.
 * Build: make build/fuzz/fuzz_ctlmsg   Run: test/fuzz/run.sh build/fuzz/fuzz_ctlmsg */
#include "ctlmsg.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_ctlmsg: %s: %s\n", what, detail);
	abort();
}

static bool known_code(const char *c)
{
	return c && (!strcmp(c, CTLMSG_EPROTO) || !strcmp(c, CTLMSG_EINVAL));
}

static void round_trip(const struct ctlmsg_request *req)
{
	struct json_object *msg = ctlmsg_request_new(req->cmd, json_object_get(req->args));
	struct ctlmsg_request again;
	char err[CTLMSG_ERR_MAX];
	const char *code;
	size_t len;
	char *line;

	if (!msg)
		fail("round trip", "ctlmsg_request_new failed");
	line = ctlmsg_line(msg, &len);
	json_object_put(msg);
	if (!line)
		fail("round trip", "ctlmsg_line failed");
	if (memchr(line, '\n', len - 1))
		fail("round trip: newline inside the line", line);
	if (ctlmsg_request_parse(line, len, &again, err, sizeof(err), &code) < 0)
		fail("round trip refused", err);
	if (strcmp(again.cmd, req->cmd) || !json_object_equal(again.args, req->args))
		fail("round trip changed the request", line);
	ctlmsg_request_free(&again);
	free(line);
}

static void check_request(const uint8_t *data, size_t size)
{
	struct ctlmsg_request req;
	char err[CTLMSG_ERR_MAX];
	const char *code = NULL;

	err[0] = '\0';
	if (ctlmsg_request_parse((const char *)data, size, &req, err, sizeof(err), &code) < 0) {
		if (!err[0])
			fail("request refused", "without a message");
		if (!known_code(code))
			fail("request refused with an unexpected code", err);
		if (req.root)
			fail("request refused", "but root is set");
		return;
	}
	if (!ctlmsg_cmd_known(req.cmd))
		fail("request accepted with an unknown command", req.cmd);
	if (!json_object_is_type(req.args, json_type_object))
		fail("request accepted", "args is not an object");
	round_trip(&req);
	ctlmsg_request_free(&req);
}

static void check_answer(const uint8_t *data, size_t size)
{
	struct ctlmsg_answer ans;
	char err[CTLMSG_ERR_MAX];

	err[0] = '\0';
	if (ctlmsg_answer_parse((const char *)data, size, &ans, err, sizeof(err)) < 0) {
		if (!err[0])
			fail("answer refused", "without a message");
		return;
	}
	if (ans.ok ? !json_object_is_type(ans.result, json_type_object) : !ans.error || !ans.code)
		fail("answer accepted", "without its result or error");
	ctlmsg_answer_free(&ans);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_request(data, size);
	check_answer(data, size);
	return 0;
}
