/*
 * mbedtls-compat.h - the few mbedTLS calls whose form differs between
 * mbedTLS 2.28 (Debian 12) and 3.6 (Debian 13).
 *
 * Everything else Followme calls has the same name and arguments in both.
 * The 3.x forms are the ones mbedTLS keeps (the 2.28 forms that 3.6 still
 * has are deprecated there), so this header is where 2.28 support goes
 * when it is dropped.  Only this header tests the version.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_MBEDTLS_COMPAT_H
#define FM_MBEDTLS_COMPAT_H

#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#include <stddef.h>
#include <stdint.h>

#if MBEDTLS_VERSION_MAJOR >= 3

/* Key exchange groups, as mbedtls_ssl_conf_groups() takes them. */
typedef uint16_t fm_mbedtls_group_t;
#define FM_MBEDTLS_GROUP_X25519 MBEDTLS_SSL_IANA_TLS_GROUP_X25519
#define FM_MBEDTLS_GROUP_SECP256R1 MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1
#define FM_MBEDTLS_GROUP_SECP384R1 MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1
#define FM_MBEDTLS_GROUP_NONE MBEDTLS_SSL_IANA_TLS_GROUP_NONE

#else

/* 2.28 names the same groups by their curve. */
typedef mbedtls_ecp_group_id fm_mbedtls_group_t;
#define FM_MBEDTLS_GROUP_X25519 MBEDTLS_ECP_DP_CURVE25519
#define FM_MBEDTLS_GROUP_SECP256R1 MBEDTLS_ECP_DP_SECP256R1
#define FM_MBEDTLS_GROUP_SECP384R1 MBEDTLS_ECP_DP_SECP384R1
#define FM_MBEDTLS_GROUP_NONE MBEDTLS_ECP_DP_NONE

#endif

/*
 * 'fm_mbedtls_conf_groups()' - offer these key exchange groups, in this
 * order; the list ends with FM_MBEDTLS_GROUP_NONE and must outlive conf.
 */
static inline void
fm_mbedtls_conf_groups(
    mbedtls_ssl_config *conf, const fm_mbedtls_group_t *groups)
{
#if MBEDTLS_VERSION_MAJOR >= 3
	mbedtls_ssl_conf_groups(conf, groups);
#else
	mbedtls_ssl_conf_curves(conf, groups);
#endif
}

/*
 * 'fm_mbedtls_conf_tls12()' - allow TLS 1.2 only, neither older nor newer
 * (3.6 would otherwise offer TLS 1.3, whose client authentication and
 * session handling the terminal protocol was not written for).
 */
static inline void
fm_mbedtls_conf_tls12(mbedtls_ssl_config *conf)
{
#if MBEDTLS_VERSION_MAJOR >= 3
	mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
	mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
	mbedtls_ssl_conf_min_version(
	    conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_max_version(
	    conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
}

/*
 * 'fm_mbedtls_pk_parse_keyfile()' - read an unencrypted private key file
 * into pk (initialised by the caller); 3.x checks the key's consistency
 * with the random generator given, 2.28 ignores it.  Returns 0 or an
 * mbedTLS error code.
 */
static inline int
fm_mbedtls_pk_parse_keyfile(mbedtls_pk_context *pk, const char *path,
    int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
#if MBEDTLS_VERSION_MAJOR >= 3
	return mbedtls_pk_parse_keyfile(pk, path, NULL, f_rng, p_rng);
#else
	(void)f_rng;
	(void)p_rng;
	return mbedtls_pk_parse_keyfile(pk, path, NULL);
#endif
}

/*
 * 'fm_mbedtls_x509write_crt_set_serial()' - set a certificate's serial
 * number from its big-endian bytes, which the caller keeps positive (top
 * bit clear) and minimal (first byte not zero), as DER wants: 3.x writes
 * them as they are.  Returns 0 or an mbedTLS error code.
 */
static inline int
fm_mbedtls_x509write_crt_set_serial(
    mbedtls_x509write_cert *crt, unsigned char *serial, size_t len)
{
#if MBEDTLS_VERSION_MAJOR >= 3
	return mbedtls_x509write_crt_set_serial_raw(crt, serial, len);
#else
	mbedtls_mpi n;
	int rc;

	mbedtls_mpi_init(&n);
	if ((rc = mbedtls_mpi_read_binary(&n, serial, len)) == 0)
		rc = mbedtls_x509write_crt_set_serial(crt, &n);
	mbedtls_mpi_free(&n);
	return rc;
#endif
}

/*
 * 'fm_mbedtls_pbkdf2_sha256()' - PBKDF2-HMAC-SHA256 of password and salt,
 * iterations rounds, outlen bytes into out.  Returns 0 or an mbedTLS
 * error code.
 */
static inline int
fm_mbedtls_pbkdf2_sha256(const unsigned char *password, size_t plen,
    const unsigned char *salt, size_t slen, unsigned iterations,
    uint32_t outlen, unsigned char *out)
{
#if MBEDTLS_VERSION_MAJOR >= 3
	return mbedtls_pkcs5_pbkdf2_hmac_ext(MBEDTLS_MD_SHA256, password, plen,
	    salt, slen, iterations, outlen, out);
#else
	mbedtls_md_context_t md;
	int rc;

	mbedtls_md_init(&md);
	rc = mbedtls_md_setup(
	    &md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1);
	if (rc == 0)
		rc = mbedtls_pkcs5_pbkdf2_hmac(
		    &md, password, plen, salt, slen, iterations, outlen, out);
	mbedtls_md_free(&md);
	return rc;
#endif
}

#endif
