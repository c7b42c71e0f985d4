/*
 * fm-ingest-peer.c - test tool: ingest peers that misbehave.
 *
 *	fm-ingest-peer silent|fifo SOCKET COUNT SECONDS
 *
 * Opens COUNT connections to followmed's ingest socket.  silent: sends
 * nothing on them.  fifo: sends a valid request whose data descriptor is
 * the read end of a pipe nobody ever writes to (its write end is held
 * open here).  Prints "connected N" once they are all open, then waits,
 * SECONDS at most, until followmed has answered or closed every one, and
 * prints "answered N of COUNT", then one line per reply received
 * ("reply STATUS MESSAGE").  Exit 0 when every connection was answered
 * or closed by followmed in time, 1 otherwise, 2 on a usage or set-up
 * error.  Must run as the cups_user (followmed checks the peer).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "spooler/ingestmsg.h"

#define MAX_PEERS 256

static int
connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int s;

	if (strlen(path) >= sizeof(sa.sun_path) ||
	    (s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(s);
		return -1;
	}
	return s;
}

/* A request followmed decodes, for CUPS job n. */
static size_t
request(unsigned n, uint8_t *buf, size_t size)
{
	static struct fm_ticket t;

	memset(&t, 0, sizeof(t));
	t.cups_job_id = 9000 + n;
	snprintf(t.uuid, sizeof(t.uuid),
	    "urn:uuid:%08u-0000-0000-0000-00000000fifo", 9000 + n);
	snprintf(t.attempt, sizeof(t.attempt), "1");
	snprintf(t.owner, sizeof(t.owner), "fmalice");
	snprintf(t.host, sizeof(t.host), "localhost");
	snprintf(t.title, sizeof(t.title), "fifo");
	snprintf(t.queue, sizeof(t.queue), "followme");
	t.copies = 1;
	snprintf(t.sides, sizeof(t.sides), "one-sided");
	t.number_up = 1;
	snprintf(t.color_mode, sizeof(t.color_mode), "auto");
	snprintf(t.media, sizeof(t.media), "iso_a4_210x297mm");
	snprintf(t.format, sizeof(t.format), "application/pdf");
	snprintf(t.doc_name, sizeof(t.doc_name), "fifo.pdf");
	t.size = 1000;
	return fm_ingestmsg_encode_request(&t, buf, size);
}

int
main(int argc, char **argv)
{
	static int conn[MAX_PEERS], pipes[MAX_PEERS][2];
	static struct fm_ingest_reply replies[MAX_PEERS];
	uint8_t msg[FM_INGESTMSG_MAX], rbuf[FM_INGESTMSG_REPLYMAX];
	int count, seconds, open_left, answered = 0, nreplies = 0;
	bool fifo;
	time_t end;

	if (argc != 5 ||
	    (strcmp(argv[1], "silent") != 0 && strcmp(argv[1], "fifo") != 0) ||
	    (count = atoi(argv[3])) < 1 || count > MAX_PEERS ||
	    (seconds = atoi(argv[4])) < 1 || seconds > 120) {
		fprintf(stderr,
		    "usage: fm-ingest-peer silent|fifo SOCKET "
		    "COUNT(1-256) SECONDS(1-120)\n");
		return 2;
	}
	fifo = argv[1][0] == 'f';
	for (int i = 0; i < count; i++) {
		size_t len;

		if ((conn[i] = connect_to(argv[2])) < 0) {
			fprintf(stderr, "connect %s: %s\n", argv[2],
			    strerror(errno));
			return 2;
		}
		if (!fifo)
			continue;
		if (pipe(pipes[i]) != 0 ||
		    (len = request((unsigned)i, msg, sizeof(msg))) == 0 ||
		    !fm_fdpass_send(conn[i], msg, len, pipes[i][0], 0)) {
			fprintf(stderr, "cannot send a request\n");
			return 2;
		}
		close(pipes[i][0]);
	}
	printf("connected %d\n", count);
	fflush(stdout);
	/* Bounded: SECONDS, and each connection is looked at until it is
	 * answered or closed. */
	end = time(NULL) + seconds;
	open_left = count;
	while (open_left > 0 && time(NULL) < end) {
		struct pollfd pfd[MAX_PEERS];

		for (int i = 0; i < count; i++)
			pfd[i] = (struct pollfd){conn[i], POLLIN, 0};
		if (poll(pfd, (nfds_t)count, 200) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < count; i++) {
			const char *errstr;
			ssize_t n;

			if (conn[i] < 0 || pfd[i].revents == 0)
				continue;
			n = recv(conn[i], rbuf, sizeof(rbuf), MSG_DONTWAIT);
			if (n < 0 && errno == EAGAIN)
				continue;
			if (n > 0 &&
			    fm_ingestmsg_decode_reply(
			        rbuf, (size_t)n, &replies[nreplies], &errstr))
				nreplies++;
			close(conn[i]);
			conn[i] = -1;
			answered++;
			open_left--;
		}
	}
	printf("answered %d of %d\n", answered, count);
	for (int i = 0; i < nreplies; i++)
		printf("reply %d %s\n", (int)replies[i].status,
		    replies[i].message);
	return answered == count ? 0 : 1;
}
