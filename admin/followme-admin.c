/*
 * followme-admin.c - followme-admin: global options, the store opened
 * when a command needs it, and dispatch to the command's handler.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "admin/admin.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

/* In --help order. */
static const struct fm_admin_group *const groups[] = {
    &fm_admin_group_jobs,
    &fm_admin_group_user,
    &fm_admin_group_role,
    &fm_admin_group_dept,
    &fm_admin_group_badge,
    &fm_admin_group_directory,
    &fm_admin_group_printer,
    &fm_admin_group_project,
    &fm_admin_group_price,
    &fm_admin_group_quota,
    &fm_admin_group_balance,
    &fm_admin_group_refund,
    &fm_admin_group_report,
    &fm_admin_group_ledger,
    &fm_admin_group_export,
    &fm_admin_group_period,
    &fm_admin_group_privacy,
    &fm_admin_group_ca,
    &fm_admin_group_terminal,
    &fm_admin_group_auth,
    &fm_admin_group_token,
    &fm_admin_group_authlog,
};

/*
 * One command for --help: its words and synopsis, its summary and, for
 * GROUP [VERB] --help, its options, their help aligned in one column
 * measured in cells (the names are ASCII, the help may be French).
 */
static void
print_command(FILE *f, const struct fm_grammar_command *c, bool options)
{
	const struct fm_grammar_option *o = c->options;
	char names[FM_GRAMMAR_OPTMAX][96];
	size_t widest = 0;
	int n = 0;

	fprintf(f, "  %s%s%s %s\n      %s\n", c->group, c->verb ? " " : "",
	    c->verb ? c->verb : "", c->synopsis, _(c->summary));
	if (!options || o == NULL)
		return;
	for (n = 0; n < FM_GRAMMAR_OPTMAX && o[n].name != NULL; n++) {
		size_t w;

		char letter[8] = "";

		if (o[n].letter != 0)
			snprintf(letter, sizeof(letter), "-%c, ", o[n].letter);
		snprintf(names[n], sizeof(names[n]), "%s--%s%s%s", letter,
		    o[n].name, o[n].alias ? ", --" : "",
		    o[n].alias ? o[n].alias : "");
		w = fm_i18n_width(names[n], strlen(names[n]));
		if (w > widest)
			widest = w;
	}
	for (int i = 0; i < n; i++) {
		size_t w = fm_i18n_width(names[i], strlen(names[i]));

		fprintf(f, "        %s%*s  %s\n", names[i], (int)(widest - w),
		    "", o[i].help ? _(o[i].help) : "");
	}
}

static void
print_help(FILE *f)
{
	fprintf(f,
	    "%s followme-admin [-c FILE] [--json] GROUP VERB [ARGS]\n\n%s\n",
	    _("usage:"), _("Commands:"));
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (size_t i = 0; i < groups[g]->count; i++)
			print_command(f, &groups[g]->commands[i], false);
	fprintf(f, "\n%s\n", _("See followme-admin(8)."));
}

/*
 * GROUP --help and GROUP VERB --help: that group's commands (or that
 * one) with their options, on stdout.  False if there is no such group
 * or command, for the caller to say so.
 */
static bool
print_group_help(const char *group, const char *verb)
{
	bool found = false;

	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (size_t i = 0; i < groups[g]->count; i++) {
			const struct fm_grammar_command *c =
			    &groups[g]->commands[i];

			if (strcmp(c->group, group) != 0 ||
			    (verb != NULL &&
			        (c->verb == NULL ||
			            strcmp(c->verb, verb) != 0)))
				continue;
			if (!found)
				printf("%s followme-admin [-c FILE] [--json] "
				       "%s%s%s "
				       "[ARGS]\n\n",
				    _("usage:"), group,
				    verb          ? " "
				        : c->verb ? " VERB"
				                  : "",
				    verb ? verb : "");
			found = true;
			print_command(stdout, c, true);
		}
	if (found)
		printf("\n%s\n", _("See followme-admin(8)."));
	return found;
}

static bool
is_help(const char *word)
{
	return strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0;
}

static const struct fm_grammar_command *
find_command(const char *group, const char *verb, bool *group_known)
{
	*group_known = false;
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (size_t i = 0; i < groups[g]->count; i++) {
			const struct fm_grammar_command *c =
			    &groups[g]->commands[i];
			if (strcmp(c->group, group) != 0)
				continue;
			*group_known = true;
			if (c->verb == NULL)
				return c;
			if (verb != NULL && strcmp(c->verb, verb) == 0)
				return c;
		}
	return NULL;
}

/* Records who runs the command, before privileges are dropped: the
 * real user, or the user sudo ran it for. */
static void
set_operator(struct fm_admin *admin)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw;

	if (getuid() == 0 && sudo != NULL && sudo[0] != '\0')
		snprintf(admin->operator_name, sizeof(admin->operator_name),
		    "%s", sudo);
	else if ((pw = getpwuid(getuid())) != NULL)
		snprintf(admin->operator_name, sizeof(admin->operator_name),
		    "%s", pw->pw_name);
	else
		snprintf(admin->operator_name, sizeof(admin->operator_name),
		    "uid %u", (unsigned)getuid());
}

/* Finds the command on the command line, sets up what it needs, reads
 * its words and runs it; the caller frees args (room for argv's words)
 * and closes the store on every path. */
static int
dispatch(struct fm_admin *admin, int argc, char **argv, char **args)
{
	const struct fm_grammar_command *cmd;
	const char *config = NULL;
	char err[FM_CONF_ERRMAX + 512];
	int nargs = 0;
	bool known;

	/* Global options come first, except --json, which reads naturally
	 * at the end of a command line and is accepted anywhere. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			admin->json = true;
		} else if (nargs == 0 && strcmp(argv[i], "-c") == 0) {
			if (++i >= argc) {
				fm_admin_fail("-c needs a file name");
				return FM_ADMIN_USAGE;
			}
			config = argv[i];
		} else if (nargs == 0 &&
		    (strcmp(argv[i], "-h") == 0 ||
		        strcmp(argv[i], "--help") == 0)) {
			print_help(stdout);
			return FM_ADMIN_OK;
		} else if (nargs == 0 && argv[i][0] == '-') {
			fm_admin_fail("unknown option %s", argv[i]);
			print_help(stderr);
			return FM_ADMIN_USAGE;
		} else {
			args[nargs++] = argv[i];
		}
	}
	if (nargs < 1) {
		print_help(stderr);
		return FM_ADMIN_USAGE;
	}
	if ((nargs == 2 && is_help(args[1]) &&
	        print_group_help(args[0], NULL)) ||
	    (nargs == 3 && is_help(args[2]) &&
	        print_group_help(args[0], args[1])))
		return FM_ADMIN_OK;
	cmd = find_command(args[0], nargs > 1 ? args[1] : NULL, &known);
	if (cmd == NULL) {
		if (known && nargs > 1)
			fm_admin_fail(
			    "unknown command '%s %s'", args[0], args[1]);
		else if (known)
			fm_admin_fail("'%s' needs a command", args[0]);
		else
			fm_admin_fail("unknown command group '%s'", args[0]);
		print_help(stderr);
		return FM_ADMIN_USAGE;
	}
	admin->cmd = cmd;
	if (!fm_settings_load(&admin->settings, config, err, sizeof(err)))
		return fm_admin_fail("%s", err);
	admin->now = (int64_t)time(NULL);
	set_operator(admin);
	if ((cmd->flags & FM_GRAMMAR_STORE) != 0 && !fm_admin_open_store(admin))
		return FM_ADMIN_FAIL;
	/* The words are read only now, as they always were: a broken
	 * configuration or store is reported before a bad argument.  The
	 * parser's argv[0] is the command's last word, the verb or, for a
	 * group that is itself the command ("export"), the group. */
	if (cmd->verb != NULL) {
		args++;
		nargs--;
	}
	if (!fm_grammar_parse(cmd, nargs, args, &admin->args))
		return fm_admin_usage_args(admin);
	return cmd->run(admin);
}

int
main(int argc, char **argv)
{
	struct fm_admin admin = {0};
	char **args;
	int rc;

	fm_log_init("followme-admin", FM_LOG_STDERR, false);
	/* Messages and tables in the admin's language; exports (CSV,
	 * JSON) are never translated. */
	fm_i18n_init();
	admin.lang = fm_i18n_env_lang();
	if ((args = calloc((size_t)argc + 1, sizeof(*args))) == NULL)
		return fm_admin_fail("out of memory");
	rc = dispatch(&admin, argc, argv, args);
	fm_store_close(admin.store);
	free(args);
	return rc;
}
