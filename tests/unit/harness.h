/*
 * harness.h - a small header-only unit test harness.
 *
 * Each test program defines test functions and lists them in main():
 *
 *	static void test_parse_empty(void) { ASSERT_INT_EQ(parse(""), -1); }
 *	int main(void) { RUN(test_parse_empty); return harness_done(); }
 *
 * A failed assertion prints the file, line, the operand text and both
 * values, marks the current test failed and returns from it.  A test that
 * checks one thing on many values keeps them in a table and walks it with
 * EACH_ROW; a failure then names the row as well.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TEST_HARNESS_H
#define FM_TEST_HARNESS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int harness_failed_tests;
static int harness_run_tests;
static bool harness_current_failed;
static long harness_row = -1; /* the table row being checked, or -1 */

/* Runs call as the test named name, and reports it. */
#define RUN_CALL(name, call)                                                   \
	do {                                                                   \
		harness_current_failed = false;                                \
		harness_row = -1;                                              \
		harness_run_tests++;                                           \
		call;                                                          \
		printf("%s %s\n", harness_current_failed ? "FAIL" : "ok  ",    \
		    #name);                                                    \
		fflush(stdout); /* not again by a child the next test forks */ \
		if (harness_current_failed)                                    \
			harness_failed_tests++;                                \
	} while (0)

#define RUN(fn) RUN_CALL(fn, fn())

static inline int
harness_done(void)
{
	printf("%d passed, %d failed\n",
	    harness_run_tests - harness_failed_tests, harness_failed_tests);
	return harness_failed_tests == 0 ? 0 : 1;
}

#define HARNESS_FAIL(...)                                                      \
	do {                                                                   \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                \
		if (harness_row >= 0)                                          \
			fprintf(stderr, "row %ld: ", harness_row);             \
		fprintf(stderr, __VA_ARGS__);                                  \
		fputc('\n', stderr);                                           \
		harness_current_failed = true;                                 \
		return;                                                        \
	} while (0)

/* The number of elements of the array a. */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * for (EACH_ROW(i, rows)) - the loop over a table: the statement runs once
 * for each element of the array rows, with i (a size_t) its index, and a
 * failed assertion in it names the row ("row 3: ") before what it says.
 * EACH_ROW_OF(i, n) does the same for n rows of a table passed by
 * pointer.  Not nested: after the loop, failures name no row again.
 */
#define EACH_ROW(i, rows) EACH_ROW_OF(i, NELEM(rows))
#define EACH_ROW_OF(i, n)                                                      \
	size_t i = (harness_row = 0, 0);                                       \
	i < (n) || (harness_row = -1, false);                                  \
	harness_row = (long)++i

/* Fails the test unless ok, naming the assertion and its operands. */
#define ASSERT_THAT_(ok, what)                                                 \
	do {                                                                   \
		if (!(ok))                                                     \
			HARNESS_FAIL("%s failed", what);                       \
	} while (0)

#define ASSERT_TRUE(e) ASSERT_THAT_(e, "ASSERT_TRUE(" #e ")")
#define ASSERT_FALSE(e) ASSERT_THAT_(!(e), "ASSERT_FALSE(" #e ")")
#define ASSERT_NULL(p) ASSERT_THAT_((p) == NULL, "ASSERT_NULL(" #p ")")
#define ASSERT_NOT_NULL(p) ASSERT_THAT_((p) != NULL, "ASSERT_NOT_NULL(" #p ")")

/* Fails the test unless a == b as type, printing both with fmt. */
#define ASSERT_EQ_(name, type, fmt, a, b)                                      \
	do {                                                                   \
		type va_ = (type)(a), vb_ = (type)(b);                         \
		if (va_ != vb_)                                                \
			HARNESS_FAIL(name "(%s, %s): " fmt " != " fmt, #a, #b, \
			    va_, vb_);                                         \
	} while (0)

#define ASSERT_INT_EQ(a, b) ASSERT_EQ_("ASSERT_INT_EQ", long long, "%lld", a, b)
#define ASSERT_UINT_EQ(a, b)                                                   \
	ASSERT_EQ_("ASSERT_UINT_EQ", unsigned long long, "%llu", a, b)

#define ASSERT_STR_EQ(a, b)                                                    \
	do {                                                                   \
		const char *va_ = (a), *vb_ = (b);                             \
		if (va_ == NULL || vb_ == NULL || strcmp(va_, vb_) != 0)       \
			HARNESS_FAIL("ASSERT_STR_EQ(%s, %s): \"%s\" != "       \
			             "\"%s\"",                                 \
			    #a, #b, va_ ? va_ : "(null)",                      \
			    vb_ ? vb_ : "(null)");                             \
	} while (0)

#define ASSERT_STR_CONTAINS(a, needle)                                         \
	do {                                                                   \
		const char *va_ = (a), *vn_ = (needle);                        \
		if (va_ == NULL || strstr(va_, vn_) == NULL)                   \
			HARNESS_FAIL("ASSERT_STR_CONTAINS(%s, %s): \"%s\" "    \
			             "lacks \"%s\"",                           \
			    #a, #needle, va_ ? va_ : "(null)", vn_);           \
	} while (0)

#define ASSERT_MEM_EQ(a, b, n)                                                 \
	do {                                                                   \
		if (memcmp((a), (b), (n)) != 0)                                \
			HARNESS_FAIL(                                          \
			    "ASSERT_MEM_EQ(%s, %s, %s) differ", #a, #b, #n);   \
	} while (0)

#endif
