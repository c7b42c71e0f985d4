/*
 * authlog.c - followme-admin authlog: the authentication log, as the
 * admins' page of the web console shows it (store/authevents.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>

#include "admin/admin.h"
#include "store/authevents.h"

enum { A_LOGIN, A_SINCE, A_OUTCOME, A_LIMIT };

enum { C_ID, C_AT, C_LOGIN, C_WHERE, C_METHOD, C_OUTCOME, C_BY, C_NCOLUMNS };

/* A text column a person or a network named (a login, a terminal, an
 * address): the table shows it cleaned of control characters. */
#define CLEANED_COLUMN(i, header, width, key)                                  \
	[(i)] = {(header), (width), NULL, (key), FM_TABLE_TEXT, FM_TABLE_CLEAN}

static const struct fm_table_column authlog_columns[C_NCOLUMNS] = {
    FM_TABLE_JSON(C_ID, "id", INT),
    FM_TABLE_COLUMN(C_AT, N_("TIME"), -19, "at", TIME),
    CLEANED_COLUMN(C_LOGIN, N_("LOGIN"), -16, "login"),
    CLEANED_COLUMN(C_WHERE, N_("WHERE"), -24, "where"),
    FM_TABLE_COLUMN(C_METHOD, N_("METHOD"), -8, "method", TEXT),
    FM_TABLE_COLUMN(C_OUTCOME, N_("OUTCOME"), -12, "outcome", TEXT),
    FM_TABLE_CLEANED(C_BY, N_("BY"), NULL, "by"),
};

static bool
authlog_row(const struct fm_authevent *e, void *table)
{
	/* A login or a place can hold anything: the table shows them
	 * cleaned, JSON escapes them. */
	struct fm_table_cell c[C_NCOLUMNS] = {
	    [C_ID] = {NULL, e->id},
	    [C_AT] = {NULL, e->at},
	    [C_LOGIN] = {e->login, 0},
	    [C_WHERE] = {e->place, 0},
	    [C_METHOD] = {fm_authevent_method_name(e->method), 0},
	    [C_OUTCOME] = {fm_authevent_outcome_name(e->outcome), 0},
	    [C_BY] = {e->actor, 0},
	};

	fm_table_row(table, c);
	return true;
}

static int
authlog(struct fm_admin *admin)
{
	const struct fm_grammar_value *o = admin->args.opt;
	struct fm_authevent_filter f = {.login = o[A_LOGIN].text,
	    .outcome = o[A_OUTCOME].text,
	    .from = o[A_SINCE].text != NULL ? o[A_SINCE].number : 0};
	int64_t limit = o[A_LIMIT].text != NULL ? o[A_LIMIT].number : INT64_MAX;
	struct fm_table t;

	fm_admin_list_begin(admin, &t, authlog_columns, C_NCOLUMNS);
	return fm_admin_list_end(admin, &t,
	    fm_authevents_list(
	        admin->store, &f, 0, limit, authlog_row, &t, NULL),
	    "the authentication log", "No authentication events.");
}

static const char *const outcomes[] = {"success", "wrong-secret", "unknown",
    "locked", "disabled", "unlocked", NULL};

static const struct fm_grammar_option authlog_options[FM_GRAMMAR_OPTTABLE] = {
    [A_LOGIN] = {"login", .flags = FM_GRAMMAR_NONEMPTY,
        .help = N_("only this user's events")},
    [A_SINCE] = {"since", .kind = FM_GRAMMAR_DATE,
        .help = N_("only events from this day on (YYYY-MM-DD)")},
    [A_OUTCOME] = {"outcome", .kind = FM_GRAMMAR_CHOICE, .choices = outcomes,
        .help = N_("only this outcome: success, wrong-secret, unknown, "
                   "locked, disabled or unlocked")},
    [A_LIMIT] = {"limit", .kind = FM_GRAMMAR_INTEGER, .min = 1,
        .max = 1000000000, .help = N_("the newest N events only")},
};

static const struct fm_grammar_command authlog_commands[] = {
    {"authlog", NULL,
        "[--login LOGIN] [--since DATE] [--outcome OUTCOME] [--limit N] "
        "[--json]",
        N_("the authentication log, newest first: who logged in where, "
           "how, and the outcome"),
        FM_GRAMMAR_STORE, .run = authlog, .options = authlog_options,
        .operands = FM_ADMIN_NO_OPERANDS},
};

const struct fm_admin_group fm_admin_group_authlog =
    FM_ADMIN_GROUP(authlog_commands);
