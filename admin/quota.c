/*
 * admin-quota.c - followme-admin price, quota, balance, refund, report,
 * ledger, export, period and privacy commands.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/json.h"
#include "quota/accounts.h"
#include "admin/admin.h"
#include "quota/alloc.h"
#include "quota/depts.h"
#include "quota/export.h"
#include "quota/ledger.h"
#include "common/money.h"
#include "quota/period.h"
#include "quota/policy.h"
#include "quota/price.h"
#include "quota/privacy.h"
#include "quota/users.h"

static const struct fm_admin_command *
self(const char *group, const char *verb)
{
	for (size_t i = 0; i < fm_admin_quota_count; i++) {
		const struct fm_admin_command *c = &fm_admin_quota_commands[i];
		if (strcmp(c->group, group) == 0 &&
		    (c->verb == NULL ||
		        (verb != NULL && strcmp(c->verb, verb) == 0)))
			return c;
	}
	return &fm_admin_quota_commands[0];
}

#define UNKNOWN_OPTION(cmd)                                                    \
	fm_admin_usage(cmd, "unknown or incomplete option %s", argv[optind - 1])

static bool
parse_amount(const char *s, bool negative_ok, int64_t *out)
{
	return s != NULL && fm_money_parse(s, strlen(s), negative_ok, out);
}

static bool
parse_date(const char *s, int64_t *out)
{
	return s != NULL && fm_period_parse_date(s, strlen(s), out);
}

/* The account named by --user or --department (exactly one). */
static int
find_account(struct fm_admin *admin, const struct fm_admin_command *cmd,
    const char *user, const char *dept, struct fm_account *out)
{
	if ((user == NULL) == (dept == NULL))
		return fm_admin_usage(cmd,
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

/* --- price --------------------------------------------------------------- */

static int
price_set(struct fm_admin *admin, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"printer", required_argument, NULL, 'p'},
	    {"media", required_argument, NULL, 'm'},
	    {"colour", required_argument, NULL, 'c'},
	    {"color", required_argument, NULL, 'c'},
	    {"sides", required_argument, NULL, 's'},
	    {"per", required_argument, NULL, 'u'},
	    {"amount", required_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	const struct fm_admin_command *cmd = self("price", "set");
	struct fm_price_entry e = {"", -1, -1, false, -1};
	const char *printer = "", *errstr = NULL;
	char money[FM_MONEY_STRMAX];
	int ch, version = 0;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			printer = optarg;
			break;
		case 'm':
			if (!fm_price_media_is_valid(optarg))
				return fm_admin_usage(cmd,
				    "unknown media '%s' (A4, A3, A5, Letter, "
				    "Legal, Tabloid)",
				    optarg);
			snprintf(e.media, sizeof(e.media), "%s", optarg);
			break;
		case 'c':
			if (strcmp(optarg, "mono") == 0)
				e.colour = FM_PRICE_MONO;
			else if (strcmp(optarg, "colour") == 0 ||
			    strcmp(optarg, "color") == 0)
				e.colour = FM_PRICE_COLOUR;
			else
				return fm_admin_usage(
				    cmd, "--colour is mono or colour");
			break;
		case 's':
			if (strcmp(optarg, "simplex") == 0)
				e.duplex = FM_PRICE_SIMPLEX;
			else if (strcmp(optarg, "duplex") == 0)
				e.duplex = FM_PRICE_DUPLEX;
			else
				return fm_admin_usage(
				    cmd, "--sides is simplex or duplex");
			break;
		case 'u':
			if (strcmp(optarg, "impression") == 0)
				e.per_sheet = false;
			else if (strcmp(optarg, "sheet") == 0)
				e.per_sheet = true;
			else
				return fm_admin_usage(
				    cmd, "--per is impression or sheet");
			break;
		case 'a':
			if (!parse_amount(optarg, false, &e.amount))
				return fm_admin_usage(cmd,
				    "'%s' is not an amount (like 0.05)",
				    optarg);
			break;
		default:
			return UNKNOWN_OPTION(cmd);
		}
	}
	if (optind != argc)
		return fm_admin_usage(
		    cmd, "unexpected argument '%s'", argv[optind]);
	if (e.media[0] == '\0' || e.colour < 0 || e.duplex < 0 || e.amount < 0)
		return fm_admin_usage(cmd,
		    "--media, --colour, --sides and --amount are required");
	if (!fm_price_set(admin->store, printer, &e, admin->operator_name,
	        &version, &errstr))
		return fm_admin_fail("cannot set the price: %s", errstr);
	printf("Price list %s is now version %d: %s %s %s %s per %s.\n",
	    printer[0] ? printer : "(default)", version, e.media,
	    e.colour ? "colour" : "mono", e.duplex ? "duplex" : "simplex",
	    fm_money_format(e.amount, money, sizeof(money)),
	    e.per_sheet ? "sheet" : "impression");
	return FM_ADMIN_OK;
}

struct price_ctx {
	struct fm_admin *admin;
	int count;
};

static bool
print_price(const struct fm_price_entry *e, void *arg)
{
	struct price_ctx *ctx = arg;
	char money[FM_MONEY_STRMAX];

	fm_money_format(e->amount, money, sizeof(money));
	if (ctx->admin->json) {
		if (ctx->count++ > 0)
			fputc(',', stdout);
		fputc('{', stdout);
		fm_json_key_string(stdout, "media", e->media);
		fputc(',', stdout);
		fm_json_key_string(
		    stdout, "colour", e->colour ? "colour" : "mono");
		fputc(',', stdout);
		fm_json_key_string(
		    stdout, "sides", e->duplex ? "duplex" : "simplex");
		fputc(',', stdout);
		fm_json_key_string(
		    stdout, "per", e->per_sheet ? "sheet" : "impression");
		fputc(',', stdout);
		fm_json_key_string(stdout, "amount", money);
		fputc('}', stdout);
		return true;
	}
	if (ctx->count++ == 0)
		printf("%-8s %-7s %-8s %-11s %10s\n", "MEDIA", "COLOUR",
		    "SIDES", "PER", "AMOUNT");
	printf("%-8s %-7s %-8s %-11s %10s\n", e->media,
	    e->colour ? "colour" : "mono", e->duplex ? "duplex" : "simplex",
	    e->per_sheet ? "sheet" : "impression", money);
	return true;
}

static int
price_show(struct fm_admin *admin, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"printer", required_argument, NULL, 'p'},
	    {"version", required_argument, NULL, 'v'},
	    {NULL, 0, NULL, 0},
	};
	const struct fm_admin_command *cmd = self("price", "show");
	struct price_ctx ctx = {admin, 0};
	const char *printer = "";
	int64_t v = 0;
	int ch, version;
	bool own = false;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'p')
			printer = optarg;
		else if (ch == 'v') {
			if (!fm_admin_parse_id(optarg, &v) || v > INT32_MAX)
				return fm_admin_usage(
				    cmd, "'%s' is not a version", optarg);
		} else
			return UNKNOWN_OPTION(cmd);
	}
	if (optind != argc)
		return fm_admin_usage(
		    cmd, "unexpected argument '%s'", argv[optind]);
	version =
	    v > 0 ? (int)v : fm_price_current(admin->store, printer, &own);
	if (version <= 0)
		return fm_admin_fail("no price list for %s and no default list",
		    printer[0] ? printer : "the default");
	if (admin->json) {
		printf("{\"version\":%d,", version);
		fm_json_key_string(stdout, "printer", printer);
		fputs(",\"prices\":[", stdout);
	} else {
		printf("Price list version %d", version);
		if (printer[0] && v == 0)
			printf(" (%s)", own ? printer : "the default list");
		printf(":\n");
	}
	fm_price_entries(admin->store, version, print_price, &ctx);
	if (admin->json)
		fputs("]}\n", stdout);
	else if (ctx.count == 0)
		printf("  (empty)\n");
	return FM_ADMIN_OK;
}

static bool
print_version(int version, int64_t at, const char *by, void *arg)
{
	struct price_ctx *ctx = arg;
	char when[32];

	if (ctx->admin->json) {
		if (ctx->count++ > 0)
			fputc(',', stdout);
		printf("{\"version\":%d,", version);
		fm_json_key_int(stdout, "created_at", at);
		fputc(',', stdout);
		fm_json_key_string(stdout, "created_by", by);
		fputc('}', stdout);
		return true;
	}
	if (ctx->count++ == 0)
		printf("%-8s %-19s %s\n", "VERSION", "CREATED", "BY");
	printf("%-8d %-19s %s\n", version,
	    fm_admin_time(at, when, sizeof(when)), by ? by : "");
	return true;
}

static int
price_history(struct fm_admin *admin, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"printer", required_argument, NULL, 'p'},
	    {NULL, 0, NULL, 0},
	};
	const struct fm_admin_command *cmd = self("price", "history");
	struct price_ctx ctx = {admin, 0};
	const char *printer = "";
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'p')
			return UNKNOWN_OPTION(cmd);
		printer = optarg;
	}
	if (optind != argc)
		return fm_admin_usage(
		    cmd, "unexpected argument '%s'", argv[optind]);
	if (admin->json)
		fputc('[', stdout);
	fm_price_history(admin->store, printer, print_version, &ctx);
	if (admin->json)
		fputs("]\n", stdout);
	else if (ctx.count == 0)
		printf("No versions.\n");
	return FM_ADMIN_OK;
}

/* --- quota --------------------------------------------------------------- */

struct target_opts {
	const char *user, *dept, *amount, *reason, *period, *cap, *overdraft;
	int restricted; /* -1 unchanged */
};

static int
parse_target(int argc, char **argv, const struct fm_admin_command *cmd,
    struct target_opts *o)
{
	static const struct option longopts[] = {
	    {"user", required_argument, NULL, 'u'},
	    {"department", required_argument, NULL, 'd'},
	    {"project", required_argument, NULL, 'd'},
	    {"amount", required_argument, NULL, 'a'},
	    {"reason", required_argument, NULL, 'r'},
	    {"period", required_argument, NULL, 'p'},
	    {"cap", required_argument, NULL, 'c'},
	    {"overdraft", required_argument, NULL, 'o'},
	    {"restricted", no_argument, NULL, 'R'},
	    {"unrestricted", no_argument, NULL, 'U'},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->restricted = -1;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			o->user = optarg;
			break;
		case 'd':
			o->dept = optarg;
			break;
		case 'a':
			o->amount = optarg;
			break;
		case 'r':
			o->reason = optarg;
			break;
		case 'p':
			o->period = optarg;
			break;
		case 'c':
			o->cap = optarg;
			break;
		case 'o':
			o->overdraft = optarg;
			break;
		case 'R':
			o->restricted = 1;
			break;
		case 'U':
			o->restricted = 0;
			break;
		default:
			return UNKNOWN_OPTION(cmd);
		}
	}
	if (optind != argc)
		return fm_admin_usage(
		    cmd, "unexpected argument '%s'", argv[optind]);
	return FM_ADMIN_OK;
}

static int
quota_set(struct fm_admin *admin, int argc, char **argv)
{
	const struct fm_admin_command *cmd = self("quota", "set");
	struct target_opts o;
	struct fm_account a;
	enum fm_period period = FM_PERIOD_MONTHLY;
	int64_t amount, cap = 0;
	const char *errstr = NULL;
	char m1[FM_MONEY_STRMAX], m2[FM_MONEY_STRMAX];
	int rc;

	if ((rc = parse_target(argc, argv, cmd, &o)) != FM_ADMIN_OK)
		return rc;
	if (!parse_amount(o.amount, false, &amount))
		return fm_admin_usage(
		    cmd, "--amount must be an amount of 0 or more, like 10.00");
	if (o.period != NULL && !fm_period_parse(o.period, &period))
		return fm_admin_usage(
		    cmd, "--period is daily, weekly or monthly");
	if (o.cap != NULL && !parse_amount(o.cap, false, &cap))
		return fm_admin_usage(cmd,
		    "--cap must be an amount of 0 or "
		    "more (0: no cap)");
	if ((rc = find_account(admin, cmd, o.user, o.dept, &a)) != FM_ADMIN_OK)
		return rc;
	if (!fm_alloc_set(admin->store, a.id, amount, period, cap, &errstr))
		return fm_admin_fail("cannot set the quota: %s", errstr);
	if (amount == 0)
		printf("Removed the allocation of %s %s.\n", a.kind, a.name);
	else
		printf("%s %s gets %s %s%s%s.\n", a.kind, a.name,
		    fm_money_format(amount, m1, sizeof(m1)),
		    fm_period_name(period), cap ? ", up to " : "",
		    cap ? fm_money_format(cap, m2, sizeof(m2)) : "");
	return FM_ADMIN_OK;
}

static int
quota_limit(struct fm_admin *admin, int argc, char **argv)
{
	const struct fm_admin_command *cmd = self("quota", "limit");
	struct target_opts o;
	struct fm_account a;
	int64_t overdraft = -1;
	char money[FM_MONEY_STRMAX];
	int rc;

	if ((rc = parse_target(argc, argv, cmd, &o)) != FM_ADMIN_OK)
		return rc;
	if (o.overdraft != NULL &&
	    !parse_amount(o.overdraft, false, &overdraft))
		return fm_admin_usage(
		    cmd, "--overdraft must be an amount of 0 or more");
	if (o.overdraft == NULL && o.restricted < 0)
		return fm_admin_usage(
		    cmd, "give --restricted, --unrestricted or --overdraft");
	if ((rc = find_account(admin, cmd, o.user, o.dept, &a)) != FM_ADMIN_OK)
		return rc;
	if (!fm_accounts_set_limits(admin->store, a.id,
	        o.restricted < 0 ? a.restricted : o.restricted == 1,
	        overdraft) ||
	    !fm_accounts_get(admin->store, a.id, &a))
		return fm_admin_fail("cannot set the limit: %s",
		    fm_store_last_error(admin->store));
	printf("%s %s is %s", a.kind, a.name,
	    a.restricted ? "restricted" : "unrestricted");
	if (a.restricted)
		printf(", overdraft %s",
		    fm_money_format(a.overdraft, money, sizeof(money)));
	printf(".\n");
	return FM_ADMIN_OK;
}

static int
grant_or_adjust(struct fm_admin *admin, int argc, char **argv, bool grant)
{
	const struct fm_admin_command *cmd =
	    self("quota", grant ? "grant" : "adjust");
	struct target_opts o;
	struct fm_account a;
	int64_t amount;
	const char *errstr = NULL;
	char money[FM_MONEY_STRMAX];
	int rc;

	if ((rc = parse_target(argc, argv, cmd, &o)) != FM_ADMIN_OK)
		return rc;
	if (!parse_amount(o.amount, !grant, &amount) || amount == 0)
		return fm_admin_usage(cmd,
		    grant ? "--amount must be a positive amount, like 5.00"
		          : "--amount must be a non-zero amount, like -2.50");
	if (o.reason == NULL || o.reason[0] == '\0')
		return fm_admin_usage(cmd, "--reason is required");
	if ((rc = find_account(admin, cmd, o.user, o.dept, &a)) != FM_ADMIN_OK)
		return rc;
	if (!fm_ledger_adjust(admin->store, a.id, amount, false, o.reason,
	        admin->operator_name, NULL, NULL, &errstr))
		return fm_admin_fail("cannot change the balance: %s", errstr);
	fm_accounts_get(admin->store, a.id, &a);
	printf("Balance of %s %s is now %s.\n", a.kind, a.name,
	    fm_money_format(a.balance, money, sizeof(money)));
	return FM_ADMIN_OK;
}

static int
quota_grant(struct fm_admin *admin, int argc, char **argv)
{
	return grant_or_adjust(admin, argc, argv, true);
}

static int
quota_adjust(struct fm_admin *admin, int argc, char **argv)
{
	return grant_or_adjust(admin, argc, argv, false);
}

static int
quota_policy(struct fm_admin *admin, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"payer", required_argument, NULL, 'p'},
	    {"new-users", required_argument, NULL, 'n'},
	    {"currency", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	static const char *const keys[] = {
	    "payer", "new_users", "currency", "closed_through"};
	const struct fm_admin_command *cmd = self("quota", "policy");
	const char *set[3] = {NULL, NULL, NULL}, *errstr = NULL;
	char value[FM_POLICY_VALUEMAX];
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'p')
			set[0] = optarg;
		else if (ch == 'n')
			set[1] = optarg;
		else if (ch == 'c')
			set[2] = optarg;
		else
			return UNKNOWN_OPTION(cmd);
	}
	if (optind != argc)
		return fm_admin_usage(
		    cmd, "unexpected argument '%s'", argv[optind]);
	for (int i = 0; i < 3; i++)
		if (set[i] != NULL &&
		    !fm_policy_set(admin->store, keys[i], set[i], &errstr))
			return fm_admin_usage(
			    cmd, "%s '%s': %s", keys[i], set[i], errstr);
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
quota_run_allocations(struct fm_admin *admin, int argc, char **argv)
{
	const char *errstr = NULL;
	int credited = 0;

	(void)argv;
	if (argc != 1)
		return fm_admin_usage(
		    self("quota", "run-allocations"), "takes no arguments");
	if (!fm_alloc_run(
	        admin->store, fm_store_now(admin->store), &credited, &errstr))
		return fm_admin_fail("allocations failed: %s", errstr);
	printf("Credited %d account(s).\n", credited);
	return FM_ADMIN_OK;
}

/* --- balance, refund ----------------------------------------------------- */

static int
balance(struct fm_admin *admin, int argc, char **argv)
{
	const struct fm_admin_command *cmd = self("balance", NULL);
	struct fm_account a;
	struct fm_alloc al;
	char m[4][FM_MONEY_STRMAX];
	const char *kind;
	int64_t avail;

	if (argc != 3 ||
	    (strcmp(argv[1], "user") != 0 &&
	        strcmp(argv[1], "department") != 0 &&
	        strcmp(argv[1], "dept") != 0 &&
	        strcmp(argv[1], "project") != 0))
		return fm_admin_usage(cmd,
		    "expected 'user LOGIN', 'department CODE' or 'project "
		    "CODE'");
	kind = argv[1][0] == 'u' ? "user"
	    : argv[1][0] == 'p'  ? "project"
	                         : "department";
	if (!fm_accounts_find(admin->store, kind, argv[2], &a))
		return fm_admin_fail("no %s %s", kind, argv[2]);
	avail = fm_accounts_available(&a);
	fm_money_format(a.balance, m[0], sizeof(m[0]));
	fm_money_format(a.held, m[1], sizeof(m[1]));
	fm_money_format(a.overdraft, m[2], sizeof(m[2]));
	fm_money_format(avail, m[3], sizeof(m[3]));
	if (admin->json) {
		fputc('{', stdout);
		fm_json_key_string(stdout, "kind", kind);
		fputc(',', stdout);
		fm_json_key_string(stdout, "name", a.name);
		fputc(',', stdout);
		fm_json_key_string(stdout, "balance", m[0]);
		fputc(',', stdout);
		fm_json_key_string(stdout, "held", m[1]);
		fputs(",\"restricted\":", stdout);
		fputs(a.restricted ? "true" : "false", stdout);
		fputc(',', stdout);
		fm_json_key_string(stdout, "overdraft", m[2]);
		fputc(',', stdout);
		fm_json_key_string(
		    stdout, "available", a.restricted ? m[3] : NULL);
		fputs("}\n", stdout);
		return FM_ADMIN_OK;
	}
	printf("%s %s\n", kind, a.name);
	printf("  balance:   %s\n  reserved:  %s\n", m[0], m[1]);
	if (a.restricted)
		printf("  overdraft: %s\n  available: %s\n", m[2], m[3]);
	else
		printf("  unrestricted\n");
	if (fm_alloc_get(admin->store, a.id, &al)) {
		printf("  quota:     %s %s",
		    fm_money_format(al.amount, m[0], sizeof(m[0])),
		    fm_period_name(al.period));
		if (al.cap > 0)
			printf(", up to %s",
			    fm_money_format(al.cap, m[1], sizeof(m[1])));
		printf("\n");
	}
	return FM_ADMIN_OK;
}

static int
refund(struct fm_admin *admin, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"reason", required_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0},
	};
	const struct fm_admin_command *cmd = self("refund", NULL);
	const char *reason = NULL, *errstr = NULL;
	char money[FM_MONEY_STRMAX];
	int64_t job, amount = 0;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'r')
			return UNKNOWN_OPTION(cmd);
		reason = optarg;
	}
	if (optind + 1 != argc || !fm_admin_parse_id(argv[optind], &job))
		return fm_admin_usage(cmd, "expected one job id");
	if (reason == NULL || reason[0] == '\0')
		return fm_admin_usage(cmd, "--reason is required");
	if (!fm_ledger_refund_job(admin->store, job, reason,
	        admin->operator_name, &amount, &errstr))
		return fm_admin_fail("job %" PRId64 ": %s", job, errstr);
	printf("Refunded %s for job %" PRId64 ".\n",
	    fm_money_format(amount, money, sizeof(money)), job);
	return FM_ADMIN_OK;
}

/* --- reports and exports ------------------------------------------------- */

struct range_opts {
	const char *by, *from, *to, *format, *out;
	int64_t start, end; /* [start, end) */
};

static int
parse_range(int argc, char **argv, const struct fm_admin_command *cmd,
    struct range_opts *o, bool exporting)
{
	static const struct option longopts[] = {
	    {"by", required_argument, NULL, 'b'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"format", required_argument, NULL, 'F'},
	    {"out", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	int64_t to_start;
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o->by = optarg;
			break;
		case 'f':
			o->from = optarg;
			break;
		case 't':
			o->to = optarg;
			break;
		case 'F':
			o->format = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		default:
			return UNKNOWN_OPTION(cmd);
		}
	}
	if (optind != argc)
		return fm_admin_usage(
		    cmd, "unexpected argument '%s'", argv[optind]);
	if (!exporting && (o->format != NULL || o->out != NULL))
		return fm_admin_usage(cmd, "--format and --out are for export");
	if (o->by == NULL || o->from == NULL || o->to == NULL)
		return fm_admin_usage(
		    cmd, "--by, --from and --to are required");
	if (!parse_date(o->from, &o->start))
		return fm_admin_usage(
		    cmd, "--from '%s' is not a date (YYYY-MM-DD)", o->from);
	if (!parse_date(o->to, &to_start))
		return fm_admin_usage(
		    cmd, "--to '%s' is not a date (YYYY-MM-DD)", o->to);
	if (to_start < o->start)
		return fm_admin_usage(cmd, "--to is before --from");
	o->end = fm_period_next_day(to_start);
	return FM_ADMIN_OK;
}

static int
report_usage(struct fm_admin *admin, int argc, char **argv)
{
	const struct fm_admin_command *cmd = self("report", "usage");
	struct range_opts o;
	enum fm_export_by by;
	int rc;

	if ((rc = parse_range(argc, argv, cmd, &o, false)) != FM_ADMIN_OK)
		return rc;
	if (strcmp(o.by, "user") == 0)
		by = FM_EXPORT_BY_USER;
	else if (strcmp(o.by, "department") == 0)
		by = FM_EXPORT_BY_DEPARTMENT;
	else if (strcmp(o.by, "printer") == 0)
		by = FM_EXPORT_BY_PRINTER;
	else
		return fm_admin_usage(
		    cmd, "--by is user, department or printer");
	if (!fm_export_write(admin->store, by, o.start, o.end, o.from, o.to,
	        admin->json ? FM_EXPORT_JSON : FM_EXPORT_TEXT, stdout, NULL))
		return fm_admin_fail(
		    "cannot report: %s", fm_store_last_error(admin->store));
	return FM_ADMIN_OK;
}

/* Writes the export to f (stdout or the file); prints the summary for a
 * file.  Opens the store, which may drop privileges. */
static int
write_export(struct fm_admin *admin, const struct range_opts *o,
    enum fm_export_by by, enum fm_export_format format, FILE *f)
{
	struct fm_export_totals totals;
	char money[FM_MONEY_STRMAX];

	if (!fm_admin_open_store(admin))
		return FM_ADMIN_FAIL;
	if (!fm_export_write(admin->store, by, o->start, o->end, o->from, o->to,
	        format, f, &totals))
		return fm_admin_fail(
		    "cannot export: %s", fm_store_last_error(admin->store));
	if (fflush(f) != 0 || (o->out != NULL && fsync(fileno(f)) != 0))
		return fm_admin_fail("cannot write %s: %s",
		    o->out ? o->out : "the export", strerror(errno));
	if (o->out != NULL)
		fprintf(stderr,
		    "Wrote %" PRId64 " row(s), %" PRId64 " job(s), total %s, "
		    "to %s%s.\n",
		    totals.rows, totals.jobs,
		    fm_money_format(totals.cost, money, sizeof(money)), o->out,
		    o->end <= fm_ledger_closed_until(admin->store)
		        ? " (closed period)"
		        : " (period not closed: figures may still change)");
	return FM_ADMIN_OK;
}

/*
 * The file appears whole or not at all: the export goes to a temporary
 * file beside it, renamed over it once complete and synced.  The file is
 * the caller's (finance's directory, finance's rights), while the store
 * may be read only after dropping privileges: so the export runs in a
 * child, and this process, which keeps the caller's rights, renames.
 */
static int
export_to_file(struct fm_admin *admin, const struct range_opts *o,
    enum fm_export_by by, enum fm_export_format format)
{
	char dir[4096], tmp[4096];
	const char *slash = strrchr(o->out, '/'), *base;
	int fd, dirfd, status = 0;
	FILE *f;
	pid_t pid;

	base = slash ? slash + 1 : o->out;
	if (*base == '\0')
		return fm_admin_fail("%s: not a file name", o->out);
	snprintf(dir, sizeof(dir), "%.*s",
	    slash ? (int)(slash - o->out) + (slash == o->out) : 1,
	    slash ? o->out : ".");
	if (snprintf(tmp, sizeof(tmp), ".%s.XXXXXX", base) >= (int)sizeof(tmp))
		return fm_admin_fail("%s: name too long", o->out);
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fm_admin_fail(
		    "cannot open %s: %s", dir, strerror(errno));
	/* A fresh name, created exclusively beside the destination. */
	for (int tries = 0;; tries++) {
		char *x = tmp + strlen(tmp) - 6;
		uint8_t r[6] = {0};
		(void)fm_random(r, sizeof(r));
		for (int i = 0; i < 6; i++)
			x[i] =
			    "abcdefghijklmnopqrstuvwxyz0123456789"[r[i] % 36];
		fd = openat(dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST || tries == 10)
			break;
	}
	if (fd < 0) {
		int e = errno;
		close(dirfd);
		return fm_admin_fail(
		    "cannot create a file in %s: %s", dir, strerror(e));
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		if ((f = fdopen(fd, "w")) == NULL)
			_exit(FM_ADMIN_FAIL);
		int rc = write_export(admin, o, by, format, f);
		fflush(stderr);
		_exit(rc);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != FM_ADMIN_OK) {
		/* A failed export leaves no file behind, not even a part. */
		unlinkat(dirfd, tmp, 0);
		close(fd);
		close(dirfd);
		return pid < 0
		    ? fm_admin_fail("cannot fork: %s", strerror(errno))
		    : WIFEXITED(status) ? WEXITSTATUS(status)
		                        : FM_ADMIN_FAIL;
	}
	close(fd);
	/* rename replaces a symlink at the destination, never follows it. */
	if (renameat(dirfd, tmp, dirfd, base) != 0 || fsync(dirfd) != 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		close(dirfd);
		return fm_admin_fail(
		    "cannot write %s: %s", o->out, strerror(e));
	}
	close(dirfd);
	return FM_ADMIN_OK;
}

static int export(struct fm_admin *admin, int argc, char **argv)
{
	const struct fm_admin_command *cmd = self("export", NULL);
	struct range_opts o;
	enum fm_export_by by;
	enum fm_export_format format;
	int rc;

	if ((rc = parse_range(argc, argv, cmd, &o, true)) != FM_ADMIN_OK)
		return rc;
	if (strcmp(o.by, "user") == 0)
		by = FM_EXPORT_BY_USER;
	else if (strcmp(o.by, "department") == 0)
		by = FM_EXPORT_BY_DEPARTMENT;
	else
		return fm_admin_usage(cmd, "--by is department or user");
	if (o.format == NULL || strcmp(o.format, "csv") == 0)
		format = FM_EXPORT_CSV;
	else if (strcmp(o.format, "json") == 0)
		format = FM_EXPORT_JSON;
	else
		return fm_admin_usage(cmd, "--format is csv or json");
	if (o.out != NULL)
		return export_to_file(admin, &o, by, format);
	return write_export(admin, &o, by, format, stdout);
}

static int
ledger_verify(struct fm_admin *admin, int argc, char **argv)
{
	char report[4096];
	int64_t rows = 0;
	bool ok;

	(void)argv;
	if (argc != 1)
		return fm_admin_usage(
		    self("ledger", "verify"), "takes no arguments");
	ok = fm_ledger_verify(admin->store, &rows, report, sizeof(report));
	if (admin->json) {
		printf("{\"ok\":%s,", ok ? "true" : "false");
		fm_json_key_int(stdout, "rows", rows);
		fputc(',', stdout);
		fm_json_key_string(stdout, "problems", report);
		fputs("}\n", stdout);
	} else if (ok)
		printf("Ledger OK: %" PRId64 " row(s), hash chain and balances "
		       "verified.\n",
		    rows);
	else
		fprintf(stderr,
		    "followme-admin: LEDGER VERIFICATION FAILED\n%s", report);
	return ok ? FM_ADMIN_OK : FM_ADMIN_FAIL;
}

static int
period_close(struct fm_admin *admin, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"to", required_argument, NULL, 't'},
	    {NULL, 0, NULL, 0},
	};
	const struct fm_admin_command *cmd = self("period", "close");
	const char *to = NULL, *errstr = NULL;
	int64_t day;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 't')
			return UNKNOWN_OPTION(cmd);
		to = optarg;
	}
	if (optind != argc)
		return fm_admin_usage(
		    cmd, "unexpected argument '%s'", argv[optind]);
	if (to == NULL || !parse_date(to, &day))
		return fm_admin_usage(
		    cmd, "--to DATE (YYYY-MM-DD) is required");
	if (!fm_ledger_close_period(admin->store, day, &errstr))
		return fm_admin_fail("cannot close through %s: %s", to, errstr);
	printf("Closed every day through %s.\n", to);
	return FM_ADMIN_OK;
}

static int
privacy_anonymise(struct fm_admin *admin, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"older-than", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	const struct fm_admin_command *cmd = self("privacy", "anonymise");
	uint64_t days = 0;
	int64_t count = 0;
	bool given = false;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'o' || !fm_conf_parse_uint(optarg, &days) ||
		    days > 36500)
			return ch == 'o' ? fm_admin_usage(cmd,
			                       "--older-than is a number of "
			                       "days (0 to 36500)")
			                 : UNKNOWN_OPTION(cmd);
		given = true;
	}
	if (!given || optind != argc)
		return fm_admin_usage(cmd, "--older-than DAYS is required");
	if (!fm_privacy_anonymise(admin->store,
	        fm_store_now(admin->store) - (int64_t)days * 86400, &count))
		return fm_admin_fail(
		    "cannot anonymise: %s", fm_store_last_error(admin->store));
	printf("Anonymised %" PRId64 " job(s).\n", count);
	return FM_ADMIN_OK;
}

const struct fm_admin_command fm_admin_quota_commands[] = {
    {"price", "set",
        "[--printer P] --media SIZE --colour mono|colour --sides "
        "simplex|duplex [--per impression|sheet] --amount A",
        "set one price; makes a new version of the printer's list "
        "(default list without --printer)",
        true, price_set},
    {"price", "show", "[--printer P] [--version N] [--json]",
        "show the price list a printer uses now (or a version)", true,
        price_show},
    {"price", "history", "[--printer P] [--json]",
        "list the versions of a price list", true, price_history},
    {"quota", "set",
        "--user L|--department C|--project P --amount A [--period "
        "daily|weekly|monthly] [--cap A]",
        "allocate A every period, up to the cap (amount 0 removes it)", true,
        quota_set},
    {"quota", "limit",
        "--user L|--department C|--project P [--restricted|--unrestricted] "
        "[--overdraft A]",
        "set whether an account may go below zero, and how far", true,
        quota_limit},
    {"quota", "grant",
        "--user L|--department C|--project P --amount A --reason TEXT",
        "add money to an account", true, quota_grant},
    {"quota", "adjust",
        "--user L|--department C|--project P --amount A --reason TEXT",
        "correct a balance (A may be negative)", true, quota_adjust},
    {"quota", "policy",
        "[--payer user-first|department-first] [--new-users "
        "restricted|unrestricted] [--currency CODE] [--json]",
        "show or change the site policy", true, quota_policy},
    {"quota", "run-allocations", "",
        "credit the allocations of the current period now (idempotent)", true,
        quota_run_allocations},
    {"balance", NULL, "user LOGIN|department CODE|project CODE [--json]",
        "show an account's balance, reservations and limit", true, balance},
    {"refund", NULL, "JOB --reason TEXT", "give back what a job was charged",
        true, refund},
    {"report", "usage",
        "--by user|department|printer --from DATE --to DATE [--json]",
        "pages and costs per user, department or printer", true, report_usage},
    {"ledger", "verify", "[--json]",
        "check the ledger's hash chain and cached balances", true,
        ledger_verify},
    {"export", NULL,
        "--by department|user --from DATE --to DATE [--format csv|json] "
        "[--out FILE]",
        "finance export (dates inclusive)", false, export},
    {"period", "close", "--to DATE",
        "close every day through DATE so its exports never change", true,
        period_close},
    {"privacy", "anonymise", "--older-than DAYS",
        "remove titles and hosts of jobs that ended DAYS ago", true,
        privacy_anonymise},
};
const size_t fm_admin_quota_count =
    sizeof(fm_admin_quota_commands) / sizeof(fm_admin_quota_commands[0]);
