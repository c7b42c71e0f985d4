/*
 * test_log.c - unit tests for common/log.c: with stderr the journal's
 * stream ($JOURNAL_STREAM names its device and inode) every line carries
 * its syslog priority, and only then.  Each case logs in a child whose
 * stderr is a file, then reads the file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
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

int
main(void)
{
	RUN(test_parse_journal_stream);
	RUN(test_priority_prefix);
	return harness_done();
}
