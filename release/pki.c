/*
 * pki.c - the site's certificate authority.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/pki.h"

#include <errno.h>
#include <fcntl.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/x509_crt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/hex.h"
#include "common/mbedtls-compat.h"

struct rng {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
};

static bool
rng_init(struct rng *r)
{
	static const char pers[] = "followme-pki";

	mbedtls_entropy_init(&r->entropy);
	mbedtls_ctr_drbg_init(&r->drbg);
	return mbedtls_ctr_drbg_seed(&r->drbg, mbedtls_entropy_func,
	           &r->entropy, (const unsigned char *)pers,
	           sizeof(pers) - 1) == 0;
}

static void
rng_free(struct rng *r)
{
	mbedtls_ctr_drbg_free(&r->drbg);
	mbedtls_entropy_free(&r->entropy);
}

bool
fm_pki_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= 63 && name[0] != '.' && name[0] != '-' &&
	    strspn(name,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789.-") == len;
}

static void
describe(int rc, const char *what, char *err, size_t errlen)
{
	char msg[128];

	mbedtls_strerror(rc, msg, sizeof(msg));
	snprintf(err, errlen, "%s: %s", what, msg);
}

/* Writes len bytes to a new file; keys are 0600 and never replace a file. */
static bool
write_new_file(const char *path, const unsigned char *buf, size_t len,
    mode_t mode, char *err, size_t errlen)
{
	int fd = open(
	    path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	if (write(fd, buf, len) != (ssize_t)len || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return false;
	}
	close(fd);
	return true;
}

static bool
gen_key(mbedtls_pk_context *key, struct rng *r)
{
	return mbedtls_pk_setup(
	           key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) == 0 &&
	    mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key),
	        mbedtls_ctr_drbg_random, &r->drbg) == 0;
}

static bool
write_key(mbedtls_pk_context *key, const char *path, char *err, size_t errlen)
{
	unsigned char pem[2048];
	bool ok;
	int rc;

	if ((rc = mbedtls_pk_write_key_pem(key, pem, sizeof(pem))) != 0) {
		describe(rc, "writing key", err, errlen);
		return false;
	}
	ok = write_new_file(path, pem, strlen((char *)pem), 0600, err, errlen);
	mbedtls_platform_zeroize(pem, sizeof(pem));
	return ok;
}

static void
validity(int days, char *from, char *to)
{
	time_t now = time(NULL), start = now - 3600;
	time_t end = now + (time_t)days * 86400;
	struct tm tm;

	/* Negative days: a certificate that has already expired (tests). */
	if (days < 0) {
		start = now + (time_t)days * 2 * 86400;
		end = now + (time_t)days * 86400;
	}

	strftime(from, 16, "%Y%m%d%H%M%S", gmtime_r(&start, &tm));
	strftime(to, 16, "%Y%m%d%H%M%S", gmtime_r(&end, &tm));
}

/* Sets a random positive 128-bit serial; its hex into serial_hex. */
static bool
set_serial(mbedtls_x509write_cert *crt, char *serial_hex)
{
	unsigned char bytes[16];
	bool ok;

	if (!fm_random(bytes, sizeof(bytes)))
		return false;
	bytes[0] = (bytes[0] & 0x7f) | 0x10; /* positive, 16 bytes long */
	ok =
	    fm_mbedtls_x509write_crt_set_serial(crt, bytes, sizeof(bytes)) == 0;
	if (ok && serial_hex != NULL)
		fm_hex_encode(
		    bytes, sizeof(bytes), serial_hex, FM_PKI_SERIALMAX);
	return ok;
}

static bool
write_crt(mbedtls_x509write_cert *crt, struct rng *r, const char *path,
    char *err, size_t errlen)
{
	unsigned char pem[4096];
	int rc;

	if ((rc = mbedtls_x509write_crt_pem(crt, pem, sizeof(pem),
	         mbedtls_ctr_drbg_random, &r->drbg)) != 0) {
		describe(rc, "writing certificate", err, errlen);
		return false;
	}
	return write_new_file(
	    path, pem, strlen((char *)pem), 0644, err, errlen);
}

bool
fm_pki_create_ca(
    const char *dir, const char *cn, int days, char *err, size_t errlen)
{
	char keypath[1024], crtpath[1024], subject[128], from[16], to[16];
	mbedtls_x509write_cert crt;
	mbedtls_pk_context key;
	struct rng r;
	bool ok = false;

	/* The subject is written as "CN=...": keep its syntax out. */
	if (cn[0] == '\0' || strlen(cn) > 64 || strpbrk(cn, ",=+\\\"") ||
	    strspn(cn,
	        " abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789.-_()") != strlen(cn)) {
		snprintf(err, errlen,
		    "CA name must be 1 to 64 letters, digits, "
		    "spaces and . - _ ( )");
		return false;
	}
	snprintf(keypath, sizeof(keypath), "%s/ca.key", dir);
	snprintf(crtpath, sizeof(crtpath), "%s/ca.crt", dir);
	snprintf(subject, sizeof(subject), "CN=%s", cn);
	mbedtls_pk_init(&key);
	mbedtls_x509write_crt_init(&crt);
	if (!rng_init(&r) || !gen_key(&key, &r)) {
		snprintf(err, errlen, "cannot generate the CA key");
		goto out;
	}
	validity(days, from, to);
	mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&crt, &key);
	mbedtls_x509write_crt_set_issuer_key(&crt, &key);
	if (!set_serial(&crt, NULL) ||
	    mbedtls_x509write_crt_set_subject_name(&crt, subject) != 0 ||
	    mbedtls_x509write_crt_set_issuer_name(&crt, subject) != 0 ||
	    mbedtls_x509write_crt_set_validity(&crt, from, to) != 0 ||
	    mbedtls_x509write_crt_set_basic_constraints(&crt, 1, 0) != 0 ||
	    mbedtls_x509write_crt_set_key_usage(&crt,
	        MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN) !=
	        0 ||
	    mbedtls_x509write_crt_set_subject_key_identifier(&crt) != 0) {
		snprintf(err, errlen, "cannot build the CA certificate");
		goto out;
	}
	if (!write_key(&key, keypath, err, errlen))
		goto out;
	if (!write_crt(&crt, &r, crtpath, err, errlen)) {
		unlink(keypath);
		goto out;
	}
	ok = true;
out:
	mbedtls_x509write_crt_free(&crt);
	mbedtls_pk_free(&key);
	rng_free(&r);
	return ok;
}

/* The DER of an extension value we cannot set with 2.28's helpers. */
static size_t
san_dns(const char *name, unsigned char *der, size_t size)
{
	size_t len = strlen(name);

	if (len > 120 || size < len + 4)
		return 0;
	der[0] = 0x30; /* SEQUENCE */
	der[1] = (unsigned char)(len + 2);
	der[2] = 0x82; /* [2] dNSName, IA5String */
	der[3] = (unsigned char)len;
	memcpy(der + 4, name, len);
	return len + 4;
}

static size_t
eku(enum fm_pki_kind kind, unsigned char *der)
{
	static const char server[] = MBEDTLS_OID_SERVER_AUTH;
	static const char client[] = MBEDTLS_OID_CLIENT_AUTH;
	const char *oid = kind == FM_PKI_SERVER ? server : client;
	size_t oidlen = sizeof(server) - 1;

	der[0] = 0x30;
	der[1] = (unsigned char)(oidlen + 2);
	der[2] = 0x06;
	der[3] = (unsigned char)oidlen;
	memcpy(der + 4, oid, oidlen);
	return oidlen + 4;
}

bool
fm_pki_issue(const char *ca_dir, enum fm_pki_kind kind, const char *cn,
    int days, const char *key_path, const char *crt_path, char *serial,
    char *err, size_t errlen)
{
	char ca_key[1024], ca_crt[1024], subject[128], from[16], to[16];
	char issuer_name[256];
	unsigned char ext[160];
	size_t extlen;
	mbedtls_x509write_cert crt;
	mbedtls_pk_context key, issuer_key;
	mbedtls_x509_crt issuer;
	struct rng r;
	bool ok = false;
	int rc;

	if (!fm_pki_name_is_valid(cn)) {
		snprintf(err, errlen,
		    "'%s' is not a valid name (letters, "
		    "digits, dots and dashes, at most 63)",
		    cn);
		return false;
	}
	snprintf(ca_key, sizeof(ca_key), "%s/ca.key", ca_dir);
	snprintf(ca_crt, sizeof(ca_crt), "%s/ca.crt", ca_dir);
	snprintf(subject, sizeof(subject), "CN=%s", cn);
	mbedtls_pk_init(&key);
	mbedtls_pk_init(&issuer_key);
	mbedtls_x509_crt_init(&issuer);
	mbedtls_x509write_crt_init(&crt);
	if (!rng_init(&r)) {
		snprintf(err, errlen, "random generator");
		goto out;
	}
	if ((rc = fm_mbedtls_pk_parse_keyfile(
	         &issuer_key, ca_key, mbedtls_ctr_drbg_random, &r.drbg)) != 0) {
		describe(rc, ca_key, err, errlen);
		goto out;
	}
	if ((rc = mbedtls_x509_crt_parse_file(&issuer, ca_crt)) != 0) {
		describe(rc, ca_crt, err, errlen);
		goto out;
	}
	if (!gen_key(&key, &r)) {
		snprintf(err, errlen, "cannot generate a key");
		goto out;
	}
	validity(days, from, to);
	mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&crt, &key);
	mbedtls_x509write_crt_set_issuer_key(&crt, &issuer_key);
	extlen = eku(kind, ext);
	if (!set_serial(&crt, serial) ||
	    mbedtls_x509write_crt_set_subject_name(&crt, subject) != 0 ||
	    mbedtls_x509_dn_gets(
	        issuer_name, sizeof(issuer_name), &issuer.subject) <= 0 ||
	    mbedtls_x509write_crt_set_issuer_name(&crt, issuer_name) != 0 ||
	    mbedtls_x509write_crt_set_validity(&crt, from, to) != 0 ||
	    mbedtls_x509write_crt_set_basic_constraints(&crt, 0, -1) != 0 ||
	    mbedtls_x509write_crt_set_key_usage(
	        &crt, MBEDTLS_X509_KU_DIGITAL_SIGNATURE) != 0 ||
	    mbedtls_x509write_crt_set_extension(&crt,
	        MBEDTLS_OID_EXTENDED_KEY_USAGE,
	        MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 0, ext,
	        extlen) != 0) {
		snprintf(err, errlen, "cannot build the certificate");
		goto out;
	}
	if (kind == FM_PKI_SERVER &&
	    ((extlen = san_dns(cn, ext, sizeof(ext))) == 0 ||
	        mbedtls_x509write_crt_set_extension(&crt,
	            MBEDTLS_OID_SUBJECT_ALT_NAME,
	            MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, ext,
	            extlen) != 0)) {
		snprintf(err, errlen, "cannot add the server name");
		goto out;
	}
	if (!write_key(&key, key_path, err, errlen))
		goto out;
	if (!write_crt(&crt, &r, crt_path, err, errlen)) {
		unlink(key_path);
		goto out;
	}
	ok = true;
out:
	mbedtls_x509write_crt_free(&crt);
	mbedtls_x509_crt_free(&issuer);
	mbedtls_pk_free(&issuer_key);
	mbedtls_pk_free(&key);
	rng_free(&r);
	return ok;
}
