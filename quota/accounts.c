/*
 * accounts.c - accounts and their cached balances.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/accounts.h"

#include <string.h>

#include "store/store-private.h"

bool
fm_accounts_code_is_valid(const char *code)
{
	size_t len;

	if (code == NULL || (len = strlen(code)) == 0 ||
	    len >= FM_ACCOUNTS_CODEMAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = code[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		        c == '-'))
			return false;
	}
	return true;
}

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

bool
fm_accounts_add_project(
    fm_store_t *store, const char *code, const char **errstr)
{
	const char *dummy;
	struct fm_account a;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || !fm_accounts_code_is_valid(code)) {
		*errstr = "a project code is 1 to 31 letters, digits, '.', '_' "
		          "or '-'";
		return false;
	}
	if (fm_accounts_find(store, "project", code, &a) ||
	    fm_accounts_find(store, "department", code, &a)) {
		*errstr = "a department or project with that code exists";
		return false;
	}
	if (fm_accounts_create(
	        store, "project", code, true, fm_store_now(store)) < 0) {
		*errstr = "database error";
		return false;
	}
	return true;
}

bool
fm_accounts_allow(fm_store_t *store, int64_t account_id, const char *login,
    const char **errstr)
{
	const char *dummy;
	sqlite3_stmt *st;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || login == NULL) {
		*errstr = "missing argument";
		return false;
	}
	st = fm_store_prepare(store,
	    "INSERT INTO account_members (account_id, user_id)"
	    " SELECT ?1, id FROM users WHERE login = ?2"
	    " ON CONFLICT DO NOTHING");
	if (st == NULL) {
		*errstr = "database error";
		return false;
	}
	sqlite3_bind_int64(st, 1, account_id);
	fm_store_bind_text(st, 2, login);
	if (!fm_store_step_done(st)) {
		*errstr = "no such account";
		return false;
	}
	if (sqlite3_changes(fm_store_db(store)) == 0) {
		struct fm_account a;
		/* Nothing inserted: already a member, or no such user. */
		st = fm_store_prepare(store,
		    "SELECT 1 FROM account_members m JOIN users u"
		    " ON u.id = m.user_id WHERE m.account_id = ?1"
		    " AND u.login = ?2");
		if (st == NULL) {
			*errstr = "database error";
			return false;
		}
		sqlite3_bind_int64(st, 1, account_id);
		fm_store_bind_text(st, 2, login);
		bool member = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!member) {
			*errstr = fm_accounts_get(store, account_id, &a)
			    ? "no such user"
			    : "no such account";
			return false;
		}
	}
	return true;
}

bool
fm_accounts_list(fm_store_t *store, const char *kind,
    bool (*fn)(const struct fm_account *a, int members, void *arg), void *arg)
{
	struct fm_account a;
	sqlite3_stmt *st;
	bool ok = true;
	int rc;

	if (store == NULL || kind == NULL || fn == NULL)
		return false;
	st = fm_store_prepare(store,
	    "SELECT id, kind, name, restricted, overdraft, balance, held,"
	    " (SELECT count(*) FROM account_members m"
	    "  WHERE m.account_id = accounts.id)"
	    " FROM accounts WHERE kind = ?1 ORDER BY name");
	if (st == NULL)
		return false;
	fm_store_bind_text(st, 1, kind);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		a.id = sqlite3_column_int64(st, 0);
		fm_store_copy_text(a.kind, sizeof(a.kind), st, 1);
		fm_store_copy_text(a.name, sizeof(a.name), st, 2);
		a.restricted = sqlite3_column_int(st, 3) != 0;
		a.overdraft = sqlite3_column_int64(st, 4);
		a.balance = sqlite3_column_int64(st, 5);
		a.held = sqlite3_column_int64(st, 6);
		if (!fn(&a, sqlite3_column_int(st, 7), arg)) {
			ok = false;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(st);
	return ok;
}
