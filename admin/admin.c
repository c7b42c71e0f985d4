/*
 * admin.c - what the followme-admin command groups share: messages, the
 * store, lists, an account's columns and the users' (user list and dept
 * show list users).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "admin/admin.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "common/money.h"
#include "common/privdrop.h"
#include "quota/ledger.h"
#include "quota/policy.h"
#include "quota/users.h"

int
fm_admin_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("followme-admin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, _(fmt), ap);
	va_end(ap);
	fputc('\n', stderr);
	return FM_ADMIN_FAIL;
}

int
fm_admin_done(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(_(fmt), ap);
	va_end(ap);
	putchar('\n');
	return FM_ADMIN_OK;
}

static int
usage_line(const struct fm_admin *admin)
{
	const struct fm_grammar_command *cmd = admin ? admin->cmd : NULL;

	if (cmd == NULL) {
		fputc('\n', stderr);
		return FM_ADMIN_USAGE;
	}
	fprintf(stderr, "\n%s followme-admin %s%s%s %s\n", _("usage:"),
	    cmd->group, cmd->verb ? " " : "", cmd->verb ? cmd->verb : "",
	    cmd->synopsis);
	return FM_ADMIN_USAGE;
}

int
fm_admin_usage(const struct fm_admin *admin, const char *fmt, ...)
{
	va_list ap;

	fputs("followme-admin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, _(fmt), ap);
	va_end(ap);
	return usage_line(admin);
}

int
fm_admin_usage_args(const struct fm_admin *admin)
{
	fputs("followme-admin: ", stderr);
	fm_grammar_print_error(stderr, admin ? &admin->args : NULL);
	return usage_line(admin);
}

/*
 * Gives the store the ledger key, which every ledger write and `ledger
 * verify` need.  A command that writes creates it if followmed has not
 * yet; one marked FM_GRAMMAR_KEY (verify) needs the existing one, and
 * fails clearly without it.  For the others a key that cannot be read
 * only stops them if they write the ledger.
 */
static bool
open_ledger_key(struct fm_admin *admin)
{
	bool needed =
	    admin->cmd != NULL && (admin->cmd->flags & FM_GRAMMAR_KEY) != 0;
	const char *errstr = NULL;
	char path[512];

	if (!fm_settings_ledger_key_path(
	        &admin->settings, path, sizeof(path))) {
		fm_admin_fail("state_dir is too long");
		return false;
	}
	if (fm_ledger_load_key(admin->store, path, !needed, &errstr))
		return true;
	if (needed) {
		fm_admin_fail("%s: %s (the ledger key; readable only by %s)",
		    path, errstr, admin->settings.user);
		return false;
	}
	return true;
}

const char *
fm_admin_money(
    const struct fm_admin *admin, int64_t amount, char *buf, size_t size)
{
	if (admin->lang == FM_LANG_FR && !admin->json)
		return fm_i18n_money(
		    amount, admin->currency, admin->lang, buf, size);
	return fm_money_format(amount, buf, size);
}

bool
fm_admin_open_store(struct fm_admin *admin)
{
	const char *errstr = NULL;
	char path[512];

	if (admin == NULL)
		return false;
	/* The store belongs to the daemon's user: files created here as
	 * root (the WAL, for one) would lock followmed out. */
	if (!fm_privdrop_to(admin->settings.user, &errstr)) {
		fm_admin_fail("cannot switch to user %s: %s",
		    admin->settings.user, errstr);
		return false;
	}
	if (!fm_settings_db_path(&admin->settings, path, sizeof(path))) {
		fm_admin_fail("state_dir is too long");
		return false;
	}
	/* A missing database is created (followmed may not have run yet);
	 * a missing state directory is a configuration mistake. */
	if (access(admin->settings.state_dir, F_OK) != 0) {
		fm_admin_fail("state_dir %s does not exist (start followmed "
		              "once, or create it for user %s with mode 0700)",
		    admin->settings.state_dir, admin->settings.user);
		return false;
	}
	if ((admin->store = fm_store_open(path, &errstr)) == NULL) {
		fm_admin_fail("%s: %s (run as root or as %s)", path, errstr,
		    admin->settings.user);
		return false;
	}
	/* Tables write amounts in the site's currency (display only). */
	if (!fm_policy_get(admin->store, "currency", admin->currency,
	        sizeof(admin->currency)))
		admin->currency[0] = '\0';
	return open_ledger_key(admin);
}

void
fm_admin_list_begin(struct fm_admin *admin, struct fm_table *t,
    const struct fm_table_column *columns, size_t ncolumns)
{
	if (admin == NULL || t == NULL)
		return;
	fm_table_init(t, stdout, columns, ncolumns, admin->json);
	fm_table_localize(t, admin->lang, admin->currency);
	fm_table_begin(t);
}

int
fm_admin_list_end(struct fm_admin *admin, struct fm_table *t, bool listed,
    const char *what, const char *none)
{
	if (admin == NULL || t == NULL)
		return FM_ADMIN_FAIL;
	/* A failed list leaves its JSON open, as it always did: the exit
	 * status says the output is not to be read. */
	if (!listed)
		return fm_admin_fail("cannot list %s: %s", what,
		    fm_store_last_error(admin->store));
	fm_table_end(t, none);
	return FM_ADMIN_OK;
}

void
fm_admin_account_cells(const struct fm_account *a, struct fm_table_cell *cells)
{
	if (a == NULL || cells == NULL)
		return;
	cells[0] = (struct fm_table_cell){NULL, a->balance};
	cells[1] = (struct fm_table_cell){NULL, a->held};
	cells[2] = (struct fm_table_cell){NULL, a->restricted};
	cells[3] = (struct fm_table_cell){NULL, a->overdraft};
}

enum {
	U_LOGIN,
	U_FULL_NAME,
	U_DEPARTMENT,
	U_DEPT_SHOWN,
	U_STATE_SHOWN,
	U_ENABLED,
	U_PIN,
	U_ACCOUNT,
	U_NAME_SHOWN = U_ACCOUNT + FM_ADMIN_ACCOUNT_COLUMNS,
	U_EMAIL,
	U_ROLES,
	U_SOURCE,
	U_NCOLUMNS
};

#define C(kind, col, ...) FM_TABLE_##kind(U_##col, __VA_ARGS__)
static const struct fm_table_column user_columns[U_NCOLUMNS] = {
    C(COLUMN, LOGIN, N_("LOGIN"), -16, "login", TEXT),
    C(JSON, FULL_NAME, "full_name", TEXT),
    C(JSON, DEPARTMENT, "department", TEXT),
    C(SHOWN, DEPT_SHOWN, N_("DEPT"), -10, TEXT),
    C(SHOWN, STATE_SHOWN, N_("STATE"), -8, TEXT),
    C(JSON, ENABLED, "enabled", BOOL), C(JSON, PIN, "pin", BOOL),
    FM_ADMIN_ACCOUNT_COLUMNS_AT(U_ACCOUNT),
    C(CLEANED, NAME_SHOWN, N_("NAME"), "  ", NULL),
    C(JSON, EMAIL, "email", TEXT), C(JSON, ROLES, "roles", TEXT),
    C(JSON, SOURCE, "source", TEXT)};
#undef C

void
fm_admin_user_table(struct fm_table *t, bool json)
{
	if (t == NULL)
		return;
	fm_table_init(t, stdout, user_columns, U_NCOLUMNS, json);
}

static void
user_row(const struct fm_user *u, struct fm_table *t)
{
	struct fm_table_cell c[U_NCOLUMNS] = {
	    [U_LOGIN] = {u->login, 0},
	    [U_FULL_NAME] = {u->full_name, 0},
	    [U_DEPARTMENT] = {u->dept_code, 0},
	    [U_DEPT_SHOWN] = {u->dept_code[0] ? u->dept_code : "-", 0},
	    [U_STATE_SHOWN] = {u->enabled ? _("enabled") : _("disabled"), 0},
	    [U_ENABLED] = {NULL, u->enabled},
	    [U_PIN] = {NULL, u->has_pin},
	    [U_NAME_SHOWN] = {u->full_name, 0},
	    [U_EMAIL] = {u->email, 0},
	    [U_ROLES] = {u->roles, 0},
	    [U_SOURCE] = {u->source, 0},
	};

	fm_admin_account_cells(&u->account, &c[U_ACCOUNT]);
	fm_table_row(t, c);
}

bool
fm_admin_user_row(const struct fm_user *u, void *table)
{
	if (u == NULL || table == NULL)
		return false;
	user_row(u, table);
	return true;
}
