/*
 * sealed.h - the sealed file format: a file encrypted in chunks with an
 * AEAD, so that any change, reordering or truncation is detected.
 *
 *   header (40 bytes): "FMSEAL01" | alg u8 | 3 zero bytes |
 *                      chunk size be32 | salt[16] | nonce prefix[8]
 *   chunks: ciphertext (chunk size bytes; the last may be shorter, even
 *           empty) followed by its 16-byte tag
 *
 * The key of each file is HKDF-SHA256(master key, salt, "followme sealed
 * v1" | identity): a fresh salt per file makes every file's key unique,
 * and the identity (e.g. a job's uuid and document number) binds the file
 * to its owner record, so a file moved to another record fails to open.
 * Chunk i uses nonce = prefix | be32(i) and associated data = header |
 * be64(i) | last-chunk flag.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_SEALED_H
#define FM_SEALED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/aead.h"

#define FM_SEALED_MAGIC "FMSEAL01"
#define FM_SEALED_HEADERLEN 40
#define FM_SEALED_SALTLEN 16
#define FM_SEALED_PREFIXLEN 8
#define FM_SEALED_AADLEN (FM_SEALED_HEADERLEN + 8 + 1)
#define FM_SEALED_CHUNK_DEFAULT (256 * 1024)
#define FM_SEALED_CHUNK_MAX (4 * 1024 * 1024)
#define FM_SEALED_MASTERLEN 32

struct fm_sealed_header {
	enum fm_aead_alg alg;
	uint32_t chunk_size;
	uint8_t salt[FM_SEALED_SALTLEN];
	uint8_t prefix[FM_SEALED_PREFIXLEN];
};

enum fm_sealed_status {
	FM_SEALED_OK,
	FM_SEALED_TOO_LARGE, /* input over the caller's limit */
	FM_SEALED_NO_SPACE,  /* ENOSPC or EDQUOT while writing */
	FM_SEALED_IO,        /* other read or write error */
	FM_SEALED_CORRUPT,   /* bad header, bad tag, truncated */
	FM_SEALED_INTERNAL,  /* crypto or allocation failure */
};

/* 'fm_sealed_header_encode()' - encode h into out (FM_SEALED_HEADERLEN bytes).
 */
void fm_sealed_header_encode(const struct fm_sealed_header *h, uint8_t *out);

/* 'fm_sealed_header_decode()' - decode len bytes of buf; false (with *errstr)
 * if not a valid header. */
bool fm_sealed_header_decode(const uint8_t *buf, size_t len,
    struct fm_sealed_header *h, const char **errstr);

/* 'fm_sealed_chunk_nonce()', 'fm_sealed_chunk_aad()' - the nonce and associated
 * data of chunk idx (see above). */
void fm_sealed_chunk_nonce(
    const struct fm_sealed_header *h, uint32_t idx, uint8_t *nonce);
void fm_sealed_chunk_aad(
    const uint8_t *header, uint32_t idx, bool last, uint8_t *aad);

/* 'fm_sealed_derive_key()' - the file key for header h and identity (a
 * NUL-terminated string). */
bool fm_sealed_derive_key(const uint8_t *master,
    const struct fm_sealed_header *h, const char *identity, uint8_t *key);

/*
 * 'fm_sealed_encrypt_fd()' - read in_fd to its end and write it sealed to
 * out_fd.
 *
 * A regular in_fd is read with pread from offset 0 (its shared offset is
 * not touched); a pipe is read as it comes.  Stops with
 * FM_SEALED_TOO_LARGE as soon as more than max_plain bytes arrive.  The
 * output is written but not synced: the caller fsyncs before relying on
 * it.  *plain_len receives the number of bytes read.
 */
enum fm_sealed_status fm_sealed_encrypt_fd(int in_fd, int out_fd,
    const uint8_t *master, enum fm_aead_alg alg, uint32_t chunk_size,
    const char *identity, uint64_t max_plain, uint64_t *plain_len);

/*
 * 'fm_sealed_decrypt_fd()' - read a sealed file from in_fd (from its
 * current offset) and pass each verified chunk to sink in order.
 *
 * Nothing unverified is ever passed on.  FM_SEALED_CORRUPT for any tamper,
 * truncation or trailing data; if sink returns false, FM_SEALED_IO.
 */
enum fm_sealed_status fm_sealed_decrypt_fd(int in_fd, const uint8_t *master,
    const char *identity,
    bool (*sink)(const uint8_t *buf, size_t len, void *arg), void *arg);

/*
 * 'fm_sealed_verify_fd()' - check every chunk of the sealed file on
 * in_fd (from its current offset) without decrypting it: the same
 * answer fm_sealed_decrypt_fd() would give, several times faster with
 * ChaCha20-Poly1305 (only the Poly1305 tags are computed).
 */
enum fm_sealed_status fm_sealed_verify_fd(
    int in_fd, const uint8_t *master, const char *identity);

/* 'fm_sealed_status_text()' - a short description of status for messages. */
const char *fm_sealed_status_text(enum fm_sealed_status status);

#endif
