/*
 * options.c - building the job ticket from the backend's arguments.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/options.h"

#include <cups/cups.h>
#include <stdio.h>
#include <string.h>

#include "common/conf.h"
#include "common/utf8.h"

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
	cups_option_t *opts = NULL;
	const char *v;
	char name[128], value[FM_TICKET_OPTIONSMAX];
	uint64_t job_id;
	int nopts;
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

	nopts = cupsParseOptions(argv[5], 0, &opts);
	if ((v = cupsGetOption("job-uuid", nopts, opts)) == NULL ||
	    strncmp(v, "urn:uuid:", 9) != 0 || strlen(v) >= sizeof(t->uuid) ||
	    strspn(v + 9, "0123456789abcdefABCDEF-") != strlen(v + 9)) {
		snprintf(err, errlen, "missing or invalid job-uuid");
		goto out;
	}
	snprintf(t->uuid, sizeof(t->uuid), "%s", v);
	v = cupsGetOption("time-at-processing", nopts, opts);
	clean(t->attempt, sizeof(t->attempt), v ? v : "0", notes);
	clean(t->host, sizeof(t->host),
	    cupsGetOption("job-originating-host-name", nopts, opts), notes);
	v = cupsGetOption("sides", nopts, opts);
	if (v == NULL ||
	    (strcmp(v, "one-sided") != 0 &&
	        strcmp(v, "two-sided-long-edge") != 0 &&
	        strcmp(v, "two-sided-short-edge") != 0))
		v = "one-sided";
	snprintf(t->sides, sizeof(t->sides), "%s", v);
	t->number_up = 1;
	if ((v = cupsGetOption("number-up", nopts, opts)) != NULL &&
	    !parse_count(v, FM_TICKET_NUMBER_UP_MAX, &t->number_up)) {
		snprintf(err, errlen, "invalid number-up (1 to %d)",
		    FM_TICKET_NUMBER_UP_MAX);
		goto out;
	}
	v = cupsGetOption("print-color-mode", nopts, opts);
	if (v != NULL &&
	    (strcmp(v, "monochrome") == 0 || strcmp(v, "color") == 0 ||
	        strcmp(v, "auto") == 0))
		snprintf(t->color_mode, sizeof(t->color_mode), "%s", v);
	if ((v = cupsGetOption("media", nopts, opts)) == NULL)
		v = cupsGetOption("PageSize", nopts, opts);
	clean(t->media, sizeof(t->media), v, notes);
	if ((v = cupsGetOption("job-account-id", nopts, opts)) == NULL)
		v = cupsGetOption("job-billing", nopts, opts);
	clean(t->account, sizeof(t->account), v, notes);
	clean(t->doc_name, sizeof(t->doc_name),
	    cupsGetOption("document-name-supplied", nopts, opts), notes);
	for (int i = 0; i < nopts; i++) {
		if (is_meta(opts[i].name))
			continue;
		clean(name, sizeof(name), opts[i].name, notes);
		clean(value, sizeof(value), opts[i].value, notes);
		append_option(t, name, value);
	}

	if ((v = env("FINAL_CONTENT_TYPE")) == NULL || v[0] == '\0')
		v = env("CONTENT_TYPE");
	clean(t->format, sizeof(t->format),
	    v && v[0] ? v : "application/octet-stream", notes);
	clean(t->queue, sizeof(t->queue), env("PRINTER"), notes);
	ok = true;
out:
	cupsFreeOptions(nopts, opts);
	return ok;
}
