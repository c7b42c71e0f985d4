/*
 * test_webwire.c - followme-webd's messages between its two sides, and
 * what its HTTP side reads itself: form bodies, Accept-Language, session
 * cookies.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "web/brokerwire.h"
#include "web/httpparse.h"

static uint8_t buf[FM_WEB_REQUESTMAX];
static struct fm_web_request in, out;
static const char *err;

static void
test_request_round_trip(void)
{
	size_t n;

	memset(&in, 0, sizeof(in));
	in.op = FM_WEB_OP_JOB_DELETE;
	in.has_session = true;
	in.login_token = true;
	memset(in.id, 0xab, sizeof(in.id));
	snprintf(in.csrf, sizeof(in.csrf), "c5f1");
	snprintf(in.address, sizeof(in.address), "2001:db8::1");
	snprintf(in.language, sizeof(in.language), "fr");
	ASSERT_TRUE(fm_web_request_add(&in, "id", "42", 2));
	ASSERT_TRUE(fm_web_request_add(&in, "title", "Procès-verbal — Hélène",
	    strlen("Procès-verbal — Hélène")));
	n = fm_web_request_encode(&in, buf, sizeof(buf));
	ASSERT_TRUE(n > 0);
	ASSERT_TRUE(fm_web_request_decode(buf, n, &out, &err));
	ASSERT_INT_EQ(out.op, FM_WEB_OP_JOB_DELETE);
	ASSERT_TRUE(out.has_session && out.login_token);
	ASSERT_TRUE(memcmp(out.id, in.id, sizeof(in.id)) == 0);
	ASSERT_STR_EQ(out.csrf, "c5f1");
	ASSERT_STR_EQ(out.address, "2001:db8::1");
	ASSERT_STR_EQ(fm_web_arg(&out, "id"), "42");
	ASSERT_STR_EQ(fm_web_arg(&out, "title"), "Procès-verbal — Hélène");
	ASSERT_NULL(fm_web_arg(&out, "password"));
	/* Without a session no id goes over. */
	in.has_session = false;
	ASSERT_UINT_EQ(
	    fm_web_request_encode(&in, buf, sizeof(buf)), n - FM_WEB_IDLEN);
	/* A token goes over in place of the session. */
	in.has_token = true;
	memset(in.token, 0x5c, sizeof(in.token));
	n = fm_web_request_encode(&in, buf, sizeof(buf));
	ASSERT_TRUE(fm_web_request_decode(buf, n, &out, &err));
	ASSERT_TRUE(out.has_token && !out.bad_token && !out.has_session);
	ASSERT_TRUE(memcmp(out.token, in.token, sizeof(in.token)) == 0);
	in.bad_token = true;
	ASSERT_UINT_EQ(fm_web_request_encode(&in, buf, sizeof(buf)), 0);
	in.has_token = in.bad_token = false;
	/* An unknown operation is refused both ways. */
	in.op = (enum fm_web_op)(FM_WEB_OP_MAX + 1);
	ASSERT_UINT_EQ(fm_web_request_encode(&in, buf, sizeof(buf)), 0);
}

static void
test_malformed_requests(void)
{
	/* version 1, SESSION, no session, "" x 3, no args */
	uint8_t good[] = {1, 1, 0, 0, 0, 0, 0};
	uint8_t version[] = {2, 1, 0, 0, 0, 0, 0};
	uint8_t op[] = {1, 99, 0, 0, 0, 0, 0};
	uint8_t flags[] = {1, 1, 16, 0, 0, 0, 0};
	uint8_t both_tokens[] = {1, 1, 8 | 4, 0, 0, 0, 0};
	uint8_t bad_token[] = {1, 1, 8, 0, 0, 0, 0};
	uint8_t short_token[] = {1, 1, 4, 0, 0, 0, 0};
	uint8_t trailing[] = {1, 1, 0, 0, 0, 0, 0, 0};
	uint8_t nargs[] = {1, 1, 0, 0, 0, 0, 17};
	uint8_t short_id[] = {1, 1, 1, 0, 0, 0, 0};
	uint8_t control_name[] = {1, 1, 0, 0, 0, 0, 1, 1, '\n', 0, 0};

	ASSERT_TRUE(fm_web_request_decode(good, sizeof(good), &out, &err));
	ASSERT_FALSE(
	    fm_web_request_decode(version, sizeof(version), &out, &err));
	ASSERT_STR_EQ(err, "web request of an unknown version");
	ASSERT_FALSE(fm_web_request_decode(op, sizeof(op), &out, &err));
	ASSERT_FALSE(fm_web_request_decode(flags, sizeof(flags), &out, &err));
	ASSERT_FALSE(fm_web_request_decode(
	    both_tokens, sizeof(both_tokens), &out, &err));
	ASSERT_FALSE(fm_web_request_decode(
	    short_token, sizeof(short_token), &out, &err));
	ASSERT_TRUE(
	    fm_web_request_decode(bad_token, sizeof(bad_token), &out, &err));
	ASSERT_TRUE(out.bad_token && !out.has_token);
	ASSERT_FALSE(
	    fm_web_request_decode(trailing, sizeof(trailing), &out, &err));
	ASSERT_FALSE(fm_web_request_decode(nargs, sizeof(nargs), &out, &err));
	ASSERT_FALSE(
	    fm_web_request_decode(short_id, sizeof(short_id), &out, &err));
	ASSERT_FALSE(fm_web_request_decode(
	    control_name, sizeof(control_name), &out, &err));
	ASSERT_STR_EQ(err, "malformed web request");
}

static void
test_answer_round_trip(void)
{
	struct fm_web_answer a = {.status = 200,
	                         .kind = FM_WEB_KIND_CSV,
	                         .session = FM_WEB_SESSION_SET},
	                     b;
	uint8_t ab[FM_WEB_ANSWERMAX];
	size_t n;

	memset(a.id, 7, sizeof(a.id));
	snprintf(a.csrf, sizeof(a.csrf), "abc");
	snprintf(a.filename, sizeof(a.filename), "followme-department.csv");
	n = fm_web_answer_encode(&a, ab, sizeof(ab));
	ASSERT_TRUE(n > 0);
	ASSERT_TRUE(fm_web_answer_decode(ab, n, &b));
	ASSERT_INT_EQ(b.status, 200);
	ASSERT_INT_EQ(b.kind, FM_WEB_KIND_CSV);
	ASSERT_INT_EQ(b.session, FM_WEB_SESSION_SET);
	ASSERT_TRUE(memcmp(a.id, b.id, sizeof(a.id)) == 0);
	ASSERT_STR_EQ(b.filename, "followme-department.csv");
	/* A status outside HTTP's is refused. */
	ab[1] = 0, ab[2] = 42;
	ASSERT_FALSE(fm_web_answer_decode(ab, n, &b));
	/* A file name with a quote or a line end never reaches a header. */
	snprintf(a.filename, sizeof(a.filename), "a\r\nSet-Cookie: x");
	ASSERT_UINT_EQ(fm_web_answer_encode(&a, ab, sizeof(ab)), 0);
}

/* A release's progress: its two bytes, never taken for an answer nor
 * an answer for it; a stage past printing is the answer's to say. */
static void
test_progress(void)
{
	struct fm_web_answer a = {.status = 200};
	uint8_t pb[FM_WEB_ANSWERMAX];
	enum fm_web_stage st = FM_WEB_STAGE_DONE;
	size_t n;

	for (int i = FM_WEB_STAGE_ACCEPTED; i <= FM_WEB_STAGE_PRINTING; i++) {
		ASSERT_INT_EQ(fm_web_progress_encode(
		                  (enum fm_web_stage)i, pb, sizeof(pb)),
		    2);
		ASSERT_TRUE(fm_web_progress_decode(pb, 2, &st));
		ASSERT_INT_EQ(st, i);
		ASSERT_FALSE(fm_web_answer_decode(pb, 2, &a));
		ASSERT_FALSE(fm_web_progress_decode(pb, 1, &st));
		ASSERT_FALSE(fm_web_progress_decode(pb, 3, &st));
	}
	ASSERT_INT_EQ(fm_web_progress_encode(FM_WEB_STAGE_DONE, pb, 2), 0);
	ASSERT_INT_EQ(fm_web_progress_encode(FM_WEB_STAGE_SENT, pb, 1), 0);
	pb[0] = FM_WEB_PROGRESS_TAG;
	pb[1] = FM_WEB_STAGE_FAILED;
	ASSERT_FALSE(fm_web_progress_decode(pb, 2, &st));
	ASSERT_FALSE(fm_web_progress_decode(NULL, 2, &st));
	a = (struct fm_web_answer){.status = 200};
	n = fm_web_answer_encode(&a, pb, sizeof(pb));
	ASSERT_TRUE(n > 0);
	ASSERT_FALSE(fm_web_progress_decode(pb, n, &st));
}

static void
test_form(void)
{
	static const struct {
		const char *body;
		bool ok;
		const char *name, *value; /* the last pair, when ok */
	} rows[] = {
	    {"user=fmalice&password=s%C3%A9cret+x", true, "password",
	        "sécret x"},
	    {"a=1&&b=", true, "b", ""},
	    {"", true, NULL, NULL},
	    {"id=%4", false, NULL, NULL},
	    {"id=%zz", false, NULL, NULL},
	    {"id=%00", false, NULL, NULL},
	    {"novalue", false, NULL, NULL},
	    {"=x", false, NULL, NULL},
	    {"%3D=%26", true, "=", "&"},
	};

	for (EACH_ROW(i, rows)) {
		memset(&out, 0, sizeof(out));
		ASSERT_TRUE(
		    fm_web_parse_form(rows[i].body, strlen(rows[i].body), &out,
		        &err) == rows[i].ok);
		if (rows[i].ok && rows[i].name != NULL)
			ASSERT_STR_EQ(
			    fm_web_arg(&out, rows[i].name), rows[i].value);
		if (!rows[i].ok)
			ASSERT_NOT_NULL(err);
	}
	/* More fields than a request holds. */
	memset(&out, 0, sizeof(out));
	ASSERT_FALSE(fm_web_parse_form("a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1&"
	                               "a=1&a=1&a=1&a=1&a=1&a=1&a=1&a=1",
	    67, &out, &err));
}

static void
test_language(void)
{
	static const struct {
		const char *header, *lang;
	} rows[] = {
	    {"fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"},
	    {"en-GB, fr;q=0.5", "en"},
	    {"de-DE, fr;q=0.4, en;q=0.3", "fr"},
	    {"de, it", ""},
	    {"fr;q=0, en", "en"},
	    {"fr;q=1.5", ""},
	    {"French", ""},
	    {"", ""},
	    {"FR-ca", "fr"},
	};

	for (EACH_ROW(i, rows))
		ASSERT_STR_EQ(fm_web_parse_language(
		                  rows[i].header, strlen(rows[i].header)),
		    rows[i].lang);
}

static void
test_id(void)
{
	const char *hex = "0123456789abcdef0123456789abcdef"
	                  "0123456789abcdef0123456789abcdef";
	uint8_t id[FM_WEB_IDLEN];

	ASSERT_TRUE(fm_web_parse_id(hex, 64, id));
	ASSERT_INT_EQ(id[0], 0x01);
	ASSERT_INT_EQ(id[31], 0xef);
	ASSERT_FALSE(fm_web_parse_id(hex, 63, id));
	ASSERT_FALSE(fm_web_parse_id("0123456789ABCDEF0123456789abcdef"
	                             "0123456789abcdef0123456789abcdef",
	    64, id));
	ASSERT_FALSE(fm_web_parse_id(NULL, 0, id));
}

static void
test_release_path(void)
{
	static const struct {
		const char *path;
		bool ok;
	} rows[] = {
	    {"/release/mfp1", true},
	    {"/release/Etage-2.east_wing", true},
	    {"/release/", false},
	    {"/release", false},
	    {"/release/mfp1/", false},
	    {"/release/../state", false},
	    {"/release/mfp%201", false},
	    {"/release/imprimante-\xc3\xa9", false},
	    {"/releases/mfp1", false},
	    {"/release/a23456789012345678901234567890123456789012345678901234"
	     "567890123",
	        true},
	    {"/release/a23456789012345678901234567890123456789012345678901234"
	     "5678901234",
	        false},
	};

	for (EACH_ROW(i, rows))
		ASSERT_TRUE(fm_web_parse_release_path(rows[i].path,
		                strlen(rows[i].path)) == rows[i].ok);
	/* Only the len bytes count. */
	ASSERT_TRUE(fm_web_parse_release_path("/release/mfp1?x", 13));
	ASSERT_FALSE(fm_web_parse_release_path(NULL, 0));
}

static void
test_parse_bearer(void)
{
	char v[128];
	uint8_t token[FM_WEB_TOKENLEN], want[FM_WEB_TOKENLEN];
	char hex[2 * FM_WEB_TOKENLEN + 1];

	for (size_t i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(want); i++)
		snprintf(hex + 2 * i, 3, "%02x", want[i]);
	snprintf(v, sizeof(v), "Bearer fmt_%s", hex);
	ASSERT_INT_EQ(
	    fm_web_parse_bearer(v, strlen(v), token), FM_WEB_BEARER_TOKEN);
	ASSERT_MEM_EQ(token, want, sizeof(want));
	/* The scheme in any case, more spaces, spaces after. */
	snprintf(v, sizeof(v), "bEaReR   fmt_%s \t", hex);
	ASSERT_INT_EQ(
	    fm_web_parse_bearer(v, strlen(v), token), FM_WEB_BEARER_TOKEN);
	ASSERT_MEM_EQ(token, want, sizeof(want));
	/* Another scheme is none of ours. */
	static const char *const none[] = {"",
	    "Basic Zm1hbGljZTphbGljZS1wdw==", "Bearerfmt_00", "Bear",
	    "Digest username=\"x\""};
	for (size_t i = 0; i < sizeof(none) / sizeof(*none); i++)
		ASSERT_INT_EQ(
		    fm_web_parse_bearer(none[i], strlen(none[i]), token),
		    FM_WEB_BEARER_NONE);
	/* The Bearer scheme with anything but a token of ours. */
	static const char *const bad[] = {"Bearer", "Bearer ", "bearer garbage",
	    "Bearer fmt_", "Bearer fmt_0123"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		ASSERT_INT_EQ(
		    fm_web_parse_bearer(bad[i], strlen(bad[i]), token),
		    FM_WEB_BEARER_BAD);
	snprintf(v, sizeof(v), "Bearer fmt_%s0", hex);
	ASSERT_INT_EQ(
	    fm_web_parse_bearer(v, strlen(v), token), FM_WEB_BEARER_BAD);
	snprintf(v, sizeof(v), "Bearer fmt_%s", hex);
	v[20] = 'A'; /* upper case: not how tokens are written */
	ASSERT_INT_EQ(
	    fm_web_parse_bearer(v, strlen(v), token), FM_WEB_BEARER_BAD);
	snprintf(v, sizeof(v), "Bearer xyz_%s", hex);
	ASSERT_INT_EQ(
	    fm_web_parse_bearer(v, strlen(v), token), FM_WEB_BEARER_BAD);
	snprintf(v, sizeof(v), "Bearer fmt_%s x", hex);
	ASSERT_INT_EQ(
	    fm_web_parse_bearer(v, strlen(v), token), FM_WEB_BEARER_BAD);
	/* A NUL inside: the length decides, not the NUL. */
	snprintf(v, sizeof(v), "Bearer fmt_%s", hex);
	v[30] = '\0';
	ASSERT_INT_EQ(
	    fm_web_parse_bearer(v, 11 + 64, token), FM_WEB_BEARER_BAD);
	/* An over-long value: refused, not read past its length. */
	static char longer[8192];
	memset(longer, 'a', sizeof(longer));
	memcpy(longer, "Bearer fmt_", 11);
	ASSERT_INT_EQ(fm_web_parse_bearer(longer, sizeof(longer), token),
	    FM_WEB_BEARER_BAD);
	ASSERT_INT_EQ(fm_web_parse_bearer(NULL, 0, token), FM_WEB_BEARER_NONE);
}

int
main(void)
{
	RUN(test_request_round_trip);
	RUN(test_malformed_requests);
	RUN(test_answer_round_trip);
	RUN(test_progress);
	RUN(test_form);
	RUN(test_language);
	RUN(test_id);
	RUN(test_release_path);
	RUN(test_parse_bearer);
	return harness_done();
}
