/*
 * reader.c - badge readers: the child that runs a reader implementation,
 * and the owner's side that reads its events.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "badge/reader-impl.h"
#include "common/child.h"
#include "common/log.h"
#include "common/stop.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 2000
#define CLOSE_WAIT_MS 3000

struct fm_reader {
	struct fm_reader_config cfg;
	pid_t pid;
	int fd;
	bool unavailable;  /* last state told to the owner */
	unsigned restarts; /* child deaths since the device last worked */
};

bool
fm_reader_kind_parse(const char *buf, size_t len, enum fm_reader_kind *kind)
{
	if (buf == NULL || kind == NULL)
		return false;
	if (len == 3 && memcmp(buf, "nfc", 3) == 0)
		*kind = FM_READER_NFC;
	else if (len == 5 && memcmp(buf, "wedge", 5) == 0)
		*kind = FM_READER_WEDGE;
	else
		return false;
	return true;
}

bool
fm_reader_poll_parse(const char *buf, size_t len, unsigned *mask)
{
	unsigned m = 0;
	size_t pos = 0;

	if (buf == NULL || mask == NULL)
		return false;
	while (pos <= len) {
		size_t end = pos;

		while (end < len && buf[end] != ',')
			end++;
		if (end - pos == 6 && memcmp(buf + pos, "14443a", 6) == 0)
			m |= FM_READER_POLL_14443A;
		else if (end - pos == 6 && memcmp(buf + pos, "14443b", 6) == 0)
			m |= FM_READER_POLL_14443B;
		else if (end - pos == 6 && memcmp(buf + pos, "felica", 6) == 0)
			m |= FM_READER_POLL_FELICA;
		else
			return false;
		pos = end + 1;
	}
	*mask = m;
	return true;
}

static void
sleep_ms(unsigned ms)
{
	/* poll() is not restarted after a signal: SIGTERM cuts it short. */
	if (!fm_stop_is_requested())
		poll(NULL, 0, (int)ms);
}

/* Sends one event to the owner; a vanished owner stops the child. */
static void
child_send(int sock, enum fm_reader_event_type type,
    const struct fm_reader_event *card)
{
	struct fm_reader_event ev;
	uint8_t buf[FM_READERMSG_MAX];
	size_t len;

	if (card != NULL)
		ev = *card;
	else
		memset(&ev, 0, sizeof(ev));
	ev.type = type;
	len = fm_readermsg_encode(&ev, buf, sizeof(buf));
	if (len == 0) {
		fm_log_warn("reader: refusing to send an invalid event");
		return;
	}
	if (send(sock, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
		fm_stop_request();
}

static void __attribute__((noreturn))
child_main(const struct fm_reader_config *cfg, int sock, unsigned delay_ms,
    bool told_unavailable)
{
	const struct fm_reader_ops *ops = cfg->kind == FM_READER_NFC
	    ? &fm_reader_nfc_ops
	    : &fm_reader_wedge_ops;
	struct fm_reader_event ev[FM_READER_MAXEVENTS];
	unsigned backoff = BACKOFF_MIN_MS;
	bool opened_once = told_unavailable;
	const char *err = NULL, *lasterr = NULL;
	void *dev;
	int i, n;

	/* SIGTERM (also on the owner's death): finish the current call,
	 * close the reader, exit. */
	if (!fm_stop_catch_signals(false))
		_exit(1);
	sleep_ms(delay_ms);
	while (!fm_stop_is_requested()) {
		dev = ops->open(cfg, &err);
		if (dev == NULL) {
			if (!told_unavailable || err != lasterr)
				fm_log_warn("reader %s unavailable: %s",
				    ops->name, err ? err : "?");
			if (!told_unavailable)
				child_send(sock, FM_READER_UNAVAILABLE, NULL);
			told_unavailable = true;
			lasterr = err;
			sleep_ms(backoff);
			backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
			                                       : backoff * 2;
			continue;
		}
		backoff = BACKOFF_MIN_MS;
		lasterr = NULL;
		fm_log_info("reader %s ready", ops->name);
		child_send(
		    sock, opened_once ? FM_READER_BACK : FM_READER_READY, NULL);
		opened_once = true;
		told_unavailable = false;
		while (!fm_stop_is_requested()) {
			n = ops->next(dev, ev, &err);
			if (n < 0) {
				fm_log_warn("reader %s failed: %s", ops->name,
				    err ? err : "?");
				break;
			}
			for (i = 0; i < n; i++)
				child_send(sock, ev[i].type, &ev[i]);
		}
		/* Tell first: closing a wedged device can take a while, and
		 * the terminal should not look ready meanwhile. */
		if (!fm_stop_is_requested()) {
			child_send(sock, FM_READER_UNAVAILABLE, NULL);
			told_unavailable = true;
		}
		ops->close(dev);
		sleep_ms(backoff);
	}
	/* _exit: the owner's atexit handlers and stdio are not ours. */
	_exit(0);
}

static bool
spawn(fm_reader_t *r, unsigned delay_ms, bool told_unavailable)
{
	/* Only stdio and our socket (as fd 3): the owner's connections are
	 * none of the reader's business.  The owner's death must not leave
	 * us holding the reader. */
	static const int ignore[] = {SIGHUP};
	struct fm_child_spec spec = {
	    .death_signal = SIGTERM, .ignore = ignore, .nignore = 1};
	pid_t pid;
	int fd;

	pid = fm_child_fork_linked(&spec, SOCK_SEQPACKET, 3, &fd, NULL);
	if (pid == -1)
		return false;
	if (pid == 0)
		child_main(&r->cfg, fd, delay_ms, told_unavailable);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	r->pid = pid;
	r->fd = fd;
	return true;
}

fm_reader_t *
fm_reader_open(const struct fm_reader_config *cfg, const char **errstr)
{
	fm_reader_t *r;

	if (cfg == NULL ||
	    (cfg->kind != FM_READER_NFC && cfg->kind != FM_READER_WEDGE)) {
		if (errstr)
			*errstr = "invalid reader configuration";
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto fail;
	r->cfg = *cfg;
	r->cfg.connstring[sizeof(r->cfg.connstring) - 1] = '\0';
	r->cfg.device[sizeof(r->cfg.device) - 1] = '\0';
	r->cfg.wedge_layout[sizeof(r->cfg.wedge_layout) - 1] = '\0';
	/* A layout the child could never use is a configuration error,
	 * not a reader to wait for. */
	if (r->cfg.kind == FM_READER_WEDGE) {
		char why[256];
		fm_wedgelayout_t *l = fm_wedgelayout_create(
		    r->cfg.wedge_layout, why, sizeof(why));

		if (l == NULL) {
			fm_log_warn("wedge reader: %s", why);
			if (errstr)
				*errstr = "unknown keyboard layout for the "
				          "wedge reader";
			free(r);
			return NULL;
		}
		fm_wedgelayout_destroy(l);
	}
	if (r->cfg.poll == 0)
		r->cfg.poll = FM_READER_POLL_14443A;
	if (r->cfg.poll_ms == 0)
		r->cfg.poll_ms = 100;
	r->fd = -1;
	if (!spawn(r, 0, false))
		goto fail;
	return r;
fail:
	if (errstr)
		*errstr = "cannot start the reader process";
	free(r);
	return NULL;
}

int
fm_reader_get_fd(const fm_reader_t *r)
{
	return r ? r->fd : -1;
}

static void
reap(fm_reader_t *r, int wait_ms)
{
	int waited = 0;

	if (r->pid <= 0)
		return;
	kill(r->pid, SIGTERM);
	while (waitpid(r->pid, NULL, WNOHANG) == 0) {
		if (waited >= wait_ms) {
			kill(r->pid, SIGKILL);
			waitpid(r->pid, NULL, 0);
			break;
		}
		poll(NULL, 0, 10);
		waited += 10;
	}
	r->pid = -1;
}

enum fm_reader_read
fm_reader_read_event(
    fm_reader_t *r, struct fm_reader_event *ev, const char **errstr)
{
	uint8_t buf[FM_READERMSG_MAX + 1];
	const char *err = NULL;
	unsigned delay;
	ssize_t n;

	if (r == NULL || ev == NULL) {
		if (errstr)
			*errstr = "invalid argument";
		return FM_READER_BROKEN;
	}
	n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return FM_READER_NO_EVENT;
	if (n <= 0) {
		/* The child died: say so once, and start another one that
		 * waits a little longer each time it keeps dying. */
		fm_log_warn("reader process ended; restarting it");
		close(r->fd);
		r->fd = -1;
		reap(r, 0);
		delay = BACKOFF_MIN_MS << (r->restarts < 5 ? r->restarts : 5);
		if (delay > BACKOFF_MAX_MS)
			delay = BACKOFF_MAX_MS;
		r->restarts++;
		if (!spawn(r, delay, true)) {
			if (errstr)
				*errstr = "cannot restart the reader process";
			return FM_READER_BROKEN;
		}
		if (r->unavailable)
			return FM_READER_NO_EVENT;
		r->unavailable = true;
		memset(ev, 0, sizeof(*ev));
		ev->type = FM_READER_UNAVAILABLE;
		return FM_READER_GOT_EVENT;
	}
	if (!fm_readermsg_decode(buf, (size_t)n, ev, &err)) {
		fm_log_warn("reader: dropping a message: %s", err);
		return FM_READER_NO_EVENT;
	}
	switch (ev->type) {
	case FM_READER_READY:
	case FM_READER_BACK:
		r->unavailable = false;
		r->restarts = 0;
		break;
	case FM_READER_UNAVAILABLE:
		r->unavailable = true;
		break;
	case FM_READER_CARD_PRESENT:
		if (!fm_uid_normalise(ev->uid, ev->uid_len, &r->cfg.format,
		        ev->id, sizeof(ev->id))) {
			fm_log_warn("reader: cannot normalise a uid");
			return FM_READER_NO_EVENT;
		}
		break;
	case FM_READER_CARD_REMOVED:
		break;
	}
	return FM_READER_GOT_EVENT;
}

void
fm_reader_close(fm_reader_t *r)
{
	if (r == NULL)
		return;
	reap(r, CLOSE_WAIT_MS);
	if (r->fd != -1)
		close(r->fd);
	free(r);
}
