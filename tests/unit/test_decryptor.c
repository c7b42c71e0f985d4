/*
 * test_decryptor.c - the decryptor's requests, and the decryptor itself
 * on a real spool and store: nothing served before a login, a badge login
 * it checks itself, verify and read of the user's document through it,
 * another user's document refused whatever the session names or wrote in
 * the store, bad names refused, the stream kept in step after a refused
 * chunk; documents' own keys, which do not open another document or for
 * another user.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <stdio.h>
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
	                                "urn:uuid:x#1", "alice", {1, 2, 3}, 3},
	                            out;
	uint8_t buf[FM_DECRYPTOR_REQUESTMAX];
	const char *err;
	size_t n;

	n = fm_decryptor_request_encode(&in, buf, sizeof(buf));
	ASSERT_UINT_EQ(n, 1 + 1 + 4 + 2 + 12 + 1 + 5 + 1 + 3);
	ASSERT_TRUE(fm_decryptor_request_decode(buf, n, &out, &err));
	ASSERT_INT_EQ(out.op, FM_DECRYPTOR_READ);
	ASSERT_STR_EQ(out.name, "12-1");
	ASSERT_STR_EQ(out.identity, "urn:uuid:x#1");
	ASSERT_STR_EQ(out.owner, "alice");
	ASSERT_UINT_EQ(out.wrapped_len, 3);
	ASSERT_MEM_EQ(out.wrapped, "\1\2\3", 3);
	/* Trailing bytes, short input, unknown op, NUL in a field. */
	ASSERT_FALSE(fm_decryptor_request_decode(buf, n + 1, &out, &err));
	ASSERT_FALSE(fm_decryptor_request_decode(buf, n - 1, &out, &err));
	/* A wrapped key longer than any is refused. */
	buf[n - 4] = FM_DECRYPTOR_WRAPPEDMAX + 1;
	ASSERT_FALSE(fm_decryptor_request_decode(buf, n, &out, &err));
	buf[n - 4] = 3;
	buf[0] = 9;
	ASSERT_FALSE(fm_decryptor_request_decode(buf, n, &out, &err));
	ASSERT_STR_EQ(err, "unknown operation");
	buf[0] = FM_DECRYPTOR_VERIFY;
	buf[3] = '\0';
	ASSERT_FALSE(fm_decryptor_request_decode(buf, n, &out, &err));
	/* Empty fields are not encoded. */
	in.name[0] = '\0';
	ASSERT_UINT_EQ(fm_decryptor_request_encode(&in, buf, sizeof(buf)), 0);
	/* Without a wrapped key (a document from before document keys). */
	in = (struct fm_decryptor_request){
	    .op = FM_DECRYPTOR_VERIFY, .name = "1-1", .identity = "u#1"};
	n = fm_decryptor_request_encode(&in, buf, sizeof(buf));
	ASSERT_TRUE(fm_decryptor_request_decode(buf, n, &out, &err));
	ASSERT_UINT_EQ(out.wrapped_len, 0);
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

/* Seals 3000 bytes as document 1 of job (its identity, owner) as the
 * ingest would: its file name into name, its wrapped key into wrapped. */
static bool
seal(fm_spool_t *spool, int job, const char *identity, const char *owner,
    char *name, uint8_t *wrapped)
{
	static const char letters[] = "abcdefghij";
	char tmp[FM_SPOOL_NAMEMAX];
	uint64_t size = 0;
	bool ok;
	int in = memfd_create("doc", 0);

	for (int i = 0; i < 3000; i++)
		if (write(in, &letters[i % 10], 1) != 1)
			return false;
	fm_spool_document_name(job, 1, name, 64);
	ok = fm_spool_write(spool, in, name, identity, owner, 1 << 20, tmp,
	         &size, wrapped) == FM_SEALED_OK &&
	    size == 3000 && fm_spool_commit(spool, tmp, name);
	close(in);
	return ok;
}

/* The store's row for it: job id held for owner, its document in spool
 * file name. */
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

static bool
set_owner(fm_store_t *st, int id, const char *owner)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "UPDATE jobs SET owner = '%s' WHERE id = %d",
	    owner, id);
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
	char dir[160], path[200], mine[64], bobs[64];
	uint8_t master[FM_SEALED_MASTERLEN] = {7, 7, 7}, badge[32];
	uint8_t w1[FM_SPOOL_WRAPPEDLEN], w2[FM_SPOOL_WRAPPEDLEN];
	struct fm_spool_key k1 = {"alice", w1, sizeof(w1)};
	struct fm_spool_key k2 = {"bob", w2, sizeof(w2)};
	struct fm_spool_key claimed = {"alice", w2, sizeof(w2)};
	static const uint8_t alice_uid[] = {1, 2, 3, 4}, bob_uid[] = {5, 6};
	struct collect c = {.refuse_after = -1};
	struct fm_settings set;
	const char *err = NULL;
	fm_spool_t *spool;
	fm_decryptor_t *d;

	fm_settings_defaults(&set);
	snprintf(set.state_dir, sizeof(set.state_dir), "%s", fx->dir);
	snprintf(dir, sizeof(dir), "%s/spool", fx->dir);
	ASSERT_NOT_NULL(spool = fm_spool_open(dir, master, &err));
	ASSERT_TRUE(seal(spool, 5, "u#1", "alice", mine, w1));
	ASSERT_TRUE(seal(spool, 6, "u#2", "bob", bobs, w2));
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
	ASSERT_INT_EQ(fm_decryptor_verify(d, mine, "u#1", &k1), FM_SEALED_IO);
	/* An unknown badge logs nobody in. */
	ASSERT_INT_EQ(
	    badge_login(d, (const uint8_t *)"\x09", 1), FM_LOGIN_UNKNOWN_BADGE);
	ASSERT_INT_EQ(fm_decryptor_verify(d, mine, "u#1", &k1), FM_SEALED_IO);
	ASSERT_INT_EQ(badge_login(d, alice_uid, 4), FM_LOGIN_OK);
	ASSERT_INT_EQ(fm_decryptor_verify(d, mine, "u#1", &k1), FM_SEALED_OK);
	ASSERT_INT_EQ(
	    fm_decryptor_verify(d, mine, "u#2", &k1), FM_SEALED_CORRUPT);
	ASSERT_INT_EQ(
	    fm_decryptor_read(d, mine, "u#1", &k1, collect, &c), FM_SEALED_OK);
	ASSERT_UINT_EQ(c.len, 3000);
	ASSERT_MEM_EQ(c.buf, "abcdefghij", 10);
	/* Bob's document, named by alice's session: refused, not a byte. */
	c = (struct collect){.refuse_after = -1};
	ASSERT_INT_EQ(fm_decryptor_verify(d, bobs, "u#2", &k2), FM_SEALED_IO);
	ASSERT_INT_EQ(
	    fm_decryptor_read(d, bobs, "u#2", &k2, collect, &c), FM_SEALED_IO);
	ASSERT_UINT_EQ(c.len, 0);
	/* A session that rewrote the store to make it alice's still gets
	 * nothing: its key is wrapped for bob, whoever the request says. */
	ASSERT_TRUE(set_owner(fx->store, 6, "alice"));
	ASSERT_INT_EQ(fm_decryptor_verify(d, bobs, "u#2", &k2), FM_SEALED_IO);
	ASSERT_INT_EQ(fm_decryptor_read(d, bobs, "u#2", &claimed, collect, &c),
	    FM_SEALED_CORRUPT);
	ASSERT_UINT_EQ(c.len, 0);
	ASSERT_TRUE(set_owner(fx->store, 6, "bob"));
	/* Names the spool would never make are refused. */
	ASSERT_INT_EQ(
	    fm_decryptor_verify(d, "../master.key", "u#1", &k1), FM_SEALED_IO);
	/* A sink that gives up mid-stream: the next request still works. */
	c = (struct collect){.refuse_after = 0};
	ASSERT_INT_EQ(
	    fm_decryptor_read(d, mine, "u#1", &k1, collect, &c), FM_SEALED_IO);
	c = (struct collect){.refuse_after = -1};
	ASSERT_INT_EQ(
	    fm_decryptor_read(d, mine, "u#1", &k1, collect, &c), FM_SEALED_OK);
	ASSERT_UINT_EQ(c.len, 3000);
	/* Bob logs in on the same session: only his document now. */
	ASSERT_INT_EQ(badge_login(d, bob_uid, 2), FM_LOGIN_OK);
	ASSERT_INT_EQ(fm_decryptor_verify(d, bobs, "u#2", &k2), FM_SEALED_OK);
	ASSERT_INT_EQ(fm_decryptor_verify(d, mine, "u#1", &k1), FM_SEALED_IO);
	/* After a logout, nobody's. */
	struct fm_login_request r = {.op = FM_LOGIN_LOGOUT, .terminal = "t1"};
	struct fm_login_answer a;
	ASSERT_INT_EQ(fm_decryptor_login(d, &r, &a), FM_LOGIN_OK);
	ASSERT_INT_EQ(fm_decryptor_verify(d, bobs, "u#2", &k2), FM_SEALED_IO);
	fm_decryptor_stop(d);
	fm_wipe(badge, sizeof(badge));
	fm_spool_close(spool);
}

/*
 * Each document has a random key of its own, wrapped for its file name,
 * identity and owner (issue 12, item 16): a wrapped key moved to another
 * document or given for another user does not open it, nor does the
 * master key alone (a document whose wrapped key was erased); a
 * document sealed under the master key before document keys still opens
 * without one.
 */
static void
test_document_keys(void)
{
	char dir[] = "/tmp/fm-dockeys-XXXXXX", name[64], name2[64];
	uint8_t master[FM_SEALED_MASTERLEN] = {9, 9, 9};
	uint8_t w1[FM_SPOOL_WRAPPEDLEN], w2[FM_SPOOL_WRAPPEDLEN];
	struct fm_spool_key k1 = {"alice", w1, sizeof(w1)};
	struct fm_spool_key k2 = {"bob", w2, sizeof(w2)};
	struct fm_spool_key moved = {"bob", w1, sizeof(w1)};
	struct collect c = {.refuse_after = -1};
	const char *err = NULL;
	fm_spool_t *spool;
	int in, out;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_NOT_NULL(spool = fm_spool_open(dir, master, &err));
	ASSERT_TRUE(seal(spool, 5, "u#1", "alice", name, w1));
	ASSERT_TRUE(seal(spool, 6, "u#2", "bob", name2, w2));
	ASSERT_INT_EQ(fm_spool_verify(spool, name, "u#1", &k1), FM_SEALED_OK);
	ASSERT_INT_EQ(fm_spool_verify(spool, name2, "u#2", &k2), FM_SEALED_OK);
	/* Alice's wrapped key on Bob's document, or for Bob: refused. */
	k1.owner = "bob";
	ASSERT_INT_EQ(
	    fm_spool_verify(spool, name2, "u#2", &k1), FM_SEALED_CORRUPT);
	k1.owner = "alice";
	ASSERT_INT_EQ(
	    fm_spool_verify(spool, name2, "u#2", &k1), FM_SEALED_CORRUPT);
	ASSERT_INT_EQ(
	    fm_spool_verify(spool, name, "u#1", &moved), FM_SEALED_CORRUPT);
	ASSERT_INT_EQ(fm_spool_read(spool, name, "u#1", &moved, collect, &c),
	    FM_SEALED_CORRUPT);
	ASSERT_UINT_EQ(c.len, 0);
	/* Its key erased, the master key alone does not open it. */
	ASSERT_INT_EQ(
	    fm_spool_verify(spool, name, "u#1", NULL), FM_SEALED_CORRUPT);
	/* A tampered wrapped key is refused. */
	w1[20] ^= 1;
	ASSERT_INT_EQ(
	    fm_spool_verify(spool, name, "u#1", &k1), FM_SEALED_CORRUPT);
	w1[20] ^= 1;
	/* A document sealed under the master key itself (before document
	 * keys) opens without a wrapped key until it leaves the hold. */
	in = memfd_create("old", 0);
	ASSERT_INT_EQ(write(in, "old document", 12), 12);
	{
		char path[128];
		uint64_t size = 0;

		snprintf(path, sizeof(path), "%s/5-3", dir);
		out = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		ASSERT_TRUE(out >= 0);
		ASSERT_INT_EQ(
		    fm_sealed_encrypt_fd(in, out, master,
		        FM_AEAD_CHACHA20_POLY1305, 4096, "u#3", 1 << 20, &size),
		    FM_SEALED_OK);
		close(out);
	}
	close(in);
	ASSERT_INT_EQ(fm_spool_verify(spool, "5-3", "u#3", NULL), FM_SEALED_OK);
	ASSERT_INT_EQ(
	    fm_spool_verify(spool, "5-3", "u#3", &k1), FM_SEALED_CORRUPT);
	fm_spool_remove(spool, name);
	fm_spool_remove(spool, name2);
	fm_spool_remove(spool, "5-3");
	fm_spool_close(spool);
	rmdir(dir);
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
	RUN(test_document_keys);
	return harness_done();
}
