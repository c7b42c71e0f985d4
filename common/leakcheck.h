/*
 * leakcheck.h - letting LeakSanitizer check the processes that hide
 * their memory.
 *
 * Followme's daemons and their children make themselves non-dumpable
 * (PR_SET_DUMPABLE 0, or the kernel does it when they change account):
 * keys and PINs must not be readable through ptrace or /proc/PID/mem.
 * LeakSanitizer's check at exit needs exactly that: it attaches to the
 * process's threads, listed in /proc/PID/task.  On a non-dumpable
 * process it stops with "LeakSanitizer has encountered a fatal error"
 * and nothing is checked.  And a forked child that ends with _exit()
 * runs no check at all.
 *
 * In a sanitizer build (FM_LEAKCHECK_ON below: -fsanitize=address, as
 * clang's __has_feature or gcc's __SANITIZE_ADDRESS__ tell; clang 14
 * does not define the latter) these functions make the process dumpable
 * again once its secrets are wiped, just before it ends, and run the
 * check in a child that ends with _exit().  In any other build, the
 * production one included, fm_leakcheck_allow() does nothing and
 * fm_leakcheck_exit() is _exit(): the process stays non-dumpable to its
 * end.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_LEAKCHECK_H
#define FM_LEAKCHECK_H

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FM_LEAKCHECK_ON 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(FM_LEAKCHECK_ON)
#define FM_LEAKCHECK_ON 1
#endif

/*
 * 'fm_leakcheck_allow()' - in a sanitizer build, make the process
 * dumpable again so that LeakSanitizer's check at exit can run; the
 * caller has wiped its secrets and is about to end.  Nothing in any
 * other build.
 */
void fm_leakcheck_allow(void);

/*
 * 'fm_leakcheck_exit()' - end a forked child with status, as _exit()
 * does (no atexit handlers, no stdio flush of its parent's buffers).  In
 * a sanitizer build it first makes the process dumpable and runs
 * LeakSanitizer's check, which reports leaks on stderr and ends the
 * process with a failure status if it finds any.
 */
void fm_leakcheck_exit(int status) __attribute__((noreturn));

#endif
