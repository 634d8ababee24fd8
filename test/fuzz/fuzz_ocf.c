/* fuzz_ocf: libFuzzer target for the OCF meta-data reader and durations.
 *
 * The whole input is one meta-data document (an agent's stdout and
 * stderr). Whatever it holds, the reader must stay inside it (ASan) and
 * return actions that satisfy the header's rules: at most
 * OCF_META_ACTIONS_MAX, each named with letters, digits, '-' and '_', no
 * name twice. The duration parser gets the same bytes. Any mismatch
 * abort()s. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ocf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past them. */
	char *xml = malloc(size ? size : 1);
	struct ocf_meta m;
	uint64_t us;
	size_t i, j;

	if (!xml)
		return 0;
	memcpy(xml, data, size);
	if (ocf_meta_parse(xml, size, &m) == 0) {
		check(m.n_actions <= OCF_META_ACTIONS_MAX);
		for (i = 0; i < m.n_actions; i++) {
			check(memchr(m.actions[i].name, '\0', OCF_META_NAME_MAX) != NULL);
			check(m.actions[i].name[0] != '\0');
			check(strspn(m.actions[i].name, "abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
			      strlen(m.actions[i].name));
			check(ocf_meta_find(&m, m.actions[i].name) == &m.actions[i]);
			for (j = i + 1; j < m.n_actions; j++)
				check(strcmp(m.actions[i].name, m.actions[j].name) != 0);
		}
	} else {
		check(m.n_actions == 0);
	}
	(void)ocf_duration_parse(xml, size, &us);
	free(xml);
	return 0;
}
