/*
 * fuzz_uid.c - fuzz target for badge/uid.c: the format spec parser, the
 * typed-text parser and normalisation of whatever they accept.
 *
 * Input: first byte selects the typed-text base, then the spec and the
 * text separated by the first newline.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <string.h>

#include "badge/uid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_uid_format fmt = {FM_UID_HEX_UPPER, false, 0};
	uint8_t uid[FM_UID_MAX];
	char out[FM_UID_STRMAX];
	const char *err = NULL, *spec, *nl;
	size_t speclen, uidlen = 0;
	enum fm_uid_input in;

	if (size < 1)
		return 0;
	in = data[0] & 1 ? FM_UID_INPUT_HEX : FM_UID_INPUT_DECIMAL;
	spec = (const char *)data + 1;
	size--;
	nl = memchr(spec, '\n', size);
	speclen = nl ? (size_t)(nl - spec) : size;
	fm_uid_input_parse(spec, speclen, &in);
	if (!fm_uid_format_parse(spec, speclen, &fmt, &err))
		fmt.base = FM_UID_DECIMAL;
	if (nl != NULL &&
	    fm_uid_from_text(
	        nl + 1, size - speclen - 1, in, uid, &uidlen, &err))
		fm_uid_normalise(uid, uidlen, &fmt, out, sizeof(out));
	/* The raw bytes as a UID too, in every width that fits. */
	if (size > 0 && size <= FM_UID_MAX)
		fm_uid_normalise((const uint8_t *)spec, size, &fmt, out,
		    (size_t)data[0] % sizeof(out));
	return 0;
}
