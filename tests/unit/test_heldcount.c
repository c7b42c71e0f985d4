/*
 * test_heldcount.c - the analysis children's progress records: which
 * document a child that died was on.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/heldcount.h"
#include "tests/unit/harness.h"

static void
test_progress_names_the_document(void)
{
	uint8_t buf[6 * FM_HELDCOUNT_PROGRESS_LEN] = {0};
	size_t len = 0;
	int on = -2;

	/* Before any record: its first document. */
	ASSERT_TRUE(fm_heldcount_progress_decode(buf, 0, 3, &on));
	ASSERT_INT_EQ(on, 0);
	fm_heldcount_progress_encode(0, FM_HELDCOUNT_READ, buf + len);
	len += FM_HELDCOUNT_PROGRESS_LEN;
	fm_heldcount_progress_encode(1, FM_HELDCOUNT_READ, buf + len);
	len += FM_HELDCOUNT_PROGRESS_LEN;
	ASSERT_TRUE(fm_heldcount_progress_decode(buf, len, 3, &on));
	ASSERT_INT_EQ(on, 1); /* died reading the second */
	fm_heldcount_progress_encode(0, FM_HELDCOUNT_COUNT, buf + len);
	len += FM_HELDCOUNT_PROGRESS_LEN;
	ASSERT_TRUE(fm_heldcount_progress_decode(buf, len, 3, &on));
	ASSERT_INT_EQ(on, 0);
	fm_heldcount_progress_encode(0, FM_HELDCOUNT_DONE, buf + len);
	len += FM_HELDCOUNT_PROGRESS_LEN;
	ASSERT_TRUE(fm_heldcount_progress_decode(buf, len, 3, &on));
	ASSERT_INT_EQ(on, -1); /* between documents */
	fm_heldcount_progress_encode(2, FM_HELDCOUNT_COUNT, buf + len);
	len += FM_HELDCOUNT_PROGRESS_LEN;
	ASSERT_TRUE(fm_heldcount_progress_decode(buf, len, 3, &on));
	ASSERT_INT_EQ(on, 2);
}

static void
test_malformed_refused(void)
{
	uint8_t buf[4] = {FM_HELDCOUNT_COUNT, 1, FM_HELDCOUNT_DONE + 1, 0};
	int on = -2;

	/* An unknown step: refused, what came before stands. */
	ASSERT_FALSE(fm_heldcount_progress_decode(buf, 4, 3, &on));
	ASSERT_INT_EQ(on, 1);
	/* An index past the child's documents. */
	buf[2] = FM_HELDCOUNT_READ;
	buf[3] = 3;
	ASSERT_FALSE(fm_heldcount_progress_decode(buf, 4, 3, &on));
	ASSERT_INT_EQ(on, 1);
	/* A piece of a record. */
	ASSERT_FALSE(fm_heldcount_progress_decode(buf, 3, 3, &on));
	ASSERT_FALSE(fm_heldcount_progress_decode(NULL, 2, 3, &on));
	buf[3] = 2;
	ASSERT_TRUE(fm_heldcount_progress_decode(buf, 4, 3, &on));
	ASSERT_INT_EQ(on, 2);
}

int
main(void)
{
	RUN(test_progress_names_the_document);
	RUN(test_malformed_refused);
	return harness_done();
}
