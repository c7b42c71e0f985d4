/*
 * fuzz_i18n.c - fuzz target for the language parser and the display
 * width of untrusted text, with amounts written from the same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	char buf[FM_I18N_MONEYMAX], currency[4] = "";
	enum fm_i18n_lang lang = FM_LANG_EN;
	int64_t amount = 0;

	if (!ready) {
		setlocale(LC_CTYPE, "C.UTF-8");
		ready = true;
	}
	if (fm_i18n_parse_lang((const char *)data, size, &lang) &&
	    lang != FM_LANG_EN && lang != FM_LANG_FR)
		abort();
	/* Never more cells than bytes times two (CJK), whatever the text. */
	if (fm_i18n_width((const char *)data, size) > 2 * size)
		abort();
	if (size >= 11) {
		memcpy(&amount, data, 8);
		memcpy(currency, data + 8, 3);
		fm_i18n_money(amount, currency, lang, buf, sizeof(buf));
		if (strlen(buf) >= sizeof(buf))
			abort();
	}
	return 0;
}
