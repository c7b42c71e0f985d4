/*
 * alloc.c - periodic allocations.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/alloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "quota/accounts.h"
#include "quota/ledger.h"
#include "common/money.h"
#include "store/sql.h"

bool
fm_alloc_set(fm_store_t *store, int64_t account_id, int64_t amount,
    enum fm_period period, int64_t cap, const char **errstr)
{
	const char *dummy;
	bool ok;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || amount < 0 || cap < 0 || amount > FM_MONEY_MAX ||
	    cap > FM_MONEY_MAX || (unsigned)period > FM_PERIOD_MONTHLY) {
		*errstr = "amounts must be between 0 and 10^13";
		return false;
	}
	if (amount == 0)
		ok = fm_sql_exec(store,
		    "DELETE FROM allocations WHERE account_id = ?1",
		    FM_ARG_INT(account_id));
	else
		ok = fm_sql_exec(store,
		    "INSERT INTO allocations (account_id, amount, period, cap)"
		    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account_id) DO"
		    " UPDATE SET amount = excluded.amount,"
		    " period = excluded.period, cap = excluded.cap",
		    FM_ARG_INT(account_id), FM_ARG_INT(amount),
		    FM_ARG_TEXT(fm_period_name(period)), FM_ARG_INT(cap));
	if (!ok)
		*errstr = "no such account";
	return ok;
}

/* An allocation as stored: its period by name. */
struct stored {
	struct fm_alloc a;
	char period[16];
};

#define C(kind, member) FM_COL_##kind(struct stored, member)
static const struct fm_sql_col stored_cols[] = {C(INT, a.account_id),
    C(TEXT, a.kind), C(TEXT, a.name), C(INT, a.amount), C(TEXT, period),
    C(INT, a.cap), FM_COL_END};
#undef C

bool
fm_alloc_get(fm_store_t *store, int64_t account_id, struct fm_alloc *out)
{
	struct stored row;

	if (store == NULL || out == NULL)
		return false;
	memset(&row, 0, sizeof(row));
	if (fm_sql_get(store,
	        "SELECT l.account_id, a.kind, a.name, l.amount, l.period, l.cap"
	        " FROM allocations l JOIN accounts a ON a.id = l.account_id"
	        " WHERE l.account_id = ?1",
	        stored_cols, &row, FM_ARG_INT(account_id)) != FM_SQL_FOUND)
		return false;
	fm_period_parse(row.period, &row.a.period);
	*out = row.a;
	return true;
}

/* Credits account_id its allocation for the period now is in (once:
 * the period's key makes a second run a no-op).  False with *errstr on
 * a database error; *credited tells whether money was added. */
static bool
credit_one(fm_store_t *store, int64_t account_id, int64_t now, bool *credited,
    const char **errstr)
{
	struct fm_alloc a;
	struct fm_account acct;
	char key[64], period[FM_PERIOD_STRMAX];
	int64_t credit;
	bool applied;

	*credited = false;
	if (!fm_alloc_get(store, account_id, &a) ||
	    !fm_accounts_get(store, account_id, &acct))
		return true;
	credit = a.amount;
	/* The cap is checked against the balance when the period starts: a
	 * racing charge can only lower it, never push the credit past the
	 * cap. */
	if (a.cap > 0) {
		int64_t room = a.cap - acct.balance;
		credit = room <= 0 ? 0 : room < credit ? room : credit;
	}
	snprintf(key, sizeof(key), "alloc:%" PRId64 ":%s", account_id,
	    fm_period_key(a.period, now, period, sizeof(period)));
	/* A zero credit is still recorded: it marks the period as done. */
	if (!fm_ledger_adjust(store, account_id, credit, true,
	        fm_period_name(a.period), "", key, &applied, errstr))
		return false;
	*credited = applied && credit > 0;
	return true;
}

#define BATCH 256

bool
fm_alloc_run(fm_store_t *store, int64_t now, int *credited, const char **errstr)
{
	int64_t list[BATCH], after = 0;
	struct fm_sql_rows rows;
	int n, total = 0;
	const char *dummy;
	bool one;

	if (errstr == NULL)
		errstr = &dummy;
	if (credited != NULL)
		*credited = 0;
	if (store == NULL) {
		*errstr = "no store";
		return false;
	}
	/* In batches by account id, each credit its own transaction (in
	 * fm_ledger_adjust): a long run never holds the write lock for
	 * long, and a crash half-way is finished by the next run. */
	do {
		n = 0;
		if (!fm_sql_open(&rows, store,
		        "SELECT account_id FROM allocations WHERE account_id > "
		        "?1"
		        " ORDER BY account_id LIMIT 256",
		        FM_ARG_INT(after))) {
			fm_sql_close(&rows);
			*errstr = "database error";
			return false;
		}
		while (n < BATCH && fm_sql_next(&rows, NULL, NULL))
			list[n++] = sqlite3_column_int64(rows.st, 0);
		fm_sql_close(&rows);
		for (int i = 0; i < n; i++) {
			after = list[i];
			if (!credit_one(store, after, now, &one, errstr))
				return false;
			total += one;
		}
	} while (n == BATCH);
	if (credited != NULL)
		*credited = total;
	return true;
}
