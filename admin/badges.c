/*
 * badges.c - followme-admin badge add|remove|list: badges are stored
 * only as keyed hashes of their UIDs (state_dir/badge.key).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "admin/admin.h"
#include "common/aead.h"
#include "quota/users.h"
#include "spooler/spool.h"
#include "store/badges.h"

enum { B_FINGERPRINT, B_LABEL, B_ADDED, B_LABEL_SHOWN, B_NCOLUMNS };

static const struct fm_table_column badge_columns[B_NCOLUMNS] = {
    FM_TABLE_COLUMN(B_FINGERPRINT, N_("FINGERPRINT"), -14, "fingerprint", TEXT),
    FM_TABLE_JSON(B_LABEL, "label", TEXT),
    FM_TABLE_COLUMN(B_ADDED, N_("ADDED"), -19, "created_at", TIME),
    FM_TABLE_CLEANED(B_LABEL_SHOWN, N_("LABEL"), NULL, NULL)};

static bool
badge_row(const char *fp, const char *label, int64_t at, void *table)
{
	struct fm_table_cell c[B_NCOLUMNS] = {
	    [B_FINGERPRINT] = {fp, 0},
	    [B_LABEL] = {label, 0},
	    [B_ADDED] = {NULL, at},
	    [B_LABEL_SHOWN] = {label, 0},
	};

	fm_table_row(table, c);
	return true;
}

bool
fm_admin_badge_key(struct fm_admin *admin, uint8_t *key)
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

enum { ADD_LABEL };

static int
badge_add(struct fm_admin *admin)
{
	uint8_t key[FM_BADGES_KEYLEN], uid[FM_BADGES_UIDMAX];
	const char *login = admin->args.operand[0].text;
	const char *hex = admin->args.operand[1].text;
	const char *label = admin->args.opt[ADD_LABEL].text, *errstr = NULL;
	size_t uidlen;
	int rc = FM_ADMIN_OK;

	if (!fm_badges_parse_uid(hex, strlen(hex), uid, &uidlen))
		return fm_admin_usage(admin,
		    "'%s' is not a badge UID (4 to 32 bytes in hex)", hex);
	if (!fm_admin_badge_key(admin, key))
		return FM_ADMIN_FAIL;
	if (!fm_badges_add(admin->store, key, login, uid, uidlen,
	        label ? label : "", &errstr))
		rc = fm_admin_fail("cannot add the badge: %s", errstr);
	else
		printf(_("Added a badge for %s.\n"), login);
	fm_wipe(key, sizeof(key));
	return rc;
}

static int
badge_remove(struct fm_admin *admin)
{
	uint8_t key[FM_BADGES_KEYLEN], uid[FM_BADGES_UIDMAX];
	const char *hex = admin->args.operand[0].text;
	size_t uidlen;
	int rc = FM_ADMIN_OK;

	if (!fm_badges_parse_uid(hex, strlen(hex), uid, &uidlen))
		return fm_admin_usage(admin, "'%s' is not a badge UID", hex);
	if (!fm_admin_badge_key(admin, key))
		return FM_ADMIN_FAIL;
	if (!fm_badges_remove(admin->store, key, uid, uidlen))
		rc = fm_admin_fail("no such badge");
	else
		printf("%s", _("Removed the badge.\n"));
	fm_wipe(key, sizeof(key));
	return rc;
}

static int
badge_list(struct fm_admin *admin)
{
	const char *login = admin->args.operand[0].text;
	struct fm_table t;
	struct fm_user u;

	if (!fm_users_get(admin->store, login, &u))
		return fm_admin_fail("no user %s", login);
	/* What the store could list is all there is to show. */
	fm_admin_list_begin(admin, &t, badge_columns, B_NCOLUMNS);
	fm_badges_list(admin->store, login, badge_row, &t);
	return fm_admin_list_end(admin, &t, true, "badges", "No badges.");
}

static const struct fm_grammar_option add_options[FM_GRAMMAR_OPTTABLE] = {
    [ADD_LABEL] = {"label",
        .help = N_("a note to tell the user's badges apart")},
};

static const struct fm_grammar_command commands[] = {
    {"badge", "add", "LOGIN UID [--label TEXT]",
        N_("associate a badge (UID in hex) with a user"), FM_GRAMMAR_STORE,
        .run = badge_add, .options = add_options,
        .operands = {2, 2, N_("expected a login name and a UID"), NULL}},
    {"badge", "remove", "UID", N_("forget a badge"), FM_GRAMMAR_STORE,
        .run = badge_remove, .operands = {1, 1, N_("expected a UID"), NULL}},
    {"badge", "list", "LOGIN [--json]", N_("list a user's badges"),
        FM_GRAMMAR_STORE, .run = badge_list, .operands = FM_ADMIN_ONE_LOGIN},
};

const struct fm_admin_group fm_admin_group_badge = FM_ADMIN_GROUP(commands);
