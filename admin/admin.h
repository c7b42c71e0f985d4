/*
 * admin.h - what the followme-admin command groups share.
 *
 * Each command group (jobs.c, users.c, ...) exports a table of commands
 * (admin/grammar.h); followme-admin.c parses the global options, opens
 * the store when a command needs it, parses the command's words into
 * admin->args and calls its handler with admin, the command in
 * admin->cmd.  Handlers return an exit status: FM_ADMIN_OK, FM_ADMIN_FAIL
 * (the operation failed: no such job, ...) or FM_ADMIN_USAGE (bad
 * arguments), having printed a clear message to stderr.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_ADMIN_H
#define FM_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "admin/grammar.h"
#include "admin/table.h"
#include "common/i18n.h"
#include "common/settings.h"
#include "quota/accounts.h"
#include "store/store.h"

enum { FM_ADMIN_OK = 0, FM_ADMIN_FAIL = 1, FM_ADMIN_USAGE = 2 };

/* How long followmed's and the terminals' certificates are valid. */
#define FM_ADMIN_CERT_DAYS 825

struct fm_admin {
	const struct fm_grammar_command *cmd; /* the command being run */
	struct fm_grammar_args args;          /* and its words, parsed */
	struct fm_settings settings;
	fm_store_t *store;      /* open when the command asked for it */
	bool json;              /* --json given anywhere on the line */
	int64_t now;            /* time the command started */
	char operator_name[64]; /* who runs the command, for the ledger */
	enum fm_i18n_lang lang; /* of the messages and tables (LANG...) */
	char currency[8];       /* the site's, once the store is open */
};

/* The commands of one group, in the order --help lists them. */
struct fm_admin_group {
	const struct fm_grammar_command *commands;
	size_t count;
};

#define FM_ADMIN_GROUP(table)                                                  \
	{                                                                      \
		(table), sizeof(table) / sizeof((table)[0])                    \
	}

/*
 * The operands of a command that takes none, and of one that takes a
 * login name (struct fm_grammar_operands).
 */
#define FM_ADMIN_NO_OPERANDS                                                   \
	{                                                                      \
		0, 0, N_("takes no arguments"), NULL                           \
	}
#define FM_ADMIN_ONE_LOGIN                                                     \
	{                                                                      \
		1, 1, N_("expected one login name"), NULL                      \
	}

/*
 * 'fm_admin_fail()' - print "followme-admin: " and the message to
 * stderr, translated (fmt is a msgid of the catalog; po/make-pot.sh
 * collects it); returns FM_ADMIN_FAIL.
 */
int fm_admin_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * 'fm_admin_done()' - print the message, translated, and a newline to
 * stdout, to say what the command did; returns FM_ADMIN_OK.
 */
int fm_admin_done(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * 'fm_admin_usage()' - print the message and the usage line of
 * admin->cmd to stderr; returns FM_ADMIN_USAGE.
 */
int fm_admin_usage(const struct fm_admin *admin, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * 'fm_admin_usage_args()' - the same for the message of a failed
 * fm_grammar_parse() of admin->cmd's words into admin->args; returns
 * FM_ADMIN_USAGE.
 */
int fm_admin_usage_args(const struct fm_admin *admin);

/*
 * 'fm_admin_open_store()' - drop privileges to the configured user and
 * open the store into admin->store.  Called before the handler for
 * commands with FM_GRAMMAR_STORE, and by those that must do something as
 * the invoking user first (export --out opens its file).  Prints the
 * error and returns false on failure.
 */
bool fm_admin_open_store(struct fm_admin *admin);

/*
 * 'fm_admin_money()' - amount (minor units) for a person to read, in the
 * command's language: French "1 234,50 €" in the site's currency (store
 * open), English "1234.50" as the exports write it, and so with --json
 * (a machine's format in every language).  buf holds FM_I18N_MONEYMAX
 * bytes.  Returns buf.
 */
const char *fm_admin_money(
    const struct fm_admin *admin, int64_t amount, char *buf, size_t size);

/*
 * 'fm_admin_list_begin()' - set t up to write a list of the ncolumns
 * columns (borrowed) to stdout, as JSON with --json, and start it.
 */
void fm_admin_list_begin(struct fm_admin *admin, struct fm_table *t,
    const struct fm_table_column *columns, size_t ncolumns);

/*
 * 'fm_admin_list_end()' - end the list on t.  If listed is false (the
 * store failed), print "cannot list WHAT: " and the store's error and
 * return FM_ADMIN_FAIL; else end the list, with the line none if it is
 * empty, and return FM_ADMIN_OK.
 */
int fm_admin_list_end(struct fm_admin *admin, struct fm_table *t, bool listed,
    const char *what, const char *none);

/*
 * The four columns of an account in JSON (balance, held, restricted,
 * overdraft), the balance also in a table, at indexes first to first + 3
 * of a column array.
 */
#define FM_ADMIN_ACCOUNT_COLUMNS 4
#define FM_ADMIN_ACCOUNT_COLUMNS_AT(first)                                     \
	FM_TABLE_COLUMN((first), "BALANCE", 12, "balance", MONEY),             \
	    FM_TABLE_JSON((first) + 1, "held", MONEY),                         \
	    FM_TABLE_JSON((first) + 2, "restricted", BOOL),                    \
	    FM_TABLE_JSON((first) + 3, "overdraft", MONEY)

/*
 * 'fm_admin_account_cells()' - fill the four cells of those columns from
 * a; the cells borrow nothing.  No-op if a or cells is NULL.
 */
void fm_admin_account_cells(
    const struct fm_account *a, struct fm_table_cell *cells);

struct fm_user;

/*
 * 'fm_admin_user_table()' - set t up to write users to stdout, as user
 * list and dept show do.
 */
void fm_admin_user_table(struct fm_table *t, bool json);

/*
 * 'fm_admin_user_row()' - fm_users_list() callback: write u as a row of
 * table (a struct fm_table from fm_admin_user_table()); returns true.
 */
bool fm_admin_user_row(const struct fm_user *u, void *table);

/*
 * 'fm_admin_badge_key()' - load (creating it if missing) the site's
 * badge key, state_dir/badge.key, into key (FM_BADGES_KEYLEN bytes).
 * Prints the error and returns false on failure.  The caller wipes key.
 */
bool fm_admin_badge_key(struct fm_admin *admin, uint8_t *key);

/* The command groups, one table each, in --help order. */
extern const struct fm_admin_group fm_admin_group_jobs;
extern const struct fm_admin_group fm_admin_group_user;
extern const struct fm_admin_group fm_admin_group_role;
extern const struct fm_admin_group fm_admin_group_dept;
extern const struct fm_admin_group fm_admin_group_badge;
extern const struct fm_admin_group fm_admin_group_directory;
extern const struct fm_admin_group fm_admin_group_printer;
extern const struct fm_admin_group fm_admin_group_project;
extern const struct fm_admin_group fm_admin_group_price;
extern const struct fm_admin_group fm_admin_group_quota;
extern const struct fm_admin_group fm_admin_group_balance;
extern const struct fm_admin_group fm_admin_group_refund;
extern const struct fm_admin_group fm_admin_group_report;
extern const struct fm_admin_group fm_admin_group_ledger;
extern const struct fm_admin_group fm_admin_group_export;
extern const struct fm_admin_group fm_admin_group_period;
extern const struct fm_admin_group fm_admin_group_privacy;
extern const struct fm_admin_group fm_admin_group_ca;
extern const struct fm_admin_group fm_admin_group_terminal;
extern const struct fm_admin_group fm_admin_group_auth;
extern const struct fm_admin_group fm_admin_group_token;
extern const struct fm_admin_group fm_admin_group_authlog;

#endif
