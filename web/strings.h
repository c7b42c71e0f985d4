/*
 * strings.h - the texts of the web console's pages, in the catalog.
 *
 * The pages are written in English; app.js asks /api/strings for the
 * texts in the reader's language and puts them in place.  Every text a
 * page shows is listed in strings.c, so that xgettext finds it and
 * po/fr.po translates it with the rest of Followme.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_WEB_STRINGS_H
#define FM_WEB_STRINGS_H

#include <stdio.h>

/*
 * 'fm_web_strings_write()' - write to f a JSON object mapping each page
 * text (its English) to its translation in the current language
 * (fm_i18n_set_lang()).
 */
void fm_web_strings_write(FILE *f);

#endif
