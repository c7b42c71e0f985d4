/*
 * ingest.h - followmed's side of the ingest protocol: one connection from
 * the backend, handled in a worker process.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_INGEST_H
#define FM_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "common/settings.h"
#include "quota/users.h"
#include "spooler/ingestmsg.h"
#include "spooler/spool.h"
#include "store/store.h"

struct fm_ingest_ctx {
	const struct fm_settings *settings;
	fm_spool_t *spool;
	fm_store_t *store;
	int64_t now;
	/* Set by fm_ingest_handle(): the owner, when this job made them a
	 * user (their first print), else "". */
	char new_user[FM_USERS_LOGINMAX];
};

/*
 * 'fm_ingest_handle()' - receive one request with its data descriptor on
 * conn, hold the document, and reply.
 *
 * Always replies unless the peer is gone: STORED once the sealed file and
 * its row are durable, DUPLICATE for a document already held (or a job
 * already ended), RETRY when nothing was kept but a later try may succeed
 * (the request did not come within the settings' request_timeout, the
 * store was busy, the disk full), REFUSED with the reason when the job
 * can never be held (its data is not a regular file, too large, a denied
 * user).  Returns the status sent.  A data file that never answers a read
 * (a hung network file system) holds the caller: followmed bounds the
 * worker as a whole (FM_INGEST_REPLY_TIMEOUT_SEC).
 */
enum fm_ingest_status fm_ingest_handle(struct fm_ingest_ctx *ctx, int conn);

#endif
