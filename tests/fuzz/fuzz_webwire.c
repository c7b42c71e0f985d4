/*
 * fuzz_webwire.c - fuzz target for what followme-webd reads from the
 * network and between its two sides (web/brokerwire.h,
 * web/httpparse.h): requests and answers re-encode to the bytes they
 * decoded from, and so do release progress messages; a form body, an
 * Accept-Language value, a session cookie, a release page's path and an
 * Authorization header are read without a fault, and a token read from
 * one is what its text says.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/hex.h"
#include "tests/fuzz/roundtrip.h"
#include "web/brokerwire.h"
#include "web/httpparse.h"

static bool
answer_decode(const uint8_t *buf, size_t len, struct fm_web_answer *a,
    const char **errstr)
{
	(void)errstr;
	return fm_web_answer_decode(buf, len, a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fm_web_request r;
	struct fm_web_answer a;
	uint8_t id[FM_WEB_IDLEN], token[FM_WEB_TOKENLEN];
	const char *lang;
	enum fm_web_stage stage;
	uint8_t wire[FM_WEB_PROGRESSMAX];

	FUZZ_ROUND_TRIP(
	    fm_web_request_decode, fm_web_request_encode, &r, data, size);
	FUZZ_ROUND_TRIP(answer_decode, fm_web_answer_encode, &a, data, size);
	/* A progress message re-encodes to its bytes, and is never an
	 * answer (their first bytes differ). */
	if (fm_web_progress_decode(data, size, &stage) &&
	    (fm_web_progress_encode(stage, wire, sizeof(wire)) != size ||
	        memcmp(wire, data, size) != 0 ||
	        fm_web_answer_decode(data, size, &a)))
		abort();
	memset(&r, 0, sizeof(r));
	if (fm_web_parse_form((const char *)data, size, &r, &fuzz_err))
		for (size_t i = 0; i < r.nargs; i++)
			if (r.args[i].name[0] == '\0' ||
			    strlen(r.args[i].value) >= sizeof(r.args[i].value))
				abort();
	lang = fm_web_parse_language((const char *)data, size);
	if (strcmp(lang, "") != 0 && strcmp(lang, "fr") != 0 &&
	    strcmp(lang, "en") != 0)
		abort();
	(void)fm_web_parse_id((const char *)data, size, id);
	if (fm_web_parse_release_path((const char *)data, size) &&
	    (size < 10 || memchr(data, '/', size) != data ||
	        memchr(data + 9, '/', size - 9) != NULL))
		abort();
	switch (fm_web_parse_bearer((const char *)data, size, token)) {
	case FM_WEB_BEARER_NONE:
	case FM_WEB_BEARER_BAD:
		break;
	case FM_WEB_BEARER_TOKEN: {
		const char *t = memmem(data, size, FM_WEB_TOKEN_PREFIX, 4);
		uint8_t again[FM_WEB_TOKENLEN];
		if (t == NULL || size < 11 + 2 * FM_WEB_TOKENLEN ||
		    !fm_hex_decode(t + 4, again, sizeof(again)) ||
		    memcmp(again, token, sizeof(token)) != 0)
			abort();
		break;
	}
	default:
		abort();
	}
	return 0;
}
