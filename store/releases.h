/*
 * releases.h - releases of held jobs to printers: the SQL side.
 *
 * A release row is written, and the job moved from held to releasing, in
 * one transaction before anything is sent to the printer: two terminals
 * can never release the same job, and after a crash the row tells what
 * may have happened.  A finished release either moves the job to
 * released (its data is then destroyed) or back to held.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_RELEASES_H
#define FM_RELEASES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct fm_release {
	int64_t id;
	int64_t job_id;
	char user[256], terminal[64], printer[256];
	unsigned copies;
	char sides[32], color_mode[32];
	int64_t estimate_impressions;
	int64_t estimate_amount; /* what was reserved, minor units */
	int price_version;       /* the price list the charge uses */
	int64_t reservation_id;  /* in the ledger; 0 before reserving */
	char printer_jobs[160];  /* the printer's job ids, "3" or "3,4" */
};

/* What the printer says a release printed (fm_releases_recover). */
struct fm_release_count {
	int64_t impressions, sheets; /* sheets -1 when not reported */
};

/* 'fm_releases_set_reservation()' - record the ledger reservation made for
 * release id. */
bool fm_releases_set_reservation(fm_store_t *store, int64_t id,
    int64_t reservation_id, int64_t amount, int price_version);

/* 'fm_releases_set_charged()' - record what release id was finally charged
 * (minor units). */
bool fm_releases_set_charged(fm_store_t *store, int64_t id, int64_t charged);

enum fm_release_outcome {
	FM_RELEASE_COMPLETED, /* printed: the job ends as released */
	FM_RELEASE_FAILED,    /* not printed: the job is held again */
};

/* 'fm_releases_start()' - start a release of r->job_id for r->user; fills
 * r->id.  False if the job is not held by that user (already released,
 * elsewhere, ...). */
bool fm_releases_start(fm_store_t *store, struct fm_release *r, int64_t now);

/* 'fm_releases_submitted()' - record the printer's job id(s), "3" or "3,4",
 * once accepted. */
bool fm_releases_submitted(
    fm_store_t *store, int64_t id, const char *printer_jobs);

/*
 * 'fm_releases_finish()' - end a release.  impressions and sheets as
 * counted (measured true: reported by the printer; false: the estimate),
 * reason for people ("printer out of paper").
 */
bool fm_releases_finish(fm_store_t *store, int64_t id,
    enum fm_release_outcome outcome, int64_t impressions, int64_t sheets,
    bool measured, const char *reason, int64_t now);

/*
 * 'fm_releases_recover()' - after a restart, settle releases a crash
 * interrupted.  One that reached the printer ('submitted') is taken as
 * printed: counted as the printer reports it when count (may be NULL)
 * fills *c and returns true, else at its estimate, marked so.  One that
 * had not ('started') goes back to held.  Nothing is ever sent again by
 * itself.  Calls fn for each with what was counted (for the ledger and
 * the log); returns how many.
 */
int fm_releases_recover(fm_store_t *store, int64_t now,
    bool (*count)(
        const struct fm_release *r, struct fm_release_count *c, void *arg),
    void (*fn)(const struct fm_release *r, bool printed,
        const struct fm_release_count *c, bool measured, void *arg),
    void *arg);

/*
 * 'fm_releases_unsettled()' - releases that ended (printed, failed or
 * recovered) with a ledger reservation but no recorded charge: their
 * settle failed (the ledger writer was gone).  Calls fn for each, up to
 * 64 a call, with what the release recorded as printed, for the caller
 * to settle through the ledger (which then records the charge, taking
 * it off this list); fn NULL only counts them.  Returns how many, or -1
 * on a database error.
 */
int fm_releases_unsettled(fm_store_t *store,
    void (*fn)(const struct fm_release *r, const struct fm_release_count *c,
        bool measured, void *arg),
    void *arg);

#endif
