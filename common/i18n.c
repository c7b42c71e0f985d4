/*
 * i18n.c - catalogs, languages, amounts and dates for people.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/i18n.h"

#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "common/utf8.h"

/* glibc and GNU gettext: bumped, it makes gettext() forget the
 * translations it found, after LANGUAGE changed (the gettext manual,
 * "Being a gettext grok"). */
extern int _nl_msg_cat_cntr;

void
fm_i18n_bind(void)
{
	bindtextdomain(FM_I18N_DOMAIN, FM_LOCALEDIR);
	bind_textdomain_codeset(FM_I18N_DOMAIN, "UTF-8");
}

static bool
is_c_locale(const char *name)
{
	return name == NULL || strcmp(name, "C") == 0 ||
	    strcmp(name, "POSIX") == 0;
}

void
fm_i18n_init(void)
{
	enum fm_i18n_lang lang = fm_i18n_env_lang();

	/* Only what messages need: the character set and the messages.
	 * Numbers keep the C locale (options, configuration and exports
	 * are parsed and written with '.'), and amounts and dates are
	 * written by fm_i18n_money() and fm_i18n_date(), not strftime().
	 * A locale that was never generated leaves the program in "C",
	 * where gettext translates nothing: run in C.UTF-8 and name the
	 * language through LANGUAGE instead. */
	if (setlocale(LC_CTYPE, "") == NULL ||
	    setlocale(LC_MESSAGES, "") == NULL) {
		setlocale(LC_CTYPE, "C.UTF-8");
		setlocale(LC_MESSAGES, "C.UTF-8");
		if (lang != FM_LANG_EN && getenv("LANGUAGE") == NULL)
			setenv("LANGUAGE", fm_i18n_lang_code(lang), 1);
	}
	fm_i18n_bind();
}

bool
fm_i18n_parse_lang(const char *buf, size_t len, enum fm_i18n_lang *out)
{
	size_t n;

	if (buf == NULL || out == NULL || len < 2)
		return false;
	/* "fr", or a locale name: "fr_FR", "fr_FR.UTF-8", "fr@euro". */
	n = 2;
	if (len > 2 && buf[2] != '_' && buf[2] != '.' && buf[2] != '@')
		return false;
	if (strncmp(buf, "fr", n) == 0)
		*out = FM_LANG_FR;
	else if (strncmp(buf, "en", n) == 0)
		*out = FM_LANG_EN;
	else
		return false;
	return true;
}

const char *
fm_i18n_lang_code(enum fm_i18n_lang lang)
{
	return lang == FM_LANG_FR ? "fr" : "en";
}

enum fm_i18n_lang
fm_i18n_env_lang(void)
{
	static const char *const vars[] = {
	    "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
	enum fm_i18n_lang lang = FM_LANG_EN;

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v == NULL || v[0] == '\0')
			continue;
		/* LANGUAGE is a list ("fr:en"): its first entry decides. */
		if (fm_i18n_parse_lang(v, strcspn(v, ":"), &lang))
			return lang;
		if (i > 0)
			return FM_LANG_EN; /* "C", "de_DE"...: no catalog */
	}
	return lang;
}

void
fm_i18n_set_lang(enum fm_i18n_lang lang)
{
	/* gettext ignores LANGUAGE in the "C" locale. */
	if (is_c_locale(setlocale(LC_MESSAGES, NULL)))
		setlocale(LC_MESSAGES, "C.UTF-8");
	setenv("LANGUAGE", fm_i18n_lang_code(lang), 1);
	++_nl_msg_cat_cntr;
}

size_t
fm_i18n_width(const char *s, size_t len)
{
	size_t i = 0, cells = 0;
	long cp;
	int w;

	if (s == NULL)
		return 0;
	while (i < len) {
		i += fm_utf8_next((const unsigned char *)s + i, len - i, &cp);
		w = cp < 0 ? 1 : cp < 0x80 ? 1 : wcwidth((wchar_t)cp);
		cells += w < 0 ? 1 : (size_t)w;
	}
	return cells;
}

/* Digits of mag grouped by thousands with sep, into buf. */
static void
grouped(uint64_t mag, const char *sep, char *buf, size_t size)
{
	char digits[24];
	size_t n, o = 0, seplen = strlen(sep);

	n = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, mag);
	for (size_t i = 0; i < n && o + seplen + 2 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			memcpy(buf + o, sep, seplen);
			o += seplen;
		}
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/* The symbol of a currency we know one for, or NULL. */
static const char *
symbol_of(const char *currency)
{
	static const char *const known[][2] = {{"EUR", "\u20ac"}, {"USD", "$"},
	    {"GBP", "\u00a3"}, {"JPY", "\u00a5"}};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(currency, known[i][0]) == 0)
			return known[i][1];
	return NULL;
}

const char *
fm_i18n_money(int64_t amount, const char *currency, enum fm_i18n_lang lang,
    char *buf, size_t size)
{
	/* Unsigned, so that INT64_MIN has a magnitude too. */
	uint64_t mag =
	    amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
	const char *cur = currency != NULL ? currency : "";
	const char *sym = symbol_of(cur), *sign = amount < 0 ? "-" : "";
	char units[40];

	if (buf == NULL || size == 0)
		return buf;
	if (lang == FM_LANG_FR) {
		/* French: narrow no-break space between thousands, a comma,
		 * and the currency after a no-break space. */
		grouped(mag / 100, "\u202f", units, sizeof(units));
		snprintf(buf, size, "%s%s,%02" PRIu64 "%s%s", sign, units,
		    mag % 100, cur[0] != '\0' ? "\u00a0" : "",
		    sym != NULL ? sym : cur);
		return buf;
	}
	grouped(mag / 100, ",", units, sizeof(units));
	if (sym != NULL)
		snprintf(buf, size, "%s%s%s.%02" PRIu64, sign, sym, units,
		    mag % 100);
	else
		snprintf(buf, size, "%s%s%s%s.%02" PRIu64, cur,
		    cur[0] != '\0' ? " " : "", sign, units, mag % 100);
	return buf;
}

const char *
fm_i18n_date(time_t t, enum fm_i18n_lang lang, char *buf, size_t size)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	if (buf == NULL || size == 0)
		return buf;
	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, size, "?");
		return buf;
	}
	if (lang == FM_LANG_FR)
		snprintf(buf, size, "%02d/%02d/%04d", tm.tm_mday, tm.tm_mon + 1,
		    tm.tm_year + 1900);
	else
		snprintf(buf, size, "%d %s %04d", tm.tm_mday,
		    months[tm.tm_mon % 12], tm.tm_year + 1900);
	return buf;
}
