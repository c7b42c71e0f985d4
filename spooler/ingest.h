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

#include "store/store.h"
#include "common/settings.h"
#include "spooler/ingestmsg.h"
#include "spooler/spool.h"

struct fm_ingest_ctx {
	const struct fm_settings *settings;
	fm_spool_t *spool;
	fm_store_t *store;
	int64_t now;
};

/*
 * 'fm_ingest_handle()' - receive one request with its data descriptor on
 * conn, hold the document, and reply.
 *
 * Always replies unless the peer is gone: STORED once the sealed file and
 * its row are durable, DUPLICATE for a document already held (or a job
 * already ended), RETRY when nothing was kept but a later try may succeed,
 * REFUSED with the reason when the job can never be held.  Returns the
 * status sent.
 */
enum fm_ingest_status fm_ingest_handle(struct fm_ingest_ctx *ctx, int conn);

#endif
