/*
 * price.c - price lists and quotes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/price.h"

#include <stdio.h>
#include <string.h>

#include "store/store-private.h"

bool
fm_price_media_is_valid(const char *media)
{
	static const char *const sizes[] = {
	    "A4", "A3", "A5", "Letter", "Legal", "Tabloid"};

	for (size_t i = 0; media != NULL && i < sizeof(sizes) / sizeof(*sizes);
	     i++)
		if (strcmp(media, sizes[i]) == 0)
			return true;
	return false;
}

static int
latest(fm_store_t *store, const char *printer)
{
	sqlite3_stmt *st;
	int v = 0;

	st = fm_store_prepare(
	    store, "SELECT max(version) FROM price_lists WHERE printer = ?1");
	if (st == NULL)
		return -1;
	fm_store_bind_text(st, 1, printer);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		v = -1;
	sqlite3_finalize(st);
	return v;
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

bool
fm_price_set(fm_store_t *store, const char *printer,
    const struct fm_price_entry *e, const char *created_by, int *version,
    const char **errstr)
{
	const char *dummy;
	sqlite3_stmt *st;
	int old, v;

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
	*errstr = "database error";
	/* The new version starts as a copy of the printer's own latest
	 * list; a printer's first list starts empty, so that it does not
	 * silently inherit prices from the default. */
	if ((old = latest(store, printer)) < 0)
		goto fail;
	st = fm_store_prepare(store,
	    "INSERT INTO price_lists (printer, created_at, created_by)"
	    " VALUES (?1, ?2, ?3)");
	if (st == NULL)
		goto fail;
	fm_store_bind_text(st, 1, printer);
	sqlite3_bind_int64(st, 2, fm_store_now(store));
	fm_store_bind_text(st, 3, created_by ? created_by : "");
	if (!fm_store_step_done(st))
		goto fail;
	v = (int)sqlite3_last_insert_rowid(fm_store_db(store));
	st = fm_store_prepare(store,
	    "INSERT INTO prices (version, media, colour, duplex, unit, amount)"
	    " SELECT ?1, media, colour, duplex, unit, amount FROM prices"
	    " WHERE version = ?2 AND NOT (media = ?3 AND colour = ?4"
	    " AND duplex = ?5)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int(st, 1, v);
	sqlite3_bind_int(st, 2, old);
	fm_store_bind_text(st, 3, e->media);
	sqlite3_bind_int(st, 4, e->colour);
	sqlite3_bind_int(st, 5, e->duplex);
	if (!fm_store_step_done(st))
		goto fail;
	st = fm_store_prepare(store,
	    "INSERT INTO prices (version, media, colour, duplex, unit, amount)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int(st, 1, v);
	fm_store_bind_text(st, 2, e->media);
	sqlite3_bind_int(st, 3, e->colour);
	sqlite3_bind_int(st, 4, e->duplex);
	fm_store_bind_text(st, 5, e->per_sheet ? "sheet" : "impression");
	sqlite3_bind_int64(st, 6, e->amount);
	if (!fm_store_step_done(st) || !fm_store_commit(store))
		goto fail;
	if (version != NULL)
		*version = v;
	return true;
fail:
	fm_store_rollback(store);
	return false;
}

bool
fm_price_entries(fm_store_t *store, int version,
    bool (*fn)(const struct fm_price_entry *e, void *arg), void *arg)
{
	struct fm_price_entry e;
	sqlite3_stmt *st;
	bool ok = true;
	int rc;

	if (store == NULL || fn == NULL)
		return false;
	/* A fixed, human order: sizes alphabetically, mono before colour,
	 * simplex before duplex. */
	st = fm_store_prepare(store,
	    "SELECT media, colour, duplex, unit, amount FROM prices"
	    " WHERE version = ?1 ORDER BY media, colour, duplex");
	if (st == NULL)
		return false;
	sqlite3_bind_int(st, 1, version);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char unit[16];
		memset(&e, 0, sizeof(e));
		fm_store_copy_text(e.media, sizeof(e.media), st, 0);
		e.colour = sqlite3_column_int(st, 1);
		e.duplex = sqlite3_column_int(st, 2);
		fm_store_copy_text(unit, sizeof(unit), st, 3);
		e.per_sheet = strcmp(unit, "sheet") == 0;
		e.amount = sqlite3_column_int64(st, 4);
		if (!fn(&e, arg)) {
			ok = false;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(st);
	return ok;
}

bool
fm_price_history(fm_store_t *store, const char *printer,
    bool (*fn)(
        int version, int64_t created_at, const char *created_by, void *arg),
    void *arg)
{
	sqlite3_stmt *st;
	bool ok = true;
	int rc;

	if (store == NULL || printer == NULL || fn == NULL)
		return false;
	st = fm_store_prepare(store,
	    "SELECT version, created_at, created_by FROM price_lists"
	    " WHERE printer = ?1 ORDER BY version DESC");
	if (st == NULL)
		return false;
	fm_store_bind_text(st, 1, printer);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1),
		        (const char *)sqlite3_column_text(st, 2), arg)) {
			ok = false;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(st);
	return ok;
}

static const char *const colour_names[] = {"mono", "colour"};
static const char *const duplex_names[] = {"simplex", "duplex"};

bool
fm_price_quote_version(fm_store_t *store, int version, const struct fm_usage *u,
    struct fm_quote *out)
{
	sqlite3_stmt *st;
	int64_t total = 0;

	if (out == NULL)
		return false;
	memset(out, 0, sizeof(*out));
	if (store == NULL || u == NULL || version <= 0) {
		snprintf(out->error, sizeof(out->error), "no price list");
		return false;
	}
	out->version = version;
	st = fm_store_prepare(store,
	    "SELECT unit, amount FROM prices WHERE version = ?1"
	    " AND media = ?2 AND colour = ?3 AND duplex = ?4");
	if (st == NULL) {
		snprintf(out->error, sizeof(out->error), "database error");
		return false;
	}
	for (int c = 0; c < 2; c++)
		for (int d = 0; d < 2; d++) {
			int64_t count, cost;
			char unit[16] = "";

			if (u->impressions[c][d] < 0 || u->sheets[c][d] < 0) {
				snprintf(out->error, sizeof(out->error),
				    "negative page count");
				goto fail;
			}
			if (u->impressions[c][d] == 0 && u->sheets[c][d] == 0)
				continue;
			sqlite3_reset(st);
			sqlite3_bind_int(st, 1, version);
			fm_store_bind_text(st, 2, u->media);
			sqlite3_bind_int(st, 3, c);
			sqlite3_bind_int(st, 4, d);
			if (sqlite3_step(st) != SQLITE_ROW) {
				snprintf(out->error, sizeof(out->error),
				    "no price for %.16s %s %s (list %d)",
				    u->media, colour_names[c], duplex_names[d],
				    version);
				goto fail;
			}
			fm_store_copy_text(unit, sizeof(unit), st, 0);
			count = strcmp(unit, "sheet") == 0
			    ? u->sheets[c][d]
			    : u->impressions[c][d];
			if (__builtin_mul_overflow(
			        count, sqlite3_column_int64(st, 1), &cost) ||
			    __builtin_add_overflow(total, cost, &total)) {
				snprintf(out->error, sizeof(out->error),
				    "amount too large");
				goto fail;
			}
		}
	sqlite3_finalize(st);
	out->amount = total;
	return true;
fail:
	sqlite3_finalize(st);
	return false;
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
