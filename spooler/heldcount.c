/*
 * heldcount.c - counting a held document's pages after the hold.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/heldcount.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/aead.h"
#include "spooler/pagecount.h"
#include "store/jobstore.h"

struct find {
	int seq;
	bool found;
	struct fm_document doc;
};

static bool
find_doc(const struct fm_document *doc, void *arg)
{
	struct find *f = arg;

	if (doc->seq != f->seq)
		return true;
	f->doc = *doc;
	f->found = true;
	return false;
}

/* The plaintext, in memory only, no larger than the document said. */
struct plain {
	uint8_t *buf;
	size_t len, cap;
};

static bool
collect(const uint8_t *buf, size_t len, void *arg)
{
	struct plain *p = arg;

	if (len > p->cap - p->len)
		return false;
	memcpy(p->buf + p->len, buf, len);
	p->len += len;
	return true;
}

/* Looks document seq of job_id up; false unless it is still pending. */
static bool
find_pending(fm_store_t *store, int64_t job_id, int seq, struct fm_job *job,
    struct find *f)
{
	f->seq = seq;
	f->found = false;
	if (!fm_jobstore_get(store, job_id, job) ||
	    strcmp(job->state, "held") != 0)
		return false;
	(void)fm_jobstore_documents(store, job_id, find_doc, f);
	return f->found && strcmp(f->doc.count_status, "pending") == 0 &&
	    f->doc.spool_file[0] != '\0';
}

bool
fm_heldcount_document(fm_store_t *store, fm_spool_t *spool, int64_t job_id,
    int seq, unsigned timeout_sec, int64_t now)
{
	struct fm_pagecount_opts opts;
	struct fm_pagecount pc;
	struct plain p = {0};
	struct fm_spool_key key;
	struct fm_job job;
	struct find f;
	enum fm_sealed_status st;
	char identity[256], detail[160];
	struct fm_document out;
	bool ok;

	if (store == NULL || spool == NULL ||
	    !find_pending(store, job_id, seq, &job, &f)) {
		fm_spool_close(spool);
		return false;
	}
	key = (struct fm_spool_key){
	    job.ticket.owner, f.doc.wrapped_key, f.doc.wrapped_len};
	fm_spool_identity(job.ticket.uuid, seq, identity, sizeof(identity));
	p.cap = (size_t)f.doc.size;
	if (p.cap > 0 && (p.buf = malloc(p.cap)) == NULL) {
		fm_spool_close(spool);
		return false;
	}
	st =
	    fm_spool_read(spool, f.doc.spool_file, identity, &key, collect, &p);
	fm_wipe(f.doc.wrapped_key, sizeof(f.doc.wrapped_key));
	/* The master key goes before any of the data is parsed: the
	 * analysis children forked below must not inherit it. */
	fm_spool_close(spool);
	spool = NULL;

	out = (struct fm_document){.job_id = job_id, .seq = seq, .pages = -1};
	if (st != FM_SEALED_OK || p.len != p.cap) {
		snprintf(out.count_status, sizeof(out.count_status), "damaged");
		snprintf(detail, sizeof(detail),
		    "document %d: the held copy does not open", seq);
	} else {
		/* Options as the backend counts with: the job's own copies,
		 * sides and number-up apply at release (charge.c). */
		fm_pagecount_opts_init(&opts);
		opts.timeout_sec = timeout_sec;
		if (!fm_pagecount_buf(p.buf, p.len, &opts, &pc) &&
		    pc.status == FM_PC_OK)
			pc.status = FM_PC_TOO_COMPLEX;
		snprintf(out.count_status, sizeof(out.count_status), "%s",
		    fm_pagecount_status_name(pc.status));
		if (pc.status == FM_PC_OK && pc.pages <= INT64_MAX / 2) {
			out.pages = (int64_t)pc.pages;
			out.color_pages = (int64_t)pc.color_pages;
			out.mono_pages = (int64_t)pc.mono_pages;
			out.impressions = (int64_t)pc.impressions;
			out.sheets = (int64_t)pc.sheets;
			snprintf(detail, sizeof(detail),
			    "document %d: %lld page(s)", seq,
			    (long long)out.pages);
		} else {
			snprintf(detail, sizeof(detail), "document %d: %s", seq,
			    pc.reason);
		}
	}
	if (p.buf != NULL) {
		fm_wipe(p.buf, p.cap);
		free(p.buf);
	}
	ok = fm_jobstore_set_count(store, &out, detail, now);
	return ok;
}

bool
fm_heldcount_failed(
    fm_store_t *store, int64_t job_id, int seq, const char *why, int64_t now)
{
	struct fm_document out = {.job_id = job_id, .seq = seq, .pages = -1};
	char detail[160];

	if (store == NULL)
		return false;
	snprintf(out.count_status, sizeof(out.count_status), "too-complex");
	snprintf(detail, sizeof(detail), "document %d: %s", seq,
	    why ? why : "analysis failed");
	return fm_jobstore_set_count(store, &out, detail, now);
}
