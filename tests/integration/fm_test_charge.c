/*
 * fm_test_charge.c - charges one job the way the release service will,
 * for the integration tests: quote, reserve, commit.
 *
 *	fm_test_charge DB AT USER PRINTER JOB MONO_SIMPLEX MONO_DUPLEX
 *	    COLOUR_SIMPLEX [ACCOUNT]
 *
 * AT is the UNIX time to stamp (0: now); ACCOUNT the project (or
 * department) code charged, as a job's job-account-id.  Exits 0 when charged, 3
 *when denied (the reason on stderr), 1 on errors.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quota/ledger-local.h"
#include "quota/ledger.h"
#include "quota/price.h"

int
main(int argc, char **argv)
{
	struct fm_usage u = {"A4", {{0}}, {{0}}};
	struct fm_reservation r;
	struct fm_quote q;
	char key[64], ckey[64], denial[FM_LEDGER_DENIALMAX];
	const char *errstr = NULL;
	struct fm_ledger_request req;
	struct fm_ledger_settle settle;
	fm_ledger_t *ledger;
	fm_store_t *s;
	char keypath[512], *slash;
	long long job;

	if (argc != 9 && argc != 10) {
		fprintf(stderr,
		    "usage: fm_test_charge DB AT USER PRINTER JOB "
		    "MONO_S MONO_D COLOUR_S [ACCOUNT]\n");
		return 1;
	}
	/* Charges as the ledger writer would: with the ledger key beside
	 * the database. */
	snprintf(keypath, sizeof(keypath), "%s", argv[1]);
	if ((slash = strrchr(keypath, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(keypath, sizeof(keypath), ".");
	if (strlen(keypath) + sizeof("/ledger.key") > sizeof(keypath)) {
		fprintf(stderr, "%s: path too long\n", argv[1]);
		return 1;
	}
	strcat(keypath, "/ledger.key");
	if ((s = fm_store_open(argv[1], &errstr)) == NULL ||
	    !fm_ledger_load_key(s, keypath, false, &errstr) ||
	    (ledger = fm_ledger_local_open(s)) == NULL) {
		fprintf(stderr, "%s: %s\n", argv[1], errstr);
		return 1;
	}
	fm_store_set_now(s, strtoll(argv[2], NULL, 10));
	job = strtoll(argv[5], NULL, 10);
	u.impressions[0][0] = u.sheets[0][0] = strtoll(argv[6], NULL, 10);
	u.impressions[0][1] = strtoll(argv[7], NULL, 10);
	u.sheets[0][1] = (u.impressions[0][1] + 1) / 2;
	u.impressions[1][0] = u.sheets[1][0] = strtoll(argv[8], NULL, 10);
	snprintf(key, sizeof(key), "release-%lld", job);
	snprintf(ckey, sizeof(ckey), "release-%lld-commit", job);
	if (!fm_price_quote(s, argv[4], &u, &q)) {
		fprintf(stderr, "quote: %s\n", q.error);
		return 1;
	}
	req = (struct fm_ledger_request){argv[3], argc == 10 ? argv[9] : NULL,
	    q.amount, key, job, q.version};
	if (!fm_ledger_reserve(ledger, &req, &r, denial, sizeof(denial))) {
		fprintf(stderr, "denied: %s\n", denial);
		fm_ledger_close(ledger);
		fm_store_close(s);
		return 3;
	}
	settle =
	    (struct fm_ledger_settle){r.id, q.amount, true, argv[4], &u, ckey};
	if (!fm_ledger_commit(ledger, &settle, &errstr)) {
		fprintf(stderr, "commit: %s\n", errstr);
		return 1;
	}
	printf("%lld\n", (long long)q.amount);
	fm_ledger_close(ledger);
	fm_store_close(s);
	return 0;
}
