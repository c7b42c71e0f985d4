/*
 * csv.c - an RFC 4180 reader (csv.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "directory/csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

struct reader {
	const char *buf;
	size_t len, pos, line;
	char *err;
	size_t errlen;
	char (*fields)[FM_CSV_FIELDMAX + 1];
	struct fm_csv_record rec;
};

static bool fail(struct reader *r, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool
fail(struct reader *r, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->err, r->errlen, "line %zu: ", line);
	if (n < 0 || (size_t)n >= r->errlen)
		return false;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* The whole text is UTF-8, or the line of the first byte that is not. */
static bool
check_utf8(struct reader *r)
{
	size_t line = 1, i = 0;
	long cp;

	while (i < r->len) {
		unsigned char c = (unsigned char)r->buf[i];

		if (c == '\n')
			line++;
		if (c == '\0')
			return fail(r, line,
			    "a NUL byte: this is not a text "
			    "file");
		if (c < 0x80) {
			i++;
			continue;
		}
		i += fm_utf8_next(
		    (const unsigned char *)r->buf + i, r->len - i, &cp);
		if (cp < 0)
			return fail(r, line,
			    "not UTF-8 (byte 0x%02x): save the spreadsheet as "
			    "\"CSV UTF-8\" (Windows-1252 and other encodings "
			    "are not read)",
			    c);
	}
	return true;
}

static bool
put(struct reader *r, size_t *flen, char c, size_t line)
{
	char *f = r->fields[r->rec.nfields];

	if (*flen >= FM_CSV_FIELDMAX)
		return fail(r, line, "field %zu is longer than %d bytes",
		    r->rec.nfields + 1, FM_CSV_FIELDMAX);
	f[(*flen)++] = c;
	return true;
}

static bool
end_field(struct reader *r, size_t flen, size_t line)
{
	r->fields[r->rec.nfields][flen] = '\0';
	r->rec.field[r->rec.nfields] = r->fields[r->rec.nfields];
	r->rec.len[r->rec.nfields] = flen;
	if (++r->rec.nfields > FM_CSV_FIELDS - 1 && r->pos < r->len &&
	    r->buf[r->pos] == ',')
		return fail(r, line, "more than %d fields", FM_CSV_FIELDS);
	return true;
}

/* One field at r->pos, up to (not past) the comma or line end. */
static bool
field(struct reader *r, size_t line)
{
	size_t flen = 0;

	if (r->pos < r->len && r->buf[r->pos] == '"') {
		r->pos++;
		for (;;) {
			if (r->pos >= r->len)
				return fail(r, line,
				    "a quoted field is not "
				    "closed");
			char c = r->buf[r->pos++];

			if (c == '"') {
				if (r->pos < r->len && r->buf[r->pos] == '"') {
					r->pos++;
				} else
					break;
			} else if (c == '\n')
				r->line++;
			if (!put(r, &flen, c, line))
				return false;
		}
		if (r->pos < r->len && r->buf[r->pos] != ',' &&
		    r->buf[r->pos] != '\n' &&
		    !(r->buf[r->pos] == '\r' && r->pos + 1 < r->len &&
		        r->buf[r->pos + 1] == '\n'))
			return fail(r, r->line,
			    "text after the closing quote of field %zu",
			    r->rec.nfields + 1);
		return end_field(r, flen, line);
	}
	while (r->pos < r->len) {
		char c = r->buf[r->pos];

		if (c == ',' || c == '\n' ||
		    (c == '\r' && r->pos + 1 < r->len &&
		        r->buf[r->pos + 1] == '\n'))
			break;
		if (c == '"')
			return fail(r, line,
			    "a quote inside unquoted field %zu (quote the "
			    "field and double the quote)",
			    r->rec.nfields + 1);
		if (!put(r, &flen, c, line))
			return false;
		r->pos++;
	}
	return end_field(r, flen, line);
}

static bool
records(struct reader *r,
    bool (*fn)(const struct fm_csv_record *, void *, char *, size_t), void *arg)
{
	while (r->pos < r->len) {
		size_t start = r->line;

		/* A blank line is no record. */
		if (r->buf[r->pos] == '\n') {
			r->pos++;
			r->line++;
			continue;
		}
		if (r->buf[r->pos] == '\r' && r->pos + 1 < r->len &&
		    r->buf[r->pos + 1] == '\n') {
			r->pos += 2;
			r->line++;
			continue;
		}
		r->rec.nfields = 0;
		r->rec.line = start;
		for (;;) {
			if (!field(r, start))
				return false;
			if (r->pos < r->len && r->buf[r->pos] == ',') {
				r->pos++;
				continue;
			}
			break;
		}
		if (r->pos < r->len) {
			r->pos += r->buf[r->pos] == '\r' ? 2 : 1;
			r->line++;
		}
		if (!fn(&r->rec, arg, r->err, r->errlen))
			return false;
	}
	return true;
}

bool
fm_csv_parse(const char *buf, size_t len,
    bool (*fn)(
        const struct fm_csv_record *rec, void *arg, char *err, size_t errlen),
    void *arg, char *err, size_t errlen)
{
	struct reader r;
	bool ok;

	if (err == NULL || errlen == 0)
		return false;
	err[0] = '\0';
	memset(&r, 0, sizeof(r));
	r.buf = buf;
	r.len = len;
	r.line = 1;
	r.err = err;
	r.errlen = errlen;
	if ((buf == NULL && len > 0) || fn == NULL) {
		snprintf(err, errlen, "missing argument");
		return false;
	}
	if (len > FM_CSV_MAXLEN) {
		snprintf(err, errlen, "the file is larger than %lu MiB",
		    FM_CSV_MAXLEN >> 20);
		return false;
	}
	/* A byte order mark (Excel's "CSV UTF-8") is not part of the first
	 * header. */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		r.pos = 3;
	if (!check_utf8(&r))
		return false;
	if ((r.fields = malloc(FM_CSV_FIELDS * sizeof(*r.fields))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	ok = records(&r, fn, arg);
	free(r.fields);
	return ok;
}
