/* cu_main: shared main() for the CUnit programs, one per module.
 * A test file defines its CU_TestInfo arrays and CU_SuiteInfo suites[],
 * then writes CU_MAIN(suites). The program prints CUnit's summary and a
 * final "NAME: N passed, N failed" line; exit status 1 on any failure. */
#ifndef HAMGR_CU_MAIN_H
#define HAMGR_CU_MAIN_H

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#define CU_MAIN(suites_)                                                        \
	int main(int argc, char **argv)                                         \
	{                                                                       \
		const char *n = strrchr(argv[0], '/');                          \
		unsigned run, failed;                                           \
		(void)argc;                                                     \
		if (CU_initialize_registry() != CUE_SUCCESS ||                  \
		    CU_register_suites(suites_) != CUE_SUCCESS) {               \
			fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());     \
			return 2;                                               \
		}                                                               \
		CU_basic_set_mode(CU_BRM_NORMAL);                               \
		CU_basic_run_tests();                                           \
		run = CU_get_number_of_tests_run();                             \
		failed = CU_get_number_of_tests_failed();                       \
		printf("\n%s: %u passed, %u failed\n", n ? n + 1 : argv[0],      \
		       run - failed, failed);                                   \
		CU_cleanup_registry();                                          \
		return failed ? 1 : 0;                                          \
	}

#endif
