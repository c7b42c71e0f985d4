/*
 * leakcheck.c - letting LeakSanitizer check the processes that hide
 * their memory (leakcheck.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/leakcheck.h"

#include <sys/prctl.h>
#include <unistd.h>

#ifdef FM_LEAKCHECK_ON
#include <sanitizer/lsan_interface.h>
#endif

void
fm_leakcheck_allow(void)
{
#ifdef FM_LEAKCHECK_ON
	/* Test builds only: a production build keeps the process
	 * non-dumpable until it is gone. */
	(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
}

void
fm_leakcheck_exit(int status)
{
#ifdef FM_LEAKCHECK_ON
	fm_leakcheck_allow();
	/* Exits with ASan's exitcode if there is a leak; afterwards the
	 * check at exit is off, should anything call exit(). */
	__lsan_do_leak_check();
#endif
	_exit(status);
}
