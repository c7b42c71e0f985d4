/*
 * options.h - building the job ticket from what cupsd gives a backend.
 *
 * cupsd runs the backend as: URI job-id user title copies options [file],
 * with the MIME type and queue in the environment (backend(7)).  Every
 * value is untrusted text: strings are cleaned to valid UTF-8 without
 * control characters, numbers are range-checked, and secrets cupsd may
 * pass along (job-password) are dropped.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_OPTIONS_H
#define FM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/ticket.h"

/* Things worth telling the user about, set in *notes. */
#define FM_TICKET_NOTE_TITLE_SHORTENED 0x1
#define FM_TICKET_NOTE_TEXT_CLEANED 0x2

#define FM_TICKET_COPIES_MAX 9999
#define FM_TICKET_NUMBER_UP_MAX 16

/*
 * The backend's exit statuses, as backend(7) defines them (the values of
 * CUPS_BACKEND_*): the backend does not link libcups, whose start-up
 * costs more than anything else the backend does for a small job.
 */
enum fm_backend_status {
	FM_BACKEND_OK = 0,
	FM_BACKEND_FAILED = 1,
	FM_BACKEND_AUTH_REQUIRED = 2,
	FM_BACKEND_HOLD = 3,
	FM_BACKEND_STOP = 4,
	FM_BACKEND_CANCEL = 5,
	FM_BACKEND_RETRY = 6,
	FM_BACKEND_RETRY_CURRENT = 7,
};

/*
 * The CUPS options string (the backend's argv[5]) parsed as
 * cupsParseOptions() does: name=value pairs separated by whitespace; a
 * value quoted with ' or " (quotes and backslashes removed), a {...}
 * collection kept whole (backslashes removed), or plain (backslashes
 * removed, an escaped character kept); a bare name is "true" and noNAME
 * is NAME=false; names compare without case and the last of duplicates
 * wins, keeping the first spelling; adding print-quality drops
 * cupsPrintQuality and the reverse; a string wrapped whole in {} is
 * unwrapped; parsing stops at an empty name (an = where a name should
 * be).  Options come sorted by name as libcups sorts them.
 */
#define FM_OPTIONS_TEXTMAX 131072 /* bytes: an argument's limit in exec */
#define FM_OPTIONS_MAX 4096       /* names, duplicates included */

struct fm_option {
	const char *name;  /* borrowed from the fm_options */
	const char *value; /* "" for name= */
};

struct fm_options {
	struct fm_option *opt; /* n options, sorted by name */
	size_t n;
	char *text; /* the names and values, owned */
};

/*
 * 'fm_options_parse()' - parse the len bytes at buf (up to the first NUL
 * if there is one) into *out, which the caller frees with
 * fm_options_free() whatever the result.  Returns false with a static
 * message in *errstr for more than FM_OPTIONS_TEXTMAX bytes or
 * FM_OPTIONS_MAX names, or when out of memory; NULL buf with len 0 is an
 * empty string.
 */
bool fm_options_parse(
    const char *buf, size_t len, struct fm_options *out, const char **errstr);

/*
 * 'fm_options_get()' - the value of option name (any case), borrowed
 * from o, or NULL when it is absent.
 */
const char *fm_options_get(const struct fm_options *o, const char *name);

/* 'fm_options_free()' - release what fm_options_parse() filled in; NULL
 * and an already freed *o are no-ops. */
void fm_options_free(struct fm_options *o);

/*
 * 'fm_ticket_from_backend()' - fill t from the backend's argv (argc 6 or
 * 7) and environment (looked up through env, e.g. getenv).
 *
 * Returns false with a message in err (errlen bytes) when the job can
 * never be held (no job-uuid, empty user, invalid copies or number-up).
 * t->size is left 0 for the caller.
 */
bool fm_ticket_from_backend(struct fm_ticket *t, int argc, char **argv,
    const char *(*env)(const char *name), unsigned *notes, char *err,
    size_t errlen);

#endif
