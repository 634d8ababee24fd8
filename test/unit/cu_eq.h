/* cu_eq: CUnit assertions that print what they got, for the timeline
 * suites: EQS compares strings (rendered actions, histories), EQU numbers. */
#ifndef HAMGR_CU_EQ_H
#define HAMGR_CU_EQ_H

#include <CUnit/CUnit.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define EQS(got, want) cu_eqs_at((got), (want), __LINE__, #got, __FILE__)
#define EQU(got, want) cu_equ_at((uint64_t)(got), (uint64_t)(want), __LINE__, \
				 #got " == " #want, __FILE__)

static inline void cu_eqs_at(const char *got, const char *want, unsigned line,
			     const char *expr, const char *file)
{
	bool ok = strcmp(got, want) == 0;

	if (!ok)
		fprintf(stderr, "\n%s:%u: %s\n  got:  \"%s\"\n  want: \"%s\"\n", file, line, expr,
			got, want);
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, expr, file, "", CU_FALSE);
}

static inline void cu_equ_at(uint64_t got, uint64_t want, unsigned line, const char *expr,
			     const char *file)
{
	bool ok = got == want;

	if (!ok)
		fprintf(stderr, "\n%s:%u: %s: got %" PRIu64 ", want %" PRIu64 "\n", file, line,
			expr, got, want);
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, expr, file, "", CU_FALSE);
}

#endif
