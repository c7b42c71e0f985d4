/*
 * test_reader.c - unit tests for badge/reader.c: configuration helpers
 * and the child process's reporting (a reader whose device is missing).
 * The libnfc path is tested against the PN532 simulator in
 * tests/integration/badge_reader.sh.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "badge/reader.h"
#include "common/log.h"
#include "tests/unit/elapsed.h"
#include "tests/unit/harness.h"

static void
test_kind_parse(void)
{
	enum fm_reader_kind k = FM_READER_NFC;

	ASSERT_TRUE(fm_reader_kind_parse("wedge", 5, &k));
	ASSERT_INT_EQ(k, FM_READER_WEDGE);
	ASSERT_TRUE(fm_reader_kind_parse("nfc", 3, &k));
	ASSERT_INT_EQ(k, FM_READER_NFC);
	ASSERT_FALSE(fm_reader_kind_parse("nfcx", 4, &k));
	ASSERT_FALSE(fm_reader_kind_parse("", 0, &k));
}

static void
test_poll_parse(void)
{
	unsigned m = 0;

	ASSERT_TRUE(fm_reader_poll_parse("14443a", 6, &m));
	ASSERT_UINT_EQ(m, FM_READER_POLL_14443A);
	ASSERT_TRUE(fm_reader_poll_parse("felica,14443b,14443a", 20, &m));
	ASSERT_UINT_EQ(m,
	    FM_READER_POLL_14443A | FM_READER_POLL_14443B |
	        FM_READER_POLL_FELICA);
	ASSERT_FALSE(fm_reader_poll_parse("", 0, &m));
	ASSERT_FALSE(fm_reader_poll_parse("14443a,", 7, &m));
	ASSERT_FALSE(fm_reader_poll_parse(",14443a", 7, &m));
	ASSERT_FALSE(fm_reader_poll_parse("14443c", 6, &m));
}

/* Waits up to ms for the next event; 1 with *ev, 0 on timeout. */
static int
wait_event(fm_reader_t *r, struct fm_reader_event *ev, int ms)
{
	const char *err = NULL;
	enum fm_reader_read res;

	/* 1: an event, 0: none within ms, -1: the reader broke. */
	for (; ms > 0; ms -= 50) {
		struct pollfd pfd = {fm_reader_get_fd(r), POLLIN, 0};

		if ((res = fm_reader_read_event(r, ev, &err)) !=
		    FM_READER_NO_EVENT)
			return res == FM_READER_GOT_EVENT ? 1 : -1;
		poll(&pfd, 1, 50);
	}
	return 0;
}

/* A reader of kind on a device that does not exist; NULL if it cannot
 * be started. */
static fm_reader_t *
open_missing(enum fm_reader_kind kind)
{
	struct fm_reader_config cfg;
	const char *err = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.kind = kind;
	if (kind == FM_READER_NFC)
		strcpy(cfg.connstring,
		    "pn532_uart:/nonexistent/followme-ttyPN532");
	else
		strcpy(cfg.device, "/nonexistent/followme-test-event0");
	return fm_reader_open(&cfg, &err);
}

static void
test_missing_device_is_unavailable(void)
{
	struct fm_reader_event ev;
	fm_reader_t *r = open_missing(FM_READER_WEDGE);

	ASSERT_NOT_NULL(r);
	ASSERT_TRUE(fm_reader_get_fd(r) >= 0);
	ASSERT_INT_EQ(wait_event(r, &ev, 20000), 1);
	ASSERT_INT_EQ(ev.type, FM_READER_UNAVAILABLE);
	/* Told once, not at every retry. */
	ASSERT_INT_EQ(wait_event(r, &ev, 500), 0);
	fm_reader_close(r);
	fm_reader_close(NULL);
}

static void
test_missing_nfc_device_is_unavailable(void)
{
	struct fm_reader_event ev;
	fm_reader_t *r = open_missing(FM_READER_NFC);

	ASSERT_NOT_NULL(r);
	ASSERT_INT_EQ(wait_event(r, &ev, 20000), 1);
	ASSERT_INT_EQ(ev.type, FM_READER_UNAVAILABLE);
	fm_reader_close(r);
}

static void
test_close_with_signals_blocked(void)
{
	struct fm_reader_event ev;
	struct timespec t0;
	sigset_t block, old;
	fm_reader_t *r;
	long ms;

	/* An owner that handles signals with signalfd blocks them; the
	 * reader process must still stop on SIGTERM, not wait for the
	 * SIGKILL that fm_reader_close() sends after 3 s. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	r = open_missing(FM_READER_WEDGE);
	sigprocmask(SIG_SETMASK, &old, NULL);
	ASSERT_NOT_NULL(r);
	ASSERT_INT_EQ(wait_event(r, &ev, 20000), 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fm_reader_close(r);
	if ((ms = elapsed_ms(&t0)) >= 2500)
		HARNESS_FAIL("fm_reader_close() took %ld ms", ms);
}

static void
test_open_refuses(void)
{
	struct fm_reader_config cfg;
	const char *err = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.kind = (enum fm_reader_kind)7;
	ASSERT_NULL(fm_reader_open(&cfg, &err));
	ASSERT_NOT_NULL(err);
	ASSERT_NULL(fm_reader_open(NULL, &err));
}

int
main(void)
{
	setenv("LIBNFC_LOG_LEVEL", "0", 1);
	signal(SIGPIPE, SIG_IGN);
	fm_log_init("test_reader", FM_LOG_STDERR, false);
	RUN(test_kind_parse);
	RUN(test_poll_parse);
	RUN(test_missing_device_is_unavailable);
	RUN(test_missing_nfc_device_is_unavailable);
	RUN(test_close_with_signals_blocked);
	RUN(test_open_refuses);
	return harness_done();
}
