/*
 * apitokens.h - per-person API tokens for scripts (followme-webd(8)).
 *
 * A token is 256 random bits, written "fmt_" and 64 lower-case hex
 * digits; the prefix lets people and secret scanners recognise one.  The
 * store keeps only its SHA-256 (the token is high-entropy, so a slow
 * hash would add nothing), its owner, a name, who made it and when, when
 * it was last used (written at most once a minute), when it expires (or
 * never) and whether and by whom it was revoked.  A token acts as its
 * owner with the owner's roles at the time of each request.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_APITOKENS_H
#define FM_APITOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define FM_APITOKEN_LEN 32     /* random bytes in a token */
#define FM_APITOKEN_HASHLEN 32 /* SHA-256 */
#define FM_APITOKEN_PREFIX "fmt_"
#define FM_APITOKEN_PREFIXLEN 4
/* Characters in a token's text, without its NUL. */
#define FM_APITOKEN_TEXTLEN (FM_APITOKEN_PREFIXLEN + 2 * FM_APITOKEN_LEN)
#define FM_APITOKEN_NAMEMAX 128 /* a token's name, bytes with the NUL */
#define FM_APITOKEN_TEXTMAX 256 /* logins */
/* Live (neither revoked nor expired) tokens one person may hold. */
#define FM_APITOKEN_PER_USER 20

struct fm_apitoken {
	int64_t id;
	char owner[FM_APITOKEN_TEXTMAX];
	char name[FM_APITOKEN_NAMEMAX];
	char created_by[FM_APITOKEN_TEXTMAX];
	int64_t created_at;
	int64_t last_used;  /* 0: never */
	int64_t expires_at; /* 0: never */
	int64_t revoked_at; /* 0: not revoked */
	char revoked_by[FM_APITOKEN_TEXTMAX];
	/* fm_apitokens_find() wrote last_used now (a minute had passed):
	 * the use the authentication log records. */
	bool touched;
};

/* What a token presented with a request is. */
enum fm_apitoken_state {
	FM_APITOKEN_ERROR = -1, /* the store failed */
	FM_APITOKEN_UNKNOWN,    /* no such token */
	FM_APITOKEN_LIVE,
	FM_APITOKEN_REVOKED,
	FM_APITOKEN_EXPIRED,
};

/* 'fm_apitokens_hash()' - the SHA-256 a token is kept under. */
void fm_apitokens_hash(
    const uint8_t token[FM_APITOKEN_LEN], uint8_t out[FM_APITOKEN_HASHLEN]);

/*
 * 'fm_apitokens_format()' - the text of token into out (size bytes, at
 * least FM_APITOKEN_TEXTLEN + 1); false if it does not fit.
 */
bool fm_apitokens_format(
    const uint8_t token[FM_APITOKEN_LEN], char *out, size_t size);

/*
 * 'fm_apitokens_name_is_valid()' - is name (len bytes) fit to name a
 * token: 1 to FM_APITOKEN_NAMEMAX - 1 bytes of UTF-8 without control
 * characters?
 */
bool fm_apitokens_name_is_valid(const char *name, size_t len);

/*
 * 'fm_apitokens_create()' - a new token for t->owner named t->name,
 * made by t->created_by at now, expiring at t->expires_at (0: never).
 * Its text goes to text (size bytes, at least FM_APITOKEN_TEXTLEN + 1),
 * for the caller to show once and wipe; t->id and t->created_at are set.
 * Call inside a transaction (fm_audit_change()) so that the per-person
 * limit holds.  False with *errstr (static) on a bad argument, when the
 * owner holds FM_APITOKEN_PER_USER live tokens already, or on a store
 * error (then *errstr is NULL).
 */
bool fm_apitokens_create(fm_store_t *store, struct fm_apitoken *t, int64_t now,
    char *text, size_t size, const char **errstr);

/*
 * 'fm_apitokens_find()' - the token whose hash is hash, into *out (also
 * for a revoked or expired one); a live token's last use becomes now,
 * written only when a minute has passed, so that a script's requests
 * cost no write each.
 */
enum fm_apitoken_state fm_apitokens_find(fm_store_t *store,
    const uint8_t hash[FM_APITOKEN_HASHLEN], int64_t now,
    struct fm_apitoken *out);

/* 'fm_apitokens_get()' - token id into *out; 1 found, 0 none, -1 store
 * error. */
int fm_apitokens_get(fm_store_t *store, int64_t id, struct fm_apitoken *out);

/*
 * 'fm_apitokens_list()' - call fn for each token of owner (NULL: of
 * everyone), newest first, revoked and expired ones included; false on
 * a store error or when fn returns false.
 */
bool fm_apitokens_list(fm_store_t *store, const char *owner,
    bool (*fn)(const struct fm_apitoken *t, void *arg), void *arg);

/*
 * 'fm_apitokens_revoke()' - revoke token id, by by at now; with owner
 * not NULL only if the token is owner's.  1 revoked, 0 no such token (or
 * not owner's, or revoked already), -1 store error.
 */
int fm_apitokens_revoke(fm_store_t *store, int64_t id, const char *owner,
    const char *by, int64_t now);

/* 'fm_apitokens_state()' - what t is at now. */
enum fm_apitoken_state fm_apitokens_state(
    const struct fm_apitoken *t, int64_t now);

#endif
