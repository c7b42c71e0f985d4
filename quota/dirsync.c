/*
 * dirsync.c - the directory's users applied to the store (dirsync.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/dirsync.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "quota/accounts.h"
#include "quota/policy.h"
#include "store/sql.h"

/* A user as the store has them. */
struct stored {
	int64_t id;
	char full_name[FM_USERS_NAMEMAX];
	char email[FM_DIRSYNC_EMAILMAX];
	int64_t dept;
	bool enabled, dir_disabled;
	char roles[32];
	char source[16];
	char login[FM_USERS_LOGINMAX];
	bool matched; /* an entry names them */
};

struct dept_ref {
	char code[FM_DEPTS_CODEMAX];
	int64_t id;
};

/* What the sync works on: the entries, with their state in the store. */
struct sync {
	fm_store_t *store;
	struct fm_dirsync_user *users;
	size_t n;
	bool *skip;     /* entry not applied (a conflict) */
	bool *no_badge; /* its badge goes to nobody */
	uint8_t (*hash)[FM_BADGES_HASHLEN];
	int64_t *id;     /* user id in the store */
	size_t *by_hash; /* entries with a badge, by hash */
	size_t nbadges;
	bool *badge_held; /* by_hash[i]'s badge is in place */
	const struct fm_dirsync_options *o;
	struct fm_dirsync_report *r;
	bool restricted; /* the new_users policy */
	/* A whole sync reads the users and departments once, by login and
	 * code, and walks them beside the sorted entries; a lookup of a
	 * few users asks the store for each. */
	struct stored *st;
	size_t nst, cur;
	struct dept_ref *depts;
	size_t ndepts, capdepts;
};

static void note(struct fm_dirsync_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(struct fm_dirsync_report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nnotes >= FM_DIRSYNC_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes++], FM_DIRSYNC_NOTEMAX, fmt, ap);
	va_end(ap);
}

static int
by_login(const void *a, const void *b)
{
	return strcmp(((const struct fm_dirsync_user *)a)->login,
	    ((const struct fm_dirsync_user *)b)->login);
}

/* qsort() has no context argument: the hashes are compared through a
 * small struct that carries them. */
struct hash_ref {
	const uint8_t *hash;
	size_t index;
};

static int
by_hash(const void *a, const void *b)
{
	const struct hash_ref *x = a, *y = b;
	int c = memcmp(x->hash, y->hash, FM_BADGES_HASHLEN);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void
fingerprint(const uint8_t *hash, char *out, size_t size)
{
	fm_hex_encode(hash, 6, out, size);
}

/* Entries that cannot be applied, duplicate logins and shared badges. */
static bool
check_entries(struct sync *s)
{
	struct hash_ref *refs;
	size_t i, j, nrefs = 0;
	char fp[16];

	if (s->n > 1)
		qsort(s->users, s->n, sizeof(*s->users), by_login);
	for (i = 0; i < s->n; i++) {
		struct fm_dirsync_user *u = &s->users[i];

		if (!fm_users_login_is_valid(u->login)) {
			s->skip[i] = true;
			s->r->conflicts++;
			note(s->r, "%s: login '%.64s' is not valid: skipped",
			    u->where, u->login);
		} else if (i > 0 &&
		    strcmp(u->login, s->users[i - 1].login) == 0) {
			s->skip[i] = true;
			s->r->conflicts++;
			note(s->r,
			    "%s: login %s appears twice (also %s): "
			    "the second is skipped",
			    u->where, u->login, s->users[i - 1].where);
		} else if (u->dept_code[0] != '\0' &&
		    !fm_accounts_code_is_valid(u->dept_code)) {
			s->r->conflicts++;
			note(s->r,
			    "%s: department code '%.40s' is not valid: "
			    "%s keeps no department",
			    u->where, u->dept_code, u->login);
			u->dept_code[0] = '\0';
		}
	}
	if ((refs = calloc(s->n + 1, sizeof(*refs))) == NULL)
		return false;
	for (i = 0; i < s->n; i++) {
		if (s->skip[i] || s->users[i].badge_len == 0)
			continue;
		if (!fm_badges_hash(s->o->badge_key, s->users[i].badge,
		        s->users[i].badge_len, s->hash[i])) {
			free(refs);
			return false;
		}
		refs[nrefs++] = (struct hash_ref){s->hash[i], i};
	}
	if (nrefs > 1)
		qsort(refs, nrefs, sizeof(*refs), by_hash);
	/* The same badge on two users goes to neither: whichever got it
	 * could print on the other's account. */
	for (i = 0; i < nrefs; i = j) {
		for (j = i + 1; j < nrefs &&
		     memcmp(refs[i].hash, refs[j].hash, FM_BADGES_HASHLEN) == 0;
		     j++)
			;
		if (j - i < 2)
			continue;
		fingerprint(refs[i].hash, fp, sizeof(fp));
		s->r->conflicts++;
		note(s->r,
		    "badge %s is on %zu users (%s, %s%s): given to "
		    "neither",
		    fp, j - i, s->users[refs[i].index].login,
		    s->users[refs[i + 1].index].login,
		    j - i > 2 ? ", ..." : "");
		for (size_t k = i; k < j; k++)
			s->no_badge[refs[k].index] = true;
	}
	for (i = 0; i < nrefs; i++)
		if (!s->no_badge[refs[i].index])
			s->by_hash[s->nbadges++] = refs[i].index;
	free(refs);
	return true;
}

#define C(kind, member) FM_COL_##kind(struct stored, member)
static const struct fm_sql_col stored_cols[] = {C(INT, id), C(TEXT, full_name),
    C(TEXT, email), C(INT, dept), C(BOOL, enabled), C(BOOL, dir_disabled),
    C(TEXT, roles), C(TEXT, source), C(TEXT, login), FM_COL_END};
static const struct fm_sql_col dept_cols[] = {
    FM_COL_TEXT(struct dept_ref, code), FM_COL_INT(struct dept_ref, id),
    FM_COL_END};
#undef C

#define SELECT_STORED                                                          \
	"SELECT id, full_name, email, coalesce(department_id, 0), enabled,"    \
	" dir_disabled, roles, source, login FROM users"

/* Grows *p (of *cap elements of size) to hold one more than n. */
static bool
grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t c;

	if (n < *cap)
		return true;
	c = *cap ? 2 * *cap : 256;
	if ((q = realloc(*p, c * size)) == NULL)
		return false;
	*p = q;
	*cap = c;
	return true;
}

/* The users and departments of the store, in memory (a whole sync). */
static bool
load_state(struct sync *s)
{
	struct fm_sql_rows rows;
	size_t cap = 0;
	bool ok;

	ok = fm_sql_open_args(&rows, s->store, SELECT_STORED " ORDER BY login",
	    FM_SQL_ARGS(FM_NO_ARGS));
	while (ok &&
	    (ok = grow((void **)&s->st, &cap, s->nst, sizeof(*s->st))) &&
	    fm_sql_next(&rows, stored_cols, &s->st[s->nst])) {
		s->st[s->nst].matched = false;
		s->nst++;
	}
	ok = fm_sql_close(&rows) && ok;
	ok = ok &&
	    fm_sql_open_args(&rows, s->store,
	        "SELECT code, id FROM departments ORDER BY code",
	        FM_SQL_ARGS(FM_NO_ARGS));
	while (ok &&
	    (ok = grow((void **)&s->depts, &s->capdepts, s->ndepts,
	         sizeof(*s->depts))) &&
	    fm_sql_next(&rows, dept_cols, &s->depts[s->ndepts]))
		s->ndepts++;
	return fm_sql_close(&rows) && ok;
}

/* The stored user of entry u: in memory for a whole sync (entries and
 * users both by login), else from the store. */
static enum fm_sql_found
find_stored(struct sync *s, const struct fm_dirsync_user *u, struct stored *out,
    struct stored **mark)
{
	*mark = NULL;
	if (s->o->partial)
		return fm_sql_get(s->store, SELECT_STORED " WHERE login = ?1",
		    stored_cols, out, FM_ARG_TEXT(u->login));
	while (s->cur < s->nst && strcmp(s->st[s->cur].login, u->login) < 0)
		s->cur++;
	if (s->cur == s->nst || strcmp(s->st[s->cur].login, u->login) != 0)
		return FM_SQL_NONE;
	*out = s->st[s->cur];
	*mark = &s->st[s->cur];
	return FM_SQL_FOUND;
}

static int
cmp_dept(const void *key, const void *elem)
{
	return strcmp(key, ((const struct dept_ref *)elem)->code);
}

static int64_t
dept_id(struct sync *s, const struct fm_dirsync_user *u, bool *failed)
{
	const struct dept_ref *d;
	int64_t id = 0, account;
	size_t at;

	if (u->dept_code[0] == '\0')
		return 0;
	if (s->o->partial) {
		switch (fm_sql_int(s->store,
		    "SELECT id FROM departments WHERE code = ?1", &id,
		    FM_ARG_TEXT(u->dept_code))) {
		case FM_SQL_FOUND:
			return id;
		case FM_SQL_ERROR:
			*failed = true;
			return 0;
		case FM_SQL_NONE:
			break;
		}
	} else if (s->ndepts > 0 &&
	    (d = bsearch(u->dept_code, s->depts, s->ndepts, sizeof(*s->depts),
	         cmp_dept)) != NULL)
		return d->id;
	if ((account = fm_accounts_create(s->store, "department", u->dept_code,
	         true, fm_store_now(s->store))) < 0 ||
	    !fm_sql_exec(s->store,
	        "INSERT INTO departments (code, name, account_id)"
	        " VALUES (?1, ?2, ?3)",
	        FM_ARG_TEXT(u->dept_code),
	        FM_ARG_TEXT(u->dept_name[0] ? u->dept_name : u->dept_code),
	        FM_ARG_INT(account))) {
		*failed = true;
		return 0;
	}
	s->r->depts_added++;
	id = fm_sql_last_id(s->store);
	if (s->o->partial)
		return id;
	if (!grow((void **)&s->depts, &s->capdepts, s->ndepts,
	        sizeof(*s->depts))) {
		*failed = true;
		return 0;
	}
	for (at = 0;
	     at < s->ndepts && strcmp(s->depts[at].code, u->dept_code) < 0;
	     at++)
		;
	memmove(&s->depts[at + 1], &s->depts[at],
	    (s->ndepts - at) * sizeof(*s->depts));
	snprintf(
	    s->depts[at].code, sizeof(s->depts[at].code), "%s", u->dept_code);
	s->depts[at].id = id;
	s->ndepts++;
	return id;
}

static const char *
roles_of(const struct fm_dirsync_user *u)
{
	return u->admin && u->finance ? "admin,finance"
	    : u->admin                ? "admin"
	    : u->finance              ? "finance"
	                              : "";
}

static bool
add_user(struct sync *s, size_t i, int64_t dept)
{
	const struct fm_dirsync_user *u = &s->users[i];
	int64_t account, now = fm_store_now(s->store);

	if ((account = fm_accounts_create(
	         s->store, "user", u->login, s->restricted, now)) < 0 ||
	    !fm_sql_exec(s->store,
	        "INSERT INTO users (login, full_name, department_id,"
	        " account_id, created_at, source, email, roles, enabled,"
	        " dir_disabled) VALUES (?1, ?2, ?3, ?4, ?5, 'directory', ?6,"
	        " ?7, ?8, ?9)",
	        FM_ARG_TEXT(u->login), FM_ARG_TEXT(u->full_name),
	        FM_ARG_ID(dept), FM_ARG_INT(account), FM_ARG_INT(now),
	        FM_ARG_TEXT(u->email), FM_ARG_TEXT(roles_of(u)),
	        FM_ARG_INT(!u->disabled), FM_ARG_INT(u->disabled)))
		return false;
	s->id[i] = fm_sql_last_id(s->store);
	s->r->users_added++;
	return true;
}

/* One entry: the user added, or brought up to date (only what differs
 * is written, so that a sync with nothing to change writes nothing). */
static bool
apply_user(struct sync *s, size_t i, int64_t *disabling)
{
	const struct fm_dirsync_user *u = &s->users[i];
	const char *name, *roles = roles_of(u);
	struct stored st, *mark;
	bool failed = false, enabled, dir_disabled, changed;
	int64_t dept = dept_id(s, u, &failed);

	if (failed)
		return false;
	switch (find_stored(s, u, &st, &mark)) {
	case FM_SQL_ERROR:
		return false;
	case FM_SQL_NONE:
		return add_user(s, i, dept);
	case FM_SQL_FOUND:
		break;
	}
	if (mark != NULL)
		mark->matched = true;
	s->id[i] = st.id;
	/* An empty name in the directory keeps the one the store has. */
	name = u->full_name[0] ? u->full_name : st.full_name;
	changed = strcmp(name, st.full_name) != 0 ||
	    strcmp(u->email, st.email) != 0 || dept != st.dept ||
	    strcmp(roles, st.roles) != 0 || strcmp(st.source, "directory") != 0;
	enabled = st.enabled;
	dir_disabled = st.dir_disabled;
	if (u->disabled && st.enabled) {
		enabled = false;
		dir_disabled = true;
		s->r->users_disabled++;
		++*disabling;
	} else if (!u->disabled && !st.enabled && st.dir_disabled) {
		/* Only whom the directory disabled: an admin's choice to
		 * disable a user stands. */
		enabled = true;
		dir_disabled = false;
		s->r->users_reenabled++;
	}
	if (changed)
		s->r->users_updated++;
	else if (enabled == st.enabled)
		s->r->users_unchanged++;
	if (!changed && enabled == st.enabled)
		return true;
	return fm_sql_exec(s->store,
	    "UPDATE users SET full_name = ?2, email = ?3, department_id = ?4,"
	    " roles = ?5, source = 'directory', enabled = ?6,"
	    " dir_disabled = ?7 WHERE id = ?1",
	    FM_ARG_INT(st.id), FM_ARG_TEXT(name), FM_ARG_TEXT(u->email),
	    FM_ARG_ID(dept), FM_ARG_TEXT(roles), FM_ARG_INT(enabled),
	    FM_ARG_INT(dir_disabled));
}

/* Users the directory gave before and no longer lists: disabled.  *base
 * is how many were enabled before, of those the directory gave or
 * names now: what the safety valve's share is of. */
static bool
disable_missing(struct sync *s, int64_t *disabling, int64_t *base)
{
	bool ok = true;

	for (size_t i = 0; ok && i < s->nst; i++) {
		const struct stored *st = &s->st[i];
		bool from_directory = strcmp(st->source, "directory") == 0;

		if (!st->enabled || (!from_directory && !st->matched))
			continue;
		++*base;
		if (st->matched)
			continue;
		ok = fm_sql_exec(s->store,
		    "UPDATE users SET enabled = 0, dir_disabled = 1"
		    " WHERE id = ?1",
		    FM_ARG_INT(st->id));
		s->r->users_disabled++;
		++*disabling;
	}
	return ok;
}

static int
cmp_hash_key(const void *key, const void *elem, const struct sync *s)
{
	return memcmp(key, s->hash[*(const size_t *)elem], FM_BADGES_HASHLEN);
}

/* The entry whose badge has this hash, or -1. */
static ssize_t
find_badge(const struct sync *s, const uint8_t *hash)
{
	size_t lo = 0, hi = s->nbadges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_hash_key(hash, &s->by_hash[mid], s);

		if (c == 0)
			return (ssize_t)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

struct stale {
	struct sync *s;
	uint8_t (*drop)[FM_BADGES_HASHLEN];
	size_t n, cap;
};

/* A badge the directory gave: kept if it still gives it to the same
 * user, else to be removed. */
static bool
check_stale(const uint8_t *hash, int64_t user_id, void *arg)
{
	struct stale *st = arg;
	ssize_t k = find_badge(st->s, hash);

	if (k >= 0 && st->s->id[st->s->by_hash[k]] == user_id) {
		st->s->badge_held[k] = true;
		return true;
	}
	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 64;
		void *p = realloc(st->drop, cap * sizeof(*st->drop));

		if (p == NULL)
			return false;
		st->drop = p;
		st->cap = cap;
	}
	memcpy(st->drop[st->n++], hash, FM_BADGES_HASHLEN);
	return true;
}

static bool
apply_badges(struct sync *s)
{
	struct stale st = {s, NULL, 0, 0};
	bool ok = true;
	char fp[16];

	if (!s->o->partial)
		ok = fm_badges_each_directory(s->store, 0, check_stale, &st);
	else
		for (size_t i = 0; ok && i < s->n; i++)
			if (!s->skip[i] && s->id[i] > 0)
				ok = fm_badges_each_directory(
				    s->store, s->id[i], check_stale, &st);
	for (size_t i = 0; ok && i < st.n; i++) {
		ok = fm_badges_drop(s->store, st.drop[i]);
		s->r->badges_removed++;
	}
	free(st.drop);
	for (size_t k = 0; ok && k < s->nbadges; k++) {
		size_t i = s->by_hash[k];
		int64_t owner;
		bool from_directory;

		if (s->badge_held[k] || s->id[i] <= 0)
			continue;
		if (fm_badges_owner(
		        s->store, s->hash[i], &owner, &from_directory)) {
			if (owner == s->id[i])
				continue; /* theirs already, by hand */
			fingerprint(s->hash[i], fp, sizeof(fp));
			s->r->conflicts++;
			note(s->r,
			    "badge %s of %s is registered to another user%s: "
			    "not given",
			    fp, s->users[i].login,
			    from_directory ? "" : " by hand");
			continue;
		}
		ok = fm_badges_put(
		    s->store, s->hash[i], s->id[i], true, "from the directory");
		s->r->badges_added++;
	}
	return ok;
}

/* The work of fm_dirsync_apply() inside its transaction: false with err
 * to roll back. */
static bool
sync_in(struct sync *s, char *err, size_t errlen)
{
	char policy[FM_POLICY_VALUEMAX] = "";
	int64_t disabling = 0, base = 0;

	fm_policy_get(s->store, "new_users", policy, sizeof(policy));
	s->restricted = strcmp(policy, "restricted") == 0;
	if (!s->o->partial && !load_state(s)) {
		snprintf(err, errlen, "cannot read the users: %s",
		    fm_store_last_error(s->store));
		return false;
	}
	for (size_t i = 0; i < s->n; i++)
		if (!s->skip[i] && !apply_user(s, i, &disabling)) {
			snprintf(err, errlen, "database error at %s: %s",
			    s->users[i].where, fm_store_last_error(s->store));
			return false;
		}
	if (!s->o->partial && !disable_missing(s, &disabling, &base)) {
		snprintf(err, errlen, "database error: %s",
		    fm_store_last_error(s->store));
		return false;
	}
	if (!s->o->partial && !s->o->force && disabling > 0 &&
	    disabling * 100 > (int64_t)s->o->max_disable_percent * base) {
		snprintf(err, errlen,
		    "refused: this sync would disable %lld of the %lld users "
		    "from the directory, more than max_disable_percent (%u%%); "
		    "nothing was changed (check the filter, or run it again "
		    "with --force if it is right)",
		    (long long)disabling, (long long)base,
		    s->o->max_disable_percent);
		return false;
	}
	if (!apply_badges(s)) {
		snprintf(err, errlen, "database error: %s",
		    fm_store_last_error(s->store));
		return false;
	}
	return true;
}

bool
fm_dirsync_apply(fm_store_t *store, struct fm_dirsync_user *users, size_t n,
    const struct fm_dirsync_options *opts, struct fm_dirsync_report *report,
    char *err, size_t errlen)
{
	struct sync s;
	bool ok = false, done;

	if (err == NULL || errlen == 0)
		return false;
	err[0] = '\0';
	memset(&s, 0, sizeof(s));
	if (store == NULL || (users == NULL && n > 0) || opts == NULL ||
	    report == NULL || opts->badge_key == NULL) {
		snprintf(err, errlen, "missing argument");
		return false;
	}
	s.store = store;
	s.users = users;
	s.n = n;
	s.skip = calloc(n + 1, sizeof(bool));
	s.no_badge = calloc(n + 1, sizeof(bool));
	s.hash = calloc(n + 1, FM_BADGES_HASHLEN);
	s.id = calloc(n + 1, sizeof(int64_t));
	s.by_hash = calloc(n + 1, sizeof(size_t));
	s.badge_held = calloc(n + 1, sizeof(bool));
	s.o = opts;
	s.r = report;
	if (s.skip == NULL || s.no_badge == NULL || s.hash == NULL ||
	    s.id == NULL || s.by_hash == NULL || s.badge_held == NULL ||
	    !check_entries(&s)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* A whole directory touches every user's rows and index pages in
	 * one transaction: with SQLite's default 2 MB cache they would be
	 * spilled and read again (64 MB is allocated only as needed). */
	if (n > 1000)
		fm_sql_exec(store, "PRAGMA cache_size = -65536", FM_NO_ARGS);
	if (!fm_store_begin(store)) {
		snprintf(err, errlen, "cannot lock the database: %s",
		    fm_store_last_error(store));
		goto out;
	}
	ok = sync_in(&s, err, errlen);
	done = fm_store_end(store, ok && !opts->dry_run);
	if (ok && !opts->dry_run && !done) {
		snprintf(err, errlen, "cannot commit: %s",
		    fm_store_last_error(store));
		ok = false;
	}
out:
	free(s.st);
	free(s.depts);
	free(s.skip);
	free(s.no_badge);
	free(s.hash);
	free(s.id);
	free(s.by_hash);
	free(s.badge_held);
	return ok;
}
