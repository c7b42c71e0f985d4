/*
 * ingest.c - holding one submitted document: receive, seal, record.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/ingest.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "common/log.h"
#include "store/jobstore.h"
#include "quota/users.h"
#include "spooler/ingestmsg.h"

struct commit_arg {
	fm_spool_t *spool;
	const char *tmpname, *name;
};

static bool
commit_file(void *arg)
{
	struct commit_arg *c = arg;

	return fm_spool_commit(c->spool, c->tmpname, c->name);
}

static int
reply(int conn, enum fm_ingest_status status, uint64_t job_id,
    const char *message)
{
	struct fm_ingest_reply r = {status, job_id, ""};
	uint8_t buf[FM_INGESTMSG_REPLYMAX];
	size_t len;

	snprintf(r.message, sizeof(r.message), "%s", message);
	/* One small message into an empty socket: never waits, and a peer
	 * that reads nothing cannot hold the worker here. */
	if ((len = fm_ingestmsg_encode_reply(&r, buf, sizeof(buf))) > 0)
		send(conn, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	return (int)status;
}

/* Waits timeout_ms at most for the request: true if it is there. */
static bool
request_arrived(int conn, int timeout_ms)
{
	struct pollfd pfd = {conn, POLLIN, 0};
	int n;

	while ((n = poll(&pfd, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	return n > 0;
}

/* Receives the request and exactly one descriptor; -1 on any error. */
static int
receive(int conn, uint8_t *buf, size_t size, size_t *len)
{
	int fd;
	ssize_t n = fm_fdpass_recv(conn, buf, size, MSG_DONTWAIT, &fd);

	if (n <= 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*len = (size_t)n;
	return fd;
}

enum fm_ingest_status
fm_ingest_handle(struct fm_ingest_ctx *ctx, int conn)
{
	const struct fm_settings *s = ctx->settings;
	uint8_t buf[FM_INGESTMSG_MAX + 1];
	char tmpname[FM_SPOOL_NAMEMAX], name[FM_SPOOL_NAMEMAX], identity[128];
	struct fm_document doc;
	struct fm_ticket t;
	struct fm_user user;
	struct commit_arg carg;
	enum fm_sealed_status sst;
	const char *errstr;
	struct stat st;
	uint64_t size;
	int64_t job_id;
	int fd, seq, rc;
	size_t len;
	bool known;

	ctx->new_user[0] = '\0';
	/* The backend sends its request as soon as it is connected: a
	 * peer that does not is holding one of the few workers. */
	if (!request_arrived(conn, (int)s->request_timeout * 1000)) {
		fm_log_warn("ingest: no request within %" PRIu64
		            " s; connection closed",
		    s->request_timeout);
		return reply(conn, FM_INGEST_RETRY, 0, "no request in time");
	}
	if ((fd = receive(conn, buf, sizeof(buf), &len)) < 0) {
		fm_log_warn("ingest: malformed request (no message or not "
		            "exactly one descriptor)");
		return reply(
		    conn, FM_INGEST_REFUSED, 0, "malformed ingest request");
	}
	if (!fm_ingestmsg_decode_request(buf, len, &t, &errstr)) {
		close(fd);
		fm_log_warn("ingest: malformed request: %s", errstr);
		return reply(conn, FM_INGEST_REFUSED, 0, errstr);
	}
	/* A regular file only: reading one never waits on another
	 * process, as a pipe, socket or terminal would (the backend always
	 * sends a file). */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		fm_log_warn("ingest: refused CUPS job %u: its data is not a "
		            "regular file",
		    t.cups_job_id);
		return reply(conn, FM_INGEST_REFUSED, 0,
		    "print data is not a regular file");
	}
	if (fm_settings_user_denied(s, t.owner)) {
		close(fd);
		fm_log_info("ingest: refused CUPS job %u of denied user %s",
		    t.cups_job_id, t.owner);
		return reply(conn, FM_INGEST_REFUSED, 0,
		    "user may not use secure printing");
	}
	if ((uint64_t)st.st_size > s->max_job_size) {
		close(fd);
		return reply(conn, FM_INGEST_REFUSED, 0,
		    "larger than the maximum job size");
	}

	switch (fm_jobstore_claim(ctx->store, &t, ctx->now,
	    ctx->now + (int64_t)s->expire_after, &job_id, &seq)) {
	case FM_CLAIM_NEW:
		break;
	case FM_CLAIM_DUPLICATE:
	case FM_CLAIM_ENDED:
		close(fd);
		fm_log_info("ingest: CUPS job %u (%s) already held as job "
		            "%" PRId64,
		    t.cups_job_id, t.uuid, job_id);
		return reply(conn, FM_INGEST_DUPLICATE, (uint64_t)job_id,
		    "already held");
	case FM_CLAIM_ERROR:
		close(fd);
		fm_log_warn(
		    "ingest: store error: %s", fm_store_last_error(ctx->store));
		return reply(conn, FM_INGEST_RETRY, 0, "store busy");
	}

	fm_spool_identity(t.uuid, seq, identity, sizeof(identity));
	fm_spool_document_name(job_id, seq, name, sizeof(name));
	memset(&doc, 0, sizeof(doc));
	sst = fm_spool_write(ctx->spool, fd, name, identity, t.owner,
	    s->max_job_size, tmpname, &size, doc.wrapped_key);
	close(fd);
	if (sst == FM_SEALED_TOO_LARGE)
		return reply(conn, FM_INGEST_REFUSED, 0,
		    "larger than the maximum job size");
	if (sst != FM_SEALED_OK) {
		fm_log_warn("ingest: cannot spool CUPS job %u: %s",
		    t.cups_job_id, fm_sealed_status_text(sst));
		return reply(
		    conn, FM_INGEST_RETRY, 0, fm_sealed_status_text(sst));
	}

	doc.wrapped_len = FM_SPOOL_WRAPPEDLEN;
	doc.job_id = job_id;
	doc.seq = seq;
	snprintf(doc.name, sizeof(doc.name), "%s", t.doc_name);
	snprintf(doc.format, sizeof(doc.format), "%s", t.format);
	doc.size = size;
	snprintf(doc.spool_file, sizeof(doc.spool_file), "%s", name);
	doc.pages = t.pages > 0 ? (int64_t)t.pages : -1;
	if (t.pages > 0 && t.color_pages <= t.pages) {
		doc.color_pages = t.color_pages;
		doc.mono_pages = t.pages - t.color_pages;
	}
	snprintf(doc.count_status, sizeof(doc.count_status), "%s",
	    t.count_status[0] ? t.count_status : "unknown");
	carg = (struct commit_arg){ctx->spool, tmpname, name};
	rc = fm_jobstore_add_document(
	    ctx->store, &doc, ctx->now, commit_file, &carg);
	if (rc != FM_CLAIM_NEW) {
		fm_spool_discard(ctx->spool, tmpname);
		if (rc == FM_CLAIM_DUPLICATE)
			return reply(conn, FM_INGEST_DUPLICATE,
			    (uint64_t)job_id, "already held");
		fm_log_warn("ingest: cannot record CUPS job %u: %s",
		    t.cups_job_id, fm_store_last_error(ctx->store));
		return reply(conn, FM_INGEST_RETRY, 0, "store busy");
	}
	/* Users are created on first print (name from NSS), so that quotas
	 * and reports know them before they ever release. */
	known = fm_users_get(ctx->store, t.owner, &user);
	if (!fm_users_ensure(ctx->store, t.owner))
		fm_log_warn("ingest: cannot record user %s", t.owner);
	else if (!known) {
		/* A login fm_users_ensure() took fits (63 bytes). */
		size_t n = strnlen(t.owner, sizeof(ctx->new_user) - 1);

		memcpy(ctx->new_user, t.owner, n);
		ctx->new_user[n] = '\0';
	}
	if (s->log_titles)
		fm_log_info("held job %" PRId64 " document %d for %s: %" PRIu64
		            " bytes, \"%s\"",
		    job_id, seq, t.owner, size, t.title);
	else
		fm_log_info("held job %" PRId64 " document %d for %s: %" PRIu64
		            " bytes",
		    job_id, seq, t.owner, size);
	return reply(conn, FM_INGEST_STORED, (uint64_t)job_id, "held");
}
