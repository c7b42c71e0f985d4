/*
 * pagecount.h - counting the pages of print data, for estimates.
 *
 * This first version counts PDF (through libqpdf: every structure qpdf
 * reads, owner-password-only encryption included); other formats are
 * "unsupported" -- never a guessed number.  The count runs in a child
 * process with a time and a memory limit, so a hostile file cannot hang
 * or exhaust its caller.
 */
#ifndef FM_PAGECOUNT_H
#define FM_PAGECOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fm_pc_status {
	FM_PC_OK,
	FM_PC_ENCRYPTED,   /* needs a user password */
	FM_PC_DAMAGED,     /* not readable even after qpdf's recovery */
	FM_PC_UNSUPPORTED, /* a format we do not count */
	FM_PC_TOO_COMPLEX, /* over the time or memory limit */
};

struct fm_pagecount {
	enum fm_pc_status status;
	const char *format; /* static: "pdf", "unknown" */
	uint64_t pages;     /* valid when status is FM_PC_OK */
};

/* "ok", "encrypted", "damaged", "unsupported", "too-complex". */
const char *fm_pagecount_status_name(enum fm_pc_status status);

/* Is the data in buf (its first len bytes) a PDF, possibly after a PJL
 * header? */
bool fm_pagecount_is_pdf(const uint8_t *buf, size_t len);

/*
 * 'fm_pagecount_fd()' - count the pages of the regular file fd (its
 * offset is not moved) within timeout_sec.  False only on a system error;
 * a file that cannot be counted gives true and a status saying why.
 */
bool fm_pagecount_fd(int fd, unsigned timeout_sec, struct fm_pagecount *out);

#endif
