/*
 * fuzz_authevent.c - fuzz target for the names of the authentication
 * log's outcomes (the outcome filter of GET /api/admin/authlog) and the
 * console's address rule (fm_settings_url_is_valid): a parsed outcome
 * names itself back; a valid address has its scheme and no quote.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/settings.h"
#include "store/authevents.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	enum fm_authevent_outcome o;

	if (fm_authevent_outcome_parse(text, size, &o)) {
		const char *name = fm_authevent_outcome_name(o);

		if (strlen(name) != size || memcmp(name, data, size) != 0)
			abort();
	}
	if (fm_settings_url_is_valid(text, size) &&
	    (size < 8 || memchr(data, '"', size) != NULL ||
	        (memcmp(data, "https://", 8) != 0 &&
	            memcmp(data, "http://", 7) != 0)))
		abort();
	return 0;
}
