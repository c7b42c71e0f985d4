/*
 * followme-terminal.c - followme-terminal: the release terminal next to a
 * printer.
 *
 * One event loop over the screen's keyboard, the badge reader (a child
 * process, badge/reader.h) and the TLS connection to followmed.  What to
 * show and what to ask is decided by termstate.c; this file moves bytes,
 * keeps the connection up (reconnecting with backoff while the reader
 * stays alive) and, in headless mode, runs the feedback commands.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "badge/reader.h"
#include "common/child.h"
#include "common/clock.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/stop.h"
#include "terminal/client.h"
#include "proto/protoio.h"
#include "terminal/termconf.h"
#include "terminal/termdraw.h"
#include "terminal/termstate.h"

#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 10000
#define READ_TIMEOUT_MS 10000
#define MAX_FEEDBACK 8

struct terminal {
	struct fm_termconf conf;
	struct fm_termstate state;
	fm_tls_config_t *tls_config;
	fm_tls_t *tls;
	fm_reader_t *reader;
	uint64_t next_try, backoff;
	/* A connection under way (connecting.fd >= 0) and when to give up
	 * on it: the screen and the reader stay live meanwhile. */
	struct fm_connecting connecting;
	uint64_t connect_deadline;
	bool ui, utf8, said_down;
	pid_t feedback[MAX_FEEDBACK];
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: followme-terminal [-c config] [-H] [-n] [-v]\n"
	    "  -c config  configuration file (default %s/terminal.conf)\n"
	    "  -H         headless: a tap releases every held job\n"
	    "  -n         check the configuration and exit\n"
	    "  -v         log debug messages\n",
	    FM_SYSCONFDIR);
	exit(2);
}

static void
disconnect(struct terminal *term, const char *why)
{
	uint64_t now = fm_clock_ms();

	if (term->tls == NULL)
		return;
	fm_log_warn("connection to %s lost: %s", term->conf.address, why);
	fm_tls_close(term->tls);
	term->tls = NULL;
	term->said_down = true;
	term->backoff = BACKOFF_MIN_MS;
	term->next_try = now + term->backoff;
	fm_termstate_disconnected(&term->state, now);
}

/* After a failed attempt: say so once, and schedule the next. */
static void
connect_failed(struct terminal *term, const char *err)
{
	if (!term->said_down)
		fm_log_warn(
		    "cannot reach %s: %s; retrying", term->conf.address, err);
	term->said_down = true;
	term->backoff = term->backoff == 0       ? BACKOFF_MIN_MS
	    : term->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
	                                         : term->backoff * 2;
	term->next_try = fm_clock_ms() + term->backoff;
}

/* Starts connecting (the TCP part runs in the background: run() polls
 * it). */
static void
begin_connect(struct terminal *term)
{
	char err[256];

	if (!fm_client_begin(&term->connecting, term->conf.host,
	        term->conf.port, err, sizeof(err))) {
		connect_failed(term, err);
		return;
	}
	term->connect_deadline =
	    fm_clock_ms() + (uint64_t)term->conf.connect_timeout * 1000;
}

/* A server older than this terminal refused its HELLO: say it again as
 * version 1, which every server speaks (the user's language is then not
 * sent: the terminal shows its own).  The answer goes into m. */
static bool
hello_again(fm_tls_t *tls, struct fm_proto_msg *m, char *err, size_t errlen)
{
	const char *errstr = NULL;

	fm_log_info("the server speaks an older protocol: using version 1");
	fm_proto_init(m, FM_MSG_HELLO);
	m->version = FM_PROTO_VERSION_MIN;
	if (!fm_protoio_send(tls, m)) {
		snprintf(err, errlen, "cannot send hello");
		return false;
	}
	if (fm_protoio_recv(tls, m, &errstr) != FM_PROTOIO_OK) {
		snprintf(err, errlen, "no answer to hello%s%s",
		    errstr ? ": " : "", errstr ? errstr : "");
		return false;
	}
	return true;
}

/* The TCP connection is up on fd: TLS, then hello. */
static void
finish_connect(struct terminal *term, int fd)
{
	static struct fm_proto_msg m;
	struct fm_termconf *c = &term->conf;
	const char *errstr = NULL;
	char err[256];
	fm_tls_t *tls;

	if ((tls = fm_tls_open(term->tls_config, fd, c->server_name, err,
	         sizeof(err))) == NULL) {
		connect_failed(term, err);
		return;
	}
	fm_proto_init(&m, FM_MSG_HELLO);
	m.version = FM_PROTO_VERSION;
	if (!fm_protoio_send(tls, &m))
		snprintf(err, sizeof(err), "cannot send hello");
	else if (fm_protoio_recv(tls, &m, &errstr) != FM_PROTOIO_OK)
		snprintf(err, sizeof(err), "no answer to hello%s%s",
		    errstr ? ": " : "", errstr ? errstr : "");
	else if (m.type == FM_MSG_ERROR && m.code == FM_CODE_VERSION &&
	    !hello_again(tls, &m, err, sizeof(err)))
		; /* err says why */
	else if (m.type != FM_MSG_HELLO_OK)
		snprintf(err, sizeof(err), "server refused: %.200s", m.message);
	else {
		term->tls = tls;
		term->backoff = 0;
		term->said_down = false;
		fm_log_info("connected to %s as terminal %s (printer %s)",
		    c->address, m.terminal, m.printer);
		fm_termstate_connected(&term->state, &m, fm_clock_ms());
		return;
	}
	fm_tls_close(tls);
	connect_failed(term, err);
}

/* The connection under way polled ready, or its time is up. */
static void
step_connect(struct terminal *term, bool ready)
{
	char err[256];
	int fd;

	if (!ready) {
		snprintf(err, sizeof(err), "cannot connect to %s: %s",
		    term->conf.address, strerror(ETIMEDOUT));
		fm_client_abandon(&term->connecting);
		connect_failed(term, err);
		return;
	}
	switch (fm_client_step(&term->connecting, &fd, err, sizeof(err))) {
	case FM_CLIENT_CONNECTED:
		finish_connect(term, fd);
		break;
	case FM_CLIENT_FAILED:
		connect_failed(term, err);
		break;
	case FM_CLIENT_CONNECTING:
		break;
	}
}

/* Runs the outcome's command without waiting for it (an LED or buzzer
 * script must never hold up the next tap). */
static void
run_feedback(struct terminal *term, enum fm_term_outcome o, unsigned count)
{
	const char *cmd = term->conf.feedback[o], *errstr = NULL;
	/* A plain process with stdio only; no death signal: the command
	 * (an LED, a buzzer) may finish after we are gone. */
	struct fm_child_spec spec = {0};
	char n[16];
	pid_t pid;
	int slot;

	fm_log_info("outcome %s count=%u", fm_termconf_outcome_name(o), count);
	if (cmd[0] == '\0')
		return;
	for (slot = 0; slot < MAX_FEEDBACK && term->feedback[slot] > 0; slot++)
		;
	if (slot == MAX_FEEDBACK) {
		fm_log_warn(
		    "feedback command skipped: %d still running", MAX_FEEDBACK);
		return;
	}
	if ((pid = fm_child_fork(&spec, &errstr)) < 0) {
		fm_log_warn("feedback command: %s", errstr);
		return;
	}
	if (pid == 0) {
		snprintf(n, sizeof(n), "%u", count);
		setenv("FOLLOWME_OUTCOME", fm_termconf_outcome_name(o), 1);
		setenv("FOLLOWME_COUNT", n, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	term->feedback[slot] = pid;
}

static void
reap_feedback(struct terminal *term)
{
	int status;

	for (int i = 0; i < MAX_FEEDBACK; i++) {
		if (term->feedback[i] <= 0 ||
		    waitpid(term->feedback[i], &status, WNOHANG) == 0)
			continue;
		if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			fm_log_warn("feedback command exited with %d",
			    WEXITSTATUS(status));
		term->feedback[i] = 0;
	}
}

/* Acts on what the state machine asked for. */
static void
flush(struct terminal *term)
{
	struct fm_termstate *t = &term->state;

	if (t->send) {
		t->send = false;
		if (term->tls == NULL || !fm_protoio_send(term->tls, &t->out))
			disconnect(term, "cannot send");
		fm_termstate_wipe(t);
	}
	if (t->outcome != FM_OUTCOME_NONE) {
		run_feedback(term, t->outcome, t->outcome_count);
		t->outcome = FM_OUTCOME_NONE;
	}
	if (t->drop) {
		t->drop = false;
		disconnect(term, "the server does not answer");
	}
}

static void
read_server(struct terminal *term)
{
	static struct fm_proto_msg m;
	const char *errstr = NULL;
	enum fm_protoio_status st;

	do {
		st = fm_protoio_recv(term->tls, &m, &errstr);
		if (st != FM_PROTOIO_OK) {
			disconnect(term,
			    st == FM_PROTOIO_CLOSED ? "closed by the server"
			        : errstr            ? errstr
			                            : "read error");
			return;
		}
		fm_log_debug("server: %s", fm_proto_type_name(m.type));
		fm_termstate_message(&term->state, &m, fm_clock_ms());
		fm_proto_wipe(&m);
		flush(term);
	} while (term->tls != NULL && fm_tls_pending(term->tls));
}

static void
read_reader(struct terminal *term)
{
	struct fm_reader_event ev;
	const char *errstr = NULL;
	enum fm_reader_read rc;

	while ((rc = fm_reader_read_event(term->reader, &ev, &errstr)) ==
	    FM_READER_GOT_EVENT) {
		fm_log_debug("reader: %s", fm_readermsg_event_name(ev.type));
		switch (ev.type) {
		case FM_READER_READY:
		case FM_READER_BACK:
			if (!term->state.reader_ok)
				fm_log_info("badge reader available");
			fm_termstate_reader(&term->state, true);
			break;
		case FM_READER_UNAVAILABLE:
			fm_log_warn("badge reader unavailable");
			fm_termstate_reader(&term->state, false);
			break;
		case FM_READER_CARD_PRESENT:
			fm_termstate_card(
			    &term->state, ev.uid, ev.uid_len, fm_clock_ms());
			break;
		default:
			break;
		}
		flush(term);
	}
	if (rc == FM_READER_BROKEN) {
		fm_log_warn("badge reader: %s", errstr);
		fm_stop_request();
	}
}

static void
read_keys(struct terminal *term)
{
	enum fm_termstate_key key;
	int ch;

	while (fm_termdraw_read_key(&key, &ch)) {
		fm_termstate_key(&term->state, key, ch, fm_clock_ms());
		flush(term);
	}
}

static int
poll_timeout(struct terminal *term)
{
	uint64_t now = fm_clock_ms(), wake = now + 1000, d;

	if (term->tls != NULL && fm_tls_pending(term->tls))
		return 0;
	if ((d = fm_termstate_next_deadline(&term->state)) != 0 && d < wake)
		wake = d;
	if (term->connecting.fd >= 0 && term->connect_deadline < wake)
		wake = term->connect_deadline;
	else if (term->tls == NULL && term->connecting.fd < 0 &&
	    term->next_try < wake)
		wake = term->next_try;
	return wake > now ? (int)(wake - now) : 0;
}

static int
run(struct terminal *term)
{
	struct pollfd pfd[3];
	int n, i_tls, i_reader, i_keys;

	while (!fm_stop_is_requested()) {
		if (term->connecting.fd >= 0 &&
		    fm_clock_ms() >= term->connect_deadline)
			step_connect(term, false);
		if (term->tls == NULL && term->connecting.fd < 0 &&
		    fm_clock_ms() >= term->next_try)
			begin_connect(term);
		fm_termstate_tick(&term->state, fm_clock_ms());
		flush(term);
		reap_feedback(term);
		if (term->ui)
			fm_termdraw_screen(
			    &term->state, time(NULL), term->utf8);

		n = 0;
		i_tls = i_reader = i_keys = -1;
		if (term->tls != NULL) {
			i_tls = n;
			pfd[n++] =
			    (struct pollfd){fm_tls_fd(term->tls), POLLIN, 0};
		} else if (term->connecting.fd >= 0) {
			i_tls = n;
			pfd[n++] =
			    (struct pollfd){term->connecting.fd, POLLOUT, 0};
		}
		if (term->reader != NULL) {
			i_reader = n;
			pfd[n++] = (struct pollfd){
			    fm_reader_get_fd(term->reader), POLLIN, 0};
		}
		if (term->ui) {
			i_keys = n;
			pfd[n++] = (struct pollfd){STDIN_FILENO, POLLIN, 0};
		}
		if (poll(pfd, (nfds_t)n, poll_timeout(term)) < 0) {
			if (errno == EINTR)
				continue; /* a signal, or a resize */
			fm_log_warn("poll: %s", strerror(errno));
			return 1;
		}
		if (i_tls >= 0 && term->tls != NULL &&
		    (pfd[i_tls].revents != 0 || fm_tls_pending(term->tls)))
			read_server(term);
		else if (i_tls >= 0 && term->connecting.fd >= 0 &&
		    pfd[i_tls].revents != 0)
			step_connect(term, true);
		if (i_reader >= 0 && pfd[i_reader].revents != 0)
			read_reader(term);
		if (i_keys >= 0 && (pfd[i_keys].revents & (POLLHUP | POLLERR)))
			return 1; /* the screen is gone */
		if (i_keys >= 0 && pfd[i_keys].revents != 0)
			read_keys(term);
	}
	return 0;
}

/* The terminal's private key proves which printer it stands at: refuse
 * to use one that every account on the machine can read. */
static bool
key_is_private(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IRWXO | S_IWGRP)) != 0) {
		snprintf(err, errlen,
		    "%s: readable or writable by others (mode %04o); make it "
		    "0600, or 0640 with the terminal's group",
		    path, (unsigned)(st.st_mode & 07777));
		return false;
	}
	return true;
}

int
main(int argc, char **argv)
{
	static struct terminal term;
	const char *config = FM_SYSCONFDIR "/terminal.conf", *errstr = NULL;
	bool check = false, debug = false, headless = false;
	char err[FM_CONF_ERRMAX + 256];
	int c, rc;

	while ((c = getopt(argc, argv, "c:Hhnv")) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'H':
			headless = true;
			break;
		case 'n':
			check = true;
			break;
		case 'v':
			debug = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	fm_i18n_init();
	term.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (!fm_termconf_load(config, &term.conf, err, sizeof(err))) {
		fprintf(stderr, "followme-terminal: %s\n", err);
		return 2;
	}
	/* An unknown layout is a configuration error now, not a reader that
	 * never comes up. */
	if (!fm_termconf_check_layout(&term.conf, err, sizeof(err))) {
		fprintf(stderr, "followme-terminal: %s: %s\n", config, err);
		return 2;
	}
	term.conf.headless = term.conf.headless || headless;
	if (check) {
		printf("%s: configuration OK\n", config);
		return 0;
	}
	if (!key_is_private(term.conf.key, err, sizeof(err))) {
		fprintf(stderr, "followme-terminal: %s\n", err);
		return 2;
	}
	term.ui = !term.conf.headless;
	if (term.ui && !isatty(STDIN_FILENO)) {
		fprintf(stderr,
		    "followme-terminal: the screen needs a "
		    "terminal on standard input (or use -H)\n");
		return 2;
	}
	/* The screen is ours: log to syslog unless standard error goes
	 * somewhere else than the screen (a file, the journal). */
	fm_log_init("followme-terminal",
	    term.ui && isatty(STDERR_FILENO) ? FM_LOG_SYSLOG : FM_LOG_STDERR,
	    debug);
	fm_stop_catch_signals(true);
	term.connecting.fd = -1;

	term.tls_config = fm_tls_config_create(FM_TLS_CLIENT, term.conf.ca,
	    term.conf.certificate, term.conf.key, READ_TIMEOUT_MS, err,
	    sizeof(err));
	if (term.tls_config == NULL) {
		fprintf(stderr, "followme-terminal: %s\n", err);
		return 1;
	}
	fm_termstate_init(&term.state, term.conf.headless,
	    term.conf.idle_timeout * 1000, term.conf.result_time * 1000);
	fm_termstate_set_lang(&term.state, term.conf.lang);
	term.state.has_reader = term.conf.have_reader;
	if (term.conf.have_reader &&
	    (term.reader = fm_reader_open(&term.conf.reader, &errstr)) ==
	        NULL) {
		fprintf(
		    stderr, "followme-terminal: badge reader: %s\n", errstr);
		fm_tls_config_destroy(term.tls_config);
		return 1;
	}
	if (term.ui && !fm_termdraw_open()) {
		fprintf(stderr, "followme-terminal: cannot use the screen\n");
		fm_reader_close(term.reader);
		fm_tls_config_destroy(term.tls_config);
		return 1;
	}
	fm_log_info("starting: server %s, reader %s, %s", term.conf.address,
	    term.conf.reader_type, term.ui ? "screen" : "headless");
	rc = run(&term);
	if (term.ui)
		fm_termdraw_close();
	fm_termstate_wipe(&term.state);
	if (term.tls != NULL)
		fm_tls_close(term.tls);
	fm_reader_close(term.reader);
	fm_tls_config_destroy(term.tls_config);
	fm_log_info("stopped");
	return rc;
}
