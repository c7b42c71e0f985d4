/*
 * http.h - followme-webd's HTTP side: HTTPS, routes, pages, cookies.
 *
 * The HTTP side runs libmicrohttpd (TLS by GnuTLS) in a process that
 * holds no store, spool or key and opens no file (release/sandbox.h).
 * It serves a fixed list of files read at start-up, and turns each
 * API request into one request to a store-side worker (broker.h), whose
 * answer it sends back with the security headers every response gets.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_WEB_HTTP_H
#define FM_WEB_HTTP_H

#include <signal.h>
#include <stddef.h>

#include "common/settings.h"

struct fm_web_http_setup {
	const struct fm_settings *settings;
	int listen_fd;       /* bound and listening */
	const int *channels; /* one socket per store-side worker */
	size_t nchannels;
	const char *cert_pem, *key_pem; /* NULL without TLS */
};

/*
 * 'fm_web_http_load()' - read the pages and assets of settings into
 * memory, before the HTTP side is confined.  False with *errstr (static)
 * naming a file that cannot be read.
 */
bool fm_web_http_load(const struct fm_settings *s, const char **errstr);

/*
 * 'fm_web_http_start()' - start serving as setup says (copied; the
 * strings and sockets are borrowed until fm_web_http_stop()).  False
 * with *errstr (static) if libmicrohttpd cannot start.
 */
bool fm_web_http_start(
    const struct fm_web_http_setup *setup, const char **errstr);

/* 'fm_web_http_stop()' - stop serving and close the connections. */
void fm_web_http_stop(void);

#endif
