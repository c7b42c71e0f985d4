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

/* What a credit may add to account a, whose period already got
 * already, to bring it to target: never above the cap (checked against
 * the balance now: a racing charge can only lower it, never push the
 * credit past the cap). */
static int64_t
capped(const struct fm_alloc *al, const struct fm_account *a, int64_t target,
    int64_t already)
{
	int64_t credit = target - already, room;

	if (credit <= 0)
		return 0;
	if (al->cap > 0) {
		room = al->cap - a->balance;
		credit = room <= 0 ? 0 : room < credit ? room : credit;
	}
	return credit;
}

/* The allocation keys of account_id's period: "alloc:7:2026-11" for the
 * period's credit (as fm_alloc_run() makes it), which top-ups extend. */
static bool
period_key(const struct fm_alloc *al, int64_t now, char *key, size_t size)
{
	char period[FM_PERIOD_STRMAX];
	int n = snprintf(key, size, "alloc:%" PRId64 ":%s", al->account_id,
	    fm_period_key(al->period, now, period, sizeof(period)));

	return n > 0 && (size_t)n < size;
}

/* Whether the period's own credit (key, perhaps of 0) was made. */
static enum fm_sql_found
period_credited(fm_store_t *store, const char *key)
{
	int64_t one;

	return fm_sql_int(store, "SELECT 1 FROM ledger WHERE idem_key = ?1",
	    &one, FM_ARG_TEXT(key));
}

bool
fm_alloc_credited(
    fm_store_t *store, int64_t account_id, int64_t now, int64_t *amount)
{
	struct fm_alloc al;
	char key[96];

	if (store == NULL || amount == NULL ||
	    !fm_alloc_get(store, account_id, &al) ||
	    !period_key(&al, now, key, sizeof(key)))
		return false;
	return fm_sql_int(store,
	           "SELECT coalesce(sum(amount), 0) FROM ledger"
	           " WHERE account_id = ?1 AND kind = 'allocation'"
	           " AND (idem_key = ?2 OR substr(idem_key, 1, length(?2) + 2)"
	           " = ?2 || ':+')",
	           amount, FM_ARG_INT(account_id),
	           FM_ARG_TEXT(key)) == FM_SQL_FOUND;
}

/*
 * Credits account_id's allocation for the period that contains now: the
 * period's own credit if it has not had it (a zero one too: it marks the
 * period done), or with top_up what a raise within the period owes
 * (keyed by the total reached, so asking twice credits once).
 * *credited gets the amount added.
 */
static bool
credit(fm_store_t *store, int64_t account_id, int64_t now, bool top_up,
    int64_t *credited, const char **errstr)
{
	struct fm_alloc al;
	struct fm_account a;
	char key[128];
	int64_t already = 0, amount;
	bool applied;

	*credited = 0;
	if (!fm_alloc_get(store, account_id, &al) ||
	    !fm_accounts_get(store, account_id, &a))
		return true;
	if (!period_key(&al, now, key, sizeof(key))) {
		*errstr = "allocation key too long";
		return false;
	}
	switch (period_credited(store, key)) {
	case FM_SQL_NONE:
		break;
	case FM_SQL_FOUND:
		if (!top_up)
			return true;
		if (!fm_alloc_credited(store, account_id, now, &already)) {
			*errstr = "database error";
			return false;
		}
		if ((amount = capped(&al, &a, al.amount, already)) == 0)
			return true;
		snprintf(key + strlen(key), sizeof(key) - strlen(key),
		    ":+%" PRId64, already + amount);
		goto apply;
	default:
		*errstr = "database error";
		return false;
	}
	amount = capped(&al, &a, al.amount, 0);
apply:
	if (!fm_ledger_adjust(store, account_id, amount, true,
	        fm_period_name(al.period), "", key, &applied, errstr))
		return false;
	*credited = applied ? amount : 0;
	return true;
}

bool
fm_alloc_top_up(fm_store_t *store, int64_t account_id, int64_t now,
    int64_t *credited, const char **errstr)
{
	const char *dummy;
	int64_t none;

	if (errstr == NULL)
		errstr = &dummy;
	if (credited == NULL)
		credited = &none;
	*credited = 0;
	if (store == NULL) {
		*errstr = "no store";
		return false;
	}
	return credit(store, account_id, now, true, credited, errstr);
}

#define BATCH 256

bool
fm_alloc_run(fm_store_t *store, int64_t now, int *credited, const char **errstr)
{
	int64_t list[BATCH], after = 0;
	struct fm_sql_rows rows;
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
		if (!fm_sql_open(&rows, store,
		        "SELECT account_id FROM allocations"
		        " WHERE account_id > ?1 ORDER BY account_id LIMIT 256",
		        FM_ARG_INT(after))) {
			fm_sql_close(&rows);
			*errstr = "database error";
			return false;
		}
		while (n < BATCH && fm_sql_next(&rows, NULL, NULL))
			list[n++] = sqlite3_column_int64(rows.st, 0);
		fm_sql_close(&rows);
		for (int i = 0; i < n; i++) {
			int64_t amount;

			after = list[i];
			if (!credit(store, after, now, false, &amount, errstr))
				return false;
			total += amount > 0;
		}
	} while (n == BATCH);
	if (credited != NULL)
		*credited = total;
	return true;
}
