/*
 * admission.h - which terminal connections followmed takes, and the
 * message a session sends it once its peer has shown a terminal
 * certificate.
 *
 * Before the TLS handshake nothing tells a terminal from anyone who can
 * reach the port, so an unauthenticated connection costs as little as it
 * can (one session process: no store, no decryptor, no key) and waits in
 * a bounded pool of handshakes: max_pending in all, max_per_address from
 * one address.  When that pool is full, a newcomer takes the place of the
 * oldest handshake of the address that holds the most, provided that
 * address holds more than the newcomer's; otherwise the newcomer is
 * refused.  So a few sources, however many connections they open, cannot
 * keep out an address that holds none.  A session whose peer completed
 * the handshake with a certificate of the site CA moves to a separate
 * pool (max_active) that handshakes never take from.
 *
 * The table is bookkeeping only (no I/O, unit-tested); followmed forks,
 * kills and talks.  The messages (session -> followmed: authenticated;
 * followmed -> session: admitted, with the socket of the decryptor
 * followmed started for it, or refused) go over a SOCK_SEQPACKET pair,
 * one datagram each:
 *   request: version u8 | terminal name (text8, 1..63 plain bytes)
 *   reply:   version u8 | admitted u8 (0 or 1) | ledger u8 (0 or 1; 0
 *            in a refusal)
 * An admission carries the decryptor's socket (SCM_RIGHTS); with ledger
 * 1, a second datagram of one byte follows with the session's link to
 * the ledger writer.  No key ever goes to a session.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_ADMISSION_H
#define FM_ADMISSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FM_ADMISSION_ADDRMAX 64 /* a numeric address, with the NUL */

struct fm_admission_limits {
	unsigned max_pending;     /* handshakes in all */
	unsigned max_per_address; /* handshakes from one address */
	unsigned max_active;      /* authenticated terminal connections */
};

enum fm_admission_state {
	FM_ADMISSION_FREE,    /* an unused slot */
	FM_ADMISSION_PENDING, /* in its handshake */
	FM_ADMISSION_ACTIVE,  /* a terminal's certificate was verified */
	FM_ADMISSION_DYING,   /* evicted or refused: counts for nothing */
};

/* One session, as followmed keeps it. */
struct fm_admission_slot {
	pid_t pid;
	enum fm_admission_state state;
	char addr[FM_ADMISSION_ADDRMAX]; /* where it came from */
	uint64_t seq;                    /* arrival order */
	int ctl; /* followmed's end of its admission socket, or -1; the
	            table stores it, never touches it */
};

typedef struct fm_admission fm_admission_t;

/*
 * 'fm_admission_create()' - an empty table for limits (each at least 1),
 * with room for every session these allow plus as many dying ones as
 * handshakes.  NULL if a limit is 0 or out of memory.  Free it with
 * 'fm_admission_destroy()' (NULL is a no-op).
 */
fm_admission_t *fm_admission_create(const struct fm_admission_limits *l);
void fm_admission_destroy(fm_admission_t *a);

enum fm_admission_verdict {
	FM_ADMISSION_TAKE,           /* there is room */
	FM_ADMISSION_TAKE_EVICT,     /* room once *victim is ended */
	FM_ADMISSION_REFUSE_ADDRESS, /* its address has max_per_address */
	FM_ADMISSION_REFUSE_FULL,    /* every handshake has an equal claim */
	FM_ADMISSION_REFUSE_TABLE,   /* no slot until the dying are reaped */
};

/*
 * 'fm_admission_check()' - may a new connection from addr start a
 * handshake?  On FM_ADMISSION_TAKE_EVICT, *victim is the pending session
 * to end first (then fm_admission_evict() it).  Changes nothing.
 */
enum fm_admission_verdict fm_admission_check(
    const fm_admission_t *a, const char *addr, pid_t *victim);

/* 'fm_admission_evict()' - the pending session pid is being ended: it no
 * longer counts against any limit; false if pid is not pending. */
bool fm_admission_evict(fm_admission_t *a, pid_t pid);

/*
 * 'fm_admission_add()' - record the pending session pid from addr (cut
 * to fit) with its descriptor ctl.  False if the table is full (check
 * first).
 */
bool fm_admission_add(fm_admission_t *a, pid_t pid, const char *addr, int ctl);

/*
 * 'fm_admission_promote()' - the pending session pid authenticated its
 * peer: move it to the terminals' pool.  False if pid is not pending or
 * that pool is full (the session is then marked dying).
 */
bool fm_admission_promote(fm_admission_t *a, pid_t pid);

/* 'fm_admission_find()' - session pid's slot (borrowed), or NULL. */
struct fm_admission_slot *fm_admission_find(fm_admission_t *a, pid_t pid);

/* 'fm_admission_remove()' - session pid ended: free its slot.  False if
 * pid is not in the table. */
bool fm_admission_remove(fm_admission_t *a, pid_t pid);

/* 'fm_admission_has_room()' - is there a free slot for fm_admission_add(),
 * and fewer than max_pending / 4 + 1 dying sessions still to be reaped? */
bool fm_admission_has_room(const fm_admission_t *a);

/* 'fm_admission_count()' - sessions in state, in all (addr NULL) or from
 * addr. */
size_t fm_admission_count(
    const fm_admission_t *a, enum fm_admission_state state, const char *addr);

/* 'fm_admission_size()', 'fm_admission_slot()' - the slots, to walk (a
 * borrowed pointer, free ones included); NULL past the end. */
size_t fm_admission_size(const fm_admission_t *a);
struct fm_admission_slot *fm_admission_slot(fm_admission_t *a, size_t i);

#define FM_ADMISSION_VERSION 1
#define FM_ADMISSION_MAX (2 + 64) /* either message */
#define FM_ADMISSION_NAMEMAX 64   /* with the NUL */

struct fm_admission_request {
	char terminal[FM_ADMISSION_NAMEMAX]; /* the certificate's name */
};

struct fm_admission_reply {
	bool admitted;
	bool ledger; /* a link to the ledger writer follows */
};

/* 'fm_admission_encode_request()', 'fm_admission_encode_reply()' -
 * encode into buf (size bytes): the length, or 0 if it does not fit or
 * a field is invalid. */
size_t fm_admission_encode_request(
    const struct fm_admission_request *m, uint8_t *buf, size_t size);
size_t fm_admission_encode_reply(
    const struct fm_admission_reply *m, uint8_t *buf, size_t size);

/* 'fm_admission_decode_request()', 'fm_admission_decode_reply()' -
 * decode exactly len bytes; false with a static *errstr if malformed
 * (another version, bad values, a ledger link with a refusal, trailing
 * bytes). */
bool fm_admission_decode_request(const uint8_t *buf, size_t len,
    struct fm_admission_request *m, const char **errstr);
bool fm_admission_decode_reply(const uint8_t *buf, size_t len,
    struct fm_admission_reply *m, const char **errstr);

#endif
