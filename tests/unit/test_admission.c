/*
 * test_admission.c - unit tests for release/admission.c: the pools of
 * handshakes and terminals, and the admission messages.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/admission.h"
#include "tests/unit/harness.h"

static const struct fm_admission_limits limits = {4, 2, 2};

/* Below the limits every newcomer is taken; one address gets
 * max_per_address handshakes and no more. */
static void
test_per_address_cap(void)
{
	fm_admission_t *a = fm_admission_create(&limits);
	pid_t victim = 0;

	ASSERT_NOT_NULL(a);
	ASSERT_INT_EQ(
	    fm_admission_check(a, "10.0.0.1", &victim), FM_ADMISSION_TAKE);
	ASSERT_TRUE(fm_admission_add(a, 101, "10.0.0.1", 7));
	ASSERT_TRUE(fm_admission_add(a, 102, "10.0.0.1", 8));
	ASSERT_INT_EQ(fm_admission_check(a, "10.0.0.1", &victim),
	    FM_ADMISSION_REFUSE_ADDRESS);
	ASSERT_INT_EQ(
	    fm_admission_check(a, "10.0.0.2", &victim), FM_ADMISSION_TAKE);
	ASSERT_UINT_EQ(
	    fm_admission_count(a, FM_ADMISSION_PENDING, "10.0.0.1"), 2);
	ASSERT_INT_EQ(fm_admission_find(a, 102)->ctl, 8);
	/* Once one of them is a terminal, the address may start another. */
	ASSERT_TRUE(fm_admission_promote(a, 101));
	ASSERT_INT_EQ(
	    fm_admission_check(a, "10.0.0.1", &victim), FM_ADMISSION_TAKE);
	fm_admission_destroy(a);
}

/* A full pool: the newcomer takes the oldest handshake of the address
 * holding the most, when that evens out the shares; equals do not evict
 * each other; an address holding none always gets in. */
static void
test_eviction(void)
{
	fm_admission_t *a = fm_admission_create(&limits);
	pid_t victim = 0;

	ASSERT_TRUE(fm_admission_add(a, 201, "10.0.0.1", -1));
	ASSERT_TRUE(fm_admission_add(a, 202, "10.0.0.2", -1));
	ASSERT_TRUE(fm_admission_add(a, 203, "10.0.0.1", -1));
	ASSERT_TRUE(fm_admission_add(a, 204, "10.0.0.2", -1));
	/* 10.0.0.1 and .2 hold 2 each: a third address holding none
	 * evicts the oldest of them. */
	ASSERT_INT_EQ(fm_admission_check(a, "10.0.0.3", &victim),
	    FM_ADMISSION_TAKE_EVICT);
	ASSERT_INT_EQ(victim, 201);
	ASSERT_TRUE(fm_admission_evict(a, 201));
	ASSERT_FALSE(fm_admission_evict(a, 201));
	ASSERT_TRUE(fm_admission_add(a, 205, "10.0.0.3", -1));
	/* Now 1 / 2 / 1: .3 (holding 1) may not take from .2 (holding
	 * 2): that would only swap them. */
	ASSERT_INT_EQ(fm_admission_check(a, "10.0.0.3", &victim),
	    FM_ADMISSION_REFUSE_FULL);
	ASSERT_INT_EQ(fm_admission_check(a, "10.0.0.1", &victim),
	    FM_ADMISSION_REFUSE_FULL);
	/* A fourth address takes .2's oldest. */
	ASSERT_INT_EQ(fm_admission_check(a, "10.0.0.4", &victim),
	    FM_ADMISSION_TAKE_EVICT);
	ASSERT_INT_EQ(victim, 202);
	/* The dying count for nothing, and are gone once reaped. */
	ASSERT_UINT_EQ(fm_admission_count(a, FM_ADMISSION_DYING, NULL), 1);
	ASSERT_TRUE(fm_admission_remove(a, 201));
	ASSERT_FALSE(fm_admission_remove(a, 201));
	ASSERT_NULL(fm_admission_find(a, 201));
	fm_admission_destroy(a);
}

/* Terminals have a pool of their own: handshakes never take from it, and
 * it has its own limit. */
static void
test_terminals_pool(void)
{
	fm_admission_t *a = fm_admission_create(&limits);
	pid_t victim = 0;

	ASSERT_TRUE(fm_admission_add(a, 301, "10.0.0.9", -1));
	ASSERT_TRUE(fm_admission_add(a, 302, "10.0.0.9", -1));
	ASSERT_TRUE(fm_admission_promote(a, 301));
	ASSERT_TRUE(fm_admission_promote(a, 302));
	ASSERT_FALSE(fm_admission_promote(a, 302)); /* not pending */
	for (pid_t p = 303; p < 307; p++)
		ASSERT_TRUE(fm_admission_add(a, p, "10.0.1.1", -1) ||
		    fm_admission_add(a, p, "10.0.1.2", -1));
	/* The pool of handshakes is full; a newcomer may evict only a
	 * handshake, never a terminal. */
	ASSERT_INT_EQ(fm_admission_check(a, "10.0.0.9", &victim),
	    FM_ADMISSION_TAKE_EVICT);
	ASSERT_TRUE(victim >= 303);
	/* The terminals' pool is full: the next one is refused and dies. */
	ASSERT_FALSE(fm_admission_promote(a, 303));
	ASSERT_INT_EQ(fm_admission_find(a, 303)->state, FM_ADMISSION_DYING);
	ASSERT_UINT_EQ(fm_admission_count(a, FM_ADMISSION_ACTIVE, NULL), 2);
	fm_admission_destroy(a);
}

/* Evicted sessions not yet reaped hold back new ones (a bounded burst). */
static void
test_dying_bound(void)
{
	static const struct fm_admission_limits l = {8, 8, 1};
	fm_admission_t *a = fm_admission_create(&l);

	for (pid_t p = 1; p <= 8; p++)
		ASSERT_TRUE(fm_admission_add(a, p, "10.0.0.1", -1));
	ASSERT_TRUE(fm_admission_evict(a, 1));
	ASSERT_TRUE(fm_admission_evict(a, 2));
	ASSERT_TRUE(fm_admission_has_room(a));
	ASSERT_TRUE(fm_admission_evict(a, 3)); /* 8 / 4 + 1 */
	ASSERT_FALSE(fm_admission_has_room(a));
	ASSERT_TRUE(fm_admission_remove(a, 1));
	ASSERT_TRUE(fm_admission_has_room(a));
	ASSERT_NULL(
	    fm_admission_create(&(struct fm_admission_limits){0, 1, 1}));
	fm_admission_destroy(NULL);
	fm_admission_destroy(a);
}

/* The messages: they round-trip; a refusal carries no ledger link; no
 * key is ever in them; anything else is refused. */
static void
test_messages(void)
{
	struct fm_admission_request req = {"t1"}, req2;
	struct fm_admission_reply rep = {true, true}, rep2;
	uint8_t buf[FM_ADMISSION_MAX];
	const char *errstr = NULL;
	size_t n;

	n = fm_admission_encode_request(&req, buf, sizeof(buf));
	ASSERT_UINT_EQ(n, 4);
	ASSERT_TRUE(fm_admission_decode_request(buf, n, &req2, &errstr));
	ASSERT_STR_EQ(req2.terminal, "t1");
	ASSERT_FALSE(fm_admission_decode_request(buf, n - 1, &req2, &errstr));
	buf[3] = '\n';
	ASSERT_FALSE(fm_admission_decode_request(buf, n, &req2, &errstr));
	ASSERT_UINT_EQ(
	    fm_admission_encode_request(
	        &(struct fm_admission_request){""}, buf, sizeof(buf)),
	    0);

	n = fm_admission_encode_reply(&rep, buf, sizeof(buf));
	ASSERT_UINT_EQ(n, 3);
	ASSERT_TRUE(fm_admission_decode_reply(buf, n, &rep2, &errstr));
	ASSERT_TRUE(rep2.admitted);
	ASSERT_TRUE(rep2.ledger);
	ASSERT_FALSE(fm_admission_decode_reply(buf, n - 1, &rep2, &errstr));
	ASSERT_FALSE(fm_admission_decode_reply(buf, n + 1, &rep2, &errstr));
	buf[1] = 2;
	ASSERT_FALSE(fm_admission_decode_reply(buf, n, &rep2, &errstr));
	buf[1] = 0; /* a refusal with a ledger link */
	ASSERT_FALSE(fm_admission_decode_reply(buf, n, &rep2, &errstr));
	buf[2] = 0;
	ASSERT_TRUE(fm_admission_decode_reply(buf, n, &rep2, &errstr));
	ASSERT_FALSE(rep2.admitted);
	buf[0] = FM_ADMISSION_VERSION + 1;
	ASSERT_FALSE(fm_admission_decode_reply(buf, n, &rep2, &errstr));
	/* A refusal never says a link follows. */
	rep = (struct fm_admission_reply){false, true};
	n = fm_admission_encode_reply(&rep, buf, sizeof(buf));
	ASSERT_TRUE(fm_admission_decode_reply(buf, n, &rep2, &errstr));
	ASSERT_FALSE(rep2.ledger);
}

int
main(void)
{
	RUN(test_per_address_cap);
	RUN(test_eviction);
	RUN(test_terminals_pool);
	RUN(test_dying_bound);
	RUN(test_messages);
	return harness_done();
}
