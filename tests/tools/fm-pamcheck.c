/*
 * fm-pamcheck.c - test tool: fm_pamauth_check() from the command line.
 *
 *	fm-pamcheck SERVICE USER TIMEOUT_MS [HELPER-SOCKET] < secret
 *
 * Prints "ok NAME", "denied", "account refused" or "unavailable" and the
 * milliseconds it took; exit 0 for ok, 1 otherwise.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/aead.h"
#include "release/pamauth.h"

int
main(int argc, char **argv)
{
	char secret[128] = "", canon[256] = "";
	struct timespec t0, t1;
	enum fm_pamauth_result r;

	if (argc != 4 && argc != 5) {
		fprintf(stderr,
		    "usage: fm-pamcheck SERVICE USER TIMEOUT_MS "
		    "[HELPER-SOCKET]\n");
		return 2;
	}
	if (fgets(secret, sizeof(secret), stdin) != NULL)
		secret[strcspn(secret, "\n")] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = fm_pamauth_check(argv[1], argc == 5 ? argv[4] : NULL, argv[2],
	    secret, "terminal-test", (unsigned)atoi(argv[3]), canon,
	    sizeof(canon));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fm_wipe(secret, sizeof(secret));
	printf("%s%s%s %ld\n", fm_pamauth_result_text(r),
	    r == FM_PAMAUTH_OK ? " " : "", r == FM_PAMAUTH_OK ? canon : "",
	    (t1.tv_sec - t0.tv_sec) * 1000 +
	        (t1.tv_nsec - t0.tv_nsec) / 1000000);
	return r == FM_PAMAUTH_OK ? 0 : 1;
}
