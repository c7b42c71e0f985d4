/*
 * fm-unseal.c - test tool: decrypt one held document to stdout.
 *
 *	fm-unseal STATE_DIR SPOOL_FILE JOB_UUID SEQ
 *
 * Uses the master key under STATE_DIR; the test takes the spool file name
 * from followme-admin jobs show --json.  Exit 0 if the file decrypts and
 * verifies, 3 if it is corrupt, 1 on other errors.  Only for tests:
 * production never writes held print data anywhere but to a printer.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/aead.h"
#include "spooler/spool.h"

static bool
to_stdout(const uint8_t *buf, size_t len, void *arg)
{
	(void)arg;
	return fwrite(buf, 1, len, stdout) == len;
}

/* The spool under state_dir, opened with its master key, whose copy
 * here is wiped; NULL with the reason printed. */
static fm_spool_t *
open_spool(const char *state_dir)
{
	uint8_t key[FM_SEALED_MASTERLEN];
	char path[1024];
	const char *err = NULL;
	fm_spool_t *spool = NULL;

	snprintf(path, sizeof(path), "%s/master.key", state_dir);
	if (fm_spool_load_master_key(path, false, key, &err)) {
		snprintf(path, sizeof(path), "%s/spool", state_dir);
		spool = fm_spool_open(path, key, &err);
	}
	fm_wipe(key, sizeof(key));
	if (spool == NULL)
		fprintf(stderr, "fm-unseal: %s: %s\n", path, err);
	return spool;
}

int
main(int argc, char **argv)
{
	char identity[256];
	enum fm_sealed_status st;
	fm_spool_t *spool;

	if (argc != 5) {
		fprintf(stderr,
		    "usage: fm-unseal STATE_DIR SPOOL_FILE JOB_UUID "
		    "SEQ\n");
		return 1;
	}
	if ((spool = open_spool(argv[1])) == NULL)
		return 1;
	fm_spool_identity(argv[3], atoi(argv[4]), identity, sizeof(identity));
	st = fm_spool_read(spool, argv[2], identity, to_stdout, NULL);
	fm_spool_close(spool);
	fflush(stdout);
	if (st != FM_SEALED_OK) {
		fprintf(stderr, "fm-unseal: %s\n", fm_sealed_status_text(st));
		return st == FM_SEALED_CORRUPT ? 3 : 1;
	}
	return 0;
}
