/*
 * dirsync.c - the directory's users applied to the store (dirsync.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/dirsync.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "common/clock.h"
#include "common/hex.h"
#include "quota/accounts.h"
#include "quota/policy.h"
#include "store/sql.h"

/* A user as the store has them (a row read). */
struct stored_row {
	int64_t id;
	char full_name[FM_USERS_NAMEMAX];
	char email[FM_DIRSYNC_EMAILMAX];
	int64_t dept;
	bool enabled, dir_disabled;
	char roles[32];
	char source[16];
	char login[FM_USERS_LOGINMAX];
};

/* Strings end to end: most of a user's fixed-size fields are short or
 * empty, and a whole directory's users kept whole, as the store has them
 * and as the directory gives them, would be some 50 MB to fault in. */
struct pack {
	char *buf;
	size_t len, cap;
};

/* A stored user, kept: its strings (login first) packed at at. */
struct stored {
	int64_t id, dept;
	size_t at;
	bool enabled, dir_disabled;
	bool from_directory; /* the directory gave them */
	bool matched;        /* an entry names them */
};

struct dept_ref {
	char code[FM_DEPTS_CODEMAX];
	int64_t id;
	char name[FM_DEPTS_NAMEMAX];
	bool renamed; /* by this sync: once, by its first entry */
};

struct dir_badge {
	uint8_t hash[FM_BADGES_HASHLEN];
	int64_t user_id;
};

/* What the sync keeps of each entry: the user as given, packed at at
 * (login first), and what the sync made of it. */
struct entry {
	size_t at;
	uint8_t hash[FM_BADGES_HASHLEN]; /* of its badge, if it has one */
	int64_t id;                      /* its user in the store */
	ssize_t stored; /* its login's user in st[], or -1 (take_entry()) */
	bool has_badge;
	bool skip;      /* not applied (a conflict) */
	bool no_badge;  /* its badge goes to nobody */
	bool no_dept;   /* its department code is not valid */
	bool badge_put; /* its badge written as it came */
};

/* A user a whole sync adds, to be written with others (write_fresh()):
 * its entry and its department. */
struct fresh {
	size_t i;
	int64_t dept;
	const char *login; /* while write_fresh() sorts them */
};

/* Where a login is: a stored user, an entry, both or neither (-1); with
 * the login's hash, so that a probe compares a string only when the
 * hashes match, and the table grows without reading a login. */
struct slot {
	ssize_t stored, entry;
	size_t hash;
};

/* A sync under way: the entries so far, with their state in the store.
 * A whole sync reads the users and departments once and finds them by
 * login (a hash table) and code (sorted); a lookup of a few users asks
 * the store for each. */
struct fm_dirsync {
	fm_store_t *store;
	struct fm_dirsync_options o;
	struct fm_dirsync_report *r;
	bool restricted; /* the new_users policy */
	fm_badges_hasher_t *hasher;
	struct entry *e;
	size_t n, cap;
	struct pack entries; /* the entries' users */
	struct stored *st;
	size_t nst;
	struct pack stored; /* the stored users' strings */
	struct dept_ref *depts;
	size_t ndepts, capdepts;
	struct slot *slots; /* a power of two of them */
	size_t nslots, used;
	int64_t disabling; /* users this sync disables */
	/* A whole sync reads first (fm_store_begin_read()): the entries
	 * that change something wait in pending[] and are written a
	 * thousand at a time, so that a sync which changes little takes
	 * the write lock only at its end. */
	size_t *pending;
	size_t npending, cappending;
	bool writing;     /* the write lock is ours */
	bool redone;      /* begun again, under the write lock from the start */
	bool busy;        /* the last write failed: the store changed since */
	size_t unspilled; /* entries written since SPILL_USERS last came */
	bool spilled;     /* SPILL_USERS came once at least */
	size_t cache_pages;              /* size_cache() */
	struct fm_dirsync_report before; /* *r as it was given */
	/* The directory's badges in the store (a whole sync). */
	struct dir_badge *dir_badges;
	size_t ndir_badges, capdir_badges;
	/* The badge pass at the end: entries with a badge, by hash. */
	size_t *by_hash;
	size_t nbadges;
	bool *badge_held; /* by_hash[i]'s badge is in place */
	/* The users a whole sync adds, written FRESH_ROWS to a statement
	 * when flushed; the rows' users and parameters. */
	struct fresh *fresh;
	size_t nfresh, capfresh;
	struct fm_dirsync_user *rows;
	struct fm_sql_arg *args;
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

#define C(kind, member) FM_COL_##kind(struct stored_row, member)
static const struct fm_sql_col stored_cols[] = {C(INT, id), C(TEXT, full_name),
    C(TEXT, email), C(INT, dept), C(BOOL, enabled), C(BOOL, dir_disabled),
    C(TEXT, roles), C(TEXT, source), C(TEXT, login), FM_COL_END};
static const struct fm_sql_col dept_cols[] = {
    FM_COL_TEXT(struct dept_ref, code), FM_COL_INT(struct dept_ref, id),
    FM_COL_TEXT(struct dept_ref, name), FM_COL_END};
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

static bool
pack_bytes(struct pack *p, const void *bytes, size_t n)
{
	if (p->len + n > p->cap) {
		size_t cap = p->cap ? p->cap : 1 << 16;
		char *q;

		while (p->len + n > cap)
			cap *= 2;
		if ((q = realloc(p->buf, cap)) == NULL)
			return false;
		p->buf = q;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, bytes, n);
	p->len += n;
	return true;
}

static bool
pack_str(struct pack *p, const char *str)
{
	return pack_bytes(p, str, strlen(str) + 1);
}

/* The string at *at into dst (size bytes, cut if longer: it came from
 * a field of that size), *at moved past it.  Every entry is unpacked at
 * least once: a copy, not a format. */
static void
unpack_str(const struct pack *p, size_t *at, char *dst, size_t size)
{
	const char *str = p->buf + *at;
	size_t n = strlen(str), k = n < size ? n : size - 1;

	memcpy(dst, str, k);
	dst[k] = '\0';
	*at += n + 1;
}

/* User u packed into s->entries as entry e's. */
static bool
pack_user(
    struct fm_dirsync *s, struct entry *e, const struct fm_dirsync_user *u)
{
	struct pack *p = &s->entries;
	uint8_t flags[5] = {u->disabled, u->admin, u->finance, u->dept_named,
	    (uint8_t)(u->badge_len <= sizeof(u->badge) ? u->badge_len : 0)};

	e->at = p->len;
	e->has_badge = flags[4] > 0;
	return pack_str(p, u->login) && pack_str(p, u->full_name) &&
	    pack_str(p, u->email) && pack_str(p, u->dept_code) &&
	    pack_str(p, u->dept_name) && pack_str(p, u->where) &&
	    pack_bytes(p, flags, sizeof(flags)) &&
	    pack_bytes(p, u->badge, flags[4]);
}

/* Entry i's user as it was given (its department code cleared if it is
 * not valid). */
static void
unpack_user(const struct fm_dirsync *s, size_t i, struct fm_dirsync_user *u)
{
	const struct pack *p = &s->entries;
	size_t at = s->e[i].at;
	const uint8_t *flags;

	unpack_str(p, &at, u->login, sizeof(u->login));
	unpack_str(p, &at, u->full_name, sizeof(u->full_name));
	unpack_str(p, &at, u->email, sizeof(u->email));
	unpack_str(p, &at, u->dept_code, sizeof(u->dept_code));
	unpack_str(p, &at, u->dept_name, sizeof(u->dept_name));
	unpack_str(p, &at, u->where, sizeof(u->where));
	flags = (const uint8_t *)p->buf + at;
	u->disabled = flags[0];
	u->admin = flags[1];
	u->finance = flags[2];
	u->dept_named = flags[3];
	u->badge_len = flags[4];
	memcpy(u->badge, flags + 5, u->badge_len);
	if (s->e[i].no_dept)
		u->dept_code[0] = '\0';
}

static const char *
entry_login(const struct fm_dirsync *s, size_t i)
{
	return s->entries.buf + s->e[i].at;
}

/* Where entry i came from (a DN, a line), for notes: its sixth string. */
static const char *
where_of(const struct fm_dirsync *s, size_t i)
{
	const char *str = entry_login(s, i);

	for (int field = 0; field < 5; field++)
		str += strlen(str) + 1;
	return str;
}

/* A stored user's fields where they are (the pack, or a row read for a
 * lookup): compared in place, not copied, for every entry. */
struct stored_view {
	int64_t id, dept;
	bool enabled, dir_disabled;
	const char *full_name, *email, *roles, *source;
};

/* Stored user k as the store has them, in s->stored. */
static void
view_stored(const struct fm_dirsync *s, size_t k, struct stored_view *v)
{
	const struct stored *st = &s->st[k];
	const char *str = s->stored.buf + st->at;

	v->id = st->id;
	v->dept = st->dept;
	v->enabled = st->enabled;
	v->dir_disabled = st->dir_disabled;
	str += strlen(str) + 1; /* the login */
	v->full_name = str;
	str += strlen(str) + 1;
	v->email = str;
	str += strlen(str) + 1;
	v->roles = str;
	v->source = str + strlen(str) + 1;
}

static void
view_row(const struct stored_row *row, struct stored_view *v)
{
	*v = (struct stored_view){.id = row->id,
	    .dept = row->dept,
	    .enabled = row->enabled,
	    .dir_disabled = row->dir_disabled,
	    .full_name = row->full_name,
	    .email = row->email,
	    .roles = row->roles,
	    .source = row->source};
}

/* FNV-1a: logins are short and the table only needs them spread. */
static size_t
login_hash(const char *login)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *login != '\0'; login++)
		h = (h ^ (unsigned char)*login) * 1099511628211ULL;
	return (size_t)h;
}

static const char *
slot_login(const struct fm_dirsync *s, const struct slot *sl)
{
	return sl->stored >= 0 ? s->stored.buf + s->st[sl->stored].at
	                       : entry_login(s, (size_t)sl->entry);
}

static bool
slot_empty(const struct slot *sl)
{
	return sl->stored < 0 && sl->entry < 0;
}

/* The slot of login, or the empty one where it would go (its hash then
 * set). */
static struct slot *
slot_find(struct fm_dirsync *s, const char *login)
{
	size_t mask = s->nslots - 1, h = login_hash(login), i = h & mask;

	/* The table is never more than half full: an empty slot comes. */
	while (!slot_empty(&s->slots[i])) {
		if (s->slots[i].hash == h &&
		    strcmp(slot_login(s, &s->slots[i]), login) == 0)
			return &s->slots[i];
		i = (i + 1) & mask;
	}
	s->slots[i].hash = h;
	return &s->slots[i];
}

/* Room for more logins: the table doubled (and filled again) as often
 * as it would be more than half full. */
static bool
slots_reserve_for(struct fm_dirsync *s, size_t more)
{
	struct slot *old = s->slots;
	size_t nold = s->nslots, n = nold ? nold : 1024, mask;

	if (2 * (s->used + more) <= nold)
		return true;
	while (2 * (s->used + more) > n)
		n *= 2;
	if ((s->slots = malloc(n * sizeof(*s->slots))) == NULL) {
		s->slots = old;
		return false;
	}
	s->nslots = n;
	mask = n - 1;
	for (size_t i = 0; i < n; i++)
		s->slots[i] = (struct slot){-1, -1, 0};
	/* The logins in the table are distinct: each goes to the first
	 * empty slot from its hash. */
	for (size_t i = 0; i < nold; i++) {
		size_t j = old[i].hash & mask;

		if (slot_empty(&old[i]))
			continue;
		while (!slot_empty(&s->slots[j]))
			j = (j + 1) & mask;
		s->slots[j] = old[i];
	}
	free(old);
	return true;
}

static bool
slots_reserve(struct fm_dirsync *s)
{
	return slots_reserve_for(s, 1);
}

/* Room for n stored users and about as many entries (a whole sync of a
 * directory finds about the users the store has), made once: tables
 * grown step by step are copied and faulted in again at each step.
 * Room not used costs no memory (pages are faulted in when written). */
static bool
presize(struct fm_dirsync *s, size_t n, size_t *cap_st)
{
	size_t entries = n + n / 8 + 1;
	void *p;

	if (n > *cap_st) {
		if ((p = realloc(s->st, n * sizeof(*s->st))) == NULL)
			return false;
		s->st = p;
		*cap_st = n;
	}
	if (entries > s->cap) {
		if ((p = realloc(s->e, entries * sizeof(*s->e))) == NULL)
			return false;
		s->e = p;
		s->cap = entries;
	}
	if (s->stored.cap < n * 64) {
		if ((p = realloc(s->stored.buf, n * 64)) == NULL)
			return false;
		s->stored.buf = p;
		s->stored.cap = n * 64;
	}
	if (s->entries.cap < entries * 160) {
		if ((p = realloc(s->entries.buf, entries * 160)) == NULL)
			return false;
		s->entries.buf = p;
		s->entries.cap = entries * 160;
	}
	return slots_reserve_for(s, n + n / 8 + 1);
}

static bool
keep_dir_badge(const uint8_t *hash, int64_t user_id, void *arg)
{
	struct fm_dirsync *s = arg;

	if (!grow((void **)&s->dir_badges, &s->capdir_badges, s->ndir_badges,
	        sizeof(*s->dir_badges)))
		return false;
	memcpy(s->dir_badges[s->ndir_badges].hash, hash, FM_BADGES_HASHLEN);
	s->dir_badges[s->ndir_badges++].user_id = user_id;
	return true;
}

/* The users, departments and directory badges of the store, in memory
 * (a whole sync). */
static bool
load_state(struct fm_dirsync *s)
{
	struct fm_sql_rows rows;
	size_t cap = 0;
	int64_t count = 0;
	bool ok;

	if (fm_sql_int(s->store, "SELECT count(*) FROM users", &count,
	        FM_NO_ARGS) != FM_SQL_FOUND ||
	    !presize(s, count > 0 ? (size_t)count : 0, &cap))
		return false;
	ok = fm_sql_open_args(
	    &rows, s->store, SELECT_STORED, FM_SQL_ARGS(FM_NO_ARGS));
	while (
	    ok && (ok = grow((void **)&s->st, &cap, s->nst, sizeof(*s->st)))) {
		struct stored_row row;

		if (!fm_sql_next(&rows, stored_cols, &row))
			break;
		s->st[s->nst] = (struct stored){.id = row.id,
		    .dept = row.dept,
		    .at = s->stored.len,
		    .enabled = row.enabled,
		    .dir_disabled = row.dir_disabled,
		    .from_directory = strcmp(row.source, "directory") == 0};
		ok = pack_str(&s->stored, row.login) &&
		    pack_str(&s->stored, row.full_name) &&
		    pack_str(&s->stored, row.email) &&
		    pack_str(&s->stored, row.roles) &&
		    pack_str(&s->stored, row.source);
		s->nst++;
	}
	ok = fm_sql_close(&rows) && ok;
	for (size_t k = 0; ok && k < s->nst; k++) {
		struct slot *sl;

		if (!(ok = slots_reserve(s)))
			break;
		sl = slot_find(s, s->stored.buf + s->st[k].at);
		sl->stored = (ssize_t)k;
		s->used++;
	}
	ok = ok &&
	    fm_sql_open_args(&rows, s->store,
	        "SELECT code, id, name FROM departments ORDER BY code",
	        FM_SQL_ARGS(FM_NO_ARGS));
	while (ok &&
	    (ok = grow((void **)&s->depts, &s->capdepts, s->ndepts,
	         sizeof(*s->depts))) &&
	    fm_sql_next(&rows, dept_cols, &s->depts[s->ndepts]))
		s->depts[s->ndepts++].renamed = false;
	ok = fm_sql_close(&rows) && ok;
	return ok && fm_badges_each_directory(s->store, 0, keep_dir_badge, s);
}

static int
cmp_dept(const void *key, const void *elem)
{
	return strcmp(key, ((const struct dept_ref *)elem)->code);
}

/* The department of a whole sync's entry, in memory, or NULL. */
static struct dept_ref *
find_dept(const struct fm_dirsync *s, const char *code)
{
	return s->ndepts > 0
	    ? bsearch(code, s->depts, s->ndepts, sizeof(*s->depts), cmp_dept)
	    : NULL;
}

/* Whether u names department d otherwise than the store does: the
 * directory's name wins (once a sync: a later entry that spells it
 * otherwise does not undo the first).  No name keeps the store's. */
static bool
renames(const struct dept_ref *d, const struct fm_dirsync_user *u)
{
	return u->dept_named && u->dept_name[0] != '\0' && !d->renamed &&
	    strcmp(d->name, u->dept_name) != 0;
}

/* Department d given u's name.  False on a database error. */
static bool
rename_dept(
    struct fm_dirsync *s, struct dept_ref *d, const struct fm_dirsync_user *u)
{
	if (!fm_sql_exec(s->store,
	        "UPDATE departments SET name = ?2 WHERE id = ?1",
	        FM_ARG_INT(d->id), FM_ARG_TEXT(u->dept_name)))
		return false;
	snprintf(d->name, sizeof(d->name), "%s", u->dept_name);
	d->renamed = true;
	s->r->depts_renamed++;
	return true;
}

static int64_t
dept_id(struct fm_dirsync *s, const struct fm_dirsync_user *u, bool *failed)
{
	struct dept_ref *d, one;
	int64_t id = 0, account;
	size_t at;

	if (u->dept_code[0] == '\0')
		return 0;
	if (s->o.partial) {
		switch (fm_sql_get(s->store,
		    "SELECT code, id, name FROM departments WHERE code = ?1",
		    dept_cols, &one, FM_ARG_TEXT(u->dept_code))) {
		case FM_SQL_FOUND:
			one.renamed = false;
			if (renames(&one, u) && !rename_dept(s, &one, u))
				*failed = true;
			return one.id;
		case FM_SQL_ERROR:
			*failed = true;
			return 0;
		case FM_SQL_NONE:
			break;
		}
	} else if ((d = find_dept(s, u->dept_code)) != NULL) {
		if (renames(d, u) && !rename_dept(s, d, u))
			*failed = true;
		return d->id;
	}
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
	if (s->o.partial)
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
	snprintf(s->depts[at].name, sizeof(s->depts[at].name), "%s",
	    u->dept_name[0] ? u->dept_name : u->dept_code);
	s->depts[at].renamed = true;
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
add_user(struct fm_dirsync *s, struct entry *e, const struct fm_dirsync_user *u,
    int64_t dept)
{
	int64_t account, now = fm_store_now(s->store);

	/* A whole sync adds many users: with others, at the next flush()
	 * (e->id is known then). */
	if (!s->o.partial) {
		if (!grow((void **)&s->fresh, &s->capfresh, s->nfresh,
		        sizeof(*s->fresh)))
			return false;
		s->fresh[s->nfresh++] =
		    (struct fresh){(size_t)(e - s->e), dept, NULL};
		s->r->users_added++;
		return true;
	}
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
	e->id = fm_sql_last_id(s->store);
	s->r->users_added++;
	return true;
}

/* How apply_user() went. */
enum step {
	STEP_DONE,
	STEP_WRITES, /* it would write: to do with the write lock */
	STEP_FAILED, /* a database error */
};

/* Whether u's department needs no write: none, or in the store under
 * the name u gives (a whole sync; a lookup asks the store). */
static bool
dept_ready(const struct fm_dirsync *s, const struct fm_dirsync_user *u)
{
	const struct dept_ref *d;

	if (u->dept_code[0] == '\0' || s->o.partial)
		return true;
	return (d = find_dept(s, u->dept_code)) != NULL && !renames(d, u);
}

/* Entry e, whose login the store has at stored (-1: not in memory): the
 * user added, or brought up to date (only what differs is written, so
 * that a sync with nothing to change writes nothing).  Without
 * may_write, what would write is left undone and counted nowhere. */
static enum step
apply_user(struct fm_dirsync *s, struct entry *e,
    const struct fm_dirsync_user *u, ssize_t stored, bool may_write)
{
	const char *name, *roles = roles_of(u);
	struct stored_row row;
	struct stored_view st = {0};
	bool failed = false, enabled, dir_disabled, changed;
	int64_t dept;

	if (!may_write && (stored < 0 || !dept_ready(s, u)))
		return STEP_WRITES;
	if ((dept = dept_id(s, u, &failed)), failed)
		return STEP_FAILED;
	if (s->o.partial) {
		switch (fm_sql_get(s->store, SELECT_STORED " WHERE login = ?1",
		    stored_cols, &row, FM_ARG_TEXT(u->login))) {
		case FM_SQL_ERROR:
			return STEP_FAILED;
		case FM_SQL_NONE:
			return add_user(s, e, u, dept) ? STEP_DONE
			                               : STEP_FAILED;
		case FM_SQL_FOUND:
			view_row(&row, &st);
			break;
		}
	} else if (stored < 0) {
		return add_user(s, e, u, dept) ? STEP_DONE : STEP_FAILED;
	} else
		view_stored(s, (size_t)stored, &st);
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
	} else if (!u->disabled && !st.enabled && st.dir_disabled) {
		/* Only whom the directory disabled: an admin's choice to
		 * disable a user stands. */
		enabled = true;
		dir_disabled = false;
	}
	if (!may_write && (changed || enabled != st.enabled))
		return STEP_WRITES;
	e->id = st.id;
	if (enabled != st.enabled) {
		if (enabled)
			s->r->users_reenabled++;
		else {
			s->r->users_disabled++;
			s->disabling++;
		}
	}
	if (changed)
		s->r->users_updated++;
	else if (enabled == st.enabled)
		s->r->users_unchanged++;
	if (!changed && enabled == st.enabled)
		return STEP_DONE;
	return fm_sql_exec(s->store,
	           "UPDATE users SET full_name = ?2, email = ?3,"
	           " department_id = ?4, roles = ?5, source = 'directory',"
	           " enabled = ?6, dir_disabled = ?7 WHERE id = ?1",
	           FM_ARG_INT(st.id), FM_ARG_TEXT(name), FM_ARG_TEXT(u->email),
	           FM_ARG_ID(dept), FM_ARG_TEXT(roles), FM_ARG_INT(enabled),
	           FM_ARG_INT(dir_disabled))
	    ? STEP_DONE
	    : STEP_FAILED;
}

/* The write lock, for what follows: taken once. */
static bool
lock_writes(struct fm_dirsync *s)
{
	if (s->writing)
		return true;
	s->writing = fm_store_lock_writes(s->store);
	return s->writing;
}

/* Entry e's badge written as the entry comes, with the write lock, if
 * nobody holds it: a whole directory's badges then go in while the server
 * sends the rest.  Any other case (held by someone, by hand or from the
 * directory, or by an earlier entry of this sync), and a badge that turns
 * out to be on two entries, the end decides. */
static bool
early_badge(struct fm_dirsync *s, struct entry *e)
{
	if (!e->has_badge || e->id <= 0)
		return true;
	if (!fm_badges_put_unless_held(s->store, e->hash, e->id, true,
	        "from the directory", &e->badge_put))
		return false;
	s->r->badges_added += e->badge_put;
	return true;
}

/* The users a whole sync adds go in FRESH_ROWS (else 8, else 1) to a
 * statement: a statement a row would, for each, open and free cursors and
 * the ephemeral table that checks accounts.kind. */
#define FRESH_ROWS 64
static const size_t fresh_rows[] = {FRESH_ROWS, 8, 1};
#define ROWS2(r) r ", " r
#define ROWS8(r) ROWS2(ROWS2(ROWS2(r)))
#define ACCOUNT_ROW "(?, 'user', ?, ?, ?)"
#define ACCOUNT_COLS 4
#define ADD_ACCOUNTS(rows)                                                     \
	"INSERT INTO accounts (id, kind, name, restricted, created_at)"        \
	" VALUES " rows
static const char *const add_accounts[] = {
    ADD_ACCOUNTS(ROWS8(ROWS8(ACCOUNT_ROW))), ADD_ACCOUNTS(ROWS8(ACCOUNT_ROW)),
    ADD_ACCOUNTS(ACCOUNT_ROW)};
#define USER_ROW "(?, ?, ?, ?, ?, ?, 'directory', ?, ?, ?, ?)"
#define USER_COLS 10
#define ADD_USERS(rows)                                                        \
	"INSERT INTO users (id, login, full_name, department_id, account_id,"  \
	" created_at, source, email, roles, enabled, dir_disabled) "           \
	"VALUES " rows
static const char *const add_users[] = {ADD_USERS(ROWS8(ROWS8(USER_ROW))),
    ADD_USERS(ROWS8(USER_ROW)), ADD_USERS(USER_ROW)};

static int
by_login(const void *a, const void *b)
{
	return strcmp(
	    ((const struct fresh *)a)->login, ((const struct fresh *)b)->login);
}

/* The fresh users' badges, in hash order (the index's), each as
 * early_badge() would have put it. */
static bool
put_fresh_badges(struct fm_dirsync *s)
{
	struct hash_ref *refs;
	uint8_t *hashes;
	int64_t *ids;
	bool *added, ok;
	size_t n = 0;

	refs = calloc(s->nfresh, sizeof(*refs));
	hashes = calloc(s->nfresh, FM_BADGES_HASHLEN);
	ids = calloc(s->nfresh, sizeof(*ids));
	added = calloc(s->nfresh, sizeof(*added));
	if ((ok = refs != NULL && hashes != NULL && ids != NULL &&
	            added != NULL)) {
		for (size_t k = 0; k < s->nfresh; k++) {
			const struct entry *e = &s->e[s->fresh[k].i];

			if (e->has_badge && e->id > 0)
				refs[n++] =
				    (struct hash_ref){e->hash, s->fresh[k].i};
		}
		if (n > 1)
			qsort(refs, n, sizeof(*refs), by_hash);
		for (size_t k = 0; k < n; k++) {
			memcpy(hashes + k * FM_BADGES_HASHLEN, refs[k].hash,
			    FM_BADGES_HASHLEN);
			ids[k] = s->e[refs[k].index].id;
		}
		ok = fm_badges_put_directory(
		    s->store, hashes, ids, n, "from the directory", added);
		for (size_t k = 0; ok && k < n; k++) {
			s->e[refs[k].index].badge_put = added[k];
			s->r->badges_added += added[k];
		}
	}
	free(refs);
	free(hashes);
	free(ids);
	free(added);
	return ok;
}

/* The users add_user() kept for later, written: their accounts and
 * users FRESH_ROWS at a time, in login order (the indexes' order), with
 * the ids SQLite would give them (the next ones: the write lock is
 * ours), then their badges. */
static bool
write_fresh(struct fm_dirsync *s)
{
	int64_t account = 0, user = 0, now = fm_store_now(s->store);
	struct fm_sql_arg *a;
	bool sorted = true;

	if (s->nfresh == 0)
		return true;
	if (s->rows == NULL &&
	    ((s->rows = calloc(FRESH_ROWS, sizeof(*s->rows))) == NULL ||
	        (s->args = calloc(
	             FRESH_ROWS * USER_COLS + 1, sizeof(*s->args))) == NULL))
		return false;
	if (fm_sql_int(s->store, "SELECT coalesce(max(id), 0) FROM accounts",
	        &account, FM_NO_ARGS) != FM_SQL_FOUND ||
	    fm_sql_int(s->store, "SELECT coalesce(max(id), 0) FROM users",
	        &user, FM_NO_ARGS) != FM_SQL_FOUND ||
	    account > INT64_MAX - (int64_t)s->nfresh ||
	    user > INT64_MAX - (int64_t)s->nfresh)
		return false;
	for (size_t k = 0; k < s->nfresh; k++) {
		s->fresh[k].login = entry_login(s, s->fresh[k].i);
		sorted = sorted &&
		    (k == 0 || by_login(&s->fresh[k - 1], &s->fresh[k]) < 0);
	}
	/* A directory often lists its users in login order already. */
	if (!sorted)
		qsort(s->fresh, s->nfresh, sizeof(*s->fresh), by_login);
	for (size_t at = 0, c = 0; at < s->nfresh; at += fresh_rows[c]) {
		size_t m;

		while (s->nfresh - at < fresh_rows[c])
			c++;
		m = fresh_rows[c];
		a = s->args;
		for (size_t r = 0; r < m; r++) {
			unpack_user(s, s->fresh[at + r].i, &s->rows[r]);
			*a++ = FM_ARG_INT(account + 1 + (int64_t)(at + r));
			*a++ = FM_ARG_TEXT(s->rows[r].login);
			*a++ = FM_ARG_INT(s->restricted);
			*a++ = FM_ARG_INT(now);
		}
		*a = FM_NO_ARGS;
		if (!fm_sql_exec_args(s->store, add_accounts[c], s->args))
			return false;
		a = s->args;
		for (size_t r = 0; r < m; r++) {
			const struct fm_dirsync_user *u = &s->rows[r];
			int64_t id = user + 1 + (int64_t)(at + r);

			*a++ = FM_ARG_INT(id);
			*a++ = FM_ARG_TEXT(u->login);
			*a++ = FM_ARG_TEXT(u->full_name);
			*a++ = FM_ARG_ID(s->fresh[at + r].dept);
			*a++ = FM_ARG_INT(account + 1 + (int64_t)(at + r));
			*a++ = FM_ARG_INT(now);
			*a++ = FM_ARG_TEXT(u->email);
			*a++ = FM_ARG_TEXT(roles_of(u));
			*a++ = FM_ARG_INT(!u->disabled);
			*a++ = FM_ARG_INT(u->disabled);
			s->e[s->fresh[at + r].i].id = id;
		}
		*a = FM_NO_ARGS;
		if (!fm_sql_exec_args(s->store, add_users[c], s->args))
			return false;
	}
	if (!put_fresh_badges(s))
		return false;
	s->nfresh = 0;
	return true;
}

/* A whole sync's page cache, and its pages on the way to the disk.  What
 * a sync changes over and over (the indexes it writes out of order, the
 * badges' by hash above all: a page for some 60 badges) stays in the
 * cache; what it appends (rows, logins in order) leaves it as it fills:
 * SQLite writes those pages to the WAL, uncommitted, once each, and
 * reuses their memory (a page of new memory costs a page fault).  A
 * page for each USERS_PER_PAGE users the sync has seen, at least
 * CACHE_MIN (8 MB) and at most CACHE_MAX (64 MB).  Every SPILL_USERS
 * users written, the cache is sized again and the disk started on the
 * WAL; once the entries are all written, the pages still in the cache go
 * to the WAL too (spill_last()), so that the disk writes them while the
 * end works out badges and missing users.  The COMMIT then writes and
 * waits for little. */
#define USERS_PER_PAGE 32
#define CACHE_MIN 2048
#define CACHE_MAX 16384
#define SPILL_USERS 8000
/* A whole sync reads every user and badge of the store: mapped, not
 * copied page by page (fm_store_map_reads()), up to this much. */
#define MAP_READS ((int64_t)1 << 30)

static void
size_cache(struct fm_dirsync *s)
{
	size_t pages = (s->n + s->nst) / USERS_PER_PAGE;

	pages = pages < CACHE_MIN ? CACHE_MIN
	    : pages > CACHE_MAX   ? CACHE_MAX
	                          : pages;
	if (pages != s->cache_pages)
		fm_store_cache_pages(s->store, (int)pages);
	s->cache_pages = pages;
}

/* The pending entries written.  False on a database error, or if the
 * store changed since the sync first read it (fm_store_busy(): then
 * begin_again()). */
static bool
flush(struct fm_dirsync *s)
{
	if (s->npending == 0 && s->nfresh == 0)
		return true;
	if (!lock_writes(s))
		return false;
	s->unspilled += s->npending + s->nfresh;
	for (size_t k = 0; k < s->npending; k++) {
		size_t i = s->pending[k];
		struct fm_dirsync_user u;

		unpack_user(s, i, &u);
		if (apply_user(s, &s->e[i], &u, s->e[i].stored, true) !=
		        STEP_DONE ||
		    !early_badge(s, &s->e[i])) {
			s->busy = fm_store_busy(s->store);
			return false;
		}
	}
	s->npending = 0;
	if (!write_fresh(s)) {
		s->busy = fm_store_busy(s->store);
		return false;
	}
	if (!s->o.partial && s->unspilled >= SPILL_USERS) {
		s->unspilled = 0;
		s->spilled = true;
		size_cache(s);
		fm_store_start_writeback(s->store);
	}
	return true;
}

/* A sync that wrote more than SPILL_USERS users, once its entries are
 * all written: its pages handed to the WAL (see size_cache()). */
static bool
spill_last(struct fm_dirsync *s)
{
	if (!s->spilled || s->o.dry_run)
		return true;
	s->spilled = false;
	return fm_store_spill(s->store);
}

static bool load_state(struct fm_dirsync *s);
static bool take_entry(
    struct fm_dirsync *s, size_t i, const struct fm_dirsync_user *given);

/* Someone wrote to the store after the sync first read it: everything
 * again, under the write lock from the start, with the entries so far.
 * Rare (a sync that changes nothing until its end holds no lock), and
 * correct however the store changed. */
static bool
begin_again(struct fm_dirsync *s)
{
	size_t n = s->n;

	fm_store_rollback(s->store);
	s->writing = false;
	s->redone = true;
	*s->r = s->before;
	s->nst = s->ndepts = s->ndir_badges = s->npending = s->nfresh = 0;
	s->unspilled = 0;
	s->spilled = false;
	s->stored.len = 0;
	s->used = 0;
	s->disabling = 0;
	for (size_t i = 0; i < s->nslots; i++)
		s->slots[i] = (struct slot){-1, -1, 0};
	if (!fm_store_begin(s->store))
		return false;
	s->writing = true;
	if (!load_state(s))
		return false;
	for (s->n = 0; s->n < n; s->n++) {
		struct entry *e = &s->e[s->n];

		e->id = 0;
		e->skip = e->no_badge = e->no_dept = e->badge_put = false;
		if (!take_entry(s, s->n, NULL))
			return false;
	}
	return true;
}

/* Entries that change something, held before the sync takes the write
 * lock: a sync of a whole directory that adds or moves many users writes
 * as it reads, one that changes a few waits for the end. */
#define PENDING_MAX 1000

/* Entry i as it comes: checked (its login, twice, its department code),
 * its badge hashed, and applied.  given: the user as the caller gave it
 * (what s->entries has of entry i), or NULL to unpack it; most entries
 * are used as given, not copied.  False on a database error. */
static bool
take_entry(struct fm_dirsync *s, size_t i, const struct fm_dirsync_user *given)
{
	struct entry *e = &s->e[i];
	struct fm_dirsync_user copy;
	const struct fm_dirsync_user *u = given;
	struct slot *sl;

	/* A badge longer than its field is packed as none: the copy says
	 * so. */
	if (u == NULL || u->badge_len > sizeof(u->badge)) {
		unpack_user(s, i, &copy);
		u = &copy;
	}

	if (!fm_users_login_is_valid(u->login)) {
		e->skip = true;
		s->r->conflicts++;
		note(s->r, "%s: login '%.64s' is not valid: skipped", u->where,
		    u->login);
		return true;
	}
	if (!slots_reserve(s))
		return false;
	sl = slot_find(s, u->login);
	if (sl->entry >= 0) {
		e->skip = true;
		s->r->conflicts++;
		note(s->r,
		    "%s: login %s appears twice (also %s): the second is "
		    "skipped",
		    u->where, u->login, where_of(s, (size_t)sl->entry));
		return true;
	}
	if (sl->stored < 0)
		s->used++;
	else
		s->st[sl->stored].matched = true;
	sl->entry = (ssize_t)i;
	e->stored = sl->stored;
	if (u->dept_code[0] != '\0' &&
	    !fm_accounts_code_is_valid(u->dept_code)) {
		s->r->conflicts++;
		note(s->r,
		    "%s: department code '%.40s' is not valid: %s keeps no "
		    "department",
		    u->where, u->dept_code, u->login);
		if (u != &copy) {
			copy = *u;
			u = &copy;
		}
		copy.dept_code[0] = '\0';
		e->no_dept = true;
	}
	if (u->badge_len > 0 &&
	    !fm_badges_hasher_hash(s->hasher, u->badge, u->badge_len, e->hash))
		return false;
	switch (apply_user(s, e, u, sl->stored, s->writing || s->o.partial)) {
	case STEP_DONE:
		s->unspilled += s->writing;
		if (s->writing && !early_badge(s, e))
			return false;
		return s->nfresh < PENDING_MAX || flush(s);
	case STEP_FAILED:
		return false;
	case STEP_WRITES:
		break;
	}
	if (!grow((void **)&s->pending, &s->cappending, s->npending,
	        sizeof(*s->pending)))
		return false;
	s->pending[s->npending++] = i;
	return s->npending < PENDING_MAX || flush(s);
}

/* Users the directory gave before and no longer lists: disabled.  *base
 * is how many were enabled before, of those the directory gave or
 * names now: what the safety valve's share is of. */
static bool
disable_missing(struct fm_dirsync *s, int64_t *base)
{
	bool ok = true;

	for (size_t i = 0; ok && i < s->nst; i++) {
		const struct stored *st = &s->st[i];

		if (!st->enabled || (!st->from_directory && !st->matched))
			continue;
		++*base;
		if (st->matched)
			continue;
		ok = fm_sql_exec(s->store,
		    "UPDATE users SET enabled = 0, dir_disabled = 1"
		    " WHERE id = ?1",
		    FM_ARG_INT(st->id));
		s->r->users_disabled++;
		s->disabling++;
	}
	return ok;
}

/* The same badge on two users goes to neither: whichever got it could
 * print on the other's account.  The others, by hash, in by_hash. */
static bool
shared_badges(struct fm_dirsync *s)
{
	struct hash_ref *refs;
	size_t i, j, nrefs = 0;
	char fp[16];

	free(s->by_hash);
	free(s->badge_held);
	s->by_hash = NULL;
	s->badge_held = NULL;
	s->nbadges = 0;
	if ((refs = calloc(s->n + 1, sizeof(*refs))) == NULL ||
	    (s->by_hash = calloc(s->n + 1, sizeof(*s->by_hash))) == NULL ||
	    (s->badge_held = calloc(s->n + 1, sizeof(bool))) == NULL) {
		free(refs);
		return false;
	}
	for (i = 0; i < s->n; i++)
		if (!s->e[i].skip && s->e[i].has_badge)
			refs[nrefs++] = (struct hash_ref){s->e[i].hash, i};
	if (nrefs > 1)
		qsort(refs, nrefs, sizeof(*refs), by_hash);
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
		    fp, j - i, entry_login(s, refs[i].index),
		    entry_login(s, refs[i + 1].index),
		    j - i > 2 ? ", ..." : "");
		for (size_t k = i; k < j; k++)
			s->e[refs[k].index].no_badge = true;
	}
	for (i = 0; i < nrefs; i++)
		if (!s->e[refs[i].index].no_badge)
			s->by_hash[s->nbadges++] = refs[i].index;
	free(refs);
	return true;
}

/* The entry whose badge has this hash, or -1. */
static ssize_t
find_badge(const struct fm_dirsync *s, const uint8_t *hash)
{
	size_t lo = 0, hi = s->nbadges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c =
		    memcmp(hash, s->e[s->by_hash[mid]].hash, FM_BADGES_HASHLEN);

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
	struct fm_dirsync *s;
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

	if (k >= 0 && st->s->e[st->s->by_hash[k]].id == user_id) {
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
apply_badges(struct fm_dirsync *s)
{
	struct stale st = {s, NULL, 0, 0};
	bool ok = true;
	char fp[16];

	/* Written as it came, then found on another entry too. */
	for (size_t i = 0; ok && i < s->n; i++)
		if (s->e[i].badge_put && s->e[i].no_badge) {
			ok = fm_badges_drop(s->store, s->e[i].hash);
			s->e[i].badge_put = false;
			s->r->badges_added--;
		}

	if (!s->o.partial)
		for (size_t i = 0; ok && i < s->ndir_badges; i++)
			ok = check_stale(s->dir_badges[i].hash,
			    s->dir_badges[i].user_id, &st);
	else
		for (size_t i = 0; ok && i < s->n; i++)
			if (!s->e[i].skip && s->e[i].id > 0)
				ok = fm_badges_each_directory(
				    s->store, s->e[i].id, check_stale, &st);
	for (size_t i = 0; ok && i < st.n; i++) {
		ok = fm_badges_drop(s->store, st.drop[i]);
		s->r->badges_removed++;
	}
	free(st.drop);
	for (size_t k = 0; ok && k < s->nbadges; k++) {
		size_t i = s->by_hash[k];
		const struct entry *e = &s->e[i];
		int64_t owner;
		bool from_directory;

		if (s->badge_held[k] || e->id <= 0 || e->badge_put)
			continue;
		if (fm_badges_owner(
		        s->store, e->hash, &owner, &from_directory)) {
			if (owner == e->id)
				continue; /* theirs already, by hand */
			fingerprint(e->hash, fp, sizeof(fp));
			s->r->conflicts++;
			note(s->r,
			    "badge %s of %s is registered to another user%s: "
			    "not given",
			    fp, entry_login(s, i),
			    from_directory ? "" : " by hand");
			continue;
		}
		ok = fm_badges_put(
		    s->store, e->hash, e->id, true, "from the directory");
		s->r->badges_added++;
	}
	return ok;
}

/* What ends a sync inside its transaction: false with err to roll
 * back. */
static bool
finish(struct fm_dirsync *s, char *err, size_t errlen)
{
	int64_t base = 0;

	if (!shared_badges(s)) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (!s->o.partial && !disable_missing(s, &base)) {
		s->busy = fm_store_busy(s->store);
		snprintf(err, errlen, "database error: %s",
		    fm_store_last_error(s->store));
		return false;
	}
	if (!s->o.partial && !s->o.force && s->disabling > 0 &&
	    s->disabling * 100 > (int64_t)s->o.max_disable_percent * base) {
		snprintf(err, errlen,
		    "refused: this sync would disable %lld of the %lld users "
		    "from the directory, more than max_disable_percent (%u%%); "
		    "nothing was changed (check the filter, or run it again "
		    "with --force if it is right)",
		    (long long)s->disabling, (long long)base,
		    s->o.max_disable_percent);
		return false;
	}
	if (!apply_badges(s)) {
		s->busy = fm_store_busy(s->store);
		snprintf(err, errlen, "database error: %s",
		    fm_store_last_error(s->store));
		return false;
	}
	return true;
}

static void
sync_free(struct fm_dirsync *s)
{
	if (!s->o.partial)
		fm_store_map_reads(s->store, 0);
	free(s->e);
	free(s->entries.buf);
	free(s->stored.buf);
	free(s->st);
	free(s->depts);
	free(s->slots);
	free(s->pending);
	free(s->dir_badges);
	free(s->by_hash);
	free(s->badge_held);
	free(s->fresh);
	free(s->rows);
	free(s->args);
	fm_badges_hasher_free(s->hasher);
	free(s);
}

fm_dirsync_t *
fm_dirsync_begin(fm_store_t *store, const struct fm_dirsync_options *opts,
    struct fm_dirsync_report *report, char *err, size_t errlen)
{
	char policy[FM_POLICY_VALUEMAX] = "";
	struct fm_dirsync *s;
	uint64_t t0 = fm_clock_us();

	if (err == NULL || errlen == 0)
		return NULL;
	err[0] = '\0';
	if (store == NULL || opts == NULL || report == NULL ||
	    opts->badge_key == NULL) {
		snprintf(err, errlen, "missing argument");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->store = store;
	s->o = *opts;
	s->r = report;
	if ((s->hasher = fm_badges_hasher_new(opts->badge_key)) == NULL) {
		snprintf(err, errlen, "out of memory");
		sync_free(s);
		return NULL;
	}
	if (!opts->partial) {
		size_cache(s);
		/* Each statement of many rows (write_fresh()) keeps the pages
		 * it changes in a statement journal, to undo itself if a row
		 * fails: in memory, not a temporary file written as it
		 * goes.  At most the pages of 64 rows. */
		fm_sql_exec(store, "PRAGMA temp_store = MEMORY", FM_NO_ARGS);
	}
	s->before = *report;
	/* A lookup of a few users writes at once; a whole directory reads
	 * first (see pending). */
	s->writing = opts->partial;
	if (!opts->partial)
		fm_store_map_reads(store, MAP_READS);
	if (!(opts->partial ? fm_store_begin(store)
	                    : fm_store_begin_read(store))) {
		snprintf(err, errlen, "cannot lock the database: %s",
		    fm_store_last_error(store));
		sync_free(s);
		return NULL;
	}
	fm_policy_get(store, "new_users", policy, sizeof(policy));
	s->restricted = strcmp(policy, "restricted") == 0;
	if (!slots_reserve(s) || (!opts->partial && !load_state(s))) {
		snprintf(err, errlen, "cannot read the users: %s",
		    fm_store_last_error(store));
		fm_store_rollback(store);
		sync_free(s);
		return NULL;
	}
	if (!opts->partial)
		size_cache(s); /* for the users the store has */
	report->us.begin += (int64_t)(fm_clock_us() - t0);
	return s;
}

bool
fm_dirsync_add(fm_dirsync_t *s, const struct fm_dirsync_user *users, size_t n,
    char *err, size_t errlen)
{
	uint64_t t0 = fm_clock_us();
	bool ok = true;

	if (s == NULL || (users == NULL && n > 0) || err == NULL)
		return false;
	for (size_t k = 0; ok && k < n; k++) {
		if (!grow((void **)&s->e, &s->cap, s->n, sizeof(*s->e))) {
			snprintf(err, errlen, "out of memory");
			ok = false;
			break;
		}
		memset(&s->e[s->n], 0, sizeof(s->e[s->n]));
		if (!pack_user(s, &s->e[s->n], &users[k])) {
			snprintf(err, errlen, "out of memory");
			ok = false;
			break;
		}
		s->busy = false;
		if (!take_entry(s, s->n++, &users[k]) &&
		    !(s->busy && !s->redone && begin_again(s))) {
			snprintf(err, errlen, "database error at %s: %s",
			    users[k].where, fm_store_last_error(s->store));
			ok = false;
		}
	}
	s->r->us.apply += (int64_t)(fm_clock_us() - t0);
	return ok;
}

bool
fm_dirsync_end(fm_dirsync_t *s, bool ok, char *err, size_t errlen)
{
	uint64_t t0 = fm_clock_us(), t1;
	bool done, finished = false;

	if (s == NULL)
		return false;
	/* What is pending, then the end's own writes, under the write
	 * lock; if the store changed since the sync read it, once more
	 * from the start. */
	for (int attempt = 0; ok && !finished && attempt < 2; attempt++) {
		if (attempt > 0 && !(s->busy && !s->redone && begin_again(s)))
			break;
		s->busy = false;
		if (!flush(s) || !lock_writes(s) || !spill_last(s))
			snprintf(err, errlen, "database error: %s",
			    fm_store_last_error(s->store));
		else
			finished = finish(s, err, errlen);
	}
	ok = ok && finished;
	t1 = fm_clock_us();
	s->r->us.end += (int64_t)(t1 - t0);
	/* The commit and the checkpoint it would run, timed apart. */
	fm_store_defer_checkpoint(s->store);
	done = fm_store_end(s->store, ok && !s->o.dry_run);
	t0 = fm_clock_us();
	s->r->us.commit += (int64_t)(t0 - t1);
	fm_store_deferred_checkpoint(s->store);
	s->r->us.checkpoint += (int64_t)(fm_clock_us() - t0);
	if (ok && !s->o.dry_run && !done) {
		snprintf(err, errlen, "cannot commit: %s",
		    fm_store_last_error(s->store));
		ok = false;
	}
	sync_free(s);
	return ok;
}

bool
fm_dirsync_apply(fm_store_t *store, const struct fm_dirsync_user *users,
    size_t n, const struct fm_dirsync_options *opts,
    struct fm_dirsync_report *report, char *err, size_t errlen)
{
	fm_dirsync_t *s;

	if (users == NULL && n > 0) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "missing argument");
		return false;
	}
	if ((s = fm_dirsync_begin(store, opts, report, err, errlen)) == NULL)
		return false;
	return fm_dirsync_end(
	    s, fm_dirsync_add(s, users, n, err, errlen), err, errlen);
}

void
fm_dirsync_report_merge(
    struct fm_dirsync_report *into, const struct fm_dirsync_report *from)
{
	if (into == NULL || from == NULL)
		return;
	into->users_added += from->users_added;
	into->users_updated += from->users_updated;
	into->users_disabled += from->users_disabled;
	into->users_reenabled += from->users_reenabled;
	into->users_unchanged += from->users_unchanged;
	into->depts_added += from->depts_added;
	into->depts_renamed += from->depts_renamed;
	into->badges_added += from->badges_added;
	into->badges_removed += from->badges_removed;
	into->conflicts += from->conflicts;
	into->us.begin += from->us.begin;
	into->us.apply += from->us.apply;
	into->us.end += from->us.end;
	into->us.commit += from->us.commit;
	into->us.checkpoint += from->us.checkpoint;
	into->us.total += from->us.total;
	into->us.waiting += from->us.waiting;
	for (int i = 0; i < from->nnotes && into->nnotes < FM_DIRSYNC_NOTES;
	     i++)
		memcpy(into->notes[into->nnotes++], from->notes[i],
		    FM_DIRSYNC_NOTEMAX);
}
