/*
 * test_tls.c - the site CA (release/pki.c) and mutual TLS (common/tls.c):
 * certificates made with mbedTLS, real handshakes over a socket pair.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/mbedtls-compat.h"
#include "common/tls.h"
#include "release/pki.h"
#include "tests/unit/harness.h"

static char dir[] = "/tmp/fm-tls-XXXXXX";

static const char *
path(const char *name)
{
	static char buf[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/*
 * Runs a handshake between a server (child process) using the server
 * files and a client using client files.  Returns the server's outcome:
 * 1 and the peer CN on success, 0 on failure; *client_ok says whether the
 * client side succeeded.
 */
static int
handshake(const char *client_ca, const char *client_crt, const char *client_key,
    const char *expect_name, bool *client_ok, char *peer_cn)
{
	char err[256];
	int sv[2], pipefd[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 || pipe(pipefd) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		char cn[128] = "";
		fm_tls_config_t *cfg = fm_tls_config_create(FM_TLS_SERVER,
		    path("ca.crt"), path("server.crt"), path("server.key"),
		    5000, err, sizeof(err));
		close(sv[0]);
		fm_tls_t *tls = fm_tls_open(cfg, sv[1], NULL, err, sizeof(err));
		if (tls == NULL)
			fprintf(stderr, "  server: %s\n", err);
		if (tls != NULL && fm_tls_peer_cn(tls, cn, sizeof(cn)))
			(void)!write(pipefd[1], cn, strlen(cn) + 1);
		fm_tls_close(tls);
		fm_tls_config_destroy(cfg);
		_exit(tls != NULL ? 0 : 1);
	}
	close(sv[1]);
	close(pipefd[1]);
	fm_tls_config_t *cfg = fm_tls_config_create(FM_TLS_CLIENT, client_ca,
	    client_crt, client_key, 5000, err, sizeof(err));
	fm_tls_t *tls = fm_tls_open(cfg, sv[0], expect_name, err, sizeof(err));
	*client_ok = tls != NULL;
	if (tls == NULL)
		fprintf(stderr, "  client: %s\n", err);
	fm_tls_close(tls);
	fm_tls_config_destroy(cfg);
	peer_cn[0] = '\0';
	if (read(pipefd[0], peer_cn, 128) < 0)
		peer_cn[0] = '\0';
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void
test_ca_and_certificates(void)
{
	char err[256] = "", serial[FM_PKI_SERIALMAX], serial2[FM_PKI_SERIALMAX];
	struct stat st;

	ASSERT_TRUE(
	    fm_pki_create_ca(dir, "Followme Test CA", 3650, err, sizeof(err)));
	ASSERT_INT_EQ(stat(path("ca.key"), &st), 0);
	ASSERT_INT_EQ(st.st_mode & 0777, 0600);
	/* Never overwrite a CA. */
	ASSERT_FALSE(fm_pki_create_ca(dir, "Again", 3650, err, sizeof(err)));
	ASSERT_FALSE(
	    fm_pki_create_ca(dir, "CN=x,O=evil", 3650, err, sizeof(err)));
	ASSERT_TRUE(fm_pki_issue(dir, FM_PKI_SERVER, "followme-server", 825,
	    path("server.key"), path("server.crt"), serial, err, sizeof(err)));
	ASSERT_TRUE(fm_pki_issue(dir, FM_PKI_CLIENT, "terminal-07", 825,
	    path("t7.key"), path("t7.crt"), serial, err, sizeof(err)));
	ASSERT_TRUE(fm_pki_issue(dir, FM_PKI_CLIENT, "terminal-08", 825,
	    path("t8.key"), path("t8.crt"), serial2, err, sizeof(err)));
	ASSERT_UINT_EQ(strlen(serial), 32);
	ASSERT_TRUE(strcmp(serial, serial2) != 0);
	ASSERT_FALSE(fm_pki_issue(dir, FM_PKI_CLIENT, "bad name!", 825,
	    path("x.key"), path("x.crt"), serial, err, sizeof(err)));
	ASSERT_STR_CONTAINS(err, "not a valid name");
	ASSERT_TRUE(fm_pki_issue(dir, FM_PKI_CLIENT, "terminal-old", -1,
	    path("old.key"), path("old.crt"), serial, err, sizeof(err)));
}

static void
test_handshakes(void)
{
	char err[256] = "", cn[128], serial[FM_PKI_SERIALMAX];
	char other[512];
	bool client_ok;

	ASSERT_INT_EQ(handshake(path("ca.crt"), path("t7.crt"), path("t7.key"),
	                  "followme-server", &client_ok, cn),
	    1);
	ASSERT_TRUE(client_ok);
	ASSERT_STR_EQ(cn, "terminal-07");

	/* The terminal checks the server's name. */
	ASSERT_INT_EQ(handshake(path("ca.crt"), path("t7.crt"), path("t7.key"),
	                  "other-server", &client_ok, cn),
	    0);
	ASSERT_FALSE(client_ok);

	/* An expired terminal certificate is refused. */
	ASSERT_INT_EQ(handshake(path("ca.crt"), path("old.crt"),
	                  path("old.key"), "followme-server", &client_ok, cn),
	    0);

	/* A certificate from another CA is refused. */
	snprintf(other, sizeof(other), "%s/other", dir);
	ASSERT_INT_EQ(mkdir(other, 0700), 0);
	ASSERT_TRUE(fm_pki_create_ca(other, "Evil CA", 3650, err, sizeof(err)));
	snprintf(other, sizeof(other), "%s/other", dir);
	char okey[600], ocrt[600];
	snprintf(okey, sizeof(okey), "%s/t.key", other);
	snprintf(ocrt, sizeof(ocrt), "%s/t.crt", other);
	ASSERT_TRUE(fm_pki_issue(other, FM_PKI_CLIENT, "terminal-07", 825, okey,
	    ocrt, serial, err, sizeof(err)));
	ASSERT_INT_EQ(handshake(path("ca.crt"), ocrt, okey, "followme-server",
	                  &client_ok, cn),
	    0);
}

/* A peer built on mbedTLS directly, offering only suite (or mbedTLS's
 * defaults): the other end of fm_tls in test_ciphersuites() and
 * test_tls12_only(). */
struct raw_peer {
	mbedtls_ssl_config conf;
	mbedtls_ssl_context ssl;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt ca, own;
	mbedtls_pk_context key;
	mbedtls_net_context net;
	int suites[2];
};

/* The raw peer's handshake on fd as a client (terminal t7) or the server,
 * offering suite, or every suite and version mbedTLS offers by default if
 * suite is 0; true if it completed, and the protocol version agreed into
 * version (size bytes). */
static bool
raw_handshake(int fd, bool client, int suite, char *version, size_t size)
{
	struct raw_peer *p = calloc(1, sizeof(*p));
	bool ok = false;
	int rc;

	if (p == NULL)
		return false;
	mbedtls_ssl_config_init(&p->conf);
	mbedtls_ssl_init(&p->ssl);
	mbedtls_entropy_init(&p->entropy);
	mbedtls_ctr_drbg_init(&p->drbg);
	mbedtls_x509_crt_init(&p->ca);
	mbedtls_x509_crt_init(&p->own);
	mbedtls_pk_init(&p->key);
	mbedtls_net_init(&p->net);
	p->net.fd = fd;
	p->suites[0] = suite;
	if (mbedtls_ctr_drbg_seed(
	        &p->drbg, mbedtls_entropy_func, &p->entropy, NULL, 0) != 0 ||
	    mbedtls_x509_crt_parse_file(&p->ca, path("ca.crt")) != 0 ||
	    mbedtls_x509_crt_parse_file(
	        &p->own, path(client ? "t7.crt" : "server.crt")) != 0 ||
	    fm_mbedtls_pk_parse_keyfile(&p->key,
	        path(client ? "t7.key" : "server.key"), mbedtls_ctr_drbg_random,
	        &p->drbg) != 0 ||
	    mbedtls_ssl_config_defaults(&p->conf,
	        client ? MBEDTLS_SSL_IS_CLIENT : MBEDTLS_SSL_IS_SERVER,
	        MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) != 0)
		goto out;
	mbedtls_ssl_conf_rng(&p->conf, mbedtls_ctr_drbg_random, &p->drbg);
	mbedtls_ssl_conf_ca_chain(&p->conf, &p->ca, NULL);
	mbedtls_ssl_conf_authmode(&p->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	if (suite != 0)
		mbedtls_ssl_conf_ciphersuites(&p->conf, p->suites);
	mbedtls_ssl_conf_read_timeout(&p->conf, 5000);
	if (mbedtls_ssl_conf_own_cert(&p->conf, &p->own, &p->key) != 0 ||
	    mbedtls_ssl_setup(&p->ssl, &p->conf) != 0 ||
	    (client &&
	        mbedtls_ssl_set_hostname(&p->ssl, "followme-server") != 0))
		goto out;
	mbedtls_ssl_set_bio(
	    &p->ssl, &p->net, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
	while ((rc = mbedtls_ssl_handshake(&p->ssl)) ==
	        MBEDTLS_ERR_SSL_WANT_READ ||
	    rc == MBEDTLS_ERR_SSL_WANT_WRITE)
		;
	ok = rc == 0;
	if (ok && version != NULL)
		snprintf(version, size, "%s", mbedtls_ssl_get_version(&p->ssl));
out:
	mbedtls_net_free(&p->net);
	mbedtls_ssl_free(&p->ssl);
	mbedtls_ssl_config_free(&p->conf);
	mbedtls_pk_free(&p->key);
	mbedtls_x509_crt_free(&p->own);
	mbedtls_x509_crt_free(&p->ca);
	mbedtls_ctr_drbg_free(&p->drbg);
	mbedtls_entropy_free(&p->entropy);
	free(p);
	return ok;
}

/* fm_tls in role (in a child) against a raw peer offering only suite
 * (0: mbedTLS's defaults); true if both ends completed the handshake, and
 * the version they agreed into version (size bytes). */
static bool
handshake_with_raw(enum fm_tls_role role, int suite, char *version, size_t size)
{
	char err[256];
	int sv[2], status;
	bool raw_ok;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return false;
	if ((pid = fork()) == 0) {
		bool server = role == FM_TLS_SERVER;
		fm_tls_config_t *cfg = fm_tls_config_create(role,
		    path("ca.crt"), path(server ? "server.crt" : "t7.crt"),
		    path(server ? "server.key" : "t7.key"), 5000, err,
		    sizeof(err));
		close(sv[0]);
		fm_tls_t *tls = fm_tls_open(cfg, sv[1],
		    server ? NULL : "followme-server", err, sizeof(err));
		bool ok = tls != NULL;
		fm_tls_close(tls);
		fm_tls_config_destroy(cfg);
		_exit(ok ? 0 : 1);
	}
	close(sv[1]);
	raw_ok =
	    raw_handshake(sv[0], role == FM_TLS_SERVER, suite, version, size);
	close(sv[0]);
	waitpid(pid, &status, 0);
	return raw_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Only ECDHE with AES-GCM or ChaCha20-Poly1305, at either end: a peer
 * that offers nothing else gets no connection. */
static void
test_ciphersuites(void)
{
	static const struct {
		int suite;
		bool accepted;
	} rows[] = {
	    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, true},
	    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, true},
	    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, true},
	    /* CBC with SHA-1 and with SHA-2 */
	    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, false},
	    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, false},
	    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, false},
	    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, false},
	    /* CCM-8, CCM, Camellia */
	    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, false},
	    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8, false},
	    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM, false},
	    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256, false},
	    {MBEDTLS_TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256, false},
	};

	for (EACH_ROW(i, rows)) {
		ASSERT_INT_EQ(
		    handshake_with_raw(FM_TLS_SERVER, rows[i].suite, NULL, 0),
		    rows[i].accepted);
		ASSERT_INT_EQ(
		    handshake_with_raw(FM_TLS_CLIENT, rows[i].suite, NULL, 0),
		    rows[i].accepted);
	}
}

/* TLS 1.2 and nothing else, whichever mbedTLS: a peer left to the
 * library's defaults (3.6 offers TLS 1.3 first) still agrees on 1.2. */
static void
test_tls12_only(void)
{
	char version[32] = "";

	ASSERT_TRUE(
	    handshake_with_raw(FM_TLS_SERVER, 0, version, sizeof(version)));
	ASSERT_STR_EQ(version, "TLSv1.2");
	version[0] = '\0';
	ASSERT_TRUE(
	    handshake_with_raw(FM_TLS_CLIENT, 0, version, sizeof(version)));
	ASSERT_STR_EQ(version, "TLSv1.2");
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The handshake has one deadline, not one per read: a client that sends
 * a byte of its hello every 200 ms is dropped after the 1 s the server
 * allows, not kept for as long as it trickles. */
static void
test_handshake_deadline(void)
{
	/* A TLS record header and the start of a ClientHello. */
	static const uint8_t hello[] = {0x16, 0x03, 0x01, 0x00, 0x40, 0x01,
	    0x00, 0x00, 0x3c, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0};
	uint64_t took = 0;
	char err[256];
	int sv[2], pipefd[2], status;
	pid_t pid;

	ASSERT_INT_EQ(
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ASSERT_INT_EQ(pipe(pipefd), 0);
	if ((pid = fork()) == 0) {
		fm_tls_config_t *cfg = fm_tls_config_create(FM_TLS_SERVER,
		    path("ca.crt"), path("server.crt"), path("server.key"),
		    1000, err, sizeof(err));
		uint64_t t0 = now_ms();
		close(sv[0]);
		fm_tls_t *tls = fm_tls_open(cfg, sv[1], NULL, err, sizeof(err));
		took = now_ms() - t0;
		(void)!write(pipefd[1], &took, sizeof(took));
		_exit(tls == NULL ? 0 : 1);
	}
	close(sv[1]);
	close(pipefd[1]);
	/* 6 s of trickling at most; the server's end closing stops it. */
	for (size_t i = 0; i < sizeof(hello); i++) {
		if (send(sv[0], &hello[i], 1, MSG_NOSIGNAL) != 1)
			break;
		usleep(200000);
	}
	close(sv[0]);
	if (read(pipefd[0], &took, sizeof(took)) != (ssize_t)sizeof(took))
		took = 0;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_TRUE(took >= 900);
	ASSERT_TRUE(took < 2000);
}

int
main(void)
{
	char cmd[600];
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(test_ca_and_certificates);
	RUN(test_handshakes);
	RUN(test_ciphersuites);
	RUN(test_tls12_only);
	RUN(test_handshake_deadline);
	rc = harness_done();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
