/*
 * tls.c - mutual TLS 1.2 with mbedTLS 2.28.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/tls.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/hex.h"
#include "common/mbedtls-compat.h"

struct fm_tls_config {
	enum fm_tls_role role;
	unsigned timeout_ms; /* each handshake, read and write; 0: none */
	mbedtls_ssl_config conf;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt ca, own;
	mbedtls_pk_context key;
};

struct fm_tls {
	mbedtls_ssl_context ssl;
	bool set_up; /* mbedtls_ssl_setup() succeeded: a close_notify can go */
	int fd;
	unsigned timeout_ms;
	uint64_t deadline; /* fm_clock_ms() the operation under way must end
	                      by; 0: none */
};

/*
 * What either end offers: forward secrecy (ECDHE) and an AEAD cipher,
 * nothing else.  mbedTLS's defaults add CBC with SHA-1 or SHA-2
 * (padding-oracle history, MAC-then-encrypt), CCM-8 (an 8-byte tag) and
 * Camellia; both ends are ours, so there is no old peer to keep them for.
 * ECDSA first: the site CA issues P-256 keys (release/pki.c).
 */
static const int ciphersuites[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    0,
};

/* The key exchange groups and certificate curves either end accepts:
 * the defaults also allow 192- and 224-bit and Koblitz curves. */
static const fm_mbedtls_group_t groups[] = {
    FM_MBEDTLS_GROUP_X25519,
    FM_MBEDTLS_GROUP_SECP256R1,
    FM_MBEDTLS_GROUP_SECP384R1,
    FM_MBEDTLS_GROUP_NONE,
};

static void
describe(int rc, const char *what, char *err, size_t errlen)
{
	char msg[160];

	mbedtls_strerror(rc, msg, sizeof(msg));
	snprintf(err, errlen, "%s: %s", what, msg);
}

void
fm_tls_config_destroy(fm_tls_config_t *cfg)
{
	if (cfg == NULL)
		return;
	mbedtls_ssl_config_free(&cfg->conf);
	mbedtls_pk_free(&cfg->key);
	mbedtls_x509_crt_free(&cfg->own);
	mbedtls_x509_crt_free(&cfg->ca);
	mbedtls_ctr_drbg_free(&cfg->drbg);
	mbedtls_entropy_free(&cfg->entropy);
	free(cfg);
}

fm_tls_config_t *
fm_tls_config_create(enum fm_tls_role role, const char *ca_path,
    const char *cert_path, const char *key_path, unsigned timeout_ms, char *err,
    size_t errlen)
{
	static const char pers[] = "followme-tls";
	fm_tls_config_t *cfg;
	int rc;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cfg->role = role;
	cfg->timeout_ms = timeout_ms;
	mbedtls_ssl_config_init(&cfg->conf);
	mbedtls_entropy_init(&cfg->entropy);
	mbedtls_ctr_drbg_init(&cfg->drbg);
	mbedtls_x509_crt_init(&cfg->ca);
	mbedtls_x509_crt_init(&cfg->own);
	mbedtls_pk_init(&cfg->key);
	if ((rc = mbedtls_ctr_drbg_seed(&cfg->drbg, mbedtls_entropy_func,
	         &cfg->entropy, (const unsigned char *)pers,
	         sizeof(pers) - 1)) != 0) {
		describe(rc, "random generator", err, errlen);
		goto fail;
	}
	if ((rc = mbedtls_x509_crt_parse_file(&cfg->ca, ca_path)) != 0) {
		describe(rc, ca_path, err, errlen);
		goto fail;
	}
	if ((rc = mbedtls_x509_crt_parse_file(&cfg->own, cert_path)) != 0) {
		describe(rc, cert_path, err, errlen);
		goto fail;
	}
	if ((rc = fm_mbedtls_pk_parse_keyfile(&cfg->key, key_path,
	         mbedtls_ctr_drbg_random, &cfg->drbg)) != 0) {
		describe(rc, key_path, err, errlen);
		goto fail;
	}
	if ((rc = mbedtls_ssl_config_defaults(&cfg->conf,
	         role == FM_TLS_SERVER ? MBEDTLS_SSL_IS_SERVER
	                               : MBEDTLS_SSL_IS_CLIENT,
	         MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)) !=
	    0) {
		describe(rc, "TLS defaults", err, errlen);
		goto fail;
	}
	mbedtls_ssl_conf_rng(&cfg->conf, mbedtls_ctr_drbg_random, &cfg->drbg);
	mbedtls_ssl_conf_ca_chain(&cfg->conf, &cfg->ca, NULL);
	if ((rc = mbedtls_ssl_conf_own_cert(
	         &cfg->conf, &cfg->own, &cfg->key)) != 0) {
		describe(rc, "certificate and key", err, errlen);
		goto fail;
	}
	/* A server verifies nothing unless told to. */
	mbedtls_ssl_conf_authmode(&cfg->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	fm_mbedtls_conf_tls12(&cfg->conf);
	mbedtls_ssl_conf_renegotiation(
	    &cfg->conf, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	mbedtls_ssl_conf_ciphersuites(&cfg->conf, ciphersuites);
	fm_mbedtls_conf_groups(&cfg->conf, groups);
	return cfg;
fail:
	fm_tls_config_destroy(cfg);
	return NULL;
}

/* Waits until fd is ready for events or tls's deadline passes: 1, 0 on
 * time-out, -1 on an error. */
static int
wait_ready(fm_tls_t *tls, short events)
{
	struct pollfd pfd = {tls->fd, events, 0};
	int n;

	for (;;) {
		int timeout = -1;

		if (tls->deadline != 0) {
			uint64_t now = fm_clock_ms();
			if (now >= tls->deadline)
				return 0;
			timeout = (int)(tls->deadline - now);
		}
		if ((n = poll(&pfd, 1, timeout)) >= 0)
			return n > 0 ? 1 : 0;
		if (errno != EINTR)
			return -1;
	}
}

/*
 * The transport under mbedTLS.  Every wait is bounded by the deadline of
 * the operation under way (the whole handshake, the whole read, the
 * whole write), not by a time-out per read: a peer that sends a byte now
 * and then, or reads one, cannot stretch it.  send() with MSG_NOSIGNAL:
 * a peer that hung up is an error to report, not a SIGPIPE.
 */
static int
recv_bounded(void *ctx, unsigned char *buf, size_t len)
{
	fm_tls_t *tls = ctx;
	ssize_t n;

	for (;;) {
		switch (wait_ready(tls, POLLIN)) {
		case 0:
			return MBEDTLS_ERR_SSL_TIMEOUT;
		case -1:
			return MBEDTLS_ERR_NET_RECV_FAILED;
		}
		n = recv(tls->fd, buf, len, MSG_DONTWAIT);
		if (n >= 0)
			return (int)n;
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			continue;
		return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET
		                           : MBEDTLS_ERR_NET_RECV_FAILED;
	}
}

static int
send_bounded(void *ctx, const unsigned char *buf, size_t len)
{
	fm_tls_t *tls = ctx;
	ssize_t n;

	for (;;) {
		n = send(tls->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n >= 0)
			return (int)n;
		if (errno == EPIPE || errno == ECONNRESET)
			return MBEDTLS_ERR_NET_CONN_RESET;
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			return MBEDTLS_ERR_NET_SEND_FAILED;
		switch (wait_ready(tls, POLLOUT)) {
		case 0:
			return MBEDTLS_ERR_SSL_TIMEOUT;
		case -1:
			return MBEDTLS_ERR_NET_SEND_FAILED;
		}
	}
}

/* Starts the deadline of an operation: the configured time from now. */
static void
start_deadline(fm_tls_t *tls)
{
	tls->deadline =
	    tls->timeout_ms != 0 ? fm_clock_ms() + tls->timeout_ms : 0;
}

void
fm_tls_close(fm_tls_t *tls)
{
	if (tls == NULL)
		return;
	if (tls->set_up) {
		/* A peer that reads nothing does not hold us here. */
		start_deadline(tls);
		mbedtls_ssl_close_notify(&tls->ssl);
	}
	mbedtls_ssl_free(&tls->ssl);
	if (tls->fd >= 0)
		close(tls->fd);
	free(tls);
}

fm_tls_t *
fm_tls_open(fm_tls_config_t *cfg, int fd, const char *server_name, char *err,
    size_t errlen)
{
	fm_tls_t *tls;
	int rc;

	if (cfg == NULL || fd < 0) {
		snprintf(err, errlen, "no configuration or socket");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if ((tls = calloc(1, sizeof(*tls))) == NULL) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	mbedtls_ssl_init(&tls->ssl);
	tls->fd = fd;
	tls->timeout_ms = cfg->timeout_ms;
	if ((rc = mbedtls_ssl_setup(&tls->ssl, &cfg->conf)) != 0) {
		describe(rc, "TLS setup", err, errlen);
		goto fail;
	}
	tls->set_up = true;
	if (cfg->role == FM_TLS_CLIENT &&
	    (server_name == NULL ||
	        (rc = mbedtls_ssl_set_hostname(&tls->ssl, server_name)) != 0)) {
		snprintf(err, errlen, "no server name to verify");
		goto fail;
	}
	mbedtls_ssl_set_bio(&tls->ssl, tls, send_bounded, recv_bounded, NULL);
	/* One deadline for the whole handshake. */
	start_deadline(tls);
	while ((rc = mbedtls_ssl_handshake(&tls->ssl)) != 0) {
		if (rc == MBEDTLS_ERR_SSL_WANT_READ ||
		    rc == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		uint32_t flags = mbedtls_ssl_get_verify_result(&tls->ssl);
		if (flags != 0 && flags != (uint32_t)-1) {
			char why[256];
			mbedtls_x509_crt_verify_info(
			    why, sizeof(why), "", flags);
			why[strcspn(why, "\n")] = '\0';
			snprintf(err, errlen,
			    "TLS handshake: certificate "
			    "refused: %s",
			    why);
		} else {
			describe(rc, "TLS handshake", err, errlen);
		}
		goto fail;
	}
	tls->deadline = 0;
	return tls;
fail:
	fm_tls_close(tls);
	return NULL;
}

bool
fm_tls_peer_cn(fm_tls_t *tls, char *buf, size_t size)
{
	const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&tls->ssl);
	const mbedtls_x509_name *n;

	if (peer == NULL || size == 0)
		return false;
	for (n = &peer->subject; n != NULL; n = n->next) {
		if (n->oid.p == NULL ||
		    MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) != 0)
			continue;
		if (n->val.len >= size ||
		    memchr(n->val.p, '\0', n->val.len) != NULL)
			return false;
		memcpy(buf, n->val.p, n->val.len);
		buf[n->val.len] = '\0';
		return true;
	}
	return false;
}

bool
fm_tls_peer_serial(fm_tls_t *tls, char *buf, size_t size)
{
	const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&tls->ssl);

	return peer != NULL &&
	    fm_hex_encode(peer->serial.p, peer->serial.len, buf, size);
}

bool
fm_tls_write(fm_tls_t *tls, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	bool ok = true;

	start_deadline(tls);
	while (ok && len > 0) {
		int n = mbedtls_ssl_write(&tls->ssl, p, len);
		if (n == MBEDTLS_ERR_SSL_WANT_READ ||
		    n == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (n <= 0)
			ok = false;
		else {
			p += n;
			len -= (size_t)n;
		}
	}
	tls->deadline = 0;
	return ok;
}

enum fm_tls_read
fm_tls_read_full(fm_tls_t *tls, void *buf, size_t len)
{
	unsigned char *p = buf;
	enum fm_tls_read r = FM_TLS_READ_OK;
	size_t got = 0;

	start_deadline(tls);
	while (r == FM_TLS_READ_OK && got < len) {
		int n = mbedtls_ssl_read(&tls->ssl, p + got, len - got);
		if (n == MBEDTLS_ERR_SSL_WANT_READ ||
		    n == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (n == MBEDTLS_ERR_SSL_TIMEOUT)
			r = FM_TLS_READ_TIMEOUT;
		else if (n == 0 || n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
			r = got == 0 ? FM_TLS_READ_CLOSED : FM_TLS_READ_ERROR;
		else if (n < 0)
			r = FM_TLS_READ_ERROR;
		else
			got += (size_t)n;
	}
	tls->deadline = 0;
	return r;
}

int
fm_tls_fd(fm_tls_t *tls)
{
	return tls->fd;
}

bool
fm_tls_pending(fm_tls_t *tls)
{
	return mbedtls_ssl_get_bytes_avail(&tls->ssl) > 0;
}
