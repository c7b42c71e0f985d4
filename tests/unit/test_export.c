/*
 * test_export.c - unit tests for quota/export.c: golden files (CSV and
 * JSON, by department and by user), RFC 4180 quoting, formula
 * neutralising, totals equal to the ledger's, closed periods.
 *
 * FM_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "quota/accounts.h"
#include "quota/depts.h"
#include "quota/export.h"
#include "quota/ledger.h"
#include "quota/price.h"
#include "quota/users.h"
#include "tests/unit/harness.h"
#include "tests/unit/ledger_fixture.h"
#include "tests/unit/store_fixture.h"

#define OCT1 INT64_C(1790812800) /* 2026-10-01 00:00 UTC */
#define NOV1 INT64_C(1793491200) /* 2026-11-01 00:00 UTC */
#define DAY INT64_C(86400)

static int64_t next_job = 1;

/* Charges user for a job at time at; returns the amount or -1. */
static int64_t
charge(fm_store_t *s, int64_t at, const char *user, const char *printer,
    int64_t mono_s, int64_t mono_d, int64_t colour_s, bool refund)
{
	struct fm_usage u = {"A4", {{mono_s, mono_d}, {colour_s, 0}},
	    {{mono_s, (mono_d + 1) / 2}, {colour_s, 0}}};
	struct fm_reservation r;
	struct fm_quote q;
	char key[32], ckey[32], denial[FM_LEDGER_DENIALMAX];
	const char *errstr = NULL;
	int64_t job = next_job++;

	fm_store_set_now(s, at);
	snprintf(key, sizeof(key), "rel-%lld", (long long)job);
	snprintf(ckey, sizeof(ckey), "rel-%lld-c", (long long)job);
	if (!fm_price_quote(s, printer, &u, &q) ||
	    !fixture_reserve(s, user, NULL, q.amount, key, job, q.version, &r,
	        denial, sizeof(denial)) ||
	    !fixture_commit(
	        s, r.id, q.amount, true, printer, &u, ckey, &errstr))
		return -1;
	if (refund &&
	    !fm_ledger_refund_job(s, job, "jam", "admin", NULL, &errstr))
		return -1;
	return refund ? 0 : q.amount;
}

static bool
price(
    fm_store_t *s, const char *printer, int colour, int duplex, int64_t amount)
{
	struct fm_price_entry e = {"A4", colour, duplex, false, amount};
	const char *errstr;

	return fm_price_set(s, printer, &e, "admin", NULL, &errstr);
}

/* A site with awkward names and a month of charges; returns the total
 * charged in October, or -1. */
static int64_t
populate(fm_store_t *s)
{
	const char *errstr = NULL;
	int64_t total = 0, c;

	fm_store_set_now(s, OCT1 - 10 * DAY);
	if (!fm_depts_add(s, "O10", "Finance, \"Accounts\"", &errstr) ||
	    !fm_depts_add(s, "O20", "=HYPERLINK(\"http://x\")", &errstr) ||
	    !fm_depts_add(s, "O30", "Line\nbreak", &errstr) ||
	    !fm_users_add(s, "alice", "Alice, A.", "O10", &errstr) ||
	    !fm_users_add(s, "bob", "+Bob \"B\"", "O10", &errstr) ||
	    !fm_users_add(s, "carol", "@carol", "O20", &errstr) ||
	    !fm_users_add(s, "dave", "-dave\tTab", "O30", &errstr) ||
	    !fm_users_add(s, "erin", "Érin Ünïcode", NULL, &errstr))
		return -1;
	if (!price(s, "", 0, 0, 5) || !price(s, "", 0, 1, 4) ||
	    !price(s, "", 1, 0, 20) || !price(s, "colour", 1, 0, 25) ||
	    !price(s, "colour", 0, 0, 6))
		return -1;
	/* Before the period: not exported. */
	if (charge(s, OCT1 - 1, "alice", "lobby", 10, 0, 0, false) < 0)
		return -1;
	static const struct {
		int day;
		const char *user, *printer;
		int mono_s, mono_d, colour_s;
		bool refund;
	} jobs[] = {
	    {0, "alice", "lobby", 3, 0, 0, false},
	    {1, "alice", "lobby", 0, 4, 0, false},
	    {2, "bob", "colour", 1, 0, 2, false},
	    {5, "carol", "lobby", 7, 2, 1, false},
	    {9, "dave", "lobby", 2, 0, 0, true},
	    {20, "erin", "colour", 0, 0, 5, false},
	    {30, "alice", "lobby", 1, 1, 1, false},
	};
	for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		c = charge(s, OCT1 + jobs[i].day * DAY + 3600, jobs[i].user,
		    jobs[i].printer, jobs[i].mono_s, jobs[i].mono_d,
		    jobs[i].colour_s, jobs[i].refund);
		if (c < 0)
			return -1;
		total += c;
	}
	/* After the period: not exported. */
	if (charge(s, NOV1, "bob", "lobby", 10, 0, 0, false) < 0)
		return -1;
	return total;
}

static char *
export_text(fm_store_t *s, enum fm_export_by by, enum fm_export_format fmt,
    struct fm_export_totals *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	if (!fm_export_write(
	        s, by, OCT1, NOV1, "2026-10-01", "2026-10-31", fmt, f, t)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = calloc(1, (size_t)n + 1)) == NULL) {
		if (f)
			fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Compares text with tests/data/name (or rewrites it). */
static bool
golden(const char *name, const char *text)
{
	const char *dir = getenv("FM_TEST_DATA");
	char path[512];
	char *want;
	bool same;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", name);
	if (getenv("FM_UPDATE_GOLDEN") != NULL) {
		FILE *f = fopen(path, "wb");
		if (f == NULL)
			return false;
		fputs(text, f);
		return fclose(f) == 0;
	}
	if ((want = read_all(path)) == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		return false;
	}
	same = strcmp(want, text) == 0;
	if (!same)
		fprintf(stderr, "%s differs; got:\n%s\n", path, text);
	free(want);
	return same;
}

static void
test_golden_files(fm_store_t *s)
{
	static const struct {
		enum fm_export_by by;
		enum fm_export_format fmt;
		const char *file;
	} cases[] = {
	    {FM_EXPORT_BY_DEPARTMENT, FM_EXPORT_CSV, "export-department.csv"},
	    {FM_EXPORT_BY_DEPARTMENT, FM_EXPORT_JSON, "export-department.json"},
	    {FM_EXPORT_BY_USER, FM_EXPORT_CSV, "export-user.csv"},
	    {FM_EXPORT_BY_USER, FM_EXPORT_JSON, "export-user.json"},
	};
	struct fm_export_totals t;
	int64_t total;

	next_job = 1;
	ASSERT_TRUE((total = populate(s)) > 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = export_text(s, cases[i].by, cases[i].fmt, &t);
		ASSERT_NOT_NULL(text);
		bool ok = golden(cases[i].file, text);
		free(text);
		ASSERT_TRUE(ok);
		/* Totals always equal the ledger's. */
		ASSERT_INT_EQ(t.cost, total);
		ASSERT_INT_EQ(t.jobs, cases[i].by == FM_EXPORT_BY_USER ? 7 : 7);
	}
}

static void
test_closed_period_is_stable(fm_store_t *s)
{
	const char *errstr = NULL;
	char *first, *second;
	int64_t oct31;

	next_job = 100;
	ASSERT_TRUE(populate(s) > 0);
	fm_store_set_now(s, NOV1 + 2 * DAY);
	oct31 = NOV1 - DAY;
	ASSERT_TRUE(fm_ledger_close_period(s, oct31, &errstr));
	first = export_text(s, FM_EXPORT_BY_DEPARTMENT, FM_EXPORT_CSV, NULL);
	ASSERT_NOT_NULL(first);
	/* Later activity, a refund of an October job included, lands in
	 * November and leaves October's export alone. */
	ASSERT_TRUE(
	    charge(s, NOV1 + 3 * DAY, "alice", "lobby", 5, 0, 0, false) > 0);
	ASSERT_TRUE(
	    fm_ledger_refund_job(s, 101, "late", "admin", NULL, &errstr));
	second = export_text(s, FM_EXPORT_BY_DEPARTMENT, FM_EXPORT_CSV, NULL);
	ASSERT_NOT_NULL(second);
	ASSERT_STR_EQ(first, second);
	free(first);
	free(second);
}

static char *
cell(const char *s, bool text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fm_export_csv_cell(f, s, strlen(s), text);
	fclose(f);
	return buf;
}

static void
test_csv_cells(void)
{
	static const struct {
		const char *in;
		bool text; /* a text cell, not a number */
		const char *out;
	} rows[] = {
	    {"plain", true, "plain"},
	    {"a,b", true, "\"a,b\""},
	    {"say \"hi\"", true, "\"say \"\"hi\"\"\""},
	    {"two\nlines", true, "\"two\nlines\""},
	    {"cr\rhere", true, "\"cr\rhere\""},
	    {"=1+1", true, "'=1+1"},
	    {"+1", true, "'+1"},
	    {"-1", true, "'-1"},
	    {"@SUM(A1)", true, "'@SUM(A1)"},
	    {"\tx", true, "'\tx"},
	    {"\rx", true, "\"'\rx\""},
	    {"=a,b", true, "\"'=a,b\""},
	    {"", true, ""},
	    /* Numbers are not neutralised: -0.40 stays a number. */
	    {"-0.40", false, "-0.40"},
	};

	for (EACH_ROW(i, rows)) {
		char *got = cell(rows[i].in, rows[i].text);
		bool ok = got != NULL && strcmp(got, rows[i].out) == 0;
		if (!ok)
			fprintf(stderr, "cell %zu: got [%s] want [%s]\n", i,
			    got ? got : "(null)", rows[i].out);
		free(got);
		ASSERT_TRUE(ok);
	}
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	RUN_STORE(test_golden_files);
	RUN_STORE(test_closed_period_is_stable);
	RUN(test_csv_cells);
	return harness_done();
}
