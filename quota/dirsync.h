/*
 * dirsync.h - applying what the directory (LDAP, Active Directory or an
 * HR spreadsheet) says about users, departments, roles and badges to the
 * store, in one transaction.
 *
 * The caller (directory/) reads and maps the entries; this module holds
 * the rules: a user missing from the directory is disabled, never
 * deleted, and re-enabled when back; a department change applies from
 * now on (charges record the department that paid them); the directory's
 * badges replace its earlier ones and leave badges added by hand alone;
 * a badge on two users goes to neither; more disabled users than the
 * safety valve allows refuse the whole sync unless forced.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_DIRSYNC_H
#define FM_DIRSYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quota/depts.h"
#include "quota/users.h"
#include "store/badges.h"
#include "store/store.h"

#define FM_DIRSYNC_EMAILMAX 128
#define FM_DIRSYNC_WHEREMAX 96
#define FM_DIRSYNC_BADGEMAX FM_BADGES_UIDMAX
#define FM_DIRSYNC_NOTES 64
#define FM_DIRSYNC_NOTEMAX 256

/* One user as the directory describes them. */
struct fm_dirsync_user {
	char login[FM_USERS_LOGINMAX];
	char full_name[FM_USERS_NAMEMAX];
	char email[FM_DIRSYNC_EMAILMAX];
	char dept_code[FM_DEPTS_CODEMAX]; /* "" = none */
	char dept_name[FM_DEPTS_NAMEMAX]; /* "" = the code */
	/* dept_name is the directory's name for the department (an
	 * attribute, an OU's description, the names file), not a stand-in:
	 * only such a name renames a department the store has. */
	bool dept_named;
	uint8_t badge[FM_DIRSYNC_BADGEMAX];
	size_t badge_len; /* 0 = no badge */
	bool disabled;    /* disabled in the directory */
	bool admin, finance;
	char where[FM_DIRSYNC_WHEREMAX]; /* "line 12", a DN: for reports */
};

struct fm_dirsync_options {
	const uint8_t *badge_key; /* FM_BADGES_KEYLEN bytes */
	bool dry_run;             /* do it all, then roll back */
	bool force;               /* open the safety valve */
	/* The entries are a few users looked up by name, not the whole
	 * directory: nobody else is disabled, no other badge removed. */
	bool partial;
	unsigned max_disable_percent;
};

struct fm_dirsync_report {
	int64_t users_added, users_updated, users_disabled, users_reenabled;
	int64_t users_unchanged, depts_added, badges_added, badges_removed;
	int64_t depts_renamed; /* given the directory's name for them */
	int64_t conflicts;     /* badges given to nobody, entries skipped */
	int nnotes;            /* notes kept (the first FM_DIRSYNC_NOTES) */
	char notes[FM_DIRSYNC_NOTES][FM_DIRSYNC_NOTEMAX];
	/* Where the sync's time went, in microseconds of the monotonic
	 * clock: reading the store (fm_dirsync_begin()), the entries
	 * applied as they came (fm_dirsync_add()), the end's writes (users
	 * missing, badges), the COMMIT with its sync to disk, and the
	 * checkpoint that copies the WAL into the database file; total
	 * and waiting (for the directory's entries) are the caller's to
	 * fill. */
	struct fm_dirsync_times {
		int64_t begin, apply, end, commit, checkpoint;
		int64_t total, waiting;
	} us;
};

typedef struct fm_dirsync fm_dirsync_t;

/*
 * 'fm_dirsync_begin()' - start a sync: the store locked for writing (one
 * transaction for the whole sync) and, for a whole directory, its users
 * and departments read.  Entries then come in batches as they are read
 * (fm_dirsync_add()), each applied at once, and fm_dirsync_end() does
 * what needs them all.  report is added to (the caller zeroes it).
 * NULL with a sentence in err (errlen bytes) if the store cannot be
 * read.
 */
fm_dirsync_t *fm_dirsync_begin(fm_store_t *store,
    const struct fm_dirsync_options *opts, struct fm_dirsync_report *report,
    char *err, size_t errlen);

/*
 * 'fm_dirsync_add()' - the next n users (copied): each checked (a login
 * that is not valid or comes twice is skipped and noted), added or
 * brought up to date.  False with err on a database error: then only
 * fm_dirsync_end() with ok false is left to call.
 */
bool fm_dirsync_add(fm_dirsync_t *sync, const struct fm_dirsync_user *users,
    size_t n, char *err, size_t errlen);

/*
 * 'fm_dirsync_end()' - with ok, finish: users the directory gave before
 * and no longer lists disabled (whole syncs), the safety valve, badges
 * replaced and conflicts noted, then committed (rolled back for a dry
 * run).  Without ok (the reading failed), rolled back.  Frees sync.
 * False with err when nothing was changed: the safety valve, a database
 * error, or ok false (err is then left as it is).  Conflicts are not
 * failures: they are counted and noted in the report.
 */
bool fm_dirsync_end(fm_dirsync_t *sync, bool ok, char *err, size_t errlen);

/*
 * 'fm_dirsync_apply()' - the n users through fm_dirsync_begin(),
 * fm_dirsync_add() and fm_dirsync_end(): make the store say what they
 * say, by the rules above, in one transaction; with dry_run, rolled
 * back.
 */
bool fm_dirsync_apply(fm_store_t *store, const struct fm_dirsync_user *users,
    size_t n, const struct fm_dirsync_options *opts,
    struct fm_dirsync_report *report, char *err, size_t errlen);

/* 'fm_dirsync_report_merge()' - from's counts added to into's, its notes
 * after into's (as many as fit). */
void fm_dirsync_report_merge(
    struct fm_dirsync_report *into, const struct fm_dirsync_report *from);

#endif
