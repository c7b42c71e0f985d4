/*
 * leakcheck.c - LeakSanitizer's check for the children that end with
 * _exit() (leakcheck.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/leakcheck.h"

#include <unistd.h>

#ifdef FM_LEAKCHECK_ON
#include <sanitizer/lsan_interface.h>
#endif

void
fm_leakcheck_exit(int status)
{
#ifdef FM_LEAKCHECK_ON
	/* Ends the process with ASan's exit code if there is a leak; the
	 * check at exit is then off, should anything call exit(). */
	__lsan_do_leak_check();
#endif
	_exit(status);
}
