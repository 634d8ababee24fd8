/* pace: token bucket in millionths of a token. */
#include "core/pace.h"

#define MICRO 1000000ULL

void pace_init(struct pace *p, unsigned rate_per_s)
{
	p->rate = rate_per_s ? rate_per_s : 1;
	p->burst_u = p->rate * MICRO / 10;
	if (p->burst_u < MICRO)
		p->burst_u = MICRO;
	p->tokens_u = p->burst_u;
	p->last = 0;
}

static void refill(struct pace *p, uint64_t now)
{
	if (p->last == 0 || now <= p->last) {
		if (p->last == 0)
			p->last = now;
		return;
	}
	/* at most a bucket's worth: no overflow for any gap */
	uint64_t dt = now - p->last, add;

	if (dt > p->burst_u / p->rate + 1)
		add = p->burst_u;
	else
		add = dt * p->rate;     /* us x tokens/s = millionths of a token */
	p->tokens_u = p->tokens_u + add > p->burst_u ? p->burst_u : p->tokens_u + add;
	p->last = now;
}

size_t pace_take(struct pace *p, uint64_t now, size_t want)
{
	size_t n;

	refill(p, now);
	n = (size_t)(p->tokens_u / MICRO);
	if (n > want)
		n = want;
	p->tokens_u -= (uint64_t)n * MICRO;
	return n;
}

uint64_t pace_next(const struct pace *p, uint64_t now)
{
	uint64_t t = p->tokens_u;

	if (p->last && now > p->last) {
		uint64_t dt = now - p->last;

		t = dt > p->burst_u / p->rate + 1 ? p->burst_u : t + dt * p->rate;
	}
	if (t >= MICRO)
		return now;
	return now + (MICRO - t + p->rate - 1) / p->rate;
}
