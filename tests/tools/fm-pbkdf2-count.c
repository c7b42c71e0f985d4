/*
 * fm-pbkdf2-count.c - test tool: an LD_PRELOAD library that counts the
 * PIN hashing a process does.  Each call of mbedtls_pkcs5_pbkdf2_hmac()
 * (mbedTLS 2.28) or mbedtls_pkcs5_pbkdf2_hmac_ext() (3.x, which
 * common/mbedtls-compat.h calls there) runs the real one, then appends
 * "pbkdf2 ITERATIONS" to the file named by $FM_TEST_PBKDF2_LOG (which
 * must exist; nothing is written without it).  Only the count of iterations is
 *written, never the PIN or salt.
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * Declared here rather than taken from <mbedtls/pkcs5.h>: the tool is not
 * built against a particular mbedTLS, and only passes the arguments on.
 * The digest context is a pointer, the digest type an enum (an int).
 */
int mbedtls_pkcs5_pbkdf2_hmac(void *ctx, const unsigned char *password,
    size_t plen, const unsigned char *salt, size_t slen,
    unsigned int iteration_count, uint32_t key_length, unsigned char *output);
int mbedtls_pkcs5_pbkdf2_hmac_ext(int md_type, const unsigned char *password,
    size_t plen, const unsigned char *salt, size_t slen,
    unsigned int iteration_count, uint32_t key_length, unsigned char *output);

typedef int pbkdf2_fn(void *, const unsigned char *, size_t,
    const unsigned char *, size_t, unsigned int, uint32_t, unsigned char *);
typedef int pbkdf2_ext_fn(int, const unsigned char *, size_t,
    const unsigned char *, size_t, unsigned int, uint32_t, unsigned char *);

/* Appends one line for a hashing of iteration_count rounds. */
static void
count(unsigned int iteration_count)
{
	const char *path = getenv("FM_TEST_PBKDF2_LOG");
	char line[64];
	int fd, n;

	if (path != NULL &&
	    (fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)) >=
	        0) {
		n = snprintf(
		    line, sizeof(line), "pbkdf2 %u\n", iteration_count);
		/* One write with O_APPEND: lines of processes do not mix. */
		(void)!write(fd, line, (size_t)n);
		close(fd);
	}
}

int
mbedtls_pkcs5_pbkdf2_hmac(void *ctx, const unsigned char *password, size_t plen,
    const unsigned char *salt, size_t slen, unsigned int iteration_count,
    uint32_t key_length, unsigned char *output)
{
	/* Looked up on every call: a test tool keeps no state. */
	pbkdf2_fn *real =
	    (pbkdf2_fn *)dlsym(RTLD_NEXT, "mbedtls_pkcs5_pbkdf2_hmac");
	int rc;

	if (real == NULL)
		abort();
	rc = real(ctx, password, plen, salt, slen, iteration_count, key_length,
	    output);
	count(iteration_count);
	return rc;
}

int
mbedtls_pkcs5_pbkdf2_hmac_ext(int md_type, const unsigned char *password,
    size_t plen, const unsigned char *salt, size_t slen,
    unsigned int iteration_count, uint32_t key_length, unsigned char *output)
{
	pbkdf2_ext_fn *real =
	    (pbkdf2_ext_fn *)dlsym(RTLD_NEXT, "mbedtls_pkcs5_pbkdf2_hmac_ext");
	int rc;

	if (real == NULL)
		abort();
	rc = real(md_type, password, plen, salt, slen, iteration_count,
	    key_length, output);
	count(iteration_count);
	return rc;
}
