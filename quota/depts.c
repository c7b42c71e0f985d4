/*
 * depts.c - departments and their accounts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/depts.h"

#include <string.h>

#include "store/store-private.h"

bool
fm_depts_add(
    fm_store_t *store, const char *code, const char *name, const char **errstr)
{
	const char *dummy;
	struct fm_dept existing;
	sqlite3_stmt *st;
	int64_t account;

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
	if (fm_depts_get(store, code, &existing)) {
		*errstr = "that department already exists";
		goto fail;
	}
	*errstr = "database error";
	account = fm_accounts_create(
	    store, "department", code, true, fm_store_now(store));
	if (account < 0)
		goto fail;
	st = fm_store_prepare(store,
	    "INSERT INTO departments (code, name, account_id)"
	    " VALUES (?1, ?2, ?3)");
	if (st == NULL)
		goto fail;
	fm_store_bind_text(st, 1, code);
	fm_store_bind_text(st, 2, name);
	sqlite3_bind_int64(st, 3, account);
	if (!fm_store_step_done(st))
		goto fail;
	return fm_store_commit(store);
fail:
	fm_store_rollback(store);
	return false;
}

#define DEPT_QUERY                                                             \
	"SELECT d.id, d.code, d.name,"                                         \
	" (SELECT count(*) FROM users u WHERE u.department_id = d.id),"        \
	" d.account_id FROM departments d"

static void
read_dept(fm_store_t *store, sqlite3_stmt *st, struct fm_dept *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	fm_store_copy_text(out->code, sizeof(out->code), st, 1);
	fm_store_copy_text(out->name, sizeof(out->name), st, 2);
	out->users = sqlite3_column_int(st, 3);
	fm_accounts_get(store, sqlite3_column_int64(st, 4), &out->account);
}

bool
fm_depts_get(fm_store_t *store, const char *code, struct fm_dept *out)
{
	sqlite3_stmt *st;
	bool found = false;

	if (store == NULL || code == NULL || out == NULL)
		return false;
	if ((st = fm_store_prepare(store, DEPT_QUERY " WHERE d.code = ?1")) ==
	    NULL)
		return false;
	fm_store_bind_text(st, 1, code);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_dept(store, st, out);
		found = true;
	}
	sqlite3_finalize(st);
	return found;
}

bool
fm_depts_list(fm_store_t *store,
    bool (*fn)(const struct fm_dept *dept, void *arg), void *arg)
{
	struct fm_dept dept;
	sqlite3_stmt *st;
	bool ok = true;
	int rc;

	if (store == NULL || fn == NULL)
		return false;
	if ((st = fm_store_prepare(store, DEPT_QUERY " ORDER BY d.code")) ==
	    NULL)
		return false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_dept(store, st, &dept);
		if (!fn(&dept, arg)) {
			ok = false;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(st);
	return ok;
}
