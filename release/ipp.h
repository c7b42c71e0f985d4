/*
 * ipp.h - talking IPP to the printer a terminal stands at, with libcups:
 * its state, submitting a document, following the job.  An fm_ipp_t is
 * a connection to a printer; the printers the store knows (a name, a
 * queue or URI, a location) are struct fm_printer, store/printers.h.
 *
 * A printer is named either by a CUPS queue on this server ("mfp-2") or
 * by an IPP URI ("ipp://mfp-2.example.org/ipp/print").  Every call is
 * bounded by a timeout; they block, so they run in the session process
 * of the one terminal that asked.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_IPP_H
#define FM_IPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fm_ipp fm_ipp_t;

/* What a release asks the printer for. */
struct fm_ipp_request {
	const char *user;   /* requesting-user-name: the job's owner */
	const char *title;  /* job-name */
	const char *format; /* document-format */
	unsigned copies;
	const char *sides;      /* one-sided, two-sided-long-edge, ... */
	const char *color_mode; /* "" = printer default */
	unsigned number_up;
	const char *media; /* "" = printer default */
};

enum fm_ipp_state {
	FM_IPP_PENDING,    /* accepted, not printing yet */
	FM_IPP_PROCESSING, /* printing */
	FM_IPP_COMPLETED,
	FM_IPP_FAILED,   /* aborted by the printer */
	FM_IPP_CANCELED, /* cancelled at the printer */
	FM_IPP_UNKNOWN,  /* the printer no longer knows the job */
};

struct fm_ipp_progress {
	enum fm_ipp_state state;
	int64_t impressions; /* job-impressions-completed, -1 unreported */
	int64_t sheets;      /* job-media-sheets-completed, -1 unreported */
	char reasons[256];   /* job-state-reasons */
};

/* 'fm_ipp_open()' - connect to printer (a queue name or an ipp/ipps
 * URI) with every exchange bounded by timeout_ms; NULL with a sentence
 * in err on failure.  The caller closes it with fm_ipp_close(). */
fm_ipp_t *fm_ipp_open(
    const char *printer, unsigned timeout_ms, char *err, size_t errlen);

/* 'fm_ipp_close()' - close the connection and free p; NULL is a no-op. */
void fm_ipp_close(fm_ipp_t *p);

/*
 * 'fm_ipp_ready()' - may we send a job now?  False, with a sentence
 * for the user in why, if the printer is stopped, not accepting jobs, or
 * reports an error (media-empty, media-jam, door-open, offline, toner,
 * ...).  Warnings (-warning, -report) do not stop a release.
 */
bool fm_ipp_ready(fm_ipp_t *p, char *why, size_t whylen);

/*
 * 'fm_ipp_is_mono()' - does the printer print only in black and white
 * (color-supported false, or no colour mode among
 * print-color-mode-supported)?  Known after fm_ipp_ready(); false
 * before, when the printer does not say, and for NULL.
 */
bool fm_ipp_is_mono(const fm_ipp_t *p);

/*
 * 'fm_ipp_submit()' - Print-Job with the request's attributes; the
 * document comes from fill, called once, which writes it with
 * fm_ipp_write() and returns false to abandon the submission.  Fills
 * *job_id.  False with a sentence in err if the printer did not take the
 * job (fm_ipp_was_busy() then says whether to try again).
 */
bool fm_ipp_submit(fm_ipp_t *p, const struct fm_ipp_request *r,
    bool (*fill)(fm_ipp_t *p, void *arg), void *arg, int *job_id, char *err,
    size_t errlen);

/* 'fm_ipp_was_busy()' - did the printer refuse the last submission only
 * because it was busy (server-error-busy: printing another job)?  Then
 * try again shortly. */
bool fm_ipp_was_busy(fm_ipp_t *p);

/* 'fm_ipp_write()' - write document bytes; for fill callbacks.  False on
 * a write error. */
bool fm_ipp_write(fm_ipp_t *p, const void *buf, size_t len);

/* 'fm_ipp_poll()' - Get-Job-Attributes for job_id into *out; a job the
 * printer no longer knows is FM_IPP_UNKNOWN.  False if the printer does
 * not answer. */
bool fm_ipp_poll(fm_ipp_t *p, int job_id, struct fm_ipp_progress *out);

/* 'fm_ipp_cancel()' - Cancel-Job for job_id (a release that must stop);
 * false if the printer refused or did not answer. */
bool fm_ipp_cancel(fm_ipp_t *p, int job_id);

#endif
