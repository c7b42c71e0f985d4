/*
 * brokerwire.c - the messages between followme-webd's two sides.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "web/brokerwire.h"

#include <string.h>

#include "common/wire.h"

#define VERSION 1

size_t
fm_web_request_encode(const struct fm_web_request *r, uint8_t *buf, size_t size)
{
	struct fm_wire_writer w;

	fm_wire_writer_init(&w, buf, size);
	if (r == NULL || r->op < FM_WEB_OP_SESSION || r->op > FM_WEB_OP_MAX ||
	    r->nargs > FM_WEB_ARGMAX || (r->has_token && r->bad_token))
		return 0;
	fm_wire_put_u8(&w, VERSION);
	fm_wire_put_u8(&w, (uint64_t)r->op);
	fm_wire_put_u8(&w,
	    (r->has_session ? 1u : 0u) | (r->login_token ? 2u : 0u) |
	        (r->has_token ? 4u : 0u) | (r->bad_token ? 8u : 0u));
	if (r->has_session)
		fm_wire_put_bytes(&w, r->id, sizeof(r->id));
	if (r->has_token)
		fm_wire_put_bytes(&w, r->token, sizeof(r->token));
	fm_wire_put_text8(&w, r->csrf, sizeof(r->csrf));
	fm_wire_put_text8(&w, r->address, sizeof(r->address));
	fm_wire_put_text8(&w, r->language, sizeof(r->language));
	fm_wire_put_u8(&w, r->nargs);
	for (size_t i = 0; i < r->nargs; i++) {
		fm_wire_put_plain8(
		    &w, r->args[i].name, sizeof(r->args[i].name), 1);
		fm_wire_put_text16(
		    &w, r->args[i].value, sizeof(r->args[i].value));
	}
	return fm_wire_writer_end(&w);
}

bool
fm_web_request_decode(const uint8_t *buf, size_t len, struct fm_web_request *r,
    const char **errstr)
{
	struct fm_wire_reader rd;
	uint8_t version, has;

	*errstr = NULL;
	memset(r, 0, sizeof(*r));
	if (buf == NULL || len < 4 || len > FM_WEB_REQUESTMAX) {
		*errstr = "web request of a bad length";
		return false;
	}
	fm_wire_reader_init(&rd, buf, len);
	version = fm_wire_get_u8(&rd);
	r->op = (enum fm_web_op)fm_wire_get_u8(&rd);
	has = fm_wire_get_u8(&rd);
	if (version != VERSION) {
		*errstr = "web request of an unknown version";
		memset(r, 0, sizeof(*r));
		return false;
	}
	/* A token that reads as one and one that does not are not both. */
	if (r->op < FM_WEB_OP_SESSION || r->op > FM_WEB_OP_MAX || has > 15 ||
	    (has & 12) == 12)
		fm_wire_reader_fail(&rd);
	r->has_session = (has & 1) != 0;
	r->login_token = (has & 2) != 0;
	r->has_token = (has & 4) != 0;
	r->bad_token = (has & 8) != 0;
	if (r->has_session)
		fm_wire_get_bytes(&rd, r->id, sizeof(r->id));
	if (r->has_token)
		fm_wire_get_bytes(&rd, r->token, sizeof(r->token));
	fm_wire_get_text8(&rd, r->csrf, sizeof(r->csrf));
	fm_wire_get_text8(&rd, r->address, sizeof(r->address));
	fm_wire_get_text8(&rd, r->language, sizeof(r->language));
	r->nargs = fm_wire_get_u8(&rd);
	if (r->nargs > FM_WEB_ARGMAX)
		fm_wire_reader_fail(&rd);
	for (size_t i = 0; i < r->nargs && fm_wire_reader_ok(&rd); i++) {
		fm_wire_get_plain8(
		    &rd, r->args[i].name, sizeof(r->args[i].name), 1);
		fm_wire_get_text16(
		    &rd, r->args[i].value, sizeof(r->args[i].value));
	}
	if (!fm_wire_reader_end(&rd)) {
		*errstr = "malformed web request";
		memset(r, 0, sizeof(*r));
		return false;
	}
	return true;
}

size_t
fm_web_answer_encode(const struct fm_web_answer *a, uint8_t *buf, size_t size)
{
	struct fm_wire_writer w;

	fm_wire_writer_init(&w, buf, size);
	if (a == NULL || a->kind > FM_WEB_KIND_SVG ||
	    a->session > FM_WEB_SESSION_CLEAR)
		return 0;
	fm_wire_put_u8(&w, VERSION);
	fm_wire_put_u16(&w, a->status);
	fm_wire_put_u8(&w, (uint64_t)a->kind);
	fm_wire_put_u8(&w, (uint64_t)a->session);
	if (a->session == FM_WEB_SESSION_SET)
		fm_wire_put_bytes(&w, a->id, sizeof(a->id));
	fm_wire_put_plain8(&w, a->csrf, sizeof(a->csrf), 0);
	fm_wire_put_plain8(&w, a->filename, sizeof(a->filename), 0);
	return fm_wire_writer_end(&w);
}

bool
fm_web_answer_decode(const uint8_t *buf, size_t len, struct fm_web_answer *a)
{
	struct fm_wire_reader rd;
	uint8_t kind, session;

	memset(a, 0, sizeof(*a));
	if (buf == NULL || len > FM_WEB_ANSWERMAX)
		return false;
	fm_wire_reader_init(&rd, buf, len);
	if (fm_wire_get_u8(&rd) != VERSION)
		fm_wire_reader_fail(&rd);
	a->status = fm_wire_get_u16(&rd);
	kind = fm_wire_get_u8(&rd);
	session = fm_wire_get_u8(&rd);
	if (a->status < 100 || a->status > 599 || kind > FM_WEB_KIND_SVG ||
	    session > FM_WEB_SESSION_CLEAR)
		fm_wire_reader_fail(&rd);
	a->kind = (enum fm_web_kind)kind;
	a->session = (enum fm_web_session_change)session;
	if (a->session == FM_WEB_SESSION_SET)
		fm_wire_get_bytes(&rd, a->id, sizeof(a->id));
	fm_wire_get_plain8(&rd, a->csrf, sizeof(a->csrf), 0);
	fm_wire_get_plain8(&rd, a->filename, sizeof(a->filename), 0);
	if (!fm_wire_reader_end(&rd)) {
		memset(a, 0, sizeof(*a));
		return false;
	}
	return true;
}

size_t
fm_web_progress_encode(enum fm_web_stage stage, uint8_t *buf, size_t size)
{
	if (buf == NULL || size < FM_WEB_PROGRESSMAX ||
	    (unsigned)stage > FM_WEB_STAGE_PRINTING)
		return 0;
	buf[0] = FM_WEB_PROGRESS_TAG;
	buf[1] = (uint8_t)stage;
	return FM_WEB_PROGRESSMAX;
}

bool
fm_web_progress_decode(const uint8_t *buf, size_t len, enum fm_web_stage *stage)
{
	if (buf == NULL || len != FM_WEB_PROGRESSMAX ||
	    buf[0] != FM_WEB_PROGRESS_TAG || buf[1] > FM_WEB_STAGE_PRINTING)
		return false;
	*stage = (enum fm_web_stage)buf[1];
	return true;
}

const char *
fm_web_arg(const struct fm_web_request *r, const char *name)
{
	for (size_t i = 0; i < r->nargs; i++)
		if (strcmp(r->args[i].name, name) == 0)
			return r->args[i].value;
	return NULL;
}

bool
fm_web_request_add(
    struct fm_web_request *r, const char *name, const char *value, size_t len)
{
	struct fm_web_arg *a;
	size_t nlen = strlen(name);

	if (r->nargs >= FM_WEB_ARGMAX || nlen == 0 || nlen >= sizeof(a->name) ||
	    len >= sizeof(a->value) || memchr(value, '\0', len) != NULL)
		return false;
	a = &r->args[r->nargs++];
	memcpy(a->name, name, nlen + 1);
	memcpy(a->value, value, len);
	a->value[len] = '\0';
	return true;
}
