/*
 * admin-terminal.c - followme-admin ca init, terminal add|list|remove.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/json.h"
#include "admin/admin.h"
#include "store/authlog.h"
#include "store/terminals.h"
#include "release/pki.h"

#define CERT_DAYS 825
#define CA_DAYS 3650

static int
ca_init(struct fm_admin *admin, int argc, char **argv)
{
	const struct fm_admin_command *cmd = &fm_admin_terminal_commands[0];
	static const struct option longopts[] = {
	    {"server-name", required_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0},
	};
	char dir[512], key[600], crt[600], name[256], err[512];
	char serial[FM_PKI_SERIALMAX];
	int ch;

	fm_settings_server_name(&admin->settings, name, sizeof(name));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'n')
			return fm_admin_usage(cmd,
			    "unknown or incomplete "
			    "option %s",
			    argv[optind - 1]);
		snprintf(name, sizeof(name), "%s", optarg);
	}
	if (optind != argc)
		return fm_admin_usage(
		    cmd, "unexpected argument '%s'", argv[optind]);
	if (!fm_pki_name_is_valid(name))
		return fm_admin_usage(
		    cmd, "'%s' is not a valid server name", name);
	if (!fm_settings_pki_dir(&admin->settings, dir, sizeof(dir)))
		return fm_admin_fail("state_dir too long");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return fm_admin_fail("%s: %s", dir, strerror(errno));
	snprintf(key, sizeof(key), "%s/ca.key", dir);
	if (access(key, F_OK) == 0)
		return fm_admin_fail("%s already has a CA; remove the pki "
		                     "directory first to start over (every "
		                     "terminal then needs a new certificate)",
		    dir);
	if (!fm_pki_create_ca(
	        dir, "Followme site CA", CA_DAYS, err, sizeof(err)))
		return fm_admin_fail("%s", err);
	snprintf(key, sizeof(key), "%s/server.key", dir);
	snprintf(crt, sizeof(crt), "%s/server.crt", dir);
	if (!fm_pki_issue(dir, FM_PKI_SERVER, name, CERT_DAYS, key, crt, serial,
	        err, sizeof(err)))
		return fm_admin_fail("%s", err);
	printf("Created the site CA and the server certificate for '%s' in "
	       "%s.\nTerminals must reach followmed under that name.\n",
	    name, dir);
	return FM_ADMIN_OK;
}

static int
terminal_add(struct fm_admin *admin, int argc, char **argv)
{
	const struct fm_admin_command *cmd = &fm_admin_terminal_commands[1];
	static const struct option longopts[] = {
	    {"printer", required_argument, NULL, 'p'},
	    {NULL, 0, NULL, 0},
	};
	char dir[512], tdir[600], key[700], crt[700], err[512];
	char newkey[700], newcrt[700];
	char serial[FM_PKI_SERIALMAX], server[256];
	const char *printer = NULL, *name;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'p')
			return fm_admin_usage(cmd,
			    "unknown or incomplete "
			    "option %s",
			    argv[optind - 1]);
		printer = optarg;
	}
	if (optind != argc - 1)
		return fm_admin_usage(cmd, "expected one terminal name");
	name = argv[optind];
	if (printer == NULL || printer[0] == '\0')
		return fm_admin_usage(cmd, "--printer is required");
	if (!fm_pki_name_is_valid(name))
		return fm_admin_usage(cmd,
		    "'%s' is not a valid terminal name "
		    "(letters, digits, dots, dashes)",
		    name);
	if (strlen(printer) >= sizeof(((struct fm_terminal *)0)->printer))
		return fm_admin_usage(cmd, "printer name too long");
	if (!fm_settings_pki_dir(&admin->settings, dir, sizeof(dir)))
		return fm_admin_fail("state_dir too long");
	snprintf(key, sizeof(key), "%s/ca.key", dir);
	if (access(key, F_OK) != 0)
		return fm_admin_fail("no site CA yet: run 'followme-admin ca "
		                     "init' first");
	snprintf(tdir, sizeof(tdir), "%s/terminals", dir);
	if (mkdir(tdir, 0700) != 0 && errno != EEXIST)
		return fm_admin_fail("%s: %s", tdir, strerror(errno));
	/* Issue into new files and register; only a registered terminal
	 * replaces files of an earlier one of the same name. */
	snprintf(key, sizeof(key), "%s/%s.key.new", tdir, name);
	snprintf(crt, sizeof(crt), "%s/%s.crt.new", tdir, name);
	unlink(key);
	unlink(crt);
	if (!fm_pki_issue(dir, FM_PKI_CLIENT, name, CERT_DAYS, key, crt, serial,
	        err, sizeof(err)))
		return fm_admin_fail("%s", err);
	if (!fm_terminals_add(
	        admin->store, name, printer, serial, admin->now)) {
		unlink(key);
		unlink(crt);
		return fm_admin_fail("terminal '%s' already exists (remove it "
		                     "first)",
		    name);
	}
	snprintf(newkey, sizeof(newkey), "%s/%s.key", tdir, name);
	snprintf(newcrt, sizeof(newcrt), "%s/%s.crt", tdir, name);
	if (rename(key, newkey) != 0 || rename(crt, newcrt) != 0)
		return fm_admin_fail("cannot move the new files into place: %s",
		    strerror(errno));
	snprintf(key, sizeof(key), "%s", newkey);
	snprintf(crt, sizeof(crt), "%s", newcrt);
	fm_settings_server_name(&admin->settings, server, sizeof(server));
	printf("Added terminal %s for printer %s.\n"
	       "Copy these files to the terminal (e.g. /etc/followme/), the "
	       "key readable only by followme-terminal:\n"
	       "  %s/ca.crt\n  %s\n  %s\n"
	       "and point it at server %s.\n",
	    name, printer, dir, crt, key, server);
	return FM_ADMIN_OK;
}

struct list_ctx {
	bool json;
	int count;
};

static bool
print_terminal(const struct fm_terminal *t, void *arg)
{
	struct list_ctx *ctx = arg;
	char when[32];

	if (ctx->json) {
		fputs(ctx->count++ ? ",{" : "{", stdout);
		fm_json_key_string(stdout, "name", t->name);
		fputc(',', stdout);
		fm_json_key_string(stdout, "printer", t->printer);
		fputc(',', stdout);
		fm_json_key_string(stdout, "cert_serial", t->cert_serial);
		fputc(',', stdout);
		fm_json_key_int(stdout, "created_at", t->created_at);
		fputc(',', stdout);
		fm_json_key_int(stdout, "removed_at", t->removed_at);
		fputc('}', stdout);
		return true;
	}
	if (ctx->count++ == 0)
		printf("%-20s %-24s %-19s %s\n", "TERMINAL", "PRINTER", "ADDED",
		    "STATE");
	printf("%-20s %-24s %-19s %s\n", t->name, t->printer,
	    fm_admin_time(t->created_at, when, sizeof(when)),
	    t->removed_at ? "removed" : "active");
	return true;
}

static int
terminal_list(struct fm_admin *admin, int argc, char **argv)
{
	struct list_ctx ctx = {admin->json, 0};
	bool all = argc == 2 && strcmp(argv[1], "--all") == 0;

	if (argc != 1 && !all)
		return fm_admin_usage(&fm_admin_terminal_commands[2],
		    "unexpected argument '%s'", argv[1]);
	if (admin->json)
		fputc('[', stdout);
	if (!fm_terminals_list(admin->store, all, print_terminal, &ctx))
		return fm_admin_fail("cannot list terminals: %s",
		    fm_store_last_error(admin->store));
	if (admin->json)
		fputs("]\n", stdout);
	else if (ctx.count == 0)
		printf("No terminals.\n");
	return FM_ADMIN_OK;
}

static int
terminal_remove(struct fm_admin *admin, int argc, char **argv)
{
	if (argc != 2)
		return fm_admin_usage(&fm_admin_terminal_commands[3],
		    "expected one terminal name");
	if (!fm_terminals_remove(admin->store, argv[1], admin->now))
		return fm_admin_fail("no active terminal '%s'", argv[1]);
	printf("Removed terminal %s: it is refused from now on.\n", argv[1]);
	return FM_ADMIN_OK;
}

static int
auth_unlock(struct fm_admin *admin, int argc, char **argv)
{
	const struct fm_admin_command *cmd = &fm_admin_terminal_commands[4];
	int n;

	if (argc != 3 ||
	    (strcmp(argv[1], "--user") != 0 &&
	        strcmp(argv[1], "--terminal") != 0))
		return fm_admin_usage(cmd,
		    "expected --user USER or --terminal "
		    "NAME");
	n = fm_authlog_clear(admin->store,
	    argv[1][2] == 'u' ? FM_AUTHLOG_USER : FM_AUTHLOG_TERMINAL, argv[2]);
	if (n < 0)
		return fm_admin_fail(
		    "cannot unlock: %s", fm_store_last_error(admin->store));
	printf("Unlocked %s %s (%d failed attempt(s) forgotten).\n",
	    argv[1] + 2, argv[2], n);
	return FM_ADMIN_OK;
}

const struct fm_admin_command fm_admin_terminal_commands[] = {
    {"ca", "init", "[--server-name NAME]",
        "create the site CA and followmed's certificate", true, ca_init},
    {"terminal", "add", "NAME --printer PRINTER",
        "create a release terminal's certificate, bound to a printer", true,
        terminal_add},
    {"terminal", "list", "[--all] [--json]",
        "list terminals (--all: removed ones too)", true, terminal_list},
    {"terminal", "remove", "NAME", "refuse a terminal from now on", true,
        terminal_remove},
    {"auth", "unlock", "--user USER | --terminal NAME",
        "end a lockout after failed logins", true, auth_unlock},
};
const size_t fm_admin_terminal_count =
    sizeof(fm_admin_terminal_commands) / sizeof(fm_admin_terminal_commands[0]);
