/*
 * fuzz_notify.c - fuzz target for the two values systemd hands a daemon:
 * NOTIFY_SOCKET (common/notify.c) and JOURNAL_STREAM (common/log.c).
 * What parses must be an address that fits its sockaddr.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/log.h"
#include "common/notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_notify n;
	dev_t dev;
	ino_t ino;

	if (fm_notify_parse(&n, (const char *)data, size, NULL)) {
		if (n.on && (n.addrlen > sizeof(n.addr) || n.addrlen <= 2))
			abort();
		if (!n.on && size != 0)
			abort();
	} else if (n.on)
		abort();
	(void)fm_log_parse_journal_stream((const char *)data, size, &dev, &ino);
	return 0;
}
