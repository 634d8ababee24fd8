/* ocf: the pure parts of the OCF resource agent API.
 *
 * The exit code table (shared by script_result_str(), status and logs, so
 * every place names a code the same way), durations as agents write them
 * ("20s", "500ms", "2min") and a minimal reader of an agent's meta-data
 * XML: the <action name="..." timeout="..."/> elements. No XML library:
 * the reader only needs those elements, and it skips comments and CDATA
 * so an action commented out is not taken for a real one. */
#ifndef HAMGR_OCF_H
#define HAMGR_OCF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes of the OCF resource agent API. */
enum ocf_rc {
	OCF_SUCCESS = 0,
	OCF_ERR_GENERIC = 1,
	OCF_ERR_ARGS = 2,
	OCF_ERR_UNIMPLEMENTED = 3,
	OCF_ERR_PERM = 4,
	OCF_ERR_INSTALLED = 5,
	OCF_ERR_CONFIGURED = 6,
	OCF_NOT_RUNNING = 7,
	OCF_RUNNING_MASTER = 8,
	OCF_FAILED_MASTER = 9,
};

/* "not running" for 7 ...; NULL for a code outside 0..9. */
const char *ocf_rc_meaning(int rc);

/* "OCF_NOT_RUNNING" for 7 ...; NULL for a code outside 0..9. */
const char *ocf_rc_name(int rc);

/* A duration as OCF meta-data and Pacemaker write it: a decimal number
 * followed by us/usec, ms/msec, s/sec, m/min, h/hr or nothing (seconds),
 * blanks around allowed. Returns 0 and *us, or -1 (garbage, overflow). */
int ocf_duration_parse(const char *s, size_t len, uint64_t *us);

#define OCF_META_ACTIONS_MAX 24
#define OCF_META_NAME_MAX 32

struct ocf_meta_action {
	char name[OCF_META_NAME_MAX];   /* "start", "meta-data" ... */
	uint64_t timeout_us;            /* 0: none given (or unreadable) */
};

/* What hamgr needs from meta-data: the actions with their default
 * timeouts, first occurrence of each name only (monitor is often listed
 * once per role). */
struct ocf_meta {
	struct ocf_meta_action actions[OCF_META_ACTIONS_MAX];
	size_t n_actions;
};

/* Read the meta-data document in xml (len bytes, need not be
 * NUL-terminated; noise before it, such as a warning on stderr, is
 * skipped). Returns 0, or -1 when there is no <resource-agent> element
 * (not meta-data at all). Attribute order, quotes ' or " and blanks
 * around '=' do not matter; an action whose name is not made of letters,
 * digits, '-' and '_' is skipped. */
int ocf_meta_parse(const char *xml, size_t len, struct ocf_meta *m);

/* The action named name, or NULL. */
const struct ocf_meta_action *ocf_meta_find(const struct ocf_meta *m, const char *name);

#endif
