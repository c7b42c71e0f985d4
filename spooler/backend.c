/*
 * backend.c - followme, the CUPS backend that hands jobs to followmed.
 *
 * cupsd runs it (as lp: it is installed 0755) once per document with
 *	followme job-id user title copies options [file]
 * It turns the arguments into a job ticket, makes sure the data is in a
 * seekable file, and passes that file's descriptor and the ticket to
 * followmed over the ingest socket.  It exits FM_BACKEND_OK only once
 * followmed has acknowledged durable storage; RETRY whenever the job may
 * be held later (followmed down, disk full, store busy); CANCEL with an
 * ERROR: line when it can never be held.  See followme(8).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "common/i18n.h"
#include "common/settings.h"
#include "spooler/ingestmsg.h"
#include "spooler/options.h"
#include "spooler/pagecount.h"

static volatile sig_atomic_t terminated;

static void
on_sigterm(int sig)
{
	(void)sig;
	terminated = 1;
}

/* Writes one status line for cupsd; stderr is unbuffered. */
static void __attribute__((format(printf, 2, 3)))
say(const char *level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", level, line);
}

static const char *
env_lookup(const char *name)
{
	return getenv(name);
}

/*
 * Returns a descriptor of a seekable regular file holding the data: the
 * file argument, stdin if it is already a file, or else stdin copied into
 * an unnamed temporary file that vanishes with us (O_TMPFILE), so a
 * cancelled job leaves nothing behind.  *too_large is set when the data
 * exceeds max.
 */
static int
open_data(int argc, char **argv, uint64_t max, bool *too_large)
{
	const char *tmpdir = getenv("TMPDIR");
	char buf[65536];
	struct stat st;
	uint64_t total = 0;
	ssize_t n;
	int fd;

	*too_large = false;
	if (argc == 7) {
		fd = open(argv[6], O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			say("ERROR", _("Cannot open the print data: %s"),
			    strerror(errno));
		return fd;
	}
	if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode))
		return dup(STDIN_FILENO);
	fd = open(tmpdir && tmpdir[0] ? tmpdir : "/tmp",
	    O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		say("ERROR", _("Cannot create a temporary file: %s"),
		    strerror(errno));
		return -1;
	}
	/* splice moves pipe pages into the file without copying them
	 * through us; plain read/write when stdin is not a pipe. */
	for (;;) {
		n = splice(
		    STDIN_FILENO, NULL, fd, NULL, 1 << 20, SPLICE_F_MOVE);
		if (n < 0 && errno == EINVAL && total == 0)
			break; /* not a pipe: copy below */
		if (n < 0 && errno == EINTR && !terminated)
			continue;
		if (n < 0 && !terminated)
			say("ERROR", _("Cannot copy the print data: %s"),
			    strerror(errno));
		if (n < 0 || terminated)
			goto fail;
		if (n == 0)
			return fd;
		total += (uint64_t)n;
		if (total > max) {
			*too_large = true;
			goto fail;
		}
	}
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR && !terminated)
			continue;
		if (n < 0 || terminated)
			goto fail;
		total += (uint64_t)n;
		if (total > max) {
			*too_large = true;
			goto fail;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				say("ERROR",
				    _("Cannot write a temporary file: "
				      "%s"),
				    strerror(errno));
				goto fail;
			}
			off += w;
		}
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/*
 * Sends the ticket and data descriptor and waits for the verdict.
 * Returns false when followmed cannot be reached or does not answer.
 */
static bool
hand_over(const char *path, const struct fm_ticket *t, int data_fd,
    struct fm_ingest_reply *reply)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	uint8_t msg[FM_INGESTMSG_MAX], rbuf[FM_INGESTMSG_REPLYMAX];
	struct pollfd pfd;
	const char *errstr;
	size_t len;
	ssize_t n;
	int s;

	if (strlen(path) >= sizeof(sa.sun_path) ||
	    (len = fm_ingestmsg_encode_request(t, msg, sizeof(msg))) == 0)
		return false;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return false;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		say("DEBUG", "connect %s: %s", path, strerror(errno));
		close(s);
		return false;
	}
	if (!fm_fdpass_send(s, msg, len, data_fd, 0)) {
		close(s);
		return false;
	}
	pfd.fd = s;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, FM_INGEST_REPLY_TIMEOUT_SEC * 1000) < 0 &&
	    errno == EINTR && !terminated)
		;
	n = (pfd.revents & POLLIN) ? recv(s, rbuf, sizeof(rbuf), 0) : -1;
	close(s);
	if (n <= 0 ||
	    !fm_ingestmsg_decode_reply(rbuf, (size_t)n, reply, &errstr)) {
		say("DEBUG", "no valid reply from followmed");
		return false;
	}
	return true;
}

int
main(int argc, char **argv)
{
	struct fm_settings settings;
	struct fm_ticket ticket;
	struct fm_ingest_reply reply;
	struct fm_pagecount_opts pco;
	struct fm_pagecount pc;
	struct sigaction sa = {0};
	char err[FM_CONF_ERRMAX + 512], sock[512];
	struct stat st;
	unsigned notes;
	bool too_large;
	int fd;

	setvbuf(stderr, NULL, _IONBF, 0);
	if (argc == 1) {
		puts("direct followme \"Unknown\" \"Followme secure print "
		     "release (hold queue)\"");
		return FM_BACKEND_OK;
	}
	if (argc != 6 && argc != 7) {
		fprintf(stderr,
		    "Usage: %s job-id user title copies options "
		    "[file]\n",
		    argv[0]);
		return FM_BACKEND_FAILED;
	}
	/* cupsd sets LANG from the job's attributes-natural-language:
	 * the lines lpstat and the print dialog show are in the language
	 * of whoever printed. */
	fm_i18n_init();
	signal(SIGPIPE, SIG_IGN);
	sa.sa_handler = on_sigterm;
	sigaction(SIGTERM, &sa, NULL);

	if (!fm_settings_load(&settings, NULL, err, sizeof(err))) {
		/* A broken configuration is the admin's to fix; keep the
		 * job queued in CUPS until then. */
		say("ERROR", _("Followme configuration: %s"), err);
		return FM_BACKEND_RETRY;
	}
	if (!fm_ticket_from_backend(
	        &ticket, argc, argv, env_lookup, &notes, err, sizeof(err))) {
		say("ERROR", _("Job cannot be held: %s"), err);
		return FM_BACKEND_CANCEL;
	}
	if (notes & FM_TICKET_NOTE_TITLE_SHORTENED)
		say("INFO", _("Job title shortened to %d bytes"),
		    FM_TICKET_TITLEMAX - 1);
	if (fm_settings_user_denied(&settings, ticket.owner)) {
		say("ERROR", _("User %s may not use secure printing"),
		    ticket.owner);
		return FM_BACKEND_CANCEL;
	}
	fd = open_data(argc, argv, settings.max_job_size, &too_large);
	if (terminated)
		return FM_BACKEND_FAILED;
	if (too_large) {
		say("ERROR", _("Job is larger than the maximum of %llu bytes"),
		    (unsigned long long)settings.max_job_size);
		return FM_BACKEND_CANCEL;
	}
	if (fd < 0)
		return FM_BACKEND_RETRY;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		say("ERROR", _("Print data is not a regular file"));
		return FM_BACKEND_RETRY;
	}
	ticket.size = (uint64_t)st.st_size;
	if (ticket.size == 0) {
		say("ERROR", _("Job is empty (0 bytes): nothing to hold"));
		return FM_BACKEND_CANCEL;
	}
	if (ticket.size > settings.max_job_size) {
		say("ERROR", _("Job is larger than the maximum of %llu bytes"),
		    (unsigned long long)settings.max_job_size);
		return FM_BACKEND_CANCEL;
	}
	if (!fm_settings_ingest_socket(&settings, sock, sizeof(sock)))
		return FM_BACKEND_RETRY;
	/* The streaming analysers run here, as lp, in a limited child: they
	 * cost less than the copy into the spool.  Nothing that needs a
	 * rendering interpreter runs while cupsd waits for us (the queue
	 * behind this job would wait for Ghostscript too), nor libqpdf,
	 * whose loading with GnuTLS would slow every start of the backend:
	 * such a document (PDF, PCLm, PostScript without usable DSC) is
	 * held "pending" and followmed's analysis pool counts it after the
	 * hold (followmed(8), COUNTING). */
	fm_pagecount_opts_init(&pco);
	pco.timeout_sec = 20;
	pco.allow_ghostscript = false;
	if (fm_pagecount_fd(fd, &pco, &pc)) {
		snprintf(ticket.count_status, sizeof(ticket.count_status), "%s",
		    pc.status != FM_PC_OK && pc.needs_renderer
		        ? "pending"
		        : fm_pagecount_status_name(pc.status));
		if (pc.status == FM_PC_OK && pc.pages <= UINT32_MAX) {
			ticket.pages = (uint32_t)pc.pages;
			ticket.color_pages = (uint32_t)pc.color_pages;
		}
		if (pc.status == FM_PC_OK)
			say("INFO", P_("%llu page", "%llu pages", pc.pages),
			    (unsigned long long)pc.pages);
		else if (pc.needs_renderer)
			say("INFO", "Pages counted once the job is held");
	}

	say("INFO", _("Handing the job to the Followme server"));
	if (!hand_over(sock, &ticket, fd, &reply)) {
		say("INFO",
		    _("Followme server unavailable; the job will be "
		      "retried"));
		return FM_BACKEND_RETRY;
	}
	close(fd);
	switch (reply.status) {
	case FM_INGEST_STORED:
	case FM_INGEST_DUPLICATE:
		say("INFO", _("Held for %s: release it at any printer"),
		    ticket.owner);
		return FM_BACKEND_OK;
	case FM_INGEST_RETRY:
		say("INFO",
		    _("Followme server cannot hold the job now (%s); "
		      "it will be retried"),
		    reply.message);
		return FM_BACKEND_RETRY;
	case FM_INGEST_REFUSED:
		say("ERROR", _("Job cannot be held: %s"), reply.message);
		return FM_BACKEND_CANCEL;
	}
	return FM_BACKEND_RETRY;
}
