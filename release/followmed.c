/*
 * followmed.c - the Followme server daemon.
 *
 * One event loop: it accepts ingest connections from the CUPS backend
 * (each handled in a worker process, so a large job or a stuck peer never
 * stalls the loop), reaps workers, and runs one timer that expires
 * unreleased jobs.  See followmed(8).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <unistd.h>

#include "common/child.h"
#include "common/clock.h"
#include "common/fdpass.h"
#include "common/leakcheck.h"
#include "common/log.h"
#include "common/notify.h"
#include "common/privdrop.h"
#include "store/jobstore.h"
#include "quota/ledger-link.h"
#include "quota/ledger-local.h"
#include "quota/ledgerd.h"
#include "store/printers.h"
#include "store/releases.h"
#include "store/terminals.h"
#include "release/charge.h"
#include "release/ipp.h"
#include "common/settings.h"
#include "release/admission.h"
#include "release/sandbox.h"
#include "release/session.h"
#include "spooler/heldcount.h"
#include "spooler/hold.h"
#include "spooler/ingest.h"
#include "spooler/spool.h"

#define MAX_WORKERS 32
/* Analysis children at most, whatever analysis_workers says. */
#define MAX_ANALYSES 64
/* Their CPU priority: below ingest and release, which keep 0. */
#define ANALYSIS_NICE 10
/* Per Ghostscript run of an analysis child. */
#define ANALYSIS_TIMEOUT_SEC 60
/* An analysis child that could not run (spool or store unusable) stops
 * the others starting for this long, doubling while it lasts. */
#define ANALYSIS_RETRY_MAX_SEC 60
/* The same for restarts of a ledger writer that keeps failing. */
#define LEDGER_RETRY_MAX_SEC 60
/* Documents an analysis child counts in a row, at most: forking it,
 * opening the store and the spool cost about what Ghostscript's run on a
 * one-page document does (bench/RESULTS.md).  Not more, so that the
 * last children of a burst end close together. */
#define ANALYSIS_BATCH 8
/* The plaintext a child reads ahead at most (the first document is read
 * whatever its size). */
#define ANALYSIS_READ_AHEAD (64u << 20)
/* A child records its counts together, this often. */
#define ANALYSIS_COMMIT_USEC 250000u
/* While ingest is busy (a worker running, or one this recently), the
 * analyses run at SCHED_IDLE, on CPU time ingest leaves: at nice 10
 * beside a burst they slowed it by half (bench/ingest). */
#define INGEST_QUIET_USEC 500000u
/* Meanwhile analyses wait, this long at most at a time: even at
 * SCHED_IDLE, children started beside a burst slowed it (bench/ingest's
 * non-DSC burst 1.83 of the null queue, against 1.29 waiting). */
#define ANALYSIS_DEFER_MAX_USEC 10000000u
/* A session waits this long for followmed's answer to its admission. */
#define ADMISSION_WAIT_MS 10000
/* Refused and evicted handshakes are summed up in the log this often. */
#define PRESSURE_LOG_SEC 10
#define EXPIRY_BATCH 256
/* Even with no job due, look again now and then: the clock may jump. */
#define MAX_SLEEP_SEC 600
/* While the release service is off, how often to look for the server
 * certificate `followme-admin ca init` writes. */
#define RELEASE_RETRY_SEC 2

static volatile sig_atomic_t got_sigterm, got_sigchld, got_sighup;

struct daemon {
	const char *config; /* -c, or NULL for the default; read again on HUP */
	struct fm_settings settings;
	char db_path[512], spool_dir[512], key_path[512], sock_path[512];
	char ledger_key_path[512];
	bool unsettled; /* releases wait for followmed to settle them */
	uint8_t master[FM_SEALED_MASTERLEN];
	fm_spool_t *spool;
	fm_store_t *store;
	uid_t cups_uid;
	int listen_fd;
	int release_fd;       /* -1 when the release service is off */
	bool release_warned;  /* said once why it is off */
	bool sandbox_refused; /* sessions cannot be confined as required */
	int workers;
	/* Terminal connections: handshakes and authenticated terminals
	 * (admission.h). */
	fm_admission_t *sessions;
	/* The decryptors of admitted sessions (start_decryptor()). */
	pid_t *decryptors;
	size_t ndecryptors, maxdecryptors;
	unsigned refused, evicted; /* handshakes, since pressure_logged */
	time_t pressure_logged;
	/* The ledger writer sessions charge through (ledgerd.h); 0 and -1
	 * while it is not running. */
	pid_t ledger_pid;
	int ledger_ctl;
	time_t ledger_started, ledger_next;
	int ledger_delay; /* seconds before a restart; doubles while it fails */
	/* Documents being counted after the hold, a few per child; each
	 * child says on its progress pipe which one it is on. */
	struct {
		pid_t pid;
		int progress; /* the read end */
		int ndocs;
		struct fm_heldcount_doc docs[ANALYSIS_BATCH];
	} analyses[MAX_ANALYSES];
	int nanalyses;
	time_t analysis_next; /* none start before, after a failed one */
	int analysis_delay;   /* seconds; 0 while they succeed */
	uint64_t last_ingest; /* monotonic_usec() of the last one */
	uint64_t gathering;   /* since when analyses wait for ingest; or 0 */
	/* The service manager (Type=notify) and the last STATUS= sent. */
	struct fm_notify notify;
	bool notify_warned;
	char status[256];
};

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_sigchld = 1;
	else if (sig == SIGHUP)
		got_sighup = 1;
	else
		got_sigterm = 1;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: followmed [-fnd] [-c FILE]\n"
	    "  -c FILE  configuration file (default %s)\n"
	    "  -f       stay in the foreground, log to stderr\n"
	    "  -n       check the configuration and exit\n"
	    "  -d       log debug messages\n",
	    FM_DEFAULT_CONFIG);
	exit(2);
}

static bool
is_live(const char *name, void *arg)
{
	return fm_jobstore_file_is_live(arg, name);
}

/* How long recovery may spend asking printers, for all interrupted
 * releases together (connecting, and waiting for jobs still printing):
 * followmed serves nobody until it is done.  Past it, estimates. */
#define RECOVER_BUDGET_MS 20000
#define RECOVER_POLL_MS 250
#define RECOVER_CONNECT_MS 5000
/* How often followmed tries again to settle what sessions could not. */
#define RESETTLE_SEC 30

struct recovery {
	fm_store_t *store;
	fm_ledger_t *ledger; /* local, with the ledger key (ledger_open) */
	int64_t budget_ms;   /* left of RECOVER_BUDGET_MS */
};

/* One printer job to its end: true with its counts if it completed. */
static bool
count_job(fm_ipp_t *p, int id, struct fm_release_count *c, struct recovery *rec)
{
	struct fm_ipp_progress pr;

	for (;;) {
		if (!fm_ipp_poll(p, id, &pr))
			return false;
		if (pr.state == FM_IPP_COMPLETED) {
			if (pr.impressions < 0)
				return false;
			c->impressions += pr.impressions;
			if (pr.sheets < 0 || c->sheets < 0)
				c->sheets = -1;
			else
				c->sheets += pr.sheets;
			return true;
		}
		if ((pr.state != FM_IPP_PENDING &&
		        pr.state != FM_IPP_PROCESSING) ||
		    rec->budget_ms <= 0)
			return false;
		poll(NULL, 0, RECOVER_POLL_MS);
		rec->budget_ms -= RECOVER_POLL_MS;
	}
}

/* Asks the printer what an interrupted release printed. */
static bool
count_at_printer(
    const struct fm_release *r, struct fm_release_count *c, void *arg)
{
	struct recovery *rec = arg;
	const char *address = r->printer, *p_ids = r->printer_jobs;
	struct fm_printer named;
	fm_ipp_t *p;
	char err[256];
	uint64_t t0 = fm_clock_ms();
	bool ok = true;

	if (p_ids[0] == '\0' || rec->budget_ms <= 0)
		return false;
	if (fm_printers_get(rec->store, r->printer, &named))
		address = named.uri;
	p = fm_ipp_open(address,
	    (unsigned)(rec->budget_ms < RECOVER_CONNECT_MS
	            ? rec->budget_ms
	            : RECOVER_CONNECT_MS),
	    err, sizeof(err));
	rec->budget_ms -= (int64_t)(fm_clock_ms() - t0);
	if (p == NULL) {
		fm_log_warn("release %lld: cannot ask %s what printed: %s",
		    (long long)r->id, r->printer, err);
		return false;
	}
	*c = (struct fm_release_count){0, 0};
	while (ok && *p_ids != '\0') {
		char *end;
		long id = strtol(p_ids, &end, 10);

		ok = end != p_ids && id > 0 && id <= INT32_MAX &&
		    count_job(p, (int)id, c, rec);
		p_ids = *end == ',' ? end + 1 : end;
	}
	fm_ipp_close(p);
	return ok;
}

static void
report_recovered(const struct fm_release *r, bool printed,
    const struct fm_release_count *c, bool measured, void *arg)
{
	struct recovery *rec = arg;
	fm_store_t *store = rec->store;
	const char *errstr = NULL;
	struct fm_job job;
	int64_t charged = 0;

	/* The charge follows what we take to have happened: what the
	 * printer counted (or the estimate) for a job at the printer,
	 * nothing for one that never got there. */
	if (r->reservation_id != 0 &&
	    (!fm_jobstore_get(store, r->job_id, &job) ||
	        !fm_charge_settle(store, rec->ledger, r->printer, &job, r,
	            printed ? c->impressions : 0, c->sheets, measured, &charged,
	            &errstr)))
		fm_log_warn("release %lld: cannot settle its charge: %s",
		    (long long)r->id, errstr ? errstr : "no such job");
	if (printed)
		fm_log_job_warn(r->job_id,
		    "release %lld of job %lld was at the printer when "
		    "followmed stopped: taken as printed (%lld "
		    "impression(s), %s), not sent again",
		    (long long)r->id, (long long)r->job_id,
		    (long long)c->impressions,
		    measured ? "counted by the printer" : "estimated");
	else
		fm_log_job_warn(r->job_id,
		    "release %lld of job %lld had not reached the "
		    "printer when followmed stopped: the job is held "
		    "again",
		    (long long)r->id, (long long)r->job_id);
}

/*
 * The ledger key (ledger.key, beside master.key) is read by the ledger
 * writer and, here, only while followmed settles charges itself: at
 * start-up and when a session's settle failed.  It is never in memory
 * while followmed forks, so no session inherits it.
 */
static void
setup_ledger_key(struct daemon *d)
{
	const char *errstr = NULL;

	/* Created at the first start (after an upgrade too): the rows
	 * written before stay an unkeyed prefix, every later row is keyed. */
	if (!fm_ledger_load_key(d->store, d->ledger_key_path, true, &errstr))
		fm_fatal("%s: %s", d->ledger_key_path, errstr);
	fm_ledger_set_key(d->store, NULL);
}

/* A local ledger with the key; close it with ledger_close(). */
static fm_ledger_t *
ledger_open(struct daemon *d)
{
	const char *errstr = NULL;
	fm_ledger_t *ledger;

	if (!fm_ledger_load_key(d->store, d->ledger_key_path, false, &errstr)) {
		fm_log_warn("%s: %s", d->ledger_key_path, errstr);
		return NULL;
	}
	if ((ledger = fm_ledger_local_open(d->store)) == NULL)
		fm_ledger_set_key(d->store, NULL);
	return ledger;
}

static void
ledger_close(struct daemon *d, fm_ledger_t *ledger)
{
	fm_ledger_close(ledger);
	fm_ledger_set_key(d->store, NULL);
}

/* Settles one release whose settle failed, as it recorded its end. */
static void
settle_one(const struct fm_release *r, const struct fm_release_count *c,
    bool measured, void *arg)
{
	struct recovery *rec = arg;
	const char *errstr = NULL;
	struct fm_job job;
	int64_t charged = 0;

	if (!fm_jobstore_get(rec->store, r->job_id, &job) ||
	    !fm_charge_settle(rec->store, rec->ledger, r->printer, &job, r,
	        c->impressions, c->sheets, measured, &charged, &errstr)) {
		fm_log_warn("release %lld: cannot settle its charge yet: %s",
		    (long long)r->id, errstr ? errstr : "no such job");
		rec->budget_ms = -1; /* try again later */
		return;
	}
	fm_log_info("release %lld: charge settled by followmed (%lld "
	            "impression(s), %lld charged)",
	    (long long)r->id, (long long)c->impressions, (long long)charged);
}

/* Settles the charges sessions could not (their ledger writer went
 * away); d->unsettled says whether some are left for the next round. */
static void
settle_unsettled(struct daemon *d)
{
	struct recovery rec = {d->store, NULL, 0};
	int n;

	/* The key is read only when there is work: most rounds have none. */
	if ((n = fm_releases_unsettled(d->store, NULL, NULL)) == 0) {
		d->unsettled = false;
		return;
	}
	if (n < 0 || (rec.ledger = ledger_open(d)) == NULL) {
		d->unsettled = true;
		return;
	}
	while ((n = fm_releases_unsettled(d->store, settle_one, &rec)) > 0 &&
	    rec.budget_ms == 0)
		;
	ledger_close(d, rec.ledger);
	d->unsettled = n != 0;
}

/* Prepares state and runtime directories while we may still be root. */
static void
make_dirs(struct daemon *d, uid_t uid, gid_t gid)
{
	if (mkdir(d->settings.state_dir, 0700) == 0 && geteuid() == 0 &&
	    chown(d->settings.state_dir, uid, gid) != 0)
		fm_fatal("cannot give %s to %s", d->settings.state_dir,
		    d->settings.user);
	/* Sockets live here; the backend (lp) must reach them, and peers
	 * are checked with SO_PEERCRED, not by directory mode. */
	if (mkdir(d->settings.run_dir, 0755) == 0 && geteuid() == 0 &&
	    chown(d->settings.run_dir, uid, gid) != 0)
		fm_fatal("cannot give %s to %s", d->settings.run_dir,
		    d->settings.user);
}

static int
listen_ingest(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		fm_fatal("socket path too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
	         0)) < 0)
		fm_fatal("socket: %s", strerror(errno));
	if (unlink(path) != 0 && errno != ENOENT)
		fm_fatal(
		    "cannot remove stale socket %s: %s", path, strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		fm_fatal("bind %s: %s", path, strerror(errno));
	if (chmod(path, 0666) != 0 || listen(fd, 64) != 0)
		fm_fatal("listen %s: %s", path, strerror(errno));
	return fd;
}

/* Says how sessions will be confined (sandbox.h); false if they cannot
 * be as followme.conf requires: then no terminal is served. */
static bool
report_sandbox(struct daemon *d)
{
	const char *errstr = NULL;
	bool required = fm_sandbox_is_required(&d->settings, &errstr);
	int abi = fm_sandbox_abi();

	if (errstr != NULL)
		fm_fatal("%s", errstr);
	if (abi > 0) {
		fm_log_info("session sandbox: Landlock ABI %d", abi);
		return true;
	}
	if (required) {
		fm_log_warn("release service off: Landlock is unavailable, so "
		            "sessions cannot be confined (set session_sandbox "
		            "= off in followme.conf to serve terminals "
		            "unconfined)");
		return false;
	}
	fm_log_warn("session sandbox: off (no Landlock, session_sandbox = "
	            "off): a session could open every key file");
	return true;
}

/*
 * Listens for terminals once our certificate exists: at start-up, and
 * then every RELEASE_RETRY_SEC and on SIGHUP while the service is off,
 * so that `followme-admin ca init` after start-up needs no restart.  A
 * listen address that cannot be used stops followmed at start-up (a
 * mistake to fix now); later it is logged and tried again.
 */
static void
open_release(struct daemon *d, bool at_start)
{
	char dir[512], crt[600], host[FM_CONF_STRMAX], port[16];
	struct addrinfo hints = {0}, *ai = NULL;
	int fd = -1, on = 1, rc;

	if (!fm_settings_pki_dir(&d->settings, dir, sizeof(dir)))
		return;
	snprintf(crt, sizeof(crt), "%s/server.crt", dir);
	if (access(crt, R_OK) != 0) {
		if (!d->release_warned)
			fm_log_warn("release service off: no server "
			            "certificate in %s; it starts as soon as "
			            "`followme-admin ca init` has made one",
			    dir);
		d->release_warned = true;
		return;
	}
	if (d->sandbox_refused)
		return;
	if (!report_sandbox(d)) {
		d->sandbox_refused = true;
		return;
	}
	/* The CA key mints terminals: only root (followme-admin) may
	 * read it; this process never opens it. */
	snprintf(crt, sizeof(crt), "%s/ca.key", dir);
	if (access(crt, R_OK) == 0)
		fm_log_warn("%s is readable by %s: make it root's alone "
		            "(chown root:root, chmod 600)",
		    crt, d->settings.user);
	fm_settings_listen_address(
	    &d->settings, host, sizeof(host), port, sizeof(port));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
		if (at_start)
			fm_fatal("listen %s: %s", d->settings.listen,
			    gai_strerror(rc));
		fm_log_warn(
		    "listen %s: %s", d->settings.listen, gai_strerror(rc));
		return;
	}
	fd = socket(
	    ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* A deep backlog: followmed accepts and sorts out a burst of
	 * connections faster than a terminal's SYN is retried (1 s). */
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    listen(fd, 1024) != 0) {
		if (at_start)
			fm_fatal("listen %s: %s", d->settings.listen,
			    strerror(errno));
		if (!d->release_warned)
			fm_log_warn("listen %s: %s; trying again every %d s",
			    d->settings.listen, strerror(errno),
			    RELEASE_RETRY_SEC);
		d->release_warned = true;
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return;
	}
	freeaddrinfo(ai);
	d->release_fd = fd;
	d->release_warned = false;
	fm_log_info("release service on %s", d->settings.listen);
}

/*
 * SIGHUP: read the configuration again.  A file that does not load
 * leaves the running one in place.  What start-up made of the account,
 * the directories and the CUPS user (privileges dropped, keys and store
 * opened) stays until a restart; the rest applies to sessions and
 * workers started from now on, and a new listen address is listened on.
 */
static void
reload(struct daemon *d)
{
	static const struct {
		const char *name;
		size_t offset;
	} fixed[] = {
	    {"user", offsetof(struct fm_settings, user)},
	    {"state_dir", offsetof(struct fm_settings, state_dir)},
	    {"run_dir", offsetof(struct fm_settings, run_dir)},
	    {"cups_user", offsetof(struct fm_settings, cups_user)},
	};
	struct fm_settings s;
	char err[FM_CONF_ERRMAX + 512];
	bool relisten;

	if (!fm_settings_load(&s, d->config, err, sizeof(err))) {
		fm_log_warn("reload: %s; the running configuration stays", err);
		return;
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		char *now = (char *)&d->settings + fixed[i].offset;
		char *next = (char *)&s + fixed[i].offset;
		if (strcmp(now, next) == 0)
			continue;
		fm_log_warn(
		    "reload: %s changes only at a restart", fixed[i].name);
		memcpy(next, now, FM_CONF_STRMAX);
	}
	/* The admission table is sized at start-up (admission.h). */
	if (s.max_handshakes != d->settings.max_handshakes ||
	    s.max_handshakes_per_address !=
	        d->settings.max_handshakes_per_address ||
	    s.max_terminal_connections != d->settings.max_terminal_connections)
		fm_log_warn(
		    "reload: max_handshakes, "
		    "max_handshakes_per_address and "
		    "max_terminal_connections change only at a restart");
	s.max_handshakes = d->settings.max_handshakes;
	s.max_handshakes_per_address = d->settings.max_handshakes_per_address;
	s.max_terminal_connections = d->settings.max_terminal_connections;
	relisten = strcmp(s.listen, d->settings.listen) != 0;
	d->settings = s;
	if (relisten && d->release_fd >= 0) {
		close(d->release_fd);
		d->release_fd = -1;
	}
	d->release_warned = d->sandbox_refused = false;
	if (d->release_fd < 0)
		open_release(d, false);
	fm_log_info("configuration reloaded");
}

static uint64_t
monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Tells the service manager msg; says once in the log if it cannot. */
static void
notify(struct daemon *d, const char *msg)
{
	const char *errstr = NULL;

	if (fm_notify_send(&d->notify, msg, &errstr) || d->notify_warned)
		return;
	fm_log_warn("cannot notify the service manager: %s", errstr);
	d->notify_warned = true;
}

/*
 * The one line `systemctl status followmed` shows: terminals served,
 * jobs held, whether the release service is on.  Sent with what (READY=1,
 * ...) when given; otherwise only when the line changed.  No names: a
 * status line is read by anyone on the machine.
 */
static void
update_status(struct daemon *d, const char *what)
{
	char line[sizeof(d->status)], msg[sizeof(d->status) + 64];
	size_t terminals =
	    fm_admission_count(d->sessions, FM_ADMISSION_ACTIVE, NULL);
	int64_t held = fm_jobstore_count_held(d->store);
	char jobs[48];

	if (!d->notify.on)
		return;
	if (held < 0)
		snprintf(jobs, sizeof(jobs), "held jobs unknown (store busy)");
	else
		snprintf(jobs, sizeof(jobs), "%" PRId64 " held job%s", held,
		    held == 1 ? "" : "s");
	if (d->release_fd >= 0)
		snprintf(line, sizeof(line), "serving %zu terminal%s, %s",
		    terminals, terminals == 1 ? "" : "s", jobs);
	else
		snprintf(line, sizeof(line),
		    "release service off (see the log), %s", jobs);
	if (what == NULL && strcmp(line, d->status) == 0)
		return;
	memcpy(d->status, line, sizeof(d->status));
	snprintf(msg, sizeof(msg), "%s%sSTATUS=%s", what ? what : "",
	    what ? "\n" : "", line);
	notify(d, msg);
}

static void
setup(struct daemon *d)
{
	const char *errstr = NULL;
	uid_t uid = 0;
	gid_t gid = 0;
	int removed;

	if (!fm_privdrop_lookup(d->settings.cups_user, &d->cups_uid, &gid))
		fm_fatal("cups_user %s does not exist", d->settings.cups_user);
	if (geteuid() == 0 && !fm_privdrop_lookup(d->settings.user, &uid, &gid))
		fm_fatal("user %s does not exist", d->settings.user);
	if (!fm_settings_db_path(
	        &d->settings, d->db_path, sizeof(d->db_path)) ||
	    !fm_settings_spool_dir(
	        &d->settings, d->spool_dir, sizeof(d->spool_dir)) ||
	    !fm_settings_master_key_path(
	        &d->settings, d->key_path, sizeof(d->key_path)) ||
	    !fm_settings_ingest_socket(
	        &d->settings, d->sock_path, sizeof(d->sock_path)) ||
	    !fm_settings_ledger_key_path(
	        &d->settings, d->ledger_key_path, sizeof(d->ledger_key_path)))
		fm_fatal("state_dir or run_dir is too long");
	make_dirs(d, uid, gid);
	if (!fm_privdrop_to(d->settings.user, &errstr))
		fm_fatal("cannot run as %s: %s", d->settings.user, errstr);
	umask(077);
	if (!fm_spool_load_master_key(d->key_path, true, d->master, &errstr))
		fm_fatal("%s: %s", d->key_path, errstr);
	/* Without the key: the parent only removes files; the children
	 * that need it take it from d->master. */
	if ((d->spool = fm_spool_open(d->spool_dir, NULL, &errstr)) == NULL)
		fm_fatal("%s: %s", d->spool_dir, errstr);
	if ((d->store = fm_store_open(d->db_path, &errstr)) == NULL)
		fm_fatal("%s: %s", d->db_path, errstr);
	setup_ledger_key(d);
	/* Sessions of an earlier run are gone with it. */
	if (!fm_terminals_all_gone(d->store))
		fm_log_warn("cannot mark terminals disconnected: %s",
		    fm_store_last_error(d->store));
	/* Releases a crash interrupted are settled first (nothing is sent
	 * again), so that the sweep sees which jobs are still held. */
	struct recovery rec = {d->store, ledger_open(d), RECOVER_BUDGET_MS};
	if (rec.ledger == NULL)
		fm_fatal("%s: cannot charge", d->ledger_key_path);
	if ((removed = fm_releases_recover(d->store, (int64_t)time(NULL),
	         count_at_printer, report_recovered, &rec)) > 0)
		fm_log_info(
		    "settled %d release(s) interrupted by a restart", removed);
	ledger_close(d, rec.ledger);
	settle_unsettled(d);
	removed = fm_spool_sweep(d->spool, is_live, d->store);
	if (removed > 0)
		fm_log_info("removed %d spool file(s) left by an interrupted "
		            "ingest or deletion",
		    removed);
	d->listen_fd = listen_ingest(d->sock_path);
	open_release(d, true);
}

/* The one timer: expires every held job that is due, then tells how many
 * seconds until the next is. */
static int
run_expiry(struct daemon *d)
{
	int64_t ids[EXPIRY_BATCH], now = (int64_t)time(NULL), next;
	int n;

	while (
	    (n = fm_jobstore_expired(d->store, now, ids, EXPIRY_BATCH)) > 0) {
		for (int i = 0; i < n; i++) {
			if (fm_hold_end(d->store, d->spool, ids[i], "expired",
			        "not charged", now) == FM_HOLD_NOT_HELD)
				continue;
			fm_log_job_info(ids[i],
			    "job %" PRId64 " expired unreleased; its "
			    "data was destroyed, nothing charged",
			    ids[i]);
		}
		if (n < EXPIRY_BATCH)
			break;
	}
	if (n < 0)
		fm_log_warn("expiry: %s", fm_store_last_error(d->store));
	next = fm_jobstore_next_expiry(d->store);
	if (next < 0 || next - now > MAX_SLEEP_SEC)
		return MAX_SLEEP_SEC;
	return next <= now ? 1 : (int)(next - now);
}

static bool
peer_allowed(struct daemon *d, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return false;
	if (cred.uid == d->cups_uid)
		return true;
	fm_log_warn("ingest: refused a connection from uid %u pid %d (only "
	            "%s may submit)",
	    (unsigned)cred.uid, (int)cred.pid, d->settings.cups_user);
	return false;
}

/* What a child is started with. */
struct start {
	int conn;         /* its connection, or -1 */
	int ledger;       /* the ledger writer's control socket, or -1 (a
	                     session's link comes with its admission) */
	const char *peer; /* the terminal's address, for logs */
	int ctl;          /* a session's admission socket, or -1 */
	/* An analysis child's documents, and the write end of its progress
	 * pipe (only with docs). */
	const struct fm_heldcount_doc *docs;
	int ndocs;
	int progress;
	bool idle; /* its analyses at SCHED_IDLE */
};

/* An SQLite connection must not cross fork(): each child opens its own. */
static fm_store_t *
child_store(struct daemon *d, const char *what)
{
	const char *errstr = NULL;
	fm_store_t *store;

	if ((store = fm_store_open(d->db_path, &errstr)) == NULL) {
		fm_log_warn("%s: %s", what, errstr);
		_exit(1);
	}
	return store;
}

/*
 * A first print by a user Followme did not know: once the backend has its
 * answer, the worker becomes `followme-admin directory sync --user LOGIN`
 * (exec, as the same unprivileged user), so that the user has their
 * department and badge before they release, not at the next hourly sync.
 * The worker's alarm still bounds it.  directory/ is to the right of
 * release/ in the dependency order: it is run, never linked.  Returns
 * only when there is no directory to ask (or exec failed).
 */
static void
look_up_new_user(struct daemon *d, int conn, const char *login)
{
	const struct fm_settings *s = &d->settings;
	const char *argv[10];
	int n = 0;

	if (s->directory.uri[0] == '\0' ||
	    !s->directory.lookup_on_first_print ||
	    s->directory.lookup_program[0] == '\0')
		return;
	if (conn >= 0)
		close(conn);
	argv[n++] = "followme-admin";
	if (d->config != NULL) {
		argv[n++] = "-c";
		argv[n++] = d->config;
	}
	argv[n++] = "directory";
	argv[n++] = "sync";
	argv[n++] = "--user";
	argv[n++] = login;
	argv[n++] = "--quiet";
	argv[n] = NULL;
	fm_log_info("ingest: %s printed for the first time: looking them up "
	            "in the directory",
	    login);
	execv(s->directory.lookup_program, (char *const *)argv);
	fm_log_warn("ingest: cannot run %s: %s", s->directory.lookup_program,
	    strerror(errno));
}

static void __attribute__((noreturn))
run_worker(struct daemon *d, const struct start *a)
{
	struct fm_ingest_ctx ctx;
	const char *errstr = NULL;
	fm_spool_t *spool;
	fm_store_t *store;

	/* The whole job, not each read: past the backend's wait for our
	 * reply the work is wasted, and a worker stuck on a data file that
	 * never answers would hold one of the few places.  SIGALRM ends the
	 * process (dispositions are at their defaults); a half-written spool
	 * file is swept at the next start, the retried job held once. */
	alarm(FM_INGEST_REPLY_TIMEOUT_SEC);
	store = child_store(d, "ingest worker");

	if ((spool = fm_spool_open(d->spool_dir, d->master, &errstr)) == NULL) {
		fm_log_warn("ingest worker: %s: %s", d->spool_dir, errstr);
		_exit(1);
	}
	fm_wipe(d->master, sizeof(d->master));
	ctx = (struct fm_ingest_ctx){
	    &d->settings, spool, store, (int64_t)time(NULL), ""};
	fm_ingest_handle(&ctx, a->conn);
	fm_spool_close(spool);
	fm_store_close(store);
	if (ctx.new_user[0] != '\0')
		look_up_new_user(d, a->conn, ctx.new_user);
	fm_leakcheck_exit(0);
}

/*
 * Asks followmed to count this session among the terminals' connections
 * (admission.h).  Its answer brings the socket of the decryptor it
 * started for this session into *decryptor, and the link to the ledger
 * writer that may follow it into *ledger (-1: none).  False if it
 * refuses or does not answer in time.
 */
static bool
ask_admission(int ctl, const char *terminal, int *decryptor, int *ledger)
{
	struct fm_admission_request req = {{0}};
	struct fm_admission_reply rep = {0};
	struct pollfd pfd = {ctl, POLLIN, 0};
	uint8_t buf[FM_ADMISSION_MAX];
	const char *errstr = NULL;
	size_t len;
	ssize_t n;

	*decryptor = *ledger = -1;
	snprintf(req.terminal, sizeof(req.terminal), "%s", terminal);
	if ((len = fm_admission_encode_request(&req, buf, sizeof(buf))) == 0 ||
	    send(ctl, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
		return false;
	if (poll(&pfd, 1, ADMISSION_WAIT_MS) != 1 ||
	    (n = fm_fdpass_recv(
	         ctl, buf, sizeof(buf), MSG_DONTWAIT, decryptor)) <= 0 ||
	    !fm_admission_decode_reply(buf, (size_t)n, &rep, &errstr) ||
	    !rep.admitted || *decryptor < 0)
		goto refused;
	/* The link, if any, is the next message: sent right after. */
	if (rep.ledger &&
	    (poll(&pfd, 1, ADMISSION_WAIT_MS) != 1 ||
	        fm_fdpass_recv(ctl, buf, sizeof(buf), MSG_DONTWAIT, ledger) !=
	            1 ||
	        *ledger < 0))
		goto refused;
	return true;
refused:
	if (*decryptor >= 0)
		close(*decryptor);
	if (*ledger >= 0)
		close(*ledger);
	*decryptor = *ledger = -1;
	return false;
}

static void __attribute__((noreturn))
run_session(struct daemon *d, const struct start *a)
{
	struct fm_session_peer who;
	struct fm_terminal terminal;
	struct fm_session_ctx ctx;
	fm_tls_config_t *cfg;
	fm_ledger_t *ledger;
	fm_store_t *store;
	fm_tls_t *tls;
	int dec, link;

	/* Nothing of value before the peer has proved a terminal
	 * certificate: no key (followmed's copy goes first), no store, no
	 * decryptor.  A connection that gets no further costs this one
	 * process, confined, for handshake_timeout at most. */
	fm_wipe(d->master, sizeof(d->master));
	tls = fm_session_handshake(&d->settings, a->conn, a->peer, &who, &cfg);
	if (tls == NULL)
		fm_leakcheck_exit(0);
	if (!ask_admission(a->ctl, who.name, &dec, &link)) {
		fm_log_warn("session: %s (%s) not admitted: followmed serves "
		            "as many terminal connections as it may",
		    who.name, a->peer);
		fm_tls_close(tls);
		fm_tls_config_destroy(cfg);
		fm_leakcheck_exit(0);
	}
	close(a->ctl);
	store = child_store(d, "session");
	if (!fm_session_identify(store, &who, a->peer, &terminal)) {
		fm_tls_close(tls);
		fm_tls_config_destroy(cfg);
		fm_store_close(store);
		fm_leakcheck_exit(0);
	}
	/* followmed started the decryptor, which holds the spool key and
	 * checks logins; this process, which parses the terminal's
	 * requests, only talks to it.  Charges go through the ledger
	 * writer at the other end of the link; with none (-1), or once it
	 * goes away, a release is refused and a settle left to followmed:
	 * a session has no ledger key. */
	if ((ctx.decryptor = fm_decryptor_adopt(dec)) == NULL ||
	    (ledger = fm_ledger_link_open(store, link)) == NULL) {
		fm_log_warn("session: out of memory");
		_exit(1);
	}
	ctx = (struct fm_session_ctx){
	    &d->settings, store, ledger, ctx.decryptor, a->peer};
	fm_session_run(&ctx, tls, &terminal);
	fm_tls_config_destroy(cfg);
	fm_decryptor_stop(ctx.decryptor);
	fm_ledger_close(ledger);
	fm_store_close(store);
	fm_leakcheck_exit(0);
}

static void
tell_progress(void *arg, int i, enum fm_heldcount_step step)
{
	const int *fd = arg;
	uint8_t rec[FM_HELDCOUNT_PROGRESS_LEN];

	fm_heldcount_progress_encode(i, step, rec);
	/* A few bytes into a pipe that holds all of a batch's: written
	 * whole.  Lost only if followmed is gone, and the child with it. */
	if (write(*fd, rec, sizeof(rec)) != (ssize_t)sizeof(rec))
		return;
}

/*
 * Counts a few held documents (heldcount.h): unwraps their keys, reads
 * the plaintext into its own memory and hands each to the limited
 * analysis child and Ghostscript, saying on its progress pipe which
 * document it is on.  Not dumpable, niced below everything that serves
 * people; the master key is wiped as soon as the spool handle has it,
 * and the handle closed before any print data is parsed.
 */
static void __attribute__((noreturn))
run_analysis(struct daemon *d, const struct start *a)
{
	fm_store_t *store = child_store(d, "analysis");
	const struct fm_heldcount_opts opts = {
	    .timeout_sec = ANALYSIS_TIMEOUT_SEC,
	    .max_bytes = ANALYSIS_READ_AHEAD,
	    .commit_usec = ANALYSIS_COMMIT_USEC,
	    .idle = a->idle,
	};
	const char *errstr = NULL;
	fm_spool_t *spool;
	int n;

	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	(void)setpriority(PRIO_PROCESS, 0, ANALYSIS_NICE);
	spool = fm_spool_open(d->spool_dir, d->master, &errstr);
	fm_wipe(d->master, sizeof(d->master));
	if (spool == NULL) {
		fm_log_warn("analysis: %s: %s", d->spool_dir, errstr);
		_exit(1);
	}
	fm_log_debug("analysis child: %d document(s)%s", a->ndocs,
	    a->idle ? ", at SCHED_IDLE while ingest is busy" : "");
	/* Documents counted or ended meanwhile are skipped, not errors. */
	n = fm_heldcount_documents(store, spool, a->docs, a->ndocs, &opts,
	    tell_progress, (void *)&a->progress);
	fm_store_close(store);
	fm_leakcheck_exit(n >= 0 ? 0 : 2);
}

static void __attribute__((noreturn))
run_ledger_writer(struct daemon *d, const struct start *a)
{
	fm_wipe(d->master, sizeof(d->master));
	fm_leakcheck_exit(
	    fm_ledgerd_run(d->db_path, d->ledger_key_path, a->ledger, NULL));
}

/*
 * followmed's processes (DESIGN.md, "Processes and what each may
 * touch").  The parent parses no network input: it accepts connections
 * and starts a child per connection, and itself runs only the start-up
 * recovery of interrupted releases, the sweep and the expiry timer.
 * It also starts the decryptor of each admitted session
 * (start_decryptor(): master.key and the spool files, only the
 * logged-in user's jobs, never the network), which forks a child per
 * PAM check (pamauth.c); the ledger writer forks its syncer
 * (quota/ledgerd.c).  A role that ends well ends through
 * fm_leakcheck_exit(): _exit() in production, after LeakSanitizer's
 * check in a sanitizer build.
 */
enum role_id { ROLE_INGEST, ROLE_SESSION, ROLE_LEDGER, ROLE_ANALYSIS };

static const struct role {
	const char *what;    /* in logs */
	const char *name;    /* in ps and top; NULL: followmed */
	const char *touches; /* what it may touch */
	const char *started; /* when it is started */
	bool finish_on_term; /* SIGTERM ignored: followmed waits for it */
	void (*run)(struct daemon *d, const struct start *a)
	    __attribute__((noreturn));
} roles[] = {
    [ROLE_INGEST] = {"ingest worker", NULL,
        "the job fd, the store, the spool (write)",
        "per connection on the ingest socket (from cupsd's backend)", true,
        run_worker},
    [ROLE_SESSION] = {"session", NULL,
        "its connection, confined (sandbox.h); once a terminal "
        "certificate is verified, the store (charges only through the "
        "ledger writer) and its decryptor's socket; never a key",
        "per terminal connection on the release socket", false, run_session},
    [ROLE_LEDGER] = {"ledger writer", "followme-ledger",
        "the store, the ledger key",
        "with the release service, again after each death (backoff)", false,
        run_ledger_writer},
    [ROLE_ANALYSIS] = {"analysis child", "followme-count",
        "the store, a few held documents (their keys unwrapped in "
        "memory), Ghostscript in a limited child, its progress pipe",
        "for up to ANALYSIS_BATCH documents held \"pending\" (only "
        "Ghostscript or libqpdf can count them), up to analysis_workers at "
        "once, and at start-up for those a restart interrupted",
        false, run_analysis},
};

/* Forks a child to play role r; its pid, or -1 (logged). */
static pid_t
start_role(struct daemon *d, enum role_id r, const struct start *a)
{
	const struct role *role = &roles[r];
	/* As followmed ignores them: a peer gone mid-write is an error to
	 * handle, not a death.  Ingest workers finish the job in hand when
	 * systemd sends SIGTERM to the whole group. */
	static const int ignore[] = {SIGPIPE, SIGHUP, SIGTERM};
	struct fm_child_fd keep[4];
	struct fm_child_spec spec = {
	    .name = role->name,
	    .death_signal = SIGKILL, /* a child never outlives the daemon */
	    .ignore = ignore,
	    .nignore = role->finish_on_term ? 3 : 2,
	    .keep = keep,
	    .keep_files = true, /* every role opens the store */
	};
	const char *errstr = NULL;
	pid_t pid;

	if (a->conn >= 0)
		keep[spec.nkeep++] = (struct fm_child_fd){a->conn, -1};
	if (a->ledger >= 0)
		keep[spec.nkeep++] = (struct fm_child_fd){a->ledger, -1};
	if (a->ctl >= 0)
		keep[spec.nkeep++] = (struct fm_child_fd){a->ctl, -1};
	if (a->docs != NULL)
		keep[spec.nkeep++] = (struct fm_child_fd){a->progress, -1};
	if ((pid = fm_child_fork(&spec, &errstr)) < 0) {
		fm_log_warn("%s: %s: %s", role->what, errstr, strerror(errno));
		return -1;
	}
	if (pid == 0)
		role->run(d, a);
	fm_log_debug("%s %d started; it may touch %s", role->what, (int)pid,
	    role->touches);
	return pid;
}

/* Starts the ledger writer when it is due.  One that keeps failing is
 * restarted after 1, 2, 4 ... up to 60 s: meanwhile releases are
 * refused, and followmed does not spin. */
static void
start_ledger_writer(struct daemon *d)
{
	int sv[2];
	pid_t pid;

	if (d->release_fd < 0 || d->ledger_pid > 0 ||
	    time(NULL) < d->ledger_next)
		return;
	d->ledger_started = time(NULL);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		fm_log_warn("ledger writer: %s", strerror(errno));
		return;
	}
	pid = start_role(d, ROLE_LEDGER,
	    &(struct start){-1, sv[1], NULL, -1, NULL, 0, -1, false});
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return;
	}
	d->ledger_pid = pid;
	d->ledger_ctl = sv[0];
}

/* How many analysis children may run: analysis_workers, or one per
 * online core. */
static int
analysis_slots(const struct daemon *d)
{
	long n = (long)d->settings.analysis_workers;

	if (n == 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > MAX_ANALYSES ? MAX_ANALYSES : (int)n;
}

static bool
analysing(const struct daemon *d, int64_t job_id, int seq)
{
	for (int i = 0; i < d->nanalyses; i++)
		for (int j = 0; j < d->analyses[i].ndocs; j++)
			if (d->analyses[i].docs[j].job_id == job_id &&
			    d->analyses[i].docs[j].seq == seq)
				return true;
	return false;
}

/* The pause before trying again after another failure: 1 s, doubling up
 * to max. */
static int
next_delay(int delay, int max)
{
	return delay == 0 ? 1 : delay >= max / 2 ? max : 2 * delay;
}

/* Whether ingest is busy: a worker running, or one ended less than
 * INGEST_QUIET_USEC ago. */
static bool
ingest_busy(const struct daemon *d)
{
	return d->workers > 0 ||
	    monotonic_usec() - d->last_ingest < INGEST_QUIET_USEC;
}

/* Starts an analysis child for docs[0..n), n <= ANALYSIS_BATCH; false if
 * it could not (logged). */
static bool
start_analysis(struct daemon *d, const struct fm_heldcount_doc *docs, int n)
{
	int pfd[2];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0) {
		fm_log_warn("analysis child: %s", strerror(errno));
		return false;
	}
	pid = start_role(d, ROLE_ANALYSIS,
	    &(struct start){.conn = -1,
	        .ledger = -1,
	        .ctl = -1,
	        .docs = docs,
	        .ndocs = n,
	        .progress = pfd[1],
	        .idle = ingest_busy(d)});
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return false;
	}
	d->analyses[d->nanalyses].pid = pid;
	d->analyses[d->nanalyses].progress = pfd[0];
	d->analyses[d->nanalyses].ndocs = n;
	memcpy(d->analyses[d->nanalyses].docs, docs, (size_t)n * sizeof(*docs));
	d->nanalyses++;
	return true;
}

/*
 * Starts analysis children for the pending documents not being counted,
 * while places are free, sharing the documents out evenly (at most
 * ANALYSIS_BATCH each): after an ingest worker has held one, when a child
 * ends, and at start-up, which resumes what a restart interrupted (the
 * store still says "pending").
 */
static void
start_analyses(struct daemon *d)
{
	int64_t ids[MAX_ANALYSES * ANALYSIS_BATCH];
	int seqs[MAX_ANALYSES * ANALYSIS_BATCH];
	struct fm_heldcount_doc todo[MAX_ANALYSES * ANALYSIS_BATCH];
	int n, ntodo = 0, busy = 0, slots = analysis_slots(d), free_slots;

	if (d->nanalyses >= slots || time(NULL) < d->analysis_next)
		return;
	free_slots = slots - d->nanalyses;
	for (int i = 0; i < d->nanalyses; i++)
		busy += d->analyses[i].ndocs;
	n = fm_jobstore_pending(
	    d->store, 0, ids, seqs, busy + free_slots * ANALYSIS_BATCH);
	for (int i = 0; i < n; i++)
		if (!analysing(d, ids[i], seqs[i]))
			todo[ntodo++] =
			    (struct fm_heldcount_doc){ids[i], seqs[i]};
	if (ntodo == 0) {
		d->gathering = 0;
		return;
	}
	if (ingest_busy(d)) {
		if (d->gathering == 0)
			d->gathering = monotonic_usec();
		if (monotonic_usec() - d->gathering < ANALYSIS_DEFER_MAX_USEC)
			return;
	}
	d->gathering = 0;
	for (int at = 0; at < ntodo && free_slots > 0; free_slots--) {
		int m = (ntodo - at + free_slots - 1) / free_slots;
		if (m > ANALYSIS_BATCH)
			m = ANALYSIS_BATCH;
		if (!start_analysis(d, todo + at, m))
			return;
		at += m;
	}
}

/* The index in its batch of the document an analysis child was on when
 * it ended, from its progress records (its first document before any);
 * -1 if it had counted the last one it started. */
static int
analysis_was_on(const struct daemon *d, int k)
{
	uint8_t buf[(3 * ANALYSIS_BATCH + 1) * FM_HELDCOUNT_PROGRESS_LEN];
	ssize_t got = read(d->analyses[k].progress, buf, sizeof(buf));
	int on;

	if (!fm_heldcount_progress_decode(
	        buf, got > 0 ? (size_t)got : 0, d->analyses[k].ndocs, &on))
		fm_log_warn("analysis child %d: malformed progress record "
		            "refused",
		    (int)d->analyses[k].pid);
	return on;
}

/* Takes an analysis child off our books; false if pid is none.  One that
 * died marks its document alone as not countable -- unless followmed is
 * stopping, when the document stays pending for the next start. */
static bool
end_analysis(struct daemon *d, pid_t pid, int status)
{
	char why[96];
	int k, on;

	for (k = 0; k < d->nanalyses && d->analyses[k].pid != pid; k++)
		;
	if (k == d->nanalyses)
		return false;
	on = analysis_was_on(d, k);
	close(d->analyses[k].progress);
	fm_log_debug("analysis child %d (%d document(s)) ended (%s %d)",
	    (int)pid, d->analyses[k].ndocs,
	    WIFSIGNALED(status) ? "signal" : "status",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM &&
	    !got_sigterm) {
		/* The document it was on alone; those it had not reached,
		 * and counts it had not recorded yet, stay pending for the
		 * next child. */
		snprintf(why, sizeof(why), "analysis child killed by signal %d",
		    WTERMSIG(status));
		if (on >= 0) {
			const struct fm_heldcount_doc *doc =
			    &d->analyses[k].docs[on];
			fm_log_warn("job %" PRId64 " document %d: %s; its "
			            "pages are not known",
			    doc->job_id, doc->seq, why);
			(void)fm_heldcount_failed(d->store, doc->job_id,
			    doc->seq, why, (int64_t)time(NULL));
		} else {
			/* Between documents (recording their counts): no
			 * document to blame, and the next child might die
			 * the same way, so as for one that cannot run. */
			d->analysis_delay = next_delay(
			    d->analysis_delay, ANALYSIS_RETRY_MAX_SEC);
			d->analysis_next = time(NULL) + d->analysis_delay;
			fm_log_warn("%s between documents; analyses start "
			            "again in %d s",
			    why, d->analysis_delay);
		}
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0 &&
	    !got_sigterm) {
		/* Not the documents' fault: they stay pending, and no
		 * analysis starts for a while rather than fail in a loop. */
		d->analysis_delay =
		    next_delay(d->analysis_delay, ANALYSIS_RETRY_MAX_SEC);
		d->analysis_next = time(NULL) + d->analysis_delay;
		fm_log_warn("job %" PRId64 " document %d: the analysis could "
		            "not run (exit status %d); analyses start again "
		            "in %d s",
		    d->analyses[k].docs[0].job_id, d->analyses[k].docs[0].seq,
		    WEXITSTATUS(status), d->analysis_delay);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		d->analysis_delay = 0;
	}
	d->analyses[k] = d->analyses[--d->nanalyses];
	return true;
}

/* A terminal that lost power or its network leaves a connection nothing
 * will ever be read from: TCP keep-alive probes find it within about
 * 90 s of silence, and the session ends. */
static void
keep_alive(int conn)
{
	(void)setsockopt(
	    conn, SOL_SOCKET, SO_KEEPALIVE, &(int){1}, sizeof(int));
	(void)setsockopt(
	    conn, IPPROTO_TCP, TCP_KEEPIDLE, &(int){60}, sizeof(int));
	(void)setsockopt(
	    conn, IPPROTO_TCP, TCP_KEEPINTVL, &(int){10}, sizeof(int));
	(void)setsockopt(
	    conn, IPPROTO_TCP, TCP_KEEPCNT, &(int){3}, sizeof(int));
}

/* Sums up refused and evicted handshakes now and then: a flood must
 * not flood the log too. */
static void
log_pressure(struct daemon *d)
{
	if (d->refused + d->evicted == 0 ||
	    time(NULL) - d->pressure_logged < PRESSURE_LOG_SEC)
		return;
	fm_log_warn("release: %u connection(s) refused and %u handshake(s) "
	            "ended early to make room (max_handshakes %" PRIu64
	            ", %" PRIu64 " per address)",
	    d->refused, d->evicted, d->settings.max_handshakes,
	    d->settings.max_handshakes_per_address);
	d->refused = d->evicted = 0;
	d->pressure_logged = time(NULL);
}

/* Ends the pending session pid to make room for a newcomer. */
static void
evict(struct daemon *d, pid_t pid)
{
	struct fm_admission_slot *slot = fm_admission_find(d->sessions, pid);

	if (slot == NULL)
		return;
	fm_log_debug("release: handshake from %s (session %d) ended to make "
	             "room",
	    slot->addr, (int)pid);
	if (slot->ctl >= 0)
		close(slot->ctl);
	slot->ctl = -1;
	/* It holds nothing yet: no store, no key, no child. */
	kill(pid, SIGKILL);
	fm_admission_evict(d->sessions, pid);
	d->evicted++;
}

/*
 * Takes a connection, if admission (admission.h) lets it wait for its
 * handshake, into a session process of its own.
 */
static void
accept_release(struct daemon *d)
{
	struct sockaddr_storage sa;
	socklen_t salen = sizeof(sa);
	char peer[INET6_ADDRSTRLEN + 8] = "?";
	int conn, sv[2];
	pid_t pid, victim;

	while (fm_admission_has_room(d->sessions)) {
		salen = sizeof(sa);
		conn = accept4(d->release_fd, (struct sockaddr *)&sa, &salen,
		    SOCK_CLOEXEC);
		if (conn < 0) {
			if (errno != EAGAIN && errno != EINTR)
				fm_log_warn("accept: %s", strerror(errno));
			break;
		}
		if (getnameinfo((struct sockaddr *)&sa, salen, peer,
		        sizeof(peer), NULL, 0, NI_NUMERICHOST) != 0)
			snprintf(peer, sizeof(peer), "?");
		switch (fm_admission_check(d->sessions, peer, &victim)) {
		case FM_ADMISSION_TAKE:
			break;
		case FM_ADMISSION_TAKE_EVICT:
			evict(d, victim);
			break;
		default:
			fm_log_debug("release: refused a connection from %s: "
			             "too many handshakes",
			    peer);
			d->refused++;
			close(conn);
			continue;
		}
		/* Progress reports are small writes in a row: without this,
		 * Nagle holds each back until the terminal's delayed ACK
		 * (40 ms). */
		(void)setsockopt(
		    conn, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
		keep_alive(conn);
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) <
		    0) {
			fm_log_warn("release: %s", strerror(errno));
			close(conn);
			break;
		}
		pid = start_role(d, ROLE_SESSION,
		    &(struct start){conn, -1, peer, sv[1], NULL, 0, -1, false});
		close(conn);
		close(sv[1]);
		if (pid < 0) {
			close(sv[0]);
			break;
		}
		if (!fm_admission_add(d->sessions, pid, peer, sv[0]))
			fm_fatal("session table full"); /* has_room said no */
	}
	log_pressure(d);
}

/* Sends an admission reply, with the descriptor link if it is not -1. */
static bool
send_reply(int ctl, const uint8_t *buf, size_t len, int link)
{
	if (link >= 0)
		return fm_fdpass_send(ctl, buf, len, link, MSG_DONTWAIT);
	return send(ctl, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)len;
}

/*
 * Starts the decryptor of an admitted session (decryptor.h): a child of
 * followmed, not of the session, so that it is not confined with the
 * session (it reads the spool, badge.key and runs PAM) and the session
 * never holds the spool key.  It ends when the session closes its
 * socket.  Its socket, or -1.
 */
static int
start_decryptor(struct daemon *d)
{
	const char *errstr = NULL;
	fm_decryptor_t *dec;
	pid_t pid;
	int fd;

	if (d->ndecryptors == d->maxdecryptors) {
		fm_log_warn("release: %zu decryptors still running: no more",
		    d->ndecryptors);
		return -1;
	}
	dec = fm_decryptor_start(
	    d->spool_dir, d->master, &d->settings, d->db_path, &errstr);
	if (dec == NULL) {
		fm_log_warn("release: decryptor: %s", errstr);
		return -1;
	}
	fm_decryptor_detach(dec, &fd, &pid);
	d->decryptors[d->ndecryptors++] = pid;
	return fd;
}

/* Takes a decryptor that ended off our books; false if pid is not one. */
static bool
forget_decryptor(struct daemon *d, pid_t pid)
{
	for (size_t i = 0; i < d->ndecryptors; i++) {
		if (d->decryptors[i] == pid) {
			d->decryptors[i] = d->decryptors[--d->ndecryptors];
			return true;
		}
	}
	return false;
}

/*
 * A session says its peer proved a terminal certificate: it joins the
 * terminals' pool, where handshakes cannot take its place, and is given
 * the socket of a decryptor started for it, then its link to the ledger
 * writer; or it is refused when that pool is full.  One message per
 * session; anything else ends it.
 */
static void
answer_admission(struct daemon *d, struct fm_admission_slot *slot)
{
	struct fm_admission_request req;
	struct fm_admission_reply rep = {0};
	uint8_t buf[FM_ADMISSION_MAX];
	const char *errstr = NULL;
	pid_t pid = slot->pid;
	int ctl = slot->ctl, dec = -1, link = -1;
	size_t len;
	ssize_t n;

	n = recv(ctl, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	slot->ctl = -1;
	if (n > 0 &&
	    !fm_admission_decode_request(buf, (size_t)n, &req, &errstr)) {
		fm_log_warn("session %d: %s: stopped", (int)pid, errstr);
		kill(pid, SIGKILL);
		fm_admission_evict(d->sessions, pid);
	} else if (n > 0) {
		rep.admitted = fm_admission_promote(d->sessions, pid);
		if (!rep.admitted)
			fm_log_warn("release: terminal %s from %s refused: "
			            "%" PRIu64 " terminal connections already",
			    req.terminal, slot->addr,
			    d->settings.max_terminal_connections);
		else if ((dec = start_decryptor(d)) < 0)
			rep.admitted = false;
		/* Its decryptor and its link to the ledger writer come only
		 * now: a handshake costs neither anything. */
		if (rep.admitted && d->ledger_ctl >= 0)
			link = fm_ledgerd_link(d->ledger_ctl);
		rep.ledger = link >= 0;
		len = fm_admission_encode_reply(&rep, buf, sizeof(buf));
		/* A session that cannot be told waits in vain and ends. */
		if (len == 0 || !send_reply(ctl, buf, len, dec) ||
		    (link >= 0 &&
		        !send_reply(ctl, (const uint8_t *)"L", 1, link)))
			fm_log_warn("session %d: cannot answer: %s", (int)pid,
			    strerror(errno));
		if (dec >= 0)
			close(dec);
		if (link >= 0)
			close(link);
	}
	close(ctl);
}

static void
accept_ingest(struct daemon *d)
{
	int conn;
	pid_t pid;

	while (d->workers < MAX_WORKERS) {
		conn = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0) {
			if (errno != EAGAIN && errno != EINTR)
				fm_log_warn("accept: %s", strerror(errno));
			return;
		}
		if (!peer_allowed(d, conn)) {
			close(conn);
			continue;
		}
		pid = start_role(d, ROLE_INGEST,
		    &(struct start){conn, -1, NULL, -1, NULL, 0, -1, false});
		close(conn);
		if (pid < 0)
			return;
		d->workers++;
		d->last_ingest = monotonic_usec();
	}
}

/* Takes an ended child off our books; true if it was a session. */
static bool
forget_child(struct daemon *d, pid_t pid)
{
	struct fm_admission_slot *slot;

	if (pid == d->ledger_pid) {
		/* Sessions linked to it can no longer charge; new ones get
		 * the next writer. */
		close(d->ledger_ctl);
		d->ledger_ctl = -1;
		d->ledger_pid = 0;
		if (time(NULL) - d->ledger_started < 10)
			d->ledger_delay =
			    next_delay(d->ledger_delay, LEDGER_RETRY_MAX_SEC);
		else
			d->ledger_delay = 0;
		d->ledger_next = time(NULL) + d->ledger_delay;
		return false;
	}
	if (forget_decryptor(d, pid))
		return false;
	slot = fm_admission_find(d->sessions, pid);
	if (slot != NULL) {
		if (slot->ctl >= 0)
			close(slot->ctl);
		fm_admission_remove(d->sessions, pid);
		return true;
	}
	d->workers--;
	return false;
}

static void
reap_workers(struct daemon *d)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (end_analysis(d, pid, status))
			continue;
		if (forget_decryptor(d, pid)) {
			if (WIFSIGNALED(status))
				fm_log_warn("decryptor %d killed by signal %d",
				    (int)pid, WTERMSIG(status));
			continue;
		}
		struct fm_admission_slot *slot =
		    fm_admission_find(d->sessions, pid);
		/* Evicted handshakes are summed up by log_pressure(). */
		bool evicted =
		    slot != NULL && slot->state == FM_ADMISSION_DYING;
		bool writer = pid == d->ledger_pid;
		bool session = forget_child(d, pid);
		if (writer)
			fm_log_warn("ledger writer %d ended (%s %d); starting "
			            "another in %d s",
			    (int)pid, WIFSIGNALED(status) ? "signal" : "status",
			    WIFSIGNALED(status) ? WTERMSIG(status)
			                        : WEXITSTATUS(status),
			    d->ledger_delay);
		else if (!session && WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGALRM)
			fm_log_warn("ingest worker %d stopped after %d s: the "
			            "backend has given up on it, CUPS retries "
			            "the job",
			    (int)pid, FM_INGEST_REPLY_TIMEOUT_SEC);
		else if (WIFSIGNALED(status) && !evicted)
			fm_log_warn("%s %d killed by signal %d",
			    roles[session ? ROLE_SESSION : ROLE_INGEST].what,
			    (int)pid, WTERMSIG(status));
	}
}

static bool
sessions_running(const struct daemon *d)
{
	return fm_admission_size(d->sessions) !=
	    fm_admission_count(d->sessions, FM_ADMISSION_FREE, NULL);
}

static void
run(struct daemon *d)
{
	size_t nslots = fm_admission_size(d->sessions);
	/* The two listening sockets, then the admission sockets of the
	 * sessions in their handshake. */
	struct pollfd *pfd = calloc(2 + nslots, sizeof(*pfd));
	size_t *slot_of = calloc(2 + nslots, sizeof(*slot_of));
	struct sigaction sa = {0};
	sigset_t blocked, orig;
	int timeout = 0;
	pid_t pid;

	if (pfd == NULL || slot_of == NULL)
		fm_fatal("out of memory");
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Signals are only delivered inside ppoll, so no flag is missed
	 * between checking it and going to sleep. */
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGINT);
	sigaddset(&blocked, SIGCHLD);
	sigaddset(&blocked, SIGHUP);
	sigprocmask(SIG_BLOCK, &blocked, &orig);

	fm_log_info(
	    "followmed %s ready: ingest on %s", FM_VERSION, d->sock_path);
	/* Both listeners are bound and listening (the release one if it
	 * can be on): a unit ordered Before=cups.service is done. */
	update_status(d, "READY=1");
	for (;;) {
		struct timespec ts;
		time_t start = time(NULL);
		nfds_t n = 2;

		if (got_sigterm)
			break;
		if (got_sighup) {
			char msg[64];
			got_sighup = 0;
			/* MONOTONIC_USEC: systemd 253's Type=notify-reload
			 * matches the reload to the request with it. */
			snprintf(msg, sizeof(msg),
			    "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
			    monotonic_usec());
			notify(d, msg);
			reload(d);
			update_status(d, "READY=1");
		}
		if (d->release_fd < 0)
			open_release(d, false);
		if (got_sigchld) {
			got_sigchld = 0;
			reap_workers(d);
			/* A worker may have held a job that is due before
			 * the timer we set: look again. */
			timeout = 0;
		}
		start_ledger_writer(d);
		start_analyses(d);
		if (timeout <= 0) {
			timeout = run_expiry(d);
			settle_unsettled(d);
		}
		if (d->unsettled && timeout > RESETTLE_SEC)
			timeout = RESETTLE_SEC;
		/* Look again soon at analyses waiting for ingest. */
		if (d->gathering != 0 && timeout > 1)
			timeout = 1;
		/* Wake up when analyses may start again. */
		if (d->analysis_next > time(NULL) &&
		    d->analysis_next - time(NULL) < timeout)
			timeout = (int)(d->analysis_next - time(NULL));
		/* Wake up for a ledger writer restart that is due. */
		if (d->release_fd >= 0 && d->ledger_pid == 0 &&
		    d->ledger_next - time(NULL) < timeout)
			timeout = (int)(d->ledger_next - time(NULL)) > 0
			    ? (int)(d->ledger_next - time(NULL))
			    : 1;
		ts.tv_sec = d->release_fd < 0 && timeout > RELEASE_RETRY_SEC
		    ? RELEASE_RETRY_SEC
		    : timeout;
		ts.tv_nsec = 0;
		/* At the limit, let the backlog wait for a free place
		 * (for sessions: until the evicted are reaped). */
		pfd[0] = (struct pollfd){
		    d->workers < MAX_WORKERS ? d->listen_fd : -1, POLLIN, 0};
		pfd[1] = (struct pollfd){
		    fm_admission_has_room(d->sessions) ? d->release_fd : -1,
		    POLLIN, 0};
		for (size_t i = 0; i < nslots; i++) {
			const struct fm_admission_slot *slot =
			    fm_admission_slot(d->sessions, i);
			if (slot->state == FM_ADMISSION_PENDING &&
			    slot->ctl >= 0) {
				slot_of[n] = i;
				pfd[n++] =
				    (struct pollfd){slot->ctl, POLLIN, 0};
			}
		}
		if (ppoll(pfd, n, &ts, &orig) > 0) {
			if (pfd[0].revents & POLLIN)
				accept_ingest(d);
			for (nfds_t i = 2; i < n; i++)
				if (pfd[i].revents != 0)
					answer_admission(d,
					    fm_admission_slot(
					        d->sessions, slot_of[i]));
			/* After the admissions: a session that just proved
			 * its certificate is not evicted. */
			if (pfd[1].revents & POLLIN)
				accept_release(d);
		}
		log_pressure(d);
		update_status(d, NULL);
		timeout -= (int)(time(NULL) - start);
	}
	free(pfd);
	free(slot_of);
	{
		char msg[128];
		snprintf(msg, sizeof(msg),
		    "STOPPING=1\nSTATUS=shutting down; waiting for %d "
		    "ingest worker(s)",
		    d->workers);
		notify(d, msg);
	}
	fm_log_info(
	    "shutting down; waiting for %d ingest worker(s)", d->workers);
	/* Sessions hold no data in flight worth waiting for.  The ledger
	 * writer finishes its batch when its control socket closes. */
	for (size_t i = 0; i < nslots; i++) {
		const struct fm_admission_slot *slot =
		    fm_admission_slot(d->sessions, i);
		if (slot->state != FM_ADMISSION_FREE)
			kill(slot->pid, SIGTERM);
	}
	/* Counting resumes at the next start: the documents stay pending. */
	for (int i = 0; i < d->nanalyses; i++)
		kill(d->analyses[i].pid, SIGKILL);
	if (d->ledger_ctl >= 0)
		shutdown(d->ledger_ctl, SHUT_RDWR);
	while ((d->workers > 0 || sessions_running(d) || d->ledger_pid > 0 ||
	           d->nanalyses > 0) &&
	    (pid = waitpid(-1, NULL, 0)) > 0)
		if (!end_analysis(d, pid, 0))
			forget_child(d, pid);
}

int
main(int argc, char **argv)
{
	struct daemon d = {0};
	const char *config = NULL;
	bool foreground = false, check_only = false, debug = false;
	char err[FM_CONF_ERRMAX + 512];
	const char *errstr = NULL;
	int ch;

	while ((ch = getopt(argc, argv, "c:fnd")) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'n':
			check_only = true;
			break;
		case 'd':
			debug = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	/* Until the configuration says more: stderr, with priorities when
	 * it is the journal (ExecStartPre=followmed -n says why it failed
	 * at priority err). */
	fm_log_init("followmed", FM_LOG_STDERR, false);
	if (!fm_settings_load(&d.settings, config, err, sizeof(err)))
		fm_fatal("%s", err);
	if (check_only) {
		printf("followmed: configuration OK\n");
		return 0;
	}
	fm_log_init("followmed", foreground ? FM_LOG_STDERR : FM_LOG_SYSLOG,
	    debug || d.settings.debug);
	if (!foreground && daemon(0, 0) != 0)
		fm_fatal("cannot detach: %s", strerror(errno));
	d.listen_fd = d.release_fd = d.ledger_ctl = -1;
	d.config = config;
	/* Read and removed before any child exists: only this process
	 * speaks for the service. */
	if (!fm_notify_from_env(&d.notify, &errstr))
		fm_log_warn("NOTIFY_SOCKET ignored: %s", errstr);
	d.sessions = fm_admission_create(
	    &(struct fm_admission_limits){(unsigned)d.settings.max_handshakes,
	        (unsigned)d.settings.max_handshakes_per_address,
	        (unsigned)d.settings.max_terminal_connections});
	/* Room for a decryptor per terminal connection, and for as many
	 * again whose sessions ended before they were reaped. */
	d.maxdecryptors = 2 * (size_t)d.settings.max_terminal_connections + 8;
	d.decryptors = calloc(d.maxdecryptors, sizeof(*d.decryptors));
	if (d.sessions == NULL || d.decryptors == NULL)
		fm_fatal("out of memory");
	setup(&d);
	run(&d);
	fm_admission_destroy(d.sessions);
	free(d.decryptors);
	fm_spool_close(d.spool);
	fm_store_close(d.store);
	fm_wipe(d.master, sizeof(d.master));
	unlink(d.sock_path);
	return 0;
}
