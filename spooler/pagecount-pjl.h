/*
 * pagecount-pjl.h - the PJL job wrapper (Universal Exit Language and
 * "@PJL" lines) in front of PCL, PCL XL, PostScript or PDF data.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PAGECOUNT_PJL_H
#define FM_PAGECOUNT_PJL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fm_pagecount_pjl {
	size_t body;       /* offset of the printer-language data */
	char language[24]; /* ENTER LANGUAGE value, upper case, or "" */
	uint64_t qty;      /* SET QTY (collated copies), 1 when absent */
	uint64_t copies;   /* SET COPIES (uncollated copies), 1 when absent */
	bool duplex;       /* SET DUPLEX=ON seen */
};

/*
 * 'fm_pagecount_pjl_is_pjl()' - true if the len bytes at buf start with
 * a UEL or "@PJL".  Reads nothing past len; NULL buf gives false.
 */
bool fm_pagecount_pjl_is_pjl(const uint8_t *buf, size_t len);

/*
 * 'fm_pagecount_pjl_parse()' - reads the PJL header of len bytes at buf
 * into *pjl, up to the language data (after ENTER LANGUAGE, or at the
 * first byte that is not PJL); pjl->body is then below len.  Returns
 * false if there is no language data after the header (a PJL-only job
 * or a truncated one) or buf is NULL.  pjl must not be NULL; it is
 * filled (copies 1) even when the call returns false.
 */
bool fm_pagecount_pjl_parse(
    const uint8_t *buf, size_t len, struct fm_pagecount_pjl *pjl);

#endif
