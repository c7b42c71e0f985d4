/*
 * export.c - followme-admin export (the finance export, CSV or JSON, to
 * stdout or a file), report usage (the same figures as a table) and
 * report overdrawn (commits that left a restricted account below its
 * overdraft).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "admin/admin.h"
#include "admin/table.h"
#include "common/aead.h"
#include "common/child.h"
#include "common/money.h"
#include "quota/export.h"
#include "quota/ledger.h"
#include "quota/period.h"

/* report usage and export read the same options; report refuses the
 * two that only make sense for a file. */
enum { R_BY, R_FROM, R_TO, R_FORMAT, R_OUT };

#define RANGE_OPTIONS                                                          \
	[R_BY] = {"by", .flags = FM_GRAMMAR_REQUIRED,                          \
	    .help = N_("what a row is: a user, department, project or "        \
	               "printer")},                                            \
	[R_FROM] = {"from", .kind = FM_GRAMMAR_DATE,                           \
	    .flags = FM_GRAMMAR_REQUIRED,                                      \
	    .invalid = N_("--from '%s' is not a date (YYYY-MM-DD)"),           \
	    .help = N_("the first day")},                                      \
	[R_TO] = {"to", .kind = FM_GRAMMAR_DATE, .flags = FM_GRAMMAR_REQUIRED, \
	    .invalid = N_("--to '%s' is not a date (YYYY-MM-DD)"),             \
	    .help = N_("the last day")}

struct range_opts {
	const char *by, *from, *to, *format, *out;
	int64_t start, end; /* [start, end) */
};

/*
 * The range and row kind of the parsed options, the first nkinds of
 * user, department, project and printer allowed; else prints the usage
 * and returns false.
 */
static bool
get_range(struct fm_admin *admin, int nkinds, struct range_opts *o,
    enum fm_export_by *by)
{
	static const struct {
		const char *word;
		enum fm_export_by by;
	} kinds[] = {{"user", FM_EXPORT_BY_USER},
	    {"department", FM_EXPORT_BY_DEPARTMENT},
	    {"project", FM_EXPORT_BY_PROJECT},
	    {"printer", FM_EXPORT_BY_PRINTER}};
	const struct fm_grammar_value *v = admin->args.opt;

	*o = (struct range_opts){v[R_BY].text, v[R_FROM].text, v[R_TO].text,
	    v[R_FORMAT].text, v[R_OUT].text, v[R_FROM].number, 0};
	if (v[R_TO].number < o->start) {
		fm_admin_usage(admin, "--to is before --from");
		return false;
	}
	o->end = fm_period_next_day(v[R_TO].number);
	for (int i = 0; i < nkinds; i++)
		if (strcmp(o->by, kinds[i].word) == 0) {
			*by = kinds[i].by;
			return true;
		}
	if (nkinds == 4)
		fm_admin_usage(
		    admin, "--by is user, department, project or printer");
	else
		fm_admin_usage(admin, "--by is department, project or user");
	return false;
}

static int
report_usage(struct fm_admin *admin)
{
	struct range_opts o;
	enum fm_export_by by;

	if (!get_range(admin, 4, &o, &by))
		return FM_ADMIN_USAGE;
	if (!fm_export_write(admin->store, by, o.start, o.end, o.from, o.to,
	        admin->json ? FM_EXPORT_JSON : FM_EXPORT_TEXT, stdout, NULL))
		return fm_admin_fail(
		    "cannot report: %s", fm_store_last_error(admin->store));
	return FM_ADMIN_OK;
}

/* report overdrawn's columns. */
enum {
	O_WHEN,
	O_AT,
	O_ID,
	O_JOB,
	O_USER,
	O_KIND,
	O_ACCOUNT,
	O_PRINTER,
	O_RESERVED,
	O_CHARGED,
	O_BALANCE,
	O_OVERDRAFT,
	O_NCOLUMNS
};
#define C(kind, col, ...) FM_TABLE_##kind(O_##col, __VA_ARGS__)
static const struct fm_table_column overdrawn_columns[O_NCOLUMNS] = {
    C(SHOWN, WHEN, N_("WHEN"), -16, TIME), C(JSON, AT, "at", TIME),
    C(JSON, ID, "entry", INT), C(COLUMN, JOB, N_("JOB"), 6, "job", INT),
    C(COLUMN, USER, N_("USER"), -12, "user", TEXT),
    C(JSON, KIND, "account_kind", TEXT),
    C(COLUMN, ACCOUNT, N_("ACCOUNT"), -12, "account", TEXT),
    C(COLUMN, PRINTER, N_("PRINTER"), -12, "printer", TEXT),
    C(COLUMN, RESERVED, N_("RESERVED"), 9, "reserved", MONEY),
    C(COLUMN, CHARGED, N_("CHARGED"), 9, "charged", MONEY),
    C(COLUMN, BALANCE, N_("BALANCE"), 9, "balance_after", MONEY),
    C(COLUMN, OVERDRAFT, N_("OVERDRAFT"), 9, "overdraft", MONEY)};
#undef C

static bool
overdrawn_row(const struct fm_ledger_overdrawn *o, void *arg)
{
	struct fm_table_cell c[O_NCOLUMNS] = {
	    [O_WHEN] = {NULL, o->at},
	    [O_AT] = {NULL, o->at},
	    [O_ID] = {NULL, o->id},
	    [O_JOB] = {NULL, o->job_id},
	    [O_USER] = {o->user, 0},
	    [O_KIND] = {o->account_kind, 0},
	    [O_ACCOUNT] = {o->account_name, 0},
	    [O_PRINTER] = {o->printer, 0},
	    [O_RESERVED] = {NULL, o->reserved},
	    [O_CHARGED] = {NULL, o->charged},
	    [O_BALANCE] = {NULL, o->balance_after},
	    [O_OVERDRAFT] = {NULL, o->overdraft},
	};

	fm_table_row(arg, c);
	return true;
}

static int
report_overdrawn(struct fm_admin *admin)
{
	struct fm_table t;

	fm_admin_list_begin(admin, &t, overdrawn_columns, O_NCOLUMNS);
	return fm_admin_list_end(admin, &t,
	    fm_ledger_overdrawn_each(admin->store, overdrawn_row, &t),
	    "overdrawn commits", "No commit went below an overdraft.");
}

/* Writes the export to f (stdout or the file); prints the summary for a
 * file.  Opens the store, which may drop privileges. */
static int
write_export(struct fm_admin *admin, const struct range_opts *o,
    enum fm_export_by by, enum fm_export_format format, FILE *f)
{
	struct fm_export_totals totals;
	char money[FM_I18N_MONEYMAX];

	if (!fm_admin_open_store(admin))
		return FM_ADMIN_FAIL;
	if (!fm_export_write(admin->store, by, o->start, o->end, o->from, o->to,
	        format, f, &totals))
		return fm_admin_fail(
		    "cannot export: %s", fm_store_last_error(admin->store));
	if (fflush(f) != 0 || (o->out != NULL && fsync(fileno(f)) != 0))
		return fm_admin_fail("cannot write %s: %s",
		    o->out ? o->out : _("the export"), strerror(errno));
	if (o->out != NULL) {
		/* Two counts, two plural choices: the rows, then the
		 * jobs. */
		char jobs[64];

		snprintf(jobs, sizeof(jobs),
		    P_("%" PRId64 " job", "%" PRId64 " jobs", totals.jobs),
		    totals.jobs);
		fprintf(stderr,
		    P_("Wrote %" PRId64 " row, %s, total %s, to %s%s.\n",
		        "Wrote %" PRId64 " rows, %s, total %s, to %s%s.\n",
		        totals.rows),
		    totals.rows, jobs,
		    fm_admin_money(admin, totals.cost, money, sizeof(money)),
		    o->out,
		    o->end <= fm_ledger_closed_until(admin->store)
		        ? _(" (closed period)")
		        : _(" (period not closed: figures may still change)"));
	}
	return FM_ADMIN_OK;
}

/*
 * The file appears whole or not at all: the export goes to a temporary
 * file beside it, renamed over it once complete and synced.  The file is
 * the caller's (finance's directory, finance's rights), while the store
 * may be read only after dropping privileges: so the export runs in a
 * child, and this process, which keeps the caller's rights, renames.
 */
static int
export_to_file(struct fm_admin *admin, const struct range_opts *o,
    enum fm_export_by by, enum fm_export_format format)
{
	char dir[4096], tmp[4096];
	const char *slash = strrchr(o->out, '/'), *base;
	int fd, dirfd, status = 0;
	struct fm_child_spec spec;
	struct fm_child_fd keep;
	const char *errstr = NULL;
	FILE *f;
	pid_t pid;

	base = slash ? slash + 1 : o->out;
	if (*base == '\0')
		return fm_admin_fail("%s: not a file name", o->out);
	snprintf(dir, sizeof(dir), "%.*s",
	    slash ? (int)(slash - o->out) + (slash == o->out) : 1,
	    slash ? o->out : ".");
	if (snprintf(tmp, sizeof(tmp), ".%s.XXXXXX", base) >= (int)sizeof(tmp))
		return fm_admin_fail("%s: name too long", o->out);
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fm_admin_fail(
		    "cannot open %s: %s", dir, strerror(errno));
	/* A fresh name, created exclusively beside the destination. */
	for (int tries = 0;; tries++) {
		char *x = tmp + strlen(tmp) - 6;
		uint8_t r[6] = {0};
		(void)fm_random(r, sizeof(r));
		for (int i = 0; i < 6; i++)
			x[i] =
			    "abcdefghijklmnopqrstuvwxyz0123456789"[r[i] % 36];
		fd = openat(dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST || tries == 10)
			break;
	}
	if (fd < 0) {
		int e = errno;
		close(dirfd);
		return fm_admin_fail(
		    "cannot create a file in %s: %s", dir, strerror(e));
	}
	/* The child keeps only the file it writes; it opens the store
	 * itself, after dropping privileges. */
	keep = (struct fm_child_fd){fd, -1};
	spec = (struct fm_child_spec){
	    .death_signal = SIGKILL, .keep = &keep, .nkeep = 1};
	if ((pid = fm_child_fork(&spec, &errstr)) == 0) {
		if ((f = fdopen(fd, "w")) == NULL)
			_exit(FM_ADMIN_FAIL);
		int rc = write_export(admin, o, by, format, f);
		fflush(stderr);
		_exit(rc);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != FM_ADMIN_OK) {
		/* A failed export leaves no file behind, not even a part. */
		unlinkat(dirfd, tmp, 0);
		close(fd);
		close(dirfd);
		return pid < 0
		    ? fm_admin_fail("cannot start the export: %s", errstr)
		    : WIFEXITED(status) ? WEXITSTATUS(status)
		                        : FM_ADMIN_FAIL;
	}
	close(fd);
	/* rename replaces a symlink at the destination, never follows it. */
	if (renameat(dirfd, tmp, dirfd, base) != 0 || fsync(dirfd) != 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		close(dirfd);
		return fm_admin_fail(
		    "cannot write %s: %s", o->out, strerror(e));
	}
	close(dirfd);
	return FM_ADMIN_OK;
}

static int export(struct fm_admin *admin)
{
	struct range_opts o;
	enum fm_export_by by;
	enum fm_export_format format;

	if (!get_range(admin, 3, &o, &by))
		return FM_ADMIN_USAGE;
	if (o.format == NULL || strcmp(o.format, "csv") == 0)
		format = FM_EXPORT_CSV;
	else if (strcmp(o.format, "json") == 0)
		format = FM_EXPORT_JSON;
	else
		return fm_admin_usage(admin, "--format is csv or json");
	if (o.out != NULL)
		return export_to_file(admin, &o, by, format);
	return write_export(admin, &o, by, format, stdout);
}

static const struct fm_grammar_option report_options[FM_GRAMMAR_OPTTABLE] = {
    RANGE_OPTIONS,
    [R_FORMAT] = {"format", .flags = FM_GRAMMAR_REFUSED,
        .invalid = N_("--format and --out are for export"),
        .help = N_("export only")},
    [R_OUT] = {"out", .flags = FM_GRAMMAR_REFUSED,
        .invalid = N_("--format and --out are for export"),
        .help = N_("export only")},
};

static const struct fm_grammar_option export_options[FM_GRAMMAR_OPTTABLE] = {
    RANGE_OPTIONS,
    [R_FORMAT] = {"format", .help = N_("csv (default) or json")},
    [R_OUT] = {"out",
        .help = N_("write to this file, whole or not at all (default: "
                   "standard output)")},
};

static const struct fm_grammar_command report_commands[] = {
    {"report", "usage",
        "--by user|department|project|printer --from DATE --to DATE "
        "[--json]",
        N_("pages and costs per user, department, project or printer"),
        FM_GRAMMAR_STORE, .run = report_usage, .options = report_options,
        .missing = N_("--by, --from and --to are required")},
    {"report", "overdrawn", "[--json]",
        N_("commits that left a restricted account below its overdraft"),
        FM_GRAMMAR_STORE, .run = report_overdrawn,
        .operands = FM_ADMIN_NO_OPERANDS},
};

/* Not FM_GRAMMAR_STORE: --out opens its file before privileges drop. */
static const struct fm_grammar_command export_commands[] = {
    {"export", NULL,
        "--by department|project|user --from DATE --to DATE "
        "[--format csv|json] "
        "[--out FILE]",
        N_("finance export (dates inclusive)"), 0, .run = export,
        .options = export_options,
        .missing = N_("--by, --from and --to are required")},
};

const struct fm_admin_group fm_admin_group_report =
    FM_ADMIN_GROUP(report_commands);
const struct fm_admin_group fm_admin_group_export =
    FM_ADMIN_GROUP(export_commands);
