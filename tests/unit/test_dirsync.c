/*
 * test_dirsync.c - unit tests for quota/dirsync.c: the directory's rules
 * on a real store (added, updated, unchanged, disabled never deleted,
 * re-enabled, the safety valve, badges' source and conflicts, dry runs,
 * single-user lookups, a sync spilled to the WAL before its end).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "quota/depts.h"
#include "quota/dirsync.h"
#include "quota/users.h"
#include "store/badges.h"
#include "tests/unit/harness.h"
#include "tests/unit/store_fixture.h"

static const uint8_t key[FM_BADGES_KEYLEN] = "dirsync test badge key";

static struct fm_dirsync_user
person(const char *login, const char *dept, uint8_t badge)
{
	struct fm_dirsync_user u = {0};

	snprintf(u.login, sizeof(u.login), "%s", login);
	snprintf(u.full_name, sizeof(u.full_name), "Name of %s", login);
	snprintf(u.dept_code, sizeof(u.dept_code), "%s", dept);
	snprintf(u.where, sizeof(u.where), "entry %s", login);
	if (badge != 0) {
		u.badge[0] = 4;
		u.badge[1] = badge;
		u.badge[2] = badge;
		u.badge[3] = badge;
		u.badge_len = 4;
	}
	return u;
}

/* Applies n users with opts; the report in *r. */
static bool
apply_dir(fm_store_t *s, struct fm_dirsync_user *u, size_t n, bool force,
    bool partial, struct fm_dirsync_report *r, char *err, size_t errlen)
{
	struct fm_dirsync_options o = {key, false, force, partial, 10};

	memset(r, 0, sizeof(*r));
	return fm_dirsync_apply(s, u, n, &o, r, err, errlen);
}

static bool
has_badge(fm_store_t *s, const char *login, uint8_t b)
{
	uint8_t uid[4] = {4, b, b, b};
	char owner[FM_USERS_LOGINMAX] = "";

	return fm_badges_lookup(s, key, uid, 4, owner, sizeof(owner)) &&
	    strcmp(owner, login) == 0;
}

static void
test_rules(fm_store_t *s)
{
	struct fm_dirsync_user dir[12];
	struct fm_dirsync_report r;
	struct fm_user u;
	char err[512];
	size_t n = 0;

	for (int i = 0; i < 10; i++) {
		char login[16];

		snprintf(login, sizeof(login), "user%d", i);
		dir[n++] =
		    person(login, i < 5 ? "FIN" : "OPS", (uint8_t)(i + 1));
	}
	dir[9].disabled = true;
	ASSERT_TRUE(apply_dir(s, dir, n, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_added, 10);
	ASSERT_INT_EQ(r.depts_added, 2);
	ASSERT_INT_EQ(r.badges_added, 10);
	ASSERT_TRUE(fm_users_get(s, "user9", &u));
	ASSERT_FALSE(u.enabled);
	ASSERT_TRUE(fm_users_get(s, "user3", &u));
	ASSERT_STR_EQ(u.dept_code, "FIN");
	ASSERT_STR_EQ(u.source, "directory");
	ASSERT_TRUE(has_badge(s, "user3", 4));

	/* The same again: nothing to do. */
	ASSERT_TRUE(apply_dir(s, dir, n, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_unchanged, 10);
	ASSERT_INT_EQ(r.users_added + r.users_updated + r.badges_added +
	        r.badges_removed + r.users_disabled + r.depts_added,
	    0);

	/* A move, a badge given to two, and user9 enabled again. */
	snprintf(dir[1].dept_code, sizeof(dir[1].dept_code), "OPS");
	dir[3].badge[1] = dir[3].badge[2] = dir[3].badge[3] = 3;
	dir[9].disabled = false;
	ASSERT_TRUE(apply_dir(s, dir, n, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_updated, 1);
	ASSERT_INT_EQ(r.users_reenabled, 1);
	ASSERT_INT_EQ(r.conflicts, 1);
	ASSERT_INT_EQ(r.badges_removed, 2);
	ASSERT_STR_CONTAINS(r.notes[0], "given to neither");
	ASSERT_FALSE(has_badge(s, "user2", 3));
	ASSERT_FALSE(has_badge(s, "user3", 3));
	ASSERT_TRUE(fm_users_get(s, "user1", &u));
	ASSERT_STR_EQ(u.dept_code, "OPS");

	/* Two missing of nine enabled: over 10 %, refused, nothing
	 * changed; forced, they are disabled, not deleted. */
	ASSERT_FALSE(
	    apply_dir(s, dir, n - 2, false, false, &r, err, sizeof(err)));
	ASSERT_STR_CONTAINS(
	    err, "refused: this sync would disable 2 of the 10");
	ASSERT_TRUE(fm_users_get(s, "user9", &u));
	ASSERT_TRUE(u.enabled);
	ASSERT_TRUE(
	    apply_dir(s, dir, n - 2, true, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_disabled, 2);
	ASSERT_TRUE(fm_users_get(s, "user9", &u));
	ASSERT_FALSE(u.enabled);
	ASSERT_FALSE(has_badge(s, "user9", 10) && u.enabled);

	/* An admin's choice to disable stands; the directory's is undone
	 * when they are back. */
	ASSERT_TRUE(fm_users_set_enabled(s, "user0", false));
	ASSERT_TRUE(apply_dir(s, dir, n, true, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_reenabled, 2);
	ASSERT_TRUE(fm_users_get(s, "user0", &u));
	ASSERT_FALSE(u.enabled);

	/* A filter that matches nothing disables nobody. */
	ASSERT_FALSE(apply_dir(s, NULL, 0, false, false, &r, err, sizeof(err)));
	ASSERT_STR_CONTAINS(err, "refused");
}

static void
test_badges_by_hand(fm_store_t *s)
{
	struct fm_dirsync_user dir[3];
	struct fm_dirsync_report r;
	struct fm_dirsync_options dry = {key, true, false, false, 10};
	uint8_t uid[4] = {4, 7, 7, 7};
	const char *errstr = NULL;
	char err[512];

	ASSERT_TRUE(fm_users_add(s, "dave", "Dave", NULL, &errstr));
	ASSERT_TRUE(fm_badges_add(s, key, "dave", uid, 4, "by hand", &errstr));
	dir[0] = person("erin", "", 7);
	dir[1] = person("frank", "", 8);
	dir[2] = person("frank", "", 9); /* twice: the second is skipped */
	memset(&r, 0, sizeof(r));
	ASSERT_TRUE(fm_dirsync_apply(s, dir, 3, &dry, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_added, 2);
	ASSERT_FALSE(has_badge(s, "frank", 8)); /* a dry run */
	ASSERT_TRUE(apply_dir(s, dir, 3, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_added, 2);
	ASSERT_INT_EQ(r.conflicts, 2);
	ASSERT_TRUE(has_badge(s, "dave", 7)); /* by hand: stays */
	ASSERT_TRUE(has_badge(s, "frank", 8));
	ASSERT_FALSE(has_badge(s, "frank", 9));
	/* A lookup of one user touches nobody else. */
	dir[0] = person("gina", "NEW", 0);
	ASSERT_TRUE(apply_dir(s, dir, 1, false, true, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_added, 1);
	ASSERT_INT_EQ(r.users_disabled, 0);
	ASSERT_INT_EQ(r.depts_added, 1);
	ASSERT_TRUE(has_badge(s, "frank", 8));
}

/* A whole sync reads the store first and writes at its end: someone
 * else's commit in between (here a user added by hand on another
 * connection) makes the sync's first write fail, and the sync does it
 * all again under the write lock -- not once more, nor half. */
static void
test_store_changed_meanwhile(struct fixture *fx)
{
	struct fm_dirsync_options o = {key, false, false, false, 10};
	struct fm_dirsync_user dir[4];
	struct fm_dirsync_report r;
	const char *errstr = NULL;
	fm_store_t *other;
	fm_dirsync_t *sync;
	struct fm_user u;
	char err[512];

	for (int i = 0; i < 4; i++) {
		char login[16];

		snprintf(login, sizeof(login), "staff%d", i);
		dir[i] = person(login, "FIN", (uint8_t)(20 + i));
	}
	ASSERT_TRUE(
	    apply_dir(fx->store, dir, 4, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_added, 4);

	snprintf(dir[2].dept_code, sizeof(dir[2].dept_code), "OPS");
	memset(&r, 0, sizeof(r));
	sync = fm_dirsync_begin(fx->store, &o, &r, err, sizeof(err));
	ASSERT_TRUE(sync != NULL);
	ASSERT_TRUE(fm_dirsync_add(sync, dir, 2, err, sizeof(err)));
	/* Read only so far: another connection can write... */
	ASSERT_TRUE((other = fixture_store_open(fx->path)) != NULL);
	ASSERT_TRUE(fm_users_add(other, "walkin", "Walk In", NULL, &errstr));
	fm_store_close(other);
	/* ...and the move of staff2 makes the sync's first write. */
	ASSERT_TRUE(fm_dirsync_add(sync, dir + 2, 2, err, sizeof(err)));
	ASSERT_TRUE(fm_dirsync_end(sync, true, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_updated, 1);
	ASSERT_INT_EQ(r.users_unchanged, 3);
	ASSERT_INT_EQ(r.users_added + r.depts_added + r.users_disabled, 1);
	ASSERT_INT_EQ(r.depts_added, 1);
	ASSERT_TRUE(fm_users_get(fx->store, "staff2", &u));
	ASSERT_STR_EQ(u.dept_code, "OPS");
	/* The user added meanwhile was read again: not the directory's,
	 * so neither disabled nor counted. */
	ASSERT_TRUE(fm_users_get(fx->store, "walkin", &u));
	ASSERT_TRUE(u.enabled);
	ASSERT_TRUE(has_badge(fx->store, "staff3", 23));
}

/* Badges of new users go in as the users do; one found on a later entry
 * too is taken back: given to neither. */
static void
test_new_users_share_badge(fm_store_t *s)
{
	struct fm_dirsync_user dir[3];
	struct fm_dirsync_report r;
	char err[512];

	dir[0] = person("hana", "", 40);
	dir[1] = person("ivan", "", 41);
	dir[2] = person("jude", "", 40);
	ASSERT_TRUE(apply_dir(s, dir, 3, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_added, 3);
	ASSERT_INT_EQ(r.badges_added, 1);
	ASSERT_INT_EQ(r.conflicts, 1);
	ASSERT_FALSE(has_badge(s, "hana", 40));
	ASSERT_FALSE(has_badge(s, "jude", 40));
	ASSERT_TRUE(has_badge(s, "ivan", 41));
}

/* The directory names departments: a new name is applied (once a sync:
 * the first entry's), no name keeps the store's, in lookups too. */
static void
test_department_renamed(fm_store_t *s)
{
	struct fm_dirsync_user dir[3];
	struct fm_dirsync_report r;
	struct fm_dept d;
	char err[512];

	dir[0] = person("kim", "LEG", 0);
	dir[1] = person("lou", "LEG", 0);
	snprintf(dir[0].dept_name, sizeof(dir[0].dept_name), "Legal");
	dir[0].dept_named = dir[1].dept_named = true;
	ASSERT_TRUE(apply_dir(s, dir, 2, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.depts_added, 1);
	ASSERT_INT_EQ(r.depts_renamed, 0);
	ASSERT_TRUE(fm_depts_get(s, "LEG", &d));
	ASSERT_STR_EQ(d.name, "Legal");

	snprintf(
	    dir[0].dept_name, sizeof(dir[0].dept_name), "Affaires juridiques");
	snprintf(dir[1].dept_name, sizeof(dir[1].dept_name), "Juridique");
	ASSERT_TRUE(apply_dir(s, dir, 2, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.depts_renamed, 1);
	ASSERT_INT_EQ(r.users_unchanged, 2);
	ASSERT_TRUE(fm_depts_get(s, "LEG", &d));
	ASSERT_STR_EQ(d.name, "Affaires juridiques");

	/* A stand-in (the code, say) is not the directory's name. */
	snprintf(dir[0].dept_name, sizeof(dir[0].dept_name), "LEG");
	dir[0].dept_named = false;
	dir[1].dept_name[0] = '\0';
	ASSERT_TRUE(apply_dir(s, dir, 2, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.depts_renamed, 0);
	ASSERT_TRUE(fm_depts_get(s, "LEG", &d));
	ASSERT_STR_EQ(d.name, "Affaires juridiques");

	dir[2] = person("kim", "LEG", 0);
	snprintf(
	    dir[2].dept_name, sizeof(dir[2].dept_name), "Service juridique");
	dir[2].dept_named = true;
	ASSERT_TRUE(
	    apply_dir(s, dir + 2, 1, false, true, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.depts_renamed, 1);
	ASSERT_TRUE(fm_depts_get(s, "LEG", &d));
	ASSERT_STR_EQ(d.name, "Service juridique");
}

/* Entries that change something wait until a thousand of them are
 * pending; a failed read (ok false at the end) rolls all back. */
static void
test_streamed_batches(fm_store_t *s)
{
	struct fm_dirsync_options o = {key, false, false, false, 10};
	static struct fm_dirsync_user dir[2500];
	struct fm_dirsync_report r = {0};
	fm_dirsync_t *sync;
	struct fm_user u;
	char err[512];

	for (int i = 0; i < 2500; i++) {
		char login[16];

		snprintf(login, sizeof(login), "p%04d", i);
		dir[i] = person(login, i % 2 ? "A" : "B", 0);
	}
	ASSERT_TRUE(
	    (sync = fm_dirsync_begin(s, &o, &r, err, sizeof(err))) != NULL);
	for (int i = 0; i < 2500; i += 100)
		ASSERT_TRUE(
		    fm_dirsync_add(sync, dir + i, 100, err, sizeof(err)));
	/* The reading failed at its end: nothing stays. */
	snprintf(err, sizeof(err), "the server went away");
	ASSERT_FALSE(fm_dirsync_end(sync, false, err, sizeof(err)));
	ASSERT_STR_EQ(err, "the server went away");
	ASSERT_FALSE(fm_users_get(s, "p0001", &u));

	memset(&r, 0, sizeof(r));
	ASSERT_TRUE(
	    (sync = fm_dirsync_begin(s, &o, &r, err, sizeof(err))) != NULL);
	for (int i = 0; i < 2500; i += 100)
		ASSERT_TRUE(
		    fm_dirsync_add(sync, dir + i, 100, err, sizeof(err)));
	ASSERT_TRUE(fm_dirsync_end(sync, true, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_added, 2500);
	ASSERT_INT_EQ(r.depts_added, 2);
	ASSERT_TRUE(fm_users_get(s, "p2499", &u));
	ASSERT_STR_EQ(u.dept_code, "A");
}

/* A first sync writes new users 64, 8 and 1 to a statement, in login
 * order, with their accounts and badges: each user gets their own
 * account and badge, whichever statement they are in; a badge on two
 * entries (in one statement or two) goes to neither, one held by hand
 * stays its holder's; the ids SQLite gives next are still free. */
static void
test_fresh_in_chunks(fm_store_t *s)
{
	static struct fm_dirsync_user dir[150];
	struct fm_dirsync_report r;
	const char *errstr = NULL;
	uint8_t uid[4] = {4, 200, 200, 200};
	struct fm_user u;
	char err[512];

	ASSERT_TRUE(fm_users_add(s, "owner", "Owner", NULL, &errstr));
	ASSERT_TRUE(fm_badges_add(s, key, "owner", uid, 4, "by hand", &errstr));
	for (int i = 0; i < 150; i++) {
		char login[16];
		static const char *const depts[] = {"", "A", "B"};

		/* Backwards: the sync sorts them. */
		snprintf(login, sizeof(login), "q%03d", 149 - i);
		dir[i] = person(login, depts[i % 3], (uint8_t)(i + 1));
	}
	dir[3].badge[1] = dir[3].badge[2] = dir[3].badge[3] = 250;
	dir[140].badge[1] = dir[140].badge[2] = dir[140].badge[3] = 250;
	dir[10].badge[1] = dir[10].badge[2] = dir[10].badge[3] = 251;
	dir[11].badge[1] = dir[11].badge[2] = dir[11].badge[3] = 251;
	dir[20].badge[1] = dir[20].badge[2] = dir[20].badge[3] = 200;
	dir[5].disabled = true;
	dir[6].admin = true;
	dir[7].badge_len = 0;
	ASSERT_TRUE(apply_dir(s, dir, 150, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_added, 150);
	ASSERT_INT_EQ(r.depts_added, 2);
	ASSERT_INT_EQ(r.badges_added, 150 - 6);
	ASSERT_INT_EQ(r.conflicts, 3);
	for (int i = 0; i < 150; i++) {
		const struct fm_dirsync_user *d = &dir[i];
		bool lost = i == 3 || i == 140 || i == 10 || i == 11 ||
		    i == 20 || i == 7;

		ASSERT_TRUE(fm_users_get(s, d->login, &u));
		ASSERT_STR_EQ(u.full_name, d->full_name);
		ASSERT_STR_EQ(u.dept_code, d->dept_code);
		ASSERT_STR_EQ(u.account.kind, "user");
		ASSERT_STR_EQ(u.account.name, d->login);
		ASSERT_STR_EQ(u.source, "directory");
		ASSERT_TRUE(u.enabled == (i != 5));
		ASSERT_STR_EQ(u.roles, i == 6 ? "admin" : "");
		ASSERT_TRUE(has_badge(s, d->login, d->badge[1]) == !lost);
	}
	ASSERT_TRUE(has_badge(s, "owner", 200));
	ASSERT_TRUE(fm_users_add(s, "later", "Later", NULL, &errstr));
	ASSERT_TRUE(apply_dir(s, dir, 150, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_unchanged, 150);
	ASSERT_INT_EQ(r.users_added + r.badges_added + r.badges_removed, 0);
}

static bool
has_badge_uid(fm_store_t *s, const char *login, uint8_t tag, int i)
{
	uint8_t uid[4] = {4, tag, (uint8_t)(i >> 8), (uint8_t)i};
	char owner[FM_USERS_LOGINMAX] = "";

	return fm_badges_lookup(s, key, uid, 4, owner, sizeof(owner)) &&
	    strcmp(owner, login) == 0;
}

/* n users prefix0000... with badges of their own (4, tag, i). */
static void
numbered(struct fm_dirsync_user *dir, int n, char prefix, uint8_t tag)
{
	for (int i = 0; i < n; i++) {
		char login[16];

		snprintf(login, sizeof(login), "%c%04d", prefix, i);
		dir[i] = person(login, i % 2 ? "A" : "B", 0);
		dir[i].badge[0] = 4;
		dir[i].badge[1] = tag;
		dir[i].badge[2] = (uint8_t)(i >> 8);
		dir[i].badge[3] = (uint8_t)i;
		dir[i].badge_len = 4;
	}
}

/* A sync of more users than SPILL_USERS (8,000) hands its pages to the WAL
 * before the end: still one transaction.  Committed, its pages are in the
 * database file (checkpointed by the sync, not left to the next writer);
 * refused by the safety valve after a spill, or a dry run, nothing of it
 * stays. */
static void
test_spilled(struct fixture *fx)
{
	enum { N = 15000 };
	static struct fm_dirsync_user a[N], b[2 * N];
	struct fm_dirsync_options o = {key, false, false, false, 10};
	struct fm_dirsync_report r;
	struct fm_user u;
	struct stat st;
	char err[512], wal[160];

	numbered(a, N, 'a', 1);
	numbered(b, N, 'b', 2);
	memcpy(b + N, a, sizeof(a));
	ASSERT_TRUE(
	    apply_dir(fx->store, a, N, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_added, N);
	ASSERT_INT_EQ(r.badges_added, N);
	ASSERT_TRUE(r.us.begin >= 0 && r.us.apply >= 0 && r.us.end >= 0 &&
	    r.us.commit >= 0 && r.us.checkpoint >= 0);
	/* More than the 1,000 pages that call for a checkpoint went to the
	 * WAL, and are in the database file too: the sync checkpointed. */
	snprintf(wal, sizeof(wal), "%s-wal", fx->path);
	ASSERT_INT_EQ(stat(wal, &st), 0);
	ASSERT_TRUE(st.st_size > 1000 * 4096);
	ASSERT_INT_EQ(stat(fx->path, &st), 0);
	ASSERT_TRUE(st.st_size > 1000 * 4096);

	/* Only new users: all of a would be disabled. */
	ASSERT_FALSE(
	    apply_dir(fx->store, b, N, false, false, &r, err, sizeof(err)));
	ASSERT_TRUE(strstr(err, "refused") != NULL);
	ASSERT_FALSE(fm_users_get(fx->store, "b0000", &u));
	ASSERT_FALSE(fm_users_get(fx->store, "b9999", &u));
	ASSERT_TRUE(fm_users_get(fx->store, "a9999", &u) && u.enabled);
	ASSERT_TRUE(fm_users_get(fx->store, "a0000", &u) && u.enabled);

	memset(&r, 0, sizeof(r));
	o.dry_run = true;
	ASSERT_TRUE(
	    fm_dirsync_apply(fx->store, b, 2 * N, &o, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_added, N);
	ASSERT_INT_EQ(r.users_unchanged, N);
	ASSERT_FALSE(fm_users_get(fx->store, "b4000", &u));

	/* The same, written: both halves there, a's badges still a's. */
	ASSERT_TRUE(
	    apply_dir(fx->store, b, 2 * N, false, false, &r, err, sizeof(err)));
	ASSERT_INT_EQ(r.users_added, N);
	ASSERT_INT_EQ(r.badges_added, N);
	ASSERT_TRUE(fm_users_get(fx->store, "b9999", &u) && u.enabled);
	ASSERT_TRUE(has_badge_uid(fx->store, "a1234", 1, 1234));
	ASSERT_TRUE(has_badge_uid(fx->store, "b1234", 2, 1234));
}

/* Entries a whole sync takes as the caller gave them, but for these: a
 * department code that is not valid (the user comes without one, the
 * caller's entry untouched) and a badge length over its field (no
 * badge); the same again changes nothing. */
static void
test_odd_entries(fm_store_t *s)
{
	struct fm_dirsync_user dir[3];
	struct fm_dirsync_report r;
	struct fm_user u;
	char err[512];

	dir[0] = person("plain", "FIN", 1);
	dir[1] = person("oddcode", "bad code!", 2);
	dir[2] = person("longbadge", "FIN", 3);
	dir[2].badge_len = sizeof(dir[2].badge) + 1;
	for (int pass = 0; pass < 2; pass++) {
		ASSERT_TRUE(
		    apply_dir(s, dir, 3, false, false, &r, err, sizeof(err)));
		ASSERT_INT_EQ(r.users_added, pass == 0 ? 3 : 0);
		ASSERT_INT_EQ(r.users_unchanged, pass == 0 ? 0 : 3);
		ASSERT_INT_EQ(r.conflicts, 1);
		ASSERT_STR_CONTAINS(r.notes[0], "'bad code!' is not valid");
		ASSERT_STR_EQ(dir[1].dept_code, "bad code!");
		ASSERT_TRUE(fm_users_get(s, "oddcode", &u));
		ASSERT_STR_EQ(u.dept_code, "");
		ASSERT_TRUE(fm_users_get(s, "longbadge", &u));
		ASSERT_STR_EQ(u.dept_code, "FIN");
		ASSERT_FALSE(has_badge(s, "longbadge", 3));
		ASSERT_TRUE(has_badge(s, "plain", 1));
		ASSERT_TRUE(has_badge(s, "oddcode", 2));
	}
}

int
main(void)
{
	RUN_STORE(test_rules);
	RUN_STORE(test_badges_by_hand);
	RUN_FIXTURE(test_store_changed_meanwhile);
	RUN_STORE(test_streamed_batches);
	RUN_STORE(test_new_users_share_badge);
	RUN_STORE(test_department_renamed);
	RUN_STORE(test_fresh_in_chunks);
	RUN_FIXTURE(test_spilled);
	RUN_STORE(test_odd_entries);
	return harness_done();
}
