/*
 * fdpass.h - one message with one file descriptor attached (SCM_RIGHTS)
 * over a SOCK_SEQPACKET socket: the backend hands followmed a job's data,
 * followmed hands the ledger writer a session's link.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_FDPASS_H
#define FM_FDPASS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* 'fm_fdpass_send()' - send len bytes (at least 1) of buf with fd in one
 * message; flags are sendmsg()'s (MSG_NOSIGNAL is added).  True if all of
 * it went. */
bool fm_fdpass_send(int sock, const void *buf, size_t len, int fd, int flags);

/*
 * 'fm_fdpass_recv()' - receive one message into buf (size bytes); flags
 * are recvmsg()'s (MSG_CMSG_CLOEXEC is added; EINTR is retried).
 * Returns what recvmsg() did (bytes, 0 at end of stream, -1 with errno).
 * *fd gets the message's descriptor (close-on-exec), or -1 if it came
 * with none, with more than one, or cut short -- any it did carry are
 * closed then.
 */
ssize_t fm_fdpass_recv(int sock, void *buf, size_t size, int flags, int *fd);

#endif
