/*
 * users.c - followme-admin user add|show|list|set-department|
 * set-language|set-pin|enable|disable.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "admin/admin.h"
#include "common/aead.h"
#include "common/money.h"
#include "common/utf8.h"
#include "quota/users.h"

enum { ADD_NAME, ADD_DEPARTMENT };

static int
user_add(struct fm_admin *admin)
{
	const char *login = admin->args.operand[0].text, *errstr = NULL;

	if (!fm_users_add(admin->store, login, admin->args.opt[ADD_NAME].text,
	        admin->args.opt[ADD_DEPARTMENT].text, &errstr))
		return fm_admin_fail("cannot add user %s: %s", login, errstr);
	return fm_admin_done("Added user %s.", login);
}

/* A time for people: "2026-12-06 14:05:00", or in French "06/12/2026
 * 14:05:00"; buf holds FM_TABLE_TIMEMAX bytes. */
static const char *
show_time(const struct fm_admin *admin, int64_t t, char *buf)
{
	char day[FM_I18N_DATEMAX];
	time_t tt = (time_t)t;
	struct tm tm;

	if (admin->lang != FM_LANG_FR || t <= 0 ||
	    localtime_r(&tt, &tm) == NULL)
		return fm_table_time(t, buf, FM_TABLE_TIMEMAX);
	snprintf(buf, FM_TABLE_TIMEMAX, "%s %02d:%02d:%02d",
	    fm_i18n_date(tt, admin->lang, day, sizeof(day)), tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	return buf;
}

static int
user_show(struct fm_admin *admin)
{
	const char *login = admin->args.operand[0].text;
	struct fm_user u;
	char name[FM_USERS_NAMEMAX], when[FM_TABLE_TIMEMAX];
	char money[FM_I18N_MONEYMAX];

	if (!fm_users_get(admin->store, login, &u))
		return fm_admin_fail("no user %s", login);
	if (admin->json) {
		struct fm_table t;

		fm_admin_user_table(&t, true);
		fm_admin_user_row(&u, &t);
		fputc('\n', stdout);
		return FM_ADMIN_OK;
	}
	/* A terminal is no place for a stored name's escape sequences. */
	fm_utf8_clean_shown(
	    name, sizeof(name), u.full_name, strlen(u.full_name));
	printf(_("User %s\n"), u.login);
	printf(_("  name:       %s\n"), name);
	printf(_("  department: %s\n"),
	    u.dept_code[0] ? u.dept_code : _("(none)"));
	printf(
	    _("  state:      %s\n"), u.enabled ? _("enabled") : _("disabled"));
	printf(_("  source:     %s\n"), u.source);
	if (u.email[0] != '\0') {
		fm_utf8_clean_shown(
		    name, sizeof(name), u.email, strlen(u.email));
		printf(_("  e-mail:     %s\n"), name);
	}
	printf(_("  roles:      %s\n"), u.roles[0] ? u.roles : _("(none)"));
	if (u.granted_roles[0] != '\0')
		printf(_("  granted:    %s\n"), u.granted_roles);
	printf(_("  PIN:        %s\n"), u.has_pin ? _("set") : _("not set"));
	printf(_("  language:   %s\n"),
	    u.language[0] ? u.language : _("(the terminal's)"));
	printf(_("  balance:    %s\n"),
	    fm_admin_money(admin, u.account.balance, money, sizeof(money)));
	printf(_("  reserved:   %s\n"),
	    fm_admin_money(admin, u.account.held, money, sizeof(money)));
	printf(_("  limit:      %s"),
	    u.account.restricted ? _("restricted") : _("unrestricted"));
	if (u.account.restricted)
		printf(_(", overdraft %s"),
		    fm_admin_money(
		        admin, u.account.overdraft, money, sizeof(money)));
	printf(_("\n  created:    %s\n"), show_time(admin, u.created_at, when));
	return FM_ADMIN_OK;
}

enum { LIST_DEPARTMENT };

static int
user_list(struct fm_admin *admin)
{
	struct fm_table t;

	fm_admin_user_table(&t, admin->json);
	fm_table_localize(&t, admin->lang, admin->currency);
	fm_table_begin(&t);
	return fm_admin_list_end(admin, &t,
	    fm_users_list(admin->store, admin->args.opt[LIST_DEPARTMENT].text,
	        fm_admin_user_row, &t),
	    "users", "No users.");
}

static int
user_set_department(struct fm_admin *admin)
{
	const char *login = admin->args.operand[0].text;
	const char *dept = admin->args.operand[1].text, *errstr = NULL;

	if (!fm_users_set_department(admin->store, login,
	        strcmp(dept, "none") == 0 ? NULL : dept, &errstr))
		return fm_admin_fail("%s: %s", login, errstr);
	return fm_admin_done("User %s is now in department %s.", login, dept);
}

static int
user_set_language(struct fm_admin *admin)
{
	const char *login = admin->args.operand[0].text;
	const char *lang = admin->args.operand[1].text, *errstr = NULL;
	bool none = strcmp(lang, "none") == 0;

	if (!none && strcmp(lang, "fr") != 0 && strcmp(lang, "en") != 0)
		return fm_admin_fail(
		    "%s: the language must be fr, en or none", lang);
	if (!fm_users_set_language(
	        admin->store, login, none ? "" : lang, &errstr))
		return fm_admin_fail("%s: %s", login, errstr);
	if (none)
		return fm_admin_done(
		    "User %s reads each terminal in its own language.", login);
	return fm_admin_done("User %s reads the terminals in %s.", login, lang);
}

/* enable and disable: the verb says which. */
static int
user_set_enabled(struct fm_admin *admin)
{
	const char *login = admin->args.operand[0].text;
	bool enabled = strcmp(admin->cmd->verb, "enable") == 0;

	if (!fm_users_set_enabled(admin->store, login, enabled))
		return fm_admin_fail("no user %s", login);
	if (enabled)
		return fm_admin_done("User %s enabled.", login);
	return fm_admin_done("User %s disabled.", login);
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
user_set_pin(struct fm_admin *admin)
{
	const char *login = admin->args.operand[0].text, *errstr = NULL;
	char pin[16], again[16];
	ssize_t n;
	int rc = FM_ADMIN_OK;

	if ((n = read_secret(_("New PIN: "), pin, sizeof(pin))) < 0)
		return fm_admin_fail("cannot read the PIN");
	if (isatty(STDIN_FILENO) &&
	    (read_secret(_("Again: "), again, sizeof(again)) < 0 ||
	        strcmp(pin, again) != 0))
		rc = fm_admin_fail("the PINs do not match");
	else if (!fm_users_set_pin(
	             admin->store, login, pin, (size_t)n, &errstr))
		rc = fm_admin_fail("%s: %s", login, errstr);
	else
		printf(_("PIN set for %s.\n"), login);
	fm_wipe(pin, sizeof(pin));
	fm_wipe(again, sizeof(again));
	return rc;
}

/* role grant and role revoke: the verb says which. */
static int
role_set(struct fm_admin *admin)
{
	const char *login = admin->args.operand[0].text;
	const char *role = admin->args.operand[1].text, *errstr = NULL;
	bool grant = strcmp(admin->cmd->verb, "grant") == 0;

	if (!fm_users_grant_role(admin->store, login, role, grant, &errstr))
		return fm_admin_fail("%s: %s", login, errstr);
	if (grant)
		return fm_admin_done(
		    "User %s now has the %s role.", login, role);
	return fm_admin_done(
	    "User %s no longer has the %s role (roles from the directory's "
	    "groups stay).",
	    login, role);
}

static const struct fm_grammar_option add_options[FM_GRAMMAR_OPTTABLE] = {
    [ADD_NAME] = {"name",
        .help = N_("full name (default: from the system's user database)")},
    [ADD_DEPARTMENT] = {"department",
        .help = N_("code of the user's primary department")},
};

static const struct fm_grammar_option list_options[FM_GRAMMAR_OPTTABLE] = {
    [LIST_DEPARTMENT] = {"department",
        .help = N_("only the members of this department")},
};

static const struct fm_grammar_command commands[] = {
    {"user", "add", "LOGIN [--name NAME] [--department CODE]",
        N_("add a user (users are also added on first print)"),
        FM_GRAMMAR_STORE, .run = user_add, .options = add_options,
        .operands = FM_ADMIN_ONE_LOGIN},
    {"user", "show", "LOGIN [--json]", N_("show a user and their balance"),
        FM_GRAMMAR_STORE, .run = user_show, .operands = FM_ADMIN_ONE_LOGIN},
    {"user", "list", "[--department CODE] [--json]", N_("list users"),
        FM_GRAMMAR_STORE, .run = user_list, .options = list_options},
    {"user", "set-department", "LOGIN CODE|none",
        N_("set a user's primary department"), FM_GRAMMAR_STORE,
        .run = user_set_department,
        .operands = {2, 2,
            N_("expected a login name and a department code (or \"none\")"),
            NULL}},
    {"user", "set-language", "LOGIN fr|en|none",
        N_("set the language a user reads the terminals in"), FM_GRAMMAR_STORE,
        .run = user_set_language,
        .operands = {2, 2,
            N_("expected a login name and a language (fr, en, or none for "
               "each terminal's own)"),
            NULL}},
    {"user", "set-pin", "LOGIN  (PIN on standard input)",
        N_("set a user's print PIN (4 to 8 digits)"), FM_GRAMMAR_STORE,
        .run = user_set_pin,
        .operands = {1, 1,
            N_("expected one login name (the PIN is read from standard input, "
               "never from the command line)"),
            NULL}},
    {"user", "enable", "LOGIN", N_("allow a user to print again"),
        FM_GRAMMAR_STORE, .run = user_set_enabled,
        .operands = FM_ADMIN_ONE_LOGIN},
    {"user", "disable", "LOGIN", N_("refuse releases for a user"),
        FM_GRAMMAR_STORE, .run = user_set_enabled,
        .operands = FM_ADMIN_ONE_LOGIN},
};

const struct fm_admin_group fm_admin_group_user = FM_ADMIN_GROUP(commands);

static const struct fm_grammar_command role_commands[] = {
    {"role", "grant", "LOGIN admin|finance",
        N_("let a user administer Followme or see finance's reports in the "
           "web console"),
        FM_GRAMMAR_STORE, .run = role_set,
        .operands = {2, 2,
            N_("expected a login name and a role (admin or "
               "finance)"),
            NULL}},
    {"role", "revoke", "LOGIN admin|finance",
        N_("take back a role granted with role grant"), FM_GRAMMAR_STORE,
        .run = role_set,
        .operands = {2, 2,
            N_("expected a login name and a role (admin or "
               "finance)"),
            NULL}},
};

const struct fm_admin_group fm_admin_group_role = FM_ADMIN_GROUP(role_commands);
