/* probe: client-side outage meter for the netns tests and the demo.
 *
 * Sends numbered, timestamped UDP requests to ADDR:PORT at a fixed rate and
 * listens for the responder's answers, which carry the answering node's
 * name. What a client sees of a failover is the silence between two answers
 * and the change of the answering node, so that is what it reports:
 *
 *   longest_gap_ms  longest interval between consecutive answers received
 *                   (the start of the run and, when answers never resume,
 *                   the last send count as answers: an outage that never
 *                   ended or never began still shows)
 *   switch_ms       longest time from the last answer of one node to the
 *                   first answer of the next (-1: no switch)
 *
 * Wire format (text, one datagram each way):
 *   request  "HMP1 SEQ SEND_NS"
 *   answer   "HMP1 SEQ SEND_NS NODE"
 *
 * Everything is bounded: the run lasts --duration (default 10 s, at most
 * 600 s) or ends --tail ms after the first switch with --until-switch, then
 * waits at most DRAIN_MS for late answers. ICMP errors while the VIP moves
 * (ECONNREFUSED, EHOSTUNREACH ...) are counted, never fatal. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NODE_MAX 64
#define MAX_SWITCHES_SHOWN 16
#define DRAIN_MS 250
#define MAX_DURATION_S 600.0
#define MAX_RATE 20000u
/* Fall this far behind schedule (a stalled scheduler) and the schedule is
 * moved on instead of sending a burst to catch up. */
#define MAX_LAG_NS 50000000LL

struct opts {
	const char *addr;
	const char *port;
	unsigned rate;
	double duration_s;
	bool until_switch;
	unsigned tail_ms;
	bool quiet;
};

struct switch_rec {
	char from[NODE_MAX], to[NODE_MAX];
	int64_t at_ns;      /* when the new node first answered, since start */
	int64_t gap_ns;
};

struct stats {
	uint64_t sent, answered, dups, bogus, late_skips;
	uint64_t send_err, err_refused, err_unreach, err_busy, err_other, recv_err;
	int other_errno;        /* the last error counted as other */
	int64_t start_ns, last_send_ns, prev_answer_ns;
	int64_t longest_gap_ns, longest_gap_at_ns;
	bool gap_open_at_end;
	int64_t rtt_sum_ns, rtt_max_ns;
	char first[NODE_MAX], cur[NODE_MAX];
	unsigned switches;
	int64_t switch_max_ns;
	struct switch_rec shown[MAX_SWITCHES_SHOWN];
	uint8_t *seen;          /* bitmap of answered sequence numbers */
	uint64_t seen_bits;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double ms(int64_t ns)
{
	return (double)ns / 1e6;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: probe [-r RATE] [-d SECONDS] [-u] [-t TAIL_MS] [-q] ADDR PORT\n"
		"  -r, --rate N          requests per second (default 2000, 1..%u)\n"
		"  -d, --duration S      run for S seconds (default 10, at most %.0f)\n"
		"  -u, --until-switch    stop TAIL_MS after the answering node changes\n"
		"  -t, --tail MS         tail after the first switch (default 500)\n"
		"  -q, --quiet           only the machine line\n"
		"Prints a summary and the line\n"
		"  probe: sent=N answered=N lost=N longest_gap_ms=X switch_ms=Y first=A last=B switches=K\n",
		MAX_RATE, MAX_DURATION_S);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "until-switch", no_argument, NULL, 'u' },
		{ "tail", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	*o = (struct opts){ .rate = 2000, .duration_s = 10.0, .tail_ms = 500 };
	while ((c = getopt_long(argc, argv, "r:d:ut:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->rate = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o->rate < 1 || o->rate > MAX_RATE)
				return -1;
			break;
		case 'd':
			o->duration_s = strtod(optarg, &end);
			if (*end || !(o->duration_s > 0.0) || o->duration_s > MAX_DURATION_S)
				return -1;
			break;
		case 'u':
			o->until_switch = true;
			break;
		case 't':
			o->tail_ms = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o->tail_ms > 60000)
				return -1;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (argc - optind != 2)
		return -1;
	o->addr = argv[optind];
	o->port = argv[optind + 1];
	return 0;
}

/* A connected, non-blocking UDP socket: connected so that ICMP errors for
 * this flow come back as ECONNREFUSED/EHOSTUNREACH, as a real client sees. */
static int open_socket(const struct opts *o)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int fd, rc, buf = 1 << 20;

	rc = getaddrinfo(o->addr, o->port, &hints, &ai);
	if (rc) {
		fprintf(stderr, "probe: %s port %s: %s\n", o->addr, o->port, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		fprintf(stderr, "probe: socket/connect %s: %s\n", o->addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	freeaddrinfo(ai);
	return fd;
}

static void count_error(struct stats *s, int err)
{
	if (err == ECONNREFUSED)
		s->err_refused++;
	else if (err == EHOSTUNREACH || err == ENETUNREACH || err == EHOSTDOWN)
		s->err_unreach++;
	else if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS)
		s->err_busy++;     /* queued behind an unresolved ARP/ND entry */
	else {
		s->err_other++;
		s->other_errno = err;
	}
}

static void send_one(int fd, struct stats *s, int64_t t)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "HMP1 %" PRIu64 " %" PRId64, s->sent, t);

	s->sent++;
	s->last_send_ns = t;
	if (send(fd, buf, (size_t)n, 0) < 0) {
		s->send_err++;
		count_error(s, errno);
	}
}

/* Book one valid answer received at t. */
static void book_answer(struct stats *s, uint64_t seq, int64_t sent_at, const char *node, int64_t t)
{
	int64_t gap = t - s->prev_answer_ns;

	if (seq < s->seen_bits) {
		if (s->seen[seq / 8] & (1u << (seq % 8)))
			s->dups++;
		else
			s->answered++;
		s->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
	}
	if (gap > s->longest_gap_ns) {
		s->longest_gap_ns = gap;
		s->longest_gap_at_ns = s->prev_answer_ns - s->start_ns;
	}
	s->prev_answer_ns = t;
	if (t - sent_at > s->rtt_max_ns)
		s->rtt_max_ns = t - sent_at;
	s->rtt_sum_ns += t - sent_at;
	if (!s->first[0]) {
		snprintf(s->first, sizeof(s->first), "%s", node);
		snprintf(s->cur, sizeof(s->cur), "%s", node);
		return;
	}
	if (strcmp(s->cur, node) == 0)
		return;
	if (s->switches < MAX_SWITCHES_SHOWN) {
		struct switch_rec *r = &s->shown[s->switches];

		snprintf(r->from, sizeof(r->from), "%s", s->cur);
		snprintf(r->to, sizeof(r->to), "%s", node);
		r->at_ns = t - s->start_ns;
		r->gap_ns = gap;
	}
	s->switches++;
	if (gap > s->switch_max_ns)
		s->switch_max_ns = gap;
	snprintf(s->cur, sizeof(s->cur), "%s", node);
}

/* Read every queued datagram; malformed ones are counted and ignored. */
static void drain_socket(int fd, struct stats *s)
{
	char buf[256], node[NODE_MAX];
	uint64_t seq;
	int64_t sent_at;
	ssize_t n;
	unsigned budget = 10000;   /* bound one drain even under a flood */

	while (budget--) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			s->recv_err++;
			count_error(s, errno);
			continue;   /* a queued ICMP error: there may be more */
		}
		buf[n] = '\0';
		if (sscanf(buf, "HMP1 %" SCNu64 " %" SCNd64 " %63s", &seq, &sent_at, node) != 3 ||
		    seq >= s->sent) {
			s->bogus++;
			continue;
		}
		book_answer(s, seq, sent_at, node, now_ns());
	}
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* The send/receive loop: sends on schedule until the end of the run, then
 * drains for DRAIN_MS. Returns when both are over (or on a signal). */
static void run(int fd, const struct opts *o, struct stats *s)
{
	int64_t period = 1000000000LL / o->rate;
	int64_t end = s->start_ns + (int64_t)(o->duration_s * 1e9);
	int64_t next = s->start_ns, drain_end = -1, t, wait;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec ts;

	for (;;) {
		t = now_ns();
		if (stop_requested && drain_end < 0)
			end = t;
		if (o->until_switch && s->switches > 0)
			end = min64(end, s->shown[0].at_ns + s->start_ns + (int64_t)o->tail_ms * 1000000LL);
		if (drain_end < 0 && t >= end)
			drain_end = t + DRAIN_MS * 1000000LL;
		if (drain_end >= 0) {
			if (t >= drain_end)
				return;
			wait = drain_end - t;
		} else {
			if (t >= next) {
				send_one(fd, s, t);
				next += period;
				if (t - next > MAX_LAG_NS) {
					next = t + period;
					s->late_skips++;
				}
			}
			wait = min64(next, end) - t;
		}
		if (wait < 0)
			wait = 0;
		ts.tv_sec = wait / 1000000000LL;
		ts.tv_nsec = wait % 1000000000LL;
		if (ppoll(&pfd, 1, &ts, NULL) > 0)
			drain_socket(fd, s);
	}
}

/* An outage still going on when sending stopped counts as a gap too. */
static void close_open_gap(struct stats *s)
{
	int64_t gap = s->last_send_ns - s->prev_answer_ns;

	if (s->sent && gap > s->longest_gap_ns && gap > 0) {
		s->longest_gap_ns = gap;
		s->longest_gap_at_ns = s->prev_answer_ns - s->start_ns;
		s->gap_open_at_end = true;
	}
}

static void report(const struct opts *o, const struct stats *s)
{
	uint64_t lost = s->sent > s->answered ? s->sent - s->answered : 0;
	unsigned i;

	if (!o->quiet) {
		printf("probe %s port %s, %u requests/s for %.2f s\n", o->addr, o->port,
		       o->rate, ms(s->last_send_ns - s->start_ns) / 1000.0);
		printf("  sent %" PRIu64 ", answered %" PRIu64 ", lost %" PRIu64 " (%.1f %%)"
		       ", duplicates %" PRIu64 ", malformed %" PRIu64 "\n",
		       s->sent, s->answered, lost, s->sent ? 100.0 * (double)lost / (double)s->sent : 0.0,
		       s->dups, s->bogus);
		printf("  longest gap between answers %.1f ms, from %.3f s%s\n",
		       ms(s->longest_gap_ns), ms(s->longest_gap_at_ns) / 1000.0,
		       s->gap_open_at_end ? " (answers never resumed)" : "");
		printf("  answering node: first %s, last %s, %u switch%s\n",
		       s->first[0] ? s->first : "-", s->cur[0] ? s->cur : "-",
		       s->switches, s->switches == 1 ? "" : "es");
		for (i = 0; i < s->switches && i < MAX_SWITCHES_SHOWN; i++)
			printf("    %s -> %s at %.3f s, %.1f ms after %s's last answer\n",
			       s->shown[i].from, s->shown[i].to, ms(s->shown[i].at_ns) / 1000.0,
			       ms(s->shown[i].gap_ns), s->shown[i].from);
		if (s->answered + s->dups)
			printf("  rtt avg %.3f ms, max %.3f ms\n",
			       ms(s->rtt_sum_ns) / (double)(s->answered + s->dups), ms(s->rtt_max_ns));
		printf("  errors: send %" PRIu64 ", recv %" PRIu64 " (refused %" PRIu64
		       ", unreachable %" PRIu64 ", buffer full %" PRIu64 ", other %" PRIu64 "%s%s%s)"
		       ", schedule skips %" PRIu64 "\n",
		       s->send_err, s->recv_err, s->err_refused, s->err_unreach, s->err_busy,
		       s->err_other, s->err_other ? ": " : "",
		       s->err_other ? strerror(s->other_errno) : "", s->err_other ? " last" : "",
		       s->late_skips);
	}
	printf("probe: sent=%" PRIu64 " answered=%" PRIu64 " lost=%" PRIu64
	       " longest_gap_ms=%.1f switch_ms=%.1f first=%s last=%s switches=%u\n",
	       s->sent, s->answered, lost, ms(s->longest_gap_ns),
	       s->switches ? ms(s->switch_max_ns) : -1.0,
	       s->first[0] ? s->first : "-", s->cur[0] ? s->cur : "-", s->switches);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct stats s = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	int fd;

	if (parse_opts(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fd = open_socket(&o);
	if (fd < 0)
		return 1;
	/* One bit per request the run can send, plus slack for rounding. */
	s.seen_bits = (uint64_t)(o.duration_s * o.rate) + 1024;
	s.seen = calloc(s.seen_bits / 8 + 1, 1);
	if (!s.seen) {
		fprintf(stderr, "probe: out of memory\n");
		return 1;
	}
	s.start_ns = now_ns();
	s.prev_answer_ns = s.start_ns;
	s.last_send_ns = s.start_ns;
	run(fd, &o, &s);
	close_open_gap(&s);
	report(&o, &s);
	free(s.seen);
	close(fd);
	return 0;
}
