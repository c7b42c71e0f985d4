/*
 * charge.c - pricing and charging releases through the ledger.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/charge.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/media.h"
#include "common/money.h"
#include "quota/ledger.h"

const char *
fm_charge_media_class(const char *media, char *name, size_t namelen)
{
	struct fm_media m;
	const char *cls = NULL;
	bool known;

	if (media == NULL || media[0] == '\0')
		return "A4";
	known = fm_media_parse(media, strlen(media), &m);
	if (known)
		cls = fm_price_media_for(&m);
	if (cls == NULL && name != NULL && namelen > 0) {
		if (known)
			fm_media_describe(&m, name, namelen);
		else
			snprintf(name, namelen, "%s", media);
	}
	return cls;
}

bool
fm_charge_pages_known(const struct fm_job *job)
{
	return job != NULL && job->pages > 0;
}

int64_t
fm_charge_estimate_impressions(
    const struct fm_job *job, const struct fm_release *r, int64_t unknown_pages)
{
	int64_t up = job->ticket.number_up > 0 ? job->ticket.number_up : 1;
	int64_t pages = fm_charge_pages_known(job) ? job->pages : unknown_pages;
	int64_t sides;

	if (pages <= 0)
		return 0;
	/* N-up puts several pages on one side; each copy prints them all. */
	sides = (pages + up - 1) / up;
	return sides * (int64_t)(r->copies > 0 ? r->copies : 1);
}

int64_t
fm_charge_color_impressions(
    const struct fm_job *job, const struct fm_release *r, int64_t impressions)
{
	int64_t up = job->ticket.number_up > 0 ? job->ticket.number_up : 1;
	int64_t copies = r->copies > 0 ? r->copies : 1;
	int64_t sides, colour;

	if (impressions <= 0 || strcmp(r->color_mode, "monochrome") == 0 ||
	    strcmp(job->ticket.color_mode, "monochrome") == 0)
		return 0;
	/* Pages without a colour analysis print in colour as far as we
	 * know: charged as colour, as before per-page counting. */
	if (job->pages <= 0 || job->color_pages < 0)
		return impressions;
	/* With N-up, which pages share a side is not recorded: each colour
	 * page is taken to colour a side of its own (at most every side). */
	sides = (job->pages + up - 1) / up;
	colour = (job->color_pages < sides ? job->color_pages : sides) * copies;
	/* The printer may count fewer sides than estimated (a cancel): the
	 * colour ones are never more than what printed. */
	return colour < impressions ? colour : impressions;
}

void
fm_charge_usage(const struct fm_job *job, const struct fm_release *r,
    int64_t impressions, int64_t sheets, struct fm_usage *out)
{
	bool duplex = strcmp(r->sides, "one-sided") != 0 && r->sides[0];
	int d = duplex ? FM_PRICE_DUPLEX : FM_PRICE_SIMPLEX;
	int64_t colour, colour_sheets;
	const char *cls;

	memset(out, 0, sizeof(*out));
	cls = fm_charge_media_class(job->ticket.media, NULL, 0);
	/* A size without a class is priced nowhere: the quote fails. */
	snprintf(out->media, sizeof(out->media), "%s", cls ? cls : "");
	if (impressions < 0)
		impressions = 0;
	if (sheets < 0)
		sheets = duplex ? (impressions + 1) / 2 : impressions;
	colour = fm_charge_color_impressions(job, r, impressions);
	/* A sheet with a colour side is a colour sheet. */
	colour_sheets = duplex ? (colour + 1) / 2 : colour;
	if (colour_sheets > sheets)
		colour_sheets = sheets;
	out->impressions[FM_PRICE_COLOUR][d] = colour;
	out->impressions[FM_PRICE_MONO][d] = impressions - colour;
	out->sheets[FM_PRICE_COLOUR][d] = colour_sheets;
	out->sheets[FM_PRICE_MONO][d] = sheets - colour_sheets;
}

bool
fm_charge_reserve(fm_store_t *store, fm_ledger_t *ledger, const char *printer,
    const struct fm_job *job, struct fm_release *r, char *denial,
    size_t denial_len, bool *over_quota)
{
	struct fm_ledger_request req;
	struct fm_reservation res;
	struct fm_usage u;
	struct fm_quote q;
	char key[64], why[FM_LEDGER_DENIALMAX], size[FM_MEDIA_DESCMAX];
	char money[FM_MONEY_STRMAX];

	*over_quota = false;
	if (fm_charge_media_class(job->ticket.media, size, sizeof(size)) ==
	    NULL) {
		/* Priced as some other size it would be charged wrongly,
		 * and a size the list cannot price is the admin's to add. */
		snprintf(denial, denial_len,
		    "Not printed: paper size %.48s has no price here. "
		    "Please tell your administrator.",
		    size);
		return false;
	}
	fm_charge_usage(job, r, r->estimate_impressions, -1, &u);
	if (!fm_price_quote(store, printer, &u, &q)) {
		snprintf(denial, denial_len,
		    "No price for this printer (%s); "
		    "please tell your administrator.",
		    q.error);
		return false;
	}
	snprintf(key, sizeof(key), "release-%lld", (long long)r->id);
	req = (struct fm_ledger_request){job->ticket.owner,
	    job->ticket.account[0] ? job->ticket.account : NULL, q.amount, key,
	    job->id, q.version};
	if (!fm_ledger_reserve(ledger, &req, &res, why, sizeof(why))) {
		/* The ledger's only balance denial is "needs X more". */
		*over_quota = strncmp(why, "needs ", 6) == 0;
		if (*over_quota && !fm_charge_pages_known(job))
			snprintf(denial, denial_len,
			    "Not printed: its pages could not be counted, so "
			    "up to %s must be available for it, and it %s.",
			    fm_money_format(q.amount, money, sizeof(money)),
			    why);
		else
			snprintf(denial, denial_len, "Not printed: %s.", why);
		return false;
	}
	r->reservation_id = res.id;
	r->estimate_amount = q.amount;
	r->price_version = q.version;
	if (!fm_releases_set_reservation(
	        store, r->id, res.id, q.amount, q.version)) {
		snprintf(denial, denial_len, "Cannot record the charge now.");
		return false;
	}
	return true;
}

bool
fm_charge_settle(fm_store_t *store, fm_ledger_t *ledger, const char *printer,
    const struct fm_job *job, const struct fm_release *r, int64_t impressions,
    int64_t sheets, bool measured, int64_t *charged, const char **errstr)
{
	struct fm_ledger_settle settle;
	struct fm_usage u;
	struct fm_quote q;
	char key[64];

	*charged = 0;
	snprintf(key, sizeof(key), "release-%lld-settle", (long long)r->id);
	/* The charge is recorded, 0 for a refund: a release without it
	 * is one whose settle failed, for followmed to settle again. */
	if (impressions <= 0)
		return fm_ledger_refund(
		           ledger, r->reservation_id, key, errstr) &&
		    fm_releases_set_charged(store, r->id, 0);
	fm_charge_usage(job, r, impressions, sheets, &u);
	if (!fm_price_quote_version(store, r->price_version, &u, &q)) {
		*errstr = "cannot price the printed pages";
		return false;
	}
	settle = (struct fm_ledger_settle){
	    r->reservation_id, q.amount, measured, printer, &u, key};
	if (!fm_ledger_commit(ledger, &settle, errstr))
		return false;
	*charged = q.amount;
	return fm_releases_set_charged(store, r->id, q.amount);
}
