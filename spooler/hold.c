/*
 * hold.c - ending held jobs and destroying their spool files.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/hold.h"

#include "store/jobstore.h"

struct destroy_ctx {
	fm_store_t *store;
	fm_spool_t *spool;
	bool ok;
};

static bool
destroy_document(const struct fm_document *doc, void *arg)
{
	struct destroy_ctx *ctx = arg;

	if (doc->spool_file[0] == '\0')
		return true; /* destroyed before */
	if (fm_spool_remove(ctx->spool, doc->spool_file))
		fm_jobstore_forget_file(ctx->store, doc->job_id, doc->seq);
	else
		ctx->ok = false;
	/* One file that will not go is no reason to keep the others. */
	return true;
}

bool
fm_hold_destroy(fm_store_t *store, fm_spool_t *spool, int64_t job_id)
{
	struct destroy_ctx ctx = {store, spool, true};

	if (store == NULL || spool == NULL)
		return false;
	/* A job whose documents cannot be listed may keep files too. */
	return fm_jobstore_documents(store, job_id, destroy_document, &ctx) &&
	    ctx.ok;
}

enum fm_hold_result
fm_hold_end(fm_store_t *store, fm_spool_t *spool, int64_t job_id,
    const char *state, const char *detail, int64_t now)
{
	bool destroyed;

	if (store == NULL || spool == NULL || state == NULL ||
	    !fm_jobstore_end(store, job_id, state, detail, now))
		return FM_HOLD_NOT_HELD;
	destroyed = fm_hold_destroy(store, spool, job_id);
	/* The erased keys' old page images leave the WAL now (or with the
	 * next checkpoint, if a reader holds an older snapshot).  Not after
	 * a print: sessions must not wait on readers, and the pages there
	 * go with SQLite's own checkpoints. */
	fm_store_checkpoint(store);
	return destroyed ? FM_HOLD_ENDED : FM_HOLD_FILES_LEFT;
}
