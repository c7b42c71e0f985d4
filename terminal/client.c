/*
 * client.c - connecting a terminal to followmed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "terminal/client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"

/* Starts a non-blocking connection to ai: the socket, or -1 (errno). */
static int
start(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
	    errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Starts on the addresses from c->ai on until one is under way. */
static bool
start_next(struct fm_connecting *c)
{
	for (; c->ai != NULL; c->ai = c->ai->ai_next)
		if ((c->fd = start(c->ai)) >= 0)
			return true;
	return false;
}

static void
describe(const struct fm_connecting *c, int err, char *buf, size_t len)
{
	snprintf(buf, len, "cannot connect to %s:%s: %s", c->host, c->port,
	    strerror(err));
}

bool
fm_client_begin(struct fm_connecting *c, const char *host, const char *port,
    char *err, size_t errlen)
{
	struct addrinfo hints = {0};
	int rc;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	snprintf(c->host, sizeof(c->host), "%s", host);
	snprintf(c->port, sizeof(c->port), "%s", port);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &c->res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		c->res = NULL;
		return false;
	}
	c->ai = c->res;
	if (!start_next(c)) {
		describe(c, errno, err, errlen);
		fm_client_abandon(c);
		return false;
	}
	return true;
}

enum fm_client_state
fm_client_step(struct fm_connecting *c, int *fd, char *err, size_t errlen)
{
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
		soerr = errno;
	if (soerr == 0) {
		*fd = c->fd;
		c->fd = -1;
		fm_client_abandon(c);
		fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) & ~O_NONBLOCK);
		/* Requests are small and wait for their answers. */
		(void)setsockopt(
		    *fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
		return FM_CLIENT_CONNECTED;
	}
	if (soerr == EINPROGRESS || soerr == EALREADY)
		return FM_CLIENT_CONNECTING;
	close(c->fd);
	c->fd = -1;
	c->ai = c->ai->ai_next;
	if (start_next(c))
		return FM_CLIENT_CONNECTING;
	describe(c, soerr, err, errlen);
	fm_client_abandon(c);
	return FM_CLIENT_FAILED;
}

void
fm_client_abandon(struct fm_connecting *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->res != NULL)
		freeaddrinfo(c->res);
	c->res = c->ai = NULL;
}

fm_tls_t *
fm_client_connect(fm_tls_config_t *cfg, const char *host, const char *port,
    const char *server_name, unsigned timeout_ms, char *err, size_t errlen)
{
	enum fm_client_state state = FM_CLIENT_CONNECTING;
	struct fm_connecting c;
	int64_t deadline = fm_clock_ms() + timeout_ms;
	int fd = -1;

	if (!fm_client_begin(&c, host, port, err, errlen))
		return NULL;
	while (state == FM_CLIENT_CONNECTING) {
		struct pollfd pfd = {c.fd, POLLOUT, 0};
		int64_t left = deadline - fm_clock_ms();

		if (left <= 0) {
			describe(&c, ETIMEDOUT, err, errlen);
			fm_client_abandon(&c);
			return NULL;
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR) {
			describe(&c, errno, err, errlen);
			fm_client_abandon(&c);
			return NULL;
		}
		if (pfd.revents != 0)
			state = fm_client_step(&c, &fd, err, errlen);
	}
	if (state != FM_CLIENT_CONNECTED)
		return NULL;
	return fm_tls_open(cfg, fd, server_name, err, errlen);
}
