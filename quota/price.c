/*
 * price.c - price lists and quotes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/price.h"

#include <stdio.h>
#include <string.h>

#include "store/sql.h"

/* The sizes a list may price, with their dimensions in hundredths of a
 * millimetre, the short side first. */
static const struct {
	const char *name;
	int32_t width, length;
} sizes[] = {
    {"A4", 21000, 29700},
    {"A3", 29700, 42000},
    {"A5", 14800, 21000},
    {"Letter", 21590, 27940},
    {"Legal", 21590, 35560},
    {"Tabloid", 27940, 43180},
};

/* How far a size may be off and still be one of the list's (names
 * rounded to whole millimetres or inches, PPD sizes in points). */
#define MEDIA_TOLERANCE 200

bool
fm_price_media_is_valid(const char *media)
{
	for (size_t i = 0; media != NULL && i < sizeof(sizes) / sizeof(*sizes);
	     i++)
		if (strcmp(media, sizes[i].name) == 0)
			return true;
	return false;
}

static bool
near(int32_t a, int32_t b)
{
	return a - b <= MEDIA_TOLERANCE && b - a <= MEDIA_TOLERANCE;
}

const char *
fm_price_media_for(const struct fm_media *m)
{
	for (size_t i = 0; m != NULL && i < sizeof(sizes) / sizeof(*sizes); i++)
		if (near(m->width, sizes[i].width) &&
		    near(m->length, sizes[i].length))
			return sizes[i].name;
	return NULL;
}

/* The printer's latest list version, 0 if it has none; -1 on error. */
static int
latest(fm_store_t *store, const char *printer)
{
	int64_t v = -1;

	fm_sql_int(store,
	    "SELECT coalesce(max(version), 0) FROM price_lists"
	    " WHERE printer = ?1",
	    &v, FM_ARG_TEXT(printer));
	return (int)v;
}

int
fm_price_current(fm_store_t *store, const char *printer, bool *own)
{
	int v;

	if (own != NULL)
		*own = false;
	if (store == NULL || printer == NULL)
		return -1;
	if ((v = latest(store, printer)) != 0) {
		if (own != NULL)
			*own = v > 0 && printer[0] != '\0';
		return v;
	}
	return latest(store, FM_PRICE_DEFAULT);
}

/* The work of fm_price_set(), inside its transaction: the new version
 * into *v. */
static bool
set_in(fm_store_t *store, const char *printer, const struct fm_price_entry *e,
    const char *created_by, int *v)
{
	int old;

	/* The new version starts as a copy of the printer's own latest
	 * list; a printer's first list starts empty, so that it does not
	 * silently inherit prices from the default. */
	if ((old = latest(store, printer)) < 0 ||
	    !fm_sql_exec(store,
	        "INSERT INTO price_lists (printer, created_at, created_by)"
	        " VALUES (?1, ?2, ?3)",
	        FM_ARG_TEXT(printer), FM_ARG_INT(fm_store_now(store)),
	        FM_ARG_TEXT(created_by ? created_by : "")))
		return false;
	*v = (int)fm_sql_last_id(store);
	return fm_sql_exec(store,
	           "INSERT INTO prices (version, media, colour, duplex, unit,"
	           " amount) SELECT ?1, media, colour, duplex, unit, amount"
	           " FROM prices WHERE version = ?2 AND NOT (media = ?3"
	           " AND colour = ?4 AND duplex = ?5)",
	           FM_ARG_INT(*v), FM_ARG_INT(old), FM_ARG_TEXT(e->media),
	           FM_ARG_INT(e->colour), FM_ARG_INT(e->duplex)) &&
	    fm_sql_exec(store,
	        "INSERT INTO prices (version, media, colour, duplex, unit,"
	        " amount) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	        FM_ARG_INT(*v), FM_ARG_TEXT(e->media), FM_ARG_INT(e->colour),
	        FM_ARG_INT(e->duplex),
	        FM_ARG_TEXT(e->per_sheet ? "sheet" : "impression"),
	        FM_ARG_INT(e->amount));
}

bool
fm_price_set(fm_store_t *store, const char *printer,
    const struct fm_price_entry *e, const char *created_by, int *version,
    const char **errstr)
{
	const char *dummy;
	int v = 0;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || printer == NULL || e == NULL) {
		*errstr = "missing argument";
		return false;
	}
	if (!fm_price_media_is_valid(e->media) || (e->colour & ~1) != 0 ||
	    (e->duplex & ~1) != 0 || e->amount < 0) {
		*errstr = "bad price entry";
		return false;
	}
	if (!fm_store_begin(store)) {
		*errstr = "cannot lock the database";
		return false;
	}
	if (!fm_store_end(store, set_in(store, printer, e, created_by, &v))) {
		*errstr = "database error";
		return false;
	}
	if (version != NULL)
		*version = v;
	return true;
}

/* A price as stored: its unit by name. */
struct stored {
	struct fm_price_entry e;
	char unit[16];
};

#define C(kind, member) FM_COL_##kind(struct stored, member)
static const struct fm_sql_col stored_cols[] = {C(TEXT, e.media),
    C(INT, e.colour), C(INT, e.duplex), C(TEXT, unit), C(INT, e.amount),
    FM_COL_END};
#undef C

bool
fm_price_entries(fm_store_t *store, int version,
    bool (*fn)(const struct fm_price_entry *e, void *arg), void *arg)
{
	struct fm_sql_rows rows;
	struct stored p;
	bool ok;

	if (store == NULL || fn == NULL)
		return false;
	memset(&p, 0, sizeof(p));
	/* A fixed, human order: sizes alphabetically, mono before colour,
	 * simplex before duplex. */
	ok = fm_sql_open(&rows, store,
	    "SELECT media, colour, duplex, unit, amount FROM prices"
	    " WHERE version = ?1 ORDER BY media, colour, duplex",
	    FM_ARG_INT(version));
	while (ok && fm_sql_next(&rows, stored_cols, &p)) {
		p.e.per_sheet = strcmp(p.unit, "sheet") == 0;
		ok = fn(&p.e, arg);
	}
	return fm_sql_close(&rows) && ok;
}

bool
fm_price_history(fm_store_t *store, const char *printer,
    bool (*fn)(
        int version, int64_t created_at, const char *created_by, void *arg),
    void *arg)
{
	struct fm_sql_rows rows;
	bool ok;

	if (store == NULL || printer == NULL || fn == NULL)
		return false;
	ok = fm_sql_open(&rows, store,
	    "SELECT version, created_at, created_by FROM price_lists"
	    " WHERE printer = ?1 ORDER BY version DESC",
	    FM_ARG_TEXT(printer));
	while (ok && fm_sql_next(&rows, NULL, NULL))
		ok = fn(sqlite3_column_int(rows.st, 0),
		    sqlite3_column_int64(rows.st, 1), fm_sql_text(rows.st, 2),
		    arg);
	return fm_sql_close(&rows) && ok;
}

static const char *const colour_names[] = {"mono", "colour"};
static const char *const duplex_names[] = {"simplex", "duplex"};

/* What count sides or sheets of one kind cost on list version: false
 * with out->error if the list has no price for them. */
static bool
quote_one(fm_store_t *store, int version, const struct fm_usage *u, int c,
    int d, int64_t *cost, struct fm_quote *out)
{
	struct {
		char unit[16];
		int64_t amount;
	} price;
	static const struct fm_sql_col cols[] = {
	    FM_COL_TEXT(__typeof__(price), unit),
	    FM_COL_INT(__typeof__(price), amount), FM_COL_END};
	int64_t count;

	switch (fm_sql_get(store,
	    "SELECT unit, amount FROM prices WHERE version = ?1"
	    " AND media = ?2 AND colour = ?3 AND duplex = ?4",
	    cols, &price, FM_ARG_INT(version), FM_ARG_TEXT(u->media),
	    FM_ARG_INT(c), FM_ARG_INT(d))) {
	case FM_SQL_FOUND:
		break;
	case FM_SQL_NONE:
		snprintf(out->error, sizeof(out->error),
		    "no price for %.16s %s %s (list %d)", u->media,
		    colour_names[c], duplex_names[d], version);
		return false;
	default:
		snprintf(out->error, sizeof(out->error), "database error");
		return false;
	}
	count = strcmp(price.unit, "sheet") == 0 ? u->sheets[c][d]
	                                         : u->impressions[c][d];
	if (__builtin_mul_overflow(count, price.amount, cost)) {
		snprintf(out->error, sizeof(out->error), "amount too large");
		return false;
	}
	return true;
}

bool
fm_price_quote_version(fm_store_t *store, int version, const struct fm_usage *u,
    struct fm_quote *out)
{
	int64_t total = 0, cost;

	if (out == NULL)
		return false;
	memset(out, 0, sizeof(*out));
	if (store == NULL || u == NULL || version <= 0) {
		snprintf(out->error, sizeof(out->error), "no price list");
		return false;
	}
	out->version = version;
	for (int c = 0; c < 2; c++)
		for (int d = 0; d < 2; d++) {
			if (u->impressions[c][d] < 0 || u->sheets[c][d] < 0) {
				snprintf(out->error, sizeof(out->error),
				    "negative page count");
				return false;
			}
			if (u->impressions[c][d] == 0 && u->sheets[c][d] == 0)
				continue;
			if (!quote_one(store, version, u, c, d, &cost, out))
				return false;
			if (__builtin_add_overflow(total, cost, &total)) {
				snprintf(out->error, sizeof(out->error),
				    "amount too large");
				return false;
			}
		}
	out->amount = total;
	return true;
}

bool
fm_price_quote(fm_store_t *store, const char *printer, const struct fm_usage *u,
    struct fm_quote *out)
{
	int version;

	if (out == NULL)
		return false;
	memset(out, 0, sizeof(*out));
	if (store == NULL || printer == NULL || u == NULL) {
		snprintf(out->error, sizeof(out->error), "missing argument");
		return false;
	}
	if ((version = fm_price_current(store, printer, NULL)) <= 0) {
		snprintf(out->error, sizeof(out->error),
		    version < 0 ? "database error"
		                : "no price list for this printer and no "
		                  "default list");
		return false;
	}
	return fm_price_quote_version(store, version, u, out);
}
