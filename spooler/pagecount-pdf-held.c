/*
 * pagecount-pdf-held.c - the CUPS backend's PDF analyser: it leaves PDF
 * and PCLm to be counted after the hold.
 *
 * libqpdf loads GnuTLS, and the two cost the backend more at every start
 * than it spends on a small job; cupsd starts the backend once per
 * document.  So the backend links this file in place of pagecount-pdf.c
 * (fm_pagecount_stream in spooler/CMakeLists.txt): a PDF is held
 * "pending" and one of followmed's analysis children, which has libqpdf
 * loaded already, counts it from the held copy (spooler/heldcount.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/pagecount-pdf.h"

bool
fm_pagecount_pdf_scan(const uint8_t *buf, size_t len,
    const struct fm_pagecount_opts *opts, bool pclm, struct fm_pagetally *t)
{
	(void)buf;
	(void)len;
	(void)opts;
	t->needs_renderer = fm_pagetally_ok(t);
	fm_pagetally_fail(t, FM_PC_TOO_COMPLEX, "%s is counted once held",
	    pclm ? "PCLm" : "PDF");
	return true;
}
