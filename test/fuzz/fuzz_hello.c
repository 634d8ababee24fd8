/* fuzz_hello: libFuzzer target for the hello decoder.
 *
 * The whole input is one datagram. Whenever hello_decode returns HELLO_OK,
 * the struct must satisfy the header's rules and re-encode to exactly the
 * input bytes (the codec is a bijection between valid packets and valid
 * structs); an encode into a buffer one byte short must be refused. Any
 * mismatch abort()s. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hello.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void invariants(const struct hello *h)
{
	check(h->type == HELLO_ANNOUNCE || h->type == HELLO_HANDOVER);
	check(h->vrid != 0 && h->state <= 3);
	check((h->flags & ~HELLO_F_KNOWN) == 0);
	check(hello_name_ok(h->node));
	if (h->type == HELLO_HANDOVER)
		check(hello_name_ok(h->target));
	else
		check(h->target[0] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[HELLO_MAX_LEN];
	struct hello h;
	enum hello_reason r;
	size_t n;

	r = hello_decode(data, size, &h);
	check(r < HELLO_REASON_MAX && r != HELLO_ERR_TTL);
	check(hello_reason_str(r) != NULL);
	if (r != HELLO_OK)
		return 0;
	invariants(&h);
	n = hello_encode(&h, buf, sizeof(buf));
	check(n == size && memcmp(buf, data, size) == 0);
	check(hello_encode(&h, buf, n - 1) == 0);
	check(hello_decode(buf, n, NULL) == HELLO_OK);
	return 0;
}
