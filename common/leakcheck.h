/*
 * leakcheck.h - LeakSanitizer's check for the children that end with
 * _exit(), and whether this is a sanitizer build.
 *
 * In a sanitizer build LeakSanitizer checks a process when it exits.  A
 * forked child that ends with _exit() (it must not run its parent's
 * atexit handlers nor flush its parent's stdio buffers) skips that
 * check: followmed's roles, the decryptor, followme-webd's store-side
 * workers.  fm_leakcheck_exit() runs it first in a sanitizer build, and
 * is plain _exit() in any other build, the production one included.
 *
 * That the processes are non-dumpable (PR_SET_DUMPABLE 0, or the kernel
 * after a change of account) does not stop the check: LeakSanitizer
 * makes the process dumpable for the time of the check itself.  Landlock
 * does: the check lists the process's threads in /proc/PID/task, which
 * is why a confined process is let read /proc in sanitizer builds
 * (release/sandbox.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_LEAKCHECK_H
#define FM_LEAKCHECK_H

/* Defined in a sanitizer build (-fsanitize=address, as clang's
 * __has_feature or gcc's __SANITIZE_ADDRESS__ tell; clang 14 does not
 * define the latter). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FM_LEAKCHECK_ON 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(FM_LEAKCHECK_ON)
#define FM_LEAKCHECK_ON 1
#endif

/*
 * 'fm_leakcheck_exit()' - end a forked child with status, as _exit()
 * does (no atexit handlers, no stdio flush of its parent's buffers).  In
 * a sanitizer build it first runs LeakSanitizer's check, which reports
 * leaks on stderr and then ends the process with a failure status.  The
 * caller has closed and freed what it holds.
 */
void fm_leakcheck_exit(int status) __attribute__((noreturn));

#endif
