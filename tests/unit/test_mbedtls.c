/*
 * test_mbedtls.c - unit tests for common/mbedtls-compat.h, run against
 * whichever mbedTLS the build found (2.28 from Debian 12, or 3.6 from
 * Debian 13 in build-mbedtls3/, see scripts/test).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include "common/hex.h"
#include "common/mbedtls-compat.h"
#include "tests/unit/harness.h"

/* The library that runs is the one whose headers the build used: a
 * 3.6 build that loaded the system's 2.28 (a missing RPATH) fails here,
 * before anything subtler does. */
static void
test_library_matches_headers(void)
{
	char running[18] = "";

	mbedtls_version_get_string(running);
	printf("mbedTLS %s running, built against %s\n", running,
	    MBEDTLS_VERSION_STRING);
	ASSERT_STR_EQ(running, MBEDTLS_VERSION_STRING);
	ASSERT_UINT_EQ(mbedtls_version_get_number(), MBEDTLS_VERSION_NUMBER);
}

/* PIN hashes stored under one mbedTLS must check under the other: the
 * RFC 7914 vectors and one PIN-sized hash (computed with Python's
 * hashlib) at the store's iteration count. */
static void
test_pbkdf2_vectors(void)
{
	static const struct {
		const char *password, *salt;
		size_t saltlen;
		unsigned iterations;
		const char *hex;
	} rows[] = {
	    {"passwd", "salt", 4, 1,
	        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20d"
	        "acbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041"
	        "d3a19783"},
	    {"Password", "NaCl", 4, 80000,
	        "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34"
	        "ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b3"
	        "97f33c8d"},
	    {"4711",
	        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e"
	        "\x0f",
	        16, 100000,
	        "191b034e3ad3e7d5816559a31114646b1e76e5733f9fb2804ed0b01b9ffe"
	        "9c75"},
	};
	unsigned char out[64];
	char hex[2 * sizeof(out) + 1];

	for (EACH_ROW(i, rows)) {
		size_t outlen = strlen(rows[i].hex) / 2;
		ASSERT_INT_EQ(
		    fm_mbedtls_pbkdf2_sha256(
		        (const unsigned char *)rows[i].password,
		        strlen(rows[i].password),
		        (const unsigned char *)rows[i].salt, rows[i].saltlen,
		        rows[i].iterations, (uint32_t)outlen, out),
		    0);
		ASSERT_TRUE(fm_hex_encode(out, outlen, hex, sizeof(hex)));
		ASSERT_STR_EQ(hex, rows[i].hex);
	}
}

/* A certificate written with a serial reads back with exactly those
 * bytes (3.x writes them raw, 2.28 through a bignum). */
static void
test_serial_round_trip(void)
{
	static const char pers[] = "test_mbedtls";
	unsigned char serial[16] = {0x10, 0xff, 0x00, 0x80, 0x01, 0x02, 0x03,
	    0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0xfe};
	unsigned char pem[4096];
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509write_cert crt;
	mbedtls_x509_crt parsed;
	mbedtls_pk_context key;
	bool made;

	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_pk_init(&key);
	mbedtls_x509write_crt_init(&crt);
	mbedtls_x509_crt_init(&parsed);
	made = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
	           (const unsigned char *)pers, sizeof(pers) - 1) == 0 &&
	    mbedtls_pk_setup(
	        &key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) == 0 &&
	    mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(key),
	        mbedtls_ctr_drbg_random, &drbg) == 0;
	ASSERT_TRUE(made);
	mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&crt, &key);
	mbedtls_x509write_crt_set_issuer_key(&crt, &key);
	ASSERT_INT_EQ(
	    fm_mbedtls_x509write_crt_set_serial(&crt, serial, sizeof(serial)),
	    0);
	ASSERT_INT_EQ(mbedtls_x509write_crt_set_subject_name(&crt, "CN=t"), 0);
	ASSERT_INT_EQ(mbedtls_x509write_crt_set_issuer_name(&crt, "CN=t"), 0);
	ASSERT_INT_EQ(mbedtls_x509write_crt_set_validity(
	                  &crt, "20260101000000", "20360101000000"),
	    0);
	ASSERT_INT_EQ(mbedtls_x509write_crt_pem(&crt, pem, sizeof(pem),
	                  mbedtls_ctr_drbg_random, &drbg),
	    0);
	ASSERT_INT_EQ(
	    mbedtls_x509_crt_parse(&parsed, pem, strlen((char *)pem) + 1), 0);
	ASSERT_UINT_EQ(parsed.serial.len, sizeof(serial));
	ASSERT_MEM_EQ(parsed.serial.p, serial, sizeof(serial));
	mbedtls_x509_crt_free(&parsed);
	mbedtls_x509write_crt_free(&crt);
	mbedtls_pk_free(&key);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
}

int
main(void)
{
	RUN(test_library_matches_headers);
	RUN(test_pbkdf2_vectors);
	RUN(test_serial_round_trip);
	return harness_done();
}
