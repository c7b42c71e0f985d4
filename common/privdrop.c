/*
 * privdrop.c - giving up root for an unprivileged account.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/privdrop.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

bool
fm_privdrop_lookup(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	if (user == NULL || (pw = getpwnam(user)) == NULL)
		return false;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return true;
}

bool
fm_privdrop_to(const char *user, const char **errstr)
{
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0)
		return true;
	if (!fm_privdrop_lookup(user, &uid, &gid)) {
		*errstr = "no such user to run as";
		return false;
	}
	if (uid == 0) {
		*errstr = "refusing to run as root";
		return false;
	}
	/* Order matters: groups and gid while we still may change them. */
	if (setgroups(1, &gid) != 0) {
		*errstr = "setgroups failed";
		return false;
	}
	if (setresgid(gid, gid, gid) != 0) {
		*errstr = "setresgid failed";
		return false;
	}
	if (setresuid(uid, uid, uid) != 0) {
		*errstr = "setresuid failed";
		return false;
	}
	if (setuid(0) == 0 || seteuid(0) == 0) {
		*errstr = "could regain root after dropping it";
		return false;
	}
	return true;
}
