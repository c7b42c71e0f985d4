/*
 * badges.c - keyed hashes of badge UIDs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/badges.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/md.h>

#include "common/aead.h"
#include "common/hex.h"
#include "store/sql.h"

#define HASH_LEN FM_BADGES_HASHLEN

static bool badge_hash(
    const uint8_t *key, const uint8_t *uid, size_t uidlen, uint8_t *out);

bool
fm_badges_parse_uid(const char *buf, size_t len, uint8_t *uid, size_t *uidlen)
{
	size_t n = 0;
	int hi = -1;
	uint8_t v;

	if (buf == NULL || uid == NULL || uidlen == NULL)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!fm_hex_digit(buf[i], &v)) {
			/* Separators only between whole bytes. */
			if ((buf[i] != ':' && buf[i] != '-') || hi >= 0 ||
			    i == 0 || i + 1 == len)
				return false;
			continue;
		}
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == FM_BADGES_UIDMAX)
			return false;
		uid[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0 || n < 4)
		return false;
	*uidlen = n;
	return true;
}

bool
fm_badges_hash(
    const uint8_t *key, const uint8_t *uid, size_t uidlen, uint8_t *out)
{
	return out != NULL && badge_hash(key, uid, uidlen, out);
}

struct owner_row {
	int64_t user_id;
	bool directory;
};

bool
fm_badges_owner(
    fm_store_t *store, const uint8_t *hash, int64_t *user_id, bool *directory)
{
	struct owner_row row = {0, false};
	const struct fm_sql_col cols[] = {FM_COL_INT(struct owner_row, user_id),
	    FM_COL_BOOL(struct owner_row, directory), FM_COL_END};

	if (store == NULL || hash == NULL || user_id == NULL ||
	    directory == NULL)
		return false;
	if (fm_sql_get(store,
	        "SELECT user_id, source = 'directory' FROM badges"
	        " WHERE hash = ?1",
	        cols, &row, FM_ARG_BLOB(hash, HASH_LEN)) != FM_SQL_FOUND)
		return false;
	*user_id = row.user_id;
	*directory = row.directory;
	return true;
}

bool
fm_badges_put(fm_store_t *store, const uint8_t *hash, int64_t user_id,
    bool directory, const char *label)
{
	bool added;

	return fm_badges_put_unless_held(
	           store, hash, user_id, directory, label, &added) &&
	    added;
}

bool
fm_badges_put_unless_held(fm_store_t *store, const uint8_t *hash,
    int64_t user_id, bool directory, const char *label, bool *added)
{
	if (store == NULL || hash == NULL || user_id <= 0 || added == NULL)
		return false;
	*added = false;
	if (!fm_sql_exec(store,
	        "INSERT INTO badges (hash, user_id, label, created_at, source)"
	        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (hash) DO NOTHING",
	        FM_ARG_BLOB(hash, HASH_LEN), FM_ARG_INT(user_id),
	        FM_ARG_TEXT(label ? label : ""),
	        FM_ARG_INT(fm_store_now(store)),
	        FM_ARG_TEXT(directory ? "directory" : "manual")))
		return false;
	*added = fm_sql_changes(store) == 1;
	return true;
}

/* A row of fm_badges_put_directory(), 64 and 8 of them in one statement:
 * one statement a row would open and free a cursor for each. */
#define DIR_ROW "(?, ?, ?, ?, 'directory')"
#define ROWS2(r) r ", " r
#define ROWS8(r) ROWS2(ROWS2(ROWS2(r)))
#define PUT_DIRECTORY(rows)                                                    \
	"INSERT INTO badges (hash, user_id, label, created_at, source)"        \
	" VALUES " rows " ON CONFLICT (hash) DO NOTHING"
static const char *const put_directory_sql[] = {
    PUT_DIRECTORY(ROWS8(ROWS8(DIR_ROW))), PUT_DIRECTORY(ROWS8(DIR_ROW)),
    PUT_DIRECTORY(DIR_ROW)};
static const size_t put_directory_rows[] = {64, 8, 1};

/* Which of rows at..at + m - 1 went in, when not all did: the rows are
 * numbered upwards, so a hash whose row is newer than the newest before
 * the statement (last) went in, for the first row that names it. */
static bool
put_directory_which(fm_store_t *store, const uint8_t *hashes, size_t at,
    size_t m, int64_t last, bool *added)
{
	for (size_t k = at; k < at + m; k++) {
		const uint8_t *h = hashes + k * HASH_LEN;
		int64_t row = 0;
		bool first = true;

		for (size_t j = at; first && j < k; j++)
			first = memcmp(hashes + j * HASH_LEN, h, HASH_LEN) != 0;
		if (!first)
			continue;
		if (fm_sql_int(store,
		        "SELECT rowid FROM badges WHERE hash = ?1", &row,
		        FM_ARG_BLOB(h, HASH_LEN)) == FM_SQL_ERROR)
			return false;
		added[k] = row > last;
	}
	return true;
}

/* Rows at..at + m - 1 of fm_badges_put_directory() in one statement. */
static bool
put_directory_chunk(fm_store_t *store, const uint8_t *hashes,
    const int64_t *user_ids, size_t at, size_t m, const char *sql,
    const char *label, int64_t now, bool *added)
{
	struct fm_sql_arg args[4 * 64 + 1], *a = args;
	int64_t last = 0;

	if (fm_sql_int(store, "SELECT coalesce(max(rowid), 0) FROM badges",
	        &last, FM_NO_ARGS) != FM_SQL_FOUND)
		return false;
	for (size_t k = at; k < at + m; k++) {
		*a++ = FM_ARG_BLOB(hashes + k * HASH_LEN, HASH_LEN);
		*a++ = FM_ARG_INT(user_ids[k]);
		*a++ = FM_ARG_TEXT(label);
		*a++ = FM_ARG_INT(now);
	}
	*a = FM_NO_ARGS;
	if (!fm_sql_exec_args(store, sql, args))
		return false;
	if (fm_sql_changes(store) == (int64_t)m) {
		for (size_t k = at; k < at + m; k++)
			added[k] = true;
		return true;
	}
	return put_directory_which(store, hashes, at, m, last, added);
}

bool
fm_badges_put_directory(fm_store_t *store, const uint8_t *hashes,
    const int64_t *user_ids, size_t n, const char *label, bool *added)
{
	int64_t now;

	if (store == NULL ||
	    (n > 0 && (hashes == NULL || user_ids == NULL || added == NULL)))
		return false;
	now = fm_store_now(store);
	for (size_t k = 0; k < n; k++)
		added[k] = false;
	for (size_t at = 0, c = 0; at < n; at += put_directory_rows[c]) {
		while (n - at < put_directory_rows[c])
			c++;
		if (!put_directory_chunk(store, hashes, user_ids, at,
		        put_directory_rows[c], put_directory_sql[c],
		        label ? label : "", now, added))
			return false;
	}
	return true;
}

bool
fm_badges_drop(fm_store_t *store, const uint8_t *hash)
{
	if (store == NULL || hash == NULL)
		return false;
	return fm_sql_exec(store, "DELETE FROM badges WHERE hash = ?1",
	           FM_ARG_BLOB(hash, HASH_LEN)) &&
	    fm_sql_changes(store) == 1;
}

bool
fm_badges_each_directory(fm_store_t *store, int64_t user_id,
    bool (*fn)(const uint8_t *hash, int64_t user_id, void *arg), void *arg)
{
	struct fm_sql_rows rows;
	bool ok;

	if (store == NULL || fn == NULL)
		return false;
	/* A user's badges by the user's index; all of them in one pass over
	 * the table, in its order (the index on source would send each of
	 * a whole directory's rows to a seek in the table). */
	if (user_id > 0)
		ok = fm_sql_open(&rows, store,
		    "SELECT hash, user_id FROM badges WHERE user_id = ?1"
		    " AND source = 'directory'",
		    FM_ARG_INT(user_id));
	else
		ok = fm_sql_open(&rows, store,
		    "SELECT hash, user_id FROM badges"
		    " WHERE +source = 'directory'",
		    FM_NO_ARGS);
	while (ok && fm_sql_next(&rows, NULL, NULL)) {
		if (sqlite3_column_bytes(rows.st, 0) != HASH_LEN)
			continue;
		ok = fn(sqlite3_column_blob(rows.st, 0),
		    sqlite3_column_int64(rows.st, 1), arg);
	}
	return fm_sql_close(&rows) && ok;
}

static bool
badge_hash(const uint8_t *key, const uint8_t *uid, size_t uidlen, uint8_t *out)
{
	return key != NULL && uid != NULL && uidlen > 0 &&
	    mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key,
	        FM_BADGES_KEYLEN, uid, uidlen, out) == 0;
}

/* HMAC-SHA256 (RFC 2104) with the hash states after the key's inner
 * and outer blocks kept: each badge then costs two compressions, not
 * four, and no allocation. */
struct fm_badges_hasher {
	mbedtls_md_context_t inner, outer, work;
};

#define SHA256_BLOCK 64

fm_badges_hasher_t *
fm_badges_hasher_new(const uint8_t *key)
{
	const mbedtls_md_info_t *md =
	    mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	uint8_t ipad[SHA256_BLOCK], opad[SHA256_BLOCK];
	fm_badges_hasher_t *h;
	bool ok;

	if (key == NULL || md == NULL || (h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	mbedtls_md_init(&h->inner);
	mbedtls_md_init(&h->outer);
	mbedtls_md_init(&h->work);
	memset(ipad, 0x36, sizeof(ipad));
	memset(opad, 0x5c, sizeof(opad));
	for (size_t i = 0; i < FM_BADGES_KEYLEN; i++) {
		ipad[i] ^= key[i];
		opad[i] ^= key[i];
	}
	ok = mbedtls_md_setup(&h->inner, md, 0) == 0 &&
	    mbedtls_md_setup(&h->outer, md, 0) == 0 &&
	    mbedtls_md_setup(&h->work, md, 0) == 0 &&
	    mbedtls_md_starts(&h->inner) == 0 &&
	    mbedtls_md_update(&h->inner, ipad, sizeof(ipad)) == 0 &&
	    mbedtls_md_starts(&h->outer) == 0 &&
	    mbedtls_md_update(&h->outer, opad, sizeof(opad)) == 0;
	fm_wipe(ipad, sizeof(ipad));
	fm_wipe(opad, sizeof(opad));
	if (!ok) {
		fm_badges_hasher_free(h);
		return NULL;
	}
	return h;
}

bool
fm_badges_hasher_hash(
    fm_badges_hasher_t *h, const uint8_t *uid, size_t uidlen, uint8_t *out)
{
	uint8_t inner[HASH_LEN];
	bool ok;

	if (h == NULL || uid == NULL || uidlen == 0 || out == NULL)
		return false;
	ok = mbedtls_md_clone(&h->work, &h->inner) == 0 &&
	    mbedtls_md_update(&h->work, uid, uidlen) == 0 &&
	    mbedtls_md_finish(&h->work, inner) == 0 &&
	    mbedtls_md_clone(&h->work, &h->outer) == 0 &&
	    mbedtls_md_update(&h->work, inner, sizeof(inner)) == 0 &&
	    mbedtls_md_finish(&h->work, out) == 0;
	fm_wipe(inner, sizeof(inner));
	return ok;
}

void
fm_badges_hasher_free(fm_badges_hasher_t *h)
{
	if (h == NULL)
		return;
	/* The states hold what the key gives: mbedtls_md_free() wipes
	 * them. */
	mbedtls_md_free(&h->inner);
	mbedtls_md_free(&h->outer);
	mbedtls_md_free(&h->work);
	free(h);
}

bool
fm_badges_add(fm_store_t *store, const uint8_t *key, const char *login,
    const uint8_t *uid, size_t uidlen, const char *label, const char **errstr)
{
	const char *dummy;
	uint8_t hash[HASH_LEN];
	int64_t user_id = 0;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || !badge_hash(key, uid, uidlen, hash)) {
		*errstr = "bad badge";
		return false;
	}
	/* The users table belongs to quota/ (a user is an account); the
	 * store reads only the id it links the badge to. */
	if (login == NULL ||
	    fm_sql_int(store, "SELECT id FROM users WHERE login = ?1", &user_id,
	        FM_ARG_TEXT(login)) != FM_SQL_FOUND) {
		*errstr = "no such user";
		return false;
	}
	if (!fm_sql_exec(store,
	        "INSERT INTO badges (hash, user_id, label, created_at)"
	        " VALUES (?1, ?2, ?3, ?4)",
	        FM_ARG_BLOB(hash, HASH_LEN), FM_ARG_INT(user_id),
	        FM_ARG_TEXT(label ? label : ""),
	        FM_ARG_INT(fm_store_now(store)))) {
		*errstr = "that badge is already registered";
		return false;
	}
	return true;
}

bool
fm_badges_remove(
    fm_store_t *store, const uint8_t *key, const uint8_t *uid, size_t uidlen)
{
	uint8_t hash[HASH_LEN];

	if (store == NULL || !badge_hash(key, uid, uidlen, hash))
		return false;
	return fm_sql_exec(store, "DELETE FROM badges WHERE hash = ?1",
	           FM_ARG_BLOB(hash, HASH_LEN)) &&
	    fm_sql_changes(store) == 1;
}

bool
fm_badges_lookup(fm_store_t *store, const uint8_t *key, const uint8_t *uid,
    size_t uidlen, char *login, size_t size)
{
	const struct fm_sql_col cols[] = {
	    {FM_SQL_COL_TEXT, 0, size}, FM_COL_END};
	uint8_t hash[HASH_LEN];

	if (store == NULL || login == NULL || size == 0 ||
	    !badge_hash(key, uid, uidlen, hash))
		return false;
	/* An equality lookup on the hash: the key makes the hash
	 * unpredictable, so the index lookup's timing reveals nothing
	 * useful about other badges. */
	return fm_sql_get(store,
	           "SELECT u.login FROM badges b JOIN users u"
	           " ON u.id = b.user_id WHERE b.hash = ?1",
	           cols, login, FM_ARG_BLOB(hash, HASH_LEN)) == FM_SQL_FOUND;
}

bool
fm_badges_remove_own(
    fm_store_t *store, const char *login, const char *fingerprint)
{
	if (store == NULL || login == NULL || fingerprint == NULL ||
	    strlen(fingerprint) != 12)
		return false;
	return fm_sql_exec(store,
	           "DELETE FROM badges WHERE lower(hex(substr(hash, 1, 6))) = "
	           "?2"
	           " AND user_id = (SELECT id FROM users WHERE login = ?1)",
	           FM_ARG_TEXT(login), FM_ARG_TEXT(fingerprint)) &&
	    fm_sql_changes(store) == 1;
}

bool
fm_badges_list(fm_store_t *store, const char *login,
    bool (*fn)(const char *fingerprint, const char *label, int64_t created_at,
        void *arg),
    void *arg)
{
	struct fm_sql_rows rows;
	bool ok;

	if (store == NULL || login == NULL || fn == NULL)
		return false;
	ok = fm_sql_open(&rows, store,
	    "SELECT lower(hex(substr(b.hash, 1, 6))), b.label, b.created_at"
	    " FROM badges b JOIN users u ON u.id = b.user_id"
	    " WHERE u.login = ?1 ORDER BY b.created_at, b.rowid",
	    FM_ARG_TEXT(login));
	while (ok && fm_sql_next(&rows, NULL, NULL))
		ok = fn(fm_sql_text(rows.st, 0), fm_sql_text(rows.st, 1),
		    sqlite3_column_int64(rows.st, 2), arg);
	return fm_sql_close(&rows) && ok;
}
