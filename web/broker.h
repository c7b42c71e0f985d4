/*
 * broker.h - followme-webd's store side: the workers that answer the
 * HTTP side.
 *
 * The HTTP side parses the network and holds nothing worth stealing:
 * no store, no spool, no key.  Each of its requests (brokerwire.h) is
 * answered here, by a worker that runs as followmed's account and holds
 * a store connection.  A worker decides everything: which session a
 * cookie names (store/websessions.h), whether a state change carries the
 * session's CSRF token, whether the user's roles allow the operation,
 * and what the answer says.  Logins go through the same checks as the
 * terminals' (release/login.h: the auth log's lockout, then PAM with the
 * web's service), so a password guessed at the web counts against the
 * same lockout as a PIN typed at a printer.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_WEB_BROKER_H
#define FM_WEB_BROKER_H

#include <stdio.h>

#include "common/settings.h"
#include "web/brokerwire.h"

typedef struct fm_web_broker fm_web_broker_t;

/*
 * 'fm_web_broker_create()' - a worker for the site of settings (copied):
 * opens the store and the login checker.  NULL with *errstr (static) on
 * failure.
 */
fm_web_broker_t *fm_web_broker_create(
    const struct fm_settings *settings, const char **errstr);

/* 'fm_web_broker_destroy()' - close it all; NULL is a no-op. */
void fm_web_broker_destroy(fm_web_broker_t *b);

/*
 * 'fm_web_broker_handle()' - answer request r: fill a and write the body
 * (JSON, or the CSV of an export) to body.  r's session id and password
 * are wiped.
 */
void fm_web_broker_handle(fm_web_broker_t *b, struct fm_web_request *r,
    struct fm_web_answer *a, FILE *body);

/*
 * 'fm_web_broker_serve()' - answer requests on sock (SOCK_SEQPACKET)
 * until the other side closes it: 0 then, -1 on an error that ends the
 * worker (logged).  A malformed request gets a 400 answer; the worker
 * goes on.
 */
int fm_web_broker_serve(fm_web_broker_t *b, int sock);

#endif
