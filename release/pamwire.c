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

size_t
fm_pamwire_encode_request(
    const struct fm_pamwire_request *r, uint8_t *buf, size_t size)
{
	struct fm_wire_writer w;
	size_t len;

	if (r == NULL)
		return 0;
	fm_wire_writer_init(&w, buf, size);
	fm_wire_put_u8(&w, FM_PAMWIRE_VERSION);
	put_text(&w, r->user, 1, true);
	put_text(&w, r->rhost, 0, true);
	put_text(&w, r->secret, 1, false);
	/* A refused request may have left part of the secret in buf. */
	if ((len = fm_wire_writer_end(&w)) == 0 && buf != NULL)
		fm_wipe(buf, size);
	return len;
}

bool
fm_pamwire_decode_request(const uint8_t *buf, size_t len,
    struct fm_pamwire_request *r, const char **errstr)
{
	struct fm_wire_reader rd;

	*errstr = NULL;
	if (buf == NULL || r == NULL || len < 1 || len > FM_PAMWIRE_MAX) {
		*errstr = "bad request length";
		return false;
	}
	memset(r, 0, sizeof(*r));
	fm_wire_reader_init(&rd, buf, len);
	if (fm_wire_get_u8(&rd) != FM_PAMWIRE_VERSION) {
		*errstr = "unsupported version";
		return false;
	}
	get_text(&rd, r->user, 1, true);
	get_text(&rd, r->rhost, 0, true);
	get_text(&rd, r->secret, 1, false);
	if (!fm_wire_reader_end(&rd)) {
		fm_wipe(r, sizeof(*r));
		*errstr = "malformed request";
		return false;
	}
	return true;
}

size_t
fm_pamwire_encode_reply(
    const struct fm_pamwire_reply *r, uint8_t *buf, size_t size)
{
	struct fm_wire_writer w;

	if (r == NULL || r->result > FM_PAMAUTH_UNAVAILABLE)
		return 0;
	fm_wire_writer_init(&w, buf, size);
	fm_wire_put_u8(&w, FM_PAMWIRE_VERSION);
	fm_wire_put_u8(&w, r->result);
	put_text(&w, r->user, r->result == FM_PAMAUTH_OK ? 1 : 0, true);
	return fm_wire_writer_end(&w);
}

bool
fm_pamwire_decode_reply(const uint8_t *buf, size_t len,
    struct fm_pamwire_reply *r, const char **errstr)
{
	struct fm_wire_reader rd;

	*errstr = NULL;
	fm_wire_reader_init(&rd, buf, len);
	if (r == NULL || len > FM_PAMWIRE_MAX ||
	    fm_wire_get_u8(&rd) != FM_PAMWIRE_VERSION) {
		*errstr = "malformed reply";
		return false;
	}
	memset(r, 0, sizeof(*r));
	/* The user PAM settled on, and only if it let them in. */
	r->result = fm_wire_get_u8(&rd);
	if (r->result > FM_PAMAUTH_UNAVAILABLE)
		fm_wire_reader_fail(&rd);
	get_text(&rd, r->user, r->result == FM_PAMAUTH_OK ? 1 : 0, true);
	if (!fm_wire_reader_end(&rd)) {
		*errstr = "malformed reply";
		return false;
	}
	return true;
}
