/*
 * termstate.h - what a release terminal shows and asks, as a pure state
 * machine: no sockets, no curses, no clock of its own.
 *
 * followme-terminal feeds it events (a key, a badge, a server message,
 * the connection coming or going, the time) and after each call looks at
 * three outputs:
 *   send     a request to send to followmed (out), then clear it;
 *   outcome  (headless) what the last tap ended in, for a feedback
 *            command, then set it back to FM_OUTCOME_NONE;
 *   drop     the server stopped answering: close the connection.
 * The screen is drawn from the state (termdraw.h).  At most one request
 * is in flight; the server answers each in turn.
 *
 * Screen flow: IDLE -> (badge) BUSY -> JOBS, or IDLE -> (Enter) USER ->
 * PIN -> BUSY -> JOBS; JOBS -> ACTIONS -> print | OPTIONS -> PROGRESS ->
 * RESULT -> logout -> IDLE; delete and extend come back to JOBS.  An
 * unknown badge leads to ASSOCIATE -> USER -> PIN -> the badge is linked.
 * Inactivity logs out; a message the user must read is a NOTICE.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TERMSTATE_H
#define FM_TERMSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/i18n.h"
#include "proto/proto.h"
#include "terminal/termconf.h"

enum fm_termstate_screen {
	FM_SCREEN_IDLE,      /* tap your badge or press Enter */
	FM_SCREEN_USER,      /* typing a user name */
	FM_SCREEN_PIN,       /* typing the PIN for that user */
	FM_SCREEN_BADGE_PIN, /* the site wants a PIN with the badge */
	FM_SCREEN_ASSOCIATE, /* unknown badge: link it after a login? */
	FM_SCREEN_BUSY,      /* waiting for the server */
	FM_SCREEN_JOBS,      /* the user's held jobs */
	FM_SCREEN_ACTIONS,   /* print, options, delete, keep longer */
	FM_SCREEN_OPTIONS,   /* copies, two-sided, black & white */
	FM_SCREEN_PROGRESS,  /* a release under way */
	FM_SCREEN_RESULT,    /* what printed and what it cost */
	FM_SCREEN_NOTICE,    /* a message, then back to idle */
};

enum fm_termstate_key {
	FM_KEY_CHAR, /* a printable character (ch) */
	FM_KEY_UP,
	FM_KEY_DOWN,
	FM_KEY_LEFT,
	FM_KEY_RIGHT,
	FM_KEY_ENTER,
	FM_KEY_BACK, /* Backspace, Escape: one step back */
};

/* Items of the ACTIONS menu, in order. */
enum fm_termstate_action {
	FM_ACTION_PRINT,
	FM_ACTION_OPTIONS,
	FM_ACTION_DELETE,
	FM_ACTION_EXTEND,
	FM_ACTION_COUNT
};

/* Rows of the OPTIONS screen, in order. */
enum fm_termstate_option {
	FM_OPTION_COPIES,
	FM_OPTION_DUPLEX,
	FM_OPTION_GRAY,
	FM_OPTION_PRINT,
	FM_OPTION_COUNT
};

enum fm_termstate_request {
	FM_REQ_NONE,
	FM_REQ_AUTH,
	FM_REQ_ASSOCIATE,
	FM_REQ_LIST,
	FM_REQ_RELEASE,
	FM_REQ_DELETE,
	FM_REQ_EXTEND,
	FM_REQ_LOGOUT,
	FM_REQ_REFRESH, /* a LIST for the balance after a release */
};

#define FM_TERMSTATE_USERMAX 64

/* One job of a release as it goes. */
struct fm_termstate_line {
	int64_t job_id;
	char title[FM_PROTO_TEXTMAX];
	uint32_t stage; /* enum fm_proto_stage, 0 = not started */
	uint32_t pages, code;
	int64_t charge;
	char message[FM_PROTO_TEXTMAX];
};

struct fm_termstate {
	/* Settings (fm_termstate_init; has_reader may be cleared after). */
	bool headless;
	bool has_reader; /* a badge reader is configured: badges are offered */
	uint64_t idle_ms, result_ms, notice_ms;

	/* Languages: the terminal's (terminal.conf), and the one shown now
	 * (the logged-in user's preferred language, else the terminal's). */
	enum fm_i18n_lang term_lang, lang;
	char currency[8]; /* the site's, from the login; "" = unknown */

	/* The world as the terminal knows it. */
	bool connected, reader_ok;
	char terminal[FM_PROTO_TEXTMAX], printer[FM_PROTO_TEXTMAX];

	enum fm_termstate_screen screen;
	enum fm_termstate_request pending;
	uint64_t deadline;       /* screen timeout (ms), 0 = none */
	uint64_t reply_deadline; /* for pending, 0 = none */
	char busy_text[FM_PROTO_TEXTMAX];
	char notice[FM_PROTO_TEXTMAX]; /* a line for the user */

	/* Login. */
	char user_input[FM_TERMSTATE_USERMAX];
	char pin[FM_PROTO_SECRETMAX]; /* wiped as soon as it is sent */
	size_t pin_len;
	uint8_t uid[FM_PROTO_UIDMAX]; /* the badge being used or linked */
	size_t uid_len;
	bool associating;
	enum fm_proto_type auth_kind; /* the login last sent */

	/* The session. */
	bool logged_in;
	char user[FM_PROTO_TEXTMAX], full_name[FM_PROTO_TEXTMAX];
	int64_t balance;
	struct fm_proto_job jobs[FM_PROTO_MAXJOBS];
	size_t njobs;
	bool more_jobs;
	bool marked[FM_PROTO_MAXJOBS];
	size_t cursor;
	unsigned menu;               /* ACTIONS or OPTIONS row */
	uint32_t copies, max_copies; /* OPTIONS */
	bool duplex, gray;           /* OPTIONS */
	struct fm_termstate_line lines[FM_PROTO_MAXJOBS]; /* PROGRESS */
	size_t nlines;
	unsigned printed, over_quota, failed; /* of the last release */
	uint32_t pages_printed;
	int64_t charged;
	char result[FM_PROTO_TEXTMAX]; /* the server's closing message */

	/* Outputs. */
	bool send;
	struct fm_proto_msg out;
	enum fm_term_outcome outcome;
	unsigned outcome_count;
	bool drop;
};

/* How long the server may take to answer (ms); a release resets it with
 * every progress report. */
#define FM_TERMSTATE_REPLY_MS 30000
#define FM_TERMSTATE_RELEASE_MS 600000

/* 'fm_termstate_init()' - set t up, idle and disconnected; times in
 * milliseconds. */
void fm_termstate_init(struct fm_termstate *t, bool headless, uint64_t idle_ms,
    uint64_t result_ms);

/*
 * 'fm_termstate_set_lang()' - the terminal's language, shown from now on
 * and again after each user who preferred another logs out.  Switches
 * this process's messages (fm_i18n_set_lang()).
 */
void fm_termstate_set_lang(struct fm_termstate *t, enum fm_i18n_lang lang);

/*
 * 'fm_termstate_money()' - amount in the site's currency as the shown
 * language writes it, into buf (FM_I18N_MONEYMAX bytes).  Returns buf.
 */
const char *fm_termstate_money(
    const struct fm_termstate *t, int64_t amount, char *buf, size_t size);

/* 'fm_termstate_connected()' - the connection is up: hello_ok is the server's
 * HELLO_OK. */
void fm_termstate_connected(
    struct fm_termstate *t, const struct fm_proto_msg *hello_ok, uint64_t now);

/* 'fm_termstate_disconnected()' - the connection is gone; any session with it.
 */
void fm_termstate_disconnected(struct fm_termstate *t, uint64_t now);

/* 'fm_termstate_reader()' - the badge reader works (true) or is unavailable
 * (false). */
void fm_termstate_reader(struct fm_termstate *t, bool ok);

/* 'fm_termstate_card()' - a badge was tapped: its UID bytes (1 to
 * FM_PROTO_UIDMAX). */
void fm_termstate_card(
    struct fm_termstate *t, const uint8_t *uid, size_t len, uint64_t now);

/* 'fm_termstate_key()' - a key; ch is the character for FM_KEY_CHAR. */
void fm_termstate_key(
    struct fm_termstate *t, enum fm_termstate_key key, int ch, uint64_t now);

/* 'fm_termstate_message()' - a message from the server. */
void fm_termstate_message(
    struct fm_termstate *t, const struct fm_proto_msg *m, uint64_t now);

/* 'fm_termstate_tick()' - time passed: screen and reply timeouts. */
void fm_termstate_tick(struct fm_termstate *t, uint64_t now);

/* 'fm_termstate_next_deadline()' - the earliest time fm_termstate_tick() has
 * work to do, 0 if none. */
uint64_t fm_termstate_next_deadline(const struct fm_termstate *t);

/* 'fm_termstate_selected()' - how many jobs an action applies to: the marked
 * ones, or the one under the cursor. */
size_t fm_termstate_selected(const struct fm_termstate *t);

/* 'fm_termstate_wipe()' - wipe the PIN and the outgoing message. */
void fm_termstate_wipe(struct fm_termstate *t);

/*
 * 'fm_termstate_cost_text()' - what the job list shows as job j's cost,
 * into buf (size bytes, NUL-terminated): the amount ("2.50"), "up to
 * 2.50" for a job whose pages are unknown (what a release sets aside:
 * never read as free), or "no price" for one this printer would refuse;
 * in the shown language and the site's currency.  Returns buf.
 */
const char *fm_termstate_cost_text(const struct fm_termstate *t,
    const struct fm_proto_job *j, char *buf, size_t size);

#endif
