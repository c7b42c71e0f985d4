/*
 * pamwire.c - followmed <-> followme-pamhelper messages.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/pamwire.h"

#include <string.h>

#include "common/wire.h"
#include "release/pamauth.h"

static const struct fm_wire_format request = {FM_PAMWIRE_VERSION, 1,
    FM_PAMWIRE_MAX, sizeof(struct fm_pamwire_request), "bad request length",
    "unsupported version", "malformed request"};
static const struct fm_wire_format reply = {FM_PAMWIRE_VERSION, 2,
    FM_PAMWIRE_MAX, sizeof(struct fm_pamwire_reply), "malformed reply",
    "malformed reply", "malformed reply"};

static void
put_request(struct fm_wire_writer *w, const void *msg)
{
	const struct fm_pamwire_request *r = msg;

	fm_wire_put_plain8(w, r->user, sizeof(r->user), 1);
	fm_wire_put_plain8(w, r->rhost, sizeof(r->rhost), 0);
	/* The secret may hold any byte but NUL. */
	if (r->secret[0] == '\0')
		fm_wire_writer_fail(w);
	fm_wire_put_text8(w, r->secret, sizeof(r->secret));
}

static const char *
get_request(struct fm_wire_reader *rd, void *msg)
{
	struct fm_pamwire_request *r = msg;

	fm_wire_get_plain8(rd, r->user, sizeof(r->user), 1);
	fm_wire_get_plain8(rd, r->rhost, sizeof(r->rhost), 0);
	if (fm_wire_get_text8(rd, r->secret, sizeof(r->secret)) &&
	    r->secret[0] == '\0')
		fm_wire_reader_fail(rd);
	return NULL;
}

static void
put_reply(struct fm_wire_writer *w, const void *msg)
{
	const struct fm_pamwire_reply *r = msg;

	if (r->result > FM_PAMAUTH_UNAVAILABLE)
		fm_wire_writer_fail(w);
	fm_wire_put_u8(w, r->result);
	/* The user PAM settled on, and only if it let them in. */
	fm_wire_put_plain8(
	    w, r->user, sizeof(r->user), r->result == FM_PAMAUTH_OK ? 1 : 0);
}

static const char *
get_reply(struct fm_wire_reader *rd, void *msg)
{
	struct fm_pamwire_reply *r = msg;

	r->result = fm_wire_get_u8(rd);
	if (r->result > FM_PAMAUTH_UNAVAILABLE)
		fm_wire_reader_fail(rd);
	fm_wire_get_plain8(
	    rd, r->user, sizeof(r->user), r->result == FM_PAMAUTH_OK ? 1 : 0);
	return NULL;
}

/* fm_wire_encode() wipes buf when it refuses a request: no part of the
 * secret is left behind. */
FM_WIRE_CODEC(struct fm_pamwire_request, request, put_request, get_request,
    fm_pamwire_encode_request, fm_pamwire_decode_request)

FM_WIRE_CODEC(struct fm_pamwire_reply, reply, put_reply, get_reply,
    fm_pamwire_encode_reply, fm_pamwire_decode_reply)
