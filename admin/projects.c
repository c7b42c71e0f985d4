/*
 * projects.c - followme-admin project add|allow|list: accounts jobs are
 * charged to by job-account-id, and who may charge them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>

#include "admin/admin.h"
#include "quota/accounts.h"

enum {
	P_CODE,
	P_MEMBERS,
	P_ACCOUNT,
	P_NCOLUMNS = P_ACCOUNT + FM_ADMIN_ACCOUNT_COLUMNS
};

static const struct fm_table_column project_columns[P_NCOLUMNS] = {
    FM_TABLE_COLUMN(P_CODE, N_("CODE"), -16, "code", TEXT),
    FM_TABLE_COLUMN(P_MEMBERS, N_("MEMBERS"), 7, "members", INT),
    FM_ADMIN_ACCOUNT_COLUMNS_AT(P_ACCOUNT)};

static bool
project_row(const struct fm_account *a, int members, void *table)
{
	struct fm_table_cell c[P_NCOLUMNS] = {
	    [P_CODE] = {a->name, 0},
	    [P_MEMBERS] = {NULL, members},
	};

	fm_admin_account_cells(a, &c[P_ACCOUNT]);
	fm_table_row(table, c);
	return true;
}

static int
project_add(struct fm_admin *admin)
{
	const char *code = admin->args.operand[0].text, *errstr = NULL;

	if (!fm_accounts_add_project(admin->store, code, &errstr))
		return fm_admin_fail("cannot add project %s: %s", code, errstr);
	return fm_admin_done("Added project account %s.", code);
}

static int
project_allow(struct fm_admin *admin)
{
	const char *code = admin->args.operand[0].text;
	const char *login = admin->args.operand[1].text, *errstr = NULL;
	struct fm_account a;

	if (!fm_accounts_find(admin->store, "project", code, &a) &&
	    !fm_accounts_find(admin->store, "department", code, &a))
		return fm_admin_fail("no project or department %s", code);
	if (!fm_accounts_allow(admin->store, a.id, login, &errstr))
		return fm_admin_fail("%s: %s", login, errstr);
	return fm_admin_done("%s may now charge jobs to %s.", login, code);
}

static int
project_list(struct fm_admin *admin)
{
	struct fm_table t;

	fm_admin_list_begin(admin, &t, project_columns, P_NCOLUMNS);
	return fm_admin_list_end(admin, &t,
	    fm_accounts_list(admin->store, "project", project_row, &t),
	    "projects", "No projects.");
}

static const struct fm_grammar_command commands[] = {
    {"project", "add", "CODE",
        N_("add a project account jobs can be charged to (job-account-id)"),
        FM_GRAMMAR_STORE, .run = project_add,
        .operands = {1, 1, N_("expected one project code"), NULL}},
    {"project", "allow", "CODE LOGIN",
        N_("let a user charge a project (or another department)"),
        FM_GRAMMAR_STORE, .run = project_allow,
        .operands = {2, 2, N_("expected an account code and a login name"),
            NULL}},
    {"project", "list", "[--json]", N_("list project accounts"),
        FM_GRAMMAR_STORE, .run = project_list,
        .operands = FM_ADMIN_NO_OPERANDS},
};

const struct fm_admin_group fm_admin_group_project = FM_ADMIN_GROUP(commands);
