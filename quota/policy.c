/*
 * policy.c - the policy key/value table.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/policy.h"

#include <string.h>

#include "store/sql.h"

bool
fm_policy_get(fm_store_t *store, const char *key, char *buf, size_t size)
{
	const struct fm_sql_col cols[] = {
	    {FM_SQL_COL_TEXT, 0, size}, FM_COL_END};

	if (store == NULL || key == NULL || buf == NULL || size == 0)
		return false;
	return fm_sql_get(store, "SELECT value FROM policy WHERE key = ?1",
	           cols, buf, FM_ARG_TEXT(key)) == FM_SQL_FOUND;
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
	if (!fm_sql_exec(store,
	        "INSERT INTO policy (key, value) VALUES (?1, ?2)"
	        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	        FM_ARG_TEXT(key), FM_ARG_TEXT(value))) {
		*errstr = "database error";
		return false;
	}
	return true;
}
