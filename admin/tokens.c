/*
 * tokens.c - followme-admin token add|list|revoke: per-person API tokens
 * for scripts that call followme-webd's JSON API (store/apitokens.h).
 * A new token is printed once, on stdout; only its hash is kept.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "admin/admin.h"
#include "common/aead.h"
#include "common/json.h"
#include "quota/users.h"
#include "store/apitokens.h"
#include "store/audit.h"

/* Days a token may be made to last, at most (as on the web). */
#define DAYS_MAX 3650

enum { ADD_NAME, ADD_EXPIRES };

/* The token being made, for fm_audit_change(). */
struct token_add {
	struct fm_apitoken t;
	int64_t now;
	char text[FM_APITOKEN_TEXTLEN + 1];
	const char *why;
};

static bool
apply_add(fm_store_t *store, void *arg)
{
	struct token_add *ta = arg;

	return fm_apitokens_create(
	    store, &ta->t, ta->now, ta->text, sizeof(ta->text), &ta->why);
}

/* An audit entry of this command, by whoever runs it. */
static void
entry(const struct fm_admin *admin, struct fm_audit_entry *e,
    const char *action, const char *target)
{
	size_t n;

	memset(e, 0, sizeof(*e));
	snprintf(e->actor, sizeof(e->actor), "%s", admin->operator_name);
	snprintf(e->via, sizeof(e->via), "admin");
	snprintf(e->action, sizeof(e->action), "%s", action);
	/* A target longer than the entry holds is cut (a login is far
	 * shorter). */
	n = strnlen(target, sizeof(e->target) - 1);
	memcpy(e->target, target, n);
	e->target[n] = '\0';
}

static int
token_add(struct fm_admin *admin)
{
	const char *login = admin->args.operand[0].text;
	const char *name = admin->args.opt[ADD_NAME].text;
	struct token_add ta;
	struct fm_audit_entry e;
	struct fm_user u;
	bool store_error = false;

	if (name == NULL)
		name = "followme-admin";
	if (!fm_apitokens_name_is_valid(name, strlen(name)))
		return fm_admin_usage(admin,
		    "--name is 1 to 127 bytes of text without control "
		    "characters");
	if (!fm_users_get(admin->store, login, &u))
		return fm_admin_fail("no user %s", login);
	memset(&ta, 0, sizeof(ta));
	ta.now = admin->now;
	snprintf(ta.t.owner, sizeof(ta.t.owner), "%s", u.login);
	snprintf(ta.t.name, sizeof(ta.t.name), "%s", name);
	snprintf(ta.t.created_by, sizeof(ta.t.created_by), "%s",
	    admin->operator_name);
	if (admin->args.opt[ADD_EXPIRES].text != NULL)
		ta.t.expires_at =
		    admin->now + admin->args.opt[ADD_EXPIRES].number * 86400;
	entry(admin, &e, "token.add", u.login);
	snprintf(e.after, sizeof(e.after), "%s", name);
	if (!fm_audit_change(admin->store, &e, apply_add, &ta, &store_error)) {
		fm_wipe(ta.text, sizeof(ta.text));
		if (store_error || ta.why == NULL)
			return fm_admin_fail("cannot add a token: %s",
			    fm_store_last_error(admin->store));
		return fm_admin_fail("cannot add a token: %s", ta.why);
	}
	/* The token alone on stdout, for a script to keep; what it is on
	 * stderr, for the person. */
	if (admin->json) {
		printf("{");
		fm_json_key_int(stdout, "id", ta.t.id);
		printf(",");
		fm_json_key_string(stdout, "owner", ta.t.owner);
		printf(",");
		fm_json_key_string(stdout, "token", ta.text);
		printf("}\n");
	} else
		printf("%s\n", ta.text);
	fflush(stdout);
	fm_wipe(ta.text, sizeof(ta.text));
	fprintf(stderr,
	    _("Token %lld for %s. It is shown only now: keep it like a "
	      "password.\n"),
	    (long long)ta.t.id, ta.t.owner);
	return FM_ADMIN_OK;
}

enum {
	T_ID,
	T_OWNER,
	T_STATE,
	T_CREATED,
	T_LAST_USED,
	T_EXPIRES,
	T_CREATED_BY,
	T_REVOKED_AT,
	T_NAME,
	T_NCOLUMNS
};

#define C(kind, col, ...) FM_TABLE_##kind(T_##col, __VA_ARGS__)
static const struct fm_table_column token_columns[T_NCOLUMNS] = {
    C(COLUMN, ID, N_("ID"), -5, "id", INT),
    C(COLUMN, OWNER, N_("OWNER"), -12, "owner", TEXT),
    C(COLUMN, STATE, N_("STATE"), -8, "state", TEXT),
    C(COLUMN, CREATED, N_("CREATED"), -19, "created_at", TIME),
    C(COLUMN, LAST_USED, N_("LAST USED"), -19, "last_used", TIME),
    C(COLUMN, EXPIRES, N_("EXPIRES"), -19, "expires_at", TIME),
    C(JSON, CREATED_BY, "created_by", TEXT),
    C(JSON, REVOKED_AT, "revoked_at", TIME),
    FM_TABLE_CLEANED(T_NAME, N_("NAME"), NULL, "name")};
#undef C

struct token_rows {
	struct fm_table *t;
	int64_t now;
};

static bool
token_row(const struct fm_apitoken *tk, void *arg)
{
	struct token_rows *rows = arg;
	static const char *const states[] = {
	    [FM_APITOKEN_UNKNOWN] = "unknown",
	    [FM_APITOKEN_LIVE] = "active",
	    [FM_APITOKEN_REVOKED] = "revoked",
	    [FM_APITOKEN_EXPIRED] = "expired",
	};
	enum fm_apitoken_state st = fm_apitokens_state(tk, rows->now);
	struct fm_table_cell c[T_NCOLUMNS] = {
	    [T_ID] = {NULL, tk->id},
	    [T_OWNER] = {tk->owner, 0},
	    [T_STATE] = {states[st >= 0 ? st : 0], 0},
	    [T_CREATED] = {NULL, tk->created_at},
	    [T_LAST_USED] = {NULL, tk->last_used},
	    [T_EXPIRES] = {NULL, tk->expires_at},
	    [T_CREATED_BY] = {tk->created_by, 0},
	    [T_REVOKED_AT] = {NULL, tk->revoked_at},
	    [T_NAME] = {tk->name, 0},
	};

	fm_table_row(rows->t, c);
	return true;
}

static int
token_list(struct fm_admin *admin)
{
	const char *login =
	    admin->args.noperands > 0 ? admin->args.operand[0].text : NULL;
	struct fm_table t;
	struct token_rows rows = {&t, admin->now};
	bool ok;

	fm_admin_list_begin(admin, &t, token_columns, T_NCOLUMNS);
	ok = fm_apitokens_list(admin->store, login, token_row, &rows);
	return fm_admin_list_end(admin, &t, ok, "tokens", "No API tokens.");
}

/* The revocation, for fm_audit_change(). */
struct token_revoke {
	int64_t id, now;
	const char *by;
};

static bool
apply_revoke(fm_store_t *store, void *arg)
{
	const struct token_revoke *tr = arg;

	return fm_apitokens_revoke(store, tr->id, NULL, tr->by, tr->now) == 1;
}

static int
token_revoke(struct fm_admin *admin)
{
	struct token_revoke tr = {
	    admin->args.operand[0].number, admin->now, admin->operator_name};
	struct fm_apitoken tk;
	struct fm_audit_entry e;
	char target[FM_APITOKEN_TEXTMAX + 32];
	bool store_error = false;
	int found = fm_apitokens_get(admin->store, tr.id, &tk);

	if (found < 0)
		return fm_admin_fail("cannot revoke the token: %s",
		    fm_store_last_error(admin->store));
	if (found == 0)
		return fm_admin_fail("no token %lld", (long long)tr.id);
	if (fm_apitokens_state(&tk, admin->now) == FM_APITOKEN_REVOKED)
		return fm_admin_fail(
		    "token %lld is revoked already", (long long)tr.id);
	snprintf(target, sizeof(target), "token %lld of %s", (long long)tr.id,
	    tk.owner);
	entry(admin, &e, "token.revoke", target);
	snprintf(e.before, sizeof(e.before), "%s",
	    fm_apitokens_state(&tk, admin->now) == FM_APITOKEN_EXPIRED
	        ? "expired"
	        : "active");
	snprintf(e.after, sizeof(e.after), "revoked");
	if (!fm_audit_change(admin->store, &e, apply_revoke, &tr, &store_error))
		return store_error
		    ? fm_admin_fail("cannot revoke the token: %s",
		          fm_store_last_error(admin->store))
		    : fm_admin_fail(
		          "token %lld is revoked already", (long long)tr.id);
	return fm_admin_done(
	    "Revoked token %lld of %s.", (long long)tr.id, tk.owner);
}

static const struct fm_grammar_option add_options[FM_GRAMMAR_OPTTABLE] = {
    [ADD_NAME] = {"name", .flags = FM_GRAMMAR_NONEMPTY,
        .help = N_("what the token is for, to tell it from others")},
    [ADD_EXPIRES] = {"expires", .kind = FM_GRAMMAR_INTEGER, .min = 1,
        .max = DAYS_MAX,
        .invalid = N_("--expires is a number of days (1 to 3650), not '%s'"),
        .help = N_("days the token lasts (default: until revoked)")},
};

static const struct fm_grammar_option token_id = {"ID",
    .kind = FM_GRAMMAR_INTEGER, .invalid = N_("'%s' is not a token id"),
    .min = 1, .max = INT64_MAX, .help = N_("a token number")};

static const struct fm_grammar_command commands[] = {
    {"token", "add", "LOGIN [--name TEXT] [--expires DAYS] [--json]",
        N_("make an API token for a user's scripts; prints it once"),
        FM_GRAMMAR_STORE, .run = token_add, .options = add_options,
        .operands = FM_ADMIN_ONE_LOGIN},
    {"token", "list", "[LOGIN] [--json]",
        N_("list API tokens (a user's, or everyone's)"), FM_GRAMMAR_STORE,
        .run = token_list,
        .operands = {0, 1, N_("expected at most one login name"), NULL}},
    {"token", "revoke", "ID", N_("revoke an API token"), FM_GRAMMAR_STORE,
        .run = token_revoke,
        .operands = {1, 1, N_("expected one token id"), &token_id}},
};

const struct fm_admin_group fm_admin_group_token = FM_ADMIN_GROUP(commands);
