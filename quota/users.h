/*
 * users.h - the people who print, identified by login name (the owner of
 * a job), each with an account and optionally a primary department.
 *
 * Users are created by an admin (fm_users_add) or on first print
 * (fm_users_ensure), taking the full name from NSS (GECOS).  Print PINs
 * are stored only as salted PBKDF2-SHA256 hashes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_USERS_H
#define FM_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quota/accounts.h"
#include "quota/depts.h"
#include "store/store.h"

#define FM_USERS_LOGINMAX 64
#define FM_USERS_NAMEMAX 128
#define FM_USERS_PIN_ITERATIONS 100000

struct fm_user {
	int64_t id;
	char login[FM_USERS_LOGINMAX];
	char full_name[FM_USERS_NAMEMAX];
	char dept_code[FM_DEPTS_CODEMAX]; /* "" when none */
	bool enabled;
	bool has_pin;
	int64_t created_at;
	struct fm_account account;
	char email[FM_USERS_NAMEMAX];
	char roles[32];         /* "admin", "finance", "admin,finance" or "" */
	char granted_roles[32]; /* the same, granted by an admin */
	char source[16];        /* "manual" or "directory" */
	char language[8];       /* "fr", "en", or "" for the terminal's own */
};

/* 'fm_users_login_is_valid()' - a POSIX-ish login: 1 to 63 bytes of
 * letters, digits, '.', '_', '-', '@', not starting with '-'. */
bool fm_users_login_is_valid(const char *login);

/*
 * 'fm_users_add()' - create user login with full_name (NULL: from NSS, or
 * "") in department dept_code (NULL: none).  The account is restricted
 * or not according to the "new_users" policy.  False with *errstr on a
 * bad login, unknown department, duplicate or database error.
 */
bool fm_users_add(fm_store_t *store, const char *login, const char *full_name,
    const char *dept_code, const char **errstr);

/*
 * 'fm_users_ensure()' - make sure login exists, creating it as on first
 * print when missing.  Runs inside the caller's transaction if there is
 * one.  False on a bad login or a database error.
 */
bool fm_users_ensure(fm_store_t *store, const char *login);

/* 'fm_users_get()' - fill *out with user login; false if none. */
bool fm_users_get(fm_store_t *store, const char *login, struct fm_user *out);

/* 'fm_users_list()' - call fn for each user (of department dept_code if
 * not NULL), by login. */
bool fm_users_list(fm_store_t *store, const char *dept_code,
    bool (*fn)(const struct fm_user *user, void *arg), void *arg);

/*
 * 'fm_users_has_role()' - does u have role ("admin" or "finance"), from
 * the directory's groups or granted by an admin?
 */
bool fm_users_has_role(const struct fm_user *u, const char *role);

/*
 * 'fm_users_grant_role()' - grant (grant true) or take back role
 * ("admin" or "finance") for login.  Roles from the directory are not
 * touched.  False with *errstr for another role or an unknown user.
 */
bool fm_users_grant_role(fm_store_t *store, const char *login, const char *role,
    bool grant, const char **errstr);

/*
 * 'fm_users_search()' - call fn for at most limit users whose login, full
 * name or department code holds query (any case for ASCII; "" matches
 * all), by login, skipping the first offset; *total (may be NULL) gets
 * how many match in all.  False on a store error or a query of
 * FM_USERS_NAMEMAX bytes or more.
 */
bool fm_users_search(fm_store_t *store, const char *query, int64_t offset,
    int64_t limit, bool (*fn)(const struct fm_user *user, void *arg), void *arg,
    int64_t *total);

/* 'fm_users_set_department()' - set login's primary department (NULL or
 * "" for none); false with *errstr if either does not exist. */
bool fm_users_set_department(fm_store_t *store, const char *login,
    const char *dept_code, const char **errstr);

/* 'fm_users_set_enabled()' - enable or disable login; false if none. */
bool fm_users_set_enabled(fm_store_t *store, const char *login, bool enabled);

/*
 * 'fm_users_set_language()' - the language login reads terminals in:
 * "fr", "en", or "" for each terminal's own.  False with *errstr for
 * another value or an unknown user.
 */
bool fm_users_set_language(fm_store_t *store, const char *login,
    const char *language, const char **errstr);

/* 'fm_users_pin_is_valid()' - is pin (len bytes) 4 to 8 digits? */
bool fm_users_pin_is_valid(const char *pin, size_t len);

/*
 * 'fm_users_set_pin()' - store a salted PBKDF2-SHA256 hash of pin (len
 * bytes, 4 to 8 digits) for login.  The caller wipes its copy of the PIN.
 * False with *errstr on a bad PIN, an unknown user or an error.
 */
bool fm_users_set_pin(fm_store_t *store, const char *login, const char *pin,
    size_t len, const char **errstr);

/* 'fm_users_clear_pin()' - login has no PIN any more (an admin's reset:
 * they set a new one from the web console); false if no such user. */
bool fm_users_clear_pin(fm_store_t *store, const char *login);

/*
 * 'fm_users_check_pin()' - does pin (len bytes) match login's stored PIN?
 * False for an unknown user, a user without a PIN, a disabled user or a
 * PIN that is not 4 to 8 digits, after the same work as for a wrong PIN
 * (a PBKDF2 of pin with a fixed salt): how long it takes does not tell
 * which.  The comparison of hashes is constant-time.  Rate limiting is
 * the caller's.
 */
bool fm_users_check_pin(
    fm_store_t *store, const char *login, const char *pin, size_t len);

#endif
