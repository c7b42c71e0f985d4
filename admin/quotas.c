/*
 * quotas.c - followme-admin quota set|limit|grant|adjust|policy|
 * run-allocations, and balance: what accounts get, may spend and have.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "admin/admin.h"
#include "common/json.h"
#include "common/money.h"
#include "quota/accounts.h"
#include "quota/alloc.h"
#include "quota/ledger.h"
#include "quota/period.h"
#include "quota/policy.h"

/*
 * quota set, limit, grant and adjust read the same options, each
 * checking the values it uses and accepting the others unread.
 */
enum {
	T_USER,
	T_DEPARTMENT,
	T_AMOUNT,
	T_REASON,
	T_PERIOD,
	T_CAP,
	T_OVERDRAFT,
	T_RESTRICTED,
	T_UNRESTRICTED,
	T_NOW
};

#define UNREAD N_("accepted, not read by this command")

#define TARGET_OPTIONS                                                         \
	[T_USER] = {"user", .help = N_("a user's account")},                   \
	[T_DEPARTMENT] = {"department", .alias = "project",                    \
	    .help = N_("a department's or a project's account")},              \
	[T_RESTRICTED] = {"restricted", .kind = FM_GRAMMAR_FLAG,               \
	    .help = N_("may not go below minus the overdraft")},               \
	[T_UNRESTRICTED] = {"unrestricted", .kind = FM_GRAMMAR_FLAG,           \
	    .help = N_("charged without limit")}

/* What grant and adjust read besides the account and the amount. */
#define ADD_OPTIONS                                                            \
	[T_REASON] = {"reason",                                                \
	    .flags = FM_GRAMMAR_REQUIRED | FM_GRAMMAR_NONEMPTY,                \
	    .missing = N_("--reason is required"),                             \
	    .help = N_("why, for the ledger")},                                \
	[T_PERIOD] = {"period", .help = UNREAD},                               \
	[T_CAP] = {"cap", .help = UNREAD},                                     \
	[T_OVERDRAFT] = {"overdraft", .help = UNREAD}

static bool
is_period(const char *s)
{
	enum fm_period p;

	return fm_period_parse(s, &p);
}

/* The account named by --user or --department (exactly one). */
static int
find_account(struct fm_admin *admin, struct fm_account *out)
{
	const char *user = admin->args.opt[T_USER].text;
	const char *dept = admin->args.opt[T_DEPARTMENT].text;

	if ((user == NULL) == (dept == NULL))
		return fm_admin_usage(admin,
		    "give exactly one of --user, --department and --project");
	if (user != NULL && !fm_accounts_find(admin->store, "user", user, out))
		return fm_admin_fail("no user %s", user);
	/* --project shares the department option: the code names a
	 * department or a project account. */
	if (dept != NULL &&
	    !fm_accounts_find(admin->store, "department", dept, out) &&
	    !fm_accounts_find(admin->store, "project", dept, out))
		return fm_admin_fail("no department or project %s", dept);
	return FM_ADMIN_OK;
}

/*
 * What the period in course gets after quota set: allocations credit
 * each period once (run-allocations), so a raise within a period that
 * was already credited waits for the next one -- unless --now tops the
 * period up.  Say which, so that nobody waits a month for nothing.
 */
static int
this_period(struct fm_admin *admin, const struct fm_account *a, int64_t amount,
    bool now)
{
	char m1[FM_I18N_MONEYMAX], m2[FM_I18N_MONEYMAX];
	const char *errstr = NULL;
	int64_t got = 0, credited = 0;

	if (now) {
		if (!fm_alloc_top_up(admin->store, a->id,
		        fm_store_now(admin->store), &credited, &errstr))
			return fm_admin_fail("cannot top up: %s", errstr);
		return fm_admin_done("Credited %s now for this period.",
		    fm_admin_money(admin, credited, m1, sizeof(m1)));
	}
	if (!fm_alloc_credited(
	        admin->store, a->id, fm_store_now(admin->store), &got) ||
	    got == 0 || got >= amount)
		return FM_ADMIN_OK;
	return fm_admin_done(
	    "This period already got %s: the new amount applies from the next "
	    "one.  To credit the difference (%s) now, run this again with "
	    "--now, or use quota grant.",
	    fm_admin_money(admin, got, m1, sizeof(m1)),
	    fm_admin_money(admin, amount - got, m2, sizeof(m2)));
}

static int
quota_set(struct fm_admin *admin)
{
	const struct fm_grammar_value *o = admin->args.opt;
	enum fm_period period = FM_PERIOD_MONTHLY;
	int64_t amount = o[T_AMOUNT].number;
	int64_t cap = o[T_CAP].text != NULL ? o[T_CAP].number : 0;
	struct fm_account a;
	const char *errstr = NULL;
	char m1[FM_I18N_MONEYMAX], m2[FM_I18N_MONEYMAX];
	int rc;

	if (o[T_PERIOD].text != NULL)
		fm_period_parse(o[T_PERIOD].text, &period);
	if ((rc = find_account(admin, &a)) != FM_ADMIN_OK)
		return rc;
	if (!fm_alloc_set(admin->store, a.id, amount, period, cap, &errstr))
		return fm_admin_fail("cannot set the quota: %s", errstr);
	if (amount == 0)
		return fm_admin_done(
		    "Removed the allocation of %s %s.", a.kind, a.name);
	printf(_("%s %s gets %s %s%s%s.\n"), a.kind, a.name,
	    fm_admin_money(admin, amount, m1, sizeof(m1)),
	    fm_period_name(period), cap ? _(", up to ") : "",
	    cap ? fm_admin_money(admin, cap, m2, sizeof(m2)) : "");
	return this_period(admin, &a, amount, o[T_NOW].text != NULL);
}

static int
quota_limit(struct fm_admin *admin)
{
	const struct fm_grammar_value *o = admin->args.opt;
	int64_t overdraft =
	    o[T_OVERDRAFT].text != NULL ? o[T_OVERDRAFT].number : -1;
	struct fm_account a;
	char money[FM_I18N_MONEYMAX];
	int rc, restricted = -1; /* -1: unchanged */

	/* --restricted and --unrestricted: the later one counts. */
	if (o[T_RESTRICTED].seq > o[T_UNRESTRICTED].seq)
		restricted = 1;
	else if (o[T_UNRESTRICTED].seq > 0)
		restricted = 0;
	if (o[T_OVERDRAFT].text == NULL && restricted < 0)
		return fm_admin_usage(
		    admin, "give --restricted, --unrestricted or --overdraft");
	if ((rc = find_account(admin, &a)) != FM_ADMIN_OK)
		return rc;
	if (!fm_accounts_set_limits(admin->store, a.id,
	        restricted < 0 ? a.restricted : restricted == 1, overdraft) ||
	    !fm_accounts_get(admin->store, a.id, &a))
		return fm_admin_fail("cannot set the limit: %s",
		    fm_store_last_error(admin->store));
	printf(_("%s %s is %s"), a.kind, a.name,
	    a.restricted ? _("restricted") : _("unrestricted"));
	if (a.restricted)
		printf(_(", overdraft %s"),
		    fm_admin_money(admin, a.overdraft, money, sizeof(money)));
	printf(".\n");
	return FM_ADMIN_OK;
}

/* grant and adjust: the options say what may be added. */
static int
quota_add(struct fm_admin *admin)
{
	struct fm_account a;
	const char *errstr = NULL;
	char money[FM_I18N_MONEYMAX];
	int rc;

	if ((rc = find_account(admin, &a)) != FM_ADMIN_OK)
		return rc;
	if (!fm_ledger_adjust(admin->store, a.id,
	        admin->args.opt[T_AMOUNT].number, false,
	        admin->args.opt[T_REASON].text, admin->operator_name, NULL,
	        NULL, &errstr))
		return fm_admin_fail("cannot change the balance: %s", errstr);
	fm_accounts_get(admin->store, a.id, &a);
	return fm_admin_done("Balance of %s %s is now %s.", a.kind, a.name,
	    fm_admin_money(admin, a.balance, money, sizeof(money)));
}

enum { POLICY_PAYER, POLICY_NEW_USERS, POLICY_CURRENCY };

static int
quota_policy(struct fm_admin *admin)
{
	/* In option order, then what can only be shown. */
	static const char *const keys[] = {
	    "payer", "new_users", "currency", "closed_through"};
	const char *errstr = NULL;
	char value[FM_POLICY_VALUEMAX];

	for (int i = POLICY_PAYER; i <= POLICY_CURRENCY; i++) {
		const char *set = admin->args.opt[i].text;

		if (set != NULL &&
		    !fm_policy_set(admin->store, keys[i], set, &errstr))
			return fm_admin_usage(
			    admin, "%s '%s': %s", keys[i], set, errstr);
	}
	if (admin->json)
		fputc('{', stdout);
	for (int i = 0; i < 4; i++) {
		value[0] = '\0';
		fm_policy_get(admin->store, keys[i], value, sizeof(value));
		if (admin->json) {
			if (i > 0)
				fputc(',', stdout);
			fm_json_key_string(stdout, keys[i], value);
		} else
			printf("%-15s %s\n", keys[i], value[0] ? value : "-");
	}
	if (admin->json)
		fputs("}\n", stdout);
	return FM_ADMIN_OK;
}

static int
quota_run_allocations(struct fm_admin *admin)
{
	const char *errstr = NULL;
	int credited = 0;

	if (!fm_alloc_run(
	        admin->store, fm_store_now(admin->store), &credited, &errstr))
		return fm_admin_fail("allocations failed: %s", errstr);
	return fm_admin_done(
	    P_("Credited %d account.", "Credited %d accounts.", credited),
	    credited);
}

enum {
	A_KIND,
	A_NAME,
	A_ACCOUNT,
	A_AVAILABLE = A_ACCOUNT + FM_ADMIN_ACCOUNT_COLUMNS,
	A_NCOLUMNS
};

static const struct fm_table_column balance_columns[A_NCOLUMNS] = {
    FM_TABLE_JSON(A_KIND, "kind", TEXT), FM_TABLE_JSON(A_NAME, "name", TEXT),
    FM_ADMIN_ACCOUNT_COLUMNS_AT(A_ACCOUNT),
    FM_TABLE_JSON(A_AVAILABLE, "available", TEXT)};

#define BALANCE_OPERANDS                                                       \
	N_("expected 'user LOGIN', 'department CODE' or 'project CODE'")

static int
balance(struct fm_admin *admin)
{
	const char *word = admin->args.operand[0].text;
	const char *name = admin->args.operand[1].text, *kind;
	struct fm_account a;
	struct fm_alloc al;
	char m[4][FM_I18N_MONEYMAX];

	if (strcmp(word, "user") != 0 && strcmp(word, "department") != 0 &&
	    strcmp(word, "dept") != 0 && strcmp(word, "project") != 0)
		return fm_admin_usage(admin, "%s", _(BALANCE_OPERANDS));
	kind = word[0] == 'u' ? "user"
	    : word[0] == 'p'  ? "project"
	                      : "department";
	if (!fm_accounts_find(admin->store, kind, name, &a))
		return fm_admin_fail("no %s %s", kind, name);
	fm_admin_money(admin, a.balance, m[0], sizeof(m[0]));
	fm_admin_money(admin, a.held, m[1], sizeof(m[1]));
	fm_admin_money(admin, a.overdraft, m[2], sizeof(m[2]));
	fm_admin_money(admin, fm_accounts_available(&a), m[3], sizeof(m[3]));
	if (admin->json) {
		struct fm_table_cell c[A_NCOLUMNS] = {
		    [A_KIND] = {kind, 0},
		    [A_NAME] = {a.name, 0},
		    [A_AVAILABLE] = {a.restricted ? m[3] : NULL, 0},
		};

		fm_admin_account_cells(&a, &c[A_ACCOUNT]);
		fm_table_object(stdout, balance_columns, A_NCOLUMNS, c);
		return FM_ADMIN_OK;
	}
	printf("%s %s\n", kind, a.name);
	printf(_("  balance:   %s\n  reserved:  %s\n"), m[0], m[1]);
	if (a.restricted)
		printf(_("  overdraft: %s\n  available: %s\n"), m[2], m[3]);
	else
		printf("  %s\n", _("unrestricted"));
	if (fm_alloc_get(admin->store, a.id, &al)) {
		printf(_("  quota:     %s %s"),
		    fm_admin_money(admin, al.amount, m[0], sizeof(m[0])),
		    fm_period_name(al.period));
		if (al.cap > 0)
			printf(_(", up to %s"),
			    fm_admin_money(admin, al.cap, m[1], sizeof(m[1])));
		printf("\n");
	}
	return FM_ADMIN_OK;
}

static const struct fm_grammar_option set_options[FM_GRAMMAR_OPTTABLE] = {
    TARGET_OPTIONS,
    [T_AMOUNT] = {"amount", .kind = FM_GRAMMAR_MONEY,
        .flags = FM_GRAMMAR_REQUIRED,
        .invalid = N_("--amount must be an amount of 0 or more, like 10.00"),
        .missing = N_("--amount must be an amount of 0 or more, like 10.00"),
        .help = N_("what each period brings (0 removes the allocation)")},
    [T_REASON] = {"reason", .help = UNREAD},
    [T_PERIOD] = {"period",
        .invalid = N_("--period is daily, weekly or monthly"),
        .valid = is_period, .help = N_("daily, weekly or monthly (default)")},
    [T_CAP] = {"cap", .kind = FM_GRAMMAR_MONEY,
        .invalid = N_("--cap must be an amount of 0 or more (0: no cap)"),
        .help = N_("no allocation raises the balance above this")},
    [T_OVERDRAFT] = {"overdraft", .help = UNREAD},
    [T_NOW] = {"now", .kind = FM_GRAMMAR_FLAG,
        .help = N_("credit what this period is owed now (after a raise)")},
};

static const struct fm_grammar_option limit_options[FM_GRAMMAR_OPTTABLE] = {
    TARGET_OPTIONS,
    [T_AMOUNT] = {"amount", .help = UNREAD},
    [T_REASON] = {"reason", .help = UNREAD},
    [T_PERIOD] = {"period", .help = UNREAD},
    [T_CAP] = {"cap", .help = UNREAD},
    [T_OVERDRAFT] = {"overdraft", .kind = FM_GRAMMAR_MONEY,
        .invalid = N_("--overdraft must be an amount of 0 or more"),
        .help = N_("how far below zero a restricted account may go")},
};

static const struct fm_grammar_option grant_options[FM_GRAMMAR_OPTTABLE] = {
    TARGET_OPTIONS,
    [T_AMOUNT] = {"amount", .kind = FM_GRAMMAR_MONEY,
        .flags = FM_GRAMMAR_REQUIRED | FM_GRAMMAR_NONZERO,
        .invalid = N_("--amount must be a positive amount, like 5.00"),
        .missing = N_("--amount must be a positive amount, like 5.00"),
        .help = N_("what to add")},
    ADD_OPTIONS,
};

static const struct fm_grammar_option adjust_options[FM_GRAMMAR_OPTTABLE] = {
    TARGET_OPTIONS,
    [T_AMOUNT] = {"amount", .kind = FM_GRAMMAR_MONEY,
        .flags = FM_GRAMMAR_REQUIRED | FM_GRAMMAR_NONZERO | FM_GRAMMAR_SIGNED,
        .invalid = N_("--amount must be a non-zero amount, like -2.50"),
        .missing = N_("--amount must be a non-zero amount, like -2.50"),
        .help = N_("what to add, or take away if negative")},
    ADD_OPTIONS,
};

static const struct fm_grammar_option policy_options[FM_GRAMMAR_OPTTABLE] = {
    [POLICY_PAYER] = {"payer", .help = N_("user-first or department-first")},
    [POLICY_NEW_USERS] = {"new-users",
        .help = N_("restricted or unrestricted")},
    [POLICY_CURRENCY] = {"currency", .help = N_("ISO 4217 code")},
};

static const struct fm_grammar_command quota_commands[] = {
    {"quota", "set",
        "--user L|--department C|--project P --amount A [--period "
        "daily|weekly|monthly] [--cap A] [--now]",
        N_("allocate A every period, up to the cap (amount 0 removes it)"),
        FM_GRAMMAR_STORE, .run = quota_set, .options = set_options},
    {"quota", "limit",
        "--user L|--department C|--project P [--restricted|--unrestricted] "
        "[--overdraft A]",
        N_("set whether an account may go below zero, and how far"),
        FM_GRAMMAR_STORE, .run = quota_limit, .options = limit_options},
    {"quota", "grant",
        "--user L|--department C|--project P --amount A --reason TEXT",
        N_("add money to an account"), FM_GRAMMAR_STORE, .run = quota_add,
        .options = grant_options},
    {"quota", "adjust",
        "--user L|--department C|--project P --amount A --reason TEXT",
        N_("correct a balance (A may be negative)"), FM_GRAMMAR_STORE,
        .run = quota_add, .options = adjust_options},
    {"quota", "policy",
        "[--payer user-first|department-first] [--new-users "
        "restricted|unrestricted] [--currency CODE] [--json]",
        N_("show or change the site policy"), FM_GRAMMAR_STORE,
        .run = quota_policy, .options = policy_options},
    {"quota", "run-allocations", "",
        N_("credit the allocations of the current period now (idempotent)"),
        FM_GRAMMAR_STORE, .run = quota_run_allocations,
        .operands = FM_ADMIN_NO_OPERANDS},
};

static const struct fm_grammar_command balance_commands[] = {
    {"balance", NULL, "user LOGIN|department CODE|project CODE [--json]",
        N_("show an account's balance, reservations and limit"),
        FM_GRAMMAR_STORE, .run = balance,
        .operands = {2, 2, BALANCE_OPERANDS, NULL}},
};

const struct fm_admin_group fm_admin_group_quota =
    FM_ADMIN_GROUP(quota_commands);
const struct fm_admin_group fm_admin_group_balance =
    FM_ADMIN_GROUP(balance_commands);
