/*
 * pki.h - the site's small certificate authority, made with mbedTLS.
 *
 * followme-admin creates a CA for the site, a server certificate for
 * followmed and one client certificate per release terminal; TLS (see
 * common/tls.h) then lets in only terminals the CA signed, and followmed
 * refuses any whose certificate serial is not registered and active.
 * Keys are ECDSA P-256, written 0600 with O_EXCL and O_NOFOLLOW.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PKI_H
#define FM_PKI_H

#include <stdbool.h>
#include <stddef.h>

enum fm_pki_kind { FM_PKI_SERVER, FM_PKI_CLIENT };

#define FM_PKI_SERIALMAX 64 /* hex digits + NUL */

/*
 * 'fm_pki_create_ca()' - a self-signed CA (cn, valid days) as ca.key and
 * ca.crt in dir.  Refuses to overwrite an existing key.
 */
bool fm_pki_create_ca(
    const char *dir, const char *cn, int days, char *err, size_t errlen);

/*
 * 'fm_pki_issue()' - a new key and a certificate for cn signed by the CA
 * in ca_dir.  A server certificate carries cn as its DNS name (what
 * terminals verify) and serverAuth; a client certificate clientAuth.
 * serial (FM_PKI_SERIALMAX) receives the certificate's serial in hex.
 */
bool fm_pki_issue(const char *ca_dir, enum fm_pki_kind kind, const char *cn,
    int days, const char *key_path, const char *crt_path, char *serial,
    char *err, size_t errlen);

/* 'fm_pki_name_is_valid()' - is name usable as a CN and DNS name: 1-63 of
 * [A-Za-z0-9.-], no leading dot or dash? */
bool fm_pki_name_is_valid(const char *name);

#endif
