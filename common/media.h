/*
 * media.h - paper sizes from the names print jobs give them: IPP's
 * self-describing names ("iso_a4_210x297mm", "na_ledger_11x17in"), the
 * PPD names of CUPS queues ("A4", "Tabloid", "B4", "A4.Fullbleed"),
 * CUPS custom sizes ("Custom.8.5x11in", "Custom.595x842" in points) and
 * lists of them, as the media option may carry a source or type after
 * the size ("A4,Tray1").
 *
 * What a name says is its dimensions; what a size costs is the price
 * list's business (quota/price.h maps dimensions to its sizes).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_MEDIA_H
#define FM_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for a size's name for people ("B4", "RA3", "Custom"). */
#define FM_MEDIA_NAMEMAX 24
/* Room for fm_media_describe()'s text. */
#define FM_MEDIA_DESCMAX 64

struct fm_media {
	/* Hundredths of a millimetre, the short side first. */
	int32_t width, length;
	char name[FM_MEDIA_NAMEMAX];
};

/*
 * 'fm_media_parse()' - the paper size named by len bytes at buf: the
 * first comma-separated item that is a size.  Fills *out and returns
 * true; false, leaving *out alone, when no item names a size this
 * module knows, a dimension is 0 or over 10 m, or an argument is NULL.
 */
bool fm_media_parse(const char *buf, size_t len, struct fm_media *out);

/*
 * 'fm_media_describe()' - "B4 (257 x 364 mm)" into buf (size bytes,
 * FM_MEDIA_DESCMAX is enough); returns buf.
 */
const char *fm_media_describe(const struct fm_media *m, char *buf, size_t size);

#endif
