/*
 * options.c - building the job ticket from the backend's arguments.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf.h"
#include "common/utf8.h"

/* The whitespace that separates options (libcups's _cups_isspace). */
static bool
is_space(char c)
{
	return c == ' ' || c == '\f' || c == '\n' || c == '\r' || c == '\t' ||
	    c == '\v';
}

static int
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* libcups's name order: ASCII case folded, bytes compared as char (so
 * the order of non-ASCII names is the platform's, as libcups's is). */
static int
name_cmp(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (lower(*a) != lower(*b))
			return lower(*a) < lower(*b) ? -1 : 1;
	return *a != '\0' ? 1 : *b != '\0' ? -1 : 0;
}

/* One name=value as read, with its place in the string. */
struct entry {
	const char *name, *value;
	size_t idx;
};

static int
entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int d = name_cmp(a->name, b->name);

	if (d != 0)
		return d;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/*
 * Reads the options of s[0..n) (n < SIZE_MAX / 2) into e, writing the
 * names and values into text (2n + 2 bytes: each one ends with a NUL
 * that may take no byte of s).  Returns the number read, or -1 past
 * FM_OPTIONS_MAX.
 */
static long
read_entries(const char *s, size_t n, char *text, struct entry *e)
{
	size_t r = 0, end = n, w = 0, count = 0;

	if (n >= 2 && s[0] == '{' && s[n - 1] == '}') {
		r = 1;
		end = n - 1;
	}
	while (r < end && is_space(s[r]))
		r++;
	while (r < end) {
		const char *name = text + w, *value;

		while (r < end && !is_space(s[r]) && s[r] != '=')
			text[w++] = s[r++];
		if (name == text + w)
			break; /* an empty name ends it all, as in libcups */
		text[w++] = '\0';
		while (r < end && is_space(s[r]))
			r++;
		if (r >= end || s[r] != '=') {
			/* A bare name: true; noNAME: NAME is false. */
			value = "true";
			if (lower(name[0]) == 'n' && lower(name[1]) == 'o') {
				name += 2;
				value = "false";
			}
		} else {
			r++;
			value = text + w;
			while (r < end && !is_space(s[r])) {
				if (s[r] == ',') {
					text[w++] = s[r++];
				} else if (s[r] == '\'' || s[r] == '"') {
					char quote = s[r++];

					while (r < end && s[r] != quote) {
						if (s[r] == '\\' && r + 1 < end)
							r++;
						text[w++] = s[r++];
					}
					if (r < end)
						r++; /* the closing quote */
				} else if (s[r] == '{') {
					unsigned long depth = 0;

					for (; r < end; r++) {
						if (s[r] == '{') {
							depth++;
						} else if (s[r] == '}') {
							if (--depth == 0) {
								text[w++] =
								    s[r++];
								break;
							}
						} else if (s[r] == '\\' &&
						    r + 1 < end) {
							r++;
						}
						text[w++] = s[r];
					}
				} else {
					while (r < end && !is_space(s[r])) {
						if (s[r] == '\\' && r + 1 < end)
							r++;
						text[w++] = s[r++];
					}
				}
			}
			text[w++] = '\0';
			if (r < end)
				r++; /* the space that ended the value */
			while (r < end && is_space(s[r]))
				r++;
		}
		if (name[0] == '\0')
			continue; /* "no" alone: libcups adds nothing */
		if (count == FM_OPTIONS_MAX)
			return -1;
		e[count] = (struct entry){name, value, count};
		count++;
	}
	return (long)count;
}

/* The index of the last entry named name, or -1 (SIZE_MAX here). */
static size_t
last_named(const struct entry *e, size_t n, const char *name)
{
	size_t last = SIZE_MAX;

	for (size_t i = 0; i < n; i++)
		if (name_cmp(e[i].name, name) == 0 &&
		    (last == SIZE_MAX || e[i].idx > last))
			last = e[i].idx;
	return last;
}

bool
fm_options_parse(
    const char *buf, size_t len, struct fm_options *out, const char **errstr)
{
	struct entry *e = NULL;
	size_t n, cap, pq, cpq;
	long count;

	if (out == NULL || errstr == NULL || (buf == NULL && len > 0)) {
		if (errstr != NULL)
			*errstr = "invalid arguments";
		return false;
	}
	*out = (struct fm_options){0};
	n = buf != NULL ? strnlen(buf, len) : 0;
	if (n > FM_OPTIONS_TEXTMAX) {
		*errstr = "options string too long";
		return false;
	}
	/* At most one name per two bytes ("a b"), plus one. */
	cap = n / 2 + 1;
	if ((out->text = malloc(2 * n + 2)) == NULL ||
	    (e = calloc(cap, sizeof(*e))) == NULL) {
		*errstr = "out of memory";
		goto fail;
	}
	if ((count = read_entries(buf, n, out->text, e)) < 0) {
		*errstr = "too many options";
		goto fail;
	}
	n = (size_t)count;
	if (n > 0 && (out->opt = calloc(n, sizeof(*out->opt))) == NULL) {
		*errstr = "out of memory";
		goto fail;
	}
	/* Sorted by name, then in the order given: each run of one name
	 * resolves as libcups's successive cupsAddOption() calls would. */
	qsort(e, n, sizeof(*e), entry_cmp);
	pq = last_named(e, n, "print-quality");
	cpq = last_named(e, n, "cupsPrintQuality");
	for (size_t i = 0, j; i < n; i = j) {
		size_t cut = SIZE_MAX, first = i;

		for (j = i + 1; j < n && name_cmp(e[j].name, e[i].name) == 0;)
			j++;
		/* Each of print-quality and cupsPrintQuality removes the
		 * other: the one given last stays, spelt as it was first
		 * given after the other's last. */
		if (name_cmp(e[i].name, "print-quality") == 0)
			cut = cpq;
		else if (name_cmp(e[i].name, "cupsPrintQuality") == 0)
			cut = pq;
		if (cut != SIZE_MAX) {
			if (cut > e[j - 1].idx)
				continue;
			while (e[first].idx < cut)
				first++;
		}
		out->opt[out->n++] =
		    (struct fm_option){e[first].name, e[j - 1].value};
	}
	free(e);
	return true;
fail:
	free(e);
	fm_options_free(out);
	return false;
}

const char *
fm_options_get(const struct fm_options *o, const char *name)
{
	if (o == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (name_cmp(o->opt[i].name, name) == 0)
			return o->opt[i].value;
	return NULL;
}

void
fm_options_free(struct fm_options *o)
{
	if (o == NULL)
		return;
	free(o->opt);
	free(o->text);
	*o = (struct fm_options){0};
}

/* Options that describe the job rather than how to print it, and secrets:
 * kept out of the options replayed at release. */
static const char *const meta_options[] = {
    "job-uuid",
    "job-originating-host-name",
    "time-at-creation",
    "time-at-processing",
    "date-time-at-creation",
    "date-time-at-processing",
    "document-name-supplied",
    "job-password",
    "job-password-encryption",
    "job-account-id",
    "job-billing",
    "job-accounting-user-id",
    "job-impressions",
    "job-media-sheets",
    "copies",
};

static bool
is_meta(const char *name)
{
	for (size_t i = 0; i < sizeof(meta_options) / sizeof(meta_options[0]);
	     i++)
		if (strcasecmp(name, meta_options[i]) == 0)
			return true;
	return false;
}

/* Copies src cleaned into dst; notes what had to change. */
static bool
clean(char *dst, size_t size, const char *src, unsigned *notes)
{
	size_t len = src ? strlen(src) : 0;
	bool fitted = fm_utf8_clean(dst, size, src ? src : "", len);

	if (strlen(dst) != len || (src && memcmp(dst, src, len) != 0))
		*notes |= FM_TICKET_NOTE_TEXT_CLEANED;
	return fitted;
}

static bool
parse_count(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (s == NULL || !fm_conf_parse_uint(s, &v) || v < 1 || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Appends name=value to t->options in CUPS syntax, quoting the value. */
static void
append_option(struct fm_ticket *t, const char *name, const char *value)
{
	size_t used = strlen(t->options), room = sizeof(t->options) - used;
	char quoted[FM_TICKET_OPTIONSMAX];
	size_t q = 0;

	for (const char *p = value; *p != '\0' && q + 2 < sizeof(quoted); p++) {
		if (strchr("\\\"' ", *p) != NULL)
			quoted[q++] = '\\';
		quoted[q++] = *p;
	}
	quoted[q] = '\0';
	/* An option that does not fit is dropped whole, never cut. */
	if ((size_t)snprintf(t->options + used, room, "%s%s=%s",
	        used ? " " : "", name, quoted) >= room)
		t->options[used] = '\0';
}

bool
fm_ticket_from_backend(struct fm_ticket *t, int argc, char **argv,
    const char *(*env)(const char *name), unsigned *notes, char *err,
    size_t errlen)
{
	struct fm_options opts = {0};
	const char *v, *errstr;
	char name[128], value[FM_TICKET_OPTIONSMAX];
	uint64_t job_id;
	bool ok = false;

	*notes = 0;
	memset(t, 0, sizeof(*t));
	if (argc != 6 && argc != 7) {
		snprintf(
		    err, errlen, "expected 5 or 6 arguments, got %d", argc - 1);
		return false;
	}
	if (!fm_conf_parse_uint(argv[1], &job_id) || job_id == 0 ||
	    job_id > UINT32_MAX) {
		snprintf(err, errlen, "invalid job id");
		return false;
	}
	t->cups_job_id = (uint32_t)job_id;
	clean(t->owner, sizeof(t->owner), argv[2], notes);
	if (t->owner[0] == '\0' || strcmp(t->owner, argv[2]) != 0) {
		snprintf(err, errlen, "invalid user name");
		return false;
	}
	if (!clean(t->title, sizeof(t->title), argv[3], notes))
		*notes |= FM_TICKET_NOTE_TITLE_SHORTENED;
	if (!parse_count(argv[4], FM_TICKET_COPIES_MAX, &t->copies)) {
		snprintf(err, errlen, "invalid number of copies (1 to %d)",
		    FM_TICKET_COPIES_MAX);
		return false;
	}

	if (!fm_options_parse(argv[5], strlen(argv[5]), &opts, &errstr)) {
		snprintf(err, errlen, "invalid options: %s", errstr);
		goto out;
	}
	if ((v = fm_options_get(&opts, "job-uuid")) == NULL ||
	    strncmp(v, "urn:uuid:", 9) != 0 || strlen(v) >= sizeof(t->uuid) ||
	    strspn(v + 9, "0123456789abcdefABCDEF-") != strlen(v + 9)) {
		snprintf(err, errlen, "missing or invalid job-uuid");
		goto out;
	}
	snprintf(t->uuid, sizeof(t->uuid), "%s", v);
	v = fm_options_get(&opts, "time-at-processing");
	clean(t->attempt, sizeof(t->attempt), v ? v : "0", notes);
	clean(t->host, sizeof(t->host),
	    fm_options_get(&opts, "job-originating-host-name"), notes);
	v = fm_options_get(&opts, "sides");
	if (v == NULL ||
	    (strcmp(v, "one-sided") != 0 &&
	        strcmp(v, "two-sided-long-edge") != 0 &&
	        strcmp(v, "two-sided-short-edge") != 0))
		v = "one-sided";
	snprintf(t->sides, sizeof(t->sides), "%s", v);
	t->number_up = 1;
	if ((v = fm_options_get(&opts, "number-up")) != NULL &&
	    !parse_count(v, FM_TICKET_NUMBER_UP_MAX, &t->number_up)) {
		snprintf(err, errlen, "invalid number-up (1 to %d)",
		    FM_TICKET_NUMBER_UP_MAX);
		goto out;
	}
	v = fm_options_get(&opts, "print-color-mode");
	if (v != NULL &&
	    (strcmp(v, "monochrome") == 0 || strcmp(v, "color") == 0 ||
	        strcmp(v, "auto") == 0))
		snprintf(t->color_mode, sizeof(t->color_mode), "%s", v);
	if ((v = fm_options_get(&opts, "media")) == NULL)
		v = fm_options_get(&opts, "PageSize");
	clean(t->media, sizeof(t->media), v, notes);
	if ((v = fm_options_get(&opts, "job-account-id")) == NULL)
		v = fm_options_get(&opts, "job-billing");
	clean(t->account, sizeof(t->account), v, notes);
	clean(t->doc_name, sizeof(t->doc_name),
	    fm_options_get(&opts, "document-name-supplied"), notes);
	for (size_t i = 0; i < opts.n; i++) {
		if (is_meta(opts.opt[i].name))
			continue;
		clean(name, sizeof(name), opts.opt[i].name, notes);
		clean(value, sizeof(value), opts.opt[i].value, notes);
		append_option(t, name, value);
	}

	if ((v = env("FINAL_CONTENT_TYPE")) == NULL || v[0] == '\0')
		v = env("CONTENT_TYPE");
	clean(t->format, sizeof(t->format),
	    v && v[0] ? v : "application/octet-stream", notes);
	clean(t->queue, sizeof(t->queue), env("PRINTER"), notes);
	ok = true;
out:
	fm_options_free(&opts);
	return ok;
}
