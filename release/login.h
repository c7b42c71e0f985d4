/*
 * login.h - who is logged in on a session, decided outside the session.
 *
 * A session process parses the terminal's TLS and protocol; code run
 * there must not be able to name any user it likes to the decryptor.
 * So the credential checks run in the decryptor (see decryptor.h),
 * forked before the first network byte: the session forwards the user
 * name and PIN, or the badge UID, and the decryptor runs the checks
 * (the auth log's lockout, PAM, the badge's keyed hash with badge.key,
 * which only it reads) and from then on serves only that user's
 * documents.
 *
 * Requests (pure codec below, fuzzed):
 *   op u8 | terminal text8 | user text8 | secret text8 | uid len u8 | uid
 * Answers:
 *   outcome u8 | wait be32 | user text8 | message text8
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_LOGIN_H
#define FM_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/settings.h"
#include "proto/proto.h"

enum fm_login_op {
	FM_LOGIN_SECRET = 1,       /* user name and PIN or password */
	FM_LOGIN_BADGE = 2,        /* a badge alone */
	FM_LOGIN_BADGE_SECRET = 3, /* a badge and its owner's PIN */
	FM_LOGIN_ASSOCIATE = 4,    /* register uid to the user logged in */
	FM_LOGIN_LOGOUT = 5,
	FM_LOGIN_WEB = 6, /* secret: a web console session's id, in hex */
};

#define FM_LOGIN_OP_MAX FM_LOGIN_WEB

struct fm_login_request {
	enum fm_login_op op;
	char terminal[FM_PROTO_TEXTMAX]; /* the certificate's name */
	char user[FM_PROTO_TEXTMAX];     /* FM_LOGIN_SECRET */
	char secret[FM_PROTO_SECRETMAX]; /* wipe after use */
	uint8_t uid[FM_PROTO_UIDMAX];    /* badge ops */
	size_t uid_len;
};

enum fm_login_outcome {
	FM_LOGIN_OK,            /* logged in (user), or done */
	FM_LOGIN_DENIED,        /* wrong user name or PIN */
	FM_LOGIN_ACCOUNT,       /* PAM refused the account */
	FM_LOGIN_DISABLED,      /* the badge's owner is disabled */
	FM_LOGIN_UNAVAILABLE,   /* PAM or the badge key failed */
	FM_LOGIN_LOCKED,        /* the user is locked out (wait) */
	FM_LOGIN_SLOW_DOWN,     /* the terminal must wait (wait) */
	FM_LOGIN_BUSY,          /* another check at this terminal */
	FM_LOGIN_STORE_ERROR,   /* the auth log could not be written */
	FM_LOGIN_UNKNOWN_BADGE, /* no such badge */
	FM_LOGIN_NEED_PIN,      /* badge_needs_pin: the badge is not enough */
	FM_LOGIN_NOT_BY_SECRET, /* associate needs a PIN login */
	FM_LOGIN_REFUSED,       /* associate refused (message) */
};

#define FM_LOGIN_OUTCOME_MAX FM_LOGIN_REFUSED

struct fm_login_answer {
	enum fm_login_outcome outcome;
	uint32_t wait;               /* seconds, for LOCKED and SLOW_DOWN */
	char user[FM_PROTO_TEXTMAX]; /* who logged in (PAM's name) */
	char message[FM_PROTO_TEXTMAX];
};

#define FM_LOGIN_REQUESTMAX                                                    \
	(1 + 3 * 1 + 2 * FM_PROTO_TEXTMAX + FM_PROTO_SECRETMAX + 1 +           \
	    FM_PROTO_UIDMAX)
#define FM_LOGIN_ANSWERMAX (1 + 4 + 2 + 2 * FM_PROTO_TEXTMAX)

/* 'fm_login_request_encode()' - encode r into buf (size bytes): its
 * length, 0 if r is NULL, its op unknown or a field too long. */
size_t fm_login_request_encode(
    const struct fm_login_request *r, uint8_t *buf, size_t size);

/* 'fm_login_request_decode()' - decode exactly len bytes into r; false
 * with *errstr (static) if malformed: unknown op, over-long or NUL-holding
 * fields, trailing bytes.  r is zeroed on failure. */
bool fm_login_request_decode(const uint8_t *buf, size_t len,
    struct fm_login_request *r, const char **errstr);

/* 'fm_login_answer_encode()' - encode a into buf: its length, 0 if a is
 * NULL or does not fit. */
size_t fm_login_answer_encode(
    const struct fm_login_answer *a, uint8_t *buf, size_t size);

/* 'fm_login_answer_decode()' - decode exactly len bytes into a; false if
 * malformed (unknown outcome, bad fields, trailing bytes). */
bool fm_login_answer_decode(
    const uint8_t *buf, size_t len, struct fm_login_answer *a);

typedef struct fm_login fm_login_t;

/*
 * 'fm_login_create()' - the decryptor's record of its session's login:
 * nobody yet.  Opens its own connection to the store at db_path; borrows
 * settings for its lifetime.  NULL with *errstr on failure.
 */
fm_login_t *fm_login_create(const struct fm_settings *settings,
    const char *db_path, const char **errstr);

/* 'fm_login_destroy()' - close the store and forget; NULL is a no-op. */
void fm_login_destroy(fm_login_t *l);

/* 'fm_login_set_web()' - l is the web console's: its user name logins
 * are logged as passwords (store/authevents.h), not PINs. */
void fm_login_set_web(fm_login_t *l);

/*
 * 'fm_login_handle()' - run request r (its secret wiped) and fill a.  A
 * new login attempt first logs out whoever was logged in; the user is
 * logged in only on FM_LOGIN_OK of a login op.
 */
void fm_login_handle(
    fm_login_t *l, struct fm_login_request *r, struct fm_login_answer *a);

/*
 * 'fm_login_check_pin()' - is pin the PIN the store keeps for user?
 * Counted in the auth log as a login at terminal (its lockout first),
 * so guesses lock out as at the terminals: a->outcome FM_LOGIN_OK,
 * DENIED, LOCKED or SLOW_DOWN (a->wait), BUSY or STORE_ERROR.  Logs
 * nobody in.  pin is the caller's to wipe; the copy made here is wiped.
 */
void fm_login_check_pin(fm_login_t *l, const char *terminal, const char *user,
    const char *pin, struct fm_login_answer *a);

/* 'fm_login_user()' - who is logged in ("" for nobody; borrowed). */
const char *fm_login_user(const fm_login_t *l);

/*
 * 'fm_login_may_read()' - is spool_file a document of a held or
 * releasing job owned by the user logged in?  False when nobody is, and
 * on a store error.
 */
bool fm_login_may_read(fm_login_t *l, const char *spool_file);

#endif
