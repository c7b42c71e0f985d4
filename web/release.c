/*
 * release.c - releasing a held job from the web console, through
 * followmed (see release.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "web/release.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/tls.h"
#include "proto/protoio.h"
#include "store/websessions.h"

/* A message from followmed may take as long as a printer may take to
 * print (release/session.c waits up to ten minutes), with a margin. */
#define REPLY_TIMEOUT_MS (660 * 1000)

/* The web terminal's files, in the state directory. */
static bool
terminal_file(const struct fm_settings *settings, const char *name, char *buf,
    size_t size)
{
	char dir[512];
	int n;

	if (!fm_settings_web_terminal_dir(settings, dir, sizeof(dir)))
		return false;
	n = snprintf(buf, size, "%s/%s", dir, name);
	return n > 0 && (size_t)n < size;
}

bool
fm_web_release_ready(const struct fm_settings *settings)
{
	char path[600];

	return terminal_file(settings, "terminal.key", path, sizeof(path)) &&
	    access(path, R_OK) == 0;
}

/* Made once in this worker, after its fork: no random generator state
 * is shared with another process. */
static fm_tls_config_t *
tls_config(const struct fm_settings *settings, char *err, size_t errlen)
{
	static fm_tls_config_t *cfg;
	char ca[600], crt[600], key[600];

	if (cfg != NULL)
		return cfg;
	if (!terminal_file(settings, "ca.crt", ca, sizeof(ca)) ||
	    !terminal_file(settings, "terminal.crt", crt, sizeof(crt)) ||
	    !terminal_file(settings, "terminal.key", key, sizeof(key))) {
		snprintf(err, errlen, "state_dir too long");
		return NULL;
	}
	cfg = fm_tls_config_create(
	    FM_TLS_CLIENT, ca, crt, key, REPLY_TIMEOUT_MS, err, errlen);
	return cfg;
}

/* followmed's release listener, from this host: a wildcard address is
 * reached on loopback. */
static int
connect_followmed(const struct fm_settings *settings, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
	char host[256], port[16];
	int fd = -1, rc;

	if (!fm_settings_listen_address(
	        settings, host, sizeof(host), port, sizeof(port))) {
		snprintf(err, errlen, "listen is not address:port");
		return -1;
	}
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "*") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	else if (strcmp(host, "::") == 0)
		snprintf(host, sizeof(host), "::1");
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%.100s: %.100s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			snprintf(
			    err, errlen, "%.100s port %.15s: %m", host, port);
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/* Sends m, then reads the answer into m; false if either failed. */
static bool
exchange(fm_tls_t *tls, struct fm_proto_msg *m, char *err, size_t errlen)
{
	const char *errstr = NULL;
	enum fm_protoio_status st;
	bool sent = fm_protoio_send(tls, m);

	fm_proto_wipe(m);
	if (!sent) {
		snprintf(err, errlen, "cannot send to followmed");
		return false;
	}
	if ((st = fm_protoio_recv(tls, m, &errstr)) != FM_PROTOIO_OK) {
		snprintf(err, errlen, "followmed did not answer (%s)",
		    errstr ? errstr : "closed or timed out");
		return false;
	}
	return true;
}

/* A refusal from followmed: AUTH_FAIL, ERROR or a failed PROGRESS. */
static void
refused(const struct fm_proto_msg *m, struct fm_web_release_result *out)
{
	out->outcome = FM_WEB_RELEASE_NOT_PRINTED;
	out->code = m->code;
	snprintf(out->message, sizeof(out->message), "%s", m->message);
}

/* Logs in and releases on tls; false if followmed could not be talked
 * to (err), else *out says what happened. */
static bool
converse(fm_tls_t *tls, const struct fm_web_release_request *r,
    struct fm_web_release_result *out, char *err, size_t errlen)
{
	static struct fm_proto_msg m;
	const char *errstr;

	fm_proto_init(&m, FM_MSG_HELLO);
	m.version = FM_PROTO_VERSION;
	if (!exchange(tls, &m, err, errlen))
		return false;
	if (m.type != FM_MSG_HELLO_OK) {
		refused(&m, out);
		return true;
	}
	fm_proto_init(&m, FM_MSG_AUTH_WEB);
	snprintf(m.printer, sizeof(m.printer), "%s", r->printer);
	if (!fm_hex_encode(r->session_id, FM_WEBSESSION_IDLEN, m.secret,
	        sizeof(m.secret))) {
		snprintf(err, errlen, "cannot encode the session");
		return false;
	}
	if (!exchange(tls, &m, err, errlen))
		return false;
	if (m.type != FM_MSG_AUTH_OK) {
		refused(&m, out);
		return true;
	}
	fm_proto_init(&m, FM_MSG_RELEASE);
	m.ids[0] = r->job_id;
	m.nids = 1;
	m.copies = r->copies;
	m.force_duplex = r->two_sided;
	m.force_gray = r->black_white;
	if (!exchange(tls, &m, err, errlen))
		return false;
	/* Progress until the job's end, then the release's OK. */
	for (int i = 0; i < 64 && m.type == FM_MSG_PROGRESS; i++) {
		if (m.stage == FM_STAGE_DONE) {
			out->outcome = FM_WEB_RELEASE_PRINTED;
			out->pages = m.pages;
			out->charge = m.charge;
			snprintf(out->message, sizeof(out->message), "%s",
			    m.message);
		} else if (m.stage == FM_STAGE_FAILED)
			refused(&m, out);
		else if (r->progress != NULL && m.stage >= FM_STAGE_RESERVED &&
		    m.stage <= FM_STAGE_PRINTING)
			r->progress(m.stage, r->progress_arg);
		if (fm_protoio_recv(tls, &m, &errstr) != FM_PROTOIO_OK) {
			snprintf(err, errlen, "followmed stopped answering");
			return out->outcome != FM_WEB_RELEASE_UNAVAILABLE;
		}
	}
	if (m.type == FM_MSG_ERROR)
		refused(&m, out);
	else if (m.type == FM_MSG_OK &&
	    out->outcome == FM_WEB_RELEASE_UNAVAILABLE) {
		/* "Nothing to print": the job is no longer held. */
		out->outcome = FM_WEB_RELEASE_NOT_PRINTED;
		out->code = FM_CODE_NO_SUCH_JOB;
		snprintf(out->message, sizeof(out->message), "%s", m.message);
	}
	return true;
}

void
fm_web_release_run(const struct fm_settings *settings,
    const struct fm_web_release_request *r, struct fm_web_release_result *out)
{
	char err[256] = "", server[256];
	fm_tls_config_t *cfg;
	fm_tls_t *tls;
	int fd;

	memset(out, 0, sizeof(*out));
	out->outcome = FM_WEB_RELEASE_UNAVAILABLE;
	if (!fm_web_release_ready(settings)) {
		fm_log_warn("web: release: no web terminal (followme-admin "
		            "terminal add NAME --web)");
		return;
	}
	if ((cfg = tls_config(settings, err, sizeof(err))) == NULL ||
	    (fd = connect_followmed(settings, err, sizeof(err))) < 0) {
		fm_log_warn("web: release: %s", err);
		return;
	}
	fm_settings_server_name(settings, server, sizeof(server));
	if ((tls = fm_tls_open(cfg, fd, server, err, sizeof(err))) == NULL) {
		fm_log_warn("web: release: followmed: %s", err);
		return;
	}
	if (!converse(tls, r, out, err, sizeof(err)))
		fm_log_warn(
		    "web: release of job %lld: %s", (long long)r->job_id, err);
	fm_tls_close(tls);
}
