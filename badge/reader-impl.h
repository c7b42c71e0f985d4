/*
 * reader-impl.h - the interface between reader.c and reader
 * implementations (reader-nfc.c, reader-wedge.c).  Not for other users.
 *
 * Everything here runs in the reader's child process.  reader.c opens the
 * device with ops->open (retrying with backoff while it fails), calls
 * ops->next in a loop and sends what it returns, and calls ops->close on
 * failure (then reopens) or on exit.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_READER_IMPL_H
#define FM_READER_IMPL_H

#include "badge/reader.h"

#define FM_READER_MAXEVENTS 2

struct fm_reader_ops {
	const char *name;
	/* Opens the device; NULL with *errstr if it is absent or failing. */
	void *(*open)(const struct fm_reader_config *cfg, const char **errstr);
	/*
	 * Waits at most about the configured poll interval for something to
	 * happen and stores up to FM_READER_MAXEVENTS card events in ev.
	 * Returns their number (0 = nothing yet), or -1 with *errstr if the
	 * device failed and must be closed and reopened.
	 */
	int (*next)(void *dev, struct fm_reader_event *ev, const char **errstr);
	/* Closes the device; must not block for long. */
	void (*close)(void *dev);
};

extern const struct fm_reader_ops fm_reader_nfc_ops;
extern const struct fm_reader_ops fm_reader_wedge_ops;

#endif
