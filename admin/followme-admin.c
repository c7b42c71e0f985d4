/*
 * admin.c - followme-admin: global options and command dispatch.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "admin/admin.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/privdrop.h"

struct table {
	const struct fm_admin_command *commands;
	const size_t *count;
};

static const struct table tables[] = {
    {fm_admin_jobs_commands, &fm_admin_jobs_count},
    {fm_admin_users_commands, &fm_admin_users_count},
    {fm_admin_quota_commands, &fm_admin_quota_count},
    {fm_admin_terminal_commands, &fm_admin_terminal_count},
};

int
fm_admin_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("followme-admin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return FM_ADMIN_FAIL;
}

int
fm_admin_usage(const struct fm_admin_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("followme-admin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: followme-admin %s%s%s %s\n", cmd->group,
	    cmd->verb ? " " : "", cmd->verb ? cmd->verb : "", cmd->args);
	return FM_ADMIN_USAGE;
}

bool
fm_admin_parse_id(const char *s, int64_t *id)
{
	uint64_t v;

	if (!fm_conf_parse_uint(s, &v) || v == 0 || v > INT64_MAX)
		return false;
	*id = (int64_t)v;
	return true;
}

const char *
fm_admin_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, size, "-");
	return buf;
}

static void
print_help(FILE *f)
{
	fputs("usage: followme-admin [-c FILE] [--json] GROUP VERB [ARGS]\n\n"
	      "Commands:\n",
	    f);
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (size_t i = 0; i < *tables[t].count; i++) {
			const struct fm_admin_command *c =
			    &tables[t].commands[i];
			fprintf(f, "  %s%s%s %s\n      %s\n", c->group,
			    c->verb ? " " : "", c->verb ? c->verb : "", c->args,
			    c->help);
		}
	fputs("\nSee followme-admin(8).\n", f);
}

static const struct fm_admin_command *
find_command(const char *group, const char *verb, bool *group_known)
{
	*group_known = false;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (size_t i = 0; i < *tables[t].count; i++) {
			const struct fm_admin_command *c =
			    &tables[t].commands[i];
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

bool
fm_admin_open_store(struct fm_admin *admin)
{
	const char *errstr = NULL;
	char path[512];

	/* The store belongs to the daemon's user: files created here as
	 * root (the WAL, for one) would lock followmed out. */
	if (!fm_privdrop_to(admin->settings.user, &errstr)) {
		fm_admin_fail("cannot switch to user %s: %s",
		    admin->settings.user, errstr);
		return false;
	}
	if (!fm_settings_db_path(&admin->settings, path, sizeof(path))) {
		fm_admin_fail("state_dir is too long");
		return false;
	}
	/* A missing database is created (followmed may not have run yet);
	 * a missing state directory is a configuration mistake. */
	if (access(admin->settings.state_dir, F_OK) != 0) {
		fm_admin_fail("state_dir %s does not exist (start followmed "
		              "once, or create it for user %s with mode 0700)",
		    admin->settings.state_dir, admin->settings.user);
		return false;
	}
	if ((admin->store = fm_store_open(path, &errstr)) == NULL) {
		fm_admin_fail("%s: %s (run as root or as %s)", path, errstr,
		    admin->settings.user);
		return false;
	}
	return true;
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

/* Parses the command line into args and runs the command; the caller
 * frees args and closes the store on every path. */
static int
dispatch(struct fm_admin *admin, int argc, char **argv, char **args)
{
	const struct fm_admin_command *cmd;
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
	if (!fm_settings_load(&admin->settings, config, err, sizeof(err)))
		return fm_admin_fail("%s", err);
	admin->now = (int64_t)time(NULL);
	set_operator(admin);
	if (cmd->needs_store && !fm_admin_open_store(admin))
		return FM_ADMIN_FAIL;
	/* A group that is itself the command ("export") gets the group
	 * as argv[0]. */
	if (cmd->verb == NULL)
		return cmd->run(admin, nargs, args);
	return cmd->run(admin, nargs - 1, args + 1);
}

int
main(int argc, char **argv)
{
	struct fm_admin admin = {0};
	char **args;
	int rc;

	fm_log_init("followme-admin", FM_LOG_STDERR, false);
	if ((args = calloc((size_t)argc + 1, sizeof(*args))) == NULL)
		return fm_admin_fail("out of memory");
	rc = dispatch(&admin, argc, argv, args);
	fm_store_close(admin.store);
	free(args);
	return rc;
}
