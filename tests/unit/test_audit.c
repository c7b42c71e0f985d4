/*
 * test_audit.c - the audit trail: a change and its entry together, or
 * neither; entries never change.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "store/audit.h"
#include "store/sql.h"
#include "store/store-private.h"
#include "store_fixture.h"

static bool
insert_policy(fm_store_t *s, void *arg)
{
	return fm_sql_exec(s,
	    "INSERT INTO policy (key, value) VALUES ('audit-test', ?1)",
	    FM_ARG_TEXT((const char *)arg));
}

static bool
insert_then_refuse(fm_store_t *s, void *arg)
{
	insert_policy(s, arg);
	return false;
}

/* A change that is a transaction of its own elsewhere (a price list's
 * new version, a department and its account). */
static bool
insert_in_own_transaction(fm_store_t *s, void *arg)
{
	return fm_store_begin(s) && fm_store_end(s, insert_policy(s, arg));
}

static bool
own_transaction_then_refuse(fm_store_t *s, void *arg)
{
	insert_in_own_transaction(s, arg);
	return false;
}

static void
entry(struct fm_audit_entry *e, const char *action)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->actor, sizeof(e->actor), "fmbob");
	snprintf(e->via, sizeof(e->via), "web");
	snprintf(e->action, sizeof(e->action), "%s", action);
	snprintf(e->target, sizeof(e->target), "fmfin");
	snprintf(e->before, sizeof(e->before), "FIN");
	snprintf(e->after, sizeof(e->after), "XSS");
}

static bool
collect(const struct fm_audit_entry *e, void *arg)
{
	char *seen = arg;

	strcat(seen, e->action);
	strcat(seen, ";");
	return true;
}

static void
test_change_and_entry_together(fm_store_t *s)
{
	struct fm_audit_entry e;
	bool store_error;
	char seen[256] = "";

	entry(&e, "user.department");
	ASSERT_TRUE(fm_audit_change(s, &e, insert_policy, "1", &store_error));
	ASSERT_FALSE(store_error);
	ASSERT_TRUE(e.id > 0 && e.at > 0);
	/* A refused change leaves neither its work nor an entry. */
	entry(&e, "user.disable");
	ASSERT_FALSE(
	    fm_audit_change(s, &e, insert_then_refuse, "2", &store_error));
	ASSERT_FALSE(store_error);
	ASSERT_INT_EQ(fixture_int(s, "SELECT count(*) FROM audit"), 1);
	ASSERT_INT_EQ(fixture_int(s,
	                  "SELECT count(*) FROM policy WHERE key = "
	                  "'audit-test'"),
	    1);
	/* A change that fails in the store (the key exists) records
	 * nothing either. */
	entry(&e, "user.enable");
	ASSERT_FALSE(fm_audit_change(s, &e, insert_policy, "3", &store_error));
	ASSERT_INT_EQ(fixture_int(s, "SELECT count(*) FROM audit"), 1);
	entry(&e, "auth.unlock");
	ASSERT_TRUE(
	    fm_audit_change(s, &e, insert_then_refuse, "x", NULL) == false);
	ASSERT_TRUE(fm_audit_list(s, 0, 10, collect, seen));
	ASSERT_STR_EQ(seen, "user.department;");
}

static void
test_append_only(fm_store_t *s)
{
	struct fm_audit_entry e;

	entry(&e, "user.department");
	ASSERT_TRUE(fm_audit_change(s, &e, insert_policy, "1", NULL));
	ASSERT_FALSE(
	    fm_sql_exec(s, "UPDATE audit SET actor = 'mallory'", FM_NO_ARGS));
	ASSERT_FALSE(fm_sql_exec(s, "DELETE FROM audit", FM_NO_ARGS));
	ASSERT_INT_EQ(fixture_int(s,
	                  "SELECT count(*) FROM audit WHERE actor = "
	                  "'fmbob'"),
	    1);
}

static void
test_newest_first(fm_store_t *s)
{
	static const char *const actions[] = {"a.one", "a.two", "a.three"};
	char values[3][2] = {"1", "2", "3"};
	struct fm_audit_entry e;
	char seen[256] = "";

	for (size_t i = 0; i < 3; i++) {
		entry(&e, actions[i]);
		fm_sql_exec(s, "DELETE FROM policy WHERE key = 'audit-test'",
		    FM_NO_ARGS);
		ASSERT_TRUE(
		    fm_audit_change(s, &e, insert_policy, values[i], NULL));
	}
	ASSERT_TRUE(fm_audit_list(s, 1, 10, collect, seen));
	ASSERT_STR_EQ(seen, "a.two;a.one;");
}

static void
test_nested_transaction(fm_store_t *s)
{
	struct fm_audit_entry e;
	bool store_error = true;

	entry(&e, "price.set");
	ASSERT_TRUE(fm_audit_change(
	    s, &e, insert_in_own_transaction, "1", &store_error));
	ASSERT_FALSE(store_error);
	ASSERT_INT_EQ(fixture_int(s, "SELECT count(*) FROM audit"), 1);
	/* Its own commit is undone with the refused change. */
	entry(&e, "dept.add");
	ASSERT_FALSE(fm_audit_change(
	    s, &e, own_transaction_then_refuse, "2", &store_error));
	ASSERT_FALSE(store_error);
	ASSERT_INT_EQ(fixture_int(s, "SELECT count(*) FROM audit"), 1);
	ASSERT_INT_EQ(fixture_int(s,
	                  "SELECT count(*) FROM policy WHERE key = "
	                  "'audit-test'"),
	    1);
	/* And the store takes transactions again afterwards. */
	ASSERT_TRUE(fm_store_begin(s) && fm_store_commit(s));
}

int
main(void)
{
	RUN_STORE(test_change_and_entry_together);
	RUN_STORE(test_append_only);
	RUN_STORE(test_newest_first);
	RUN_STORE(test_nested_transaction);
	return harness_done();
}
