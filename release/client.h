/*
 * client.h - a terminal's connection to followmed: TCP, then mutual TLS.
 */
#ifndef FM_CLIENT_H
#define FM_CLIENT_H

#include <stddef.h>

#include "common/tls.h"

/*
 * 'fm_client_connect()' - connect to host:port within timeout_ms and run
 * the TLS handshake, verifying that the server's certificate names
 * server_name.  NULL with a message in err on failure.
 */
fm_tls_t *fm_client_connect(fm_tls_config_t *cfg, const char *host,
    const char *port, const char *server_name, unsigned timeout_ms, char *err,
    size_t errlen);

#endif
