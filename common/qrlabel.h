/*
 * qrlabel.h - the label stuck on a printer: a QR code holding the
 * address of the web console's release page for that printer, the
 * printer's name in large text under it, its location under that and the
 * address in small text, as an SVG document.
 *
 * The address is built from followme.conf ([web] public_url, or the host
 * name and [web] listen); the SVG is written in memory, so that a caller
 * creates its file only once the label is whole.  Nothing here touches
 * the store or the file system.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_QRLABEL_H
#define FM_QRLABEL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/settings.h"

/* The longest address a label holds (a QR code of error correction M
 * holds far more; the rest is room for the printer's name). */
#define FM_QRLABEL_URLMAX 512

/*
 * 'fm_qrlabel_url()' - write into buf (size bytes) the address of the
 * release page of printer name: BASE/release/NAME, BASE being base if
 * not NULL, else s->web.public_url, else https://HOST:PORT from
 * gethostname() and s->web.listen (":443" left out); any trailing '/'
 * of BASE is dropped.  name must be a valid printer name
 * (fm_printers_name_is_valid()), which needs no escaping in a URL.
 * False with *errstr (static, a msgid of the catalog) if base is not valid
 * (fm_settings_url_is_valid()),
 * listen cannot be read, the host name is unknown or unfit for an address, or
 * the address does not fit.
 */
bool fm_qrlabel_url(const struct fm_settings *s, const char *base,
    const char *name, char *buf, size_t size, const char **errstr);

/*
 * 'fm_qrlabel_svg()' - the label of printer name at location (any text:
 * it is escaped, invalid UTF-8 and characters XML refuses become U+FFFD,
 * control characters a space) for address url, as an SVG document in a
 * buffer the caller frees, its length in *len.  The QR code has error
 * correction M and a quiet zone of four modules.  NULL with *errstr
 * (static, a msgid of the catalog) if an argument is NULL, url is empty or too
 * long for a QR code, or memory runs out.
 */
char *fm_qrlabel_svg(const char *name, const char *location, const char *url,
    size_t *len, const char **errstr);

#endif
