/*
 * terminals.c - followme-admin terminal add|list|remove: the release
 * terminals, their certificates and printers; and auth unlock, which
 * ends a lockout of a user or a terminal.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "admin/admin.h"
#include "common/child.h"
#include "common/privdrop.h"
#include "release/pki.h"
#include "store/authlog.h"
#include "store/terminals.h"

enum { ADD_PRINTER, ADD_OUT, ADD_WEB };

#define ADD_WHICH N_("expected --printer PRINTER or --web")

/*
 * Registers the terminal in a child that drops to followmed's account to
 * open the store, so that this process stays root and can finish or undo
 * the files it made with the CA key (only root reads it).  FM_ADMIN_OK,
 * or the child's failure, printed.
 */
static int
register_terminal(struct fm_admin *admin, const char *name, const char *printer,
    const char *serial)
{
	struct fm_child_spec spec = {.death_signal = SIGKILL};
	const char *errstr = NULL;
	int status;
	pid_t pid;

	if ((pid = fm_child_fork(&spec, &errstr)) == 0) {
		if (!fm_admin_open_store(admin))
			_exit(FM_ADMIN_FAIL);
		if (printer != NULL ? !fm_terminals_add(admin->store, name,
		                          printer, serial, admin->now)
		                    : !fm_terminals_add_web(admin->store, name,
		                          serial, admin->now)) {
			fm_admin_fail("terminal '%s' already exists (remove it "
			              "first)",
			    name);
			_exit(FM_ADMIN_FAIL);
		}
		fm_store_close(admin->store);
		_exit(FM_ADMIN_OK);
	}
	if (pid < 0)
		return fm_admin_fail("cannot register the terminal: %s",
		    errstr ? errstr : "fork failed");
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fm_admin_fail("waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : FM_ADMIN_FAIL;
}

/* Copies the site CA's certificate into a new file at to. */
static bool
copy_ca_crt(const char *from, const char *to)
{
	char buf[8192];
	ssize_t n = -1;
	int in, out;
	bool ok;

	if ((in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return false;
	out = open(
	    to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	ok = out >= 0;
	while (ok && (n = read(in, buf, sizeof(buf))) > 0)
		ok = write(out, buf, (size_t)n) == n;
	ok = ok && n == 0 && fsync(out) == 0;
	close(in);
	if (out >= 0)
		close(out);
	return ok;
}

/* Removes what terminal add put in a handover directory it created. */
static void
remove_handover(const char *out, const char *const *files, size_t n)
{
	char path[700];

	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", out, files[i]);
		unlink(path);
	}
	rmdir(out);
}

/*
 * The web console's files stay on this server, for its store-side
 * workers, which run as followmed's account: that account alone reads
 * them.
 */
static bool
give_to_service(
    struct fm_admin *admin, const char *out, const char *const *files, size_t n)
{
	char path[700];
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0)
		return true; /* a private stack: its files are ours */
	if (!fm_privdrop_lookup(admin->settings.user, &uid, &gid))
		return false;
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", out, files[i]);
		if (lchown(path, uid, gid) != 0)
			return false;
	}
	return lchown(out, uid, gid) == 0;
}

/*
 * Runs as the invoking user (root): the certificate is signed with the
 * CA key, which followmed's account cannot read.  The terminal's key is
 * written once, into a new directory for the admin to copy to the
 * terminal, and never kept on the server: the server needs only the
 * certificate's serial, which the store holds.  The web console's
 * (--web) is written where its workers read it, in the state directory.
 */
static int
terminal_add(struct fm_admin *admin)
{
	static const char *const files[] = {
	    "terminal.key", "terminal.crt", "ca.crt"};
	char dir[512], out[512], key[700], crt[700], ca[700], keep[700];
	char err[512], serial[FM_PKI_SERIALMAX], server[256];
	const char *printer = admin->args.opt[ADD_PRINTER].text;
	const char *name = admin->args.operand[0].text;
	bool web = admin->args.opt[ADD_WEB].text != NULL;
	int rc;

	if (!fm_pki_name_is_valid(name))
		return fm_admin_usage(admin,
		    "'%s' is not a valid terminal name "
		    "(letters, digits, dots, dashes)",
		    name);
	if ((printer == NULL) == !web)
		return fm_admin_usage(admin, "%s", _(ADD_WHICH));
	if (web && admin->args.opt[ADD_OUT].text != NULL)
		return fm_admin_usage(admin,
		    "--web writes its files where "
		    "followme-webd reads them: no --out");
	if (printer != NULL &&
	    strlen(printer) >= sizeof(((struct fm_terminal *)0)->printer))
		return fm_admin_usage(admin, "printer name too long");
	if (web) {
		if (!fm_settings_web_terminal_dir(
		        &admin->settings, out, sizeof(out)))
			return fm_admin_fail("state_dir too long");
	} else if (admin->args.opt[ADD_OUT].text != NULL)
		snprintf(out, sizeof(out), "%s", admin->args.opt[ADD_OUT].text);
	else
		snprintf(out, sizeof(out), "terminal-%s", name);
	if (!fm_settings_pki_dir(&admin->settings, dir, sizeof(dir)))
		return fm_admin_fail("state_dir too long");
	snprintf(key, sizeof(key), "%s/ca.key", dir);
	if (access(key, F_OK) != 0)
		return fm_admin_fail("no site CA yet: run 'followme-admin ca "
		                     "init' first");
	if (access(key, R_OK) != 0)
		return fm_admin_fail(
		    "%s: %s (run as root)", key, strerror(errno));
	snprintf(keep, sizeof(keep), "%s/terminals", dir);
	if (mkdir(keep, 0700) != 0 && errno != EEXIST)
		return fm_admin_fail("%s: %s", keep, strerror(errno));
	/* A new directory, so that the key lands nowhere anyone else
	 * prepared. */
	if (mkdir(out, 0700) != 0)
		return fm_admin_fail("%s: %s (--out names a directory to "
		                     "create for the terminal's files)",
		    out, strerror(errno));
	snprintf(key, sizeof(key), "%s/terminal.key", out);
	snprintf(crt, sizeof(crt), "%s/terminal.crt", out);
	snprintf(ca, sizeof(ca), "%s/ca.crt", dir);
	if (!fm_pki_issue(dir, FM_PKI_CLIENT, name, FM_ADMIN_CERT_DAYS, key,
	        crt, serial, err, sizeof(err))) {
		remove_handover(out, files, 3);
		return fm_admin_fail("%s", err);
	}
	snprintf(ca, sizeof(ca), "%s/ca.crt", out);
	snprintf(keep, sizeof(keep), "%s/ca.crt", dir);
	if (!copy_ca_crt(keep, ca)) {
		rc = fm_admin_fail("%s: %s", ca, strerror(errno));
		remove_handover(out, files, 3);
		return rc;
	}
	if (web && !give_to_service(admin, out, files, 3)) {
		rc = fm_admin_fail("%s: %s", out, strerror(errno));
		remove_handover(out, files, 3);
		return rc;
	}
	if ((rc = register_terminal(admin, name, printer, serial)) !=
	    FM_ADMIN_OK) {
		remove_handover(out, files, 3);
		return rc;
	}
	/* The server keeps the certificate, for the record; a key an
	 * earlier version kept for a terminal of this name goes. */
	snprintf(keep, sizeof(keep), "%s/terminals/%s.key", dir, name);
	unlink(keep);
	snprintf(keep, sizeof(keep), "%s/terminals/%s.crt", dir, name);
	unlink(keep);
	if (!copy_ca_crt(crt, keep))
		fprintf(stderr,
		    _("followme-admin: cannot keep a copy of the certificate "
		      "in %s: %s\n"),
		    keep, strerror(errno));
	if (web)
		return fm_admin_done("Added terminal %s for the web console: "
		                     "its key and certificates are in %s/, "
		                     "where followme-webd reads them.",
		    name, out);
	fm_settings_server_name(&admin->settings, server, sizeof(server));
	return fm_admin_done(
	    "Added terminal %s for printer %s.\n"
	    "Its key and certificates are in %s/.\n"
	    "Copy them to the terminal as /etc/followme/terminal/ca.crt,\n"
	    "terminal.crt and terminal.key (the names terminal.conf uses), the "
	    "key readable only by followme-terminal; then delete %s/: the "
	    "server keeps no copy of the key.\n"
	    "Point the terminal at server %s.",
	    name, printer, out, out, server);
}

enum {
	T_NAME,
	T_PRINTER,
	T_CERT_SERIAL,
	T_ADDED,
	T_SEEN,
	T_STATE_SHOWN,
	T_REMOVED,
	T_CONNECTED,
	T_PROTOCOL,
	T_NCOLUMNS
};

static const struct fm_table_column terminal_columns[T_NCOLUMNS] = {
    FM_TABLE_COLUMN(T_NAME, N_("TERMINAL"), -20, "name", TEXT),
    FM_TABLE_COLUMN(T_PRINTER, N_("PRINTER"), -24, "printer", TEXT),
    FM_TABLE_JSON(T_CERT_SERIAL, "cert_serial", TEXT),
    FM_TABLE_COLUMN(T_ADDED, N_("ADDED"), -19, "created_at", TIME),
    FM_TABLE_COLUMN(T_SEEN, N_("LAST SEEN"), -19, "last_seen", TIME),
    FM_TABLE_SHOWN(T_STATE_SHOWN, N_("STATE"), 0, TEXT),
    FM_TABLE_JSON(T_REMOVED, "removed_at", INT),
    FM_TABLE_JSON(T_CONNECTED, "connected", INT),
    FM_TABLE_JSON(T_PROTOCOL, "protocol", INT)};

/* What a terminal is now: removed, connected, or not. */
static const char *
terminal_state(const struct fm_terminal *term, int64_t now)
{
	if (term->removed_at)
		return "removed";
	if (term->connected && now - term->last_seen < FM_TERMINAL_GONE_AFTER)
		return "connected";
	return "offline";
}

static bool
terminal_row(const struct fm_terminal *term, void *table)
{
	struct fm_table_cell c[T_NCOLUMNS] = {
	    [T_NAME] = {term->name, 0},
	    [T_PRINTER] = {term->web ? "(web console)" : term->printer, 0},
	    [T_CERT_SERIAL] = {term->cert_serial, 0},
	    [T_ADDED] = {NULL, term->created_at},
	    [T_SEEN] = {NULL, term->last_seen},
	    [T_STATE_SHOWN] = {terminal_state(term, (int64_t)time(NULL)), 0},
	    [T_REMOVED] = {NULL, term->removed_at},
	    [T_CONNECTED] = {NULL,
	        strcmp(terminal_state(term, (int64_t)time(NULL)),
	            "connected") == 0},
	    [T_PROTOCOL] = {NULL, term->protocol},
	};

	fm_table_row(table, c);
	return true;
}

enum { LIST_ALL };

static int
terminal_list(struct fm_admin *admin)
{
	struct fm_table t;

	fm_admin_list_begin(admin, &t, terminal_columns, T_NCOLUMNS);
	return fm_admin_list_end(admin, &t,
	    fm_terminals_list(admin->store,
	        admin->args.opt[LIST_ALL].text != NULL, terminal_row, &t),
	    "terminals", "No terminals.");
}

static int
terminal_remove(struct fm_admin *admin)
{
	const char *name = admin->args.operand[0].text;

	if (!fm_terminals_remove(admin->store, name, admin->now))
		return fm_admin_fail("no active terminal '%s'", name);
	return fm_admin_done(
	    "Removed terminal %s: it is refused from now on.", name);
}

enum { UNLOCK_USER, UNLOCK_TERMINAL };

#define UNLOCK_USAGE N_("expected --user USER or --terminal NAME")

static int
auth_unlock(struct fm_admin *admin)
{
	const struct fm_grammar_value *o = admin->args.opt;
	/* FM_GRAMMAR_EXACT lets through one option at most. */
	int which = o[UNLOCK_USER].text != NULL ? UNLOCK_USER : UNLOCK_TERMINAL;
	const char *name = o[which].text;
	int n;

	if (name == NULL)
		return fm_admin_usage(admin, "%s", _(UNLOCK_USAGE));
	n = fm_authlog_clear(admin->store,
	    which == UNLOCK_USER ? FM_AUTHLOG_USER : FM_AUTHLOG_TERMINAL, name);
	if (n < 0)
		return fm_admin_fail(
		    "cannot unlock: %s", fm_store_last_error(admin->store));
	return fm_admin_done(
	    P_("Unlocked %s %s (%d failed attempt forgotten).",
	        "Unlocked %s %s (%d failed attempts forgotten).", n),
	    which == UNLOCK_USER ? "user" : "terminal", name, n);
}

static const struct fm_grammar_option add_options[FM_GRAMMAR_OPTTABLE] = {
    [ADD_PRINTER] = {"printer", .flags = FM_GRAMMAR_NONEMPTY,
        .help = N_("the printer it releases to: a printer added with "
                   "printer add, a CUPS queue or an ipp:// URI")},
    [ADD_WEB] = {"web", .kind = FM_GRAMMAR_FLAG,
        .help = N_("the web console's connection to followmed instead: "
                   "it releases to the added printer each person picks")},
    [ADD_OUT] = {"out", .flags = FM_GRAMMAR_NONEMPTY,
        .help = N_("the new directory its key and certificates are written "
                   "to, for copying to the terminal (default: "
                   "terminal-NAME in the current directory)")},
};

static const struct fm_grammar_option list_options[FM_GRAMMAR_OPTTABLE] = {
    [LIST_ALL] = {"all", .kind = FM_GRAMMAR_FLAG,
        .help = N_("removed terminals too")},
};

static const struct fm_grammar_option unlock_options[FM_GRAMMAR_OPTTABLE] = {
    [UNLOCK_USER] = {"user", .help = N_("the user locked out")},
    [UNLOCK_TERMINAL] = {"terminal", .help = N_("the terminal locked out")},
};

static const struct fm_grammar_command terminal_commands[] = {
    {"terminal", "add", "NAME --printer PRINTER [--out DIR] | NAME --web",
        N_("create a release terminal's certificate, bound to a printer"), 0,
        .run = terminal_add, .options = add_options,
        .operands = {1, 1, N_("expected one terminal name"), NULL}},
    {"terminal", "list", "[--all] [--json]",
        N_("list terminals (--all: removed ones too)"),
        FM_GRAMMAR_STORE | FM_GRAMMAR_EXACT, .run = terminal_list,
        .options = list_options},
    {"terminal", "remove", "NAME", N_("refuse a terminal from now on"),
        FM_GRAMMAR_STORE, .run = terminal_remove,
        .operands = {1, 1, N_("expected one terminal name"), NULL}},
};

static const struct fm_grammar_command auth_commands[] = {
    {"auth", "unlock", "--user USER | --terminal NAME",
        N_("end a lockout after failed logins"),
        FM_GRAMMAR_STORE | FM_GRAMMAR_EXACT, .run = auth_unlock,
        .options = unlock_options, .operands = {0, 0, UNLOCK_USAGE, NULL}},
};

const struct fm_admin_group fm_admin_group_terminal =
    FM_ADMIN_GROUP(terminal_commands);
const struct fm_admin_group fm_admin_group_auth = FM_ADMIN_GROUP(auth_commands);
