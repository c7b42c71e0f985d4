/*
 * fuzz_sealed.c - fuzz target for the sealed file reader: arbitrary bytes
 * as a spool file must be refused cleanly (or, for a valid file, decrypt),
 * and checking the tags alone must give the same answer as decrypting.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/sealed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
sink(const uint8_t *buf, size_t len, void *arg)
{
	(void)buf;
	(void)len;
	(void)arg;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t master[FM_SEALED_MASTERLEN] = {1, 2, 3};
	struct fm_sealed_header h;
	const char *err;
	int fd;

	fm_sealed_header_decode(data, size, &h, &err);
	if ((fd = memfd_create("fuzz", 0)) < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		enum fm_sealed_status d, v;
		lseek(fd, 0, SEEK_SET);
		d = fm_sealed_decrypt_fd(fd, master, "fuzz#1", sink, NULL);
		lseek(fd, 0, SEEK_SET);
		v = fm_sealed_verify_fd(fd, master, "fuzz#1");
		if (d != v)
			abort();
	}
	close(fd);
	return 0;
}
