/*
 * ledgerwire.h - the messages between a process charging the ledger and
 * the ledger writer (ledgerd.h).  Pure encode/decode over buffers; one
 * message per SOCK_SEQPACKET datagram.
 *
 *   request: version u8 | op u8 | fields of the op
 *     reserve:        user | account | key | amount | job | version
 *     commit, refund: key | printer | media | reservation | amount |
 *                     measured u8 | has-usage u8 | 8 x i64 (impressions
 *                     then sheets, [colour][duplex])
 *   reply:   version u8 | ok u8 | replayed u8 | id | amount | message
 *
 *   text: length u8 | bytes, printable (no control bytes, no NUL)
 *   numbers: i64 big-endian; amounts and counts may not be negative
 *
 * Limits are the ledger's own: a request the writer could decode is one
 * fm_ledger_*() could be asked directly.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_LEDGERWIRE_H
#define FM_LEDGERWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quota/accounts.h"
#include "quota/ledger.h"
#include "store/printers.h"
#include "quota/users.h"

#define FM_LEDGERWIRE_VERSION 1
#define FM_LEDGERWIRE_MAX 1024

enum fm_ledgerwire_op {
	FM_LEDGERWIRE_RESERVE = 1,
	FM_LEDGERWIRE_COMMIT,
	FM_LEDGERWIRE_REFUND,
};

struct fm_ledgerwire_request {
	uint8_t op;
	char key[FM_LEDGER_KEYMAX];
	/* reserve */
	char user[FM_USERS_LOGINMAX];
	char account[FM_ACCOUNTS_NAMEMAX]; /* "": the user's own */
	int64_t job_id;
	int64_t price_version;
	/* commit and refund */
	int64_t reservation;
	bool measured;
	char printer[FM_PRINTERS_NAMEMAX];
	bool has_usage;
	struct fm_usage usage;
	/* all */
	int64_t amount;
};

struct fm_ledgerwire_reply {
	bool ok;
	bool replayed;
	int64_t id, amount;                /* the reservation (reserve only) */
	char message[FM_LEDGER_DENIALMAX]; /* denial or error, when !ok */
};

/*
 * 'fm_ledgerwire_encode_request()' - encode r into buf (size bytes): its
 * length, or 0 if r is NULL, its op unknown, a field breaks the rules
 * above or buf is too small.
 */
size_t fm_ledgerwire_encode_request(
    const struct fm_ledgerwire_request *r, uint8_t *buf, size_t size);

/*
 * 'fm_ledgerwire_decode_request()' - decode len bytes into r; false with
 * a static *errstr ("bad request length", "unsupported version", "unknown
 * operation", "malformed request") for anything malformed, r then zeroed.
 */
bool fm_ledgerwire_decode_request(const uint8_t *buf, size_t len,
    struct fm_ledgerwire_request *r, const char **errstr);

/* 'fm_ledgerwire_encode_reply()' - the same for a reply. */
size_t fm_ledgerwire_encode_reply(
    const struct fm_ledgerwire_reply *r, uint8_t *buf, size_t size);

/* 'fm_ledgerwire_decode_reply()' - the same for a reply ("bad reply
 * length", "unsupported version", "malformed reply"). */
bool fm_ledgerwire_decode_reply(const uint8_t *buf, size_t len,
    struct fm_ledgerwire_reply *r, const char **errstr);

/*
 * 'fm_ledgerwire_errstr()' - the ledger's own static string for an
 * error message a reply carried (commit and refund report errors as
 * static strings), or "ledger writer error" for one it does not know.
 */
const char *fm_ledgerwire_errstr(const char *message);

#endif
