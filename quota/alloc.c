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
#include "store/store-private.h"

bool
fm_alloc_set(fm_store_t *store, int64_t account_id, int64_t amount,
    enum fm_period period, int64_t cap, const char **errstr)
{
	const char *dummy;
	sqlite3_stmt *st;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || amount < 0 || cap < 0 || amount > FM_MONEY_MAX ||
	    cap > FM_MONEY_MAX || (unsigned)period > FM_PERIOD_MONTHLY) {
		*errstr = "amounts must be between 0 and 10^13";
		return false;
	}
	if (amount == 0)
		st = fm_store_prepare(
		    store, "DELETE FROM allocations WHERE account_id = ?1");
	else
		st = fm_store_prepare(store,
		    "INSERT INTO allocations (account_id, amount, period, cap)"
		    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account_id) DO"
		    " UPDATE SET amount = excluded.amount,"
		    " period = excluded.period, cap = excluded.cap");
	if (st == NULL) {
		*errstr = "database error";
		return false;
	}
	sqlite3_bind_int64(st, 1, account_id);
	if (amount != 0) {
		sqlite3_bind_int64(st, 2, amount);
		fm_store_bind_text(st, 3, fm_period_name(period));
		sqlite3_bind_int64(st, 4, cap);
	}
	if (!fm_store_step_done(st)) {
		*errstr = "no such account";
		return false;
	}
	return true;
}

bool
fm_alloc_get(fm_store_t *store, int64_t account_id, struct fm_alloc *out)
{
	sqlite3_stmt *st;
	bool found = false;
	char period[16];

	if (store == NULL || out == NULL)
		return false;
	st = fm_store_prepare(store,
	    "SELECT l.account_id, a.kind, a.name, l.amount, l.period, l.cap"
	    " FROM allocations l JOIN accounts a ON a.id = l.account_id"
	    " WHERE l.account_id = ?1");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, account_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		out->account_id = sqlite3_column_int64(st, 0);
		fm_store_copy_text(out->kind, sizeof(out->kind), st, 1);
		fm_store_copy_text(out->name, sizeof(out->name), st, 2);
		out->amount = sqlite3_column_int64(st, 3);
		fm_store_copy_text(period, sizeof(period), st, 4);
		fm_period_parse(period, &out->period);
		out->cap = sqlite3_column_int64(st, 5);
		found = true;
	}
	sqlite3_finalize(st);
	return found;
}

bool
fm_alloc_run(fm_store_t *store, int64_t now, int *credited, const char **errstr)
{
	struct fm_alloc list[256];
	sqlite3_stmt *st;
	int64_t after = 0;
	int n, total = 0;
	const char *dummy;

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
		st = fm_store_prepare(store,
		    "SELECT account_id FROM allocations WHERE account_id > ?1"
		    " ORDER BY account_id LIMIT 256");
		if (st == NULL) {
			*errstr = "database error";
			return false;
		}
		sqlite3_bind_int64(st, 1, after);
		while (sqlite3_step(st) == SQLITE_ROW && n < 256)
			list[n++].account_id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		for (int i = 0; i < n; i++) {
			struct fm_alloc a;
			struct fm_account acct;
			char key[64], period[FM_PERIOD_STRMAX];
			int64_t credit;
			bool applied;

			after = list[i].account_id;
			if (!fm_alloc_get(store, after, &a) ||
			    !fm_accounts_get(store, after, &acct))
				continue;
			credit = a.amount;
			/* The cap is checked against the balance when the
			 * period starts: a racing charge can only lower it,
			 * never push the credit past the cap. */
			if (a.cap > 0) {
				int64_t room = a.cap - acct.balance;
				credit = room <= 0  ? 0
				    : room < credit ? room
				                    : credit;
			}
			snprintf(key, sizeof(key), "alloc:%" PRId64 ":%s",
			    after,
			    fm_period_key(
			        a.period, now, period, sizeof(period)));
			/* A zero credit is still recorded: it marks the
			 * period as done. */
			if (!fm_ledger_adjust(store, after, credit, true,
			        fm_period_name(a.period), "", key, &applied,
			        errstr))
				return false;
			if (applied && credit > 0)
				total++;
		}
	} while (n == 256);
	if (credited != NULL)
		*credited = total;
	return true;
}
