/*
 * conf.h - table-driven INI configuration parsing (on top of libinih).
 *
 * A component describes its settings as a table of fm_conf_key entries that
 * point into its own settings struct; fm_conf_parse() fills the struct and
 * refuses unknown sections and keys, values of the wrong type and values out
 * of range, naming the line at fault.  The module knows nothing of what the
 * settings mean.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_CONF_H
#define FM_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fm_conf_type {
	FM_CONF_STRING,   /* char[FM_CONF_STRMAX] */
	FM_CONF_BOOL,     /* bool: yes/no, true/false, on/off, 1/0 */
	FM_CONF_UINT,     /* uint64_t, decimal */
	FM_CONF_SIZE,     /* uint64_t bytes; suffix K, M, G (powers of 1024) */
	FM_CONF_DURATION, /* uint64_t seconds; suffix s, m, h, d */
};

#define FM_CONF_STRMAX 200
#define FM_CONF_LINEMAX 200 /* libinih's line buffer */

struct fm_conf_key {
	const char *section;
	const char *name;
	enum fm_conf_type type;
	size_t offset;     /* offsetof() the field in the target struct */
	uint64_t min, max; /* inclusive bounds for numeric types */
};

#define FM_CONF_ERRMAX 256
#define FM_CONF_MAXLEN (1024 * 1024)

/*
 * 'fm_conf_parse()' - parse an INI text of len bytes into target.
 *
 * Fields not named in the text keep the values the caller put there
 * (defaults).  On failure returns false and writes "line N: reason" into
 * err (FM_CONF_ERRMAX bytes).  The text may contain anything; NUL bytes
 * and texts over FM_CONF_MAXLEN are refused.
 */
bool fm_conf_parse(const char *buf, size_t len, const struct fm_conf_key *keys,
    size_t nkeys, void *target, char *err, size_t errlen);

/*
 * 'fm_conf_load()' - read the file at path and parse it as above.
 *
 * err receives "path: reason" or "path:N: reason".
 */
bool fm_conf_load(const char *path, const struct fm_conf_key *keys,
    size_t nkeys, void *target, char *err, size_t errlen);

/* 'fm_conf_parse_bool()', 'fm_conf_parse_uint()', 'fm_conf_parse_size()',
 * 'fm_conf_parse_duration()' - parse helpers shared with command-line parsing;
 * false if not valid. */
bool fm_conf_parse_bool(const char *s, bool *out);
bool fm_conf_parse_uint(const char *s, uint64_t *out);
bool fm_conf_parse_size(const char *s, uint64_t *out);
bool fm_conf_parse_duration(const char *s, uint64_t *out);

/*
 * 'fm_conf_parse_hostport()' - split "host:port" or "[v6]:port" into host
 * (hostlen bytes) and a decimal port 1..65535 (portlen bytes); false if s
 * is not of that form.
 */
bool fm_conf_parse_hostport(
    const char *s, char *host, size_t hostlen, char *port, size_t portlen);

#endif
