/*
 * jobs.c - followme-admin jobs list|show|delete|purge-expired, and
 * privacy anonymise (it works on the jobs' titles and hosts).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "admin/admin.h"
#include "common/utf8.h"
#include "quota/privacy.h"
#include "spooler/hold.h"
#include "spooler/spool.h"
#include "store/jobstore.h"

/* A job: the columns of jobs list, the JSON of jobs list and show. */
enum {
	J_ID,
	J_UUID,
	J_CUPS_JOB_ID,
	J_OWNER,
	J_HOST,
	J_TITLE,
	J_STATE,
	J_CREATED_SHOWN,
	J_PAGES_SHOWN,
	J_FORMAT,
	J_DOCUMENTS,
	J_SIZE,
	J_TITLE_SHOWN,
	J_PAGES,
	J_COUNTING,
	J_COPIES,
	J_SIDES,
	J_NUMBER_UP,
	J_COLOR_MODE,
	J_MEDIA,
	J_ACCOUNT,
	J_CREATED,
	J_EXPIRES,
	J_NCOLUMNS
};

#define C(kind, col, ...) FM_TABLE_##kind(J_##col, __VA_ARGS__)
static const struct fm_table_column job_columns[J_NCOLUMNS] = {
    C(COLUMN, ID, N_("ID"), -6, "id", INT), C(JSON, UUID, "uuid", TEXT),
    C(JSON, CUPS_JOB_ID, "cups_job_id", INT),
    C(COLUMN, OWNER, N_("OWNER"), -12, "owner", TEXT),
    C(JSON, HOST, "host", TEXT), C(JSON, TITLE, "title", TEXT),
    C(COLUMN, STATE, N_("STATE"), -8, "state", TEXT),
    C(SHOWN, CREATED_SHOWN, N_("CREATED"), -19, TIME),
    C(SHOWN, PAGES_SHOWN, N_("PAGES"), 9, TEXT),
    C(JSON, FORMAT, "format", TEXT), C(JSON, DOCUMENTS, "document_count", INT),
    C(COLUMN, SIZE, N_("BYTES"), 9, "size", INT),
    /* A terminal is no place for a title's escape sequences. */
    C(CLEANED, TITLE_SHOWN, N_("TITLE"), "  ", NULL),
    C(JSON, PAGES, "pages", INT), C(JSON, COUNTING, "counting", BOOL),
    C(JSON, COPIES, "copies", INT), C(JSON, SIDES, "sides", TEXT),
    C(JSON, NUMBER_UP, "number_up", INT),
    C(JSON, COLOR_MODE, "color_mode", TEXT), C(JSON, MEDIA, "media", TEXT),
    C(JSON, ACCOUNT, "account", TEXT), C(JSON, CREATED, "created_at", TIME),
    C(JSON, EXPIRES, "expires_at", TIME)};
#undef C

/* The page count a table shows: the number, "counting…" while
 * followmed counts it after the hold, or "?" when it is not known. */
static const char *
shown_pages(const struct fm_job *job, char *buf, size_t size)
{
	if (job->counting)
		snprintf(buf, size, "%s", _("counting\u2026"));
	else if (job->pages >= 0)
		snprintf(buf, size, "%" PRId64, job->pages);
	else
		snprintf(buf, size, "?");
	return buf;
}

/* A cell of job_columns, named without J_: a text or a number. */
#define TEXT(col, text) [J_##col] = {(text), 0}
#define NUMBER(col, number) [J_##col] = {NULL, (number)}

/*
 * Writes job to t with emit: fm_table_row() for a line of jobs list,
 * fm_table_fields() for the members of the object jobs show writes.
 */
static void
write_job(struct fm_table *t, const struct fm_job *job,
    void (*emit)(struct fm_table *, const struct fm_table_cell *))
{
	const struct fm_ticket *k = &job->ticket;
	char pages[32];
	const struct fm_table_cell c[J_NCOLUMNS] = {NUMBER(ID, job->id),
	    TEXT(UUID, k->uuid), NUMBER(CUPS_JOB_ID, k->cups_job_id),
	    TEXT(OWNER, k->owner), TEXT(HOST, k->host), TEXT(TITLE, k->title),
	    TEXT(STATE, job->state), NUMBER(CREATED_SHOWN, job->created_at),
	    TEXT(PAGES_SHOWN, shown_pages(job, pages, sizeof(pages))),
	    TEXT(FORMAT, k->format), NUMBER(DOCUMENTS, job->documents),
	    NUMBER(SIZE, (int64_t)k->size), TEXT(TITLE_SHOWN, k->title),
	    NUMBER(PAGES, job->pages), NUMBER(COUNTING, job->counting),
	    NUMBER(COPIES, k->copies), TEXT(SIDES, k->sides),
	    NUMBER(NUMBER_UP, k->number_up), TEXT(COLOR_MODE, k->color_mode),
	    TEXT(MEDIA, k->media), TEXT(ACCOUNT, k->account),
	    NUMBER(CREATED, job->created_at), NUMBER(EXPIRES, job->expires_at)};

	emit(t, c);
}

#undef TEXT
#undef NUMBER

static bool
list_job(const struct fm_job *job, void *table)
{
	write_job(table, job, fm_table_row);
	return true;
}

enum { LIST_USER, LIST_STATE, LIST_ALL };

static int
jobs_list(struct fm_admin *admin)
{
	static const char *const states[] = {
	    "held", "releasing", "released", "deleted", "expired"};
	const struct fm_grammar_value *state = &admin->args.opt[LIST_STATE];
	const char *want = "held";
	struct fm_table t;
	bool known = false;

	/* --state and --all: the later one counts. */
	if (admin->args.opt[LIST_ALL].seq > state->seq)
		want = NULL;
	else if (state->text != NULL)
		want = state->text;
	for (size_t i = 0; want != NULL && i < sizeof(states) / sizeof(*states);
	     i++)
		known = known || strcmp(want, states[i]) == 0;
	if (want != NULL && !known)
		return fm_admin_usage(admin,
		    "unknown state '%s' (held, releasing, released, deleted, "
		    "expired)",
		    want);
	fm_admin_list_begin(admin, &t, job_columns, J_NCOLUMNS);
	return fm_admin_list_end(admin, &t,
	    fm_jobstore_list(admin->store, admin->args.opt[LIST_USER].text,
	        want, list_job, &t),
	    "jobs", "No jobs.");
}

enum {
	D_SEQ,
	D_NAME,
	D_FORMAT,
	D_SIZE,
	D_PAGES,
	D_COLOR_PAGES,
	D_COUNT_STATUS,
	D_SPOOL_FILE,
	D_NCOLUMNS
};

#define C(kind, col, ...) FM_TABLE_##kind(D_##col, __VA_ARGS__)
static const struct fm_table_column document_columns[D_NCOLUMNS] = {
    C(JSON, SEQ, "seq", INT), C(JSON, NAME, "name", TEXT),
    C(JSON, FORMAT, "format", TEXT), C(JSON, SIZE, "size", INT),
    C(JSON, PAGES, "pages", INT), C(JSON, COLOR_PAGES, "color_pages", INT),
    C(JSON, COUNT_STATUS, "count_status", TEXT),
    C(JSON, SPOOL_FILE, "spool_file", TEXT)};
#undef C

static bool
print_document(const struct fm_document *doc, void *arg)
{
	struct fm_table *t = arg;
	char name[128], pages[64];

	if (t->json) {
		struct fm_table_cell c[D_NCOLUMNS] = {
		    [D_SEQ] = {NULL, doc->seq},
		    [D_NAME] = {doc->name, 0},
		    [D_FORMAT] = {doc->format, 0},
		    [D_SIZE] = {NULL, (int64_t)doc->size},
		    [D_PAGES] = {NULL, doc->pages},
		    [D_COLOR_PAGES] = {NULL,
		        doc->pages >= 0 ? doc->color_pages : -1},
		    [D_COUNT_STATUS] = {doc->count_status, 0},
		    [D_SPOOL_FILE] = {doc->spool_file, 0},
		};
		fm_table_row(t, c);
		return true;
	}
	fm_utf8_clean_shown(name, sizeof(name), doc->name, strlen(doc->name));
	if (doc->pages >= 0)
		snprintf(pages, sizeof(pages),
		    P_("%" PRId64 " page, %" PRId64 " in colour",
		        "%" PRId64 " pages, %" PRId64 " in colour", doc->pages),
		    doc->pages, doc->color_pages);
	else
		snprintf(pages, sizeof(pages), _("pages not counted (%s)"),
		    doc->count_status);
	printf(
	    P_("  document %d: %s, %s, %" PRIu64 " byte, %s%s\n",
	        "  document %d: %s, %s, %" PRIu64 " bytes, %s%s\n", doc->size),
	    doc->seq, name[0] ? name : _("(unnamed)"), doc->format, doc->size,
	    pages, doc->spool_file[0] ? "" : _(", data destroyed"));
	return true;
}

static bool
print_event(int64_t at, const char *event, const char *detail, void *arg)
{
	char when[FM_TABLE_TIMEMAX];

	(void)arg;
	printf("  %s  %s%s%s\n", fm_table_time(at, when, sizeof(when)), event,
	    detail[0] ? ": " : "", detail);
	return true;
}

static int
jobs_show(struct fm_admin *admin)
{
	struct fm_table documents;
	struct fm_job job;
	char when[FM_TABLE_TIMEMAX], title[FM_TICKET_TITLEMAX];
	int64_t id = admin->args.operand[0].number;

	if (!fm_jobstore_get(admin->store, id, &job))
		return fm_admin_fail("no job %" PRId64, id);
	fm_table_init(
	    &documents, stdout, document_columns, D_NCOLUMNS, admin->json);
	fm_table_localize(&documents, admin->lang, admin->currency);
	if (admin->json) {
		struct fm_table t;

		fm_table_init(&t, stdout, job_columns, J_NCOLUMNS, true);
		fputc('{', stdout);
		write_job(&t, &job, fm_table_fields);
		fputs(",\"documents\":[", stdout);
		fm_jobstore_documents(
		    admin->store, id, print_document, &documents);
		fputs("]}\n", stdout);
		return FM_ADMIN_OK;
	}
	fm_utf8_clean_shown(
	    title, sizeof(title), job.ticket.title, strlen(job.ticket.title));
	printf(_("Job %" PRId64 " (CUPS job %u, %s)\n"), job.id,
	    job.ticket.cups_job_id, job.ticket.uuid);
	printf(_("  owner:    %s from %s\n"), job.ticket.owner,
	    job.ticket.host[0] ? job.ticket.host : _("(unknown host)"));
	printf(_("  title:    %s\n"), title);
	printf(_("  state:    %s\n"), job.state);
	printf(_("  created:  %s\n"),
	    fm_table_time(job.created_at, when, sizeof(when)));
	printf(_("  expires:  %s\n"),
	    fm_table_time(job.expires_at, when, sizeof(when)));
	/* The options keep their IPP names: they are what lp -o takes. */
	printf(_("  options:  copies=%u sides=%s number-up=%u color=%s "
	         "media=%s%s%s\n"),
	    job.ticket.copies, job.ticket.sides, job.ticket.number_up,
	    job.ticket.color_mode[0] ? job.ticket.color_mode : "auto",
	    job.ticket.media[0] ? job.ticket.media : "default",
	    job.ticket.account[0] ? " account=" : "", job.ticket.account);
	printf(P_("  size:     %" PRIu64 " bytes in %d document\n",
	           "  size:     %" PRIu64 " bytes in %d documents\n",
	           job.documents),
	    job.ticket.size, job.documents);
	fm_jobstore_documents(admin->store, id, print_document, &documents);
	printf("%s", _("  history:\n"));
	fm_jobstore_events(admin->store, id, print_event, NULL);
	return FM_ADMIN_OK;
}

/* Ends a held job and destroys its data; false if it was not held. */
static bool
end_job(struct fm_admin *admin, fm_spool_t *spool, int64_t id,
    const char *state, const char *detail)
{
	switch (
	    fm_hold_end(admin->store, spool, id, state, detail, admin->now)) {
	case FM_HOLD_NOT_HELD:
		return false;
	case FM_HOLD_FILES_LEFT:
		fm_admin_fail("job %" PRId64 ": some spool files could not be "
		              "removed; followmed removes them at start-up",
		    id);
		return true;
	case FM_HOLD_ENDED:
		break;
	}
	return true;
}

static fm_spool_t *
open_spool(struct fm_admin *admin)
{
	char dir[512];
	const char *errstr = NULL;
	fm_spool_t *spool;

	if (!fm_settings_spool_dir(&admin->settings, dir, sizeof(dir)))
		return NULL;
	if ((spool = fm_spool_open(dir, NULL, &errstr)) == NULL)
		fm_admin_fail("%s: %s", dir, errstr);
	return spool;
}

static int
jobs_delete(struct fm_admin *admin)
{
	struct fm_job job;
	fm_spool_t *spool;
	int64_t id = admin->args.operand[0].number;
	int rc = FM_ADMIN_OK;

	if (!fm_jobstore_get(admin->store, id, &job))
		return fm_admin_fail("no job %" PRId64, id);
	if ((spool = open_spool(admin)) == NULL)
		return FM_ADMIN_FAIL;
	if (!end_job(admin, spool, id, "deleted", "by followme-admin"))
		rc = fm_admin_fail("job %" PRId64 " is %s, not held; nothing "
		                   "deleted",
		    id, job.state);
	else
		printf(_("Deleted job %" PRId64 " of %s.\n"), id,
		    job.ticket.owner);
	fm_spool_close(spool);
	return rc;
}

static int
jobs_purge_expired(struct fm_admin *admin)
{
	int64_t ids[256];
	fm_spool_t *spool;
	int n, total = 0;

	if ((spool = open_spool(admin)) == NULL)
		return FM_ADMIN_FAIL;
	while ((n = fm_jobstore_expired(admin->store, admin->now, ids,
	            (int)(sizeof(ids) / sizeof(ids[0])))) > 0) {
		for (int i = 0; i < n; i++)
			if (end_job(
			        admin, spool, ids[i], "expired", "not charged"))
				total++;
	}
	fm_spool_close(spool);
	if (n < 0)
		return fm_admin_fail("cannot read expired jobs: %s",
		    fm_store_last_error(admin->store));
	return fm_admin_done(
	    P_("Purged %d expired job.", "Purged %d expired jobs.", total),
	    total);
}

enum { ANONYMISE_OLDER_THAN };

static int
privacy_anonymise(struct fm_admin *admin)
{
	int64_t days = admin->args.opt[ANONYMISE_OLDER_THAN].number, count = 0;

	if (!fm_privacy_anonymise(admin->store,
	        fm_store_now(admin->store) - days * 86400, &count))
		return fm_admin_fail(
		    "cannot anonymise: %s", fm_store_last_error(admin->store));
	return fm_admin_done(P_("Anonymised %" PRId64 " job.",
	                         "Anonymised %" PRId64 " jobs.", count),
	    count);
}

static const struct fm_grammar_option list_options[FM_GRAMMAR_OPTTABLE] = {
    [LIST_USER] = {"user", .help = N_("only the jobs of this owner")},
    [LIST_STATE] = {"state",
        .help = N_("jobs in this state instead of held ones")},
    [LIST_ALL] = {"all", .kind = FM_GRAMMAR_FLAG,
        .help = N_("jobs in every state")},
};

static const struct fm_grammar_option anonymise_options[FM_GRAMMAR_OPTTABLE] = {
    [ANONYMISE_OLDER_THAN] = {"older-than", .kind = FM_GRAMMAR_INTEGER,
        .flags = FM_GRAMMAR_REQUIRED | FM_GRAMMAR_AT_ONCE,
        .invalid = N_("--older-than is a number of days (0 to 36500)"),
        .missing = N_("--older-than DAYS is required"), .min = 0, .max = 36500,
        .help = N_("jobs that ended this many days ago or more")},
};

static const struct fm_grammar_option job_id = {"ID",
    .kind = FM_GRAMMAR_INTEGER, .invalid = N_("'%s' is not a job id"), .min = 1,
    .max = INT64_MAX, .help = N_("a job number")};

static const struct fm_grammar_command jobs_commands[] = {
    {"jobs", "list", "[--user USER] [--state STATE | --all] [--json]",
        N_("list held jobs (or jobs in STATE, or all)"), FM_GRAMMAR_STORE,
        .run = jobs_list, .options = list_options},
    {"jobs", "show", "ID [--json]",
        N_("show one job, its documents and history"), FM_GRAMMAR_STORE,
        .run = jobs_show,
        .operands = {1, 1, N_("expected one job id"), &job_id}},
    {"jobs", "delete", "ID", N_("delete a held job and destroy its data"),
        FM_GRAMMAR_STORE, .run = jobs_delete,
        .operands = {1, 1, N_("expected one job id"), &job_id}},
    {"jobs", "purge-expired", "",
        N_("expire every held job past its expiry time now"), FM_GRAMMAR_STORE,
        .run = jobs_purge_expired, .operands = FM_ADMIN_NO_OPERANDS},
};

static const struct fm_grammar_command privacy_commands[] = {
    {"privacy", "anonymise", "--older-than DAYS",
        N_("remove titles and hosts of jobs that ended DAYS ago"),
        FM_GRAMMAR_STORE, .run = privacy_anonymise,
        .options = anonymise_options,
        .operands = {0, 0, N_("--older-than DAYS is required"), NULL}},
};

const struct fm_admin_group fm_admin_group_jobs = FM_ADMIN_GROUP(jobs_commands);
const struct fm_admin_group fm_admin_group_privacy =
    FM_ADMIN_GROUP(privacy_commands);
