/*
 * printers.c - followme-admin printer add|list: the printers jobs can be
 * released to (ipp:// URIs or CUPS queues of this server).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>

#include "admin/admin.h"
#include "store/printers.h"

enum { P_NAME, P_URI, P_LOCATION, P_NCOLUMNS };

static const struct fm_table_column printer_columns[P_NCOLUMNS] = {
    FM_TABLE_COLUMN(P_NAME, N_("NAME"), -16, "name", TEXT),
    FM_TABLE_COLUMN(P_URI, N_("DESTINATION"), -40, "uri", TEXT),
    FM_TABLE_CLEANED(P_LOCATION, N_("LOCATION"), NULL, "location")};

static bool
printer_row(const struct fm_printer *p, void *table)
{
	struct fm_table_cell c[P_NCOLUMNS] = {
	    [P_NAME] = {p->name, 0},
	    [P_URI] = {p->uri, 0},
	    [P_LOCATION] = {p->location, 0},
	};

	fm_table_row(table, c);
	return true;
}

enum { ADD_URI, ADD_LOCATION };

static int
printer_add(struct fm_admin *admin)
{
	const char *name = admin->args.operand[0].text, *errstr = NULL;
	const char *location = admin->args.opt[ADD_LOCATION].text;

	if (!fm_printers_add(admin->store, name, admin->args.opt[ADD_URI].text,
	        location ? location : "", &errstr))
		return fm_admin_fail("cannot add printer %s: %s", name, errstr);
	return fm_admin_done("Added printer %s.", name);
}

static int
printer_list(struct fm_admin *admin)
{
	struct fm_table t;

	fm_admin_list_begin(admin, &t, printer_columns, P_NCOLUMNS);
	return fm_admin_list_end(admin, &t,
	    fm_printers_list(admin->store, printer_row, &t), "printers",
	    "No printers.");
}

static const struct fm_grammar_option add_options[FM_GRAMMAR_OPTTABLE] = {
    [ADD_URI] = {"uri", .alias = "queue", .flags = FM_GRAMMAR_REQUIRED,
        .missing = N_("--uri or --queue is required"),
        .help = N_("the printer's ipp:// or ipps:// URI, or a CUPS queue")},
    [ADD_LOCATION] = {"location", .help = N_("where it stands")},
};

static const struct fm_grammar_command commands[] = {
    {"printer", "add", "NAME --uri URI|--queue QUEUE [--location TEXT]",
        N_("add a printer jobs can be released to"), FM_GRAMMAR_STORE,
        .run = printer_add, .options = add_options,
        .operands = {1, 1, N_("expected one printer name"), NULL}},
    {"printer", "list", "[--json]", N_("list printers"), FM_GRAMMAR_STORE,
        .run = printer_list, .operands = FM_ADMIN_NO_OPERANDS},
};

const struct fm_admin_group fm_admin_group_printer = FM_ADMIN_GROUP(commands);
