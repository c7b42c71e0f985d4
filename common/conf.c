/*
 * conf.c - table-driven INI configuration parsing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/conf.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct parse_ctx {
	const struct fm_conf_key *keys;
	size_t nkeys;
	void *target;
	char reason[FM_CONF_ERRMAX];
};

bool
fm_conf_parse_bool(const char *s, bool *out)
{
	static const char *yes[] = {"yes", "true", "on", "1"};
	static const char *no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* Parses leading decimal digits; *end points past them.  No sign, no
 * spaces, no overflow: strtoull accepts all three, which we do not want. */
static bool
parse_digits(const char *s, uint64_t *out, const char **end)
{
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	*end = s;
	return true;
}

bool
fm_conf_parse_uint(const char *s, uint64_t *out)
{
	const char *end;

	return parse_digits(s, out, &end) && *end == '\0';
}

static bool
parse_scaled(
    const char *s, const char *suffixes, const uint64_t *scales, uint64_t *out)
{
	const char *end, *p;
	uint64_t v;

	if (!parse_digits(s, &v, &end))
		return false;
	if (*end == '\0') {
		*out = v * scales[0];
		return true;
	}
	if (end[1] != '\0' || (p = strchr(suffixes, *end)) == NULL)
		return false;
	uint64_t scale = scales[p - suffixes + 1];
	if (v > UINT64_MAX / scale)
		return false;
	*out = v * scale;
	return true;
}

bool
fm_conf_parse_size(const char *s, uint64_t *out)
{
	static const uint64_t scales[] = {
	    1, 1024, 1024, 1048576, 1048576, 1073741824, 1073741824};

	return parse_scaled(s, "KkMmGg", scales, out);
}

bool
fm_conf_parse_duration(const char *s, uint64_t *out)
{
	static const uint64_t scales[] = {1, 1, 60, 3600, 86400};

	return parse_scaled(s, "smhd", scales, out);
}

static const struct fm_conf_key *
find_key(const struct parse_ctx *ctx, const char *section, const char *name)
{
	for (size_t i = 0; i < ctx->nkeys; i++)
		if (strcmp(ctx->keys[i].section, section) == 0 &&
		    strcmp(ctx->keys[i].name, name) == 0)
			return &ctx->keys[i];
	return NULL;
}

static bool
section_known(const struct parse_ctx *ctx, const char *section)
{
	for (size_t i = 0; i < ctx->nkeys; i++)
		if (strcmp(ctx->keys[i].section, section) == 0)
			return true;
	return false;
}

static int
handle_entry(
    void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *ctx = user;
	const struct fm_conf_key *k;
	char *field;
	uint64_t v = 0;
	bool ok = false;
	const char *expect = "";

	if (name == NULL) /* a section header alone */
		return 1;
	if (!section_known(ctx, section)) {
		snprintf(ctx->reason, sizeof(ctx->reason),
		    "unknown section [%.64s]", section);
		return 0;
	}
	if ((k = find_key(ctx, section, name)) == NULL) {
		snprintf(ctx->reason, sizeof(ctx->reason),
		    "unknown setting '%.64s' in [%.64s]", name, section);
		return 0;
	}
	field = (char *)ctx->target + k->offset;
	switch (k->type) {
	case FM_CONF_STRING:
		if (strlen(value) >= FM_CONF_STRMAX) {
			snprintf(ctx->reason, sizeof(ctx->reason),
			    "%s: value longer than %d bytes", name,
			    FM_CONF_STRMAX - 1);
			return 0;
		}
		strcpy(field, value);
		return 1;
	case FM_CONF_BOOL:
		if (!fm_conf_parse_bool(value, (bool *)(void *)field)) {
			snprintf(ctx->reason, sizeof(ctx->reason),
			    "%s: expected yes or no", name);
			return 0;
		}
		return 1;
	case FM_CONF_UINT:
		ok = fm_conf_parse_uint(value, &v);
		expect = "a whole number";
		break;
	case FM_CONF_SIZE:
		ok = fm_conf_parse_size(value, &v);
		expect = "a size such as 512M (suffix K, M or G)";
		break;
	case FM_CONF_DURATION:
		ok = fm_conf_parse_duration(value, &v);
		expect = "a duration such as 8h (suffix s, m, h or d)";
		break;
	}
	if (!ok) {
		snprintf(ctx->reason, sizeof(ctx->reason), "%s: expected %s",
		    name, expect);
		return 0;
	}
	if (v < k->min || v > k->max) {
		snprintf(ctx->reason, sizeof(ctx->reason),
		    "%s: %llu is out of range (%llu to %llu)", name,
		    (unsigned long long)v, (unsigned long long)k->min,
		    (unsigned long long)k->max);
		return 0;
	}
	memcpy(field, &v, sizeof(v));
	return 1;
}

bool
fm_conf_parse(const char *buf, size_t len, const struct fm_conf_key *keys,
    size_t nkeys, void *target, char *err, size_t errlen)
{
	struct parse_ctx ctx = {keys, nkeys, target, ""};
	char *text;
	int line;

	if (buf == NULL || keys == NULL || target == NULL || err == NULL) {
		if (err != NULL)
			snprintf(err, errlen, "invalid arguments");
		return false;
	}
	if (len > FM_CONF_MAXLEN) {
		snprintf(
		    err, errlen, "file larger than %d bytes", FM_CONF_MAXLEN);
		return false;
	}
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "file contains a NUL byte");
		return false;
	}
	/* libinih splits lines longer than its buffer and reports the wrong
	 * line; name the real one instead. */
	for (size_t i = 0, start = 0, lineno = 1; i <= len; i++) {
		if (i < len && buf[i] != '\n')
			continue;
		if (i - start >= FM_CONF_LINEMAX) {
			snprintf(err, errlen, "line %zu: longer than %d bytes",
			    lineno, FM_CONF_LINEMAX - 1);
			return false;
		}
		start = i + 1;
		lineno++;
	}
	if ((text = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	memcpy(text, buf, len);
	text[len] = '\0';
	line = ini_parse_string(text, handle_entry, &ctx);
	free(text);
	if (line == 0)
		return true;
	if (line < 0)
		snprintf(err, errlen, "cannot parse (out of memory)");
	else if (ctx.reason[0] != '\0')
		snprintf(err, errlen, "line %d: %s", line, ctx.reason);
	else
		snprintf(err, errlen, "line %d: syntax error", line);
	return false;
}

bool
fm_conf_load(const char *path, const struct fm_conf_key *keys, size_t nkeys,
    void *target, char *err, size_t errlen)
{
	char *buf = NULL, inner[FM_CONF_ERRMAX];
	struct stat st;
	ssize_t n;
	size_t got = 0;
	bool ok = false;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > FM_CONF_MAXLEN) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    FM_CONF_MAXLEN);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	if (!fm_conf_parse(
	        buf, got, keys, nkeys, target, inner, sizeof(inner))) {
		snprintf(err, errlen, "%s: %s", path, inner);
		goto out;
	}
	ok = true;
out:
	free(buf);
	close(fd);
	return ok;
}

bool
fm_conf_parse_hostport(
    const char *s, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *colon = strrchr(s, ':');
	const char *h = s;
	size_t hl;
	uint64_t p;

	if (colon == NULL || !fm_conf_parse_uint(colon + 1, &p) || p == 0 ||
	    p > 65535)
		return false;
	hl = (size_t)(colon - h);
	if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl == 0 || hl >= hostlen)
		return false;
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%u", (unsigned)p);
	return true;
}
