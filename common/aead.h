/*
 * aead.h - authenticated encryption primitives (mbedTLS 2.28).
 *
 * Two algorithms behind one interface, so that the spool format can name
 * the one it used and the faster can be chosen by measurement
 * (bench/ingest): ChaCha20-Poly1305 and AES-256-GCM, both with a 256-bit
 * key, a 96-bit nonce and a 128-bit tag.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_AEAD_H
#define FM_AEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fm_aead_alg {
	FM_AEAD_CHACHA20_POLY1305 = 1,
	FM_AEAD_AES_256_GCM = 2,
};

#define FM_AEAD_KEYLEN 32
#define FM_AEAD_NONCELEN 12
#define FM_AEAD_TAGLEN 16

typedef struct fm_aead fm_aead_t;

/* 'fm_aead_alg_is_valid()' - is alg one we implement? */
bool fm_aead_alg_is_valid(int alg);

/* 'fm_aead_alg_name()' - name of alg ("chacha20-poly1305", "aes-256-gcm"), or
 * "unknown". */
const char *fm_aead_alg_name(enum fm_aead_alg alg);

/*
 * 'fm_aead_destroy()' - 'fm_aead_create()' - a context keyed with key
 * (FM_AEAD_KEYLEN bytes). Returns NULL on an unknown algorithm or allocation
 * failure.  The caller frees it with fm_aead_destroy(), which wipes the key
 * schedule.
 */
fm_aead_t *fm_aead_create(enum fm_aead_alg alg, const uint8_t *key);
void fm_aead_destroy(fm_aead_t *aead);

/* 'fm_aead_seal()' - encrypt len bytes of in into out (may be the same buffer)
 * and writes the tag.  False only on an internal error. */
bool fm_aead_seal(fm_aead_t *aead, const uint8_t *nonce, const uint8_t *aad,
    size_t aadlen, const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag);

/* 'fm_aead_open()' - decrypt and verifies; false if the tag does not match (out
 * is then wiped) or on an internal error. */
bool fm_aead_open(fm_aead_t *aead, const uint8_t *nonce, const uint8_t *aad,
    size_t aadlen, const uint8_t *in, size_t len, uint8_t *out,
    const uint8_t *tag);

/*
 * 'fm_aead_verify()' - checks the tag of len bytes of ciphertext without
 * keeping the plaintext.  ChaCha20-Poly1305 computes the Poly1305 tag
 * alone (several times faster than decrypting); AES-GCM decrypts into
 * scratch (len bytes, wiped after).  False if the tag does not match.
 */
bool fm_aead_verify(fm_aead_t *aead, const uint8_t *nonce, const uint8_t *aad,
    size_t aadlen, const uint8_t *in, size_t len, uint8_t *scratch,
    const uint8_t *tag);

/* 'fm_aead_hkdf()' - hKDF-SHA256 of ikm with salt and info into out (outlen
 * bytes). */
bool fm_aead_hkdf(const uint8_t *ikm, size_t ikmlen, const uint8_t *salt,
    size_t saltlen, const uint8_t *info, size_t infolen, uint8_t *out,
    size_t outlen);

/* 'fm_random()' - fill buf with len bytes from the kernel's CSPRNG. */
bool fm_random(void *buf, size_t len);

/* 'fm_same_token()' - are a and b the same non-empty string?  Compared in
 * time that does not depend on where they differ; false if either is
 * NULL. */
bool fm_same_token(const char *a, const char *b);

/* 'fm_wipe()' - wipe len bytes at p in a way the compiler cannot drop. */
void fm_wipe(void *p, size_t len);

#endif
