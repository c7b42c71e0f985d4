/*
 * brokerwire.h - the messages between followme-webd's two sides.
 *
 * The HTTP side parses the network and holds no store, spool or key; for
 * everything else it asks a store-side worker (broker.h) with one
 * request and gets one answer, over a SOCK_SEQPACKET socket pair.  The
 * worker decides everything that matters: who the session is, whether
 * the CSRF token matches, whether the role allows the operation.
 *
 * Request (pure codec, fuzzed):
 *   version u8 | op u8 | flags u8 (1: has_session, 2: login_token,
 *   4: has_token, 8: bad_token) | [id 32 bytes, with has_session] |
 *   [token 32 bytes, with has_token] | csrf text8 |
 *   address text8 | language text8 | nargs u8 | (name plain8, value
 *   text16) * nargs
 * Answer, with the body in a memory file passed beside it (SCM_RIGHTS):
 *   version u8 | status u16 | kind u8 | session u8 | [id 32 bytes] |
 *   csrf text8 | filename text8
 * A release's progress, before its answer (no file beside it):
 *   tag u8 (FM_WEB_PROGRESS_TAG) | stage u8 (enum fm_web_stage)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_BROKERWIRE_H
#define FM_BROKERWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FM_WEB_IDLEN 32            /* a session id: 256 random bits */
#define FM_WEB_TOKENLEN 32         /* an API token: 256 random bits */
#define FM_WEB_TOKEN_PREFIX "fmt_" /* before its hex (store/apitokens.h) */
#define FM_WEB_TEXTMAX 256         /* csrf, address, language, names */
#define FM_WEB_VALUEMAX 4096       /* one argument's value */
#define FM_WEB_ARGMAX 16           /* arguments in one request */

/* What a request asks; the routes are in http.c, the rules in broker.c. */
enum fm_web_op {
	FM_WEB_OP_SESSION = 1,       /* who is logged in, and the CSRF token */
	FM_WEB_OP_LOGIN,             /* user, password */
	FM_WEB_OP_LOGOUT,            /* end this session */
	FM_WEB_OP_STRINGS,           /* the pages' texts in the language */
	FM_WEB_OP_LANGUAGE,          /* language: this session's choice */
	FM_WEB_OP_JOBS,              /* my held jobs */
	FM_WEB_OP_JOB_DELETE,        /* id */
	FM_WEB_OP_JOB_KEEP,          /* id: keep for another expire_after */
	FM_WEB_OP_BALANCE,           /* my accounts */
	FM_WEB_OP_HISTORY,           /* my charges and refunds */
	FM_WEB_OP_BADGES,            /* my badges */
	FM_WEB_OP_BADGE_REMOVE,      /* fingerprint: unlink a lost badge */
	FM_WEB_OP_ADMIN_USERS,       /* query, offset: admins only */
	FM_WEB_OP_ADMIN_USER_SET,    /* login, enabled or department */
	FM_WEB_OP_ADMIN_UNLOCK,      /* login: forget its failed logins */
	FM_WEB_OP_ADMIN_AUDIT,       /* offset: the audit trail */
	FM_WEB_OP_REPORT,            /* from, to, by: finance and admins */
	FM_WEB_OP_EXPORT,            /* from, to, by, format: the same bytes as
	                                followme-admin export */
	FM_WEB_OP_PRINTERS,          /* name (optional): printers and state */
	FM_WEB_OP_JOB_RELEASE,       /* id, printer, copies, two_sided,
	                                black_white: print it, through followmed */
	FM_WEB_OP_ADMIN_DEPARTMENTS, /* admins: the departments */
	FM_WEB_OP_ADMIN_DEPARTMENT_ADD, /* code, name */
	FM_WEB_OP_ADMIN_PRICES,         /* the default price list */
	FM_WEB_OP_ADMIN_PRICE_SET,      /* media, colour, sides, amount */
	FM_WEB_OP_ADMIN_TERMINALS,      /* terminals, connected or not */
	FM_WEB_OP_ADMIN_JOBS,           /* held jobs of everyone: metadata */
	FM_WEB_OP_PIN,                  /* old_pin, new_pin: my print PIN */
	FM_WEB_OP_FINANCE_TREND,        /* year: months, pages saved */
	FM_WEB_OP_FINANCE_CLOSE,        /* to: close every day through it */
	FM_WEB_OP_ADMIN_QUOTA,          /* kind, name, as, amount, reason,
	                                   request_id */
	FM_WEB_OP_ADMIN_BADGES,         /* login: that user's badges */
	FM_WEB_OP_ADMIN_BADGE_REMOVE,   /* login, fingerprint */
	FM_WEB_OP_ADMIN_LEDGER_VERIFY,  /* followme-admin ledger verify */
	FM_WEB_OP_ADMIN_PRINTERS,       /* printers, state, release pages */
	FM_WEB_OP_ADMIN_PRINTER_LABEL,  /* name: its QR code label (SVG) */
	FM_WEB_OP_ADMIN_PROJECTS,       /* projects, members, balances */
	FM_WEB_OP_ADMIN_PROJECT,        /* code [, login]: add, or allow */
	FM_WEB_OP_TOKENS,               /* login or all (admins): API tokens */
	FM_WEB_OP_TOKEN_ADD,            /* name, expires (days): mine */
	FM_WEB_OP_TOKEN_REVOKE,         /* id: mine, or anyone's (admins) */
	FM_WEB_OP_ADMIN_AUTHLOG,        /* login, outcome, from, to, offset,
	                                   limit: the authentication log */
};

#define FM_WEB_OP_MAX FM_WEB_OP_ADMIN_AUTHLOG

struct fm_web_arg {
	char name[FM_WEB_TEXTMAX];
	char value[FM_WEB_VALUEMAX];
};

struct fm_web_request {
	enum fm_web_op op;
	bool has_session;
	/* The HTTP side saw the login token of the page (its cookie and
	 * its header alike): a login may go ahead without a session. */
	bool login_token;
	uint8_t id[FM_WEB_IDLEN]; /* wipe after use */
	/* An API token came with the request (Authorization: Bearer):
	 * has_token when it reads as one (token holds its bytes, wiped
	 * after use), bad_token when it does not.  Either way the cookie
	 * is not looked at. */
	bool has_token, bad_token;
	uint8_t token[FM_WEB_TOKENLEN];
	char csrf[FM_WEB_TEXTMAX];
	char address[FM_WEB_TEXTMAX];
	char language[FM_WEB_TEXTMAX]; /* the browser's choice: "fr", "en" */
	size_t nargs;
	struct fm_web_arg args[FM_WEB_ARGMAX];
};

/* What the HTTP side does with the session cookie. */
enum fm_web_session_change {
	FM_WEB_SESSION_KEEP,
	FM_WEB_SESSION_SET,   /* a new id: set the cookie */
	FM_WEB_SESSION_CLEAR, /* ended: clear the cookie */
};

/* What the body is. */
enum fm_web_kind {
	FM_WEB_KIND_JSON,
	FM_WEB_KIND_CSV,
	FM_WEB_KIND_SVG,
};

struct fm_web_answer {
	uint16_t status; /* the HTTP status */
	enum fm_web_kind kind;
	enum fm_web_session_change session;
	uint8_t id[FM_WEB_IDLEN]; /* FM_WEB_SESSION_SET */
	char csrf[FM_WEB_TEXTMAX];
	char filename[FM_WEB_TEXTMAX]; /* "" = shown, not downloaded */
};

#define FM_WEB_REQUESTMAX                                                      \
	(4 + FM_WEB_IDLEN + FM_WEB_TOKENLEN + 3 * FM_WEB_TEXTMAX + 1 +         \
	    FM_WEB_ARGMAX * (1 + FM_WEB_TEXTMAX + 2 + FM_WEB_VALUEMAX))
#define FM_WEB_ANSWERMAX (5 + FM_WEB_IDLEN + 2 * FM_WEB_TEXTMAX)

/*
 * How far a release is, as the HTTP side tells the page.  The worker
 * sends ACCEPTED once it has checked the request (the session, its CSRF
 * token, the job, the printer) and is about to ask followmed; then
 * followmed's stages (proto.h FM_STAGE_*, the same numbers) until the
 * answer, which carries the end (printed or not, pages and charge).
 */
enum fm_web_stage {
	FM_WEB_STAGE_ACCEPTED = 0,
	FM_WEB_STAGE_RESERVED = 1, /* FM_STAGE_RESERVED: preparing */
	FM_WEB_STAGE_SENT = 2,     /* FM_STAGE_SENT */
	FM_WEB_STAGE_PRINTING = 3, /* FM_STAGE_PRINTING */
	FM_WEB_STAGE_DONE = 4,     /* the answer said printed */
	FM_WEB_STAGE_FAILED = 5,   /* the answer said not printed */
};

#define FM_WEB_PROGRESS_TAG 0x50
#define FM_WEB_PROGRESSMAX 2

/* 'fm_web_progress_encode()' - stage (ACCEPTED to PRINTING: the end is
 * the answer's) into buf: its length, 0 if it does not fit or stage is
 * out of range. */
size_t fm_web_progress_encode(
    enum fm_web_stage stage, uint8_t *buf, size_t size);

/* 'fm_web_progress_decode()' - exactly len bytes into *stage; false if
 * they are not a progress message (an answer, or malformed). */
bool fm_web_progress_decode(
    const uint8_t *buf, size_t len, enum fm_web_stage *stage);

/* 'fm_web_request_encode()' - r into buf (size bytes): its length, or 0
 * if r is NULL, its op unknown or a field too long. */
size_t fm_web_request_encode(
    const struct fm_web_request *r, uint8_t *buf, size_t size);

/* 'fm_web_request_decode()' - exactly len bytes into r; false with
 * *errstr (static) if malformed.  r is zeroed on failure. */
bool fm_web_request_decode(const uint8_t *buf, size_t len,
    struct fm_web_request *r, const char **errstr);

/* 'fm_web_answer_encode()' - a into buf: its length, 0 if it does not
 * fit or a is NULL. */
size_t fm_web_answer_encode(
    const struct fm_web_answer *a, uint8_t *buf, size_t size);

/* 'fm_web_answer_decode()' - exactly len bytes into a; false if
 * malformed. */
bool fm_web_answer_decode(
    const uint8_t *buf, size_t len, struct fm_web_answer *a);

/* 'fm_web_arg()' - the value of argument name in r, NULL if absent. */
const char *fm_web_arg(const struct fm_web_request *r, const char *name);

/* 'fm_web_request_add()' - append argument name=value (len bytes) to r;
 * false if r is full, or either is too long or holds a NUL. */
bool fm_web_request_add(
    struct fm_web_request *r, const char *name, const char *value, size_t len);

#endif
