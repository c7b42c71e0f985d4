/*
 * test_tls.c - the site CA (release/pki.c) and mutual TLS (common/tls.c):
 * certificates made with mbedTLS, real handshakes over a socket pair.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

int
main(void)
{
	char cmd[600];
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(test_ca_and_certificates);
	RUN(test_handshakes);
	rc = harness_done();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
