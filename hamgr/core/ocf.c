/* ocf: exit code table, durations and the meta-data action reader. */
#include "core/ocf.h"

#include <string.h>

static const struct {
	const char *name, *meaning;
} ocf_rcs[] = {
	[OCF_SUCCESS] = { "OCF_SUCCESS", "success" },
	[OCF_ERR_GENERIC] = { "OCF_ERR_GENERIC", "generic error" },
	[OCF_ERR_ARGS] = { "OCF_ERR_ARGS", "invalid argument" },
	[OCF_ERR_UNIMPLEMENTED] = { "OCF_ERR_UNIMPLEMENTED", "unimplemented" },
	[OCF_ERR_PERM] = { "OCF_ERR_PERM", "insufficient privileges" },
	[OCF_ERR_INSTALLED] = { "OCF_ERR_INSTALLED", "not installed" },
	[OCF_ERR_CONFIGURED] = { "OCF_ERR_CONFIGURED", "not configured" },
	[OCF_NOT_RUNNING] = { "OCF_NOT_RUNNING", "not running" },
	[OCF_RUNNING_MASTER] = { "OCF_RUNNING_MASTER", "running as master" },
	[OCF_FAILED_MASTER] = { "OCF_FAILED_MASTER", "failed as master" },
};

const char *ocf_rc_meaning(int rc)
{
	return rc >= 0 && rc <= OCF_FAILED_MASTER ? ocf_rcs[rc].meaning : NULL;
}

const char *ocf_rc_name(int rc)
{
	return rc >= 0 && rc <= OCF_FAILED_MASTER ? ocf_rcs[rc].name : NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int ocf_duration_parse(const char *s, size_t len, uint64_t *us)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} units[] = {
		{ "", 1000000 }, { "us", 1 }, { "usec", 1 }, { "ms", 1000 },
		{ "msec", 1000 }, { "s", 1000000 }, { "sec", 1000000 },
		{ "m", 60000000 }, { "min", 60000000 }, { "h", 3600000000ULL },
		{ "hr", 3600000000ULL },
	};
	const char *end = s + len;
	uint64_t v = 0;
	size_t i, ulen;
	bool digits = false;

	while (s < end && is_blank(*s))
		s++;
	while (end > s && is_blank(end[-1]))
		end--;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		digits = true;
	}
	if (!digits)
		return -1;
	while (s < end && is_blank(*s))
		s++;
	ulen = (size_t)(end - s);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].unit) != ulen || strncmp(units[i].unit, s, ulen) != 0)
			continue;
		if (v > UINT64_MAX / units[i].mult)
			return -1;
		*us = v * units[i].mult;
		return 0;
	}
	return -1;
}

/* The first occurrence of needle in [p, end), or NULL. */
static const char *find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	if (p >= end)
		return NULL;
	return memmem(p, (size_t)(end - p), needle, n);
}

/* Whether [p, end) starts with the element name el followed by a blank,
 * '/' or '>' (so "<action" does not match "<actions>"). */
static bool starts_element(const char *p, const char *end, const char *el)
{
	size_t n = strlen(el);

	return (size_t)(end - p) > n && memcmp(p, el, n) == 0 &&
	       (is_blank(p[n]) || p[n] == '/' || p[n] == '>');
}

struct attr {
	const char *name, *value;
	size_t name_len, value_len;
};

/* Read one attribute at *pp inside a tag. Returns 1 with a filled, 0 at
 * the end of the tag ('/' or '>', *pp left on it) or of the input. */
static int next_attr(const char **pp, const char *end, struct attr *a)
{
	const char *p = *pp;

	while (p < end && is_blank(*p))
		p++;
	if (p >= end || *p == '/' || *p == '>') {
		*pp = p;
		return 0;
	}
	a->name = p;
	while (p < end && !is_blank(*p) && *p != '=' && *p != '/' && *p != '>')
		p++;
	a->name_len = (size_t)(p - a->name);
	a->value = p;
	a->value_len = 0;
	while (p < end && is_blank(*p))
		p++;
	if (p < end && *p == '=') {
		p++;
		while (p < end && is_blank(*p))
			p++;
		if (p < end && (*p == '"' || *p == '\'')) {
			char q = *p++;

			a->value = p;
			while (p < end && *p != q)
				p++;
			a->value_len = (size_t)(p - a->value);
			if (p < end)
				p++;
		} else {
			a->value = p;
			while (p < end && !is_blank(*p) && *p != '>')
				p++;
			a->value_len = (size_t)(p - a->value);
		}
	}
	if (a->name_len == 0) /* a stray character: step over it */
		p++;
	*pp = p;
	return 1;
}

/* Action names are words such as "meta-data" or "validate-all"; anything
 * else (a NUL among them) is not an action hamgr could ask for. */
static bool name_ok(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n >= OCF_META_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		      (p[i] >= '0' && p[i] <= '9') || p[i] == '-' || p[i] == '_'))
			return false;
	return true;
}

static bool attr_is(const struct attr *a, const char *name)
{
	return a->name_len == strlen(name) && memcmp(a->name, name, a->name_len) == 0;
}

/* Parse the attributes of one <action ...> tag starting at p (just after
 * the element name) into m. Returns where the tag ends. */
static const char *read_action(const char *p, const char *end, struct ocf_meta *m)
{
	struct ocf_meta_action act;
	struct attr a;
	bool named = false;

	memset(&act, 0, sizeof(act));
	while (next_attr(&p, end, &a)) {
		if (attr_is(&a, "name")) {
			named = name_ok(a.value, a.value_len);
			if (named) {
				memcpy(act.name, a.value, a.value_len);
				act.name[a.value_len] = '\0';
			}
		} else if (attr_is(&a, "timeout")) {
			if (ocf_duration_parse(a.value, a.value_len, &act.timeout_us) < 0)
				act.timeout_us = 0;
		}
	}
	if (named && !ocf_meta_find(m, act.name) && m->n_actions < OCF_META_ACTIONS_MAX)
		m->actions[m->n_actions++] = act;
	return p;
}

int ocf_meta_parse(const char *xml, size_t len, struct ocf_meta *m)
{
	const char *end = xml + len, *p = xml;

	memset(m, 0, sizeof(*m));
	/* The document element; anything before it (a shell warning on
	 * stderr, the XML declaration, the DOCTYPE) is not looked at. */
	for (;;) {
		p = find(p, end, "<resource-agent");
		if (!p)
			return -1;
		if (starts_element(p, end, "<resource-agent"))
			break;
		p++;
	}
	while ((p = find(p, end, "<")) != NULL) {
		if ((size_t)(end - p) >= 4 && memcmp(p, "<!--", 4) == 0) {
			p = find(p + 4, end, "-->");
			if (!p)
				break;
			p += 3;
		} else if ((size_t)(end - p) >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
			p = find(p + 9, end, "]]>");
			if (!p)
				break;
			p += 3;
		} else if (starts_element(p, end, "<action")) {
			p = read_action(p + strlen("<action"), end, m);
		} else {
			p++;
		}
	}
	return 0;
}

const struct ocf_meta_action *ocf_meta_find(const struct ocf_meta *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_actions; i++)
		if (strcmp(m->actions[i].name, name) == 0)
			return &m->actions[i];
	return NULL;
}
