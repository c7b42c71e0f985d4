/*
 * termstate.c - the release terminal's screens and requests.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "terminal/termstate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/aead.h"
#include "common/i18n.h"

#define NOTICE_MS 4000

void
fm_termstate_init(
    struct fm_termstate *t, bool headless, uint64_t idle_ms, uint64_t result_ms)
{
	memset(t, 0, sizeof(*t));
	t->headless = headless;
	t->idle_ms = idle_ms;
	t->result_ms = result_ms;
	t->notice_ms = NOTICE_MS;
	t->reader_ok = true;
	t->has_reader = true;
	t->screen = FM_SCREEN_IDLE;
	t->term_lang = t->lang = FM_LANG_EN;
}

void
fm_termstate_set_lang(struct fm_termstate *t, enum fm_i18n_lang lang)
{
	t->term_lang = t->lang = lang;
	fm_i18n_set_lang(lang);
}

/* Shows lang from now on (a user logged in, or out). */
static void
show_lang(struct fm_termstate *t, enum fm_i18n_lang lang)
{
	if (t->lang == lang)
		return;
	t->lang = lang;
	fm_i18n_set_lang(lang);
}

const char *
fm_termstate_money(
    const struct fm_termstate *t, int64_t amount, char *buf, size_t size)
{
	return fm_i18n_money(amount, t->currency, t->lang, buf, size);
}

void
fm_termstate_wipe(struct fm_termstate *t)
{
	fm_wipe(t->pin, sizeof(t->pin));
	t->pin_len = 0;
	fm_proto_wipe(&t->out);
}

static void
request(struct fm_termstate *t, enum fm_proto_type type,
    enum fm_termstate_request req, uint64_t now)
{
	fm_proto_init(&t->out, type);
	t->send = true;
	t->pending = req;
	t->reply_deadline = now +
	    (req == FM_REQ_RELEASE ? FM_TERMSTATE_RELEASE_MS
	                           : FM_TERMSTATE_REPLY_MS);
}

static void
busy(struct fm_termstate *t, const char *text)
{
	t->screen = FM_SCREEN_BUSY;
	t->deadline = 0;
	snprintf(t->busy_text, sizeof(t->busy_text), "%s", text);
}

static void
forget_login(struct fm_termstate *t)
{
	fm_wipe(t->pin, sizeof(t->pin));
	t->pin_len = 0;
	t->user_input[0] = '\0';
	t->uid_len = 0;
	t->associating = false;
}

/* Back to the idle screen, forgetting the user. */
static void
go_idle(struct fm_termstate *t)
{
	forget_login(t);
	t->logged_in = false;
	t->user[0] = t->full_name[0] = '\0';
	t->balance = 0;
	t->njobs = 0;
	t->nlines = 0;
	t->cursor = 0;
	memset(t->marked, 0, sizeof(t->marked));
	t->screen = FM_SCREEN_IDLE;
	t->deadline = 0;
	/* The next person reads the terminal's language. */
	t->currency[0] = '\0';
	show_lang(t, t->term_lang);
}

static void
notice(struct fm_termstate *t, const char *text, uint64_t now)
{
	go_idle(t);
	snprintf(t->notice, sizeof(t->notice), "%s", text);
	t->screen = FM_SCREEN_NOTICE;
	t->deadline = now + t->notice_ms;
}

/* Ends the session at the server too (when connected). */
static void
logout(struct fm_termstate *t, uint64_t now)
{
	bool was = t->logged_in;

	go_idle(t);
	t->notice[0] = '\0';
	if (was && t->connected)
		request(t, FM_MSG_LOGOUT, FM_REQ_LOGOUT, now);
}

static void
outcome(struct fm_termstate *t, enum fm_term_outcome o, unsigned count)
{
	if (!t->headless)
		return;
	t->outcome = o;
	t->outcome_count = count;
}

/* Screens waiting for the user, who is logged out after idle_ms. */
static bool
waits_for_user(enum fm_termstate_screen screen)
{
	switch (screen) {
	case FM_SCREEN_USER:
	case FM_SCREEN_PIN:
	case FM_SCREEN_BADGE_PIN:
	case FM_SCREEN_ASSOCIATE:
	case FM_SCREEN_JOBS:
	case FM_SCREEN_ACTIONS:
	case FM_SCREEN_OPTIONS:
		return true;
	default:
		return false;
	}
}

static void
touch(struct fm_termstate *t, uint64_t now)
{
	if (waits_for_user(t->screen))
		t->deadline = now + t->idle_ms;
}

static void
show(struct fm_termstate *t, enum fm_termstate_screen screen, uint64_t now)
{
	t->screen = screen;
	t->deadline = 0;
	touch(t, now);
}

void
fm_termstate_connected(
    struct fm_termstate *t, const struct fm_proto_msg *hello_ok, uint64_t now)
{
	uint64_t server_ms = (uint64_t)hello_ok->timeout * 1000;

	(void)now;
	/* Log out before the server does, so the user never acts on a
	 * session that is already gone. */
	if (server_ms > 2000 && t->idle_ms + 1000 > server_ms)
		t->idle_ms = server_ms - 1000;
	t->connected = true;
	t->drop = false;
	snprintf(t->terminal, sizeof(t->terminal), "%s", hello_ok->terminal);
	snprintf(t->printer, sizeof(t->printer), "%s", hello_ok->printer);
}

void
fm_termstate_disconnected(struct fm_termstate *t, uint64_t now)
{
	bool in_use = t->logged_in ||
	    (t->pending != FM_REQ_NONE && t->pending != FM_REQ_LOGOUT);

	t->connected = false;
	t->drop = false;
	t->send = false;
	fm_proto_wipe(&t->out);
	if (t->pending != FM_REQ_NONE && t->pending != FM_REQ_LOGOUT)
		outcome(t, FM_OUTCOME_SERVER_UNAVAILABLE, 0);
	t->pending = FM_REQ_NONE;
	t->reply_deadline = 0;
	if (in_use)
		notice(t,
		    _("The connection to the print server was lost. Your "
		      "jobs are safe; please try again in a moment."),
		    now);
}

void
fm_termstate_reader(struct fm_termstate *t, bool ok)
{
	t->reader_ok = ok;
}

static void
auth_badge(struct fm_termstate *t, uint64_t now)
{
	request(t, FM_MSG_AUTH_BADGE, FM_REQ_AUTH, now);
	t->auth_kind = FM_MSG_AUTH_BADGE;
	memcpy(t->out.uid, t->uid, t->uid_len);
	t->out.uid_len = t->uid_len;
	busy(t, _("Checking your badge..."));
}

void
fm_termstate_card(
    struct fm_termstate *t, const uint8_t *uid, size_t len, uint64_t now)
{
	if (len == 0 || len > FM_PROTO_UIDMAX || t->pending != FM_REQ_NONE)
		return;
	/* A tap counts on the idle screens, and in the middle of typing a
	 * user name (the user found their badge); a logged-in user's
	 * taps, and taps while linking a badge, are ignored. */
	switch (t->screen) {
	case FM_SCREEN_IDLE:
	case FM_SCREEN_NOTICE:
		break;
	case FM_SCREEN_USER:
	case FM_SCREEN_PIN:
	case FM_SCREEN_BADGE_PIN:
		if (t->associating)
			return;
		break;
	default:
		return;
	}
	if (!t->connected) {
		outcome(t, FM_OUTCOME_SERVER_UNAVAILABLE, 0);
		notice(t,
		    _("The print server is unavailable. Please try again in a "
		      "moment."),
		    now);
		return;
	}
	go_idle(t);
	t->notice[0] = '\0';
	memcpy(t->uid, uid, len);
	t->uid_len = len;
	auth_badge(t, now);
}

/* Appends a printable ASCII character to a field of size bytes. */
static bool
append(char *field, size_t *len, size_t size, int ch)
{
	if (ch < 0x21 || ch > 0x7e || *len + 1 >= size)
		return false;
	field[(*len)++] = (char)ch;
	field[*len] = '\0';
	return true;
}

static void
start_login(struct fm_termstate *t, int ch, uint64_t now)
{
	size_t n = 0;

	if (!t->connected) {
		notice(t,
		    _("The print server is unavailable. Please try again in a "
		      "moment."),
		    now);
		return;
	}
	t->notice[0] = '\0';
	t->user_input[0] = '\0';
	if (ch != 0)
		append(t->user_input, &n, sizeof(t->user_input), ch);
	show(t, FM_SCREEN_USER, now);
}

static void
send_pin(struct fm_termstate *t, uint64_t now)
{
	if (t->screen == FM_SCREEN_BADGE_PIN) {
		request(t, FM_MSG_AUTH_BADGE_PIN, FM_REQ_AUTH, now);
		t->auth_kind = FM_MSG_AUTH_BADGE_PIN;
		memcpy(t->out.uid, t->uid, t->uid_len);
		t->out.uid_len = t->uid_len;
	} else {
		request(t, FM_MSG_AUTH_PIN, FM_REQ_AUTH, now);
		t->auth_kind = FM_MSG_AUTH_PIN;
		snprintf(t->out.user, sizeof(t->out.user), "%s", t->user_input);
	}
	memcpy(t->out.secret, t->pin, t->pin_len);
	fm_wipe(t->pin, sizeof(t->pin));
	t->pin_len = 0;
	busy(t, _("Checking..."));
}

static void
key_login(
    struct fm_termstate *t, enum fm_termstate_key key, int ch, uint64_t now)
{
	size_t n = strlen(t->user_input);

	if (t->screen == FM_SCREEN_USER) {
		if (key == FM_KEY_CHAR)
			append(t->user_input, &n, sizeof(t->user_input), ch);
		else if (key == FM_KEY_BACK && n > 0)
			t->user_input[n - 1] = '\0';
		else if (key == FM_KEY_BACK)
			go_idle(t);
		else if (key == FM_KEY_ENTER && n > 0)
			show(t, FM_SCREEN_PIN, now);
		return;
	}
	/* PIN or BADGE_PIN */
	if (key == FM_KEY_CHAR)
		append(t->pin, &t->pin_len, sizeof(t->pin), ch);
	else if (key == FM_KEY_BACK && t->pin_len > 0)
		t->pin[--t->pin_len] = '\0';
	else if (key == FM_KEY_BACK && t->screen == FM_SCREEN_PIN)
		show(t, FM_SCREEN_USER, now);
	else if (key == FM_KEY_BACK)
		go_idle(t);
	else if (key == FM_KEY_ENTER && t->pin_len > 0)
		send_pin(t, now);
}

size_t
fm_termstate_selected(const struct fm_termstate *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->njobs; i++)
		n += t->marked[i];
	return n > 0 ? n : t->njobs > 0;
}

/* The chosen jobs' ids into m (if not NULL); returns the most copies
 * any of them was submitted with. */
static uint32_t
chosen_ids(const struct fm_termstate *t, struct fm_proto_msg *m)
{
	bool any_marked = false;
	uint32_t copies = 1;

	for (size_t i = 0; i < t->njobs; i++)
		any_marked = any_marked || t->marked[i];
	if (m != NULL)
		m->nids = 0;
	for (size_t i = 0; i < t->njobs && i < FM_PROTO_MAXIDS; i++) {
		if (any_marked ? !t->marked[i] : i != t->cursor)
			continue;
		if (m != NULL)
			m->ids[m->nids++] = t->jobs[i].id;
		if (t->jobs[i].copies > copies)
			copies = t->jobs[i].copies;
	}
	return copies;
}

/* The progress lines of a release, titles from the list. */
static void
start_release(struct fm_termstate *t, uint64_t now)
{
	request(t, FM_MSG_RELEASE, FM_REQ_RELEASE, now);
	chosen_ids(t, &t->out);
	if (t->copies < t->max_copies)
		t->out.copies = t->copies;
	t->out.force_duplex = t->duplex;
	t->out.force_gray = t->gray;
	t->nlines = 0;
	for (size_t i = 0; i < t->out.nids; i++) {
		struct fm_termstate_line *l = &t->lines[t->nlines++];

		memset(l, 0, sizeof(*l));
		l->job_id = t->out.ids[i];
		for (size_t j = 0; j < t->njobs; j++)
			if (t->jobs[j].id == l->job_id)
				memcpy(l->title, t->jobs[j].title,
				    sizeof(l->title));
		snprintf(l->message, sizeof(l->message), "%s", _("Waiting..."));
	}
	t->printed = t->over_quota = t->failed = 0;
	t->pages_printed = 0;
	t->charged = 0;
	t->result[0] = '\0';
	t->screen = FM_SCREEN_PROGRESS;
	t->deadline = 0;
}

static void
key_jobs(
    struct fm_termstate *t, enum fm_termstate_key key, int ch, uint64_t now)
{
	bool all;

	if (key == FM_KEY_BACK || (t->njobs == 0 && key == FM_KEY_ENTER)) {
		logout(t, now);
		return;
	}
	if (t->njobs == 0)
		return;
	t->notice[0] = '\0';
	/* A numeric keypad with Num Lock on sends digits, not arrows: 8 and
	 * 2 move as its arrow legends say, 5 marks. */
	if (key == FM_KEY_CHAR && (ch == '8' || ch == '2' || ch == '5')) {
		key = ch == '8' ? FM_KEY_UP
		    : ch == '2' ? FM_KEY_DOWN
		                : FM_KEY_CHAR;
		ch = ch == '5' ? '*' : 0;
	}
	switch (key) {
	case FM_KEY_UP:
		if (t->cursor > 0)
			t->cursor--;
		break;
	case FM_KEY_DOWN:
		if (t->cursor + 1 < t->njobs)
			t->cursor++;
		break;
	case FM_KEY_ENTER:
		t->menu = FM_ACTION_PRINT;
		show(t, FM_SCREEN_ACTIONS, now);
		break;
	case FM_KEY_CHAR:
		if (ch == '*' || ch == ' ' || ch == '.') {
			t->marked[t->cursor] = !t->marked[t->cursor];
		} else if (ch == '+') {
			/* Mark all, or unmark all when all are marked. */
			all = true;
			for (size_t i = 0; i < t->njobs; i++)
				all = all && t->marked[i];
			for (size_t i = 0; i < t->njobs; i++)
				t->marked[i] = !all;
		}
		break;
	default:
		break;
	}
}

static void
choose_action(struct fm_termstate *t, unsigned action, uint64_t now)
{
	switch (action) {
	case FM_ACTION_PRINT:
		t->copies = t->max_copies = 0;
		t->duplex = t->gray = false;
		start_release(t, now);
		break;
	case FM_ACTION_OPTIONS:
		t->copies = t->max_copies = chosen_ids(t, NULL);
		t->duplex = t->gray = false;
		t->menu = FM_OPTION_COPIES;
		show(t, FM_SCREEN_OPTIONS, now);
		break;
	case FM_ACTION_DELETE:
	case FM_ACTION_EXTEND:
		request(t,
		    action == FM_ACTION_DELETE ? FM_MSG_DELETE : FM_MSG_EXTEND,
		    action == FM_ACTION_DELETE ? FM_REQ_DELETE : FM_REQ_EXTEND,
		    now);
		chosen_ids(t, &t->out);
		busy(t,
		    action == FM_ACTION_DELETE ? _("Deleting...")
		                               : _("Keeping longer..."));
		break;
	default:
		break;
	}
}

static void
key_actions(
    struct fm_termstate *t, enum fm_termstate_key key, int ch, uint64_t now)
{
	if (key == FM_KEY_BACK)
		show(t, FM_SCREEN_JOBS, now);
	else if (key == FM_KEY_UP && t->menu > 0)
		t->menu--;
	else if (key == FM_KEY_DOWN && t->menu + 1 < FM_ACTION_COUNT)
		t->menu++;
	else if (key == FM_KEY_ENTER)
		choose_action(t, t->menu, now);
	else if (key == FM_KEY_CHAR && ch >= '1' && ch < '1' + FM_ACTION_COUNT)
		choose_action(t, (unsigned)(ch - '1'), now);
}

static void
key_options(
    struct fm_termstate *t, enum fm_termstate_key key, int ch, uint64_t now)
{
	bool on_copies = t->menu == FM_OPTION_COPIES;

	if (key == FM_KEY_BACK) {
		show(t, FM_SCREEN_ACTIONS, now);
	} else if (key == FM_KEY_UP && t->menu > 0) {
		t->menu--;
	} else if (key == FM_KEY_DOWN && t->menu + 1 < FM_OPTION_COUNT) {
		t->menu++;
	} else if (on_copies &&
	    (key == FM_KEY_LEFT || (key == FM_KEY_CHAR && ch == '-'))) {
		if (t->copies > 1)
			t->copies--;
	} else if (on_copies &&
	    (key == FM_KEY_RIGHT || (key == FM_KEY_CHAR && ch == '+'))) {
		/* Only ever fewer copies than were submitted. */
		if (t->copies < t->max_copies)
			t->copies++;
	} else if (on_copies && key == FM_KEY_CHAR && ch >= '1' && ch <= '9') {
		if ((uint32_t)(ch - '0') <= t->max_copies)
			t->copies = (uint32_t)(ch - '0');
	} else if (key == FM_KEY_ENTER && t->menu == FM_OPTION_DUPLEX) {
		t->duplex = !t->duplex;
	} else if (key == FM_KEY_ENTER && t->menu == FM_OPTION_GRAY) {
		t->gray = !t->gray;
	} else if (key == FM_KEY_ENTER) {
		start_release(t, now);
	}
}

void
fm_termstate_key(
    struct fm_termstate *t, enum fm_termstate_key key, int ch, uint64_t now)
{
	if (t->headless || t->pending != FM_REQ_NONE)
		return;
	switch (t->screen) {
	case FM_SCREEN_IDLE:
		if (key == FM_KEY_ENTER)
			start_login(t, 0, now);
		else if (key == FM_KEY_CHAR)
			start_login(t, ch, now);
		break;
	case FM_SCREEN_NOTICE:
		go_idle(t);
		t->notice[0] = '\0';
		break;
	case FM_SCREEN_USER:
	case FM_SCREEN_PIN:
	case FM_SCREEN_BADGE_PIN:
		key_login(t, key, ch, now);
		break;
	case FM_SCREEN_ASSOCIATE:
		if (key == FM_KEY_ENTER) {
			t->associating = true;
			t->user_input[0] = '\0';
			show(t, FM_SCREEN_USER, now);
		} else if (key == FM_KEY_BACK) {
			go_idle(t);
		}
		break;
	case FM_SCREEN_JOBS:
		key_jobs(t, key, ch, now);
		break;
	case FM_SCREEN_ACTIONS:
		key_actions(t, key, ch, now);
		break;
	case FM_SCREEN_OPTIONS:
		key_options(t, key, ch, now);
		break;
	case FM_SCREEN_RESULT:
		logout(t, now);
		break;
	case FM_SCREEN_BUSY:
	case FM_SCREEN_PROGRESS:
		break;
	}
	touch(t, now);
}

static void
list(struct fm_termstate *t, uint64_t now)
{
	request(t, FM_MSG_LIST, FM_REQ_LIST, now);
	busy(t, _("Loading your jobs..."));
}

/* Headless: every held job, oldest first, in one request. */
static int
by_age(const void *a, const void *b)
{
	const struct fm_proto_job *x = a, *y = b;

	if (x->created_at != y->created_at)
		return x->created_at < y->created_at ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void
got_list(struct fm_termstate *t, const struct fm_proto_msg *m, uint64_t now)
{
	t->njobs = m->njobs;
	memcpy(t->jobs, m->jobs, m->njobs * sizeof(m->jobs[0]));
	t->more_jobs = m->more_jobs;
	t->balance = m->balance;
	memset(t->marked, 0, sizeof(t->marked));
	if (t->cursor >= t->njobs)
		t->cursor = t->njobs > 0 ? t->njobs - 1 : 0;
	if (!t->headless) {
		show(t, FM_SCREEN_JOBS, now);
		return;
	}
	if (t->njobs == 0) {
		outcome(t, FM_OUTCOME_NOTHING, 0);
		logout(t, now);
		return;
	}
	qsort(t->jobs, t->njobs, sizeof(t->jobs[0]), by_age);
	for (size_t i = 0; i < t->njobs; i++)
		t->marked[i] = true;
	t->copies = t->max_copies = 0;
	t->duplex = t->gray = false;
	start_release(t, now);
}

/*
 * What the user reads of server message m, an answer to req, into buf.
 * The server writes English (it serves terminals in every language, and
 * its session runs confined, without catalogs); in English that text is
 * shown as it is.  Otherwise the terminal translates: the server's fixed
 * sentences are msgids of the same catalog, and a sentence with numbers
 * in it is rewritten from the message's codes and numbers (stage, code,
 * pages, charge, retry_after).  Text the terminal cannot translate is
 * shown in English rather than not at all.
 */
static void
server_text(const struct fm_termstate *t, const struct fm_proto_msg *m,
    enum fm_termstate_request req, char *buf, size_t size)
{
	const char *tr;
	char money[FM_I18N_MONEYMAX];

	if (t->lang == FM_LANG_EN || m->message[0] == '\0') {
		snprintf(buf, size, "%s", m->message);
		return;
	}
	tr = dgettext(FM_I18N_DOMAIN, m->message);
	if (tr != m->message) {
		snprintf(buf, size, "%s", tr);
		return;
	}
	if (m->type == FM_MSG_AUTH_FAIL && m->code == FM_CODE_LOCKED_OUT &&
	    m->retry_after > 0) {
		snprintf(buf, size,
		    P_("Too many failed attempts. Try again in %u second.",
		        "Too many failed attempts. Try again in %u seconds.",
		        m->retry_after),
		    m->retry_after);
	} else if (m->type == FM_MSG_PROGRESS && m->stage == FM_STAGE_DONE) {
		fm_termstate_money(t, m->charge, money, sizeof(money));
		if (m->pages > 0)
			snprintf(buf, size,
			    P_("%u page printed, charged %s.",
			        "%u pages printed, charged %s.", m->pages),
			    m->pages, money);
		else
			snprintf(buf, size, _("Printed, charged %s."), money);
	} else if (m->type == FM_MSG_PROGRESS && m->stage == FM_STAGE_FAILED &&
	    m->code == FM_CODE_OVER_QUOTA) {
		snprintf(buf, size, "%s",
		    _("Not printed: your balance is too low."));
	} else if (m->type == FM_MSG_PROGRESS && m->stage == FM_STAGE_FAILED) {
		snprintf(
		    buf, size, "%s", _("Not printed. The job is still held."));
	} else if (m->type == FM_MSG_PROGRESS &&
	    m->stage == FM_STAGE_RESERVED) {
		snprintf(buf, size, "%s", _("Preparing..."));
	} else if (m->type == FM_MSG_OK && req == FM_REQ_DELETE) {
		snprintf(buf, size, "%s", _("Deleted."));
	} else if (m->type == FM_MSG_OK && req == FM_REQ_EXTEND) {
		snprintf(buf, size, "%s", _("Kept longer."));
	} else if (m->type == FM_MSG_ERROR && m->code == FM_CODE_VERSION) {
		snprintf(buf, size, "%s",
		    _("This terminal and the print server do not speak the "
		      "same protocol."));
	} else if (m->type == FM_MSG_ERROR || m->type == FM_MSG_AUTH_FAIL) {
		snprintf(buf, size, "%s",
		    _("The print server refused. Please try again."));
	} else {
		snprintf(buf, size, "%s", m->message);
	}
}

static void
got_auth_fail(
    struct fm_termstate *t, const struct fm_proto_msg *m, uint64_t now)
{
	char text[FM_PROTO_TEXTMAX], said[FM_PROTO_TEXTMAX];
	bool badge_only = t->auth_kind == FM_MSG_AUTH_BADGE;

	if (m->code == FM_CODE_UNKNOWN_BADGE && badge_only) {
		outcome(t, FM_OUTCOME_UNKNOWN_BADGE, 0);
		if (t->headless) {
			go_idle(t);
			return;
		}
		show(t, FM_SCREEN_ASSOCIATE, now);
		return;
	}
	/* The site wants a PIN with the badge (badge_needs_pin). */
	if (m->code == FM_CODE_BAD_CREDENTIALS && badge_only && !t->headless) {
		server_text(t, m, FM_REQ_AUTH, t->notice, sizeof(t->notice));
		show(t, FM_SCREEN_BADGE_PIN, now);
		return;
	}
	outcome(t, FM_OUTCOME_DENIED, 0);
	server_text(t, m, FM_REQ_AUTH, said, sizeof(said));
	/* A translated lockout already says when to try again. */
	if (m->retry_after > 0 && t->lang == FM_LANG_EN)
		snprintf(text, sizeof(text), "%.200s Try again in %u s.", said,
		    m->retry_after);
	else
		snprintf(text, sizeof(text), "%s", said);
	notice(t, text, now);
}

static void
got_auth(struct fm_termstate *t, const struct fm_proto_msg *m, uint64_t now)
{
	char text[FM_PROTO_TEXTMAX];
	enum fm_i18n_lang lang;
	size_t n;

	if (m->type == FM_MSG_AUTH_OK) {
		/* The user's language from here to their logout; a server
		 * of protocol version 1 sends none. */
		if (strlen(m->language) == 2 &&
		    fm_i18n_parse_lang(m->language, 2, &lang))
			show_lang(t, lang);
		/* An ISO 4217 code; anything longer is no currency. */
		n = strlen(m->currency);
		if (n < sizeof(t->currency))
			memcpy(t->currency, m->currency, n + 1);
		else
			t->currency[0] = '\0';
		t->logged_in = true;
		snprintf(t->user, sizeof(t->user), "%s", m->user);
		snprintf(
		    t->full_name, sizeof(t->full_name), "%s", m->full_name);
		t->balance = m->balance;
		t->notice[0] = '\0';
		if (t->associating && t->uid_len > 0) {
			request(
			    t, FM_MSG_ASSOCIATE_BADGE, FM_REQ_ASSOCIATE, now);
			memcpy(t->out.uid, t->uid, t->uid_len);
			t->out.uid_len = t->uid_len;
			busy(t, _("Linking your badge..."));
			return;
		}
		list(t, now);
		return;
	}
	if (m->type == FM_MSG_AUTH_FAIL) {
		got_auth_fail(t, m, now);
		return;
	}
	outcome(t, FM_OUTCOME_DENIED, 0);
	server_text(t, m, FM_REQ_AUTH, text, sizeof(text));
	notice(t, text, now);
}

static struct fm_termstate_line *
line_of(struct fm_termstate *t, int64_t job_id)
{
	for (size_t i = 0; i < t->nlines; i++)
		if (t->lines[i].job_id == job_id)
			return &t->lines[i];
	return NULL;
}

static void
got_progress(struct fm_termstate *t, const struct fm_proto_msg *m, uint64_t now)
{
	struct fm_termstate_line *l = line_of(t, m->job_id);

	t->reply_deadline = now + FM_TERMSTATE_RELEASE_MS;
	if (l == NULL)
		return;
	l->stage = m->stage;
	l->pages = m->pages;
	l->charge = m->charge;
	l->code = m->code;
	server_text(t, m, FM_REQ_RELEASE, l->message, sizeof(l->message));
	if (m->stage == FM_STAGE_DONE) {
		t->printed++;
		t->pages_printed += m->pages;
		t->charged += m->charge;
	} else if (m->stage == FM_STAGE_FAILED) {
		if (m->code == FM_CODE_OVER_QUOTA)
			t->over_quota++;
		else
			t->failed++;
		t->charged += m->charge;
	}
}

/* The release is over (OK, or ERROR before any job started). */
static void
release_done(struct fm_termstate *t, const struct fm_proto_msg *m, uint64_t now)
{
	server_text(t, m, FM_REQ_RELEASE, t->result, sizeof(t->result));
	if (m->type == FM_MSG_ERROR)
		outcome(t,
		    m->code == FM_CODE_PRINTER_ERROR ? FM_OUTCOME_PRINTER_ERROR
		                                     : FM_OUTCOME_DENIED,
		    0);
	else if (t->printed > 0)
		outcome(t, FM_OUTCOME_RELEASED, t->printed);
	else if (t->over_quota > 0)
		outcome(t, FM_OUTCOME_OVER_QUOTA, 0);
	else if (t->failed > 0)
		outcome(t, FM_OUTCOME_PRINTER_ERROR, 0);
	else
		outcome(t, FM_OUTCOME_NOTHING, 0);
	if (t->headless) {
		logout(t, now);
		return;
	}
	t->screen = FM_SCREEN_RESULT;
	t->deadline = now + t->result_ms;
	/* The header's balance is the one from before the charge: ask for
	 * the new one while the result is shown. */
	if (t->logged_in && t->connected)
		request(t, FM_MSG_LIST, FM_REQ_REFRESH, now);
}

/* An ERROR that ends the session on the server's side. */
static bool
session_gone(const struct fm_proto_msg *m)
{
	return m->type == FM_MSG_ERROR &&
	    (m->code == FM_CODE_NOT_LOGGED_IN ||
	        m->code == FM_CODE_SESSION_EXPIRED);
}

void
fm_termstate_message(
    struct fm_termstate *t, const struct fm_proto_msg *m, uint64_t now)
{
	enum fm_termstate_request req = t->pending;
	char text[FM_PROTO_TEXTMAX];

	if (m->type == FM_MSG_PROGRESS) {
		if (req == FM_REQ_RELEASE)
			got_progress(t, m, now);
		return;
	}
	t->pending = FM_REQ_NONE;
	t->reply_deadline = 0;
	if (session_gone(m) && req != FM_REQ_AUTH && req != FM_REQ_LOGOUT) {
		bool was = t->logged_in;
		if (req != FM_REQ_NONE)
			outcome(t, FM_OUTCOME_DENIED, 0);
		server_text(t, m, req, text, sizeof(text));
		if (was || req != FM_REQ_NONE)
			notice(t, text, now);
		return;
	}
	switch (req) {
	case FM_REQ_AUTH:
		got_auth(t, m, now);
		break;
	case FM_REQ_ASSOCIATE:
		server_text(t, m, req, text, sizeof(text));
		snprintf(t->notice, sizeof(t->notice), "%s",
		    m->type == FM_MSG_OK ? _("Your badge is now linked to you.")
		                         : text);
		t->associating = false;
		t->uid_len = 0;
		list(t, now);
		break;
	case FM_REQ_LIST:
		if (m->type == FM_MSG_JOB_LIST) {
			char keep[FM_PROTO_TEXTMAX];
			memcpy(keep, t->notice, sizeof(keep));
			got_list(t, m, now);
			if (t->screen == FM_SCREEN_JOBS)
				memcpy(t->notice, keep, sizeof(keep));
		} else {
			outcome(t, FM_OUTCOME_DENIED, 0);
			server_text(t, m, req, text, sizeof(text));
			notice(t, text, now);
		}
		break;
	case FM_REQ_RELEASE:
		release_done(t, m, now);
		break;
	case FM_REQ_DELETE:
	case FM_REQ_EXTEND:
		server_text(t, m, req, t->notice, sizeof(t->notice));
		list(t, now);
		break;
	case FM_REQ_REFRESH:
		if (m->type == FM_MSG_JOB_LIST)
			t->balance = m->balance;
		break;
	case FM_REQ_LOGOUT:
	case FM_REQ_NONE:
		break;
	}
}

void
fm_termstate_tick(struct fm_termstate *t, uint64_t now)
{
	if (t->pending != FM_REQ_NONE && t->reply_deadline != 0 &&
	    now >= t->reply_deadline) {
		/* A server that does not answer is as good as gone. */
		t->drop = true;
		return;
	}
	/* A refresh of the balance never holds the result screen. */
	if (t->deadline == 0 || now < t->deadline ||
	    (t->pending != FM_REQ_NONE && t->pending != FM_REQ_REFRESH))
		return;
	if (t->screen == FM_SCREEN_NOTICE) {
		go_idle(t);
		t->notice[0] = '\0';
	} else if (t->screen == FM_SCREEN_RESULT || waits_for_user(t->screen)) {
		logout(t, now);
	} else {
		t->deadline = 0;
	}
}

uint64_t
fm_termstate_next_deadline(const struct fm_termstate *t)
{
	uint64_t d = t->deadline;

	if (t->pending != FM_REQ_NONE && t->reply_deadline != 0 &&
	    (d == 0 || t->reply_deadline < d))
		d = t->reply_deadline;
	return d;
}

const char *
fm_termstate_cost_text(const struct fm_termstate *t,
    const struct fm_proto_job *j, char *buf, size_t size)
{
	char m[FM_I18N_MONEYMAX];

	if (t == NULL || buf == NULL || size == 0)
		return buf;
	fm_termstate_money(t, j != NULL ? j->cost : 0, m, sizeof(m));
	if (j != NULL && j->cost_kind == FM_COST_UP_TO)
		/* TRANSLATORS: the most a job whose pages are unknown costs;
		 * keep it short (a column of the job list). */
		snprintf(buf, size, _("up to %s"), m);
	else if (j != NULL && j->cost_kind == FM_COST_NO_PRICE)
		snprintf(buf, size, "%s", _("no price"));
	else if (j != NULL && j->cost_kind == FM_COST_COUNTING)
		snprintf(buf, size, "%s", _("counting\u2026"));
	else
		snprintf(buf, size, "%s", m);
	return buf;
}
