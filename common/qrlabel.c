/*
 * qrlabel.c - a printer's QR code label, as an SVG document in memory.
 *
 * The QR code comes from libqrencode; everything else is text written
 * here.  The label is measured in tenths of a module so that every
 * module is a whole number, and is 60 mm wide on paper whatever the
 * code's size: large enough for a phone at arm's length, small enough
 * for the side of a printer.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/qrlabel.h"

#include <errno.h>
#include <limits.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/conf.h"
#include "common/i18n.h"
#include "common/utf8.h"

/* One module, in the label's units. */
#define UNIT 10
/* The quiet zone the QR code specification asks for, in modules. */
#define QUIET 4
/* The label's width on paper. */
#define WIDTH_MM 60
/* Room left and right of the text, in units. */
#define TEXT_MARGIN (2 * UNIT)

/* Fonts Debian ships (fonts-dejavu-core, fonts-liberation), then the
 * usual names elsewhere: the label may be opened on any computer. */
#define FONTS "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"

/* A host name as it may stand in an address: letters, digits, '-' and
 * '.', nothing else (gethostname() returns what the admin set). */
static bool
host_is_valid(const char *host)
{
	if (host[0] == '\0' || host[0] == '.' || host[0] == '-')
		return false;
	for (const char *c = host; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		        (*c >= '0' && *c <= '9') || *c == '-' || *c == '.'))
			return false;
	return true;
}

bool
fm_qrlabel_url(const struct fm_settings *s, const char *base, const char *name,
    char *buf, size_t size, const char **errstr)
{
	char host[HOST_NAME_MAX + 1], lhost[FM_CONF_STRMAX], port[16];
	char made[FM_QRLABEL_URLMAX];
	size_t blen;
	int n;

	if (s == NULL || name == NULL || buf == NULL || size == 0) {
		*errstr = N_("invalid argument");
		return false;
	}
	if (base == NULL && s->web.public_url[0] != '\0')
		base = s->web.public_url;
	if (base == NULL) {
		if (!fm_conf_parse_hostport(s->web.listen, lhost, sizeof(lhost),
		        port, sizeof(port))) {
			*errstr = N_("[web] listen is not address:port");
			return false;
		}
		/* The host the console answers on as people name it: the
		 * listening address is often 0.0.0.0. */
		if (gethostname(host, sizeof(host)) != 0) {
			*errstr = N_("the host name is unknown");
			return false;
		}
		host[sizeof(host) - 1] = '\0';
		if (!host_is_valid(host)) {
			*errstr = N_("the host name cannot stand in an address "
			             "(set [web] public_url)");
			return false;
		}
		n = snprintf(made, sizeof(made), "https://%s%s%s", host,
		    strcmp(port, "443") == 0 ? "" : ":",
		    strcmp(port, "443") == 0 ? "" : port);
		if (n < 0 || (size_t)n >= sizeof(made)) {
			*errstr = N_("the address is too long");
			return false;
		}
		base = made;
	}
	blen = strlen(base);
	if (!fm_settings_url_is_valid(base, blen)) {
		*errstr = N_("the address must start with https:// or http:// "
		             "and hold no spaces or quotes");
		return false;
	}
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	n = snprintf(buf, size, "%.*s/release/%s", (int)blen, base, name);
	if (n < 0 || (size_t)n >= size || (size_t)n >= FM_QRLABEL_URLMAX) {
		*errstr = N_("the address is too long");
		return false;
	}
	return true;
}

/* The width of a code point in cells of a monospaced font, which is
 * what the label's text is measured in: East Asian wide characters and
 * emoji two, combining marks none, the rest one.  A rule of thumb, not
 * the font's metrics: the text is only shrunk to fit on its estimate. */
static int
cells(long cp)
{
	if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) ||
	    (cp >= 0x1f300 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/* Writes n bytes to f, unless f is NULL (text only measured). */
static void
emit(FILE *f, const void *bytes, size_t n)
{
	if (f != NULL)
		fwrite(bytes, 1, n, f);
}

/* Writes len bytes of text to f (NULL: nowhere) as XML character data,
 * fit for an attribute as well, and returns its width in cells.  Invalid
 * UTF-8 and the characters XML 1.0 refuses (U+FFFE, U+FFFF) become
 * U+FFFD, control characters a space: the document stays well-formed
 * whatever the admin typed. */
static size_t
put_text(FILE *f, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t width = 0;

	while (len > 0) {
		const char *esc = NULL;
		long cp;
		size_t n = fm_utf8_next(s, len, &cp);

		if (cp < 0 || cp == 0xfffe || cp == 0xffff)
			esc = "\xef\xbf\xbd";
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			esc = " ";
		else if (cp == '<')
			esc = "&lt;";
		else if (cp == '>')
			esc = "&gt;";
		else if (cp == '&')
			esc = "&amp;";
		else if (cp == '"')
			esc = "&quot;";
		else if (cp == '\'')
			esc = "&apos;";
		if (esc != NULL) {
			emit(f, esc, strlen(esc));
			width++;
		} else {
			emit(f, s, n);
			width += (size_t)cells(cp);
		}
		s += n;
		len -= n;
	}
	return width;
}

/*
 * One line of text, centred, in font size at most max, shrunk so that
 * its estimated width (em per cell) fits the label's width; *y is where
 * the line's top is, moved below it.  Returns the size used.
 */
static double
put_line(FILE *f, const char *id, const char *text, int label_width, double max,
    double em, const char *weight, double *y)
{
	double size = max, room = label_width - 2 * TEXT_MARGIN;
	size_t w = put_text(NULL, text, strlen(text));

	if (w > 0 && w * em * size > room)
		size = room / ((double)w * em);
	*y += size;
	fprintf(f,
	    "<text id=\"%s\" x=\"%d\" y=\"%.1f\" font-size=\"%.1f\"%s%s%s>", id,
	    label_width / 2, *y, size, weight ? " font-weight=\"" : "",
	    weight ? weight : "", weight ? "\"" : "");
	put_text(f, text, strlen(text));
	fputs("</text>\n", f);
	/* Room for the descenders, and a gap before the next line. */
	*y += size * 0.45;
	return size;
}

/* The dark modules as one path, a rectangle per horizontal run: a few
 * hundred short commands rather than a thousand squares. */
static void
put_modules(FILE *f, const QRcode *qr)
{
	fputs("<path fill=\"#000\" shape-rendering=\"crispEdges\" d=\"", f);
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width; x++) {
			int run = 0;

			while (x + run < qr->width &&
			    (qr->data[y * qr->width + x + run] & 1) != 0)
				run++;
			if (run == 0)
				continue;
			fprintf(f, "M%d %dh%dv%dh-%dz", (x + QUIET) * UNIT,
			    (y + QUIET) * UNIT, run * UNIT, UNIT, run * UNIT);
			x += run - 1;
		}
	fputs("\"/>\n", f);
}

char *
fm_qrlabel_svg(const char *name, const char *location, const char *url,
    size_t *len, const char **errstr)
{
	char *body = NULL, *doc = NULL;
	size_t body_len = 0, doc_len = 0;
	QRcode *qr = NULL;
	FILE *f = NULL;
	double y, url_max;
	int width;

	if (name == NULL || location == NULL || url == NULL || len == NULL) {
		*errstr = N_("invalid argument");
		return NULL;
	}
	if (url[0] == '\0' || strlen(url) >= FM_QRLABEL_URLMAX) {
		*errstr = N_("the address is empty or too long for a QR code");
		return NULL;
	}
	/* Version 0: the smallest code that holds the address.  8-bit
	 * mode, case kept: the printer's name in the path is case
	 * sensitive. */
	errno = 0;
	if ((qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL) {
		*errstr = errno == ERANGE
		    ? N_("the address is too long for a QR code")
		    : N_("cannot make the QR code");
		return NULL;
	}
	width = (qr->width + 2 * QUIET) * UNIT;
	/* The text goes first into its own buffer: the document's height,
	 * in its opening tag, is known only once the lines are placed. */
	if ((f = open_memstream(&body, &body_len)) == NULL)
		goto nomem;
	y = width;
	fprintf(f,
	    "<g font-family=\"%s\" text-anchor=\"middle\" "
	    "fill=\"#000\">\n",
	    FONTS);
	put_line(f, "name", name, width, width * 0.11, 0.62, "bold", &y);
	/* The address is the least of the three lines: never larger than
	 * a long location shrunk to fit. */
	url_max = width * 0.04;
	if (location[0] != '\0') {
		double size = put_line(f, "location", location, width,
		    width * 0.065, 0.56, NULL, &y);

		if (url_max > size * 0.8)
			url_max = size * 0.8;
	}
	put_line(f, "url", url, width, url_max, 0.56, NULL, &y);
	fputs("</g>\n", f);
	if (fclose(f) != 0) {
		f = NULL;
		goto nomem;
	}
	y += 2 * UNIT;
	if ((f = open_memstream(&doc, &doc_len)) == NULL)
		goto nomem;
	fprintf(f,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%dmm\" height=\"%.1fmm\" viewBox=\"0 0 %d %d\">\n"
	    "<title>",
	    WIDTH_MM, WIDTH_MM * y / width, width, (int)(y + 0.5));
	put_text(f, name, strlen(name));
	fprintf(f,
	    "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
	    width, (int)(y + 0.5));
	put_modules(f, qr);
	fwrite(body, 1, body_len, f);
	fputs("</svg>\n", f);
	if (ferror(f) != 0) {
		fclose(f);
		f = NULL;
		goto nomem;
	}
	if (fclose(f) != 0) {
		f = NULL;
		goto nomem;
	}
	free(body);
	QRcode_free(qr);
	*len = doc_len;
	return doc;

nomem:
	if (f != NULL)
		fclose(f);
	free(body);
	free(doc);
	QRcode_free(qr);
	*errstr = N_("out of memory");
	return NULL;
}
