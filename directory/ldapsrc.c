/*
 * ldapsrc.c - users from LDAP / Active Directory (ldapsrc.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "directory/ldapsrc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lber.h>
#include <ldap.h>

/* A bound on the pages of one search: 100,000 pages is more entries than
 * any directory this is for, and a server that never ends its cookie
 * chain must not keep us forever. */
#define MAX_PAGES 100000
/* Values of one entry we keep (memberOf can be long). */
#define MAX_VALUES 4096

struct fm_ldapsrc {
	LDAP *ld;
	char uri[FM_CONF_STRMAX];
	char base[FM_CONF_STRMAX];
	struct timeval timeout;
	int page_size;
};

/* What went wrong, in words, with the library's diagnostic if any. */
static void
say(LDAP *ld, int rc, const char *uri, const char *what, char *err,
    size_t errlen)
{
	char *diag = NULL;
	const char *hint = "";

	if (ld != NULL)
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	/* libldap's word for a TLS failure it has no text for says less
	 * than the hint below. */
	if (diag != NULL && strcmp(diag, "(unknown error code)") == 0) {
		ldap_memfree(diag);
		diag = NULL;
	}
	switch (rc) {
	case LDAP_SERVER_DOWN:
	case LDAP_CONNECT_ERROR:
		hint = " (is the server reachable, and does its certificate "
		       "match the host name in uri and ca_file?)";
		break;
	case LDAP_INVALID_CREDENTIALS:
		hint = " (check bind_dn and the password file)";
		break;
	case LDAP_FILTER_ERROR:
		hint = " (check filter)";
		break;
	case LDAP_SIZELIMIT_EXCEEDED:
		hint = " (the server's size limit: lower page_size)";
		break;
	case LDAP_TIMEOUT:
		hint = " (raise timeout?)";
		break;
	case LDAP_NO_SUCH_OBJECT:
		hint = " (check base_dn)";
		break;
	default:
		break;
	}
	snprintf(err, errlen, "%s %s: %s%s%s%s", what, uri, ldap_err2string(rc),
	    diag && diag[0] ? " (" : "", diag && diag[0] ? diag : "",
	    diag && diag[0] ? ")" : "");
	if (strlen(err) + strlen(hint) < errlen)
		strcat(err, hint);
	if (diag != NULL)
		ldap_memfree(diag);
}

static bool
set_options(
    fm_ldapsrc_t *src, const struct fm_settings *s, char *err, size_t errlen)
{
	int v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;
	void *referrals = s->directory.referrals ? LDAP_OPT_ON : LDAP_OPT_OFF;

	if (ldap_set_option(src->ld, LDAP_OPT_PROTOCOL_VERSION, &v3) !=
	        LDAP_OPT_SUCCESS ||
	    ldap_set_option(src->ld, LDAP_OPT_REFERRALS, referrals) !=
	        LDAP_OPT_SUCCESS ||
	    ldap_set_option(src->ld, LDAP_OPT_NETWORK_TIMEOUT, &src->timeout) !=
	        LDAP_OPT_SUCCESS ||
	    ldap_set_option(src->ld, LDAP_OPT_TIMEOUT, &src->timeout) !=
	        LDAP_OPT_SUCCESS ||
	    ldap_set_option(src->ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand) !=
	        LDAP_OPT_SUCCESS ||
	    (s->directory.ca_file[0] != '\0' &&
	        ldap_set_option(src->ld, LDAP_OPT_X_TLS_CACERTFILE,
	            s->directory.ca_file) != LDAP_OPT_SUCCESS) ||
	    /* The TLS options above apply to this handle only once it has
	     * a context of its own. */
	    ldap_set_option(src->ld, LDAP_OPT_X_TLS_NEWCTX, &zero) !=
	        LDAP_OPT_SUCCESS) {
		snprintf(err, errlen,
		    "cannot set the LDAP options for %s (ca_file %s)", src->uri,
		    s->directory.ca_file[0] ? s->directory.ca_file
		                            : "(system)");
		return false;
	}
	return true;
}

/*
 * A search's answer is one TLS record per entry, read as a header and a
 * body after a poll(): three system calls an entry, a third of the
 * sync's time.  A read-ahead layer under TLS takes whatever the socket
 * holds at once, and libldap then finds the next entries already
 * buffered.  Without it (an older liblber) the reads stay as they were.
 */
static void
read_ahead(LDAP *ld)
{
	Sockbuf *sb = NULL;

	if (ldap_get_option(ld, LDAP_OPT_SOCKBUF, &sb) == LDAP_OPT_SUCCESS &&
	    sb != NULL)
		(void)ber_sockbuf_add_io(sb, &ber_sockbuf_io_readahead,
		    LBER_SBIOD_LEVEL_PROVIDER, NULL);
}

fm_ldapsrc_t *
fm_ldapsrc_open(
    const struct fm_settings *s, const char *password, char *err, size_t errlen)
{
	struct berval cred = {0, NULL};
	fm_ldapsrc_t *src;
	const char *uri;
	int rc;

	if (s == NULL || err == NULL || errlen == 0)
		return NULL;
	uri = s->directory.uri;
	if (uri[0] == '\0') {
		snprintf(err, errlen,
		    "no directory: set uri in the "
		    "[directory] section of followme.conf");
		return NULL;
	}
	if (strncmp(uri, "ldaps://", 8) != 0 &&
	    strncmp(uri, "ldap://", 7) != 0 &&
	    strncmp(uri, "ldapi://", 8) != 0) {
		snprintf(err, errlen,
		    "[directory] uri %s: must start with ldaps://, ldap:// "
		    "(with StartTLS) or ldapi://",
		    uri);
		return NULL;
	}
	if (s->directory.base_dn[0] == '\0') {
		snprintf(err, errlen, "[directory] base_dn is not set");
		return NULL;
	}
	/* The site's ldap.conf and a ~/.ldaprc must not change what this
	 * checks (TLS_REQCERT never, for one). */
	setenv("LDAPNOINIT", "1", 1);
	if ((src = calloc(1, sizeof(*src))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(src->uri, sizeof(src->uri), "%s", uri);
	snprintf(src->base, sizeof(src->base), "%s", s->directory.base_dn);
	src->timeout.tv_sec = (time_t)s->directory.timeout;
	src->page_size = (int)s->directory.page_size;
	if ((rc = ldap_initialize(&src->ld, uri)) != LDAP_SUCCESS) {
		say(NULL, rc, uri, "bad directory uri", err, errlen);
		goto fail;
	}
	if (!set_options(src, s, err, errlen))
		goto fail;
	/* ldap:// only with StartTLS: the password and the directory's
	 * contents never cross the network in clear. */
	if (strncmp(uri, "ldap://", 7) == 0 &&
	    (rc = ldap_start_tls_s(src->ld, NULL, NULL)) != LDAP_SUCCESS) {
		say(src->ld, rc, uri, "StartTLS failed with", err, errlen);
		goto fail;
	}
	if (password != NULL) {
		cred.bv_val = (char *)password;
		cred.bv_len = strlen(password);
	}
	rc = ldap_sasl_bind_s(src->ld,
	    s->directory.bind_dn[0] ? s->directory.bind_dn : NULL,
	    LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		say(src->ld, rc, uri, "cannot bind to", err, errlen);
		goto fail;
	}
	read_ahead(src->ld);
	return src;
fail:
	fm_ldapsrc_close(src);
	return NULL;
}

/* Attributes of one entry we keep, and their names' length: the map
 * asks for fewer, and shorter. */
#define MAX_ATTRS 64
#define ATTR_NAMEMAX 64

typedef bool entry_fn(const char *dn, const struct fm_dirmap_value *vals,
    size_t n, void *arg, char *err, size_t errlen);

/* What one entry's values are read into, kept from entry to entry. */
struct entry_buf {
	struct fm_dirmap_value *vals;
	size_t cap;
	char names[MAX_ATTRS][ATTR_NAMEMAX];
	char *dn; /* the DN, terminated (it is not in the message) */
	size_t dncap;
};

/* Entry e through fn.  Its values are read in place from the message
 * (ldap_get_attribute_ber()): nothing is copied but attribute names. */
static bool
one_entry(LDAP *ld, LDAPMessage *e, struct entry_buf *b, entry_fn *fn,
    void *arg, char *err, size_t errlen)
{
	BerElement *ber = NULL;
	struct berval dn, attr, *bv = NULL;
	size_t n = 0, nattrs = 0;
	bool ok;

	if (ldap_get_dn_ber(ld, e, &ber, &dn) != LDAP_SUCCESS) {
		snprintf(err, errlen, "an entry without a DN");
		return false;
	}
	if (dn.bv_len >= b->dncap) {
		char *p = realloc(b->dn, dn.bv_len + 1);

		if (p == NULL) {
			ber_free(ber, 0);
			snprintf(err, errlen, "out of memory");
			return false;
		}
		b->dn = p;
		b->dncap = dn.bv_len + 1;
	}
	if (dn.bv_len > 0)
		memcpy(b->dn, dn.bv_val, dn.bv_len);
	b->dn[dn.bv_len] = '\0';
	while (nattrs < MAX_ATTRS &&
	    ldap_get_attribute_ber(ld, e, ber, &attr, &bv) == LDAP_SUCCESS &&
	    attr.bv_val != NULL) {
		size_t k = 0,
		       len = attr.bv_len < ATTR_NAMEMAX - 1 ? attr.bv_len
		                                            : ATTR_NAMEMAX - 1;

		/* A copy, not a format: this runs for every attribute of
		 * every entry. */
		len = strnlen(attr.bv_val, len);
		memcpy(b->names[nattrs], attr.bv_val, len);
		b->names[nattrs][len] = '\0';
		for (; bv != NULL && bv[k].bv_val != NULL && n < MAX_VALUES;
		     k++) {
			if (n == b->cap) {
				size_t c = b->cap ? 2 * b->cap : 64;
				void *p =
				    realloc(b->vals, c * sizeof(*b->vals));

				if (p == NULL)
					break;
				b->vals = p;
				b->cap = c;
			}
			b->vals[n++] = (struct fm_dirmap_value){
			    b->names[nattrs], bv[k].bv_val, bv[k].bv_len};
		}
		/* The array of values is allocated; what it points to is in
		 * the message. */
		ber_memfree(bv);
		bv = NULL;
		nattrs++;
	}
	ok = fn(b->dn, b->vals, n, arg, err, errlen);
	ber_free(ber, 0);
	return ok;
}

/* The page's result: its cookie into *cookie (freed first), and whether
 * another page follows.  False with err if the search failed. */
static bool
page_done(fm_ldapsrc_t *src, LDAPMessage *res, bool paged,
    struct berval *cookie, bool *more, char *err, size_t errlen)
{
	LDAPControl **sctrls = NULL, *pr;
	ber_int_t count = 0;
	int rc, result = LDAP_SUCCESS;

	*more = false;
	rc = ldap_parse_result(
	    src->ld, res, &result, NULL, NULL, NULL, &sctrls, 0);
	if (rc != LDAP_SUCCESS ||
	    (result != LDAP_SUCCESS &&
	        !(!paged && result == LDAP_SIZELIMIT_EXCEEDED))) {
		say(src->ld, rc != LDAP_SUCCESS ? rc : result, src->uri,
		    "search failed on", err, errlen);
		ldap_controls_free(sctrls);
		return false;
	}
	if (!paged) {
		ldap_controls_free(sctrls);
		return true;
	}
	if (cookie->bv_val != NULL)
		ber_memfree(cookie->bv_val);
	*cookie = (struct berval){0, NULL};
	pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, sctrls, NULL);
	if (pr == NULL ||
	    ldap_parse_pageresponse_control(src->ld, pr, &count, cookie) !=
	        LDAP_SUCCESS) {
		snprintf(err, errlen,
		    "%s did not answer the paged search control (paged "
		    "results are needed to read the whole directory)",
		    src->uri);
		ldap_controls_free(sctrls);
		return false;
	}
	ldap_controls_free(sctrls);
	*more = cookie->bv_val != NULL && cookie->bv_len > 0;
	return true;
}

/* One page (or, with limit, one unpaged search): each entry through fn
 * as it arrives, so that mapping it overlaps the server's sending the
 * next ones. */
static bool
one_page(fm_ldapsrc_t *src, const char *filter, const char *const *attrs,
    size_t limit, struct berval *cookie, bool *more, struct entry_buf *b,
    entry_fn *fn, void *arg, char *err, size_t errlen)
{
	LDAPControl *page = NULL, *ctrls[2] = {NULL, NULL};
	bool paged = limit == 0, ok = false, done = false;
	int rc, msgid;

	if (paged) {
		rc = ldap_create_page_control(
		    src->ld, src->page_size, cookie, 1, &page);
		if (rc != LDAP_SUCCESS) {
			say(src->ld, rc, src->uri, "cannot page a search of",
			    err, errlen);
			return false;
		}
		ctrls[0] = page;
	}
	rc = ldap_search_ext(src->ld, src->base, LDAP_SCOPE_SUBTREE, filter,
	    (char **)attrs, 0, ctrls, NULL, &src->timeout,
	    paged ? 0 : (int)limit, &msgid);
	if (page != NULL)
		ldap_control_free(page);
	if (rc != LDAP_SUCCESS) {
		say(src->ld, rc, src->uri, "search failed on", err, errlen);
		return false;
	}
	/* Every message (an entry, a reference or the result) comes within
	 * the timeout; a page has at most page_size entries, and
	 * references, which are not followed, are bounded by the server's
	 * own size limit. */
	while (!done) {
		struct timeval wait = src->timeout;
		LDAPMessage *msg = NULL;

		rc = ldap_result(src->ld, msgid, LDAP_MSG_ONE, &wait, &msg);
		if (rc <= 0) {
			int code = LDAP_TIMEOUT;

			if (rc < 0 &&
			    ldap_get_option(src->ld, LDAP_OPT_RESULT_CODE,
			        &code) != LDAP_OPT_SUCCESS)
				code = LDAP_SERVER_DOWN;
			say(src->ld, code, src->uri, "search failed on", err,
			    errlen);
			if (msg != NULL)
				ldap_msgfree(msg);
			if (rc == 0)
				ldap_abandon_ext(src->ld, msgid, NULL, NULL);
			return false;
		}
		switch (ldap_msgtype(msg)) {
		case LDAP_RES_SEARCH_ENTRY:
			ok = one_entry(src->ld, msg, b, fn, arg, err, errlen);
			break;
		case LDAP_RES_SEARCH_RESULT:
			ok = page_done(
			    src, msg, paged, cookie, more, err, errlen);
			done = true;
			break;
		default: /* a reference: referrals are not chased */
			ok = true;
			break;
		}
		ldap_msgfree(msg);
		if (!ok) {
			if (!done)
				ldap_abandon_ext(src->ld, msgid, NULL, NULL);
			return false;
		}
	}
	return true;
}

bool
fm_ldapsrc_search(fm_ldapsrc_t *src, const char *filter,
    const char *const *attrs, size_t limit, entry_fn *fn, void *arg, char *err,
    size_t errlen)
{
	struct berval cookie = {0, NULL};
	struct entry_buf *b;
	bool ok = true, more = true;
	int pages;

	if (src == NULL || filter == NULL || fn == NULL || err == NULL)
		return false;
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	for (pages = 0; ok && more && pages < MAX_PAGES; pages++)
		ok = one_page(src, filter, attrs, limit, &cookie, &more, b, fn,
		    arg, err, errlen);
	if (ok && more) {
		snprintf(err, errlen, "%s: more than %d pages: stopped",
		    src->uri, MAX_PAGES);
		ok = false;
	}
	if (cookie.bv_val != NULL)
		ber_memfree(cookie.bv_val);
	free(b->vals);
	free(b->dn);
	free(b);
	return ok;
}

void
fm_ldapsrc_close(fm_ldapsrc_t *src)
{
	if (src == NULL)
		return;
	if (src->ld != NULL)
		ldap_unbind_ext_s(src->ld, NULL, NULL);
	free(src);
}

bool
fm_ldapsrc_escape(const char *value, size_t len, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (value == NULL || out == NULL || size == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c == '*' || c == '(' || c == ')' || c == '\\' || c == 0) {
			if (n + 3 >= size)
				return false;
			out[n++] = '\\';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		} else {
			if (n + 1 >= size)
				return false;
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
	return true;
}
