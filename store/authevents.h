/*
 * authevents.h - the authentication log: who logged in where, how, and
 * with what outcome, for the admins (issue 13).
 *
 * Apart from the failures store/authlog.h counts for the lockouts, which
 * a success or an unlock forgets, this log keeps every login decided --
 * at a terminal (badge, PIN), in the web console (password, or a web
 * release by the person's session, an API token's requests once a
 * minute at most) -- and every unlock by an admin, for
 * keep_days; it never holds a secret: no PIN, password, badge UID, nor a
 * hash of one.  An unknown badge or user is logged with an empty login.
 *
 * Writing an event also prunes the log, at most once an hour whoever
 * writes it (the store remembers when it last did).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_AUTHEVENTS_H
#define FM_AUTHEVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define FM_AUTHEVENT_TEXTMAX 256

/* How a person tried to log in. */
enum fm_authevent_method {
	FM_AUTHEVENT_BADGE,    /* a badge, alone or with its PIN */
	FM_AUTHEVENT_PIN,      /* a user name and print PIN */
	FM_AUTHEVENT_PASSWORD, /* a user name and password (web console) */
	FM_AUTHEVENT_WEB,      /* a web release, by the web session */
	FM_AUTHEVENT_ADMIN,    /* an admin's action (unlock) */
	FM_AUTHEVENT_TOKEN,    /* an API token's use, once a minute at most */
	FM_AUTHEVENT_METHOD_MAX = FM_AUTHEVENT_TOKEN,
};

enum fm_authevent_outcome {
	FM_AUTHEVENT_SUCCESS,
	FM_AUTHEVENT_WRONG_SECRET, /* wrong PIN or password */
	FM_AUTHEVENT_UNKNOWN,      /* unknown badge, user or session */
	FM_AUTHEVENT_LOCKED,       /* refused: the user is locked out */
	FM_AUTHEVENT_DISABLED,     /* refused: the account is disabled */
	FM_AUTHEVENT_UNLOCKED,     /* an admin (actor) unlocked the user */
	FM_AUTHEVENT_OUTCOME_MAX = FM_AUTHEVENT_UNLOCKED,
};

struct fm_authevent {
	int64_t id, at;
	char login[FM_AUTHEVENT_TEXTMAX]; /* "" if nobody is known */
	char place[FM_AUTHEVENT_TEXTMAX]; /* a terminal, or "web ADDRESS" */
	enum fm_authevent_method method;
	enum fm_authevent_outcome outcome;
	char actor[FM_AUTHEVENT_TEXTMAX]; /* the admin of an unlock */
};

/* 'fm_authevent_method_name()', 'fm_authevent_outcome_name()' - the
 * stable names the store, the API and followme-admin use ("badge",
 * "wrong-secret", ...); "" for a value out of range. */
const char *fm_authevent_method_name(enum fm_authevent_method m);
const char *fm_authevent_outcome_name(enum fm_authevent_outcome o);

/* 'fm_authevent_outcome_parse()' - the outcome named by name (len
 * bytes); false if none is. */
bool fm_authevent_outcome_parse(
    const char *name, size_t len, enum fm_authevent_outcome *o);

/*
 * 'fm_authevents_add()' - log e (its id is set), inside the caller's
 * transaction if one runs; and, if the log was last pruned an hour ago
 * or more (or never), forget the events older than keep_days before
 * e->at.  False on bad arguments or a store failure.
 */
bool fm_authevents_add(
    fm_store_t *store, struct fm_authevent *e, int64_t keep_days);

/* 'fm_authevents_prune()' - forget the events before 'before' now;
 * returns how many, -1 on error. */
int64_t fm_authevents_prune(fm_store_t *store, int64_t before, int64_t now);

/* What fm_authevents_list() returns: each field empty or 0 is no filter. */
struct fm_authevent_filter {
	const char *login;   /* exactly this login */
	const char *outcome; /* an outcome's name */
	int64_t from, to;    /* from <= at < to (0: open) */
};

/*
 * 'fm_authevents_list()' - call fn for the events f selects, newest
 * first, at most limit after skipping offset; *total (if not NULL) is
 * how many f selects in all.  False on a store error or bad arguments.
 */
bool fm_authevents_list(fm_store_t *store, const struct fm_authevent_filter *f,
    int64_t offset, int64_t limit,
    bool (*fn)(const struct fm_authevent *e, void *arg), void *arg,
    int64_t *total);

/* A user locked out now: their failures within the window and when the
 * lockout ends. */
struct fm_authevent_lock {
	char login[FM_AUTHEVENT_TEXTMAX];
	int64_t failures, until;
};

/*
 * 'fm_authevents_locked()' - call fn for every user of the store locked
 * out at now by the lockout's rules (max failures within window, as in
 * authlog.h), by login; false on a store error.  The failures of names
 * the store does not know (anything typed as a user name) are left out.
 */
bool fm_authevents_locked(fm_store_t *store, int64_t window, int64_t max,
    int64_t now, bool (*fn)(const struct fm_authevent_lock *l, void *arg),
    void *arg);

#endif
