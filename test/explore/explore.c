/* explore: an exhaustive check of the election (issue 9). Breadth-first
 * over every interleaving of the events of test/explore/model.h on 2 and
 * 3 nodes of the real fsm and pipeline, up to a depth and fault budgets;
 * the safety invariants after every event, "eventually exactly one
 * master" from every state reached. A violation prints the shortest trace
 * as a timeline and exits 1. docs/DESIGN.md, "Checking the election".
 *
 *   explore [--deep] [--only NAME] [--selfcheck] [--verbose] [--strict]
 *           [--depth N] [--delay-ms N] [--down-ms N] [--masters-ms N]
 *           [--budget LOSS,CRASH,PARTITION,FAIL,SWITCHOVER,REORDER]
 *
 * Scenarios (scenarios.c) may name known violations, findings not fixed
 * yet: each must still be found with its shortest trace's length (printed
 * with --verbose); --strict treats them as any other. Exit 0: as expected;
 * 1: a violation (its shortest trace printed) or a known one gone; 2: the
 * model broke. */
#include "model.h"
#include "scenarios.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What happens once faults stop: partitions heal, nodes never started
 * start, every advert arrives at once, every step answers ok at once
 * (a cancelled one: failed), timers fire in order. Dead nodes stay dead. */
static int calm_rank(const struct world *w, struct xev e)
{
	switch (e.type) {
	case EV_HEAL: return 1;
	case EV_START: return 2;
	case EV_DELIVER: return 3;
	case EV_DONE_OK: return 4;
	case EV_DONE_FAIL: return w->nd[e.node].p.cancelling ? 5 : 0;
	case EV_TIMER: return 6;
	case EV_VERDICT: return 6;
	default: return 0;      /* faults, late deliveries */
	}
}

static bool calm_next(const struct world *w, struct xev *e)
{
	struct xev ev[64];
	size_t n = world_events(w, ev, 64);
	int best = 0;

	for (size_t k = 0; k < n; k++) {
		int r = calm_rank(w, ev[k]);

		if (r && (!best || r < best)) {
			best = r;
			*e = ev[k];
		}
	}
	return best != 0;
}

static uint64_t live_hash(const struct world *w, uint8_t *kbuf)
{
	struct world t = *w;

	memset(t.used, 0, sizeof(t.used));
	t.dirty = false;
	t.mm_since = 0;
	key_encode(&t, kbuf);
	return hash_bytes(kbuf, key_size(w->c)) | 1;
}

#define LIVE_PATH 4096

/* Does w settle (world_settled, unchanged for 3 x Master_Down_Interval)
 * within the bound, faults stopped? With log, prints the continuation. */
static bool settles(struct world w, struct memo *m, FILE *log, uint64_t t_abs)
{
	const struct xcfg *c = w.c;
	uint64_t mdi = world_mdi_max(c), hold = 3 * mdi;
	uint64_t tmax = c->holdoff + 2 * mdi + X_SEC + 2 * c->deadline + 12 * mdi;
	uint64_t t0 = w.now, since = 0, path[LIVE_PATH];
	size_t np = 0;
	uint8_t kbuf[512];
	bool stable = false, ok = false, up = false;
	struct xlog lg;

	for (int i = 0; i < c->n; i++)
		up |= w.nd[i].life == X_UP || w.nd[i].life == X_UNSTARTED;
	if (!up)
		return true;
	for (unsigned steps = 0; steps < 200000; steps++) {
		struct xev e;
		char d[96];

		if (!log) {
			uint64_t h = live_hash(&w, kbuf);

			if (memo_has(m, h)) {
				ok = true;
				break;
			}
			if (np < LIVE_PATH)
				path[np++] = h;
		}
		if (world_settled(&w)) {
			if (!stable)
				since = w.now;
			stable = true;
			if (w.now - since >= hold) {
				ok = true;
				break;
			}
		} else {
			stable = false;
		}
		if (w.now - t0 > tmax || !calm_next(&w, &e))
			break;
		lg.len = 0;
		lg.buf[0] = '\0';
		if (log)
			xev_str(&w, e, d, sizeof(d));
		w.log = log ? &lg : NULL;
		world_apply(&w, e);
		if (log && steps < 60)
			fprintf(log, "      t=%10.6f  %-30s %.*s\n",
				(double)(t_abs + w.now - X_BASE) / X_SEC, d, (int)lg.len, lg.buf);
		else if (log && steps == 60)
			fprintf(log, "      ...\n");
	}
	if (log) {
		world_describe(&w, (char *)kbuf, sizeof(kbuf));
		fprintf(log, "      t=%10.6f  %s\n", (double)(t_abs + w.now - X_BASE) / X_SEC,
			(char *)kbuf);
	}
	if (ok)
		for (size_t i = 0; i < np; i++)
			memo_put(m, path[i]);
	return ok;
}

/* ---- traces ---------------------------------------------------------------- */

static void print_trace(const struct xcfg *c, const struct store *s, uint32_t id, FILE *o,
			struct world *end, uint64_t *t_end)
{
	uint32_t *path = NULL;
	size_t n = 0;
	struct world w;
	struct xlog lg;
	uint64_t t = 0;
	uint8_t kbuf[512];
	char d[96];

	for (uint32_t i = id; i != 0; i = s->parent[i]) {
		path = xrealloc(path, (n + 1) * sizeof(*path));
		path[n++] = s->ev[i];
	}
	fprintf(o, "shortest trace: %zu events (time in seconds; a node's events and the "
		"actions they caused)\n", n);
	key_decode(&w, c, s->keys);
	for (size_t k = n; k-- > 0;) {
		struct xev e = xev_unpack(path[k]);

		xev_str(&w, e, d, sizeof(d));
		lg.len = 0;
		lg.buf[0] = '\0';
		w.log = &lg;
		world_apply(&w, e);
		w.log = NULL;
		t += w.now - X_BASE;
		fprintf(o, "%4zu  t=%10.6f  %-30s %.*s\n", n - k, (double)t / X_SEC, d, (int)lg.len,
			lg.buf);
		key_encode(&w, kbuf);
		key_decode(&w, c, kbuf);
	}
	world_describe(&w, (char *)kbuf, sizeof(kbuf));
	fprintf(o, "then: %s\n", (char *)kbuf);
	free(path);
	if (end)
		*end = w;
	if (t_end)
		*t_end = t;
}

/* ---- one scenario ------------------------------------------------------------ */

struct opts {
	bool deep, selfcheck, verbose, strict;
	const char *only;
	int depth;              /* -1: the scenario's */
	int budget[B_N];        /* -1: the scenario's */
	long long dmax_ms;      /* -1: the scenario's */
	long long down_ms;      /* -1: the scenario's */
	long long mmwin_ms;     /* -1: the scenario's */
};

/* Every successor of w and of its decoded key must encode alike. */
static bool selfcheck(const struct world *w, const uint8_t *k)
{
	static struct world a, b, r;
	struct xev ea[64], eb[64];
	uint8_t ka[512], kb[512];
	size_t na, nb;

	key_decode(&r, w->c, k);
	na = world_events(w, ea, 64);
	nb = world_events(&r, eb, 64);
	if (na != nb || memcmp(ea, eb, na * sizeof(ea[0])))
		return false;
	for (size_t i = 0; i < na; i++) {
		a = *w;
		b = r;
		world_apply(&a, ea[i]);
		world_apply(&b, ea[i]);
		key_encode(&a, ka);
		key_encode(&b, kb);
		if (memcmp(ka, kb, key_size(w->c)))
			return false;
	}
	return true;
}

static double secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const inv_name[INV_N] = {
	[INV_PROMOTE] = "promote", [INV_VIPS] = "vips", [INV_MASTERS] = "masters",
	[INV_SETTLE] = "settle", [INV_SPLIT] = "split",
};

struct found {
	uint32_t id[INV_N];     /* the first (shortest) state violating each */
	char why[INV_N][XWHY];
};

static unsigned path_len(const struct store *s, uint32_t id)
{
	unsigned n = 0;

	for (; id; id = s->parent[id])
		n++;
	return n;
}

static void print_violation(const struct xcfg *c, const struct store *s, struct memo *m,
			    const struct found *f, int inv)
{
	struct world end;
	uint64_t t;

	printf("%s: VIOLATION of %s: %s\n", c->name, inv_name[inv], f->why[inv]);
	print_trace(c, s, f->id[inv], stdout, &end, &t);
	if (inv != INV_SETTLE)
		return;
	printf("faults stop; every advert arrives at once, every step answers at once:\n");
	settles(end, m, stdout, t);
	printf("no single master holding everything within the bound\n");
}

/* Explores one scenario; 0: as expected (every invariant holds but the
 * known violations, which are found with their known length), 1: not,
 * 2: the model broke. */
static int run(const struct xcfg *c, const struct opts *op, size_t *states)
{
	static struct world w, w2;
	struct store s = { .ksz = key_size(c) };
	struct memo m = { 0 };
	struct found f;
	struct xev ev[64];
	uint8_t k[512];
	char why[INV_N][XWHY];
	double t0 = secs();
	size_t lo = 0, hi, edges = 0;
	unsigned depth = 0, seen = 0;
	int rc = 0;
	bool fresh;

	memset(&f, 0, sizeof(f));
	world_init(&w, c);
	key_encode(&w, k);
	store_add(&s, k, 0, 0, &fresh);
	for (hi = s.n; lo < hi && rc != 2; lo = hi, hi = s.n, depth++) {
		for (size_t id = lo; id < hi && rc != 2; id++) {
			key_decode(&w, c, s.keys + id * s.ksz);
			/* A violating state is reported, not explored further. */
			if (world_violations(&w, why))
				continue;
			/* Only the shortest counterexample is reported: once one
			 * is known the check stops; the world is explored on. */
			if (!(seen & 1u << INV_SETTLE) && !settles(w, &m, NULL, 0)) {
				seen |= 1u << INV_SETTLE;
				f.id[INV_SETTLE] = (uint32_t)id;
				snprintf(f.why[INV_SETTLE], XWHY, "no single master once faults stop");
			}
			if (depth == c->depth)
				continue;
			size_t n = world_events(&w, ev, 64);

			for (size_t e = 0; e < n && rc != 2; e++) {
				unsigned v;
				uint32_t nid;

				w2 = w;
				world_apply(&w2, ev[e]);
				edges++;
				key_encode(&w2, k);
				nid = store_add(&s, k, (uint32_t)id, xev_pack(ev[e]), &fresh);
				if (w2.error) {
					printf("%s: MODEL ERROR: %s\n", c->name, w2.error);
					print_trace(c, &s, nid, stdout, NULL, NULL);
					rc = 2;
					break;
				}
				if (!fresh)
					continue;
				if (op->selfcheck && !selfcheck(&w2, k)) {
					printf("%s: MODEL ERROR: a successor differs after the key's "
					       "round trip (key.c misses a field)\n", c->name);
					print_trace(c, &s, nid, stdout, NULL, NULL);
					rc = 2;
					break;
				}
				v = world_violations(&w2, why);
				for (int i = 0; i < INV_N; i++)
					if ((v & ~seen) >> i & 1) {
						f.id[i] = nid;
						memcpy(f.why[i], why[i], XWHY);
					}
				seen |= v;
			}
		}
	}
	for (int i = 0; i < INV_N && rc != 2; i++) {
		bool got = seen >> i & 1;
		unsigned len = got ? path_len(&s, f.id[i]) : 0;

		if (got && (op->verbose || len != c->known[i]))
			print_violation(c, &s, &m, &f, i);
		if (len == c->known[i])
			continue;
		rc = 1;
		if (!got)
			printf("%s: the known violation of %s (%u events) is no longer found: "
			       "fixed? update test/explore/scenarios.c\n", c->name, inv_name[i],
			       c->known[i]);
		else if (c->known[i])
			printf("%s: the known violation of %s now takes %u events, not %u\n",
			       c->name, inv_name[i], len, c->known[i]);
	}
	printf("%s: %s: %zu states, %zu transitions, depth %u, %.2f s", c->name,
	       rc == 2 ? "MODEL ERROR" : rc ? "FAILED" : "ok", s.n, edges, depth ? depth - 1 : 0,
	       secs() - t0);
	for (int i = 0, first = 1; i < INV_N; i++)
		if (c->known[i] && seen >> i & 1) {
			printf("%s%s in %u events", first ? "; known violations: " : ", ",
			       inv_name[i], path_len(&s, f.id[i]));
			first = 0;
		}
	printf("\n");
	fflush(stdout);
	*states += s.n;
	store_free(&s);
	free(m.h);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts op = { .depth = -1, .dmax_ms = -1, .down_ms = -1, .mmwin_ms = -1 };
	unsigned pass = 0, fail = 0, errors = 0;
	size_t states = 0;
	size_t nsc;
	const struct xcfg *sc;
	double t0 = secs();

	for (int b = 0; b < B_N; b++)
		op.budget[b] = -1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--deep"))
			op.deep = true;
		else if (!strcmp(argv[i], "--selfcheck"))
			op.selfcheck = true;
		else if (!strcmp(argv[i], "--verbose"))
			op.verbose = true;
		else if (!strcmp(argv[i], "--strict"))
			op.strict = true;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			op.only = argv[++i];
		else if (!strcmp(argv[i], "--depth") && i + 1 < argc)
			op.depth = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--delay-ms") && i + 1 < argc)
			op.dmax_ms = atoll(argv[++i]);
		else if (!strcmp(argv[i], "--down-ms") && i + 1 < argc)
			op.down_ms = atoll(argv[++i]);
		else if (!strcmp(argv[i], "--masters-ms") && i + 1 < argc)
			op.mmwin_ms = atoll(argv[++i]);
		else if (!strcmp(argv[i], "--budget") && i + 1 < argc &&
			 sscanf(argv[++i], "%d,%d,%d,%d,%d,%d", &op.budget[0], &op.budget[1],
				&op.budget[2], &op.budget[3], &op.budget[4], &op.budget[5]) == B_N)
			continue;
		else {
			fprintf(stderr, "usage: explore [--deep] [--only NAME] [--selfcheck] "
				"[--verbose] [--strict] [--depth N] [--delay-ms N] [--down-ms N]\n"
				"               [--masters-ms N]\n"
				"               [--budget LOSS,CRASH,PARTITION,FAIL,SWITCHOVER,REORDER]\n");
			return 2;
		}
	}
	sc = scenarios(op.deep, &nsc);
	for (size_t i = 0; i < nsc; i++) {
		struct xcfg c = sc[i];
		int rc;

		if (op.only && strcmp(op.only, c.name))
			continue;
		if (op.depth >= 0)
			c.depth = (unsigned)op.depth;
		if (op.dmax_ms >= 0)
			c.dmax = (uint64_t)op.dmax_ms * X_MS;
		if (op.down_ms >= 0)
			c.down = (uint64_t)op.down_ms * X_MS;
		if (op.mmwin_ms >= 0)
			c.mmwin = (uint64_t)op.mmwin_ms * X_MS;
		for (int b = 0; b < B_N; b++)
			if (op.budget[b] >= 0)
				c.budget[b] = (unsigned)op.budget[b];
		if (op.strict)
			memset(c.known, 0, sizeof(c.known));
		rc = run(&c, &op, &states);
		errors += rc == 2;
		if (rc)
			fail++;
		else
			pass++;
	}
	printf("explore: %u passed, %u failed (%s bound: %zu states, %.1f s)\n", pass, fail,
	       op.deep ? "deep" : "small", states, secs() - t0);
	return errors ? 2 : fail ? 1 : 0;
}
