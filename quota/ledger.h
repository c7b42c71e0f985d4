/*
 * ledger.h - the append-only quota ledger: the API the release service
 * charges through.
 *
 * Every movement of money is a row: allocation, reserve, commit, refund,
 * adjustment.  Rows are never updated or deleted (triggers refuse it);
 * each row carries an HMAC-SHA256, under the ledger key (ledger.key,
 * outside the database), of the previous row's MAC and its own content,
 * so fm_ledger_verify() detects an edit or a deletion even by someone
 * who can write the database but lacks the key.  Rows written before
 * the ledger was keyed (an upgraded store) keep their plain SHA-256
 * chain; a record MACed with the key says where keying starts.  Only a
 * store handle given the key (fm_ledger_load_key()) appends.  Account
 * balances are sums over the ledger, cached in the accounts table in the
 * same transaction.
 *
 * Charging a job goes through a ledger handle, which runs the charge in
 * this process (ledger-local.h) or sends it to the ledger writer
 * (ledger-link.h, ledgerd.h) -- the caller does not change:
 *
 *	fm_price_quote(store, printer, &estimate, &q);
 *	req = (struct fm_ledger_request){owner, account, q.amount,
 *	    release_key, job, q.version};
 *	fm_ledger_reserve(ledger, &req, &r, denial, sizeof(denial));
 *	... print, read job-impressions-completed ...
 *	fm_price_quote_version(store, q.version, &measured_usage, &m);
 *	settle = (struct fm_ledger_settle){r.id, m.amount, true, printer,
 *	    &measured_usage, commit_key};
 *	fm_ledger_commit(ledger, &settle, &errstr);
 *	   or, if nothing printed: fm_ledger_refund(ledger, r.id, key, &errstr)
 *
 * Each call is one BEGIN IMMEDIATE transaction, so concurrent charges
 * from several processes serialise on the database and never lose an
 * update; their commits share fsyncs of the WAL (group commit, see
 * groupsync.h), so concurrent sessions charge faster than one alone.
 * Idempotency keys make a call retried after a crash a no-op that returns
 * the first call's result.
 *
 * The other operations (refunds of a whole job, adjustments, checks,
 * period closing) are an admin's, and always run here on a store.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_LEDGER_H
#define FM_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quota/price.h"
#include "store/store.h"

#define FM_LEDGER_KEYMAX 128      /* idempotency keys */
#define FM_LEDGER_REASONMAX 256   /* adjustment reasons */
#define FM_LEDGER_DENIALMAX 96    /* room for a denial reason */
#define FM_LEDGER_MAXLEGS 2       /* accounts one charge may be split over */
#define FM_LEDGER_LEDGERKEYLEN 32 /* the ledger key, bytes */

typedef struct fm_ledger fm_ledger_t;

struct fm_reservation {
	int64_t id;     /* the reservation's id (its first ledger row) */
	int64_t amount; /* the amount reserved */
	bool replayed;  /* an earlier call with the same key made it */
};

/* What a release asks the ledger to reserve. */
struct fm_ledger_request {
	const char *user;    /* who prints; created as on first print */
	const char *account; /* NULL or "": the user's own, in payer order */
	int64_t amount;      /* >= 0, minor units */
	const char *key;     /* idempotency key (the release id), required */
	int64_t job_id;      /* > 0 */
	int price_version;   /* the price list the amount comes from */
};

/* How a reservation is settled by fm_ledger_commit(). */
struct fm_ledger_settle {
	int64_t reservation;
	int64_t amount;               /* >= 0: what is charged */
	bool measured;                /* counted by the printer, or estimated */
	const char *printer;          /* for reports; may be NULL */
	const struct fm_usage *usage; /* for reports; may be NULL */
	const char *key;              /* idempotency key, required */
};

/*
 * 'fm_ledger_reserve()' - reserve req->amount for req->job_id printed by
 * req->user.
 *
 * req->account is NULL to charge the user's own accounts in the site's
 * payer order (user then department, or department first), splitting the
 * amount when the first cannot cover it; or the code of a department or
 * project account chosen for the job (job-account-id), which is charged
 * alone and only if the user may use it (it is the user's department or
 * the user is a member).  Restricted accounts may not go below their
 * overdraft.  The user is created (as on first print) if unknown.
 *
 * Returns true and fills *out, or false with a reason for the person at
 * the printer in denial ("needs 0.40 more", "account disabled", "may not
 * charge O20") -- denial_len bytes, FM_LEDGER_DENIALMAX is enough.
 * req->key (unique across the ledger) makes a retry return the first
 * reservation with out->replayed set.
 *
 * Durability: the reservation is written without waiting for the disk
 * and becomes durable with the next durable commit on the store (the WAL is
 * appended in order).  Power loss can therefore lose only the newest
 * reservations; a release interrupted that way must be retried from the
 * reserve step with the same keys, which recreates the reservation.
 */
bool fm_ledger_reserve(fm_ledger_t *ledger, const struct fm_ledger_request *req,
    struct fm_reservation *out, char *denial, size_t denial_len);

/*
 * 'fm_ledger_commit()' - settle a reservation with the final amount.
 *
 * s->amount is charged and the whole reservation released; it may be
 * more than was reserved (the excess goes to the last account charged).
 * s->key makes a retry a no-op.  False with *errstr if the reservation
 * does not exist or was already settled under another key.
 */
bool fm_ledger_commit(
    fm_ledger_t *ledger, const struct fm_ledger_settle *s, const char **errstr);

/*
 * 'fm_ledger_refund()' - release an open reservation without charging
 * (the job failed or was cancelled before printing).  key as above.
 */
bool fm_ledger_refund(fm_ledger_t *ledger, int64_t reservation, const char *key,
    const char **errstr);

/* 'fm_ledger_close()' - free a handle from fm_ledger_local_open() or
 * fm_ledger_link_open() (and its link); NULL is a no-op. */
void fm_ledger_close(fm_ledger_t *ledger);

/*
 * 'fm_ledger_refund_job()' - give back what job_id was charged, to the
 * accounts that paid, recording reason and admin.  Once per job: a second
 * call fails with *errstr "already refunded".  *refunded gets the total.
 */
bool fm_ledger_refund_job(fm_store_t *store, int64_t job_id, const char *reason,
    const char *admin, int64_t *refunded, const char **errstr);

/*
 * 'fm_ledger_adjust()' - add amount (may be negative) to account_id as
 * an "adjustment" (reason and admin required) or, with allocation true,
 * as an "allocation".  key (NULL for none) makes it idempotent; a
 * repeated key returns true with *applied false.
 */
bool fm_ledger_adjust(fm_store_t *store, int64_t account_id, int64_t amount,
    bool allocation, const char *reason, const char *admin, const char *key,
    bool *applied, const char **errstr);

/*
 * 'fm_ledger_load_key()' - read the ledger key at path and give it to
 * store, for appending and verifying; the handle wipes it when closed.
 * When create is true and the file is missing, a new key is created
 * (0600, O_EXCL | O_NOFOLLOW) and store records, MACed with it, that
 * the keyed chain starts at the next row: rows already there (an
 * upgraded store) stay an unkeyed prefix.  False with a static *errstr
 * ("the key file does not exist").
 */
bool fm_ledger_load_key(
    fm_store_t *store, const char *path, bool create, const char **errstr);

/* 'fm_ledger_set_key()' - give store the FM_LEDGER_LEDGERKEYLEN-byte
 * ledger key (copied), or with key NULL make it forget (wipe) the key
 * it has; false only if store is NULL. */
bool fm_ledger_set_key(fm_store_t *store, const uint8_t *key);

/* 'fm_ledger_keyed_from()' - the first row of the keyed chain (rows
 * before it were written unkeyed), 0 if none is recorded, -1 on error. */
int64_t fm_ledger_keyed_from(fm_store_t *store);

/*
 * 'fm_ledger_verify()' - recompute the chain and the cached balances,
 * with the ledger key store was given.
 *
 * Returns true if every row's MAC (its SHA-256, for rows before the
 * keying record) matches, every row links to the row before it, the
 * record of where keying starts carries the key's MAC, the chain head
 * matches the last row, and every account's cached balance and held
 * amounts equal the ledger's sums.  Otherwise false, with up to the
 * first few problems (naming the row or account) in report; without a
 * key, false with that in report.  *rows gets the number of rows
 * checked.  What it cannot see: the newest rows removed together with
 * the head (nothing outside the database records the ledger's length),
 * and edits of the unkeyed rows by someone who recomputed their hashes.
 */
bool fm_ledger_verify(
    fm_store_t *store, int64_t *rows, char *report, size_t report_len);

/* 'fm_ledger_job_charged()' - the net amount job_id was charged (commits
 * minus refunds); -1 on error. */
int64_t fm_ledger_job_charged(fm_store_t *store, int64_t job_id);

/* A commit that left a restricted account below its overdraft. */
struct fm_ledger_overdrawn {
	int64_t id, at;        /* the commit row */
	int64_t job_id;        /* 0: none */
	int64_t reservation;   /* 0: none */
	char user[64];         /* who printed */
	char account_kind[16]; /* "user", "department", "project" */
	char account_name[64]; /* login or code */
	char printer[128];     /* where */
	int64_t charged;       /* what the commit took, minor units */
	int64_t reserved;      /* what its reservation had held */
	int64_t balance_after; /* the account's balance after it */
	int64_t overdraft;     /* the account's overdraft (today's) */
};

/*
 * 'fm_ledger_overdrawn_each()' - calls fn for every commit, oldest first,
 * that left a restricted account's balance below minus its overdraft
 * (the pages were printed, so the commit stands; admins are to look).
 * Reservations cover what a restricted account may print, so such a
 * commit comes from a printer counting more than was reserved.  fn
 * returns false to stop.  The overdraft and restriction are the
 * account's current ones.  False on a database error.
 */
bool fm_ledger_overdrawn_each(fm_store_t *store,
    bool (*fn)(const struct fm_ledger_overdrawn *row, void *arg), void *arg);

/* 'fm_ledger_closed_until()' - the UNIX time before which the ledger is
 * closed (start of the day after closed_through), or 0 if never closed. */
int64_t fm_ledger_closed_until(fm_store_t *store);

/*
 * 'fm_ledger_close_period()' - close every day up to and including the
 * day starting at day_start: no row may be stamped before its end again.
 * Closing moves forward only, and only over days already past.
 */
bool fm_ledger_close_period(
    fm_store_t *store, int64_t day_start, const char **errstr);

#endif
