/*
 * authevents.c - the authentication log: the SQL side.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/authevents.h"

#include <stddef.h>
#include <string.h>

#include "store/sql.h"

static const char *const method_names[] = {
    [FM_AUTHEVENT_BADGE] = "badge",
    [FM_AUTHEVENT_PIN] = "pin",
    [FM_AUTHEVENT_PASSWORD] = "password",
    [FM_AUTHEVENT_WEB] = "web",
    [FM_AUTHEVENT_ADMIN] = "admin",
    [FM_AUTHEVENT_TOKEN] = "token",
};

static const char *const outcome_names[] = {
    [FM_AUTHEVENT_SUCCESS] = "success",
    [FM_AUTHEVENT_WRONG_SECRET] = "wrong-secret",
    [FM_AUTHEVENT_UNKNOWN] = "unknown",
    [FM_AUTHEVENT_LOCKED] = "locked",
    [FM_AUTHEVENT_DISABLED] = "disabled",
    [FM_AUTHEVENT_UNLOCKED] = "unlocked",
};

const char *
fm_authevent_method_name(enum fm_authevent_method m)
{
	return (unsigned)m <= FM_AUTHEVENT_METHOD_MAX ? method_names[m] : "";
}

const char *
fm_authevent_outcome_name(enum fm_authevent_outcome o)
{
	return (unsigned)o <= FM_AUTHEVENT_OUTCOME_MAX ? outcome_names[o] : "";
}

bool
fm_authevent_outcome_parse(
    const char *name, size_t len, enum fm_authevent_outcome *o)
{
	if (name == NULL || o == NULL)
		return false;
	for (int i = 0; i <= FM_AUTHEVENT_OUTCOME_MAX; i++)
		if (strlen(outcome_names[i]) == len &&
		    memcmp(outcome_names[i], name, len) == 0) {
			*o = (enum fm_authevent_outcome)i;
			return true;
		}
	return false;
}

/* A day in seconds, and the longest keep_days that cannot overflow. */
#define DAY 86400
#define KEEP_DAYS_MAX (100 * 366)

int64_t
fm_authevents_prune(fm_store_t *store, int64_t before, int64_t now)
{
	if (store == NULL ||
	    !fm_sql_exec(store, "DELETE FROM auth_events WHERE at < ?1",
	        FM_ARG_INT(before)))
		return -1;
	int64_t n = fm_sql_changes(store);
	if (!fm_sql_exec(store,
	        "INSERT INTO auth_events_pruned (one, at) VALUES (1, ?1)"
	        " ON CONFLICT (one) DO UPDATE SET at = excluded.at",
	        FM_ARG_INT(now)))
		return -1;
	return n;
}

bool
fm_authevents_add(fm_store_t *store, struct fm_authevent *e, int64_t keep_days)
{
	int64_t last = 0;

	if (store == NULL || e == NULL || keep_days < 1 ||
	    keep_days > KEEP_DAYS_MAX ||
	    fm_authevent_method_name(e->method)[0] == '\0' ||
	    fm_authevent_outcome_name(e->outcome)[0] == '\0')
		return false;
	if (!fm_sql_exec(store,
	        "INSERT INTO auth_events (at, login, place, method, outcome,"
	        " actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	        FM_ARG_INT(e->at), FM_ARG_TEXT(e->login), FM_ARG_TEXT(e->place),
	        FM_ARG_TEXT(fm_authevent_method_name(e->method)),
	        FM_ARG_TEXT(fm_authevent_outcome_name(e->outcome)),
	        FM_ARG_TEXT(e->actor)))
		return false;
	e->id = fm_sql_last_id(store);
	switch (
	    fm_sql_int(store, "SELECT at FROM auth_events_pruned WHERE one = 1",
	        &last, FM_NO_ARGS)) {
	case FM_SQL_NONE:
		last = 0;
		break;
	case FM_SQL_FOUND:
		break;
	default:
		return false;
	}
	/* A clock set back makes last lie in the future: prune then too. */
	if (last != 0 && e->at >= last && e->at - last < 3600)
		return true;
	return fm_authevents_prune(store, e->at - keep_days * DAY, e->at) >= 0;
}

#define C(kind, member) FM_COL_##kind(struct fm_authevent, member)
static const struct fm_sql_col event_cols[] = {C(INT, id), C(INT, at),
    C(TEXT, login), C(TEXT, place), FM_COL_SKIP, FM_COL_SKIP, C(TEXT, actor),
    FM_COL_END};
#undef C

/* The names of the method and outcome columns (4 and 5) of a row. */
static bool
row_enums(struct fm_sql_rows *rows, struct fm_authevent *e)
{
	const char *m = fm_sql_text(rows->st, 4), *o = fm_sql_text(rows->st, 5);
	int i;

	for (i = 0; i <= FM_AUTHEVENT_METHOD_MAX; i++)
		if (strcmp(m, method_names[i]) == 0)
			break;
	e->method = (enum fm_authevent_method)i;
	return i <= FM_AUTHEVENT_METHOD_MAX &&
	    fm_authevent_outcome_parse(o, strlen(o), &e->outcome);
}

/* The filter, as the statements below bind it: ?1 login, ?2 outcome,
 * ?3 from, ?4 to, NULL for none. */
#define FILTER_SQL                                                             \
	" WHERE (?1 IS NULL OR login = ?1) AND (?2 IS NULL OR outcome = ?2)"   \
	" AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at < ?4)"
#define FILTER_ARGS(f)                                                         \
	FM_ARG_TEXT((f)->login && (f)->login[0] ? (f)->login : NULL),          \
	    FM_ARG_TEXT(                                                       \
	        (f)->outcome && (f)->outcome[0] ? (f)->outcome : NULL),        \
	    (f)->from > 0 ? FM_ARG_INT((f)->from) : FM_ARG_NULL,               \
	    (f)->to > 0 ? FM_ARG_INT((f)->to) : FM_ARG_NULL

bool
fm_authevents_list(fm_store_t *store, const struct fm_authevent_filter *f,
    int64_t offset, int64_t limit,
    bool (*fn)(const struct fm_authevent *e, void *arg), void *arg,
    int64_t *total)
{
	static const struct fm_authevent_filter none = {0};
	struct fm_sql_rows rows;
	struct fm_authevent e;
	bool ok;

	if (f == NULL)
		f = &none;
	if (store == NULL || fn == NULL || offset < 0 || limit < 0)
		return false;
	if (total != NULL &&
	    fm_sql_int(store, "SELECT count(*) FROM auth_events" FILTER_SQL,
	        total, FILTER_ARGS(f)) != FM_SQL_FOUND)
		return false;
	ok = fm_sql_open(&rows, store,
	    "SELECT id, at, login, place, method, outcome, actor"
	    " FROM auth_events" FILTER_SQL
	    " ORDER BY at DESC, id DESC LIMIT ?5 OFFSET ?6",
	    FILTER_ARGS(f), FM_ARG_INT(limit), FM_ARG_INT(offset));
	while (ok && fm_sql_next(&rows, event_cols, &e)) {
		ok = row_enums(&rows, &e) && fn(&e, arg);
	}
	return fm_sql_close(&rows) && ok;
}

#define C(kind, member) FM_COL_##kind(struct fm_authevent_lock, member)
static const struct fm_sql_col lock_cols[] = {
    C(TEXT, login), C(INT, failures), C(INT, until), FM_COL_END};
#undef C

bool
fm_authevents_locked(fm_store_t *store, int64_t window, int64_t max,
    int64_t now, bool (*fn)(const struct fm_authevent_lock *l, void *arg),
    void *arg)
{
	struct fm_sql_rows rows;
	struct fm_authevent_lock l;
	bool ok;

	if (store == NULL || fn == NULL || window < 1 || max < 1)
		return false;
	/* As fm_authlog_reserve() decides: the max-th newest failure
	 * within the window locks the user until it leaves the window. */
	ok = fm_sql_open(&rows, store,
	    "SELECT key, n, at + ?2 FROM (SELECT key, at,"
	    "  row_number() OVER (PARTITION BY key ORDER BY at DESC) AS rn,"
	    "  count(*) OVER (PARTITION BY key) AS n"
	    "  FROM auth_failures WHERE kind = 'user' AND at > ?1 - ?2"
	    "  AND key IN (SELECT login FROM users))"
	    " WHERE rn = ?3 ORDER BY key",
	    FM_ARG_INT(now), FM_ARG_INT(window), FM_ARG_INT(max));
	while (ok && fm_sql_next(&rows, lock_cols, &l))
		ok = fn(&l, arg);
	return fm_sql_close(&rows) && ok;
}
