/*
 * ingestmsg.h - the ingest protocol between the backend and followmed.
 *
 * One request and one reply, each a single SOCK_SEQPACKET message on
 * $run_dir/ingest.sock.  The request carries the print data as an open
 * file descriptor (SCM_RIGHTS) and the job ticket as typed,
 * length-checked fields:
 *
 *   request: "FMI1" | type 1 | fields...
 *   field:   tag u8 | length be16 | value
 *   reply:   "FMI1" | type 2 | status u8 | job id be64 | length be16 |
 *            message (UTF-8, no NUL)
 *
 * Every field of the ticket appears exactly once; integers are big-endian
 * of their exact width; strings have no NUL bytes and fit their ticket
 * field.  Anything else is refused whole.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_INGESTMSG_H
#define FM_INGESTMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/ticket.h"

#define FM_INGESTMSG_MAX 16384
#define FM_INGESTMSG_REPLYMAX 1024

/* How long the backend waits for the reply before it lets CUPS retry the
 * job; followmed's worker is stopped past it, its work being wasted. */
#define FM_INGEST_REPLY_TIMEOUT_SEC 600

enum fm_ingest_status {
	FM_INGEST_STORED = 0,    /* held durably */
	FM_INGEST_DUPLICATE = 1, /* was already held (or already ended) */
	FM_INGEST_RETRY = 2,     /* try again later; nothing was kept */
	FM_INGEST_REFUSED = 3,   /* can never be held; message says why */
};

struct fm_ingest_reply {
	enum fm_ingest_status status;
	uint64_t job_id;
	char message[512];
};

/* 'fm_ingestmsg_encode_request()' - encode t into buf (size bytes); returns the
 * length, or 0 if too big. */
size_t fm_ingestmsg_encode_request(
    const struct fm_ticket *t, uint8_t *buf, size_t size);

/* 'fm_ingestmsg_decode_request()' - decode a request; false with *errstr if
 * malformed in any way. */
bool fm_ingestmsg_decode_request(
    const uint8_t *buf, size_t len, struct fm_ticket *t, const char **errstr);

/* 'fm_ingestmsg_encode_reply()' - encode a reply; returns the length, or 0 if
 * it does not fit. */
size_t fm_ingestmsg_encode_reply(
    const struct fm_ingest_reply *r, uint8_t *buf, size_t size);

/* 'fm_ingestmsg_decode_reply()' - decode a reply; false with *errstr if
 * malformed. */
bool fm_ingestmsg_decode_reply(const uint8_t *buf, size_t len,
    struct fm_ingest_reply *r, const char **errstr);

#endif
