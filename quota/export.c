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
#include "store/sql.h"

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

/* One row of an export: its strings are borrowed from the statement's
 * current row.  The header and footer see the period and grouping. */
struct row {
	enum fm_export_by by;
	const char *from_date, *to_date;
	const char *key, *name;  /* department (or printer) code and name */
	const char *user, *full; /* FM_EXPORT_BY_USER only */
	int64_t v[NNUMBERS], cost;
	char money[FM_MONEY_STRMAX];
};

/* What an export is written with: one emitter per format. */
struct emitter {
	void (*header)(FILE *f, const struct row *r);
	void (*row)(FILE *f, const struct row *r, int n); /* n: rows before */
	void (*footer)(FILE *f);
};

/* --- CSV (RFC 4180) ----------------------------------------------- */

static void
csv_header(FILE *f, const struct row *r)
{
	fputs("period_start,period_end,", f);
	if (r->by == FM_EXPORT_BY_USER)
		fputs("user,full_name,", f);
	if (r->by == FM_EXPORT_BY_PRINTER)
		fputs("printer,", f);
	else
		fputs("department_code,department_name,", f);
	for (int i = 0; i < NNUMBERS; i++)
		fprintf(f, "%s,", number_columns[i]);
	fputs("cost\r\n", f);
}

static void
csv_row(FILE *f, const struct row *r, int n)
{
	(void)n;
	csv_text(f, r->from_date, true);
	csv_text(f, r->to_date, false);
	if (r->by == FM_EXPORT_BY_USER) {
		csv_text(f, r->user, false);
		csv_text(f, r->full, false);
	}
	csv_text(f, r->key, false);
	if (r->by != FM_EXPORT_BY_PRINTER)
		csv_text(f, r->name, false);
	for (int i = 0; i < NNUMBERS; i++)
		fprintf(f, ",%" PRId64, r->v[i]);
	fprintf(f, ",%s\r\n", r->money);
}

static void
no_footer(FILE *f)
{
	(void)f;
}

/* --- JSON ---------------------------------------------------------- */

static const char *
by_name(enum fm_export_by by)
{
	return by == FM_EXPORT_BY_USER   ? "user"
	    : by == FM_EXPORT_BY_PRINTER ? "printer"
	                                 : "department";
}

static void
json_period(FILE *f, const struct row *r)
{
	fm_json_key_string(f, "period_start", r->from_date);
	fputc(',', f);
	fm_json_key_string(f, "period_end", r->to_date);
	fputc(',', f);
}

static void
json_header(FILE *f, const struct row *r)
{
	fputc('{', f);
	json_period(f, r);
	fm_json_key_string(f, "by", by_name(r->by));
	fputs(",\"rows\":[", f);
}

static void
json_row(FILE *f, const struct row *r, int n)
{
	fputs(n > 0 ? ",{" : "{", f);
	json_period(f, r);
	if (r->by == FM_EXPORT_BY_USER) {
		fm_json_key_string(f, "user", r->user);
		fputc(',', f);
		fm_json_key_string(f, "full_name", r->full);
		fputc(',', f);
	}
	if (r->by == FM_EXPORT_BY_PRINTER) {
		fm_json_key_string(f, "printer", r->key);
	} else {
		fm_json_key_string(f, "department_code", r->key);
		fputc(',', f);
		fm_json_key_string(f, "department_name", r->name);
	}
	for (int i = 0; i < NNUMBERS; i++) {
		fputc(',', f);
		fm_json_key_int(f, number_columns[i], r->v[i]);
	}
	fputc(',', f);
	fm_json_key_string(f, "cost", r->money);
	fputc('}', f);
}

static void
json_footer(FILE *f)
{
	fputs("]}\n", f);
}

/* --- text, for a terminal ------------------------------------------ */

static void
text_header(FILE *f, const struct row *r)
{
	if (r->by == FM_EXPORT_BY_USER)
		fprintf(f, "%-16s ", "USER");
	fprintf(f, "%-16s %6s %6s %8s %8s %8s %8s %12s\n",
	    r->by == FM_EXPORT_BY_PRINTER ? "PRINTER" : "DEPARTMENT", "USERS",
	    "JOBS", "MONO", "COLOUR", "IMPR", "SHEETS", "COST");
}

static void
text_row(FILE *f, const struct row *r, int n)
{
	(void)n;
	if (r->by == FM_EXPORT_BY_USER)
		fprintf(f, "%-16s ", r->user ? r->user : "");
	fprintf(f,
	    "%-16s %6" PRId64 " %6" PRId64 " %8" PRId64 " %8" PRId64
	    " %8" PRId64 " %8" PRId64 " %12s\n",
	    r->key && r->key[0] ? r->key : "-", r->v[0], r->v[1], r->v[2],
	    r->v[3], r->v[4], r->v[5], r->money);
}

static const struct emitter emitters[] = {
    [FM_EXPORT_CSV] = {csv_header, csv_row, no_footer},
    [FM_EXPORT_JSON] = {json_header, json_row, json_footer},
    [FM_EXPORT_TEXT] = {text_header, text_row, no_footer},
};

/* Reads the statement's current row (a query of this file's shape). */
static void
read_row(sqlite3_stmt *st, struct row *r)
{
	bool by_user = r->by == FM_EXPORT_BY_USER;

	r->key = fm_sql_text(st, 0);
	r->name = fm_sql_text(st, 1);
	r->user = by_user ? fm_sql_text(st, 11) : NULL;
	r->full = by_user ? fm_sql_text(st, 12) : NULL;
	for (int i = 0; i < NNUMBERS; i++)
		r->v[i] = sqlite3_column_int64(st, 2 + i);
	r->cost = sqlite3_column_int64(st, 10);
	fm_money_format(r->cost, r->money, sizeof(r->money));
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
	struct row r = {
	    by, from_date, to_date, NULL, NULL, NULL, NULL, {0}, 0, ""};
	const struct emitter *e;
	struct fm_sql_rows rows;

	if (store == NULL || f == NULL || from_date == NULL ||
	    to_date == NULL ||
	    (unsigned)format >= sizeof(emitters) / sizeof(emitters[0]))
		return false;
	e = &emitters[format];
	if (!fm_sql_open(&rows, store, sql, FM_ARG_INT(from), FM_ARG_INT(to))) {
		fm_sql_close(&rows);
		return false;
	}
	e->header(f, &r);
	while (fm_sql_next(&rows, NULL, NULL)) {
		read_row(rows.st, &r);
		e->row(f, &r, (int)t.rows);
		t.rows++;
		t.jobs += r.v[1];
		t.impressions += r.v[4];
		t.sheets += r.v[5];
		t.cost += r.cost;
	}
	if (!fm_sql_close(&rows))
		return false;
	e->footer(f);
	if (totals != NULL)
		*totals = t;
	return !ferror(f);
}
