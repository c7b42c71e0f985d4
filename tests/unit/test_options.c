/*
 * test_options.c - unit tests for spooler/options.c (ticket building).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <cups/backend.h>
#include <cups/cups.h>
#include <stdlib.h>

#include "spooler/options.h"
#include "tests/unit/harness.h"

const char *__lsan_default_suppressions(void);

/* libcups 2.4 leaks the array when print-quality and cupsPrintQuality
 * remove each other down to no option: its leak, not ours. */
const char *
__lsan_default_suppressions(void)
{
	return "leak:cupsAddOption\n";
}

static const char *fake_env[][2] = {
    {"CONTENT_TYPE", "application/postscript"},
    {"FINAL_CONTENT_TYPE", "application/pdf"},
    {"PRINTER", "followme-pdf"},
};

static const char *
env(const char *name)
{
	for (size_t i = 0; i < sizeof(fake_env) / sizeof(fake_env[0]); i++)
		if (strcmp(fake_env[i][0], name) == 0)
			return fake_env[i][1];
	return NULL;
}

static const char *
no_env(const char *name)
{
	(void)name;
	return NULL;
}

#define OPTS                                                                   \
	"finishings=3 number-up=2 print-color-mode=monochrome "                \
	"sides=two-sided-long-edge media=iso_a4_210x297mm "                    \
	"job-uuid=urn:uuid:b0aa9fd5-2a2c-3160-4f80-e778d5860ab2 "              \
	"job-originating-host-name=pc7 time-at-processing=1795389452 "         \
	"job-password=secret job-account-id=O10 "                              \
	"document-name-supplied=a.pdf"

static void
test_full_ticket(void)
{
	char *argv[] = {
	    "followme:/", "12", "alice", "Report", "2", OPTS, "/tmp/x"};
	struct fm_ticket t;
	char err[256] = "";
	unsigned notes;

	ASSERT_TRUE(
	    fm_ticket_from_backend(&t, 7, argv, env, &notes, err, sizeof(err)));
	ASSERT_UINT_EQ(t.cups_job_id, 12);
	ASSERT_STR_EQ(t.owner, "alice");
	ASSERT_STR_EQ(t.title, "Report");
	ASSERT_UINT_EQ(t.copies, 2);
	ASSERT_UINT_EQ(t.number_up, 2);
	ASSERT_STR_EQ(t.sides, "two-sided-long-edge");
	ASSERT_STR_EQ(t.color_mode, "monochrome");
	ASSERT_STR_EQ(t.media, "iso_a4_210x297mm");
	ASSERT_STR_EQ(t.account, "O10");
	ASSERT_STR_EQ(t.host, "pc7");
	ASSERT_STR_EQ(t.attempt, "1795389452");
	ASSERT_STR_EQ(t.uuid, "urn:uuid:b0aa9fd5-2a2c-3160-4f80-e778d5860ab2");
	ASSERT_STR_EQ(t.format, "application/pdf");
	ASSERT_STR_EQ(t.queue, "followme-pdf");
	ASSERT_STR_EQ(t.doc_name, "a.pdf");
	/* Printing options are kept for release; metadata and secrets not. */
	ASSERT_STR_CONTAINS(t.options, "finishings=3");
	ASSERT_TRUE(strstr(t.options, "secret") == NULL);
	ASSERT_TRUE(strstr(t.options, "job-uuid") == NULL);
	ASSERT_INT_EQ(notes, 0);
}

/* The job-uuid option every job needs. */
#define UUID1 "job-uuid=urn:uuid:00000000-0000-0000-0000-000000000001"

/* What fm_ticket_from_backend() made of a job. */
struct result {
	struct fm_ticket t;
	unsigned notes;
	char err[256];
};

/* Job 1 from the backend's first argc of argv {uri, "1", user, title,
 * copies, options}, with no environment: false if it is refused. */
static bool
from_job(struct result *r, int argc, char *user, char *title, char *copies,
    char *options)
{
	char *argv[] = {"followme:/", "1", user, title, copies, options};

	r->err[0] = '\0';
	return fm_ticket_from_backend(
	    &r->t, argc, argv, no_env, &r->notes, r->err, sizeof(r->err));
}

static void
test_defaults_and_raw_format(void)
{
	struct result r;

	ASSERT_TRUE(from_job(&r, 6, "bob", "", "1", UUID1));
	ASSERT_STR_EQ(r.t.sides, "one-sided");
	ASSERT_UINT_EQ(r.t.number_up, 1);
	ASSERT_STR_EQ(r.t.format, "application/octet-stream");
	ASSERT_STR_EQ(r.t.attempt, "0");
}

static void
test_hostile_title_cleaned(void)
{
	char title[12000];
	struct result r;

	memset(title, 'x', sizeof(title) - 1);
	title[sizeof(title) - 1] = '\0';
	memcpy(title, "\x1b[2J\n\"q\"\xff\xfe", 10);
	ASSERT_TRUE(from_job(&r, 6, "bob", title, "1", UUID1));
	ASSERT_TRUE(r.notes & FM_TICKET_NOTE_TITLE_SHORTENED);
	ASSERT_TRUE(r.notes & FM_TICKET_NOTE_TEXT_CLEANED);
	ASSERT_TRUE(strlen(r.t.title) < FM_TICKET_TITLEMAX);
	ASSERT_TRUE(strchr(r.t.title, '\x1b') == NULL);
	ASSERT_TRUE(strchr(r.t.title, '\n') == NULL);
	ASSERT_STR_CONTAINS(r.t.title, "\"q\"\xef\xbf\xbd");
}

static void
test_refusals(void)
{
	static const struct {
		int argc;
		char *user, *copies, *options;
		const char *err; /* a part of the message; "": not checked */
	} rows[] = {
	    {6, "bob", "0", UUID1, "copies"},
	    {6, "bob", "abc", UUID1, ""},
	    {6, "", "1", UUID1, "user name"},
	    {6, "bob\nroot", "1", UUID1, ""},
	    {6, "bob", "1", "number-up=1", "job-uuid"},
	    {6, "bob", "1", "job-uuid=urn:uuid:0000-../../x", ""},
	    {6, "bob", "1", UUID1 " number-up=99", "number-up"},
	    /* No options at all. */
	    {5, "bob", "1", UUID1 " number-up=99", ""},
	};
	struct result r;

	for (EACH_ROW(i, rows)) {
		ASSERT_FALSE(from_job(&r, rows[i].argc, rows[i].user, "t",
		    rows[i].copies, rows[i].options));
		ASSERT_STR_CONTAINS(r.err, rows[i].err);
	}
}

static void
test_non_utf8_options_cleaned(void)
{
	struct result r;

	ASSERT_TRUE(from_job(&r, 6, "bob", "t", "1",
	    UUID1 " media=a4\xff\xfe job-billing=caf\xe9"));
	ASSERT_STR_EQ(r.t.media, "a4\xef\xbf\xbd\xef\xbf\xbd");
	ASSERT_STR_EQ(r.t.account, "caf\xef\xbf\xbd");
	ASSERT_TRUE(r.notes & FM_TICKET_NOTE_TEXT_CLEANED);
}

/* Strings where a hand-written parser would part from libcups's. */
static const char *const tricky[] = {
    "",
    " ",
    "a",
    "a=1",
    "  a=1   b=2  ",
    "a=1\tb=2\nc=3\rd=4\ve=5\ff=6",
    "a = 1",
    "a =1",
    "a= b=2",
    "a=",
    "a=1 =2 b=3",
    "=x",
    "a=1 ==",
    "collate",
    "nocollate",
    "NoCollate Collate",
    "no",
    "No n nO=1",
    "noa=1",
    "a='x y' b=\"p q\"",
    "a='it\\'s' b=\"say \\\"hi\\\"\"",
    "a='unterminated",
    "a=\"unterminated\\",
    "a='x'y'z w' b",
    "a=x'y z'",
    "a=,'x y',\"p q\",{r s}",
    "a=,,, b=,",
    "a=x\\ y b=c\\\\d e=\\",
    "a=\\'x",
    "a={b=1 c={d=2 e=3}} f=4",
    "a={b=\\} c} d=1",
    "a={unclosed b=1",
    "a={x}{y} z",
    "a={x}'q r' s",
    "{a=1 b=2}",
    "{a=1 b=2",
    "a=1 b=2}",
    "{}",
    "{",
    "}",
    "{{a=1}}",
    "a=1 A=2 a=3",
    "Sides=two-sided-long-edge sides=one-sided",
    "print-quality=5 cupsPrintQuality=High",
    "cupsPrintQuality=High print-quality=5",
    "print-quality=3 cupsPrintQuality=Draft Print-Quality=4",
    "PRINT-QUALITY=3 cupsprintquality=x print-quality=5 CUPSPRINTQUALITY=y",
    "print-quality=3 cupsPrintQuality=x",
    "z=1 y=2 x=3 Z=4 _=5 -=6 0=7 [=8 ~=9 \x7f=10",
    "caf\xc3\xa9=1 cafe=2 caf\xe9=3 \xff=4 \x80=5",
    "a=\x01\x02 \x1b[2J=x",
    "job-uuid=urn:uuid:b0aa9fd5-2a2c-3160-4f80-e778d5860ab2 "
    "job-originating-host-name=pc7 time-at-processing=1795389452 "
    "finishings=3 number-up=2 media=iso_a4_210x297mm noJob-hold",
};

/* fm_options_parse() gives exactly what cupsParseOptions() gives. */
static void
test_parse_as_libcups(void)
{
	for (EACH_ROW(i, tricky)) {
		cups_option_t *cups = NULL;
		struct fm_options ours;
		const char *errstr = NULL;
		int n = cupsParseOptions(tricky[i], 0, &cups);

		ASSERT_TRUE(fm_options_parse(
		    tricky[i], strlen(tricky[i]), &ours, &errstr));
		ASSERT_UINT_EQ(ours.n, n);
		for (int k = 0; k < n && (size_t)k < ours.n; k++) {
			ASSERT_STR_EQ(ours.opt[k].name, cups[k].name);
			ASSERT_STR_EQ(ours.opt[k].value, cups[k].value);
			ASSERT_STR_EQ(fm_options_get(&ours, cups[k].name),
			    cupsGetOption(cups[k].name, n, cups));
		}
		ASSERT_NULL(fm_options_get(&ours, "absent"));
		fm_options_free(&ours);
		cupsFreeOptions(n, cups);
	}
}

/* A few of them spelled out, so that the rules are visible here. */
static void
test_parse_rules(void)
{
	struct fm_options o;
	const char *errstr;
	static const char text[] =
	    "b='x y' nocollate A=1 a=2 c={d=1 e=\\}} f=g\\ h =i j=k";

	ASSERT_TRUE(fm_options_parse(text, strlen(text), &o, &errstr));
	ASSERT_UINT_EQ(o.n, 5);
	ASSERT_STR_EQ(o.opt[0].name, "A");
	ASSERT_STR_EQ(o.opt[0].value, "2");
	ASSERT_STR_EQ(fm_options_get(&o, "b"), "x y");
	ASSERT_STR_EQ(fm_options_get(&o, "COLLATE"), "false");
	ASSERT_STR_EQ(fm_options_get(&o, "c"), "{d=1 e=}}");
	ASSERT_STR_EQ(fm_options_get(&o, "f"), "g h");
	/* Parsing stopped at the = with no name. */
	ASSERT_NULL(fm_options_get(&o, "j"));
	fm_options_free(&o);
	fm_options_free(&o);

	/* The string ends at len, or at a NUL before it. */
	ASSERT_TRUE(fm_options_parse("a=1 b=2", 6, &o, &errstr));
	ASSERT_STR_EQ(fm_options_get(&o, "b"), "");
	fm_options_free(&o);
	ASSERT_TRUE(fm_options_parse("a=1\0b=2", 7, &o, &errstr));
	ASSERT_UINT_EQ(o.n, 1);
	fm_options_free(&o);
	ASSERT_TRUE(fm_options_parse(NULL, 0, &o, &errstr));
	ASSERT_UINT_EQ(o.n, 0);
	fm_options_free(&o);
	ASSERT_FALSE(fm_options_parse(NULL, 1, &o, &errstr));
}

static void
test_parse_limits(void)
{
	size_t len = FM_OPTIONS_TEXTMAX + 1;
	char *big = malloc(len + 1);
	struct fm_options o;
	const char *errstr = NULL;
	struct result r;

	ASSERT_NOT_NULL(big);
	/* FM_OPTIONS_MAX names fit; one more does not. */
	for (size_t i = 0; i < 2 * FM_OPTIONS_MAX + 2; i += 2)
		memcpy(big + i, "a ", 2);
	ASSERT_TRUE(fm_options_parse(big, 2 * FM_OPTIONS_MAX, &o, &errstr));
	ASSERT_UINT_EQ(o.n, 1);
	fm_options_free(&o);
	ASSERT_FALSE(
	    fm_options_parse(big, 2 * FM_OPTIONS_MAX + 1, &o, &errstr));
	ASSERT_STR_EQ(errstr, "too many options");
	/* The longest argument exec passes, and one byte more. */
	memset(big, 'x', len);
	big[len] = '\0';
	memcpy(big, "a=", 2);
	ASSERT_TRUE(fm_options_parse(big, len - 1, &o, &errstr));
	ASSERT_UINT_EQ(strlen(fm_options_get(&o, "a")), len - 3);
	fm_options_free(&o);
	ASSERT_FALSE(fm_options_parse(big, len, &o, &errstr));
	ASSERT_STR_EQ(errstr, "options string too long");
	/* The backend refuses such a job with the reason. */
	ASSERT_FALSE(from_job(&r, 6, "bob", "t", "1", big));
	ASSERT_STR_CONTAINS(r.err, "options string too long");
	free(big);
}

/* The backend's exit statuses are backend(7)'s. */
static void
test_backend_status_values(void)
{
	ASSERT_INT_EQ(FM_BACKEND_OK, CUPS_BACKEND_OK);
	ASSERT_INT_EQ(FM_BACKEND_FAILED, CUPS_BACKEND_FAILED);
	ASSERT_INT_EQ(FM_BACKEND_AUTH_REQUIRED, CUPS_BACKEND_AUTH_REQUIRED);
	ASSERT_INT_EQ(FM_BACKEND_HOLD, CUPS_BACKEND_HOLD);
	ASSERT_INT_EQ(FM_BACKEND_STOP, CUPS_BACKEND_STOP);
	ASSERT_INT_EQ(FM_BACKEND_CANCEL, CUPS_BACKEND_CANCEL);
	ASSERT_INT_EQ(FM_BACKEND_RETRY, CUPS_BACKEND_RETRY);
	ASSERT_INT_EQ(FM_BACKEND_RETRY_CURRENT, CUPS_BACKEND_RETRY_CURRENT);
}

/* Options found without regard to case, as cupsGetOption() finds them. */
static void
test_ticket_options_any_case(void)
{
	struct result r;

	ASSERT_TRUE(from_job(&r, 6, "bob", "t", "1",
	    "JOB-UUID=urn:uuid:00000000-0000-0000-0000-000000000002 "
	    "Sides=two-sided-short-edge sides='two-sided-long-edge' "
	    "Number-Up=4 noCollate"));
	ASSERT_STR_EQ(
	    r.t.uuid, "urn:uuid:00000000-0000-0000-0000-000000000002");
	ASSERT_STR_EQ(r.t.sides, "two-sided-long-edge");
	ASSERT_UINT_EQ(r.t.number_up, 4);
	ASSERT_STR_EQ(r.t.options,
	    "Collate=false Number-Up=4 "
	    "Sides=two-sided-long-edge");
}

int
main(void)
{
	RUN(test_full_ticket);
	RUN(test_defaults_and_raw_format);
	RUN(test_hostile_title_cleaned);
	RUN(test_refusals);
	RUN(test_non_utf8_options_cleaned);
	RUN(test_parse_as_libcups);
	RUN(test_parse_rules);
	RUN(test_parse_limits);
	RUN(test_backend_status_values);
	RUN(test_ticket_options_any_case);
	return harness_done();
}
