/*
 * ledger.c - followme-admin ledger verify and rebuild-aggregates, refund
 * and period close: the commands that check the quota ledger (and its
 * per-day aggregates) or write to it directly.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "admin/admin.h"
#include "common/money.h"
#include "quota/aggregates.h"
#include "quota/ledger.h"

enum { REFUND_REASON };

static int
refund(struct fm_admin *admin)
{
	int64_t job = admin->args.operand[0].number, amount = 0;
	const char *errstr = NULL;
	char money[FM_I18N_MONEYMAX];

	if (!fm_ledger_refund_job(admin->store, job,
	        admin->args.opt[REFUND_REASON].text, admin->operator_name,
	        &amount, &errstr))
		return fm_admin_fail("job %" PRId64 ": %s", job, errstr);
	return fm_admin_done("Refunded %s for job %" PRId64 ".",
	    fm_admin_money(admin, amount, money, sizeof(money)), job);
}

/* Where verification's aggregate differences are written. */
struct agg_report {
	char *report;
	size_t len;
	int lines;
};

/* Appends one translated line for d to the report, at most ten. */
static bool
agg_difference(const struct fm_aggregates_diff *d, void *arg)
{
	struct agg_report *r = arg;
	size_t used = strlen(r->report);
	char date[16];

	if (r->lines++ >= 10 || used + 1 >= r->len)
		return true;
	snprintf(date, sizeof(date), "%04d-%02d-%02d", (int)(d->day / 10000),
	    (int)(d->day / 100 % 100), (int)(d->day % 100));
	switch (d->table) {
	case FM_AGGREGATES_DAYS:
		snprintf(r->report + used, r->len - used,
		    _("per-day aggregates of %s, department '%s', user '%s', "
		      "printer '%s', account %" PRId64 " differ from the "
		      "ledger\n"),
		    date, d->dept, d->user, d->printer, d->account_id);
		break;
	case FM_AGGREGATES_DEPT_DAYS:
		snprintf(r->report + used, r->len - used,
		    _("per-day totals of %s, department '%s' differ from the "
		      "ledger\n"),
		    date, d->dept);
		break;
	case FM_AGGREGATES_DEPT_MONTHS:
		snprintf(date, sizeof(date), "%04d-%02d", (int)(d->day / 100),
		    (int)(d->day % 100));
		snprintf(r->report + used, r->len - used,
		    _("monthly totals of %s, department '%s' differ from the "
		      "ledger\n"),
		    date, d->dept);
		break;
	case FM_AGGREGATES_USER_YEARS:
		snprintf(r->report + used, r->len - used,
		    _("the days of %" PRId64
		      " on which user '%s' of department "
		      "'%s' printed differ from the ledger\n"),
		    d->day, d->user, d->dept);
		break;
	case FM_AGGREGATES_JOB_DAYS:
		snprintf(r->report + used, r->len - used,
		    _("job %" PRId64 ", charged on several days: its day %s "
		      "(department '%s', user '%s', printer '%s') differs from "
		      "the ledger\n"),
		    d->job_id, date, d->dept, d->user, d->printer);
		break;
	}
	return true;
}

/* Recomputes the aggregates and appends their differences to report;
 * false when there are any or on a database error. */
static bool
verify_aggregates(fm_store_t *store, char *report, size_t len)
{
	struct agg_report r = {report, len, 0};
	size_t used;
	int64_t n = 0;

	if (!fm_aggregates_verify(store, agg_difference, &r, &n)) {
		used = strlen(report);
		snprintf(report + used, len - used,
		    _("cannot check the per-day aggregates: %s\n"),
		    fm_store_last_error(store));
		return false;
	}
	if (n == 0)
		return true;
	used = strlen(report);
	snprintf(report + used, len - used,
	    P_("%" PRId64 " difference in the per-day aggregates; "
	       "followme-admin ledger rebuild-aggregates recomputes them "
	       "from the ledger\n",
	        "%" PRId64 " differences in the per-day aggregates; "
	        "followme-admin ledger rebuild-aggregates recomputes them "
	        "from the ledger\n",
	        n),
	    n);
	return false;
}

enum { V_OK, V_ROWS, V_UNKEYED, V_PROBLEMS, V_NCOLUMNS };

static const struct fm_table_column verify_columns[V_NCOLUMNS] = {
    FM_TABLE_JSON(V_OK, "ok", BOOL), FM_TABLE_JSON(V_ROWS, "rows", INT),
    FM_TABLE_JSON(V_UNKEYED, "unkeyed_rows", INT),
    FM_TABLE_JSON(V_PROBLEMS, "problems", TEXT)};

static int
ledger_verify(struct fm_admin *admin)
{
	char report[4096];
	int64_t rows = 0, from, unkeyed;
	bool ok;

	ok = fm_ledger_verify(admin->store, &rows, report, sizeof(report));
	if (!verify_aggregates(admin->store, report, sizeof(report)))
		ok = false;
	/* Rows before the keying record predate the ledger key: their
	 * plain hashes prove nothing against whoever can write the file. */
	from = fm_ledger_keyed_from(admin->store);
	unkeyed = from > 1 ? (from - 1 < rows ? from - 1 : rows) : 0;
	if (admin->json) {
		struct fm_table_cell c[V_NCOLUMNS] = {
		    [V_OK] = {NULL, ok},
		    [V_ROWS] = {NULL, rows},
		    [V_UNKEYED] = {NULL, unkeyed},
		    [V_PROBLEMS] = {report, 0},
		};

		fm_table_object(stdout, verify_columns, V_NCOLUMNS, c);
	} else if (ok && unkeyed > 0)
		printf(P_("Ledger OK: %" PRId64 " row, chain, balances and "
		          "aggregates verified; rows 1 to %" PRId64 " were "
		          "written "
		          "before the ledger was keyed and carry only an "
		          "unkeyed hash.\n",
		           "Ledger OK: %" PRId64 " rows, chain, balances and "
		           "aggregates verified; rows 1 to %" PRId64 " were "
		           "written "
		           "before the ledger was keyed and carry only an "
		           "unkeyed hash.\n",
		           rows),
		    rows, unkeyed);
	else if (ok)
		printf(P_("Ledger OK: %" PRId64 " row, keyed chain, balances "
		          "and aggregates verified.\n",
		           "Ledger OK: %" PRId64 " rows, keyed chain, balances "
		           "and aggregates verified.\n",
		           rows),
		    rows);
	else
		fprintf(stderr, "followme-admin: %s\n%s",
		    _("LEDGER VERIFICATION FAILED"), report);
	return ok ? FM_ADMIN_OK : FM_ADMIN_FAIL;
}

static int
rebuild_aggregates(struct fm_admin *admin)
{
	const char *errstr = NULL;
	int64_t rows = 0;

	if (!fm_aggregates_rebuild(admin->store, &rows, &errstr))
		return fm_admin_fail(
		    "cannot rebuild the per-day aggregates: %s", errstr);
	return fm_admin_done("Rebuilt the per-day aggregates from the "
	                     "ledger: %" PRId64 " rows.",
	    rows);
}

enum { CLOSE_TO };

static int
period_close(struct fm_admin *admin)
{
	const struct fm_grammar_value *to = &admin->args.opt[CLOSE_TO];
	const char *errstr = NULL;

	if (!fm_ledger_close_period(admin->store, to->number, &errstr))
		return fm_admin_fail(
		    "cannot close through %s: %s", to->text, errstr);
	return fm_admin_done("Closed every day through %s.", to->text);
}

static const struct fm_grammar_option refund_options[FM_GRAMMAR_OPTTABLE] = {
    [REFUND_REASON] = {"reason",
        .flags = FM_GRAMMAR_REQUIRED | FM_GRAMMAR_NONEMPTY,
        .missing = N_("--reason is required"),
        .help = N_("why, for the ledger")},
};

static const struct fm_grammar_option close_options[FM_GRAMMAR_OPTTABLE] = {
    [CLOSE_TO] = {"to", .kind = FM_GRAMMAR_DATE, .flags = FM_GRAMMAR_REQUIRED,
        .invalid = N_("--to DATE (YYYY-MM-DD) is required"),
        .missing = N_("--to DATE (YYYY-MM-DD) is required"),
        .help = N_("the last day to close")},
};

static const struct fm_grammar_option job_id = {"JOB",
    .kind = FM_GRAMMAR_INTEGER, .invalid = N_("expected one job id"), .min = 1,
    .max = INT64_MAX, .help = N_("a job number")};

static const struct fm_grammar_command refund_commands[] = {
    {"refund", NULL, "JOB --reason TEXT",
        N_("give back what a job was charged"), FM_GRAMMAR_STORE, .run = refund,
        .options = refund_options,
        .operands = {1, 1, N_("expected one job id"), &job_id}},
};

static const struct fm_grammar_command ledger_commands[] = {
    {"ledger", "verify", "[--json]",
        N_("check the ledger's keyed chain, cached balances and "
           "per-day aggregates"),
        FM_GRAMMAR_STORE | FM_GRAMMAR_KEY, .run = ledger_verify,
        .operands = FM_ADMIN_NO_OPERANDS},
    {"ledger", "rebuild-aggregates", "",
        N_("recompute the per-day aggregates that exports read, from the "
           "ledger"),
        FM_GRAMMAR_STORE, .run = rebuild_aggregates,
        .operands = FM_ADMIN_NO_OPERANDS},
};

static const struct fm_grammar_command period_commands[] = {
    {"period", "close", "--to DATE",
        N_("close every day through DATE so its exports never change"),
        FM_GRAMMAR_STORE, .run = period_close, .options = close_options},
};

const struct fm_admin_group fm_admin_group_refund =
    FM_ADMIN_GROUP(refund_commands);
const struct fm_admin_group fm_admin_group_ledger =
    FM_ADMIN_GROUP(ledger_commands);
const struct fm_admin_group fm_admin_group_period =
    FM_ADMIN_GROUP(period_commands);
