/* log: journal-friendly logging. Lines go to stderr; under systemd
 * (JOURNAL_STREAM set) each line carries an sd-daemon "<N>" priority
 * prefix, otherwise a timestamp. log_warn() appends strerror(errno),
 * log_warnx() does not (OpenBSD style). */
#ifndef HAMGR_LOG_H
#define HAMGR_LOG_H

#include <stdbool.h>
#include <stdint.h>

void log_init(const char *ident, bool debug);

void log_crit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Rate limiter for noisy lines (wire errors): at most burst lines per
 * window; the number suppressed is reported with the next line allowed. */
struct log_ratelimit {
	uint64_t window_start_us;
	unsigned printed;
	unsigned suppressed;
};
#define LOG_RL_WINDOW_US 5000000ULL
#define LOG_RL_BURST 5

/* Returns true when a line may be printed now; *suppressed receives how many
 * were dropped since the last printed line. */
bool log_ratelimit_ok(struct log_ratelimit *rl, uint64_t now_us, unsigned *suppressed);

#endif
