/*
 * notify.h - telling the service manager how a daemon is doing.
 *
 * The systemd notification protocol (sd_notify(3)), written by hand so
 * that no program links libsystemd: a unit of Type=notify sets
 * NOTIFY_SOCKET to an AF_UNIX datagram socket (a path, or "@name" for
 * the abstract namespace), and the daemon sends it newline-separated
 * assignments: READY=1 once it serves, STATUS=<one line for people>,
 * RELOADING=1 and READY=1 around a reload, STOPPING=1 when it shuts
 * down.  Outside systemd (no NOTIFY_SOCKET) every send does nothing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_NOTIFY_H
#define FM_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Where notifications go; a plain value.  on is false when there is no
 * service manager to tell. */
struct fm_notify {
	bool on;
	struct sockaddr_un addr;
	socklen_t addrlen;
};

/*
 * 'fm_notify_parse()' - make n from a NOTIFY_SOCKET value of len bytes:
 * an absolute path, or "@" and an abstract name, that fits a
 * sockaddr_un and holds no NUL.  An empty value turns n off and is not
 * an error.  Returns false, with *errstr set and n off, if the value is
 * none of these.
 */
bool fm_notify_parse(
    struct fm_notify *n, const char *buf, size_t len, const char **errstr);

/*
 * 'fm_notify_from_env()' - fm_notify_parse() on $NOTIFY_SOCKET, then
 * removes it from the environment, so that no child (a worker, a
 * program it runs) ever speaks for the daemon.  Absent: n is off.
 */
bool fm_notify_from_env(struct fm_notify *n, const char **errstr);

/*
 * 'fm_notify_send()' - send one message (assignments separated by
 * newlines, e.g. "READY=1\nSTATUS=serving") in one datagram.  True if
 * it was sent or n is off; false with *errstr set if the socket refused
 * it (the daemon goes on: the manager's view is the only loss).
 */
bool fm_notify_send(
    const struct fm_notify *n, const char *msg, const char **errstr);

#endif
