/*
 * fm-pbkdf2-count.c - test tool: an LD_PRELOAD library that counts the
 * PIN hashing a process does.  Each call of mbedtls_pkcs5_pbkdf2_hmac()
 * runs the real one, then appends "pbkdf2 ITERATIONS" to the file named
 * by $FM_TEST_PBKDF2_LOG (which must exist; nothing is written without
 * it).  Only the count of iterations is written, never the PIN or salt.
 *
 *	LD_PRELOAD=.../fm-pbkdf2-count.so FM_TEST_PBKDF2_LOG=$T/pbkdf2.log
 *
 * The login timing test (tests/integration/login_timing.sh) checks with
 * it that every refused login does the same hashing, whatever the user.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <mbedtls/pkcs5.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef int pbkdf2_fn(mbedtls_md_context_t *, const unsigned char *, size_t,
    const unsigned char *, size_t, unsigned int, uint32_t, unsigned char *);

int
mbedtls_pkcs5_pbkdf2_hmac(mbedtls_md_context_t *ctx,
    const unsigned char *password, size_t plen, const unsigned char *salt,
    size_t slen, unsigned int iteration_count, uint32_t key_length,
    unsigned char *output)
{
	/* Looked up on every call: a test tool keeps no state. */
	pbkdf2_fn *real =
	    (pbkdf2_fn *)dlsym(RTLD_NEXT, "mbedtls_pkcs5_pbkdf2_hmac");
	const char *path = getenv("FM_TEST_PBKDF2_LOG");
	char line[64];
	int rc, fd, n;

	if (real == NULL)
		abort();
	rc = real(ctx, password, plen, salt, slen, iteration_count, key_length,
	    output);
	if (path != NULL &&
	    (fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)) >=
	        0) {
		n = snprintf(
		    line, sizeof(line), "pbkdf2 %u\n", iteration_count);
		/* One write with O_APPEND: lines of processes do not mix. */
		(void)!write(fd, line, (size_t)n);
		close(fd);
	}
	return rc;
}
