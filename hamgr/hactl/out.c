/* out: hactl's terminal output. */
#include "out.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

void out_verr(const char *fmt, va_list ap)
{
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
