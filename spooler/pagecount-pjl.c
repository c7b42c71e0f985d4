/*
 * pagecount-pjl.c - the PJL job wrapper.
 *
 * Only the variables that change what is printed are read: QTY (copies
 * of the whole job) and COPIES (copies of each page), DUPLEX, and the
 * language entered.  pkpgcounter's pjl.py reads the same variables.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <string.h>

#include "spooler/pagecount-pjl.h"

static const char uel[] = "\x1b%-12345X";
#define UEL_LEN (sizeof(uel) - 1)

static bool
starts_with(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len >= n && memcmp(p, s, n) == 0;
}

static bool
starts_with_ci(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (toupper(p[i]) != (unsigned char)s[i])
			return false;
	return true;
}

bool
fm_pagecount_pjl_is_pjl(const uint8_t *buf, size_t len)
{
	return buf != NULL &&
	    (starts_with(buf, len, uel) || starts_with_ci(buf, len, "@PJL"));
}

/* Copies "NAME = value" out of one line, upper-cased, no quotes. */
static bool
setting(
    const uint8_t *p, size_t n, char *name, size_t nmax, char *val, size_t vmax)
{
	size_t i = 0, k = 0;

	while (i < n && isspace(p[i]))
		i++;
	while (i < n && (isalnum(p[i]) || p[i] == '_') && k + 1 < nmax)
		name[k++] = (char)toupper(p[i++]);
	name[k] = '\0';
	while (i < n && isspace(p[i]))
		i++;
	if (i >= n || p[i] != '=')
		return false;
	i++;
	while (i < n && (isspace(p[i]) || p[i] == '"'))
		i++;
	k = 0;
	while (i < n && !isspace(p[i]) && p[i] != '"' && k + 1 < vmax)
		val[k++] = (char)toupper(p[i++]);
	val[k] = '\0';
	return k > 0;
}

static uint64_t
number(const char *s)
{
	uint64_t v = 0;

	if (*s == '\0')
		return 1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return 1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return v ? v : 1;
}

bool
fm_pagecount_pjl_parse(
    const uint8_t *buf, size_t len, struct fm_pagecount_pjl *pjl)
{
	size_t pos = 0;

	memset(pjl, 0, sizeof(*pjl));
	pjl->qty = pjl->copies = 1;
	if (buf == NULL)
		return false;
	while (pos < len) {
		const uint8_t *line = buf + pos, *eol;
		size_t n, rest = len - pos;
		char name[24], val[24];

		if (starts_with(line, rest, uel)) {
			pos += UEL_LEN;
			continue;
		}
		if (*line == '\r' || *line == '\n' || *line == ' ' ||
		    *line == '\t') {
			pos++;
			continue;
		}
		if (!starts_with_ci(line, rest, "@PJL")) {
			pjl->body = pos;
			return true;
		}
		eol = memchr(line, '\n', rest);
		n = eol ? (size_t)(eol - line) : rest;
		pos += eol ? n + 1 : n;
		line += 4;
		n -= 4;
		while (n > 0 && isspace(*line)) {
			line++;
			n--;
		}
		if (starts_with_ci(line, n, "ENTER")) {
			if (setting(line + 5, n - 5, name, sizeof(name),
			        pjl->language, sizeof(pjl->language)) &&
			    strcmp(name, "LANGUAGE") == 0) {
				pjl->body = pos;
				return pos < len;
			}
			pjl->language[0] = '\0';
			continue;
		}
		if (starts_with_ci(line, n, "SET"))
			line += 3, n -= 3;
		else if (starts_with_ci(line, n, "DEFAULT"))
			line += 7, n -= 7;
		else
			continue;
		if (!setting(line, n, name, sizeof(name), val, sizeof(val)))
			continue;
		if (strcmp(name, "QTY") == 0)
			pjl->qty = number(val);
		else if (strcmp(name, "COPIES") == 0)
			pjl->copies = number(val);
		else if (strcmp(name, "DUPLEX") == 0)
			pjl->duplex = strcmp(val, "ON") == 0;
	}
	return false;
}
