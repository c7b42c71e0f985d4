/*
 * ledger-local.c - charging in this process: reservations and their
 * settlement written straight into the store (ledger-local.h).
 *
 * A reservation is: check the idempotency key, find the user and the
 * accounts that pay (payers.h), split the amount between them, and write
 * one "reserve" row per account that takes a share (a leg).  Settling
 * writes one "commit" or "refund" row per leg.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/ledger-local.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/money.h"
#include "quota/accounts.h"
#include "quota/ledger-private.h"
#include "quota/payers.h"
#include "quota/policy.h"
#include "quota/users.h"
#include "store/sql.h"
#include "store/store-private.h"

_Static_assert(FM_PAYERS_MAX == FM_LEDGER_MAXLEGS, "one leg per payer");

/* How a transaction's work ended: only DONE is committed. */
enum outcome { DONE, REPLAYED, DENIED, FAILED };

static enum outcome deny(char *denial, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum outcome
deny(char *denial, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (denial != NULL && len > 0) {
		va_start(ap, fmt);
		vsnprintf(denial, len, fmt, ap);
		va_end(ap);
	}
	return DENIED;
}

/* May user u charge account a (not one of their own)? */
static enum fm_sql_found
may_use(fm_store_t *store, const struct fm_user *u, const struct fm_account *a)
{
	int64_t one;

	if (strcmp(a->kind, "department") == 0 &&
	    strcmp(a->name, u->dept_code) == 0)
		return FM_SQL_FOUND;
	return fm_sql_int(store,
	    "SELECT 1 FROM account_members WHERE account_id = ?1"
	    " AND user_id = ?2",
	    &one, FM_ARG_INT(a->id), FM_ARG_INT(u->id));
}

/* The accounts that pay for req, in order, into payers; how many, or 0
 * with denial filled. */
static int
find_payers(fm_store_t *store, const struct fm_ledger_request *req,
    const struct fm_user *u, struct fm_account payers[FM_PAYERS_MAX],
    char *denial, size_t denial_len)
{
	struct fm_account chosen, dept;
	char payer[FM_POLICY_VALUEMAX] = "";
	bool has_dept;

	if (req->account != NULL && req->account[0] != '\0') {
		if (!fm_accounts_find(
		        store, "department", req->account, &chosen) &&
		    !fm_accounts_find(
		        store, "project", req->account, &chosen)) {
			deny(denial, denial_len, "no account %.40s",
			    req->account);
			return 0;
		}
		if (may_use(store, u, &chosen) != FM_SQL_FOUND) {
			deny(denial, denial_len, "may not charge %.40s",
			    req->account);
			return 0;
		}
		return fm_payers_choose(NULL, NULL, false, &chosen, payers);
	}
	has_dept = u->dept_code[0] != '\0' &&
	    fm_accounts_find(store, "department", u->dept_code, &dept);
	fm_policy_get(store, "payer", payer, sizeof(payer));
	return fm_payers_choose(&u->account, has_dept ? &dept : NULL,
	    strcmp(payer, "department-first") == 0, NULL, payers);
}

/* Sum of the held column of reservation's reserve rows. */
static int64_t
reserved_amount(fm_store_t *store, int64_t reservation)
{
	int64_t sum = -1;

	fm_sql_int(store,
	    "SELECT coalesce(sum(held), 0) FROM ledger WHERE reservation = ?1"
	    " AND kind = 'reserve'",
	    &sum, FM_ARG_INT(reservation));
	return sum;
}

/*
 * Writes one reserve row per payer that takes a share (a zero charge
 * still makes one row: the reservation must exist to be committed).
 * The first row's id names the reservation.
 */
static bool
write_legs(fm_store_t *store, const struct fm_ledger_request *req,
    const struct fm_user *u, const struct fm_account *payers,
    const int64_t *take, int n, struct fm_reservation *out)
{
	int64_t first_id;

	/* append() numbers rows last + 1 under the write lock, so the
	 * first leg's id is known before it is written. */
	if (fm_sql_int(store, "SELECT coalesce(max(id), 0) + 1 FROM ledger",
	        &first_id, FM_NO_ARGS) != FM_SQL_FOUND)
		return false;
	for (int i = 0, legs = 0; i < n; i++) {
		struct fm_ledger_entry e = {0};

		if (take[i] == 0 && !(req->amount == 0 && legs == 0))
			continue;
		e.account_id = payers[i].id;
		e.kind = "reserve";
		e.held = take[i];
		e.user = u->login;
		e.dept = u->dept_code;
		e.job_id = req->job_id;
		e.price_version = req->price_version;
		e.key = legs == 0 ? req->key : NULL;
		e.reservation = first_id;
		if (!fm_ledger_append(store, &e))
			return false;
		if (legs++ == 0)
			out->id = e.id;
	}
	out->amount = req->amount;
	return true;
}

/* The work of a reservation, inside its transaction. */
static enum outcome
reserve_in(fm_store_t *store, const struct fm_ledger_request *req,
    struct fm_reservation *out, char *denial, size_t denial_len)
{
	struct fm_account payers[FM_PAYERS_MAX];
	int64_t take[FM_PAYERS_MAX], shortfall, existing;
	char kind[16], money[FM_MONEY_STRMAX];
	struct fm_user u;
	int n;

	switch (fm_ledger_find_key(
	    store, req->key, kind, sizeof(kind), &existing)) {
	case FM_LEDGER_KEY_NEW:
		break;
	case FM_LEDGER_KEY_USED:
		if (strcmp(kind, "reserve") != 0)
			return deny(denial, denial_len, "bad charge request");
		out->id = existing;
		out->amount = reserved_amount(store, existing);
		out->replayed = true;
		return REPLAYED;
	case FM_LEDGER_KEY_ERROR:
		return deny(denial, denial_len, "bad charge request");
	}
	if (!fm_users_ensure(store, req->user) ||
	    !fm_users_get(store, req->user, &u))
		return deny(denial, denial_len, "unknown user");
	if (!u.enabled)
		return deny(denial, denial_len, "account disabled");
	if ((n = find_payers(store, req, &u, payers, denial, denial_len)) == 0)
		return DENIED;
	/* Whatever no payer can cover is the shortfall the terminal
	 * shows. */
	if ((shortfall = fm_payers_split(payers, n, req->amount, take)) > 0)
		return deny(denial, denial_len, "needs %s more",
		    fm_money_format(shortfall, money, sizeof(money)));
	return write_legs(store, req, &u, payers, take, n, out) ? DONE : FAILED;
}

static bool
request_is_valid(const struct fm_ledger_request *req)
{
	return req != NULL && req->amount >= 0 &&
	    fm_ledger_key_is_valid(req->key) && req->job_id > 0;
}

static bool
reserve(fm_store_t *store, const struct fm_ledger_request *req,
    struct fm_reservation *out, char *denial, size_t denial_len)
{
	enum outcome o;

	if (denial != NULL && denial_len > 0)
		denial[0] = '\0';
	if (store == NULL || out == NULL || !request_is_valid(req)) {
		deny(denial, denial_len, "bad charge request");
		return false;
	}
	memset(out, 0, sizeof(*out));
	if (!fm_store_begin(store)) {
		deny(denial, denial_len, "server busy");
		return false;
	}
	o = reserve_in(store, req, out, denial, denial_len);
	if (!fm_store_end(store, o == DONE) && o == DONE)
		o = FAILED;
	if (o == FAILED)
		deny(denial, denial_len, "server error");
	return o == DONE || o == REPLAYED;
}

static bool
local_reserve(fm_ledger_t *ledger, const struct fm_ledger_request *req,
    struct fm_reservation *out, char *denial, size_t denial_len)
{
	bool ok;

	/*
	 * A reservation is written without waiting for the disk: the WAL
	 * is appended in order, so the fsync of the next durable commit
	 * (a commit, a refund, an ingest) makes it durable too.  Power loss
	 * can only lose the newest reservations, whose jobs are then
	 * released again under the same keys -- as if the loss had come a
	 * moment earlier -- and it saves one of the two fsyncs a charge
	 * costs.  Everything else is durable when it returns.
	 */
	fm_store_set_lazy(ledger->store, true);
	ok = reserve(ledger->store, req, out, denial, denial_len);
	fm_store_set_lazy(ledger->store, false);
	return ok;
}

struct leg {
	int64_t account_id, held;
	char user[FM_USERS_LOGINMAX], dept[FM_DEPTS_CODEMAX];
	int64_t job_id, price_version;
	char kind[16];
};

#define C(kind, member) FM_COL_##kind(struct leg, member)
static const struct fm_sql_col leg_cols[] = {C(TEXT, kind), C(INT, account_id),
    C(INT, held), C(TEXT, user), C(TEXT, dept), C(INT, job_id),
    C(INT, price_version), FM_COL_END};
#undef C

/* Loads reservation's reserve rows (its legs); how many (0: none), -1 on
 * error.  *settled says whether a commit or refund already closed it.
 * Every settlement runs it: its statement stays prepared. */
static int
load_legs(fm_store_t *store, int64_t reservation,
    struct leg legs[FM_LEDGER_MAXLEGS], bool *settled)
{
	sqlite3_stmt *st;
	struct leg l;
	int n = 0, rc;

	*settled = false;
	st = fm_store_cached(store,
	    "SELECT kind, account_id, held, user, dept,"
	    " coalesce(job_id, 0), coalesce(price_version, 0)"
	    " FROM ledger WHERE reservation = ?1 ORDER BY id");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, reservation);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fm_sql_columns(st, leg_cols, &l);
		if (strcmp(l.kind, "reserve") != 0)
			*settled = true;
		else if (n < FM_LEDGER_MAXLEGS)
			legs[n++] = l;
	}
	fm_store_release(store, st);
	return rc == SQLITE_DONE ? n : -1;
}

/* Usage goes on the first row only, so that sums over rows count each
 * page once however the charge was split. */
static void
put_usage(struct fm_ledger_entry *e, const struct fm_usage *usage)
{
	e->media = usage->media;
	e->usage[0] = usage->impressions[0][0];
	e->usage[1] = usage->impressions[0][1];
	e->usage[2] = usage->impressions[1][0];
	e->usage[3] = usage->impressions[1][1];
	e->usage[4] = usage->sheets[0][0] + usage->sheets[0][1] +
	    usage->sheets[1][0] + usage->sheets[1][1];
}

/* Restricted accounts a commit left below their overdraft, to be logged
 * once the commit is durable. */
struct overdrawn {
	int n;
	struct fm_account a[FM_LEDGER_MAXLEGS];
	int64_t job_id;
};

/* The work of a settlement, inside its transaction. */
static enum outcome
settle_in(fm_store_t *store, const struct fm_ledger_settle *s, const char *kind,
    struct fm_aggregates_pending *pending, struct overdrawn *od,
    const char **errstr)
{
	struct leg legs[FM_LEDGER_MAXLEGS];
	char found_kind[16];
	int64_t found_res, remaining = s->amount;
	bool settled;
	int n;

	switch (fm_ledger_find_key(
	    store, s->key, found_kind, sizeof(found_kind), &found_res)) {
	case FM_LEDGER_KEY_NEW:
		break;
	case FM_LEDGER_KEY_USED:
		if (strcmp(found_kind, kind) == 0 &&
		    found_res == s->reservation)
			return REPLAYED;
		*errstr = "idempotency key already used for another operation";
		return FAILED;
	case FM_LEDGER_KEY_ERROR:
		*errstr = "database error";
		return FAILED;
	}
	if ((n = load_legs(store, s->reservation, legs, &settled)) <= 0) {
		*errstr = n < 0 ? "database error" : "no such reservation";
		return FAILED;
	}
	if (settled) {
		*errstr = "reservation already settled";
		return FAILED;
	}
	for (int i = 0; i < n; i++) {
		struct fm_ledger_entry e = {0};
		int64_t charge = 0;

		/* Each leg pays up to what it held; the last pays the rest
		 * (a job may print more than was estimated). */
		if (strcmp(kind, "commit") == 0)
			charge = i == n - 1            ? remaining
			    : legs[i].held < remaining ? legs[i].held
			                               : remaining;
		remaining -= charge;
		e.account_id = legs[i].account_id;
		e.kind = kind;
		e.amount = -charge;
		e.held = -legs[i].held;
		e.user = legs[i].user;
		e.dept = legs[i].dept;
		e.printer = s->printer;
		e.job_id = legs[i].job_id;
		e.reservation = s->reservation;
		e.price_version = legs[i].price_version;
		e.measured = s->measured;
		e.key = i == 0 ? s->key : NULL;
		e.pending = pending;
		if (i == 0 && s->usage != NULL)
			put_usage(&e, s->usage);
		if (!fm_ledger_append(store, &e)) {
			*errstr = "cannot write the ledger";
			return FAILED;
		}
		/* The pages were printed: the commit stands even below the
		 * overdraft, but admins must hear of it. */
		if (charge > 0 &&
		    fm_accounts_get(store, e.account_id, &od->a[od->n]) &&
		    od->a[od->n].restricted &&
		    od->a[od->n].balance < -od->a[od->n].overdraft) {
			od->job_id = legs[i].job_id;
			od->n++;
		}
	}
	return DONE;
}

static bool
local_settle(fm_ledger_t *ledger, const struct fm_ledger_settle *s, bool refund,
    const char **errstr)
{
	fm_store_t *store = ledger->store;
	struct overdrawn od = {0};
	enum outcome o;
	size_t mark;

	if (store == NULL || s->reservation <= 0 || s->amount < 0 ||
	    !fm_ledger_key_is_valid(s->key)) {
		*errstr = "bad arguments";
		return false;
	}
	if (!fm_store_begin(store)) {
		*errstr = "cannot lock the database";
		return false;
	}
	mark = ledger->pending.n;
	o = settle_in(store, s, refund ? "refund" : "commit", &ledger->pending,
	    &od, errstr);
	/* Alone, the settlement's aggregates go before its COMMIT; in a
	 * batch, before the batch's. */
	if (o == DONE && !ledger->batched &&
	    !fm_aggregates_flush(&ledger->pending, store)) {
		*errstr = "cannot write the ledger";
		o = FAILED;
	}
	if (o != DONE)
		fm_aggregates_undo(&ledger->pending, mark);
	if (!fm_store_end(store, o == DONE) && o == DONE) {
		fm_aggregates_undo(&ledger->pending, mark);
		*errstr = "cannot commit";
		return false;
	}
	for (int i = 0; o == DONE && i < od.n; i++) {
		char bal[FM_MONEY_STRMAX], over[FM_MONEY_STRMAX];
		fm_log_warn("ledger: overdrawn: job %lld (reservation %lld) "
		            "left %s account %s at %s, below its overdraft of "
		            "%s: the printer counted more than was reserved "
		            "(followme-admin report overdrawn)",
		    (long long)od.job_id, (long long)s->reservation,
		    od.a[i].kind, od.a[i].name,
		    fm_money_format(od.a[i].balance, bal, sizeof(bal)),
		    fm_money_format(od.a[i].overdraft, over, sizeof(over)));
	}
	if (o == REPLAYED) {
		/* A retry: already applied, perhaps by a ledger writer that
		 * died before its sync. */
		if (fm_store_durable(store))
			return true;
		*errstr = "cannot sync the database";
		return false;
	}
	return o == DONE;
}

const struct fm_ledger_ops fm_ledger_local_ops = {
    .reserve = local_reserve,
    .settle = local_settle,
};

void
fm_ledger_local_batch(fm_ledger_t *ledger)
{
	fm_aggregates_undo(&ledger->pending, 0);
	ledger->batched = true;
}

bool
fm_ledger_local_flush(fm_ledger_t *ledger)
{
	ledger->batched = false;
	return fm_aggregates_flush(&ledger->pending, ledger->store);
}

fm_ledger_t *
fm_ledger_local_open(fm_store_t *store)
{
	fm_ledger_t *ledger;

	if (store == NULL || (ledger = calloc(1, sizeof(*ledger))) == NULL)
		return NULL;
	ledger->ops = &fm_ledger_local_ops;
	ledger->store = store;
	ledger->link = -1;
	return ledger;
}
