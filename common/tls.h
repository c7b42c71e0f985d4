/*
 * tls.h - mutual TLS 1.2 over a connected socket, with mbedTLS 2.28.
 *
 * Both ends present a certificate signed by the site CA and verify the
 * other's: the server requires a client certificate (mbedTLS servers
 * verify nothing by default), the client checks the server's DNS name.
 * TLS 1.0 and 1.1 are refused, and so is every cipher suite but ECDHE
 * with AES-GCM or ChaCha20-Poly1305 (X25519, P-256 and P-384 only).
 * Every operation has a deadline, so a silent or trickling peer cannot
 * hold a process forever.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TLS_H
#define FM_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct fm_tls_config fm_tls_config_t;
typedef struct fm_tls fm_tls_t;

enum fm_tls_role { FM_TLS_SERVER, FM_TLS_CLIENT };

/*
 * 'fm_tls_config_create()' - load the CA, our certificate and key (PEM
 * files) for role.  timeout_ms bounds, each as a whole, the handshake of
 * fm_tls_open(), every fm_tls_read_full() and every fm_tls_write()
 * (0: none): a deadline, not a time-out per read, so a peer that sends or
 * takes a byte now and then gains nothing.  NULL with a message in err
 * (errlen bytes) on failure.  Free it with 'fm_tls_config_destroy()'
 * (NULL is a no-op).
 */
fm_tls_config_t *fm_tls_config_create(enum fm_tls_role role,
    const char *ca_path, const char *cert_path, const char *key_path,
    unsigned timeout_ms, char *err, size_t errlen);
void fm_tls_config_destroy(fm_tls_config_t *cfg);

/*
 * 'fm_tls_open()' - run the handshake on the connected socket fd (which
 * the handle then owns and closes).  A client passes the server name it
 * expects in the server's certificate.  NULL, with err, if the handshake
 * fails: no certificate, one from another CA, expired, wrong name, an old
 * protocol version, garbage or silence.
 */
fm_tls_t *fm_tls_open(fm_tls_config_t *cfg, int fd, const char *server_name,
    char *err, size_t errlen);

/* 'fm_tls_close()' - send close_notify, close the socket and free; NULL is a
 * no-op. */
void fm_tls_close(fm_tls_t *tls);

/* 'fm_tls_peer_cn()' - the peer certificate's subject CN into buf; false if
 * there is none. */
bool fm_tls_peer_cn(fm_tls_t *tls, char *buf, size_t size);

/* 'fm_tls_peer_serial()' - the peer certificate's serial number as hex into
 * buf. */
bool fm_tls_peer_serial(fm_tls_t *tls, char *buf, size_t size);

/* 'fm_tls_write()' - write all len bytes; false on error or past the
 * deadline. */
bool fm_tls_write(fm_tls_t *tls, const void *buf, size_t len);

enum fm_tls_read {
	FM_TLS_READ_OK,      /* all len bytes read */
	FM_TLS_READ_CLOSED,  /* the peer closed cleanly before any byte */
	FM_TLS_READ_TIMEOUT, /* not all of it by the deadline */
	FM_TLS_READ_ERROR,   /* anything else, or a close mid-way */
};

/* 'fm_tls_read_full()' - read exactly len bytes, all of them within the
 * configuration's timeout_ms. */
enum fm_tls_read fm_tls_read_full(fm_tls_t *tls, void *buf, size_t len);

/* 'fm_tls_fd()', 'fm_tls_pending()' - the socket, for poll(); bytes may also be
 * buffered: see pending. */
int fm_tls_fd(fm_tls_t *tls);
bool fm_tls_pending(fm_tls_t *tls);

#endif
