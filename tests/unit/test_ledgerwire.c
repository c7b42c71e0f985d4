/*
 * test_ledgerwire.c - charging process <-> ledger writer messages.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "quota/ledgerwire.h"

static void
sample_commit(struct fm_ledgerwire_request *q)
{
	memset(q, 0, sizeof(*q));
	q->op = FM_LEDGERWIRE_COMMIT;
	snprintf(q->key, sizeof(q->key), "release-7-settle");
	snprintf(q->printer, sizeof(q->printer), "lobby");
	q->reservation = 41;
	q->amount = 130;
	q->measured = true;
	q->has_usage = true;
	snprintf(q->usage.media, sizeof(q->usage.media), "A4");
	q->usage.impressions[0][0] = 3;
	q->usage.impressions[1][1] = 2;
	q->usage.sheets[0][0] = 3;
	q->usage.sheets[1][1] = 1;
}

static void
test_round_trips(void)
{
	struct fm_ledgerwire_request in, out;
	uint8_t buf[FM_LEDGERWIRE_MAX];
	const char *err;
	size_t n;

	memset(&in, 0, sizeof(in));
	in.op = FM_LEDGERWIRE_RESERVE;
	snprintf(in.user, sizeof(in.user), "alice");
	snprintf(in.account, sizeof(in.account), "O10");
	snprintf(in.key, sizeof(in.key), "release-7");
	in.amount = 250;
	in.job_id = 9;
	in.price_version = 3;
	n = fm_ledgerwire_encode_request(&in, buf, sizeof(buf));
	ASSERT_UINT_EQ(n, 2 + 6 + 4 + 10 + 3 * 8);
	ASSERT_TRUE(fm_ledgerwire_decode_request(buf, n, &out, &err));
	ASSERT_INT_EQ(out.op, FM_LEDGERWIRE_RESERVE);
	ASSERT_STR_EQ(out.user, "alice");
	ASSERT_STR_EQ(out.account, "O10");
	ASSERT_STR_EQ(out.key, "release-7");
	ASSERT_INT_EQ(out.amount, 250);
	ASSERT_INT_EQ(out.job_id, 9);
	ASSERT_INT_EQ(out.price_version, 3);

	sample_commit(&in);
	n = fm_ledgerwire_encode_request(&in, buf, sizeof(buf));
	ASSERT_TRUE(n > 0);
	ASSERT_TRUE(fm_ledgerwire_decode_request(buf, n, &out, &err));
	ASSERT_INT_EQ(out.op, FM_LEDGERWIRE_COMMIT);
	ASSERT_STR_EQ(out.printer, "lobby");
	ASSERT_STR_EQ(out.usage.media, "A4");
	ASSERT_INT_EQ(out.reservation, 41);
	ASSERT_INT_EQ(out.amount, 130);
	ASSERT_TRUE(out.measured && out.has_usage);
	ASSERT_INT_EQ(out.usage.impressions[0][0], 3);
	ASSERT_INT_EQ(out.usage.impressions[1][1], 2);
	ASSERT_INT_EQ(out.usage.sheets[1][1], 1);

	/* A refund carries no usage: it goes on the wire as zeros. */
	in.op = FM_LEDGERWIRE_REFUND;
	in.has_usage = false;
	n = fm_ledgerwire_encode_request(&in, buf, sizeof(buf));
	ASSERT_TRUE(fm_ledgerwire_decode_request(buf, n, &out, &err));
	ASSERT_FALSE(out.has_usage);
	ASSERT_STR_EQ(out.usage.media, "");
	ASSERT_INT_EQ(out.usage.impressions[0][0], 0);
}

static void
test_encoder_refuses(void)
{
	struct fm_ledgerwire_request q;
	uint8_t buf[FM_LEDGERWIRE_MAX];

	sample_commit(&q);
	q.amount = -1; /* negative money is never on the wire */
	ASSERT_UINT_EQ(fm_ledgerwire_encode_request(&q, buf, sizeof(buf)), 0);
	sample_commit(&q);
	q.usage.sheets[0][1] = -5;
	ASSERT_UINT_EQ(fm_ledgerwire_encode_request(&q, buf, sizeof(buf)), 0);
	sample_commit(&q);
	q.key[0] = '\0'; /* a key is required */
	ASSERT_UINT_EQ(fm_ledgerwire_encode_request(&q, buf, sizeof(buf)), 0);
	sample_commit(&q);
	snprintf(q.printer, sizeof(q.printer), "lob\nby");
	ASSERT_UINT_EQ(fm_ledgerwire_encode_request(&q, buf, sizeof(buf)), 0);
	sample_commit(&q);
	q.op = 9;
	ASSERT_UINT_EQ(fm_ledgerwire_encode_request(&q, buf, sizeof(buf)), 0);
	sample_commit(&q);
	ASSERT_UINT_EQ(fm_ledgerwire_encode_request(&q, buf, 20), 0);
}

/* Each corruption of a good commit must be refused, naming why. */
static void
test_decoder_refuses(void)
{
	struct fm_ledgerwire_request q, out;
	uint8_t good[FM_LEDGERWIRE_MAX], bad[FM_LEDGERWIRE_MAX + 8];
	const char *err;
	size_t n;

	sample_commit(&q);
	n = fm_ledgerwire_encode_request(&q, good, sizeof(good));
	ASSERT_TRUE(n > 40);

	ASSERT_FALSE(fm_ledgerwire_decode_request(good, 1, &out, &err));
	ASSERT_STR_EQ(err, "bad request length");
	for (size_t cut = 2; cut < n; cut++) {
		ASSERT_FALSE(
		    fm_ledgerwire_decode_request(good, cut, &out, &err));
		ASSERT_NOT_NULL(err);
	}
	memcpy(bad, good, n);
	bad[n] = 0; /* trailing byte */
	ASSERT_FALSE(fm_ledgerwire_decode_request(bad, n + 1, &out, &err));
	ASSERT_STR_EQ(err, "malformed request");

	memcpy(bad, good, n);
	bad[0] = 2;
	ASSERT_FALSE(fm_ledgerwire_decode_request(bad, n, &out, &err));
	ASSERT_STR_EQ(err, "unsupported version");

	memcpy(bad, good, n);
	bad[1] = 0x77;
	ASSERT_FALSE(fm_ledgerwire_decode_request(bad, n, &out, &err));
	ASSERT_STR_EQ(err, "unknown operation");

	memcpy(bad, good, n);
	bad[3] = '\t'; /* a control byte in the key */
	ASSERT_FALSE(fm_ledgerwire_decode_request(bad, n, &out, &err));

	memcpy(bad, good, n);
	bad[2] = 0xff; /* key longer than the message */
	ASSERT_FALSE(fm_ledgerwire_decode_request(bad, n, &out, &err));

	/* A negative amount (top bit set) is refused. */
	memcpy(bad, good, n);
	{
		size_t amount_at = 2 + 1 + strlen(q.key) + 1 +
		    strlen(q.printer) + 1 + strlen(q.usage.media) + 8;
		bad[amount_at] = 0x80;
	}
	ASSERT_FALSE(fm_ledgerwire_decode_request(bad, n, &out, &err));

	/* Flags are 0 or 1; no usage means zeros. */
	{
		size_t flags_at = n - 8 * 8 - 2;
		memcpy(bad, good, n);
		bad[flags_at] = 2;
		ASSERT_FALSE(fm_ledgerwire_decode_request(bad, n, &out, &err));
		memcpy(bad, good, n);
		bad[flags_at + 1] = 0; /* has-usage off, counts still there */
		ASSERT_FALSE(fm_ledgerwire_decode_request(bad, n, &out, &err));
	}
	ASSERT_FALSE(fm_ledgerwire_decode_request(
	    good, FM_LEDGERWIRE_MAX + 1, &out, &err));
}

static void
test_replies(void)
{
	struct fm_ledgerwire_reply in = {0}, out;
	uint8_t buf[FM_LEDGERWIRE_MAX];
	const char *err;
	size_t n;

	in.ok = false;
	snprintf(in.message, sizeof(in.message), "needs 0.40 more");
	n = fm_ledgerwire_encode_reply(&in, buf, sizeof(buf));
	ASSERT_TRUE(fm_ledgerwire_decode_reply(buf, n, &out, &err));
	ASSERT_FALSE(out.ok);
	ASSERT_STR_EQ(out.message, "needs 0.40 more");
	in.ok = in.replayed = true;
	in.id = 77;
	in.amount = 40;
	in.message[0] = '\0';
	n = fm_ledgerwire_encode_reply(&in, buf, sizeof(buf));
	ASSERT_TRUE(fm_ledgerwire_decode_reply(buf, n, &out, &err));
	ASSERT_TRUE(out.ok && out.replayed);
	ASSERT_INT_EQ(out.id, 77);
	ASSERT_INT_EQ(out.amount, 40);
	buf[1] = 3; /* ok is a flag */
	ASSERT_FALSE(fm_ledgerwire_decode_reply(buf, n, &out, &err));
	ASSERT_FALSE(fm_ledgerwire_decode_reply(buf, 0, &out, &err));
}

static void
test_error_strings(void)
{
	/* The ledger's own static strings come back as themselves... */
	ASSERT_STR_EQ(fm_ledgerwire_errstr("reservation already settled"),
	    "reservation already settled");
	ASSERT_STR_EQ(
	    fm_ledgerwire_errstr("no such reservation"), "no such reservation");
	/* ...anything else is not trusted as one. */
	ASSERT_STR_EQ(
	    fm_ledgerwire_errstr("something odd"), "ledger writer error");
	ASSERT_STR_EQ(fm_ledgerwire_errstr(NULL), "ledger writer error");
}

int
main(void)
{
	RUN(test_round_trips);
	RUN(test_encoder_refuses);
	RUN(test_decoder_refuses);
	RUN(test_replies);
	RUN(test_error_strings);
	return harness_done();
}
