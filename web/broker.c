/*
 * broker.c - followme-webd's store side: sessions, roles and operations.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "web/broker.h"

#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/fdpass.h"
#include "common/hex.h"
#include "common/i18n.h"
#include "common/json.h"
#include "common/log.h"
#include "common/money.h"
#include "common/qrlabel.h"
#include "quota/accounts.h"
#include "quota/depts.h"
#include "quota/export.h"
#include "quota/ledger.h"
#include "quota/period.h"
#include "quota/policy.h"
#include "quota/price.h"
#include "quota/statement.h"
#include "quota/users.h"
#include "release/charge.h"
#include "release/ipp.h"
#include "release/login.h"
#include "spooler/hold.h"
#include "store/apitokens.h"
#include "store/audit.h"
#include "store/authevents.h"
#include "store/authlog.h"
#include "store/badges.h"
#include "store/jobstore.h"
#include "store/printers.h"
#include "store/terminals.h"
#include "store/websessions.h"
#include "web/release.h"
#include "web/strings.h"

_Static_assert(FM_WEB_IDLEN == FM_WEBSESSION_IDLEN,
    "the browser's session id is what the store hashes");
_Static_assert(FM_WEB_TOKENLEN == FM_APITOKEN_LEN &&
        sizeof(FM_WEB_TOKEN_PREFIX) == sizeof(FM_APITOKEN_PREFIX),
    "the HTTP side reads the tokens the store makes");

struct fm_web_broker {
	struct fm_settings settings; /* pam_service: the web's */
	fm_store_t *store;
	fm_login_t *login;
	char currency[8];
	int sock; /* to the HTTP side, while serving; else -1 */
};

/* What one request is being answered with. */
struct call {
	fm_web_broker_t *b;
	struct fm_web_request *r;
	struct fm_web_answer *a;
	FILE *body;
	enum fm_i18n_lang lang;
	bool logged_in;
	uint8_t id_hash[FM_WEBSESSION_HASHLEN];
	struct fm_websession session;
	struct fm_user user; /* user.login "" if the store has none yet */
	void *list_arg;      /* for the list function of write_list() */
	/* Logged in by an API token (Authorization: Bearer), not a
	 * session: no CSRF token, some operations refused. */
	bool via_token;
	struct fm_apitoken token;
	/* Why the token is refused (answered instead of the operation). */
	enum token_refusal {
		TOKEN_OK,
		TOKEN_INVALID,
		TOKEN_REVOKED,
		TOKEN_EXPIRED,
		TOKEN_SLOW_DOWN,
		TOKEN_ACCOUNT,
	} token_refusal;
};

/* Copies src into dst (size bytes), cut to fit; false if it was cut. */
static bool
copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	bool whole = n < size;

	if (!whole)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return whole;
}

static int64_t
now(void)
{
	return (int64_t)time(NULL);
}

fm_web_broker_t *
fm_web_broker_create(const struct fm_settings *settings, const char **errstr)
{
	fm_web_broker_t *b;
	char path[512];

	*errstr = NULL;
	if (settings == NULL ||
	    !fm_settings_db_path(settings, path, sizeof(path))) {
		*errstr = "state_dir too long";
		return NULL;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		*errstr = "out of memory";
		return NULL;
	}
	b->settings = *settings;
	b->sock = -1;
	/* The terminals' checks, with the web's PAM service. */
	snprintf(b->settings.pam_service, sizeof(b->settings.pam_service), "%s",
	    settings->web.pam_service);
	if ((b->store = fm_store_open(path, errstr)) == NULL ||
	    (b->login = fm_login_create(&b->settings, path, errstr)) == NULL) {
		fm_web_broker_destroy(b);
		return NULL;
	}
	fm_login_set_web(b->login);
	if (!fm_policy_get(
	        b->store, "currency", b->currency, sizeof(b->currency)))
		b->currency[0] = '\0';
	return b;
}

void
fm_web_broker_destroy(fm_web_broker_t *b)
{
	if (b == NULL)
		return;
	fm_login_destroy(b->login);
	fm_store_close(b->store);
	free(b);
}

/* --- answers --------------------------------------------------------- */

/* An error answer: status, a stable code for scripts, and a message in
 * the request's language for people. */
static void
fail(struct call *c, uint16_t status, const char *code, const char *message)
{
	c->a->status = status;
	fprintf(c->body, "{");
	fm_json_key_string(c->body, "error", code);
	fprintf(c->body, ",");
	fm_json_key_string(c->body, "message", _(message));
	fprintf(c->body, "}\n");
}

static void
store_failed(struct call *c)
{
	fm_log_warn("web: store error: %s", fm_store_last_error(c->b->store));
	fail(c, 503, "unavailable",
	    N_("The print server cannot answer now. Please try again."));
}

static void
money(struct call *c, const char *key, int64_t amount)
{
	char buf[FM_I18N_MONEYMAX];

	fm_json_key_string(c->body, key,
	    fm_i18n_money(amount, c->b->currency, c->lang, buf, sizeof(buf)));
}

/* A moment as the language writes it: its day, then hours and minutes. */
static void
moment(struct call *c, const char *key, int64_t t)
{
	char day[FM_I18N_DATEMAX], buf[FM_I18N_DATEMAX + 8];
	struct tm tm;
	time_t tt = (time_t)t;

	localtime_r(&tt, &tm);
	snprintf(buf, sizeof(buf), "%s %02d:%02d",
	    fm_i18n_date(tt, c->lang, day, sizeof(day)), tm.tm_hour, tm.tm_min);
	fm_json_key_string(c->body, key, buf);
}

/* --- API tokens: who a bearer token is ------------------------------ */

/* The auth log's name for the client's address, as a login counts it. */
static void
web_terminal(const struct call *c, char *buf, size_t size)
{
	snprintf(buf, size, "web %s", c->r->address);
}

/* A live token's use, in the authentication log when its last-use stamp
 * moved (once a minute at most): method "token", its owner, the
 * address.  A failure to write is logged, the request goes on. */
static void
log_token_use(struct call *c, int64_t t)
{
	const struct fm_settings *s = &c->b->settings;
	struct fm_authevent e = {.at = t,
	    .method = FM_AUTHEVENT_TOKEN,
	    .outcome = FM_AUTHEVENT_SUCCESS};

	(void)copy(e.login, sizeof(e.login), c->token.owner);
	snprintf(e.place, sizeof(e.place), "web %.200s", c->r->address);
	if (!fm_authevents_add(c->b->store, &e,
	        s->web.auth_log_days > 0 ? (int64_t)s->web.auth_log_days : 90))
		fm_log_warn("web: cannot write the authentication log: %s",
		    fm_store_last_error(c->b->store));
}

/*
 * Finds the user of the request's API token: c->logged_in and
 * c->via_token then, with the owner's current record (and so roles).
 * A token that reads as none or that the store does not know counts as
 * a failed login of the address, as a wrong password does, and while
 * the address must wait no token is looked up at all; a revoked or
 * expired token is a real one and counts nothing.  False on a store
 * error; a refusal is c->token_refusal.
 */
static bool
find_token(struct call *c)
{
	const struct fm_settings *s = &c->b->settings;
	const struct fm_authlog_limits lim = {
	    .window = (int64_t)s->auth_lockout,
	    .max = (int64_t)s->auth_max_failures,
	    .delay_max = (int64_t)s->auth_lockout,
	    .busy_max = 1};
	char terminal[FM_WEB_TEXTMAX + 8];
	uint8_t hash[FM_APITOKEN_HASHLEN];
	enum fm_apitoken_state st;
	int64_t until = 0, t = now();

	web_terminal(c, terminal, sizeof(terminal));
	if (!fm_authlog_terminal_wait(c->b->store, &lim, terminal, t, &until))
		return false;
	if (until > 0) {
		c->token_refusal = TOKEN_SLOW_DOWN;
		return true;
	}
	if (c->r->bad_token)
		st = FM_APITOKEN_UNKNOWN;
	else {
		fm_apitokens_hash(c->r->token, hash);
		st = fm_apitokens_find(c->b->store, hash, t, &c->token);
	}
	fm_wipe(c->r->token, sizeof(c->r->token));
	switch (st) {
	case FM_APITOKEN_ERROR:
		return false;
	case FM_APITOKEN_UNKNOWN:
		fm_log_info("web: a request from %s with an API token that is "
		            "not one",
		    c->r->address);
		(void)fm_authlog_fail(
		    c->b->store, FM_AUTHLOG_TERMINAL, terminal, t);
		c->token_refusal = TOKEN_INVALID;
		return true;
	case FM_APITOKEN_REVOKED:
		c->token_refusal = TOKEN_REVOKED;
		return true;
	case FM_APITOKEN_EXPIRED:
		c->token_refusal = TOKEN_EXPIRED;
		return true;
	case FM_APITOKEN_LIVE:
		break;
	}
	if (!fm_users_get(c->b->store, c->token.owner, &c->user) ||
	    !c->user.enabled) {
		memset(&c->user, 0, sizeof(c->user));
		c->token_refusal = TOKEN_ACCOUNT;
		return true;
	}
	c->logged_in = c->via_token = true;
	if (c->token.touched)
		log_token_use(c, t);
	return true;
}

/* Answers a refused token; false if the token is fine. */
static bool
token_refused(struct call *c)
{
	switch (c->token_refusal) {
	case TOKEN_OK:
		return false;
	case TOKEN_INVALID:
		fail(c, 401, "token-invalid",
		    N_("This API token is not valid."));
		break;
	case TOKEN_REVOKED:
		fail(c, 401, "token-revoked",
		    N_("This API token has been revoked."));
		break;
	case TOKEN_EXPIRED:
		fail(
		    c, 401, "token-expired", N_("This API token has expired."));
		break;
	case TOKEN_SLOW_DOWN:
		fail(c, 429, "slow-down",
		    N_("Too many attempts from here. Please wait a moment "
		       "and try again."));
		break;
	case TOKEN_ACCOUNT:
		fail(c, 403, "account",
		    N_("This account may not log in. Please ask your "
		       "administrator."));
		break;
	}
	return true;
}

/*
 * What a token may not do: what a person does in the browser
 * themselves (log in or out, choose the session's language, change
 * their PIN, make tokens) and printing, which follow-me printing keeps
 * for the person standing at the printer (a release logs them in to
 * followmed with their session).
 */
static bool
token_may(enum fm_web_op op)
{
	switch (op) {
	case FM_WEB_OP_LOGIN:
	case FM_WEB_OP_LOGOUT:
	case FM_WEB_OP_LANGUAGE:
	case FM_WEB_OP_PIN:
	case FM_WEB_OP_JOB_RELEASE:
	case FM_WEB_OP_TOKEN_ADD:
		return false;
	default:
		return true;
	}
}

/* --- sessions -------------------------------------------------------- */

/* Is login a member of Unix group name (its primary group, or listed)? */
static bool
in_unix_group(const char *login, const char *name)
{
	struct group *g = getgrnam(name);
	struct passwd *pw;

	if (g == NULL)
		return false;
	for (char **m = g->gr_mem; *m != NULL; m++)
		if (strcmp(*m, login) == 0)
			return true;
	pw = getpwnam(login);
	return pw != NULL && pw->pw_gid == g->gr_gid;
}

/* A role from the store (the directory's groups, role grant), or from
 * membership of the Unix group [web] names for it. */
static bool
has_role(const struct call *c, const char *role)
{
	const struct fm_settings *s = &c->b->settings;
	const char *group = strcmp(role, "admin") == 0 ? s->web.admin_group
	                                               : s->web.finance_group;

	return fm_users_has_role(&c->user, role) ||
	    (group[0] != '\0' && in_unix_group(c->user.login, group));
}

/*
 * Finds the request's session and its user; false (answered) if the
 * request needs one and has none, or a state change lacks its CSRF
 * token.  An unknown, expired or ended id is refused as "no session".
 */
static bool
need_session(struct call *c, bool changes_state)
{
	if (!c->logged_in) {
		fail(c, 401, "login", N_("Please log in."));
		return false;
	}
	/* A browser sends cookies by itself, never a bearer token: a
	 * token's request is its holder's, CSRF cannot forge it. */
	if (changes_state && !c->via_token &&
	    !fm_same_token(c->r->csrf, c->session.csrf)) {
		fail(c, 403, "csrf",
		    N_("This page is out of date. Please reload it."));
		return false;
	}
	return true;
}

/* Looks up the request's session, if it names one. */
static bool
find_session(struct call *c)
{
	const struct fm_websession_limits lim = {
	    (int64_t)c->b->settings.web.session_idle,
	    (int64_t)c->b->settings.web.session_max};
	int found;

	if (c->r->has_token || c->r->bad_token)
		return find_token(c);
	if (!c->r->has_session)
		return true;
	fm_websessions_hash_id(c->r->id, c->id_hash);
	found = fm_websessions_find(
	    c->b->store, c->id_hash, &lim, now(), &c->session);
	if (found < 0)
		return false;
	if (found == 0)
		return true;
	if (!fm_users_get(c->b->store, c->session.login, &c->user))
		(void)copy(
		    c->user.login, sizeof(c->user.login), c->session.login);
	else if (!c->user.enabled) {
		/* Disabled since the login: the session ends now. */
		fm_websessions_end(c->b->store, c->id_hash);
		memset(&c->session, 0, sizeof(c->session));
		memset(&c->user, 0, sizeof(c->user));
		return true;
	}
	c->logged_in = true;
	return true;
}

static bool
need_role(struct call *c, const char *role)
{
	if (has_role(c, role) || has_role(c, "admin"))
		return true;
	fail(c, 403, "forbidden", N_("You may not do this."));
	return false;
}

/* The language of the answer: the session's choice, then the browser's. */
static enum fm_i18n_lang
answer_language(const struct call *c)
{
	enum fm_i18n_lang lang = FM_LANG_EN;
	const char *l =
	    c->session.language[0] ? c->session.language : c->r->language;

	(void)fm_i18n_parse_lang(l, strlen(l), &lang);
	return lang;
}

static void
write_roles(struct call *c)
{
	static const char *const roles[] = {"admin", "finance"};

	fprintf(c->body, "\"roles\":[\"staff\"");
	for (size_t i = 0; i < sizeof(roles) / sizeof(*roles); i++)
		if (has_role(c, roles[i])) {
			fprintf(c->body, ",");
			fm_json_string(c->body, roles[i]);
		}
	fprintf(c->body, "]");
}

/* Who is logged in: the answer to SESSION, and to a login. */
static void
write_session(struct call *c)
{
	c->a->status = 200;
	fprintf(c->body, "{");
	fm_json_key_string(c->body, "login", c->user.login);
	fprintf(c->body, ",");
	fm_json_key_string(c->body, "name",
	    c->user.full_name[0] ? c->user.full_name : c->user.login);
	fprintf(c->body, ",");
	fm_json_key_string(c->body, "department", c->user.dept_code);
	fprintf(c->body, ",");
	fm_json_key_string(c->body, "language", fm_i18n_lang_code(c->lang));
	fprintf(c->body, ",");
	fm_json_key_string(c->body, "currency", c->b->currency);
	fprintf(
	    c->body, ",\"has_pin\":%s,", c->user.has_pin ? "true" : "false");
	write_roles(c);
	fprintf(c->body, "}\n");
	snprintf(c->a->csrf, sizeof(c->a->csrf), "%s", c->session.csrf);
}

static void
op_session(struct call *c)
{
	if (need_session(c, false))
		write_session(c);
}

/* The outcome of the login checks, as the web says it. */
static void
login_refused(struct call *c, const struct fm_login_answer *la)
{
	switch (la->outcome) {
	case FM_LOGIN_LOCKED:
		fail(c, 429, "locked",
		    N_("Too many wrong passwords: this account is locked for "
		       "a while. Please try again later."));
		return;
	case FM_LOGIN_SLOW_DOWN:
	case FM_LOGIN_BUSY:
		fail(c, 429, "slow-down",
		    N_("Too many attempts from here. Please wait a moment "
		       "and try again."));
		return;
	case FM_LOGIN_ACCOUNT:
	case FM_LOGIN_DISABLED:
		fail(c, 403, "account",
		    N_("This account may not log in. Please ask your "
		       "administrator."));
		return;
	case FM_LOGIN_DENIED:
		fail(c, 401, "denied", N_("Wrong user name or password."));
		return;
	default:
		fail(c, 503, "unavailable",
		    N_("The print server cannot check passwords now. Please "
		       "try again."));
		return;
	}
}

static void
op_login(struct call *c)
{
	const char *user = fm_web_arg(c->r, "user");
	const char *password = fm_web_arg(c->r, "password");
	struct fm_login_request lr = {.op = FM_LOGIN_SECRET};
	struct fm_login_answer la;
	uint8_t id[FM_WEB_IDLEN], csrf[16];

	if (!c->r->login_token &&
	    (!c->logged_in || !fm_same_token(c->r->csrf, c->session.csrf))) {
		fail(c, 403, "csrf",
		    N_("This page is out of date. Please reload it."));
		return;
	}
	if (user == NULL || password == NULL || user[0] == '\0' ||
	    strlen(user) >= sizeof(lr.user) ||
	    strlen(password) >= sizeof(lr.secret)) {
		fail(c, 400, "bad-request",
		    N_("Please give your user name and password."));
		return;
	}
	/* The auth log counts a web address as the terminals count a
	 * terminal: its failures slow it down, the user's lock the user. */
	if (snprintf(lr.terminal, sizeof(lr.terminal), "web %s",
	        c->r->address) < 0 ||
	    !copy(lr.user, sizeof(lr.user), user) ||
	    !copy(lr.secret, sizeof(lr.secret), password)) {
		fail(c, 400, "bad-request",
		    N_("Please give your user name and password."));
		return;
	}
	fm_login_handle(c->b->login, &lr, &la);
	fm_wipe(lr.secret, sizeof(lr.secret));
	if (la.outcome != FM_LOGIN_OK) {
		login_refused(c, &la);
		return;
	}
	/* Whoever the browser's old session was, the new one is la.user's
	 * alone. */
	memset(&c->user, 0, sizeof(c->user));
	if (fm_users_get(c->b->store, la.user, &c->user) && !c->user.enabled) {
		fail(c, 403, "account",
		    N_("This account may not log in. Please ask your "
		       "administrator."));
		return;
	}
	/* A name the store cannot hold whole would be somebody else's. */
	if (c->user.login[0] == '\0' &&
	    !copy(c->user.login, sizeof(c->user.login), la.user)) {
		fail(c, 403, "account",
		    N_("This account may not log in. Please ask your "
		       "administrator."));
		return;
	}
	/* A new id at every login; an old session of this browser ends. */
	if (c->logged_in)
		fm_websessions_end(c->b->store, c->id_hash);
	memset(&c->session, 0, sizeof(c->session));
	if (!fm_random(id, sizeof(id)) || !fm_random(csrf, sizeof(csrf)) ||
	    !fm_hex_encode(
	        csrf, sizeof(csrf), c->session.csrf, sizeof(c->session.csrf))) {
		fail(c, 503, "unavailable", N_("Cannot log in now."));
		return;
	}
	(void)copy(c->session.login, sizeof(c->session.login), c->user.login);
	(void)copy(
	    c->session.address, sizeof(c->session.address), c->r->address);
	fm_websessions_hash_id(id, c->id_hash);
	if (!fm_websessions_create(
	        c->b->store, c->id_hash, &c->session, now())) {
		store_failed(c);
		return;
	}
	c->a->session = FM_WEB_SESSION_SET;
	memcpy(c->a->id, id, sizeof(id));
	fm_wipe(id, sizeof(id));
	fm_log_info("web: %s logged in from %s", c->user.login, c->r->address);
	write_session(c);
}

static void
op_logout(struct call *c)
{
	if (!need_session(c, true))
		return;
	fm_websessions_end(c->b->store, c->id_hash);
	c->a->session = FM_WEB_SESSION_CLEAR;
	c->a->status = 200;
	fprintf(c->body, "{}\n");
}

static void
op_strings(struct call *c)
{
	c->a->status = 200;
	fm_web_strings_write(c->body);
}

static void
op_language(struct call *c)
{
	const char *l = fm_web_arg(c->r, "language");
	enum fm_i18n_lang lang;

	if (!need_session(c, true))
		return;
	if (l == NULL || !fm_i18n_parse_lang(l, strlen(l), &lang)) {
		fail(c, 400, "bad-request", N_("Unknown language."));
		return;
	}
	if (!fm_websessions_set_language(
	        c->b->store, c->id_hash, fm_i18n_lang_code(lang))) {
		store_failed(c);
		return;
	}
	c->lang = lang;
	fm_i18n_set_lang(lang);
	write_session(c);
}

/* --- staff: held jobs ------------------------------------------------ */

struct job_list {
	struct call *c;
	int n;
};

/* What the job would cost printed as sent, on the site's default price
 * list (the printer is chosen only at release). */
static void
job_cost(struct call *c, const struct fm_job *job)
{
	struct fm_release r = {0};
	struct fm_usage u;
	struct fm_quote q;
	const char *kind = "estimate";

	r.copies = job->ticket.copies;
	snprintf(r.sides, sizeof(r.sides), "%s", job->ticket.sides);
	snprintf(
	    r.color_mode, sizeof(r.color_mode), "%s", job->ticket.color_mode);
	fm_charge_usage(job, &r,
	    fm_charge_estimate_impressions(
	        job, &r, (int64_t)c->b->settings.unknown_pages_reserve),
	    -1, &u);
	if (!fm_price_quote(c->b->store, "", &u, &q)) {
		fprintf(c->body, "\"cost\":null,\"cost_kind\":\"no-price\"");
		return;
	}
	if (job->counting)
		kind = "counting";
	else if (!fm_charge_pages_known(job))
		kind = "up-to";
	money(c, "cost", q.amount);
	fprintf(c->body, ",");
	fm_json_key_string(c->body, "cost_kind", kind);
}

static void
optional_int(FILE *f, const char *key, int64_t v)
{
	if (v < 0)
		fprintf(f, "\"%s\":null", key);
	else
		fm_json_key_int(f, key, v);
}

static bool
write_job(const struct fm_job *job, void *arg)
{
	struct job_list *l = arg;
	struct call *c = l->c;
	FILE *f = c->body;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_int(f, "id", job->id);
	fprintf(f, ",");
	fm_json_key_string(f, "title", job->ticket.title);
	fprintf(f, ",");
	optional_int(f, "pages", job->pages);
	fprintf(f, ",");
	optional_int(f, "colour_pages", job->color_pages);
	fprintf(f, ",");
	fm_json_key_int(f, "copies", job->ticket.copies);
	fprintf(f, ",\"two_sided\":%s,\"counting\":%s,",
	    strncmp(job->ticket.sides, "two-sided", 9) == 0 ? "true" : "false",
	    job->counting ? "true" : "false");
	job_cost(c, job);
	fprintf(f, ",");
	moment(c, "submitted", job->created_at);
	fprintf(f, ",");
	moment(c, "expires", job->expires_at);
	fprintf(f, ",");
	fm_json_key_int(f, "expires_at", job->expires_at);
	fprintf(f, "}");
	return true;
}

/*
 * Runs list, which writes rows to c->body, between head and tail (NULL:
 * the caller writes it); on a
 * store error the body is the error alone (the rows written so far are
 * dropped).
 */
static void
write_list(struct call *c, const char *head, bool (*list)(struct call *c),
    const char *tail)
{
	FILE *body = c->body;
	char *rows = NULL;
	size_t len = 0;
	bool ok;

	if ((c->body = open_memstream(&rows, &len)) == NULL) {
		c->body = body;
		store_failed(c);
		return;
	}
	ok = list(c);
	ok = fclose(c->body) == 0 && ok;
	c->body = body;
	if (!ok)
		store_failed(c);
	else {
		fprintf(body, "%s", head);
		fwrite(rows, 1, len, body);
		if (tail != NULL)
			fprintf(body, "%s", tail);
		c->a->status = 200;
	}
	free(rows);
}

static bool
list_jobs(struct call *c)
{
	struct job_list l = {c, 0};

	return fm_jobstore_list(
	    c->b->store, c->user.login, "held", write_job, &l);
}

static void
op_jobs(struct call *c)
{
	if (need_session(c, false))
		write_list(c, "{\"jobs\":[", list_jobs, "]}\n");
}

/* The job named by the request's id argument, if it is the user's and
 * held; false (answered) otherwise. */
static bool
own_held_job(struct call *c, int64_t *id)
{
	const char *v = fm_web_arg(c->r, "id");
	struct fm_job job;
	char *end;

	errno = 0;
	*id = v ? strtoll(v, &end, 10) : 0;
	if (v == NULL || v[0] == '\0' || *end != '\0' || errno != 0 ||
	    *id <= 0) {
		fail(c, 400, "bad-request", N_("Which job?"));
		return false;
	}
	if (!fm_jobstore_get(c->b->store, *id, &job) ||
	    strcmp(job.ticket.owner, c->user.login) != 0 ||
	    strcmp(job.state, "held") != 0) {
		fail(c, 404, "no-such-job", N_("No such job is held for you."));
		return false;
	}
	return true;
}

static void
op_job_delete(struct call *c)
{
	char dir[512], detail[FM_WEB_TEXTMAX + 32];
	const char *errstr = NULL;
	fm_spool_t *spool;
	int64_t id;
	enum fm_hold_result res;

	if (!need_session(c, true) || !own_held_job(c, &id))
		return;
	if (!fm_settings_spool_dir(&c->b->settings, dir, sizeof(dir)) ||
	    (spool = fm_spool_open(dir, NULL, &errstr)) == NULL) {
		fm_log_warn("web: cannot open the spool: %s",
		    errstr ? errstr : "path too long");
		fail(c, 503, "unavailable",
		    N_("Cannot delete now. Please try again."));
		return;
	}
	snprintf(detail, sizeof(detail), "by its owner on the web from %s",
	    c->r->address);
	res = fm_hold_end(c->b->store, spool, id, "deleted", detail, now());
	fm_spool_close(spool);
	if (res == FM_HOLD_NOT_HELD) {
		fail(c, 404, "no-such-job", N_("No such job is held for you."));
		return;
	}
	c->a->status = 200;
	fprintf(c->body, "{");
	fm_json_key_int(c->body, "deleted", id);
	fprintf(c->body, "}\n");
}

static void
op_job_keep(struct call *c)
{
	char detail[FM_WEB_TEXTMAX + 32];
	int64_t id, until = now() + (int64_t)c->b->settings.expire_after;

	if (!need_session(c, true) || !own_held_job(c, &id))
		return;
	snprintf(detail, sizeof(detail), "by its owner on the web from %s",
	    c->r->address);
	if (!fm_jobstore_extend(
	        c->b->store, id, c->user.login, until, detail, now())) {
		fail(c, 404, "no-such-job", N_("No such job is held for you."));
		return;
	}
	c->a->status = 200;
	fprintf(c->body, "{");
	fm_json_key_int(c->body, "kept", id);
	fprintf(c->body, ",");
	moment(c, "expires", until);
	fprintf(c->body, "}\n");
}

/* --- staff: printers and release ------------------------------------ */

static int64_t number_arg(
    const struct call *c, const char *name, int64_t dflt, int64_t max);

/* The printers a page offers, at most (the first by name). */
#define PRINTERS_MAX 256
/* A printer that does not answer within this is shown as unreachable;
 * the whole list's states are asked within PRINTERS_DEADLINE. */
#define PRINTER_STATE_MS 1500
#define PRINTERS_DEADLINE 6

struct printer_list {
	struct fm_printer p[PRINTERS_MAX];
	size_t n;
	const char *only; /* one printer's name, or NULL */
};

static bool
collect_printer(const struct fm_printer *p, void *arg)
{
	struct printer_list *l = arg;

	if (l->only != NULL && strcmp(p->name, l->only) != 0)
		return true;
	if (l->n == PRINTERS_MAX)
		return false;
	l->p[l->n++] = *p;
	return true;
}

/* What a printer says of itself: "ready", "stopped" with a reason for
 * people (in English: translated when written), "unreachable" or, not
 * asked before the list's deadline, "unknown". */
struct printer_state {
	const char *state;
	char why[256];
};

static struct printer_state states[PRINTERS_MAX];

/* The printers of a list being asked by several threads at once. */
struct asking {
	const struct printer_list *l;
	pthread_mutex_t lock;
	size_t next;
	int64_t deadline;
};

/* Printers asked at once, at most. */
#define PRINTER_ASKERS 16

static void
ask_printer(const struct fm_printer *p, struct printer_state *st)
{
	char err[256];
	fm_ipp_t *ipp = fm_ipp_open(p->uri, PRINTER_STATE_MS, err, sizeof(err));

	if (ipp == NULL)
		st->state = "unreachable";
	else
		st->state = fm_ipp_ready(ipp, st->why, sizeof(st->why))
		    ? "ready"
		    : "stopped";
	fm_ipp_close(ipp);
}

static void *
asker(void *arg)
{
	struct asking *a = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&a->lock);
		i = a->next++;
		pthread_mutex_unlock(&a->lock);
		if (i >= a->l->n || now() >= a->deadline)
			return NULL;
		ask_printer(&a->l->p[i], &states[i]);
	}
}

/* The states of l's printers into states[]: asked at once, so that the
 * page waits for the slowest printer, not for them all one after the
 * other. */
static void
ask_printers(const struct printer_list *l)
{
	pthread_t t[PRINTER_ASKERS];
	struct asking a = {.l = l, .deadline = now() + PRINTERS_DEADLINE};
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		states[i] = (struct printer_state){"unknown", ""};
	pthread_mutex_init(&a.lock, NULL);
	while (n < PRINTER_ASKERS && n < l->n &&
	    pthread_create(&t[n], NULL, asker, &a) == 0)
		n++;
	if (n == 0) /* no thread to be had: ask from here */
		(void)asker(&a);
	for (size_t i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_destroy(&a.lock);
}

/* The printers (only's, if not NULL) into *l and their states into
 * states[]; false (answered) if the store failed. */
static bool
read_printers(struct call *c, struct printer_list *l, const char *only)
{
	memset(l, 0, sizeof(*l));
	l->only = only;
	/* Read whole first: no read stays open while printers answer. */
	if (!fm_printers_list(c->b->store, collect_printer, l) &&
	    l->n < PRINTERS_MAX) {
		store_failed(c);
		return false;
	}
	ask_printers(l);
	return true;
}

static void
write_printer_state(struct call *c, const struct printer_state *st)
{
	fm_json_key_string(c->body, "state", st->state);
	fprintf(c->body, ",");
	fm_json_key_string(c->body, "why", st->why[0] ? _(st->why) : "");
}

static void
op_printers(struct call *c)
{
	static struct printer_list l;

	if (!need_session(c, false) ||
	    !read_printers(c, &l, fm_web_arg(c->r, "name")))
		return;
	c->a->status = 200;
	fprintf(c->body, "{\"release\":%s,\"printers\":[",
	    fm_web_release_ready(&c->b->settings) ? "true" : "false");
	for (size_t i = 0; i < l.n; i++) {
		fprintf(c->body, "%s{", i ? "," : "");
		fm_json_key_string(c->body, "name", l.p[i].name);
		fprintf(c->body, ",");
		fm_json_key_string(c->body, "location", l.p[i].location);
		fprintf(c->body, ",");
		write_printer_state(c, &states[i]);
		fprintf(c->body, "}");
	}
	fprintf(c->body, "]}\n");
}

/* A yes/no argument: "1"/"true" or absent/"0"/"false". */
static bool
flag_arg(const struct call *c, const char *name)
{
	const char *v = fm_web_arg(c->r, name);

	return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* Tells the HTTP side how far the release is, before the answer; a
 * worker not serving (a test's) tells nobody. */
static void
tell_stage(fm_web_broker_t *b, enum fm_web_stage stage)
{
	uint8_t buf[FM_WEB_PROGRESSMAX];
	size_t n = fm_web_progress_encode(stage, buf, sizeof(buf));

	if (b->sock >= 0 && n > 0 &&
	    send(b->sock, buf, n, MSG_NOSIGNAL) != (ssize_t)n)
		fm_log_warn("web worker: cannot tell a release's progress: %s",
		    strerror(errno));
}

static void
release_progress(uint32_t stage, void *arg)
{
	tell_stage(arg, (enum fm_web_stage)stage);
}

/*
 * A release: checked here (the session, its CSRF token, the job, the
 * printer, the options), then ACCEPTED goes to the HTTP side, which
 * answers the page at once with the release's id; followmed's stages
 * follow as it tells them, then the answer, which the page reads by
 * polling (http.c).
 */
static void
op_job_release(struct call *c)
{
	const char *printer = fm_web_arg(c->r, "printer");
	struct fm_web_release_request rq = {0};
	struct fm_web_release_result res;
	struct fm_printer pr;
	int64_t id, copies;

	if (!need_session(c, true) || !own_held_job(c, &id))
		return;
	if (printer == NULL || !fm_printers_get(c->b->store, printer, &pr)) {
		fail(c, 404, "no-such-printer", N_("No such printer."));
		return;
	}
	if ((copies = number_arg(c, "copies", 0, 9999)) < 0) {
		fail(c, 400, "bad-request",
		    N_("Copies must be a whole number up to 9999."));
		return;
	}
	rq = (struct fm_web_release_request){c->r->id, pr.name, id,
	    (uint32_t)copies, flag_arg(c, "two_sided"),
	    flag_arg(c, "black_white"), release_progress, c->b};
	tell_stage(c->b, FM_WEB_STAGE_ACCEPTED);
	fm_web_release_run(&c->b->settings, &rq, &res);
	switch (res.outcome) {
	case FM_WEB_RELEASE_UNAVAILABLE:
		fail(c, 503, "unavailable",
		    N_("Printing from the web is not available now. Your "
		       "job stays held."));
		return;
	case FM_WEB_RELEASE_NOT_PRINTED:
		fail(c, 409,
		    res.code == FM_CODE_OVER_QUOTA          ? "over-quota"
		        : res.code == FM_CODE_PRINTER_ERROR ? "printer-error"
		        : res.code == FM_CODE_NO_SUCH_JOB   ? "no-such-job"
		                                            : "not-printed",
		    res.message[0] ? res.message
		                   : N_("Not printed. The job is still held."));
		return;
	case FM_WEB_RELEASE_PRINTED:
		break;
	}
	fm_log_info("web: %s released job %lld to %s", c->user.login,
	    (long long)id, pr.name);
	c->a->status = 200;
	fprintf(c->body, "{");
	fm_json_key_int(c->body, "released", id);
	fprintf(c->body, ",");
	fm_json_key_string(c->body, "printer", pr.name);
	fprintf(c->body, ",");
	fm_json_key_int(c->body, "pages", res.pages);
	fprintf(c->body, ",");
	money(c, "charge", res.charge);
	fprintf(c->body, "}\n");
}

/* --- staff: the print PIN -------------------------------------------- */

/* The arguments that carry a PIN, wiped after the request. */
static bool
is_secret_arg(const char *name)
{
	return strcmp(name, "password") == 0 || strcmp(name, "old_pin") == 0 ||
	    strcmp(name, "new_pin") == 0;
}

/*
 * A new print PIN: the old one first, if there is one, checked with the
 * same lockout as at the terminals (a PIN guessed here counts there);
 * a first PIN needs only the password login the session is.
 */
static void
op_pin(struct call *c)
{
	/* Wiped with the request's other secrets once it is answered. */
	const char *old_pin = fm_web_arg(c->r, "old_pin");
	const char *new_pin = fm_web_arg(c->r, "new_pin");
	char terminal[FM_WEB_TEXTMAX + 8];
	struct fm_login_answer la;
	const char *errstr = NULL;

	if (!need_session(c, true))
		return;
	if (new_pin == NULL ||
	    !fm_users_pin_is_valid(new_pin, strlen(new_pin))) {
		fail(c, 400, "bad-pin", N_("A PIN is 4 to 8 digits."));
		return;
	}
	if (c->user.account.id <= 0) {
		fail(c, 404, "no-such-user",
		    N_("Print something first: the print server does not know "
		       "you yet."));
		return;
	}
	if (c->user.has_pin) {
		snprintf(terminal, sizeof(terminal), "web %s", c->r->address);
		fm_login_check_pin(c->b->login, terminal, c->user.login,
		    old_pin ? old_pin : "", &la);
		if (la.outcome == FM_LOGIN_DENIED) {
			fail(c, 403, "wrong-pin", N_("That is not your PIN."));
			return;
		}
		if (la.outcome != FM_LOGIN_OK) {
			login_refused(c, &la);
			return;
		}
	}
	if (!fm_users_set_pin(c->b->store, c->user.login, new_pin,
	        strlen(new_pin), &errstr)) {
		store_failed(c);
		return;
	}
	fm_log_info("web: %s changed their PIN", c->user.login);
	c->a->status = 200;
	fprintf(c->body, "{}\n");
}

/* --- staff: balance -------------------------------------------------- */

static void
write_account(struct call *c, const char *key, const struct fm_account *a)
{
	fprintf(c->body, "\"%s\":{", key);
	fm_json_key_string(c->body, "name", a->name);
	fprintf(c->body, ",");
	money(c, "balance", a->balance);
	fprintf(c->body, ",");
	/* An unrestricted account has no limit to show (not INT64_MAX as
	 * money). */
	if (a->restricted)
		money(c, "available", fm_accounts_available(a));
	else
		fprintf(c->body, "\"available\":null");
	fprintf(
	    c->body, ",\"restricted\":%s}", a->restricted ? "true" : "false");
}

static void
op_balance(struct call *c)
{
	struct fm_account dept;

	if (!need_session(c, false))
		return;
	c->a->status = 200;
	fprintf(c->body, "{");
	if (c->user.account.id > 0)
		write_account(c, "user", &c->user.account);
	else
		fprintf(c->body, "\"user\":null");
	fprintf(c->body, ",");
	if (c->user.dept_code[0] &&
	    fm_accounts_find(
	        c->b->store, "department", c->user.dept_code, &dept))
		write_account(c, "department", &dept);
	else
		fprintf(c->body, "\"department\":null");
	fprintf(c->body, "}\n");
}

/* --- staff: statement and badges ----------------------------------- */

struct line_list {
	struct call *c;
	int n;
};

static bool
write_line(const struct fm_statement_line *line, void *arg)
{
	struct line_list *l = arg;
	FILE *f = l->c->body;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_int(f, "id", line->id);
	fprintf(f, ",");
	moment(l->c, "when", line->at);
	fprintf(f, ",");
	fm_json_key_string(f, "kind", line->kind);
	fprintf(f, ",");
	money(l->c, "amount", line->amount);
	fprintf(f, ",");
	fm_json_key_int(f, "job", line->job_id);
	fprintf(f, ",");
	fm_json_key_string(f, "printer", line->printer);
	fprintf(f, ",");
	fm_json_key_int(f, "pages", line->pages);
	fprintf(f, ",");
	fm_json_key_string(f, "reason", line->reason);
	fprintf(f, "}");
	return true;
}

/* A statement shows the last 50 lines of the last 92 days. */
#define STATEMENT_LINES 50
#define STATEMENT_DAYS 92

static bool
list_lines(struct call *c)
{
	struct line_list l = {c, 0};

	if (c->user.account.id <= 0)
		return true;
	return fm_statement_lines(c->b->store, c->user.account.id,
	    now() - STATEMENT_DAYS * 86400, 0, STATEMENT_LINES, write_line, &l);
}

static void
op_history(struct call *c)
{
	if (need_session(c, false))
		write_list(c, "{\"lines\":[", list_lines, "]}\n");
}

static bool
write_badge(
    const char *fingerprint, const char *label, int64_t created_at, void *arg)
{
	struct line_list *l = arg;
	FILE *f = l->c->body;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_string(f, "fingerprint", fingerprint);
	fprintf(f, ",");
	fm_json_key_string(f, "label", label);
	fprintf(f, ",");
	moment(l->c, "added", created_at);
	fprintf(f, "}");
	return true;
}

static bool
list_badges(struct call *c)
{
	struct line_list l = {c, 0};

	return fm_badges_list(c->b->store, c->user.login, write_badge, &l);
}

static void
op_badges(struct call *c)
{
	if (need_session(c, false))
		write_list(c, "{\"badges\":[", list_badges, "]}\n");
}

static void
op_badge_remove(struct call *c)
{
	const char *fp = fm_web_arg(c->r, "fingerprint");

	if (!need_session(c, true))
		return;
	if (fp == NULL ||
	    !fm_badges_remove_own(c->b->store, c->user.login, fp)) {
		fail(c, 404, "no-such-badge", N_("No such badge is yours."));
		return;
	}
	fm_log_info("web: %s unlinked a badge", c->user.login);
	c->a->status = 200;
	fprintf(c->body, "{}\n");
}

/* --- admins: users --------------------------------------------------- */

struct user_list {
	struct call *c;
	int n;
};

static bool
write_user(const struct fm_user *u, void *arg)
{
	struct user_list *l = arg;
	FILE *f = l->c->body;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_string(f, "login", u->login);
	fprintf(f, ",");
	fm_json_key_string(f, "name", u->full_name);
	fprintf(f, ",");
	fm_json_key_string(f, "department", u->dept_code);
	fprintf(f, ",\"enabled\":%s,", u->enabled ? "true" : "false");
	/* The roles the user has, from the directory or granted. */
	fm_json_key_string(f, "roles",
	    fm_users_has_role(u, "admin")
	        ? (fm_users_has_role(u, "finance") ? "admin, finance" : "admin")
	        : (fm_users_has_role(u, "finance") ? "finance" : ""));
	fprintf(f, ",");
	fm_json_key_string(f, "source", u->source);
	fprintf(f, "}");
	return true;
}

/* A non-negative decimal argument, or dflt when absent; -1 if invalid. */
static int64_t
number_arg(const struct call *c, const char *name, int64_t dflt, int64_t max)
{
	const char *v = fm_web_arg(c->r, name);
	char *end;
	long long n;

	if (v == NULL || v[0] == '\0')
		return dflt;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*end != '\0' || errno != 0 || n < 0 || n > max)
		return -1;
	return n;
}

#define USERS_PAGE_MAX 200

/* The search of op_admin_users(), for write_list(). */
struct user_search {
	const char *q;
	int64_t offset, limit, total;
};

static bool
list_users(struct call *c)
{
	struct user_search *q = c->list_arg;
	struct user_list l = {c, 0};

	return fm_users_search(
	    c->b->store, q->q, q->offset, q->limit, write_user, &l, &q->total);
}

static void
op_admin_users(struct call *c)
{
	const char *q = fm_web_arg(c->r, "q");
	struct user_search us = {q ? q : "",
	    number_arg(c, "offset", 0, INT32_MAX),
	    number_arg(c, "limit", 50, USERS_PAGE_MAX), 0};
	char tail[96];

	if (!need_session(c, false) || !need_role(c, "admin"))
		return;
	if (us.offset < 0 || us.limit < 0 || strlen(us.q) >= FM_USERS_NAMEMAX) {
		fail(c, 400, "bad-request", N_("Bad search."));
		return;
	}
	c->list_arg = &us;
	/* total is known once the rows are: write_list() writes the tail
	 * after them. */
	write_list(c, "{\"users\":[", list_users, NULL);
	if (c->a->status == 200) {
		snprintf(tail, sizeof(tail),
		    "],\"total\":%" PRId64 ",\"offset\":%" PRId64 "}\n",
		    us.total, us.offset);
		fputs(tail, c->body);
	}
}

/* --- admins: changes, each with its entry in the audit trail -------- */

/* What one admin change does, for fm_audit_change(). */
struct user_change {
	const char *login;
	const char *department; /* NULL: not this */
	int enabled;            /* -1: not this */
	bool unlock;
	const char *why; /* static, when the change is refused */
	bool clear_pin;
	const char *badge; /* a fingerprint to unlink, or NULL */
};

static bool
apply_user_change(fm_store_t *store, void *arg)
{
	struct user_change *ch = arg;
	const char *errstr = NULL;

	if (ch->unlock)
		return fm_authlog_clear(store, FM_AUTHLOG_USER, ch->login) >= 0;
	if (ch->clear_pin)
		return fm_users_clear_pin(store, ch->login);
	if (ch->badge != NULL) {
		ch->why = N_("No such badge is this user's.");
		return fm_badges_remove_own(store, ch->login, ch->badge);
	}
	if (ch->enabled >= 0) {
		if (!fm_users_set_enabled(store, ch->login, ch->enabled == 1)) {
			ch->why = N_("No such user.");
			return false;
		}
		/* A disabled user is logged out of every browser. */
		return ch->enabled == 1 ||
		    fm_websessions_end_user(store, ch->login) >= 0;
	}
	if (!fm_users_set_department(store, ch->login,
	        ch->department[0] ? ch->department : NULL, &errstr)) {
		ch->why = N_("No such user or department.");
		return false;
	}
	return true;
}

/* One admin change: what it does, to what, from what to what; why it
 * was refused (static, set by the change) and the answer's code then. */
struct change {
	const char *action, *target, *before, *after;
	bool (*apply)(fm_store_t *store, void *arg);
	void *arg;
	const char **why;
	const char *refused_code; /* "no-such-user", ... */
	uint16_t refused_status;
};

/* Runs ch as the logged-in admin with its entry in the audit trail, in
 * one transaction; answers the entry's id. */
static void
audited(struct call *c, const struct change *ch)
{
	struct fm_audit_entry e = {0};
	bool store_error;

	(void)copy(e.actor, sizeof(e.actor), c->user.login);
	(void)copy(e.via, sizeof(e.via), "web");
	(void)copy(e.action, sizeof(e.action), ch->action);
	(void)copy(e.target, sizeof(e.target), ch->target);
	(void)copy(e.before, sizeof(e.before), ch->before);
	(void)copy(e.after, sizeof(e.after), ch->after);
	if (!fm_audit_change(
	        c->b->store, &e, ch->apply, ch->arg, &store_error)) {
		if (store_error)
			store_failed(c);
		else
			fail(c, ch->refused_status, ch->refused_code,
			    *ch->why ? *ch->why : N_("Refused."));
		return;
	}
	fm_log_info("web: %s: %s %s (%s -> %s)", e.actor, e.action, e.target,
	    e.before, e.after);
	c->a->status = 200;
	fprintf(c->body, "{");
	fm_json_key_int(c->body, "audit", e.id);
	fprintf(c->body, "}\n");
}

/* A change of user ch->login, recorded as action. */
static void
admin_change(struct call *c, struct user_change *ch, const char *action,
    const char *before, const char *after)
{
	ch->why = N_("No such user.");
	audited(c,
	    &(struct change){action, ch->login, before, after,
	        apply_user_change, ch, &ch->why, "no-such-user", 404});
}

static void
op_admin_user_set(struct call *c)
{
	const char *login = fm_web_arg(c->r, "login");
	const char *enabled = fm_web_arg(c->r, "enabled");
	const char *dept = fm_web_arg(c->r, "department");
	const char *pin = fm_web_arg(c->r, "pin");
	struct user_change ch = {login, dept, -1, false, NULL, false, NULL};
	struct fm_user u;

	if (!need_session(c, true) || !need_role(c, "admin"))
		return;
	if (login != NULL && pin != NULL && enabled == NULL && dept == NULL) {
		if (strcmp(pin, "clear") != 0 ||
		    !fm_users_get(c->b->store, login, &u)) {
			fail(c, 404, "no-such-user", N_("No such user."));
			return;
		}
		/* The user sets a new one from the console (their password
		 * login is proof enough for a first PIN). */
		ch.clear_pin = true;
		admin_change(c, &ch, "user.pin_reset",
		    u.has_pin ? "set" : "not set", "not set");
		return;
	}
	if (login == NULL || (enabled == NULL) == (dept == NULL) ||
	    (enabled && strcmp(enabled, "yes") != 0 &&
	        strcmp(enabled, "no") != 0)) {
		fail(c, 400, "bad-request",
		    N_("Give a user and either enabled (yes or no) or a "
		       "department."));
		return;
	}
	if (!fm_users_get(c->b->store, login, &u)) {
		fail(c, 404, "no-such-user", N_("No such user."));
		return;
	}
	if (enabled != NULL) {
		ch.enabled = strcmp(enabled, "yes") == 0;
		admin_change(c, &ch,
		    ch.enabled ? "user.enable" : "user.disable",
		    u.enabled ? "enabled" : "disabled",
		    ch.enabled ? "enabled" : "disabled");
	} else
		admin_change(c, &ch, "user.department", u.dept_code, dept);
}

/* An unlock: its event in the authentication log, how long the log
 * keeps it, and why it was refused. */
struct unlock {
	struct fm_authevent e;
	int64_t keep_days;
	const char *why;
};

/* Forgets the user's failures and logs who unlocked them, in the
 * transaction of the audit trail's entry. */
static bool
apply_unlock(fm_store_t *store, void *arg)
{
	struct unlock *u = arg;

	return fm_authlog_unlock(store, u->e.login, &u->e, u->keep_days) >= 0;
}

static void
op_admin_unlock(struct call *c)
{
	const char *login = fm_web_arg(c->r, "login");
	struct unlock u = {{.at = now(),
	                       .method = FM_AUTHEVENT_ADMIN,
	                       .outcome = FM_AUTHEVENT_UNLOCKED},
	    (int64_t)c->b->settings.web.auth_log_days, N_("No such user.")};

	if (!need_session(c, true) || !need_role(c, "admin"))
		return;
	if (login == NULL || login[0] == '\0' ||
	    !copy(u.e.login, sizeof(u.e.login), login)) {
		fail(c, 400, "bad-request", N_("Which user?"));
		return;
	}
	(void)copy(u.e.actor, sizeof(u.e.actor), c->user.login);
	snprintf(u.e.place, sizeof(u.e.place), "web %.200s", c->r->address);
	audited(c,
	    &(struct change){"auth.unlock", login, "", "", apply_unlock, &u,
	        &u.why, "no-such-user", 404});
}

struct audit_list {
	struct call *c;
	int n;
};

static bool
write_audit(const struct fm_audit_entry *e, void *arg)
{
	struct audit_list *l = arg;
	FILE *f = l->c->body;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_int(f, "id", e->id);
	fprintf(f, ",");
	moment(l->c, "when", e->at);
	fprintf(f, ",");
	fm_json_key_string(f, "actor", e->actor);
	fprintf(f, ",");
	fm_json_key_string(f, "via", e->via);
	fprintf(f, ",");
	fm_json_key_string(f, "action", e->action);
	fprintf(f, ",");
	fm_json_key_string(f, "target", e->target);
	fprintf(f, ",");
	fm_json_key_string(f, "before", e->before);
	fprintf(f, ",");
	fm_json_key_string(f, "after", e->after);
	fprintf(f, "}");
	return true;
}

static bool
list_audit(struct call *c)
{
	struct audit_list l = {c, 0};
	int64_t *offset = c->list_arg;

	return fm_audit_list(c->b->store, *offset, 100, write_audit, &l);
}

static void
op_admin_audit(struct call *c)
{
	int64_t offset = number_arg(c, "offset", 0, INT32_MAX);

	if (!need_session(c, false) || !need_role(c, "admin"))
		return;
	if (offset < 0) {
		fail(c, 400, "bad-request", N_("Bad search."));
		return;
	}
	c->list_arg = &offset;
	write_list(c, "{\"entries\":[", list_audit, "]}\n");
}

/* --- admins: a user's badges, the ledger ----------------------------- */

static bool
list_user_badges(struct call *c)
{
	struct line_list l = {c, 0};

	return fm_badges_list(c->b->store, c->list_arg, write_badge, &l);
}

static void
op_admin_badges(struct call *c)
{
	const char *login = fm_web_arg(c->r, "login");

	if (!need_session(c, false) || !need_role(c, "admin"))
		return;
	if (login == NULL || login[0] == '\0') {
		fail(c, 400, "bad-request", N_("Which user?"));
		return;
	}
	c->list_arg = (void *)login;
	write_list(c, "{\"badges\":[", list_user_badges, "]}\n");
}

static void
op_admin_badge_remove(struct call *c)
{
	const char *login = fm_web_arg(c->r, "login");
	const char *fp = fm_web_arg(c->r, "fingerprint");
	struct user_change ch = {login, NULL, -1, false, NULL, false, fp};

	if (!need_session(c, true) || !need_role(c, "admin"))
		return;
	if (login == NULL || fp == NULL) {
		fail(c, 400, "bad-request", N_("Which user and badge?"));
		return;
	}
	audited(c,
	    &(struct change){"badge.remove", login, fp, "", apply_user_change,
	        &ch, &ch.why, "no-such-badge", 404});
}

/*
 * followme-admin ledger verify's check, for the admins' page: every
 * row's MAC and link, the chain's head, every account's balance.  It
 * reads the whole ledger (seconds on millions of rows) and needs the
 * ledger key, read for this request only.
 */
static void
op_admin_ledger_verify(struct call *c)
{
	char path[512], report[2048];
	const char *errstr = NULL;
	int64_t rows = 0;
	bool ok;

	if (!need_session(c, false) || !need_role(c, "admin"))
		return;
	if (!fm_settings_ledger_key_path(&c->b->settings, path, sizeof(path)) ||
	    !fm_ledger_load_key(c->b->store, path, false, &errstr)) {
		fm_log_warn("web: the ledger key: %s", errstr ? errstr : path);
		fail(c, 503, "unavailable",
		    N_("The print server cannot check the ledger now."));
		return;
	}
	ok = fm_ledger_verify(c->b->store, &rows, report, sizeof(report));
	fm_ledger_set_key(c->b->store, NULL);
	c->a->status = 200;
	fprintf(c->body, "{\"ok\":%s,", ok ? "true" : "false");
	fm_json_key_int(c->body, "rows", rows);
	fprintf(c->body, ",");
	fm_json_key_string(c->body, "problems", ok ? "" : report);
	fprintf(c->body, "}\n");
}

/* --- admins: departments, prices, terminals, held jobs --------------- */

static bool
write_department(const struct fm_dept *d, void *arg)
{
	struct line_list *l = arg;
	FILE *f = l->c->body;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_string(f, "code", d->code);
	fprintf(f, ",");
	fm_json_key_string(f, "name", d->name);
	fprintf(f, ",");
	fm_json_key_int(f, "users", d->users);
	fprintf(f, ",");
	money(l->c, "balance", d->account.balance);
	fprintf(f, "}");
	return true;
}

static bool
list_departments(struct call *c)
{
	struct line_list l = {c, 0};

	return fm_depts_list(c->b->store, write_department, &l);
}

static void
op_admin_departments(struct call *c)
{
	if (need_session(c, false) && need_role(c, "admin"))
		write_list(c, "{\"departments\":[", list_departments, "]}\n");
}

struct dept_add {
	const char *code, *name;
	const char *why;
};

static bool
apply_dept_add(fm_store_t *store, void *arg)
{
	struct dept_add *d = arg;
	const char *errstr = NULL;

	if (fm_depts_add(store, d->code, d->name, &errstr))
		return true;
	d->why = N_("That department code is taken or not a valid code.");
	return false;
}

static void
op_admin_department_add(struct call *c)
{
	struct dept_add d = {
	    fm_web_arg(c->r, "code"), fm_web_arg(c->r, "name"), NULL};

	if (!need_session(c, true) || !need_role(c, "admin"))
		return;
	if (d.code == NULL || d.code[0] == '\0' || d.name == NULL ||
	    d.name[0] == '\0') {
		fail(c, 400, "bad-request",
		    N_("Give the department's code and name."));
		return;
	}
	audited(c,
	    &(struct change){"dept.add", d.code, "", d.name, apply_dept_add, &d,
	        &d.why, "refused", 409});
}

/* Projects: accounts jobs are charged to by job-account-id, and who
 * may charge them (followme-admin project). */
static bool
write_project(const struct fm_account *a, int members, void *arg)
{
	struct line_list *l = arg;
	FILE *f = l->c->body;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_string(f, "code", a->name);
	fprintf(f, ",");
	fm_json_key_int(f, "members", members);
	fprintf(f, ",");
	money(l->c, "balance", a->balance);
	fprintf(f, "}");
	return true;
}

static bool
list_projects(struct call *c)
{
	struct line_list l = {c, 0};

	return fm_accounts_list(c->b->store, "project", write_project, &l);
}

static void
op_admin_projects(struct call *c)
{
	if (need_session(c, false) && need_role(c, "admin"))
		write_list(c, "{\"projects\":[", list_projects, "]}\n");
}

struct project_change {
	const char *code, *login; /* login: allow it, else add code */
	const char *why;
};

static bool
apply_project_change(fm_store_t *store, void *arg)
{
	struct project_change *p = arg;
	const char *errstr = NULL;
	struct fm_account a;

	if (p->login == NULL) {
		if (fm_accounts_add_project(store, p->code, &errstr))
			return true;
		p->why = N_("That project code is taken or not a valid code.");
		return false;
	}
	if (!fm_accounts_find(store, "project", p->code, &a)) {
		p->why = N_("No such project.");
		return false;
	}
	if (fm_accounts_allow(store, a.id, p->login, &errstr))
		return true;
	p->why = N_("No such user.");
	return false;
}

/* code: add that project; code and login: let login charge it. */
static void
op_admin_project(struct call *c)
{
	struct project_change p = {
	    fm_web_arg(c->r, "code"), fm_web_arg(c->r, "login"), NULL};

	if (!need_session(c, true) || !need_role(c, "admin"))
		return;
	if (p.code == NULL || p.code[0] == '\0' ||
	    (p.login != NULL && p.login[0] == '\0')) {
		fail(c, 400, "bad-request",
		    N_("Give the project's code (and a login to let them "
		       "charge it)."));
		return;
	}
	audited(c,
	    &(struct change){p.login ? "project.allow" : "project.add", p.code,
	        "", p.login ? p.login : "", apply_project_change, &p, &p.why,
	        "refused", 409});
}

static bool
write_price(const struct fm_price_entry *e, void *arg)
{
	struct line_list *l = arg;
	FILE *f = l->c->body;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_string(f, "media", e->media);
	fprintf(f, ",\"colour\":%s,\"two_sided\":%s,\"per_sheet\":%s,",
	    e->colour == FM_PRICE_COLOUR ? "true" : "false",
	    e->duplex == FM_PRICE_DUPLEX ? "true" : "false",
	    e->per_sheet ? "true" : "false");
	money(l->c, "amount", e->amount);
	fprintf(f, "}");
	return true;
}

static bool
list_prices(struct call *c)
{
	struct line_list l = {c, 0};
	int *version = c->list_arg;

	return *version == 0 ||
	    fm_price_entries(c->b->store, *version, write_price, &l);
}

/* The default price list, as followme-admin price show gives it. */
static void
op_admin_prices(struct call *c)
{
	char head[64];
	bool own;
	int version;

	if (!need_session(c, false) || !need_role(c, "admin"))
		return;
	if ((version = fm_price_current(c->b->store, "", &own)) < 0) {
		store_failed(c);
		return;
	}
	snprintf(head, sizeof(head), "{\"version\":%d,\"prices\":[", version);
	c->list_arg = &version;
	write_list(c, head, list_prices, "]}\n");
}

struct price_change {
	struct fm_price_entry e;
	const char *by;
	int version;
	const char *why;
};

static bool
apply_price(fm_store_t *store, void *arg)
{
	struct price_change *p = arg;
	const char *errstr = NULL;

	if (fm_price_set(store, "", &p->e, p->by, &p->version, &errstr))
		return true;
	p->why = N_("That price cannot be set.");
	return false;
}

/* One word of two: 0 for the first, 1 for the second, -1 otherwise. */
static int
one_of(const char *v, const char *zero, const char *one)
{
	if (v != NULL && strcmp(v, zero) == 0)
		return 0;
	if (v != NULL && strcmp(v, one) == 0)
		return 1;
	return -1;
}

static void
op_admin_price_set(struct call *c)
{
	const char *media = fm_web_arg(c->r, "media");
	const char *amount = fm_web_arg(c->r, "amount");
	struct price_change p = {
	    {"", -1, -1, false, -1}, c->user.login, 0, NULL};
	char target[64], after[64], money_text[FM_MONEY_STRMAX];

	if (!need_session(c, true) || !need_role(c, "admin"))
		return;
	p.e.colour = one_of(fm_web_arg(c->r, "colour"), "mono", "colour");
	p.e.duplex = one_of(fm_web_arg(c->r, "sides"), "simplex", "duplex");
	if (media == NULL || !fm_price_media_is_valid(media) ||
	    p.e.colour < 0 || p.e.duplex < 0 || amount == NULL ||
	    !fm_money_parse(amount, strlen(amount), false, &p.e.amount)) {
		fail(c, 400, "bad-request",
		    N_("Give a paper size, mono or colour, simplex or duplex, "
		       "and an amount such as 0.05."));
		return;
	}
	(void)copy(p.e.media, sizeof(p.e.media), media);
	snprintf(target, sizeof(target), "%s %s %s", media,
	    p.e.colour ? "colour" : "mono", p.e.duplex ? "duplex" : "simplex");
	snprintf(after, sizeof(after), "%s",
	    fm_money_format(p.e.amount, money_text, sizeof(money_text)));
	audited(c,
	    &(struct change){"price.set", target, "", after, apply_price, &p,
	        &p.why, "refused", 409});
}

/*
 * An allocation or an adjustment, with its reason, to a user's or a
 * department's account.  The ledger's rows are MACed: the key is read
 * for this change only and wiped after it, as followme-admin quota grant
 * does (same account, same file); the ledger writer keeps applying the
 * charges meanwhile, each in its own transaction under the store's lock.
 */
struct quota_change {
	int64_t account_id, amount;
	bool allocation;
	const char *reason, *by, *key;
	const char *why;
};

static bool
apply_quota(fm_store_t *store, void *arg)
{
	struct quota_change *q = arg;
	const char *errstr = NULL;
	bool applied = true;

	if (fm_ledger_adjust(store, q->account_id, q->amount, q->allocation,
	        q->reason, q->by, q->key, &applied, &errstr) &&
	    applied)
		return true;
	q->why = applied ? N_("That amount cannot be added to this account.")
	                 : N_("This change was made already.");
	return false;
}

static void
op_admin_quota(struct call *c)
{
	const char *kind = fm_web_arg(c->r, "kind");
	const char *name = fm_web_arg(c->r, "name");
	const char *amount = fm_web_arg(c->r, "amount");
	const char *reason = fm_web_arg(c->r, "reason");
	const char *request = fm_web_arg(c->r, "request_id");
	struct quota_change q = {0};
	struct fm_account a;
	char path[512], key[FM_WEB_TEXTMAX + 8], target[FM_WEB_TEXTMAX + 16];
	char before[FM_MONEY_STRMAX], after[FM_MONEY_STRMAX + 8];
	const char *errstr = NULL, *op = fm_web_arg(c->r, "as");
	int as = one_of(op, "allocation", "adjustment");

	if (!need_session(c, true) || !need_role(c, "admin"))
		return;
	if (kind == NULL || one_of(kind, "user", "department") < 0 ||
	    name == NULL || as < 0 || amount == NULL || reason == NULL ||
	    reason[0] == '\0' ||
	    !fm_money_parse(amount, strlen(amount), as == 1, &q.amount)) {
		fail(c, 400, "bad-request",
		    N_("Give a user or a department, an amount (an allocation "
		       "adds; an adjustment may take away) and a reason."));
		return;
	}
	if (!fm_accounts_find(c->b->store, kind, name, &a)) {
		fail(c, 404, "no-such-account",
		    N_("No such user or department."));
		return;
	}
	q.account_id = a.id;
	q.allocation = as == 0;
	q.reason = reason;
	q.by = c->user.login;
	/* The page sends one id per form it shows: a retry is a replay. */
	if (request != NULL && request[0] != '\0') {
		snprintf(key, sizeof(key), "web:%s", request);
		q.key = key;
	}
	if (!fm_settings_ledger_key_path(&c->b->settings, path, sizeof(path)) ||
	    !fm_ledger_load_key(c->b->store, path, false, &errstr)) {
		fm_log_warn("web: the ledger key: %s", errstr ? errstr : path);
		fail(c, 503, "unavailable",
		    N_("The print server cannot record this now."));
		return;
	}
	snprintf(target, sizeof(target), "%s %s", kind, name);
	fm_money_format(a.balance, before, sizeof(before));
	snprintf(after, sizeof(after), "%s%s", q.amount >= 0 ? "+" : "",
	    fm_money_format(q.amount, path, sizeof(path)));
	audited(c,
	    &(struct change){as == 0 ? "quota.grant" : "quota.adjust", target,
	        before, after, apply_quota, &q, &q.why, "refused", 409});
	fm_ledger_set_key(c->b->store, NULL);
}

/* A terminal's state for the admins: connected or offline; the web
 * console's own connection is no device that can go missing: a
 * store-side worker connects it for each release ("connected" then),
 * and it is "idle" between. */
static const char *
terminal_state(const struct fm_terminal *t, bool on)
{
	if (on)
		return "connected";
	return t->web ? "idle" : "offline";
}

static bool
write_terminal(const struct fm_terminal *t, void *arg)
{
	struct line_list *l = arg;
	FILE *f = l->c->body;
	bool on = t->connected && now() - t->last_seen < FM_TERMINAL_GONE_AFTER;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_string(f, "name", t->name);
	fprintf(f, ",");
	fm_json_key_string(f, "printer", t->printer);
	fprintf(f, ",\"web\":%s,\"online\":%s,", t->web ? "true" : "false",
	    on ? "true" : "false");
	if (t->last_seen > 0)
		moment(l->c, "last_seen", t->last_seen);
	else
		fprintf(f, "\"last_seen\":null");
	fprintf(f, ",");
	fm_json_key_int(f, "protocol", t->protocol);
	fprintf(f, ",");
	fm_json_key_string(f, "state", terminal_state(t, on));
	fprintf(f, "}");
	return true;
}

static bool
list_terminals(struct call *c)
{
	struct line_list l = {c, 0};

	return fm_terminals_list(c->b->store, false, write_terminal, &l);
}

static void
op_admin_terminals(struct call *c)
{
	if (need_session(c, false) && need_role(c, "admin"))
		write_list(c, "{\"terminals\":[", list_terminals, "]}\n");
}

/* The printers as admins see them: the staff's list and each one's
 * release page, the address its QR code label holds. */
static void
op_admin_printers(struct call *c)
{
	static struct printer_list l;

	if (!need_session(c, false) || !need_role(c, "admin") ||
	    !read_printers(c, &l, NULL))
		return;
	c->a->status = 200;
	fprintf(c->body, "{\"printers\":[");
	for (size_t i = 0; i < l.n; i++) {
		char url[FM_QRLABEL_URLMAX];
		const char *errstr;

		if (!fm_qrlabel_url(&c->b->settings, NULL, l.p[i].name, url,
		        sizeof(url), &errstr))
			url[0] = '\0';
		fprintf(c->body, "%s{", i ? "," : "");
		fm_json_key_string(c->body, "name", l.p[i].name);
		fprintf(c->body, ",");
		fm_json_key_string(c->body, "location", l.p[i].location);
		fprintf(c->body, ",");
		fm_json_key_string(c->body, "release_url", url);
		fprintf(c->body, ",");
		write_printer_state(c, &states[i]);
		fprintf(c->body, "}");
	}
	fprintf(c->body, "]}\n");
}

/* A printer's QR code label, the SVG followme-admin printer qr writes:
 * shown on the admins' page, and downloaded to be printed. */
static void
op_admin_printer_label(struct call *c)
{
	const char *name = fm_web_arg(c->r, "name"), *errstr;
	char url[FM_QRLABEL_URLMAX];
	struct fm_printer pr;
	size_t len;
	char *svg;

	if (!need_session(c, false) || !need_role(c, "admin"))
		return;
	if (name == NULL || !fm_printers_get(c->b->store, name, &pr)) {
		fail(c, 404, "no-such-printer", N_("No such printer."));
		return;
	}
	if (!fm_qrlabel_url(
	        &c->b->settings, NULL, pr.name, url, sizeof(url), &errstr) ||
	    (svg = fm_qrlabel_svg(pr.name, pr.location, url, &len, &errstr)) ==
	        NULL) {
		fail(c, 409, "no-label", errstr);
		return;
	}
	if (fwrite(svg, 1, len, c->body) != len) {
		free(svg);
		store_failed(c);
		return;
	}
	free(svg);
	c->a->status = 200;
	c->a->kind = FM_WEB_KIND_SVG;
	/* Printer names are short and need no quoting (the store's rule). */
	if (snprintf(c->a->filename, sizeof(c->a->filename),
	        "followme-label-%s.svg",
	        pr.name) >= (int)sizeof(c->a->filename))
		c->a->filename[0] = '\0';
}

/* Held jobs across users: their metadata, never their titles (personal
 * data, shown only to their owner) nor their content. */
static bool
write_held(const struct fm_job *job, void *arg)
{
	struct job_list *l = arg;
	FILE *f = l->c->body;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_int(f, "id", job->id);
	fprintf(f, ",");
	fm_json_key_string(f, "owner", job->ticket.owner);
	fprintf(f, ",");
	optional_int(f, "pages", job->pages);
	fprintf(f, ",");
	fm_json_key_int(f, "copies", job->ticket.copies);
	fprintf(f, ",");
	fm_json_key_int(f, "size", job->ticket.size);
	fprintf(f, ",");
	moment(l->c, "submitted", job->created_at);
	fprintf(f, ",");
	moment(l->c, "expires", job->expires_at);
	fprintf(f, "}");
	return true;
}

static bool
list_held(struct call *c)
{
	struct job_list l = {c, 0};

	return fm_jobstore_list(c->b->store, NULL, "held", write_held, &l);
}

static void
op_admin_jobs(struct call *c)
{
	if (need_session(c, false) && need_role(c, "admin"))
		write_list(c, "{\"jobs\":[", list_held, "]}\n");
}

/* --- finance: reports and exports ------------------------------------ */

struct range {
	int64_t start, end;
	enum fm_export_by by;
	const char *from, *to, *by_word;
};

/* The from, to and by arguments, as followme-admin export reads them;
 * false (answered) if one is wrong. */
static bool
get_range(struct call *c, struct range *g, bool printer_too)
{
	int64_t last;

	g->from = fm_web_arg(c->r, "from");
	g->to = fm_web_arg(c->r, "to");
	g->by_word = fm_web_arg(c->r, "by");
	if (g->by_word == NULL || strcmp(g->by_word, "department") == 0)
		g->by = FM_EXPORT_BY_DEPARTMENT, g->by_word = "department";
	else if (strcmp(g->by_word, "user") == 0)
		g->by = FM_EXPORT_BY_USER;
	else if (strcmp(g->by_word, "project") == 0)
		g->by = FM_EXPORT_BY_PROJECT;
	else if (printer_too && strcmp(g->by_word, "printer") == 0)
		g->by = FM_EXPORT_BY_PRINTER;
	else {
		fail(c, 400, "bad-request",
		    N_("Group by department, user, project or printer."));
		return false;
	}
	if (g->from == NULL || g->to == NULL ||
	    !fm_period_parse_date(g->from, strlen(g->from), &g->start) ||
	    !fm_period_parse_date(g->to, strlen(g->to), &last) ||
	    last < g->start) {
		fail(c, 400, "bad-request",
		    N_("Give the period as two dates, YYYY-MM-DD, the first "
		       "not after the second."));
		return false;
	}
	g->end = fm_period_next_day(last);
	return true;
}

static void
op_report(struct call *c)
{
	struct range g;

	if (!need_session(c, false) || !need_role(c, "finance") ||
	    !get_range(c, &g, true))
		return;
	if (!fm_export_write(c->b->store, g.by, g.start, g.end, g.from, g.to,
	        FM_EXPORT_JSON, c->body, NULL)) {
		store_failed(c);
		return;
	}
	c->a->status = 200;
}

static void
op_export(struct call *c)
{
	const char *format = fm_web_arg(c->r, "format");
	bool csv = format == NULL || strcmp(format, "csv") == 0;
	struct range g;

	if (!need_session(c, false) || !need_role(c, "finance") ||
	    !get_range(c, &g, false))
		return;
	if (!csv && strcmp(format, "json") != 0) {
		fail(c, 400, "bad-request", N_("Export as csv or json."));
		return;
	}
	if (!fm_export_write(c->b->store, g.by, g.start, g.end, g.from, g.to,
	        csv ? FM_EXPORT_CSV : FM_EXPORT_JSON, c->body, NULL)) {
		store_failed(c);
		return;
	}
	c->a->status = 200;
	c->a->kind = csv ? FM_WEB_KIND_CSV : FM_WEB_KIND_JSON;
	/* The dates were read as YYYY-MM-DD: the name always fits. */
	if (snprintf(c->a->filename, sizeof(c->a->filename),
	        "followme-%s-%s-%s.%s", g.by_word, g.from, g.to,
	        csv ? "csv" : "json") >= (int)sizeof(c->a->filename))
		c->a->filename[0] = '\0';
}

/* --- finance: the year's months, pages saved, closing ---------------- */

/* Days closed: their exports never change (followme-admin period close). */
static void
write_closed(struct call *c)
{
	char through[32];

	if (!fm_policy_get(
	        c->b->store, "closed_through", through, sizeof(through)))
		through[0] = '\0';
	fm_json_key_string(c->body, "closed_through", through);
}

static bool
write_unprinted(struct call *c, const char *key, const char *state,
    int64_t from, int64_t to)
{
	struct fm_jobstore_unprinted u;

	if (!fm_jobstore_unprinted(c->b->store, state, from, to, &u))
		return false;
	fprintf(c->body, "\"%s\":{", key);
	fm_json_key_int(c->body, "jobs", u.jobs);
	fprintf(c->body, ",");
	fm_json_key_int(c->body, "pages", u.pages);
	fprintf(c->body, ",");
	fm_json_key_int(c->body, "uncounted", u.uncounted);
	fprintf(c->body, "}");
	return true;
}

/*
 * A year month by month (jobs, impressions, sheets, cost: the department
 * export's totals), the pages its expired and deleted jobs did not print,
 * and what is closed.
 */
static bool
write_trend(struct call *c)
{
	const char *year = c->list_arg;
	char date[32], amount[FM_MONEY_STRMAX], *rows = NULL;
	int64_t start, next = 0, first = 0;
	size_t len = 0;
	FILE *sink;
	bool ok = true;

	if ((sink = open_memstream(&rows, &len)) == NULL)
		return false;
	fprintf(c->body, "{\"months\":[");
	for (int m = 1; m <= 12 && ok; m++) {
		struct fm_export_totals t = {0};

		snprintf(date, sizeof(date), "%.4s-%02d-01", year, m);
		ok = fm_period_parse_date(date, strlen(date), &start);
		if (m < 12)
			snprintf(
			    date, sizeof(date), "%.4s-%02d-01", year, m + 1);
		else
			snprintf(
			    date, sizeof(date), "%04d-01-01", atoi(year) + 1);
		ok = ok && fm_period_parse_date(date, strlen(date), &next);
		if (m == 1)
			first = start;
		/* Only the totals are wanted: the rows go to a sink. */
		ok = ok &&
		    fm_export_write(c->b->store, FM_EXPORT_BY_DEPARTMENT, start,
		        next, "", "", FM_EXPORT_JSON, sink, &t);
		rewind(sink);
		fprintf(c->body, "%s{", m > 1 ? "," : "");
		fm_json_key_int(c->body, "month", m);
		fprintf(c->body, ",");
		fm_json_key_int(c->body, "jobs", t.jobs);
		fprintf(c->body, ",");
		fm_json_key_int(c->body, "impressions", t.impressions);
		fprintf(c->body, ",");
		fm_json_key_int(c->body, "sheets", t.sheets);
		fprintf(c->body, ",");
		/* A number for the chart, as the export writes it. */
		fm_json_key_string(c->body, "cost",
		    fm_money_format(t.cost, amount, sizeof(amount)));
		fprintf(c->body, "}");
	}
	fclose(sink);
	free(rows);
	fprintf(c->body, "],\"saved\":{");
	ok = ok && write_unprinted(c, "expired", "expired", first, next);
	fprintf(c->body, ",");
	ok = ok && write_unprinted(c, "deleted", "deleted", first, next);
	fprintf(c->body, "},");
	write_closed(c);
	fprintf(c->body, "}\n");
	return ok;
}

static void
op_finance_trend(struct call *c)
{
	const char *year = fm_web_arg(c->r, "year");

	if (!need_session(c, false) || !need_role(c, "finance"))
		return;
	if (year == NULL || strlen(year) != 4 ||
	    strspn(year, "0123456789") != 4 || strcmp(year, "1970") < 0) {
		fail(c, 400, "bad-request", N_("Which year?"));
		return;
	}
	c->list_arg = (void *)year;
	write_list(c, "", write_trend, NULL);
}

struct period_close {
	int64_t day;
	const char *why;
};

static bool
apply_close(fm_store_t *store, void *arg)
{
	struct period_close *p = arg;
	const char *errstr = NULL;

	if (fm_ledger_close_period(store, p->day, &errstr))
		return true;
	p->why = N_("That period cannot be closed: only days already past, "
	            "after those closed before.");
	return false;
}

static void
op_finance_close(struct call *c)
{
	const char *to = fm_web_arg(c->r, "to");
	struct period_close p = {0, NULL};
	char before[32];

	if (!need_session(c, true) || !need_role(c, "finance"))
		return;
	if (to == NULL || !fm_period_parse_date(to, strlen(to), &p.day)) {
		fail(c, 400, "bad-request",
		    N_("Give the last day, YYYY-MM-DD."));
		return;
	}
	if (!fm_policy_get(
	        c->b->store, "closed_through", before, sizeof(before)))
		before[0] = '\0';
	audited(c,
	    &(struct change){"period.close", "ledger", before, to, apply_close,
	        &p, &p.why, "refused", 409});
}

/* --- admins: the authentication log ---------------------------------- */

#define AUTHLOG_PAGE_MAX 200

struct authlog_query {
	struct fm_authevent_filter f;
	int64_t offset, limit, total;
};

static bool
write_authevent(const struct fm_authevent *e, void *arg)
{
	struct line_list *l = arg;
	FILE *f = l->c->body;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_int(f, "id", e->id);
	fprintf(f, ",");
	/* The browser writes the time in its reader's locale and zone. */
	fm_json_key_int(f, "at", e->at);
	fprintf(f, ",");
	moment(l->c, "when", e->at);
	fprintf(f, ",");
	fm_json_key_string(f, "login", e->login);
	fprintf(f, ",");
	fm_json_key_string(f, "where", e->place);
	fprintf(f, ",");
	fm_json_key_string(f, "method", fm_authevent_method_name(e->method));
	fprintf(f, ",");
	fm_json_key_string(f, "outcome", fm_authevent_outcome_name(e->outcome));
	fprintf(f, ",");
	fm_json_key_string(f, "by", e->actor);
	fprintf(f, "}");
	return true;
}

static bool
write_authlock(const struct fm_authevent_lock *k, void *arg)
{
	struct line_list *l = arg;
	FILE *f = l->c->body;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_string(f, "login", k->login);
	fprintf(f, ",");
	fm_json_key_int(f, "failures", k->failures);
	fprintf(f, ",");
	fm_json_key_int(f, "until_at", k->until);
	fprintf(f, ",");
	moment(l->c, "until", k->until);
	fprintf(f, "}");
	return true;
}

/* The users locked out now, then the events the query selects. */
static bool
list_authlog(struct call *c)
{
	const struct fm_settings *s = &c->b->settings;
	struct authlog_query *q = c->list_arg;
	struct line_list locks = {c, 0}, events = {c, 0};

	if (!fm_authevents_locked(c->b->store, (int64_t)s->auth_lockout,
	        (int64_t)s->auth_max_failures, now(), write_authlock, &locks))
		return false;
	fprintf(c->body, "],\"events\":[");
	return fm_authevents_list(c->b->store, &q->f, q->offset, q->limit,
	    write_authevent, &events, &q->total);
}

/* A day argument (YYYY-MM-DD) as the time its day starts, or with
 * next, the next day's start (a "to" day is included); 0 if absent,
 * -1 if malformed. */
static int64_t
day_arg(const struct call *c, const char *name, bool next)
{
	const char *v = fm_web_arg(c->r, name);
	int64_t day;

	if (v == NULL || v[0] == '\0')
		return 0;
	if (!fm_period_parse_date(v, strlen(v), &day))
		return -1;
	return next ? fm_period_next_day(day) : day;
}

static void
op_admin_authlog(struct call *c)
{
	const char *login = fm_web_arg(c->r, "login");
	const char *outcome = fm_web_arg(c->r, "outcome");
	enum fm_authevent_outcome o;
	struct authlog_query q = {
	    {login, outcome, day_arg(c, "from", false), day_arg(c, "to", true)},
	    number_arg(c, "offset", 0, INT32_MAX),
	    number_arg(c, "limit", 50, AUTHLOG_PAGE_MAX), 0};
	char tail[96];

	if (!need_session(c, false) || !need_role(c, "admin"))
		return;
	if (q.offset < 0 || q.limit < 0 ||
	    (login != NULL && strlen(login) >= FM_AUTHEVENT_TEXTMAX)) {
		fail(c, 400, "bad-request", N_("Bad search."));
		return;
	}
	if (outcome != NULL && outcome[0] != '\0' &&
	    !fm_authevent_outcome_parse(outcome, strlen(outcome), &o)) {
		fail(c, 400, "bad-outcome", N_("Unknown outcome."));
		return;
	}
	if (q.f.from < 0 || q.f.to < 0) {
		fail(c, 400, "bad-date", N_("Give dates as YYYY-MM-DD."));
		return;
	}
	c->list_arg = &q;
	write_list(c, "{\"locked\":[", list_authlog, NULL);
	if (c->a->status == 200) {
		snprintf(tail, sizeof(tail),
		    "],\"total\":%" PRId64 ",\"offset\":%" PRId64 "}\n",
		    q.total, q.offset);
		fputs(tail, c->body);
	}
}

/* --- dispatch -------------------------------------------------------- */

/* --- API tokens: a person's own, and anyone's for admins ------------- */

static const char *
token_state_name(const struct fm_apitoken *t)
{
	switch (fm_apitokens_state(t, now())) {
	case FM_APITOKEN_REVOKED:
		return "revoked";
	case FM_APITOKEN_EXPIRED:
		return "expired";
	default:
		return "active";
	}
}

/* A moment, or null for never (0). */
static void
optional_moment(struct call *c, const char *key, int64_t t)
{
	if (t > 0)
		moment(c, key, t);
	else
		fprintf(c->body, "\"%s\":null", key);
}

static bool
write_token(const struct fm_apitoken *t, void *arg)
{
	struct line_list *l = arg;
	struct call *c = l->c;
	FILE *f = c->body;

	fprintf(f, "%s{", l->n++ ? "," : "");
	fm_json_key_int(f, "id", t->id);
	fprintf(f, ",");
	fm_json_key_string(f, "owner", t->owner);
	fprintf(f, ",");
	fm_json_key_string(f, "name", t->name);
	fprintf(f, ",");
	fm_json_key_string(f, "state", token_state_name(t));
	fprintf(f, ",");
	fm_json_key_string(f, "created_by", t->created_by);
	fprintf(f, ",");
	moment(c, "created", t->created_at);
	fprintf(f, ",");
	fm_json_key_int(f, "created_at", t->created_at);
	fprintf(f, ",");
	optional_moment(c, "last_used", t->last_used);
	fprintf(f, ",");
	optional_moment(c, "expires", t->expires_at);
	fprintf(f, ",");
	optional_int(f, "expires_at", t->expires_at > 0 ? t->expires_at : -1);
	fprintf(f, "}");
	return true;
}

static bool
list_tokens(struct call *c)
{
	struct line_list l = {c, 0};

	return fm_apitokens_list(c->b->store, c->list_arg, write_token, &l);
}

/* GET /api/tokens: mine; ?login=NAME someone's, ?all=1 everyone's, for
 * admins. */
static void
op_tokens(struct call *c)
{
	const char *login = fm_web_arg(c->r, "login");
	const char *all = fm_web_arg(c->r, "all");

	if (!need_session(c, false))
		return;
	if (all != NULL && strcmp(all, "1") == 0)
		login = NULL;
	else if (login == NULL || login[0] == '\0')
		login = c->user.login;
	if ((login == NULL || strcmp(login, c->user.login) != 0) &&
	    !need_role(c, "admin"))
		return;
	c->list_arg = (void *)login;
	write_list(c, "{\"tokens\":[", list_tokens, "]}\n");
}

/* The token being made, for fm_audit_change(). */
struct token_add {
	struct fm_apitoken t;
	char text[FM_APITOKEN_TEXTLEN + 1];
	const char *why;
};

static bool
apply_token_add(fm_store_t *store, void *arg)
{
	struct token_add *ta = arg;

	return fm_apitokens_create(
	    store, &ta->t, now(), ta->text, sizeof(ta->text), &ta->why);
}

/* Days a token may be made to last, at most. */
#define TOKEN_DAYS_MAX 3650

/*
 * POST /api/tokens/add (name, expires: days, optional): a token of the
 * person logged in, shown in this answer only.  Made in a session only
 * (a token makes no token), audited without the secret.
 */
static void
op_token_add(struct call *c)
{
	const char *name = fm_web_arg(c->r, "name");
	struct token_add ta;
	struct fm_audit_entry e = {0};
	bool store_error = false;
	int64_t days;

	if (!need_session(c, true))
		return;
	if (c->user.account.id <= 0) {
		fail(c, 404, "no-such-user",
		    N_("Print something first: the print server does not know "
		       "you yet."));
		return;
	}
	if (name == NULL || !fm_apitokens_name_is_valid(name, strlen(name))) {
		fail(c, 400, "bad-request",
		    N_("Give the token a name (up to 127 bytes), to tell it "
		       "from your others."));
		return;
	}
	if ((days = number_arg(c, "expires", 0, TOKEN_DAYS_MAX)) < 0) {
		fail(c, 400, "bad-request",
		    N_("A token lasts a whole number of days, up to 3650, or "
		       "for ever."));
		return;
	}
	memset(&ta, 0, sizeof(ta));
	(void)copy(ta.t.owner, sizeof(ta.t.owner), c->user.login);
	(void)copy(ta.t.name, sizeof(ta.t.name), name);
	(void)copy(ta.t.created_by, sizeof(ta.t.created_by), c->user.login);
	ta.t.expires_at = days > 0 ? now() + days * 86400 : 0;
	(void)copy(e.actor, sizeof(e.actor), c->user.login);
	(void)copy(e.via, sizeof(e.via), "web");
	(void)copy(e.action, sizeof(e.action), "token.add");
	(void)copy(e.target, sizeof(e.target), c->user.login);
	snprintf(e.after, sizeof(e.after), "%s", name);
	if (!fm_audit_change(
	        c->b->store, &e, apply_token_add, &ta, &store_error)) {
		if (store_error || ta.why == NULL)
			store_failed(c);
		else
			fail(c, 409, "too-many-tokens",
			    N_("You have too many API tokens: revoke one "
			       "first."));
		fm_wipe(ta.text, sizeof(ta.text));
		return;
	}
	fm_log_info(
	    "web: %s made API token %lld", c->user.login, (long long)ta.t.id);
	c->a->status = 200;
	fprintf(c->body, "{");
	fm_json_key_int(c->body, "id", ta.t.id);
	fprintf(c->body, ",");
	fm_json_key_string(c->body, "token", ta.text);
	fprintf(c->body, ",");
	fm_json_key_string(c->body, "name", ta.t.name);
	fprintf(c->body, ",");
	optional_moment(c, "expires", ta.t.expires_at);
	fprintf(c->body, "}\n");
	fm_wipe(ta.text, sizeof(ta.text));
}

/* The revocation, for fm_audit_change(). */
struct token_revoke {
	int64_t id;
	const char *owner, *by;
};

static bool
apply_token_revoke(fm_store_t *store, void *arg)
{
	const struct token_revoke *tr = arg;

	return fm_apitokens_revoke(store, tr->id, tr->owner, tr->by, now()) ==
	    1;
}

/* POST /api/tokens/revoke (id): one of mine, or anyone's for admins. */
static void
op_token_revoke(struct call *c)
{
	static const char *why = N_("No such active API token.");
	struct fm_apitoken t;
	struct token_revoke tr;
	char target[FM_APITOKEN_TEXTMAX + 32];
	int64_t id = number_arg(c, "id", 0, INT64_MAX);
	int found;

	if (!need_session(c, true))
		return;
	if (id <= 0) {
		fail(c, 400, "bad-request", N_("Which token?"));
		return;
	}
	if ((found = fm_apitokens_get(c->b->store, id, &t)) < 0) {
		store_failed(c);
		return;
	}
	/* Someone else's token is no business of a non-admin, not even
	 * whether it exists. */
	if (found == 0 ||
	    (strcmp(t.owner, c->user.login) != 0 && !has_role(c, "admin"))) {
		fail(c, 404, "no-such-token", why);
		return;
	}
	tr = (struct token_revoke){id, t.owner, c->user.login};
	snprintf(
	    target, sizeof(target), "token %lld of %s", (long long)id, t.owner);
	audited(c,
	    &(struct change){"token.revoke", target, token_state_name(&t),
	        "revoked", apply_token_revoke, &tr, &why, "no-such-token",
	        404});
}

static void (*const ops[FM_WEB_OP_MAX + 1])(struct call *) = {
    [FM_WEB_OP_SESSION] = op_session,
    [FM_WEB_OP_LOGIN] = op_login,
    [FM_WEB_OP_LOGOUT] = op_logout,
    [FM_WEB_OP_STRINGS] = op_strings,
    [FM_WEB_OP_LANGUAGE] = op_language,
    [FM_WEB_OP_JOBS] = op_jobs,
    [FM_WEB_OP_JOB_DELETE] = op_job_delete,
    [FM_WEB_OP_JOB_KEEP] = op_job_keep,
    [FM_WEB_OP_BALANCE] = op_balance,
    [FM_WEB_OP_HISTORY] = op_history,
    [FM_WEB_OP_BADGES] = op_badges,
    [FM_WEB_OP_BADGE_REMOVE] = op_badge_remove,
    [FM_WEB_OP_ADMIN_USERS] = op_admin_users,
    [FM_WEB_OP_ADMIN_USER_SET] = op_admin_user_set,
    [FM_WEB_OP_ADMIN_UNLOCK] = op_admin_unlock,
    [FM_WEB_OP_ADMIN_AUDIT] = op_admin_audit,
    [FM_WEB_OP_REPORT] = op_report,
    [FM_WEB_OP_EXPORT] = op_export,
    [FM_WEB_OP_PRINTERS] = op_printers,
    [FM_WEB_OP_JOB_RELEASE] = op_job_release,
    [FM_WEB_OP_ADMIN_DEPARTMENTS] = op_admin_departments,
    [FM_WEB_OP_ADMIN_DEPARTMENT_ADD] = op_admin_department_add,
    [FM_WEB_OP_ADMIN_PRICES] = op_admin_prices,
    [FM_WEB_OP_ADMIN_PRICE_SET] = op_admin_price_set,
    [FM_WEB_OP_ADMIN_TERMINALS] = op_admin_terminals,
    [FM_WEB_OP_ADMIN_JOBS] = op_admin_jobs,
    [FM_WEB_OP_PIN] = op_pin,
    [FM_WEB_OP_FINANCE_TREND] = op_finance_trend,
    [FM_WEB_OP_FINANCE_CLOSE] = op_finance_close,
    [FM_WEB_OP_ADMIN_QUOTA] = op_admin_quota,
    [FM_WEB_OP_ADMIN_BADGES] = op_admin_badges,
    [FM_WEB_OP_ADMIN_BADGE_REMOVE] = op_admin_badge_remove,
    [FM_WEB_OP_ADMIN_LEDGER_VERIFY] = op_admin_ledger_verify,
    [FM_WEB_OP_ADMIN_PRINTERS] = op_admin_printers,
    [FM_WEB_OP_ADMIN_PRINTER_LABEL] = op_admin_printer_label,
    [FM_WEB_OP_ADMIN_PROJECTS] = op_admin_projects,
    [FM_WEB_OP_ADMIN_PROJECT] = op_admin_project,
    [FM_WEB_OP_TOKENS] = op_tokens,
    [FM_WEB_OP_TOKEN_ADD] = op_token_add,
    [FM_WEB_OP_TOKEN_REVOKE] = op_token_revoke,
    [FM_WEB_OP_ADMIN_AUTHLOG] = op_admin_authlog,
};

void
fm_web_broker_handle(fm_web_broker_t *b, struct fm_web_request *r,
    struct fm_web_answer *a, FILE *body)
{
	struct call c = {.b = b, .r = r, .a = a, .body = body};

	memset(a, 0, sizeof(*a));
	a->status = 500;
	if (!find_session(&c)) {
		c.lang = answer_language(&c);
		fm_i18n_set_lang(c.lang);
		store_failed(&c);
	} else {
		c.lang = answer_language(&c);
		fm_i18n_set_lang(c.lang);
		if (token_refused(&c)) {
			/* answered: the token is not good */
		} else if (c.via_token && !token_may(r->op))
			fail(&c, 403, "token-refused",
			    N_("An API token cannot do this. Please log in "
			       "with a browser."));
		else if (r->op >= FM_WEB_OP_SESSION && r->op <= FM_WEB_OP_MAX &&
		    ops[r->op] != NULL)
			ops[r->op](&c);
		else
			fail(&c, 400, "bad-request", N_("Unknown request."));
	}
	fm_wipe(r->id, sizeof(r->id));
	fm_wipe(r->token, sizeof(r->token));
	for (size_t i = 0; i < r->nargs; i++)
		if (is_secret_arg(r->args[i].name))
			fm_wipe(r->args[i].value, sizeof(r->args[i].value));
}

/* --- serving --------------------------------------------------------- */

/* Sends a with the body's bytes in a memory file beside it. */
static bool
send_answer(
    int sock, const struct fm_web_answer *a, const char *body, size_t len)
{
	uint8_t buf[FM_WEB_ANSWERMAX];
	size_t n = fm_web_answer_encode(a, buf, sizeof(buf));
	int fd = memfd_create("followme-web-body", MFD_CLOEXEC);
	bool ok = fd >= 0 && n > 0;

	for (size_t off = 0; ok && off < len;) {
		ssize_t w = write(fd, body + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		off += w > 0 ? (size_t)w : 0;
	}
	ok = ok && lseek(fd, 0, SEEK_SET) == 0 &&
	    fm_fdpass_send(sock, buf, n, fd, 0);
	if (fd >= 0)
		close(fd);
	return ok;
}

int
fm_web_broker_serve(fm_web_broker_t *b, int sock)
{
	static uint8_t buf[FM_WEB_REQUESTMAX + 1];
	static struct fm_web_request r;

	b->sock = sock;
	for (;;) {
		struct fm_web_answer a;
		const char *errstr = NULL;
		char *body = NULL;
		size_t len = 0;
		int fd = -1;
		ssize_t n = fm_fdpass_recv(sock, buf, sizeof(buf), 0, &fd);
		FILE *f;

		if (fd >= 0)
			close(fd);
		if (n == 0)
			return 0;
		if (n < 0) {
			fm_log_warn("web worker: %s", strerror(errno));
			return -1;
		}
		if ((f = open_memstream(&body, &len)) == NULL) {
			fm_log_warn("web worker: out of memory");
			return -1;
		}
		if (!fm_web_request_decode(buf, (size_t)n, &r, &errstr)) {
			/* The HTTP side sent it: a bug there, not a user's. */
			fm_log_warn("web worker: %s", errstr);
			memset(&a, 0, sizeof(a));
			a.status = 400;
			fprintf(f, "{\"error\":\"bad-request\"}\n");
		} else {
			fm_web_broker_handle(b, &r, &a, f);
		}
		fm_wipe(buf, sizeof(buf));
		if (fclose(f) != 0 || !send_answer(sock, &a, body, len)) {
			free(body);
			fm_log_warn(
			    "web worker: cannot answer: %s", strerror(errno));
			return -1;
		}
		free(body);
	}
}
