/*
 * test_log.c - unit tests for common/log.c: with stderr the journal's
 * stream ($JOURNAL_STREAM names its device and inode) every line carries
 * its syslog priority, and only then.  Each case logs in a child whose
 * stderr is a file, then reads the file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "tests/unit/harness.h"

static void
test_parse_journal_stream(void)
{
	static const struct {
		const char *value;
		bool ok;
		unsigned long long dev, ino;
	} rows[] = {
	    {"8:1234", true, 8, 1234},
	    {"0:0", true, 0, 0},
	    {"64768:18446744073709551615", true, 64768, 18446744073709551615u},
	    {"64768:18446744073709551616", false, 0, 0},
	    {"8:", false, 0, 0},
	    {":8", false, 0, 0},
	    {"8", false, 0, 0},
	    {"8:12 ", false, 0, 0},
	    {"8:-1", false, 0, 0},
	    {"", false, 0, 0},
	};
	dev_t dev;
	ino_t ino;

	for (EACH_ROW(i, rows)) {
		bool ok = fm_log_parse_journal_stream(
		    rows[i].value, strlen(rows[i].value), &dev, &ino);
		ASSERT_INT_EQ(ok, rows[i].ok);
		if (ok) {
			ASSERT_UINT_EQ(dev, rows[i].dev);
			ASSERT_UINT_EQ(ino, rows[i].ino);
		}
	}
	/* Only len bytes are read. */
	ASSERT_TRUE(fm_log_parse_journal_stream("8:12x", 4, &dev, &ino));
	ASSERT_UINT_EQ(ino, 12);
	ASSERT_FALSE(fm_log_parse_journal_stream(NULL, 0, &dev, &ino));
}

/* Logs one line of each level in a child whose stderr is path, with
 * JOURNAL_STREAM set to what journal() makes of path's stat; returns
 * what the child wrote, in buf. */
static const char *
log_lines(const char *path, bool same_file, char *buf, size_t size)
{
	struct stat st;
	ssize_t n;
	pid_t pid;
	int fd, status;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		char v[64];
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
		    dup2(fd, 2) != 2 || fstat(2, &st) != 0)
			_exit(100);
		snprintf(v, sizeof(v), "%llu:%llu",
		    (unsigned long long)st.st_dev,
		    (unsigned long long)st.st_ino + !same_file);
		setenv("JOURNAL_STREAM", v, 1);
		fm_log_init("fmtest", FM_LOG_STDERR, true);
		fm_log_debug("d %d", 1);
		fm_log_info("i %d", 2);
		fm_log_warn("w %d", 3);
		fprintf(stderr, "journal=%d\n", fm_log_is_journal());
		fm_fatal("f %d", 4);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 1)
		return "child failed";
	if ((fd = open(path, O_RDONLY)) < 0)
		return "no output";
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void
test_priority_prefix(void)
{
	char dir[] = "/tmp/fm-log-XXXXXX", path[64], buf[512];

	ASSERT_NOT_NULL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/stderr", dir);
	ASSERT_STR_EQ(log_lines(path, true, buf, sizeof(buf)),
	    "<7>fmtest: debug: d 1\n"
	    "<6>fmtest: i 2\n"
	    "<4>fmtest: warning: w 3\n"
	    "journal=1\n"
	    "<3>fmtest: fatal: f 4\n");
	/* A stderr that is not the stream JOURNAL_STREAM names (redirected
	 * by whoever started us) gets plain lines. */
	ASSERT_STR_EQ(log_lines(path, false, buf, sizeof(buf)),
	    "fmtest: debug: d 1\n"
	    "fmtest: i 2\n"
	    "fmtest: warning: w 3\n"
	    "journal=0\n"
	    "fmtest: fatal: f 4\n");
	unlink(path);
	rmdir(dir);
}

/* The value of field name in a native-protocol datagram (binary form:
 * name, newline, 64-bit little-endian length, value, newline), copied
 * into out; NULL if absent or malformed. */
static const char *
field(const char *dgram, size_t len, const char *name, char *out, size_t size)
{
	size_t at = 0, nlen = strlen(name);

	while (at < len) {
		const char *nl = memchr(dgram + at, '\n', len - at);
		uint64_t vlen = 0;
		size_t name_len;

		if (nl == NULL)
			return NULL;
		name_len = (size_t)(nl - (dgram + at));
		if (len - (size_t)(nl + 1 - dgram) < 8)
			return NULL;
		for (int i = 0; i < 8; i++)
			vlen |= (uint64_t)(unsigned char)nl[1 + i] << (8 * i);
		if (vlen > len || (size_t)(nl + 9 - dgram) + vlen + 1 > len)
			return NULL;
		if (name_len == nlen && memcmp(dgram + at, name, nlen) == 0) {
			if (vlen >= size)
				return NULL;
			memcpy(out, nl + 9, vlen);
			out[vlen] = '\0';
			return out;
		}
		at = (size_t)(nl + 9 - dgram) + vlen + 1;
	}
	return NULL;
}

/* Lines about a job or a terminal go to the native socket with their
 * ids; without a journald there, to stderr with their priority. */
static void
test_native_fields(void)
{
	char dir[] = "/tmp/fm-log-XXXXXX", sock[64], path[64], d[4096];
	char v[128], out[512];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct pollfd p;
	int fd, status, n;
	ssize_t len;
	pid_t pid;

	ASSERT_NOT_NULL(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/journal", dir);
	snprintf(path, sizeof(path), "%s/stderr", dir);
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_TRUE(
	    fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		struct stat st;
		int e = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (e < 0 || dup2(e, 2) != 2 || fstat(2, &st) != 0)
			_exit(100);
		snprintf(v, sizeof(v), "%llu:%llu",
		    (unsigned long long)st.st_dev,
		    (unsigned long long)st.st_ino);
		setenv("JOURNAL_STREAM", v, 1);
		fm_log_init("fmtest", FM_LOG_STDERR, false);
		if (!fm_log_set_journal_socket(sock))
			_exit(101);
		fm_log_job_warn(42, "job %d\nexpired", 42);
		fm_log_info("no ids: a plain line");
		fm_log_set_terminal("lobby-1");
		fm_log_info("terminal %s idle", "lobby-1");
		/* No journald listening: the line is not lost. */
		fm_log_set_journal_socket("/nonexistent/journal");
		fm_log_job_info(7, "job 7 held");
		_exit(0);
	}
	ASSERT_TRUE(pid > 0 && waitpid(pid, &status, 0) == pid);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	p = (struct pollfd){fd, POLLIN, 0};
	ASSERT_INT_EQ(poll(&p, 1, 2000), 1);
	len = recv(fd, d, sizeof(d), MSG_DONTWAIT);
	ASSERT_TRUE(len > 0);
	ASSERT_STR_EQ(field(d, (size_t)len, "PRIORITY", v, sizeof(v)), "4");
	ASSERT_STR_EQ(field(d, (size_t)len, "MESSAGE", v, sizeof(v)),
	    "fmtest: warning: job 42\nexpired");
	ASSERT_STR_EQ(
	    field(d, (size_t)len, "FOLLOWME_JOB", v, sizeof(v)), "42");
	ASSERT_STR_EQ(
	    field(d, (size_t)len, "SYSLOG_IDENTIFIER", v, sizeof(v)), "fmtest");
	ASSERT_NULL(field(d, (size_t)len, "FOLLOWME_TERMINAL", v, sizeof(v)));
	len = recv(fd, d, sizeof(d), MSG_DONTWAIT);
	ASSERT_TRUE(len > 0);
	ASSERT_STR_EQ(field(d, (size_t)len, "PRIORITY", v, sizeof(v)), "6");
	ASSERT_STR_EQ(field(d, (size_t)len, "FOLLOWME_TERMINAL", v, sizeof(v)),
	    "lobby-1");
	ASSERT_NULL(field(d, (size_t)len, "FOLLOWME_JOB", v, sizeof(v)));
	/* Nothing more came: the plain line and the last went to stderr. */
	ASSERT_TRUE(recv(fd, d, sizeof(d), MSG_DONTWAIT) < 0);
	close(fd);
	fd = open(path, O_RDONLY);
	n = (int)read(fd, out, sizeof(out) - 1);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	ASSERT_STR_EQ(out,
	    "<6>fmtest: no ids: a plain line\n"
	    "<6>fmtest: job 7 held\n");
	unlink(path);
	unlink(sock);
	rmdir(dir);
	ASSERT_FALSE(fm_log_set_journal_socket(NULL));
}

int
main(void)
{
	RUN(test_parse_journal_stream);
	RUN(test_priority_prefix);
	RUN(test_native_fields);
	return harness_done();
}
