/*
 * pamauth.c - PAM checks in a child process with a deadline.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/pamauth.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/child.h"
#include "release/pamwire.h"

/* What the child sends back: a result byte, then the canonical name. */
#define REPORT_MAX 258

struct conv_data {
	const char *secret;
};

/* Answers every prompt with the secret; PAM frees the responses. */
static int
conversation(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	struct conv_data *cd = arg;
	struct pam_response *r;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			if ((r[i].resp = strdup(cd->secret)) == NULL)
				goto fail;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			break;
		default:
			goto fail;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (int i = 0; i < n; i++) {
		if (r[i].resp != NULL) {
			fm_wipe(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	}
	free(r);
	return PAM_CONV_ERR;
}

enum fm_pamauth_result
fm_pamauth_run(const char *service, const char *user, const char *secret,
    const char *rhost, char *canon, size_t canon_size)
{
	struct conv_data cd = {secret};
	struct pam_conv conv = {conversation, &cd};
	enum fm_pamauth_result result = FM_PAMAUTH_UNAVAILABLE;
	pam_handle_t *ph = NULL;
	const void *item = NULL;
	int rc;

	rc = pam_start(service, user, &conv, &ph);
	if (rc == PAM_SUCCESS && rhost != NULL && rhost[0] != '\0')
		pam_set_item(ph, PAM_RHOST, rhost);
	if (rc == PAM_SUCCESS) {
		rc = pam_authenticate(
		    ph, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
		if (rc == PAM_SUCCESS) {
			rc = pam_acct_mgmt(ph, PAM_SILENT);
			result = rc == PAM_SUCCESS ? FM_PAMAUTH_OK
			                           : FM_PAMAUTH_ACCOUNT;
		} else if (rc == PAM_AUTH_ERR || rc == PAM_USER_UNKNOWN ||
		    rc == PAM_MAXTRIES || rc == PAM_CRED_INSUFFICIENT) {
			result = FM_PAMAUTH_DENIED;
		}
	}
	if (result == FM_PAMAUTH_OK) {
		if (pam_get_item(ph, PAM_USER, &item) != PAM_SUCCESS ||
		    item == NULL || strlen(item) >= canon_size ||
		    strlen(item) > REPORT_MAX - 2)
			result = FM_PAMAUTH_UNAVAILABLE;
		else
			memcpy(canon, item, strlen(item) + 1);
	}
	if (ph != NULL)
		pam_end(ph, rc);
	return result;
}

/* Asks followme-pamhelper at path (a SOCK_SEQPACKET socket). */
static enum fm_pamauth_result
ask_helper(const char *path, const char *user, const char *secret,
    const char *rhost, char *canon, size_t canon_size)
{
	struct fm_pamwire_request req;
	struct fm_pamwire_reply rep;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	uint8_t buf[FM_PAMWIRE_MAX];
	enum fm_pamauth_result result = FM_PAMAUTH_UNAVAILABLE;
	const char *errstr;
	size_t len = 0;
	ssize_t n;
	int fd;

	memset(&req, 0, sizeof(req));
	if (strlen(path) >= sizeof(sa.sun_path) ||
	    strlen(user) >= sizeof(req.user) ||
	    strlen(secret) >= sizeof(req.secret))
		return strlen(path) >= sizeof(sa.sun_path)
		    ? FM_PAMAUTH_UNAVAILABLE
		    : FM_PAMAUTH_DENIED;
	memcpy(sa.sun_path, path, strlen(path));
	snprintf(req.user, sizeof(req.user), "%s", user);
	snprintf(req.rhost, sizeof(req.rhost), "%s", rhost ? rhost : "");
	memcpy(req.secret, secret, strlen(secret) + 1);
	if ((len = fm_pamwire_encode_request(&req, buf, sizeof(buf))) == 0) {
		fm_wipe(&req, sizeof(req));
		return FM_PAMAUTH_DENIED; /* a name no PAM user can have */
	}
	fm_wipe(&req, sizeof(req));
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		goto out;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    send(fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len) {
		fm_wipe(buf, sizeof(buf));
		/* The caller's deadline bounds this wait. */
		n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0 &&
		    fm_pamwire_decode_reply(buf, (size_t)n, &rep, &errstr)) {
			result = (enum fm_pamauth_result)rep.result;
			if (result == FM_PAMAUTH_OK &&
			    strlen(rep.user) >= canon_size)
				result = FM_PAMAUTH_UNAVAILABLE;
			else if (result == FM_PAMAUTH_OK)
				memcpy(canon, rep.user, strlen(rep.user) + 1);
		}
	}
	close(fd);
out:
	fm_wipe(buf, sizeof(buf));
	return result;
}

static void __attribute__((noreturn)) run_child(int fd, const char *service,
    const char *helper, const char *user, const char *secret, const char *rhost)
{
	unsigned char report[REPORT_MAX] = {FM_PAMAUTH_UNAVAILABLE};
	char canon[REPORT_MAX - 1] = "";
	size_t len = 1;

	if (helper != NULL && helper[0] != '\0')
		report[0] = ask_helper(
		    helper, user, secret, rhost, canon, sizeof(canon));
	else
		report[0] = fm_pamauth_run(
		    service, user, secret, rhost, canon, sizeof(canon));
	if (report[0] == FM_PAMAUTH_OK) {
		len = strlen(canon);
		memcpy(report + 1, canon, len);
		len += 1;
	}
	(void)!write(fd, report, len);
	_exit(0);
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000000;
}

enum fm_pamauth_result
fm_pamauth_check(const char *service, const char *helper, const char *user,
    const char *secret, const char *rhost, unsigned timeout_ms, char *canon,
    size_t canon_size)
{
	unsigned char report[REPORT_MAX];
	enum fm_pamauth_result result = FM_PAMAUTH_UNAVAILABLE;
	struct timespec t0;
	/* A stack may open the store the caller has open (pam_followme
	 * does): regular files stay, see keep_files. */
	static const int ignore[] = {SIGPIPE};
	struct fm_child_spec spec = {.death_signal = SIGKILL,
	    .ignore = ignore,
	    .nignore = 1,
	    .keep_files = true};
	ssize_t n = 0;
	pid_t pid;
	int fd;

	if (service == NULL || user == NULL || secret == NULL ||
	    secret[0] == '\0')
		return FM_PAMAUTH_DENIED;
	if ((pid = fm_child_fork_linked(&spec, 0, -1, &fd, NULL)) < 0)
		return FM_PAMAUTH_UNAVAILABLE;
	if (pid == 0)
		run_child(fd, service, helper, user, secret, rhost);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd = {fd, POLLIN, 0};
		long left = (long)timeout_ms - ms_since(&t0);
		if (left <= 0)
			break;
		int rc = poll(&pfd, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc > 0)
			n = read(fd, report, sizeof(report));
		break;
	}
	close(fd);
	/* A stack that did not answer in time is killed, not waited for. */
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (n >= 1 && report[0] <= FM_PAMAUTH_UNAVAILABLE) {
		result = (enum fm_pamauth_result)report[0];
		if (result == FM_PAMAUTH_OK) {
			if (n < 2 || (size_t)(n - 1) >= canon_size ||
			    memchr(report + 1, '\0', (size_t)n - 1) != NULL) {
				result = FM_PAMAUTH_UNAVAILABLE;
			} else {
				memcpy(canon, report + 1, (size_t)n - 1);
				canon[n - 1] = '\0';
			}
		}
	}
	return result;
}

const char *
fm_pamauth_result_text(enum fm_pamauth_result r)
{
	switch (r) {
	case FM_PAMAUTH_OK:
		return "ok";
	case FM_PAMAUTH_DENIED:
		return "denied";
	case FM_PAMAUTH_ACCOUNT:
		return "account refused";
	case FM_PAMAUTH_UNAVAILABLE:
		return "unavailable";
	}
	return "unavailable";
}
