/*
 * ticket.h - what we know about a submitted print job: the job ticket.
 *
 * Filled by the backend from its arguments and environment (options.c),
 * carried to followmed in the ingest message (ingestmsg.c) and recorded in
 * the store (quota/jobstore.c).  All strings are NUL-terminated, valid
 * UTF-8 (invalid bytes are replaced when the ticket is built) and free of
 * control characters except where noted.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TICKET_H
#define FM_TICKET_H

#include <stdint.h>

#define FM_TICKET_NAMEMAX 256   /* user, host, media, account, format */
#define FM_TICKET_TITLEMAX 1024 /* longer titles are shortened */
#define FM_TICKET_OPTIONSMAX 4096
#define FM_TICKET_UUIDMAX 64

struct fm_ticket {
	uint32_t cups_job_id;
	char uuid[FM_TICKET_UUIDMAX];    /* job-uuid, "urn:uuid:..." */
	char attempt[FM_TICKET_UUIDMAX]; /* time-at-processing */
	char owner[FM_TICKET_NAMEMAX];
	char host[FM_TICKET_NAMEMAX];
	char title[FM_TICKET_TITLEMAX];
	char queue[FM_TICKET_NAMEMAX]; /* the CUPS queue it came through */
	uint32_t copies;
	char sides[32]; /* one-sided, two-sided-long-edge, ... */
	uint32_t number_up;
	char color_mode[32]; /* auto, monochrome, color or "" */
	char media[FM_TICKET_NAMEMAX];
	char account[FM_TICKET_NAMEMAX]; /* job-account-id or job-billing */
	char format[FM_TICKET_NAMEMAX];  /* MIME type of the data */
	char doc_name[FM_TICKET_NAMEMAX];
	char options[FM_TICKET_OPTIONSMAX]; /* other options, CUPS syntax */
	uint64_t size;                      /* bytes of print data */
	uint32_t pages;        /* counted pages of the document, 0: unknown */
	uint32_t color_pages;  /* of those, in colour (see count_status) */
	char count_status[16]; /* "ok", "unsupported", "encrypted", ... */
};

#endif
