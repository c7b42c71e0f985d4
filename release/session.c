/*
 * session.c - serving one release terminal.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/session.h"

#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/tls.h"
#include "common/utf8.h"
#include "quota/accounts.h"
#include "store/authlog.h"
#include "store/jobstore.h"
#include "store/releases.h"
#include "store/terminals.h"
#include "release/login.h"
#include "release/sandbox.h"
#include "common/money.h"
#include "store/printers.h"
#include "quota/policy.h"
#include "quota/users.h"
#include "release/charge.h"
#include "release/pki.h"
#include "release/ipp.h"
#include "proto/protoio.h"
#include "spooler/hold.h"
#include "spooler/spool.h"

struct session {
	struct fm_session_ctx *ctx;
	fm_tls_t *tls;
	struct fm_terminal terminal;
	bool hello;
	uint32_t version;     /* the HELLO's: what the terminal understands */
	int64_t seen_written; /* when its presence was last written */
	char user[FM_PROTO_TEXTMAX]; /* "" until someone logs in */
	bool by_secret; /* user gave a PIN or password, not only a badge */
	struct fm_proto_msg out; /* reply being built */
	enum printer_caps {
		CAPS_UNASKED, /* the printer has not been asked yet */
		CAPS_COLOUR,  /* prints colour, or did not say */
		CAPS_MONO,    /* prints only black and white */
	} caps;
};

static int64_t
now(void)
{
	return (int64_t)time(NULL);
}

static bool
send_msg(struct session *s)
{
	bool ok = fm_protoio_send(s->tls, &s->out);

	fm_proto_wipe(&s->out);
	return ok;
}

static bool send_error(struct session *s, enum fm_proto_code code,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool
send_error(struct session *s, enum fm_proto_code code, const char *fmt, ...)
{
	va_list ap;

	fm_proto_init(&s->out, FM_MSG_ERROR);
	s->out.code = (uint32_t)code;
	va_start(ap, fmt);
	vsnprintf(s->out.message, sizeof(s->out.message), fmt, ap);
	va_end(ap);
	return send_msg(s);
}

static bool
send_ok(struct session *s, const char *message)
{
	fm_proto_init(&s->out, FM_MSG_OK);
	snprintf(s->out.message, sizeof(s->out.message), "%s", message);
	return send_msg(s);
}

/* The display name from the passwd entry (GECOS up to the first comma). */
static void
full_name(const char *user, char *buf, size_t size)
{
	struct passwd *pw = getpwnam(user);
	const char *gecos = pw && pw->pw_gecos ? pw->pw_gecos : "";
	size_t n = strcspn(gecos, ",");

	if (!fm_utf8_clean(buf, size, gecos, n))
		buf[0] = '\0';
}

/* Tells the admins' pages the terminal is connected (or not), and
 * what it speaks; a store too busy now is told at the next request. */
static void
write_presence(struct session *s, bool connected)
{
	if (fm_terminals_seen(
	        s->ctx->store, s->terminal.id, connected, s->version, now()))
		s->seen_written = now();
}

static bool
handle_hello(struct session *s, const struct fm_proto_msg *m)
{
	if (m->version < FM_PROTO_VERSION_MIN)
		return send_error(s, FM_CODE_VERSION,
		    "This server speaks protocol versions %d to %d",
		    FM_PROTO_VERSION_MIN, FM_PROTO_VERSION);
	/* A newer terminal gets what this server speaks; it may then use
	 * no more than that. */
	s->version =
	    m->version < FM_PROTO_VERSION ? m->version : FM_PROTO_VERSION;
	s->hello = true;
	write_presence(s, true);
	fm_proto_init(&s->out, FM_MSG_HELLO_OK);
	s->out.version = s->version;
	snprintf(
	    s->out.terminal, sizeof(s->out.terminal), "%s", s->terminal.name);
	/* The web console's connection picks a printer at each login. */
	snprintf(s->out.printer, sizeof(s->out.printer), "%s",
	    s->terminal.web ? "*" : s->terminal.printer);
	s->out.timeout = (uint32_t)s->ctx->settings->session_timeout;
	return send_msg(s);
}

/* Sends AUTH_FAIL with code and message (and retry_after, 0 for none). */
static bool
auth_fail(struct session *s, enum fm_proto_code code, uint32_t retry_after,
    const char *message)
{
	fm_proto_init(&s->out, FM_MSG_AUTH_FAIL);
	s->out.code = (uint32_t)code;
	s->out.retry_after = retry_after;
	snprintf(s->out.message, sizeof(s->out.message), "%s", message);
	return send_msg(s);
}

/* Answers a login the decryptor's checks refused (see login.h). */
static bool
refuse_login(
    struct session *s, const char *user, const struct fm_login_answer *a)
{
	uint32_t after = a->wait > 0 ? a->wait : 1;
	char msg[FM_PROTO_TEXTMAX];

	switch (a->outcome) {
	case FM_LOGIN_LOCKED:
		fm_log_info("session: login refused at terminal %s: user "
		            "locked out",
		    s->terminal.name);
		snprintf(msg, sizeof(msg),
		    "Too many failed attempts. Try again in %u minute(s) or "
		    "ask your administrator.",
		    (after + 59) / 60);
		return auth_fail(s, FM_CODE_LOCKED_OUT, after, msg);
	case FM_LOGIN_SLOW_DOWN:
		fm_log_info("session: PIN login at terminal %s held back %u s "
		            "after failed logins",
		    s->terminal.name, after);
		snprintf(msg, sizeof(msg),
		    "Too many failed logins at this terminal. Try again in %u "
		    "second(s), or use your badge.",
		    after);
		return auth_fail(s, FM_CODE_LOCKED_OUT, after, msg);
	case FM_LOGIN_BUSY:
		/* Only a second connection of this terminal's certificate
		 * gets here: a terminal waits for each answer. */
		fm_log_info("session: login refused at terminal %s: another "
		            "is in progress",
		    s->terminal.name);
		return auth_fail(s, FM_CODE_LOCKED_OUT, 1,
		    "Another login is in progress at this terminal.");
	case FM_LOGIN_ACCOUNT:
		fm_log_info("session: account of %s refused at terminal %s",
		    user, s->terminal.name);
		return auth_fail(
		    s, FM_CODE_DISABLED, 0, "Your account may not print here.");
	case FM_LOGIN_DISABLED:
		/* A real badge, not a guess: no failure is counted. */
		fm_log_info("session: badge of disabled user %s at terminal %s",
		    a->user, s->terminal.name);
		return auth_fail(
		    s, FM_CODE_DISABLED, 0, "Your account may not print here.");
	case FM_LOGIN_DENIED:
		fm_log_info("session: failed login for %s at terminal %s", user,
		    s->terminal.name);
		return auth_fail(s, FM_CODE_BAD_CREDENTIALS, 0,
		    user[0] != '\0' ? "Wrong user name or PIN." : "Wrong PIN.");
	case FM_LOGIN_UNKNOWN_BADGE:
		fm_log_info(
		    "session: unknown badge at terminal %s", s->terminal.name);
		return auth_fail(s, FM_CODE_UNKNOWN_BADGE, 0,
		    "Unknown badge. Log in with your user name and PIN to "
		    "register it.");
	case FM_LOGIN_NEED_PIN:
		return auth_fail(
		    s, FM_CODE_BAD_CREDENTIALS, 0, "Enter your PIN too.");
	case FM_LOGIN_STORE_ERROR:
	case FM_LOGIN_UNAVAILABLE:
	case FM_LOGIN_OK:
	case FM_LOGIN_NOT_BY_SECRET:
	case FM_LOGIN_REFUSED:
		break;
	}
	fm_log_warn("session: login unavailable at terminal %s (PAM service "
	            "%s, the badge key or the store failed)",
	    s->terminal.name, s->ctx->settings->pam_service);
	return auth_fail(s, FM_CODE_INTERNAL, 0,
	    "Login is unavailable right now. Please try again.");
}

/* A login request for the decryptor, from this session's terminal. */
static void
login_request(struct session *s, enum fm_login_op op,
    const struct fm_proto_msg *m, struct fm_login_request *r)
{
	memset(r, 0, sizeof(*r));
	r->op = op;
	snprintf(r->terminal, sizeof(r->terminal), "%s", s->terminal.name);
	if (m == NULL)
		return;
	_Static_assert(sizeof(r->user) == sizeof(m->user) &&
	        sizeof(r->secret) == sizeof(m->secret) &&
	        sizeof(r->uid) == sizeof(m->uid),
	    "login requests carry the protocol's fields whole");
	memcpy(r->user, m->user, sizeof(r->user));
	memcpy(r->secret, m->secret, sizeof(r->secret));
	memcpy(r->uid, m->uid, sizeof(r->uid));
	r->uid_len = m->uid_len;
}

/* What the user has to spend: their own account's balance and their
 * department's, which pays before or after them (the payer policy). */
static int64_t
user_balance(struct session *s, const char *user)
{
	struct fm_account dept;
	struct fm_user u;

	if (!fm_users_get(s->ctx->store, user, &u))
		return 0;
	if (u.dept_code[0] != '\0' &&
	    fm_accounts_find(s->ctx->store, "department", u.dept_code, &dept))
		return u.account.balance + dept.balance;
	return u.account.balance;
}

/* Ends the login on this session, if there is one, and in its
 * decryptor. */
static void
log_out(struct session *s, const char *why)
{
	struct fm_login_request r;
	struct fm_login_answer a;

	if (s->user[0] != '\0') {
		fm_log_info("session: %s logged out at terminal %s%s", s->user,
		    s->terminal.name, why);
		login_request(s, FM_LOGIN_LOGOUT, NULL, &r);
		fm_decryptor_login(s->ctx->decryptor, &r, &a);
	}
	s->user[0] = '\0';
	s->by_secret = false;
}

static bool
logged_in(struct session *s, const char *user, bool by_secret)
{
	struct fm_user u;

	snprintf(s->user, sizeof(s->user), "%s", user);
	s->by_secret = by_secret;
	fm_log_info(
	    "session: %s logged in at terminal %s", user, s->terminal.name);
	fm_proto_init(&s->out, FM_MSG_AUTH_OK);
	snprintf(s->out.user, sizeof(s->out.user), "%s", user);
	/* The name the admin gave, else the one in the passwd entry. */
	if (fm_users_get(s->ctx->store, user, &u) && u.full_name[0] != '\0')
		fm_utf8_clean(s->out.full_name, sizeof(s->out.full_name),
		    u.full_name, strlen(u.full_name));
	else
		full_name(user, s->out.full_name, sizeof(s->out.full_name));
	s->out.balance = user_balance(s, user);
	/* The terminal shows its screens in the user's language and
	 * amounts in the site's currency: it translates, this session
	 * does not (it runs confined, one server for terminals in every
	 * language).  A version 1 terminal would refuse both fields. */
	if (s->version >= 2) {
		if (fm_users_get(s->ctx->store, user, &u))
			snprintf(s->out.language, sizeof(s->out.language), "%s",
			    u.language);
		if (!fm_policy_get(s->ctx->store, "currency", s->out.currency,
		        sizeof(s->out.currency)))
			s->out.currency[0] = '\0';
	}
	return send_msg(s);
}

/* PIN or password: checked by the decryptor (login.h), not here. */
static bool
handle_auth_pin(struct session *s, struct fm_proto_msg *m)
{
	struct fm_login_request r;
	struct fm_login_answer a;
	char user[FM_PROTO_TEXTMAX];

	log_out(s, " (another login began)");
	snprintf(user, sizeof(user), "%s", m->user);
	login_request(s, FM_LOGIN_SECRET, m, &r);
	fm_wipe(m->secret, sizeof(m->secret));
	if (fm_decryptor_login(s->ctx->decryptor, &r, &a) == FM_LOGIN_OK)
		return logged_in(s, a.user, true);
	return refuse_login(s, user, &a);
}

/* A badge, alone or with its owner's PIN: the decryptor hashes it with
 * badge.key (which this process never reads) and decides. */
static bool
handle_auth_badge(struct session *s, struct fm_proto_msg *m)
{
	struct fm_login_request r;
	struct fm_login_answer a;
	bool alone = m->type == FM_MSG_AUTH_BADGE;

	log_out(s, " (another login began)");
	login_request(s, alone ? FM_LOGIN_BADGE : FM_LOGIN_BADGE_SECRET, m, &r);
	r.user[0] = '\0';
	fm_wipe(m->secret, sizeof(m->secret));
	if (fm_decryptor_login(s->ctx->decryptor, &r, &a) == FM_LOGIN_OK)
		return logged_in(s, a.user, !alone);
	return refuse_login(s, "", &a);
}

/*
 * The web console's connection (followme-webd(8)): a person whose web
 * session the decryptor finds live, at the printer they picked, which
 * must be one an admin added: a browser never names an address.
 */
static bool
handle_auth_web(struct session *s, struct fm_proto_msg *m)
{
	struct fm_login_request r;
	struct fm_login_answer a;
	struct fm_printer pr;

	log_out(s, " (another login began)");
	if (!s->terminal.web) {
		fm_wipe(m->secret, sizeof(m->secret));
		return send_error(s, FM_CODE_BAD_REQUEST,
		    "Only the web console logs in with a web session.");
	}
	if (!fm_printers_get(s->ctx->store, m->printer, &pr)) {
		fm_wipe(m->secret, sizeof(m->secret));
		return send_error(s, FM_CODE_PRINTER_ERROR,
		    "There is no printer of that name.");
	}
	snprintf(
	    s->terminal.printer, sizeof(s->terminal.printer), "%s", pr.name);
	s->caps = CAPS_UNASKED;
	login_request(s, FM_LOGIN_WEB, m, &r);
	r.user[0] = '\0';
	fm_wipe(m->secret, sizeof(m->secret));
	if (fm_decryptor_login(s->ctx->decryptor, &r, &a) == FM_LOGIN_OK)
		return logged_in(s, a.user, true);
	return refuse_login(s, "", &a);
}

static bool
handle_associate(struct session *s, const struct fm_proto_msg *m)
{
	struct fm_login_request r;
	struct fm_login_answer a;

	login_request(s, FM_LOGIN_ASSOCIATE, m, &r);
	r.user[0] = '\0';
	fm_wipe(r.secret, sizeof(r.secret));
	switch (fm_decryptor_login(s->ctx->decryptor, &r, &a)) {
	case FM_LOGIN_OK:
		fm_log_info("session: %s registered a badge at terminal %s",
		    s->user, s->terminal.name);
		return send_ok(s, "Badge registered: next time, just tap it.");
	case FM_LOGIN_NOT_BY_SECRET:
		return send_error(s, FM_CODE_BAD_CREDENTIALS,
		    "Log in with your user name and PIN to register a badge.");
	case FM_LOGIN_REFUSED:
		return send_error(s, FM_CODE_BAD_REQUEST,
		    "This badge cannot be registered to you (%s).", a.message);
	default:
		return send_error(
		    s, FM_CODE_INTERNAL, "Cannot register badges now.");
	}
}

struct list_ctx {
	struct session *s;
	struct fm_proto_msg *out;
};

/* How long a job list may wait for the printer to say what it prints. */
#define CAPS_TIMEOUT_MS 5000

/*
 * Does the terminal's printer print only black and white?  Asked once a
 * session (a release asks again and keeps the answer); a printer that
 * does not answer counts as colour for the session's estimates, the
 * dearer reading, and the release then charges what it printed.
 */
static bool
printer_is_mono(struct session *s)
{
	const char *address = s->terminal.printer;
	struct fm_printer pr;
	char why[256];
	fm_ipp_t *p;

	if (s->caps != CAPS_UNASKED)
		return s->caps == CAPS_MONO;
	s->caps = CAPS_COLOUR;
	if (fm_printers_get(s->ctx->store, s->terminal.printer, &pr))
		address = pr.uri;
	if ((p = fm_ipp_open(address, CAPS_TIMEOUT_MS, why, sizeof(why))) ==
	    NULL)
		return false;
	/* Busy or jammed, it still says what it can print. */
	(void)fm_ipp_ready(p, why, sizeof(why));
	if (fm_ipp_is_mono(p))
		s->caps = CAPS_MONO;
	fm_ipp_close(p);
	return s->caps == CAPS_MONO;
}

/*
 * The job's cost as submitted, on this terminal's printer, into pj: the
 * estimate of its counted pages, or for a job whose pages are unknown
 * what a release reserves for it ("up to"), or "no price" (a release
 * would be refused: a size or printer the price list does not price).
 */
static void
estimated_cost(
    struct session *s, const struct fm_job *job, struct fm_proto_job *pj)
{
	struct fm_release r = {0};
	struct fm_usage u;
	struct fm_quote q;

	r.copies = job->ticket.copies;
	snprintf(r.sides, sizeof(r.sides), "%s", job->ticket.sides);
	snprintf(r.color_mode, sizeof(r.color_mode), "%s",
	    printer_is_mono(s) ? "monochrome" : job->ticket.color_mode);
	fm_charge_usage(job, &r,
	    fm_charge_estimate_impressions(
	        job, &r, (int64_t)s->ctx->settings->unknown_pages_reserve),
	    -1, &u);
	if (!fm_price_quote(s->ctx->store, s->terminal.printer, &u, &q)) {
		pj->cost = 0;
		pj->cost_kind = FM_COST_NO_PRICE;
		return;
	}
	pj->cost = q.amount;
	if (job->counting)
		pj->cost_kind = FM_COST_COUNTING;
	else if (fm_charge_pages_known(job))
		pj->cost_kind = FM_COST_ESTIMATE;
	else
		pj->cost_kind = FM_COST_UP_TO;
}

static bool
add_job(const struct fm_job *job, void *arg)
{
	struct list_ctx *ctx = arg;
	struct fm_proto_msg *out = ctx->out;
	struct fm_proto_job *pj;

	if (out->njobs == FM_PROTO_MAXJOBS) {
		out->more_jobs = true;
		return false;
	}
	pj = &out->jobs[out->njobs++];
	pj->id = job->id;
	/* Shown only to its owner; long titles are cut for the screen. */
	fm_utf8_clean(pj->title, sizeof(pj->title), job->ticket.title,
	    strlen(job->ticket.title));
	pj->documents = (uint32_t)job->documents;
	pj->pages = job->pages > 0 ? (uint32_t)job->pages : 0;
	pj->color_pages = job->color_pages > 0 ? (uint32_t)job->color_pages : 0;
	estimated_cost(ctx->s, job, pj);
	pj->created_at = job->created_at;
	pj->expires_at = job->expires_at;
	pj->copies = job->ticket.copies;
	return true;
}

static bool
handle_list(struct session *s)
{
	struct list_ctx ctx = {s, &s->out};

	/* Asked before the list is read: no read stays open on the store
	 * while the printer takes its time. */
	(void)printer_is_mono(s);
	fm_proto_init(&s->out, FM_MSG_JOB_LIST);
	s->out.balance = user_balance(s, s->user);
	fm_jobstore_list(s->ctx->store, s->user, "held", add_job, &ctx);
	return send_msg(s);
}

struct owned {
	int64_t ids[FM_PROTO_MAXIDS];
	size_t n;
};

static bool
collect_id(const struct fm_job *job, void *arg)
{
	struct owned *o = arg;

	if (o->n == FM_PROTO_MAXIDS)
		return false;
	o->ids[o->n++] = job->id;
	return true;
}

/* The jobs a request names, or all of the user's held jobs. */
static void
requested_jobs(struct session *s, const struct fm_proto_msg *m, struct owned *o)
{
	o->n = 0;
	if (m->all) {
		fm_jobstore_list(s->ctx->store, s->user, "held", collect_id, o);
		return;
	}
	memcpy(o->ids, m->ids, m->nids * sizeof(m->ids[0]));
	o->n = m->nids;
}

static bool
handle_delete(struct session *s, const struct fm_proto_msg *m)
{
	char dir[512], detail[128], msg[64];
	const char *errstr = NULL;
	struct owned o;
	fm_spool_t *spool;
	int done = 0;

	requested_jobs(s, m, &o);
	if (!fm_settings_spool_dir(s->ctx->settings, dir, sizeof(dir)) ||
	    (spool = fm_spool_open(dir, NULL, &errstr)) == NULL)
		return send_error(s, FM_CODE_INTERNAL,
		    "Cannot delete now. Please try again.");
	snprintf(detail, sizeof(detail), "by its owner at terminal %s",
	    s->terminal.name);
	for (size_t i = 0; i < o.n; i++) {
		struct fm_job job;
		if (fm_jobstore_get(s->ctx->store, o.ids[i], &job) &&
		    strcmp(job.ticket.owner, s->user) == 0 &&
		    fm_hold_end(s->ctx->store, spool, o.ids[i], "deleted",
		        detail, now()) != FM_HOLD_NOT_HELD)
			done++;
	}
	fm_spool_close(spool);
	if (done == 0 && o.n > 0)
		return send_error(
		    s, FM_CODE_NO_SUCH_JOB, "No such job is held for you.");
	snprintf(msg, sizeof(msg), "Deleted %d job(s).", done);
	return send_ok(s, msg);
}

static bool
handle_extend(struct session *s, const struct fm_proto_msg *m)
{
	char detail[128], msg[80];
	struct owned o;
	int done = 0;
	int64_t until = now() + (int64_t)s->ctx->settings->expire_after;

	requested_jobs(s, m, &o);
	snprintf(detail, sizeof(detail), "by its owner at terminal %s",
	    s->terminal.name);
	for (size_t i = 0; i < o.n; i++)
		if (fm_jobstore_extend(
		        s->ctx->store, o.ids[i], s->user, until, detail, now()))
			done++;
	if (done == 0 && o.n > 0)
		return send_error(
		    s, FM_CODE_NO_SUCH_JOB, "No such job is held for you.");
	snprintf(msg, sizeof(msg),
	    "Kept %d job(s) for another %" PRIu64 " hour(s).", done,
	    (s->ctx->settings->expire_after + 3599) / 3600);
	return send_ok(s, msg);
}

/* How long a printer may take to finish a released job. */
#define PRINT_TIMEOUT_SEC 600
#define POLL_INTERVAL_US 250000
/* A busy printer is asked again every half second, for two minutes. */
#define BUSY_WAIT_US 500000
#define BUSY_RETRIES 240
/* Documents of one job a release sends (more are refused). */
#define MAX_DOCS 16

static bool __attribute__((format(printf, 7, 0))) vprogress(struct session *s,
    int64_t job_id, enum fm_proto_stage stage, enum fm_proto_code code,
    uint32_t pages, int64_t charge, const char *fmt, va_list ap)
{
	fm_proto_init(&s->out, FM_MSG_PROGRESS);
	s->out.job_id = job_id;
	s->out.stage = (uint32_t)stage;
	s->out.code = (uint32_t)code;
	s->out.pages = pages;
	s->out.charge = charge;
	vsnprintf(s->out.message, sizeof(s->out.message), fmt, ap);
	return send_msg(s);
}

static bool progress(struct session *s, int64_t job_id,
    enum fm_proto_stage stage, uint32_t pages, int64_t charge, const char *fmt,
    ...) __attribute__((format(printf, 6, 7)));

static bool
progress(struct session *s, int64_t job_id, enum fm_proto_stage stage,
    uint32_t pages, int64_t charge, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vprogress(s, job_id, stage, 0, pages, charge, fmt, ap);
	va_end(ap);
	return ok;
}

struct docs {
	struct fm_document d[MAX_DOCS];
	int n;
	bool too_many;
};

static bool
collect_doc(const struct fm_document *doc, void *arg)
{
	struct docs *docs = arg;

	if (docs->n == MAX_DOCS) {
		docs->too_many = true;
		return false;
	}
	docs->d[docs->n++] = *doc;
	return true;
}

/* A release under way: what its phases found out, for the next phase
 * and for its end. */
struct release {
	struct session *s;
	fm_ipp_t *p;
	int64_t job_id;
	struct fm_job job;
	struct docs docs;
	struct fm_release r; /* the record: its id, options, reservation */
	bool mono_printer;   /* the printer prints only black and white */
	int64_t estimate;    /* impressions, from the job's pages */
	bool reserved;       /* the ledger holds the estimate for it */
	int ids[MAX_DOCS];   /* the printer's job for each document sent */
	int nids;
	char jobs_str[160]; /* the same, "3,4", for the record */
	/* What printed: for the charge and the record. */
	int64_t impressions, sheets; /* sheets -1 when not reported */
	bool measured;               /* counted by the printer */
	char reason[256];            /* why it failed, for the record */
	const char *damage;          /* a held copy's damage: flags the job */
};

/* Where a phase of a release leaves it. */
enum phase_end {
	PHASE_DONE,    /* go on with the next phase */
	PHASE_STOPPED, /* the release ended; the terminal was told why */
	PHASE_LOST,    /* the terminal could not be told: end the session */
};

static enum phase_end
told(bool sent)
{
	return sent ? PHASE_STOPPED : PHASE_LOST;
}

struct fill_arg {
	fm_decryptor_t *decryptor;
	const char *name, *identity;
	fm_ipp_t *printer;
	enum fm_sealed_status status;
	struct fm_spool_key key;
};

/* A document's wrapped key, for its decryptor (spooler/spool.h). */
static struct fm_spool_key
document_key(const struct fm_job *job, const struct fm_document *doc)
{
	return (struct fm_spool_key){
	    job->ticket.owner, doc->wrapped_key, doc->wrapped_len};
}

static bool
to_printer(const uint8_t *buf, size_t len, void *arg)
{
	struct fill_arg *f = arg;

	return len == 0 || fm_ipp_write(f->printer, buf, len);
}

static bool
fill_document(fm_ipp_t *p, void *arg)
{
	struct fill_arg *f = arg;

	f->printer = p;
	f->status = fm_decryptor_read(
	    f->decryptor, f->name, f->identity, &f->key, to_printer, f);
	return f->status == FM_SEALED_OK;
}

/* The options a release may change, only ever downwards. */
static void
lowered_options(const struct fm_job *job, const struct fm_proto_msg *m,
    struct fm_release *r)
{
	const struct fm_ticket *t = &job->ticket;

	r->copies = t->copies;
	if (m->copies > 0 && m->copies < t->copies)
		r->copies = m->copies;
	snprintf(r->sides, sizeof(r->sides), "%s", t->sides);
	if (m->force_duplex && strcmp(t->sides, "one-sided") == 0)
		snprintf(r->sides, sizeof(r->sides), "two-sided-long-edge");
	snprintf(r->color_mode, sizeof(r->color_mode), "%s",
	    m->force_gray ? "monochrome" : t->color_mode);
}

/* Charges (or refunds) the release for impressions; returns the amount
 * charged.  A ledger failure is logged: the release record keeps what
 * printed, so an admin can settle it by hand. */
static int64_t
settle(struct release *rel, int64_t impressions)
{
	struct session *s = rel->s;
	const char *errstr = NULL;
	int64_t charged = 0;

	if (rel->r.reservation_id == 0)
		return 0;
	if (!fm_charge_settle(s->ctx->store, s->ctx->ledger,
	        s->terminal.printer, &rel->job, &rel->r, impressions,
	        rel->sheets > 0 ? rel->sheets : -1, rel->measured, &charged,
	        &errstr))
		fm_log_warn("release %lld: cannot settle the charge: %s",
		    (long long)rel->r.id, errstr ? errstr : "ledger error");
	return charged;
}

static enum phase_end release_failed(
    struct release *rel, enum fm_proto_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The one way a started release fails: what the printer counted is
 * charged and the rest of the reservation refunded, the release is
 * recorded as failed with rel->reason (the job is held again, and
 * flagged if its copy is damaged), and the terminal is told why.
 */
static enum phase_end
release_failed(
    struct release *rel, enum fm_proto_code code, const char *fmt, ...)
{
	struct session *s = rel->s;
	int64_t printed = rel->measured ? rel->impressions : 0, charged = 0;
	va_list ap;
	bool sent;

	if (rel->reserved)
		charged = settle(rel, printed);
	fm_releases_finish(s->ctx->store, rel->r.id, FM_RELEASE_FAILED, printed,
	    rel->sheets, rel->measured, rel->reason, now());
	if (rel->damage != NULL)
		fm_jobstore_event(
		    s->ctx->store, rel->job_id, "damaged", rel->damage, now());
	va_start(ap, fmt);
	sent = vprogress(s, rel->job_id, FM_STAGE_FAILED, code,
	    (uint32_t)printed, charged, fmt, ap);
	va_end(ap);
	return told(sent);
}

/*
 * A job whose pages followmed is still counting after the hold (a
 * document only Ghostscript can count): the terminal is told, and the
 * release waits up to count_wait for the count, so that the estimate
 * and the charge use it.  Past the deadline the job goes on with its
 * pages unknown (unknown_pages_reserve).  False if the terminal is gone.
 */
static bool
wait_for_count(struct release *rel)
{
	struct session *s = rel->s;
	int64_t deadline = now() + (int64_t)s->ctx->settings->count_wait;

	if (!progress(s, rel->job_id, FM_STAGE_RESERVED, 0, 0,
	        "Counting the pages of this job..."))
		return false;
	while (rel->job.counting && now() < deadline) {
		poll(NULL, 0, 250);
		if (!fm_jobstore_get(s->ctx->store, rel->job_id, &rel->job))
			break;
	}
	if (rel->job.counting)
		fm_log_info("release of job %lld: its pages are still being "
		            "counted after %llu s; released as not counted",
		    (long long)rel->job_id,
		    (unsigned long long)s->ctx->settings->count_wait);
	return true;
}

/* The user's job and its documents, and the release it would be; a job
 * that cannot be released is refused before any record is made. */
static enum phase_end
find_job(struct release *rel, const struct fm_proto_msg *m)
{
	struct session *s = rel->s;
	struct fm_release *r = &rel->r;

	if (!fm_jobstore_get(s->ctx->store, rel->job_id, &rel->job) ||
	    strcmp(rel->job.ticket.owner, s->user) != 0) {
		fm_log_job_info(rel->job_id,
		    "release of job %lld at %s refused: no such job of "
		    "%s",
		    (long long)rel->job_id, s->terminal.name, s->user);
		return told(progress(s, rel->job_id, FM_STAGE_FAILED, 0, 0,
		    "No such job is held for you."));
	}
	if (rel->job.counting && !wait_for_count(rel))
		return PHASE_LOST;
	fm_jobstore_documents(
	    s->ctx->store, rel->job_id, collect_doc, &rel->docs);
	lowered_options(&rel->job, m, r);
	/* A mono-only printer prints every page black and white: the
	 * release is one, and is estimated, charged and recorded so
	 * (recovery after a crash then charges mono too). */
	if (rel->mono_printer)
		snprintf(r->color_mode, sizeof(r->color_mode), "monochrome");
	r->job_id = rel->job_id;
	_Static_assert(sizeof(r->user) == sizeof(s->user) &&
	        sizeof(r->terminal) == sizeof(s->terminal.name) &&
	        sizeof(r->printer) == sizeof(s->terminal.printer),
	    "a release records its session's names whole");
	memcpy(r->user, s->user, sizeof(r->user));
	memcpy(r->terminal, s->terminal.name, sizeof(r->terminal));
	memcpy(r->printer, s->terminal.printer, sizeof(r->printer));
	rel->estimate = fm_charge_estimate_impressions(
	    &rel->job, r, (int64_t)s->ctx->settings->unknown_pages_reserve);
	r->estimate_impressions = rel->estimate;
	if (rel->docs.n == 0 || rel->docs.too_many) {
		fm_log_job_info(rel->job_id,
		    "release of job %lld refused: %d document(s)",
		    (long long)rel->job_id, rel->docs.n);
		return told(progress(s, rel->job_id, FM_STAGE_FAILED, 0, 0,
		    "This job cannot be released here."));
	}
	return PHASE_DONE;
}

/* The release record (the job leaves the hold for it), then the ledger's
 * reservation of the estimate. */
static enum phase_end
reserve(struct release *rel)
{
	struct session *s = rel->s;
	char denial[160];
	bool over_quota;

	if (!fm_releases_start(s->ctx->store, &rel->r, now())) {
		fm_log_job_info(rel->job_id,
		    "release of job %lld at %s refused: not held by %s "
		    "(%s)",
		    (long long)rel->job_id, s->terminal.name, s->user,
		    fm_store_last_error(s->ctx->store));
		return told(progress(s, rel->job_id, FM_STAGE_FAILED, 0, 0,
		    "This job is no longer held (printed or deleted "
		    "elsewhere?)."));
	}
	if (!fm_charge_reserve(s->ctx->store, s->ctx->ledger,
	        s->terminal.printer, &rel->job, &rel->r, denial, sizeof(denial),
	        &over_quota)) {
		fm_log_job_info(rel->job_id,
		    "release %lld of job %lld refused: %s",
		    (long long)rel->r.id, (long long)rel->job_id, denial);
		snprintf(rel->reason, sizeof(rel->reason), "%s", denial);
		/* Headless terminals signal "over quota" differently. */
		return release_failed(
		    rel, over_quota ? FM_CODE_OVER_QUOTA : 0, "%s", denial);
	}
	rel->reserved = true;
	if (!fm_charge_pages_known(&rel->job)) {
		char money[FM_MONEY_STRMAX];

		/* No page count to show: what is set aside is the cost so
		 * far, and "up to" is what the user must read. */
		if (!progress(s, rel->job_id, FM_STAGE_RESERVED, 0,
		        rel->r.estimate_amount,
		        "Preparing... Its pages could not be counted: up to "
		        "%s is set aside; the printer's count is charged.",
		        fm_money_format(
		            rel->r.estimate_amount, money, sizeof(money))))
			return PHASE_LOST;
		return PHASE_DONE;
	}
	if (!progress(s, rel->job_id, FM_STAGE_RESERVED,
	        (uint32_t)rel->estimate, rel->r.estimate_amount,
	        "Preparing..."))
		return PHASE_LOST;
	return PHASE_DONE;
}

/* Every document's tags, before a byte goes out: a damaged held copy is
 * never printed, not even in part. */
static enum phase_end
verify(struct release *rel)
{
	struct session *s = rel->s;
	char identity[128];

	for (int i = 0; i < rel->docs.n; i++) {
		const struct fm_document *doc = &rel->docs.d[i];
		struct fm_spool_key key;
		enum fm_sealed_status st;

		fm_spool_identity(
		    rel->job.ticket.uuid, doc->seq, identity, sizeof(identity));
		key = document_key(&rel->job, doc);
		st = fm_decryptor_verify(
		    s->ctx->decryptor, doc->spool_file, identity, &key);
		if (st == FM_SEALED_OK)
			continue;
		fm_log_job_warn(rel->job_id,
		    "release %lld: job %lld document %d: %s",
		    (long long)rel->r.id, (long long)rel->job_id, doc->seq,
		    fm_sealed_status_text(st));
		snprintf(rel->reason, sizeof(rel->reason),
		    "the held copy is damaged");
		rel->damage = fm_sealed_status_text(st);
		return release_failed(rel, 0,
		    "The held copy is damaged and cannot be printed. Please "
		    "print it again.");
	}
	return PHASE_DONE;
}

/* Submits one document, waiting our turn at a busy printer as the user
 * would at the panel; false with rel->reason. */
static bool
submit(struct release *rel, const struct fm_document *doc)
{
	struct session *s = rel->s;
	const struct fm_ticket *t = &rel->job.ticket;
	struct fm_ipp_request req = {s->user, t->title, doc->format,
	    rel->r.copies, rel->r.sides, rel->r.color_mode, t->number_up,
	    t->media};
	char identity[128], err[256];
	struct fill_arg fa = {s->ctx->decryptor, doc->spool_file, identity,
	    NULL, FM_SEALED_OK, document_key(&rel->job, doc)};

	fm_spool_identity(t->uuid, doc->seq, identity, sizeof(identity));
	for (int tries = 0; tries < BUSY_RETRIES; tries++) {
		if (fm_ipp_submit(rel->p, &req, fill_document, &fa,
		        &rel->ids[rel->nids], err, sizeof(err)))
			return true;
		if (!fm_ipp_was_busy(rel->p))
			break;
		if (tries == 0)
			progress(s, rel->job_id, FM_STAGE_RESERVED,
			    (uint32_t)rel->estimate, rel->r.estimate_amount,
			    "Waiting for the printer...");
		usleep(BUSY_WAIT_US);
	}
	snprintf(rel->reason, sizeof(rel->reason), "%s", err);
	return false;
}

/* The documents, in order, each recorded once the printer took it; one
 * refused stops the rest. */
static enum phase_end
send_documents(struct release *rel)
{
	struct session *s = rel->s;

	for (int i = 0; i < rel->docs.n && submit(rel, &rel->docs.d[i]); i++) {
		size_t o = strlen(rel->jobs_str);

		snprintf(rel->jobs_str + o, sizeof(rel->jobs_str) - o, "%s%d",
		    o ? "," : "", rel->ids[rel->nids++]);
		fm_releases_submitted(s->ctx->store, rel->r.id, rel->jobs_str);
	}
	if (rel->nids == 0) {
		fm_log_info(
		    "release %lld of job %lld: the printer did not take "
		    "it: %s",
		    (long long)rel->r.id, (long long)rel->job_id, rel->reason);
		return release_failed(rel, 0,
		    "The printer did not take the job: %s", rel->reason);
	}
	if (!progress(s, rel->job_id, FM_STAGE_SENT, (uint32_t)rel->estimate, 0,
	        "Sent to the printer."))
		return PHASE_LOST;
	return PHASE_DONE;
}

/* One printer job to its end (or our deadline); its last state. */
static void
follow_job(struct release *rel, int id, time_t deadline, bool *told_printing,
    struct fm_ipp_progress *pr)
{
	for (;;) {
		if (!fm_ipp_poll(rel->p, id, pr))
			pr->state = FM_IPP_UNKNOWN;
		if (pr->state == FM_IPP_PROCESSING && !*told_printing) {
			progress(rel->s, rel->job_id, FM_STAGE_PRINTING, 0, 0,
			    "Printing...");
			*told_printing = true;
		}
		if (pr->state >= FM_IPP_COMPLETED)
			return;
		if (time(NULL) > deadline) {
			pr->state = FM_IPP_UNKNOWN;
			return;
		}
		usleep(POLL_INTERVAL_US);
	}
}

/* Follows the printer's jobs to their end and counts what printed (the
 * estimate when the printer does not say). */
static enum phase_end
follow(struct release *rel)
{
	time_t deadline = time(NULL) + PRINT_TIMEOUT_SEC;
	bool told_printing = false, completed = true;

	rel->impressions = rel->sheets = 0;
	rel->measured = true;
	for (int i = 0; i < rel->nids; i++) {
		struct fm_ipp_progress pr;

		follow_job(rel, rel->ids[i], deadline, &told_printing, &pr);
		if (pr.impressions > 0)
			rel->impressions += pr.impressions;
		else
			rel->measured = false;
		if (pr.sheets > 0)
			rel->sheets += pr.sheets;
		if (pr.state != FM_IPP_COMPLETED) {
			completed = false;
			snprintf(rel->reason, sizeof(rel->reason), "%s",
			    pr.state == FM_IPP_CANCELED ? "cancelled at the "
			                                  "printer"
			        : pr.state == FM_IPP_FAILED
			        ? "the printer aborted the job"
			        : "the printer lost track of the job");
		}
	}
	if (!rel->measured)
		rel->impressions = rel->estimate;
	/* A later document the printer refused fails the whole release. */
	if (completed && rel->nids == rel->docs.n)
		return PHASE_DONE;
	fm_log_job_info(rel->job_id, "release %lld of job %lld failed: %s",
	    (long long)rel->r.id, (long long)rel->job_id, rel->reason);
	/* Kept for another try; only what did print is charged. */
	return release_failed(
	    rel, 0, "Not printed: %s. The job is still held.", rel->reason);
}

/* Printed: charged, recorded, and its held copy destroyed. */
static bool
release_printed(struct release *rel, fm_spool_t *spool)
{
	struct session *s = rel->s;
	int64_t sheets = rel->sheets > 0 ? rel->sheets : -1, charged;
	char money[32];

	charged = settle(rel, rel->impressions);
	fm_releases_finish(s->ctx->store, rel->r.id, FM_RELEASE_COMPLETED,
	    rel->impressions, sheets, rel->measured, "", now());
	fm_hold_destroy(s->ctx->store, spool, rel->job_id);
	fm_log_job_info(rel->job_id,
	    "release %lld: job %lld printed on %s, %lld "
	    "impression(s) %s",
	    (long long)rel->r.id, (long long)rel->job_id, s->terminal.printer,
	    (long long)rel->impressions,
	    rel->measured ? "counted" : "estimated");
	if (!rel->measured && !fm_charge_pages_known(&rel->job))
		/* Neither we nor the printer counted: the reservation is
		 * charged, and the user is told it is not a count. */
		return progress(s, rel->job_id, FM_STAGE_DONE, 0, charged,
		    "Printed. The printer did not count the pages: charged "
		    "the %s set aside (estimated).",
		    fm_money_format(charged, money, sizeof(money)));
	return progress(s, rel->job_id, FM_STAGE_DONE,
	    (uint32_t)rel->impressions, charged,
	    "%lld page(s) printed, charged %s.", (long long)rel->impressions,
	    fm_money_format(charged, money, sizeof(money)));
}

/* Releases one job to the terminal's printer, phase after phase; false
 * ends the session. */
static bool
release_one(struct session *s, fm_ipp_t *p, fm_spool_t *spool, int64_t job_id,
    const struct fm_proto_msg *m, int *count)
{
	struct release rel = {.s = s,
	    .p = p,
	    .job_id = job_id,
	    .sheets = -1,
	    .mono_printer = s->caps == CAPS_MONO};
	enum phase_end end;

	if ((end = find_job(&rel, m)) != PHASE_DONE ||
	    (end = reserve(&rel)) != PHASE_DONE ||
	    (end = verify(&rel)) != PHASE_DONE ||
	    (end = send_documents(&rel)) != PHASE_DONE ||
	    (end = follow(&rel)) != PHASE_DONE)
		return end == PHASE_STOPPED;
	(*count)++;
	return release_printed(&rel, spool);
}

static bool
handle_release(struct session *s, const struct fm_proto_msg *m)
{
	char dir[512], why[256], err[256], msg[96];
	const char *errstr = NULL, *address = s->terminal.printer;
	struct fm_printer pr;
	fm_ipp_t *p;
	fm_spool_t *spool;
	struct owned o;
	int printed = 0;
	bool ok = true;

	requested_jobs(s, m, &o);
	if (o.n == 0)
		return send_ok(s, "Nothing to print.");
	/* The terminal's printer is one added with followme-admin printer
	 * add (name -> queue or URI), or a queue or URI itself. */
	if (fm_printers_get(s->ctx->store, s->terminal.printer, &pr))
		address = pr.uri;
	if ((p = fm_ipp_open(address, 30000, err, sizeof(err))) == NULL) {
		fm_log_warn("release at %s: %s", s->terminal.name, err);
		return send_error(s, FM_CODE_PRINTER_ERROR,
		    "The printer cannot be reached. Your jobs stay held.");
	}
	if (!fm_ipp_ready(p, why, sizeof(why))) {
		fm_ipp_close(p);
		return send_error(
		    s, FM_CODE_PRINTER_ERROR, "%s Your jobs stay held.", why);
	}
	s->caps = fm_ipp_is_mono(p) ? CAPS_MONO : CAPS_COLOUR;
	if (!fm_settings_spool_dir(s->ctx->settings, dir, sizeof(dir)) ||
	    (spool = fm_spool_open(dir, NULL, &errstr)) == NULL) {
		fm_ipp_close(p);
		return send_error(
		    s, FM_CODE_INTERNAL, "Cannot print now. Please try again.");
	}
	for (size_t i = 0; i < o.n && ok; i++)
		ok = release_one(s, p, spool, o.ids[i], m, &printed);
	fm_spool_close(spool);
	fm_ipp_close(p);
	if (!ok)
		return false;
	snprintf(msg, sizeof(msg), "Printed %d of %zu job(s).", printed, o.n);
	return send_ok(s, msg);
}

/* Handles one request; false ends the session. */
static bool
dispatch(struct session *s, struct fm_proto_msg *m)
{
	if (m->type >= FM_MSG_HELLO_OK) {
		send_error(s, FM_CODE_BAD_REQUEST, "That is a server message.");
		return false;
	}
	if (m->type == FM_MSG_HELLO)
		return handle_hello(s, m);
	if (!s->hello)
		return send_error(s, FM_CODE_BAD_REQUEST, "Say hello first.");
	switch (m->type) {
	case FM_MSG_AUTH_PIN:
		return handle_auth_pin(s, m);
	case FM_MSG_AUTH_BADGE:
	case FM_MSG_AUTH_BADGE_PIN:
		return handle_auth_badge(s, m);
	case FM_MSG_AUTH_WEB:
		return handle_auth_web(s, m);
	case FM_MSG_LOGOUT:
		log_out(s, "");
		return send_ok(s, "Logged out.");
	default:
		break;
	}
	if (s->user[0] == '\0')
		return send_error(s, FM_CODE_NOT_LOGGED_IN, "Please log in.");
	switch (m->type) {
	case FM_MSG_LIST:
		return handle_list(s);
	case FM_MSG_ASSOCIATE_BADGE:
		return handle_associate(s, m);
	case FM_MSG_DELETE:
		return handle_delete(s, m);
	case FM_MSG_EXTEND:
		return handle_extend(s, m);
	case FM_MSG_RELEASE:
		return handle_release(s, m);
	default:
		return send_error(s, FM_CODE_BAD_REQUEST, "Unknown request.");
	}
}

/* Confines this process (sandbox.h); false if it must not go on. */
static bool
confine(const struct fm_settings *settings, const char *peer)
{
	const char *errstr = NULL;
	int abi = fm_sandbox_confine(settings, &errstr);

	if (abi < 0) {
		fm_log_warn("session: refused %s: cannot confine the session: "
		            "%s",
		    peer, errstr);
		return false;
	}
	fm_log_debug("session: confined (Landlock ABI %d)", abi);
#ifdef FM_TEST_HOOKS
	fm_sandbox_probe(settings);
#endif
	return true;
}

fm_tls_t *
fm_session_handshake(const struct fm_settings *settings, int fd,
    const char *peer, struct fm_session_peer *out, fm_tls_config_t **cfgp)
{
	char dir[512], ca[600], crt[600], key[600], err[256];
	fm_tls_config_t *cfg;
	fm_tls_t *tls;

	if (settings == NULL || peer == NULL || out == NULL || cfgp == NULL) {
		close(fd);
		return NULL;
	}
	*cfgp = NULL;
	memset(out, 0, sizeof(*out));
	if (!fm_settings_pki_dir(settings, dir, sizeof(dir))) {
		close(fd);
		return NULL;
	}
	snprintf(ca, sizeof(ca), "%s/ca.crt", dir);
	snprintf(crt, sizeof(crt), "%s/server.crt", dir);
	snprintf(key, sizeof(key), "%s/server.key", dir);
	/* Made in this process, after fork: no random generator state is
	 * ever shared between two sessions.  handshake_timeout bounds the
	 * whole handshake, then each message once begun (its first byte
	 * is waited for in fm_session_run()). */
	cfg = fm_tls_config_create(FM_TLS_SERVER, ca, crt, key,
	    (unsigned)settings->handshake_timeout * 1000, err, sizeof(err));
	if (cfg == NULL) {
		fm_log_warn("session: %s", err);
		close(fd);
		return NULL;
	}
	/* Its key is in memory now: from here on the session opens none
	 * of the key files, before the first byte from the network. */
	if (!confine(settings, peer)) {
		fm_tls_config_destroy(cfg);
		close(fd);
		return NULL;
	}
	if ((tls = fm_tls_open(cfg, fd, NULL, err, sizeof(err))) == NULL) {
		fm_log_info("session: refused %s: %s", peer, err);
		fm_tls_config_destroy(cfg);
		return NULL;
	}
	if (!fm_tls_peer_cn(tls, out->name, sizeof(out->name)) ||
	    !fm_tls_peer_serial(tls, out->serial, sizeof(out->serial))) {
		fm_log_warn("session: refused %s: a certificate without a "
		            "name or serial",
		    peer);
		fm_tls_close(tls);
		fm_tls_config_destroy(cfg);
		return NULL;
	}
	/* The configuration must outlive the connection: the caller frees
	 * it after closing it. */
	*cfgp = cfg;
	return tls;
}

bool
fm_session_identify(fm_store_t *store, const struct fm_session_peer *p,
    const char *peer, struct fm_terminal *out)
{
	if (store == NULL || p == NULL || peer == NULL || out == NULL)
		return false;
	if (!fm_terminals_find_active(store, p->name, p->serial, out)) {
		fm_log_warn("session: refused %s: certificate of an unknown or "
		            "removed terminal",
		    peer);
		return false;
	}
	return true;
}

/* How often a session waiting for a request looks whether its terminal
 * was removed meanwhile: removal cuts a terminal off within seconds. */
#define RECHECK_MS 2000

/* Is the terminal still registered?  If not, it is told, and the
 * connection ends. */
static bool
terminal_still_active(struct session *s)
{
	switch (fm_terminals_state(s->ctx->store, s->terminal.id)) {
	case FM_TERMINAL_ACTIVE:
	case FM_TERMINAL_UNKNOWN: /* the store is busy: look again later */
		return true;
	case FM_TERMINAL_REMOVED:
		break;
	}
	fm_log_warn("session: terminal %s was removed: its connection from %s "
	            "is closed%s%s",
	    s->terminal.name, s->ctx->peer,
	    s->user[0] != '\0' ? ", logging out " : "", s->user);
	send_error(s, FM_CODE_TERMINAL_REMOVED,
	    "This terminal was removed from the print server.");
	return false;
}

/*
 * What time does to a connection idle for idle_ms: its user is logged out
 * after session_timeout (and told), a connection nobody is logged in on
 * is closed after connection_idle_timeout (a terminal reconnects at
 * once), one that never said hello after session_timeout.  False when
 * the connection ends; else *wait_ms is how long to wait for a request
 * before looking again.
 */
static bool
idle_checks(struct session *s, uint64_t idle_ms, int *wait_ms)
{
	const struct fm_settings *set = s->ctx->settings;
	uint64_t logout_ms = set->session_timeout * 1000;
	uint64_t close_ms = set->connection_idle_timeout * 1000, next;

	if (!s->hello && idle_ms >= logout_ms)
		return false; /* silent since the handshake */
	if (s->user[0] != '\0' && idle_ms >= logout_ms) {
		fm_log_info("session: %s logged out after inactivity at "
		            "terminal %s",
		    s->user, s->terminal.name);
		s->user[0] = '\0';
		if (!send_error(s, FM_CODE_SESSION_EXPIRED,
		        "Logged out after inactivity."))
			return false;
	}
	if (s->hello && s->user[0] == '\0' && idle_ms >= close_ms) {
		fm_log_info("session: terminal %s idle for %" PRIu64
		            " s: connection closed",
		    s->terminal.name, idle_ms / 1000);
		send_error(s, FM_CODE_SESSION_EXPIRED,
		    "Connection closed after inactivity.");
		return false;
	}
	next = s->hello && s->user[0] == '\0' ? close_ms : logout_ms;
	*wait_ms =
	    next - idle_ms < RECHECK_MS ? (int)(next - idle_ms) : RECHECK_MS;
	return true;
}

/* Waits wait_ms at most for the next request to begin. */
static bool
request_waiting(struct session *s, int wait_ms)
{
	struct pollfd pfd = {fm_tls_fd(s->tls), POLLIN, 0};

	if (fm_tls_pending(s->tls))
		return true;
	/* Hang-ups and errors count: the read that follows reports them. */
	return poll(&pfd, 1, wait_ms) > 0;
}

void
fm_session_run(struct fm_session_ctx *ctx, fm_tls_t *tls,
    const struct fm_terminal *terminal)
{
	static struct session s;
	static struct fm_proto_msg in;
	enum fm_protoio_status st;
	const char *errstr;
	uint64_t last;
	int wait_ms;

	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.tls = tls;
	s.terminal = *terminal;
	/* This process serves this one terminal: each line says so. */
	fm_log_set_terminal(s.terminal.name);
	fm_log_info("session: terminal %s (printer %s) connected from %s",
	    s.terminal.name, s.terminal.printer, ctx->peer);
	last = fm_clock_ms();
	for (;;) {
		bool ready, go_on;

		if (!idle_checks(&s, fm_clock_ms() - last, &wait_ms))
			break;
		ready = request_waiting(&s, wait_ms);
		/* Before every request, and every few seconds meanwhile. */
		if (!terminal_still_active(&s))
			break;
		if (s.hello && now() - s.seen_written >= FM_TERMINAL_SEEN_EVERY)
			write_presence(&s, true);
		if (!ready)
			continue;
		/* A message once begun must arrive whole within
		 * handshake_timeout (the TLS layer's deadline). */
		st = fm_protoio_recv(s.tls, &in, &errstr);
		if (st == FM_PROTOIO_TOO_LARGE || st == FM_PROTOIO_MALFORMED) {
			fm_log_warn("session: terminal %s sent a bad message: "
			            "%s",
			    s.terminal.name, errstr ? errstr : "malformed");
			send_error(&s, FM_CODE_BAD_REQUEST, "Bad message: %s",
			    errstr ? errstr : "malformed");
			break;
		}
		if (st == FM_PROTOIO_TIMEOUT)
			fm_log_warn("session: terminal %s began a message and "
			            "did not finish it in time",
			    s.terminal.name);
		if (st != FM_PROTOIO_OK)
			break;
		go_on = dispatch(&s, &in);
		fm_proto_wipe(&in);
		if (!go_on)
			break;
		/* Idle from the end of the request: a release may take
		 * minutes. */
		last = fm_clock_ms();
	}
	fm_log_info("session: terminal %s disconnected", s.terminal.name);
	if (s.hello)
		write_presence(&s, false);
	fm_tls_close(s.tls);
}
