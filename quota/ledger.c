/*
 * ledger.c - the append-only, hash-chained quota ledger.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/ledger.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "common/log.h"
#include "quota/accounts.h"
#include "quota/ledgerd.h"
#include "common/money.h"
#include "quota/period.h"
#include "quota/policy.h"
#include "store/store-private.h"
#include "quota/users.h"

#define HASH_LEN 32

/* One ledger row.  Strings are borrowed; NULL reads as "" except key. */
struct entry {
	int64_t id, at, account_id;
	const char *kind;
	int64_t amount, held;
	const char *user, *dept, *printer;
	int64_t job_id, reservation, price_version; /* 0: none */
	int64_t measured;
	const char *media;
	int64_t usage[5]; /* mono s/d, colour s/d, sheets */
	const char *key;  /* NULL: none */
	const char *reason, *admin;
};

static void
hash_int(mbedtls_sha256_context *c, int64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
	mbedtls_sha256_update_ret(c, b, sizeof(b));
}

/* Length-prefixed, so that ("ab", "c") and ("a", "bc") differ; NULL is
 * distinct from "". */
static void
hash_str(mbedtls_sha256_context *c, const char *s)
{
	if (s == NULL) {
		hash_int(c, -1);
		return;
	}
	hash_int(c, (int64_t)strlen(s));
	mbedtls_sha256_update_ret(c, (const unsigned char *)s, strlen(s));
}

static const char *
nz(const char *s)
{
	return s ? s : "";
}

/* hash = SHA-256(prev || every column of the row, in a fixed order). */
static void
row_hash(const struct entry *e, const uint8_t *prev, uint8_t *out)
{
	mbedtls_sha256_context c;

	mbedtls_sha256_init(&c);
	mbedtls_sha256_starts_ret(&c, 0);
	mbedtls_sha256_update_ret(&c, prev, HASH_LEN);
	hash_int(&c, e->id);
	hash_int(&c, e->at);
	hash_int(&c, e->account_id);
	hash_str(&c, nz(e->kind));
	hash_int(&c, e->amount);
	hash_int(&c, e->held);
	hash_str(&c, nz(e->user));
	hash_str(&c, nz(e->dept));
	hash_str(&c, nz(e->printer));
	hash_int(&c, e->job_id);
	hash_int(&c, e->reservation);
	hash_int(&c, e->price_version);
	hash_int(&c, e->measured);
	hash_str(&c, nz(e->media));
	for (int i = 0; i < 5; i++)
		hash_int(&c, e->usage[i]);
	hash_str(&c, e->key);
	hash_str(&c, nz(e->reason));
	hash_str(&c, nz(e->admin));
	mbedtls_sha256_finish_ret(&c, out);
	mbedtls_sha256_free(&c);
}

static void
bind_id(sqlite3_stmt *st, int idx, int64_t v)
{
	if (v > 0)
		sqlite3_bind_int64(st, idx, v);
	else
		sqlite3_bind_null(st, idx);
}

/*
 * Appends e (inside the caller's transaction): numbers it, links it to
 * the chain and updates the account's cached sums.  e->id and e->at are
 * filled in.
 */
static bool
append(fm_store_t *store, struct entry *e)
{
	uint8_t prev[HASH_LEN] = {0}, hash[HASH_LEN];
	sqlite3_stmt *st;

	e->at = fm_store_now(store);
	if (e->at < fm_ledger_closed_until(store)) {
		fm_log_warn("ledger: the clock is inside a closed period");
		return false;
	}
	st = fm_store_cached(
	    store, "SELECT id, hash FROM ledger ORDER BY id DESC LIMIT 1");
	if (st == NULL)
		return false;
	e->id = 1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		e->id = sqlite3_column_int64(st, 0) + 1;
		if (sqlite3_column_bytes(st, 1) == HASH_LEN)
			memcpy(prev, sqlite3_column_blob(st, 1), HASH_LEN);
	}
	fm_store_release(store, st);
	row_hash(e, prev, hash);
	st = fm_store_cached(store,
	    "INSERT INTO ledger (id, at, account_id, kind, amount, held, user,"
	    " dept, printer, job_id, reservation, price_version, measured,"
	    " media, mono_simplex, mono_duplex, colour_simplex, colour_duplex,"
	    " sheets, idem_key, reason, admin, prev_hash, hash) VALUES (?1,"
	    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
	    " ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_int64(st, 2, e->at);
	sqlite3_bind_int64(st, 3, e->account_id);
	fm_store_bind_text(st, 4, nz(e->kind));
	sqlite3_bind_int64(st, 5, e->amount);
	sqlite3_bind_int64(st, 6, e->held);
	fm_store_bind_text(st, 7, nz(e->user));
	fm_store_bind_text(st, 8, nz(e->dept));
	fm_store_bind_text(st, 9, nz(e->printer));
	bind_id(st, 10, e->job_id);
	bind_id(st, 11, e->reservation);
	bind_id(st, 12, e->price_version);
	sqlite3_bind_int64(st, 13, e->measured);
	fm_store_bind_text(st, 14, nz(e->media));
	for (int i = 0; i < 5; i++)
		sqlite3_bind_int64(st, 15 + i, e->usage[i]);
	fm_store_bind_text(st, 20, e->key);
	fm_store_bind_text(st, 21, nz(e->reason));
	fm_store_bind_text(st, 22, nz(e->admin));
	sqlite3_bind_blob(st, 23, prev, HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 24, hash, HASH_LEN, SQLITE_TRANSIENT);
	if (!fm_store_step_release(store, st))
		return false;
	st = fm_store_cached(store,
	    "UPDATE accounts SET balance = balance + ?2, held = held + ?3"
	    " WHERE id = ?1");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, e->account_id);
	sqlite3_bind_int64(st, 2, e->amount);
	sqlite3_bind_int64(st, 3, e->held);
	if (!fm_store_step_release(store, st) ||
	    sqlite3_changes(fm_store_db(store)) != 1)
		return false;
	st = fm_store_cached(store,
	    "INSERT INTO ledger_head (one, last_id, hash) VALUES (1, ?1, ?2)"
	    " ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id,"
	    " hash = excluded.hash");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_blob(st, 2, hash, HASH_LEN, SQLITE_TRANSIENT);
	return fm_store_step_release(store, st);
}

/* Finds the row carrying key: 1 (filling kind, reservation, and the
 * amount and held sums of that call's rows), 0 if none, -1 on error. */
static int
find_key(fm_store_t *store, const char *key, char *kind, size_t kindlen,
    int64_t *reservation)
{
	sqlite3_stmt *st;
	int found;

	st = fm_store_cached(store,
	    "SELECT kind, coalesce(reservation, 0) FROM ledger"
	    " WHERE idem_key = ?1");
	if (st == NULL)
		return -1;
	fm_store_bind_text(st, 1, key);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		fm_store_copy_text(kind, kindlen, st, 0);
		*reservation = sqlite3_column_int64(st, 1);
		found = 1;
		break;
	case SQLITE_DONE:
		found = 0;
		break;
	default:
		found = -1;
	}
	fm_store_release(store, st);
	return found;
}

static bool
key_ok(const char *key)
{
	return key != NULL && key[0] != '\0' && strlen(key) < FM_LEDGER_KEYMAX;
}

/* May user charge account a (not one of their own)? */
static int
may_use(fm_store_t *store, const struct fm_user *u, const struct fm_account *a)
{
	sqlite3_stmt *st;
	int ok;

	if (strcmp(a->kind, "department") == 0 &&
	    strcmp(a->name, u->dept_code) == 0)
		return 1;
	st = fm_store_cached(store,
	    "SELECT 1 FROM account_members WHERE account_id = ?1"
	    " AND user_id = ?2");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_int64(st, 2, u->id);
	ok = sqlite3_step(st) == SQLITE_ROW;
	fm_store_release(store, st);
	return ok;
}

/* Sum of the held column of reservation's reserve rows. */
static int64_t
reserved_amount(fm_store_t *store, int64_t reservation)
{
	sqlite3_stmt *st;
	int64_t sum = -1;

	st = fm_store_cached(store,
	    "SELECT coalesce(sum(held), 0) FROM ledger WHERE reservation = ?1"
	    " AND kind = 'reserve'");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, reservation);
	if (sqlite3_step(st) == SQLITE_ROW)
		sum = sqlite3_column_int64(st, 0);
	fm_store_release(store, st);
	return sum;
}

static bool deny(char *denial, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool
deny(char *denial, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (denial != NULL && len > 0) {
		va_start(ap, fmt);
		vsnprintf(denial, len, fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool reserve(fm_store_t *store, const char *user, const char *account,
    int64_t amount, const char *idempotency_key, int64_t job_id,
    int price_version, struct fm_reservation *out, char *denial,
    size_t denial_len);

/*
 * Sends q to the ledger writer if store is linked to one: true if it
 * answered (*p).  False to run q here: no link, a field the wire cannot
 * carry (the ledger refuses it here with its own message), or a writer
 * that is gone -- then the link is dropped for good, and a request it
 * may still apply is harmless: the idempotency key makes the second
 * application a replay.
 */
static bool
via_writer(fm_store_t *store, const struct fm_ledgerwire_request *q,
    struct fm_ledgerwire_reply *p)
{
	int link = store != NULL ? fm_store_ledger_link(store) : -1;
	int rc;

	if (link < 0)
		return false;
	if ((rc = fm_ledgerd_call(link, q, p)) < 0) {
		fm_log_warn("ledger: the ledger writer does not answer; "
		            "charging directly");
		fm_store_set_ledger_link(store, -1);
	}
	return rc == 1;
}

/* Copies s into a wire field; false if it does not fit (or is NULL). */
static bool
wire_text(char *dst, size_t size, const char *s)
{
	return s != NULL && (size_t)snprintf(dst, size, "%s", s) < size;
}

static bool
reserve_via_writer(fm_store_t *store, const char *user, const char *account,
    int64_t amount, const char *key, int64_t job_id, int price_version,
    struct fm_reservation *out, char *denial, size_t denial_len, bool *ok)
{
	struct fm_ledgerwire_request q = {.op = FM_LEDGERWIRE_RESERVE};
	struct fm_ledgerwire_reply p;

	if (out == NULL || !wire_text(q.user, sizeof(q.user), user) ||
	    !wire_text(q.account, sizeof(q.account), account ? account : "") ||
	    !wire_text(q.key, sizeof(q.key), key))
		return false;
	q.amount = amount;
	q.job_id = job_id;
	q.price_version = price_version;
	if (!via_writer(store, &q, &p))
		return false;
	memset(out, 0, sizeof(*out));
	if ((*ok = p.ok)) {
		out->id = p.id;
		out->amount = p.amount;
		out->replayed = p.replayed;
	}
	if (denial != NULL && denial_len > 0)
		snprintf(denial, denial_len, "%s", p.ok ? "" : p.message);
	return true;
}

static bool
settle_via_writer(fm_store_t *store, uint8_t op, int64_t reservation,
    int64_t amount, bool measured, const char *printer,
    const struct fm_usage *usage, const char *key, const char **errstr,
    bool *ok)
{
	struct fm_ledgerwire_request q = {.op = op};
	struct fm_ledgerwire_reply p;

	if (!wire_text(q.key, sizeof(q.key), key) ||
	    !wire_text(q.printer, sizeof(q.printer), printer ? printer : ""))
		return false;
	q.reservation = reservation;
	q.amount = amount;
	q.measured = measured;
	if ((q.has_usage = usage != NULL))
		q.usage = *usage;
	if (!via_writer(store, &q, &p))
		return false;
	if (!(*ok = p.ok))
		*errstr = fm_ledgerwire_errstr(p.message);
	return true;
}

bool
fm_ledger_reserve(fm_store_t *store, const char *user, const char *account,
    int64_t amount, const char *idempotency_key, int64_t job_id,
    int price_version, struct fm_reservation *out, char *denial,
    size_t denial_len)
{
	bool ok;

	if (reserve_via_writer(store, user, account, amount, idempotency_key,
	        job_id, price_version, out, denial, denial_len, &ok))
		return ok;
	if (store == NULL)
		return reserve(store, user, account, amount, idempotency_key,
		    job_id, price_version, out, denial, denial_len);
	/*
	 * A reservation is written without waiting for the disk: the WAL
	 * is appended in order, so the fsync of the next durable commit
	 * (a commit, a refund, an ingest) makes it durable too.  Power loss
	 * can only lose the newest reservations, whose jobs are then
	 * released again under the same keys -- as if the loss had come a
	 * moment earlier -- and it saves one of the two fsyncs a charge
	 * costs.  Everything else is durable when it returns.
	 */
	fm_store_set_lazy(store, true);
	ok = reserve(store, user, account, amount, idempotency_key, job_id,
	    price_version, out, denial, denial_len);
	fm_store_set_lazy(store, false);
	return ok;
}

static bool
reserve(fm_store_t *store, const char *user, const char *account,
    int64_t amount, const char *idempotency_key, int64_t job_id,
    int price_version, struct fm_reservation *out, char *denial,
    size_t denial_len)
{
	struct fm_account payers[FM_LEDGER_MAXLEGS], chosen;
	char kind[16], payer[FM_POLICY_VALUEMAX] = "", money[FM_MONEY_STRMAX];
	int64_t take[FM_LEDGER_MAXLEGS], remaining = amount, existing;
	struct fm_user u;
	int npayers = 0, found;

	if (denial != NULL && denial_len > 0)
		denial[0] = '\0';
	if (store == NULL || out == NULL || amount < 0 ||
	    !key_ok(idempotency_key) || job_id <= 0)
		return deny(denial, denial_len, "%s", "bad charge request");
	memset(out, 0, sizeof(*out));
	if (!fm_store_begin(store))
		return deny(denial, denial_len, "%s", "server busy");
	if ((found = find_key(
	         store, idempotency_key, kind, sizeof(kind), &existing)) != 0) {
		fm_store_rollback(store);
		if (found < 0 || strcmp(kind, "reserve") != 0)
			return deny(
			    denial, denial_len, "%s", "bad charge request");
		out->id = existing;
		out->amount = reserved_amount(store, existing);
		out->replayed = true;
		return true;
	}
	if (!fm_users_ensure(store, user) || !fm_users_get(store, user, &u)) {
		fm_store_rollback(store);
		return deny(denial, denial_len, "%s", "unknown user");
	}
	if (!u.enabled) {
		fm_store_rollback(store);
		return deny(denial, denial_len, "%s", "account disabled");
	}
	if (account != NULL && account[0] != '\0') {
		if (!fm_accounts_find(store, "department", account, &chosen) &&
		    !fm_accounts_find(store, "project", account, &chosen)) {
			fm_store_rollback(store);
			return deny(
			    denial, denial_len, "no account %.40s", account);
		}
		if (may_use(store, &u, &chosen) != 1) {
			fm_store_rollback(store);
			return deny(denial, denial_len, "may not charge %.40s",
			    account);
		}
		payers[npayers++] = chosen;
	} else {
		bool dept_first;
		struct fm_account dept;
		bool has_dept = u.dept_code[0] != '\0' &&
		    fm_accounts_find(store, "department", u.dept_code, &dept);

		fm_policy_get(store, "payer", payer, sizeof(payer));
		dept_first = strcmp(payer, "department-first") == 0;
		if (has_dept && dept_first)
			payers[npayers++] = dept;
		payers[npayers++] = u.account;
		if (has_dept && !dept_first)
			payers[npayers++] = dept;
	}
	/* Each payer in turn covers what it can; whatever none can cover
	 * is the shortfall the terminal shows. */
	for (int i = 0; i < npayers; i++) {
		int64_t avail = fm_accounts_available(&payers[i]);
		take[i] = avail <= 0    ? 0
		    : avail < remaining ? avail
		                        : remaining;
		remaining -= take[i];
	}
	if (remaining > 0) {
		fm_store_rollback(store);
		return deny(denial, denial_len, "needs %s more",
		    fm_money_format(remaining, money, sizeof(money)));
	}
	out->amount = amount;
	for (int i = 0, legs = 0; i < npayers; i++) {
		struct entry e = {0};

		/* A zero charge still makes one row: the reservation must
		 * exist to be committed. */
		if (take[i] == 0 && !(amount == 0 && legs == 0))
			continue;
		e.account_id = payers[i].id;
		e.kind = "reserve";
		e.held = take[i];
		e.user = u.login;
		e.dept = u.dept_code;
		e.job_id = job_id;
		e.price_version = price_version;
		e.key = legs == 0 ? idempotency_key : NULL;
		/* The first row's id names the reservation; append() gives
		 * ids as last + 1 under the write lock. */
		e.reservation = legs == 0 ? 0 : out->id;
		if (legs == 0) {
			sqlite3_stmt *st = fm_store_cached(store,
			    "SELECT coalesce(max(id), 0) + 1 FROM ledger");
			if (st == NULL || sqlite3_step(st) != SQLITE_ROW) {
				fm_store_release(store, st);
				goto fail;
			}
			e.reservation = sqlite3_column_int64(st, 0);
			fm_store_release(store, st);
		}
		if (!append(store, &e))
			goto fail;
		if (legs++ == 0)
			out->id = e.id;
	}
	if (!fm_store_commit(store))
		return deny(denial, denial_len, "%s", "server error");
	return true;
fail:
	fm_store_rollback(store);
	return deny(denial, denial_len, "%s", "server error");
}

struct leg {
	int64_t account_id, held;
	char user[FM_USERS_LOGINMAX], dept[FM_DEPTS_CODEMAX];
	int64_t job_id, price_version;
};

/* Loads reservation's reserve rows; returns how many (0: none), -1 on
 * error.  *settled says whether a commit or refund already closed it. */
static int
load_legs(
    fm_store_t *store, int64_t reservation, struct leg *legs, bool *settled)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	st = fm_store_cached(store,
	    "SELECT kind, account_id, held, user, dept, coalesce(job_id, 0),"
	    " coalesce(price_version, 0) FROM ledger WHERE reservation = ?1"
	    " ORDER BY id");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, reservation);
	*settled = false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		if (kind == NULL || strcmp(kind, "reserve") != 0) {
			*settled = true;
			continue;
		}
		if (n == FM_LEDGER_MAXLEGS)
			continue;
		legs[n].account_id = sqlite3_column_int64(st, 1);
		legs[n].held = sqlite3_column_int64(st, 2);
		fm_store_copy_text(legs[n].user, sizeof(legs[n].user), st, 3);
		fm_store_copy_text(legs[n].dept, sizeof(legs[n].dept), st, 4);
		legs[n].job_id = sqlite3_column_int64(st, 5);
		legs[n].price_version = sqlite3_column_int64(st, 6);
		n++;
	}
	fm_store_release(store, st);
	return rc == SQLITE_DONE ? n : -1;
}

/* Shared by commit and refund: settles reservation under key. */
static bool
settle(fm_store_t *store, int64_t reservation, const char *kind, int64_t amount,
    bool measured, const char *printer, const struct fm_usage *usage,
    const char *key, const char **errstr)
{
	struct leg legs[FM_LEDGER_MAXLEGS];
	char found_kind[16];
	int64_t found_res, remaining = amount;
	bool settled;
	int n, found;

	if (store == NULL || reservation <= 0 || amount < 0 || !key_ok(key)) {
		*errstr = "bad arguments";
		return false;
	}
	if (!fm_store_begin(store)) {
		*errstr = "cannot lock the database";
		return false;
	}
	if ((found = find_key(store, key, found_kind, sizeof(found_kind),
	         &found_res)) != 0) {
		fm_store_rollback(store);
		if (found > 0 && strcmp(found_kind, kind) == 0 &&
		    found_res == reservation) {
			/* A retry: already applied, perhaps by a ledger
			 * writer that died before its sync. */
			if (fm_store_durable(store))
				return true;
			*errstr = "cannot sync the database";
			return false;
		}
		*errstr = found < 0 ? "database error"
		                    : "idempotency key already used for "
		                      "another operation";
		return false;
	}
	if ((n = load_legs(store, reservation, legs, &settled)) <= 0) {
		fm_store_rollback(store);
		*errstr = n < 0 ? "database error" : "no such reservation";
		return false;
	}
	if (settled) {
		fm_store_rollback(store);
		*errstr = "reservation already settled";
		return false;
	}
	for (int i = 0; i < n; i++) {
		struct entry e = {0};
		int64_t charge = 0;

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
		e.printer = printer;
		e.job_id = legs[i].job_id;
		e.reservation = reservation;
		e.price_version = legs[i].price_version;
		e.measured = measured;
		e.key = i == 0 ? key : NULL;
		/* Usage goes on the first row only, so that sums over rows
		 * count each page once however the charge was split. */
		if (i == 0 && usage != NULL) {
			e.media = usage->media;
			e.usage[0] = usage->impressions[0][0];
			e.usage[1] = usage->impressions[0][1];
			e.usage[2] = usage->impressions[1][0];
			e.usage[3] = usage->impressions[1][1];
			e.usage[4] = usage->sheets[0][0] + usage->sheets[0][1] +
			    usage->sheets[1][0] + usage->sheets[1][1];
		}
		if (!append(store, &e)) {
			fm_store_rollback(store);
			*errstr = "cannot write the ledger";
			return false;
		}
	}
	if (!fm_store_commit(store)) {
		*errstr = "cannot commit";
		return false;
	}
	return true;
}

bool
fm_ledger_commit(fm_store_t *store, int64_t reservation, int64_t amount,
    bool measured, const char *printer, const struct fm_usage *usage,
    const char *key, const char **errstr)
{
	const char *dummy;
	bool ok;

	if (errstr == NULL)
		errstr = &dummy;
	if (usage != NULL) {
		for (int c = 0; c < 2; c++)
			for (int d = 0; d < 2; d++)
				if (usage->impressions[c][d] < 0 ||
				    usage->sheets[c][d] < 0) {
					*errstr = "negative page count";
					return false;
				}
	}
	if (settle_via_writer(store, FM_LEDGERWIRE_COMMIT, reservation, amount,
	        measured, printer, usage, key, errstr, &ok))
		return ok;
	return settle(store, reservation, "commit", amount, measured, printer,
	    usage, key, errstr);
}

bool
fm_ledger_refund(fm_store_t *store, int64_t reservation, const char *key,
    const char **errstr)
{
	const char *dummy;
	bool ok;

	if (errstr == NULL)
		errstr = &dummy;
	if (settle_via_writer(store, FM_LEDGERWIRE_REFUND, reservation, 0,
	        false, NULL, NULL, key, errstr, &ok))
		return ok;
	return settle(
	    store, reservation, "refund", 0, false, NULL, NULL, key, errstr);
}

bool
fm_ledger_refund_job(fm_store_t *store, int64_t job_id, const char *reason,
    const char *admin, int64_t *refunded, const char **errstr)
{
	struct entry rows[8];
	char keybuf[64], users[8][FM_USERS_LOGINMAX],
	    depts[8][FM_DEPTS_CODEMAX], printers[8][64];
	sqlite3_stmt *st;
	int n = 0, rc;
	int64_t total = 0;
	const char *dummy;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || job_id <= 0 || reason == NULL ||
	    reason[0] == '\0' || strlen(reason) >= FM_LEDGER_REASONMAX) {
		*errstr = "a refund needs a job and a reason";
		return false;
	}
	snprintf(keybuf, sizeof(keybuf), "refund-job:%" PRId64, job_id);
	if (!fm_store_begin(store)) {
		*errstr = "cannot lock the database";
		return false;
	}
	st = fm_store_cached(store,
	    "SELECT account_id, -sum(amount), user, dept, printer FROM ledger"
	    " WHERE job_id = ?1 AND kind IN ('commit', 'refund')"
	    " GROUP BY account_id ORDER BY min(id)");
	if (st == NULL)
		goto dberr;
	sqlite3_bind_int64(st, 1, job_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 8) {
		memset(&rows[n], 0, sizeof(rows[n]));
		rows[n].account_id = sqlite3_column_int64(st, 0);
		rows[n].amount = sqlite3_column_int64(st, 1);
		fm_store_copy_text(users[n], sizeof(users[n]), st, 2);
		fm_store_copy_text(depts[n], sizeof(depts[n]), st, 3);
		fm_store_copy_text(printers[n], sizeof(printers[n]), st, 4);
		n++;
	}
	fm_store_release(store, st);
	{
		char kind[16];
		int64_t res;
		int found = find_key(store, keybuf, kind, sizeof(kind), &res);
		if (found != 0) {
			fm_store_rollback(store);
			*errstr = found < 0 ? "database error"
			                    : "that job was already refunded";
			return false;
		}
	}
	for (int i = 0; i < n; i++)
		total += rows[i].amount;
	if (n == 0 || total <= 0) {
		fm_store_rollback(store);
		*errstr = "that job has no charge to refund";
		return false;
	}
	for (int i = 0, first = 1; i < n; i++) {
		if (rows[i].amount == 0)
			continue;
		rows[i].kind = "refund";
		rows[i].user = users[i];
		rows[i].dept = depts[i];
		rows[i].printer = printers[i];
		rows[i].job_id = job_id;
		rows[i].reason = reason;
		rows[i].admin = admin;
		rows[i].key = first ? keybuf : NULL;
		first = 0;
		if (!append(store, &rows[i]))
			goto dberr;
	}
	if (!fm_store_commit(store)) {
		*errstr = "cannot commit";
		return false;
	}
	if (refunded != NULL)
		*refunded = total;
	return true;
dberr:
	fm_store_rollback(store);
	*errstr = "cannot write the ledger";
	return false;
}

bool
fm_ledger_adjust(fm_store_t *store, int64_t account_id, int64_t amount,
    bool allocation, const char *reason, const char *admin, const char *key,
    bool *applied, const char **errstr)
{
	struct entry e = {0};
	struct fm_account a;
	const char *dummy;
	bool dummy_applied;

	if (errstr == NULL)
		errstr = &dummy;
	if (applied == NULL)
		applied = &dummy_applied;
	*applied = false;
	if (store == NULL || amount > FM_MONEY_MAX || amount < -FM_MONEY_MAX) {
		*errstr = "bad amount";
		return false;
	}
	if (!allocation &&
	    (reason == NULL || reason[0] == '\0' || admin == NULL ||
	        admin[0] == '\0')) {
		*errstr = "an adjustment needs a reason and an admin";
		return false;
	}
	if (reason != NULL && strlen(reason) >= FM_LEDGER_REASONMAX) {
		*errstr = "the reason is too long";
		return false;
	}
	if (key != NULL && !key_ok(key)) {
		*errstr = "bad idempotency key";
		return false;
	}
	if (!fm_store_begin(store)) {
		*errstr = "cannot lock the database";
		return false;
	}
	if (!fm_accounts_get(store, account_id, &a)) {
		fm_store_rollback(store);
		*errstr = "no such account";
		return false;
	}
	if (key != NULL) {
		char kind[16];
		int64_t res;
		int found = find_key(store, key, kind, sizeof(kind), &res);
		if (found != 0) {
			fm_store_rollback(store);
			if (found < 0)
				*errstr = "database error";
			return found > 0;
		}
	}
	e.account_id = account_id;
	e.kind = allocation ? "allocation" : "adjustment";
	e.amount = amount;
	e.user = strcmp(a.kind, "user") == 0 ? a.name : "";
	e.dept = strcmp(a.kind, "department") == 0 ? a.name : "";
	e.key = key;
	e.reason = reason;
	e.admin = admin;
	if (!append(store, &e)) {
		fm_store_rollback(store);
		*errstr = "cannot write the ledger";
		return false;
	}
	if (!fm_store_commit(store)) {
		*errstr = "cannot commit";
		return false;
	}
	*applied = true;
	return true;
}

static void report_add(char *report, size_t len, int *problems, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
report_add(char *report, size_t len, int *problems, const char *fmt, ...)
{
	size_t used = strlen(report);
	va_list ap;

	if (++*problems > 10 || used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(report + used, len - used, fmt, ap);
	va_end(ap);
	used = strlen(report);
	if (used + 1 < len) {
		report[used] = '\n';
		report[used + 1] = '\0';
	}
}

bool
fm_ledger_verify(
    fm_store_t *store, int64_t *rows, char *report, size_t report_len)
{
	uint8_t prev[HASH_LEN] = {0}, hash[HASH_LEN];
	int64_t count = 0, last_id = 0;
	sqlite3_stmt *st;
	int problems = 0, rc;
	char dummy[1];

	if (report == NULL || report_len == 0) {
		report = dummy;
		report_len = sizeof(dummy);
	}
	report[0] = '\0';
	if (store == NULL)
		return false;
	/* A read transaction: one consistent snapshot of ledger, head and
	 * accounts, even while followmed keeps charging. */
	if (!fm_store_exec(store, "BEGIN"))
		return false;
	st = fm_store_cached(store,
	    "SELECT id, at, account_id, kind, amount, held, user, dept,"
	    " printer, coalesce(job_id, 0), coalesce(reservation, 0),"
	    " coalesce(price_version, 0), measured, media, mono_simplex,"
	    " mono_duplex, colour_simplex, colour_duplex, sheets, idem_key,"
	    " reason, admin, prev_hash, hash FROM ledger ORDER BY id");
	if (st == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct entry e;
		const void *stored_prev = sqlite3_column_blob(st, 22);
		const void *stored = sqlite3_column_blob(st, 23);

		memset(&e, 0, sizeof(e));
		e.id = sqlite3_column_int64(st, 0);
		e.at = sqlite3_column_int64(st, 1);
		e.account_id = sqlite3_column_int64(st, 2);
		e.kind = (const char *)sqlite3_column_text(st, 3);
		e.amount = sqlite3_column_int64(st, 4);
		e.held = sqlite3_column_int64(st, 5);
		e.user = (const char *)sqlite3_column_text(st, 6);
		e.dept = (const char *)sqlite3_column_text(st, 7);
		e.printer = (const char *)sqlite3_column_text(st, 8);
		e.job_id = sqlite3_column_int64(st, 9);
		e.reservation = sqlite3_column_int64(st, 10);
		e.price_version = sqlite3_column_int64(st, 11);
		e.measured = sqlite3_column_int64(st, 12);
		e.media = (const char *)sqlite3_column_text(st, 13);
		for (int i = 0; i < 5; i++)
			e.usage[i] = sqlite3_column_int64(st, 14 + i);
		e.key = (const char *)sqlite3_column_text(st, 19);
		e.reason = (const char *)sqlite3_column_text(st, 20);
		e.admin = (const char *)sqlite3_column_text(st, 21);
		count++;
		if (sqlite3_column_bytes(st, 22) != HASH_LEN ||
		    memcmp(stored_prev, prev, HASH_LEN) != 0)
			report_add(report, report_len, &problems,
			    "row %" PRId64 ": does not follow row %" PRId64
			    " (a row before it was deleted, inserted or "
			    "changed)",
			    e.id, last_id);
		row_hash(&e, prev, hash);
		if (sqlite3_column_bytes(st, 23) != HASH_LEN ||
		    memcmp(stored, hash, HASH_LEN) != 0)
			report_add(report, report_len, &problems,
			    "row %" PRId64 ": content does not match its hash "
			    "(the row was edited)",
			    e.id);
		/* Continue the chain from what is stored, so that one
		 * edited row is reported once, not for every later row. */
		if (sqlite3_column_bytes(st, 23) == HASH_LEN)
			memcpy(prev, stored, HASH_LEN);
		last_id = e.id;
	}
	fm_store_release(store, st);
	if (rc != SQLITE_DONE)
		goto fail;
	st = fm_store_cached(store, "SELECT last_id, hash FROM ledger_head");
	if (st == NULL)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) != last_id ||
		    sqlite3_column_bytes(st, 1) != HASH_LEN ||
		    memcmp(sqlite3_column_blob(st, 1), prev, HASH_LEN) != 0)
			report_add(report, report_len, &problems,
			    "the chain head names row %" PRId64
			    " but the ledger ends at row %" PRId64
			    " (rows were removed from the end)",
			    (int64_t)sqlite3_column_int64(st, 0), last_id);
	} else if (count > 0) {
		report_add(
		    report, report_len, &problems, "the chain head is missing");
	}
	fm_store_release(store, st);
	st = fm_store_cached(store,
	    "SELECT a.kind, a.name, a.balance, a.held,"
	    " coalesce(sum(l.amount), 0), coalesce(sum(l.held), 0)"
	    " FROM accounts a LEFT JOIN ledger l ON l.account_id = a.id"
	    " GROUP BY a.id HAVING a.balance != coalesce(sum(l.amount), 0)"
	    " OR a.held != coalesce(sum(l.held), 0) ORDER BY a.id");
	if (st == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		report_add(report, report_len, &problems,
		    "account %s %s: cached balance %" PRId64 " held %" PRId64
		    ", ledger says %" PRId64 " held %" PRId64,
		    sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
		    (int64_t)sqlite3_column_int64(st, 2),
		    (int64_t)sqlite3_column_int64(st, 3),
		    (int64_t)sqlite3_column_int64(st, 4),
		    (int64_t)sqlite3_column_int64(st, 5));
	fm_store_release(store, st);
	fm_store_exec(store, "COMMIT");
	if (rows != NULL)
		*rows = count;
	return problems == 0 && rc == SQLITE_DONE;
fail:
	fm_store_rollback(store);
	snprintf(report, report_len, "database error: %s\n",
	    fm_store_last_error(store));
	return false;
}

int64_t
fm_ledger_job_charged(fm_store_t *store, int64_t job_id)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (store == NULL)
		return -1;
	st = fm_store_cached(store,
	    "SELECT -coalesce(sum(amount), 0) FROM ledger WHERE job_id = ?1"
	    " AND kind IN ('commit', 'refund')");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	fm_store_release(store, st);
	return v;
}

int64_t
fm_ledger_closed_until(fm_store_t *store)
{
	char value[FM_POLICY_VALUEMAX] = "";

	/* Kept as a number beside the date: every append checks it, and
	 * converting a local date costs a time zone lookup. */
	if (!fm_policy_get(store, "closed_until", value, sizeof(value)))
		return 0;
	return strtoll(value, NULL, 10);
}

bool
fm_ledger_close_period(
    fm_store_t *store, int64_t day_start, const char **errstr)
{
	const char *dummy;
	char date[FM_PERIOD_STRMAX], until[24];
	int64_t end = fm_period_next_day(day_start);

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL) {
		*errstr = "no store";
		return false;
	}
	if (end > fm_store_now(store)) {
		*errstr = "only days that are over can be closed";
		return false;
	}
	if (!fm_store_begin(store)) {
		*errstr = "cannot lock the database";
		return false;
	}
	if (end < fm_ledger_closed_until(store)) {
		fm_store_rollback(store);
		*errstr = "a later day is already closed";
		return false;
	}
	fm_period_format_date(day_start, date, sizeof(date));
	snprintf(until, sizeof(until), "%" PRId64, end);
	if (!fm_policy_set(store, "closed_through", date, errstr) ||
	    !fm_policy_set(store, "closed_until", until, errstr)) {
		fm_store_rollback(store);
		return false;
	}
	if (!fm_store_commit(store)) {
		*errstr = "cannot commit";
		return false;
	}
	return true;
}
