/*
 * directory.h - users, departments, roles and badges read from the
 * directory (LDAP / Active Directory) or from an HR spreadsheet (CSV),
 * mapped (dirmap.h) and ready for quota/dirsync.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_DIRECTORY_H
#define FM_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/settings.h"
#include "quota/dirsync.h"

#define FM_DIRECTORY_PASSWORDMAX 256

/* What a read found: the users, and notes on the entries it skipped. */
struct fm_directory_result {
	struct fm_dirsync_user *users;
	size_t n, cap;
	size_t entries; /* entries read, skipped ones included */
	struct fm_dirsync_report report; /* conflicts and notes so far */
};

/*
 * 'fm_directory_read_password()' - the bind password from path into buf
 * (size bytes; the first line, without its line end).  The file must be
 * a regular file (not a link) of mode 0600 or 0640: anything else is
 * refused, as is an empty file.  False with a sentence in err.  The
 * caller wipes buf.
 */
bool fm_directory_read_password(
    const char *path, char *buf, size_t size, char *err, size_t errlen);

/*
 * 'fm_directory_fetch()' - every user the [directory] filter matches
 * (only login's entry if login is not NULL; at most limit entries if
 * limit > 0), read from the server with password, into *out (zeroed by
 * the call; free with fm_directory_result_free()).  False with a
 * sentence in err when anything failed: then *out holds nothing to
 * apply.
 */
bool fm_directory_fetch(const struct fm_settings *s, const char *password,
    const char *login, size_t limit, struct fm_directory_result *out, char *err,
    size_t errlen);

/*
 * 'fm_directory_read_csv()' - the users of a spreadsheet (len bytes of
 * buf; csv.h), its header naming the fields, into *out.  False with
 * "line N: reason" in err for a file that cannot be read as a whole: bad
 * encoding or quoting, a header without login or with a field it does
 * not know, a row with another number of fields than the header.
 */
bool fm_directory_read_csv(const struct fm_settings *s, const char *buf,
    size_t len, struct fm_directory_result *out, char *err, size_t errlen);

/* Where fm_directory_stream() hands the users it reads, a batch of n at
 * a time, after a first call with none (n 0, users NULL) as the reading
 * starts, for what can be made ready meanwhile: false (with a sentence
 * in err) stops the reading. */
typedef bool fm_directory_sink(const struct fm_dirsync_user *users, size_t n,
    void *arg, char *err, size_t errlen);

/*
 * 'fm_directory_stream()' - every user the [directory] filter matches,
 * read and mapped in a thread of its own and handed to sink, in the
 * caller's thread, in batches as they come: the caller applies the
 * first while the server still sends the rest.  out gets the entries
 * read and the reading's conflicts and notes, never users.  False with
 * a sentence in err when the reading failed or sink returned false.
 */
bool fm_directory_stream(const struct fm_settings *s, const char *password,
    fm_directory_sink *sink, void *arg, struct fm_directory_result *out,
    char *err, size_t errlen);

/* 'fm_directory_result_free()' - free what a read put in r. */
void fm_directory_result_free(struct fm_directory_result *r);

#endif
