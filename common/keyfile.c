/*
 * keyfile.c - secret keys in files of their own (keyfile.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/aead.h"

static bool
read_key(int fd, uint8_t *key, size_t len, const char **errstr)
{
	struct stat st;
	uint8_t extra;
	ssize_t n;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*errstr = "the key file is not a regular file";
		return false;
	}
	if ((st.st_mode & 077) != 0) {
		*errstr = "the key file is readable by others; it must have "
		          "mode 0600";
		return false;
	}
	n = read(fd, key, len);
	if (n < 0 || (size_t)n != len || read(fd, &extra, 1) != 0) {
		fm_wipe(key, len);
		*errstr = "the key file does not hold a key of the right size";
		return false;
	}
	return true;
}

bool
fm_keyfile_load(const char *path, bool create, uint8_t *key, size_t len,
    const char **errstr)
{
	const char *dummy;
	int fd;
	bool ok;

	if (errstr == NULL)
		errstr = &dummy;
	if (path == NULL || key == NULL || len == 0) {
		*errstr = "bad arguments";
		return false;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		ok = read_key(fd, key, len, errstr);
		close(fd);
		return ok;
	}
	if (errno != ENOENT || !create) {
		*errstr = errno == ELOOP ? "the key file is a symbolic link"
		    : errno == ENOENT    ? "the key file does not exist"
		                         : "cannot read the key file";
		return false;
	}
	fd = open(
	    path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		*errstr = "cannot create the key file";
		return false;
	}
	ok = fm_random(key, len) && write(fd, key, len) == (ssize_t)len &&
	    fsync(fd) == 0;
	close(fd);
	if (!ok) {
		unlink(path);
		fm_wipe(key, len);
		*errstr = "cannot write the key file";
	}
	return ok;
}
