/*
 * fm-pamprompt.c - test tool: run a PAM service's auth for a user and
 * print each prompt the stack shows, as a login program would.
 *
 *	fm-pamprompt SERVICE USER < secret
 *
 * Prints "prompt: TEXT" for each prompt, then "ok" or the PAM error;
 * exit 0 for ok.  pamtester cannot load a module built with ASan: this
 * is built as the module is.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <locale.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
conversation(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	const char *secret = arg;
	struct pam_response *r;

	if (n <= 0 || n > PAM_MAX_NUM_MSG ||
	    (r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_CONV_ERR;
	for (int i = 0; i < n; i++) {
		printf("prompt: %s\n", msg[i]->msg);
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = strdup(secret);
	}
	*resp = r;
	return PAM_SUCCESS;
}

int
main(int argc, char **argv)
{
	char secret[128] = "";
	struct pam_conv conv = {conversation, secret};
	pam_handle_t *ph = NULL;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: fm-pamprompt SERVICE USER < secret\n");
		return 2;
	}
	/* As a login program does: the modules' prompts follow it. */
	setlocale(LC_ALL, "");
	if (fgets(secret, sizeof(secret), stdin) != NULL)
		secret[strcspn(secret, "\n")] = '\0';
	if ((rc = pam_start(argv[1], argv[2], &conv, &ph)) == PAM_SUCCESS)
		rc = pam_authenticate(ph, 0);
	printf("%s\n", rc == PAM_SUCCESS ? "ok" : pam_strerror(ph, rc));
	pam_end(ph, rc);
	return rc == PAM_SUCCESS ? 0 : 1;
}
