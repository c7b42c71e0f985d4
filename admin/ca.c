/*
 * ca.c - followme-admin ca init: the site CA, and followmed's
 * certificate, that the release terminals' TLS rests on.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/admin.h"
#include "common/privdrop.h"
#include "release/pki.h"

#define CA_DAYS 3650

enum { INIT_SERVER_NAME };

/* Gives followmed its own key: opened without following a link, in a
 * directory only root writes, so nothing can be swapped in between. */
static bool
give_to(const char *path, uid_t uid, gid_t gid)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	bool ok = fd >= 0 && fchown(fd, uid, gid) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* The pki directory as root's, 0755, if it is a directory and no link. */
static bool
own_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	bool ok = fd >= 0 && fchown(fd, 0, 0) == 0 && fchmod(fd, 0755) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * Runs as the invoking user (root in production), never as followmed's
 * account: the CA key is written root-only, so that code running as
 * followmed can never mint a terminal.  The pki directory is root's too
 * (0755: followmed reads the certificates and its own key in it).
 */
static int
ca_init(struct fm_admin *admin)
{
	const char *server_name = admin->args.opt[INIT_SERVER_NAME].text;
	char dir[512], key[600], crt[600], name[256], err[512];
	char serial[FM_PKI_SERIALMAX];
	bool root = geteuid() == 0;
	uid_t uid = 0;
	gid_t gid = 0;

	if (server_name != NULL)
		snprintf(name, sizeof(name), "%s", server_name);
	else
		fm_settings_server_name(&admin->settings, name, sizeof(name));
	if (!fm_pki_name_is_valid(name))
		return fm_admin_usage(
		    admin, "'%s' is not a valid server name", name);
	if (root && !fm_privdrop_lookup(admin->settings.user, &uid, &gid))
		return fm_admin_fail(
		    "user %s does not exist", admin->settings.user);
	if (!fm_settings_pki_dir(&admin->settings, dir, sizeof(dir)))
		return fm_admin_fail("state_dir too long");
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return fm_admin_fail("%s: %s", dir, strerror(errno));
	/* A directory left by an older version is followmed's: it could
	 * swap files under root's feet. */
	if (root && !own_dir(dir))
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
	if (!fm_pki_issue(dir, FM_PKI_SERVER, name, FM_ADMIN_CERT_DAYS, key,
	        crt, serial, err, sizeof(err)))
		return fm_admin_fail("%s", err);
	if (root && !give_to(key, uid, gid))
		return fm_admin_fail("%s: cannot give it to %s: %s", key,
		    admin->settings.user, strerror(errno));
	return fm_admin_done(
	    "Created the site CA and the server certificate for '%s' in "
	    "%s.\nTerminals must reach followmed under that name.\n"
	    "A running followmed starts its release service within a few "
	    "seconds, no restart needed.\nNext: followme-admin terminal add "
	    "NAME --printer PRINTER for each release terminal.",
	    name, dir);
}

static const struct fm_grammar_option init_options[FM_GRAMMAR_OPTTABLE] = {
    [INIT_SERVER_NAME] = {"server-name",
        .help = N_("the DNS name terminals reach followmed by (default: "
                   "server_name of followme.conf, else the host name)")},
};

static const struct fm_grammar_command commands[] = {
    {"ca", "init", "[--server-name NAME]",
        N_("create the site CA and followmed's certificate"), 0, .run = ca_init,
        .options = init_options},
};

const struct fm_admin_group fm_admin_group_ca = FM_ADMIN_GROUP(commands);
