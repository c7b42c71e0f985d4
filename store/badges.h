/*
 * badges.h - badge UIDs associated with users, stored only as a keyed
 * hash (HMAC-SHA256 with the site's badge key, a 32-byte file under
 * state_dir created 0600 on first use), so that a stolen database does
 * not list the badges that open the printers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_BADGES_H
#define FM_BADGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define FM_BADGES_KEYLEN 32
#define FM_BADGES_UIDMAX 32 /* bytes of a normalised UID */
#define FM_BADGES_HASHLEN 32

/*
 * 'fm_badges_parse_uid()' - parse len bytes of buf as a badge UID in hex
 * ("04A1B2C3", "04:a1:b2:c3", "04-A1-B2-C3"): 4 to 32 bytes.  Writes the
 * bytes into uid (FM_BADGES_UIDMAX) and their number into *uidlen.
 */
bool fm_badges_parse_uid(
    const char *buf, size_t len, uint8_t *uid, size_t *uidlen);

/*
 * 'fm_badges_add()' - associate uid with login, label being a note for
 * the admin ("blue card").  False with *errstr if the user does not exist
 * or the badge already belongs to someone.
 */
bool fm_badges_add(fm_store_t *store, const uint8_t *key, const char *login,
    const uint8_t *uid, size_t uidlen, const char *label, const char **errstr);

/* 'fm_badges_remove()' - forget uid; false if it was not known. */
bool fm_badges_remove(
    fm_store_t *store, const uint8_t *key, const uint8_t *uid, size_t uidlen);

/*
 * 'fm_badges_remove_own()' - forget login's badge whose fingerprint (as
 * fm_badges_list() gives it) is fingerprint: a user unlinking a lost
 * badge.  False if login has no such badge or on a store error.
 */
bool fm_badges_remove_own(
    fm_store_t *store, const char *login, const char *fingerprint);

/*
 * 'fm_badges_lookup()' - the login (into login, size bytes) of uid's
 * owner, enabled or not (a disabled user's badge is still theirs: it must
 * not look free to register); false if the badge is unknown.
 */
bool fm_badges_lookup(fm_store_t *store, const uint8_t *key, const uint8_t *uid,
    size_t uidlen, char *login, size_t size);

/* 'fm_badges_list()' - call fn for each badge of login, oldest first, with
 * a short fingerprint (the first hash bytes in hex) and the label. */
bool fm_badges_list(fm_store_t *store, const char *login,
    bool (*fn)(const char *fingerprint, const char *label, int64_t created_at,
        void *arg),
    void *arg);

/*
 * 'fm_badges_hash()' - the keyed hash under which uid (uidlen bytes, at
 * least one) is stored, into out (FM_BADGES_HASHLEN bytes).  False if an
 * argument is missing.
 */
bool fm_badges_hash(
    const uint8_t *key, const uint8_t *uid, size_t uidlen, uint8_t *out);

typedef struct fm_badges_hasher fm_badges_hasher_t;

/*
 * 'fm_badges_hasher_new()', 'fm_badges_hasher_hash()',
 * 'fm_badges_hasher_free()' - fm_badges_hash() under one key for many
 * badges (a directory sync hashes every user's): the key's part of the
 * work is done once, by _new() (NULL if out of memory or key is NULL).
 * _hash() gives what fm_badges_hash() gives; _free(NULL) does nothing.
 */
fm_badges_hasher_t *fm_badges_hasher_new(const uint8_t *key);
bool fm_badges_hasher_hash(
    fm_badges_hasher_t *h, const uint8_t *uid, size_t uidlen, uint8_t *out);
void fm_badges_hasher_free(fm_badges_hasher_t *h);

/*
 * 'fm_badges_owner()' - who holds the badge whose hash is hash: the user's
 * id into *user_id and whether the directory gave it into *directory.
 * False if nobody does (or on a database error).
 */
bool fm_badges_owner(
    fm_store_t *store, const uint8_t *hash, int64_t *user_id, bool *directory);

/*
 * 'fm_badges_put()' - record the badge whose hash is hash for user_id,
 * from the directory if directory (else by hand), with label; inside the
 * caller's transaction.  False if the badge is someone's already.
 */
bool fm_badges_put(fm_store_t *store, const uint8_t *hash, int64_t user_id,
    bool directory, const char *label);

/*
 * 'fm_badges_put_unless_held()' - fm_badges_put(), unless someone holds
 * the badge already: then nothing is written and *added is false.  False
 * on a database error.
 */
bool fm_badges_put_unless_held(fm_store_t *store, const uint8_t *hash,
    int64_t user_id, bool directory, const char *label, bool *added);

/*
 * 'fm_badges_put_directory()' - fm_badges_put_unless_held() for n badges
 * from the directory, in a few statements: hashes holds n hashes end to
 * end (in hash order, for the index, though any order is right), hash k
 * for user_ids[k]; added[k] tells whether it was written.  The same hash
 * twice: the first listed gets it.  False on a database error.
 */
bool fm_badges_put_directory(fm_store_t *store, const uint8_t *hashes,
    const int64_t *user_ids, size_t n, const char *label, bool *added);

/* 'fm_badges_drop()' - forget the badge whose hash is hash; false if it
 * was not known. */
bool fm_badges_drop(fm_store_t *store, const uint8_t *hash);

/*
 * 'fm_badges_each_directory()' - call fn with the hash and the user id of
 * each badge the directory gave (of user_id only, if user_id > 0).  The
 * callback must not change the badges table.  False on a database error
 * or if fn returns false.
 */
bool fm_badges_each_directory(fm_store_t *store, int64_t user_id,
    bool (*fn)(const uint8_t *hash, int64_t user_id, void *arg), void *arg);

#endif
