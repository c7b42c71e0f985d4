/*
 * policy.c - the policy key/value table.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/policy.h"

#include <string.h>

#include "store/store-private.h"

bool
fm_policy_get(fm_store_t *store, const char *key, char *buf, size_t size)
{
	sqlite3_stmt *st;
	bool found = false;

	if (store == NULL || key == NULL || buf == NULL || size == 0)
		return false;
	if ((st = fm_store_cached(
	         store, "SELECT value FROM policy WHERE key = ?1")) == NULL)
		return false;
	fm_store_bind_text(st, 1, key);
	if (sqlite3_step(st) == SQLITE_ROW) {
		fm_store_copy_text(buf, size, st, 0);
		found = true;
	}
	fm_store_release(store, st);
	return found;
}

static bool
value_ok(const char *key, const char *value)
{
	size_t len = strlen(value);

	if (strcmp(key, "payer") == 0)
		return strcmp(value, "user-first") == 0 ||
		    strcmp(value, "department-first") == 0;
	if (strcmp(key, "new_users") == 0)
		return strcmp(value, "restricted") == 0 ||
		    strcmp(value, "unrestricted") == 0;
	if (strcmp(key, "currency") == 0) {
		if (len != 3)
			return false;
		for (size_t i = 0; i < 3; i++)
			if (value[i] < 'A' || value[i] > 'Z')
				return false;
		return true;
	}
	if (strcmp(key, "closed_through") == 0)
		return len == 10 || len == 0;
	if (strcmp(key, "closed_until") == 0)
		return len > 0 && len < 20 &&
		    strspn(value, "0123456789") == len;
	return false;
}

bool
fm_policy_set(
    fm_store_t *store, const char *key, const char *value, const char **errstr)
{
	const char *dummy;
	sqlite3_stmt *st;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || key == NULL || value == NULL) {
		*errstr = "missing argument";
		return false;
	}
	if (!value_ok(key, value)) {
		*errstr = "value not allowed for this policy key";
		return false;
	}
	st = fm_store_cached(store,
	    "INSERT INTO policy (key, value) VALUES (?1, ?2)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	if (st == NULL) {
		*errstr = "database error";
		return false;
	}
	fm_store_bind_text(st, 1, key);
	fm_store_bind_text(st, 2, value);
	if (!fm_store_step_release(store, st)) {
		*errstr = "database error";
		return false;
	}
	return true;
}
