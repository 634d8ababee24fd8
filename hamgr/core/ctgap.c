/* ctgap: the counters a conntrack-sync receiver still misses (ctgap.h). */
#include "core/ctgap.h"

/* Counter c of p's window wanted and not seen. */
static bool missing(const struct replay_peer *p, uint64_t settled, uint64_t c)
{
	uint64_t d = p->top - c;

	return c > p->floor && c >= settled && d < REPLAY_WINDOW &&
	       !(p->seen & (uint64_t)1 << d);
}

size_t ctgap_missing(const struct replay_peer *p, uint64_t settled, struct ctgap_range *out,
		     size_t max)
{
	uint64_t c = p->top >= REPLAY_WINDOW ? p->top - REPLAY_WINDOW + 1 : 1;
	size_t n = 0;

	for (; c < p->top; c++) {
		if (!missing(p, settled, c))
			continue;
		if (n && out[n - 1].last + 1 == c)
			out[n - 1].last = c;
		else if (n < max)
			out[n++] = (struct ctgap_range){ c, c };
		else
			break;
	}
	return n;
}

bool ctgap_lost(const struct replay_peer *p, uint64_t settled, uint64_t counter)
{
	uint64_t c, keep;

	if (counter <= p->top)
		return false;
	/* after it, the window holds counter - REPLAY_WINDOW + 1 .. counter */
	keep = counter >= REPLAY_WINDOW ? counter - REPLAY_WINDOW + 1 : 1;
	for (c = p->top >= REPLAY_WINDOW ? p->top - REPLAY_WINDOW + 1 : 1; c < keep; c++) {
		if (c > p->top)
			return c > p->floor && c >= settled;   /* the new gap */
		if (missing(p, settled, c))
			return true;
	}
	return false;
}
