/*
 * test_printers.c - unit tests for store/printers.c: the checks that
 * followme-admin printer add and the web console share.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/printers.h"

#include <string.h>

#include "tests/unit/harness.h"
#include "tests/unit/store_fixture.h"

static struct fixture fx;

/* Each fault has its own answer, the first one found. */
static void
test_check_faults(void)
{
	char longer[300];
	const char *why = NULL;

	ASSERT_INT_EQ(fm_printers_check(
	                  "mfp1", "ipp://h/ipp/print", "Bâtiment A — 2ᵉ", &why),
	    FM_PRINTERS_FINE);
	ASSERT_NULL(why);
	ASSERT_INT_EQ(fm_printers_check("hall", "hall-queue", NULL, NULL),
	    FM_PRINTERS_FINE);
	ASSERT_INT_EQ(
	    fm_printers_check("a b", "q", "", &why), FM_PRINTERS_BAD_NAME);
	ASSERT_NOT_NULL(why);
	ASSERT_INT_EQ(
	    fm_printers_check("", "q", "", NULL), FM_PRINTERS_BAD_NAME);
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	longer[FM_PRINTERS_NAMEMAX] = '\0';
	ASSERT_INT_EQ(fm_printers_check(longer, "q", "", NULL),
	    FM_PRINTERS_NAME_TOO_LONG);
	longer[FM_PRINTERS_NAMEMAX - 1] = '\0';
	ASSERT_INT_EQ(
	    fm_printers_check(longer, "q", "", NULL), FM_PRINTERS_FINE);
	ASSERT_INT_EQ(fm_printers_check("p", "http://h/ipp", "", NULL),
	    FM_PRINTERS_BAD_URI);
	ASSERT_INT_EQ(
	    fm_printers_check("p", "", "", NULL), FM_PRINTERS_BAD_URI);
	ASSERT_INT_EQ(
	    fm_printers_check("p", "ipp://", "", NULL), FM_PRINTERS_URI_FORM);
	ASSERT_INT_EQ(fm_printers_check("p", "ipps:///x", "", NULL),
	    FM_PRINTERS_URI_FORM);
	ASSERT_INT_EQ(fm_printers_check("p", "ipp://h /x", "", NULL),
	    FM_PRINTERS_URI_FORM);
	memset(longer, 'a', sizeof(longer) - 1);
	memcpy(longer, "ipp://", 6);
	longer[FM_PRINTERS_URIMAX] = '\0';
	ASSERT_INT_EQ(
	    fm_printers_check("p", longer, "", NULL), FM_PRINTERS_URI_TOO_LONG);
	longer[FM_PRINTERS_URIMAX - 1] = '\0';
	ASSERT_INT_EQ(
	    fm_printers_check("p", longer, "", NULL), FM_PRINTERS_FINE);
	memset(longer, 'a', sizeof(longer) - 1);
	longer[FM_PRINTERS_LOCATIONMAX] = '\0';
	ASSERT_INT_EQ(fm_printers_check("p", "q", longer, NULL),
	    FM_PRINTERS_LOCATION_TOO_LONG);
	ASSERT_INT_EQ(fm_printers_check("p", "q", "two\nlines", NULL),
	    FM_PRINTERS_BAD_LOCATION);
	ASSERT_INT_EQ(fm_printers_check("p", "q", "\xc2\x85", NULL),
	    FM_PRINTERS_BAD_LOCATION);
	ASSERT_INT_EQ(fm_printers_check("p", "q", "\xff", NULL),
	    FM_PRINTERS_BAD_LOCATION);
}

/* Added once; the name again is refused and the first row stays. */
static void
test_add_once(void)
{
	struct fm_printer p;
	const char *why = NULL;

	ASSERT_TRUE(fm_printers_add(
	    fx.store, "mfp1", "ipp://h/ipp/print", "Lobby", &why));
	ASSERT_FALSE(
	    fm_printers_add(fx.store, "mfp1", "other-queue", "Hall", &why));
	ASSERT_STR_EQ(why, "A printer has that name already.");
	ASSERT_FALSE(fm_printers_add(fx.store, "mfp2", "ipp://", "", &why));
	ASSERT_FALSE(fm_printers_get(fx.store, "mfp2", &p));
	ASSERT_TRUE(fm_printers_get(fx.store, "mfp1", &p));
	ASSERT_STR_EQ(p.uri, "ipp://h/ipp/print");
	ASSERT_STR_EQ(p.location, "Lobby");
}

int
main(void)
{
	if (fixture_open(&fx) == NULL)
		return 1;
	RUN(test_check_faults);
	RUN(test_add_once);
	fixture_close(&fx);
	return harness_done();
}
