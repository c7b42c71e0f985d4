/*
 * depts.c - departments and their accounts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/depts.h"

#include <string.h>

#include "store/sql.h"

/* The work of fm_depts_add(), inside its transaction. */
static bool
add_in(
    fm_store_t *store, const char *code, const char *name, const char **errstr)
{
	struct fm_dept existing;
	int64_t account;

	if (fm_depts_get(store, code, &existing)) {
		*errstr = "that department already exists";
		return false;
	}
	*errstr = "database error";
	return (account = fm_accounts_create(store, "department", code, true,
	            fm_store_now(store))) >= 0 &&
	    fm_sql_exec(store,
	        "INSERT INTO departments (code, name, account_id)"
	        " VALUES (?1, ?2, ?3)",
	        FM_ARG_TEXT(code), FM_ARG_TEXT(name), FM_ARG_INT(account));
}

bool
fm_depts_add(
    fm_store_t *store, const char *code, const char *name, const char **errstr)
{
	const char *dummy;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || !fm_accounts_code_is_valid(code)) {
		*errstr = "a department code is 1 to 31 letters, digits, '.', "
		          "'_' or '-'";
		return false;
	}
	if (name == NULL || name[0] == '\0' ||
	    strlen(name) >= FM_DEPTS_NAMEMAX) {
		*errstr = "a department name is 1 to 127 bytes";
		return false;
	}
	if (!fm_store_begin(store)) {
		*errstr = "cannot lock the database";
		return false;
	}
	return fm_store_end(store, add_in(store, code, name, errstr));
}

#define SELECT_DEPT                                                            \
	"SELECT d.id, d.code, d.name,"                                         \
	" (SELECT count(*) FROM users u WHERE u.department_id = d.id),"        \
	" a.id, a.kind, a.name, a.restricted, a.overdraft, a.balance, a.held"  \
	" FROM departments d LEFT JOIN accounts a ON a.id = d.account_id"

#define C(kind, member) FM_COL_##kind(struct fm_dept, member)
static const struct fm_sql_col dept_cols[] = {C(INT, id), C(TEXT, code),
    C(TEXT, name), C(INT, users), C(INT, account.id), C(TEXT, account.kind),
    C(TEXT, account.name), C(BOOL, account.restricted),
    C(INT, account.overdraft), C(INT, account.balance), C(INT, account.held),
    FM_COL_END};
#undef C

bool
fm_depts_get(fm_store_t *store, const char *code, struct fm_dept *out)
{
	if (store == NULL || code == NULL || out == NULL)
		return false;
	return fm_sql_get(store, SELECT_DEPT " WHERE d.code = ?1", dept_cols,
	           out, FM_ARG_TEXT(code)) == FM_SQL_FOUND;
}

bool
fm_depts_list(fm_store_t *store,
    bool (*fn)(const struct fm_dept *dept, void *arg), void *arg)
{
	struct fm_sql_rows rows;
	struct fm_dept dept;
	bool ok;

	if (store == NULL || fn == NULL)
		return false;
	ok = fm_sql_open(
	    &rows, store, SELECT_DEPT " ORDER BY d.code", FM_NO_ARGS);
	while (ok && fm_sql_next(&rows, dept_cols, &dept))
		ok = fn(&dept, arg);
	return fm_sql_close(&rows) && ok;
}
