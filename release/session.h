/*
 * session.h - one release terminal's connection, served in its own
 * process: TLS handshake, the terminal's identity from its certificate,
 * then the protocol's requests until the terminal leaves.
 *
 * A session is the TLS connection: a terminal can only act for the user
 * who logged in on it, and only on the printer it is bound to.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_SESSION_H
#define FM_SESSION_H

#include <stdint.h>

#include "common/tls.h"
#include "quota/ledger.h"
#include "release/pki.h"
#include "store/terminals.h"
#include "store/store.h"
#include "release/decryptor.h"
#include "common/settings.h"

struct fm_session_ctx {
	const struct fm_settings *settings;
	fm_store_t *store;
	fm_ledger_t *ledger;       /* charges: linked to the writer, or local */
	fm_decryptor_t *decryptor; /* holds the spool key: see decryptor.h */
	const char *peer;          /* address, for logs */
};

/* Who the peer's certificate says it is. */
struct fm_session_peer {
	char name[64];                 /* the certificate's common name */
	char serial[FM_PKI_SERIALMAX]; /* in hex */
};

/*
 * 'fm_session_handshake()' - the TLS handshake on the accepted socket
 * fd, all of it within settings->handshake_timeout.  Needs neither the
 * store nor any key but the server's: it runs before anything of value
 * is given to the connection.  The peer's certificate name and serial go
 * to *out, and the TLS configuration the connection uses to *cfg: the
 * caller destroys it (fm_tls_config_destroy()) once the connection is
 * closed.  NULL (logged, with peer, the address) if the peer did not
 * complete it with a certificate of the site CA; fd is then closed and
 * *cfg is NULL.
 */
fm_tls_t *fm_session_handshake(const struct fm_settings *settings, int fd,
    const char *peer, struct fm_session_peer *out, fm_tls_config_t **cfg);

/*
 * 'fm_session_identify()' - the registered, not removed, terminal whose
 * certificate p is, into *out.  False (logged, with peer) if there is
 * none.
 */
bool fm_session_identify(fm_store_t *store, const struct fm_session_peer *p,
    const char *peer, struct fm_terminal *out);

/*
 * 'fm_session_run()' - serve terminal on tls (from
 * fm_session_handshake(); closed on return).  Never returns early for a
 * bad request: it answers with an ERROR and, for a protocol violation,
 * closes the connection.
 */
void fm_session_run(struct fm_session_ctx *ctx, fm_tls_t *tls,
    const struct fm_terminal *terminal);

#endif
