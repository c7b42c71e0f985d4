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
    [D_CODE] = {"CODE", -10, NULL, "code", FM_TABLE_TEXT, 0},
    [D_NAME] = {NULL, 0, NULL, "name", FM_TABLE_TEXT, 0},
    [D_USERS] = {"USERS", 5, NULL, "users", FM_TABLE_INT, 0},
    FM_ADMIN_ACCOUNT_COLUMNS_AT(D_ACCOUNT),
    [D_NAME_SHOWN] = {"NAME", 0, "  ", NULL, FM_TABLE_TEXT, FM_TABLE_CLEAN},
};

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
dept_add(struct fm_admin *admin, const struct fm_grammar_command *cmd,
    const struct fm_grammar_args *args)
{
	const char *code = args->operand[0].text, *errstr = NULL;

	(void)cmd;
	if (!fm_depts_add(admin->store, code, args->operand[1].text, &errstr))
		return fm_admin_fail(
		    "cannot add department %s: %s", code, errstr);
	printf("Added department %s.\n", code);
	return FM_ADMIN_OK;
}

static int
dept_list(struct fm_admin *admin, const struct fm_grammar_command *cmd,
    const struct fm_grammar_args *args)
{
	struct fm_table t;

	(void)cmd;
	(void)args;
	fm_table_init(&t, stdout, dept_columns, D_NCOLUMNS, admin->json);
	fm_table_begin(&t);
	if (!fm_depts_list(admin->store, dept_row, &t))
		return fm_admin_fail("cannot list departments: %s",
		    fm_store_last_error(admin->store));
	fm_table_end(&t, "No departments.");
	return FM_ADMIN_OK;
}

static int
dept_show(struct fm_admin *admin, const struct fm_grammar_command *cmd,
    const struct fm_grammar_args *args)
{
	struct fm_table t;
	struct fm_dept d;

	(void)cmd;
	if (!fm_depts_get(admin->store, args->operand[0].text, &d))
		return fm_admin_fail("no department %s", args->operand[0].text);
	fm_table_init(&t, stdout, dept_columns, D_NCOLUMNS, admin->json);
	dept_row(&d, &t);
	if (admin->json) {
		fputc('\n', stdout);
		return FM_ADMIN_OK;
	}
	printf("Members:\n");
	fm_admin_user_table(&t, false);
	fm_users_list(admin->store, d.code, fm_admin_user_row, &t);
	if (t.rows == 0)
		printf("  (none)\n");
	return FM_ADMIN_OK;
}

static const struct fm_grammar_command commands[] = {
    {.group = "dept",
        .verb = "add",
        .synopsis = "CODE NAME",
        .summary = "add a department (cost centre)",
        .flags = FM_GRAMMAR_STORE,
        .min_operands = 2,
        .max_operands = 2,
        .operands_error = "expected a code and a name (quote a name with "
                          "spaces)",
        .run = dept_add},
    {.group = "dept",
        .verb = "list",
        .synopsis = "[--json]",
        .summary = "list departments with their balances",
        .flags = FM_GRAMMAR_STORE,
        .operands_error = "takes no arguments",
        .run = dept_list},
    {.group = "dept",
        .verb = "show",
        .synopsis = "CODE [--json]",
        .summary = "show a department and its members",
        .flags = FM_GRAMMAR_STORE,
        .min_operands = 1,
        .max_operands = 1,
        .operands_error = "expected one department code",
        .run = dept_show},
};

const struct fm_admin_group fm_admin_group_dept = FM_ADMIN_GROUP(commands);
