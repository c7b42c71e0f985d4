/*
 * docstream.c - held documents decrypted on two cores for the printer.
 */
#include "release/docstream.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/aead.h"

#define WORKERS 2
#define FRAME_HEADER 5 /* be32 length, u8 last */

struct one {
	fm_printer_t *printer;
};

static bool
to_printer(const uint8_t *buf, size_t len, void *arg)
{
	struct one *o = arg;

	return len == 0 || fm_printer_write(o->printer, buf, len);
}

static bool
write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

static bool
read_all(int fd, uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* A worker's sink: each chunk as a frame on its pipe. */
static bool
to_pipe(uint32_t idx, const uint8_t *buf, size_t len, bool last, void *arg)
{
	int fd = *(int *)arg;
	uint8_t h[FRAME_HEADER] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16),
	    (uint8_t)(len >> 8), (uint8_t)len, last};

	(void)idx;
	return write_all(fd, h, sizeof(h)) && write_all(fd, buf, len);
}

/* Reads the workers' frames in chunk order and sends them. */
static enum fm_sealed_status
relay(const int *in, fm_printer_t *p)
{
	uint8_t h[FRAME_HEADER], *buf = malloc(FM_SEALED_CHUNK_MAX);
	enum fm_sealed_status st = FM_SEALED_CORRUPT;
	size_t len;

	if (buf == NULL)
		return FM_SEALED_INTERNAL;
	for (unsigned idx = 0;; idx++) {
		int fd = in[idx % WORKERS];

		/* A worker that stopped early (a bad chunk) closes its pipe:
		 * its exit status says why. */
		if (!read_all(fd, h, sizeof(h)))
			break;
		len = (size_t)h[0] << 24 | (size_t)h[1] << 16 |
		    (size_t)h[2] << 8 | h[3];
		if (len > FM_SEALED_CHUNK_MAX || !read_all(fd, buf, len))
			break;
		if (len > 0 && !fm_printer_write(p, buf, len)) {
			st = FM_SEALED_IO;
			break;
		}
		if (h[4]) {
			st = FM_SEALED_OK;
			break;
		}
	}
	fm_wipe(buf, FM_SEALED_CHUNK_MAX);
	free(buf);
	return st;
}

bool
fm_docstream_send(fm_spool_t *spool, const char *name, const char *identity,
    uint64_t size, fm_printer_t *p, enum fm_sealed_status *status)
{
	int in[WORKERS] = {-1, -1}, fds[2];
	pid_t pids[WORKERS] = {-1, -1};
	enum fm_sealed_status st;
	struct one o = {p};
	int wst;

	/* Small documents: two processes would cost more than they save. */
	if (size < 2 * (uint64_t)FM_SEALED_CHUNK_DEFAULT) {
		*status = fm_spool_read(spool, name, identity, to_printer, &o);
		return *status == FM_SEALED_OK;
	}
	st = FM_SEALED_INTERNAL;
	for (int k = 0; k < WORKERS; k++) {
		if (pipe2(fds, O_CLOEXEC) != 0)
			goto out;
		if ((pids[k] = fork()) < 0) {
			close(fds[0]);
			close(fds[1]);
			goto out;
		}
		if (pids[k] == 0) {
			/* Only the pipe: the session's TLS connection and
			 * store are the parent's. */
			close(fds[0]);
			signal(SIGPIPE, SIG_IGN);
			_exit(fm_spool_read_part(spool, name, identity,
			    (unsigned)k, WORKERS, to_pipe, &fds[1]));
		}
		close(fds[1]);
		in[k] = fds[0];
	}
	st = relay(in, p);
out:
	for (int k = 0; k < WORKERS; k++)
		if (in[k] >= 0)
			close(in[k]); /* a worker still writing gets EPIPE */
	for (int k = 0; k < WORKERS; k++) {
		if (pids[k] <= 0)
			continue;
		if (st != FM_SEALED_OK)
			kill(pids[k], SIGKILL);
		while (waitpid(pids[k], &wst, 0) < 0 && errno == EINTR)
			;
		/* A worker's own failure says more than the broken stream. */
		if (st == FM_SEALED_OK &&
		    (!WIFEXITED(wst) || WEXITSTATUS(wst) != FM_SEALED_OK))
			st = WIFEXITED(wst)
			    ? (enum fm_sealed_status)WEXITSTATUS(wst)
			    : FM_SEALED_INTERNAL;
	}
	*status = st;
	return st == FM_SEALED_OK;
}
