/*
 * sandbox.h - confining a release session before it parses the network.
 *
 * A session parses TLS and the terminal protocol from the network.  Code
 * run there must reach none of the keys (master.key, badge.key, the CA's,
 * followmed's and the terminals' keys) nor the spool's files, though it
 * runs as followmed's account, which owns them.  So once the session has
 * what it needs in memory (its store connection, its TLS key, its
 * decryptor and ledger link), it is confined with Landlock: it may then
 * read the system's files (/usr, /etc, ...), read and write the store's
 * database files, and remove files in the spool directory (a printed
 * job's copy), and open nothing else.  It also gets no_new_privs and is
 * made non-dumpable (no other process of the account may ptrace it).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_SANDBOX_H
#define FM_SANDBOX_H

#include <stdbool.h>

#include "common/settings.h"

/*
 * 'fm_sandbox_abi()' - the Landlock ABI version this kernel offers, 0 if
 * it has none (not built in, or disabled at boot).
 */
int fm_sandbox_abi(void);

/*
 * 'fm_sandbox_is_required()' - does settings' session_sandbox say
 * "required" (true) or "off" (false)?  Any other value is an error
 * (false, *errstr set): followmed refuses to start.
 */
bool fm_sandbox_is_required(
    const struct fm_settings *settings, const char **errstr);

/*
 * 'fm_sandbox_confine()' - confine the calling process for good, as
 * above, for the store and spool of settings.  Returns the Landlock ABI
 * used (>= 1), 0 if Landlock is unavailable and session_sandbox is off
 * (only no_new_privs and non-dumpable then), or -1 with *errstr (static)
 * if it could not be confined as required: the caller must then exit
 * before reading a byte from the network.
 */
int fm_sandbox_confine(const struct fm_settings *settings, const char **errstr);

/*
 * 'fm_sandbox_confine_reader()' - confine the calling process for good
 * to reading what lies beneath dirs (ndirs of them) and nothing else: no
 * store, no spool, no key, no write anywhere.  For the web console's
 * HTTP side, which serves its pages and asks everything else of its
 * store-side workers.  Returns as fm_sandbox_confine() does; settings'
 * session_sandbox says whether Landlock is required.
 */
int fm_sandbox_confine_reader(const struct fm_settings *settings,
    const char *const *dirs, size_t ndirs, const char **errstr);

/*
 * 'fm_sandbox_probe()' - test builds only (FM_TEST_HOOKS): try to open
 * each key file and the spool's documents of settings and log the result
 * of each ("sandbox probe: PATH: Permission denied"), for the
 * integration tests to check from inside a confined session.  Not
 * compiled in other builds.
 */
void fm_sandbox_probe(const struct fm_settings *settings);

#endif
