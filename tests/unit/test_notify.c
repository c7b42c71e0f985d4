/*
 * test_notify.c - unit tests for common/notify.c: NOTIFY_SOCKET values,
 * and messages received on a real datagram socket (a path and an
 * abstract name), as systemd would receive them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/notify.h"
#include "tests/unit/harness.h"

static void
test_parse(void)
{
	static const struct {
		const char *value;
		bool ok, on;
	} rows[] = {
	    {"", true, false},
	    {"/run/systemd/notify", true, true},
	    {"@/org/freedesktop/systemd1/notify/42", true, true},
	    {"run/systemd/notify", false, false},
	    {"/", false, false},
	    {"@", false, false},
	    {"x", false, false},
	};
	struct fm_notify n;
	const char *errstr;

	for (EACH_ROW(i, rows)) {
		errstr = NULL;
		ASSERT_INT_EQ(fm_notify_parse(&n, rows[i].value,
		                  strlen(rows[i].value), &errstr),
		    rows[i].ok);
		ASSERT_INT_EQ(n.on, rows[i].on);
		if (!rows[i].ok)
			ASSERT_NOT_NULL(errstr);
	}
}

static void
test_parse_bounds(void)
{
	struct fm_notify n;
	char big[sizeof(n.addr.sun_path) + 2];

	/* A path must leave room for its NUL; an abstract name need not. */
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	ASSERT_FALSE(fm_notify_parse(&n, big, sizeof(n.addr.sun_path), NULL));
	ASSERT_TRUE(
	    fm_notify_parse(&n, big, sizeof(n.addr.sun_path) - 1, NULL));
	big[0] = '@';
	ASSERT_TRUE(fm_notify_parse(&n, big, sizeof(n.addr.sun_path), NULL));
	ASSERT_FALSE(
	    fm_notify_parse(&n, big, sizeof(n.addr.sun_path) + 1, NULL));
	/* A NUL inside the value, or no value at all. */
	ASSERT_FALSE(fm_notify_parse(&n, "/a\0b", 4, NULL));
	ASSERT_FALSE(n.on);
	ASSERT_FALSE(fm_notify_parse(NULL, "/a", 2, NULL));
	ASSERT_FALSE(fm_notify_parse(&n, NULL, 2, NULL));
}

/* A datagram socket bound to addr (len bytes); -1 if not. */
static int
receiver(const struct sockaddr_un *addr, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && bind(fd, (const struct sockaddr *)addr, len) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The next datagram on fd into buf, waiting at most 2 s. */
static ssize_t
receive(int fd, char *buf, size_t size)
{
	struct pollfd p = {fd, POLLIN, 0};
	ssize_t n;

	if (poll(&p, 1, 2000) != 1 ||
	    (n = recv(fd, buf, size - 1, MSG_DONTWAIT)) < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static void
test_send_path(void)
{
	char dir[] = "/tmp/fm-notify-XXXXXX", path[64], buf[128];
	struct fm_notify n;
	const char *errstr = NULL;
	int fd;

	ASSERT_NOT_NULL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	ASSERT_TRUE(fm_notify_parse(&n, path, strlen(path), NULL));
	/* Nobody listening yet: an error, not a crash. */
	ASSERT_FALSE(fm_notify_send(&n, "READY=1", &errstr));
	ASSERT_NOT_NULL(errstr);
	fd = receiver(&n.addr, n.addrlen);
	ASSERT_TRUE(fd >= 0);
	ASSERT_TRUE(fm_notify_send(&n, "READY=1\nSTATUS=serving", &errstr));
	ASSERT_INT_EQ(receive(fd, buf, sizeof(buf)), 22);
	ASSERT_STR_EQ(buf, "READY=1\nSTATUS=serving");
	ASSERT_TRUE(fm_notify_send(&n, "STOPPING=1", NULL));
	ASSERT_INT_EQ(receive(fd, buf, sizeof(buf)), 10);
	ASSERT_STR_EQ(buf, "STOPPING=1");
	close(fd);
	unlink(path);
	rmdir(dir);
}

static void
test_send_abstract_and_env(void)
{
	char name[64], buf[64];
	struct fm_notify n, off;
	int fd;

	snprintf(name, sizeof(name), "@fm-notify-test-%ld", (long)getpid());
	setenv("NOTIFY_SOCKET", name, 1);
	ASSERT_TRUE(fm_notify_from_env(&n, NULL));
	ASSERT_TRUE(n.on);
	/* Taken out of the environment, so that no child inherits it. */
	ASSERT_NULL(getenv("NOTIFY_SOCKET"));
	fd = receiver(&n.addr, n.addrlen);
	ASSERT_TRUE(fd >= 0);
	ASSERT_TRUE(fm_notify_send(&n, "RELOADING=1", NULL));
	ASSERT_INT_EQ(receive(fd, buf, sizeof(buf)), 11);
	ASSERT_STR_EQ(buf, "RELOADING=1");
	close(fd);
	/* Outside systemd: off, and sending is a no-op that works. */
	ASSERT_TRUE(fm_notify_from_env(&off, NULL));
	ASSERT_FALSE(off.on);
	ASSERT_TRUE(fm_notify_send(&off, "READY=1", NULL));
	setenv("NOTIFY_SOCKET", "relative", 1);
	ASSERT_FALSE(fm_notify_from_env(&off, NULL));
	ASSERT_NULL(getenv("NOTIFY_SOCKET"));
}

int
main(void)
{
	RUN(test_parse);
	RUN(test_parse_bounds);
	RUN(test_send_path);
	RUN(test_send_abstract_and_env);
	return harness_done();
}
