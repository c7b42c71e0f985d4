/*
 * login.c - a session's login, checked and kept by its decryptor.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/login.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/aead.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/wire.h"
#include "quota/users.h"
#include "release/pamauth.h"
#include "spooler/spool.h"
#include "store/authevents.h"
#include "store/authlog.h"
#include "store/badges.h"
#include "store/jobstore.h"
#include "store/websessions.h"

struct fm_login {
	const struct fm_settings *settings;
	fm_store_t *store;
	char user[FM_PROTO_TEXTMAX]; /* "" until someone logs in */
	bool by_secret; /* logged in with a PIN or password, not a badge */
	bool web;       /* the web console's: a user name comes with a
	                   password */
};

size_t
fm_login_request_encode(
    const struct fm_login_request *r, uint8_t *buf, size_t size)
{
	struct fm_wire_writer w;

	if (r == NULL || r->op < FM_LOGIN_SECRET || r->op > FM_LOGIN_OP_MAX ||
	    r->uid_len > sizeof(r->uid))
		return 0;
	fm_wire_writer_init(&w, buf, size);
	fm_wire_put_u8(&w, r->op);
	fm_wire_put_text8(&w, r->terminal, sizeof(r->terminal));
	fm_wire_put_text8(&w, r->user, sizeof(r->user));
	fm_wire_put_text8(&w, r->secret, sizeof(r->secret));
	fm_wire_put_u8(&w, r->uid_len);
	fm_wire_put_bytes(&w, r->uid, r->uid_len);
	return fm_wire_writer_end(&w);
}

bool
fm_login_request_decode(const uint8_t *buf, size_t len,
    struct fm_login_request *r, const char **errstr)
{
	struct fm_wire_reader rd;
	uint8_t op;

	if (errstr != NULL)
		*errstr = "malformed login request";
	if (buf == NULL || r == NULL)
		return false;
	memset(r, 0, sizeof(*r));
	fm_wire_reader_init(&rd, buf, len);
	op = fm_wire_get_u8(&rd);
	fm_wire_get_text8(&rd, r->terminal, sizeof(r->terminal));
	fm_wire_get_text8(&rd, r->user, sizeof(r->user));
	fm_wire_get_text8(&rd, r->secret, sizeof(r->secret));
	r->uid_len = fm_wire_get_u8(&rd);
	if (r->uid_len > sizeof(r->uid) ||
	    !fm_wire_get_bytes(&rd, r->uid, r->uid_len) ||
	    !fm_wire_reader_end(&rd) || op < FM_LOGIN_SECRET ||
	    op > FM_LOGIN_OP_MAX) {
		fm_wipe(r, sizeof(*r));
		return false;
	}
	r->op = (enum fm_login_op)op;
	if (errstr != NULL)
		*errstr = NULL;
	return true;
}

size_t
fm_login_answer_encode(
    const struct fm_login_answer *a, uint8_t *buf, size_t size)
{
	struct fm_wire_writer w;

	if (a == NULL || a->outcome > FM_LOGIN_OUTCOME_MAX)
		return 0;
	fm_wire_writer_init(&w, buf, size);
	fm_wire_put_u8(&w, a->outcome);
	fm_wire_put_u32(&w, a->wait);
	fm_wire_put_text8(&w, a->user, sizeof(a->user));
	fm_wire_put_text8(&w, a->message, sizeof(a->message));
	return fm_wire_writer_end(&w);
}

bool
fm_login_answer_decode(
    const uint8_t *buf, size_t len, struct fm_login_answer *a)
{
	struct fm_wire_reader rd;
	uint8_t outcome;

	if (buf == NULL || a == NULL)
		return false;
	memset(a, 0, sizeof(*a));
	fm_wire_reader_init(&rd, buf, len);
	outcome = fm_wire_get_u8(&rd);
	a->wait = fm_wire_get_u32(&rd);
	fm_wire_get_text8(&rd, a->user, sizeof(a->user));
	fm_wire_get_text8(&rd, a->message, sizeof(a->message));
	if (!fm_wire_reader_end(&rd) || outcome > FM_LOGIN_OUTCOME_MAX) {
		memset(a, 0, sizeof(*a));
		return false;
	}
	a->outcome = (enum fm_login_outcome)outcome;
	return true;
}

fm_login_t *
fm_login_create(const struct fm_settings *settings, const char *db_path,
    const char **errstr)
{
	fm_login_t *l;

	if (settings == NULL || db_path == NULL) {
		*errstr = "no settings";
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		*errstr = "out of memory";
		return NULL;
	}
	l->settings = settings;
	if ((l->store = fm_store_open(db_path, errstr)) == NULL) {
		free(l);
		return NULL;
	}
	return l;
}

void
fm_login_destroy(fm_login_t *l)
{
	if (l == NULL)
		return;
	fm_store_close(l->store);
	free(l);
}

void
fm_login_set_web(fm_login_t *l)
{
	if (l != NULL)
		l->web = true;
}

const char *
fm_login_user(const fm_login_t *l)
{
	return l != NULL ? l->user : "";
}

bool
fm_login_may_read(fm_login_t *l, const char *spool_file)
{
	return l != NULL && l->user[0] != '\0' &&
	    fm_jobstore_file_is_owned(l->store, spool_file, l->user);
}

static int64_t
now(void)
{
	return (int64_t)time(NULL);
}

/* The key badge identifiers are hashed with (created on first use).
 * Read at each use, here only: the session never holds it. */
static bool
badge_key(fm_login_t *l, uint8_t *key)
{
	const char *errstr = NULL;
	char path[512];

	if (!fm_settings_badge_key_path(l->settings, path, sizeof(path)) ||
	    !fm_spool_load_master_key(path, true, key, &errstr)) {
		fm_log_warn("decryptor: badge key: %s", errstr ? errstr : path);
		return false;
	}
	return true;
}

/* --- the authentication log (store/authevents.h) ------------------- */

/* An event of the log at place, now; login "" when nobody is known. */
static struct fm_authevent
event(const char *place, const char *login, enum fm_authevent_method method,
    enum fm_authevent_outcome outcome)
{
	struct fm_authevent e = {
	    .at = now(), .method = method, .outcome = outcome};

	snprintf(e.place, sizeof(e.place), "%s", place);
	snprintf(e.login, sizeof(e.login), "%s", login);
	return e;
}

static int64_t
keep_days(const fm_login_t *l)
{
	return l->settings->web.auth_log_days > 0
	    ? (int64_t)l->settings->web.auth_log_days
	    : 90;
}

/* Writes e on its own (no transaction of the checks runs). */
static void
log_event(fm_login_t *l, struct fm_authevent *e)
{
	if (!fm_authevents_add(l->store, e, keep_days(l)))
		fm_log_warn(
		    "decryptor: cannot write the authentication log: %s",
		    fm_store_last_error(l->store));
}

/* Is user a login the store knows?  A name it does not know may be
 * anything typed in its field (a password, even): the log keeps it
 * only once PAM said it is somebody's. */
static bool
user_known(fm_login_t *l, const char *user)
{
	struct fm_user u;

	return fm_users_get(l->store, user, &u);
}

/* Users unknown to the store (first login before any print) count as
 * enabled: PAM decided for them. */
static bool
user_enabled(fm_login_t *l, const char *user)
{
	struct fm_user u;

	return !fm_users_get(l->store, user, &u) || u.enabled;
}

/* The outcome of a lockout verdict that stops the check. */
static enum fm_login_outcome
refused(enum fm_authlog_verdict v)
{
	switch (v) {
	case FM_AUTHLOG_USER_LOCKED:
		return FM_LOGIN_LOCKED;
	case FM_AUTHLOG_SLOW_DOWN:
		return FM_LOGIN_SLOW_DOWN;
	case FM_AUTHLOG_BUSY:
		return FM_LOGIN_BUSY;
	case FM_AUTHLOG_GO:
	case FM_AUTHLOG_ERROR:
		break;
	}
	return FM_LOGIN_STORE_ERROR;
}

/*
 * Checks user's secret through PAM, after reserving the attempt (counted
 * against the user and the terminal before PAM runs, so that checks in
 * parallel count each other; see store/authlog.h).  slow_terminal: the
 * terminal's failures may hold this check back (user name and PIN; never
 * a badge).  On success a->user is PAM's name for the user; a user the
 * store keeps disabled is refused (FM_LOGIN_DISABLED) whatever PAM says.
 * The outcome goes to the authentication log as method's, in the
 * transaction that settles the attempt.
 */
static void
check_secret(fm_login_t *l, const struct fm_login_request *r, const char *user,
    bool slow_terminal, bool store_pin, enum fm_authevent_method method,
    struct fm_login_answer *a)
{
	const struct fm_settings *set = l->settings;
	const struct fm_authlog_limits lim = {
	    .window = (int64_t)set->auth_lockout,
	    .max = (int64_t)set->auth_max_failures,
	    .delay_max = (int64_t)set->auth_lockout,
	    /* The check itself ends by pam_timeout; the margin is for
	     * forking it and for the store. */
	    .busy_max = (int64_t)set->pam_timeout + 5};
	struct fm_authlog_attempt at;
	enum fm_authlog_verdict v;
	enum fm_pamauth_result pr;
	struct fm_authevent e;
	bool known = user_known(l, user);
	int64_t t = now();

	v = fm_authlog_reserve(
	    l->store, &lim, r->terminal, user, slow_terminal, t, &at);
	if (v != FM_AUTHLOG_GO) {
		a->outcome = refused(v);
		a->wait = at.until - t > 0 ? (uint32_t)(at.until - t) : 1;
		if (a->outcome == FM_LOGIN_STORE_ERROR)
			fm_log_warn("decryptor: cannot record a login attempt "
			            "at terminal %s: %s",
			    r->terminal, fm_store_last_error(l->store));
		else if (a->outcome == FM_LOGIN_LOCKED) {
			e = event(r->terminal, known ? user : "", method,
			    known ? FM_AUTHEVENT_LOCKED : FM_AUTHEVENT_UNKNOWN);
			log_event(l, &e);
		}
		return;
	}
	if (store_pin) {
		/* The PIN Followme keeps (pam_followme.so checks the same). */
		pr = fm_users_check_pin(
		         l->store, user, r->secret, strlen(r->secret))
		    ? FM_PAMAUTH_OK
		    : FM_PAMAUTH_DENIED;
		snprintf(a->user, sizeof(a->user), "%s", user);
	} else
		pr = fm_pamauth_check(set->pam_service, set->pam_helper, user,
		    r->secret, r->terminal, (unsigned)set->pam_timeout * 1000,
		    a->user, sizeof(a->user));
	a->outcome = pr == FM_PAMAUTH_OK ? FM_LOGIN_OK
	    : pr == FM_PAMAUTH_ACCOUNT   ? FM_LOGIN_ACCOUNT
	    : pr == FM_PAMAUTH_DENIED    ? FM_LOGIN_DENIED
	                                 : FM_LOGIN_UNAVAILABLE;
	if (a->outcome == FM_LOGIN_OK && !user_enabled(l, a->user))
		a->outcome = FM_LOGIN_DISABLED;
	switch (a->outcome) {
	case FM_LOGIN_OK:
		e = event(r->terminal, a->user, method, FM_AUTHEVENT_SUCCESS);
		break;
	case FM_LOGIN_DISABLED:
		e = event(r->terminal, a->user, method, FM_AUTHEVENT_DISABLED);
		break;
	case FM_LOGIN_ACCOUNT:
		e = event(r->terminal, known ? user : "", method,
		    known ? FM_AUTHEVENT_DISABLED : FM_AUTHEVENT_UNKNOWN);
		break;
	default:
		e = event(r->terminal, known ? user : "", method,
		    known ? FM_AUTHEVENT_WRONG_SECRET : FM_AUTHEVENT_UNKNOWN);
		break;
	}
	if (!fm_authlog_settle_logged(l->store, &at,
	        pr == FM_PAMAUTH_OK                ? FM_AUTHLOG_SUCCEEDED
	            : pr == FM_PAMAUTH_UNAVAILABLE ? FM_AUTHLOG_UNDECIDED
	                                           : FM_AUTHLOG_FAILED,
	        now(), pr == FM_PAMAUTH_UNAVAILABLE ? NULL : &e, keep_days(l)))
		fm_log_warn("decryptor: cannot settle a login attempt at "
		            "terminal %s: %s",
		    r->terminal, fm_store_last_error(l->store));
}

/* A badge, and with FM_LOGIN_BADGE_SECRET its owner's PIN. */
static void
check_badge(
    fm_login_t *l, const struct fm_login_request *r, struct fm_login_answer *a)
{
	char owner[FM_PROTO_TEXTMAX];
	struct fm_authevent e;
	uint8_t key[32];
	bool found;

	if (!badge_key(l, key)) {
		a->outcome = FM_LOGIN_UNAVAILABLE;
		return;
	}
	found = fm_badges_lookup(
	    l->store, key, r->uid, r->uid_len, owner, sizeof(owner));
	fm_wipe(key, sizeof(key));
	if (!found) {
		/* Badge numbers can be guessed: unknown ones count as
		 * failures of the terminal (they slow down its PIN logins,
		 * never its badges). */
		e = event(
		    r->terminal, "", FM_AUTHEVENT_BADGE, FM_AUTHEVENT_UNKNOWN);
		if (!fm_authlog_fail_logged(l->store, FM_AUTHLOG_TERMINAL,
		        r->terminal, now(), &e, keep_days(l)))
			fm_log_warn("decryptor: cannot record an unknown badge "
			            "at terminal %s: %s",
			    r->terminal, fm_store_last_error(l->store));
		a->outcome = FM_LOGIN_UNKNOWN_BADGE;
		return;
	}
	snprintf(a->user, sizeof(a->user), "%s", owner);
	if (!user_enabled(l, owner)) {
		a->outcome = FM_LOGIN_DISABLED;
		e = event(r->terminal, owner, FM_AUTHEVENT_BADGE,
		    FM_AUTHEVENT_DISABLED);
		log_event(l, &e);
		return;
	}
	if (r->op == FM_LOGIN_BADGE) {
		a->outcome = l->settings->badge_needs_pin ? FM_LOGIN_NEED_PIN
		                                          : FM_LOGIN_OK;
		/* Asked for its PIN: the log has the login that follows. */
		if (a->outcome == FM_LOGIN_OK) {
			e = event(r->terminal, owner, FM_AUTHEVENT_BADGE,
			    FM_AUTHEVENT_SUCCESS);
			log_event(l, &e);
		}
		return;
	}
	/* With the badge, the PIN is checked against its owner's lockout,
	 * but the terminal's failures do not hold it back. */
	check_secret(l, r, owner, false, false, FM_AUTHEVENT_BADGE, a);
}

/*
 * A person the web console logged in (followme-webd(8)): the secret is
 * their session's id, which only their browser and the request being
 * served hold; the store keeps its hash.  A live session of an enabled
 * user logs them in as a password would have.  A wrong id is no guess
 * at a person's secret (256 random bits): nothing is counted.
 */
static void
check_web_session(
    fm_login_t *l, const struct fm_login_request *r, struct fm_login_answer *a)
{
	const struct fm_websession_limits lim = {
	    (int64_t)l->settings->web.session_idle,
	    (int64_t)l->settings->web.session_max};
	uint8_t id[FM_WEBSESSION_IDLEN], hash[FM_WEBSESSION_HASHLEN];
	struct fm_websession ws;
	struct fm_authevent e;
	int found;

	a->outcome = FM_LOGIN_DENIED;
	e = event(r->terminal, "", FM_AUTHEVENT_WEB, FM_AUTHEVENT_UNKNOWN);
	if (strlen(r->secret) != 2 * sizeof(id) ||
	    !fm_hex_decode(r->secret, id, sizeof(id))) {
		log_event(l, &e);
		return;
	}
	fm_websessions_hash_id(id, hash);
	fm_wipe(id, sizeof(id));
	found = fm_websessions_find(l->store, hash, &lim, now(), &ws);
	if (found < 0) {
		a->outcome = FM_LOGIN_STORE_ERROR;
		return;
	}
	if (found > 0) {
		snprintf(a->user, sizeof(a->user), "%s", ws.login);
		a->outcome =
		    user_enabled(l, ws.login) ? FM_LOGIN_OK : FM_LOGIN_DISABLED;
		e = event(r->terminal, ws.login, FM_AUTHEVENT_WEB,
		    a->outcome == FM_LOGIN_OK ? FM_AUTHEVENT_SUCCESS
		                              : FM_AUTHEVENT_DISABLED);
		/* Where the person is: the browser their session logged in
		 * from, as for their password login. */
		snprintf(e.place, sizeof(e.place), "web %.200s", ws.address);
	}
	log_event(l, &e);
}

static void
associate(
    fm_login_t *l, const struct fm_login_request *r, struct fm_login_answer *a)
{
	const char *errstr = NULL;
	char label[FM_PROTO_TEXTMAX + 32];
	uint8_t key[32];
	bool ok;

	/* Whoever holds a badge must not be able to add badges of their
	 * own to its owner's account: that takes the owner's PIN. */
	if (l->user[0] == '\0' || !l->by_secret) {
		a->outcome = FM_LOGIN_NOT_BY_SECRET;
		return;
	}
	if (!badge_key(l, key)) {
		a->outcome = FM_LOGIN_UNAVAILABLE;
		return;
	}
	snprintf(
	    label, sizeof(label), "registered at terminal %s", r->terminal);
	fm_users_ensure(l->store, l->user);
	ok = fm_badges_add(
	    l->store, key, l->user, r->uid, r->uid_len, label, &errstr);
	fm_wipe(key, sizeof(key));
	a->outcome = ok ? FM_LOGIN_OK : FM_LOGIN_REFUSED;
	if (!ok)
		snprintf(a->message, sizeof(a->message), "%s",
		    errstr ? errstr : "error");
	snprintf(a->user, sizeof(a->user), "%s", l->user);
}

void
fm_login_handle(
    fm_login_t *l, struct fm_login_request *r, struct fm_login_answer *a)
{
	if (a == NULL)
		return;
	memset(a, 0, sizeof(*a));
	a->outcome = FM_LOGIN_UNAVAILABLE;
	if (l == NULL || r == NULL)
		return;
	if (r->op != FM_LOGIN_ASSOCIATE) {
		l->user[0] = '\0';
		l->by_secret = false;
	}
	switch (r->op) {
	case FM_LOGIN_SECRET:
		check_secret(l, r, r->user, true, false,
		    l->web ? FM_AUTHEVENT_PASSWORD : FM_AUTHEVENT_PIN, a);
		break;
	case FM_LOGIN_BADGE:
	case FM_LOGIN_BADGE_SECRET:
		check_badge(l, r, a);
		break;
	case FM_LOGIN_ASSOCIATE:
		associate(l, r, a);
		break;
	case FM_LOGIN_LOGOUT:
		a->outcome = FM_LOGIN_OK;
		break;
	case FM_LOGIN_WEB:
		check_web_session(l, r, a);
		break;
	}
	if (r->op != FM_LOGIN_ASSOCIATE && r->op != FM_LOGIN_LOGOUT &&
	    a->outcome == FM_LOGIN_OK) {
		snprintf(l->user, sizeof(l->user), "%s", a->user);
		l->by_secret = r->op != FM_LOGIN_BADGE;
	}
	fm_wipe(r->secret, sizeof(r->secret));
}

void
fm_login_check_pin(fm_login_t *l, const char *terminal, const char *user,
    const char *pin, struct fm_login_answer *a)
{
	struct fm_login_request r = {.op = FM_LOGIN_SECRET};

	memset(a, 0, sizeof(*a));
	a->outcome = FM_LOGIN_DENIED;
	if (l != NULL && terminal != NULL && user != NULL && pin != NULL &&
	    snprintf(r.terminal, sizeof(r.terminal), "%s", terminal) <
	        (int)sizeof(r.terminal) &&
	    snprintf(r.secret, sizeof(r.secret), "%s", pin) <
	        (int)sizeof(r.secret))
		check_secret(l, &r, user, true, true, FM_AUTHEVENT_PIN, a);
	fm_wipe(r.secret, sizeof(r.secret));
}
