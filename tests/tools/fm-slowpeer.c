/*
 * fm-slowpeer.c - test tool: unauthenticated TCP peers that hold a
 * release port open.
 *
 *	fm-slowpeer HOST PORT SECONDS FIRST-SOURCE SOURCES PER-SOURCE
 *
 * Opens PER-SOURCE connections from each of SOURCES IPv4 source
 * addresses, FIRST-SOURCE and those after it (127.0.0.2, 127.0.0.3, ...:
 * all of 127/8 is loopback on Linux), to HOST:PORT.  Even connections
 * send nothing; odd ones trickle a TLS ClientHello, one byte a second.
 * A connection the server closes is opened again a second later, until
 * SECONDS have passed; then every socket is closed.  Prints:
 *	longest MS	the longest any connection stayed open before the
 *			server closed it
 *	closed N	connections the server closed
 * Exit 0, or 2 on a usage or set-up error.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PEERS 1000

struct peer {
	int fd;         /* -1 while waiting to reconnect */
	int source;     /* index of its source address */
	uint64_t since; /* opened at (ms), or reconnect due at */
	uint64_t next;  /* next trickled byte due at */
	size_t sent;
};

/* The start of a ClientHello: a record header and a handshake header
 * announcing far more than will ever come. */
static const unsigned char hello[] = {
    0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
open_peer(const struct sockaddr_in *to, struct in_addr from)
{
	struct sockaddr_in src = {.sin_family = AF_INET, .sin_addr = from};
	int s;

	if ((s = socket(
	         AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(s, (struct sockaddr *)&src, sizeof(src)) != 0 ||
	    (connect(s, (const struct sockaddr *)to, sizeof(*to)) != 0 &&
	        errno != EINPROGRESS)) {
		close(s);
		return -1;
	}
	return s;
}

int
main(int argc, char **argv)
{
	static struct peer peers[MAX_PEERS];
	static struct pollfd pfd[MAX_PEERS];
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct in_addr first;
	uint64_t start, end, longest = 0;
	unsigned closed = 0;
	int sources, per, n;

	if (argc != 7 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[4], &first) != 1) {
		fprintf(stderr,
		    "usage: fm-slowpeer HOST PORT SECONDS "
		    "FIRST-SOURCE SOURCES PER-SOURCE\n");
		return 2;
	}
	to.sin_port = htons((uint16_t)atoi(argv[2]));
	sources = atoi(argv[5]);
	per = atoi(argv[6]);
	n = sources * per;
	if (sources < 1 || per < 1 || n > MAX_PEERS) {
		fprintf(stderr, "fm-slowpeer: 1 to %d peers\n", MAX_PEERS);
		return 2;
	}
	start = now_ms();
	end = start + 1000 * (uint64_t)atoi(argv[3]);
	for (int i = 0; i < n; i++) {
		peers[i].source = i / per;
		peers[i].fd = -1;
		peers[i].since = start; /* open at once */
	}
	while (now_ms() < end) {
		uint64_t now = now_ms();

		for (int i = 0; i < n; i++) {
			struct peer *p = &peers[i];
			struct in_addr from = {
			    htonl(ntohl(first.s_addr) + (uint32_t)p->source)};

			if (p->fd < 0 && now >= p->since) {
				p->fd = open_peer(&to, from);
				p->since = now;
				p->next = now + 1000 + (uint64_t)(i % 10) * 100;
				p->sent = 0;
				if (p->fd < 0)
					p->since = now + 100;
			}
			if (p->fd >= 0 && i % 2 == 1 && now >= p->next &&
			    p->sent < sizeof(hello)) {
				if (send(p->fd, &hello[p->sent], 1,
				        MSG_NOSIGNAL) == 1)
					p->sent++;
				p->next = now + 1000;
			}
			pfd[i] = (struct pollfd){p->fd, POLLIN, 0};
		}
		if (poll(pfd, (nfds_t)n, 50) <= 0)
			continue;
		now = now_ms();
		for (int i = 0; i < n; i++) {
			struct peer *p = &peers[i];
			char buf[512];

			if (p->fd < 0 || pfd[i].revents == 0)
				continue;
			/* Anything from the server (an alert) is read and
			 * dropped; the end of the stream is a close. */
			if (recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
				continue;
			if (now - p->since > longest)
				longest = now - p->since;
			closed++;
			close(p->fd);
			p->fd = -1;
			p->since = now + 1000;
		}
	}
	for (int i = 0; i < n; i++)
		if (peers[i].fd >= 0)
			close(peers[i].fd);
	printf(
	    "longest %llu\nclosed %u\n", (unsigned long long)longest, closed);
	return 0;
}
