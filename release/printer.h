/*
 * printer.h - talking IPP to the printer a terminal stands at, with
 * libcups: its state, submitting a document, following the job.
 *
 * A printer is named either by a CUPS queue on this server ("mfp-2") or
 * by an IPP URI ("ipp://mfp-2.example.org/ipp/print").  Every call is
 * bounded by a timeout; they block, so they run in the session process
 * of the one terminal that asked.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PRINTER_H
#define FM_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fm_printer_conn fm_printer_t;

/* What a release asks the printer for. */
struct fm_print_request {
	const char *user;   /* requesting-user-name: the job's owner */
	const char *title;  /* job-name */
	const char *format; /* document-format */
	unsigned copies;
	const char *sides;      /* one-sided, two-sided-long-edge, ... */
	const char *color_mode; /* "" = printer default */
	unsigned number_up;
	const char *media; /* "" = printer default */
};

enum fm_print_state {
	FM_PRINT_PENDING,    /* accepted, not printing yet */
	FM_PRINT_PROCESSING, /* printing */
	FM_PRINT_COMPLETED,
	FM_PRINT_FAILED,   /* aborted by the printer */
	FM_PRINT_CANCELED, /* cancelled at the printer */
	FM_PRINT_UNKNOWN,  /* the printer no longer knows the job */
};

struct fm_print_progress {
	enum fm_print_state state;
	int64_t impressions; /* job-impressions-completed, -1 unreported */
	int64_t sheets;      /* job-media-sheets-completed, -1 unreported */
	char reasons[256];   /* job-state-reasons */
};

/* Connects to the printer (a queue name or an ipp/ipps URI); NULL with
 * err on failure. */
fm_printer_t *fm_printer_open(
    const char *printer, unsigned timeout_ms, char *err, size_t errlen);
void fm_printer_close(fm_printer_t *p);

/*
 * 'fm_printer_ready()' - may we send a job now?  False, with a sentence
 * for the user in why, if the printer is stopped, not accepting jobs, or
 * reports an error (media-empty, media-jam, door-open, offline, toner,
 * ...).  Warnings (-warning, -report) do not stop a release.
 */
bool fm_printer_ready(fm_printer_t *p, char *why, size_t whylen);

/*
 * 'fm_printer_submit()' - Print-Job with the request's attributes; the
 * document comes from fill, which is called until it returns 0 bytes
 * (negative: error, the submission is abandoned).  Fills *job_id.
 */
bool fm_printer_submit(fm_printer_t *p, const struct fm_print_request *r,
    bool (*fill)(fm_printer_t *p, void *arg), void *arg, int *job_id, char *err,
    size_t errlen);

/* Did the printer refuse the last submission only because it was busy
 * (server-error-busy: printing another job)?  Then try again shortly. */
bool fm_printer_was_busy(fm_printer_t *p);

/* Writes document bytes; for fill callbacks.  False on a write error. */
bool fm_printer_write(fm_printer_t *p, const void *buf, size_t len);

/* Get-Job-Attributes for job_id into *out. */
bool fm_printer_poll(
    fm_printer_t *p, int job_id, struct fm_print_progress *out);

/* Cancel-Job for job_id (a release that must stop). */
bool fm_printer_cancel(fm_printer_t *p, int job_id);

#endif
