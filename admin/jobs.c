/*
 * admin-jobs.c - followme-admin jobs list|show|delete|purge-expired.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/utf8.h"
#include "admin/admin.h"
#include "store/jobstore.h"
#include "spooler/spool.h"

struct list_ctx {
	struct fm_admin *admin;
	int count;
};

static void
print_job_json(const struct fm_job *job)
{
	const struct fm_ticket *t = &job->ticket;

	fputc('{', stdout);
	fm_json_key_int(stdout, "id", job->id);
	fputc(',', stdout);
	fm_json_key_string(stdout, "uuid", t->uuid);
	fputc(',', stdout);
	fm_json_key_int(stdout, "cups_job_id", t->cups_job_id);
	fputc(',', stdout);
	fm_json_key_string(stdout, "owner", t->owner);
	fputc(',', stdout);
	fm_json_key_string(stdout, "host", t->host);
	fputc(',', stdout);
	fm_json_key_string(stdout, "title", t->title);
	fputc(',', stdout);
	fm_json_key_string(stdout, "state", job->state);
	fputc(',', stdout);
	fm_json_key_string(stdout, "format", t->format);
	fputc(',', stdout);
	fm_json_key_int(stdout, "document_count", job->documents);
	fputc(',', stdout);
	fm_json_key_int(stdout, "size", (int64_t)t->size);
	fputc(',', stdout);
	fm_json_key_int(stdout, "pages", job->pages);
	fputc(',', stdout);
	fm_json_key_int(stdout, "copies", t->copies);
	fputc(',', stdout);
	fm_json_key_string(stdout, "sides", t->sides);
	fputc(',', stdout);
	fm_json_key_int(stdout, "number_up", t->number_up);
	fputc(',', stdout);
	fm_json_key_string(stdout, "color_mode", t->color_mode);
	fputc(',', stdout);
	fm_json_key_string(stdout, "media", t->media);
	fputc(',', stdout);
	fm_json_key_string(stdout, "account", t->account);
	fputc(',', stdout);
	fm_json_key_int(stdout, "created_at", job->created_at);
	fputc(',', stdout);
	fm_json_key_int(stdout, "expires_at", job->expires_at);
	/* The closing brace is the caller's, so that show can add the
	 * documents. */
}

static bool
print_job_line(const struct fm_job *job, void *arg)
{
	struct list_ctx *ctx = arg;
	char when[32], title[64];

	if (ctx->admin->json) {
		if (ctx->count > 0)
			fputc(',', stdout);
		print_job_json(job);
		fputc('}', stdout);
		ctx->count++;
		return true;
	}
	if (ctx->count++ == 0)
		printf("%-6s %-12s %-8s %-19s %5s %9s  %s\n", "ID", "OWNER",
		    "STATE", "CREATED", "PAGES", "BYTES", "TITLE");
	/* A terminal is no place for a title's escape sequences. */
	fm_utf8_clean(
	    title, sizeof(title), job->ticket.title, strlen(job->ticket.title));
	if (job->pages >= 0)
		printf("%-6" PRId64 " %-12s %-8s %-19s %5" PRId64 " %9" PRIu64
		       "  %s\n",
		    job->id, job->ticket.owner, job->state,
		    fm_admin_time(job->created_at, when, sizeof(when)),
		    job->pages, job->ticket.size, title);
	else
		printf("%-6" PRId64 " %-12s %-8s %-19s %5s %9" PRIu64 "  %s\n",
		    job->id, job->ticket.owner, job->state,
		    fm_admin_time(job->created_at, when, sizeof(when)), "?",
		    job->ticket.size, title);
	return true;
}

static int
jobs_list(struct fm_admin *admin, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"user", required_argument, NULL, 'u'},
	    {"state", required_argument, NULL, 's'},
	    {"all", no_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	struct list_ctx ctx = {admin, 0};
	const char *user = NULL, *state = "held";
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			user = optarg;
			break;
		case 's':
			state = optarg;
			break;
		case 'a':
			state = NULL;
			break;
		default:
			return fm_admin_usage(&fm_admin_jobs_commands[0],
			    "unknown or incomplete option %s",
			    argv[optind - 1]);
		}
	}
	if (optind != argc)
		return fm_admin_usage(&fm_admin_jobs_commands[0],
		    "unexpected argument '%s'", argv[optind]);
	if (state != NULL && strcmp(state, "held") != 0 &&
	    strcmp(state, "releasing") != 0 && strcmp(state, "released") != 0 &&
	    strcmp(state, "deleted") != 0 && strcmp(state, "expired") != 0)
		return fm_admin_usage(&fm_admin_jobs_commands[0],
		    "unknown state '%s' (held, releasing, released, deleted, "
		    "expired)",
		    state);
	if (admin->json)
		fputc('[', stdout);
	if (!fm_jobstore_list(admin->store, user, state, print_job_line, &ctx))
		return fm_admin_fail(
		    "cannot list jobs: %s", fm_store_last_error(admin->store));
	if (admin->json)
		fputs("]\n", stdout);
	else if (ctx.count == 0)
		printf("No jobs.\n");
	return FM_ADMIN_OK;
}

static bool
print_document(const struct fm_document *doc, void *arg)
{
	struct fm_admin *admin = arg;

	if (admin->json) {
		if (doc->seq > 1)
			fputc(',', stdout);
		fputc('{', stdout);
		fm_json_key_int(stdout, "seq", doc->seq);
		fputc(',', stdout);
		fm_json_key_string(stdout, "name", doc->name);
		fputc(',', stdout);
		fm_json_key_string(stdout, "format", doc->format);
		fputc(',', stdout);
		fm_json_key_int(stdout, "size", (int64_t)doc->size);
		fputc(',', stdout);
		fm_json_key_int(stdout, "pages", doc->pages);
		fputc(',', stdout);
		fm_json_key_int(stdout, "color_pages",
		    doc->pages >= 0 ? doc->color_pages : -1);
		fputc(',', stdout);
		fm_json_key_string(stdout, "count_status", doc->count_status);
		fputc(',', stdout);
		fm_json_key_string(stdout, "spool_file", doc->spool_file);
		fputc('}', stdout);
		return true;
	}
	char name[128], pages[64];
	fm_utf8_clean(name, sizeof(name), doc->name, strlen(doc->name));
	if (doc->pages >= 0)
		snprintf(pages, sizeof(pages),
		    "%" PRId64 " page(s), %" PRId64 " in colour", doc->pages,
		    doc->color_pages);
	else
		snprintf(pages, sizeof(pages), "pages not counted (%s)",
		    doc->count_status);
	printf("  document %d: %s, %s, %" PRIu64 " bytes, %s%s\n", doc->seq,
	    name[0] ? name : "(unnamed)", doc->format, doc->size, pages,
	    doc->spool_file[0] ? "" : ", data destroyed");
	return true;
}

static bool
print_event(int64_t at, const char *event, const char *detail, void *arg)
{
	char when[32];

	(void)arg;
	printf("  %s  %s%s%s\n", fm_admin_time(at, when, sizeof(when)), event,
	    detail[0] ? ": " : "", detail);
	return true;
}

static int
jobs_show(struct fm_admin *admin, int argc, char **argv)
{
	const struct fm_admin_command *cmd = &fm_admin_jobs_commands[1];
	struct fm_job job;
	char when[32], title[FM_TICKET_TITLEMAX];
	int64_t id;

	if (argc != 2)
		return fm_admin_usage(cmd, "expected one job id");
	if (!fm_admin_parse_id(argv[1], &id))
		return fm_admin_usage(cmd, "'%s' is not a job id", argv[1]);
	if (!fm_jobstore_get(admin->store, id, &job))
		return fm_admin_fail("no job %" PRId64, id);
	if (admin->json) {
		print_job_json(&job);
		fputs(",\"documents\":[", stdout);
		fm_jobstore_documents(admin->store, id, print_document, admin);
		fputs("]}\n", stdout);
		return FM_ADMIN_OK;
	}
	fm_utf8_clean(
	    title, sizeof(title), job.ticket.title, strlen(job.ticket.title));
	printf("Job %" PRId64 " (CUPS job %u, %s)\n", job.id,
	    job.ticket.cups_job_id, job.ticket.uuid);
	printf("  owner:    %s from %s\n", job.ticket.owner,
	    job.ticket.host[0] ? job.ticket.host : "(unknown host)");
	printf("  title:    %s\n", title);
	printf("  state:    %s\n", job.state);
	printf("  created:  %s\n",
	    fm_admin_time(job.created_at, when, sizeof(when)));
	printf("  expires:  %s\n",
	    fm_admin_time(job.expires_at, when, sizeof(when)));
	printf("  options:  copies=%u sides=%s number-up=%u color=%s "
	       "media=%s%s%s\n",
	    job.ticket.copies, job.ticket.sides, job.ticket.number_up,
	    job.ticket.color_mode[0] ? job.ticket.color_mode : "auto",
	    job.ticket.media[0] ? job.ticket.media : "default",
	    job.ticket.account[0] ? " account=" : "", job.ticket.account);
	printf("  size:     %" PRIu64 " bytes in %d document(s)\n",
	    job.ticket.size, job.documents);
	fm_jobstore_documents(admin->store, id, print_document, admin);
	printf("  history:\n");
	fm_jobstore_events(admin->store, id, print_event, NULL);
	return FM_ADMIN_OK;
}

struct destroy_ctx {
	fm_spool_t *spool;
	fm_store_t *store;
	bool ok;
};

static bool
destroy_document(const struct fm_document *doc, void *arg)
{
	struct destroy_ctx *ctx = arg;

	if (doc->spool_file[0] == '\0')
		return true;
	if (!fm_spool_remove(ctx->spool, doc->spool_file))
		ctx->ok = false;
	else
		fm_jobstore_forget_file(ctx->store, doc->job_id, doc->seq);
	return true;
}

/* Ends a held job and destroys its data; false if it was not held. */
static bool
end_job(struct fm_admin *admin, fm_spool_t *spool, int64_t id,
    const char *state, const char *detail)
{
	struct destroy_ctx ctx = {spool, admin->store, true};

	if (!fm_jobstore_end(admin->store, id, state, detail, admin->now))
		return false;
	fm_jobstore_documents(admin->store, id, destroy_document, &ctx);
	if (!ctx.ok)
		fm_admin_fail("job %" PRId64 ": some spool files could not be "
		              "removed; followmed removes them at start-up",
		    id);
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
jobs_delete(struct fm_admin *admin, int argc, char **argv)
{
	const struct fm_admin_command *cmd = &fm_admin_jobs_commands[2];
	struct fm_job job;
	fm_spool_t *spool;
	int64_t id;
	int rc = FM_ADMIN_OK;

	if (argc != 2)
		return fm_admin_usage(cmd, "expected one job id");
	if (!fm_admin_parse_id(argv[1], &id))
		return fm_admin_usage(cmd, "'%s' is not a job id", argv[1]);
	if (!fm_jobstore_get(admin->store, id, &job))
		return fm_admin_fail("no job %" PRId64, id);
	if ((spool = open_spool(admin)) == NULL)
		return FM_ADMIN_FAIL;
	if (!end_job(admin, spool, id, "deleted", "by followme-admin"))
		rc = fm_admin_fail("job %" PRId64 " is %s, not held; nothing "
		                   "deleted",
		    id, job.state);
	else
		printf(
		    "Deleted job %" PRId64 " of %s.\n", id, job.ticket.owner);
	fm_spool_close(spool);
	return rc;
}

static int
jobs_purge_expired(struct fm_admin *admin, int argc, char **argv)
{
	int64_t ids[256];
	fm_spool_t *spool;
	int n, total = 0;

	(void)argv;
	if (argc != 1)
		return fm_admin_usage(
		    &fm_admin_jobs_commands[3], "takes no arguments");
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
	printf("Purged %d expired job(s).\n", total);
	return FM_ADMIN_OK;
}

const struct fm_admin_command fm_admin_jobs_commands[] = {
    {"jobs", "list", "[--user USER] [--state STATE | --all] [--json]",
        "list held jobs (or jobs in STATE, or all)", true, jobs_list},
    {"jobs", "show", "ID [--json]",
        "show one job, its documents and "
        "history",
        true, jobs_show},
    {"jobs", "delete", "ID", "delete a held job and destroy its data", true,
        jobs_delete},
    {"jobs", "purge-expired", "",
        "expire every held job past its expiry time now", true,
        jobs_purge_expired},
};
const size_t fm_admin_jobs_count =
    sizeof(fm_admin_jobs_commands) / sizeof(fm_admin_jobs_commands[0]);
