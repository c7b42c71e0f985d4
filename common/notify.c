/*
 * notify.c - the service manager's notification socket (notify.h).
 *
 * Each send opens a datagram socket, sends and closes it: a daemon
 * notifies a handful of times an hour, and holding no descriptor means
 * no child can inherit one.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool
fm_notify_parse(
    struct fm_notify *n, const char *buf, size_t len, const char **errstr)
{
	const char *dummy;

	if (errstr == NULL)
		errstr = &dummy;
	if (n == NULL || (buf == NULL && len > 0)) {
		*errstr = "no notification socket given";
		return false;
	}
	memset(n, 0, sizeof(*n));
	n->addr.sun_family = AF_UNIX;
	if (len == 0)
		return true;
	if (memchr(buf, '\0', len) != NULL) {
		*errstr = "NOTIFY_SOCKET holds a NUL byte";
		return false;
	}
	if (buf[0] != '/' && buf[0] != '@') {
		*errstr = "NOTIFY_SOCKET is neither an absolute path nor "
		          "an abstract name (@...)";
		return false;
	}
	if (len < 2) {
		*errstr = "NOTIFY_SOCKET names no socket";
		return false;
	}
	/* A path needs its terminating NUL inside sun_path; an abstract
	 * name is exactly its bytes after a leading NUL. */
	if (len >= sizeof(n->addr.sun_path) + (buf[0] == '@')) {
		*errstr = "NOTIFY_SOCKET is too long";
		return false;
	}
	memcpy(n->addr.sun_path, buf, len);
	if (buf[0] == '@') {
		n->addr.sun_path[0] = '\0';
		n->addrlen =
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	} else
		n->addrlen = (socklen_t)sizeof(n->addr);
	n->on = true;
	return true;
}

bool
fm_notify_from_env(struct fm_notify *n, const char **errstr)
{
	const char *v = getenv("NOTIFY_SOCKET");
	bool ok = fm_notify_parse(n, v, v != NULL ? strlen(v) : 0, errstr);

	unsetenv("NOTIFY_SOCKET");
	return ok;
}

bool
fm_notify_send(const struct fm_notify *n, const char *msg, const char **errstr)
{
	const char *dummy;
	ssize_t sent;
	size_t len;
	int fd, saved;

	if (errstr == NULL)
		errstr = &dummy;
	if (n == NULL || msg == NULL) {
		*errstr = "no notification to send";
		return false;
	}
	if (!n->on)
		return true;
	len = strlen(msg);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		*errstr = strerror(errno);
		return false;
	}
	sent = sendto(fd, msg, len, MSG_NOSIGNAL,
	    (const struct sockaddr *)&n->addr, n->addrlen);
	saved = errno;
	close(fd);
	if (sent < 0 || (size_t)sent != len) {
		*errstr = sent < 0 ? strerror(saved) : "notification cut short";
		return false;
	}
	return true;
}
