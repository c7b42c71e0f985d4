/*
 * ledger.c - the append-only, hash-chained quota ledger: the book (rows,
 * chain, keys), the charging calls dispatched to a handle's
 * implementation, and the admin's operations.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/ledger.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/md.h>

#include "common/aead.h"
#include "common/keyfile.h"
#include "common/log.h"
#include "common/money.h"
#include "quota/accounts.h"
#include "quota/aggregates.h"
#include "quota/ledger-private.h"
#include "quota/period.h"
#include "quota/policy.h"
#include "quota/users.h"
#include "store/sql.h"
#include "store/store-private.h"

#define HASH_LEN 32

_Static_assert(FM_LEDGER_LEDGERKEYLEN == FM_STORE_LEDGER_KEYLEN,
    "the store holds the ledger's key whole");

/*
 * The chain's digest: HMAC-SHA256 under the ledger key for rows from the
 * keying record on, plain SHA-256 for the rows written before the
 * ledger was keyed (an upgraded store).  A NULL key means unkeyed.
 */
struct digest {
	mbedtls_md_context_t md;
	bool keyed;
};

static bool
digest_start(struct digest *d, const uint8_t *key)
{
	mbedtls_md_init(&d->md);
	d->keyed = key != NULL;
	if (mbedtls_md_setup(&d->md,
	        mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), d->keyed) != 0)
		return false;
	return d->keyed
	    ? mbedtls_md_hmac_starts(&d->md, key, FM_LEDGER_LEDGERKEYLEN) == 0
	    : mbedtls_md_starts(&d->md) == 0;
}

static void
digest_update(struct digest *d, const void *p, size_t len)
{
	if (d->keyed)
		mbedtls_md_hmac_update(&d->md, p, len);
	else
		mbedtls_md_update(&d->md, p, len);
}

static void
digest_finish(struct digest *d, uint8_t *out)
{
	if (d->keyed)
		mbedtls_md_hmac_finish(&d->md, out);
	else
		mbedtls_md_finish(&d->md, out);
	mbedtls_md_free(&d->md);
}

static void
hash_int(struct digest *c, int64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
	digest_update(c, b, sizeof(b));
}

/* Length-prefixed, so that ("ab", "c") and ("a", "bc") differ; NULL is
 * distinct from "". */
static void
hash_str(struct digest *c, const char *s)
{
	if (s == NULL) {
		hash_int(c, -1);
		return;
	}
	hash_int(c, (int64_t)strlen(s));
	digest_update(c, s, strlen(s));
}

static const char *
nz(const char *s)
{
	return s ? s : "";
}

/* hash = MAC(key, prev || every column of the row, in a fixed order), or
 * SHA-256 of the same when key is NULL.  False if mbedTLS fails. */
static bool
row_hash(const struct fm_ledger_entry *e, const uint8_t *prev,
    const uint8_t *key, uint8_t *out)
{
	struct digest c;

	if (!digest_start(&c, key)) {
		mbedtls_md_free(&c.md);
		return false;
	}
	digest_update(&c, prev, HASH_LEN);
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
	digest_finish(&c, out);
	return true;
}

/* The MAC that binds the keying record to its row: without the key, the
 * place where keying starts cannot be moved to leave rows unkeyed. */
static bool
keying_mac(const uint8_t *key, int64_t keyed_from, uint8_t *out)
{
	static const char label[] = "followme ledger keyed from";
	struct digest c;

	if (key == NULL || !digest_start(&c, key)) {
		if (key != NULL)
			mbedtls_md_free(&c.md);
		return false;
	}
	digest_update(&c, label, sizeof(label) - 1);
	hash_int(&c, keyed_from);
	digest_finish(&c, out);
	return true;
}

/* The first keyed row: found (*from), none yet, or a database error. */
static enum fm_sql_found
keyed_from(fm_store_t *store, int64_t *from)
{
	return fm_sql_int(
	    store, "SELECT keyed_from FROM ledger_keying", from, FM_NO_ARGS);
}

/* Records that rows from `from` on are keyed, unless a record exists. */
static bool
record_keying(fm_store_t *store, const uint8_t *key, int64_t from)
{
	uint8_t mac[HASH_LEN];

	if (!keying_mac(key, from, mac))
		return false;
	return fm_sql_exec(store,
	    "INSERT INTO ledger_keying (one, keyed_from, mac) VALUES (1, ?1,"
	    " ?2) ON CONFLICT (one) DO NOTHING",
	    FM_ARG_INT(from), FM_ARG_BLOB(mac, HASH_LEN));
}

bool
fm_ledger_set_key(fm_store_t *store, const uint8_t *key)
{
	if (store == NULL)
		return false;
	fm_store_set_ledger_key(store, key);
	return true;
}

/*
 * Records that every row from the next on is keyed, unless that is
 * recorded already: done when the key is created, so that a store
 * upgraded from an unkeyed ledger keeps its old rows as an unkeyed
 * prefix and nothing after.
 */
static bool
start_keying(fm_store_t *store)
{
	const uint8_t *key = fm_store_ledger_key(store);
	int64_t last = 0;

	if (key == NULL || !fm_store_begin(store))
		return false;
	return fm_store_end(store,
	    fm_sql_int(store, "SELECT coalesce(max(id), 0) FROM ledger", &last,
	        FM_NO_ARGS) == FM_SQL_FOUND &&
	        record_keying(store, key, last + 1));
}

bool
fm_ledger_load_key(
    fm_store_t *store, const char *path, bool create, const char **errstr)
{
	uint8_t key[FM_LEDGER_LEDGERKEYLEN];
	const char *dummy;
	bool created = false;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || path == NULL) {
		*errstr = "bad arguments";
		return false;
	}
	if (!fm_keyfile_load(path, false, key, sizeof(key), errstr)) {
		if (!create || access(path, F_OK) == 0 || errno != ENOENT)
			return false;
		/* Two processes may race to create it: O_EXCL lets one
		 * win, the other reads what it wrote. */
		created = fm_keyfile_load(path, true, key, sizeof(key), errstr);
		if (!created &&
		    !fm_keyfile_load(path, false, key, sizeof(key), errstr))
			return false;
	}
	fm_store_set_ledger_key(store, key);
	fm_wipe(key, sizeof(key));
	if (created && !start_keying(store)) {
		*errstr = "cannot record where the keyed chain starts";
		return false;
	}
	return true;
}

int64_t
fm_ledger_keyed_from(fm_store_t *store)
{
	int64_t from = 0;

	if (store == NULL)
		return -1;
	switch (keyed_from(store, &from)) {
	case FM_SQL_FOUND:
		return from;
	case FM_SQL_NONE:
		return 0;
	case FM_SQL_ERROR:
		break;
	}
	return -1;
}

/* Adds e to the aggregates: noted in e->pending for the end of the
 * transaction, or at once. */
static bool
aggregate(fm_store_t *store, const struct fm_ledger_entry *e)
{
	struct fm_aggregates_row r = {e->id, e->at, e->account_id, e->job_id,
	    e->kind, nz(e->dept), nz(e->user), nz(e->printer), e->amount,
	    e->usage};
	struct fm_aggregates_pending now = {0};
	bool ok;

	if (e->pending != NULL)
		return fm_aggregates_note(e->pending, store, &r);
	ok = fm_aggregates_note(&now, store, &r) &&
	    fm_aggregates_flush(&now, store);
	fm_aggregates_pending_free(&now);
	return ok;
}

bool
fm_ledger_append(fm_store_t *store, struct fm_ledger_entry *e)
{
	uint8_t prev[HASH_LEN] = {0}, hash[HASH_LEN];
	const uint8_t *key = fm_store_ledger_key(store);
	sqlite3_stmt *st;
	int64_t from = 0;

	/* Only a process holding the ledger key writes the book: a row
	 * without its MAC would be a row anyone could have written. */
	if (key == NULL) {
		fm_log_warn("ledger: no ledger key in this process; nothing "
		            "is charged here");
		return false;
	}
	e->at = fm_store_now(store);
	if (e->at < fm_ledger_closed_until(store)) {
		fm_log_warn("ledger: the clock is inside a closed period");
		return false;
	}
	/* The chain's last hash is a blob of a fixed size: read it raw. */
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
	/* The record is made with the key; only an empty ledger may start
	 * without one.  Otherwise it was removed, and appending would let
	 * rows written without the key pass for an unkeyed prefix. */
	switch (keyed_from(store, &from)) {
	case FM_SQL_ERROR:
		return false;
	case FM_SQL_NONE:
		if (e->id != 1) {
			fm_log_warn("ledger: the record of where the keyed "
			            "chain starts is missing; run "
			            "followme-admin ledger verify");
			return false;
		}
		if (!record_keying(store, key, e->id))
			return false;
		break;
	case FM_SQL_FOUND:
		if (from > e->id) {
			fm_log_warn("ledger: the keying record is past the "
			            "ledger's end; run followme-admin ledger "
			            "verify");
			return false;
		}
		break;
	}
	if (!row_hash(e, prev, key, hash))
		return false;
	return fm_sql_exec(store,
	           "INSERT INTO ledger (id, at, account_id, kind, amount, held,"
	           " user, dept, printer, job_id, reservation, price_version,"
	           " measured, media, mono_simplex, mono_duplex,"
	           " colour_simplex, colour_duplex, sheets, idem_key, reason,"
	           " admin, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	           " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
	           " ?19, ?20, ?21, ?22, ?23, ?24)",
	           FM_ARG_INT(e->id), FM_ARG_INT(e->at),
	           FM_ARG_INT(e->account_id), FM_ARG_TEXT(nz(e->kind)),
	           FM_ARG_INT(e->amount), FM_ARG_INT(e->held),
	           FM_ARG_TEXT(nz(e->user)), FM_ARG_TEXT(nz(e->dept)),
	           FM_ARG_TEXT(nz(e->printer)), FM_ARG_ID(e->job_id),
	           FM_ARG_ID(e->reservation), FM_ARG_ID(e->price_version),
	           FM_ARG_INT(e->measured), FM_ARG_TEXT(nz(e->media)),
	           FM_ARG_INT(e->usage[0]), FM_ARG_INT(e->usage[1]),
	           FM_ARG_INT(e->usage[2]), FM_ARG_INT(e->usage[3]),
	           FM_ARG_INT(e->usage[4]), FM_ARG_TEXT(e->key),
	           FM_ARG_TEXT(nz(e->reason)), FM_ARG_TEXT(nz(e->admin)),
	           FM_ARG_BLOB(prev, HASH_LEN), FM_ARG_BLOB(hash, HASH_LEN)) &&
	    fm_sql_exec(store,
	        "UPDATE accounts SET balance = balance + ?2, held = held + ?3"
	        " WHERE id = ?1",
	        FM_ARG_INT(e->account_id), FM_ARG_INT(e->amount),
	        FM_ARG_INT(e->held)) &&
	    fm_sql_changes(store) == 1 &&
	    fm_sql_exec(store,
	        "INSERT INTO ledger_head (one, last_id, hash) VALUES (1, ?1, "
	        "?2)"
	        " ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id,"
	        " hash = excluded.hash",
	        FM_ARG_INT(e->id), FM_ARG_BLOB(hash, HASH_LEN)) &&
	    aggregate(store, e);
}

enum fm_ledger_key
fm_ledger_find_key(fm_store_t *store, const char *key, char *kind,
    size_t kindlen, int64_t *reservation)
{
	struct {
		char kind[16];
		int64_t reservation;
	} row;
	static const struct fm_sql_col cols[] = {
	    FM_COL_TEXT(__typeof__(row), kind),
	    FM_COL_INT(__typeof__(row), reservation), FM_COL_END};

	switch (fm_sql_get(store,
	    "SELECT kind, coalesce(reservation, 0) FROM ledger"
	    " WHERE idem_key = ?1",
	    cols, &row, FM_ARG_TEXT(key))) {
	case FM_SQL_FOUND:
		snprintf(kind, kindlen, "%s", row.kind);
		*reservation = row.reservation;
		return FM_LEDGER_KEY_USED;
	case FM_SQL_NONE:
		return FM_LEDGER_KEY_NEW;
	default:
		return FM_LEDGER_KEY_ERROR;
	}
}

bool
fm_ledger_key_is_valid(const char *key)
{
	return key != NULL && key[0] != '\0' && strlen(key) < FM_LEDGER_KEYMAX;
}

/* --- charging, through the handle's implementation ------------------ */

bool
fm_ledger_reserve(fm_ledger_t *ledger, const struct fm_ledger_request *req,
    struct fm_reservation *out, char *denial, size_t denial_len)
{
	if (ledger == NULL) {
		if (denial != NULL && denial_len > 0)
			snprintf(denial, denial_len, "bad charge request");
		return false;
	}
	return ledger->ops->reserve(ledger, req, out, denial, denial_len);
}

static bool
usage_is_valid(const struct fm_usage *usage)
{
	for (int c = 0; usage != NULL && c < 2; c++)
		for (int d = 0; d < 2; d++)
			if (usage->impressions[c][d] < 0 ||
			    usage->sheets[c][d] < 0)
				return false;
	return true;
}

bool
fm_ledger_commit(
    fm_ledger_t *ledger, const struct fm_ledger_settle *s, const char **errstr)
{
	const char *dummy;

	if (errstr == NULL)
		errstr = &dummy;
	if (ledger == NULL || s == NULL) {
		*errstr = "bad arguments";
		return false;
	}
	if (!usage_is_valid(s->usage)) {
		*errstr = "negative page count";
		return false;
	}
	return ledger->ops->settle(ledger, s, false, errstr);
}

bool
fm_ledger_refund(fm_ledger_t *ledger, int64_t reservation, const char *key,
    const char **errstr)
{
	struct fm_ledger_settle s = {reservation, 0, false, NULL, NULL, key};
	const char *dummy;

	if (errstr == NULL)
		errstr = &dummy;
	if (ledger == NULL) {
		*errstr = "bad arguments";
		return false;
	}
	return ledger->ops->settle(ledger, &s, true, errstr);
}

void
fm_ledger_close(fm_ledger_t *ledger)
{
	if (ledger == NULL)
		return;
	if (ledger->link >= 0)
		close(ledger->link);
	fm_aggregates_pending_free(&ledger->pending);
	free(ledger);
}

/* --- the admin's operations ----------------------------------------- */

/* What one account was charged for a job, to give back. */
struct paid {
	int64_t account_id, amount;
	char user[FM_USERS_LOGINMAX], dept[FM_DEPTS_CODEMAX], printer[64];
};

#define C(kind, member) FM_COL_##kind(struct paid, member)
static const struct fm_sql_col paid_cols[] = {C(INT, account_id),
    C(INT, amount), C(TEXT, user), C(TEXT, dept), C(TEXT, printer), FM_COL_END};
#undef C

#define MAX_PAYERS 8

/* The work of fm_ledger_refund_job(), inside its transaction. */
static bool
refund_job_in(fm_store_t *store, int64_t job_id, const char *reason,
    const char *admin, const char *key, int64_t *total, const char **errstr)
{
	struct paid paid[MAX_PAYERS];
	struct fm_sql_rows rows;
	char kind[16];
	int64_t res;
	int n = 0;

	*errstr = "cannot write the ledger";
	if (!fm_sql_open(&rows, store,
	        "SELECT account_id, -sum(amount), user, dept, printer"
	        " FROM ledger WHERE job_id = ?1"
	        " AND kind IN ('commit', 'refund')"
	        " GROUP BY account_id ORDER BY min(id)",
	        FM_ARG_INT(job_id)))
		return false;
	while (n < MAX_PAYERS && fm_sql_next(&rows, paid_cols, &paid[n]))
		n++;
	if (!fm_sql_close(&rows))
		return false;
	switch (fm_ledger_find_key(store, key, kind, sizeof(kind), &res)) {
	case FM_LEDGER_KEY_NEW:
		break;
	case FM_LEDGER_KEY_USED:
		*errstr = "that job was already refunded";
		return false;
	case FM_LEDGER_KEY_ERROR:
		*errstr = "database error";
		return false;
	}
	*total = 0;
	for (int i = 0; i < n; i++)
		*total += paid[i].amount;
	if (n == 0 || *total <= 0) {
		*errstr = "that job has no charge to refund";
		return false;
	}
	for (int i = 0, first = 1; i < n; i++) {
		struct fm_ledger_entry e = {0};

		if (paid[i].amount == 0)
			continue;
		e.account_id = paid[i].account_id;
		e.kind = "refund";
		e.amount = paid[i].amount;
		e.user = paid[i].user;
		e.dept = paid[i].dept;
		e.printer = paid[i].printer;
		e.job_id = job_id;
		e.reason = reason;
		e.admin = admin;
		e.key = first ? key : NULL;
		first = 0;
		if (!fm_ledger_append(store, &e)) {
			*errstr = "cannot write the ledger";
			return false;
		}
	}
	return true;
}

bool
fm_ledger_refund_job(fm_store_t *store, int64_t job_id, const char *reason,
    const char *admin, int64_t *refunded, const char **errstr)
{
	char key[64];
	int64_t total = 0;
	const char *dummy;
	bool ok;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || job_id <= 0 || reason == NULL ||
	    reason[0] == '\0' || strlen(reason) >= FM_LEDGER_REASONMAX) {
		*errstr = "a refund needs a job and a reason";
		return false;
	}
	snprintf(key, sizeof(key), "refund-job:%" PRId64, job_id);
	if (!fm_store_begin(store)) {
		*errstr = "cannot lock the database";
		return false;
	}
	ok = refund_job_in(store, job_id, reason, admin, key, &total, errstr);
	if (!fm_store_end(store, ok)) {
		if (ok)
			*errstr = "cannot commit";
		return false;
	}
	if (refunded != NULL)
		*refunded = total;
	return true;
}

enum adjusted { ADJUSTED, ALREADY, NOT_ADJUSTED };

/* The work of fm_ledger_adjust(), inside its transaction. */
static enum adjusted
adjust_in(fm_store_t *store, struct fm_ledger_entry *e, const char **errstr)
{
	struct fm_account a;
	char kind[16];
	int64_t res;

	if (!fm_accounts_get(store, e->account_id, &a)) {
		*errstr = "no such account";
		return NOT_ADJUSTED;
	}
	if (e->key != NULL) {
		switch (fm_ledger_find_key(
		    store, e->key, kind, sizeof(kind), &res)) {
		case FM_LEDGER_KEY_NEW:
			break;
		case FM_LEDGER_KEY_USED:
			return ALREADY;
		case FM_LEDGER_KEY_ERROR:
			*errstr = "database error";
			return NOT_ADJUSTED;
		}
	}
	e->user = strcmp(a.kind, "user") == 0 ? a.name : "";
	e->dept = strcmp(a.kind, "department") == 0 ? a.name : "";
	if (!fm_ledger_append(store, e)) {
		*errstr = "cannot write the ledger";
		return NOT_ADJUSTED;
	}
	return ADJUSTED;
}

bool
fm_ledger_adjust(fm_store_t *store, int64_t account_id, int64_t amount,
    bool allocation, const char *reason, const char *admin, const char *key,
    bool *applied, const char **errstr)
{
	struct fm_ledger_entry e = {0};
	enum adjusted result;
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
	if (key != NULL && !fm_ledger_key_is_valid(key)) {
		*errstr = "bad idempotency key";
		return false;
	}
	if (!fm_store_begin(store)) {
		*errstr = "cannot lock the database";
		return false;
	}
	e.account_id = account_id;
	e.kind = allocation ? "allocation" : "adjustment";
	e.amount = amount;
	e.key = key;
	e.reason = reason;
	e.admin = admin;
	result = adjust_in(store, &e, errstr);
	if (!fm_store_end(store, result == ADJUSTED)) {
		if (result == ADJUSTED)
			*errstr = "cannot commit";
		/* A repeated key did its work the first time. */
		return result == ALREADY;
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

/* What verification has found so far. */
struct verify {
	uint8_t prev[HASH_LEN]; /* the stored hash of the last row read */
	const uint8_t *key;     /* the ledger key */
	int64_t keyed_from;     /* the first keyed row; INT64_MAX: none */
	int64_t count, last_id;
	int problems;
	char *report;
	size_t report_len;
};

/* A fixed-size hash column: NULL if it is not HASH_LEN bytes. */
static const uint8_t *
hash_column(sqlite3_stmt *st, int col)
{
	const uint8_t *h = sqlite3_column_blob(st, col);

	return sqlite3_column_bytes(st, col) == HASH_LEN ? h : NULL;
}

/* Checks one ledger row (of verify_chain's query) against the chain. */
static void
verify_row(sqlite3_stmt *st, struct verify *v)
{
	const uint8_t *stored_prev = hash_column(st, 22);
	const uint8_t *stored = hash_column(st, 23);
	struct fm_ledger_entry e = {0};
	uint8_t hash[HASH_LEN];

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
	v->count++;
	if (stored_prev == NULL || memcmp(stored_prev, v->prev, HASH_LEN) != 0)
		report_add(v->report, v->report_len, &v->problems,
		    "row %" PRId64 ": does not follow row %" PRId64
		    " (a row before it was deleted, inserted or changed)",
		    e.id, v->last_id);
	if (!row_hash(
	        &e, v->prev, e.id >= v->keyed_from ? v->key : NULL, hash) ||
	    stored == NULL || memcmp(stored, hash, HASH_LEN) != 0)
		report_add(v->report, v->report_len, &v->problems,
		    "row %" PRId64 ": content does not match its %s "
		    "(the row was edited%s)",
		    e.id, e.id >= v->keyed_from ? "MAC" : "hash",
		    e.id >= v->keyed_from ? ", or this is not the ledger's key"
		                          : "");
	/* Continue the chain from what is stored, so that one edited row
	 * is reported once, not for every later row. */
	if (stored != NULL)
		memcpy(v->prev, stored, HASH_LEN);
	v->last_id = e.id;
}

/* Every row, in order; false on a database error. */
static bool
verify_chain(fm_store_t *store, struct verify *v)
{
	struct fm_sql_rows rows;

	fm_sql_open(&rows, store,
	    "SELECT id, at, account_id, kind, amount, held, user, dept,"
	    " printer, coalesce(job_id, 0), coalesce(reservation, 0),"
	    " coalesce(price_version, 0), measured, media, mono_simplex,"
	    " mono_duplex, colour_simplex, colour_duplex, sheets, idem_key,"
	    " reason, admin, prev_hash, hash FROM ledger ORDER BY id",
	    FM_NO_ARGS);
	while (fm_sql_next(&rows, NULL, NULL))
		verify_row(rows.st, v);
	return fm_sql_close(&rows);
}

/* The chain head names the last row; false on a database error. */
static bool
verify_head(fm_store_t *store, struct verify *v)
{
	struct fm_sql_rows rows;
	const uint8_t *head;
	int64_t last;

	fm_sql_open(
	    &rows, store, "SELECT last_id, hash FROM ledger_head", FM_NO_ARGS);
	if (fm_sql_next(&rows, NULL, NULL)) {
		last = sqlite3_column_int64(rows.st, 0);
		head = hash_column(rows.st, 1);
		if (last != v->last_id || head == NULL ||
		    memcmp(head, v->prev, HASH_LEN) != 0)
			report_add(v->report, v->report_len, &v->problems,
			    "the chain head names row %" PRId64
			    " but the ledger ends at row %" PRId64
			    " (rows were removed from the end)",
			    last, v->last_id);
	} else if (v->count > 0) {
		report_add(v->report, v->report_len, &v->problems,
		    "the chain head is missing");
	}
	return fm_sql_close(&rows);
}

/* Where the keyed chain starts, and that the record of it carries the
 * key's MAC; false on a database error. */
static bool
verify_keying(fm_store_t *store, struct verify *v)
{
	uint8_t mac[HASH_LEN];
	struct fm_sql_rows rows;
	const uint8_t *stored;

	v->keyed_from = INT64_MAX;
	fm_sql_open(&rows, store, "SELECT keyed_from, mac FROM ledger_keying",
	    FM_NO_ARGS);
	if (fm_sql_next(&rows, NULL, NULL)) {
		v->keyed_from = sqlite3_column_int64(rows.st, 0);
		stored = hash_column(rows.st, 1);
		if (!keying_mac(v->key, v->keyed_from, mac) || stored == NULL ||
		    memcmp(stored, mac, HASH_LEN) != 0)
			report_add(v->report, v->report_len, &v->problems,
			    "the record of where keying starts (row %" PRId64
			    ") does not carry the key's MAC (it was "
			    "changed, or this is not the ledger's key)",
			    v->keyed_from);
	}
	return fm_sql_close(&rows);
}

/* Rows at the end with no keying record: the record was removed, or
 * the ledger was never written by a process holding the key. */
static void
verify_keyed(struct verify *v)
{
	if (v->keyed_from == INT64_MAX && v->count > 0)
		report_add(v->report, v->report_len, &v->problems,
		    "no row is keyed: the record of where keying starts is "
		    "missing (removed, or followmed has not run since the "
		    "ledger key was introduced)");
}

/* Every account's cached sums equal the ledger's; false on a database
 * error. */
static bool
verify_balances(fm_store_t *store, struct verify *v)
{
	struct fm_sql_rows rows;

	fm_sql_open(&rows, store,
	    "SELECT a.kind, a.name, a.balance, a.held,"
	    " coalesce(sum(l.amount), 0), coalesce(sum(l.held), 0)"
	    " FROM accounts a LEFT JOIN ledger l ON l.account_id = a.id"
	    " GROUP BY a.id HAVING a.balance != coalesce(sum(l.amount), 0)"
	    " OR a.held != coalesce(sum(l.held), 0) ORDER BY a.id",
	    FM_NO_ARGS);
	while (fm_sql_next(&rows, NULL, NULL))
		report_add(v->report, v->report_len, &v->problems,
		    "account %s %s: cached balance %" PRId64 " held %" PRId64
		    ", ledger says %" PRId64 " held %" PRId64,
		    fm_sql_text(rows.st, 0), fm_sql_text(rows.st, 1),
		    (int64_t)sqlite3_column_int64(rows.st, 2),
		    (int64_t)sqlite3_column_int64(rows.st, 3),
		    (int64_t)sqlite3_column_int64(rows.st, 4),
		    (int64_t)sqlite3_column_int64(rows.st, 5));
	return fm_sql_close(&rows);
}

bool
fm_ledger_verify(
    fm_store_t *store, int64_t *rows, char *report, size_t report_len)
{
	struct verify v = {.report = report, .report_len = report_len};
	char dummy[1];
	bool ok;

	if (report == NULL || report_len == 0) {
		v.report = dummy;
		v.report_len = sizeof(dummy);
	}
	v.report[0] = '\0';
	if ((v.key = fm_store_ledger_key(store)) == NULL) {
		snprintf(v.report, v.report_len,
		    "no ledger key: the chain cannot be verified\n");
		return false;
	}
	/* A read transaction: one consistent snapshot of ledger, head and
	 * accounts, even while followmed keeps charging. */
	if (store == NULL || !fm_store_exec(store, "BEGIN"))
		return false;
	ok = verify_keying(store, &v) && verify_chain(store, &v) &&
	    verify_head(store, &v) && verify_balances(store, &v);
	if (ok)
		verify_keyed(&v);
	if (!ok)
		snprintf(v.report, v.report_len, "database error: %s\n",
		    fm_store_last_error(store));
	fm_store_exec(store, ok ? "COMMIT" : "ROLLBACK");
	if (ok && rows != NULL)
		*rows = v.count;
	return ok && v.problems == 0;
}

int64_t
fm_ledger_job_charged(fm_store_t *store, int64_t job_id)
{
	int64_t v = -1;

	if (store == NULL ||
	    fm_sql_int(store,
	        "SELECT -coalesce(sum(amount), 0) FROM ledger WHERE job_id = ?1"
	        " AND kind IN ('commit', 'refund')",
	        &v, FM_ARG_INT(job_id)) != FM_SQL_FOUND)
		return -1;
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

/* The work of fm_ledger_close_period(), inside its transaction. */
static bool
close_in(fm_store_t *store, int64_t day_start, int64_t end, const char **errstr)
{
	char date[FM_PERIOD_STRMAX], until[24];

	if (end < fm_ledger_closed_until(store)) {
		*errstr = "a later day is already closed";
		return false;
	}
	fm_period_format_date(day_start, date, sizeof(date));
	snprintf(until, sizeof(until), "%" PRId64, end);
	return fm_policy_set(store, "closed_through", date, errstr) &&
	    fm_policy_set(store, "closed_until", until, errstr);
}

bool
fm_ledger_close_period(
    fm_store_t *store, int64_t day_start, const char **errstr)
{
	int64_t end = fm_period_next_day(day_start);
	const char *dummy;
	bool ok;

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
	ok = close_in(store, day_start, end, errstr);
	if (!fm_store_end(store, ok)) {
		if (ok)
			*errstr = "cannot commit";
		return false;
	}
	return true;
}

bool
fm_ledger_overdrawn_each(fm_store_t *store,
    bool (*fn)(const struct fm_ledger_overdrawn *row, void *arg), void *arg)
{
#define C(kind, member) FM_COL_##kind(struct fm_ledger_overdrawn, member)
	static const struct fm_sql_col cols[] = {C(INT, id), C(INT, at),
	    C(INT, job_id), C(INT, reservation), C(TEXT, user),
	    C(TEXT, account_kind), C(TEXT, account_name), C(TEXT, printer),
	    C(INT, charged), C(INT, reserved), C(INT, balance_after),
	    C(INT, overdraft), FM_COL_END};
#undef C
	struct fm_sql_rows rows;
	struct fm_ledger_overdrawn r;
	bool more = true;

	if (store == NULL || fn == NULL)
		return false;
	/* The balance after each row is the running sum of the account's
	 * amounts (the cached balance is that sum, fm_ledger_verify()). */
	if (!fm_sql_open(&rows, store,
	        "SELECT id, at, job_id, reservation, user, akind, aname,"
	        " printer, -amount, reserved, after, overdraft FROM ("
	        "  SELECT l.id, l.at, coalesce(l.job_id, 0) AS job_id,"
	        "   coalesce(l.reservation, 0) AS reservation, l.user,"
	        "   a.kind AS akind, a.name AS aname, l.printer, l.kind,"
	        "   l.amount, -l.held AS reserved, a.restricted, a.overdraft,"
	        "   sum(l.amount) OVER (PARTITION BY l.account_id"
	        "    ORDER BY l.id) AS after"
	        "  FROM ledger l JOIN accounts a ON a.id = l.account_id)"
	        " WHERE kind = 'commit' AND restricted AND amount < 0"
	        "  AND after < -overdraft ORDER BY id",
	        FM_NO_ARGS))
		return false;
	while (more && fm_sql_next(&rows, cols, &r))
		more = fn(&r, arg);
	return fm_sql_close(&rows);
}
