/*
 * users.c - users, their departments and print PINs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/users.h"

#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/hex.h"
#include "common/mbedtls-compat.h"
#include "common/name.h"
#include "common/aead.h"
#include "quota/policy.h"
#include "store/sql.h"

#define SALT_LEN 16
#define HASH_LEN 32

bool
fm_users_login_is_valid(const char *login)
{
	/* A leading '-' would read as an option to the tools that get it. */
	return fm_name_is_valid(login, FM_USERS_LOGINMAX, "@$") &&
	    login[0] != '-';
}

/* The GECOS full name of login (up to the first comma), or "". */
static void
gecos_name(const char *login, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];
	size_t n;

	buf[0] = '\0';
	if (getpwnam_r(login, &pw, tmp, sizeof(tmp), &res) != 0 ||
	    res == NULL || pw.pw_gecos == NULL)
		return;
	n = strcspn(pw.pw_gecos, ",");
	snprintf(buf, size, "%.*s", (int)n, pw.pw_gecos);
}

static int64_t
dept_id(fm_store_t *store, const char *code)
{
	int64_t id = 0;

	if (fm_sql_int(store, "SELECT id FROM departments WHERE code = ?1", &id,
	        FM_ARG_TEXT(code)) == FM_SQL_ERROR)
		return -1;
	return id;
}

/* Inserts the user and its account; the caller holds the transaction. */
static bool
insert_user(
    fm_store_t *store, const char *login, const char *full_name, int64_t dept)
{
	char policy[FM_POLICY_VALUEMAX] = "";
	char name[FM_USERS_NAMEMAX];
	int64_t account, now = fm_store_now(store);
	bool restricted;

	if (full_name == NULL)
		gecos_name(login, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "%s", full_name);
	fm_policy_get(store, "new_users", policy, sizeof(policy));
	restricted = strcmp(policy, "restricted") == 0;
	return (account = fm_accounts_create(
	            store, "user", login, restricted, now)) >= 0 &&
	    fm_sql_exec(store,
	        "INSERT INTO users (login, full_name, department_id,"
	        " account_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	        FM_ARG_TEXT(login), FM_ARG_TEXT(name), FM_ARG_ID(dept),
	        FM_ARG_INT(account), FM_ARG_INT(now));
}

/* The work of fm_users_add(), inside its transaction. */
static bool
add_in(fm_store_t *store, const char *login, const char *full_name,
    const char *dept_code, const char **errstr)
{
	struct fm_user existing;
	int64_t dept = 0;

	if (fm_users_get(store, login, &existing)) {
		*errstr = "that user already exists";
		return false;
	}
	if (dept_code != NULL && dept_code[0] != '\0' &&
	    (dept = dept_id(store, dept_code)) <= 0) {
		*errstr = "no such department";
		return false;
	}
	*errstr = "database error";
	return insert_user(store, login, full_name, dept);
}

bool
fm_users_add(fm_store_t *store, const char *login, const char *full_name,
    const char *dept_code, const char **errstr)
{
	const char *dummy;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || !fm_users_login_is_valid(login)) {
		*errstr = "a login is 1 to 63 letters, digits, '.', '_', '-' "
		          "or '@'";
		return false;
	}
	if (full_name != NULL && strlen(full_name) >= FM_USERS_NAMEMAX) {
		*errstr = "the full name is too long";
		return false;
	}
	if (!fm_store_begin(store)) {
		*errstr = "cannot lock the database";
		return false;
	}
	return fm_store_end(
	    store, add_in(store, login, full_name, dept_code, errstr));
}

bool
fm_users_ensure(fm_store_t *store, const char *login)
{
	struct fm_user u;

	if (store == NULL || !fm_users_login_is_valid(login))
		return false;
	if (fm_users_get(store, login, &u))
		return true;
	/* Two processes may race to create the same user: the loser's
	 * insert fails on UNIQUE(login), and the user then exists. */
	if (insert_user(store, login, NULL, 0))
		return true;
	return fm_users_get(store, login, &u);
}

#define SELECT_USER                                                            \
	"SELECT u.id, u.login, u.full_name, coalesce(d.code, ''), u.enabled,"  \
	" u.pin IS NOT NULL, u.created_at, a.id, a.kind, a.name,"              \
	" a.restricted, a.overdraft, a.balance, a.held, u.email, u.roles,"     \
	" u.source, u.language, u.granted_roles FROM users u"                  \
	" LEFT JOIN departments d ON d.id = u.department_id"                   \
	" LEFT JOIN accounts a ON a.id = u.account_id"

#define C(kind, member) FM_COL_##kind(struct fm_user, member)
static const struct fm_sql_col user_cols[] = {C(INT, id), C(TEXT, login),
    C(TEXT, full_name), C(TEXT, dept_code), C(BOOL, enabled), C(BOOL, has_pin),
    C(INT, created_at), C(INT, account.id), C(TEXT, account.kind),
    C(TEXT, account.name), C(BOOL, account.restricted),
    C(INT, account.overdraft), C(INT, account.balance), C(INT, account.held),
    C(TEXT, email), C(TEXT, roles), C(TEXT, source), C(TEXT, language),
    C(TEXT, granted_roles), FM_COL_END};
#undef C

bool
fm_users_get(fm_store_t *store, const char *login, struct fm_user *out)
{
	if (store == NULL || login == NULL || out == NULL)
		return false;
	return fm_sql_get(store, SELECT_USER " WHERE u.login = ?1", user_cols,
	           out, FM_ARG_TEXT(login)) == FM_SQL_FOUND;
}

bool
fm_users_list(fm_store_t *store, const char *dept_code,
    bool (*fn)(const struct fm_user *user, void *arg), void *arg)
{
	struct fm_sql_rows rows;
	struct fm_user user;
	bool ok;

	if (store == NULL || fn == NULL)
		return false;
	ok = fm_sql_open(&rows, store,
	    SELECT_USER " WHERE (?1 IS NULL OR d.code = ?1) ORDER BY u.login",
	    FM_ARG_TEXT(dept_code));
	while (ok && fm_sql_next(&rows, user_cols, &user))
		ok = fn(&user, arg);
	return fm_sql_close(&rows) && ok;
}

/* Is role one of the comma-separated roles in list? */
static bool
role_listed(const char *list, const char *role)
{
	size_t n = strlen(role);

	for (const char *p = list; *p != '\0';) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, role, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

bool
fm_users_has_role(const struct fm_user *u, const char *role)
{
	return u != NULL && role != NULL && role[0] != '\0' &&
	    (role_listed(u->roles, role) ||
	        role_listed(u->granted_roles, role));
}

bool
fm_users_grant_role(fm_store_t *store, const char *login, const char *role,
    bool grant, const char **errstr)
{
	struct fm_user u;
	bool admin, finance;

	*errstr = NULL;
	if (role == NULL ||
	    (strcmp(role, "admin") != 0 && strcmp(role, "finance") != 0)) {
		*errstr = "the role must be admin or finance";
		return false;
	}
	if (!fm_users_get(store, login, &u)) {
		*errstr = "no such user";
		return false;
	}
	admin = role_listed(u.granted_roles, "admin");
	finance = role_listed(u.granted_roles, "finance");
	if (strcmp(role, "admin") == 0)
		admin = grant;
	else
		finance = grant;
	if (!fm_sql_exec(store,
	        "UPDATE users SET granted_roles = ?2 WHERE login = ?1",
	        FM_ARG_TEXT(login),
	        FM_ARG_TEXT(admin && finance ? "admin,finance"
	                : admin              ? "admin"
	                : finance            ? "finance"
	                                     : ""))) {
		*errstr = "store error";
		return false;
	}
	return true;
}

/* fm_users_search()'s condition: ?1 is a LIKE pattern escaped with \. */
#define MATCHES                                                                \
	" WHERE u.login LIKE ?1 ESCAPE '\\' OR u.full_name LIKE ?1 ESCAPE "    \
	"'\\'"                                                                 \
	" OR coalesce(d.code, '') LIKE ?1 ESCAPE '\\'"

bool
fm_users_search(fm_store_t *store, const char *query, int64_t offset,
    int64_t limit, bool (*fn)(const struct fm_user *user, void *arg), void *arg,
    int64_t *total)
{
	char pattern[2 * FM_USERS_NAMEMAX + 3];
	size_t n = 0;
	struct fm_sql_rows rows;
	struct fm_user user;
	bool ok;

	if (store == NULL || query == NULL || fn == NULL || offset < 0 ||
	    limit < 0 || strlen(query) >= FM_USERS_NAMEMAX)
		return false;
	/* A substring, its LIKE wildcards taken literally. */
	pattern[n++] = '%';
	for (const char *q = query; *q != '\0'; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			pattern[n++] = '\\';
		pattern[n++] = *q;
	}
	pattern[n++] = '%';
	pattern[n] = '\0';
	if (total != NULL &&
	    fm_sql_int(store,
	        "SELECT count(*) FROM users u"
	        " LEFT JOIN departments d ON d.id = u.department_id" MATCHES,
	        total, FM_ARG_TEXT(pattern)) != FM_SQL_FOUND)
		return false;
	ok = fm_sql_open(&rows, store,
	    SELECT_USER MATCHES " ORDER BY u.login LIMIT ?2 OFFSET ?3",
	    FM_ARG_TEXT(pattern), FM_ARG_INT(limit), FM_ARG_INT(offset));
	while (ok && fm_sql_next(&rows, user_cols, &user))
		ok = fn(&user, arg);
	return fm_sql_close(&rows) && ok;
}

bool
fm_users_set_department(fm_store_t *store, const char *login,
    const char *dept_code, const char **errstr)
{
	const char *dummy;
	int64_t dept = 0;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || login == NULL) {
		*errstr = "missing argument";
		return false;
	}
	if (dept_code != NULL && dept_code[0] != '\0' &&
	    (dept = dept_id(store, dept_code)) <= 0) {
		*errstr = "no such department";
		return false;
	}
	if (!fm_sql_exec(store,
	        "UPDATE users SET department_id = ?2 WHERE login = ?1",
	        FM_ARG_TEXT(login), FM_ARG_ID(dept)) ||
	    fm_sql_changes(store) != 1) {
		*errstr = "no such user";
		return false;
	}
	return true;
}

bool
fm_users_set_enabled(fm_store_t *store, const char *login, bool enabled)
{
	if (store == NULL || login == NULL)
		return false;
	return fm_sql_exec(store,
	           "UPDATE users SET enabled = ?2 WHERE login = ?1",
	           FM_ARG_TEXT(login), FM_ARG_INT(enabled)) &&
	    fm_sql_changes(store) == 1;
}

bool
fm_users_set_language(fm_store_t *store, const char *login,
    const char *language, const char **errstr)
{
	const char *dummy;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || login == NULL || language == NULL) {
		*errstr = "missing argument";
		return false;
	}
	if (strcmp(language, "") != 0 && strcmp(language, "fr") != 0 &&
	    strcmp(language, "en") != 0) {
		*errstr = "a language is fr or en";
		return false;
	}
	if (!fm_sql_exec(store,
	        "UPDATE users SET language = ?2 WHERE login = ?1",
	        FM_ARG_TEXT(login), FM_ARG_TEXT(language))) {
		*errstr = "database error";
		return false;
	}
	if (fm_sql_changes(store) != 1) {
		*errstr = "no such user";
		return false;
	}
	return true;
}

bool
fm_users_pin_is_valid(const char *pin, size_t len)
{
	if (pin == NULL || len < 4 || len > 8)
		return false;
	for (size_t i = 0; i < len; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return false;
	return true;
}

static bool
pbkdf2(const char *pin, size_t len, const uint8_t *salt, unsigned iterations,
    uint8_t *out)
{
	return fm_mbedtls_pbkdf2_sha256((const unsigned char *)pin, len, salt,
	           SALT_LEN, iterations, HASH_LEN, out) == 0;
}

bool
fm_users_set_pin(fm_store_t *store, const char *login, const char *pin,
    size_t len, const char **errstr)
{
	const char *dummy;
	uint8_t salt[SALT_LEN], hash[HASH_LEN];
	char text[128], salthex[2 * SALT_LEN + 1], hashhex[2 * HASH_LEN + 1];
	bool ok;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || login == NULL) {
		*errstr = "missing argument";
		return false;
	}
	if (!fm_users_pin_is_valid(pin, len)) {
		*errstr = "a PIN is 4 to 8 digits";
		return false;
	}
	if (!fm_random(salt, sizeof(salt)) ||
	    !pbkdf2(pin, len, salt, FM_USERS_PIN_ITERATIONS, hash)) {
		*errstr = "cannot hash the PIN";
		return false;
	}
	fm_hex_encode(salt, sizeof(salt), salthex, sizeof(salthex));
	fm_hex_encode(hash, sizeof(hash), hashhex, sizeof(hashhex));
	fm_wipe(hash, sizeof(hash));
	snprintf(text, sizeof(text), "pbkdf2-sha256$%d$%s$%s",
	    FM_USERS_PIN_ITERATIONS, salthex, hashhex);
	ok = fm_sql_exec(store, "UPDATE users SET pin = ?2 WHERE login = ?1",
	         FM_ARG_TEXT(login), FM_ARG_TEXT(text)) &&
	    fm_sql_changes(store) == 1;
	fm_wipe(text, sizeof(text));
	fm_wipe(hashhex, sizeof(hashhex));
	if (!ok)
		*errstr = "no such user";
	return ok;
}

/*
 * What a check hashes against when it has no stored hash to use (no such
 * user, no PIN, a disabled user, a hash it cannot read): every refusal
 * then costs what a wrong PIN costs, and the time a check takes does not
 * tell who exists or has a PIN.
 */
static const uint8_t no_pin_salt[SALT_LEN] = "followme-no-pin";

/* Reads "pbkdf2-sha256$ITERATIONS$SALT$HASH" into its parts. */
static bool
parse_stored(
    const char *stored, unsigned *iterations, uint8_t *salt, uint8_t *hash)
{
	unsigned long n;
	const char *p;

	if (strncmp(stored, "pbkdf2-sha256$", 14) != 0)
		return false;
	n = strtoul(stored + 14, NULL, 10);
	if (n < 1000 || n > 10000000 ||
	    (p = strchr(stored + 14, '$')) == NULL ||
	    strlen(p + 1) != 2 * SALT_LEN + 1 + 2 * HASH_LEN ||
	    !fm_hex_decode(p + 1, salt, SALT_LEN) ||
	    p[1 + 2 * SALT_LEN] != '$' ||
	    !fm_hex_decode(p + 2 + 2 * SALT_LEN, hash, HASH_LEN))
		return false;
	*iterations = (unsigned)n;
	return true;
}

bool
fm_users_check_pin(
    fm_store_t *store, const char *login, const char *pin, size_t len)
{
	uint8_t salt[SALT_LEN], want[HASH_LEN] = {0}, got[HASH_LEN];
	char stored[160] = "";
	const struct fm_sql_col cols[] = {
	    {FM_SQL_COL_TEXT, 0, sizeof(stored)}, FM_COL_END};
	unsigned iterations = FM_USERS_PIN_ITERATIONS;
	volatile uint8_t diff = 0;
	bool have, ok;

	if (store == NULL || login == NULL || pin == NULL)
		return false;
	fm_sql_get(store,
	    "SELECT pin FROM users WHERE login = ?1 AND enabled = 1"
	    " AND pin IS NOT NULL",
	    cols, stored, FM_ARG_TEXT(login));
	have = parse_stored(stored, &iterations, salt, want);
	if (!have) {
		memcpy(salt, no_pin_salt, SALT_LEN);
		iterations = FM_USERS_PIN_ITERATIONS;
	}
	/* Hashed even when it cannot match, for the same reason. */
	ok = pbkdf2(pin, len, salt, iterations, got);
	/* Constant time: every byte is compared whatever the first
	 * mismatch, so timing says nothing about how close a guess was. */
	for (size_t i = 0; i < HASH_LEN; i++)
		diff |= got[i] ^ want[i];
	ok = ok && have && fm_users_pin_is_valid(pin, len) && diff == 0;
	fm_wipe(got, sizeof(got));
	fm_wipe(want, sizeof(want));
	fm_wipe(stored, sizeof(stored));
	return ok;
}

bool
fm_users_clear_pin(fm_store_t *store, const char *login)
{
	return store != NULL && login != NULL &&
	    fm_sql_exec(store, "UPDATE users SET pin = NULL WHERE login = ?1",
	        FM_ARG_TEXT(login)) &&
	    fm_sql_changes(store) == 1;
}
