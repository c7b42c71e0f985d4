/*
 * accounts.c - accounts and their cached balances.
 */
#include "quota/accounts.h"

#include <string.h>

#include "quota/store-private.h"

int64_t
fm_accounts_available(const struct fm_account *a)
{
	if (!a->restricted)
		return INT64_MAX;
	return a->balance - a->held + a->overdraft;
}

int64_t
fm_accounts_create(fm_store_t *store, const char *kind, const char *name,
    bool restricted, int64_t now)
{
	sqlite3_stmt *st;
	int64_t id = -1;

	if (store == NULL || kind == NULL || name == NULL)
		return -1;
	st = fm_store_cached(store,
	    "INSERT INTO accounts (kind, name, restricted, created_at)"
	    " VALUES (?1, ?2, ?3, ?4)");
	if (st == NULL)
		return -1;
	fm_store_bind_text(st, 1, kind);
	fm_store_bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, restricted);
	sqlite3_bind_int64(st, 4, now);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(fm_store_db(store));
	fm_store_release(store, st);
	return id;
}

static bool
read_account(fm_store_t *store, sqlite3_stmt *st, struct fm_account *out)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = sqlite3_column_int64(st, 0);
		fm_store_copy_text(out->kind, sizeof(out->kind), st, 1);
		fm_store_copy_text(out->name, sizeof(out->name), st, 2);
		out->restricted = sqlite3_column_int(st, 3) != 0;
		out->overdraft = sqlite3_column_int64(st, 4);
		out->balance = sqlite3_column_int64(st, 5);
		out->held = sqlite3_column_int64(st, 6);
	}
	fm_store_release(store, st);
	return rc == SQLITE_ROW;
}

#define ACCOUNT_COLUMNS                                                        \
	"SELECT id, kind, name, restricted, overdraft, balance, held"          \
	" FROM accounts"

bool
fm_accounts_get(fm_store_t *store, int64_t id, struct fm_account *out)
{
	sqlite3_stmt *st;

	if (store == NULL || out == NULL)
		return false;
	if ((st = fm_store_cached(store, ACCOUNT_COLUMNS " WHERE id = ?1")) ==
	    NULL)
		return false;
	sqlite3_bind_int64(st, 1, id);
	return read_account(store, st, out);
}

bool
fm_accounts_find(fm_store_t *store, const char *kind, const char *name,
    struct fm_account *out)
{
	sqlite3_stmt *st;

	if (store == NULL || kind == NULL || name == NULL || out == NULL)
		return false;
	st = fm_store_cached(
	    store, ACCOUNT_COLUMNS " WHERE kind = ?1 AND name = ?2");
	if (st == NULL)
		return false;
	fm_store_bind_text(st, 1, kind);
	fm_store_bind_text(st, 2, name);
	return read_account(store, st, out);
}

bool
fm_accounts_set_limits(
    fm_store_t *store, int64_t id, bool restricted, int64_t overdraft)
{
	sqlite3_stmt *st;

	if (store == NULL)
		return false;
	st = fm_store_cached(store,
	    "UPDATE accounts SET restricted = ?2,"
	    " overdraft = CASE WHEN ?3 < 0 THEN overdraft ELSE ?3 END"
	    " WHERE id = ?1");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, restricted);
	sqlite3_bind_int64(st, 3, overdraft);
	return fm_store_step_release(store, st) &&
	    sqlite3_changes(fm_store_db(store)) == 1;
}
