/*
 * test_ingestmsg.c - unit tests for spooler/ingestmsg.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/ingestmsg.h"
#include "tests/unit/harness.h"

/*
 * A ticket with every field set, as the backend would send it, in the
 * order of struct fm_ticket: CUPS job id, uuid, attempt, owner, host,
 * title, queue, copies, sides, number-up, colour mode, media, account,
 * format, document name, options, size, pages, colour pages, count
 * status.
 */
static const struct fm_ticket sample = {42,
    "urn:uuid:0a1b2c3d-0000-1111-2222-333344445555", "1795389452", "alice",
    "pc17.example.org", "Quarterly \"report\" – draft", "followme", 3,
    "two-sided-long-edge", 2, "monochrome", "iso_a4_210x297mm", "O10",
    "application/pdf", "report.pdf", "finishings=3", 5000000000ULL, 0, 0, ""};

/* What each test encodes and decodes. */
static struct fm_ticket in, out;
static uint8_t buf[FM_INGESTMSG_MAX];
static const char *err;

/* Encodes in, as the sample changed by change() if given: the length. */
static size_t
encode(void (*change)(struct fm_ticket *t))
{
	/* memcpy, not assignment: tests compare whole structs, padding
	 * included. */
	memcpy(&in, &sample, sizeof(in));
	if (change != NULL)
		change(&in);
	err = NULL;
	return fm_ingestmsg_encode_request(&in, buf, sizeof(buf));
}

static void
test_round_trip(void)
{
	size_t len = encode(NULL);

	ASSERT_TRUE(len > 0);
	ASSERT_TRUE(fm_ingestmsg_decode_request(buf, len, &out, &err));
	ASSERT_MEM_EQ(&in, &out, sizeof(in));
}

static void
test_every_truncation_refused(void)
{
	size_t len = encode(NULL);

	for (size_t cut = 0; cut < len; cut++) {
		err = NULL;
		if (fm_ingestmsg_decode_request(buf, cut, &out, &err))
			HARNESS_FAIL("truncated at %zu accepted", cut);
		ASSERT_NOT_NULL(err);
	}
}

static void
test_malformed_fields(void)
{
	size_t len = encode(NULL);

	/* Field 1 (job id) is first: tag at 5, length at 6..7. */
	ASSERT_INT_EQ(buf[5], 1);
	buf[7] = 3; /* wrong integer width */
	ASSERT_FALSE(fm_ingestmsg_decode_request(buf, len, &out, &err));
	buf[7] = 4;
	buf[5] = 99; /* unknown tag */
	ASSERT_FALSE(fm_ingestmsg_decode_request(buf, len, &out, &err));
	ASSERT_STR_EQ(err, "unknown field");
	buf[5] = 1;
	/* A repeated field: append job id again. */
	memcpy(buf + len, buf + 5, 7);
	ASSERT_FALSE(fm_ingestmsg_decode_request(buf, len + 7, &out, &err));
	ASSERT_STR_EQ(err, "field repeated");
	/* Bad magic. */
	buf[0] = 'X';
	ASSERT_FALSE(fm_ingestmsg_decode_request(buf, len, &out, &err));
}

static void
test_nul_in_string_refused(void)
{
	size_t len = encode(NULL);
	uint8_t *p;

	p = memmem(buf, len, "alice", 5);
	ASSERT_NOT_NULL(p);
	p[2] = '\0';
	ASSERT_FALSE(fm_ingestmsg_decode_request(buf, len, &out, &err));
	ASSERT_STR_EQ(err, "NUL byte in a text field");
}

static void
no_copies(struct fm_ticket *t)
{
	t->copies = 0;
}

static void
test_zero_copies_refused(void)
{
	size_t len = encode(no_copies);

	ASSERT_FALSE(fm_ingestmsg_decode_request(buf, len, &out, &err));
}

static void
test_reply_round_trip(void)
{
	struct fm_ingest_reply r = {FM_INGEST_REFUSED, 77, "too large"}, got;
	uint8_t msg[FM_INGESTMSG_REPLYMAX];
	size_t len;

	len = fm_ingestmsg_encode_reply(&r, msg, sizeof(msg));
	ASSERT_TRUE(len > 0);
	ASSERT_TRUE(fm_ingestmsg_decode_reply(msg, len, &got, &err));
	ASSERT_INT_EQ(got.status, FM_INGEST_REFUSED);
	ASSERT_UINT_EQ(got.job_id, 77);
	ASSERT_STR_EQ(got.message, "too large");
	msg[5] = 9;
	ASSERT_FALSE(fm_ingestmsg_decode_reply(msg, len, &got, &err));
	msg[5] = 0;
	ASSERT_FALSE(fm_ingestmsg_decode_reply(msg, len - 1, &got, &err));
}

int
main(void)
{
	RUN(test_round_trip);
	RUN(test_every_truncation_refused);
	RUN(test_malformed_fields);
	RUN(test_nul_in_string_refused);
	RUN(test_zero_copies_refused);
	RUN(test_reply_round_trip);
	return harness_done();
}
