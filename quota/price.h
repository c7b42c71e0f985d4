/*
 * price.h - versioned price lists per printer, and quotes.
 *
 * A price list has an entry per media size x mono/colour x simplex/duplex,
 * each priced per impression (a printed side) or per sheet.  Lists are
 * versioned: a change makes a new version (a copy of the printer's latest
 * list with the change applied), and every charge records the version it
 * used.  A printer without a list of its own uses the default list
 * (printer "").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PRICE_H
#define FM_PRICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/media.h"
#include "store/store.h"

#define FM_PRICE_MEDIAMAX 16
#define FM_PRICE_DEFAULT "" /* the default list's printer name */

enum { FM_PRICE_MONO = 0, FM_PRICE_COLOUR = 1 };
enum { FM_PRICE_SIMPLEX = 0, FM_PRICE_DUPLEX = 1 };

/*
 * What a job prints: one media size, and impressions (printed sides) and
 * sheets split by [colour][duplex].  A duplex sheet has two impressions
 * (or one, for an odd last page).
 */
struct fm_usage {
	char media[FM_PRICE_MEDIAMAX]; /* "A4", "A3", "Letter", "Legal" */
	int64_t impressions[2][2];
	int64_t sheets[2][2];
};

struct fm_quote {
	int64_t amount; /* minor units */
	int version;    /* the price list version used */
	char error[96]; /* why the quote failed, when it did */
};

struct fm_price_entry {
	char media[FM_PRICE_MEDIAMAX];
	int colour; /* FM_PRICE_MONO or FM_PRICE_COLOUR */
	int duplex; /* FM_PRICE_SIMPLEX or FM_PRICE_DUPLEX */
	bool per_sheet;
	int64_t amount; /* per impression or per sheet, >= 0 */
};

/* 'fm_price_media_is_valid()' - is media one of the known sizes (A4, A3,
 * A5, Letter, Legal, Tabloid)?  Case-sensitive. */
bool fm_price_media_is_valid(const char *media);

/*
 * 'fm_price_media_for()' - the list's size for paper of m's dimensions,
 * in either orientation and within 2 mm: "A4", "A3", "A5", "Letter",
 * "Legal" or "Tabloid" (a static string); NULL when it is none of them
 * (B4, RA3, an envelope) or m is NULL.
 */
const char *fm_price_media_for(const struct fm_media *m);

/*
 * 'fm_price_set()' - make a new version of printer's list ("" for the
 * default) with entry e added or replaced; the new version number goes to
 * *version.  created_by names the admin.  False with *errstr otherwise.
 */
bool fm_price_set(fm_store_t *store, const char *printer,
    const struct fm_price_entry *e, const char *created_by, int *version,
    const char **errstr);

/*
 * 'fm_price_current()' - the version a job on printer is priced with now:
 * the printer's latest list, else the default's; 0 if there is none,
 * -1 on a database error.  *own says whether the list is the printer's.
 */
int fm_price_current(fm_store_t *store, const char *printer, bool *own);

/* 'fm_price_entries()' - call fn for each entry of version. */
bool fm_price_entries(fm_store_t *store, int version,
    bool (*fn)(const struct fm_price_entry *e, void *arg), void *arg);

/* 'fm_price_history()' - call fn for each version of printer's list,
 * newest first. */
bool fm_price_history(fm_store_t *store, const char *printer,
    bool (*fn)(
        int version, int64_t created_at, const char *created_by, void *arg),
    void *arg);

/*
 * 'fm_price_quote()' - price usage u on printer with its current list.
 *
 * Fills out->amount and out->version.  Fails (false, out->error says why)
 * when there is no list, a dimension used by u has no price, a count is
 * negative, or the amount would overflow.
 */
bool fm_price_quote(fm_store_t *store, const char *printer,
    const struct fm_usage *u, struct fm_quote *out);

/* 'fm_price_quote_version()' - as fm_price_quote() with a given version. */
bool fm_price_quote_version(fm_store_t *store, int version,
    const struct fm_usage *u, struct fm_quote *out);

#endif
