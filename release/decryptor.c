/*
 * decryptor.c - a session's decryptor: the process that holds the spool
 * master key.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/decryptor.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/child.h"
#include "common/leakcheck.h"
#include "common/log.h"
#include "spooler/spool.h"
#include "common/wire.h"
#include "release/login.h"

struct fm_decryptor {
	int fd;
	pid_t pid;
};

size_t
fm_decryptor_request_encode(
    const struct fm_decryptor_request *r, uint8_t *buf, size_t size)
{
	struct fm_wire_writer w;

	if (r == NULL ||
	    (r->op != FM_DECRYPTOR_VERIFY && r->op != FM_DECRYPTOR_READ) ||
	    r->name[0] == '\0' || r->identity[0] == '\0')
		return 0;
	fm_wire_writer_init(&w, buf, size);
	fm_wire_put_u8(&w, r->op);
	fm_wire_put_text8(&w, r->name, sizeof(r->name));
	fm_wire_put_text16(&w, r->identity, sizeof(r->identity));
	fm_wire_put_text8(&w, r->owner, sizeof(r->owner));
	if (r->wrapped_len > sizeof(r->wrapped))
		return 0;
	fm_wire_put_u8(&w, (uint8_t)r->wrapped_len);
	fm_wire_put_bytes(&w, r->wrapped, r->wrapped_len);
	return fm_wire_writer_end(&w);
}

bool
fm_decryptor_request_decode(const uint8_t *buf, size_t len,
    struct fm_decryptor_request *r, const char **errstr)
{
	struct fm_wire_reader rd;
	uint8_t op;

	*errstr = "malformed request";
	if (buf == NULL || r == NULL || len < 4)
		return false;
	memset(r, 0, sizeof(*r));
	fm_wire_reader_init(&rd, buf, len);
	op = fm_wire_get_u8(&rd);
	if (op != FM_DECRYPTOR_VERIFY && op != FM_DECRYPTOR_READ) {
		*errstr = "unknown operation";
		return false;
	}
	fm_wire_get_text8(&rd, r->name, sizeof(r->name));
	fm_wire_get_text16(&rd, r->identity, sizeof(r->identity));
	fm_wire_get_text8(&rd, r->owner, sizeof(r->owner));
	r->wrapped_len = fm_wire_get_u8(&rd);
	if (r->wrapped_len > sizeof(r->wrapped))
		fm_wire_reader_fail(&rd);
	else
		fm_wire_get_bytes(&rd, r->wrapped, r->wrapped_len);
	if (!fm_wire_reader_end(&rd) || r->name[0] == '\0' ||
	    r->identity[0] == '\0') {
		memset(r, 0, sizeof(*r));
		return false;
	}
	r->op = (enum fm_decryptor_op)op;
	*errstr = NULL;
	return true;
}

/* All of len bytes, sent from out or read into in (the other NULL);
 * false on an error or at the end of the stream. */
static bool
transfer(int fd, const uint8_t *out, uint8_t *in, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = out != NULL
		    ? send(fd, out + done, len - done, MSG_NOSIGNAL)
		    : read(fd, in + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

static bool
write_all(int fd, const void *p, size_t len)
{
	return transfer(fd, p, NULL, len);
}

static bool
read_all(int fd, void *p, size_t len)
{
	return transfer(fd, NULL, p, len);
}

/* Decryptor side: one plaintext chunk as a frame. */
static bool
send_frame(const uint8_t *buf, size_t len, void *arg)
{
	int fd = *(int *)arg;
	uint8_t h[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16),
	    (uint8_t)(len >> 8), (uint8_t)len};

	return len == 0 || (write_all(fd, h, 4) && write_all(fd, buf, len));
}

/* Reads a document request whose op byte was read: false at the end or
 * on garbage (the decryptor then exits: its only peer is broken). */
static bool
read_request(int fd, uint8_t op, struct fm_decryptor_request *r)
{
	uint8_t buf[FM_DECRYPTOR_REQUESTMAX];
	const char *errstr;
	size_t nl, il, ol, wl, at;
	bool ok;

	buf[0] = op;
	if (!read_all(fd, buf + 1, 1))
		return false;
	nl = buf[1];
	if (nl == 0 || nl >= FM_DECRYPTOR_NAMEMAX ||
	    !read_all(fd, buf + 2, nl + 2))
		return false;
	il = (size_t)buf[2 + nl] << 8 | buf[3 + nl];
	at = 4 + nl;
	if (il == 0 || il >= FM_DECRYPTOR_IDENTITYMAX ||
	    !read_all(fd, buf + at, il + 1))
		return false;
	ol = buf[at + il];
	at += il + 1;
	if (ol >= FM_DECRYPTOR_OWNERMAX || !read_all(fd, buf + at, ol + 1))
		return false;
	wl = buf[at + ol];
	at += ol + 1;
	if (wl > FM_DECRYPTOR_WRAPPEDMAX || !read_all(fd, buf + at, wl))
		return false;
	ok = fm_decryptor_request_decode(buf, at + wl, r, &errstr);
	fm_wipe(buf, sizeof(buf));
	return ok;
}

/*
 * A login request (op FM_DECRYPTOR_LOGIN | length be16 | fm_login
 * request), run, and its answer (length be16 | fm_login answer).  False
 * on garbage or a broken peer.
 */
static bool
serve_login(int fd, fm_login_t *login)
{
	uint8_t buf[FM_LOGIN_REQUESTMAX], out[2 + FM_LOGIN_ANSWERMAX];
	struct fm_login_request r;
	struct fm_login_answer a;
	const char *errstr = NULL;
	size_t len;
	bool ok;

	if (!read_all(fd, buf, 2))
		return false;
	len = (size_t)buf[0] << 8 | buf[1];
	if (len > sizeof(buf) || !read_all(fd, buf, len))
		return false;
	ok = fm_login_request_decode(buf, len, &r, &errstr);
	fm_wipe(buf, sizeof(buf));
	if (!ok) {
		fm_log_warn("decryptor: %s", errstr);
		return false;
	}
	if (login != NULL)
		fm_login_handle(login, &r, &a);
	else
		a = (struct fm_login_answer){.outcome = FM_LOGIN_UNAVAILABLE};
	fm_wipe(&r, sizeof(r));
	if ((len = fm_login_answer_encode(&a, out + 2, sizeof(out) - 2)) == 0)
		return false;
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	return write_all(fd, out, len + 2);
}

/*
 * Only the documents of the user this decryptor logged in: whatever a
 * session names, another user's document is never opened.  The store
 * says whose a held job is; a document key is wrapped for its owner
 * (spool.h), so the owner a request gives must be that user too, and a
 * session that rewrote the store still cannot open another's document.
 */
static bool
may_read(fm_login_t *login, const struct fm_decryptor_request *r)
{
	const char *user = fm_login_user(login);

	if (fm_login_may_read(login, r->name) &&
	    (r->wrapped_len == 0 || strcmp(r->owner, user) == 0))
		return true;
	fm_log_warn("decryptor: refused document %s: not a held job of %s",
	    r->name, user[0] != '\0' ? user : "(nobody logged in)");
	return false;
}

static void __attribute__((noreturn))
serve(int fd, fm_spool_t *spool, fm_login_t *login)
{
	struct fm_decryptor_request r;
	uint8_t op;

	while (read_all(fd, &op, 1)) {
		/* verify: the status; read: frames, a zero length, status */
		uint8_t end[5] = {0};
		size_t n = 1;

		if (op == FM_DECRYPTOR_LOGIN) {
			if (!serve_login(fd, login))
				break;
			continue;
		}
		if (!read_request(fd, op, &r))
			break;
		struct fm_spool_key key = {r.owner, r.wrapped, r.wrapped_len};
		bool allowed = may_read(login, &r);

		if (r.op == FM_DECRYPTOR_VERIFY) {
			end[0] = allowed ? (uint8_t)fm_spool_verify(
			                       spool, r.name, r.identity, &key)
			                 : FM_SEALED_IO;
		} else {
			end[4] = allowed
			    ? (uint8_t)fm_spool_read(spool, r.name, r.identity,
			          &key, send_frame, &fd)
			    : FM_SEALED_IO;
			n = 5;
		}
		fm_wipe(&r, sizeof(r));
		if (!write_all(fd, end, n))
			break;
	}
	fm_login_destroy(login);
	fm_spool_close(spool); /* wipes the key */
	fm_leakcheck_exit(0);
}

void
fm_decryptor_stop(fm_decryptor_t *d)
{
	if (d == NULL)
		return;
	close(d->fd);
	/* One adopted from the process that started it ends on its own
	 * when its socket closes, and is that process's to reap. */
	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		while (waitpid(d->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	free(d);
}

void
fm_decryptor_detach(fm_decryptor_t *d, int *fd, pid_t *pid)
{
	*fd = d->fd;
	*pid = d->pid;
	free(d);
}

fm_decryptor_t *
fm_decryptor_adopt(int fd)
{
	fm_decryptor_t *d;

	if (fd < 0 || (d = calloc(1, sizeof(*d))) == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	d->fd = fd;
	d->pid = -1;
	return d;
}

fm_decryptor_t *
fm_decryptor_start(const char *dir, const uint8_t *master,
    const struct fm_settings *settings, const char *db_path,
    const char **errstr)
{
	/* Signals as in its session: a session gone mid-answer ends the
	 * decryptor through a failed write, not through SIGPIPE. */
	static const int ignore[] = {SIGPIPE, SIGHUP};
	/* Only its end of the socket pair: none of the session's
	 * connection, store or ledger link. */
	struct fm_child_spec spec = {.death_signal = SIGKILL,
	    .ignore = ignore,
	    .nignore = 2,
	    /* It opens the store its session has open. */
	    .keep_files = db_path != NULL};
	fm_decryptor_t *d;
	fm_spool_t *spool;
	fm_login_t *login = NULL;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		*errstr = "out of memory";
		return NULL;
	}
	d->pid = fm_child_fork_linked(&spec, SOCK_STREAM, -1, &d->fd, errstr);
	if (d->pid < 0) {
		free(d);
		return NULL;
	}
	if (d->pid == 0) {
		/* Its session runs as the same user and parses the network:
		 * it must not be able to read this process's memory
		 * (ptrace, /proc/PID/mem) nor make it dump core. */
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
			_exit(1);
		if ((spool = fm_spool_open(dir, master, errstr)) == NULL)
			_exit(1);
		if (settings != NULL && db_path != NULL &&
		    (login = fm_login_create(settings, db_path, errstr)) ==
		        NULL) {
			fm_log_warn("decryptor: %s: %s", db_path, *errstr);
			_exit(1);
		}
		serve(d->fd, spool, login);
	}
	return d;
}

/* The wrapped key and its owner into r; false if they do not fit. */
static bool
request_key(struct fm_decryptor_request *r, const struct fm_spool_key *key)
{
	if (key == NULL || key->wrapped_len == 0)
		return true;
	if (key->owner == NULL || strlen(key->owner) >= sizeof(r->owner) ||
	    key->wrapped == NULL || key->wrapped_len > sizeof(r->wrapped))
		return false;
	memcpy(r->owner, key->owner, strlen(key->owner));
	memcpy(r->wrapped, key->wrapped, key->wrapped_len);
	r->wrapped_len = key->wrapped_len;
	return true;
}

static bool
request(fm_decryptor_t *d, enum fm_decryptor_op op, const char *name,
    const char *identity, const struct fm_spool_key *key)
{
	struct fm_decryptor_request r = {.op = op};
	uint8_t buf[FM_DECRYPTOR_REQUESTMAX];
	size_t len;
	bool ok;

	if (d == NULL || strlen(name) >= sizeof(r.name) ||
	    strlen(identity) >= sizeof(r.identity) || !request_key(&r, key))
		return false;
	memcpy(r.name, name, strlen(name));
	memcpy(r.identity, identity, strlen(identity));
	ok = (len = fm_decryptor_request_encode(&r, buf, sizeof(buf))) > 0 &&
	    write_all(d->fd, buf, len);
	fm_wipe(&r, sizeof(r));
	fm_wipe(buf, sizeof(buf));
	return ok;
}

enum fm_sealed_status
fm_decryptor_verify(fm_decryptor_t *d, const char *name, const char *identity,
    const struct fm_spool_key *key)
{
	uint8_t st;

	if (!request(d, FM_DECRYPTOR_VERIFY, name, identity, key) ||
	    !read_all(d->fd, &st, 1) || st > FM_SEALED_INTERNAL)
		return FM_SEALED_IO;
	return (enum fm_sealed_status)st;
}

enum fm_sealed_status
fm_decryptor_read(fm_decryptor_t *d, const char *name, const char *identity,
    const struct fm_spool_key *key,
    bool (*sink)(const uint8_t *buf, size_t len, void *arg), void *arg)
{
	uint8_t h[4], *buf, st;
	enum fm_sealed_status result = FM_SEALED_IO;
	bool sunk = true;
	size_t len;

	if (!request(d, FM_DECRYPTOR_READ, name, identity, key))
		return FM_SEALED_IO;
	if ((buf = malloc(FM_SEALED_CHUNK_MAX)) == NULL)
		return FM_SEALED_INTERNAL;
	for (;;) {
		if (!read_all(d->fd, h, 4))
			goto out;
		len = (size_t)h[0] << 24 | (size_t)h[1] << 16 |
		    (size_t)h[2] << 8 | h[3];
		if (len == 0)
			break;
		if (len > FM_SEALED_CHUNK_MAX || !read_all(d->fd, buf, len))
			goto out;
		/* After a refusal the rest is read and dropped, so that the
		 * next request finds the stream in step. */
		if (sunk && !sink(buf, len, arg))
			sunk = false;
	}
	if (read_all(d->fd, &st, 1) && st <= FM_SEALED_INTERNAL)
		result = sunk ? (enum fm_sealed_status)st : FM_SEALED_IO;
out:
	fm_wipe(buf, FM_SEALED_CHUNK_MAX);
	free(buf);
	return result;
}

enum fm_login_outcome
fm_decryptor_login(
    fm_decryptor_t *d, struct fm_login_request *r, struct fm_login_answer *a)
{
	uint8_t buf[3 + FM_LOGIN_REQUESTMAX], h[2];
	size_t len;
	bool ok;

	memset(a, 0, sizeof(*a));
	a->outcome = FM_LOGIN_UNAVAILABLE;
	if (d == NULL || r == NULL) {
		if (r != NULL)
			fm_wipe(r->secret, sizeof(r->secret));
		return a->outcome;
	}
	len = fm_login_request_encode(r, buf + 3, sizeof(buf) - 3);
	fm_wipe(r->secret, sizeof(r->secret));
	buf[0] = FM_DECRYPTOR_LOGIN;
	buf[1] = (uint8_t)(len >> 8);
	buf[2] = (uint8_t)len;
	ok = len > 0 && write_all(d->fd, buf, len + 3);
	fm_wipe(buf, sizeof(buf));
	if (!ok || !read_all(d->fd, h, 2))
		return a->outcome;
	len = (size_t)h[0] << 8 | h[1];
	if (len > FM_LOGIN_ANSWERMAX || !read_all(d->fd, buf, len) ||
	    !fm_login_answer_decode(buf, len, a)) {
		memset(a, 0, sizeof(*a));
		a->outcome = FM_LOGIN_UNAVAILABLE;
	}
	return a->outcome;
}
