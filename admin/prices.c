/*
 * prices.c - followme-admin price set|show|history: versioned price
 * lists, one per printer and a default one.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>

#include "admin/admin.h"
#include "common/json.h"
#include "common/money.h"
#include "quota/price.h"

enum { SET_PRINTER, SET_MEDIA, SET_COLOUR, SET_SIDES, SET_PER, SET_AMOUNT };

/* The words' indexes are the FM_PRICE_* values (colour twice). */
static const char *const colours[] = {"mono", "colour", "color", NULL};
static const char *const sides[] = {"simplex", "duplex", NULL};
static const char *const units[] = {"impression", "sheet", NULL};

static int
price_set(struct fm_admin *admin)
{
	const struct fm_grammar_value *o = admin->args.opt;
	const char *printer = o[SET_PRINTER].text, *errstr = NULL;
	struct fm_price_entry e = {"", -1, -1, false, -1};
	char money[FM_I18N_MONEYMAX];
	int version = 0;

	if (printer == NULL)
		printer = "";
	snprintf(e.media, sizeof(e.media), "%s", o[SET_MEDIA].text);
	e.colour = o[SET_COLOUR].number == 0 ? FM_PRICE_MONO : FM_PRICE_COLOUR;
	e.duplex = (int)o[SET_SIDES].number;
	e.per_sheet = o[SET_PER].text != NULL && o[SET_PER].number == 1;
	e.amount = o[SET_AMOUNT].number;
	if (!fm_price_set(admin->store, printer, &e, admin->operator_name,
	        &version, &errstr))
		return fm_admin_fail("cannot set the price: %s", errstr);
	return fm_admin_done(
	    "Price list %s is now version %d: %s %s %s %s per %s.",
	    printer[0] ? printer : "(default)", version, e.media,
	    e.colour ? "colour" : "mono", e.duplex ? "duplex" : "simplex",
	    fm_admin_money(admin, e.amount, money, sizeof(money)),
	    e.per_sheet ? "sheet" : "impression");
}

enum { E_MEDIA, E_COLOUR, E_SIDES, E_PER, E_AMOUNT, E_NCOLUMNS };

static const struct fm_table_column price_columns[E_NCOLUMNS] = {
    FM_TABLE_COLUMN(E_MEDIA, N_("MEDIA"), -8, "media", TEXT),
    FM_TABLE_COLUMN(E_COLOUR, N_("COLOUR"), -7, "colour", TEXT),
    FM_TABLE_COLUMN(E_SIDES, N_("SIDES"), -8, "sides", TEXT),
    FM_TABLE_COLUMN(E_PER, N_("PER"), -11, "per", TEXT),
    FM_TABLE_COLUMN(E_AMOUNT, N_("AMOUNT"), 10, "amount", MONEY)};

static bool
price_row(const struct fm_price_entry *e, void *table)
{
	struct fm_table_cell c[E_NCOLUMNS] = {
	    [E_MEDIA] = {e->media, 0},
	    [E_COLOUR] = {colours[e->colour ? 1 : 0], 0},
	    [E_SIDES] = {sides[e->duplex ? 1 : 0], 0},
	    [E_PER] = {units[e->per_sheet ? 1 : 0], 0},
	    [E_AMOUNT] = {NULL, e->amount},
	};

	fm_table_row(table, c);
	return true;
}

enum { SHOW_PRINTER, SHOW_VERSION };

static int
price_show(struct fm_admin *admin)
{
	const char *printer = admin->args.opt[SHOW_PRINTER].text;
	int64_t v = admin->args.opt[SHOW_VERSION].number;
	struct fm_table t;
	bool own = false;
	int version;

	if (printer == NULL)
		printer = "";
	version =
	    v > 0 ? (int)v : fm_price_current(admin->store, printer, &own);
	if (version <= 0)
		return fm_admin_fail("no price list for %s and no default list",
		    printer[0] ? printer : _("the default"));
	fm_table_init(&t, stdout, price_columns, E_NCOLUMNS, admin->json);
	fm_table_localize(&t, admin->lang, admin->currency);
	if (admin->json) {
		printf("{\"version\":%d,", version);
		fm_json_key_string(stdout, "printer", printer);
		fputs(",\"prices\":[", stdout);
	} else {
		printf(_("Price list version %d"), version);
		if (printer[0] && v == 0)
			printf(" (%s)", own ? printer : _("the default list"));
		printf(":\n");
	}
	fm_price_entries(admin->store, version, price_row, &t);
	if (admin->json)
		fputs("]}\n", stdout);
	else if (t.rows == 0)
		printf("  %s\n", _("(empty)"));
	return FM_ADMIN_OK;
}

enum { V_VERSION, V_CREATED, V_BY, V_NCOLUMNS };

static const struct fm_table_column version_columns[V_NCOLUMNS] = {
    FM_TABLE_COLUMN(V_VERSION, N_("VERSION"), -8, "version", INT),
    FM_TABLE_COLUMN(V_CREATED, N_("CREATED"), -19, "created_at", TIME),
    FM_TABLE_COLUMN(V_BY, N_("BY"), 0, "created_by", TEXT)};

static bool
version_row(int version, int64_t at, const char *by, void *table)
{
	struct fm_table_cell c[V_NCOLUMNS] = {
	    [V_VERSION] = {NULL, version},
	    [V_CREATED] = {NULL, at},
	    [V_BY] = {by, 0},
	};

	fm_table_row(table, c);
	return true;
}

enum { HISTORY_PRINTER };

static int
price_history(struct fm_admin *admin)
{
	const char *printer = admin->args.opt[HISTORY_PRINTER].text;
	struct fm_table t;

	/* What the store could list is all there is to show. */
	fm_admin_list_begin(admin, &t, version_columns, V_NCOLUMNS);
	fm_price_history(admin->store, printer ? printer : "", version_row, &t);
	return fm_admin_list_end(admin, &t, true, "versions", "No versions.");
}

static const struct fm_grammar_option set_options[FM_GRAMMAR_OPTTABLE] = {
    [SET_PRINTER] = {"printer",
        .help = N_("the printer's list (default: the default list)")},
    [SET_MEDIA] = {"media", .flags = FM_GRAMMAR_REQUIRED | FM_GRAMMAR_AT_ONCE,
        .invalid = N_("unknown media '%s' (A4, A3, A5, Letter, Legal, "
                      "Tabloid)"),
        .valid = fm_price_media_is_valid, .help = N_("media size")},
    [SET_COLOUR] = {"colour", .alias = "color", .kind = FM_GRAMMAR_CHOICE,
        .flags = FM_GRAMMAR_REQUIRED | FM_GRAMMAR_AT_ONCE,
        .invalid = N_("--colour is mono or colour"), .choices = colours,
        .help = N_("mono or colour")},
    [SET_SIDES] = {"sides", .kind = FM_GRAMMAR_CHOICE,
        .flags = FM_GRAMMAR_REQUIRED | FM_GRAMMAR_AT_ONCE,
        .invalid = N_("--sides is simplex or duplex"), .choices = sides,
        .help = N_("simplex or duplex")},
    [SET_PER] = {"per", .kind = FM_GRAMMAR_CHOICE, .flags = FM_GRAMMAR_AT_ONCE,
        .invalid = N_("--per is impression or sheet"), .choices = units,
        .help = N_("what the amount is charged for (default impression)")},
    [SET_AMOUNT] = {"amount", .kind = FM_GRAMMAR_MONEY,
        .flags = FM_GRAMMAR_REQUIRED | FM_GRAMMAR_AT_ONCE,
        .invalid = N_("'%s' is not an amount (like 0.05)"),
        .help = N_("the price")},
};

static const struct fm_grammar_option show_options[FM_GRAMMAR_OPTTABLE] = {
    [SHOW_PRINTER] = {"printer",
        .help = N_("the list this printer is charged with")},
    [SHOW_VERSION] = {"version", .kind = FM_GRAMMAR_INTEGER,
        .flags = FM_GRAMMAR_AT_ONCE, .invalid = N_("'%s' is not a version"),
        .min = 1, .max = INT32_MAX,
        .help = N_("this version instead of the current one")},
};

static const struct fm_grammar_option history_options[FM_GRAMMAR_OPTTABLE] = {
    [HISTORY_PRINTER] = {"printer",
        .help = N_("the printer's list (default: the default list)")},
};

static const struct fm_grammar_command commands[] = {
    {"price", "set",
        "[--printer P] --media SIZE --colour mono|colour --sides "
        "simplex|duplex [--per impression|sheet] --amount A",
        N_("set one price; makes a new version of the printer's list (default "
           "list without --printer)"),
        FM_GRAMMAR_STORE, .run = price_set, .options = set_options,
        .missing = N_("--media, --colour, --sides and --amount are required")},
    {"price", "show", "[--printer P] [--version N] [--json]",
        N_("show the price list a printer uses now (or a version)"),
        FM_GRAMMAR_STORE, .run = price_show, .options = show_options},
    {"price", "history", "[--printer P] [--json]",
        N_("list the versions of a price list"), FM_GRAMMAR_STORE,
        .run = price_history, .options = history_options},
};

const struct fm_admin_group fm_admin_group_price = FM_ADMIN_GROUP(commands);
