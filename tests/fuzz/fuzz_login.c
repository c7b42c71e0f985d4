/*
 * fuzz_login.c - fuzz target for the login requests a session sends its
 * decryptor (release/login.h), and the decryptor's answers: what decodes
 * re-encodes to the same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/login.h"
#include "tests/fuzz/roundtrip.h"

static bool
answer_decode(const uint8_t *buf, size_t len, struct fm_login_answer *a,
    const char **errstr)
{
	(void)errstr;
	return fm_login_answer_decode(buf, len, a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_login_request r;
	struct fm_login_answer a;

	FUZZ_ROUND_TRIP(
	    fm_login_request_decode, fm_login_request_encode, &r, data, size);
	FUZZ_ROUND_TRIP(answer_decode, fm_login_answer_encode, &a, data, size);
	return 0;
}
