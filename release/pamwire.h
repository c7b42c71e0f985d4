/*
 * pamwire.h - the messages between followmed and followme-pamhelper, the
 * small root process that runs PAM stacks needing root (pam_unix reads
 * /etc/shadow).  Pure encode/decode over buffers; one message per
 * SOCK_SEQPACKET datagram.
 *
 *   request: version u8 | user | rhost | secret
 *   reply:   version u8 | result u8 (enum fm_pamauth_result) | user
 *   text:    length u8 | bytes (no NUL; user and rhost: no controls)
 *
 * The user is 1 to 255 bytes, the secret 1 to 255, rhost 0 to 255; the
 * reply's user is what PAM settled on (empty unless the result is OK).
 * The PAM service is not in the request: the helper has its own.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PAMWIRE_H
#define FM_PAMWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FM_PAMWIRE_VERSION 1
#define FM_PAMWIRE_TEXTMAX 256 /* with the NUL */
#define FM_PAMWIRE_MAX (1 + 3 * FM_PAMWIRE_TEXTMAX)

struct fm_pamwire_request {
	char user[FM_PAMWIRE_TEXTMAX];
	char rhost[FM_PAMWIRE_TEXTMAX];
	char secret[FM_PAMWIRE_TEXTMAX]; /* wipe after use */
};

struct fm_pamwire_reply {
	uint8_t result;
	char user[FM_PAMWIRE_TEXTMAX];
};

/* followmed's side. */

/*
 * 'fm_pamwire_encode_request()' - encode r into buf (size bytes): its
 * length, or 0 if a field breaks the rules above or buf is too small (buf
 * is then wiped: it may hold part of the secret).
 */
size_t fm_pamwire_encode_request(
    const struct fm_pamwire_request *r, uint8_t *buf, size_t size);

/*
 * 'fm_pamwire_decode_reply()' - decode len bytes into r; false with a
 * static *errstr ("malformed reply") for anything malformed, r then
 * wiped.
 */
bool fm_pamwire_decode_reply(const uint8_t *buf, size_t len,
    struct fm_pamwire_reply *r, const char **errstr);

/* The helper's side. */

/*
 * 'fm_pamwire_decode_request()' - decode len bytes into r (the caller
 * wipes r->secret after use); false with a static *errstr for anything
 * malformed, r then wiped.
 */
bool fm_pamwire_decode_request(const uint8_t *buf, size_t len,
    struct fm_pamwire_request *r, const char **errstr);

/*
 * 'fm_pamwire_encode_reply()' - encode r into buf (size bytes): its
 * length, or 0 if the result is unknown, the user breaks the rules above
 * or buf is too small.
 */
size_t fm_pamwire_encode_reply(
    const struct fm_pamwire_reply *r, uint8_t *buf, size_t size);

#endif
