/*
 * websessions.c - the web console's sessions: the SQL side.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/websessions.h"

#include <stddef.h>
#include <string.h>

#include <mbedtls/md.h>

#include "store/sql.h"

/* A session's last use is written at most this often (seconds). */
#define TOUCH_EVERY 60

void
fm_websessions_hash_id(
    const uint8_t id[FM_WEBSESSION_IDLEN], uint8_t out[FM_WEBSESSION_HASHLEN])
{
	mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), id,
	    FM_WEBSESSION_IDLEN, out);
}

bool
fm_websessions_create(fm_store_t *store,
    const uint8_t id_hash[FM_WEBSESSION_HASHLEN], const struct fm_websession *s,
    int64_t now)
{
	if (store == NULL || id_hash == NULL || s == NULL ||
	    s->login[0] == '\0')
		return false;
	return fm_sql_exec(store,
	    "INSERT INTO web_sessions (id_hash, login, csrf, language,"
	    " address, created_at, last_seen)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
	    FM_ARG_BLOB(id_hash, FM_WEBSESSION_HASHLEN), FM_ARG_TEXT(s->login),
	    FM_ARG_TEXT(s->csrf), FM_ARG_TEXT(s->language),
	    FM_ARG_TEXT(s->address), FM_ARG_INT(now));
}

#define C(kind, member) FM_COL_##kind(struct fm_websession, member)
static const struct fm_sql_col session_cols[] = {C(TEXT, login), C(TEXT, csrf),
    C(TEXT, language), C(TEXT, address), C(INT, created_at), C(INT, last_seen),
    FM_COL_END};
#undef C

int
fm_websessions_find(fm_store_t *store,
    const uint8_t id_hash[FM_WEBSESSION_HASHLEN],
    const struct fm_websession_limits *lim, int64_t now,
    struct fm_websession *out)
{
	const struct fm_sql_arg *key;

	if (store == NULL || id_hash == NULL || lim == NULL || out == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	key = FM_SQL_ARGS(FM_ARG_BLOB(id_hash, FM_WEBSESSION_HASHLEN));
	switch (fm_sql_get_args(store,
	    "SELECT login, csrf, language, address, created_at, last_seen"
	    " FROM web_sessions WHERE id_hash = ?1",
	    session_cols, out, key)) {
	case FM_SQL_FOUND:
		break;
	case FM_SQL_NONE:
		return 0;
	default:
		return -1;
	}
	if (now - out->last_seen >= lim->idle ||
	    now - out->created_at >= lim->max || now < out->created_at) {
		fm_sql_exec_args(
		    store, "DELETE FROM web_sessions WHERE id_hash = ?1", key);
		memset(out, 0, sizeof(*out));
		return 0;
	}
	if (now - out->last_seen >= TOUCH_EVERY) {
		if (!fm_sql_exec(store,
		        "UPDATE web_sessions SET last_seen = ?2"
		        " WHERE id_hash = ?1",
		        FM_ARG_BLOB(id_hash, FM_WEBSESSION_HASHLEN),
		        FM_ARG_INT(now)))
			return -1;
		out->last_seen = now;
	}
	return 1;
}

bool
fm_websessions_set_language(fm_store_t *store,
    const uint8_t id_hash[FM_WEBSESSION_HASHLEN], const char *language)
{
	if (store == NULL || id_hash == NULL || language == NULL ||
	    (strcmp(language, "") != 0 && strcmp(language, "en") != 0 &&
	        strcmp(language, "fr") != 0))
		return false;
	return fm_sql_exec(store,
	    "UPDATE web_sessions SET language = ?2 WHERE id_hash = ?1",
	    FM_ARG_BLOB(id_hash, FM_WEBSESSION_HASHLEN), FM_ARG_TEXT(language));
}

bool
fm_websessions_end(
    fm_store_t *store, const uint8_t id_hash[FM_WEBSESSION_HASHLEN])
{
	if (store == NULL || id_hash == NULL)
		return false;
	return fm_sql_exec(store, "DELETE FROM web_sessions WHERE id_hash = ?1",
	           FM_ARG_BLOB(id_hash, FM_WEBSESSION_HASHLEN)) &&
	    fm_sql_changes(store) > 0;
}

int
fm_websessions_end_user(fm_store_t *store, const char *login)
{
	if (store == NULL || login == NULL)
		return -1;
	if (!fm_sql_exec(store, "DELETE FROM web_sessions WHERE login = ?1",
	        FM_ARG_TEXT(login)))
		return -1;
	return (int)fm_sql_changes(store);
}
