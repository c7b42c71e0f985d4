/*
 * heldcount.c - counting held documents' pages after the hold.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/heldcount.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

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

/* One document of a call: its plaintext, then its result. */
struct item {
	bool read;      /* pending, and read (or found damaged) */
	bool opened;    /* its held copy opened: plain holds it all */
	struct plain p; /* wiped and freed once counted */
	struct fm_document out;
	char detail[160];
};

static void
step(fm_heldcount_progress progress, void *arg, int i, enum fm_heldcount_step s)
{
	if (progress != NULL)
		progress(arg, i, s);
}

static uint64_t
now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Plaintext lives in mappings of its own, not the heap: the limited child
 * that parses one document unmaps the others' (hide_others()). */
static uint8_t *
map_plain(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void
unmap_plain(struct plain *p)
{
	if (p->buf == NULL)
		return;
	fm_wipe(p->buf, p->cap);
	munmap(p->buf, p->cap);
	p->buf = NULL;
}

/* The documents of a call, for hide_others(). */
struct batch {
	struct item *items;
	int n, current;
};

/* In the limited child that parses one document: the other documents'
 * plaintext goes (unmapped, not copied), so that a parser or Ghostscript
 * bug one document exploits reaches no other document. */
static void
hide_others(void *arg)
{
	struct batch *b = arg;

	for (int i = 0; i < b->n; i++)
		if (i != b->current && b->items[i].p.buf != NULL)
			munmap(b->items[i].p.buf, b->items[i].p.cap);
}

/* Reads document docs[i] into it, if it is pending and its plaintext fits
 * in *budget (or it is the first); false to stop reading. */
static bool
read_doc(fm_store_t *store, fm_spool_t *spool,
    const struct fm_heldcount_doc *doc, bool first, uint64_t *budget,
    struct item *it)
{
	struct fm_spool_key key;
	struct fm_job job;
	struct find f;
	enum fm_sealed_status st;
	char identity[256];

	if (!find_pending(store, doc->job_id, doc->seq, &job, &f))
		return true;
	if (!first && (uint64_t)f.doc.size > *budget)
		return false;
	*budget -=
	    (uint64_t)f.doc.size > *budget ? *budget : (uint64_t)f.doc.size;
	it->read = true;
	it->out = (struct fm_document){
	    .job_id = doc->job_id, .seq = doc->seq, .pages = -1};
	key = (struct fm_spool_key){
	    job.ticket.owner, f.doc.wrapped_key, f.doc.wrapped_len};
	fm_spool_identity(
	    job.ticket.uuid, doc->seq, identity, sizeof(identity));
	it->p.cap = (size_t)f.doc.size;
	if (it->p.cap > 0 && (it->p.buf = map_plain(it->p.cap)) == NULL) {
		/* Not the document's fault: it stays pending. */
		it->read = false;
		fm_wipe(f.doc.wrapped_key, sizeof(f.doc.wrapped_key));
		return false;
	}
	st = fm_spool_read(
	    spool, f.doc.spool_file, identity, &key, collect, &it->p);
	fm_wipe(f.doc.wrapped_key, sizeof(f.doc.wrapped_key));
	it->opened = st == FM_SEALED_OK && it->p.len == it->p.cap;
	return true;
}

/* Counts a read document into it->out and it->detail. */
static void
count_doc(struct item *it, const struct fm_heldcount_opts *o, struct batch *b)
{
	struct fm_pagecount_opts opts;
	struct fm_pagecount pc;
	struct fm_document *out = &it->out;
	int seq = out->seq;

	if (!it->opened) {
		snprintf(
		    out->count_status, sizeof(out->count_status), "damaged");
		snprintf(it->detail, sizeof(it->detail),
		    "document %d: the held copy does not open", seq);
		return;
	}
	/* Options as the backend counts with: the job's own copies, sides
	 * and number-up apply at release (charge.c). */
	fm_pagecount_opts_init(&opts);
	opts.timeout_sec = o->timeout_sec;
	opts.idle = o->idle;
	opts.in_child = hide_others;
	opts.in_child_arg = b;
	if (!fm_pagecount_buf(it->p.buf, it->p.len, &opts, &pc) &&
	    pc.status == FM_PC_OK)
		pc.status = FM_PC_TOO_COMPLEX;
	/* At SCHED_IDLE a busy machine may have left the analysis no time
	 * at all: a time limit reached then says nothing of the document,
	 * which is counted again at the child's own priority. */
	if (o->idle && pc.status == FM_PC_TOO_COMPLEX &&
	    strstr(pc.reason, "time limit") != NULL) {
		opts.idle = false;
		if (!fm_pagecount_buf(it->p.buf, it->p.len, &opts, &pc) &&
		    pc.status == FM_PC_OK)
			pc.status = FM_PC_TOO_COMPLEX;
	}
	snprintf(out->count_status, sizeof(out->count_status), "%s",
	    fm_pagecount_status_name(pc.status));
	if (pc.status == FM_PC_OK && pc.pages <= INT64_MAX / 2) {
		out->pages = (int64_t)pc.pages;
		out->color_pages = (int64_t)pc.color_pages;
		out->mono_pages = (int64_t)pc.mono_pages;
		out->impressions = (int64_t)pc.impressions;
		out->sheets = (int64_t)pc.sheets;
		snprintf(it->detail, sizeof(it->detail),
		    "document %d: %lld page(s)", seq, (long long)out->pages);
	} else {
		snprintf(it->detail, sizeof(it->detail), "document %d: %s", seq,
		    pc.reason);
	}
}

/* Records the counted items [from, to) together; how many it recorded, or
 * -1 on a store error. */
static int
record(fm_store_t *store, struct item *items, int from, int to)
{
	struct fm_document docs[FM_HELDCOUNT_MAX];
	const char *details[FM_HELDCOUNT_MAX];
	bool recorded[FM_HELDCOUNT_MAX];
	size_t n = 0;
	int got = 0;

	for (int i = from; i < to; i++) {
		if (!items[i].read)
			continue;
		docs[n] = items[i].out;
		details[n++] = items[i].detail;
	}
	if (n == 0)
		return 0;
	if (!fm_jobstore_set_counts(
	        store, docs, details, n, (int64_t)time(NULL), recorded))
		return -1;
	for (size_t i = 0; i < n; i++)
		got += recorded[i];
	return got;
}

int
fm_heldcount_documents(fm_store_t *store, fm_spool_t *spool,
    const struct fm_heldcount_doc *docs, int n,
    const struct fm_heldcount_opts *opts, fm_heldcount_progress progress,
    void *arg)
{
	struct item *items;
	struct batch b;
	uint64_t budget, last;
	int done = 0, from = 0, got;

	if (store == NULL || spool == NULL || docs == NULL || opts == NULL ||
	    n < 0 || n > FM_HELDCOUNT_MAX ||
	    (items = calloc((size_t)(n > 0 ? n : 1), sizeof(*items))) == NULL) {
		fm_spool_close(spool);
		return -1;
	}
	/* Every document is read before any is parsed: the master key
	 * goes with the spool handle, and the analysis children forked
	 * below must not inherit it. */
	budget = opts->max_bytes;
	for (int i = 0; i < n; i++) {
		step(progress, arg, i, FM_HELDCOUNT_READ);
		if (!read_doc(
		        store, spool, &docs[i], i == 0, &budget, &items[i]))
			break;
	}
	fm_spool_close(spool);
	spool = NULL;
	b = (struct batch){items, n, -1};

	last = now_usec();
	for (int i = 0; i < n; i++) {
		if (!items[i].read)
			continue;
		step(progress, arg, i, FM_HELDCOUNT_COUNT);
		b.current = i;
		count_doc(&items[i], opts, &b);
		unmap_plain(&items[i].p);
		step(progress, arg, i, FM_HELDCOUNT_DONE);
		/* One commit for the counts of a while, not one each: each
		 * costs about what counting a one-page document does. */
		if (now_usec() - last < opts->commit_usec && i + 1 < n)
			continue;
		if ((got = record(store, items, from, i + 1)) < 0) {
			done = -1;
			break;
		}
		done += got;
		from = i + 1;
		last = now_usec();
	}
	if (done >= 0 && from < n && (got = record(store, items, from, n)) >= 0)
		done += got;
	else if (from < n)
		done = -1;
	for (int i = 0; i < n; i++)
		unmap_plain(&items[i].p);
	free(items);
	return done;
}

void
fm_heldcount_progress_encode(
    int i, enum fm_heldcount_step step, uint8_t rec[FM_HELDCOUNT_PROGRESS_LEN])
{
	rec[0] = (uint8_t)step;
	rec[1] = (uint8_t)i;
}

bool
fm_heldcount_progress_decode(const uint8_t *buf, size_t len, int ndocs, int *on)
{
	*on = 0;
	if (buf == NULL && len > 0)
		return false;
	for (size_t i = 0; i < len; i += FM_HELDCOUNT_PROGRESS_LEN) {
		if (len - i < FM_HELDCOUNT_PROGRESS_LEN ||
		    buf[i] > FM_HELDCOUNT_DONE || buf[i + 1] >= ndocs)
			return false;
		*on = buf[i] == FM_HELDCOUNT_DONE ? -1 : buf[i + 1];
	}
	return true;
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
