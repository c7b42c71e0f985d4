/*
 * reader-wedge.c - the keyboard-wedge reader implementation (runs in the
 * reader's child process, see reader-impl.h).
 *
 * The reader's evdev device is grabbed with EVIOCGRAB so that card
 * numbers reach only us, not the console or X session on the terminal.
 * Key events become characters in the reader's keyboard layout
 * (wedgelayout.c) and lines in wedgekeys.c; a line becomes UID bytes with
 * fm_uid_from_text().  Wedge readers cannot report removal.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "badge/reader-impl.h"
#include "badge/wedgekeys.h"
#include "common/clock.h"
#include "common/log.h"

struct wedgedev {
	int fd;
	unsigned poll_ms;
	enum fm_uid_input input;
	fm_wedgelayout_t *layout;
	struct fm_wedgekeys keys;
};

static void
wedge_close(void *arg)
{
	struct wedgedev *d = arg;

	if (d == NULL)
		return;
	if (d->fd != -1)
		close(d->fd); /* releases the grab */
	fm_wedgelayout_destroy(d->layout);
	free(d);
}

static void *
wedge_open(const struct fm_reader_config *cfg, const char **errstr)
{
	struct wedgedev *d;
	char why[256];

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		*errstr = "out of memory";
		return NULL;
	}
	d->poll_ms = cfg->poll_ms;
	d->input = cfg->wedge_input;
	d->fd = -1;
	/* fm_reader_open() checked the layout: only memory can fail here. */
	if ((d->layout = fm_wedgelayout_create(
	         cfg->wedge_layout, why, sizeof(why))) == NULL) {
		fm_log_warn("wedge reader: %s", why);
		*errstr = "cannot load the keyboard layout";
		goto fail;
	}
	/* A device just opened has every key up. */
	fm_wedgekeys_init(&d->keys, d->layout);
	d->fd = open(cfg->device, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (d->fd == -1) {
		*errstr = "cannot open the input device";
		goto fail;
	}
#ifdef FM_TEST_HOOKS
	/* Integration tests stand a FIFO carrying the kernel's struct
	 * input_event records for the device (test machines have no
	 * uinput): there is nothing to grab. */
	{
		struct stat st;

		if (fstat(d->fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
			fm_log_warn("built with FM_TEST_HOOKS: reading a FIFO");
			return d;
		}
	}
#endif
	if (ioctl(d->fd, EVIOCGRAB, (void *)1) == -1) {
		*errstr = errno == EBUSY ? "input device grabbed by another "
		                           "process"
		                         : "cannot grab the input device";
		goto fail;
	}
	return d;
fail:
	wedge_close(d);
	return NULL;
}

static int
wedge_next(void *arg, struct fm_reader_event *ev, const char **errstr)
{
	struct wedgedev *d = arg;
	/* Four events hold at most two Enters: never more lines than ev. */
	struct input_event ie[FM_READER_MAXEVENTS * 2];
	struct pollfd pfd = {d->fd, POLLIN, 0};
	const char *err = NULL;
	size_t i, count;
	ssize_t n;
	int found = 0;

	if (poll(&pfd, 1, (int)d->poll_ms) <= 0)
		return 0;
	n = read(d->fd, ie, sizeof(ie));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		/* ENODEV: unplugged. */
		*errstr = "input device read failed";
		return -1;
	}
	count = (size_t)n / sizeof(ie[0]);
	for (i = 0; i < count && found < FM_READER_MAXEVENTS; i++) {
		enum fm_wedgekeys_result r = fm_wedgekeys_feed(&d->keys,
		    ie[i].type, ie[i].code, ie[i].value, fm_clock_ms());

		if (r == FM_WEDGEKEYS_DISCARDED) {
			fm_log_info("wedge reader: ignored a line that is not "
			            "a card number");
			continue;
		}
		if (r != FM_WEDGEKEYS_LINE)
			continue;
		memset(&ev[found], 0, sizeof(ev[found]));
		if (!fm_uid_from_text(d->keys.text, strlen(d->keys.text),
		        d->input, ev[found].uid, &ev[found].uid_len, &err)) {
			fm_log_info("wedge reader: ignored a line: %s", err);
			continue;
		}
		ev[found].type = FM_READER_CARD_PRESENT;
		ev[found].card = FM_CARD_WEDGE;
		found++;
	}
	return found;
}

const struct fm_reader_ops fm_reader_wedge_ops = {
    "wedge",
    wedge_open,
    wedge_next,
    wedge_close,
};
