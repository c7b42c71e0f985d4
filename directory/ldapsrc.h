/*
 * ldapsrc.h - reading users from an LDAP server or Active Directory with
 * OpenLDAP's client library: one connection (ldaps://, ldap:// with
 * StartTLS required, or ldapi://), the server's certificate checked
 * against the site's CA file, a simple bind, and a search in pages (the
 * paged results control: Active Directory returns at most 1,000 entries
 * per page), no referrals chased unless the site asks.  Every failure is
 * a sentence that names what failed (unreachable server, TLS, bind,
 * filter, size limit); a search that did not end well returns nothing,
 * so a partial answer is never taken for the directory.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_LDAPSRC_H
#define FM_LDAPSRC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/settings.h"
#include "directory/dirmap.h"

typedef struct fm_ldapsrc fm_ldapsrc_t;

/*
 * 'fm_ldapsrc_open()' - connect to s's [directory] server and bind with
 * bind_dn and password (NULL or "": anonymous).  Returns the connection,
 * or NULL with a sentence in err (errlen bytes).  The caller wipes its
 * copy of the password.
 */
fm_ldapsrc_t *fm_ldapsrc_open(const struct fm_settings *s, const char *password,
    char *err, size_t errlen);

/*
 * 'fm_ldapsrc_search()' - search base_dn's subtree with filter for the
 * attributes attrs (NULL-terminated), page_size entries per page, and
 * call fn for each entry with its DN and values; limit > 0 asks for that
 * many entries at most, in one page.  False with a sentence in err when
 * the search fails or fn returns false (fn then writes err).
 */
bool fm_ldapsrc_search(fm_ldapsrc_t *src, const char *filter,
    const char *const *attrs, size_t limit,
    bool (*fn)(const char *dn, const struct fm_dirmap_value *vals, size_t n,
        void *arg, char *err, size_t errlen),
    void *arg, char *err, size_t errlen);

/* 'fm_ldapsrc_close()' - unbind and free; NULL does nothing. */
void fm_ldapsrc_close(fm_ldapsrc_t *src);

/*
 * 'fm_ldapsrc_escape()' - value (len bytes) escaped for use in a search
 * filter (RFC 4515: '*', '(', ')', '\' and NUL as \XX) into out (size
 * bytes); false if it does not fit.
 */
bool fm_ldapsrc_escape(const char *value, size_t len, char *out, size_t size);

#endif
