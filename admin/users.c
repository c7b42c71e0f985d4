/*
 * admin-users.c - followme-admin user, dept, badge and printer commands.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/json.h"
#include "common/utf8.h"
#include "admin/admin.h"
#include "store/badges.h"
#include "quota/depts.h"
#include "common/money.h"
#include "store/printers.h"
#include "quota/users.h"
#include "spooler/spool.h"

static const struct fm_admin_command *
self(const char *group, const char *verb)
{
	for (size_t i = 0; i < fm_admin_users_count; i++)
		if (strcmp(fm_admin_users_commands[i].group, group) == 0 &&
		    strcmp(fm_admin_users_commands[i].verb, verb) == 0)
			return &fm_admin_users_commands[i];
	return &fm_admin_users_commands[0];
}

/* Text for a terminal: no escape sequences from stored names. */
static const char *
clean(const char *s, char *buf, size_t size)
{
	fm_utf8_clean(buf, size, s, strlen(s));
	return buf;
}

struct list_ctx {
	struct fm_admin *admin;
	int count;
};

static void
print_account_json(const struct fm_account *a)
{
	char money[FM_MONEY_STRMAX];

	fm_json_key_string(stdout, "balance",
	    fm_money_format(a->balance, money, sizeof(money)));
	fputc(',', stdout);
	fm_json_key_string(
	    stdout, "held", fm_money_format(a->held, money, sizeof(money)));
	fputs(",\"restricted\":", stdout);
	fputs(a->restricted ? "true" : "false", stdout);
	fputc(',', stdout);
	fm_json_key_string(stdout, "overdraft",
	    fm_money_format(a->overdraft, money, sizeof(money)));
}

static void
print_user_json(const struct fm_user *u)
{
	fputc('{', stdout);
	fm_json_key_string(stdout, "login", u->login);
	fputc(',', stdout);
	fm_json_key_string(stdout, "full_name", u->full_name);
	fputc(',', stdout);
	fm_json_key_string(stdout, "department", u->dept_code);
	fputs(",\"enabled\":", stdout);
	fputs(u->enabled ? "true" : "false", stdout);
	fputs(",\"pin\":", stdout);
	fputs(u->has_pin ? "true" : "false", stdout);
	fputc(',', stdout);
	print_account_json(&u->account);
	fputc('}', stdout);
}

static bool
print_user_line(const struct fm_user *u, void *arg)
{
	struct list_ctx *ctx = arg;
	char name[64], money[FM_MONEY_STRMAX];

	if (ctx->admin->json) {
		if (ctx->count++ > 0)
			fputc(',', stdout);
		print_user_json(u);
		return true;
	}
	if (ctx->count++ == 0)
		printf("%-16s %-10s %-8s %12s  %s\n", "LOGIN", "DEPT", "STATE",
		    "BALANCE", "NAME");
	printf("%-16s %-10s %-8s %12s  %s\n", u->login,
	    u->dept_code[0] ? u->dept_code : "-",
	    u->enabled ? "enabled" : "disabled",
	    fm_money_format(u->account.balance, money, sizeof(money)),
	    clean(u->full_name, name, sizeof(name)));
	return true;
}

static int
user_add(struct fm_admin *admin, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"name", required_argument, NULL, 'n'},
	    {"department", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	const struct fm_admin_command *cmd = self("user", "add");
	const char *name = NULL, *dept = NULL, *errstr = NULL;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'n')
			name = optarg;
		else if (ch == 'd')
			dept = optarg;
		else
			return fm_admin_usage(cmd,
			    "unknown or incomplete option %s",
			    argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return fm_admin_usage(cmd, "expected one login name");
	if (!fm_users_add(admin->store, argv[optind], name, dept, &errstr))
		return fm_admin_fail(
		    "cannot add user %s: %s", argv[optind], errstr);
	printf("Added user %s.\n", argv[optind]);
	return FM_ADMIN_OK;
}

static int
user_show(struct fm_admin *admin, int argc, char **argv)
{
	struct fm_user u;
	char name[FM_USERS_NAMEMAX], when[32], money[FM_MONEY_STRMAX];

	if (argc != 2)
		return fm_admin_usage(
		    self("user", "show"), "expected one login name");
	if (!fm_users_get(admin->store, argv[1], &u))
		return fm_admin_fail("no user %s", argv[1]);
	if (admin->json) {
		print_user_json(&u);
		fputc('\n', stdout);
		return FM_ADMIN_OK;
	}
	printf("User %s\n", u.login);
	printf("  name:       %s\n", clean(u.full_name, name, sizeof(name)));
	printf("  department: %s\n", u.dept_code[0] ? u.dept_code : "(none)");
	printf("  state:      %s\n", u.enabled ? "enabled" : "disabled");
	printf("  PIN:        %s\n", u.has_pin ? "set" : "not set");
	printf("  balance:    %s\n",
	    fm_money_format(u.account.balance, money, sizeof(money)));
	printf("  reserved:   %s\n",
	    fm_money_format(u.account.held, money, sizeof(money)));
	printf("  limit:      %s",
	    u.account.restricted ? "restricted" : "unrestricted");
	if (u.account.restricted)
		printf(", overdraft %s",
		    fm_money_format(u.account.overdraft, money, sizeof(money)));
	printf("\n  created:    %s\n",
	    fm_admin_time(u.created_at, when, sizeof(when)));
	return FM_ADMIN_OK;
}

static int
user_list(struct fm_admin *admin, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"department", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	struct list_ctx ctx = {admin, 0};
	const char *dept = NULL;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'd')
			return fm_admin_usage(self("user", "list"),
			    "unknown or incomplete option %s",
			    argv[optind - 1]);
		dept = optarg;
	}
	if (optind != argc)
		return fm_admin_usage(self("user", "list"),
		    "unexpected argument '%s'", argv[optind]);
	if (admin->json)
		fputc('[', stdout);
	if (!fm_users_list(admin->store, dept, print_user_line, &ctx))
		return fm_admin_fail(
		    "cannot list users: %s", fm_store_last_error(admin->store));
	if (admin->json)
		fputs("]\n", stdout);
	else if (ctx.count == 0)
		printf("No users.\n");
	return FM_ADMIN_OK;
}

static int
user_set_department(struct fm_admin *admin, int argc, char **argv)
{
	const char *errstr = NULL;

	if (argc != 3)
		return fm_admin_usage(self("user", "set-department"),
		    "expected a login name and a department code (or "
		    "\"none\")");
	if (!fm_users_set_department(admin->store, argv[1],
	        strcmp(argv[2], "none") == 0 ? NULL : argv[2], &errstr))
		return fm_admin_fail("%s: %s", argv[1], errstr);
	printf("User %s is now in department %s.\n", argv[1], argv[2]);
	return FM_ADMIN_OK;
}

static int
set_enabled(struct fm_admin *admin, int argc, char **argv, bool enabled)
{
	if (argc != 2)
		return fm_admin_usage(
		    self("user", argv[0]), "expected one login name");
	if (!fm_users_set_enabled(admin->store, argv[1], enabled))
		return fm_admin_fail("no user %s", argv[1]);
	printf("User %s %s.\n", argv[1], enabled ? "enabled" : "disabled");
	return FM_ADMIN_OK;
}

static int
user_enable(struct fm_admin *admin, int argc, char **argv)
{
	return set_enabled(admin, argc, argv, true);
}

static int
user_disable(struct fm_admin *admin, int argc, char **argv)
{
	return set_enabled(admin, argc, argv, false);
}

/* Reads one line of at most size - 1 bytes from fd 0 into buf, without
 * echo on a terminal.  Returns its length, or -1. */
static ssize_t
read_secret(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO);
	size_t n = 0;
	char c;

	if (tty) {
		fputs(prompt, stderr);
		if (tcgetattr(STDIN_FILENO, &old) != 0)
			return -1;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	/* Byte by byte: stdio would leave a copy of the PIN in its
	 * buffer. */
	while (read(STDIN_FILENO, &c, 1) == 1 && c != '\n') {
		if (n + 1 < size)
			buf[n] = c;
		n++;
	}
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	c = 0;
	if (n >= size) {
		fm_wipe(buf, size);
		return -1;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

static int
user_set_pin(struct fm_admin *admin, int argc, char **argv)
{
	char pin[16], again[16];
	const char *errstr = NULL;
	ssize_t n;
	int rc = FM_ADMIN_OK;

	if (argc != 2)
		return fm_admin_usage(self("user", "set-pin"),
		    "expected one login name (the PIN is read from standard "
		    "input, never from the command line)");
	if ((n = read_secret("New PIN: ", pin, sizeof(pin))) < 0)
		return fm_admin_fail("cannot read the PIN");
	if (isatty(STDIN_FILENO) &&
	    (read_secret("Again: ", again, sizeof(again)) < 0 ||
	        strcmp(pin, again) != 0))
		rc = fm_admin_fail("the PINs do not match");
	else if (!fm_users_set_pin(
	             admin->store, argv[1], pin, (size_t)n, &errstr))
		rc = fm_admin_fail("%s: %s", argv[1], errstr);
	else
		printf("PIN set for %s.\n", argv[1]);
	fm_wipe(pin, sizeof(pin));
	fm_wipe(again, sizeof(again));
	return rc;
}

static bool
print_dept_line(const struct fm_dept *d, void *arg)
{
	struct list_ctx *ctx = arg;
	char name[64], money[FM_MONEY_STRMAX];

	if (ctx->admin->json) {
		if (ctx->count++ > 0)
			fputc(',', stdout);
		fputc('{', stdout);
		fm_json_key_string(stdout, "code", d->code);
		fputc(',', stdout);
		fm_json_key_string(stdout, "name", d->name);
		fputc(',', stdout);
		fm_json_key_int(stdout, "users", d->users);
		fputc(',', stdout);
		print_account_json(&d->account);
		fputc('}', stdout);
		return true;
	}
	if (ctx->count++ == 0)
		printf(
		    "%-10s %5s %12s  %s\n", "CODE", "USERS", "BALANCE", "NAME");
	printf("%-10s %5d %12s  %s\n", d->code, d->users,
	    fm_money_format(d->account.balance, money, sizeof(money)),
	    clean(d->name, name, sizeof(name)));
	return true;
}

static int
dept_add(struct fm_admin *admin, int argc, char **argv)
{
	const char *errstr = NULL;

	if (argc != 3)
		return fm_admin_usage(self("dept", "add"),
		    "expected a code and a name (quote a name with spaces)");
	if (!fm_depts_add(admin->store, argv[1], argv[2], &errstr))
		return fm_admin_fail(
		    "cannot add department %s: %s", argv[1], errstr);
	printf("Added department %s.\n", argv[1]);
	return FM_ADMIN_OK;
}

static int
dept_list(struct fm_admin *admin, int argc, char **argv)
{
	struct list_ctx ctx = {admin, 0};

	(void)argv;
	if (argc != 1)
		return fm_admin_usage(
		    self("dept", "list"), "takes no arguments");
	if (admin->json)
		fputc('[', stdout);
	if (!fm_depts_list(admin->store, print_dept_line, &ctx))
		return fm_admin_fail("cannot list departments: %s",
		    fm_store_last_error(admin->store));
	if (admin->json)
		fputs("]\n", stdout);
	else if (ctx.count == 0)
		printf("No departments.\n");
	return FM_ADMIN_OK;
}

static int
dept_show(struct fm_admin *admin, int argc, char **argv)
{
	struct list_ctx ctx = {admin, 0};
	struct fm_dept d;

	if (argc != 2)
		return fm_admin_usage(
		    self("dept", "show"), "expected one department code");
	if (!fm_depts_get(admin->store, argv[1], &d))
		return fm_admin_fail("no department %s", argv[1]);
	print_dept_line(&d, &ctx);
	if (admin->json) {
		fputc('\n', stdout);
		return FM_ADMIN_OK;
	}
	printf("Members:\n");
	ctx.count = 0;
	fm_users_list(admin->store, d.code, print_user_line, &ctx);
	if (ctx.count == 0)
		printf("  (none)\n");
	return FM_ADMIN_OK;
}

static bool
badge_key(struct fm_admin *admin, uint8_t *key)
{
	char path[512];
	const char *errstr = NULL;
	int n;

	n = snprintf(
	    path, sizeof(path), "%s/badge.key", admin->settings.state_dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		fm_admin_fail("state_dir is too long");
		return false;
	}
	if (!fm_spool_load_master_key(path, true, key, &errstr)) {
		fm_admin_fail("%s: %s", path, errstr);
		return false;
	}
	return true;
}

static int
badge_add(struct fm_admin *admin, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"label", required_argument, NULL, 'l'},
	    {NULL, 0, NULL, 0},
	};
	const struct fm_admin_command *cmd = self("badge", "add");
	uint8_t key[FM_BADGES_KEYLEN], uid[FM_BADGES_UIDMAX];
	const char *label = "", *errstr = NULL;
	size_t uidlen;
	int ch, rc = FM_ADMIN_OK;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'l')
			return fm_admin_usage(cmd,
			    "unknown or incomplete option %s",
			    argv[optind - 1]);
		label = optarg;
	}
	if (optind + 2 != argc)
		return fm_admin_usage(cmd, "expected a login name and a UID");
	if (!fm_badges_parse_uid(
	        argv[optind + 1], strlen(argv[optind + 1]), uid, &uidlen))
		return fm_admin_usage(cmd,
		    "'%s' is not a badge UID (4 to 32 bytes in hex)",
		    argv[optind + 1]);
	if (!badge_key(admin, key))
		return FM_ADMIN_FAIL;
	if (!fm_badges_add(
	        admin->store, key, argv[optind], uid, uidlen, label, &errstr))
		rc = fm_admin_fail("cannot add the badge: %s", errstr);
	else
		printf("Added a badge for %s.\n", argv[optind]);
	fm_wipe(key, sizeof(key));
	return rc;
}

static int
badge_remove(struct fm_admin *admin, int argc, char **argv)
{
	uint8_t key[FM_BADGES_KEYLEN], uid[FM_BADGES_UIDMAX];
	size_t uidlen;
	int rc = FM_ADMIN_OK;

	if (argc != 2)
		return fm_admin_usage(
		    self("badge", "remove"), "expected a UID");
	if (!fm_badges_parse_uid(argv[1], strlen(argv[1]), uid, &uidlen))
		return fm_admin_usage(self("badge", "remove"),
		    "'%s' is not a badge UID", argv[1]);
	if (!badge_key(admin, key))
		return FM_ADMIN_FAIL;
	if (!fm_badges_remove(admin->store, key, uid, uidlen))
		rc = fm_admin_fail("no such badge");
	else
		printf("Removed the badge.\n");
	fm_wipe(key, sizeof(key));
	return rc;
}

static bool
print_badge(const char *fp, const char *label, int64_t at, void *arg)
{
	struct list_ctx *ctx = arg;
	char when[32], text[64];

	if (ctx->admin->json) {
		if (ctx->count++ > 0)
			fputc(',', stdout);
		fputc('{', stdout);
		fm_json_key_string(stdout, "fingerprint", fp);
		fputc(',', stdout);
		fm_json_key_string(stdout, "label", label);
		fputc(',', stdout);
		fm_json_key_int(stdout, "created_at", at);
		fputc('}', stdout);
		return true;
	}
	if (ctx->count++ == 0)
		printf("%-14s %-19s %s\n", "FINGERPRINT", "ADDED", "LABEL");
	printf("%-14s %-19s %s\n", fp, fm_admin_time(at, when, sizeof(when)),
	    clean(label, text, sizeof(text)));
	return true;
}

static int
badge_list(struct fm_admin *admin, int argc, char **argv)
{
	struct list_ctx ctx = {admin, 0};
	struct fm_user u;

	if (argc != 2)
		return fm_admin_usage(
		    self("badge", "list"), "expected one login name");
	if (!fm_users_get(admin->store, argv[1], &u))
		return fm_admin_fail("no user %s", argv[1]);
	if (admin->json)
		fputc('[', stdout);
	fm_badges_list(admin->store, argv[1], print_badge, &ctx);
	if (admin->json)
		fputs("]\n", stdout);
	else if (ctx.count == 0)
		printf("No badges.\n");
	return FM_ADMIN_OK;
}

static int
printer_add(struct fm_admin *admin, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"uri", required_argument, NULL, 'u'},
	    {"queue", required_argument, NULL, 'u'},
	    {"location", required_argument, NULL, 'l'},
	    {NULL, 0, NULL, 0},
	};
	const struct fm_admin_command *cmd = self("printer", "add");
	const char *uri = NULL, *location = "", *errstr = NULL;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'u')
			uri = optarg;
		else if (ch == 'l')
			location = optarg;
		else
			return fm_admin_usage(cmd,
			    "unknown or incomplete option %s",
			    argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return fm_admin_usage(cmd, "expected one printer name");
	if (uri == NULL)
		return fm_admin_usage(cmd, "--uri or --queue is required");
	if (!fm_printers_add(
	        admin->store, argv[optind], uri, location, &errstr))
		return fm_admin_fail(
		    "cannot add printer %s: %s", argv[optind], errstr);
	printf("Added printer %s.\n", argv[optind]);
	return FM_ADMIN_OK;
}

static bool
print_printer(const struct fm_printer *p, void *arg)
{
	struct list_ctx *ctx = arg;
	char loc[64];

	if (ctx->admin->json) {
		if (ctx->count++ > 0)
			fputc(',', stdout);
		fputc('{', stdout);
		fm_json_key_string(stdout, "name", p->name);
		fputc(',', stdout);
		fm_json_key_string(stdout, "uri", p->uri);
		fputc(',', stdout);
		fm_json_key_string(stdout, "location", p->location);
		fputc('}', stdout);
		return true;
	}
	if (ctx->count++ == 0)
		printf("%-16s %-40s %s\n", "NAME", "DESTINATION", "LOCATION");
	printf("%-16s %-40s %s\n", p->name, p->uri,
	    clean(p->location, loc, sizeof(loc)));
	return true;
}

static int
printer_list(struct fm_admin *admin, int argc, char **argv)
{
	struct list_ctx ctx = {admin, 0};

	(void)argv;
	if (argc != 1)
		return fm_admin_usage(
		    self("printer", "list"), "takes no arguments");
	if (admin->json)
		fputc('[', stdout);
	if (!fm_printers_list(admin->store, print_printer, &ctx))
		return fm_admin_fail("cannot list printers: %s",
		    fm_store_last_error(admin->store));
	if (admin->json)
		fputs("]\n", stdout);
	else if (ctx.count == 0)
		printf("No printers.\n");
	return FM_ADMIN_OK;
}

static int
project_add(struct fm_admin *admin, int argc, char **argv)
{
	const char *errstr = NULL;

	if (argc != 2)
		return fm_admin_usage(
		    self("project", "add"), "expected one project code");
	if (!fm_accounts_add_project(admin->store, argv[1], &errstr))
		return fm_admin_fail(
		    "cannot add project %s: %s", argv[1], errstr);
	printf("Added project account %s.\n", argv[1]);
	return FM_ADMIN_OK;
}

static int
project_allow(struct fm_admin *admin, int argc, char **argv)
{
	struct fm_account a;
	const char *errstr = NULL;

	if (argc != 3)
		return fm_admin_usage(self("project", "allow"),
		    "expected an account code and a login name");
	if (!fm_accounts_find(admin->store, "project", argv[1], &a) &&
	    !fm_accounts_find(admin->store, "department", argv[1], &a))
		return fm_admin_fail("no project or department %s", argv[1]);
	if (!fm_accounts_allow(admin->store, a.id, argv[2], &errstr))
		return fm_admin_fail("%s: %s", argv[2], errstr);
	printf("%s may now charge jobs to %s.\n", argv[2], argv[1]);
	return FM_ADMIN_OK;
}

static bool
print_project(const struct fm_account *a, int members, void *arg)
{
	struct list_ctx *ctx = arg;
	char money[FM_MONEY_STRMAX];

	if (ctx->admin->json) {
		if (ctx->count++ > 0)
			fputc(',', stdout);
		fputc('{', stdout);
		fm_json_key_string(stdout, "code", a->name);
		fputc(',', stdout);
		fm_json_key_int(stdout, "members", members);
		fputc(',', stdout);
		print_account_json(a);
		fputc('}', stdout);
		return true;
	}
	if (ctx->count++ == 0)
		printf("%-16s %7s %12s\n", "CODE", "MEMBERS", "BALANCE");
	printf("%-16s %7d %12s\n", a->name, members,
	    fm_money_format(a->balance, money, sizeof(money)));
	return true;
}

static int
project_list(struct fm_admin *admin, int argc, char **argv)
{
	struct list_ctx ctx = {admin, 0};

	(void)argv;
	if (argc != 1)
		return fm_admin_usage(
		    self("project", "list"), "takes no arguments");
	if (admin->json)
		fputc('[', stdout);
	if (!fm_accounts_list(admin->store, "project", print_project, &ctx))
		return fm_admin_fail("cannot list projects: %s",
		    fm_store_last_error(admin->store));
	if (admin->json)
		fputs("]\n", stdout);
	else if (ctx.count == 0)
		printf("No projects.\n");
	return FM_ADMIN_OK;
}

const struct fm_admin_command fm_admin_users_commands[] = {
    {"user", "add", "LOGIN [--name NAME] [--department CODE]",
        "add a user (users are also added on first print)", true, user_add},
    {"user", "show", "LOGIN [--json]", "show a user and their balance", true,
        user_show},
    {"user", "list", "[--department CODE] [--json]", "list users", true,
        user_list},
    {"user", "set-department", "LOGIN CODE|none",
        "set a user's primary department", true, user_set_department},
    {"user", "set-pin", "LOGIN  (PIN on standard input)",
        "set a user's print PIN (4 to 8 digits)", true, user_set_pin},
    {"user", "enable", "LOGIN", "allow a user to print again", true,
        user_enable},
    {"user", "disable", "LOGIN", "refuse releases for a user", true,
        user_disable},
    {"dept", "add", "CODE NAME", "add a department (cost centre)", true,
        dept_add},
    {"dept", "list", "[--json]", "list departments with their balances", true,
        dept_list},
    {"dept", "show", "CODE [--json]", "show a department and its members", true,
        dept_show},
    {"badge", "add", "LOGIN UID [--label TEXT]",
        "associate a badge (UID in hex) with a user", true, badge_add},
    {"badge", "remove", "UID", "forget a badge", true, badge_remove},
    {"badge", "list", "LOGIN [--json]", "list a user's badges", true,
        badge_list},
    {"printer", "add", "NAME --uri URI|--queue QUEUE [--location TEXT]",
        "add a printer jobs can be released to", true, printer_add},
    {"printer", "list", "[--json]", "list printers", true, printer_list},
    {"project", "add", "CODE",
        "add a project account jobs can be charged to (job-account-id)", true,
        project_add},
    {"project", "allow", "CODE LOGIN",
        "let a user charge a project (or another department)", true,
        project_allow},
    {"project", "list", "[--json]", "list project accounts", true,
        project_list},
};
const size_t fm_admin_users_count =
    sizeof(fm_admin_users_commands) / sizeof(fm_admin_users_commands[0]);
