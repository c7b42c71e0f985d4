/*
 * pamwire.c - followmed <-> followme-pamhelper messages.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/pamwire.h"

#include <string.h>

#include "common/aead.h"
#include "common/wire.h"
#include "release/pamauth.h"

/*
 * Text is a text8 of at least min bytes; a plain one (user, rhost) holds
 * no control bytes, the secret any byte but NUL.
 */
static void
put_text(struct fm_wire_writer *w, const char *s, size_t min, bool plain)
{
	size_t n = strnlen(s, FM_PAMWIRE_TEXTMAX);

	if (n < min || (plain && !fm_wire_is_plain(s, n)))
		fm_wire_writer_fail(w);
	fm_wire_put_text8(w, s, FM_PAMWIRE_TEXTMAX);
}

static void
get_text(struct fm_wire_reader *r, char *out, size_t min, bool plain)
{
	size_t n;

	fm_wire_get_text8(r, out, FM_PAMWIRE_TEXTMAX);
	if ((n = strlen(out)) < min || (plain && !fm_wire_is_plain(out, n)))
		fm_wire_reader_fail(r);
}

static const struct fm_wire_format request = {FM_PAMWIRE_VERSION, 1,
    FM_PAMWIRE_MAX, "bad request length", "unsupported version",
    "malformed request"};
static const struct fm_wire_format reply = {FM_PAMWIRE_VERSION, 2,
    FM_PAMWIRE_MAX, "malformed reply", "malformed reply", "malformed reply"};

static void
put_request(struct fm_wire_writer *w, const void *msg)
{
	const struct fm_pamwire_request *r = msg;

	fm_wire_put_u8(w, FM_PAMWIRE_VERSION);
	put_text(w, r->user, 1, true);
	put_text(w, r->rhost, 0, true);
	put_text(w, r->secret, 1, false);
}

size_t
fm_pamwire_encode_request(
    const struct fm_pamwire_request *r, uint8_t *buf, size_t size)
{
	size_t len = fm_wire_encode(buf, size, put_request, r);

	/* A refused request may have left part of the secret in buf. */
	if (len == 0 && buf != NULL)
		fm_wipe(buf, size);
	return len;
}

static const char *
get_request(struct fm_wire_reader *rd, void *msg)
{
	struct fm_pamwire_request *r = msg;

	get_text(rd, r->user, 1, true);
	get_text(rd, r->rhost, 0, true);
	get_text(rd, r->secret, 1, false);
	return NULL;
}

bool
fm_pamwire_decode_request(const uint8_t *buf, size_t len,
    struct fm_pamwire_request *r, const char **errstr)
{
	return fm_wire_decode(
	    &request, buf, len, get_request, r, sizeof(*r), errstr);
}

static void
put_reply(struct fm_wire_writer *w, const void *msg)
{
	const struct fm_pamwire_reply *r = msg;

	if (r->result > FM_PAMAUTH_UNAVAILABLE)
		fm_wire_writer_fail(w);
	fm_wire_put_u8(w, FM_PAMWIRE_VERSION);
	fm_wire_put_u8(w, r->result);
	/* The user PAM settled on, and only if it let them in. */
	put_text(w, r->user, r->result == FM_PAMAUTH_OK ? 1 : 0, true);
}

size_t
fm_pamwire_encode_reply(
    const struct fm_pamwire_reply *r, uint8_t *buf, size_t size)
{
	return fm_wire_encode(buf, size, put_reply, r);
}

static const char *
get_reply(struct fm_wire_reader *rd, void *msg)
{
	struct fm_pamwire_reply *r = msg;

	r->result = fm_wire_get_u8(rd);
	if (r->result > FM_PAMAUTH_UNAVAILABLE)
		fm_wire_reader_fail(rd);
	get_text(rd, r->user, r->result == FM_PAMAUTH_OK ? 1 : 0, true);
	return NULL;
}

bool
fm_pamwire_decode_reply(const uint8_t *buf, size_t len,
    struct fm_pamwire_reply *r, const char **errstr)
{
	return fm_wire_decode(
	    &reply, buf, len, get_reply, r, sizeof(*r), errstr);
}
