/* log: stderr logging with journald priorities and a rate limiter. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static const char *log_ident = "hamgr";
static bool log_debug_on;
static bool log_journal;

void log_init(const char *ident, bool debug)
{
	log_ident = ident;
	log_debug_on = debug;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

static void log_vline(int prio, const char *fmt, va_list ap, const char *suffix)
{
	char msg[1024];
	struct timespec ts;
	struct tm tm;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_journal) {
		fprintf(stderr, "<%d>%s%s%s\n", prio, msg, suffix ? ": " : "",
			suffix ? suffix : "");
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "%02d:%02d:%02d.%03ld %s[%s]: %s%s%s\n", tm.tm_hour,
			tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_ident,
			prio <= LOG_ERR ? "crit" : prio == LOG_WARNING ? "warn" :
			prio == LOG_NOTICE ? "note" : prio == LOG_INFO ? "info" : "debug",
			msg, suffix ? ": " : "", suffix ? suffix : "");
	}
	fflush(stderr);
}

#define LOG_BODY(prio, suffix)                  \
	do {                                    \
		va_list ap;                     \
		va_start(ap, fmt);              \
		log_vline(prio, fmt, ap, suffix); \
		va_end(ap);                     \
	} while (0)

void log_crit(const char *fmt, ...) { LOG_BODY(LOG_CRIT, NULL); }
void log_warnx(const char *fmt, ...) { LOG_BODY(LOG_WARNING, NULL); }
void log_notice(const char *fmt, ...) { LOG_BODY(LOG_NOTICE, NULL); }
void log_info(const char *fmt, ...) { LOG_BODY(LOG_INFO, NULL); }

void log_warn(const char *fmt, ...)
{
	const char *e = strerror(errno);

	LOG_BODY(LOG_WARNING, e);
}

void log_debug(const char *fmt, ...)
{
	if (log_debug_on)
		LOG_BODY(LOG_DEBUG, NULL);
}

bool log_ratelimit_ok(struct log_ratelimit *rl, uint64_t now_us, unsigned *suppressed)
{
	if (now_us - rl->window_start_us >= LOG_RL_WINDOW_US) {
		rl->window_start_us = now_us;
		rl->printed = 0;
	}
	if (rl->printed >= LOG_RL_BURST) {
		rl->suppressed++;
		return false;
	}
	rl->printed++;
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}
