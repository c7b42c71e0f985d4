/*
 * settings.h - the site configuration file, followme.conf(5).
 *
 * Read by followmed, followme-admin and the followme backend.  It holds no
 * secrets (keys live in files of their own under state_dir), so the
 * backend, which runs as the CUPS user, may read it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_SETTINGS_H
#define FM_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/conf.h"

struct fm_settings {
	/* [server] */
	char user[FM_CONF_STRMAX]; /* run as this user when started as root */
	char state_dir[FM_CONF_STRMAX]; /* database, spool, keys */
	char run_dir[FM_CONF_STRMAX];   /* sockets */
	bool log_titles;
	bool debug;
	/* [ingest] */
	char cups_user[FM_CONF_STRMAX]; /* the only peer allowed to ingest */
	uint64_t max_job_size;
	char deny_users[FM_CONF_STRMAX]; /* space or comma separated */
	uint64_t request_timeout; /* seconds a backend has to send its job */
	/* [hold] */
	uint64_t expire_after; /* seconds */
	/* Children counting held documents' pages at once (Ghostscript);
	 * 0: one per online core. */
	uint64_t analysis_workers;
	/* [release] */
	char listen[FM_CONF_STRMAX];      /* address:port for terminals */
	char server_name[FM_CONF_STRMAX]; /* in our certificate; "" = host */
	uint64_t session_timeout;         /* idle seconds before logout */
	uint64_t handshake_timeout; /* seconds for the whole TLS handshake,
	                               and for each message once begun */
	uint64_t max_handshakes;    /* connections not yet authenticated */
	uint64_t max_handshakes_per_address; /* ... from one address */
	uint64_t max_terminal_connections;   /* authenticated ones */
	uint64_t connection_idle_timeout;    /* idle seconds, nobody logged in,
	                                        before the connection closes */
	char pam_service[FM_CONF_STRMAX];
	char pam_helper[FM_CONF_STRMAX]; /* followme-pamhelper's socket */
	uint64_t auth_max_failures;      /* before a lockout */
	uint64_t auth_lockout;           /* seconds */
	uint64_t pam_timeout;            /* seconds a PAM check may take */
	bool badge_needs_pin;            /* a badge alone does not log in */
	char session_sandbox[FM_CONF_STRMAX]; /* "required" or "off" */
	/* Pages (colour, per copy) reserved for a document whose pages
	 * could not be counted. */
	uint64_t unknown_pages_reserve;
	/* Seconds a release waits for a job's pages still being counted
	 * after the hold. */
	uint64_t count_wait;
	/* [directory] (followme.conf(5); used by directory/): where users,
	 * departments, roles and badges come from.  Empty uri: none. */
	struct {
		char uri[FM_CONF_STRMAX];     /* ldaps://, ldap:// (StartTLS
		                                 required) or ldapi:// */
		char ca_file[FM_CONF_STRMAX]; /* "" = the system's CAs */
		char bind_dn[FM_CONF_STRMAX]; /* "" = anonymous */
		char password_file[FM_CONF_STRMAX]; /* 0600 or 0640 */
		char base_dn[FM_CONF_STRMAX];
		char filter[FM_CONF_STRMAX]; /* "" = the schema's */
		char schema[FM_CONF_STRMAX]; /* "ad" or "openldap" */
		uint64_t timeout;            /* seconds per operation */
		uint64_t page_size;          /* entries per page */
		bool referrals;              /* chase referrals */
		/* The attribute map: "" = the schema's default. */
		char login[FM_CONF_STRMAX];
		char full_name[FM_CONF_STRMAX];
		char email[FM_CONF_STRMAX];
		char department[FM_CONF_STRMAX]; /* an attribute, or "dn:ou" */
		char department_name[FM_CONF_STRMAX];  /* attribute,
		                                          "ou-description" */
		char department_names[FM_CONF_STRMAX]; /* file: CODE,NAME lines
		                                        */
		char badge[FM_CONF_STRMAX];
		char badge_format[FM_CONF_STRMAX]; /* badge/uid.h spec */
		uint64_t badge_bytes; /* decimal: pad to this many bytes */
		char disabled[FM_CONF_STRMAX]; /* "uac", ATTR or ATTR=VALUE */
		char groups[FM_CONF_STRMAX];   /* the membership attribute */
		char admin_group[FM_CONF_STRMAX];
		char finance_group[FM_CONF_STRMAX];
		uint64_t max_disable_percent; /* the safety valve */
		bool lookup_on_first_print;
		char lookup_program[FM_CONF_STRMAX]; /* followme-admin */
	} directory;
	/* [web] (followme.conf(5), followme-webd(8)): the web console. */
	struct {
		char listen[FM_CONF_STRMAX]; /* address:port */
		bool tls;                    /* off: behind a reverse proxy */
		char certificate[FM_CONF_STRMAX]; /* "" = pki/server.crt */
		char key[FM_CONF_STRMAX];         /* "" = pki/server.key */
		char user[FM_CONF_STRMAX];        /* the HTTP side's account */
		char pages_dir[FM_CONF_STRMAX];   /* the pages (static files) */
		char assets_dir[FM_CONF_STRMAX];  /* Debian's libjs-* files */
		char trusted_proxies[FM_CONF_STRMAX]; /* addresses, spaced */
		char pam_service[FM_CONF_STRMAX];
		char admin_group[FM_CONF_STRMAX];   /* a Unix group: admins */
		char finance_group[FM_CONF_STRMAX]; /* ... finance */
		uint64_t workers;                   /* store-side processes */
		uint64_t max_connections;           /* at once */
		uint64_t session_idle; /* seconds without a request */
		uint64_t session_max;  /* seconds from the login */
		/* The console's address as people reach it (QR codes): ""
		 * is https://HOST:PORT from the host name and listen. */
		char public_url[FM_CONF_STRMAX];
		/* Days the authentication log keeps its events. */
		uint64_t auth_log_days;
	} web;
};

/* Environment variable naming the config file (tests, private stacks). */
#define FM_SETTINGS_ENV "FOLLOWME_CONF"

/*
 * 'fm_settings_url_is_valid()' - whether url (len bytes) may be the web
 * console's address ([web] public_url, followme-admin printer qr --url),
 * which QR codes and HTML attributes hold as it is: http:// or https://
 * and a host, then only printable ASCII other than space, quotes, '<',
 * '>', '\\' and '`'.  False for NULL.
 */
bool fm_settings_url_is_valid(const char *url, size_t len);

/* 'fm_settings_defaults()' - fill s with the built-in defaults. */
void fm_settings_defaults(struct fm_settings *s);

/*
 * 'fm_settings_load()' - defaults, then the file at path (NULL: the file
 * named by $FOLLOWME_CONF, else FM_DEFAULT_CONFIG).  A missing default file
 * is not an error; a file named explicitly must exist.  On failure err
 * holds "path: line N: reason".
 */
bool fm_settings_load(
    struct fm_settings *s, const char *path, char *err, size_t errlen);

/*
 * 'fm_settings_load_system()' - as fm_settings_load(), but path NULL means
 * FM_DEFAULT_CONFIG whatever $FOLLOWME_CONF says: for code that runs
 * inside another program (pam_followme.so), whose environment is that
 * program's caller's to choose, not the site's.
 */
bool fm_settings_load_system(
    struct fm_settings *s, const char *path, char *err, size_t errlen);

/* 'fm_settings_user_denied()' - is user listed in deny_users? */
bool fm_settings_user_denied(const struct fm_settings *s, const char *user);

/* 'fm_settings_db_path()', 'fm_settings_spool_dir()',
 * 'fm_settings_master_key_path()', 'fm_settings_ingest_socket()',
 * 'fm_settings_pki_dir()', 'fm_settings_badge_key_path()',
 * 'fm_settings_ledger_key_path()', 'fm_settings_web_terminal_dir()' (the
 * web console's certificate and key for followmed) - derived paths,
 * written into buf (size bytes); false if too long. */
bool fm_settings_db_path(const struct fm_settings *s, char *buf, size_t size);
bool fm_settings_spool_dir(const struct fm_settings *s, char *buf, size_t size);
bool fm_settings_master_key_path(
    const struct fm_settings *s, char *buf, size_t size);
bool fm_settings_ingest_socket(
    const struct fm_settings *s, char *buf, size_t size);
bool fm_settings_pki_dir(const struct fm_settings *s, char *buf, size_t size);
bool fm_settings_badge_key_path(
    const struct fm_settings *s, char *buf, size_t size);
bool fm_settings_ledger_key_path(
    const struct fm_settings *s, char *buf, size_t size);
bool fm_settings_web_terminal_dir(
    const struct fm_settings *s, char *buf, size_t size);

/* 'fm_settings_server_name()' - the server name terminals must see:
 * server_name, or the host name. */
void fm_settings_server_name(
    const struct fm_settings *s, char *buf, size_t size);

/* 'fm_settings_listen_address()' - split listen into host and port; false if it
 * is not "host:port". */
bool fm_settings_listen_address(const struct fm_settings *s, char *host,
    size_t hostlen, char *port, size_t portlen);

#endif
