/*
 * terminals.h - release terminals in the store.
 *
 * A terminal is known by the name in its certificate and the
 * certificate's serial; it is bound to one printer.  A removed terminal
 * keeps its row (for the record) and is refused at once.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TERMINALS_H
#define FM_TERMINALS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct fm_terminal {
	int64_t id;
	char name[64];
	char printer[256];
	char cert_serial[64];
	int64_t created_at, removed_at; /* removed_at 0: active */
	bool web; /* the web console's: printer "", chosen per connection */
	bool connected;    /* a session serves it (see last_seen) */
	int64_t last_seen; /* its session's last word about it, 0: never */
	int64_t protocol;  /* the version its HELLO asked, 0: never */
};

/* A connected terminal whose session said nothing for this long is
 * gone (followmed was killed): sessions write every minute. */
#define FM_TERMINAL_SEEN_EVERY 60
#define FM_TERMINAL_GONE_AFTER (3 * FM_TERMINAL_SEEN_EVERY)

/* 'fm_terminals_add()' - register an active terminal; false if the name is
 * taken by an active terminal or on error. */
bool fm_terminals_add(fm_store_t *store, const char *name, const char *printer,
    const char *cert_serial, int64_t now);

/* 'fm_terminals_add_web()' - register the web console's connection to
 * followmed (followme-webd(8)): a terminal bound to no printer, which
 * names an added printer with each login.  False as fm_terminals_add(). */
bool fm_terminals_add_web(
    fm_store_t *store, const char *name, const char *cert_serial, int64_t now);

/* 'fm_terminals_remove()' - mark the active terminal name removed; false if
 * there is none. */
bool fm_terminals_remove(fm_store_t *store, const char *name, int64_t now);

/* 'fm_terminals_find_active()' - the active terminal with this name and
 * certificate serial, if any. */
bool fm_terminals_find_active(fm_store_t *store, const char *name,
    const char *cert_serial, struct fm_terminal *out);

enum fm_terminal_state {
	FM_TERMINAL_ACTIVE,
	FM_TERMINAL_REMOVED, /* removed, or no such terminal */
	FM_TERMINAL_UNKNOWN, /* the store could not tell (busy, an error) */
};

/*
 * 'fm_terminals_state()' - is the terminal with row id still active?  For
 * a connection served for it, which ends when the terminal is removed;
 * UNKNOWN (logged by the store) is not a removal: ask again later.
 */
enum fm_terminal_state fm_terminals_state(fm_store_t *store, int64_t id);

/* 'fm_terminals_list()' - call fn for every terminal, active first, then by
 * name. */
bool fm_terminals_list(fm_store_t *store, bool include_removed,
    bool (*fn)(const struct fm_terminal *t, void *arg), void *arg);

/*
 * 'fm_terminals_seen()' - terminal id is connected or not, as of now,
 * speaking protocol (0: as before).  False on a store error.
 */
bool fm_terminals_seen(fm_store_t *store, int64_t id, bool connected,
    int64_t protocol, int64_t now);

/* 'fm_terminals_all_gone()' - no terminal is connected (followmed's
 * start).  False on a store error. */
bool fm_terminals_all_gone(fm_store_t *store);

#endif
