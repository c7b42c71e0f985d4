/*
 * test_readermsg.c - unit tests for badge/readermsg.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "badge/readermsg.h"
#include "tests/unit/harness.h"

static void
test_roundtrip_card(void)
{
	struct fm_reader_event ev = {0}, out;
	uint8_t buf[FM_READERMSG_MAX];
	const char *err = NULL;
	size_t len;

	ev.type = FM_READER_CARD_PRESENT;
	ev.card = FM_CARD_ISO14443A;
	ev.uid_len = 7;
	memcpy(ev.uid, "\x04\x11\x22\x33\x44\x55\x66", 7);
	strcpy(ev.id, "not sent");
	len = fm_readermsg_encode(&ev, buf, sizeof(buf));
	ASSERT_UINT_EQ(len, 13);
	ASSERT_MEM_EQ(
	    buf, "FB\x01\x02\x01\x07\x04\x11\x22\x33\x44\x55\x66", 13);
	memset(&out, 0xaa, sizeof(out));
	ASSERT_TRUE(fm_readermsg_decode(buf, len, &out, &err));
	ASSERT_INT_EQ(out.type, FM_READER_CARD_PRESENT);
	ASSERT_INT_EQ(out.card, FM_CARD_ISO14443A);
	ASSERT_UINT_EQ(out.uid_len, 7);
	ASSERT_MEM_EQ(out.uid, ev.uid, 7);
	ASSERT_STR_EQ(out.id, "");
}

static void
test_roundtrip_states(void)
{
	static const enum fm_reader_event_type types[] = {FM_READER_READY,
	    FM_READER_CARD_REMOVED, FM_READER_UNAVAILABLE, FM_READER_BACK};
	struct fm_reader_event ev = {0}, out;
	uint8_t buf[FM_READERMSG_MAX];
	const char *err = NULL;
	size_t i, len;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		ev.type = types[i];
		/* Card data on a non-card event is not sent. */
		ev.card = FM_CARD_FELICA;
		ev.uid_len = 3;
		len = fm_readermsg_encode(&ev, buf, sizeof(buf));
		ASSERT_UINT_EQ(len, 6);
		ASSERT_TRUE(fm_readermsg_decode(buf, len, &out, &err));
		ASSERT_INT_EQ(out.type, types[i]);
		ASSERT_INT_EQ(out.card, FM_CARD_NONE);
		ASSERT_UINT_EQ(out.uid_len, 0);
	}
}

static void
test_encode_refuses(void)
{
	struct fm_reader_event ev = {0};
	uint8_t buf[FM_READERMSG_MAX];

	ASSERT_UINT_EQ(fm_readermsg_encode(&ev, buf, sizeof(buf)), 0);
	ev.type = FM_READER_CARD_PRESENT;
	ev.card = FM_CARD_WEDGE;
	ASSERT_UINT_EQ(fm_readermsg_encode(&ev, buf, sizeof(buf)), 0);
	ev.uid_len = FM_UID_MAX + 1;
	ASSERT_UINT_EQ(fm_readermsg_encode(&ev, buf, sizeof(buf)), 0);
	ev.uid_len = 4;
	ev.card = FM_CARD_NONE;
	ASSERT_UINT_EQ(fm_readermsg_encode(&ev, buf, sizeof(buf)), 0);
	ev.card = FM_CARD_ISO14443B;
	ASSERT_UINT_EQ(fm_readermsg_encode(&ev, buf, 9), 0);
	ASSERT_UINT_EQ(fm_readermsg_encode(&ev, buf, 10), 10);
}

/* A message as a string literal, NUL bytes and all. */
#define MSG(s)                                                                 \
	{                                                                      \
		(const uint8_t *)(s), sizeof(s) - 1                            \
	}

static void
test_decode_refuses(void)
{
	/* Each reason, and the messages refused for it. */
	static const struct {
		const char *why;
		struct {
			const uint8_t *p;
			size_t len;
		} msgs[3];
	} bad[] = {
	    {"too short", {MSG("FB\x01\x01\x00")}},
	    {"magic", {MSG("FC\x01\x01\x00\x00")}},
	    {"magic or version", {MSG("FB\x02\x01\x00\x00")}},
	    {"unknown reader event",
	        {MSG("FB\x01\x00\x00\x00"), MSG("FB\x01\x06\x00\x00")}},
	    {"length mismatch",
	        {MSG("FB\x01\x01\x00\x00X"),
	            MSG("FB\x01\x02\x01\x04\x01\x02\x03")}},
	    {"bad card",
	        {MSG("FB\x01\x02\x01\x00"), MSG("FB\x01\x02\x05\x01\x01"),
	            MSG("FB\x01\x02\x00\x01\x01")}},
	    {"unexpected card data",
	        {MSG("FB\x01\x03\x01\x00"), MSG("FB\x01\x04\x00\x01\x01")}},
	};
	struct fm_reader_event ev;
	uint8_t big[6 + 17] = {'F', 'B', 1, 2, 1, 17};
	const char *err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (size_t j = 0; j < 3 && bad[i].msgs[j].p != NULL; j++) {
			err = NULL;
			if (fm_readermsg_decode(bad[i].msgs[j].p,
			        bad[i].msgs[j].len, &ev, &err))
				HARNESS_FAIL(
				    "accepted bad message %zu.%zu", i, j);
			ASSERT_STR_CONTAINS(err, bad[i].why);
		}
	}
	ASSERT_FALSE(fm_readermsg_decode(big, sizeof(big), &ev, &err));
	ASSERT_STR_CONTAINS(err, "bad card");
	ASSERT_FALSE(fm_readermsg_decode(NULL, 6, &ev, &err));
}

static void
test_names(void)
{
	ASSERT_STR_EQ(fm_readermsg_event_name(FM_READER_BACK), "READER_BACK");
	ASSERT_STR_EQ(fm_readermsg_event_name(FM_READER_UNAVAILABLE),
	    "READER_UNAVAILABLE");
	ASSERT_STR_EQ(
	    fm_readermsg_event_name((enum fm_reader_event_type)0), "?");
	ASSERT_STR_EQ(fm_readermsg_card_name(FM_CARD_FELICA), "felica");
	ASSERT_STR_EQ(fm_readermsg_card_name(FM_CARD_NONE), "?");
}

int
main(void)
{
	RUN(test_roundtrip_card);
	RUN(test_roundtrip_states);
	RUN(test_encode_refuses);
	RUN(test_decode_refuses);
	RUN(test_names);
	return harness_done();
}
