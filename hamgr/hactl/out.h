/* out: hactl's terminal output: messages on stderr, text wrapped at
 * OUT_WIDTH columns, durations for humans. */
#ifndef HAMGR_HACTL_OUT_H
#define HAMGR_HACTL_OUT_H

#include <stdarg.h>
#include <stddef.h>

#define OUT_WIDTH 100

/* "hactl: MESSAGE\n" on stderr. */
void out_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with a va_list (for callers that add to the message). */
void out_verr(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Print text word-wrapped at OUT_WIDTH columns: the first line after
 * what is already printed (col columns), continuation lines indented by
 * indent spaces. A word longer than a line is printed whole. */
void out_wrap(int col, int indent, const char *text);

/* A detail line under an instance: "  LABEL    text...", wrapped; the
 * label padded to OUT_LABEL_WIDTH (the longest, "pipeline", "resource",
 * and one blank). */
#define OUT_LABEL_WIDTH 9
void out_detail(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ms as a duration for humans into buf: 0.41ms, 2.5ms, 35ms, 1.5s, 42s,
 * 3m05s, 2h03m, 4d02h; "-" for a negative or NaN value. Returns buf. */
const char *out_ms(double ms, char *buf, size_t len);

#endif
