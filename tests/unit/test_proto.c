/*
 * test_proto.c - unit tests for release/proto.c, the terminal protocol.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "proto/proto.h"
#include "tests/unit/harness.h"

static uint8_t buf[FM_PROTO_HEADERLEN + FM_PROTO_MAXMSG];

/* Encodes m, checks the header, decodes into out. */
static bool
round_trip(const struct fm_proto_msg *m, struct fm_proto_msg *out)
{
	const char *err = NULL;
	size_t len = fm_proto_encode(m, buf, sizeof(buf));

	if (len == 0 || fm_proto_frame_length(buf) != len - FM_PROTO_HEADERLEN)
		return false;
	return fm_proto_decode(
	    buf + FM_PROTO_HEADERLEN, len - FM_PROTO_HEADERLEN, out, &err);
}

static void
test_every_type_round_trips(void)
{
	static struct fm_proto_msg m, out;

	fm_proto_init(&m, FM_MSG_HELLO);
	m.version = 1;
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_UINT_EQ(out.version, 1);

	fm_proto_init(&m, FM_MSG_AUTH_PIN);
	strcpy(m.user, "alice");
	strcpy(m.secret, "1234");
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_STR_EQ(out.user, "alice");
	ASSERT_STR_EQ(out.secret, "1234");

	fm_proto_init(&m, FM_MSG_AUTH_BADGE_PIN);
	memcpy(m.uid, "\x04\xa1\xb2\xc3\x00\x11\x22", 7);
	m.uid_len = 7;
	strcpy(m.secret, "98765432");
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_UINT_EQ(out.uid_len, 7);
	ASSERT_MEM_EQ(out.uid, m.uid, 7);

	fm_proto_init(&m, FM_MSG_RELEASE);
	m.ids[0] = 7;
	m.ids[1] = 9;
	m.nids = 2;
	m.copies = 1;
	m.force_duplex = true;
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_UINT_EQ(out.nids, 2);
	ASSERT_INT_EQ(out.ids[1], 9);
	ASSERT_TRUE(out.force_duplex);
	ASSERT_FALSE(out.force_gray);

	fm_proto_init(&m, FM_MSG_DELETE);
	m.all = true;
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_TRUE(out.all);

	fm_proto_init(&m, FM_MSG_HELLO_OK);
	m.version = 1;
	strcpy(m.terminal, "terminal-07");
	strcpy(m.printer, "mfp-2nd-floor");
	m.timeout = 60;
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_STR_EQ(out.printer, "mfp-2nd-floor");

	fm_proto_init(&m, FM_MSG_PROGRESS);
	m.job_id = 12;
	m.stage = FM_STAGE_DONE;
	m.pages = 3;
	m.charge = 30;
	strcpy(m.message, "3 pages printed, charged 0.30");
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_INT_EQ(out.charge, 30);
	ASSERT_STR_EQ(out.message, "3 pages printed, charged 0.30");

	fm_proto_init(&m, FM_MSG_ERROR);
	m.code = FM_CODE_OVER_QUOTA;
	strcpy(m.message, "needs 0.40 more");
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_UINT_EQ(out.code, FM_CODE_OVER_QUOTA);

	fm_proto_init(&m, FM_MSG_LOGOUT);
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_INT_EQ(out.type, FM_MSG_LOGOUT);
}

static void
test_job_list_full(void)
{
	static struct fm_proto_msg m, out;

	fm_proto_init(&m, FM_MSG_JOB_LIST);
	m.balance = -250;
	m.njobs = FM_PROTO_MAXJOBS;
	for (size_t i = 0; i < m.njobs; i++) {
		m.jobs[i].id = (int64_t)i + 1;
		memset(m.jobs[i].title, 'T', FM_PROTO_TEXTMAX - 1);
		m.jobs[i].pages = (uint32_t)i;
		m.jobs[i].cost = 10 * (int64_t)i;
		m.jobs[i].created_at = 1700000000;
		m.jobs[i].expires_at = 1700028800;
	}
	m.jobs[3].title[0] = '\0'; /* no title */
	m.more_jobs = true;
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_UINT_EQ(out.njobs, FM_PROTO_MAXJOBS);
	ASSERT_INT_EQ(out.balance, -250);
	ASSERT_TRUE(out.more_jobs);
	ASSERT_STR_EQ(out.jobs[3].title, "");
	ASSERT_MEM_EQ(&out.jobs[5], &m.jobs[5], sizeof(m.jobs[5]));
}

/* A job's cost kind crosses the wire: "up to" and "no price" as sent,
 * an estimate (0) left out and read back as one, an unknown kind
 * refused.  A full list of "up to" jobs still fits a frame. */
static void
test_job_cost_kind(void)
{
	static struct fm_proto_msg m, out;

	fm_proto_init(&m, FM_MSG_JOB_LIST);
	m.njobs = FM_PROTO_MAXJOBS;
	for (size_t i = 0; i < m.njobs; i++) {
		m.jobs[i].id = (int64_t)i + 1;
		memset(m.jobs[i].title, 'T', FM_PROTO_TEXTMAX - 1);
		m.jobs[i].cost = 250;
		m.jobs[i].cost_kind = FM_COST_UP_TO;
	}
	m.jobs[1].cost_kind = FM_COST_NO_PRICE;
	m.jobs[2].cost_kind = FM_COST_ESTIMATE;
	m.jobs[3].cost_kind = FM_COST_COUNTING;
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_UINT_EQ(out.jobs[0].cost_kind, FM_COST_UP_TO);
	ASSERT_INT_EQ(out.jobs[0].cost, 250);
	ASSERT_UINT_EQ(out.jobs[1].cost_kind, FM_COST_NO_PRICE);
	ASSERT_UINT_EQ(out.jobs[2].cost_kind, FM_COST_ESTIMATE);
	ASSERT_UINT_EQ(out.jobs[3].cost_kind, FM_COST_COUNTING);
	m.jobs[0].cost_kind = FM_COST_COUNTING + 1;
	ASSERT_FALSE(round_trip(&m, &out));
}

/* Version 2: AUTH_OK may carry the user's language and the site's
 * currency; without them it is the version 1 message, byte for byte, so
 * an older terminal reads it (issue 15). */
static void
test_auth_ok_language(void)
{
	static struct fm_proto_msg m, out;
	static uint8_t v1[256];
	size_t len1, len2;

	fm_proto_init(&m, FM_MSG_AUTH_OK);
	strcpy(m.user, "alice");
	m.balance = 470;
	len1 = fm_proto_encode(&m, v1, sizeof(v1));
	ASSERT_TRUE(len1 > 0);
	strcpy(m.language, "fr");
	strcpy(m.currency, "EUR");
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_STR_EQ(out.language, "fr");
	ASSERT_STR_EQ(out.currency, "EUR");
	len2 = fm_proto_encode(&m, buf, sizeof(buf));
	ASSERT_UINT_EQ(len2, len1 + 2 * 3 + 2 + 3);
	/* The frame's version byte is still 1. */
	ASSERT_UINT_EQ(buf[FM_PROTO_HEADERLEN], 1);
	m.language[0] = m.currency[0] = '\0';
	ASSERT_UINT_EQ(fm_proto_encode(&m, buf, sizeof(buf)), len1);
	ASSERT_MEM_EQ(buf, v1, len1);
	/* Only AUTH_OK carries them. */
	fm_proto_init(&m, FM_MSG_HELLO_OK);
	m.version = 2;
	strcpy(m.terminal, "t1");
	strcpy(m.printer, "p1");
	m.timeout = 60;
	strcpy(m.language, "fr");
	ASSERT_TRUE(round_trip(&m, &out));
	ASSERT_STR_EQ(out.language, "");
}

static void
test_encode_refuses_bad_messages(void)
{
	static struct fm_proto_msg m;

	fm_proto_init(&m, FM_MSG_AUTH_PIN);
	strcpy(m.user, "alice"); /* no secret */
	ASSERT_UINT_EQ(fm_proto_encode(&m, buf, sizeof(buf)), 0);
	strcpy(m.secret, "12\n34");
	ASSERT_UINT_EQ(fm_proto_encode(&m, buf, sizeof(buf)), 0);
	fm_proto_init(&m, FM_MSG_RELEASE); /* neither ids nor all */
	ASSERT_UINT_EQ(fm_proto_encode(&m, buf, sizeof(buf)), 0);
	m.all = true;
	m.ids[0] = 1;
	m.nids = 1; /* both */
	ASSERT_UINT_EQ(fm_proto_encode(&m, buf, sizeof(buf)), 0);
	fm_proto_init(&m, FM_MSG_AUTH_BADGE); /* empty uid */
	ASSERT_UINT_EQ(fm_proto_encode(&m, buf, sizeof(buf)), 0);
	fm_proto_init(&m, FM_MSG_AUTH_WEB); /* a session id, no printer */
	strcpy(m.secret, "00ff");
	ASSERT_UINT_EQ(fm_proto_encode(&m, buf, sizeof(buf)), 0);
	strcpy(m.printer, "mfp1");
	ASSERT_TRUE(fm_proto_encode(&m, buf, sizeof(buf)) > 0);
	fm_proto_init(&m, FM_MSG_HELLO);
	m.version = 1;
	ASSERT_UINT_EQ(fm_proto_encode(&m, buf, 5), 0); /* does not fit */
}

static void
test_decode_refuses_malformed(void)
{
	static struct fm_proto_msg m, out;
	const char *err;
	size_t len;
	uint8_t *p;

	fm_proto_init(&m, FM_MSG_AUTH_PIN);
	strcpy(m.user, "alice");
	strcpy(m.secret, "1234");
	len = fm_proto_encode(&m, buf, sizeof(buf)) - FM_PROTO_HEADERLEN;
	p = buf + FM_PROTO_HEADERLEN;
	for (size_t cut = 0; cut < len; cut++) {
		if (fm_proto_decode(p, cut, &out, &err))
			HARNESS_FAIL("truncated at %zu accepted", cut);
	}
	ASSERT_TRUE(fm_proto_decode(p, len, &out, &err));
	p[0] = 2; /* version */
	ASSERT_FALSE(fm_proto_decode(p, len, &out, &err));
	ASSERT_STR_EQ(err, "unsupported protocol version");
	p[0] = 1;
	p[1] = 99; /* type */
	ASSERT_FALSE(fm_proto_decode(p, len, &out, &err));
	p[1] = FM_MSG_AUTH_BADGE; /* fields not allowed there */
	ASSERT_FALSE(fm_proto_decode(p, len, &out, &err));
	ASSERT_STR_EQ(err, "field not allowed in this message");
	p[1] = FM_MSG_AUTH_PIN;
	/* A field repeated. */
	memcpy(p + len, p + 2, 8); /* user tag, len 5, "alice" */
	ASSERT_FALSE(fm_proto_decode(p, len + 8, &out, &err));
	ASSERT_STR_EQ(err, "field repeated");
	/* A control character in text. */
	p[2 + 3] = 0x1b;
	ASSERT_FALSE(fm_proto_decode(p, len, &out, &err));
	ASSERT_STR_EQ(err, "text field is not clean UTF-8");
	/* A failed decode leaves no secret behind. */
	ASSERT_STR_EQ(out.secret, "");
}

static void
test_frame_length_bounds(void)
{
	uint8_t h[4] = {0, 0, 0, 1};

	ASSERT_UINT_EQ(fm_proto_frame_length(h), 0);
	h[3] = 2;
	ASSERT_UINT_EQ(fm_proto_frame_length(h), 2);
	h[1] = 1;
	h[2] = 0;
	h[3] = 0; /* 65536 */
	ASSERT_UINT_EQ(fm_proto_frame_length(h), 65536);
	h[3] = 1;
	ASSERT_UINT_EQ(fm_proto_frame_length(h), 0);
	h[0] = 0xff;
	ASSERT_UINT_EQ(fm_proto_frame_length(h), 0);
}

int
main(void)
{
	RUN(test_every_type_round_trips);
	RUN(test_job_list_full);
	RUN(test_job_cost_kind);
	RUN(test_auth_ok_language);
	RUN(test_encode_refuses_bad_messages);
	RUN(test_decode_refuses_malformed);
	RUN(test_frame_length_bounds);
	return harness_done();
}
