/*
 * test_aggregates.c - unit tests for quota/aggregates.c and the exports
 * that read them: charges, split charges, a job charged on two days and
 * twice on one day, refunds on a later day, adjustments and allocations
 * over several local days (in a time zone that is not UTC), then every
 * export (department, user, printer, project; CSV, JSON and text) of
 * every period of whole days compared between the aggregates and the
 * GROUP BY over the ledger; jobs charged to a project (one released on
 * two days, one refunded on a later day, one split between a user and
 * the project); tampered aggregates found by verification and mended by
 * a rebuild; the migrations' fill equal to the rebuild.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <time.h>

#include "quota/accounts.h"
#include "quota/aggregates.h"
#include "quota/depts.h"
#include "quota/export.h"
#include "quota/ledger-local.h"
#include "quota/ledger-private.h"
#include "quota/ledger.h"
#include "quota/period.h"
#include "quota/price.h"
#include "quota/users.h"
#include "store/store-private.h"
#include "tests/unit/harness.h"
#include "tests/unit/ledger_fixture.h"
#include "tests/unit/store_fixture.h"

#define HOUR INT64_C(3600)

/* The days charged on, after 2026-09-29: the end of September, the
 * whole of October (the clocks go back on the 25th in Paris: that day
 * lasts 25 hours) and the start of November, so that periods begin and
 * end inside months and hold whole ones. */
static const int offsets[] = {0, 1, 2, 3, 10, 26, 27, 32, 33, 35};
#define NDAYS ((int)NELEM(offsets))

/* Local midnight starting test day d. */
static int64_t
day(int d)
{
	int64_t t = 0;

	if (!fm_period_parse_date("2026-09-29", 10, &t))
		return -1;
	for (int i = 0; i < offsets[d]; i++)
		t = fm_period_next_day(t);
	return t;
}

/* Reserves for job as user at time at, charged to account (NULL: the
 * user's own payers), and commits with usage priced on printer; false
 * on any failure. */
static bool
charge_job_to(fm_store_t *s, int64_t at, const char *user, const char *account,
    const char *printer, int64_t job, int64_t mono_s, int64_t colour_s)
{
	static int seq;
	struct fm_usage u = {
	    "A4", {{mono_s, 0}, {colour_s, 0}}, {{mono_s, 0}, {colour_s, 0}}};
	struct fm_reservation r;
	struct fm_quote q;
	char key[32], ckey[32], denial[FM_LEDGER_DENIALMAX];
	const char *errstr = NULL;

	seq++;
	fm_store_set_now(s, at);
	snprintf(key, sizeof(key), "r-%d", seq);
	snprintf(ckey, sizeof(ckey), "c-%d", seq);
	if (!fm_price_quote(s, printer, &u, &q) ||
	    !fixture_reserve(s, user, account, q.amount, key, job, q.version,
	        &r, denial, sizeof(denial))) {
		fprintf(stderr, "reserve %s job %lld: %s\n", user,
		    (long long)job, denial);
		return false;
	}
	return fixture_commit(
	    s, r.id, q.amount, true, printer, &u, ckey, &errstr);
}

static bool
charge_job(fm_store_t *s, int64_t at, const char *user, const char *printer,
    int64_t job, int64_t mono_s, int64_t colour_s)
{
	return charge_job_to(s, at, user, NULL, printer, job, mono_s, colour_s);
}

/* A reservation given back before anything printed (a refund row of
 * amount 0 that releases the hold). */
static bool
reserve_and_release(fm_store_t *s, int64_t at, const char *user, int64_t job)
{
	static int seq;
	struct fm_reservation r;
	char key[32], rkey[32], denial[FM_LEDGER_DENIALMAX];
	const char *errstr = NULL;

	seq++;
	fm_store_set_now(s, at);
	snprintf(key, sizeof(key), "rr-%d", seq);
	snprintf(rkey, sizeof(rkey), "rr-%d-back", seq);
	return fixture_reserve(s, user, NULL, 40, key, job, 1, &r, denial,
	           sizeof(denial)) &&
	    fixture_refund(s, r.id, rkey, &errstr);
}

static bool
set_price(
    fm_store_t *s, const char *printer, int colour, int duplex, int64_t amount)
{
	struct fm_price_entry e = {"A4", colour, duplex, false, amount};
	const char *errstr;

	return fm_price_set(s, printer, &e, "admin", NULL, &errstr);
}

/* Gives account kind/name amount (an adjustment, or an allocation). */
static bool
give(fm_store_t *s, const char *kind, const char *name, int64_t amount,
    bool allocation)
{
	struct fm_account a;
	const char *errstr = NULL;

	return fm_accounts_find(s, kind, name, &a) &&
	    fm_ledger_adjust(s, a.id, amount, allocation, "start", "test", NULL,
	        NULL, &errstr);
}

/* A site and eight days of charges; false on any failure. */
static bool
populate(fm_store_t *s)
{
	const char *errstr = NULL;
	struct fm_account a;
	int64_t job = 1;

	fm_store_set_now(s, day(0) - 24 * HOUR);
	if (!fm_depts_add(s, "O10", "Finance", &errstr) ||
	    !fm_depts_add(s, "O20", "Sales, \"West\"", &errstr) ||
	    !fm_users_add(s, "alice", "Alice", "O10", &errstr) ||
	    !fm_users_add(s, "bob", "=Bob", "O10", &errstr) ||
	    !fm_users_add(s, "carol", "Carol", "O20", &errstr) ||
	    !fm_users_add(s, "erin", "Erin", NULL, &errstr) ||
	    !fm_users_add(s, "dave", "Dave", "O20", &errstr) ||
	    !fm_users_add(s, "frank", "Frank", "O10", &errstr) ||
	    !set_price(s, "", 0, 0, 5) || !set_price(s, "", 1, 0, 20) ||
	    !set_price(s, "colour", 1, 0, 25) ||
	    !set_price(s, "colour", 0, 0, 6))
		return false;
	/* alice is restricted with a little money: her bigger charges are
	 * split between her and her department (two commit rows). */
	if (!fm_accounts_find(s, "user", "alice", &a) ||
	    !fm_accounts_set_limits(s, a.id, true, 0) ||
	    !give(s, "user", "alice", 60, false) ||
	    !give(s, "department", "O10", 100000, true))
		return false;
	for (int d = 0; d < NDAYS; d++) {
		int64_t t = day(d);

		/* Just after local midnight and just before the next:
		 * different UTC dates, the same local day. */
		if (!charge_job(s, t + 60, "bob", "lobby", job++, 3, 0) ||
		    !charge_job(s, fm_period_next_day(t) - 60, "carol",
		        d % 2 ? "colour" : "lobby", job++, 1, d) ||
		    !charge_job(
		        s, t + 10 * HOUR, "alice", "colour", job++, 2, 2) ||
		    !give(s, "user", "alice", d % 3 == 0 ? 20 : 0, false))
			return false;
		if (d % 3 == 1 &&
		    !charge_job(s, t + 11 * HOUR, "erin", "lobby", job++, 1, 0))
			return false;
		/* Users who print on few days: counted only in periods
		 * that hold one of them. */
		if (d == 0 &&
		    !charge_job(s, t + 9 * HOUR, "frank", "lobby", job++, 1, 0))
			return false;
		if (d >= 6 &&
		    !charge_job(s, t + 9 * HOUR, "dave", "colour", job++, 0, 1))
			return false;
	}
	/* Job 900: released on day 1 and again on day 4 at another printer;
	 * job 901: twice on day 2 at two printers; job 902: on days 3, 5
	 * and 6, by the same user at the same printer; job 903 in three
	 * months. */
	if (!charge_job(s, day(1) + 12 * HOUR, "carol", "lobby", 900, 4, 0) ||
	    !charge_job(s, day(4) + 12 * HOUR, "carol", "colour", 900, 4, 0) ||
	    !charge_job(s, day(2) + 12 * HOUR, "alice", "lobby", 901, 1, 1) ||
	    !charge_job(s, day(2) + 13 * HOUR, "alice", "colour", 901, 1, 1) ||
	    !charge_job(s, day(3) + 12 * HOUR, "bob", "lobby", 902, 2, 0) ||
	    !charge_job(s, day(5) + 12 * HOUR, "bob", "lobby", 902, 2, 0) ||
	    !charge_job(s, day(6) + 12 * HOUR, "bob", "lobby", 902, 2, 0) ||
	    !charge_job(s, day(1) + 14 * HOUR, "carol", "lobby", 903, 1, 0) ||
	    !charge_job(s, day(6) + 14 * HOUR, "carol", "lobby", 903, 1, 0) ||
	    !charge_job(s, day(8) + 14 * HOUR, "carol", "lobby", 903, 1, 0))
		return false;
	/* Refunds on a later day: a job charged on day 0 (split, alice),
	 * one on day 2; and a reservation given back unprinted. */
	fm_store_set_now(s, day(5) + 14 * HOUR);
	if (!fm_ledger_refund_job(s, 3, "jam", "admin", NULL, &errstr) ||
	    !fm_ledger_refund_job(s, 8, "jam", "admin", NULL, &errstr) ||
	    !reserve_and_release(s, day(6) + HOUR, "carol", 950))
		return false;
	return true;
}

/* The export of test days d1 to d2 from the aggregates or the
 * ledger, in a buffer the caller frees; NULL on failure. */
static char *export(fm_store_t *s, enum fm_export_by by,
    enum fm_export_format fmt, int d1, int d2, bool from_ledger)
{
	char *buf = NULL, from[FM_PERIOD_STRMAX], to[FM_PERIOD_STRMAX];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool ok;

	if (f == NULL)
		return NULL;
	fm_period_format_date(day(d1), from, sizeof(from));
	fm_period_format_date(day(d2), to, sizeof(to));
	ok = fm_export_write_from(s, by, day(d1), fm_period_next_day(day(d2)),
	    from, to, fmt, f, NULL, from_ledger);
	fclose(f);
	if (!ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* How many exports differ between the aggregates and the ledger, over
 * every period of whole days, grouping and format (the first shown). */
static int
count_differences(fm_store_t *s)
{
	static const enum fm_export_by bys[] = {FM_EXPORT_BY_DEPARTMENT,
	    FM_EXPORT_BY_USER, FM_EXPORT_BY_PRINTER, FM_EXPORT_BY_PROJECT};
	static const enum fm_export_format fmts[] = {
	    FM_EXPORT_CSV, FM_EXPORT_JSON, FM_EXPORT_TEXT};
	int differ = 0;

	for (int d1 = 0; d1 < NDAYS; d1++)
		for (int d2 = d1; d2 < NDAYS; d2++)
			for (size_t b = 0; b < NELEM(bys); b++)
				for (size_t f = 0; f < NELEM(fmts); f++) {
					char *agg = export(
					    s, bys[b], fmts[f], d1, d2, false);
					char *raw = export(
					    s, bys[b], fmts[f], d1, d2, true);

					if (agg == NULL || raw == NULL ||
					    strcmp(agg, raw) != 0) {
						if (differ++ == 0)
							fprintf(stderr,
							    "days %d-%d by %d "
							    "format %d:\n"
							    "aggregates:\n%s"
							    "ledger:\n%s",
							    d1, d2, (int)bys[b],
							    (int)fmts[f],
							    agg ? agg : "-",
							    raw ? raw : "-");
					}
					free(agg);
					free(raw);
				}
	return differ;
}

static void
test_exports_equal_ledger(fm_store_t *s)
{
	char *all;
	int64_t from = 0, to = 0, n = -1;

	ASSERT_TRUE(populate(s));
	ASSERT_TRUE(fm_export_whole_days(
	    day(0), fm_period_next_day(day(NDAYS - 1)), &from, &to));
	ASSERT_INT_EQ(from, 20260929);
	ASSERT_INT_EQ(to, 20261104);
	/* Not whole days: read from the ledger. */
	ASSERT_FALSE(fm_export_whole_days(day(0) + 60, day(2), NULL, NULL));
	ASSERT_FALSE(fm_export_whole_days(day(0), day(2) - 1, NULL, NULL));
	ASSERT_INT_EQ(count_differences(s), 0);
	/* Not vacuous: the whole span's department export has both
	 * departments and the users with none; O10 counts jobs 901 (twice
	 * on a day) and 902 (on three days) once each, O20 jobs 900 (on two
	 * days) and 903 (in three months) once each. */
	all = export(
	    s, FM_EXPORT_BY_DEPARTMENT, FM_EXPORT_CSV, 0, NDAYS - 1, false);
	ASSERT_NOT_NULL(all);
	ASSERT_STR_CONTAINS(all, "\r\n2026-09-29,2026-11-03,,,1,3,");
	ASSERT_STR_CONTAINS(all, "2026-11-03,O10,Finance,3,23,");
	ASSERT_STR_CONTAINS(
	    all, "2026-11-03,O20,\"Sales, \"\"West\"\"\",2,16,");
	free(all);
	ASSERT_TRUE(fm_aggregates_verify(s, NULL, NULL, &n));
	ASSERT_INT_EQ(n, 0);
	ASSERT_TRUE(fixture_verify(s, NULL));
}

/* A charge of job split between alice's own account (the first row,
 * which carries the pages) and project P7, written as the ledger writes
 * a charge of two legs; false on any failure. */
static bool
split_charge(fm_store_t *s, int64_t at, int64_t job)
{
	struct fm_account user, project;
	struct fm_ledger_entry e[2] = {{0}, {0}};
	bool ok = true;

	if (!fm_accounts_find(s, "user", "alice", &user) ||
	    !fm_accounts_find(s, "project", "P7", &project))
		return false;
	fm_store_set_now(s, at);
	for (int i = 0; i < 2; i++) {
		e[i].account_id = i == 0 ? user.id : project.id;
		e[i].kind = "commit";
		e[i].amount = i == 0 ? -12 : -30;
		e[i].user = "alice";
		e[i].dept = "O10";
		e[i].printer = "colour";
		e[i].job_id = job;
	}
	e[0].usage[0] = 2;
	e[0].usage[2] = 1;
	e[0].usage[4] = 3;
	if (!fm_store_begin(s))
		return false;
	for (int i = 0; ok && i < 2; i++)
		ok = fm_ledger_append(s, &e[i]);
	return fm_store_end(s, ok) && ok;
}

/* Project P7 and its charges, after populate(): job 970 released on
 * day 1 and again on day 4; job 971 on day 7, refunded on day 9; job
 * 960 split between alice and P7 on day 2; and a charge to department
 * O20's account by --account (not a project). */
static bool
populate_projects(fm_store_t *s)
{
	const char *errstr = NULL;
	struct fm_account p;

	fm_store_set_now(s, day(0) - 12 * HOUR);
	if (!fm_accounts_add_project(s, "P7", &errstr) ||
	    !fm_accounts_find(s, "project", "P7", &p) ||
	    !fm_accounts_allow(s, p.id, "carol", &errstr) ||
	    !fm_accounts_allow(s, p.id, "dave", &errstr) ||
	    !give(s, "project", "P7", 100000, true) ||
	    !give(s, "department", "O20", 100000, true))
		return false;
	if (!charge_job_to(
	        s, day(1) + 15 * HOUR, "carol", "P7", "lobby", 970, 2, 0) ||
	    !charge_job_to(
	        s, day(4) + 15 * HOUR, "carol", "P7", "colour", 970, 2, 0) ||
	    !charge_job_to(
	        s, day(7) + 15 * HOUR, "dave", "P7", "lobby", 971, 1, 1) ||
	    !charge_job_to(
	        s, day(3) + 15 * HOUR, "dave", "O20", "lobby", 972, 1, 0) ||
	    !split_charge(s, day(2) + 15 * HOUR, 960))
		return false;
	fm_store_set_now(s, day(9) + 15 * HOUR);
	return fm_ledger_refund_job(s, 971, "jam", "admin", NULL, &errstr);
}

/* How many lines a text has. */
static int
lines(const char *text)
{
	int n = 0;

	for (; *text != '\0'; text++)
		n += *text == '\n';
	return n;
}

/*
 * The project report: only the rows charged to P7 (not alice's share of
 * job 960, not the department account's job 972); users are the three
 * whose commits P7 paid; jobs counts 970 (two days) and 960 (a split)
 * once each; the pages are those of P7's rows (job 960's are on alice's
 * row); a day with only the refund has a row of no users and jobs and a
 * negative cost.  Every period equal both ways.
 */
static void
test_projects(fm_store_t *s)
{
	char *all, *last;
	int64_t n = -1;

	ASSERT_TRUE(populate(s));
	ASSERT_TRUE(populate_projects(s));
	ASSERT_INT_EQ(count_differences(s), 0);
	all =
	    export(s, FM_EXPORT_BY_PROJECT, FM_EXPORT_CSV, 0, NDAYS - 1, false);
	ASSERT_NOT_NULL(all);
	ASSERT_STR_CONTAINS(all, "period_start,period_end,project,users,jobs,");
	ASSERT_STR_CONTAINS(
	    all, "\r\n2026-09-29,2026-11-03,P7,3,3,5,1,6,6,6,0,");
	ASSERT_INT_EQ(lines(all), 2);
	free(all);
	/* Days 1 to 4 hold both of job 970's days: one job. */
	all = export(s, FM_EXPORT_BY_PROJECT, FM_EXPORT_CSV, 1, 4, false);
	ASSERT_NOT_NULL(all);
	ASSERT_STR_CONTAINS(all, ",P7,2,2,4,0,4,");
	free(all);
	last = export(s, FM_EXPORT_BY_PROJECT, FM_EXPORT_JSON, 9, 9, false);
	ASSERT_NOT_NULL(last);
	ASSERT_STR_CONTAINS(last, "\"by\":\"project\"");
	ASSERT_STR_CONTAINS(last, "\"project\":\"P7\",\"users\":0,\"jobs\":0,");
	ASSERT_STR_CONTAINS(last, "\"cost\":\"-0.25\"");
	free(last);
	ASSERT_TRUE(fm_aggregates_verify(s, NULL, NULL, &n));
	ASSERT_INT_EQ(n, 0);
	ASSERT_TRUE(fixture_verify(s, NULL));
}

/* The department export of [from, to] (dates) from the aggregates or the
 * ledger, in a buffer the caller frees; NULL on failure. */
static char *
export_dates(fm_store_t *s, const char *from, const char *to, bool raw)
{
	char *buf = NULL;
	size_t len = 0;
	int64_t a = 0, b = 0;
	FILE *f;
	bool ok;

	if (!fm_period_parse_date(from, strlen(from), &a) ||
	    !fm_period_parse_date(to, strlen(to), &b) ||
	    (f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	ok = fm_export_write_from(s, FM_EXPORT_BY_DEPARTMENT, a,
	    fm_period_next_day(b), from, to, FM_EXPORT_CSV, f, NULL, raw);
	if (fclose(f) != 0 || !ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Users are counted once over a period across the new year (alice
 * prints on both sides of it), and within one year (another query). */
static void
test_users_across_years(fm_store_t *s)
{
	static const char *const periods[][2] = {{"2025-12-01", "2026-01-31"},
	    {"2025-12-31", "2026-01-01"}, {"2026-01-01", "2026-01-31"},
	    {"2025-12-01", "2025-12-31"}};
	const char *errstr = NULL;
	int64_t t = 0;

	ASSERT_TRUE(fm_period_parse_date("2025-12-31", 10, &t));
	fm_store_set_now(s, t - 24 * HOUR);
	ASSERT_TRUE(fm_depts_add(s, "O10", "Finance", &errstr));
	ASSERT_TRUE(fm_users_add(s, "alice", "Alice", "O10", &errstr));
	ASSERT_TRUE(fm_users_add(s, "bob", "Bob", "O10", &errstr));
	ASSERT_TRUE(set_price(s, "", 0, 0, 5));
	ASSERT_TRUE(charge_job(s, t + 10 * HOUR, "alice", "lobby", 1, 2, 0));
	t = fm_period_next_day(t);
	ASSERT_TRUE(charge_job(s, t + 10 * HOUR, "alice", "lobby", 2, 1, 0));
	ASSERT_TRUE(charge_job(s, t + 11 * HOUR, "bob", "lobby", 3, 1, 0));
	for (size_t i = 0; i < NELEM(periods); i++) {
		char *agg =
		    export_dates(s, periods[i][0], periods[i][1], false);
		char *raw = export_dates(s, periods[i][0], periods[i][1], true);

		ASSERT_NOT_NULL(agg);
		ASSERT_NOT_NULL(raw);
		ASSERT_STR_EQ(agg, raw);
		/* users, jobs */
		if (i < 3)
			ASSERT_STR_CONTAINS(agg, ",O10,Finance,2,");
		else
			ASSERT_STR_CONTAINS(agg, ",O10,Finance,1,1,");
		free(agg);
		free(raw);
	}
}

/* Reserves amount for job as user (key "b-KEY"); the reservation's id,
 * or 0. */
static int64_t
reserve_for(fm_store_t *s, const char *user, int64_t amount, const char *key,
    int64_t job)
{
	struct fm_reservation r;
	char k[32], denial[FM_LEDGER_DENIALMAX] = "";

	snprintf(k, sizeof(k), "b-%s", key);
	if (!fixture_reserve(
	        s, user, NULL, amount, k, job, 1, &r, denial, sizeof(denial))) {
		fprintf(stderr, "reserve %s: %s\n", key, denial);
		return 0;
	}
	return r.id;
}

/* Commits reservation on l with usage (mono pages), key "b-KEY-c". */
static bool
commit_on(fm_ledger_t *l, int64_t reservation, int64_t amount,
    const char *printer, int64_t mono, const char *key)
{
	struct fm_usage u = {"A4", {{mono, 0}, {0, 0}}, {{mono, 0}, {0, 0}}};
	const char *errstr = NULL;
	char k[32];

	snprintf(k, sizeof(k), "b-%s-c", key);
	return fixture_commit_on(
	    l, reservation, amount, true, printer, &u, k, &errstr);
}

/*
 * The ledger writer's way: many settlements in one batch (savepoints of
 * one transaction) whose aggregates wait for the batch's end.  The batch
 * holds two commits of a new job at two printers, a commit of job 902
 * (committed on three earlier days), a refund, and a split charge whose
 * second leg fails (a trigger), so that its first leg, already noted,
 * must be forgotten with its savepoint; then a charge alone, after the
 * same kind of failure alone.  The aggregates equal the ledger's.
 */
static void
test_batch(struct fixture *fx)
{
	fm_store_t *s = fx->store;
	int64_t r[5], n = -1, alice;
	const char *errstr = NULL;
	fm_ledger_t *l;

	ASSERT_TRUE(populate(s));
	fm_store_set_now(s, day(8) + 15 * HOUR);
	ASSERT_TRUE(give(s, "user", "alice", 30, false));
	alice = fixture_balance(s, "user", "alice");
	ASSERT_TRUE(alice > 0);
	ASSERT_TRUE((r[0] = reserve_for(s, "carol", 30, "1", 2000)) > 0);
	ASSERT_TRUE((r[1] = reserve_for(s, "carol", 30, "2", 2000)) > 0);
	ASSERT_TRUE((r[2] = reserve_for(s, "bob", 30, "3", 902)) > 0);
	ASSERT_TRUE((r[3] = reserve_for(s, "dave", 30, "4", 2001)) > 0);
	/* alice's own money and then her department's: two legs. */
	ASSERT_TRUE(
	    (r[4] = reserve_for(s, "alice", alice + 40, "5", 2002)) > 0);
	ASSERT_TRUE(fm_store_exec(s,
	    "CREATE TEMP TRIGGER second_leg_fails BEFORE INSERT ON ledger"
	    " WHEN NEW.kind = 'commit' AND NEW.job_id = 2002"
	    " AND NEW.idem_key IS NULL"
	    " BEGIN SELECT RAISE(ABORT, 'second leg'); END"));
	ASSERT_NOT_NULL(l = fm_ledger_local_open(s));
	ASSERT_TRUE(fm_store_batch_begin(s));
	fm_ledger_local_batch(l);
	ASSERT_TRUE(commit_on(l, r[0], 20, "lobby", 4, "1"));
	ASSERT_FALSE(commit_on(l, r[4], alice + 30, "lobby", 9, "5"));
	ASSERT_TRUE(commit_on(l, r[1], 25, "colour", 5, "2"));
	ASSERT_TRUE(commit_on(l, r[2], 10, "lobby", 2, "3"));
	ASSERT_TRUE(fm_ledger_refund(l, r[3], "b-4-c", &errstr));
	ASSERT_TRUE(fm_ledger_local_flush(l));
	ASSERT_TRUE(fm_store_batch_end(s, false));
	/* Alone: the failed settlement's note must not reach the next. */
	ASSERT_FALSE(commit_on(l, r[4], alice + 30, "lobby", 7, "5"));
	ASSERT_TRUE(fm_store_exec(s, "DROP TRIGGER temp.second_leg_fails"));
	ASSERT_TRUE(commit_on(l, r[4], alice + 30, "colour", 3, "5"));
	fm_ledger_close(l);
	ASSERT_TRUE(fm_aggregates_verify(s, NULL, NULL, &n));
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(count_differences(s), 0);
	ASSERT_TRUE(fixture_verify(s, NULL));
}

static int
sqlite_cli(const char *path, const char *sql)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\" >/dev/null", path, sql);
	return system(cmd);
}

/* Collects verification's differences as text. */
static bool
collect(const struct fm_aggregates_diff *d, void *arg)
{
	char *out = arg;
	size_t used = strlen(out);

	snprintf(out + used, 2048 - used, "%lld %s %s %s %lld %lld\n",
	    (long long)d->day, d->dept, d->user, d->printer,
	    (long long)d->account_id, (long long)d->job_id);
	return true;
}

static void
test_tampered_then_rebuilt(struct fixture *fx)
{
	char found[2048] = "", line[64];
	struct fm_account bob;
	int64_t n = -1, rows = 0;
	const char *errstr = NULL;

	ASSERT_TRUE(populate(fx->store));
	fm_store_close(fx->store);
	fx->store = NULL;
	/* A sum changed, a day's row removed, a row for nothing added, a
	 * multi-day job's day removed, a department's day and a user's
	 * days of the year changed, a day's count of the jobs of its paying
	 * account changed: each reported once, in its table. */
	ASSERT_INT_EQ(sqlite_cli(fx->path,
	                  "UPDATE ledger_days SET amount = amount - 7"
	                  " WHERE day = 20260930 AND user = 'bob';"
	                  " DELETE FROM ledger_days WHERE day = 20261002"
	                  " AND user = 'carol';"
	                  " INSERT INTO ledger_days VALUES (20261022, 'O10',"
	                  " 'mallory', 'lobby', 1, 1, 1, 1, 1, 1, 1, 0, 0, 0,"
	                  " 1, -5, 1);"
	                  " UPDATE ledger_days SET jobs_account ="
	                  " jobs_account + 1 WHERE day = 20261101"
	                  " AND user = 'carol';"
	                  " DELETE FROM ledger_job_days WHERE job_id = 902"
	                  " AND day = 20261025;"
	                  " UPDATE ledger_dept_days SET jobs = jobs + 1"
	                  " WHERE day = 20261026 AND dept = 'O20';"
	                  " UPDATE ledger_user_years SET w5 = w5 | 1"
	                  " WHERE dept = 'O10' AND user = 'bob';"
	                  " UPDATE ledger_dept_months SET amount = amount + 1"
	                  " WHERE month = 202610 AND dept = 'O10'"),
	    0);
	fx->store = fixture_store_open(fx->path);
	ASSERT_NOT_NULL(fx->store);
	ASSERT_TRUE(fm_aggregates_verify(fx->store, collect, found, &n));
	ASSERT_INT_EQ(n, 8);
	ASSERT_STR_CONTAINS(found, "20260930 O10 bob lobby ");
	ASSERT_STR_CONTAINS(found, "20261101 O20 carol lobby ");
	ASSERT_STR_CONTAINS(found, "20261022 O10 mallory lobby 1 0\n");
	ASSERT_STR_CONTAINS(found, "20261002 O20 carol ");
	/* A job's day names the account that paid it. */
	ASSERT_TRUE(fm_accounts_find(fx->store, "user", "bob", &bob));
	snprintf(line, sizeof(line), "20261025 O10 bob lobby %lld 902\n",
	    (long long)bob.id);
	ASSERT_STR_CONTAINS(found, line);
	ASSERT_STR_CONTAINS(found, "20261026 O20   0 0\n");
	ASSERT_STR_CONTAINS(found, "2026 O10 bob  0 0\n");
	ASSERT_STR_CONTAINS(found, "202610 O10   0 0\n");
	/* The exports read what is stored: they differ now. */
	ASSERT_TRUE(count_differences(fx->store) > 0);
	ASSERT_TRUE(fm_aggregates_rebuild(fx->store, &rows, &errstr));
	ASSERT_TRUE(rows > 30);
	ASSERT_TRUE(fm_aggregates_verify(fx->store, NULL, NULL, &n));
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(count_differences(fx->store), 0);
}

/* The index of the migration whose text holds needle (their numbers
 * change when branches merge), or -1. */
static int
migration_with(const char *needle)
{
	for (int i = 0; i < fm_schema_migration_count; i++)
		if (strstr(fm_schema_migrations[i], needle) != NULL)
			return i;
	return -1;
}

/* The store at fx->path, populated, changed by sql (which sets the
 * schema version back), opened again: migrated to the last version, its
 * aggregates the ledger's. */
static void
migrated_again(struct fixture *fx, const char *sql)
{
	int64_t n = -1;

	ASSERT_TRUE(populate(fx->store));
	ASSERT_TRUE(populate_projects(fx->store));
	fm_store_close(fx->store);
	fx->store = NULL;
	ASSERT_INT_EQ(sqlite_cli(fx->path, sql), 0);
	fx->store = fixture_store_open(fx->path);
	ASSERT_NOT_NULL(fx->store);
	ASSERT_INT_EQ(
	    fm_store_schema_version(fx->store), fm_schema_migration_count);
	ASSERT_TRUE(fm_aggregates_verify(fx->store, NULL, NULL, &n));
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(count_differences(fx->store), 0);
}

/* The aggregates' migration (and the per-project one after it) fill the
 * tables from a ledger written before them. */
static void
test_migration_fills(struct fixture *fx)
{
	char sql[256];
	int m = migration_with("CREATE TABLE ledger_days (");

	ASSERT_TRUE(m > 0);
	snprintf(sql, sizeof(sql),
	    "DROP TABLE ledger_days; DROP TABLE ledger_job_days;"
	    " DROP TABLE ledger_dept_days; DROP TABLE ledger_dept_months;"
	    " DROP TABLE ledger_user_years; PRAGMA user_version = %d",
	    m);
	migrated_again(fx, sql);
}

/* The per-project migration on a store whose aggregates were written
 * before it (no jobs_account, ledger_job_days without the account):
 * after it, they equal the ledger's and the project report is exact. */
static void
test_project_migration_fills(struct fixture *fx)
{
	char sql[1024];
	int m = migration_with("jobs_account");

	ASSERT_TRUE(m > 0);
	snprintf(sql, sizeof(sql),
	    "ALTER TABLE ledger_days DROP COLUMN jobs_account;"
	    " CREATE TABLE old_job_days AS SELECT DISTINCT job_id, day, dept,"
	    " user, printer FROM ledger_job_days;"
	    " DROP TABLE ledger_job_days;"
	    " CREATE TABLE ledger_job_days (job_id INTEGER NOT NULL,"
	    " day INTEGER NOT NULL, dept TEXT NOT NULL, user TEXT NOT NULL,"
	    " printer TEXT NOT NULL,"
	    " PRIMARY KEY (job_id, day, dept, user, printer)) WITHOUT ROWID;"
	    " INSERT INTO ledger_job_days SELECT * FROM old_job_days;"
	    " DROP TABLE old_job_days; PRAGMA user_version = %d",
	    m);
	migrated_again(fx, sql);
}

int
main(void)
{
	/* Local days that are not UTC days, and a day of 25 hours. */
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	RUN_STORE(test_exports_equal_ledger);
	RUN_STORE(test_users_across_years);
	RUN_STORE(test_projects);
	RUN_FIXTURE(test_tampered_then_rebuilt);
	RUN_FIXTURE(test_batch);
	RUN_FIXTURE(test_migration_fills);
	RUN_FIXTURE(test_project_migration_fills);
	return harness_done();
}
