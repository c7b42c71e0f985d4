/*
 * pagetally.h - the running tally a format parser fills while it walks a
 * document: pages in order with their colour and their in-data repeat
 * count, grouped into N-up sides as they arrive, plus the document-wide
 * facts (copies in the data, status).
 *
 * Keeping the tally streaming means a parser never stores a per-page
 * list, so a document with a hundred million form feeds costs no memory.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PAGETALLY_H
#define FM_PAGETALLY_H

#include <stdbool.h>
#include <stdint.h>

#include "spooler/pagecount.h"

struct fm_pagetally {
	unsigned number_up;       /* pages per side, >= 1 */
	enum fm_pc_status status; /* set through fm_pagetally_fail() */
	char reason[128];
	uint64_t doc_copies; /* collated copies requested in the data, >= 1 */
	bool color_exact;    /* colour decided from pixels */
	bool want_color;     /* false: parsers may skip colour work */
	uint64_t pages;      /* distinct pages */
	uint64_t color_pages;
	uint64_t sides; /* sides per job copy, after page repeats and N-up */
	uint64_t color_sides;
	uint64_t repeat;     /* the page repeat count, if all pages agree */
	bool repeat_mixed;   /* pages had different repeat counts */
	unsigned fill;       /* pages on the side being filled */
	bool fill_color;     /* that side has colour */
	bool needs_renderer; /* failed for want of Ghostscript/libqpdf alone */
};

/*
 * 'fm_pagetally_init()' - empties *t for number_up pages per side (0 =
 * 1): no pages, status OK, one document copy, colour wanted.  t must not
 * be NULL.
 */
void fm_pagetally_init(struct fm_pagetally *t, unsigned number_up);

/*
 * 'fm_pagetally_add()' - appends one page, printed repeat times in a row
 * (uncollated in-data copies, 0 treated as 1), colour or not.  Counts
 * saturate at UINT64_MAX; nothing is allocated.
 */
void fm_pagetally_add(struct fm_pagetally *t, bool color, uint64_t repeat);

/*
 * 'fm_pagetally_finish()' - closes a partly filled N-up side; call it
 * once, after the last page.
 */
void fm_pagetally_finish(struct fm_pagetally *t);

/*
 * 'fm_pagetally_fail()' - records why the document cannot be counted:
 * status and a printf-formatted reason, cut to fit t->reason.  The first
 * failure wins; the counts are then meaningless.
 */
void fm_pagetally_fail(struct fm_pagetally *t, enum fm_pc_status status,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * 'fm_pagetally_ok()' - true while no failure has been recorded.
 */
bool fm_pagetally_ok(const struct fm_pagetally *t);

/*
 * 'fm_pagetally_mul()' - a * b, saturating at UINT64_MAX.
 */
uint64_t fm_pagetally_mul(uint64_t a, uint64_t b);

#endif
