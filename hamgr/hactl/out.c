/* out: hactl's terminal output. */
#include "out.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static char *capture;
static size_t capture_len;

void out_capture(char *buf, size_t len)
{
	capture = len ? buf : NULL;
	capture_len = len;
	if (capture)
		capture[0] = '\0';
}

void out_verr(const char *fmt, va_list ap)
{
	if (capture) {
		vsnprintf(capture, capture_len, fmt, ap);
		return;
	}
	fputs("hactl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void out_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_verr(fmt, ap);
	va_end(ap);
}

void out_wrap(int col, int indent, const char *text)
{
	const char *p = text, *w;
	bool first = true;      /* no word on this line yet */
	int len;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		for (w = p; *w && *w != ' '; w++)
			;
		len = (int)(w - p);
		if (!first && col + 1 + len > OUT_WIDTH) {
			printf("\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			putchar(' ');
			col++;
		}
		first = false;
		printf("%.*s", len, p);
		col += len;
		p = w;
	}
	putchar('\n');
}

void out_detail(const char *label, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("  %-*s", OUT_LABEL_WIDTH, label);
	out_wrap(2 + OUT_LABEL_WIDTH, 2 + OUT_LABEL_WIDTH, buf);
}

void out_buf_init(struct out_buf *b, char *buf, size_t len)
{
	b->p = buf;
	b->len = len;
	b->off = 0;
	if (len)
		buf[0] = '\0';
}

void out_buf_add(struct out_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->off + 1 >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->off, b->len - b->off, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->off += (size_t)n < b->len - b->off ? (size_t)n : b->len - b->off - 1;
}

const char *out_ms(double ms, char *buf, size_t len)
{
	long long s = (long long)(ms / 1000.0);

	if (ms < 0 || isnan(ms))
		snprintf(buf, len, "-");
	else if (ms < 1 && ms != floor(ms))
		snprintf(buf, len, "%.2fms", ms);
	else if (ms < 10 && ms != floor(ms))
		snprintf(buf, len, "%.1fms", ms);
	else if (ms < 1000)
		snprintf(buf, len, "%.0fms", ms);
	else if (ms < 10000 && fmod(ms, 1000) != 0)
		snprintf(buf, len, "%.1fs", ms / 1000.0);
	else if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
	return buf;
}

const char *out_interval(double ms, char *buf, size_t len)
{
	size_t n;

	if (ms < 0 || isnan(ms))
		snprintf(buf, len, "-");
	else if (ms < 1000)
		snprintf(buf, len, "%.6gms", ms);
	else {
		/* Milliseconds are the setting's resolution: 3 decimals at
		 * most, trailing zeros dropped. */
		snprintf(buf, len, "%.3f", ms / 1000.0);
		n = strlen(buf);
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '.')
			buf[--n] = '\0';
		snprintf(buf + n, len - n, "s");
	}
	return buf;
}
