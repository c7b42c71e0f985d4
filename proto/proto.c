/*
 * proto.c - encoding and decoding the terminal protocol.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "proto/proto.h"

#include <stddef.h>
#include <string.h>

#include "common/aead.h"
#include "common/utf8.h"
#include "common/wire.h"

enum kind { K_U8, K_U32, K_S64, K_TEXT, K_UID, K_ID, K_JOB };

enum tag {
	T_VERSION = 1,
	T_CODE,
	T_TIMEOUT,
	T_RETRY_AFTER,
	T_COPIES,
	T_STAGE,
	T_PAGES,
	T_BALANCE,
	T_CHARGE,
	T_JOB_ID,
	T_ALL,
	T_FORCE_DUPLEX,
	T_FORCE_GRAY,
	T_USER,
	T_FULL_NAME,
	T_TERMINAL,
	T_PRINTER,
	T_MESSAGE,
	T_SECRET,
	T_UID,
	T_ID,
	T_JOB,
	T_MORE_JOBS,
	T_LANGUAGE,
	T_CURRENCY,
	T_COUNT
};

struct field {
	enum kind kind;
	size_t offset, size;
};

/* Member of a struct of the given type, on the wire as kind k. */
#define FIELD(type, k, member)                                                 \
	{                                                                      \
		k, offsetof(type, member), sizeof(((type *)0)->member)         \
	}
#define F(k, member) FIELD(struct fm_proto_msg, k, member)

/* Indexed by tag.  Tags are part of the protocol: never renumber. */
static const struct field fields[T_COUNT] = {
    [T_VERSION] = F(K_U32, version),
    [T_CODE] = F(K_U32, code),
    [T_TIMEOUT] = F(K_U32, timeout),
    [T_RETRY_AFTER] = F(K_U32, retry_after),
    [T_COPIES] = F(K_U32, copies),
    [T_STAGE] = F(K_U32, stage),
    [T_PAGES] = F(K_U32, pages),
    [T_BALANCE] = F(K_S64, balance),
    [T_CHARGE] = F(K_S64, charge),
    [T_JOB_ID] = F(K_S64, job_id),
    [T_ALL] = F(K_U8, all),
    [T_FORCE_DUPLEX] = F(K_U8, force_duplex),
    [T_FORCE_GRAY] = F(K_U8, force_gray),
    [T_USER] = F(K_TEXT, user),
    [T_FULL_NAME] = F(K_TEXT, full_name),
    [T_TERMINAL] = F(K_TEXT, terminal),
    [T_PRINTER] = F(K_TEXT, printer),
    [T_MESSAGE] = F(K_TEXT, message),
    [T_SECRET] = F(K_TEXT, secret),
    [T_UID] = {K_UID, 0, 0},
    [T_ID] = {K_ID, 0, 0},
    [T_JOB] = {K_JOB, 0, 0},
    [T_MORE_JOBS] = F(K_U8, more_jobs),
    [T_LANGUAGE] = F(K_TEXT, language),
    [T_CURRENCY] = F(K_TEXT, currency),
};

#define B(t) (1u << (t))

struct spec {
	enum fm_proto_type type;
	const char *name;
	uint32_t required, allowed; /* allowed includes required */
};

#define IDS (B(T_ID) | B(T_ALL))
static const struct spec specs[] = {
    {FM_MSG_HELLO, "HELLO", B(T_VERSION), B(T_VERSION)},
    {FM_MSG_AUTH_BADGE, "AUTH_BADGE", B(T_UID), B(T_UID)},
    {FM_MSG_AUTH_PIN, "AUTH_PIN", B(T_USER) | B(T_SECRET),
        B(T_USER) | B(T_SECRET)},
    {FM_MSG_AUTH_BADGE_PIN, "AUTH_BADGE_PIN", B(T_UID) | B(T_SECRET),
        B(T_UID) | B(T_SECRET)},
    {FM_MSG_ASSOCIATE_BADGE, "ASSOCIATE_BADGE", B(T_UID), B(T_UID)},
    {FM_MSG_LIST, "LIST", 0, 0},
    {FM_MSG_RELEASE, "RELEASE", 0,
        IDS | B(T_COPIES) | B(T_FORCE_DUPLEX) | B(T_FORCE_GRAY)},
    {FM_MSG_DELETE, "DELETE", 0, IDS},
    {FM_MSG_EXTEND, "EXTEND", 0, IDS},
    {FM_MSG_LOGOUT, "LOGOUT", 0, 0},
    {FM_MSG_AUTH_WEB, "AUTH_WEB", B(T_SECRET) | B(T_PRINTER),
        B(T_SECRET) | B(T_PRINTER)},
    {FM_MSG_HELLO_OK, "HELLO_OK",
        B(T_VERSION) | B(T_TERMINAL) | B(T_PRINTER) | B(T_TIMEOUT),
        B(T_VERSION) | B(T_TERMINAL) | B(T_PRINTER) | B(T_TIMEOUT)},
    /* Language and currency only to a terminal that said HELLO with
     * version 2 or later: an older one refuses fields it does not know. */
    {FM_MSG_AUTH_OK, "AUTH_OK", B(T_USER) | B(T_BALANCE),
        B(T_USER) | B(T_BALANCE) | B(T_FULL_NAME) | B(T_LANGUAGE) |
            B(T_CURRENCY)},
    {FM_MSG_AUTH_FAIL, "AUTH_FAIL", B(T_CODE) | B(T_MESSAGE),
        B(T_CODE) | B(T_MESSAGE) | B(T_RETRY_AFTER)},
    {FM_MSG_JOB_LIST, "JOB_LIST", B(T_BALANCE),
        B(T_BALANCE) | B(T_JOB) | B(T_MORE_JOBS)},
    {FM_MSG_PROGRESS, "PROGRESS", B(T_JOB_ID) | B(T_STAGE),
        B(T_JOB_ID) | B(T_STAGE) | B(T_PAGES) | B(T_CHARGE) | B(T_MESSAGE) |
            B(T_CODE)},
    {FM_MSG_OK, "OK", 0, B(T_MESSAGE)},
    {FM_MSG_ERROR, "ERROR", B(T_CODE) | B(T_MESSAGE), B(T_CODE) | B(T_MESSAGE)},
};

/* Job fields: nested inside T_JOB, all required but the title and the
 * cost kind (absent: an estimate, as before the field existed). */
enum job_tag {
	J_ID = 1,
	J_TITLE,
	J_DOCUMENTS,
	J_PAGES,
	J_COLOR_PAGES,
	J_COST,
	J_CREATED,
	J_EXPIRES,
	J_COPIES,
	J_COST_KIND,
	J_COUNT
};

static const struct field job_fields[J_COUNT] = {
    [J_ID] = FIELD(struct fm_proto_job, K_S64, id),
    [J_TITLE] = FIELD(struct fm_proto_job, K_TEXT, title),
    [J_DOCUMENTS] = FIELD(struct fm_proto_job, K_U32, documents),
    [J_PAGES] = FIELD(struct fm_proto_job, K_U32, pages),
    [J_COLOR_PAGES] = FIELD(struct fm_proto_job, K_U32, color_pages),
    [J_COST] = FIELD(struct fm_proto_job, K_S64, cost),
    [J_CREATED] = FIELD(struct fm_proto_job, K_S64, created_at),
    [J_EXPIRES] = FIELD(struct fm_proto_job, K_S64, expires_at),
    [J_COPIES] = FIELD(struct fm_proto_job, K_U32, copies),
    [J_COST_KIND] = FIELD(struct fm_proto_job, K_U32, cost_kind),
};

/* Job fields that may be absent. */
#define J_OPTIONAL (B(J_TITLE) | B(J_COST_KIND))

static const struct spec *
find_spec(int type)
{
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		if ((int)specs[i].type == type)
			return &specs[i];
	return NULL;
}

const char *
fm_proto_type_name(enum fm_proto_type type)
{
	const struct spec *s = find_spec((int)type);

	return s ? s->name : "UNKNOWN";
}

void
fm_proto_init(struct fm_proto_msg *m, enum fm_proto_type type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
}

void
fm_proto_wipe(struct fm_proto_msg *m)
{
	fm_wipe(m, sizeof(*m));
}

/* Text on the wire: valid UTF-8, no control characters. */
static bool
text_is_clean(const uint8_t *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		long cp;
		size_t n = fm_utf8_next(s + i, len - i, &cp);
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			return false;
		i += n;
	}
	return true;
}

/* Every field is tag u8 | length be16 | value. */
static void
put_header(struct fm_wire_writer *w, uint8_t tag, size_t len)
{
	fm_wire_put_u8(w, tag);
	fm_wire_put_u16(w, len);
}

/*
 * Writes one scalar or text field from base + f->offset.  An optional
 * field at its zero value is left out: absent and zero mean the same.
 */
static void
write_field(struct fm_wire_writer *w, uint8_t tag, const struct field *f,
    const void *base, bool required)
{
	static const uint8_t zero[sizeof(int64_t)];
	const char *src = (const char *)base + f->offset;
	size_t len;

	switch (f->kind) {
	case K_U8:
		if (!*(const bool *)(const void *)src && !required)
			return;
		put_header(w, tag, 1);
		fm_wire_put_u8(w, *(const bool *)(const void *)src ? 1 : 0);
		return;
	case K_U32:
	case K_S64:
		/* Members are uint32_t or int64_t: their size is their width
		 * on the wire. */
		if (!required && memcmp(src, zero, f->size) == 0)
			return;
		put_header(w, tag, f->size);
		fm_wire_put_member(w, src, f->size);
		return;
	case K_TEXT:
		len = strnlen(src, f->size);
		if (len == f->size || (len == 0 && required) ||
		    !text_is_clean((const uint8_t *)src, len)) {
			if (len > 0 || required)
				fm_wire_writer_fail(w);
			return;
		}
		if (len == 0)
			return;
		/* A text field's header is a text16's length. */
		fm_wire_put_u8(w, tag);
		fm_wire_put_text16(w, src, f->size);
		return;
	default:
		fm_wire_writer_fail(w);
	}
}

static void
write_job(struct fm_wire_writer *w, const struct fm_proto_job *job)
{
	struct fm_wire_mark len;

	fm_wire_put_u8(w, T_JOB);
	len = fm_wire_begin_length(w, 2);
	/* An empty title is allowed: the job then shows its id only; an
	 * estimate's cost kind (0) is left out, so a terminal older than
	 * the field reads the list as before. */
	for (int t = 1; t < J_COUNT; t++)
		write_field(
		    w, (uint8_t)t, &job_fields[t], job, !(J_OPTIONAL & B(t)));
	fm_wire_end_length(w, len);
}

size_t
fm_proto_encode(const struct fm_proto_msg *m, uint8_t *buf, size_t size)
{
	const struct spec *s;
	struct fm_wire_writer w;
	struct fm_wire_mark frame;

	if (m == NULL || (s = find_spec((int)m->type)) == NULL)
		return 0;
	if ((s->allowed & B(T_ID)) && !m->all && m->nids == 0)
		return 0; /* name the jobs, or all */
	if (m->all && m->nids > 0)
		return 0;
	/* The frame length cannot say more than FM_PROTO_MAXMSG. */
	if (size > FM_PROTO_HEADERLEN + FM_PROTO_MAXMSG)
		size = FM_PROTO_HEADERLEN + FM_PROTO_MAXMSG;
	fm_wire_writer_init(&w, buf, size);
	frame = fm_wire_begin_length(&w, FM_PROTO_HEADERLEN);
	fm_wire_put_u8(&w, FM_PROTO_FRAME_VERSION);
	fm_wire_put_u8(&w, (uint8_t)m->type);
	for (int t = 1; t < T_COUNT; t++) {
		if (!(s->allowed & B(t)))
			continue;
		if (t == T_UID) {
			if (m->uid_len == 0 || m->uid_len > FM_PROTO_UIDMAX)
				return 0;
			put_header(&w, T_UID, m->uid_len);
			fm_wire_put_bytes(&w, m->uid, m->uid_len);
		} else if (t == T_ID) {
			if (m->nids > FM_PROTO_MAXIDS)
				return 0;
			for (size_t i = 0; i < m->nids; i++) {
				put_header(&w, T_ID, 8);
				fm_wire_put_i64(&w, m->ids[i]);
			}
		} else if (t == T_JOB) {
			if (m->njobs > FM_PROTO_MAXJOBS)
				return 0;
			for (size_t i = 0; i < m->njobs; i++)
				write_job(&w, &m->jobs[i]);
		} else {
			write_field(&w, (uint8_t)t, &fields[t], m,
			    (s->required & B(t)) != 0);
		}
	}
	fm_wire_end_length(&w, frame);
	return fm_wire_writer_end(&w);
}

size_t
fm_proto_frame_length(const uint8_t *header)
{
	struct fm_wire_reader r;
	uint32_t len;

	fm_wire_reader_init(&r, header, FM_PROTO_HEADERLEN);
	len = fm_wire_get_u32(&r);
	return len < 2 || len > FM_PROTO_MAXMSG ? 0 : (size_t)len;
}

/* Reads one scalar or text value, the whole of v, into base + f->offset. */
static bool
read_field(const struct field *f, struct fm_wire_reader *v, void *base,
    const char **errstr)
{
	char *dst = (char *)base + f->offset;
	size_t len = fm_wire_reader_left(v);
	uint8_t flag;

	switch (f->kind) {
	case K_U8:
		if (len != 1 || (flag = fm_wire_get_u8(v)) > 1) {
			*errstr = "bad flag";
			return false;
		}
		*(bool *)(void *)dst = flag == 1;
		return true;
	case K_U32:
	case K_S64:
		if (len != f->size) {
			*errstr = "integer field of the wrong width";
			return false;
		}
		fm_wire_get_member(v, dst, f->size);
		return true;
	case K_TEXT:
		if (len == 0 || len >= f->size) {
			*errstr = "text field empty or too long";
			return false;
		}
		if (!fm_wire_get_text(v, len, dst, f->size) ||
		    !text_is_clean((const uint8_t *)dst, len)) {
			*errstr = "text field is not clean UTF-8";
			return false;
		}
		return true;
	default:
		*errstr = "internal error";
		return false;
	}
}

static bool
read_job(
    struct fm_wire_reader *r, struct fm_proto_job *job, const char **errstr)
{
	uint32_t seen = 0;

	memset(job, 0, sizeof(*job));
	while (fm_wire_reader_left(r) > 0) {
		struct fm_wire_reader v;
		uint8_t tag;

		if (fm_wire_reader_left(r) < 3) {
			*errstr = "truncated job field";
			return false;
		}
		tag = fm_wire_get_u8(r);
		if (!fm_wire_get_slice(r, fm_wire_get_u16(r), &v) || tag == 0 ||
		    tag >= J_COUNT || (seen & B(tag))) {
			*errstr = "bad job field";
			return false;
		}
		seen |= B(tag);
		if (!read_field(&job_fields[tag], &v, job, errstr))
			return false;
	}
	/* The title (empty) and the cost kind (an estimate) may be absent;
	 * everything else is required. */
	if ((seen | J_OPTIONAL) != (B(J_COUNT) - 2)) {
		*errstr = "job field missing";
		return false;
	}
	if (job->cost_kind > FM_COST_COUNTING) {
		*errstr = "unknown cost kind";
		return false;
	}
	return true;
}

bool
fm_proto_decode(
    const uint8_t *buf, size_t len, struct fm_proto_msg *m, const char **errstr)
{
	const struct spec *s;
	struct fm_wire_reader r;
	uint32_t seen = 0;

	if (buf == NULL || m == NULL) {
		*errstr = "no message";
		return false;
	}
	if (len < 2 || len > FM_PROTO_MAXMSG) {
		*errstr = "bad message length";
		return false;
	}
	fm_wire_reader_init(&r, buf, len);
	if (fm_wire_get_u8(&r) != FM_PROTO_FRAME_VERSION) {
		*errstr = "unsupported protocol version";
		return false;
	}
	if ((s = find_spec(fm_wire_get_u8(&r))) == NULL) {
		*errstr = "unknown message type";
		return false;
	}
	fm_proto_init(m, s->type);
	while (fm_wire_reader_left(&r) > 0) {
		struct fm_wire_reader v;
		uint8_t tag;
		size_t flen;

		if (fm_wire_reader_left(&r) < 3) {
			*errstr = "truncated field header";
			goto fail;
		}
		tag = fm_wire_get_u8(&r);
		flen = fm_wire_get_u16(&r);
		if (!fm_wire_get_slice(&r, flen, &v)) {
			*errstr = "field runs past the end";
			goto fail;
		}
		if (tag == 0 || tag >= T_COUNT || !(s->allowed & B(tag))) {
			*errstr = "field not allowed in this message";
			goto fail;
		}
		if ((seen & B(tag)) && tag != T_ID && tag != T_JOB) {
			*errstr = "field repeated";
			goto fail;
		}
		seen |= B(tag);
		if (tag == T_UID) {
			if (flen == 0 || flen > FM_PROTO_UIDMAX) {
				*errstr = "bad badge identifier length";
				goto fail;
			}
			fm_wire_get_bytes(&v, m->uid, flen);
			m->uid_len = flen;
		} else if (tag == T_ID) {
			if (flen != 8 || m->nids == FM_PROTO_MAXIDS) {
				*errstr = "bad or too many job ids";
				goto fail;
			}
			m->ids[m->nids++] = fm_wire_get_i64(&v);
		} else if (tag == T_JOB) {
			if (m->njobs == FM_PROTO_MAXJOBS) {
				*errstr = "too many jobs";
				goto fail;
			}
			if (!read_job(&v, &m->jobs[m->njobs++], errstr))
				goto fail;
		} else if (!read_field(&fields[tag], &v, m, errstr)) {
			goto fail;
		}
	}
	if ((seen & s->required) != s->required) {
		*errstr = "required field missing";
		goto fail;
	}
	if ((s->allowed & B(T_ID)) && m->all == (m->nids > 0)) {
		*errstr = "name the jobs or all, not both or neither";
		goto fail;
	}
	return true;
fail:
	fm_proto_wipe(m);
	return false;
}
