/*
 * websessions.h - the web console's sessions, kept in the store.
 *
 * A session is named by a 256-bit random id that only the browser holds;
 * the store keeps its SHA-256 (id_hash), the user, the session's CSRF
 * token, its language and when it began and was last used.  A session
 * ends at logout, after idle seconds without a request, or max seconds
 * after its login, whichever comes first; expired rows are deleted when
 * they are found.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_WEBSESSIONS_H
#define FM_WEBSESSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define FM_WEBSESSION_IDLEN 32 /* the browser's: 256 random bits */
#define FM_WEBSESSION_HASHLEN 32
#define FM_WEBSESSION_TEXTMAX 256

struct fm_websession {
	char login[FM_WEBSESSION_TEXTMAX];
	char csrf[FM_WEBSESSION_TEXTMAX]; /* hex, compared in constant time */
	char language[8];                 /* "", "en" or "fr" */
	char address[FM_WEBSESSION_TEXTMAX];
	int64_t created_at, last_seen;
};

/* How long a session lives. */
struct fm_websession_limits {
	int64_t idle, max; /* seconds */
};

/* 'fm_websessions_hash_id()' - the SHA-256 a session is kept under. */
void fm_websessions_hash_id(
    const uint8_t id[FM_WEBSESSION_IDLEN], uint8_t out[FM_WEBSESSION_HASHLEN]);

/*
 * 'fm_websessions_create()' - record a new session for s->login with
 * s->csrf, s->language and s->address, begun at now.  False on a store
 * error (nobody is logged in then).
 */
bool fm_websessions_create(fm_store_t *store,
    const uint8_t id_hash[FM_WEBSESSION_HASHLEN], const struct fm_websession *s,
    int64_t now);

/*
 * 'fm_websessions_find()' - the live session named by id_hash, into *out;
 * its last use becomes now (written only when a minute has passed, so
 * that reading pages costs no write).  FM_SQL-like result: 1 found, 0
 * none (or expired: then deleted), -1 store error.
 */
int fm_websessions_find(fm_store_t *store,
    const uint8_t id_hash[FM_WEBSESSION_HASHLEN],
    const struct fm_websession_limits *lim, int64_t now,
    struct fm_websession *out);

/* 'fm_websessions_set_language()' - the session's language ("", "en",
 * "fr"); false on a store error or another value. */
bool fm_websessions_set_language(fm_store_t *store,
    const uint8_t id_hash[FM_WEBSESSION_HASHLEN], const char *language);

/* 'fm_websessions_end()' - end one session (logout); true if it existed. */
bool fm_websessions_end(
    fm_store_t *store, const uint8_t id_hash[FM_WEBSESSION_HASHLEN]);

/* 'fm_websessions_end_user()' - end every session of login; how many, -1
 * on a store error. */
int fm_websessions_end_user(fm_store_t *store, const char *login);

#endif
