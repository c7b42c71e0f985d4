/*
 * aead-speed.c - single-core speed of the spool's encryption, for
 * bench/ingest: seals N MiB from memory to /dev/null-like memory with
 * each AEAD and prints "ALG MB/s".
 *
 *	aead-speed [MiB]
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "common/sealed.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static const uint8_t master[FM_SEALED_MASTERLEN] = {7};
	static const enum fm_aead_alg algs[] = {
	    FM_AEAD_CHACHA20_POLY1305, FM_AEAD_AES_256_GCM};
	size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 256;
	size_t len = mib * 1024 * 1024;
	int in = memfd_create("plain", 0), out;
	char *buf = malloc(1 << 20);

	if (in < 0 || buf == NULL || mib == 0)
		return 1;
	for (size_t i = 0; i < (1 << 20); i++)
		buf[i] = (char)(i * 7);
	for (size_t i = 0; i < mib; i++)
		if (write(in, buf, 1 << 20) != 1 << 20)
			return 1;
	for (size_t a = 0; a < 2; a++) {
		double best = 0;
		for (int rep = 0; rep < 3; rep++) {
			uint64_t plain;
			out = memfd_create("sealed", 0);
			double t0 = now();
			if (fm_sealed_encrypt_fd(in, out, master, algs[a],
			        FM_SEALED_CHUNK_DEFAULT, "bench#1", UINT64_MAX,
			        &plain) != FM_SEALED_OK)
				return 1;
			double rate = (double)len / 1e6 / (now() - t0);
			if (rate > best)
				best = rate;
			close(out);
		}
		printf("%s %.0f\n", fm_aead_alg_name(algs[a]), best);
	}
	free(buf);
	return 0;
}
