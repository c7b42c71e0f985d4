/*
 * charge.h - what a release costs, through the ledger: quote and reserve
 * before printing, commit what the printer counted (or the estimate), or
 * refund what did not print.
 *
 * Idempotency keys derive from the release id ("release-<id>",
 * "release-<id>-settle"), so settling a release twice -- after a crash,
 * say -- charges once.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_CHARGE_H
#define FM_CHARGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quota/ledger.h"
#include "quota/price.h"
#include "store/jobstore.h"
#include "store/releases.h"
#include "store/store.h"

/*
 * 'fm_charge_media_class()' - the price list's size for a job's media
 * (IPP "iso_a4_210x297mm", PPD "A4", "Custom.WxH", ...), matched by its
 * dimensions: "A4", "A3", "A5", "Letter", "Legal" or "Tabloid"; "A4"
 * when the job names none.  NULL when the size is none of those (B4,
 * RA3, an unknown name): then, if name is not NULL, the size for people
 * ("B4 (257 x 364 mm)", or the name as given) goes there.
 */
const char *fm_charge_media_class(
    const char *media, char *name, size_t namelen);

/*
 * 'fm_charge_color_impressions()' - how many of impressions (all copies)
 * are colour: the job's colour pages per copy (each on a side of its own
 * with N-up) times the copies, never more than impressions; 0 when the
 * job or the release is monochrome; all of them when the job's pages or
 * colour are unknown.
 */
int64_t fm_charge_color_impressions(
    const struct fm_job *job, const struct fm_release *r, int64_t impressions);

/*
 * 'fm_charge_usage()' - the usage of a release printing impressions
 * sides (sheets: -1 to derive them from impressions and sides), split
 * into colour and mono by fm_charge_color_impressions(); a sheet with a
 * colour side counts as a colour sheet.
 */
void fm_charge_usage(const struct fm_job *job, const struct fm_release *r,
    int64_t impressions, int64_t sheets, struct fm_usage *out);

/* 'fm_charge_pages_known()' - were the job's pages counted?  False for
 * a job with a document the page counter could not count, and NULL. */
bool fm_charge_pages_known(const struct fm_job *job);

/*
 * 'fm_charge_estimate_impressions()' - the impressions a job will print
 * at release r: pages x copies / N-up.  A job whose pages are unknown is
 * taken to have unknown_pages (the site's unknown_pages_reserve, all in
 * colour but on a monochrome release): never nothing, but what is
 * reserved for it.  0 when that is 0 too.
 */
int64_t fm_charge_estimate_impressions(const struct fm_job *job,
    const struct fm_release *r, int64_t unknown_pages);

/*
 * 'fm_charge_reserve()' - price the estimate (r->estimate_impressions)
 * on printer's list and reserve it through ledger for the job's owner
 * (from the job's account, if it names one).  Records the reservation
 * in the release.  False with a sentence for the user in denial ("Not
 * printed: needs 0.40 more."; for a job whose pages are unknown, what is
 * set aside for it as well); *over_quota then says whether the balance
 * was the reason (rather than a size or printer without a price, a
 * disabled account or the store).  A size the price list has no price
 * for is refused before anything is reserved, naming the size.
 */
bool fm_charge_reserve(fm_store_t *store, fm_ledger_t *ledger,
    const char *printer, const struct fm_job *job, struct fm_release *r,
    char *denial, size_t denial_len, bool *over_quota);

/*
 * 'fm_charge_settle()' - charge the release for impressions printed
 * (measured: counted by the printer), priced with the reserved list, or
 * refund it when nothing printed, through ledger.  *charged gets the
 * amount, which the release records (0 for a refund); a release that
 * ended without it is settled again by followmed
 * (fm_releases_unsettled()).
 */
bool fm_charge_settle(fm_store_t *store, fm_ledger_t *ledger,
    const char *printer, const struct fm_job *job, const struct fm_release *r,
    int64_t impressions, int64_t sheets, bool measured, int64_t *charged,
    const char **errstr);

#endif
