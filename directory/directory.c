/*
 * directory.c - reading the directory or a spreadsheet into users
 * (directory.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "directory/directory.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/utf8.h"
#include "directory/csv.h"
#include "directory/dirmap.h"
#include "directory/ldapsrc.h"

/* Departments' names from a file or the OUs' descriptions. */
struct names {
	char (*code)[FM_DEPTS_CODEMAX];
	char (*name)[FM_DEPTS_NAMEMAX];
	size_t n, cap;
	/* By code, then as read (names_index()): every entry looks its
	 * department's name up. */
	struct name_ref *by_code;
	size_t nby_code;
};

struct name_ref {
	const char *code, *name;
	size_t i;
};

/* Users handed from the reading thread to the caller's, a batch at a
 * time: few enough in flight to bound the memory (about 10 MB), enough
 * that the reader is not held up while the caller reads the store at the
 * start (some 100 ms for 50,000 users: 16,384 users read meanwhile). */
#define BATCH_USERS 256
#define BATCHES_IN_FLIGHT 64

struct batch {
	struct fm_dirsync_user users[BATCH_USERS];
	size_t n;
};

struct stream {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct batch *queue[BATCHES_IN_FLIGHT];
	size_t head, count;
	bool finished;     /* the reading thread is done */
	bool stopped;      /* the caller's side failed: stop reading */
	struct batch *cur; /* the reading thread's, being filled */
	/* Batches the caller is done with, for the reader to fill again
	 * (fresh memory for each would cost a page fault per 4 kB). */
	struct batch *spare[BATCHES_IN_FLIGHT];
	size_t nspare;
};

struct reading {
	const struct fm_dirmap *map;
	struct fm_directory_result *out;
	struct names names;
	struct stream *stream; /* NULL: users go into out->users */
	/* CSV: which column is which field. */
	char header[FM_CSV_FIELDS][FM_DIRMAP_NAMEMAX];
	size_t nheader;
};

static void
add_note(struct fm_dirsync_report *r, const char *text)
{
	if (r->nnotes < FM_DIRSYNC_NOTES)
		snprintf(r->notes[r->nnotes++], FM_DIRSYNC_NOTEMAX, "%s", text);
}

bool
fm_directory_read_password(
    const char *path, char *buf, size_t size, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n;
	int fd;

	if (path == NULL || buf == NULL || size < 2 || err == NULL)
		return false;
	if (path[0] == '\0') {
		snprintf(err, errlen,
		    "[directory] bind_dn is set but "
		    "password_file is not");
		return false;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "password file %s: %s", path,
		    errno == ELOOP ? "is a symbolic link" : strerror(errno));
		return false;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(
		    err, errlen, "password file %s: not a regular file", path);
		return false;
	}
	if ((st.st_mode & 07777) != 0600 && (st.st_mode & 07777) != 0640) {
		close(fd);
		snprintf(err, errlen,
		    "password file %s has mode %04o: refused (it must be "
		    "0600 or 0640, readable by root and the followme group "
		    "only)",
		    path, (unsigned)(st.st_mode & 07777));
		return false;
	}
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0) {
		snprintf(
		    err, errlen, "password file %s: %s", path, strerror(errno));
		return false;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0') {
		snprintf(err, errlen, "password file %s is empty", path);
		return false;
	}
	return true;
}

/* The full batch to the caller's thread (waiting for room); false if the
 * caller stopped. */
static bool
stream_push(struct stream *st)
{
	bool ok;

	pthread_mutex_lock(&st->lock);
	while (st->count == BATCHES_IN_FLIGHT && !st->stopped)
		pthread_cond_wait(&st->changed, &st->lock);
	ok = !st->stopped;
	if (ok) {
		st->queue[(st->head + st->count) % BATCHES_IN_FLIGHT] = st->cur;
		st->count++;
		st->cur = NULL;
		pthread_cond_broadcast(&st->changed);
	}
	pthread_mutex_unlock(&st->lock);
	return ok;
}

/* An empty batch: a spare one, else a new one. */
static struct batch *
stream_spare(struct stream *st)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&st->lock);
	if (st->nspare > 0)
		b = st->spare[--st->nspare];
	pthread_mutex_unlock(&st->lock);
	if (b == NULL)
		return calloc(1, sizeof(*b));
	b->n = 0;
	return b;
}

/* Batch b back from the caller, to be filled again (or freed). */
static void
stream_done(struct stream *st, struct batch *b)
{
	pthread_mutex_lock(&st->lock);
	if (st->nspare < BATCHES_IN_FLIGHT) {
		st->spare[st->nspare++] = b;
		b = NULL;
	}
	pthread_mutex_unlock(&st->lock);
	free(b);
}

/* Room for the next user: in the stream's batch, or in out->users. */
static struct fm_dirsync_user *
next_user(struct reading *rd)
{
	struct fm_directory_result *out = rd->out;
	struct stream *st = rd->stream;

	if (st != NULL) {
		if (st->cur != NULL && st->cur->n == BATCH_USERS &&
		    !stream_push(st))
			return NULL;
		if (st->cur == NULL && (st->cur = stream_spare(st)) == NULL)
			return NULL;
		memset(
		    &st->cur->users[st->cur->n], 0, sizeof(st->cur->users[0]));
		return &st->cur->users[st->cur->n];
	}
	if (out->n == out->cap) {
		size_t cap = out->cap ? 2 * out->cap : 1024;
		void *p = realloc(out->users, cap * sizeof(*out->users));

		if (p == NULL)
			return NULL;
		out->users = p;
		out->cap = cap;
	}
	memset(&out->users[out->n], 0, sizeof(out->users[out->n]));
	return &out->users[out->n];
}

static bool
names_add(struct names *nm, const char *code, const char *name)
{
	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? 2 * nm->cap : 64;
		void *c = realloc(nm->code, cap * sizeof(*nm->code));

		if (c == NULL)
			return false;
		nm->code = c;
		void *m = realloc(nm->name, cap * sizeof(*nm->name));
		if (m == NULL)
			return false;
		nm->name = m;
		nm->cap = cap;
	}
	snprintf(nm->code[nm->n], FM_DEPTS_CODEMAX, "%s", code);
	snprintf(nm->name[nm->n], FM_DEPTS_NAMEMAX, "%s", name);
	nm->n++;
	return true;
}

static int
by_code(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = strcmp(x->code, y->code);

	return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

/* The names sorted by code, once they are all read (out of memory,
 * names_find() reads them in order). */
static void
names_index(struct names *nm)
{
	free(nm->by_code);
	nm->nby_code = 0;
	if (nm->n == 0 ||
	    (nm->by_code = calloc(nm->n, sizeof(*nm->by_code))) == NULL)
		return;
	for (size_t i = 0; i < nm->n; i++)
		nm->by_code[i] = (struct name_ref){nm->code[i], nm->name[i], i};
	qsort(nm->by_code, nm->n, sizeof(*nm->by_code), by_code);
	nm->nby_code = nm->n;
}

/* The first name given to code (a code may come twice). */
static const char *
names_find(const char *code, void *arg)
{
	const struct names *nm = arg;
	size_t lo = 0, hi = nm->nby_code;

	if (nm->nby_code != nm->n) {
		for (size_t i = 0; i < nm->n; i++)
			if (strcmp(nm->code[i], code) == 0)
				return nm->name[i];
		return NULL;
	}
	/* The lowest position whose code is not below code. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(nm->by_code[mid].code, code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nm->nby_code && strcmp(nm->by_code[lo].code, code) == 0
	    ? nm->by_code[lo].name
	    : NULL;
}

static void
names_free(struct names *nm)
{
	free(nm->code);
	free(nm->name);
	free(nm->by_code);
}

/* One mapped entry into the result, or a note on why it is not. */
static bool
take(struct reading *rd, const char *dn, const struct fm_dirmap_value *vals,
    size_t n, const char *where)
{
	struct fm_dirsync_user *u = next_user(rd);
	char note[FM_DIRSYNC_NOTEMAX], why[FM_DIRSYNC_NOTEMAX];
	size_t len;

	if (u == NULL)
		return false;
	rd->out->entries++;
	/* Copied, not formatted: this runs for every entry. */
	len = strnlen(where, sizeof(u->where) - 1);
	memcpy(u->where, where, len);
	u->where[len] = '\0';
	if (!fm_dirmap_entry(rd->map, dn, vals, n, names_find, &rd->names, u,
	        note, sizeof(note), why, sizeof(why))) {
		rd->out->report.conflicts++;
		add_note(&rd->out->report, why);
		return true;
	}
	if (note[0] != '\0') {
		rd->out->report.conflicts++;
		add_note(&rd->out->report, note);
	}
	if (rd->stream != NULL)
		rd->stream->cur->n++;
	else
		rd->out->n++;
	return true;
}

static bool
ldap_entry(const char *dn, const struct fm_dirmap_value *vals, size_t n,
    void *arg, char *err, size_t errlen)
{
	struct reading *rd = arg;

	if (!take(rd, dn, vals, n, dn)) {
		/* If the caller's side stopped, its error is the one said. */
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

/* An OU's description names the department its code comes from. */
static bool
ou_entry(const char *dn, const struct fm_dirmap_value *vals, size_t n,
    void *arg, char *err, size_t errlen)
{
	struct reading *rd = arg;
	char ou[FM_DEPTS_NAMEMAX] = "", code[FM_DEPTS_CODEMAX], desc[128] = "";

	(void)dn;
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(vals[i].attr, "ou") == 0 && ou[0] == '\0')
			snprintf(ou, sizeof(ou), "%.*s", (int)vals[i].len,
			    vals[i].value);
		else if (strcasecmp(vals[i].attr, "description") == 0 &&
		    desc[0] == '\0')
			fm_utf8_clean(
			    desc, sizeof(desc), vals[i].value, vals[i].len);
	}
	if (ou[0] == '\0' || desc[0] == '\0' ||
	    !fm_dirmap_code(ou, strlen(ou), code, sizeof(code)))
		return true;
	if (!names_add(&rd->names, code, desc)) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

/* A names file: CODE,NAME records (csv.h), no header. */
static bool
names_record(
    const struct fm_csv_record *rec, void *arg, char *err, size_t errlen)
{
	struct reading *rd = arg;
	char code[FM_DEPTS_CODEMAX];

	if (rec->nfields != 2 ||
	    !fm_dirmap_code(rec->field[0], rec->len[0], code, sizeof(code))) {
		snprintf(
		    err, errlen, "line %zu: expected CODE,NAME", rec->line);
		return false;
	}
	if (!names_add(&rd->names, code, rec->field[1])) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

static char *
slurp(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		snprintf(err, errlen,
		    "%s: not a regular file of at most %zu "
		    "bytes",
		    path, max);
		close(fd);
		return NULL;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	*len = got;
	return buf;
}

static bool
load_names(
    const struct fm_settings *s, struct reading *rd, char *err, size_t errlen)
{
	char sub[FM_CONF_ERRMAX];
	size_t len = 0;
	char *buf;
	bool ok;

	if (s->directory.department_names[0] == '\0')
		return true;
	if ((buf = slurp(s->directory.department_names, 16 << 20, &len, err,
	         errlen)) == NULL)
		return false;
	ok = fm_csv_parse(buf, len, names_record, rd, sub, sizeof(sub));
	free(buf);
	if (!ok)
		snprintf(
		    err, errlen, "%s: %s", s->directory.department_names, sub);
	return ok;
}

/* A search of the directory, ready to run. */
struct search {
	struct fm_dirmap map;
	struct reading rd;
	const char *attrs[16];
	char filter[2 * FM_CONF_STRMAX + 300];
	size_t limit;
	fm_ldapsrc_t *src;
	/* A reading thread connects itself (search_connect()). */
	const struct fm_settings *settings;
	const char *password;
	/* What the run said, for a reading thread's caller. */
	bool ok;
	char err[1024];
};

/* The map, filter and departments' names made, nothing connected yet:
 * false with err. */
static bool
search_prepare(struct search *q, const struct fm_settings *s,
    const char *password, const char *login, size_t limit,
    struct fm_directory_result *out, char *err, size_t errlen)
{
	char esc[256];

	memset(out, 0, sizeof(*out));
	if (!fm_dirmap_from_settings(s, &q->map, err, errlen))
		return false;
	q->rd.map = &q->map;
	q->rd.out = out;
	q->limit = limit;
	fm_dirmap_attrs(
	    &q->map, q->attrs, sizeof(q->attrs) / sizeof(q->attrs[0]));
	if (login != NULL) {
		if (!fm_ldapsrc_escape(
		        login, strlen(login), esc, sizeof(esc))) {
			snprintf(err, errlen, "login too long");
			return false;
		}
		snprintf(q->filter, sizeof(q->filter), "(&%s(%s=%s))",
		    q->map.filter, q->map.login, esc);
	} else
		snprintf(q->filter, sizeof(q->filter), "%s", q->map.filter);
	q->settings = s;
	q->password = password;
	if (!load_names(s, &q->rd, err, errlen)) {
		names_free(&q->rd.names);
		return false;
	}
	return true;
}

/* Connected and bound: false with err. */
static bool
search_connect(struct search *q, char *err, size_t errlen)
{
	q->src = fm_ldapsrc_open(q->settings, q->password, err, errlen);
	return q->src != NULL;
}

/* The departments' names (if they come from OUs), then the users. */
static bool
search_run(struct search *q, char *err, size_t errlen)
{
	static const char *const ou_attrs[] = {"ou", "description", NULL};

	if (q->map.dept_name_from_ou &&
	    !fm_ldapsrc_search(q->src, "(objectClass=organizationalUnit)",
	        ou_attrs, 0, ou_entry, &q->rd, err, errlen))
		return false;
	names_index(&q->rd.names);
	return fm_ldapsrc_search(q->src, q->filter, q->attrs, q->limit,
	    ldap_entry, &q->rd, err, errlen);
}

static void
search_close(struct search *q)
{
	fm_ldapsrc_close(q->src);
	names_free(&q->rd.names);
}

bool
fm_directory_fetch(const struct fm_settings *s, const char *password,
    const char *login, size_t limit, struct fm_directory_result *out, char *err,
    size_t errlen)
{
	struct search *q;
	bool ok;

	if (s == NULL || out == NULL || err == NULL)
		return false;
	if ((q = calloc(1, sizeof(*q))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	ok = search_prepare(q, s, password, login, limit, out, err, errlen);
	if (ok) {
		ok = search_connect(q, err, errlen) &&
		    search_run(q, err, errlen);
		search_close(q);
	}
	free(q);
	if (!ok)
		fm_directory_result_free(out);
	return ok;
}

/* The reading thread: the connection (while the caller's thread reads
 * the store), the search, its last batch, then "finished". */
static void *
reader(void *arg)
{
	struct search *q = arg;
	struct stream *st = q->rd.stream;

	q->ok = search_connect(q, q->err, sizeof(q->err)) &&
	    search_run(q, q->err, sizeof(q->err));
	if (q->ok && st->cur != NULL && st->cur->n > 0 && !stream_push(st))
		q->ok = false;
	pthread_mutex_lock(&st->lock);
	st->finished = true;
	pthread_cond_broadcast(&st->changed);
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

/* The next batch from the reading thread (the caller frees it), or NULL
 * once it has finished. */
static struct batch *
stream_pop(struct stream *st)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&st->lock);
	while (st->count == 0 && !st->finished)
		pthread_cond_wait(&st->changed, &st->lock);
	if (st->count > 0) {
		b = st->queue[st->head];
		st->head = (st->head + 1) % BATCHES_IN_FLIGHT;
		st->count--;
		pthread_cond_broadcast(&st->changed);
	}
	pthread_mutex_unlock(&st->lock);
	return b;
}

/* The caller's side failed: the reader stops at its next user. */
static void
stream_stop(struct stream *st)
{
	pthread_mutex_lock(&st->lock);
	st->stopped = true;
	pthread_cond_broadcast(&st->changed);
	pthread_mutex_unlock(&st->lock);
}

bool
fm_directory_stream(const struct fm_settings *s, const char *password,
    fm_directory_sink *sink, void *arg, struct fm_directory_result *out,
    char *err, size_t errlen)
{
	struct stream st = {.head = 0};
	struct search *q;
	struct batch *b;
	pthread_t thread;
	bool ok = true;

	if (s == NULL || sink == NULL || out == NULL || err == NULL)
		return false;
	if ((q = calloc(1, sizeof(*q))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (!search_prepare(q, s, password, NULL, 0, out, err, errlen)) {
		free(q);
		return false;
	}
	pthread_mutex_init(&st.lock, NULL);
	pthread_cond_init(&st.changed, NULL);
	q->rd.stream = &st;
	if (pthread_create(&thread, NULL, reader, q) != 0) {
		snprintf(err, errlen, "cannot start the reading thread");
		ok = false;
	} else {
		/* The sink's start while the reader connects and waits for
		 * the server, then batches until the reader has finished;
		 * after a
		 * failure here, the reader is told to stop and what it
		 * still holds is dropped. */
		ok = sink(NULL, 0, arg, err, errlen);
		if (!ok)
			stream_stop(&st);
		while ((b = stream_pop(&st)) != NULL) {
			if (ok &&
			    !(ok = sink(b->users, b->n, arg, err, errlen)))
				stream_stop(&st);
			stream_done(&st, b);
		}
		pthread_join(thread, NULL);
		if (ok && !q->ok) {
			snprintf(err, errlen, "%s", q->err);
			ok = false;
		}
	}
	free(st.cur);
	for (size_t i = 0; i < st.nspare; i++)
		free(st.spare[i]);
	search_close(q);
	free(q);
	pthread_cond_destroy(&st.changed);
	pthread_mutex_destroy(&st.lock);
	return ok;
}

static const char *const csv_fields[] = {"login", "full_name", "email",
    "department", "department_name", "badge", "disabled", "roles"};

static bool
csv_header(struct reading *rd, const struct fm_csv_record *rec, char *err,
    size_t errlen)
{
	bool have_login = false;

	for (size_t i = 0; i < rec->nfields; i++) {
		char name[FM_DIRMAP_NAMEMAX];
		size_t k, len = rec->len[i];
		const char *f = rec->field[i];

		while (len > 0 && f[0] == ' ') {
			f++;
			len--;
		}
		while (len > 0 && f[len - 1] == ' ')
			len--;
		snprintf(name, sizeof(name), "%.*s", (int)len, f);
		for (k = 0; k < sizeof(csv_fields) / sizeof(csv_fields[0]); k++)
			if (strcasecmp(name, csv_fields[k]) == 0)
				break;
		if (k == sizeof(csv_fields) / sizeof(csv_fields[0])) {
			snprintf(err, errlen,
			    "line %zu: unknown column '%.40s' (the columns are "
			    "login, full_name, email, department, "
			    "department_name, badge, disabled, roles)",
			    rec->line, name);
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(rd->header[j], csv_fields[k]) == 0) {
				snprintf(err, errlen,
				    "line %zu: column %s appears twice",
				    rec->line, csv_fields[k]);
				return false;
			}
		snprintf(
		    rd->header[i], sizeof(rd->header[i]), "%s", csv_fields[k]);
		have_login |= k == 0;
	}
	rd->nheader = rec->nfields;
	if (!have_login) {
		snprintf(err, errlen,
		    "line %zu: the header has no login column (the header row "
		    "names the fields: login, full_name, email, department, "
		    "department_name, badge, disabled, roles)",
		    rec->line);
		return false;
	}
	return true;
}

static bool
csv_record(const struct fm_csv_record *rec, void *arg, char *err, size_t errlen)
{
	struct reading *rd = arg;
	struct fm_dirmap_value vals[FM_CSV_FIELDS];
	char where[32];

	if (rd->nheader == 0)
		return csv_header(rd, rec, err, errlen);
	if (rec->nfields != rd->nheader) {
		snprintf(err, errlen,
		    "line %zu: %zu fields where the header has %zu", rec->line,
		    rec->nfields, rd->nheader);
		return false;
	}
	for (size_t i = 0; i < rec->nfields; i++)
		vals[i] = (struct fm_dirmap_value){
		    rd->header[i], rec->field[i], rec->len[i]};
	snprintf(where, sizeof(where), "line %zu", rec->line);
	if (!take(rd, NULL, vals, rec->nfields, where)) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

bool
fm_directory_read_csv(const struct fm_settings *s, const char *buf, size_t len,
    struct fm_directory_result *out, char *err, size_t errlen)
{
	struct fm_dirmap map;
	struct reading rd;
	bool ok;

	if (s == NULL || out == NULL || err == NULL)
		return false;
	memset(out, 0, sizeof(*out));
	if (!fm_dirmap_for_csv(s, &map, err, errlen))
		return false;
	memset(&rd, 0, sizeof(rd));
	rd.map = &map;
	rd.out = out;
	ok = load_names(s, &rd, err, errlen);
	if (ok)
		names_index(&rd.names);
	ok = ok && fm_csv_parse(buf, len, csv_record, &rd, err, errlen);
	if (ok && rd.nheader == 0) {
		snprintf(err, errlen,
		    "line 1: the file is empty (expected a "
		    "header row)");
		ok = false;
	}
	names_free(&rd.names);
	if (!ok)
		fm_directory_result_free(out);
	return ok;
}

void
fm_directory_result_free(struct fm_directory_result *r)
{
	if (r == NULL)
		return;
	free(r->users);
	r->users = NULL;
	r->n = r->cap = 0;
}
