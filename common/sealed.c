/*
 * sealed.c - the sealed (chunked AEAD) file format.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/sealed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/wire.h"

static const char key_info_label[] = "followme sealed v1";

/* The writers below cannot fail: each field list fills its buffer. */
_Static_assert(FM_SEALED_HEADERLEN ==
        8 + 1 + 3 + 4 + FM_SEALED_SALTLEN + FM_SEALED_PREFIXLEN,
    "sealed header layout");
_Static_assert(
    FM_SEALED_PREFIXLEN + 4 == FM_AEAD_NONCELEN, "chunk nonce layout");

void
fm_sealed_header_encode(const struct fm_sealed_header *h, uint8_t *out)
{
	static const uint8_t reserved[3];
	struct fm_wire_writer w;

	fm_wire_writer_init(&w, out, FM_SEALED_HEADERLEN);
	fm_wire_put_bytes(&w, FM_SEALED_MAGIC, 8);
	fm_wire_put_u8(&w, h->alg);
	fm_wire_put_bytes(&w, reserved, sizeof(reserved));
	fm_wire_put_u32(&w, h->chunk_size);
	fm_wire_put_bytes(&w, h->salt, FM_SEALED_SALTLEN);
	fm_wire_put_bytes(&w, h->prefix, FM_SEALED_PREFIXLEN);
}

bool
fm_sealed_header_decode(const uint8_t *buf, size_t len,
    struct fm_sealed_header *h, const char **errstr)
{
	static const uint8_t reserved[3];
	struct fm_wire_reader r;
	uint8_t alg;

	if (buf == NULL || h == NULL || len < FM_SEALED_HEADERLEN) {
		*errstr = "sealed file: header truncated";
		return false;
	}
	fm_wire_reader_init(&r, buf, FM_SEALED_HEADERLEN);
	if (!fm_wire_expect(&r, FM_SEALED_MAGIC, 8)) {
		*errstr = "sealed file: bad magic";
		return false;
	}
	alg = fm_wire_get_u8(&r);
	if (!fm_aead_alg_is_valid(alg) ||
	    !fm_wire_expect(&r, reserved, sizeof(reserved))) {
		*errstr = "sealed file: unknown algorithm";
		return false;
	}
	h->alg = (enum fm_aead_alg)alg;
	h->chunk_size = fm_wire_get_u32(&r);
	if (h->chunk_size < 16 || h->chunk_size > FM_SEALED_CHUNK_MAX) {
		*errstr = "sealed file: bad chunk size";
		return false;
	}
	fm_wire_get_bytes(&r, h->salt, FM_SEALED_SALTLEN);
	fm_wire_get_bytes(&r, h->prefix, FM_SEALED_PREFIXLEN);
	return true;
}

void
fm_sealed_chunk_nonce(
    const struct fm_sealed_header *h, uint32_t idx, uint8_t *nonce)
{
	struct fm_wire_writer w;

	fm_wire_writer_init(&w, nonce, FM_AEAD_NONCELEN);
	fm_wire_put_bytes(&w, h->prefix, FM_SEALED_PREFIXLEN);
	fm_wire_put_u32(&w, idx);
}

void
fm_sealed_chunk_aad(
    const uint8_t *header, uint32_t idx, bool last, uint8_t *aad)
{
	struct fm_wire_writer w;

	fm_wire_writer_init(&w, aad, FM_SEALED_AADLEN);
	fm_wire_put_bytes(&w, header, FM_SEALED_HEADERLEN);
	fm_wire_put_u64(&w, idx);
	fm_wire_put_u8(&w, last);
}

bool
fm_sealed_derive_key(const uint8_t *master, const struct fm_sealed_header *h,
    const char *identity, uint8_t *key)
{
	uint8_t info[sizeof(key_info_label) + 512];
	size_t idlen = strlen(identity);
	bool ok;

	if (idlen > 512)
		return false;
	/* The label's NUL separates it from the identity. */
	memcpy(info, key_info_label, sizeof(key_info_label));
	memcpy(info + sizeof(key_info_label), identity, idlen);
	ok = fm_aead_hkdf(master, FM_SEALED_MASTERLEN, h->salt,
	    FM_SEALED_SALTLEN, info, sizeof(key_info_label) + idlen, key,
	    FM_AEAD_KEYLEN);
	fm_wipe(info, sizeof(info));
	return ok;
}

const char *
fm_sealed_status_text(enum fm_sealed_status status)
{
	switch (status) {
	case FM_SEALED_OK:
		return "ok";
	case FM_SEALED_TOO_LARGE:
		return "larger than the maximum job size";
	case FM_SEALED_NO_SPACE:
		return "no space left on the spool file system";
	case FM_SEALED_IO:
		return "read or write error";
	case FM_SEALED_CORRUPT:
		return "spool file is corrupt or was tampered with";
	case FM_SEALED_INTERNAL:
		return "internal error";
	}
	return "unknown error";
}

/* Reads until len bytes or end of input; returns bytes read or -1. */
static ssize_t
read_full(int fd, uint8_t *buf, size_t len, off_t *offset)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = *offset >= 0
		    ? pread(fd, buf + got, len - got, *offset)
		    : read(fd, buf + got, len - got);
		if (n < 0 && errno == ESPIPE && *offset == 0) {
			*offset = -1; /* a pipe: read as it comes */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
		if (*offset >= 0)
			*offset += n;
	}
	return (ssize_t)got;
}

static enum fm_sealed_status
write_full(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == ENOSPC || errno == EDQUOT
			    ? FM_SEALED_NO_SPACE
			    : FM_SEALED_IO;
		buf += n;
		len -= (size_t)n;
	}
	return FM_SEALED_OK;
}

enum fm_sealed_status
fm_sealed_encrypt_fd(int in_fd, int out_fd, const uint8_t *master,
    enum fm_aead_alg alg, uint32_t chunk_size, const char *identity,
    uint64_t max_plain, uint64_t *plain_len)
{
	struct fm_sealed_header h = {alg, chunk_size, {0}, {0}};
	uint8_t header[FM_SEALED_HEADERLEN], key[FM_AEAD_KEYLEN];
	uint8_t nonce[FM_AEAD_NONCELEN], aad[FM_SEALED_AADLEN];
	uint8_t *cur = NULL, *next = NULL, *tmp;
	enum fm_sealed_status st = FM_SEALED_INTERNAL;
	fm_aead_t *aead = NULL;
	uint64_t total = 0, unsynced = 0;
	off_t in_off = 0, out_off;
	ssize_t curlen, nextlen = 0;
	uint32_t idx = 0;

	*plain_len = 0;
	if (chunk_size < 16 || chunk_size > FM_SEALED_CHUNK_MAX ||
	    !fm_aead_alg_is_valid(alg))
		return FM_SEALED_INTERNAL;
	if (!fm_random(h.salt, sizeof(h.salt)) ||
	    !fm_random(h.prefix, sizeof(h.prefix)) ||
	    !fm_sealed_derive_key(master, &h, identity, key) ||
	    (aead = fm_aead_create(alg, key)) == NULL)
		goto out;
	/* Two buffers so that we know whether a chunk is the last before
	 * sealing it: the next one is read first. */
	if ((cur = malloc(chunk_size + FM_AEAD_TAGLEN)) == NULL ||
	    (next = malloc(chunk_size + FM_AEAD_TAGLEN)) == NULL)
		goto out;
	fm_sealed_header_encode(&h, header);
	if ((st = write_full(out_fd, header, sizeof(header))) != FM_SEALED_OK)
		goto out;
	out_off = sizeof(header);
	if ((curlen = read_full(in_fd, cur, chunk_size, &in_off)) < 0) {
		st = FM_SEALED_IO;
		goto out;
	}
	for (;;) {
		bool last = (size_t)curlen < chunk_size;
		if (!last) {
			nextlen = read_full(in_fd, next, chunk_size, &in_off);
			if (nextlen < 0) {
				st = FM_SEALED_IO;
				goto out;
			}
			last = nextlen == 0;
		}
		total += (uint64_t)curlen;
		if (total > max_plain) {
			st = FM_SEALED_TOO_LARGE;
			goto out;
		}
		fm_sealed_chunk_nonce(&h, idx, nonce);
		fm_sealed_chunk_aad(header, idx, last, aad);
		if (!fm_aead_seal(aead, nonce, aad, sizeof(aad), cur,
		        (size_t)curlen, cur, cur + curlen)) {
			st = FM_SEALED_INTERNAL;
			goto out;
		}
		st = write_full(out_fd, cur, (size_t)curlen + FM_AEAD_TAGLEN);
		if (st != FM_SEALED_OK)
			goto out;
		/* Start write-back now, so the final fsync has little left
		 * to do and the disk works while we encrypt. */
		out_off += curlen + FM_AEAD_TAGLEN;
		unsynced += (uint64_t)curlen;
		if (unsynced >= 8 * 1024 * 1024) {
			sync_file_range(
			    out_fd, 0, out_off, SYNC_FILE_RANGE_WRITE);
			unsynced = 0;
		}
		if (last)
			break;
		if (++idx == 0) { /* 2^32 chunks: beyond any limit */
			st = FM_SEALED_TOO_LARGE;
			goto out;
		}
		tmp = cur;
		cur = next;
		next = tmp;
		curlen = nextlen;
	}
	*plain_len = total;
	st = FM_SEALED_OK;
out:
	fm_wipe(key, sizeof(key));
	if (cur)
		fm_wipe(cur, chunk_size + FM_AEAD_TAGLEN);
	if (next)
		fm_wipe(next, chunk_size + FM_AEAD_TAGLEN);
	free(cur);
	free(next);
	fm_aead_destroy(aead);
	return st;
}

/* Decrypts (sink != NULL) or only verifies (sink == NULL) in_fd. */
static enum fm_sealed_status
open_fd(int in_fd, const uint8_t *master, const char *identity,
    bool (*sink)(const uint8_t *buf, size_t len, void *arg), void *arg)
{
	struct fm_sealed_header h;
	uint8_t header[FM_SEALED_HEADERLEN], key[FM_AEAD_KEYLEN];
	uint8_t nonce[FM_AEAD_NONCELEN], aad[FM_SEALED_AADLEN];
	uint8_t *cur = NULL, *next = NULL, *scratch = NULL, *tmp;
	enum fm_sealed_status st = FM_SEALED_CORRUPT;
	fm_aead_t *aead = NULL;
	const char *errstr;
	off_t off = -1; /* read sequentially from the current offset */
	ssize_t n, curlen, nextlen = 0;
	size_t full;
	uint32_t idx = 0;

	n = read_full(in_fd, header, sizeof(header), &off);
	if (n < 0)
		return FM_SEALED_IO;
	if (!fm_sealed_header_decode(header, (size_t)n, &h, &errstr))
		return FM_SEALED_CORRUPT;
	full = (size_t)h.chunk_size + FM_AEAD_TAGLEN;
	if (!fm_sealed_derive_key(master, &h, identity, key) ||
	    (aead = fm_aead_create(h.alg, key)) == NULL ||
	    (cur = malloc(full)) == NULL || (next = malloc(full)) == NULL ||
	    (sink == NULL && (scratch = malloc(full)) == NULL)) {
		st = FM_SEALED_INTERNAL;
		goto out;
	}
	if ((curlen = read_full(in_fd, cur, full, &off)) < 0) {
		st = FM_SEALED_IO;
		goto out;
	}
	for (;;) {
		bool last = (size_t)curlen < full;
		if (!last) {
			if ((nextlen = read_full(in_fd, next, full, &off)) <
			    0) {
				st = FM_SEALED_IO;
				goto out;
			}
			last = nextlen == 0;
		}
		if (curlen < FM_AEAD_TAGLEN) {
			st = FM_SEALED_CORRUPT;
			goto out;
		}
		size_t plain = (size_t)curlen - FM_AEAD_TAGLEN;
		fm_sealed_chunk_nonce(&h, idx, nonce);
		fm_sealed_chunk_aad(header, idx, last, aad);
		if (sink == NULL
		        ? !fm_aead_verify(aead, nonce, aad, sizeof(aad), cur,
		              plain, scratch, cur + plain)
		        : !fm_aead_open(aead, nonce, aad, sizeof(aad), cur,
		              plain, cur, cur + plain)) {
			st = FM_SEALED_CORRUPT;
			goto out;
		}
		if (sink != NULL && !sink(cur, plain, arg)) {
			st = FM_SEALED_IO;
			goto out;
		}
		if (last)
			break;
		if (++idx == 0)
			goto out;
		tmp = cur;
		cur = next;
		next = tmp;
		curlen = nextlen;
	}
	st = FM_SEALED_OK;
out:
	fm_wipe(key, sizeof(key));
	if (cur)
		fm_wipe(cur, full);
	if (next)
		fm_wipe(next, full);
	free(cur);
	free(next);
	free(scratch);
	fm_aead_destroy(aead);
	return st;
}

enum fm_sealed_status
fm_sealed_decrypt_fd(int in_fd, const uint8_t *master, const char *identity,
    bool (*sink)(const uint8_t *buf, size_t len, void *arg), void *arg)
{
	if (sink == NULL)
		return FM_SEALED_INTERNAL;
	return open_fd(in_fd, master, identity, sink, arg);
}

enum fm_sealed_status
fm_sealed_verify_fd(int in_fd, const uint8_t *master, const char *identity)
{
	return open_fd(in_fd, master, identity, NULL, NULL);
}
