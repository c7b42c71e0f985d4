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
 *	followme-pamhelper [-S service] [-u peer-user] [-t seconds]
 *	    [-s socket-path]
 *
 * Without -s it serves the one connection on standard input (systemd's
 * Accept=yes socket activation); with -s it listens itself.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/child.h"
#include "common/log.h"
#include "common/stop.h"
#include "release/pamauth.h"
#include "release/pamwire.h"

#define REQUEST_WAIT_MS 5000

struct helper {
	const char *service;
	uid_t peer_uid;
	unsigned timeout;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: followme-pamhelper [-S service] [-u peer-user] "
	    "[-t seconds] [-s socket-path]\n");
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

/* One connection, one check. */
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
		return 1;
	}
	if (poll(&pfd, 1, REQUEST_WAIT_MS) != 1 ||
	    (n = recv(fd, buf, sizeof(buf), 0)) <= 0)
		return 1;
	if (!fm_pamwire_decode_request(buf, (size_t)n, &req, &errstr)) {
		fm_wipe(buf, sizeof(buf));
		fm_log_warn("refusing a request: %s", errstr);
		reply(fd, FM_PAMAUTH_UNAVAILABLE, "");
		return 1;
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
	return 0;
}

static int
listen_on(const char *path, gid_t gid)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fm_log_warn("%s: path too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	/* Replace a stale socket, never anything else. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chown(path, 0, gid) != 0 || chmod(path, 0660) != 0 ||
	    listen(fd, 16) != 0) {
		fm_log_warn("%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int
run_listener(const struct helper *h, const char *path, gid_t gid)
{
	/* A check in hand is finished even if the listener stops: no
	 * death signal.  Its alarm() bounds it. */
	static const int ignore[] = {SIGPIPE};
	int lfd, fd;

	if (!fm_stop_catch_signals(false) || (lfd = listen_on(path, gid)) < 0)
		return 1;
	fm_log_info("ready on %s (service %s)", path, h->service);
	while (!fm_stop_is_requested()) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue; /* EINTR: a signal */
		struct fm_child_fd keep[] = {{fd, -1}};
		struct fm_child_spec spec = {
		    .ignore = ignore, .nignore = 1, .keep = keep, .nkeep = 1};
		if (fm_child_fork(&spec, NULL) == 0)
			_exit(serve(h, fd));
		close(fd);
	}
	close(lfd);
	unlink(path);
	return 0;
}

int
main(int argc, char **argv)
{
	struct helper h = {"followme", 0, 30};
	const char *peer = "followme", *path = NULL;
	struct passwd *pw;
	int c;

	while ((c = getopt(argc, argv, "S:s:t:u:")) != -1) {
		switch (c) {
		case 'S':
			h.service = optarg;
			break;
		case 's':
			path = optarg;
			break;
		case 't':
			h.timeout = (unsigned)atoi(optarg);
			if (h.timeout < 1 || h.timeout > 600)
				usage();
			break;
		case 'u':
			peer = optarg;
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
	signal(SIGPIPE, SIG_IGN);
	if (path != NULL)
		return run_listener(&h, path, pw->pw_gid);
	return serve(&h, STDIN_FILENO);
}
