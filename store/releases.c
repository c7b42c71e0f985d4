/*
 * releases.c - releases of held jobs: the SQL side.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/releases.h"

#include <stdio.h>
#include <string.h>

#include "store/jobstore.h"
#include "store/sql.h"

/* The work of fm_releases_start(), inside its transaction. */
static bool
start_in(fm_store_t *store, struct fm_release *r, int64_t now)
{
	char detail[160];

	if (!fm_sql_exec(store,
	        "UPDATE jobs SET state = 'releasing'"
	        " WHERE id = ?1 AND owner = ?2 AND state = 'held'",
	        FM_ARG_INT(r->job_id), FM_ARG_TEXT(r->user)) ||
	    fm_sql_changes(store) != 1)
		return false;
	if (!fm_sql_exec(store,
	        "INSERT INTO releases (job_id, user, terminal, printer, copies,"
	        " sides, color_mode, estimate_impressions, started_at)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	        FM_ARG_INT(r->job_id), FM_ARG_TEXT(r->user),
	        FM_ARG_TEXT(r->terminal), FM_ARG_TEXT(r->printer),
	        FM_ARG_INT(r->copies), FM_ARG_TEXT(r->sides),
	        FM_ARG_TEXT(r->color_mode), FM_ARG_INT(r->estimate_impressions),
	        FM_ARG_INT(now)))
		return false;
	r->id = fm_sql_last_id(store);
	snprintf(detail, sizeof(detail), "release %lld at terminal %s",
	    (long long)r->id, r->terminal);
	return fm_jobstore_event(store, r->job_id, "releasing", detail, now);
}

bool
fm_releases_start(fm_store_t *store, struct fm_release *r, int64_t now)
{
	if (store == NULL || r == NULL || !fm_store_begin(store))
		return false;
	return fm_store_end(store, start_in(store, r, now));
}

bool
fm_releases_set_reservation(fm_store_t *store, int64_t id,
    int64_t reservation_id, int64_t amount, int price_version)
{
	return fm_sql_exec(store,
	    "UPDATE releases SET reservation_id = ?2, estimate_amount = ?3,"
	    " price_version = ?4 WHERE id = ?1",
	    FM_ARG_INT(id), FM_ARG_INT(reservation_id), FM_ARG_INT(amount),
	    FM_ARG_INT(price_version));
}

bool
fm_releases_set_charged(fm_store_t *store, int64_t id, int64_t charged)
{
	return fm_sql_exec(store,
	    "UPDATE releases SET charged = ?2 WHERE id = ?1", FM_ARG_INT(id),
	    FM_ARG_INT(charged));
}

bool
fm_releases_submitted(fm_store_t *store, int64_t id, const char *printer_jobs)
{
	return fm_sql_exec(store,
	           "UPDATE releases SET state = 'submitted', printer_jobs = ?2"
	           " WHERE id = ?1 AND state IN ('started', 'submitted')",
	           FM_ARG_INT(id), FM_ARG_TEXT(printer_jobs)) &&
	    fm_sql_changes(store) == 1;
}

/* How a release ends: the states it and its job move to, and why. */
struct ending {
	const char *release_state, *job_state, *reason;
	int64_t impressions, sheets; /* -1: not known */
	bool measured;
};

/* Ends release id and moves its job; inside the caller's transaction. */
static bool
settle(fm_store_t *store, int64_t id, const struct ending *e, int64_t now)
{
	bool released = strcmp(e->job_state, "released") == 0;
	const char *reason = e->reason ? e->reason : "";
	int64_t job_id;
	char detail[320];

	if (fm_sql_int(store,
	        "SELECT job_id FROM releases WHERE id = ?1"
	        " AND state IN ('started', 'submitted')",
	        &job_id, FM_ARG_INT(id)) != FM_SQL_FOUND)
		return false;
	if (!fm_sql_exec(store,
	        "UPDATE releases SET state = ?2, impressions = ?3, sheets = ?4,"
	        " measured = ?5, reason = ?6, ended_at = ?7 WHERE id = ?1",
	        FM_ARG_INT(id), FM_ARG_TEXT(e->release_state),
	        e->impressions >= 0 ? FM_ARG_INT(e->impressions) : FM_ARG_NULL,
	        e->sheets >= 0 ? FM_ARG_INT(e->sheets) : FM_ARG_NULL,
	        FM_ARG_INT(e->measured), FM_ARG_TEXT(reason), FM_ARG_INT(now)))
		return false;
	if (!fm_sql_exec(store,
	        "UPDATE jobs SET state = ?2, ended_at = CASE WHEN ?2 = 'held'"
	        " THEN NULL ELSE ?3 END WHERE id = ?1 AND state = 'releasing'",
	        FM_ARG_INT(job_id), FM_ARG_TEXT(e->job_state),
	        FM_ARG_INT(now)) ||
	    fm_sql_changes(store) != 1)
		return false;
	if (released)
		snprintf(detail, sizeof(detail),
		    "release %lld: %lld impression(s), %s%s%s", (long long)id,
		    (long long)e->impressions,
		    e->measured ? "counted by the printer" : "estimated",
		    reason[0] ? "; " : "", reason);
	else
		snprintf(detail, sizeof(detail), "release %lld: %s",
		    (long long)id, reason);
	return fm_jobstore_event(store, job_id,
	    released ? "released" : "release-failed", detail, now);
}

/* settle() in a transaction of its own. */
static bool
settle_alone(fm_store_t *store, int64_t id, const struct ending *e, int64_t now)
{
	if (store == NULL || !fm_store_begin(store))
		return false;
	return fm_store_end(store, settle(store, id, e, now));
}

bool
fm_releases_finish(fm_store_t *store, int64_t id,
    enum fm_release_outcome outcome, int64_t impressions, int64_t sheets,
    bool measured, const char *reason, int64_t now)
{
	bool printed = outcome == FM_RELEASE_COMPLETED;
	struct ending e = {printed ? "completed" : "failed",
	    printed ? "released" : "held", reason, impressions, sheets,
	    measured};

	return settle_alone(store, id, &e, now);
}

/* The state (column 9) is read apart: it decides how the release ended. */
#define RELEASE_COLUMNS                                                        \
	"id, job_id, user, terminal, printer, copies, sides, color_mode,"      \
	" estimate_impressions, state, estimate_amount, price_version,"        \
	" reservation_id, coalesce(printer_jobs, '')"
#define C(kind, member) FM_COL_##kind(struct fm_release, member)
static const struct fm_sql_col release_cols[] = {C(INT, id), C(INT, job_id),
    C(TEXT, user), C(TEXT, terminal), C(TEXT, printer), C(INT, copies),
    C(TEXT, sides), C(TEXT, color_mode), C(INT, estimate_impressions),
    FM_COL_SKIP, C(INT, estimate_amount), C(INT, price_version),
    C(INT, reservation_id), C(TEXT, printer_jobs), FM_COL_END};
#undef C

/* How an interrupted release is taken to have ended. */
static struct ending
recovered_ending(bool printed, bool measured, const struct fm_release_count *c)
{
	struct ending e = {printed ? "unknown" : "failed",
	    printed ? "released" : "held", NULL, c->impressions, c->sheets,
	    measured};

	e.reason = !printed ? "followmed restarted before the printer had "
	                      "the job"
	    : measured      ? "followmed restarted while printing; "
	                      "counted by the printer afterwards"
	                    : "followmed restarted while printing; "
	                      "counted at the estimate";
	return e;
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
	bool submitted[64];
	struct fm_sql_rows rows;
	int n = 0, done = 0;

	memset(rs, 0, sizeof(rs));
	if (!fm_sql_open(&rows, store,
	        "SELECT " RELEASE_COLUMNS " FROM releases"
	        " WHERE state IN ('started', 'submitted') ORDER BY id LIMIT 64",
	        FM_NO_ARGS)) {
		fm_sql_close(&rows);
		return -1;
	}
	while (n < 64 && fm_sql_next(&rows, release_cols, &rs[n])) {
		submitted[n] =
		    strcmp(fm_sql_text(rows.st, 9), "submitted") == 0;
		n++;
	}
	fm_sql_close(&rows);
	for (int i = 0; i < n; i++) {
		bool printed = submitted[i];
		struct fm_release_count c = {
		    printed ? rs[i].estimate_impressions : 0, -1};
		/* Asked before the transaction: the printer may be slow. */
		bool measured =
		    printed && count != NULL && count(&rs[i], &c, arg);
		struct ending e;

		if (!measured)
			c = (struct fm_release_count){
			    printed ? rs[i].estimate_impressions : 0, -1};
		e = recovered_ending(printed, measured, &c);
		if (!settle_alone(store, rs[i].id, &e, now))
			continue;
		done++;
		if (fn != NULL)
			fn(&rs[i], printed, &c, measured, arg);
	}
	return done;
}

int
fm_releases_unsettled(fm_store_t *store,
    void (*fn)(const struct fm_release *r, const struct fm_release_count *c,
        bool measured, void *arg),
    void *arg)
{
	struct fm_release rs[64];
	struct fm_release_count cs[64];
	bool measured[64];
	struct fm_sql_rows rows;
	int n = 0;

	if (store == NULL)
		return -1;
	memset(rs, 0, sizeof(rs));
	/* Read whole before fn runs: settling writes to the store. */
	if (!fm_sql_open(&rows, store,
	        "SELECT " RELEASE_COLUMNS ","
	        " coalesce(impressions, 0), coalesce(sheets, -1), measured"
	        " FROM releases WHERE reservation_id != 0 AND charged IS NULL"
	        " AND state IN ('completed', 'failed', 'unknown')"
	        " ORDER BY id LIMIT 64",
	        FM_NO_ARGS)) {
		fm_sql_close(&rows);
		return -1;
	}
	while (n < 64 && fm_sql_next(&rows, release_cols, &rs[n])) {
		cs[n].impressions = sqlite3_column_int64(rows.st, 14);
		cs[n].sheets = sqlite3_column_int64(rows.st, 15);
		measured[n] = sqlite3_column_int64(rows.st, 16) != 0;
		n++;
	}
	if (!fm_sql_close(&rows))
		return -1;
	for (int i = 0; fn != NULL && i < n; i++)
		fn(&rs[i], &cs[i], measured[i], arg);
	return n;
}
