/*
 * test_sealed.c - unit tests for common/sealed.c and common/aead.c:
 * round trips for both algorithms, and detection of every kind of damage.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/sealed.h"
#include "tests/unit/harness.h"

static const uint8_t master[FM_SEALED_MASTERLEN] =
    "0123456789abcdef0123456789abcde";

struct collect {
	uint8_t *buf;
	size_t len, cap;
};

static bool
collect(const uint8_t *buf, size_t len, void *arg)
{
	struct collect *c = arg;

	if (c->len + len > c->cap)
		return false;
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	return true;
}

static int
memfd_with(const uint8_t *data, size_t len)
{
	int fd = memfd_create("t", 0);

	if (fd >= 0 && len > 0 && write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Seals len bytes of data and returns the sealed file as a memfd. */
static int
seal(enum fm_aead_alg alg, uint32_t chunk, const uint8_t *data, size_t len,
    const char *identity)
{
	int in = memfd_with(data, len), out = memfd_create("s", 0);
	uint64_t plain = 0;

	if (fm_sealed_encrypt_fd(in, out, master, alg, chunk, identity,
	        UINT64_MAX, &plain) != FM_SEALED_OK ||
	    plain != len) {
		close(out);
		out = -1;
	}
	close(in);
	return out;
}

static enum fm_sealed_status
unseal(int fd, const char *identity, struct collect *c)
{
	lseek(fd, 0, SEEK_SET);
	c->len = 0;
	return fm_sealed_decrypt_fd(fd, master, identity, collect, c);
}

static enum fm_sealed_status
verify(int fd, const char *identity)
{
	lseek(fd, 0, SEEK_SET);
	return fm_sealed_verify_fd(fd, master, identity);
}

static uint8_t *
pattern(size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 131 + (i >> 8));
	return p;
}

/* A sealed file (fd) of len bytes of pattern() (data) in chunks of
 * 1024, and room (c) to unseal it into. */
struct sample {
	uint8_t *data;
	struct collect c;
	int fd;
};

static void
sample_seal(struct sample *x, enum fm_aead_alg alg, size_t len,
    const char *identity, size_t room)
{
	x->data = pattern(len);
	x->c = (struct collect){malloc(room), 0, room};
	x->fd = seal(alg, 1024, x->data, len, identity);
}

static void
sample_free(struct sample *x)
{
	close(x->fd);
	free(x->data);
	free(x->c.buf);
}

static void
round_trip(enum fm_aead_alg alg)
{
	static const size_t sizes[] = {
	    0, 1, 15, 16, 17, 1023, 1024, 1025, 4096, 200000};

	for (EACH_ROW(i, sizes)) {
		struct sample x;

		sample_seal(&x, alg, sizes[i], "job#1", 300000);
		ASSERT_TRUE(x.fd >= 0);
		ASSERT_INT_EQ(unseal(x.fd, "job#1", &x.c), FM_SEALED_OK);
		ASSERT_INT_EQ(verify(x.fd, "job#1"), FM_SEALED_OK);
		ASSERT_INT_EQ(verify(x.fd, "job#2"), FM_SEALED_CORRUPT);
		ASSERT_UINT_EQ(x.c.len, sizes[i]);
		ASSERT_MEM_EQ(x.c.buf, x.data, sizes[i]);
		/* The ciphertext is not the plaintext. */
		if (sizes[i] >= 16) {
			uint8_t head[FM_SEALED_HEADERLEN + 16];
			ASSERT_INT_EQ(pread(x.fd, head, sizeof(head), 0),
			    (ssize_t)sizeof(head));
			ASSERT_TRUE(memcmp(head + FM_SEALED_HEADERLEN, x.data,
			                16) != 0);
		}
		sample_free(&x);
	}
}

static void
test_round_trip_chachapoly(void)
{
	round_trip(FM_AEAD_CHACHA20_POLY1305);
}

static void
test_round_trip_gcm(void)
{
	round_trip(FM_AEAD_AES_256_GCM);
}

static void
every_bit_flip_detected(enum fm_aead_alg alg)
{
	struct sample x;
	off_t size;

	sample_seal(&x, alg, 3000, "j#1", 4000);
	size = lseek(x.fd, 0, SEEK_END);
	/* Every byte of header, ciphertext and tags, one bit at a time. */
	for (off_t pos = 0; pos < size; pos += 7) {
		uint8_t b, flipped;
		ASSERT_INT_EQ(pread(x.fd, &b, 1, pos), 1);
		flipped = b ^ (uint8_t)(1 << (pos % 8));
		ASSERT_INT_EQ(pwrite(x.fd, &flipped, 1, pos), 1);
		if (unseal(x.fd, "j#1", &x.c) == FM_SEALED_OK)
			HARNESS_FAIL(
			    "flip at %lld not detected", (long long)pos);
		/* Checking the tags alone finds the same. */
		if (verify(x.fd, "j#1") == FM_SEALED_OK)
			HARNESS_FAIL("flip at %lld not detected by verify",
			    (long long)pos);
		ASSERT_INT_EQ(pwrite(x.fd, &b, 1, pos), 1);
	}
	ASSERT_INT_EQ(unseal(x.fd, "j#1", &x.c), FM_SEALED_OK);
	ASSERT_INT_EQ(verify(x.fd, "j#1"), FM_SEALED_OK);
	sample_free(&x);
}

static void
test_every_bit_flip_detected(void)
{
	every_bit_flip_detected(FM_AEAD_CHACHA20_POLY1305);
	every_bit_flip_detected(FM_AEAD_AES_256_GCM);
}

static void
test_truncation_and_extension_detected(void)
{
	struct sample x;
	const off_t chunk = 1024 + FM_AEAD_TAGLEN;
	off_t size;

	/* Exactly 4 chunks of 1024. */
	sample_seal(&x, FM_AEAD_AES_256_GCM, 4096, "j#1", 8192);
	size = lseek(x.fd, 0, SEEK_END);
	/* At a chunk boundary (the nastiest case) and mid-chunk. */
	ASSERT_INT_EQ(ftruncate(x.fd, FM_SEALED_HEADERLEN + 3 * chunk), 0);
	ASSERT_INT_EQ(unseal(x.fd, "j#1", &x.c), FM_SEALED_CORRUPT);
	ASSERT_INT_EQ(verify(x.fd, "j#1"), FM_SEALED_CORRUPT);
	ASSERT_INT_EQ(ftruncate(x.fd, FM_SEALED_HEADERLEN + chunk + 100), 0);
	ASSERT_INT_EQ(unseal(x.fd, "j#1", &x.c), FM_SEALED_CORRUPT);
	close(x.fd);

	x.fd = seal(FM_AEAD_AES_256_GCM, 1024, x.data, 4096, "j#1");
	ASSERT_INT_EQ(pwrite(x.fd, "x", 1, size), 1);
	ASSERT_INT_EQ(unseal(x.fd, "j#1", &x.c), FM_SEALED_CORRUPT);
	sample_free(&x);
}

static void
test_reordered_chunks_detected(void)
{
	struct sample x;
	const off_t chunk = 1024 + FM_AEAD_TAGLEN, base = FM_SEALED_HEADERLEN;
	uint8_t a[1024 + FM_AEAD_TAGLEN], b[1024 + FM_AEAD_TAGLEN];

	sample_seal(&x, FM_AEAD_CHACHA20_POLY1305, 3072, "j#1", 8192);
	ASSERT_INT_EQ(pread(x.fd, a, sizeof(a), base), (ssize_t)sizeof(a));
	ASSERT_INT_EQ(
	    pread(x.fd, b, sizeof(b), base + chunk), (ssize_t)sizeof(b));
	ASSERT_INT_EQ(pwrite(x.fd, b, sizeof(b), base), (ssize_t)sizeof(b));
	ASSERT_INT_EQ(
	    pwrite(x.fd, a, sizeof(a), base + chunk), (ssize_t)sizeof(a));
	ASSERT_INT_EQ(unseal(x.fd, "j#1", &x.c), FM_SEALED_CORRUPT);
	/* Nothing unverified was passed on. */
	ASSERT_UINT_EQ(x.c.len, 0);
	sample_free(&x);
}

static void
test_wrong_identity_or_key_fails(void)
{
	struct sample x;

	sample_seal(&x, FM_AEAD_CHACHA20_POLY1305, 100, "job-a#1", 200);
	ASSERT_INT_EQ(unseal(x.fd, "job-a#2", &x.c), FM_SEALED_CORRUPT);
	ASSERT_INT_EQ(unseal(x.fd, "job-a#1", &x.c), FM_SEALED_OK);
	sample_free(&x);
}

static void
test_size_limit(void)
{
	uint8_t *data = pattern(5000);
	int in = memfd_with(data, 5000), out = memfd_create("s", 0);
	uint64_t plain;

	ASSERT_INT_EQ(fm_sealed_encrypt_fd(in, out, master,
	                  FM_AEAD_CHACHA20_POLY1305, 1024, "x", 4999, &plain),
	    FM_SEALED_TOO_LARGE);
	ASSERT_INT_EQ(fm_sealed_encrypt_fd(in, out, master,
	                  FM_AEAD_CHACHA20_POLY1305, 1024, "x", 5000, &plain),
	    FM_SEALED_OK);
	close(in);
	close(out);
	free(data);
}

static void
test_header_decode(void)
{
	struct fm_sealed_header h = {FM_AEAD_AES_256_GCM, 65536, {1}, {2}}, d;
	uint8_t buf[FM_SEALED_HEADERLEN];
	const char *err = NULL;

	fm_sealed_header_encode(&h, buf);
	ASSERT_TRUE(fm_sealed_header_decode(buf, sizeof(buf), &d, &err));
	ASSERT_INT_EQ(d.alg, FM_AEAD_AES_256_GCM);
	ASSERT_UINT_EQ(d.chunk_size, 65536);
	ASSERT_FALSE(fm_sealed_header_decode(buf, sizeof(buf) - 1, &d, &err));
	buf[8] = 7;
	ASSERT_FALSE(fm_sealed_header_decode(buf, sizeof(buf), &d, &err));
	ASSERT_STR_EQ(err, "sealed file: unknown algorithm");
}

int
main(void)
{
	RUN(test_round_trip_chachapoly);
	RUN(test_round_trip_gcm);
	RUN(test_every_bit_flip_detected);
	RUN(test_truncation_and_extension_detected);
	RUN(test_reordered_chunks_detected);
	RUN(test_wrong_identity_or_key_fails);
	RUN(test_size_limit);
	RUN(test_header_decode);
	return harness_done();
}
