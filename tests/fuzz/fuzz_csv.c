/*
 * fuzz_csv.c - fuzz target for the directory import's CSV reader and the
 * spreadsheet map: whatever the bytes, a clean refusal or records whose
 * fields are as long as they say, mapped without overflow.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "directory/csv.h"
#include "directory/dirmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct fm_dirmap map;
	char header[FM_CSV_FIELDS][FM_DIRMAP_NAMEMAX];
	size_t nheader;
};

static bool
record(const struct fm_csv_record *rec, void *arg, char *err, size_t errlen)
{
	struct ctx *c = arg;
	struct fm_dirmap_value vals[FM_CSV_FIELDS];
	struct fm_dirsync_user u;
	char note[FM_DIRSYNC_NOTEMAX], why[FM_DIRSYNC_NOTEMAX];

	(void)err;
	(void)errlen;
	if (rec->nfields == 0 || rec->nfields > FM_CSV_FIELDS)
		abort();
	for (size_t i = 0; i < rec->nfields; i++)
		if (rec->len[i] > FM_CSV_FIELDMAX ||
		    rec->field[i][rec->len[i]] != '\0')
			abort();
	if (c->nheader == 0) {
		/* The first record names the columns, whatever they are. */
		for (size_t i = 0; i < rec->nfields; i++)
			memcpy(c->header[i], rec->field[i],
			    rec->len[i] < FM_DIRMAP_NAMEMAX - 1
			        ? rec->len[i] + 1
			        : FM_DIRMAP_NAMEMAX - 1);
		c->nheader = rec->nfields;
		return true;
	}
	for (size_t i = 0; i < rec->nfields; i++)
		vals[i] = (struct fm_dirmap_value){
		    i < c->nheader ? c->header[i] : "x", rec->field[i],
		    rec->len[i]};
	memset(&u, 0, sizeof(u));
	fm_dirmap_entry(&c->map, NULL, vals, rec->nfields, NULL, NULL, &u, note,
	    sizeof(note), why, sizeof(why));
	if (memchr(u.login, '\0', sizeof(u.login)) == NULL ||
	    u.badge_len > sizeof(u.badge))
		abort();
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctx c;
	static bool ready;
	struct fm_settings s;
	char err[FM_CSV_FIELDMAX];

	if (!ready) {
		fm_settings_defaults(&s);
		if (!fm_dirmap_for_csv(&s, &c.map, err, sizeof(err)))
			abort();
		ready = true;
	}
	memset(c.header, 0, sizeof(c.header));
	c.nheader = 0;
	if (!fm_csv_parse(
	        (const char *)data, size, record, &c, err, sizeof(err)) &&
	    strncmp(err, "line ", 5) != 0)
		abort();
	return 0;
}
