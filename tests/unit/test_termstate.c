/*
 * test_termstate.c - the release terminal's screens and requests, driven
 * event by event without a screen or a server.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "harness.h"
#include "terminal/termstate.h"

static struct fm_termstate t;
static struct fm_proto_msg m;
static const uint8_t alice_uid[4] = {0x04, 0xa1, 0xb2, 0xc3};

/* A fresh, connected terminal (idle 60 s, result 5 s). */
static void
start(bool headless)
{
	fm_termstate_init(&t, headless, 60000, 5000);
	fm_proto_init(&m, FM_MSG_HELLO_OK);
	snprintf(m.terminal, sizeof(m.terminal), "t1");
	snprintf(m.printer, sizeof(m.printer), "mfp1");
	m.timeout = 300;
	fm_termstate_connected(&t, &m, 0);
}

/* Takes the request the state machine wants sent. */
static enum fm_proto_type
sent(void)
{
	enum fm_proto_type type;

	if (!t.send)
		return 0;
	t.send = false;
	type = t.out.type;
	return type;
}

static void
server(enum fm_proto_type type, uint64_t now)
{
	m.type = type;
	fm_termstate_message(&t, &m, now);
}

static void
job(size_t i, int64_t id, int64_t created, uint32_t copies)
{
	struct fm_proto_job *j = &m.jobs[i];

	memset(j, 0, sizeof(*j));
	j->id = id;
	snprintf(j->title, sizeof(j->title), "Job %lld", (long long)id);
	j->pages = 3;
	j->cost = 30;
	j->created_at = created;
	j->copies = copies;
	if (i + 1 > m.njobs)
		m.njobs = i + 1;
}

/* The server accepts alice. */
static void
auth_ok(uint64_t now)
{
	fm_proto_init(&m, FM_MSG_AUTH_OK);
	snprintf(m.user, sizeof(m.user), "alice");
	m.balance = 500;
	fm_termstate_message(&t, &m, now);
}

/* The server answers type with code and message (NULL: none). */
static void
answer(
    enum fm_proto_type type, uint32_t code, const char *message, uint64_t now)
{
	fm_proto_init(&m, type);
	m.code = code;
	if (message != NULL)
		snprintf(m.message, sizeof(m.message), "%s", message);
	fm_termstate_message(&t, &m, now);
}

/* The server reports job_id at stage (code: why it failed). */
static void
progress(int64_t job_id, uint32_t stage, uint32_t code, uint64_t now)
{
	fm_proto_init(&m, FM_MSG_PROGRESS);
	m.job_id = job_id;
	m.stage = stage;
	m.code = code;
	fm_termstate_message(&t, &m, now);
}

/* A badge tap, its AUTH_BADGE request taken unchecked. */
static void
tap(uint64_t now)
{
	fm_termstate_card(&t, alice_uid, sizeof(alice_uid), now);
	(void)sent();
}

/* A fresh terminal where alice's badge is refused at 2: AUTH_FAIL with
 * code, retry_after and message (NULL: none). */
static void
badge_refused(
    bool headless, uint32_t code, uint32_t retry_after, const char *message)
{
	start(headless);
	tap(1);
	fm_proto_init(&m, FM_MSG_AUTH_FAIL);
	m.code = code;
	m.retry_after = retry_after;
	if (message != NULL)
		snprintf(m.message, sizeof(m.message), "%s", message);
	fm_termstate_message(&t, &m, 2);
}

/* Types text, one key at a time at now. */
static void
type_keys(const char *text, uint64_t now)
{
	for (const char *p = text; *p; p++)
		fm_termstate_key(&t, FM_KEY_CHAR, *p, now);
}

/* A job the server holds for alice: id, created at, copies. */
struct held {
	int64_t id, created;
	uint32_t copies;
};

/* A fresh terminal with alice logged in by badge at now and the n jobs
 * listed; the last request (LIST, or headless RELEASE or LOGOUT) not
 * taken yet. */
static void
logged_in_with(bool headless, const struct held *jobs, size_t n, uint64_t now)
{
	start(headless);
	fm_termstate_card(&t, alice_uid, sizeof(alice_uid), now);
	auth_ok(now);
	fm_proto_init(&m, FM_MSG_JOB_LIST);
	for (size_t i = 0; i < n; i++)
		job(i, jobs[i].id, jobs[i].created, jobs[i].copies);
	m.balance = 500;
	fm_termstate_message(&t, &m, now);
}

static const struct held one_job[] = {{1, 100, 1}};

static void
test_badge_list_release_result_logout(void)
{
	start(false);
	fm_termstate_card(&t, alice_uid, sizeof(alice_uid), 10);
	ASSERT_INT_EQ(sent(), FM_MSG_AUTH_BADGE);
	ASSERT_MEM_EQ(t.out.uid, alice_uid, 4);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_BUSY);
	auth_ok(10);
	ASSERT_INT_EQ(sent(), FM_MSG_LIST);
	fm_proto_init(&m, FM_MSG_JOB_LIST);
	job(0, 7, 100, 1);
	job(1, 8, 200, 1);
	fm_termstate_message(&t, &m, 10);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_JOBS);
	ASSERT_UINT_EQ(t.njobs, 2);
	ASSERT_STR_EQ(t.user, "alice");
	/* Down to job 8, Enter, "1" = Print. */
	fm_termstate_key(&t, FM_KEY_DOWN, 0, 11);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 12);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_ACTIONS);
	fm_termstate_key(&t, FM_KEY_CHAR, '1', 13);
	ASSERT_INT_EQ(sent(), FM_MSG_RELEASE);
	ASSERT_UINT_EQ(t.out.nids, 1);
	ASSERT_INT_EQ(t.out.ids[0], 8);
	ASSERT_UINT_EQ(t.out.copies, 0);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_PROGRESS);
	/* Keys do nothing while it prints. */
	fm_termstate_key(&t, FM_KEY_BACK, 0, 14);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_PROGRESS);
	ASSERT_FALSE(t.send);
	fm_proto_init(&m, FM_MSG_PROGRESS);
	m.job_id = 8;
	m.stage = FM_STAGE_DONE;
	m.pages = 3;
	m.charge = 30;
	fm_termstate_message(&t, &m, 20);
	answer(FM_MSG_OK, 0, NULL, 21);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_RESULT);
	ASSERT_UINT_EQ(t.printed, 1);
	ASSERT_UINT_EQ(t.pages_printed, 3);
	ASSERT_INT_EQ(t.charged, 30);
	ASSERT_INT_EQ(t.outcome, FM_OUTCOME_NONE); /* only headless */
	/* The result stays 5 s, then the user is logged out. */
	fm_termstate_tick(&t, 21 + 4999);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_RESULT);
	fm_termstate_tick(&t, 21 + 5000);
	ASSERT_INT_EQ(sent(), FM_MSG_LOGOUT);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_IDLE);
	ASSERT_FALSE(t.logged_in);
	ASSERT_UINT_EQ(t.njobs, 0);
}

/* After a release the header shows the balance after the charge. */
static void
test_result_shows_the_new_balance(void)
{
	logged_in_with(false, one_job, 1, 10);
	ASSERT_INT_EQ(sent(), FM_MSG_LIST);
	ASSERT_INT_EQ(t.balance, 500);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 11);
	fm_termstate_key(&t, FM_KEY_CHAR, '1', 12);
	ASSERT_INT_EQ(sent(), FM_MSG_RELEASE);
	fm_proto_init(&m, FM_MSG_PROGRESS);
	m.job_id = 1;
	m.stage = FM_STAGE_DONE;
	m.pages = 3;
	m.charge = 30;
	fm_termstate_message(&t, &m, 20);
	answer(FM_MSG_OK, 0, NULL, 21);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_RESULT);
	ASSERT_INT_EQ(sent(), FM_MSG_LIST);
	fm_proto_init(&m, FM_MSG_JOB_LIST);
	m.balance = 470;
	fm_termstate_message(&t, &m, 22);
	ASSERT_INT_EQ(t.balance, 470);
	/* Still the result, for its whole time. */
	ASSERT_INT_EQ(t.screen, FM_SCREEN_RESULT);
	fm_termstate_tick(&t, 21 + 5000);
	ASSERT_INT_EQ(sent(), FM_MSG_LOGOUT);
}

static void
test_pin_login_wipes_the_pin(void)
{
	start(false);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 1);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_USER);
	type_keys("bob", 2);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 3);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_PIN);
	type_keys("12345", 4);
	fm_termstate_key(&t, FM_KEY_BACK, 0, 5); /* deletes the 5 */
	ASSERT_UINT_EQ(t.pin_len, 4);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 6);
	ASSERT_INT_EQ(sent(), FM_MSG_AUTH_PIN);
	ASSERT_STR_EQ(t.out.user, "bob");
	ASSERT_STR_EQ(t.out.secret, "1234");
	ASSERT_UINT_EQ(t.pin_len, 0);
	for (size_t i = 0; i < sizeof(t.pin); i++)
		ASSERT_INT_EQ(t.pin[i], 0);
	fm_termstate_wipe(&t);
	ASSERT_STR_EQ(t.out.secret, "");
	/* A wrong PIN is a notice, which times out back to idle. */
	answer(FM_MSG_AUTH_FAIL, FM_CODE_BAD_CREDENTIALS,
	    "Wrong user name or PIN.", 10);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_NOTICE);
	ASSERT_STR_CONTAINS(t.notice, "Wrong user name or PIN.");
	fm_termstate_tick(&t, 10 + t.notice_ms);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_IDLE);
}

/* What a refused badge leads to, with a screen or headless. */
static void
test_badge_refused(void)
{
	static const struct {
		bool headless;
		uint32_t code, retry_after;
		const char *message;
		int screen, outcome; /* -1: not checked */
		const char *notice;  /* a part of it; "": not checked */
	} rows[] = {
	    /* A lockout says when to try again. */
	    {false, FM_CODE_LOCKED_OUT, 240, "Too many attempts.",
	        FM_SCREEN_NOTICE, -1, "Try again in 240 s."},
	    /* An unknown badge may be linked to whoever logs in next... */
	    {false, FM_CODE_UNKNOWN_BADGE, 0, NULL, FM_SCREEN_ASSOCIATE, -1,
	        ""},
	    /* ...but headless, no association is offered. */
	    {true, FM_CODE_UNKNOWN_BADGE, 0, NULL, FM_SCREEN_IDLE,
	        FM_OUTCOME_UNKNOWN_BADGE, ""},
	    /* The site wants a PIN with the badge. */
	    {false, FM_CODE_BAD_CREDENTIALS, 0, "Enter your PIN too.",
	        FM_SCREEN_BADGE_PIN, -1, ""},
	    /* A disabled account. */
	    {true, FM_CODE_DISABLED, 0, NULL, -1, FM_OUTCOME_DENIED, ""},
	};

	for (EACH_ROW(i, rows)) {
		badge_refused(rows[i].headless, rows[i].code,
		    rows[i].retry_after, rows[i].message);
		if (rows[i].screen >= 0)
			ASSERT_INT_EQ(t.screen, rows[i].screen);
		if (rows[i].outcome >= 0)
			ASSERT_INT_EQ(t.outcome, rows[i].outcome);
		ASSERT_STR_CONTAINS(t.notice, rows[i].notice);
	}
}

static void
test_unknown_badge_is_linked_after_login(void)
{
	badge_refused(false, FM_CODE_UNKNOWN_BADGE, 0, NULL);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_ASSOCIATE);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 3);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_USER);
	ASSERT_TRUE(t.associating);
	/* Another tap while linking is ignored. */
	fm_termstate_card(&t, (const uint8_t *)"\x01\x02\x03\x04", 4, 3);
	ASSERT_FALSE(t.send);
	type_keys("a", 4);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 4);
	type_keys("1", 5);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 6);
	ASSERT_INT_EQ(sent(), FM_MSG_AUTH_PIN);
	auth_ok(7);
	ASSERT_INT_EQ(sent(), FM_MSG_ASSOCIATE_BADGE);
	ASSERT_UINT_EQ(t.out.uid_len, 4);
	ASSERT_MEM_EQ(t.out.uid, alice_uid, 4);
	answer(FM_MSG_OK, 0, NULL, 8);
	ASSERT_INT_EQ(sent(), FM_MSG_LIST);
	ASSERT_STR_CONTAINS(t.notice, "linked");
	answer(FM_MSG_JOB_LIST, 0, NULL, 9);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_JOBS);
	ASSERT_STR_CONTAINS(t.notice, "linked");
}

static void
test_badge_with_pin_policy(void)
{
	badge_refused(false, FM_CODE_BAD_CREDENTIALS, 0, "Enter your PIN too.");
	ASSERT_INT_EQ(t.screen, FM_SCREEN_BADGE_PIN);
	type_keys("4", 3);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 4);
	ASSERT_INT_EQ(sent(), FM_MSG_AUTH_BADGE_PIN);
	ASSERT_MEM_EQ(t.out.uid, alice_uid, 4);
	ASSERT_STR_EQ(t.out.secret, "4");
	/* A wrong PIN then is a notice, not another PIN prompt. */
	fm_termstate_message(&t, &m, 5);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_NOTICE);
}

static void
test_options_only_lower(void)
{
	static const struct held jobs[] = {{1, 100, 3}, {2, 200, 1}};

	logged_in_with(false, jobs, 2, 1);
	(void)sent();
	/* The keypad's digits move and mark as its arrows would. */
	type_keys("2", 2);
	ASSERT_UINT_EQ(t.cursor, 1);
	type_keys("5", 2);
	ASSERT_TRUE(t.marked[1]);
	type_keys("5", 2);
	ASSERT_FALSE(t.marked[1]);
	type_keys("8", 2);
	ASSERT_UINT_EQ(t.cursor, 0);
	/* Mark both, then options. */
	type_keys("+", 2);
	ASSERT_TRUE(t.marked[0] && t.marked[1]);
	ASSERT_UINT_EQ(fm_termstate_selected(&t), 2);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 3);
	type_keys("2", 4);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_OPTIONS);
	ASSERT_UINT_EQ(t.copies, 3);
	fm_termstate_key(&t, FM_KEY_RIGHT, 0, 5); /* no more than 3 */
	ASSERT_UINT_EQ(t.copies, 3);
	type_keys("9", 5); /* nor by digit */
	ASSERT_UINT_EQ(t.copies, 3);
	fm_termstate_key(&t, FM_KEY_LEFT, 0, 6);
	ASSERT_UINT_EQ(t.copies, 2);
	fm_termstate_key(&t, FM_KEY_DOWN, 0, 7);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 7); /* two-sided */
	fm_termstate_key(&t, FM_KEY_DOWN, 0, 8);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 8); /* grayscale */
	fm_termstate_key(&t, FM_KEY_DOWN, 0, 9);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 9); /* print */
	ASSERT_INT_EQ(sent(), FM_MSG_RELEASE);
	ASSERT_UINT_EQ(t.out.nids, 2);
	ASSERT_UINT_EQ(t.out.copies, 2);
	ASSERT_TRUE(t.out.force_duplex);
	ASSERT_TRUE(t.out.force_gray);
}

static void
test_delete_comes_back_to_the_list(void)
{
	logged_in_with(false, one_job, 1, 1);
	(void)sent();
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 2);
	fm_termstate_key(&t, FM_KEY_DOWN, 0, 3);
	fm_termstate_key(&t, FM_KEY_DOWN, 0, 3);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 4);
	ASSERT_INT_EQ(sent(), FM_MSG_DELETE);
	ASSERT_INT_EQ(t.out.ids[0], 1);
	answer(FM_MSG_OK, 0, "Deleted 1 job.", 5);
	ASSERT_INT_EQ(sent(), FM_MSG_LIST);
	answer(FM_MSG_JOB_LIST, 0, NULL, 6);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_JOBS);
	ASSERT_UINT_EQ(t.njobs, 0);
	ASSERT_STR_EQ(t.notice, "Deleted 1 job.");
}

static void
test_inactivity_logs_out(void)
{
	logged_in_with(false, NULL, 0, 1000);
	(void)sent();
	fm_termstate_key(&t, FM_KEY_DOWN, 0, 2000);
	ASSERT_UINT_EQ(fm_termstate_next_deadline(&t), 62000);
	fm_termstate_tick(&t, 61999);
	ASSERT_TRUE(t.logged_in);
	fm_termstate_tick(&t, 62000);
	ASSERT_INT_EQ(sent(), FM_MSG_LOGOUT);
	ASSERT_FALSE(t.logged_in);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_IDLE);
}

static void
test_idle_timeout_below_the_servers(void)
{
	fm_termstate_init(&t, false, 60000, 5000);
	fm_proto_init(&m, FM_MSG_HELLO_OK);
	m.timeout = 30;
	fm_termstate_connected(&t, &m, 0);
	ASSERT_UINT_EQ(t.idle_ms, 29000);
}

static void
test_silent_server_is_dropped(void)
{
	start(false);
	tap(0);
	fm_termstate_tick(&t, FM_TERMSTATE_REPLY_MS - 1);
	ASSERT_FALSE(t.drop);
	fm_termstate_tick(&t, FM_TERMSTATE_REPLY_MS);
	ASSERT_TRUE(t.drop);
	fm_termstate_disconnected(&t, FM_TERMSTATE_REPLY_MS);
	ASSERT_FALSE(t.connected);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_NOTICE);
	ASSERT_INT_EQ(t.pending, FM_REQ_NONE);
	/* Disconnected, a tap says so and sends nothing. */
	fm_termstate_tick(&t, FM_TERMSTATE_REPLY_MS + t.notice_ms);
	fm_termstate_card(&t, alice_uid, sizeof(alice_uid), 100000);
	ASSERT_FALSE(t.send);
	ASSERT_STR_CONTAINS(t.notice, "unavailable");
}

static void
test_session_expired_by_the_server(void)
{
	logged_in_with(false, NULL, 0, 1);
	(void)sent();
	answer(FM_MSG_ERROR, FM_CODE_SESSION_EXPIRED,
	    "Logged out after inactivity.", 2);
	ASSERT_FALSE(t.logged_in);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_NOTICE);
}

static void
test_headless_releases_oldest_first(void)
{
	static const struct held jobs[] = {
	    {5, 300, 1}, {3, 100, 1}, {4, 200, 1}};

	logged_in_with(true, jobs, 3, 1);
	ASSERT_INT_EQ(sent(), FM_MSG_RELEASE);
	ASSERT_UINT_EQ(t.out.nids, 3);
	ASSERT_INT_EQ(t.out.ids[0], 3);
	ASSERT_INT_EQ(t.out.ids[1], 4);
	ASSERT_INT_EQ(t.out.ids[2], 5);
	/* Keys mean nothing headless. */
	fm_termstate_key(&t, FM_KEY_BACK, 0, 2);
	ASSERT_FALSE(t.send);
	progress(3, FM_STAGE_DONE, 0, 3);
	progress(4, FM_STAGE_FAILED, FM_CODE_OVER_QUOTA, 4);
	progress(5, FM_STAGE_DONE, 0, 5);
	answer(FM_MSG_OK, 0, NULL, 6);
	ASSERT_INT_EQ(t.outcome, FM_OUTCOME_RELEASED);
	ASSERT_UINT_EQ(t.outcome_count, 2);
	ASSERT_INT_EQ(sent(), FM_MSG_LOGOUT);
}

static void
test_headless_outcomes(void)
{
	/* Nothing held. */
	logged_in_with(true, NULL, 0, 1);
	ASSERT_INT_EQ(t.outcome, FM_OUTCOME_NOTHING);
	ASSERT_INT_EQ(sent(), FM_MSG_LOGOUT);
	/* Every job over quota. */
	logged_in_with(true, one_job, 1, 1);
	(void)sent();
	progress(1, FM_STAGE_FAILED, FM_CODE_OVER_QUOTA, 2);
	server(FM_MSG_OK, 3);
	ASSERT_INT_EQ(t.outcome, FM_OUTCOME_OVER_QUOTA);
	/* The printer refuses. */
	logged_in_with(true, one_job, 1, 1);
	(void)sent();
	answer(FM_MSG_ERROR, FM_CODE_PRINTER_ERROR, NULL, 2);
	ASSERT_INT_EQ(t.outcome, FM_OUTCOME_PRINTER_ERROR);
	/* A refused badge: test_badge_refused.  Any other answer to the
	 * tap is a denial too. */
	start(true);
	tap(1);
	m.code = FM_CODE_DISABLED;
	fm_termstate_message(&t, &m, 2); /* the HELLO_OK from start() */
	ASSERT_INT_EQ(t.outcome, FM_OUTCOME_DENIED);
	/* Server gone before, and during, a tap. */
	start(true);
	fm_termstate_disconnected(&t, 1);
	fm_termstate_card(&t, alice_uid, sizeof(alice_uid), 2);
	ASSERT_INT_EQ(t.outcome, FM_OUTCOME_SERVER_UNAVAILABLE);
	start(true);
	tap(1);
	fm_termstate_disconnected(&t, 2);
	ASSERT_INT_EQ(t.outcome, FM_OUTCOME_SERVER_UNAVAILABLE);
}

static void
test_bad_input_ignored(void)
{
	uint8_t big[FM_PROTO_UIDMAX + 1] = {0};

	start(false);
	fm_termstate_card(&t, big, sizeof(big), 1);
	fm_termstate_card(&t, big, 0, 1);
	ASSERT_FALSE(t.send);
	/* Control characters are not typed into names. */
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 2);
	fm_termstate_key(&t, FM_KEY_CHAR, '\033', 3);
	fm_termstate_key(&t, FM_KEY_CHAR, 0x7f, 3);
	ASSERT_STR_EQ(t.user_input, "");
	/* The name stops at its limit. */
	for (int i = 0; i < 200; i++)
		type_keys("x", 4);
	ASSERT_UINT_EQ(strlen(t.user_input), FM_TERMSTATE_USERMAX - 1);
	/* Messages nobody asked for change nothing. */
	start(false);
	server(FM_MSG_JOB_LIST, 5);
	server(FM_MSG_PROGRESS, 5);
	server(FM_MSG_OK, 5);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_IDLE);
	ASSERT_FALSE(t.send);
}

/* The list never shows a job whose pages are unknown as free. */
static void
test_cost_text(void)
{
	struct fm_proto_job j;
	char buf[32];

	start(false);
	memset(&j, 0, sizeof(j));
	j.cost = 250;
	ASSERT_STR_EQ(fm_termstate_cost_text(&t, &j, buf, sizeof(buf)), "2.50");
	j.cost_kind = FM_COST_UP_TO;
	ASSERT_STR_EQ(
	    fm_termstate_cost_text(&t, &j, buf, sizeof(buf)), "up to 2.50");
	j.cost_kind = FM_COST_NO_PRICE;
	ASSERT_STR_EQ(
	    fm_termstate_cost_text(&t, &j, buf, sizeof(buf)), "no price");
	j.cost_kind = FM_COST_COUNTING;
	ASSERT_STR_EQ(
	    fm_termstate_cost_text(&t, &j, buf, sizeof(buf)), "counting\u2026");
	/* In French, with the site's currency from the login. */
	fm_termstate_set_lang(&t, FM_LANG_FR);
	snprintf(t.currency, sizeof(t.currency), "EUR");
	j.cost_kind = FM_COST_ESTIMATE;
	ASSERT_STR_EQ(fm_termstate_cost_text(&t, &j, buf, sizeof(buf)),
	    "2,50\u00a0\u20ac");
	j.cost_kind = FM_COST_UP_TO;
	ASSERT_STR_EQ(fm_termstate_cost_text(&t, &j, buf, sizeof(buf)),
	    "max. 2,50\u00a0\u20ac");
	j.cost_kind = FM_COST_COUNTING;
	ASSERT_STR_EQ(
	    fm_termstate_cost_text(&t, &j, buf, sizeof(buf)), "comptage\u2026");
	fm_termstate_set_lang(&t, FM_LANG_EN);
}

/* A user who prefers French, at an English terminal: the screens switch
 * at the login and back at the logout (issue 15). */
static void
test_user_language(void)
{
	start(false);
	fm_termstate_set_lang(&t, FM_LANG_EN);
	tap(1);
	fm_proto_init(&m, FM_MSG_AUTH_OK);
	snprintf(m.user, sizeof(m.user), "alice");
	snprintf(m.language, sizeof(m.language), "fr");
	snprintf(m.currency, sizeof(m.currency), "EUR");
	m.balance = 500;
	fm_termstate_message(&t, &m, 2);
	ASSERT_INT_EQ(t.lang, FM_LANG_FR);
	ASSERT_INT_EQ(t.term_lang, FM_LANG_EN);
	ASSERT_STR_EQ(t.currency, "EUR");
	ASSERT_STR_EQ(t.busy_text, "Chargement de vos documents\u2026");
	ASSERT_INT_EQ(sent(), FM_MSG_LIST);
	/* The server's English is translated on the terminal: a fixed
	 * sentence through the catalog, one with numbers from its codes. */
	fm_proto_init(&m, FM_MSG_JOB_LIST);
	m.balance = 500;
	job(0, 7, 0, 1);
	fm_termstate_message(&t, &m, 3);
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 4);
	fm_termstate_key(&t, FM_KEY_CHAR, '1', 5);
	ASSERT_INT_EQ(sent(), FM_MSG_RELEASE);
	ASSERT_STR_EQ(t.lines[0].message, "En attente\u2026");
	fm_proto_init(&m, FM_MSG_PROGRESS);
	m.job_id = 7;
	m.stage = FM_STAGE_SENT;
	snprintf(m.message, sizeof(m.message), "Sent to the printer.");
	fm_termstate_message(&t, &m, 6);
	ASSERT_STR_EQ(t.lines[0].message,
	    "Envoy\u00e9 \u00e0 "
	    "l\u2019imprimante.");
	m.stage = FM_STAGE_DONE;
	m.pages = 3;
	m.charge = 30;
	snprintf(
	    m.message, sizeof(m.message), "3 page(s) printed, charged 0.30.");
	fm_termstate_message(&t, &m, 7);
	ASSERT_STR_EQ(t.lines[0].message,
	    "3 pages imprim\u00e9es, 0,30\u00a0\u20ac d\u00e9bit\u00e9.");
	answer(FM_MSG_OK, 0, "Printed 1 of 1 job(s).", 8);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_RESULT);
	ASSERT_INT_EQ(sent(), FM_MSG_LIST);
	fm_proto_init(&m, FM_MSG_JOB_LIST);
	m.balance = 470;
	fm_termstate_message(&t, &m, 8);
	/* Logged out: the terminal's own language again, no currency. */
	fm_termstate_key(&t, FM_KEY_ENTER, 0, 9);
	ASSERT_INT_EQ(t.screen, FM_SCREEN_IDLE);
	ASSERT_INT_EQ(t.lang, FM_LANG_EN);
	ASSERT_STR_EQ(t.currency, "");
	ASSERT_STR_EQ(_("Print"), "Print");
	ASSERT_INT_EQ(sent(), FM_MSG_LOGOUT);
	answer(FM_MSG_OK, 0, "Logged out.", 10);
	/* A language the terminal has no catalog for changes nothing. */
	tap(10);
	fm_proto_init(&m, FM_MSG_AUTH_OK);
	snprintf(m.user, sizeof(m.user), "bob");
	snprintf(m.language, sizeof(m.language), "de");
	fm_termstate_message(&t, &m, 11);
	ASSERT_INT_EQ(t.lang, FM_LANG_EN);
	ASSERT_STR_EQ(t.busy_text, "Loading your jobs...");
}

/* A French terminal translates the server's refusals. */
static void
test_french_terminal_translates_refusals(void)
{
	start(false);
	fm_termstate_set_lang(&t, FM_LANG_FR);
	tap(1);
	answer(FM_MSG_AUTH_FAIL, FM_CODE_DISABLED,
	    "Your account may not print here.", 2);
	ASSERT_STR_EQ(t.notice,
	    "Votre compte n\u2019est pas autoris\u00e9 \u00e0 imprimer ici.");
	tap(3);
	fm_proto_init(&m, FM_MSG_AUTH_FAIL);
	m.code = FM_CODE_LOCKED_OUT;
	m.retry_after = 120;
	snprintf(m.message, sizeof(m.message),
	    "Too many failed attempts. Try again in 2 minute(s) or ask "
	    "your administrator.");
	fm_termstate_message(&t, &m, 4);
	ASSERT_STR_EQ(t.notice,
	    "Trop de tentatives \u00e9chou\u00e9es. "
	    "R\u00e9essayez dans 120 secondes.");
	/* English the catalog does not know is shown rather than lost. */
	tap(5);
	answer(FM_MSG_AUTH_FAIL, FM_CODE_INTERNAL, "Something new.", 6);
	ASSERT_STR_EQ(t.notice,
	    "Le serveur d\u2019impression a refus\u00e9. Veuillez "
	    "r\u00e9essayer.");
	fm_termstate_set_lang(&t, FM_LANG_EN);
}

int
main(void)
{
	const char *dir = getenv("FM_TEST_LOCALEDIR");

	/* The catalog built from po/fr.po. */
	if (dir != NULL)
		bindtextdomain(FM_I18N_DOMAIN, dir);
	else
		fm_i18n_bind();
	bind_textdomain_codeset(FM_I18N_DOMAIN, "UTF-8");
	RUN(test_badge_list_release_result_logout);
	RUN(test_result_shows_the_new_balance);
	RUN(test_pin_login_wipes_the_pin);
	RUN(test_badge_refused);
	RUN(test_unknown_badge_is_linked_after_login);
	RUN(test_badge_with_pin_policy);
	RUN(test_options_only_lower);
	RUN(test_delete_comes_back_to_the_list);
	RUN(test_inactivity_logs_out);
	RUN(test_idle_timeout_below_the_servers);
	RUN(test_silent_server_is_dropped);
	RUN(test_session_expired_by_the_server);
	RUN(test_headless_releases_oldest_first);
	RUN(test_headless_outcomes);
	RUN(test_bad_input_ignored);
	RUN(test_cost_text);
	RUN(test_user_language);
	RUN(test_french_terminal_translates_refusals);
	return harness_done();
}
