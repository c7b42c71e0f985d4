/*
 * releases.c - releases of held jobs: the SQL side.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/releases.h"

#include <stdio.h>
#include <string.h>

#include "store/jobstore.h"
#include "store/store-private.h"

bool
fm_releases_start(fm_store_t *store, struct fm_release *r, int64_t now)
{
	sqlite3_stmt *st;
	bool ok = false;

	if (store == NULL || r == NULL || !fm_store_begin(store))
		return false;
	st = fm_store_prepare(store,
	    "UPDATE jobs SET state = 'releasing'"
	    " WHERE id = ?1 AND owner = ?2 AND state = 'held'");
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, r->job_id);
	sqlite3_bind_text(st, 2, r->user, -1, SQLITE_TRANSIENT);
	if (!fm_store_step_done(st) || sqlite3_changes(fm_store_db(store)) != 1)
		goto out;
	st = fm_store_prepare(store,
	    "INSERT INTO releases (job_id, user, terminal, printer, copies,"
	    " sides, color_mode, estimate_impressions, started_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, r->job_id);
	sqlite3_bind_text(st, 2, r->user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, r->terminal, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, r->printer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, (int)r->copies);
	sqlite3_bind_text(st, 6, r->sides, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, r->color_mode, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, r->estimate_impressions);
	sqlite3_bind_int64(st, 9, now);
	if (!fm_store_step_done(st))
		goto out;
	r->id = sqlite3_last_insert_rowid(fm_store_db(store));
	char detail[160];
	snprintf(detail, sizeof(detail), "release %lld at terminal %s",
	    (long long)r->id, r->terminal);
	ok = fm_jobstore_event(store, r->job_id, "releasing", detail, now);
out:
	if (!ok) {
		fm_store_rollback(store);
		return false;
	}
	return fm_store_commit(store);
}

bool
fm_releases_set_reservation(fm_store_t *store, int64_t id,
    int64_t reservation_id, int64_t amount, int price_version)
{
	sqlite3_stmt *st = fm_store_prepare(store,
	    "UPDATE releases SET reservation_id = ?2, estimate_amount = ?3,"
	    " price_version = ?4 WHERE id = ?1");

	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, reservation_id);
	sqlite3_bind_int64(st, 3, amount);
	sqlite3_bind_int(st, 4, price_version);
	return fm_store_step_done(st);
}

bool
fm_releases_set_charged(fm_store_t *store, int64_t id, int64_t charged)
{
	sqlite3_stmt *st = fm_store_prepare(
	    store, "UPDATE releases SET charged = ?2 WHERE id = ?1");

	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, charged);
	return fm_store_step_done(st);
}

bool
fm_releases_submitted(fm_store_t *store, int64_t id, const char *printer_jobs)
{
	sqlite3_stmt *st = fm_store_prepare(store,
	    "UPDATE releases SET state = 'submitted', printer_jobs = ?2"
	    " WHERE id = ?1 AND state IN ('started', 'submitted')");

	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, printer_jobs, -1, SQLITE_TRANSIENT);
	return fm_store_step_done(st) &&
	    sqlite3_changes(fm_store_db(store)) == 1;
}

/* Ends release id and moves its job; inside the caller's transaction. */
static bool
settle(fm_store_t *store, int64_t id, const char *release_state,
    const char *job_state, int64_t impressions, int64_t sheets, bool measured,
    const char *reason, int64_t now)
{
	sqlite3_stmt *st;
	int64_t job_id = -1;
	char detail[320];

	st = fm_store_prepare(store,
	    "SELECT job_id FROM releases WHERE id = ?1"
	    " AND state IN ('started', 'submitted')");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		job_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (job_id < 0)
		return false;
	st = fm_store_prepare(store,
	    "UPDATE releases SET state = ?2, impressions = ?3, sheets = ?4,"
	    " measured = ?5, reason = ?6, ended_at = ?7 WHERE id = ?1");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, release_state, -1, SQLITE_STATIC);
	if (impressions >= 0)
		sqlite3_bind_int64(st, 3, impressions);
	if (sheets >= 0)
		sqlite3_bind_int64(st, 4, sheets);
	sqlite3_bind_int(st, 5, measured);
	sqlite3_bind_text(st, 6, reason ? reason : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, now);
	if (!fm_store_step_done(st))
		return false;
	st = fm_store_prepare(store,
	    "UPDATE jobs SET state = ?2, ended_at = CASE WHEN ?2 = 'held'"
	    " THEN NULL ELSE ?3 END WHERE id = ?1 AND state = 'releasing'");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_text(st, 2, job_state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	if (!fm_store_step_done(st) || sqlite3_changes(fm_store_db(store)) != 1)
		return false;
	if (strcmp(job_state, "released") == 0)
		snprintf(detail, sizeof(detail),
		    "release %lld: %lld impression(s), %s%s%s", (long long)id,
		    (long long)impressions,
		    measured ? "counted by the printer" : "estimated",
		    reason && reason[0] ? "; " : "", reason ? reason : "");
	else
		snprintf(detail, sizeof(detail), "release %lld: %s",
		    (long long)id, reason ? reason : "");
	return fm_jobstore_event(store, job_id,
	    strcmp(job_state, "released") == 0 ? "released" : "release-failed",
	    detail, now);
}

bool
fm_releases_finish(fm_store_t *store, int64_t id,
    enum fm_release_outcome outcome, int64_t impressions, int64_t sheets,
    bool measured, const char *reason, int64_t now)
{
	bool printed = outcome == FM_RELEASE_COMPLETED;

	if (store == NULL || !fm_store_begin(store))
		return false;
	if (!settle(store, id, printed ? "completed" : "failed",
	        printed ? "released" : "held", impressions, sheets, measured,
	        reason, now)) {
		fm_store_rollback(store);
		return false;
	}
	return fm_store_commit(store);
}

int
fm_releases_recover(fm_store_t *store, int64_t now,
    bool (*count)(
        const struct fm_release *r, struct fm_release_count *c, void *arg),
    void (*fn)(const struct fm_release *r, bool printed,
        const struct fm_release_count *c, bool measured, void *arg),
    void *arg)
{
	struct fm_release rs[64];
	char states[64][16];
	sqlite3_stmt *st;
	int n = 0, done = 0;

	st = fm_store_prepare(store,
	    "SELECT id, job_id, user, terminal, printer, copies, sides,"
	    " color_mode, estimate_impressions, state, estimate_amount,"
	    " price_version, reservation_id, coalesce(printer_jobs, '')"
	    " FROM releases"
	    " WHERE state IN ('started', 'submitted') ORDER BY id LIMIT 64");
	if (st == NULL)
		return -1;
	while (n < 64 && sqlite3_step(st) == SQLITE_ROW) {
		struct fm_release *r = &rs[n];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->job_id = sqlite3_column_int64(st, 1);
		snprintf(r->user, sizeof(r->user), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		snprintf(r->terminal, sizeof(r->terminal), "%s",
		    (const char *)sqlite3_column_text(st, 3));
		snprintf(r->printer, sizeof(r->printer), "%s",
		    (const char *)sqlite3_column_text(st, 4));
		r->copies = (unsigned)sqlite3_column_int(st, 5);
		snprintf(r->sides, sizeof(r->sides), "%s",
		    (const char *)sqlite3_column_text(st, 6));
		snprintf(r->color_mode, sizeof(r->color_mode), "%s",
		    (const char *)sqlite3_column_text(st, 7));
		r->estimate_impressions = sqlite3_column_int64(st, 8);
		snprintf(states[n], sizeof(states[n]), "%s",
		    (const char *)sqlite3_column_text(st, 9));
		r->estimate_amount = sqlite3_column_int64(st, 10);
		r->price_version = sqlite3_column_int(st, 11);
		r->reservation_id = sqlite3_column_int64(st, 12);
		fm_store_copy_text(
		    r->printer_jobs, sizeof(r->printer_jobs), st, 13);
		n++;
	}
	sqlite3_finalize(st);
	for (int i = 0; i < n; i++) {
		bool printed = strcmp(states[i], "submitted") == 0;
		struct fm_release_count c = {
		    printed ? rs[i].estimate_impressions : 0, -1};
		/* Asked before the transaction: the printer may be slow. */
		bool measured =
		    printed && count != NULL && count(&rs[i], &c, arg);

		if (!measured)
			c = (struct fm_release_count){
			    printed ? rs[i].estimate_impressions : 0, -1};
		if (!fm_store_begin(store))
			continue;
		if (!settle(store, rs[i].id, printed ? "unknown" : "failed",
		        printed ? "released" : "held", c.impressions, c.sheets,
		        measured,
		        !printed ? "followmed restarted before the printer had "
		                   "the job"
		            : measured ? "followmed restarted while printing; "
		                         "counted by the printer afterwards"
		                       : "followmed restarted while printing; "
		                         "counted at the estimate",
		        now)) {
			fm_store_rollback(store);
			continue;
		}
		if (!fm_store_commit(store))
			continue;
		done++;
		if (fn != NULL)
			fn(&rs[i], printed, &c, measured, arg);
	}
	return done;
}
