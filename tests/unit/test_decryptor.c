/*
 * test_decryptor.c - the decryptor's requests, and the decryptor itself
 * on a real spool and store: nothing served before a login, a badge login
 * it checks itself, verify and read of the user's document through it,
 * another user's document refused whatever the session names, bad names
 * refused, the stream kept in step after a refused chunk.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "quota/users.h"
#include "release/decryptor.h"
#include "spooler/spool.h"
#include "store/badges.h"
#include "store_fixture.h"

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

/* A held job of owner with one document in spool file name. */
static bool
hold(fm_store_t *st, int id, const char *owner, const char *name)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
	    "INSERT INTO jobs (id, uuid, cups_job_id, owner, state, "
	    "created_at, expires_at) VALUES (%d, 'u%d', %d, '%s', 'held', 1, "
	    "4000000000); INSERT INTO documents (job_id, seq, size, "
	    "spool_file) VALUES (%d, 1, 3000, '%s');",
	    id, id, id, owner, id, name);
	return sqlite3_exec(fm_store_db(st), sql, NULL, NULL, NULL) ==
	    SQLITE_OK;
}

static enum fm_login_outcome
badge_login(fm_decryptor_t *d, const uint8_t *uid, size_t len)
{
	struct fm_login_request r = {.op = FM_LOGIN_BADGE, .terminal = "t1"};
	struct fm_login_answer a;

	memcpy(r.uid, uid, len);
	r.uid_len = len;
	return fm_decryptor_login(d, &r, &a);
}

static void
test_decryptor_on_a_spool(struct fixture *fx)
{
	char dir[160], path[200], tmp[FM_SPOOL_NAMEMAX], mine[64], bobs[64];
	uint8_t master[FM_SEALED_MASTERLEN] = {7, 7, 7}, badge[32];
	static const uint8_t alice_uid[] = {1, 2, 3, 4}, bob_uid[] = {5, 6};
	struct collect c = {.refuse_after = -1};
	struct fm_settings set;
	const char *err = NULL;
	fm_spool_t *spool;
	fm_decryptor_t *d;
	static const char letters[] = "abcdefghij";
	uint64_t size = 0;
	int in;

	fm_settings_defaults(&set);
	snprintf(set.state_dir, sizeof(set.state_dir), "%s", fx->dir);
	snprintf(dir, sizeof(dir), "%s/spool", fx->dir);
	ASSERT_NOT_NULL(spool = fm_spool_open(dir, master, &err));
	/* Two documents of 3000 bytes, alice's and bob's, held as the
	 * ingest would. */
	fm_spool_document_name(5, 1, mine, sizeof(mine));
	fm_spool_document_name(6, 1, bobs, sizeof(bobs));
	for (int k = 0; k < 2; k++) {
		in = memfd_create("doc", 0);
		for (int i = 0; i < 3000; i++)
			ASSERT_INT_EQ(write(in, &letters[i % 10], 1), 1);
		ASSERT_INT_EQ(
		    fm_spool_write(spool, in, "u#1", 1 << 20, tmp, &size),
		    FM_SEALED_OK);
		ASSERT_TRUE(fm_spool_commit(spool, tmp, k ? bobs : mine));
		close(in);
	}
	ASSERT_TRUE(hold(fx->store, 5, "alice", mine));
	ASSERT_TRUE(hold(fx->store, 6, "bob", bobs));
	snprintf(path, sizeof(path), "%s/badge.key", fx->dir);
	ASSERT_TRUE(fm_spool_load_master_key(path, true, badge, &err));
	ASSERT_TRUE(fm_users_ensure(fx->store, "alice"));
	ASSERT_TRUE(fm_users_ensure(fx->store, "bob"));
	ASSERT_TRUE(fm_badges_add(
	    fx->store, badge, "alice", alice_uid, 4, "test", &err));
	ASSERT_TRUE(
	    fm_badges_add(fx->store, badge, "bob", bob_uid, 2, "test", &err));

	ASSERT_NOT_NULL(
	    d = fm_decryptor_start(dir, master, &set, fx->path, &err));
	/* Nobody logged in: nothing is served. */
	ASSERT_INT_EQ(fm_decryptor_verify(d, mine, "u#1"), FM_SEALED_IO);
	/* An unknown badge logs nobody in. */
	ASSERT_INT_EQ(
	    badge_login(d, (const uint8_t *)"\x09", 1), FM_LOGIN_UNKNOWN_BADGE);
	ASSERT_INT_EQ(fm_decryptor_verify(d, mine, "u#1"), FM_SEALED_IO);
	ASSERT_INT_EQ(badge_login(d, alice_uid, 4), FM_LOGIN_OK);
	ASSERT_INT_EQ(fm_decryptor_verify(d, mine, "u#1"), FM_SEALED_OK);
	ASSERT_INT_EQ(fm_decryptor_verify(d, mine, "u#2"), FM_SEALED_CORRUPT);
	ASSERT_INT_EQ(
	    fm_decryptor_read(d, mine, "u#1", collect, &c), FM_SEALED_OK);
	ASSERT_UINT_EQ(c.len, 3000);
	ASSERT_MEM_EQ(c.buf, "abcdefghij", 10);
	/* Bob's document, named by alice's session: refused, not a byte. */
	c = (struct collect){.refuse_after = -1};
	ASSERT_INT_EQ(fm_decryptor_verify(d, bobs, "u#1"), FM_SEALED_IO);
	ASSERT_INT_EQ(
	    fm_decryptor_read(d, bobs, "u#1", collect, &c), FM_SEALED_IO);
	ASSERT_UINT_EQ(c.len, 0);
	/* Names the spool would never make are refused. */
	ASSERT_INT_EQ(
	    fm_decryptor_verify(d, "../master.key", "u#1"), FM_SEALED_IO);
	/* A sink that gives up mid-stream: the next request still works. */
	c = (struct collect){.refuse_after = 0};
	ASSERT_INT_EQ(
	    fm_decryptor_read(d, mine, "u#1", collect, &c), FM_SEALED_IO);
	c = (struct collect){.refuse_after = -1};
	ASSERT_INT_EQ(
	    fm_decryptor_read(d, mine, "u#1", collect, &c), FM_SEALED_OK);
	ASSERT_UINT_EQ(c.len, 3000);
	/* Bob logs in on the same session: only his document now. */
	ASSERT_INT_EQ(badge_login(d, bob_uid, 2), FM_LOGIN_OK);
	ASSERT_INT_EQ(fm_decryptor_verify(d, bobs, "u#1"), FM_SEALED_OK);
	ASSERT_INT_EQ(fm_decryptor_verify(d, mine, "u#1"), FM_SEALED_IO);
	/* After a logout, nobody's. */
	struct fm_login_request r = {.op = FM_LOGIN_LOGOUT, .terminal = "t1"};
	struct fm_login_answer a;
	ASSERT_INT_EQ(fm_decryptor_login(d, &r, &a), FM_LOGIN_OK);
	ASSERT_INT_EQ(fm_decryptor_verify(d, bobs, "u#1"), FM_SEALED_IO);
	fm_decryptor_stop(d);
	fm_wipe(badge, sizeof(badge));
	fm_spool_close(spool);
}

static void
test_login_codec(void)
{
	struct fm_login_request in = {.op = FM_LOGIN_BADGE_SECRET,
	                            .terminal = "t1",
	                            .secret = "1234",
	                            .uid = {1, 2},
	                            .uid_len = 2},
	                        out;
	struct fm_login_answer a = {FM_LOGIN_LOCKED, 60, "alice", "x"}, b;
	uint8_t buf[FM_LOGIN_REQUESTMAX];
	const char *err;
	size_t n;

	ASSERT_TRUE((n = fm_login_request_encode(&in, buf, sizeof(buf))) > 0);
	ASSERT_TRUE(fm_login_request_decode(buf, n, &out, &err));
	ASSERT_INT_EQ(out.op, FM_LOGIN_BADGE_SECRET);
	ASSERT_STR_EQ(out.secret, "1234");
	ASSERT_UINT_EQ(out.uid_len, 2);
	ASSERT_FALSE(fm_login_request_decode(buf, n - 1, &out, &err));
	ASSERT_FALSE(fm_login_request_decode(buf, n + 1, &out, &err));
	buf[0] = 9;
	ASSERT_FALSE(fm_login_request_decode(buf, n, &out, &err));
	ASSERT_TRUE((n = fm_login_answer_encode(&a, buf, sizeof(buf))) > 0);
	ASSERT_TRUE(fm_login_answer_decode(buf, n, &b));
	ASSERT_INT_EQ(b.outcome, FM_LOGIN_LOCKED);
	ASSERT_UINT_EQ(b.wait, 60);
	ASSERT_STR_EQ(b.user, "alice");
	buf[0] = 99;
	ASSERT_FALSE(fm_login_answer_decode(buf, n, &b));
}

int
main(void)
{
	RUN(test_request_codec);
	RUN(test_login_codec);
	RUN_FIXTURE(test_decryptor_on_a_spool);
	return harness_done();
}
