/*
 * termconf.h - a release terminal's configuration, followme-terminal(8).
 *
 * One INI file per terminal (default /etc/followme/terminal.conf):
 *
 *   [server]    address (host:port), server_name, ca, certificate, key,
 *               connect_timeout
 *   [reader]    type (nfc, wedge, none), connstring, poll, device, input,
 *               layout, format
 *   [terminal]  headless, idle_timeout, result_time, language (fr or
 *               en; unset: the locale's)
 *   [feedback]  released, nothing, unknown_badge, over_quota,
 *               printer_error, server_unavailable, denied: shell commands
 *               a headless terminal runs for each outcome
 *
 * Unknown keys, bad values and missing required keys are refused with
 * the line at fault, so a terminal never starts half-configured.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TERMCONF_H
#define FM_TERMCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badge/reader.h"
#include "common/conf.h"
#include "common/i18n.h"

/* What a headless terminal reports after a tap; each has a command. */
enum fm_term_outcome {
	FM_OUTCOME_NONE,
	FM_OUTCOME_RELEASED,           /* N jobs printed */
	FM_OUTCOME_NOTHING,            /* no jobs held */
	FM_OUTCOME_UNKNOWN_BADGE,      /* the badge belongs to no one */
	FM_OUTCOME_OVER_QUOTA,         /* nothing printed: quota too low */
	FM_OUTCOME_PRINTER_ERROR,      /* the printer refused or failed */
	FM_OUTCOME_SERVER_UNAVAILABLE, /* followmed cannot be reached */
	FM_OUTCOME_DENIED,             /* locked out, disabled, PIN needed */
	FM_OUTCOME_COUNT
};

struct fm_termconf {
	/* [server] */
	char address[FM_CONF_STRMAX];     /* followmed's host:port */
	char server_name[FM_CONF_STRMAX]; /* in its certificate; "" = host */
	char ca[FM_CONF_STRMAX];
	char certificate[FM_CONF_STRMAX];
	char key[FM_CONF_STRMAX];
	uint64_t connect_timeout; /* seconds */
	/* [reader] */
	char reader_type[FM_CONF_STRMAX];
	char connstring[FM_CONF_STRMAX];
	char poll[FM_CONF_STRMAX];
	char device[FM_CONF_STRMAX];
	char input[FM_CONF_STRMAX];
	char layout[FM_CONF_STRMAX]; /* a wedge reader's keyboard layout */
	char format[FM_CONF_STRMAX];
	/* [terminal] */
	bool headless;
	uint64_t idle_timeout; /* seconds without a key before logout */
	uint64_t result_time;  /* seconds a release result stays shown */
	char language[FM_CONF_STRMAX];
	/* [feedback], indexed by enum fm_term_outcome */
	char feedback[FM_OUTCOME_COUNT][FM_CONF_STRMAX];

	/* Derived by fm_termconf_parse(). */
	char host[FM_CONF_STRMAX], port[16];
	bool have_reader;
	enum fm_i18n_lang lang; /* language, or the locale's */
	struct fm_reader_config reader;
};

/*
 * 'fm_termconf_parse()' - parse len bytes of INI text into c (defaults
 * first).  False with "line N: reason" or "reason" in err.  A wedge
 * reader's layout is checked for its form only: whether the XKB data has
 * it is fm_termconf_check_layout()'s question.
 */
bool fm_termconf_parse(const char *buf, size_t len, struct fm_termconf *c,
    char *err, size_t errlen);

/* 'fm_termconf_load()' - the same for the file at path. */
bool fm_termconf_load(
    const char *path, struct fm_termconf *c, char *err, size_t errlen);

/*
 * 'fm_termconf_check_layout()' - for a wedge reader, whether its [reader]
 * layout is one the system's XKB data has (it compiles it once); false
 * with a sentence naming the layout in err.  True for other readers.
 */
bool fm_termconf_check_layout(
    const struct fm_termconf *c, char *err, size_t errlen);

/* 'fm_termconf_outcome_name()' - "released", "nothing", ... : the [feedback]
 * key of an outcome. */
const char *fm_termconf_outcome_name(enum fm_term_outcome o);

#endif
