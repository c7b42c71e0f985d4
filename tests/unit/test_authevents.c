/*
 * test_authevents.c - unit tests for store/authevents.c: events written
 * with the attempt's settlement, listed with filters and pages, pruned by
 * age at most once an hour, and the users locked out now.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "quota/users.h"
#include "store/authevents.h"
#include "store/authlog.h"
#include "tests/unit/harness.h"
#include "tests/unit/store_fixture.h"

#define DAY 86400
#define T0 (1000 * DAY)

static struct fm_authevent
ev(int64_t at, const char *login, enum fm_authevent_outcome o)
{
	struct fm_authevent e = {
	    .at = at, .method = FM_AUTHEVENT_PIN, .outcome = o};

	snprintf(e.login, sizeof(e.login), "%s", login);
	snprintf(e.place, sizeof(e.place), "t1");
	return e;
}

static bool
add(fm_store_t *s, int64_t at, const char *login, enum fm_authevent_outcome o,
    int64_t keep_days)
{
	struct fm_authevent e = ev(at, login, o);

	return fm_authevents_add(s, &e, keep_days);
}

struct seen {
	int n;
	char logins[8][FM_AUTHEVENT_TEXTMAX];
	enum fm_authevent_outcome outcomes[8];
};

static bool
collect(const struct fm_authevent *e, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		snprintf(s->logins[s->n], sizeof(s->logins[0]), "%s", e->login);
		s->outcomes[s->n] = e->outcome;
	}
	s->n++;
	return true;
}

static int64_t
events(fm_store_t *s)
{
	return fixture_int(s, "SELECT count(*) FROM auth_events");
}

/* Events older than keep_days go, once an hour at most, whoever
 * writes: the first write prunes, writes within the hour after a prune
 * do not, the first one after it does. */
static void
test_pruned_by_age_hourly(fm_store_t *s)
{
	ASSERT_TRUE(add(s, T0 - 100 * DAY, "a", FM_AUTHEVENT_SUCCESS, 90));
	ASSERT_TRUE(
	    add(s, T0 - 100 * DAY + 3599, "b", FM_AUTHEVENT_SUCCESS, 90));
	ASSERT_TRUE(add(s, T0 - 89 * DAY, "c", FM_AUTHEVENT_SUCCESS, 90));
	ASSERT_INT_EQ(events(s), 3);
	/* 89 days after the last prune: a and b, 100 days old, go. */
	ASSERT_TRUE(add(s, T0, "d", FM_AUTHEVENT_SUCCESS, 90));
	ASSERT_INT_EQ(events(s), 2);
	ASSERT_INT_EQ(fixture_int(s,
	                  "SELECT count(*) FROM auth_events"
	                  " WHERE login IN ('a', 'b')"),
	    0);
	/* Within the hour: c is older than 1 day, but no prune runs. */
	ASSERT_TRUE(add(s, T0 + 3599, "e", FM_AUTHEVENT_SUCCESS, 1));
	ASSERT_INT_EQ(events(s), 3);
	/* An hour after the last prune, it runs again: c goes, d stays. */
	ASSERT_TRUE(add(s, T0 + 3600, "f", FM_AUTHEVENT_SUCCESS, 1));
	ASSERT_INT_EQ(events(s), 3);
	ASSERT_INT_EQ(fixture_int(s,
	                  "SELECT count(*) FROM auth_events"
	                  " WHERE login = 'c'"),
	    0);
	/* A clock set back prunes too (the last prune is "in the future"),
	 * by the new time. */
	ASSERT_TRUE(add(s, T0 - 10 * DAY, "g", FM_AUTHEVENT_SUCCESS, 1));
	ASSERT_INT_EQ(events(s), 4);
	ASSERT_INT_EQ(fm_authevents_prune(s, T0 + 1, T0 + 2 * DAY), 2);
	ASSERT_INT_EQ(events(s), 2);
	ASSERT_FALSE(add(s, T0, "x", FM_AUTHEVENT_SUCCESS, 0));
	ASSERT_INT_EQ(events(s), 2);
}

/* Newest first, filtered by login, outcome and time, paged, counted. */
static void
test_list_filters(fm_store_t *s)
{
	struct fm_authevent_filter f = {0};
	struct seen seen = {0};
	int64_t total = -1;

	ASSERT_TRUE(add(s, T0 + 1, "alice", FM_AUTHEVENT_WRONG_SECRET, 90));
	ASSERT_TRUE(add(s, T0 + 2, "bob", FM_AUTHEVENT_SUCCESS, 90));
	ASSERT_TRUE(add(s, T0 + 3, "alice", FM_AUTHEVENT_SUCCESS, 90));
	ASSERT_TRUE(add(s, T0 + 4, "", FM_AUTHEVENT_UNKNOWN, 90));
	ASSERT_TRUE(fm_authevents_list(s, &f, 0, 10, collect, &seen, &total));
	ASSERT_INT_EQ(total, 4);
	ASSERT_INT_EQ(seen.n, 4);
	ASSERT_STR_EQ(seen.logins[0], "");
	ASSERT_INT_EQ(seen.outcomes[0], FM_AUTHEVENT_UNKNOWN);
	ASSERT_STR_EQ(seen.logins[3], "alice");
	f.login = "alice";
	memset(&seen, 0, sizeof(seen));
	ASSERT_TRUE(fm_authevents_list(s, &f, 0, 10, collect, &seen, &total));
	ASSERT_INT_EQ(total, 2);
	ASSERT_INT_EQ(seen.outcomes[0], FM_AUTHEVENT_SUCCESS);
	ASSERT_INT_EQ(seen.outcomes[1], FM_AUTHEVENT_WRONG_SECRET);
	f.outcome = "wrong-secret";
	memset(&seen, 0, sizeof(seen));
	ASSERT_TRUE(fm_authevents_list(s, &f, 0, 10, collect, &seen, &total));
	ASSERT_INT_EQ(total, 1);
	f = (struct fm_authevent_filter){.from = T0 + 2, .to = T0 + 4};
	memset(&seen, 0, sizeof(seen));
	ASSERT_TRUE(fm_authevents_list(s, &f, 1, 10, collect, &seen, &total));
	ASSERT_INT_EQ(total, 2);
	ASSERT_INT_EQ(seen.n, 1);
	ASSERT_STR_EQ(seen.logins[0], "bob");
	ASSERT_FALSE(fm_authevents_list(s, &f, -1, 10, collect, &seen, NULL));
}

/* The event is written in the settlement's transaction. */
static void
test_settled_with_event(fm_store_t *s)
{
	const struct fm_authlog_limits lim = {
	    .window = 300, .max = 2, .delay_max = 20, .busy_max = 15};
	struct fm_authlog_attempt a;
	struct fm_authevent e;

	for (int i = 0; i < 2; i++) {
		ASSERT_INT_EQ(fm_authlog_reserve(
		                  s, &lim, "t1", "carol", false, T0 + i, &a),
		    FM_AUTHLOG_GO);
		e = ev(T0 + i, "carol", FM_AUTHEVENT_WRONG_SECRET);
		ASSERT_TRUE(fm_authlog_settle_logged(
		    s, &a, FM_AUTHLOG_FAILED, T0 + i, &e, 90));
	}
	ASSERT_INT_EQ(fixture_int(s,
	                  "SELECT count(*) FROM auth_events WHERE login = "
	                  "'carol' AND outcome = 'wrong-secret'"),
	    2);
	ASSERT_INT_EQ(fixture_int(s,
	                  "SELECT count(*) FROM auth_failures"
	                  " WHERE key = 'carol'"),
	    2);
	/* An event the store refuses (bad method) undoes the settlement. */
	ASSERT_INT_EQ(fm_authlog_reserve(s, &lim, "t2", "erin", false, T0, &a),
	    FM_AUTHLOG_GO);
	e = ev(T0, "erin", FM_AUTHEVENT_SUCCESS);
	e.method = (enum fm_authevent_method)99;
	ASSERT_FALSE(
	    fm_authlog_settle_logged(s, &a, FM_AUTHLOG_SUCCEEDED, T0, &e, 90));
	ASSERT_INT_EQ(fixture_int(s,
	                  "SELECT count(*) FROM auth_checks"
	                  " WHERE terminal = 't2'"),
	    1);
}

struct locks {
	int n;
	char login[FM_AUTHEVENT_TEXTMAX];
	int64_t failures, until;
};

static bool
collect_lock(const struct fm_authevent_lock *l, void *arg)
{
	struct locks *k = arg;

	k->n++;
	snprintf(k->login, sizeof(k->login), "%s", l->login);
	k->failures = l->failures;
	k->until = l->until;
	return true;
}

static void
test_locked_and_unlock(fm_store_t *s)
{
	const char *err = NULL;
	struct locks k = {0};
	struct fm_authevent e = ev(T0 + 20, "dave", FM_AUTHEVENT_UNLOCKED);

	ASSERT_TRUE(fm_users_add(s, "dave", "", NULL, &err));
	for (int i = 0; i < 3; i++) {
		ASSERT_TRUE(
		    fm_authlog_fail(s, FM_AUTHLOG_USER, "dave", T0 + i));
		ASSERT_TRUE(
		    fm_authlog_fail(s, FM_AUTHLOG_USER, "hunter2", T0 + i));
	}
	/* 3 failures of 4 allowed: not locked; hunter2, whoever that is,
	 * is no user of the store: never listed. */
	ASSERT_TRUE(fm_authevents_locked(s, 300, 4, T0 + 10, collect_lock, &k));
	ASSERT_INT_EQ(k.n, 0);
	/* max 2: the 2nd newest failure (T0 + 1) locks until T0 + 301. */
	ASSERT_TRUE(fm_authevents_locked(s, 300, 2, T0 + 10, collect_lock, &k));
	ASSERT_INT_EQ(k.n, 1);
	ASSERT_STR_EQ(k.login, "dave");
	ASSERT_INT_EQ(k.failures, 3);
	ASSERT_INT_EQ(k.until, T0 + 301);
	/* Out of the window: not locked. */
	memset(&k, 0, sizeof(k));
	ASSERT_TRUE(
	    fm_authevents_locked(s, 300, 2, T0 + 301, collect_lock, &k));
	ASSERT_INT_EQ(k.n, 0);
	snprintf(e.actor, sizeof(e.actor), "root");
	e.method = FM_AUTHEVENT_ADMIN;
	ASSERT_INT_EQ(fm_authlog_unlock(s, "dave", &e, 90), 3);
	ASSERT_TRUE(fm_authevents_locked(s, 300, 2, T0 + 10, collect_lock, &k));
	ASSERT_INT_EQ(k.n, 0);
	ASSERT_INT_EQ(fixture_int(s,
	                  "SELECT count(*) FROM auth_events WHERE login = "
	                  "'dave' AND outcome = 'unlocked' AND actor = "
	                  "'root' AND method = 'admin'"),
	    1);
}

static void
test_names(fm_store_t *s)
{
	enum fm_authevent_outcome o;
	struct fm_authevent e = ev(T0, "x", FM_AUTHEVENT_SUCCESS);

	ASSERT_STR_EQ(fm_authevent_outcome_name(FM_AUTHEVENT_WRONG_SECRET),
	    "wrong-secret");
	ASSERT_STR_EQ(
	    fm_authevent_method_name(FM_AUTHEVENT_PASSWORD), "password");
	ASSERT_STR_EQ(fm_authevent_outcome_name((enum fm_authevent_outcome)(
	                  FM_AUTHEVENT_OUTCOME_MAX + 1)),
	    "");
	ASSERT_TRUE(fm_authevent_outcome_parse("locked", 6, &o));
	ASSERT_INT_EQ(o, FM_AUTHEVENT_LOCKED);
	ASSERT_FALSE(fm_authevent_outcome_parse("lock", 4, &o));
	/* Every method's name is one the store takes (its CHECK). */
	for (int m = 0; m <= FM_AUTHEVENT_METHOD_MAX; m++) {
		e.method = (enum fm_authevent_method)m;
		ASSERT_TRUE(fm_authevents_add(s, &e, 90));
	}
	ASSERT_STR_EQ(fm_authevent_method_name(FM_AUTHEVENT_TOKEN), "token");
	ASSERT_INT_EQ(fixture_int(s,
	                  "SELECT count(*) FROM auth_events WHERE method = "
	                  "'token' AND login = 'x'"),
	    1);
	e.method = (enum fm_authevent_method)(FM_AUTHEVENT_METHOD_MAX + 1);
	ASSERT_FALSE(fm_authevents_add(s, &e, 90));
	ASSERT_FALSE(fm_authevents_add(NULL, &e, 90));
}

int
main(void)
{
	RUN_STORE(test_pruned_by_age_hourly);
	RUN_STORE(test_list_filters);
	RUN_STORE(test_settled_with_event);
	RUN_STORE(test_locked_and_unlock);
	RUN_STORE(test_names);
	return harness_done();
}
