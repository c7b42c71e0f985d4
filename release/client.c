/*
 * client.c - connecting a terminal to followmed.
 */
#include "release/client.h"

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

/* Connects with a deadline: a server that is down must not hang the
 * terminal for the kernel's minutes-long TCP timeout. */
static int
connect_timeout(const struct addrinfo *ai, unsigned timeout_ms)
{
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int fd, flags, soerr = 0;

	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd = (struct pollfd){fd, POLLOUT, 0};
		if (poll(&pfd, 1, (int)timeout_ms) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 ||
		    soerr != 0) {
			errno = soerr ? soerr : ETIMEDOUT;
			goto fail;
		}
	}
	fcntl(fd, F_SETFL, flags);
	/* Requests are small and wait for their answers: send at once. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
	return fd;
fail:
	close(fd);
	return -1;
}

fm_tls_t *
fm_client_connect(fm_tls_config_t *cfg, const char *host, const char *port,
    const char *server_name, unsigned timeout_ms, char *err, size_t errlen)
{
	struct addrinfo hints = {0}, *res = NULL, *ai;
	int fd = -1, rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return NULL;
	}
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
		fd = connect_timeout(ai, timeout_ms);
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "cannot connect to %s:%s: %s", host, port,
		    strerror(errno));
		return NULL;
	}
	return fm_tls_open(cfg, fd, server_name, err, errlen);
}
