/*
 * http.c - followme-webd's HTTP side.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "web/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/fdpass.h"
#include "common/hex.h"
#include "common/log.h"
#include "web/brokerwire.h"
#include "web/httpparse.h"

/* A request body (a form) is small; anything bigger is refused. */
#define BODY_MAX 16384
/* A page or asset is small; a bigger file is a mistake. */
#define FILE_MAX (4 * 1024 * 1024)
/* How long a request waits for a free store-side worker. */
#define WAIT_WORKER_SEC 30
#define CHANNELS_MAX 64
/* Releases remembered for their pages' polls: more than can run at once
 * (one per worker), so that a finished one is kept a while. */
#define RELEASES_MAX (2 * CHANNELS_MAX)
/* How long a finished release's end can be read, and how long one may
 * run at most before its worker is given up: followmed may wait for the
 * page count (count_wait, 10 minutes at most), for a busy printer (2),
 * then follow the job (10), and web/release.c waits 11 for one message. */
#define RELEASE_KEEP_SEC 600
#define RELEASE_MAX_SEC 1800
/* A release's answer (its JSON) is small; a bigger one is a bug. */
#define RELEASE_BODY_MAX 4096
/* Stage messages before a release's answer: followmed sends a few per
 * document, and web/release.c reads at most 64. */
#define RELEASE_MESSAGES_MAX 256

#define SESSION_COOKIE "__Host-fm_session"
#define LOGIN_COOKIE "__Host-fm_login"

/* TLS 1.2 and 1.3, AEAD suites with forward secrecy only. */
static const char tls_priorities[] =
    "NONE:+VERS-TLS1.3:+VERS-TLS1.2:+AES-256-GCM:+AES-128-GCM:"
    "+CHACHA20-POLY1305:+AEAD:+ECDHE-ECDSA:+ECDHE-RSA:+SIGN-ALL:"
    "+GROUP-ALL:+COMP-NULL:+CTYPE-X509";

/* The pages' Content-Security-Policy: scripts and styles from this
 * server's files only, no inline script, never in a frame. */
static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

struct channel {
	int fd;
	bool busy, dead;
	bool releasing; /* busy with a release */
};

/*
 * A release the HTTP side follows for its page: the worker tells the
 * stages on the release's channel, a thread of ours reads them (and the
 * answer) into here, and a poll is answered from here alone -- no store,
 * no second worker.  Only the session that started it may read it.
 */
struct release {
	bool used, finished;
	uint8_t rid[FM_WEB_IDLEN];     /* the page's handle on it */
	uint8_t session[FM_WEB_IDLEN]; /* its owner; wiped when forgotten */
	long long job;
	enum fm_web_stage stage;
	time_t ended;
	int channel;
	uint16_t status; /* the answer's, once finished */
	char body[RELEASE_BODY_MAX];
};

static struct {
	struct fm_web_http_setup setup;
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct channel channels[CHANNELS_MAX];
	size_t nchannels;
	struct release releases[RELEASES_MAX]; /* under lock */
} http = {.lock = PTHREAD_MUTEX_INITIALIZER, .freed = PTHREAD_COND_INITIALIZER};

/* --- files ----------------------------------------------------------- */

enum file_dir { PAGES, ASSETS };

/* Every file the server serves, read into memory before the HTTP side
 * is confined (it then opens no file at all). */
static const struct file {
	const char *url;
	enum file_dir dir;
	const char *path, *type;
} files[] = {
    {"/", PAGES, "index.html", "text/html; charset=utf-8"},
    {"/index.html", PAGES, "index.html", "text/html; charset=utf-8"},
    {"/app.js", PAGES, "app.js", "text/javascript; charset=utf-8"},
    {"/app.css", PAGES, "app.css", "text/css; charset=utf-8"},
    {"/assets/bootstrap5/css/bootstrap.min.css", ASSETS,
        "bootstrap5/css/bootstrap.min.css", "text/css; charset=utf-8"},
    {"/assets/chart.js/chart.min.js", ASSETS, "chart.js/chart.min.js",
        "text/javascript; charset=utf-8"},
};

#define NFILES (sizeof(files) / sizeof(*files))

/* files[i]'s bytes. */
static struct {
	char *data;
	size_t len;
} contents[NFILES];

/* --- routes ---------------------------------------------------------- */

static const struct route {
	const char *method, *url;
	enum fm_web_op op;
} routes[] = {
    {"GET", "/api/session", FM_WEB_OP_SESSION},
    {"POST", "/api/login", FM_WEB_OP_LOGIN},
    {"POST", "/api/logout", FM_WEB_OP_LOGOUT},
    {"GET", "/api/strings", FM_WEB_OP_STRINGS},
    {"POST", "/api/language", FM_WEB_OP_LANGUAGE},
    {"GET", "/api/jobs", FM_WEB_OP_JOBS},
    {"POST", "/api/jobs/delete", FM_WEB_OP_JOB_DELETE},
    {"POST", "/api/jobs/keep", FM_WEB_OP_JOB_KEEP},
    {"POST", "/api/jobs/release", FM_WEB_OP_JOB_RELEASE},
    {"GET", "/api/printers", FM_WEB_OP_PRINTERS},
    {"GET", "/api/balance", FM_WEB_OP_BALANCE},
    {"POST", "/api/pin", FM_WEB_OP_PIN},
    {"GET", "/api/history", FM_WEB_OP_HISTORY},
    {"GET", "/api/badges", FM_WEB_OP_BADGES},
    {"POST", "/api/badges/remove", FM_WEB_OP_BADGE_REMOVE},
    {"GET", "/api/admin/users", FM_WEB_OP_ADMIN_USERS},
    {"POST", "/api/admin/user", FM_WEB_OP_ADMIN_USER_SET},
    {"POST", "/api/admin/unlock", FM_WEB_OP_ADMIN_UNLOCK},
    {"GET", "/api/admin/audit", FM_WEB_OP_ADMIN_AUDIT},
    {"GET", "/api/admin/departments", FM_WEB_OP_ADMIN_DEPARTMENTS},
    {"POST", "/api/admin/department", FM_WEB_OP_ADMIN_DEPARTMENT_ADD},
    {"GET", "/api/admin/prices", FM_WEB_OP_ADMIN_PRICES},
    {"POST", "/api/admin/price", FM_WEB_OP_ADMIN_PRICE_SET},
    {"POST", "/api/admin/quota", FM_WEB_OP_ADMIN_QUOTA},
    {"GET", "/api/admin/badges", FM_WEB_OP_ADMIN_BADGES},
    {"POST", "/api/admin/badges/remove", FM_WEB_OP_ADMIN_BADGE_REMOVE},
    {"GET", "/api/admin/ledger", FM_WEB_OP_ADMIN_LEDGER_VERIFY},
    {"GET", "/api/admin/printers", FM_WEB_OP_ADMIN_PRINTERS},
    {"GET", "/api/admin/printer-label", FM_WEB_OP_ADMIN_PRINTER_LABEL},
    {"POST", "/api/admin/printer", FM_WEB_OP_ADMIN_PRINTER_ADD},
    {"GET", "/api/admin/projects", FM_WEB_OP_ADMIN_PROJECTS},
    {"POST", "/api/admin/project", FM_WEB_OP_ADMIN_PROJECT},
    {"GET", "/api/admin/terminals", FM_WEB_OP_ADMIN_TERMINALS},
    {"POST", "/api/admin/terminal/remove", FM_WEB_OP_ADMIN_TERM_REMOVE},
    {"GET", "/api/admin/jobs", FM_WEB_OP_ADMIN_JOBS},
    {"GET", "/api/finance/report", FM_WEB_OP_REPORT},
    {"GET", "/api/finance/export", FM_WEB_OP_EXPORT},
    {"GET", "/api/finance/trend", FM_WEB_OP_FINANCE_TREND},
    {"POST", "/api/finance/close", FM_WEB_OP_FINANCE_CLOSE},
    {"GET", "/api/tokens", FM_WEB_OP_TOKENS},
    {"POST", "/api/tokens/add", FM_WEB_OP_TOKEN_ADD},
    {"POST", "/api/tokens/revoke", FM_WEB_OP_TOKEN_REVOKE},
    {"GET", "/api/admin/authlog", FM_WEB_OP_ADMIN_AUTHLOG},
};

/* What MHD keeps for a request between its calls. */
struct req {
	char body[BODY_MAX];
	size_t len;
	bool too_big;
};

/* --- responses ------------------------------------------------------- */

static void
secure_headers(struct MHD_Response *res)
{
	MHD_add_response_header(
	    res, "Strict-Transport-Security", "max-age=31536000");
	MHD_add_response_header(res, "Content-Security-Policy", csp);
	MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(res, "X-Frame-Options", "DENY");
	MHD_add_response_header(res, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(
	    res, "Cross-Origin-Opener-Policy", "same-origin");
}

static enum MHD_Result
send_response(
    struct MHD_Connection *conn, unsigned status, struct MHD_Response *res)
{
	enum MHD_Result r;

	if (res == NULL)
		return MHD_NO;
	secure_headers(res);
	r = MHD_queue_response(conn, status, res);
	MHD_destroy_response(res);
	return r;
}

static enum MHD_Result
send_json(struct MHD_Connection *conn, unsigned status, const char *json)
{
	struct MHD_Response *res = MHD_create_response_from_buffer(
	    strlen(json), (void *)json, MHD_RESPMEM_MUST_COPY);

	if (res == NULL)
		return MHD_NO;
	MHD_add_response_header(
	    res, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(res, "Cache-Control", "no-store");
	return send_response(conn, status, res);
}

/* An error the HTTP side decides itself: JSON in English, with a code
 * the pages translate by (web/strings.c lists the messages). */
static enum MHD_Result
reply_error(struct MHD_Connection *conn, unsigned status, const char *code,
    const char *message)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "{\"error\":\"%s\",\"message\":\"%s\"}\n",
	    code, message);
	return send_json(conn, status, buf);
}

static enum MHD_Result
send_file(struct MHD_Connection *conn, size_t i)
{
	const struct file *f = &files[i];
	struct MHD_Response *res = MHD_create_response_from_buffer(
	    contents[i].len, contents[i].data, MHD_RESPMEM_PERSISTENT);

	if (res == NULL)
		return MHD_NO;
	MHD_add_response_header(res, "Content-Type", f->type);
	MHD_add_response_header(res, "Cache-Control",
	    f->dir == ASSETS ? "public, max-age=86400" : "no-cache");
	return send_response(conn, 200, res);
}

/* Reads path whole into *data (malloc'd), following symbolic links
 * (Debian's asset packages are made of them). */
static bool
read_file(const char *path, char **data, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > FILE_MAX ||
	    (*data = malloc((size_t)st.st_size + 1)) == NULL) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while (got < (size_t)st.st_size &&
	    ((n = read(fd, *data + got, (size_t)st.st_size - got)) > 0 ||
	        (n < 0 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	close(fd);
	*len = got;
	return got == (size_t)st.st_size;
}

bool
fm_web_http_load(const struct fm_settings *s, const char **errstr)
{
	static char why[1200];
	char path[1024];

	*errstr = NULL;
	for (size_t i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s",
		    files[i].dir == PAGES ? s->web.pages_dir
		                          : s->web.assets_dir,
		    files[i].path);
		if (!read_file(path, &contents[i].data, &contents[i].len)) {
			snprintf(why, sizeof(why), "cannot read %s: %s", path,
			    errno ? strerror(errno) : "not a regular file");
			*errstr = why;
			return false;
		}
	}
	return true;
}

/* --- the store side -------------------------------------------------- */

/* Takes a free worker's channel, waiting a while for one; -1 if none. */
/*
 * Whether a release may take a channel now (http.lock held).  A release
 * holds its worker until the printer has printed: releases at every
 * printer of a site at once must not leave the pages without a worker,
 * so they never take the last one (unless there is only one).
 */
static bool
may_release(void)
{
	size_t alive = 0, releasing = 0;

	for (size_t i = 0; i < http.nchannels; i++) {
		alive += !http.channels[i].dead;
		releasing +=
		    http.channels[i].busy && http.channels[i].releasing;
	}
	return alive < 2 || releasing + 1 < alive;
}

static int
take_channel(bool release)
{
	struct timespec until;
	int got = -1;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_WORKER_SEC;
	pthread_mutex_lock(&http.lock);
	while (got < 0) {
		bool alive = false;
		for (size_t i = 0; i < http.nchannels && got < 0; i++) {
			alive = alive || !http.channels[i].dead;
			if (!http.channels[i].busy && !http.channels[i].dead &&
			    (!release || may_release())) {
				http.channels[i].busy = true;
				http.channels[i].releasing = release;
				got = (int)i;
			}
		}
		if (got >= 0 || !alive ||
		    pthread_cond_timedwait(&http.freed, &http.lock, &until) ==
		        ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&http.lock);
	return got;
}

/* Gives the channel back; a channel whose exchange failed is never used
 * again (a late answer on it would be the wrong one's). */
static void
give_channel(int i, bool failed)
{
	pthread_mutex_lock(&http.lock);
	http.channels[i].busy = false;
	http.channels[i].releasing = false;
	if (failed && !http.channels[i].dead) {
		http.channels[i].dead = true;
		fm_log_warn("web: a store-side worker stopped answering");
	}
	pthread_cond_broadcast(&http.freed);
	pthread_mutex_unlock(&http.lock);
}

/* One request to a worker and its answer; *fd gets the body's memory
 * file.  False if no worker answered. */
static bool
ask(const struct fm_web_request *r, struct fm_web_answer *a, int *fd)
{
	static _Thread_local uint8_t buf[FM_WEB_REQUESTMAX];
	uint8_t in[FM_WEB_ANSWERMAX];
	size_t n = fm_web_request_encode(r, buf, sizeof(buf));
	int ch;
	ssize_t got = -1;

	*fd = -1;
	if (n == 0 || (ch = take_channel(r->op == FM_WEB_OP_JOB_RELEASE)) < 0)
		return false;
	if (send(http.channels[ch].fd, buf, n, MSG_NOSIGNAL) == (ssize_t)n)
		got =
		    fm_fdpass_recv(http.channels[ch].fd, in, sizeof(in), 0, fd);
	fm_wipe(buf, n);
	if (got <= 0 || *fd < 0 || !fm_web_answer_decode(in, (size_t)got, a)) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		give_channel(ch, true);
		return false;
	}
	give_channel(ch, false);
	return true;
}

/* --- releases ------------------------------------------------------- */

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Forgets rel (http.lock held). */
static void
forget_release(struct release *rel)
{
	fm_wipe(rel, sizeof(*rel));
	rel->used = false;
}

/* A slot for a new release (http.lock held): a free one, else the
 * finished one that ended first; NULL if every one runs. */
static struct release *
new_release(time_t t)
{
	struct release *oldest = NULL;

	for (size_t i = 0; i < RELEASES_MAX; i++) {
		struct release *rel = &http.releases[i];
		if (rel->used && rel->finished &&
		    t - rel->ended > RELEASE_KEEP_SEC)
			forget_release(rel);
		if (!rel->used)
			return rel;
		if (rel->finished &&
		    (oldest == NULL || rel->ended < oldest->ended))
			oldest = rel;
	}
	if (oldest != NULL)
		forget_release(oldest);
	return oldest;
}

/* The end of rel (http.lock held): the answer's status and body, or the
 * HTTP side's own error. */
static void
end_release(struct release *rel, uint16_t status, const char *body)
{
	rel->finished = true;
	rel->ended = mono_now();
	rel->status = status;
	rel->stage = status == 200 ? FM_WEB_STAGE_DONE : FM_WEB_STAGE_FAILED;
	snprintf(rel->body, sizeof(rel->body), "%s", body);
	/* The JSON's closing newline is the worker's, not the poll's. */
	rel->body[strcspn(rel->body, "\n")] = '\0';
}

/* Reads the answer's body (a small JSON object) from fd into buf. */
static bool
read_body(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size, 0);

	if (n <= 0 || (size_t)n >= size || buf[0] != '{')
		return false;
	buf[n] = '\0';
	return strlen(buf) == (size_t)n;
}

/*
 * Follows the release in slot (void *) i to its end: its stages, then
 * its answer, then gives its channel back.  A release that outlives
 * RELEASE_MAX_SEC, or a channel that says something else, ends it as
 * "unavailable" and the channel is not used again.
 */
static void *
follow_release(void *arg)
{
	static const char gone[] =
	    "{\"error\":\"unavailable\",\"message\":\"The print server "
	    "cannot answer now. Please try again.\"}";
	struct release *rel = &http.releases[(intptr_t)arg];
	time_t deadline = mono_now() + RELEASE_MAX_SEC;
	char body[RELEASE_BODY_MAX];
	int ch = rel->channel, sock = http.channels[ch].fd;
	bool ok = false;

	for (int i = 0; i < RELEASE_MESSAGES_MAX && !ok; i++) {
		uint8_t in[FM_WEB_ANSWERMAX];
		struct pollfd pfd = {.fd = sock, .events = POLLIN};
		struct fm_web_answer a;
		enum fm_web_stage stage;
		time_t left = deadline - mono_now();
		ssize_t got;
		int fd = -1;

		if (left <= 0 || poll(&pfd, 1, (int)left * 1000) != 1 ||
		    (got = fm_fdpass_recv(sock, in, sizeof(in), 0, &fd)) <= 0)
			break;
		if (fd < 0 && fm_web_progress_decode(in, (size_t)got, &stage)) {
			pthread_mutex_lock(&http.lock);
			rel->stage = stage;
			pthread_mutex_unlock(&http.lock);
			continue;
		}
		ok = fd >= 0 && fm_web_answer_decode(in, (size_t)got, &a) &&
		    read_body(fd, body, sizeof(body));
		if (fd >= 0)
			close(fd);
		if (!ok)
			break;
		pthread_mutex_lock(&http.lock);
		end_release(rel, a.status, body);
		pthread_mutex_unlock(&http.lock);
	}
	if (!ok) {
		fm_log_warn("web: a release's worker did not finish it");
		pthread_mutex_lock(&http.lock);
		end_release(rel, 503, gone);
		pthread_mutex_unlock(&http.lock);
	}
	give_channel(ch, !ok);
	return NULL;
}

static const char *
stage_name(enum fm_web_stage stage)
{
	switch (stage) {
	case FM_WEB_STAGE_ACCEPTED:
		return "accepted";
	case FM_WEB_STAGE_RESERVED:
		return "reserved";
	case FM_WEB_STAGE_SENT:
		return "sent";
	case FM_WEB_STAGE_PRINTING:
		return "printing";
	case FM_WEB_STAGE_DONE:
		return "done";
	case FM_WEB_STAGE_FAILED:
		break;
	}
	return "failed";
}

/* What the page reads of a release: at most this much JSON. */
#define RELEASE_JSONMAX (RELEASE_BODY_MAX + 256)

/* The JSON of rel for its page into buf (RELEASE_JSONMAX bytes;
 * http.lock held). */
static void
release_json(const struct release *rel, char *buf)
{
	char rid[2 * FM_WEB_IDLEN + 1] = "";
	int n;

	(void)fm_hex_encode(rel->rid, sizeof(rel->rid), rid, sizeof(rid));
	n = snprintf(buf, RELEASE_JSONMAX,
	    "{\"release\":\"%s\",\"job\":%lld,\"stage\":\"%s\","
	    "\"finished\":%s",
	    rid, rel->job, stage_name(rel->stage),
	    rel->finished ? "true" : "false");
	if (rel->finished)
		n += snprintf(buf + n, RELEASE_JSONMAX - (size_t)n,
		    ",\"status\":%u,\"result\":%s", rel->status, rel->body);
	snprintf(buf + n, RELEASE_JSONMAX - (size_t)n, "}\n");
}

static enum MHD_Result send_answer(
    struct MHD_Connection *conn, const struct fm_web_answer *a, int fd);
static enum fm_web_bearer bearer(
    struct MHD_Connection *conn, uint8_t token[FM_WEB_TOKENLEN]);

/*
 * A release: its request to a worker, which checks it and answers at
 * once if it refuses; if it goes ahead (ACCEPTED), the page gets the
 * release's id (202) and polls it, while a thread of ours follows the
 * worker to the end.  False if no worker answered.
 */
static bool
release_start(struct MHD_Connection *conn, const struct fm_web_request *r,
    enum MHD_Result *result)
{
	static _Thread_local uint8_t buf[FM_WEB_REQUESTMAX];
	static _Thread_local char json[RELEASE_JSONMAX];
	uint8_t in[FM_WEB_ANSWERMAX];
	size_t n = fm_web_request_encode(r, buf, sizeof(buf));
	const char *job = fm_web_arg(r, "id");
	struct fm_web_answer a;
	enum fm_web_stage stage;
	struct release *rel;
	pthread_attr_t attr;
	pthread_t thread;
	int ch, fd = -1;
	ssize_t got = -1;
	bool started;

	if (n == 0 || (ch = take_channel(true)) < 0)
		return false;
	if (send(http.channels[ch].fd, buf, n, MSG_NOSIGNAL) == (ssize_t)n)
		got = fm_fdpass_recv(
		    http.channels[ch].fd, in, sizeof(in), 0, &fd);
	fm_wipe(buf, n);
	if (got > 0 && fd >= 0 && fm_web_answer_decode(in, (size_t)got, &a)) {
		/* Refused before it began: the worker's answer. */
		give_channel(ch, false);
		*result = send_answer(conn, &a, fd);
		return true;
	}
	if (fd >= 0)
		close(fd);
	if (got <= 0 || !fm_web_progress_decode(in, (size_t)got, &stage) ||
	    stage != FM_WEB_STAGE_ACCEPTED || !r->has_session) {
		give_channel(ch, true);
		return false;
	}
	pthread_mutex_lock(&http.lock);
	if ((rel = new_release(mono_now())) != NULL)
		*rel = (struct release){.used = true,
		    .job = job ? strtoll(job, NULL, 10) : 0,
		    .stage = FM_WEB_STAGE_ACCEPTED,
		    .channel = ch};
	if (rel == NULL || !fm_random(rel->rid, sizeof(rel->rid))) {
		if (rel != NULL)
			forget_release(rel);
		pthread_mutex_unlock(&http.lock);
		give_channel(ch, true);
		return false;
	}
	memcpy(rel->session, r->id, sizeof(rel->session));
	started = pthread_attr_init(&attr) == 0;
	if (started) {
		started = pthread_attr_setdetachstate(
		              &attr, PTHREAD_CREATE_DETACHED) == 0 &&
		    pthread_attr_setstacksize(&attr, (size_t)512 * 1024) == 0 &&
		    pthread_create(&thread, &attr, follow_release,
		        (void *)(intptr_t)(rel - http.releases)) == 0;
		pthread_attr_destroy(&attr);
	}
	if (!started) {
		/* Nobody reads the channel: it is given up, the release's
		 * end is unknown here. */
		end_release(rel, 503,
		    "{\"error\":\"unavailable\",\"message\":\"The print "
		    "server cannot answer now. Please try again.\"}");
	}
	release_json(rel, json);
	pthread_mutex_unlock(&http.lock);
	if (!started)
		give_channel(ch, true);
	*result = send_json(conn, 202, json);
	return true;
}

/* Whether a and b (FM_WEB_IDLEN bytes) are the same, in constant time. */
static bool
same_id(const uint8_t *a, const uint8_t *b)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < FM_WEB_IDLEN; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

/*
 * GET /api/jobs/release?id=...: how far the release is, for the session
 * that started it; anyone else (another session, none, a token) is told
 * there is no such release, as for an unknown id.
 */
static enum MHD_Result
release_poll(struct MHD_Connection *conn)
{
	const char *cookie =
	    MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	const char *id =
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "id");
	static _Thread_local char json[RELEASE_JSONMAX];
	uint8_t session[FM_WEB_IDLEN], rid[FM_WEB_IDLEN];
	bool found = false;
	time_t t = mono_now();

	if (bearer(conn, NULL) != FM_WEB_BEARER_NONE)
		return reply_error(conn, 403, "token-refused",
		    "An API token cannot do this. Please log in with a "
		    "browser.");
	if (cookie == NULL || !fm_web_parse_id(cookie, strlen(cookie), session))
		return reply_error(conn, 401, "login", "Please log in.");
	if (id == NULL || !fm_web_parse_id(id, strlen(id), rid)) {
		fm_wipe(session, sizeof(session));
		return reply_error(conn, 400, "bad-request",
		    "A release is named by the id its request answered.");
	}
	pthread_mutex_lock(&http.lock);
	for (size_t i = 0; i < RELEASES_MAX && !found; i++) {
		struct release *rel = &http.releases[i];
		if (!rel->used)
			continue;
		if (rel->finished && t - rel->ended > RELEASE_KEEP_SEC) {
			forget_release(rel);
			continue;
		}
		if (same_id(rel->rid, rid) && same_id(rel->session, session)) {
			found = true;
			release_json(rel, json);
		}
	}
	pthread_mutex_unlock(&http.lock);
	fm_wipe(session, sizeof(session));
	if (!found)
		return reply_error(
		    conn, 404, "no-such-release", "No such release.");
	return send_json(conn, 200, json);
}

/* --- requests -------------------------------------------------------- */

static bool
address_listed(const char *list, const char *addr)
{
	size_t n = strlen(addr);

	for (const char *p = list; *p != '\0';) {
		size_t len;
		p += strspn(p, " ,\t");
		len = strcspn(p, " ,\t");
		if (len == n && n > 0 && strncmp(p, addr, n) == 0)
			return true;
		p += len;
	}
	return false;
}

/*
 * The client's address: the peer's, or behind a trusted reverse proxy
 * the last address its X-Forwarded-For names (the one it saw).
 */
static void
client_address(struct MHD_Connection *conn, char *out, size_t size)
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *xff, *last;
	unsigned char bin[sizeof(struct in6_addr)];
	char cand[INET6_ADDRSTRLEN + 1];
	size_t len;

	snprintf(out, size, "unknown");
	if (info == NULL || info->client_addr == NULL ||
	    getnameinfo(info->client_addr,
	        info->client_addr->sa_family == AF_INET6
	            ? sizeof(struct sockaddr_in6)
	            : sizeof(struct sockaddr_in),
	        out, (socklen_t)size, NULL, 0, NI_NUMERICHOST) != 0)
		return;
	if (!address_listed(http.setup.settings->web.trusted_proxies, out) ||
	    (xff = MHD_lookup_connection_value(
	         conn, MHD_HEADER_KIND, "X-Forwarded-For")) == NULL)
		return;
	last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " \t");
	len = strcspn(last, " \t");
	if (len == 0 || len >= sizeof(cand))
		return;
	memcpy(cand, last, len);
	cand[len] = '\0';
	if (inet_pton(AF_INET, cand, bin) == 1 ||
	    inet_pton(AF_INET6, cand, bin) == 1)
		snprintf(out, size, "%s", cand);
}

static enum MHD_Result
add_query_arg(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct fm_web_request *r = cls;

	(void)kind;
	if (value == NULL)
		value = "";
	/* An argument that does not fit is left out; the worker then
	 * says what is missing. */
	(void)fm_web_request_add(r, key, value, strlen(value));
	return MHD_YES;
}

static void
set_cookie(struct MHD_Response *res, const char *name, const char *value,
    uint64_t max_age)
{
	char buf[256];

	snprintf(buf, sizeof(buf),
	    "%s=%s; Path=/; Max-Age=%llu; Secure; HttpOnly; SameSite=Strict",
	    name, value, (unsigned long long)max_age);
	MHD_add_response_header(res, "Set-Cookie", buf);
}

/*
 * Before a login there is no session to hold a CSRF token: the browser
 * gets a random one in an HttpOnly cookie and in a header the page
 * reads, and a login must send the two alike (a page of another site
 * can do neither).
 */
static void
login_token(struct MHD_Connection *conn, struct MHD_Response *res)
{
	const char *have =
	    MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, LOGIN_COOKIE);
	uint8_t raw[16];
	char token[33];

	if (have != NULL && strlen(have) == 32) {
		MHD_add_response_header(res, "X-CSRF-Token", have);
		return;
	}
	if (!fm_random(raw, sizeof(raw)) ||
	    !fm_hex_encode(raw, sizeof(raw), token, sizeof(token)))
		return;
	set_cookie(res, LOGIN_COOKIE, token, 3600);
	MHD_add_response_header(res, "X-CSRF-Token", token);
}

static const char *
content_type(enum fm_web_kind kind)
{
	switch (kind) {
	case FM_WEB_KIND_CSV:
		return "text/csv; charset=utf-8";
	case FM_WEB_KIND_SVG:
		return "image/svg+xml";
	case FM_WEB_KIND_JSON:
		break;
	}
	return "application/json; charset=utf-8";
}

/*
 * What the request's Authorization header holds for the API (token
 * filled for FM_WEB_BEARER_TOKEN; NULL: not wanted): another scheme (a
 * reverse proxy's Basic) is not the console's business.
 */
static enum fm_web_bearer
bearer(struct MHD_Connection *conn, uint8_t token[FM_WEB_TOKENLEN])
{
	const char *v =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	uint8_t scratch[FM_WEB_TOKENLEN];
	enum fm_web_bearer b;

	if (v == NULL)
		return FM_WEB_BEARER_NONE;
	b = fm_web_parse_bearer(v, strlen(v), token ? token : scratch);
	fm_wipe(scratch, sizeof(scratch));
	return b;
}

static enum MHD_Result
send_answer(struct MHD_Connection *conn, const struct fm_web_answer *a, int fd)
{
	char id[2 * FM_WEB_IDLEN + 1], disposition[FM_WEB_TEXTMAX + 48];
	struct MHD_Response *res;
	struct stat st;

	if (fstat(fd, &st) != 0 ||
	    (res = MHD_create_response_from_fd((size_t)st.st_size, fd)) ==
	        NULL) {
		close(fd);
		return reply_error(conn, 500, "internal", "Internal error.");
	}
	MHD_add_response_header(res, "Content-Type", content_type(a->kind));
	MHD_add_response_header(res, "Cache-Control", "no-store");
	if (a->filename[0] != '\0') {
		snprintf(disposition, sizeof(disposition),
		    "attachment; filename=\"%s\"", a->filename);
		MHD_add_response_header(
		    res, "Content-Disposition", disposition);
	}
	if (a->session == FM_WEB_SESSION_SET &&
	    fm_hex_encode(a->id, sizeof(a->id), id, sizeof(id))) {
		set_cookie(res, SESSION_COOKIE, id,
		    http.setup.settings->web.session_max);
		set_cookie(res, LOGIN_COOKIE, "", 0);
		fm_wipe(id, sizeof(id));
	} else if (a->session == FM_WEB_SESSION_CLEAR)
		set_cookie(res, SESSION_COOKIE, "", 0);
	if (a->status == 401)
		MHD_add_response_header(res, "WWW-Authenticate",
		    bearer(conn, NULL) != FM_WEB_BEARER_NONE
		        ? "Bearer realm=\"followme\", error=\"invalid_token\""
		        : "Bearer realm=\"followme\"");
	if (a->csrf[0] != '\0')
		MHD_add_response_header(res, "X-CSRF-Token", a->csrf);
	else if (a->status == 401 && bearer(conn, NULL) == FM_WEB_BEARER_NONE)
		login_token(conn, res);
	return send_response(conn, a->status, res);
}

/* Runs an API request through a worker. */
static enum MHD_Result
api(struct MHD_Connection *conn, const struct route *rt, struct req *q)
{
	static _Thread_local struct fm_web_request r;
	const char *cookie, *csrf, *lang, *type, *site;
	struct fm_web_answer a;
	const char *errstr = NULL;
	int fd;

	memset(&r, 0, sizeof(r));
	r.op = rt->op;
	cookie =
	    MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	/* A script's token stands for itself: a cookie beside it is not
	 * looked at.  One that does not read as a token is sent on as
	 * such, for the store side to count against the address. */
	switch (bearer(conn, r.token)) {
	case FM_WEB_BEARER_TOKEN:
		r.has_token = true;
		break;
	case FM_WEB_BEARER_BAD:
		r.bad_token = true;
		break;
	case FM_WEB_BEARER_NONE:
		break;
	}
	if (!r.has_token && !r.bad_token && cookie != NULL)
		r.has_session = fm_web_parse_id(cookie, strlen(cookie), r.id);
	csrf =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token");
	snprintf(r.csrf, sizeof(r.csrf), "%s",
	    csrf && strlen(csrf) < 128 ? csrf : "");
	client_address(conn, r.address, sizeof(r.address));
	lang = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, "X-Followme-Language");
	if (lang == NULL ||
	    (strcmp(lang, "fr") != 0 && strcmp(lang, "en") != 0))
		lang = NULL;
	if (lang == NULL) {
		const char *al = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, "Accept-Language");
		lang = al ? fm_web_parse_language(al, strlen(al)) : "";
	}
	snprintf(r.language, sizeof(r.language), "%s", lang);
	if (strcmp(rt->method, "POST") == 0) {
		/* A browser says where a request comes from; a page of
		 * another site never gets this far. */
		site = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, "Sec-Fetch-Site");
		if (site != NULL && strcmp(site, "same-origin") != 0 &&
		    strcmp(site, "none") != 0)
			return reply_error(conn, 403, "csrf",
			    "This page is out of date. Please reload it.");
		type = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, "Content-Type");
		if (q->len > 0 &&
		    (type == NULL ||
		        strncmp(type, "application/x-www-form-urlencoded",
		            33) != 0))
			return reply_error(conn, 415, "bad-request",
			    "Send a form (application/x-www-form-urlencoded).");
		if (!fm_web_parse_form(q->body, q->len, &r, &errstr))
			return reply_error(conn, 400, "bad-request", errstr);
		/* A login shows the page's login token, or (a browser
		 * logged in already) the session's, which the worker
		 * checks. */
		r.login_token = rt->op == FM_WEB_OP_LOGIN &&
		    fm_same_token(csrf,
		        MHD_lookup_connection_value(
		            conn, MHD_COOKIE_KIND, LOGIN_COOKIE));
	} else
		MHD_get_connection_values(
		    conn, MHD_GET_ARGUMENT_KIND, add_query_arg, &r);
	if (rt->op == FM_WEB_OP_JOB_RELEASE) {
		enum MHD_Result result;
		bool answered = release_start(conn, &r, &result);

		fm_wipe(&r, sizeof(r));
		if (answered)
			return result;
		return reply_error(conn, 503, "unavailable",
		    "The print server cannot answer now. Please try again.");
	}
	if (!ask(&r, &a, &fd)) {
		fm_wipe(&r, sizeof(r));
		return reply_error(conn, 503, "unavailable",
		    "The print server cannot answer now. Please try again.");
	}
	fm_wipe(&r, sizeof(r));
	return send_answer(conn, &a, fd);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **state)
{
	struct req *q = *state;
	bool known = false;

	(void)cls;
	(void)version;
	if (q == NULL) {
		if ((q = calloc(1, sizeof(*q))) == NULL)
			return MHD_NO;
		*state = q;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (q->len + *upload_size > sizeof(q->body))
			q->too_big = true;
		else {
			memcpy(q->body + q->len, upload, *upload_size);
			q->len += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (q->too_big)
		return reply_error(
		    conn, 413, "bad-request", "The request is too big.");
	/* A token is for the API; the pages are for people's browsers. */
	if (strncmp(url, "/api/", 5) != 0 &&
	    bearer(conn, NULL) != FM_WEB_BEARER_NONE)
		return reply_error(conn, 403, "token-refused",
		    "An API token is for the API (/api/) only.");
	/* A release's progress is the HTTP side's own (release_poll). */
	if (strcmp(url, "/api/jobs/release") == 0 && strcmp(method, "GET") == 0)
		return release_poll(conn);
	for (size_t i = 0; i < sizeof(routes) / sizeof(*routes); i++) {
		if (strcmp(url, routes[i].url) != 0)
			continue;
		known = true;
		if (strcmp(method, routes[i].method) == 0)
			return api(conn, &routes[i], q);
	}
	/* A printer's release page (its QR code) is the page itself. */
	if (fm_web_parse_release_path(url, strlen(url)) &&
	    (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
		return send_file(conn, 0);
	for (size_t i = 0; !known && i < NFILES; i++)
		if (strcmp(url, files[i].url) == 0) {
			known = true;
			if (strcmp(method, "GET") == 0 ||
			    strcmp(method, "HEAD") == 0)
				return send_file(conn, i);
		}
	if (known)
		return reply_error(
		    conn, 405, "bad-method", "Method not allowed.");
	return reply_error(conn, 404, "not-found", "Not found.");
}

static void
completed(void *cls, struct MHD_Connection *conn, void **state,
    enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)conn;
	(void)why;
	free(*state);
	*state = NULL;
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
log_mhd(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	fm_log_debug("web: libmicrohttpd: %s", buf);
}

bool
fm_web_http_start(const struct fm_web_http_setup *setup, const char **errstr)
{
	const struct fm_settings *s = setup->settings;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;

	*errstr = NULL;
	if (setup->nchannels == 0 || setup->nchannels > CHANNELS_MAX) {
		*errstr = "bad number of workers";
		return false;
	}
	http.setup = *setup;
	http.nchannels = setup->nchannels;
	for (size_t i = 0; i < setup->nchannels; i++)
		http.channels[i] = (struct channel){.fd = setup->channels[i]};
	struct MHD_OptionItem tls[] = {
	    {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)setup->cert_pem},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)setup->key_pem},
	    {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)tls_priorities},
	    {MHD_OPTION_END, 0, NULL}};

	if (setup->cert_pem != NULL)
		flags |= MHD_USE_TLS;
	else
		tls[0].option = MHD_OPTION_END;
	/* Behind a reverse proxy every connection comes from it. */
	http.daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL, MHD_OPTION_LISTEN_SOCKET,
	    setup->listen_fd, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->web.max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    s->web.trusted_proxies[0] ? 0u : 64u, MHD_OPTION_CONNECTION_TIMEOUT,
	    30u, MHD_OPTION_THREAD_STACK_SIZE, (size_t)512 * 1024,
	    MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
	if (http.daemon == NULL) {
		*errstr = "libmicrohttpd could not start (certificate, key "
		          "or TLS settings?)";
		return false;
	}
	return true;
}

void
fm_web_http_stop(void)
{
	if (http.daemon != NULL)
		MHD_stop_daemon(http.daemon);
	http.daemon = NULL;
}
