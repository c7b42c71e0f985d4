/*
 * termconf.c - a release terminal's configuration file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "terminal/termconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define KEY(sec, name, type, field, min, max)                                  \
	{                                                                      \
		sec, name, type, offsetof(struct fm_termconf, field), min, max \
	}
#define FEEDBACK(name, outcome)                                                \
	KEY("feedback", name, FM_CONF_STRING, feedback[outcome], 0, 0)

static const struct fm_conf_key termconf_keys[] = {
    KEY("server", "address", FM_CONF_STRING, address, 0, 0),
    KEY("server", "server_name", FM_CONF_STRING, server_name, 0, 0),
    KEY("server", "ca", FM_CONF_STRING, ca, 0, 0),
    KEY("server", "certificate", FM_CONF_STRING, certificate, 0, 0),
    KEY("server", "key", FM_CONF_STRING, key, 0, 0),
    KEY("server", "connect_timeout", FM_CONF_DURATION, connect_timeout, 1, 120),
    KEY("reader", "type", FM_CONF_STRING, reader_type, 0, 0),
    KEY("reader", "connstring", FM_CONF_STRING, connstring, 0, 0),
    KEY("reader", "poll", FM_CONF_STRING, poll, 0, 0),
    KEY("reader", "device", FM_CONF_STRING, device, 0, 0),
    KEY("reader", "input", FM_CONF_STRING, input, 0, 0),
    KEY("reader", "layout", FM_CONF_STRING, layout, 0, 0),
    KEY("reader", "format", FM_CONF_STRING, format, 0, 0),
    KEY("terminal", "headless", FM_CONF_BOOL, headless, 0, 0),
    KEY("terminal", "idle_timeout", FM_CONF_DURATION, idle_timeout, 5, 3600),
    KEY("terminal", "result_time", FM_CONF_DURATION, result_time, 1, 600),
    KEY("terminal", "language", FM_CONF_STRING, language, 0, 0),
    FEEDBACK("released", FM_OUTCOME_RELEASED),
    FEEDBACK("nothing", FM_OUTCOME_NOTHING),
    FEEDBACK("unknown_badge", FM_OUTCOME_UNKNOWN_BADGE),
    FEEDBACK("over_quota", FM_OUTCOME_OVER_QUOTA),
    FEEDBACK("printer_error", FM_OUTCOME_PRINTER_ERROR),
    FEEDBACK("server_unavailable", FM_OUTCOME_SERVER_UNAVAILABLE),
    FEEDBACK("denied", FM_OUTCOME_DENIED),
};

#define NKEYS (sizeof(termconf_keys) / sizeof(termconf_keys[0]))

static const char *const outcome_names[FM_OUTCOME_COUNT] = {
    [FM_OUTCOME_NONE] = "none",
    [FM_OUTCOME_RELEASED] = "released",
    [FM_OUTCOME_NOTHING] = "nothing",
    [FM_OUTCOME_UNKNOWN_BADGE] = "unknown_badge",
    [FM_OUTCOME_OVER_QUOTA] = "over_quota",
    [FM_OUTCOME_PRINTER_ERROR] = "printer_error",
    [FM_OUTCOME_SERVER_UNAVAILABLE] = "server_unavailable",
    [FM_OUTCOME_DENIED] = "denied",
};

const char *
fm_termconf_outcome_name(enum fm_term_outcome o)
{
	if ((unsigned)o >= FM_OUTCOME_COUNT)
		return "unknown";
	return outcome_names[o];
}

static void
defaults(struct fm_termconf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->ca, sizeof(c->ca), "%s/terminal/ca.crt", FM_SYSCONFDIR);
	snprintf(c->certificate, sizeof(c->certificate),
	    "%s/terminal/terminal.crt", FM_SYSCONFDIR);
	snprintf(
	    c->key, sizeof(c->key), "%s/terminal/terminal.key", FM_SYSCONFDIR);
	c->connect_timeout = 5;
	snprintf(c->reader_type, sizeof(c->reader_type), "nfc");
	snprintf(c->format, sizeof(c->format), "hex");
	snprintf(c->layout, sizeof(c->layout), FM_WEDGELAYOUT_DEFAULT);
	c->idle_timeout = 60;
	c->result_time = 5;
}

static bool fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return false;
}

/* Checks what the table cannot and fills the derived fields. */
static bool
derive(struct fm_termconf *c, char *err, size_t errlen)
{
	struct fm_reader_config *r = &c->reader;
	char layout[FM_WEDGELAYOUT_NAMEMAX + 1];
	char variant[FM_WEDGELAYOUT_NAMEMAX + 1];
	const char *why = NULL;

	if (c->address[0] == '\0')
		return fail(err, errlen, "%s",
		    "[server] address is required (host:port of followmed)");
	if (!fm_conf_parse_hostport(
	        c->address, c->host, sizeof(c->host), c->port, sizeof(c->port)))
		return fail(err, errlen,
		    "[server] address '%s' must be host:port, such as "
		    "print.example.org:7631",
		    c->address);
	if (c->server_name[0] == '\0')
		snprintf(c->server_name, sizeof(c->server_name), "%s", c->host);
	if (c->ca[0] != '/' || c->certificate[0] != '/' || c->key[0] != '/')
		return fail(err, errlen, "%s",
		    "[server] ca, certificate and key must be absolute paths");

	memset(r, 0, sizeof(*r));
	c->have_reader = strcmp(c->reader_type, "none") != 0;
	if (c->have_reader &&
	    !fm_reader_kind_parse(
	        c->reader_type, strlen(c->reader_type), &r->kind))
		return fail(err, errlen,
		    "[reader] type '%s' must be nfc, wedge or none",
		    c->reader_type);
	if (!fm_uid_format_parse(
	        c->format, strlen(c->format), &r->format, &why))
		return fail(err, errlen, "[reader] format: %s", why);
	if (c->poll[0] != '\0' &&
	    !fm_reader_poll_parse(c->poll, strlen(c->poll), &r->poll))
		return fail(err, errlen,
		    "[reader] poll '%s' must list 14443a, 14443b, felica",
		    c->poll);
	if (c->input[0] != '\0' &&
	    !fm_uid_input_parse(c->input, strlen(c->input), &r->wedge_input))
		return fail(err, errlen,
		    "[reader] input '%s' must be decimal or hex", c->input);
	if (!fm_wedgelayout_name_parse(
	        c->layout, strlen(c->layout), layout, variant))
		return fail(err, errlen,
		    "[reader] layout '%s' must be an XKB keyboard layout "
		    "such as us, fr or de, with a variant in parentheses "
		    "if one is needed: de(nodeadkeys)",
		    c->layout);
	/* It fits: the name parsed is at most FM_WEDGELAYOUT_NAMEMAX. */
	snprintf(r->wedge_layout, sizeof(r->wedge_layout), "%s", c->layout);
	if (c->have_reader && r->kind == FM_READER_WEDGE && c->device[0] != '/')
		return fail(err, errlen, "%s",
		    "[reader] device must name the reader's "
		    "/dev/input/... event device");
	/* Both sizes are FM_CONF_STRMAX or larger: these always fit. */
	snprintf(r->connstring, sizeof(r->connstring), "%s", c->connstring);
	snprintf(r->device, sizeof(r->device), "%s", c->device);
	/* Unset: the language of the terminal's locale. */
	if (c->language[0] == '\0')
		c->lang = fm_i18n_env_lang();
	else if (!fm_i18n_parse_lang(
	             c->language, strlen(c->language), &c->lang) ||
	    strlen(c->language) != 2)
		return fail(err, errlen,
		    "[terminal] language '%s' must be fr or en", c->language);
	if (c->headless && !c->have_reader)
		return fail(
		    err, errlen, "%s", "a headless terminal needs a [reader]");
	return true;
}

bool
fm_termconf_parse(const char *buf, size_t len, struct fm_termconf *c, char *err,
    size_t errlen)
{
	defaults(c);
	return fm_conf_parse(buf, len, termconf_keys, NKEYS, c, err, errlen) &&
	    derive(c, err, errlen);
}

bool
fm_termconf_check_layout(const struct fm_termconf *c, char *err, size_t errlen)
{
	char why[256];
	fm_wedgelayout_t *l;

	if (c == NULL)
		return false;
	if (!c->have_reader || c->reader.kind != FM_READER_WEDGE)
		return true;
	if ((l = fm_wedgelayout_create(
	         c->reader.wedge_layout, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "[reader] %s", why);
		return false;
	}
	fm_wedgelayout_destroy(l);
	return true;
}

bool
fm_termconf_load(
    const char *path, struct fm_termconf *c, char *err, size_t errlen)
{
	char inner[FM_CONF_ERRMAX];

	defaults(c);
	if (!fm_conf_load(path, termconf_keys, NKEYS, c, err, errlen))
		return false;
	if (!derive(c, inner, sizeof(inner))) {
		snprintf(err, errlen, "%s: %s", path, inner);
		return false;
	}
	return true;
}
