/*
 * client.h - a terminal's connection to followmed: TCP, then mutual TLS.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_CLIENT_H
#define FM_CLIENT_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/tls.h"

/* A connection under way (fm_client_begin()); poll fd for POLLOUT. */
struct fm_connecting {
	int fd;
	struct addrinfo *res, *ai; /* all addresses; the one being tried */
	char host[256], port[32];
};

enum fm_client_state {
	FM_CLIENT_CONNECTED,
	FM_CLIENT_CONNECTING,
	FM_CLIENT_FAILED,
};

/*
 * 'fm_client_begin()' - resolve host:port and start connecting without
 * waiting: false with a message in err if no address can even be tried.
 * Then, each time c->fd polls writable (or has an error),
 * 'fm_client_step()': FM_CLIENT_CONNECTED with the connected socket
 * (blocking again) in *fd; FM_CLIENT_CONNECTING while under way (perhaps
 * now on the next address: poll c->fd again); FM_CLIENT_FAILED with err
 * when every address failed.  Give up at any time with
 * 'fm_client_abandon()' (a no-op once done or failed).
 */
bool fm_client_begin(struct fm_connecting *c, const char *host,
    const char *port, char *err, size_t errlen);
enum fm_client_state fm_client_step(
    struct fm_connecting *c, int *fd, char *err, size_t errlen);
void fm_client_abandon(struct fm_connecting *c);

/*
 * 'fm_client_connect()' - all of it, waiting: connect to host:port within
 * timeout_ms and run the TLS handshake, verifying that the server's certificate
 * names server_name.  NULL with a message in err on failure.
 */
fm_tls_t *fm_client_connect(fm_tls_config_t *cfg, const char *host,
    const char *port, const char *server_name, unsigned timeout_ms, char *err,
    size_t errlen);

#endif
