/*
 * test_pamwire.c - followmed <-> followme-pamhelper messages.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "release/pamauth.h"
#include "release/pamwire.h"

/* Every test's encoding and decoding error. */
static uint8_t buf[FM_PAMWIRE_MAX];
static const char *err;

static void
test_request_round_trip(void)
{
	struct fm_pamwire_request in = {0}, out;
	size_t n;

	snprintf(in.user, sizeof(in.user), "alice");
	snprintf(in.rhost, sizeof(in.rhost), "lobby-1");
	snprintf(in.secret, sizeof(in.secret), "pa ss\twörd");
	n = fm_pamwire_encode_request(&in, buf, sizeof(buf));
	ASSERT_UINT_EQ(n, 1 + 6 + 8 + 1 + strlen(in.secret));
	ASSERT_TRUE(fm_pamwire_decode_request(buf, n, &out, &err));
	ASSERT_STR_EQ(out.user, "alice");
	ASSERT_STR_EQ(out.rhost, "lobby-1");
	ASSERT_STR_EQ(out.secret, in.secret);
	/* Empty rhost is fine; empty user or secret is not. */
	in.rhost[0] = '\0';
	ASSERT_TRUE(fm_pamwire_encode_request(&in, buf, sizeof(buf)) > 0);
	in.secret[0] = '\0';
	ASSERT_UINT_EQ(fm_pamwire_encode_request(&in, buf, sizeof(buf)), 0);
	snprintf(in.secret, sizeof(in.secret), "x");
	in.user[0] = '\0';
	ASSERT_UINT_EQ(fm_pamwire_encode_request(&in, buf, sizeof(buf)), 0);
	/* Control characters in a user name are refused both ways. */
	snprintf(in.user, sizeof(in.user), "al\nice");
	ASSERT_UINT_EQ(fm_pamwire_encode_request(&in, buf, sizeof(buf)), 0);
}

static void
test_malformed_requests(void)
{
	struct fm_pamwire_request r;
	/* version, "a", "", "s" */
	uint8_t good[] = {1, 1, 'a', 0, 1, 's'};
	uint8_t bad_version[] = {2, 1, 'a', 0, 1, 's'};
	uint8_t overlong[] = {1, 9, 'a', 0, 1, 's'};
	uint8_t trailing[] = {1, 1, 'a', 0, 1, 's', 0};
	uint8_t nul[] = {1, 1, 0, 0, 1, 's'};
	uint8_t control[] = {1, 1, 27, 0, 1, 's'};
	uint8_t no_secret[] = {1, 1, 'a', 0, 0};

	ASSERT_TRUE(fm_pamwire_decode_request(good, sizeof(good), &r, &err));
	ASSERT_FALSE(fm_pamwire_decode_request(
	    bad_version, sizeof(bad_version), &r, &err));
	ASSERT_STR_EQ(err, "unsupported version");
	ASSERT_FALSE(
	    fm_pamwire_decode_request(overlong, sizeof(overlong), &r, &err));
	ASSERT_FALSE(
	    fm_pamwire_decode_request(trailing, sizeof(trailing), &r, &err));
	ASSERT_FALSE(fm_pamwire_decode_request(nul, sizeof(nul), &r, &err));
	ASSERT_FALSE(
	    fm_pamwire_decode_request(control, sizeof(control), &r, &err));
	ASSERT_FALSE(
	    fm_pamwire_decode_request(no_secret, sizeof(no_secret), &r, &err));
	ASSERT_FALSE(fm_pamwire_decode_request(good, 0, &r, &err));
	/* A refused request leaves no secret behind. */
	ASSERT_STR_EQ(r.secret, "");
}

static void
test_replies(void)
{
	struct fm_pamwire_reply in = {FM_PAMAUTH_OK, "alice"}, out;
	uint8_t bad_result[] = {1, 9, 0};
	uint8_t ok_without_user[] = {1, FM_PAMAUTH_OK, 0};
	size_t n;

	n = fm_pamwire_encode_reply(&in, buf, sizeof(buf));
	ASSERT_UINT_EQ(n, 8);
	ASSERT_TRUE(fm_pamwire_decode_reply(buf, n, &out, &err));
	ASSERT_INT_EQ(out.result, FM_PAMAUTH_OK);
	ASSERT_STR_EQ(out.user, "alice");
	in = (struct fm_pamwire_reply){FM_PAMAUTH_DENIED, ""};
	n = fm_pamwire_encode_reply(&in, buf, sizeof(buf));
	ASSERT_TRUE(fm_pamwire_decode_reply(buf, n, &out, &err));
	ASSERT_INT_EQ(out.result, FM_PAMAUTH_DENIED);
	ASSERT_FALSE(fm_pamwire_decode_reply(
	    bad_result, sizeof(bad_result), &out, &err));
	ASSERT_FALSE(fm_pamwire_decode_reply(
	    ok_without_user, sizeof(ok_without_user), &out, &err));
}

int
main(void)
{
	RUN(test_request_round_trip);
	RUN(test_malformed_requests);
	RUN(test_replies);
	return harness_done();
}
