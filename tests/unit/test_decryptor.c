/*
 * test_decryptor.c - the decryptor's requests, and the decryptor itself
 * on a real spool: verify and read through it, bad names refused, the
 * stream kept in step after a refused chunk.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "release/decryptor.h"
#include "spooler/spool.h"

static void
test_request_codec(void)
{
	struct fm_decryptor_request in = {FM_DECRYPTOR_READ, "12-1",
	                                "urn:uuid:x#1"},
	                            out;
	uint8_t buf[FM_DECRYPTOR_REQUESTMAX];
	const char *err;
	size_t n;

	n = fm_decryptor_request_encode(&in, buf, sizeof(buf));
	ASSERT_UINT_EQ(n, 1 + 1 + 4 + 2 + 12);
	ASSERT_TRUE(fm_decryptor_request_decode(buf, n, &out, &err));
	ASSERT_INT_EQ(out.op, FM_DECRYPTOR_READ);
	ASSERT_STR_EQ(out.name, "12-1");
	ASSERT_STR_EQ(out.identity, "urn:uuid:x#1");
	/* Trailing bytes, short input, unknown op, NUL in a field. */
	ASSERT_FALSE(fm_decryptor_request_decode(buf, n + 1, &out, &err));
	ASSERT_FALSE(fm_decryptor_request_decode(buf, n - 1, &out, &err));
	buf[0] = 9;
	ASSERT_FALSE(fm_decryptor_request_decode(buf, n, &out, &err));
	ASSERT_STR_EQ(err, "unknown operation");
	buf[0] = FM_DECRYPTOR_VERIFY;
	buf[3] = '\0';
	ASSERT_FALSE(fm_decryptor_request_decode(buf, n, &out, &err));
	/* Empty fields are not encoded. */
	in.name[0] = '\0';
	ASSERT_UINT_EQ(fm_decryptor_request_encode(&in, buf, sizeof(buf)), 0);
}

struct collect {
	uint8_t buf[4096];
	size_t len;
	int calls, refuse_after;
};

static bool
collect(const uint8_t *buf, size_t len, void *arg)
{
	struct collect *c = arg;

	if (c->refuse_after >= 0 && c->calls++ >= c->refuse_after)
		return false;
	if (c->len + len > sizeof(c->buf))
		return false;
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	return true;
}

static void
test_decryptor_on_a_spool(void)
{
	char dir[] = "/tmp/fm-decryptor-XXXXXX", tmp[FM_SPOOL_NAMEMAX],
	     name[64];
	uint8_t master[FM_SEALED_MASTERLEN] = {7, 7, 7};
	struct collect c = {.refuse_after = -1};
	const char *err = NULL;
	fm_spool_t *spool;
	fm_decryptor_t *d;
	static const char letters[] = "abcdefghij";
	uint64_t size = 0;
	int in;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_NOT_NULL(spool = fm_spool_open(dir, master, &err));
	/* A document of 3000 bytes, held as the ingest would. */
	in = memfd_create("doc", 0);
	for (int i = 0; i < 3000; i++)
		ASSERT_INT_EQ(write(in, &letters[i % 10], 1), 1);
	ASSERT_INT_EQ(fm_spool_write(spool, in, "u#1", 1 << 20, tmp, &size),
	    FM_SEALED_OK);
	ASSERT_UINT_EQ(size, 3000);
	fm_spool_document_name(5, 1, name, sizeof(name));
	ASSERT_TRUE(fm_spool_commit(spool, tmp, name));
	close(in);

	ASSERT_NOT_NULL(d = fm_decryptor_start(dir, master, &err));
	ASSERT_INT_EQ(fm_decryptor_verify(d, name, "u#1"), FM_SEALED_OK);
	ASSERT_INT_EQ(fm_decryptor_verify(d, name, "u#2"), FM_SEALED_CORRUPT);
	ASSERT_INT_EQ(
	    fm_decryptor_read(d, name, "u#1", collect, &c), FM_SEALED_OK);
	ASSERT_UINT_EQ(c.len, 3000);
	ASSERT_MEM_EQ(c.buf, "abcdefghij", 10);
	/* Names the spool would never make are refused. */
	ASSERT_INT_EQ(
	    fm_decryptor_verify(d, "../master.key", "u#1"), FM_SEALED_INTERNAL);
	/* A sink that gives up mid-stream: the next request still works. */
	c = (struct collect){.refuse_after = 0};
	ASSERT_INT_EQ(
	    fm_decryptor_read(d, name, "u#1", collect, &c), FM_SEALED_IO);
	c = (struct collect){.refuse_after = -1};
	ASSERT_INT_EQ(
	    fm_decryptor_read(d, name, "u#1", collect, &c), FM_SEALED_OK);
	ASSERT_UINT_EQ(c.len, 3000);
	fm_decryptor_stop(d);
	fm_spool_remove(spool, name);
	fm_spool_close(spool);
	rmdir(dir);
}

int
main(void)
{
	RUN(test_request_codec);
	RUN(test_decryptor_on_a_spool);
	return harness_done();
}
