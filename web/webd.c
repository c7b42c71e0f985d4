/*
 * webd.c - followme-webd(8), the web console's server.
 *
 * Started as root (or as anyone, for tests), it reads its certificate
 * and key, binds its address, then splits:
 *
 *   store-side workers (followme-webw, [web] workers of them), each a
 *	child running as followmed's account with a store connection and
 *	one socket to the HTTP side (broker.h);
 *   the HTTP side (this process), which reads its pages into memory,
 *	becomes [web] user, is confined to opening no file, and only then
 *	starts serving (http.h).
 *
 * A worker that dies ends the server (systemd starts it again): the HTTP
 * side never carries on with fewer workers than it was set up with.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/child.h"
#include "common/i18n.h"
#include "common/leakcheck.h"
#include "common/log.h"
#include "common/notify.h"
#include "common/privdrop.h"
#include "common/settings.h"
#include "release/sandbox.h"
#include "web/broker.h"
#include "web/http.h"

/* A PEM certificate chain or key is small. */
#define PEM_MAX (64 * 1024)
#define WORKERS_MAX 64

static void
usage(void)
{
	fprintf(stderr,
	    "usage: followme-webd [-nd] [-c FILE]\n"
	    "  -c FILE  configuration file (default %s)\n"
	    "  -n       check the configuration and exit\n"
	    "  -d       log debug messages\n",
	    FM_DEFAULT_CONFIG);
	exit(2);
}

/* Reads a PEM file whole, NUL-terminated; NULL (logged) on failure. */
static char *
read_pem(const char *path)
{
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		fm_log_warn("cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(PEM_MAX + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	while (len < PEM_MAX &&
	    ((n = read(fd, buf + len, PEM_MAX - len)) > 0 ||
	        (n < 0 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	close(fd);
	if (len == 0 || len == PEM_MAX) {
		fm_log_warn("%s: %s", path,
		    len == 0 ? "empty or unreadable"
		             : "too big for a PEM file");
		fm_wipe(buf, len);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

static void
free_pem(char *pem)
{
	if (pem == NULL)
		return;
	fm_wipe(pem, strlen(pem));
	free(pem);
}

/* Binds and listens on [web] listen; -1 (logged) on failure. */
static int
listen_on(const struct fm_settings *s)
{
	char host[FM_CONF_STRMAX], port[16];
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *ai;
	int fd = -1, on = 1, rc;

	if (!fm_conf_parse_hostport(
	        s->web.listen, host, sizeof(host), port, sizeof(port)))
		return -1;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
		fm_log_warn(
		    "[web] listen %s: %s", s->web.listen, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    listen(fd, 128) != 0) {
		fm_log_warn(
		    "cannot listen on %s: %s", s->web.listen, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* The certificate and key paths: the configured ones, or followmed's. */
static void
tls_paths(const struct fm_settings *s, char *crt, char *key, size_t size)
{
	char pki[512];

	if (!fm_settings_pki_dir(s, pki, sizeof(pki)))
		pki[0] = '\0';
	if (s->web.certificate[0] != '\0')
		snprintf(crt, size, "%s", s->web.certificate);
	else
		snprintf(crt, size, "%s/server.crt", pki);
	if (s->web.key[0] != '\0')
		snprintf(key, size, "%s", s->web.key);
	else
		snprintf(key, size, "%s/server.key", pki);
}

/* A store-side worker's life, in its child. */
static int
worker(const struct fm_settings *s, int sock)
{
	const char *errstr = NULL;
	fm_web_broker_t *b;
	sigset_t all;
	int rc;

	/* The HTTP side takes its signals with sigwait(); a worker gets
	 * them as they come (the parent-death signal above all). */
	sigfillset(&all);
	pthread_sigmask(SIG_UNBLOCK, &all, NULL);
	if (!fm_privdrop_to(s->user, &errstr)) {
		fm_log_warn(
		    "web worker: cannot become %s: %s", s->user, errstr);
		return 1;
	}
	/* The HTTP side may run as the same account in a test: it must not
	 * be able to read this process's memory. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if ((b = fm_web_broker_create(s, &errstr)) == NULL) {
		fm_log_warn("web worker: %s", errstr);
		return 1;
	}
	rc = fm_web_broker_serve(b, sock);
	fm_web_broker_destroy(b);
	return rc == 0 ? 0 : 1;
}

/* Starts the workers; their sockets' HTTP ends in channels. */
static bool
start_workers(const struct fm_settings *s, int *channels, size_t n, pid_t *pids)
{
	static const int ignore[] = {SIGPIPE, SIGHUP};

	for (size_t i = 0; i < n; i++) {
		int sv[2];
		const char *errstr = NULL;

		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) !=
		    0) {
			fm_log_warn("socketpair: %s", strerror(errno));
			return false;
		}
		struct fm_child_fd keep[] = {{sv[1], -1}};
		struct fm_child_spec spec = {.name = "followme-webw",
		    .death_signal = SIGTERM,
		    .ignore = ignore,
		    .nignore = 2,
		    .keep = keep,
		    .nkeep = 1};
		pids[i] = fm_child_fork(&spec, &errstr);
		if (pids[i] < 0) {
			fm_log_warn("cannot start a worker: %s", errstr);
			return false;
		}
		/* Through the leak check in a sanitizer build: the worker
		 * has closed its store and wiped what it held. */
		if (pids[i] == 0)
			fm_leakcheck_exit(worker(s, sv[1]));
		close(sv[1]);
		channels[i] = sv[0];
	}
	return true;
}

/* Becomes the HTTP side: its pages in memory, its own account, then
 * confined to opening no file at all. */
static bool
become_http_side(const struct fm_settings *s)
{
	const char *errstr = NULL;
	int abi;

	if (!fm_web_http_load(s, &errstr)) {
		fm_log_warn("%s", errstr);
		return false;
	}
	if (geteuid() == 0 && !fm_privdrop_to(s->web.user, &errstr)) {
		fm_log_warn(
		    "cannot become %s ([web] user): %s", s->web.user, errstr);
		return false;
	}
	if ((abi = fm_sandbox_confine_reader(s, NULL, 0, &errstr)) < 0) {
		fm_log_warn("cannot confine the HTTP side: %s", errstr);
		return false;
	}
	fm_log_debug("web: HTTP side confined (Landlock ABI %d)", abi);
#ifdef FM_TEST_HOOKS
	fm_sandbox_probe(s);
	{
		char db[512];
		int fd = -1;
		if (fm_settings_db_path(s, db, sizeof(db)))
			fd = open(db, O_RDONLY | O_CLOEXEC);
		fm_log_info("sandbox probe: %s: %s", db,
		    fd >= 0 ? "opened" : strerror(errno));
		if (fd >= 0)
			close(fd);
	}
#endif
	return true;
}

/* Waits for SIGTERM or SIGINT (0) or a worker's end (1). */
static int
wait_for_end(const pid_t *pids, size_t n)
{
	sigset_t set;
	int sig, status;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			return 1;
		if (sig != SIGCHLD)
			return 0;
		for (size_t i = 0; i < n; i++)
			if (pids[i] > 0 &&
			    waitpid(pids[i], &status, WNOHANG) == pids[i]) {
				fm_log_warn("a store-side worker ended (status "
				            "%d): stopping",
				    status);
				return 1;
			}
	}
}

int
main(int argc, char **argv)
{
	struct fm_settings s;
	const char *config = NULL, *errstr = NULL;
	bool check_only = false, debug = false;
	char err[FM_CONF_ERRMAX + 512], crt[600], key[600];
	char *cert_pem = NULL, *key_pem = NULL;
	int channels[WORKERS_MAX], lfd, ch, rc;
	pid_t pids[WORKERS_MAX];
	struct fm_notify notify;
	sigset_t set;
	size_t n;

	while ((ch = getopt(argc, argv, "c:nd")) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
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
	fm_i18n_init();
	fm_log_init("followme-webd", FM_LOG_STDERR, false);
	if (!fm_settings_load(&s, config, err, sizeof(err))) {
		fm_log_warn("%s", err);
		return 1;
	}
	fm_log_init("followme-webd", FM_LOG_STDERR, debug || s.debug);
	n = (size_t)s.web.workers;
	if (s.web.tls) {
		tls_paths(&s, crt, key, sizeof(crt));
		if ((cert_pem = read_pem(crt)) == NULL ||
		    (key_pem = read_pem(key)) == NULL) {
			free_pem(cert_pem);
			return 1;
		}
	}
	if (check_only) {
		free_pem(cert_pem);
		free_pem(key_pem);
		printf("followme-webd: configuration OK\n");
		return 0;
	}
	if (!fm_notify_from_env(&notify, &errstr))
		fm_log_warn("NOTIFY_SOCKET ignored: %s", errstr);
	/* Signals are taken by sigwait(); every thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	signal(SIGPIPE, SIG_IGN);
	if ((lfd = listen_on(&s)) < 0 ||
	    pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 ||
	    !start_workers(&s, channels, n, pids) || !become_http_side(&s) ||
	    !fm_web_http_start(&(struct fm_web_http_setup){&s, lfd, channels, n,
	                           cert_pem, key_pem},
	        &errstr)) {
		if (errstr != NULL)
			fm_log_warn("%s", errstr);
		free_pem(cert_pem);
		free_pem(key_pem);
		return 1;
	}
	/* GnuTLS holds its own copy now. */
	free_pem(key_pem);
	key_pem = NULL;
	fm_log_info("serving the web console on %s (%s, %zu workers)",
	    s.web.listen, s.web.tls ? "HTTPS" : "HTTP behind a proxy", n);
	fm_notify_send(&notify, "READY=1\nSTATUS=serving", &errstr);
	rc = wait_for_end(pids, n);
	fm_notify_send(&notify, "STOPPING=1", &errstr);
	fm_web_http_stop();
	for (size_t i = 0; i < n; i++)
		close(channels[i]);
	for (size_t i = 0; i < n; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
	free_pem(cert_pem);
	fm_log_info("stopped");
	return rc;
}
