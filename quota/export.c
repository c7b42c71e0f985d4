/*
 * export.c - per-department and per-user exports, usage reports.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/export.h"

#include <inttypes.h>
#include <string.h>

#include "common/json.h"
#include "common/money.h"
#include "store/store-private.h"

/* Only the first commit row of a charge carries page counts (ledger.c),
 * so sums over rows count each page once. */
#define AGGREGATES                                                             \
	"count(DISTINCT CASE WHEN l.kind = 'commit' THEN l.user END),"         \
	" count(DISTINCT CASE WHEN l.kind = 'commit' THEN l.job_id END),"      \
	" sum(l.mono_simplex + l.mono_duplex),"                                \
	" sum(l.colour_simplex + l.colour_duplex),"                            \
	" sum(l.mono_simplex + l.mono_duplex + l.colour_simplex"               \
	" + l.colour_duplex),"                                                 \
	" sum(l.sheets), sum(l.mono_simplex + l.colour_simplex),"              \
	" sum(l.mono_duplex + l.colour_duplex), -sum(l.amount)"

#define RANGE                                                                  \
	" WHERE l.kind IN ('commit', 'refund') AND l.at >= ?1 AND l.at < ?2"

const char fm_export_department_sql[] =
    "SELECT l.dept, coalesce(d.name, ''), " AGGREGATES
    " FROM ledger l LEFT JOIN departments d ON d.code = l.dept" RANGE
    " GROUP BY l.dept ORDER BY l.dept";

static const char user_sql[] =
    "SELECT l.dept, coalesce(d.name, ''), " AGGREGATES
    ", l.user, coalesce(u.full_name, '')"
    " FROM ledger l LEFT JOIN departments d ON d.code = l.dept"
    " LEFT JOIN users u ON u.login = l.user" RANGE
    " GROUP BY l.dept, l.user ORDER BY l.dept, l.user";

static const char printer_sql[] =
    "SELECT l.printer, '', " AGGREGATES " FROM ledger l" RANGE
    " GROUP BY l.printer ORDER BY l.printer";

static const char *const number_columns[] = {"users", "jobs", "pages_mono",
    "pages_colour", "impressions", "sheets", "simplex_impressions",
    "duplex_impressions"};
#define NNUMBERS 8

void
fm_export_csv_cell(FILE *f, const char *s, size_t len, bool text)
{
	bool quote = false, neutralise = false;

	if (text && len > 0 &&
	    (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	        s[0] == '\t' || s[0] == '\r'))
		neutralise = true;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = true;
	if (quote)
		fputc('"', f);
	if (neutralise)
		fputc('\'', f);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	if (quote)
		fputc('"', f);
}

static void
csv_text(FILE *f, const char *s, bool first)
{
	if (!first)
		fputc(',', f);
	fm_export_csv_cell(f, s ? s : "", s ? strlen(s) : 0, true);
}

static void
csv_header(FILE *f, enum fm_export_by by)
{
	fputs("period_start,period_end,", f);
	if (by == FM_EXPORT_BY_USER)
		fputs("user,full_name,", f);
	if (by == FM_EXPORT_BY_PRINTER)
		fputs("printer,", f);
	else
		fputs("department_code,department_name,", f);
	for (int i = 0; i < NNUMBERS; i++)
		fprintf(f, "%s,", number_columns[i]);
	fputs("cost\r\n", f);
}

static void
text_header(FILE *f, enum fm_export_by by)
{
	if (by == FM_EXPORT_BY_USER)
		fprintf(f, "%-16s ", "USER");
	fprintf(f, "%-16s %6s %6s %8s %8s %8s %8s %12s\n",
	    by == FM_EXPORT_BY_PRINTER ? "PRINTER" : "DEPARTMENT", "USERS",
	    "JOBS", "MONO", "COLOUR", "IMPR", "SHEETS", "COST");
}

bool
fm_export_write(fm_store_t *store, enum fm_export_by by, int64_t from,
    int64_t to, const char *from_date, const char *to_date,
    enum fm_export_format format, FILE *f, struct fm_export_totals *totals)
{
	struct fm_export_totals t = {0};
	const char *sql = by == FM_EXPORT_BY_USER ? user_sql
	    : by == FM_EXPORT_BY_PRINTER          ? printer_sql
	                                          : fm_export_department_sql;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (store == NULL || f == NULL || from_date == NULL || to_date == NULL)
		return false;
	if ((st = fm_store_prepare(store, sql)) == NULL)
		return false;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	if (format == FM_EXPORT_CSV)
		csv_header(f, by);
	else if (format == FM_EXPORT_JSON) {
		fputc('{', f);
		fm_json_key_string(f, "period_start", from_date);
		fputc(',', f);
		fm_json_key_string(f, "period_end", to_date);
		fputc(',', f);
		fm_json_key_string(f, "by",
		    by == FM_EXPORT_BY_USER          ? "user"
		        : by == FM_EXPORT_BY_PRINTER ? "printer"
		                                     : "department");
		fputs(",\"rows\":[", f);
	} else
		text_header(f, by);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *user = by == FM_EXPORT_BY_USER
		    ? (const char *)sqlite3_column_text(st, 11)
		    : NULL;
		const char *full = by == FM_EXPORT_BY_USER
		    ? (const char *)sqlite3_column_text(st, 12)
		    : NULL;
		int64_t v[NNUMBERS], cost = sqlite3_column_int64(st, 10);
		char money[FM_MONEY_STRMAX];

		for (int i = 0; i < NNUMBERS; i++)
			v[i] = sqlite3_column_int64(st, 2 + i);
		fm_money_format(cost, money, sizeof(money));
		t.rows++;
		t.jobs += v[1];
		t.impressions += v[4];
		t.sheets += v[5];
		t.cost += cost;
		if (format == FM_EXPORT_CSV) {
			csv_text(f, from_date, true);
			csv_text(f, to_date, false);
			if (by == FM_EXPORT_BY_USER) {
				csv_text(f, user, false);
				csv_text(f, full, false);
			}
			csv_text(f, key, false);
			if (by != FM_EXPORT_BY_PRINTER)
				csv_text(f, name, false);
			for (int i = 0; i < NNUMBERS; i++)
				fprintf(f, ",%" PRId64, v[i]);
			fprintf(f, ",%s\r\n", money);
		} else if (format == FM_EXPORT_JSON) {
			fputs(n++ ? ",{" : "{", f);
			fm_json_key_string(f, "period_start", from_date);
			fputc(',', f);
			fm_json_key_string(f, "period_end", to_date);
			fputc(',', f);
			if (by == FM_EXPORT_BY_USER) {
				fm_json_key_string(f, "user", user);
				fputc(',', f);
				fm_json_key_string(f, "full_name", full);
				fputc(',', f);
			}
			if (by == FM_EXPORT_BY_PRINTER) {
				fm_json_key_string(f, "printer", key);
			} else {
				fm_json_key_string(f, "department_code", key);
				fputc(',', f);
				fm_json_key_string(f, "department_name", name);
			}
			for (int i = 0; i < NNUMBERS; i++) {
				fputc(',', f);
				fm_json_key_int(f, number_columns[i], v[i]);
			}
			fputc(',', f);
			fm_json_key_string(f, "cost", money);
			fputc('}', f);
		} else {
			if (by == FM_EXPORT_BY_USER)
				fprintf(f, "%-16s ", user ? user : "");
			fprintf(f,
			    "%-16s %6" PRId64 " %6" PRId64 " %8" PRId64
			    " %8" PRId64 " %8" PRId64 " %8" PRId64 " %12s\n",
			    key && key[0] ? key : "-", v[0], v[1], v[2], v[3],
			    v[4], v[5], money);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return false;
	if (format == FM_EXPORT_JSON)
		fputs("]}\n", f);
	if (totals != NULL)
		*totals = t;
	return !ferror(f);
}
