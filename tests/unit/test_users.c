/*
 * test_users.c - unit tests for quota/users.c, depts.c and badges.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/badges.h"
#include "quota/depts.h"
#include "quota/policy.h"
#include "quota/users.h"
#include "tests/unit/harness.h"
#include "tests/unit/store_fixture.h"

static void
test_users_and_departments(fm_store_t *s)
{
	const char *errstr = NULL;
	struct fm_user u;
	struct fm_dept d;

	ASSERT_TRUE(fm_depts_add(s, "O10", "Finance, \"Accounts\"", &errstr));
	ASSERT_FALSE(fm_depts_add(s, "O10", "Again", &errstr));
	ASSERT_STR_CONTAINS(errstr, "already exists");
	ASSERT_FALSE(fm_depts_add(s, "O 10", "Bad", &errstr));
	ASSERT_FALSE(fm_depts_add(s, "O11", "", &errstr));
	ASSERT_TRUE(fm_users_add(s, "alice", "Alice", "O10", &errstr));
	ASSERT_FALSE(fm_users_add(s, "bob", "Bob", "O99", &errstr));
	ASSERT_STR_CONTAINS(errstr, "no such department");
	ASSERT_FALSE(fm_users_add(s, "-rf", NULL, NULL, &errstr));
	ASSERT_TRUE(fm_users_get(s, "alice", &u));
	ASSERT_STR_EQ(u.dept_code, "O10");
	ASSERT_TRUE(u.enabled);
	ASSERT_FALSE(u.account.restricted); /* policy default */
	ASSERT_TRUE(fm_depts_get(s, "O10", &d));
	ASSERT_INT_EQ(d.users, 1);
	ASSERT_TRUE(fm_users_set_department(s, "alice", "", &errstr));
	ASSERT_TRUE(fm_users_get(s, "alice", &u));
	ASSERT_STR_EQ(u.dept_code, "");
	ASSERT_FALSE(fm_users_set_department(s, "nobody", "O10", &errstr));
	/* Created on first print, restricted if the policy says so; the
	 * full name comes from NSS (root exists everywhere). */
	ASSERT_TRUE(fm_policy_set(s, "new_users", "restricted", &errstr));
	ASSERT_TRUE(fm_users_ensure(s, "root"));
	ASSERT_TRUE(fm_users_get(s, "root", &u));
	ASSERT_TRUE(u.account.restricted);
	ASSERT_STR_EQ(u.full_name, "root");
	ASSERT_TRUE(fm_users_ensure(s, "root"));
	ASSERT_FALSE(fm_users_ensure(s, "no such"));
}

static void
test_pins(fm_store_t *s)
{
	const char *errstr = NULL;
	struct fm_user u;

	ASSERT_TRUE(fm_users_add(s, "alice", "Alice", NULL, &errstr));
	ASSERT_FALSE(fm_users_check_pin(s, "alice", "1234", 4));
	ASSERT_FALSE(fm_users_set_pin(s, "alice", "123", 3, &errstr));
	ASSERT_FALSE(fm_users_set_pin(s, "alice", "123456789", 9, &errstr));
	ASSERT_FALSE(fm_users_set_pin(s, "alice", "12a4", 4, &errstr));
	ASSERT_FALSE(fm_users_set_pin(s, "nobody", "1234", 4, &errstr));
	ASSERT_TRUE(fm_users_set_pin(s, "alice", "4711", 4, &errstr));
	ASSERT_TRUE(fm_users_get(s, "alice", &u));
	ASSERT_TRUE(u.has_pin);
	ASSERT_TRUE(fm_users_check_pin(s, "alice", "4711", 4));
	ASSERT_FALSE(fm_users_check_pin(s, "alice", "4712", 4));
	ASSERT_FALSE(fm_users_check_pin(s, "alice", "47110", 5));
	ASSERT_FALSE(fm_users_check_pin(s, "bob", "4711", 4));
	ASSERT_TRUE(fm_users_set_enabled(s, "alice", false));
	ASSERT_FALSE(fm_users_check_pin(s, "alice", "4711", 4));
}

static bool
count_badge(const char *fp, const char *label, int64_t at, void *arg)
{
	(void)fp;
	(void)label;
	(void)at;
	++*(int *)arg;
	return true;
}

static void
test_badges(fm_store_t *s)
{
	uint8_t key[FM_BADGES_KEYLEN] = {1, 2, 3},
	        other[FM_BADGES_KEYLEN] = {9};
	uint8_t uid[FM_BADGES_UIDMAX], uid2[FM_BADGES_UIDMAX];
	size_t len = 0, len2 = 0;
	const char *errstr = NULL;
	char login[64];
	int n = 0;

	ASSERT_TRUE(fm_badges_parse_uid("04:a1:B2:c3", 11, uid, &len));
	ASSERT_TRUE(fm_badges_parse_uid("04A1B2C3", 8, uid2, &len2));
	ASSERT_INT_EQ(len, 4);
	ASSERT_MEM_EQ(uid, uid2, 4);
	ASSERT_FALSE(fm_badges_parse_uid("04A1B2", 6, uid2, &len2));
	ASSERT_FALSE(fm_badges_parse_uid("04A1B2C", 7, uid2, &len2));
	ASSERT_FALSE(fm_badges_parse_uid(":04A1B2C3", 9, uid2, &len2));
	ASSERT_FALSE(fm_badges_parse_uid("0:4A1B2C3", 9, uid2, &len2));
	ASSERT_FALSE(fm_badges_parse_uid("04 A1B2C3", 9, uid2, &len2));
	ASSERT_TRUE(fm_users_add(s, "alice", "Alice", NULL, &errstr));
	ASSERT_TRUE(fm_badges_add(s, key, "alice", uid, len, "blue", &errstr));
	ASSERT_FALSE(
	    fm_badges_add(s, key, "alice", uid, len, "again", &errstr));
	ASSERT_FALSE(fm_badges_add(s, key, "nobody", uid, len, "", &errstr));
	ASSERT_TRUE(fm_badges_lookup(s, key, uid, len, login, sizeof(login)));
	ASSERT_STR_EQ(login, "alice");
	/* Disabled, alice still owns her badge (the login is refused by
	 * the release service, which says why). */
	ASSERT_TRUE(fm_users_set_enabled(s, "alice", false));
	login[0] = '\0';
	ASSERT_TRUE(fm_badges_lookup(s, key, uid, len, login, sizeof(login)));
	ASSERT_STR_EQ(login, "alice");
	ASSERT_TRUE(fm_users_set_enabled(s, "alice", true));
	/* Another site key finds nothing: only the keyed hash is stored. */
	ASSERT_FALSE(
	    fm_badges_lookup(s, other, uid, len, login, sizeof(login)));
	ASSERT_TRUE(fm_badges_list(s, "alice", count_badge, &n));
	ASSERT_INT_EQ(n, 1);
	ASSERT_TRUE(fm_badges_remove(s, key, uid, len));
	ASSERT_FALSE(fm_badges_remove(s, key, uid, len));
	ASSERT_FALSE(fm_badges_lookup(s, key, uid, len, login, sizeof(login)));
}

int
main(void)
{
	RUN_STORE(test_users_and_departments);
	RUN_STORE(test_pins);
	RUN_STORE(test_badges);
	return harness_done();
}
