/*
 * accounts.c - accounts and their cached balances.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/accounts.h"

#include <string.h>

#include "common/name.h"
#include "store/sql.h"

bool
fm_accounts_code_is_valid(const char *code)
{
	return fm_name_is_valid(code, FM_ACCOUNTS_CODEMAX, NULL);
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
	if (store == NULL || kind == NULL || name == NULL)
		return -1;
	if (!fm_sql_exec(store,
	        "INSERT INTO accounts (kind, name, restricted, created_at)"
	        " VALUES (?1, ?2, ?3, ?4)",
	        FM_ARG_TEXT(kind), FM_ARG_TEXT(name), FM_ARG_INT(restricted),
	        FM_ARG_INT(now)))
		return -1;
	return fm_sql_last_id(store);
}

#define SELECT_ACCOUNT                                                         \
	"SELECT id, kind, name, restricted, overdraft, balance, held"          \
	" FROM accounts"

#define C(kind, member) FM_COL_##kind(struct fm_account, member)
static const struct fm_sql_col account_cols[] = {C(INT, id), C(TEXT, kind),
    C(TEXT, name), C(BOOL, restricted), C(INT, overdraft), C(INT, balance),
    C(INT, held), FM_COL_END};
#undef C

bool
fm_accounts_get(fm_store_t *store, int64_t id, struct fm_account *out)
{
	if (store == NULL || out == NULL)
		return false;
	return fm_sql_get(store, SELECT_ACCOUNT " WHERE id = ?1", account_cols,
	           out, FM_ARG_INT(id)) == FM_SQL_FOUND;
}

bool
fm_accounts_find(fm_store_t *store, const char *kind, const char *name,
    struct fm_account *out)
{
	if (store == NULL || kind == NULL || name == NULL || out == NULL)
		return false;
	return fm_sql_get(store,
	           SELECT_ACCOUNT " WHERE kind = ?1 AND name = ?2",
	           account_cols, out, FM_ARG_TEXT(kind),
	           FM_ARG_TEXT(name)) == FM_SQL_FOUND;
}

bool
fm_accounts_set_limits(
    fm_store_t *store, int64_t id, bool restricted, int64_t overdraft)
{
	if (store == NULL)
		return false;
	return fm_sql_exec(store,
	           "UPDATE accounts SET restricted = ?2,"
	           " overdraft = CASE WHEN ?3 < 0 THEN overdraft ELSE ?3 END"
	           " WHERE id = ?1",
	           FM_ARG_INT(id), FM_ARG_INT(restricted),
	           FM_ARG_INT(overdraft)) &&
	    fm_sql_changes(store) == 1;
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
	struct fm_account a;
	const char *dummy;
	int64_t one;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || login == NULL) {
		*errstr = "missing argument";
		return false;
	}
	if (!fm_sql_exec(store,
	        "INSERT INTO account_members (account_id, user_id)"
	        " SELECT ?1, id FROM users WHERE login = ?2"
	        " ON CONFLICT DO NOTHING",
	        FM_ARG_INT(account_id), FM_ARG_TEXT(login))) {
		*errstr = "no such account";
		return false;
	}
	if (fm_sql_changes(store) > 0)
		return true;
	/* Nothing inserted: already a member, or no such user. */
	switch (fm_sql_int(store,
	    "SELECT 1 FROM account_members m JOIN users u"
	    " ON u.id = m.user_id WHERE m.account_id = ?1 AND u.login = ?2",
	    &one, FM_ARG_INT(account_id), FM_ARG_TEXT(login))) {
	case FM_SQL_FOUND:
		return true;
	case FM_SQL_NONE:
		*errstr = fm_accounts_get(store, account_id, &a)
		    ? "no such user"
		    : "no such account";
		return false;
	default:
		*errstr = "database error";
		return false;
	}
}

/* An account and how many members share it. */
struct listed {
	struct fm_account a;
	int members;
};

#define C(kind, member) FM_COL_##kind(struct listed, member)
static const struct fm_sql_col listed_cols[] = {C(INT, a.id), C(TEXT, a.kind),
    C(TEXT, a.name), C(BOOL, a.restricted), C(INT, a.overdraft),
    C(INT, a.balance), C(INT, a.held), C(INT, members), FM_COL_END};
#undef C

bool
fm_accounts_list(fm_store_t *store, const char *kind,
    bool (*fn)(const struct fm_account *a, int members, void *arg), void *arg)
{
	struct fm_sql_rows rows;
	struct listed l;
	bool ok;

	if (store == NULL || kind == NULL || fn == NULL)
		return false;
	memset(&l, 0, sizeof(l));
	ok = fm_sql_open(&rows, store,
	    "SELECT id, kind, name, restricted, overdraft, balance, held,"
	    " (SELECT count(*) FROM account_members m"
	    "  WHERE m.account_id = accounts.id)"
	    " FROM accounts WHERE kind = ?1 ORDER BY name",
	    FM_ARG_TEXT(kind));
	while (ok && fm_sql_next(&rows, listed_cols, &l))
		ok = fn(&l.a, l.members, arg);
	return fm_sql_close(&rows) && ok;
}
