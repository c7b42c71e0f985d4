/*
 * authlog.c - failed logins: the SQL side.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/authlog.h"

#include <stddef.h>

#include "store/sql.h"

static const char *
kind_name(enum fm_authlog_kind kind)
{
	return kind == FM_AUTHLOG_USER ? "user" : "terminal";
}

bool
fm_authlog_fail(
    fm_store_t *store, enum fm_authlog_kind kind, const char *key, int64_t now)
{
	if (store == NULL || key == NULL)
		return false;
	return fm_sql_exec(store,
	    "INSERT INTO auth_failures (kind, key, at) VALUES (?1, ?2, ?3)",
	    FM_ARG_TEXT(kind_name(kind)), FM_ARG_TEXT(key), FM_ARG_INT(now));
}

/* How long a terminal with n failures in the window waits after the last
 * one: nothing below max, then 1 s doubling with each failure. */
static int64_t
terminal_delay(const struct fm_authlog_limits *lim, int64_t n)
{
	int64_t over = n - lim->max;

	if (over < 0)
		return 0;
	if (over >= 30 || ((int64_t)1 << over) > lim->delay_max)
		return lim->delay_max;
	return (int64_t)1 << over;
}

/* A terminal's failures in the window: how many, and the last one's time. */
struct tally {
	int64_t n, last;
};

#define C(kind, member) FM_COL_##kind(struct tally, member)
static const struct fm_sql_col tally_cols[] = {
    C(INT, n), C(INT, last), FM_COL_END};
#undef C

/* The work of fm_authlog_reserve(), inside its transaction. */
static enum fm_authlog_verdict
reserve_in(fm_store_t *store, const struct fm_authlog_limits *lim,
    const char *terminal, const char *user, bool slow_terminal, int64_t now,
    struct fm_authlog_attempt *a)
{
	struct tally t = {0, 0};
	int64_t at;

	if (!fm_sql_exec(store, "DELETE FROM auth_failures WHERE at <= ?1",
	        FM_ARG_INT(now - lim->window)) ||
	    !fm_sql_exec(store, "DELETE FROM auth_checks WHERE until <= ?1",
	        FM_ARG_INT(now)))
		return FM_AUTHLOG_ERROR;
	switch (fm_sql_int(store,
	    "SELECT until FROM auth_checks WHERE terminal = ?1", &a->until,
	    FM_ARG_TEXT(terminal))) {
	case FM_SQL_FOUND:
		return FM_AUTHLOG_BUSY;
	case FM_SQL_NONE:
		break;
	default:
		return FM_AUTHLOG_ERROR;
	}
	/* The max-th newest failure decides: while it is inside the window,
	 * there were max failures within it. */
	switch (fm_sql_int(store,
	    "SELECT at FROM auth_failures WHERE kind = 'user' AND key = ?1"
	    " AND at > ?2 ORDER BY at DESC LIMIT 1 OFFSET ?3",
	    &at, FM_ARG_TEXT(user), FM_ARG_INT(now - lim->window),
	    FM_ARG_INT(lim->max - 1))) {
	case FM_SQL_FOUND:
		a->until = at + lim->window;
		return FM_AUTHLOG_USER_LOCKED;
	case FM_SQL_NONE:
		break;
	default:
		return FM_AUTHLOG_ERROR;
	}
	if (slow_terminal) {
		if (fm_sql_get(store,
		        "SELECT count(*), coalesce(max(at), 0) FROM"
		        " auth_failures WHERE kind = 'terminal' AND key = ?1"
		        " AND at > ?2",
		        tally_cols, &t, FM_ARG_TEXT(terminal),
		        FM_ARG_INT(now - lim->window)) != FM_SQL_FOUND)
			return FM_AUTHLOG_ERROR;
		a->until = t.last + terminal_delay(lim, t.n);
		if (a->until > now)
			return FM_AUTHLOG_SLOW_DOWN;
	}
	if (!fm_authlog_fail(store, FM_AUTHLOG_USER, user, now))
		return FM_AUTHLOG_ERROR;
	a->user_row = fm_sql_last_id(store);
	if (!fm_authlog_fail(store, FM_AUTHLOG_TERMINAL, terminal, now))
		return FM_AUTHLOG_ERROR;
	a->terminal_row = fm_sql_last_id(store);
	if (!fm_sql_exec(store,
	        "INSERT INTO auth_checks (terminal, until) VALUES (?1, ?2)",
	        FM_ARG_TEXT(terminal), FM_ARG_INT(now + lim->busy_max)))
		return FM_AUTHLOG_ERROR;
	a->busy_row = fm_sql_last_id(store);
	a->at = now;
	a->until = 0;
	return FM_AUTHLOG_GO;
}

enum fm_authlog_verdict
fm_authlog_reserve(fm_store_t *store, const struct fm_authlog_limits *lim,
    const char *terminal, const char *user, bool slow_terminal, int64_t now,
    struct fm_authlog_attempt *a)
{
	enum fm_authlog_verdict v;

	if (a == NULL)
		return FM_AUTHLOG_ERROR;
	a->user_row = a->terminal_row = a->busy_row = 0;
	a->at = a->until = now;
	if (store == NULL || lim == NULL || terminal == NULL || user == NULL ||
	    lim->max < 1 || lim->window < 1 || lim->delay_max < 1 ||
	    lim->busy_max < 1)
		return FM_AUTHLOG_ERROR;
	if (!fm_store_begin(store))
		return FM_AUTHLOG_ERROR;
	v = reserve_in(store, lim, terminal, user, slow_terminal, now, a);
	/* A refusal changes nothing but the purge, which may as well stay. */
	if (!fm_store_end(store, v != FM_AUTHLOG_ERROR))
		v = FM_AUTHLOG_ERROR;
	if (v != FM_AUTHLOG_GO)
		a->user_row = a->terminal_row = a->busy_row = 0;
	return v;
}

/* The work of fm_authlog_settle(), inside its transaction. */
static bool
settle_in(fm_store_t *store, const struct fm_authlog_attempt *a,
    enum fm_authlog_outcome outcome, int64_t now)
{
	if (!fm_sql_exec(store, "DELETE FROM auth_checks WHERE id = ?1",
	        FM_ARG_INT(a->busy_row)))
		return false;
	/* The rows are matched by their time too: one the window purged
	 * while the check ran may have left its id to a newer failure. */
	switch (outcome) {
	case FM_AUTHLOG_FAILED:
		/* A check can take seconds (pam_unix sleeps after a
		 * failure): the terminal's wait runs from its end. */
		return fm_sql_exec(store,
		    "UPDATE auth_failures SET at = ?4"
		    " WHERE id IN (?1, ?2) AND at = ?3",
		    FM_ARG_INT(a->user_row), FM_ARG_INT(a->terminal_row),
		    FM_ARG_INT(a->at), FM_ARG_INT(now));
	case FM_AUTHLOG_SUCCEEDED:
		if (!fm_sql_exec(store,
		        "DELETE FROM auth_failures WHERE kind = 'user' AND key "
		        "="
		        " (SELECT key FROM auth_failures WHERE id = ?1"
		        " AND at = ?2)",
		        FM_ARG_INT(a->user_row), FM_ARG_INT(a->at)))
			return false;
		break;
	case FM_AUTHLOG_UNDECIDED:
		break;
	}
	return fm_sql_exec(store,
	    "DELETE FROM auth_failures WHERE id IN (?1, ?2) AND at = ?3",
	    FM_ARG_INT(a->user_row), FM_ARG_INT(a->terminal_row),
	    FM_ARG_INT(a->at));
}

bool
fm_authlog_settle(fm_store_t *store, const struct fm_authlog_attempt *a,
    enum fm_authlog_outcome outcome, int64_t now)
{
	return fm_authlog_settle_logged(store, a, outcome, now, NULL, 0);
}

bool
fm_authlog_settle_logged(fm_store_t *store, const struct fm_authlog_attempt *a,
    enum fm_authlog_outcome outcome, int64_t now, struct fm_authevent *e,
    int64_t keep_days)
{
	if (store == NULL || a == NULL || a->busy_row == 0)
		return false;
	if (!fm_store_begin(store))
		return false;
	return fm_store_end(store,
	    settle_in(store, a, outcome, now) &&
	        (e == NULL || fm_authevents_add(store, e, keep_days)));
}

int
fm_authlog_clear(fm_store_t *store, enum fm_authlog_kind kind, const char *key)
{
	if (store == NULL || key == NULL)
		return -1;
	if (!fm_sql_exec(store,
	        "DELETE FROM auth_failures WHERE kind = ?1 AND key = ?2",
	        FM_ARG_TEXT(kind_name(kind)), FM_ARG_TEXT(key)))
		return -1;
	return (int)fm_sql_changes(store);
}

bool
fm_authlog_fail_logged(fm_store_t *store, enum fm_authlog_kind kind,
    const char *key, int64_t now, struct fm_authevent *e, int64_t keep_days)
{
	if (store == NULL || key == NULL || e == NULL)
		return false;
	if (!fm_store_begin(store))
		return false;
	return fm_store_end(store,
	    fm_authlog_fail(store, kind, key, now) &&
	        fm_authevents_add(store, e, keep_days));
}

int
fm_authlog_unlock(fm_store_t *store, const char *user, struct fm_authevent *e,
    int64_t keep_days)
{
	int n;

	if (store == NULL || user == NULL || e == NULL)
		return -1;
	if (!fm_store_begin(store))
		return -1;
	n = fm_authlog_clear(store, FM_AUTHLOG_USER, user);
	if (!fm_store_end(
	        store, n >= 0 && fm_authevents_add(store, e, keep_days)))
		return -1;
	return n;
}

bool
fm_authlog_terminal_wait(fm_store_t *store, const struct fm_authlog_limits *lim,
    const char *terminal, int64_t now, int64_t *until)
{
	struct tally t = {0, 0};

	if (until == NULL)
		return false;
	*until = 0;
	if (store == NULL || lim == NULL || terminal == NULL || lim->max < 1 ||
	    lim->window < 1 || lim->delay_max < 1 ||
	    fm_sql_get(store,
	        "SELECT count(*), coalesce(max(at), 0) FROM auth_failures"
	        " WHERE kind = 'terminal' AND key = ?1 AND at > ?2",
	        tally_cols, &t, FM_ARG_TEXT(terminal),
	        FM_ARG_INT(now - lim->window)) != FM_SQL_FOUND)
		return false;
	if (t.last + terminal_delay(lim, t.n) > now)
		*until = t.last + terminal_delay(lim, t.n);
	return true;
}
