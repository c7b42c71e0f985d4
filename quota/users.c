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

#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>

#include "common/aead.h"
#include "quota/policy.h"
#include "store/store-private.h"

#define SALT_LEN 16
#define HASH_LEN 32

bool
fm_users_login_is_valid(const char *login)
{
	size_t len;

	if (login == NULL || (len = strlen(login)) == 0 ||
	    len >= FM_USERS_LOGINMAX || login[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = login[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		        c == '-' || c == '@' || c == '$'))
			return false;
	}
	return true;
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
	sqlite3_stmt *st;
	int64_t id = 0;

	st = fm_store_cached(
	    store, "SELECT id FROM departments WHERE code = ?1");
	if (st == NULL)
		return -1;
	fm_store_bind_text(st, 1, code);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	fm_store_release(store, st);
	return id;
}

/* Inserts the user and its account; the caller holds the transaction. */
static bool
insert_user(
    fm_store_t *store, const char *login, const char *full_name, int64_t dept)
{
	char policy[FM_POLICY_VALUEMAX] = "";
	char name[FM_USERS_NAMEMAX];
	sqlite3_stmt *st;
	int64_t account, now = fm_store_now(store);
	bool restricted;

	if (full_name == NULL)
		gecos_name(login, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "%s", full_name);
	fm_policy_get(store, "new_users", policy, sizeof(policy));
	restricted = strcmp(policy, "restricted") == 0;
	if ((account = fm_accounts_create(
	         store, "user", login, restricted, now)) < 0)
		return false;
	st = fm_store_cached(store,
	    "INSERT INTO users (login, full_name, department_id, account_id,"
	    " created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (st == NULL)
		return false;
	fm_store_bind_text(st, 1, login);
	fm_store_bind_text(st, 2, name);
	if (dept > 0)
		sqlite3_bind_int64(st, 3, dept);
	sqlite3_bind_int64(st, 4, account);
	sqlite3_bind_int64(st, 5, now);
	return fm_store_step_release(store, st);
}

bool
fm_users_add(fm_store_t *store, const char *login, const char *full_name,
    const char *dept_code, const char **errstr)
{
	const char *dummy;
	struct fm_user existing;
	int64_t dept = 0;

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
	if (fm_users_get(store, login, &existing)) {
		*errstr = "that user already exists";
		goto fail;
	}
	if (dept_code != NULL && dept_code[0] != '\0' &&
	    (dept = dept_id(store, dept_code)) <= 0) {
		*errstr = "no such department";
		goto fail;
	}
	if (!insert_user(store, login, full_name, dept)) {
		*errstr = "database error";
		goto fail;
	}
	if (!fm_store_commit(store)) {
		*errstr = "database error";
		return false;
	}
	return true;
fail:
	fm_store_rollback(store);
	return false;
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

#define USER_QUERY                                                             \
	"SELECT u.id, u.login, u.full_name, coalesce(d.code, ''), u.enabled,"  \
	" u.pin IS NOT NULL, u.created_at, u.account_id FROM users u"          \
	" LEFT JOIN departments d ON d.id = u.department_id"

static void
read_user(fm_store_t *store, sqlite3_stmt *st, struct fm_user *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	fm_store_copy_text(out->login, sizeof(out->login), st, 1);
	fm_store_copy_text(out->full_name, sizeof(out->full_name), st, 2);
	fm_store_copy_text(out->dept_code, sizeof(out->dept_code), st, 3);
	out->enabled = sqlite3_column_int(st, 4) != 0;
	out->has_pin = sqlite3_column_int(st, 5) != 0;
	out->created_at = sqlite3_column_int64(st, 6);
	fm_accounts_get(store, sqlite3_column_int64(st, 7), &out->account);
}

bool
fm_users_get(fm_store_t *store, const char *login, struct fm_user *out)
{
	sqlite3_stmt *st;
	bool found = false;

	if (store == NULL || login == NULL || out == NULL)
		return false;
	if ((st = fm_store_cached(store, USER_QUERY " WHERE u.login = ?1")) ==
	    NULL)
		return false;
	fm_store_bind_text(st, 1, login);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_user(store, st, out);
		found = true;
	}
	fm_store_release(store, st);
	return found;
}

bool
fm_users_list(fm_store_t *store, const char *dept_code,
    bool (*fn)(const struct fm_user *user, void *arg), void *arg)
{
	struct fm_user user;
	sqlite3_stmt *st;
	bool ok = true;
	int rc;

	if (store == NULL || fn == NULL)
		return false;
	st = fm_store_cached(store,
	    USER_QUERY " WHERE (?1 IS NULL OR d.code = ?1) ORDER BY u.login");
	if (st == NULL)
		return false;
	fm_store_bind_text(st, 1, dept_code);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_user(store, st, &user);
		if (!fn(&user, arg)) {
			ok = false;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ok = false;
	fm_store_release(store, st);
	return ok;
}

bool
fm_users_set_department(fm_store_t *store, const char *login,
    const char *dept_code, const char **errstr)
{
	const char *dummy;
	sqlite3_stmt *st;
	int64_t dept = 0;
	bool ok;

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
	st = fm_store_cached(
	    store, "UPDATE users SET department_id = ?2 WHERE login = ?1");
	if (st == NULL) {
		*errstr = "database error";
		return false;
	}
	fm_store_bind_text(st, 1, login);
	if (dept > 0)
		sqlite3_bind_int64(st, 2, dept);
	ok = fm_store_step_release(store, st) &&
	    sqlite3_changes(fm_store_db(store)) == 1;
	if (!ok)
		*errstr = "no such user";
	return ok;
}

bool
fm_users_set_enabled(fm_store_t *store, const char *login, bool enabled)
{
	sqlite3_stmt *st;

	if (store == NULL || login == NULL)
		return false;
	st = fm_store_cached(
	    store, "UPDATE users SET enabled = ?2 WHERE login = ?1");
	if (st == NULL)
		return false;
	fm_store_bind_text(st, 1, login);
	sqlite3_bind_int(st, 2, enabled);
	return fm_store_step_release(store, st) &&
	    sqlite3_changes(fm_store_db(store)) == 1;
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
	mbedtls_md_context_t md;
	bool ok;

	mbedtls_md_init(&md);
	ok = mbedtls_md_setup(
	         &md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1) == 0 &&
	    mbedtls_pkcs5_pbkdf2_hmac(&md, (const unsigned char *)pin, len,
	        salt, SALT_LEN, iterations, HASH_LEN, out) == 0;
	mbedtls_md_free(&md);
	return ok;
}

static void
hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static bool
unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++) {
		char c = s[i];
		int v = c >= '0' && c <= '9' ? c - '0'
		    : c >= 'a' && c <= 'f'   ? c - 'a' + 10
		                             : -1;
		if (v < 0)
			return false;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return s[2 * n] == '\0' || s[2 * n] == '$';
}

bool
fm_users_set_pin(fm_store_t *store, const char *login, const char *pin,
    size_t len, const char **errstr)
{
	const char *dummy;
	uint8_t salt[SALT_LEN], hash[HASH_LEN];
	char text[128], salthex[2 * SALT_LEN + 1], hashhex[2 * HASH_LEN + 1];
	sqlite3_stmt *st;
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
	hex(salt, sizeof(salt), salthex);
	hex(hash, sizeof(hash), hashhex);
	fm_wipe(hash, sizeof(hash));
	snprintf(text, sizeof(text), "pbkdf2-sha256$%d$%s$%s",
	    FM_USERS_PIN_ITERATIONS, salthex, hashhex);
	st = fm_store_cached(
	    store, "UPDATE users SET pin = ?2 WHERE login = ?1");
	ok = st != NULL;
	if (ok) {
		fm_store_bind_text(st, 1, login);
		fm_store_bind_text(st, 2, text);
		ok = fm_store_step_release(store, st) &&
		    sqlite3_changes(fm_store_db(store)) == 1;
	}
	fm_wipe(text, sizeof(text));
	fm_wipe(hashhex, sizeof(hashhex));
	if (!ok)
		*errstr = "no such user";
	return ok;
}

bool
fm_users_check_pin(
    fm_store_t *store, const char *login, const char *pin, size_t len)
{
	uint8_t salt[SALT_LEN], want[HASH_LEN], got[HASH_LEN];
	char stored[160] = "";
	const char *p;
	sqlite3_stmt *st;
	unsigned long iterations;
	volatile uint8_t diff = 0;
	bool ok = false;

	if (store == NULL || login == NULL || !fm_users_pin_is_valid(pin, len))
		return false;
	st = fm_store_cached(store,
	    "SELECT pin FROM users WHERE login = ?1 AND enabled = 1"
	    " AND pin IS NOT NULL");
	if (st == NULL)
		return false;
	fm_store_bind_text(st, 1, login);
	if (sqlite3_step(st) == SQLITE_ROW)
		fm_store_copy_text(stored, sizeof(stored), st, 0);
	fm_store_release(store, st);
	if (strncmp(stored, "pbkdf2-sha256$", 14) != 0)
		goto out;
	iterations = strtoul(stored + 14, NULL, 10);
	if (iterations < 1000 || iterations > 10000000 ||
	    (p = strchr(stored + 14, '$')) == NULL ||
	    !unhex(p + 1, salt, SALT_LEN) ||
	    strlen(p + 1) != 2 * SALT_LEN + 1 + 2 * HASH_LEN ||
	    !unhex(p + 2 + 2 * SALT_LEN, want, HASH_LEN))
		goto out;
	if (!pbkdf2(pin, len, salt, (unsigned)iterations, got))
		goto out;
	/* Constant time: every byte is compared whatever the first
	 * mismatch, so timing says nothing about how close a guess was. */
	for (size_t i = 0; i < HASH_LEN; i++)
		diff |= got[i] ^ want[i];
	ok = diff == 0;
out:
	fm_wipe(got, sizeof(got));
	fm_wipe(want, sizeof(want));
	fm_wipe(stored, sizeof(stored));
	return ok;
}
