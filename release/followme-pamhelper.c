/*
 * followme-pamhelper.c - followme-pamhelper: runs PAM checks that need root
 *(the pam_unix module reads /etc/shadow) for followmed, which does not run as
 * root and must not.
 *
 * It does one thing: for a peer that is followmed's account (checked by
 * SO_PEERCRED), run the site's PAM service on one user and secret and
 * answer ok, denied, account refused or unavailable (pamwire.h).  Each
 * request is handled in a fresh process with a time limit; the service
 * is fixed here, never chosen by the peer.
 *
 * It keeps its own attempt limit, whatever followmed does: a followmed
 * taken over could otherwise guess system passwords through it as fast
 * as PAM answers.  Past -m checks that did not end well (a check still
 * running counts as one) in the last -w seconds, a connection is
 * answered "unavailable" without running PAM.  The one listening
 * process keeps the count, so the listening socket is its own (-s) or
 * systemd's, passed on standard input (Accept=no).
 *
 *	followme-pamhelper [-S service] [-u peer-user] [-t seconds]
 *	    [-m failures] [-w seconds] [-s socket-path]
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/child.h"
#include "common/log.h"
#include "common/stop.h"
#include "release/pamauth.h"
#include "release/pamwire.h"

#define REQUEST_WAIT_MS 5000
/* The most -m may be: the checks in flight and the failures remembered
 * are arrays of this size. */
#define MAX_FAILURES 1000

struct helper {
	const char *service;
	uid_t peer_uid;
	unsigned timeout;
	unsigned max_failures; /* -m */
	unsigned window;       /* -w, seconds */
};

/* The attempt limit: checks running and recent failures, in the
 * listening process. */
struct limit {
	pid_t running[MAX_FAILURES];
	size_t nrunning;
	time_t failed[MAX_FAILURES]; /* when, oldest first */
	size_t nfailed;
	unsigned long refused; /* connections refused since the last check */
};

/* How a check's process ends, for the attempt limit. */
enum { CHECK_OK = 0, CHECK_FAILED = 1 };

static void
usage(void)
{
	fprintf(stderr,
	    "usage: followme-pamhelper [-S service] [-u peer-user] "
	    "[-t seconds] [-m failures] [-w seconds] [-s socket-path]\n");
	exit(2);
}

static void
reply(int fd, enum fm_pamauth_result result, const char *user)
{
	struct fm_pamwire_reply r = {.result = (uint8_t)result};
	uint8_t buf[FM_PAMWIRE_MAX];
	size_t len;

	if (result == FM_PAMAUTH_OK)
		snprintf(r.user, sizeof(r.user), "%s", user);
	if ((len = fm_pamwire_encode_reply(&r, buf, sizeof(buf))) > 0)
		(void)!send(fd, buf, len, MSG_NOSIGNAL);
}

/* One connection, one check: CHECK_OK only if PAM let the user in. */
static int
serve(const struct helper *h, int fd)
{
	static struct fm_pamwire_request req;
	struct pollfd pfd = {fd, POLLIN, 0};
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	uint8_t buf[FM_PAMWIRE_MAX + 1];
	char canon[FM_PAMWIRE_TEXTMAX] = "";
	enum fm_pamauth_result r;
	const char *errstr = NULL;
	ssize_t n;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0 ||
	    cred.uid != h->peer_uid) {
		fm_log_warn("refusing a peer that is not uid %u",
		    (unsigned)h->peer_uid);
		return CHECK_FAILED;
	}
	if (poll(&pfd, 1, REQUEST_WAIT_MS) != 1 ||
	    (n = recv(fd, buf, sizeof(buf), 0)) <= 0)
		return CHECK_FAILED;
	if (!fm_pamwire_decode_request(buf, (size_t)n, &req, &errstr)) {
		fm_wipe(buf, sizeof(buf));
		fm_log_warn("refusing a request: %s", errstr);
		reply(fd, FM_PAMAUTH_UNAVAILABLE, "");
		return CHECK_FAILED;
	}
	fm_wipe(buf, sizeof(buf));
	/* A stack that hangs is cut off; followmed's own deadline is
	 * usually shorter. */
	alarm(h->timeout);
	r = fm_pamauth_run(
	    h->service, req.user, req.secret, req.rhost, canon, sizeof(canon));
	fm_wipe(req.secret, sizeof(req.secret));
	fm_log_info("%s for %s from %s", fm_pamauth_result_text(r), req.user,
	    req.rhost[0] ? req.rhost : "?");
	reply(fd, r, canon);
	/* A right password on an account PAM refuses is no success: the
	 * answer still told the peer the password. */
	return r == FM_PAMAUTH_OK ? CHECK_OK : CHECK_FAILED;
}

static time_t
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Counts the checks that ended (reaped here): those that did not end
 * well as failures. */
static void
reap(struct limit *l)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (size_t i = 0; i < l->nrunning; i++) {
			if (l->running[i] != pid)
				continue;
			l->running[i] = l->running[--l->nrunning];
			if ((!WIFEXITED(status) ||
			        WEXITSTATUS(status) != CHECK_OK) &&
			    l->nfailed < MAX_FAILURES)
				l->failed[l->nfailed++] = now();
			break;
		}
	}
}

/* May another check start?  Failures older than the window are
 * forgotten; a check running counts as a failure until it ends well, so
 * that checks in parallel cannot pass the limit together. */
static bool
may_check(const struct helper *h, struct limit *l)
{
	time_t t = now();
	size_t keep = 0;

	while (keep < l->nfailed && l->failed[keep] + h->window <= t)
		keep++;
	memmove(l->failed, l->failed + keep,
	    (l->nfailed - keep) * sizeof(l->failed[0]));
	l->nfailed -= keep;
	return l->nfailed + l->nrunning < h->max_failures;
}

/*
 * Binds the listening socket at path, mode 0660, owner root (this
 * process) and group gid from the moment it exists: the mode is set on
 * the descriptor before bind() (the node takes it), under a umask of our
 * own, and the group is our effective one while bind() creates the
 * node: Linux gives the node the descriptor's mode but not its owner, so
 * fchown() on the descriptor would not reach it.  Nothing is done to the
 * path afterwards, where a chown() or chmod() could follow whatever was
 * put there in between, and which anyone could connect to meanwhile.
 */
static int
listen_on(const char *path, gid_t gid)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	gid_t egid = getegid();
	mode_t mask;
	int fd, rc, err;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fm_log_warn("%s: path too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	/* Replace a stale socket, never anything else. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0 ||
	    fchmod(fd, 0660) != 0) {
		fm_log_warn("%s: socket: %s", path, strerror(errno));
		goto fail;
	}
	if (egid != gid && setegid(gid) != 0) {
		fm_log_warn("%s: cannot create it as group %u: %s", path,
		    (unsigned)gid, strerror(errno));
		goto fail;
	}
	mask = umask(0117);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	err = errno;
	umask(mask);
	if (egid != gid && setegid(egid) != 0)
		fm_fatal("cannot get back group %u: %s", (unsigned)egid,
		    strerror(errno));
	if (rc != 0 || listen(fd, 16) != 0) {
		fm_log_warn("%s: %s", path, strerror(rc != 0 ? err : errno));
		goto fail;
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Answers "unavailable" on a connection the attempt limit refuses,
 * without reading it: no PAM, no process. */
static void
refuse(const struct helper *h, struct limit *l, int fd)
{
	struct fm_pamwire_reply r = {.result = FM_PAMAUTH_UNAVAILABLE};
	uint8_t buf[FM_PAMWIRE_MAX];
	size_t len;

	if (l->refused++ == 0)
		fm_log_warn("attempt limit: %zu failed or running checks in "
		            "the last %u s; refusing checks",
		    l->nfailed + l->nrunning, h->window);
	if ((len = fm_pamwire_encode_reply(&r, buf, sizeof(buf))) > 0)
		(void)!send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Serves the listening socket lfd until asked to stop. */
static int
run_listener(const struct helper *h, int lfd, const char *path)
{
	/* A check in hand is finished even if the listener stops: no
	 * death signal.  Its alarm() bounds it. */
	static const int ignore[] = {SIGPIPE};
	struct limit l = {0};
	pid_t pid;
	int fd;

	fm_log_info("ready on %s (service %s, at most %u failed checks in "
	            "%u s)",
	    path, h->service, h->max_failures, h->window);
	while (!fm_stop_is_requested()) {
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue; /* EINTR: a signal */
		reap(&l);
		if (!may_check(h, &l)) {
			refuse(h, &l, fd);
			close(fd);
			continue;
		}
		if (l.refused > 0)
			fm_log_info("attempt limit: checking again, after "
			            "refusing %lu",
			    l.refused);
		l.refused = 0;
		struct fm_child_fd keep[] = {{fd, -1}};
		struct fm_child_spec spec = {
		    .ignore = ignore, .nignore = 1, .keep = keep, .nkeep = 1};
		if ((pid = fm_child_fork(&spec, NULL)) == 0)
			_exit(serve(h, fd));
		if (pid > 0)
			l.running[l.nrunning++] = pid;
		close(fd);
	}
	return 0;
}

/* Is fd a listening socket (systemd's, Accept=no)? */
static bool
is_listening(int fd)
{
	int on = 0;
	socklen_t len = sizeof(on);

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on;
}

static unsigned
number(const char *arg, unsigned min, unsigned max)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || n < min || n > max)
		usage();
	return (unsigned)n;
}

int
main(int argc, char **argv)
{
	struct helper h = {"followme", 0, 30, 30, 60};
	const char *peer = "followme", *path = NULL;
	struct passwd *pw;
	int c, lfd, rc;

	while ((c = getopt(argc, argv, "S:m:s:t:u:w:")) != -1) {
		switch (c) {
		case 'S':
			h.service = optarg;
			break;
		case 'm':
			h.max_failures = number(optarg, 1, MAX_FAILURES);
			break;
		case 's':
			path = optarg;
			break;
		case 't':
			h.timeout = number(optarg, 1, 600);
			break;
		case 'u':
			peer = optarg;
			break;
		case 'w':
			h.window = number(optarg, 1, 86400);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	fm_log_init(
	    "followme-pamhelper", path ? FM_LOG_STDERR : FM_LOG_SYSLOG, false);
	if ((pw = getpwnam(peer)) == NULL) {
		fprintf(stderr, "followme-pamhelper: no user %s\n", peer);
		return 2;
	}
	h.peer_uid = pw->pw_uid;
	if (!fm_stop_catch_signals(false))
		return 1;
	if (path == NULL) {
		/* One process must see every check to count them: a socket
		 * per connection (Accept=yes) would start one per check. */
		if (!is_listening(STDIN_FILENO)) {
			fprintf(stderr,
			    "followme-pamhelper: standard input is not a "
			    "listening socket (use -s, or systemd's "
			    "Accept=no)\n");
			return 2;
		}
		return run_listener(&h, STDIN_FILENO, "standard input");
	}
	if ((lfd = listen_on(path, pw->pw_gid)) < 0)
		return 1;
	rc = run_listener(&h, lfd, path);
	close(lfd);
	unlink(path);
	return rc;
}
