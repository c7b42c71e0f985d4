/*
 * depts.c - followme-admin dept add|list|show: departments (cost
 * centres) and their shared accounts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>

#include "admin/admin.h"
#include "quota/depts.h"
#include "quota/users.h"

enum {
	D_CODE,
	D_NAME,
	D_USERS,
	D_ACCOUNT,
	D_NAME_SHOWN = D_ACCOUNT + FM_ADMIN_ACCOUNT_COLUMNS,
	D_NCOLUMNS
};

static const struct fm_table_column dept_columns[D_NCOLUMNS] = {
    FM_TABLE_COLUMN(D_CODE, N_("CODE"), -10, "code", TEXT),
    FM_TABLE_JSON(D_NAME, "name", TEXT),
    FM_TABLE_COLUMN(D_USERS, N_("USERS"), 5, "users", INT),
    FM_ADMIN_ACCOUNT_COLUMNS_AT(D_ACCOUNT),
    FM_TABLE_CLEANED(D_NAME_SHOWN, N_("NAME"), "  ", NULL)};

static bool
dept_row(const struct fm_dept *d, void *table)
{
	struct fm_table_cell c[D_NCOLUMNS] = {
	    [D_CODE] = {d->code, 0},
	    [D_NAME] = {d->name, 0},
	    [D_USERS] = {NULL, d->users},
	    [D_NAME_SHOWN] = {d->name, 0},
	};

	fm_admin_account_cells(&d->account, &c[D_ACCOUNT]);
	fm_table_row(table, c);
	return true;
}

static int
dept_add(struct fm_admin *admin)
{
	const char *code = admin->args.operand[0].text;
	const char *name = admin->args.operand[1].text, *errstr = NULL;

	if (!fm_depts_add(admin->store, code, name, &errstr))
		return fm_admin_fail(
		    "cannot add department %s: %s", code, errstr);
	return fm_admin_done("Added department %s.", code);
}

static int
dept_list(struct fm_admin *admin)
{
	struct fm_table t;

	fm_admin_list_begin(admin, &t, dept_columns, D_NCOLUMNS);
	return fm_admin_list_end(admin, &t,
	    fm_depts_list(admin->store, dept_row, &t), "departments",
	    "No departments.");
}

static int
dept_show(struct fm_admin *admin)
{
	const struct fm_grammar_value *code = &admin->args.operand[0];
	struct fm_table t;
	struct fm_dept d;

	if (!fm_depts_get(admin->store, code->text, &d))
		return fm_admin_fail("no department %s", code->text);
	fm_table_init(&t, stdout, dept_columns, D_NCOLUMNS, admin->json);
	fm_table_localize(&t, admin->lang, admin->currency);
	dept_row(&d, &t);
	if (admin->json) {
		fputc('\n', stdout);
		return FM_ADMIN_OK;
	}
	printf("%s", _("Members:\n"));
	fm_admin_user_table(&t, false);
	fm_table_localize(&t, admin->lang, admin->currency);
	fm_users_list(admin->store, d.code, fm_admin_user_row, &t);
	if (t.rows == 0)
		printf("  %s\n", _("(none)"));
	return FM_ADMIN_OK;
}

static const struct fm_grammar_command commands[] = {
    {"dept", "add", "CODE NAME", N_("add a department (cost centre)"),
        FM_GRAMMAR_STORE, .run = dept_add,
        .operands = {2, 2,
            N_("expected a code and a name (quote a name with spaces)"), NULL}},
    {"dept", "list", "[--json]", N_("list departments with their balances"),
        FM_GRAMMAR_STORE, .run = dept_list, .operands = FM_ADMIN_NO_OPERANDS},
    {"dept", "show", "CODE [--json]", N_("show a department and its members"),
        FM_GRAMMAR_STORE, .run = dept_show,
        .operands = {1, 1, N_("expected one department code"), NULL}},
};

const struct fm_admin_group fm_admin_group_dept = FM_ADMIN_GROUP(commands);
