/*
 * test_ingestmsg.c - unit tests for spooler/ingestmsg.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/ingestmsg.h"
#include "tests/unit/harness.h"

static void
sample(struct fm_ticket *t)
{
	memset(t, 0, sizeof(*t));
	t->cups_job_id = 42;
	strcpy(t->uuid, "urn:uuid:0a1b2c3d-0000-1111-2222-333344445555");
	strcpy(t->attempt, "1795389452");
	strcpy(t->owner, "alice");
	strcpy(t->host, "pc17.example.org");
	strcpy(t->title, "Quarterly \"report\" – draft");
	strcpy(t->queue, "followme");
	t->copies = 3;
	strcpy(t->sides, "two-sided-long-edge");
	t->number_up = 2;
	strcpy(t->color_mode, "monochrome");
	strcpy(t->media, "iso_a4_210x297mm");
	strcpy(t->account, "O10");
	strcpy(t->format, "application/pdf");
	strcpy(t->doc_name, "report.pdf");
	strcpy(t->options, "finishings=3");
	t->size = 5000000000ULL;
}

static void
test_round_trip(void)
{
	struct fm_ticket in, out;
	uint8_t buf[FM_INGESTMSG_MAX];
	const char *err = NULL;
	size_t len;

	sample(&in);
	len = fm_ingestmsg_encode_request(&in, buf, sizeof(buf));
	ASSERT_TRUE(len > 0);
	ASSERT_TRUE(fm_ingestmsg_decode_request(buf, len, &out, &err));
	ASSERT_MEM_EQ(&in, &out, sizeof(in));
}

static void
test_every_truncation_refused(void)
{
	struct fm_ticket in, out;
	uint8_t buf[FM_INGESTMSG_MAX];
	const char *err;
	size_t len;

	sample(&in);
	len = fm_ingestmsg_encode_request(&in, buf, sizeof(buf));
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
	struct fm_ticket in, out;
	uint8_t buf[FM_INGESTMSG_MAX];
	const char *err = NULL;
	size_t len;

	sample(&in);
	len = fm_ingestmsg_encode_request(&in, buf, sizeof(buf));
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
	struct fm_ticket in, out;
	uint8_t buf[FM_INGESTMSG_MAX];
	const char *err = NULL;
	size_t len;
	uint8_t *p;

	sample(&in);
	len = fm_ingestmsg_encode_request(&in, buf, sizeof(buf));
	p = memmem(buf, len, "alice", 5);
	ASSERT_NOT_NULL(p);
	p[2] = '\0';
	ASSERT_FALSE(fm_ingestmsg_decode_request(buf, len, &out, &err));
	ASSERT_STR_EQ(err, "NUL byte in a text field");
}

static void
test_zero_copies_refused(void)
{
	struct fm_ticket in, out;
	uint8_t buf[FM_INGESTMSG_MAX];
	const char *err = NULL;
	size_t len;

	sample(&in);
	in.copies = 0;
	len = fm_ingestmsg_encode_request(&in, buf, sizeof(buf));
	ASSERT_FALSE(fm_ingestmsg_decode_request(buf, len, &out, &err));
}

static void
test_reply_round_trip(void)
{
	struct fm_ingest_reply in = {FM_INGEST_REFUSED, 77, "too large"}, out;
	uint8_t buf[FM_INGESTMSG_REPLYMAX];
	const char *err = NULL;
	size_t len;

	len = fm_ingestmsg_encode_reply(&in, buf, sizeof(buf));
	ASSERT_TRUE(len > 0);
	ASSERT_TRUE(fm_ingestmsg_decode_reply(buf, len, &out, &err));
	ASSERT_INT_EQ(out.status, FM_INGEST_REFUSED);
	ASSERT_UINT_EQ(out.job_id, 77);
	ASSERT_STR_EQ(out.message, "too large");
	buf[5] = 9;
	ASSERT_FALSE(fm_ingestmsg_decode_reply(buf, len, &out, &err));
	buf[5] = 0;
	ASSERT_FALSE(fm_ingestmsg_decode_reply(buf, len - 1, &out, &err));
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
