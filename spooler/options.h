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

#include "store/ticket.h"

/* Things worth telling the user about, set in *notes. */
#define FM_TICKET_NOTE_TITLE_SHORTENED 0x1
#define FM_TICKET_NOTE_TEXT_CLEANED 0x2

#define FM_TICKET_COPIES_MAX 9999
#define FM_TICKET_NUMBER_UP_MAX 16

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
