/*
 * aead.c - authenticated encryption primitives on mbedTLS 2.28.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/aead.h"

#include <errno.h>
#include <mbedtls/chacha20.h>
#include <mbedtls/chachapoly.h>
#include <mbedtls/gcm.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/poly1305.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

struct fm_aead {
	enum fm_aead_alg alg;
	uint8_t key[FM_AEAD_KEYLEN]; /* ChaCha20: for tag-only checks */
	union {
		mbedtls_chachapoly_context chachapoly;
		mbedtls_gcm_context gcm;
	} u;
};

bool
fm_aead_alg_is_valid(int alg)
{
	return alg == FM_AEAD_CHACHA20_POLY1305 || alg == FM_AEAD_AES_256_GCM;
}

const char *
fm_aead_alg_name(enum fm_aead_alg alg)
{
	switch (alg) {
	case FM_AEAD_CHACHA20_POLY1305:
		return "chacha20-poly1305";
	case FM_AEAD_AES_256_GCM:
		return "aes-256-gcm";
	}
	return "unknown";
}

fm_aead_t *
fm_aead_create(enum fm_aead_alg alg, const uint8_t *key)
{
	fm_aead_t *aead;
	int rc;

	if (key == NULL || !fm_aead_alg_is_valid(alg))
		return NULL;
	if ((aead = calloc(1, sizeof(*aead))) == NULL)
		return NULL;
	aead->alg = alg;
	memcpy(aead->key, key, FM_AEAD_KEYLEN);
	if (alg == FM_AEAD_CHACHA20_POLY1305) {
		mbedtls_chachapoly_init(&aead->u.chachapoly);
		rc = mbedtls_chachapoly_setkey(&aead->u.chachapoly, key);
	} else {
		mbedtls_gcm_init(&aead->u.gcm);
		rc = mbedtls_gcm_setkey(&aead->u.gcm, MBEDTLS_CIPHER_ID_AES,
		    key, FM_AEAD_KEYLEN * 8);
	}
	if (rc != 0) {
		fm_aead_destroy(aead);
		return NULL;
	}
	return aead;
}

void
fm_aead_destroy(fm_aead_t *aead)
{
	if (aead == NULL)
		return;
	if (aead->alg == FM_AEAD_CHACHA20_POLY1305)
		mbedtls_chachapoly_free(&aead->u.chachapoly);
	else
		mbedtls_gcm_free(&aead->u.gcm);
	mbedtls_platform_zeroize(aead, sizeof(*aead));
	free(aead);
}

bool
fm_aead_seal(fm_aead_t *aead, const uint8_t *nonce, const uint8_t *aad,
    size_t aadlen, const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	if (aead == NULL || nonce == NULL || tag == NULL ||
	    (len > 0 && (in == NULL || out == NULL)))
		return false;
	if (aead->alg == FM_AEAD_CHACHA20_POLY1305)
		return mbedtls_chachapoly_encrypt_and_tag(&aead->u.chachapoly,
		           len, nonce, aad, aadlen, in, out, tag) == 0;
	return mbedtls_gcm_crypt_and_tag(&aead->u.gcm, MBEDTLS_GCM_ENCRYPT, len,
	           nonce, FM_AEAD_NONCELEN, aad, aadlen, in, out,
	           FM_AEAD_TAGLEN, tag) == 0;
}

bool
fm_aead_open(fm_aead_t *aead, const uint8_t *nonce, const uint8_t *aad,
    size_t aadlen, const uint8_t *in, size_t len, uint8_t *out,
    const uint8_t *tag)
{
	int rc;

	if (aead == NULL || nonce == NULL || tag == NULL ||
	    (len > 0 && (in == NULL || out == NULL)))
		return false;
	if (aead->alg == FM_AEAD_CHACHA20_POLY1305)
		rc = mbedtls_chachapoly_auth_decrypt(
		    &aead->u.chachapoly, len, nonce, aad, aadlen, tag, in, out);
	else
		rc = mbedtls_gcm_auth_decrypt(&aead->u.gcm, len, nonce,
		    FM_AEAD_NONCELEN, aad, aadlen, tag, FM_AEAD_TAGLEN, in,
		    out);
	if (rc != 0 && len > 0)
		mbedtls_platform_zeroize(out, len);
	return rc == 0;
}

/* Poly1305 of RFC 8439's AEAD construction: the one-time key is the
 * first half of ChaCha20 block 0; the MAC covers aad, the ciphertext,
 * each padded to 16 bytes, and both lengths. */
static bool
chachapoly_tag(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad,
    size_t aadlen, const uint8_t *in, size_t len, uint8_t *tag)
{
	static const uint8_t zeros[64];
	uint8_t block[64], lens[16];
	mbedtls_poly1305_context p;
	bool ok;

	if (mbedtls_chacha20_crypt(
	        key, nonce, 0, sizeof(block), zeros, block) != 0)
		return false;
	for (int i = 0; i < 8; i++) {
		lens[i] = (uint8_t)((uint64_t)aadlen >> (8 * i));
		lens[8 + i] = (uint8_t)((uint64_t)len >> (8 * i));
	}
	mbedtls_poly1305_init(&p);
	ok = mbedtls_poly1305_starts(&p, block) == 0 &&
	    mbedtls_poly1305_update(&p, aad, aadlen) == 0 &&
	    mbedtls_poly1305_update(&p, zeros, (16 - aadlen % 16) % 16) == 0 &&
	    mbedtls_poly1305_update(&p, in, len) == 0 &&
	    mbedtls_poly1305_update(&p, zeros, (16 - len % 16) % 16) == 0 &&
	    mbedtls_poly1305_update(&p, lens, sizeof(lens)) == 0 &&
	    mbedtls_poly1305_finish(&p, tag) == 0;
	mbedtls_poly1305_free(&p);
	mbedtls_platform_zeroize(block, sizeof(block));
	return ok;
}

bool
fm_aead_verify(fm_aead_t *aead, const uint8_t *nonce, const uint8_t *aad,
    size_t aadlen, const uint8_t *in, size_t len, uint8_t *scratch,
    const uint8_t *tag)
{
	uint8_t want[FM_AEAD_TAGLEN], diff = 0;

	if (aead == NULL || nonce == NULL || tag == NULL ||
	    (len > 0 && in == NULL))
		return false;
	if (aead->alg != FM_AEAD_CHACHA20_POLY1305) {
		bool ok = (len == 0 || scratch != NULL) &&
		    fm_aead_open(
		        aead, nonce, aad, aadlen, in, len, scratch, tag);
		if (ok && len > 0)
			mbedtls_platform_zeroize(scratch, len);
		return ok;
	}
	if (!chachapoly_tag(aead->key, nonce, aad, aadlen, in, len, want))
		return false;
	/* Constant time: how much of a forged tag matched must not show. */
	for (size_t i = 0; i < FM_AEAD_TAGLEN; i++)
		diff |= (uint8_t)(want[i] ^ tag[i]);
	return diff == 0;
}

bool
fm_aead_hkdf(const uint8_t *ikm, size_t ikmlen, const uint8_t *salt,
    size_t saltlen, const uint8_t *info, size_t infolen, uint8_t *out,
    size_t outlen)
{
	const mbedtls_md_info_t *md =
	    mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);

	return md != NULL &&
	    mbedtls_hkdf(md, salt, saltlen, ikm, ikmlen, info, infolen, out,
	        outlen) == 0;
}

bool
fm_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

void
fm_wipe(void *p, size_t len)
{
	mbedtls_platform_zeroize(p, len);
}

bool
fm_same_token(const char *a, const char *b)
{
	size_t la, lb;
	unsigned char diff;

	if (a == NULL || b == NULL)
		return false;
	la = strlen(a), lb = strlen(b);
	diff = (unsigned char)(la != lb);
	for (size_t i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0 && la > 0;
}
