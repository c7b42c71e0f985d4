/*
 * i18n.h - the languages people read Followme in (French and English):
 * gettext catalogs, and amounts and dates as each language writes them.
 *
 * Messages are looked up in the "followme" domain with dgettext(), never
 * textdomain(), so a program that loads pam_followme.so keeps its own.
 * The source strings are English; po/fr.po translates them.  Exports
 * (CSV, JSON) and logs are never translated: they are read by programs
 * and by the people who keep the server.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_I18N_H
#define FM_I18N_H

#include <libintl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define FM_I18N_DOMAIN "followme"

/* A message for people, translated; N_() marks one translated later. */
#define _(s) dgettext(FM_I18N_DOMAIN, s)
#define N_(s) s
/* Singular and plural forms chosen by n, translated. */
#define P_(s, p, n) dngettext(FM_I18N_DOMAIN, s, p, (unsigned long)(n))

/* The languages there are catalogs for. */
enum fm_i18n_lang {
	FM_LANG_EN,
	FM_LANG_FR,
};

/* Room for a formatted amount or date, with NUL. */
#define FM_I18N_MONEYMAX 64
#define FM_I18N_DATEMAX 32

/*
 * 'fm_i18n_init()' - for a program: set the character set and the
 * messages (LC_CTYPE, LC_MESSAGES; never LC_NUMERIC) from the
 * environment and bind the catalogs.  A locale the system lacks
 * (LANG=fr_FR.UTF-8 where fr_FR was never generated) still gets its messages:
 * the program runs in C.UTF-8 and asks gettext for that language.
 */
void fm_i18n_init(void);

/*
 * 'fm_i18n_bind()' - bind the catalogs only, touching no locale: for a
 * module loaded into someone else's program (pam_followme.so).
 */
void fm_i18n_bind(void);

/*
 * 'fm_i18n_parse_lang()' - len bytes of buf as a language: "fr", "en" or
 * a locale name of either ("fr_FR.UTF-8", "en_GB").  False for anything
 * else, leaving *out alone.
 */
bool fm_i18n_parse_lang(const char *buf, size_t len, enum fm_i18n_lang *out);

/* 'fm_i18n_lang_code()' - "fr" or "en". */
const char *fm_i18n_lang_code(enum fm_i18n_lang lang);

/*
 * 'fm_i18n_env_lang()' - the language the environment asks for
 * (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, in gettext's order); English
 * when none names one there is a catalog for.
 */
enum fm_i18n_lang fm_i18n_env_lang(void);

/*
 * 'fm_i18n_set_lang()' - from now on, messages in lang (a terminal that
 * switches for the user who logged in, and back).  Changes this
 * process's LANGUAGE and, if it was "C", its LC_MESSAGES locale.
 */
void fm_i18n_set_lang(enum fm_i18n_lang lang);

/*
 * 'fm_i18n_width()' - the cells len bytes of UTF-8 text s take on a
 * terminal: accented letters one, CJK two, combining marks none; an
 * invalid byte or a character the locale cannot measure counts one.
 * Needs a UTF-8 LC_CTYPE (fm_i18n_init()) for anything but ASCII.
 */
size_t fm_i18n_width(const char *s, size_t len);

/*
 * 'fm_i18n_money()' - amount (minor units) in currency (an ISO 4217
 * code, "" for none) as lang writes it, into buf (size bytes,
 * FM_I18N_MONEYMAX is always enough): French "1 234,50 €" (no-break
 * spaces), English "€1,234.50"; a currency without a symbol here is
 * written as its code ("12,00 CHF", "CHF 12.00").  Returns buf.
 */
const char *fm_i18n_money(int64_t amount, const char *currency,
    enum fm_i18n_lang lang, char *buf, size_t size);

/*
 * 'fm_i18n_date()' - the calendar day of t (local time) as lang writes
 * it: French "06/12/2026", English "6 Dec 2026" (the month named, so it
 * is never read the American way).  Returns buf.
 */
const char *fm_i18n_date(
    time_t t, enum fm_i18n_lang lang, char *buf, size_t size);

#endif
