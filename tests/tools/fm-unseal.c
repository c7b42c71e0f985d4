/*
 * fm-unseal.c - test tool: decrypt one held document to stdout.
 *
 *	fm-unseal STATE_DIR SPOOL_FILE JOB_UUID SEQ
 *
 * Uses the master key under STATE_DIR and the document's wrapped key and
 * owner from the store there (found by the spool file's name, JOBID-SEQ):
 * all someone holding master.key and the database has.  A document with
 * no wrapped key (stored before document keys, or destroyed) is tried
 * under the master key itself.  The test takes the spool file name from
 * followme-admin jobs show --json.  Exit 0 if the file decrypts and
 * verifies, 3 if it is corrupt (or its key is gone), 1 on other errors.
 * Only for tests: production never writes held print data anywhere but
 * to a printer.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/aead.h"
#include "spooler/spool.h"
#include "store/jobstore.h"

/* What the store says about the document. */
struct found {
	int seq;
	char owner[256];
	struct fm_document doc;
	bool have;
};

static bool
find_seq(const struct fm_document *doc, void *arg)
{
	struct found *f = arg;

	if (doc->seq == f->seq) {
		f->doc = *doc;
		f->have = true;
	}
	return true;
}

/* The document's wrapped key and owner, from the store under state_dir
 * (none, if the store has no such document or key). */
static void
find_key(const char *state_dir, const char *file, struct found *f)
{
	const char *err = NULL;
	char path[1024];
	struct fm_job job;
	fm_store_t *store;
	int64_t job_id = strtoll(file, NULL, 10);

	snprintf(path, sizeof(path), "%s/followme.db", state_dir);
	if ((store = fm_store_open(path, &err)) == NULL) {
		fprintf(stderr, "fm-unseal: %s: %s\n", path, err);
		return;
	}
	if (fm_jobstore_get(store, job_id, &job)) {
		snprintf(f->owner, sizeof(f->owner), "%s", job.ticket.owner);
		fm_jobstore_documents(store, job_id, find_seq, f);
	}
	fm_store_close(store);
}

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
	struct found f = {0};
	struct fm_spool_key key = {0};
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
	f.seq = atoi(argv[4]);
	find_key(argv[1], argv[2], &f);
	if (f.have)
		key = (struct fm_spool_key){
		    f.owner, f.doc.wrapped_key, f.doc.wrapped_len};
	st = fm_spool_read(spool, argv[2], identity, &key, to_stdout, NULL);
	fm_spool_close(spool);
	fflush(stdout);
	if (st != FM_SEALED_OK) {
		fprintf(stderr, "fm-unseal: %s\n", fm_sealed_status_text(st));
		return st == FM_SEALED_CORRUPT ? 3 : 1;
	}
	return 0;
}
