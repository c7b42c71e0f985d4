/*
 * pamwire.c - followmed <-> followme-pamhelper messages.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/pamwire.h"

#include <string.h>

#include "common/aead.h"
#include "release/pamauth.h"

struct writer {
	uint8_t *buf;
	size_t size, len;
	bool ok;
};

static void
put_text(struct writer *w, const char *s, size_t min, bool plain)
{
	size_t n = strlen(s);

	if (n < min || n >= FM_PAMWIRE_TEXTMAX || w->len + 1 + n > w->size) {
		w->ok = false;
		return;
	}
	for (size_t i = 0; plain && i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			w->ok = false;
	w->buf[w->len++] = (uint8_t)n;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* Reads one text field at *o into out; plain refuses control bytes. */
static bool
get_text(const uint8_t *buf, size_t len, size_t *o, char *out, size_t min,
    bool plain)
{
	size_t n;

	if (*o >= len)
		return false;
	n = buf[(*o)++];
	if (n < min || n > len - *o || memchr(buf + *o, '\0', n) != NULL)
		return false;
	for (size_t i = 0; plain && i < n; i++)
		if (buf[*o + i] < 0x20 || buf[*o + i] == 0x7f)
			return false;
	memcpy(out, buf + *o, n);
	out[n] = '\0';
	*o += n;
	return true;
}

size_t
fm_pamwire_encode_request(
    const struct fm_pamwire_request *r, uint8_t *buf, size_t size)
{
	struct writer w = {buf, size, 0, true};

	if (r == NULL || buf == NULL || size < 1)
		return 0;
	buf[w.len++] = FM_PAMWIRE_VERSION;
	put_text(&w, r->user, 1, true);
	put_text(&w, r->rhost, 0, true);
	put_text(&w, r->secret, 1, false);
	if (!w.ok) {
		fm_wipe(buf, size);
		return 0;
	}
	return w.len;
}

bool
fm_pamwire_decode_request(const uint8_t *buf, size_t len,
    struct fm_pamwire_request *r, const char **errstr)
{
	size_t o = 1;

	*errstr = NULL;
	if (buf == NULL || r == NULL || len < 1 || len > FM_PAMWIRE_MAX) {
		*errstr = "bad request length";
		return false;
	}
	memset(r, 0, sizeof(*r));
	if (buf[0] != FM_PAMWIRE_VERSION) {
		*errstr = "unsupported version";
		return false;
	}
	if (!get_text(buf, len, &o, r->user, 1, true) ||
	    !get_text(buf, len, &o, r->rhost, 0, true) ||
	    !get_text(buf, len, &o, r->secret, 1, false) || o != len) {
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
	struct writer w = {buf, size, 0, true};

	if (r == NULL || buf == NULL || size < 2 ||
	    r->result > FM_PAMAUTH_UNAVAILABLE)
		return 0;
	buf[w.len++] = FM_PAMWIRE_VERSION;
	buf[w.len++] = r->result;
	put_text(&w, r->user, r->result == FM_PAMAUTH_OK ? 1 : 0, true);
	return w.ok ? w.len : 0;
}

bool
fm_pamwire_decode_reply(const uint8_t *buf, size_t len,
    struct fm_pamwire_reply *r, const char **errstr)
{
	size_t o = 2;

	*errstr = NULL;
	if (buf == NULL || r == NULL || len < 2 || len > FM_PAMWIRE_MAX ||
	    buf[0] != FM_PAMWIRE_VERSION || buf[1] > FM_PAMAUTH_UNAVAILABLE) {
		*errstr = "malformed reply";
		return false;
	}
	memset(r, 0, sizeof(*r));
	r->result = buf[1];
	if (!get_text(buf, len, &o, r->user, r->result == FM_PAMAUTH_OK ? 1 : 0,
	        true) ||
	    o != len) {
		*errstr = "malformed reply";
		return false;
	}
	return true;
}
