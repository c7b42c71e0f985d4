/*
 * httpparse.h - the parts of an HTTP request followme-webd reads itself:
 * a form body (application/x-www-form-urlencoded), Accept-Language, the
 * session cookie's id, a printer's release page, an API token in an
 * Authorization header.  Every one takes (buf, len)
 * from the network and refuses what it cannot read whole; fuzzed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_HTTPPARSE_H
#define FM_HTTPPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "web/brokerwire.h"

/*
 * 'fm_web_parse_form()' - add each name=value pair of the len bytes of
 * buf to r (fm_web_request_add()), percent- and plus-decoded.  False,
 * with *errstr (static), on a bad escape, a decoded NUL, a pair without
 * '=', an empty name, or more or longer pairs than r holds.
 */
bool fm_web_parse_form(
    const char *buf, size_t len, struct fm_web_request *r, const char **errstr);

/*
 * 'fm_web_parse_language()' - of the languages an Accept-Language value
 * (len bytes of buf) lists, the one with the highest weight that there
 * is a catalog for: "fr" or "en"; "" when it lists neither or cannot be
 * read.  Returns a static string.
 */
const char *fm_web_parse_language(const char *buf, size_t len);

/*
 * 'fm_web_parse_id()' - the session id written as len bytes of
 * lower-case hex (2 * FM_WEB_IDLEN of them) into id; false for anything
 * else.
 */
bool fm_web_parse_id(const char *buf, size_t len, uint8_t id[FM_WEB_IDLEN]);

/*
 * 'fm_web_parse_release_path()' - is the URL path (len bytes of buf) a
 * printer's release page, "/release/NAME" (what its QR code opens)?
 * NAME is 1 to 63 letters, digits, '.', '_' or '-', as printer names
 * are; it is not looked up here.
 */
bool fm_web_parse_release_path(const char *buf, size_t len);

/* What an Authorization value holds, for the API. */
enum fm_web_bearer {
	FM_WEB_BEARER_NONE,  /* another scheme (a proxy's Basic), or none */
	FM_WEB_BEARER_TOKEN, /* an API token, now in token */
	FM_WEB_BEARER_BAD,   /* the Bearer scheme, and no token of ours */
};

/*
 * 'fm_web_parse_bearer()' - read an Authorization value (len bytes of
 * buf): TOKEN for "Bearer fmt_" and 64 lower-case hex digits (the
 * scheme's name in any case, then spaces; spaces or tabs may follow),
 * its bytes into token; BAD for the Bearer scheme with anything else
 * (nothing, another form or length, a character out of place); NONE
 * when the scheme is another.
 */
enum fm_web_bearer fm_web_parse_bearer(
    const char *buf, size_t len, uint8_t token[FM_WEB_TOKENLEN]);

#endif
