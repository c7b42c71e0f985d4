/*
 * test_i18n.c - languages, and amounts and dates as French and English
 * write them (issue 15).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "common/i18n.h"
#include "harness.h"

static void
test_money_in_french(void)
{
	char buf[FM_I18N_MONEYMAX];

	/* No-break space before the symbol, narrow no-break space between
	 * thousands, a comma for the decimals. */
	ASSERT_STR_EQ(fm_i18n_money(30, "EUR", FM_LANG_FR, buf, sizeof(buf)),
	    "0,30\u00a0\u20ac");
	ASSERT_STR_EQ(
	    fm_i18n_money(123450, "EUR", FM_LANG_FR, buf, sizeof(buf)),
	    "1\u202f234,50\u00a0\u20ac");
	ASSERT_STR_EQ(fm_i18n_money(-1200, "CHF", FM_LANG_FR, buf, sizeof(buf)),
	    "-12,00\u00a0CHF");
	ASSERT_STR_EQ(
	    fm_i18n_money(5, "", FM_LANG_FR, buf, sizeof(buf)), "0,05");
	ASSERT_STR_EQ(
	    fm_i18n_money(123456789012345, "EUR", FM_LANG_FR, buf, sizeof(buf)),
	    "1\u202f234\u202f567\u202f890\u202f123,45\u00a0\u20ac");
}

static void
test_money_in_english(void)
{
	char buf[FM_I18N_MONEYMAX];

	ASSERT_STR_EQ(fm_i18n_money(30, "EUR", FM_LANG_EN, buf, sizeof(buf)),
	    "\u20ac0.30");
	ASSERT_STR_EQ(
	    fm_i18n_money(123450, "GBP", FM_LANG_EN, buf, sizeof(buf)),
	    "\u00a31,234.50");
	ASSERT_STR_EQ(
	    fm_i18n_money(-30, "USD", FM_LANG_EN, buf, sizeof(buf)), "-$0.30");
	ASSERT_STR_EQ(fm_i18n_money(-1200, "CHF", FM_LANG_EN, buf, sizeof(buf)),
	    "CHF -12.00");
	ASSERT_STR_EQ(
	    fm_i18n_money(5, NULL, FM_LANG_EN, buf, sizeof(buf)), "0.05");
	/* INT64_MIN has a magnitude, and a short buffer stays terminated. */
	fm_i18n_money(INT64_MIN, "EUR", FM_LANG_EN, buf, sizeof(buf));
	ASSERT_TRUE(buf[0] == '-');
	ASSERT_STR_EQ(
	    fm_i18n_money(123450, "EUR", FM_LANG_EN, buf, 4), "\u20ac");
}

static void
test_dates(void)
{
	char buf[FM_I18N_DATEMAX];
	/* 6 December 2026, 12:00 UTC. */
	time_t t = 1796558400;

	ASSERT_STR_EQ(
	    fm_i18n_date(t, FM_LANG_FR, buf, sizeof(buf)), "06/12/2026");
	ASSERT_STR_EQ(
	    fm_i18n_date(t, FM_LANG_EN, buf, sizeof(buf)), "6 Dec 2026");
}

static void
test_languages(void)
{
	enum fm_i18n_lang l = FM_LANG_EN;

	ASSERT_TRUE(fm_i18n_parse_lang("fr", 2, &l));
	ASSERT_INT_EQ(l, FM_LANG_FR);
	ASSERT_TRUE(fm_i18n_parse_lang("en_GB.UTF-8", 11, &l));
	ASSERT_INT_EQ(l, FM_LANG_EN);
	ASSERT_TRUE(fm_i18n_parse_lang("fr_FR.UTF-8", 11, &l));
	ASSERT_INT_EQ(l, FM_LANG_FR);
	ASSERT_FALSE(fm_i18n_parse_lang("de", 2, &l));
	ASSERT_FALSE(fm_i18n_parse_lang("french", 6, &l));
	ASSERT_FALSE(fm_i18n_parse_lang("f", 1, &l));
	ASSERT_FALSE(fm_i18n_parse_lang(NULL, 2, &l));
	ASSERT_INT_EQ(l, FM_LANG_FR);

	setenv("LANG", "fr_FR.UTF-8", 1);
	unsetenv("LANGUAGE");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	ASSERT_INT_EQ(fm_i18n_env_lang(), FM_LANG_FR);
	setenv("LANGUAGE", "en:fr", 1);
	ASSERT_INT_EQ(fm_i18n_env_lang(), FM_LANG_EN);
	unsetenv("LANGUAGE");
	setenv("LC_ALL", "C", 1);
	ASSERT_INT_EQ(fm_i18n_env_lang(), FM_LANG_EN);
	unsetenv("LC_ALL");
}

/* The catalog built from po/fr.po: messages switch with the language,
 * plurals follow French rules (0 and 1 are singular). */
static void
test_catalog(void)
{
	const char *dir = getenv("FM_TEST_LOCALEDIR");

	if (dir != NULL)
		bindtextdomain(FM_I18N_DOMAIN, dir);
	else
		fm_i18n_bind();
	bind_textdomain_codeset(FM_I18N_DOMAIN, "UTF-8");
	fm_i18n_set_lang(FM_LANG_FR);
	ASSERT_STR_EQ(_("Print"), "Imprimer");
	ASSERT_STR_EQ(_("Balance %s"), "Solde %s");
	ASSERT_STR_EQ(P_("%u job", "%u jobs", 0), "%u document");
	ASSERT_STR_EQ(P_("%u job", "%u jobs", 1), "%u document");
	ASSERT_STR_EQ(P_("%u job", "%u jobs", 2), "%u documents");
	fm_i18n_set_lang(FM_LANG_EN);
	ASSERT_STR_EQ(_("Print"), "Print");
	ASSERT_STR_EQ(P_("%u job", "%u jobs", 0), "%u jobs");
	fm_i18n_set_lang(FM_LANG_FR);
	ASSERT_STR_EQ(_("Print"), "Imprimer");
}

int
main(void)
{
	/* Dates in the site's time zone; the test's is fixed. */
	setenv("TZ", "UTC", 1);
	tzset();
	RUN(test_money_in_french);
	RUN(test_money_in_english);
	RUN(test_dates);
	RUN(test_languages);
	RUN(test_catalog);
	return harness_done();
}
