/*
 * apitokens.c - per-person API tokens: the SQL side.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/apitokens.h"

#include <stddef.h>
#include <string.h>

#include <mbedtls/md.h>

#include "common/aead.h"
#include "common/hex.h"
#include "common/utf8.h"
#include "store/sql.h"

/* A token's last use is written at most this often (seconds). */
#define TOUCH_EVERY 60

void
fm_apitokens_hash(
    const uint8_t token[FM_APITOKEN_LEN], uint8_t out[FM_APITOKEN_HASHLEN])
{
	mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), token,
	    FM_APITOKEN_LEN, out);
}

bool
fm_apitokens_format(
    const uint8_t token[FM_APITOKEN_LEN], char *out, size_t size)
{
	if (token == NULL || out == NULL || size < FM_APITOKEN_TEXTLEN + 1)
		return false;
	memcpy(out, FM_APITOKEN_PREFIX, FM_APITOKEN_PREFIXLEN);
	return fm_hex_encode(token, FM_APITOKEN_LEN,
	    out + FM_APITOKEN_PREFIXLEN, size - FM_APITOKEN_PREFIXLEN);
}

bool
fm_apitokens_name_is_valid(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t off = 0;
	long cp;

	if (name == NULL || len == 0 || len >= FM_APITOKEN_NAMEMAX)
		return false;
	while (off < len) {
		off += fm_utf8_next(s + off, len - off, &cp);
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
		    fm_utf8_is_invisible(cp))
			return false;
	}
	return true;
}

enum fm_apitoken_state
fm_apitokens_state(const struct fm_apitoken *t, int64_t now)
{
	if (t == NULL)
		return FM_APITOKEN_UNKNOWN;
	if (t->revoked_at > 0)
		return FM_APITOKEN_REVOKED;
	if (t->expires_at > 0 && now >= t->expires_at)
		return FM_APITOKEN_EXPIRED;
	return FM_APITOKEN_LIVE;
}

bool
fm_apitokens_create(fm_store_t *store, struct fm_apitoken *t, int64_t now,
    char *text, size_t size, const char **errstr)
{
	uint8_t raw[FM_APITOKEN_LEN], hash[FM_APITOKEN_HASHLEN];
	int64_t live = 0;
	bool ok;

	*errstr = "bad arguments";
	if (store == NULL || t == NULL || text == NULL ||
	    size < FM_APITOKEN_TEXTLEN + 1 || t->owner[0] == '\0' ||
	    !fm_apitokens_name_is_valid(t->name, strlen(t->name)) ||
	    t->expires_at < 0 || (t->expires_at > 0 && t->expires_at <= now))
		return false;
	if (fm_sql_int(store,
	        "SELECT count(*) FROM api_tokens WHERE owner = ?1"
	        " AND revoked_at IS NULL"
	        " AND (expires_at IS NULL OR expires_at > ?2)",
	        &live, FM_ARG_TEXT(t->owner),
	        FM_ARG_INT(now)) != FM_SQL_FOUND) {
		*errstr = NULL;
		return false;
	}
	if (live >= FM_APITOKEN_PER_USER) {
		*errstr = "too many live tokens: revoke one first";
		return false;
	}
	*errstr = "no random numbers";
	if (!fm_random(raw, sizeof(raw)))
		return false;
	*errstr = NULL;
	fm_apitokens_hash(raw, hash);
	ok = fm_apitokens_format(raw, text, size);
	fm_wipe(raw, sizeof(raw));
	if (!ok ||
	    !fm_sql_exec(store,
	        "INSERT INTO api_tokens (hash, owner, name, created_by,"
	        " created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	        FM_ARG_BLOB(hash, sizeof(hash)), FM_ARG_TEXT(t->owner),
	        FM_ARG_TEXT(t->name), FM_ARG_TEXT(t->created_by),
	        FM_ARG_INT(now),
	        t->expires_at > 0 ? FM_ARG_INT(t->expires_at) : FM_ARG_NULL)) {
		fm_wipe(text, size);
		return false;
	}
	t->id = fm_sql_last_id(store);
	t->created_at = now;
	t->last_used = t->revoked_at = 0;
	t->revoked_by[0] = '\0';
	return true;
}

#define COLUMNS                                                                \
	"id, owner, name, created_by, created_at, last_used, expires_at,"      \
	" revoked_at, revoked_by"
#define C(kind, member) FM_COL_##kind(struct fm_apitoken, member)
static const struct fm_sql_col token_cols[] = {C(INT, id), C(TEXT, owner),
    C(TEXT, name), C(TEXT, created_by), C(INT, created_at), C(INT, last_used),
    C(INT, expires_at), C(INT, revoked_at), C(TEXT, revoked_by), FM_COL_END};
#undef C

enum fm_apitoken_state
fm_apitokens_find(fm_store_t *store, const uint8_t hash[FM_APITOKEN_HASHLEN],
    int64_t now, struct fm_apitoken *out)
{
	enum fm_apitoken_state st;

	if (store == NULL || hash == NULL || out == NULL)
		return FM_APITOKEN_ERROR;
	memset(out, 0, sizeof(*out));
	switch (fm_sql_get(store,
	    "SELECT " COLUMNS " FROM api_tokens WHERE hash = ?1", token_cols,
	    out, FM_ARG_BLOB(hash, FM_APITOKEN_HASHLEN))) {
	case FM_SQL_FOUND:
		break;
	case FM_SQL_NONE:
		return FM_APITOKEN_UNKNOWN;
	default:
		return FM_APITOKEN_ERROR;
	}
	st = fm_apitokens_state(out, now);
	if (st == FM_APITOKEN_LIVE && now - out->last_used >= TOUCH_EVERY) {
		if (!fm_sql_exec(store,
		        "UPDATE api_tokens SET last_used = ?2 WHERE id = ?1",
		        FM_ARG_INT(out->id), FM_ARG_INT(now)))
			return FM_APITOKEN_ERROR;
		out->last_used = now;
		out->touched = true;
	}
	return st;
}

int
fm_apitokens_get(fm_store_t *store, int64_t id, struct fm_apitoken *out)
{
	if (store == NULL || out == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	switch (fm_sql_get(store,
	    "SELECT " COLUMNS " FROM api_tokens WHERE id = ?1", token_cols, out,
	    FM_ARG_INT(id))) {
	case FM_SQL_FOUND:
		return 1;
	case FM_SQL_NONE:
		return 0;
	default:
		return -1;
	}
}

bool
fm_apitokens_list(fm_store_t *store, const char *owner,
    bool (*fn)(const struct fm_apitoken *t, void *arg), void *arg)
{
	struct fm_sql_rows rows;
	struct fm_apitoken t;
	bool ok;

	if (store == NULL || fn == NULL)
		return false;
	if (owner != NULL)
		ok = fm_sql_open(&rows, store,
		    "SELECT " COLUMNS " FROM api_tokens WHERE owner = ?1"
		    " ORDER BY id DESC",
		    FM_ARG_TEXT(owner));
	else
		ok = fm_sql_open(&rows, store,
		    "SELECT " COLUMNS " FROM api_tokens ORDER BY id DESC",
		    FM_ARG_SKIP);
	while (ok && fm_sql_next(&rows, token_cols, &t))
		ok = fn(&t, arg);
	return fm_sql_close(&rows) && ok;
}

int
fm_apitokens_revoke(fm_store_t *store, int64_t id, const char *owner,
    const char *by, int64_t now)
{
	if (store == NULL || by == NULL)
		return -1;
	if (!fm_sql_exec(store,
	        "UPDATE api_tokens SET revoked_at = ?2, revoked_by = ?3"
	        " WHERE id = ?1 AND revoked_at IS NULL"
	        " AND (?4 IS NULL OR owner = ?4)",
	        FM_ARG_INT(id), FM_ARG_INT(now), FM_ARG_TEXT(by),
	        owner != NULL ? FM_ARG_TEXT(owner) : FM_ARG_NULL))
		return -1;
	return fm_sql_changes(store) > 0 ? 1 : 0;
}
