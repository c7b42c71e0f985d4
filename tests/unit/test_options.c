/*
 * test_options.c - unit tests for spooler/options.c (ticket building).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/options.h"
#include "tests/unit/harness.h"

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

int
main(void)
{
	RUN(test_full_ticket);
	RUN(test_defaults_and_raw_format);
	RUN(test_hostile_title_cleaned);
	RUN(test_refusals);
	RUN(test_non_utf8_options_cleaned);
	return harness_done();
}
