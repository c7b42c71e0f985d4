/*
 * privdrop.h - giving up root for an unprivileged account.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PRIVDROP_H
#define FM_PRIVDROP_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * 'fm_privdrop_lookup()' - uid and gid of user; false if there is none.
 */
bool fm_privdrop_lookup(const char *user, uid_t *uid, gid_t *gid);

/*
 * 'fm_privdrop_to()' - if running as root, become user for good:
 * setgroups, then setresgid, then setresuid, each checked, then a check
 * that root cannot be regained.  A no-op when not root.  False (with
 * *errstr set) if any step fails; the caller must then exit.
 */
bool fm_privdrop_to(const char *user, const char **errstr);

#endif
