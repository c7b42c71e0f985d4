/*
 * fdpass.c - a message and a descriptor over a Unix socket.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Room for a few descriptors, so that extra ones can be seen and closed
 * rather than silently truncated. */
#define FDS_MAX 4

bool
fm_fdpass_send(int sock, const void *buf, size_t len, int fd, int flags)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct iovec iov = {(void *)buf, len};
	struct msghdr mh = {.msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = c.buf,
	    .msg_controllen = sizeof(c.buf)};
	struct cmsghdr *cm;

	if (buf == NULL || len == 0 || fd < 0)
		return false;
	memset(c.buf, 0, sizeof(c.buf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &mh, flags | MSG_NOSIGNAL) == (ssize_t)len;
}

ssize_t
fm_fdpass_recv(int sock, void *buf, size_t size, int flags, int *fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * FDS_MAX)];
	} c;
	struct iovec iov = {buf, size};
	struct msghdr mh = {.msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = c.buf,
	    .msg_controllen = sizeof(c.buf)};
	struct cmsghdr *cm;
	int nfds = 0;
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return n;
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t count;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < count; i++) {
			int got;

			memcpy(
			    &got, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (nfds++ == 0)
				*fd = got;
			else
				close(got);
		}
	}
	if (*fd >= 0 &&
	    (nfds != 1 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0)) {
		close(*fd);
		*fd = -1;
	}
	return n;
}
