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

#include "quota/ledger.h"
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

/*
 * 'fm_session_run()' - serve the terminal on the accepted socket fd
 * (closed on return).  Never returns early for a bad request: it answers
 * with an ERROR and, for a protocol violation, closes the connection.
 */
void fm_session_run(struct fm_session_ctx *ctx, int fd);

#endif
