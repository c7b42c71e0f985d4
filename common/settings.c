/*
 * settings.c - the site configuration file, followme.conf(5).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/settings.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEY(sec, name, type, field, min, max)                                  \
	{                                                                      \
		sec, name, type, offsetof(struct fm_settings, field), min, max \
	}

static const struct fm_conf_key settings_keys[] = {
    KEY("server", "user", FM_CONF_STRING, user, 0, 0),
    KEY("server", "state_dir", FM_CONF_STRING, state_dir, 0, 0),
    KEY("server", "run_dir", FM_CONF_STRING, run_dir, 0, 0),
    KEY("server", "log_titles", FM_CONF_BOOL, log_titles, 0, 0),
    KEY("server", "debug", FM_CONF_BOOL, debug, 0, 0),
    KEY("ingest", "cups_user", FM_CONF_STRING, cups_user, 0, 0),
    KEY("ingest", "max_job_size", FM_CONF_SIZE, max_job_size, 1,
        (uint64_t)1 << 40),
    KEY("ingest", "deny_users", FM_CONF_STRING, deny_users, 0, 0),
    KEY("ingest", "request_timeout", FM_CONF_DURATION, request_timeout, 1, 600),
    KEY("hold", "expire_after", FM_CONF_DURATION, expire_after, 1, 86400 * 366),
    KEY("hold", "analysis_workers", FM_CONF_UINT, analysis_workers, 0, 64),
    KEY("release", "listen", FM_CONF_STRING, listen, 0, 0),
    KEY("release", "server_name", FM_CONF_STRING, server_name, 0, 0),
    KEY("release", "session_timeout", FM_CONF_DURATION, session_timeout, 5,
        3600),
    KEY("release", "handshake_timeout", FM_CONF_DURATION, handshake_timeout, 1,
        120),
    KEY("release", "max_handshakes", FM_CONF_UINT, max_handshakes, 1, 4096),
    KEY("release", "max_handshakes_per_address", FM_CONF_UINT,
        max_handshakes_per_address, 1, 4096),
    KEY("release", "max_terminal_connections", FM_CONF_UINT,
        max_terminal_connections, 1, 4096),
    KEY("release", "connection_idle_timeout", FM_CONF_DURATION,
        connection_idle_timeout, 5, 86400),
    KEY("release", "pam_service", FM_CONF_STRING, pam_service, 0, 0),
    KEY("release", "pam_helper", FM_CONF_STRING, pam_helper, 0, 0),
    KEY("release", "auth_max_failures", FM_CONF_UINT, auth_max_failures, 1,
        100),
    KEY("release", "auth_lockout", FM_CONF_DURATION, auth_lockout, 1, 86400),
    KEY("release", "pam_timeout", FM_CONF_DURATION, pam_timeout, 1, 120),
    KEY("release", "badge_needs_pin", FM_CONF_BOOL, badge_needs_pin, 0, 0),
    KEY("release", "session_sandbox", FM_CONF_STRING, session_sandbox, 0, 0),
    KEY("release", "unknown_pages_reserve", FM_CONF_UINT, unknown_pages_reserve,
        1, 10000),
    KEY("release", "count_wait", FM_CONF_DURATION, count_wait, 0, 600),
    KEY("directory", "uri", FM_CONF_STRING, directory.uri, 0, 0),
    KEY("directory", "ca_file", FM_CONF_STRING, directory.ca_file, 0, 0),
    KEY("directory", "bind_dn", FM_CONF_STRING, directory.bind_dn, 0, 0),
    KEY("directory", "password_file", FM_CONF_STRING, directory.password_file,
        0, 0),
    KEY("directory", "base_dn", FM_CONF_STRING, directory.base_dn, 0, 0),
    KEY("directory", "filter", FM_CONF_STRING, directory.filter, 0, 0),
    KEY("directory", "schema", FM_CONF_STRING, directory.schema, 0, 0),
    KEY("directory", "timeout", FM_CONF_DURATION, directory.timeout, 1, 600),
    KEY("directory", "page_size", FM_CONF_UINT, directory.page_size, 1, 10000),
    KEY("directory", "referrals", FM_CONF_BOOL, directory.referrals, 0, 0),
    KEY("directory", "login", FM_CONF_STRING, directory.login, 0, 0),
    KEY("directory", "full_name", FM_CONF_STRING, directory.full_name, 0, 0),
    KEY("directory", "email", FM_CONF_STRING, directory.email, 0, 0),
    KEY("directory", "department", FM_CONF_STRING, directory.department, 0, 0),
    KEY("directory", "department_name", FM_CONF_STRING,
        directory.department_name, 0, 0),
    KEY("directory", "department_names", FM_CONF_STRING,
        directory.department_names, 0, 0),
    KEY("directory", "badge", FM_CONF_STRING, directory.badge, 0, 0),
    KEY("directory", "badge_format", FM_CONF_STRING, directory.badge_format, 0,
        0),
    KEY("directory", "badge_bytes", FM_CONF_UINT, directory.badge_bytes, 0, 16),
    KEY("directory", "disabled", FM_CONF_STRING, directory.disabled, 0, 0),
    KEY("directory", "groups", FM_CONF_STRING, directory.groups, 0, 0),
    KEY("directory", "admin_group", FM_CONF_STRING, directory.admin_group, 0,
        0),
    KEY("directory", "finance_group", FM_CONF_STRING, directory.finance_group,
        0, 0),
    KEY("directory", "max_disable_percent", FM_CONF_UINT,
        directory.max_disable_percent, 0, 100),
    KEY("directory", "lookup_on_first_print", FM_CONF_BOOL,
        directory.lookup_on_first_print, 0, 0),
    KEY("web", "listen", FM_CONF_STRING, web.listen, 0, 0),
    KEY("web", "tls", FM_CONF_BOOL, web.tls, 0, 0),
    KEY("web", "certificate", FM_CONF_STRING, web.certificate, 0, 0),
    KEY("web", "key", FM_CONF_STRING, web.key, 0, 0),
    KEY("web", "user", FM_CONF_STRING, web.user, 0, 0),
    KEY("web", "pages_dir", FM_CONF_STRING, web.pages_dir, 0, 0),
    KEY("web", "assets_dir", FM_CONF_STRING, web.assets_dir, 0, 0),
    KEY("web", "trusted_proxies", FM_CONF_STRING, web.trusted_proxies, 0, 0),
    KEY("web", "pam_service", FM_CONF_STRING, web.pam_service, 0, 0),
    KEY("web", "admin_group", FM_CONF_STRING, web.admin_group, 0, 0),
    KEY("web", "finance_group", FM_CONF_STRING, web.finance_group, 0, 0),
    KEY("web", "workers", FM_CONF_UINT, web.workers, 1, 64),
    KEY("web", "max_connections", FM_CONF_UINT, web.max_connections, 1, 65536),
    KEY("web", "session_idle", FM_CONF_DURATION, web.session_idle, 60, 86400),
    KEY("web", "session_max", FM_CONF_DURATION, web.session_max, 60,
        86400 * 31),
    KEY("web", "public_url", FM_CONF_STRING, web.public_url, 0, 0),
    KEY("web", "auth_log_days", FM_CONF_UINT, web.auth_log_days, 1, 36600),
    KEY("directory", "lookup_program", FM_CONF_STRING, directory.lookup_program,
        0, 0),
};

void
fm_settings_defaults(struct fm_settings *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->user, sizeof(s->user), "followme");
	snprintf(s->state_dir, sizeof(s->state_dir), "%s", FM_DEFAULT_STATEDIR);
	snprintf(s->run_dir, sizeof(s->run_dir), "%s", FM_DEFAULT_RUNDIR);
	snprintf(s->cups_user, sizeof(s->cups_user), "lp");
	s->max_job_size = 512ULL * 1024 * 1024;
	s->request_timeout = 10;
	s->expire_after = 8 * 3600;
	snprintf(s->listen, sizeof(s->listen), "0.0.0.0:7631");
	s->session_timeout = 60;
	s->handshake_timeout = 5;
	s->max_handshakes = 64;
	s->max_handshakes_per_address = 8;
	s->max_terminal_connections = 256;
	s->connection_idle_timeout = 600;
	snprintf(s->pam_service, sizeof(s->pam_service), "followme");
	s->auth_max_failures = 5;
	s->auth_lockout = 300;
	s->pam_timeout = 10;
	snprintf(s->session_sandbox, sizeof(s->session_sandbox), "required");
	s->unknown_pages_reserve = 25;
	s->count_wait = 30;
	snprintf(s->directory.schema, sizeof(s->directory.schema), "ad");
	s->directory.timeout = 10;
	s->directory.page_size = 500;
	snprintf(s->directory.badge_format, sizeof(s->directory.badge_format),
	    "hex");
	s->directory.max_disable_percent = 10;
	s->directory.lookup_on_first_print = true;
	snprintf(s->directory.lookup_program,
	    sizeof(s->directory.lookup_program), "%s", FM_ADMIN_PROGRAM);
	snprintf(s->web.listen, sizeof(s->web.listen), "0.0.0.0:8443");
	s->web.tls = true;
	snprintf(s->web.user, sizeof(s->web.user), "followme-web");
	snprintf(s->web.pages_dir, sizeof(s->web.pages_dir), "%s",
	    FM_DEFAULT_WEBDIR);
	snprintf(s->web.assets_dir, sizeof(s->web.assets_dir),
	    "/usr/share/javascript");
	snprintf(
	    s->web.pam_service, sizeof(s->web.pam_service), "followme-web");
	s->web.workers = 4;
	s->web.max_connections = 512;
	s->web.session_idle = 30 * 60;
	s->web.auth_log_days = 90;
	s->web.session_max = 10 * 3600; /* a working day */
}

bool
fm_settings_url_is_valid(const char *url, size_t len)
{
	size_t scheme;

	if (url == NULL)
		return false;
	if (len >= 8 && memcmp(url, "https://", 8) == 0)
		scheme = 8;
	else if (len >= 7 && memcmp(url, "http://", 7) == 0)
		scheme = 7;
	else
		return false;
	/* A host, not "https://" alone or "https:///path". */
	if (len == scheme || url[scheme] == '/')
		return false;
	/* An address printed in a QR code and an HTML attribute: no room
	 * for anything but the URL itself. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c <= ' ' || c >= 0x7f || strchr("\"'<>\\`", c) != NULL)
			return false;
	}
	return true;
}

static bool
check_absolute(const char *what, const char *path, char *err, size_t errlen)
{
	if (path[0] == '/')
		return true;
	snprintf(err, errlen, "%s must be an absolute path", what);
	return false;
}

/* The defaults, then the file at path, explicit (it must exist) or the
 * default one (it may be missing). */
static bool
load(struct fm_settings *s, const char *path, bool explicit, char *err,
    size_t errlen)
{
	fm_settings_defaults(s);
	if (!explicit && access(path, F_OK) != 0 && errno == ENOENT)
		return true;
	if (!fm_conf_load(path, settings_keys,
	        sizeof(settings_keys) / sizeof(settings_keys[0]), s, err,
	        errlen))
		return false;
	char host[FM_CONF_STRMAX], port[16];

	if (!check_absolute("state_dir", s->state_dir, err, errlen) ||
	    !check_absolute("run_dir", s->run_dir, err, errlen) ||
	    (s->pam_helper[0] != '\0' &&
	        !check_absolute("pam_helper", s->pam_helper, err, errlen)))
		return false;
	if (strcmp(s->directory.schema, "ad") != 0 &&
	    strcmp(s->directory.schema, "openldap") != 0) {
		snprintf(err, errlen,
		    "%s: [directory] schema must be ad or "
		    "openldap",
		    path);
		return false;
	}
	if (s->directory.lookup_program[0] != '\0' &&
	    !check_absolute(
	        "lookup_program", s->directory.lookup_program, err, errlen))
		return false;
	if (!check_absolute("[web] pages_dir", s->web.pages_dir, err, errlen) ||
	    !check_absolute("[web] assets_dir", s->web.assets_dir, err, errlen))
		return false;
	if (!fm_conf_parse_hostport(
	        s->web.listen, host, sizeof(host), port, sizeof(port))) {
		snprintf(err, errlen,
		    "%s: [web] listen must be address:port, such as "
		    "0.0.0.0:8443 or 127.0.0.1:8080",
		    path);
		return false;
	}
	if (s->web.public_url[0] != '\0' &&
	    !fm_settings_url_is_valid(
	        s->web.public_url, strlen(s->web.public_url))) {
		snprintf(err, errlen,
		    "%s: [web] public_url must be an https:// or http:// "
		    "address without spaces or quotes, such as "
		    "https://print.example.org",
		    path);
		return false;
	}
	if (strcmp(s->session_sandbox, "required") != 0 &&
	    strcmp(s->session_sandbox, "off") != 0) {
		snprintf(err, errlen,
		    "%s: session_sandbox must be required or off", path);
		return false;
	}
	if (!fm_settings_listen_address(
	        s, host, sizeof(host), port, sizeof(port))) {
		snprintf(err, errlen,
		    "%s: listen must be address:port, such "
		    "as 0.0.0.0:7631 or [::]:7631",
		    path);
		return false;
	}
	return true;
}

bool
fm_settings_load(
    struct fm_settings *s, const char *path, char *err, size_t errlen)
{
	const char *env = getenv(FM_SETTINGS_ENV);

	if (path != NULL)
		return load(s, path, true, err, errlen);
	if (env != NULL && env[0] != '\0')
		return load(s, env, true, err, errlen);
	return load(s, FM_DEFAULT_CONFIG, false, err, errlen);
}

bool
fm_settings_load_system(
    struct fm_settings *s, const char *path, char *err, size_t errlen)
{
	if (path != NULL)
		return load(s, path, true, err, errlen);
	return load(s, FM_DEFAULT_CONFIG, false, err, errlen);
}

bool
fm_settings_user_denied(const struct fm_settings *s, const char *user)
{
	const char *p = s->deny_users;
	size_t ulen = strlen(user);

	while (*p != '\0') {
		size_t n;
		p += strspn(p, " ,\t");
		n = strcspn(p, " ,\t");
		if (n == ulen && n > 0 && strncmp(p, user, n) == 0)
			return true;
		p += n;
	}
	return false;
}

static bool
join(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	return n > 0 && (size_t)n < size;
}

bool
fm_settings_db_path(const struct fm_settings *s, char *buf, size_t size)
{
	return join(buf, size, s->state_dir, "followme.db");
}

bool
fm_settings_spool_dir(const struct fm_settings *s, char *buf, size_t size)
{
	return join(buf, size, s->state_dir, "spool");
}

bool
fm_settings_master_key_path(const struct fm_settings *s, char *buf, size_t size)
{
	return join(buf, size, s->state_dir, "master.key");
}

bool
fm_settings_ledger_key_path(const struct fm_settings *s, char *buf, size_t size)
{
	return join(buf, size, s->state_dir, "ledger.key");
}

bool
fm_settings_ingest_socket(const struct fm_settings *s, char *buf, size_t size)
{
	return join(buf, size, s->run_dir, "ingest.sock");
}

bool
fm_settings_pki_dir(const struct fm_settings *s, char *buf, size_t size)
{
	return join(buf, size, s->state_dir, "pki");
}

bool
fm_settings_web_terminal_dir(
    const struct fm_settings *s, char *buf, size_t size)
{
	return join(buf, size, s->state_dir, "web-terminal");
}

void
fm_settings_server_name(const struct fm_settings *s, char *buf, size_t size)
{
	if (s->server_name[0] != '\0') {
		snprintf(buf, size, "%s", s->server_name);
		return;
	}
	if (gethostname(buf, size) != 0 || buf[0] == '\0')
		snprintf(buf, size, "localhost");
	buf[size - 1] = '\0';
}

bool
fm_settings_listen_address(const struct fm_settings *s, char *host,
    size_t hostlen, char *port, size_t portlen)
{
	return fm_conf_parse_hostport(s->listen, host, hostlen, port, portlen);
}

bool
fm_settings_badge_key_path(const struct fm_settings *s, char *buf, size_t size)
{
	return join(buf, size, s->state_dir, "badge.key");
}
