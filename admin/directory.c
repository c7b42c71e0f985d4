/*
 * directory.c - followme-admin directory test|sync|import: users,
 * departments, roles and badges from LDAP / Active Directory or from an
 * HR spreadsheet (directory/), applied by quota/dirsync.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/admin.h"
#include "common/aead.h"
#include "common/clock.h"
#include "common/hex.h"
#include "common/json.h"
#include "common/privdrop.h"
#include "common/utf8.h"
#include "directory/csv.h"
#include "directory/directory.h"
#include "quota/dirsync.h"
#include "store/badges.h"

/* The bind password, read before anything else (as the invoking user:
 * the file may be root's), then wiped once bound. */
static bool
password(struct fm_admin *admin, char *buf, size_t size)
{
	char err[512];

	buf[0] = '\0';
	if (admin->settings.directory.bind_dn[0] == '\0')
		return true;
	if (!fm_directory_read_password(admin->settings.directory.password_file,
	        buf, size, err, sizeof(err))) {
		fm_admin_fail("%s", err);
		return false;
	}
	return true;
}

static void
print_report(struct fm_admin *admin, const struct fm_dirsync_report *r,
    size_t entries, bool dry_run, const char *source)
{
	if (admin->json) {
		printf("{");
		fm_json_key_string(stdout, "source", source);
		printf(",\"dry_run\":%s,", dry_run ? "true" : "false");
		fm_json_key_int(stdout, "entries", (int64_t)entries);
#define J(name, v)                                                             \
	printf(",");                                                           \
	fm_json_key_int(stdout, name, v)
		J("users_added", r->users_added);
		J("users_updated", r->users_updated);
		J("users_disabled", r->users_disabled);
		J("users_reenabled", r->users_reenabled);
		J("users_unchanged", r->users_unchanged);
		J("departments_added", r->depts_added);
		J("departments_renamed", r->depts_renamed);
		J("badges_added", r->badges_added);
		J("badges_removed", r->badges_removed);
		J("conflicts", r->conflicts);
#undef J
		/* Where the time went, in milliseconds. */
		printf(",\"ms\":{");
		fm_json_key_int(stdout, "total", r->us.total / 1000);
#define J(name, v)                                                             \
	printf(",");                                                           \
	fm_json_key_int(stdout, name, v)
		J("waiting", r->us.waiting / 1000);
		J("begin", r->us.begin / 1000);
		J("apply", r->us.apply / 1000);
		J("end", r->us.end / 1000);
		J("commit", r->us.commit / 1000);
		J("checkpoint", r->us.checkpoint / 1000);
#undef J
		printf("}");
		printf(",\"notes\":[");
		for (int i = 0; i < r->nnotes; i++) {
			if (i > 0)
				printf(",");
			fm_json_string(stdout, r->notes[i]);
		}
		printf("]}\n");
		return;
	}
	printf(P_("%s: %zu entry%s\n", "%s: %zu entries%s\n", entries), source,
	    entries, dry_run ? _(" (dry run: nothing was changed)") : "");
	/* The labels are translated alone and padded by display width, so
	 * the figures line up in any language. */
	const struct {
		const char *label;
		int64_t n;
	} lines[] = {
	    {N_("users added:"), r->users_added},
	    {N_("users updated:"), r->users_updated},
	    {N_("users disabled:"), r->users_disabled},
	    {N_("users re-enabled:"), r->users_reenabled},
	    {N_("users unchanged:"), r->users_unchanged},
	    {N_("departments added:"), r->depts_added},
	    {N_("departments renamed:"), r->depts_renamed},
	    {N_("badges added:"), r->badges_added},
	    {N_("badges removed:"), r->badges_removed},
	    {N_("conflicts:"), r->conflicts},
	};
	size_t width = 0;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *l = _(lines[i].label);
		size_t w = fm_i18n_width(l, strlen(l));

		if (w > width)
			width = w;
	}
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *l = _(lines[i].label);

		printf("%s%*s %lld\n", l,
		    (int)(width - fm_i18n_width(l, strlen(l))), "",
		    (long long)lines[i].n);
	}
	for (int i = 0; i < r->nnotes; i++) {
		char shown[FM_DIRSYNC_NOTEMAX];

		fm_utf8_clean_shown(
		    shown, sizeof(shown), r->notes[i], strlen(r->notes[i]));
		printf("  %s\n", shown);
	}
	if (r->conflicts > r->nnotes)
		printf(P_("  (and %lld more)\n", "  (and %lld more)\n",
		           r->conflicts - r->nnotes),
		    (long long)(r->conflicts - r->nnotes));
}

/* The sync's options, with the badge key (which the caller wipes). */
static bool
dirsync_options(struct fm_admin *admin, struct fm_dirsync_options *o,
    uint8_t key[FM_BADGES_KEYLEN], bool dry_run, bool force, bool partial)
{
	if (!fm_admin_badge_key(admin, key))
		return false;
	*o = (struct fm_dirsync_options){.badge_key = key,
	    .dry_run = dry_run,
	    .force = force,
	    .partial = partial,
	    .max_disable_percent =
	        (unsigned)admin->settings.directory.max_disable_percent};
	return true;
}

/* Applies what was read; the store is opened here (dropping to the
 * daemon's user) so that the reading could happen first. */
static int
apply(struct fm_admin *admin, struct fm_directory_result *res, bool dry_run,
    bool force, bool partial, const char *source)
{
	struct fm_dirsync_options o;
	uint8_t key[FM_BADGES_KEYLEN];
	char err[1024];
	uint64_t t0;
	bool ok;

	if (!dirsync_options(admin, &o, key, dry_run, force, partial))
		return FM_ADMIN_FAIL;
	t0 = fm_clock_us();
	ok = fm_dirsync_apply(admin->store, res->users, res->n, &o,
	    &res->report, err, sizeof(err));
	res->report.us.total = (int64_t)(fm_clock_us() - t0);
	fm_wipe(key, sizeof(key));
	if (!ok)
		return fm_admin_fail("%s: %s", source, err);
	print_report(admin, &res->report, res->entries, dry_run, source);
	return FM_ADMIN_OK;
}

/* A whole sync under way: the store's side starts (reading the users it
 * has) while the directory's answers the bind, then takes each batch of
 * users while the directory sends the next, all in one transaction. */
struct whole {
	fm_store_t *store;
	const struct fm_dirsync_options *o;
	struct fm_dirsync_report *report;
	fm_dirsync_t *sync;
};

static bool
sync_sink(const struct fm_dirsync_user *users, size_t n, void *arg, char *err,
    size_t errlen)
{
	struct whole *w = arg;

	if (users == NULL)
		return (w->sync = fm_dirsync_begin(
		            w->store, w->o, w->report, err, errlen)) != NULL;
	return fm_dirsync_add(w->sync, users, n, err, errlen);
}

static int
sync_whole(struct fm_admin *admin, char *pw, bool dry_run, bool force)
{
	struct fm_directory_result res;
	struct fm_dirsync_report report = {0};
	struct fm_dirsync_options o;
	struct whole w = {admin->store, &o, &report, NULL};
	uint8_t key[FM_BADGES_KEYLEN];
	char err[1024];
	uint64_t t0;
	bool ok;

	if (!dirsync_options(admin, &o, key, dry_run, force, false))
		return FM_ADMIN_FAIL;
	t0 = fm_clock_us();
	ok = fm_directory_stream(&admin->settings, pw[0] ? pw : NULL, sync_sink,
	    &w, &res, err, sizeof(err));
	fm_wipe(pw, FM_DIRECTORY_PASSWORDMAX);
	/* What the stream took beyond applying: connecting, binding, and
	 * the pages the applying waited for. */
	report.us.waiting =
	    (int64_t)(fm_clock_us() - t0) - report.us.begin - report.us.apply;
	if (w.sync != NULL)
		ok = fm_dirsync_end(w.sync, ok, err, sizeof(err));
	report.us.total = (int64_t)(fm_clock_us() - t0);
	fm_wipe(key, sizeof(key));
	if (!ok)
		return fm_admin_fail(
		    "directory sync: %s; nothing was changed", err);
	/* The reading's notes first, as they came first. */
	fm_dirsync_report_merge(&res.report, &report);
	print_report(admin, &res.report, res.entries, dry_run, "directory");
	return FM_ADMIN_OK;
}

enum { SYNC_DRY_RUN, SYNC_FORCE, SYNC_USER, SYNC_QUIET };

static int
directory_sync(struct fm_admin *admin)
{
	struct fm_directory_result res;
	const char *login = admin->args.opt[SYNC_USER].text;
	char pw[FM_DIRECTORY_PASSWORDMAX], err[1024];
	bool ok;
	int rc;

	if (admin->settings.directory.uri[0] == '\0')
		return fm_admin_fail("no directory: set uri in the [directory] "
		                     "section of followme.conf");
	if (!password(admin, pw, sizeof(pw)))
		return FM_ADMIN_FAIL;
	if (!fm_admin_open_store(admin)) {
		fm_wipe(pw, sizeof(pw));
		return FM_ADMIN_FAIL;
	}
	if (login == NULL)
		return sync_whole(admin, pw,
		    admin->args.opt[SYNC_DRY_RUN].text != NULL,
		    admin->args.opt[SYNC_FORCE].text != NULL);
	ok = fm_directory_fetch(&admin->settings, pw[0] ? pw : NULL, login, 0,
	    &res, err, sizeof(err));
	fm_wipe(pw, sizeof(pw));
	if (!ok)
		return fm_admin_fail(
		    "directory sync: %s; nothing was changed", err);
	if (admin->args.opt[SYNC_QUIET].text != NULL && res.n == 0) {
		fm_directory_result_free(&res);
		return FM_ADMIN_OK;
	}
	rc = apply(admin, &res, admin->args.opt[SYNC_DRY_RUN].text != NULL,
	    admin->args.opt[SYNC_FORCE].text != NULL, login != NULL,
	    "directory");
	fm_directory_result_free(&res);
	return rc;
}

static int
directory_import(struct fm_admin *admin)
{
	const char *path = admin->args.operand[0].text;
	struct fm_directory_result res;
	char err[1024], *buf;
	size_t len = 0, cap = 1 << 16;
	FILE *f;
	int rc;

	/* Opened as the invoking user, who may read what the daemon's
	 * user cannot. */
	if ((f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb")) == NULL)
		return fm_admin_fail("%s: cannot open", path);
	if ((buf = malloc(cap)) == NULL)
		return fm_admin_fail("out of memory");
	for (;;) {
		size_t n = fread(buf + len, 1, cap - len, f);

		len += n;
		if (len < cap)
			break;
		if (cap >= FM_CSV_MAXLEN) {
			free(buf);
			return fm_admin_fail("%s: larger than %d MiB", path,
			    (int)(FM_CSV_MAXLEN >> 20));
		}
		char *p = realloc(buf, cap * 2);
		if (p == NULL) {
			free(buf);
			return fm_admin_fail("out of memory");
		}
		buf = p;
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	if (!fm_directory_read_csv(
	        &admin->settings, buf, len, &res, err, sizeof(err))) {
		free(buf);
		return fm_admin_fail("%s: %s; nothing was changed", path, err);
	}
	free(buf);
	if (!fm_admin_open_store(admin)) {
		fm_directory_result_free(&res);
		return FM_ADMIN_FAIL;
	}
	rc = apply(admin, &res, admin->args.opt[SYNC_DRY_RUN].text != NULL,
	    admin->args.opt[SYNC_FORCE].text != NULL, false, path);
	fm_directory_result_free(&res);
	return rc;
}

enum { TEST_LIMIT };

static int
directory_test(struct fm_admin *admin)
{
	struct fm_directory_result res;
	char pw[FM_DIRECTORY_PASSWORDMAX], err[1024],
	    hex[2 * FM_DIRSYNC_BADGEMAX + 1];
	const char *errstr = NULL;
	int64_t limit = admin->args.opt[TEST_LIMIT].text
	    ? admin->args.opt[TEST_LIMIT].number
	    : 5;
	bool ok;

	if (admin->settings.directory.uri[0] == '\0')
		return fm_admin_fail("no directory: set uri in the [directory] "
		                     "section of followme.conf");
	if (!password(admin, pw, sizeof(pw)))
		return FM_ADMIN_FAIL;
	/* The network as the daemon's user, as a sync does. */
	if (!fm_privdrop_to(admin->settings.user, &errstr)) {
		fm_wipe(pw, sizeof(pw));
		return fm_admin_fail("cannot switch to user %s: %s",
		    admin->settings.user, errstr);
	}
	ok = fm_directory_fetch(&admin->settings, pw[0] ? pw : NULL, NULL,
	    (size_t)limit, &res, err, sizeof(err));
	fm_wipe(pw, sizeof(pw));
	if (!ok)
		return fm_admin_fail("directory test: %s", err);
	printf(P_("Connected to %s; the first %zu entry maps to:\n",
	           "Connected to %s; the first %zu entries map to:\n",
	           res.entries),
	    admin->settings.directory.uri, res.entries);
	for (size_t i = 0; i < res.n; i++) {
		const struct fm_dirsync_user *u = &res.users[i];
		char shown[FM_DIRSYNC_NOTEMAX];

		fm_hex_encode_upper(u->badge, u->badge_len, hex, sizeof(hex));
		fm_utf8_clean_shown(
		    shown, sizeof(shown), u->where, strlen(u->where));
		printf("%s\n", shown);
		printf(_("  login %s, name %s, e-mail %s\n"), u->login,
		    u->full_name[0] ? u->full_name : "-",
		    u->email[0] ? u->email : "-");
		printf(_("  department %s (%s), badge %s, %s%s%s\n"),
		    u->dept_code[0] ? u->dept_code : "-",
		    u->dept_name[0] ? u->dept_name : "-",
		    u->badge_len ? hex : "-",
		    u->disabled ? _("disabled") : _("enabled"),
		    u->admin ? _(", admin") : "",
		    u->finance ? _(", finance") : "");
	}
	for (int i = 0; i < res.report.nnotes; i++)
		printf(_("  note: %s\n"), res.report.notes[i]);
	fm_directory_result_free(&res);
	return FM_ADMIN_OK;
}

static const struct fm_grammar_option sync_options[FM_GRAMMAR_OPTTABLE] = {
    [SYNC_DRY_RUN] = {"dry-run", .kind = FM_GRAMMAR_FLAG,
        .help = N_("report what would change, change nothing")},
    [SYNC_FORCE] = {"force", .kind = FM_GRAMMAR_FLAG,
        .help = N_("disable more users than max_disable_percent allows")},
    [SYNC_USER] = {"user", .help = N_("look up this one user only")},
    [SYNC_QUIET] = {"quiet", .kind = FM_GRAMMAR_FLAG,
        .help = N_("print nothing when the user is not in the directory")},
};

static const struct fm_grammar_option import_options[FM_GRAMMAR_OPTTABLE] = {
    [SYNC_DRY_RUN] = {"dry-run", .kind = FM_GRAMMAR_FLAG,
        .help = N_("report what would change, change nothing")},
    [SYNC_FORCE] = {"force", .kind = FM_GRAMMAR_FLAG,
        .help = N_("disable more users than max_disable_percent allows")},
};

static const struct fm_grammar_option test_options[FM_GRAMMAR_OPTTABLE] = {
    [TEST_LIMIT] = {"limit", .kind = FM_GRAMMAR_INTEGER, .min = 1, .max = 1000,
        .invalid = N_("--limit takes 1 to 1000, not '%s'"),
        .help = N_("how many entries to show (5)")},
};

static const struct fm_grammar_command commands[] = {
    {"directory", "test", "[--limit N]",
        N_("connect to the directory and show how its first entries map"), 0,
        .run = directory_test, .options = test_options,
        .operands = FM_ADMIN_NO_OPERANDS},
    {"directory", "sync",
        "[--dry-run] [--force] [--user LOGIN [--quiet]] [--json]",
        N_("bring users, departments, roles and badges in line with the "
           "directory"),
        0, .run = directory_sync, .options = sync_options,
        .operands = FM_ADMIN_NO_OPERANDS},
    {"directory", "import", "FILE.csv [--dry-run] [--force] [--json]",
        N_("the same from an HR spreadsheet (CSV, UTF-8)"), 0,
        .run = directory_import, .options = import_options,
        .operands = {1, 1, N_("expected one CSV file"), NULL}},
};

const struct fm_admin_group fm_admin_group_directory = FM_ADMIN_GROUP(commands);
