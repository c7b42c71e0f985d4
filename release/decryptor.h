/*
 * decryptor.h - the spool master key kept out of the process that talks
 * to a terminal.
 *
 * A session process parses TLS and protocol input from the network; a
 * memory disclosure there must not reveal the key that opens every held
 * job.  So the session never holds it: once the handshake has verified
 * a terminal certificate, followmed starts a decryptor that keeps the key
 * (fm_decryptor_start(), fm_decryptor_detach()) and hands its socket to
 * the session (fm_decryptor_adopt()).  The decryptor does one thing: for
 * a document name and identity, check the document's tags, or stream its
 * plaintext back.
 *
 * It serves only the documents of the user it logged in itself: the
 * session forwards the credentials (login.h) and the decryptor runs the
 * checks, so code running in the session cannot name another user.
 * Its memory is closed to its session (not dumpable).
 *
 * Requests (pure codec below, fuzzed):
 *   op u8 (1 verify, 2 read) | name length u8 | name | identity length
 *   be16 | identity | owner length u8 | owner | wrapped key length u8 |
 *   wrapped key
 * The wrapped key is the document's own key as the store keeps it
 * (spooler/spool.h), bound to the name, identity and owner: the
 * decryptor unwraps it and opens only that document.  Length 0: a
 * document stored before document keys.
 * Answers: verify -> status u8; read -> frames (length be32 | data),
 * a zero length, then status u8 (enum fm_sealed_status).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_DECRYPTOR_H
#define FM_DECRYPTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/sealed.h"
#include "common/settings.h"
#include "release/login.h"
#include "spooler/spool.h"

#define FM_DECRYPTOR_NAMEMAX 64      /* with the NUL */
#define FM_DECRYPTOR_IDENTITYMAX 512 /* with the NUL */
#define FM_DECRYPTOR_OWNERMAX 256    /* with the NUL */
#define FM_DECRYPTOR_WRAPPEDMAX 64
#define FM_DECRYPTOR_REQUESTMAX                                                \
	(1 + 1 + FM_DECRYPTOR_NAMEMAX + 2 + FM_DECRYPTOR_IDENTITYMAX + 1 +     \
	    FM_DECRYPTOR_OWNERMAX + 1 + FM_DECRYPTOR_WRAPPEDMAX)

enum fm_decryptor_op {
	FM_DECRYPTOR_VERIFY = 1,
	FM_DECRYPTOR_READ = 2,
	FM_DECRYPTOR_LOGIN = 3, /* length be16 | request of login.h */
};

struct fm_decryptor_request {
	enum fm_decryptor_op op;
	char name[FM_DECRYPTOR_NAMEMAX];
	char identity[FM_DECRYPTOR_IDENTITYMAX];
	char owner[FM_DECRYPTOR_OWNERMAX];
	uint8_t wrapped[FM_DECRYPTOR_WRAPPEDMAX];
	size_t wrapped_len;
};

/* 'fm_decryptor_request_encode()' - encode r into buf (size bytes): its length,
 * 0 if a field is too long, empty or holds a NUL. */
size_t fm_decryptor_request_encode(
    const struct fm_decryptor_request *r, uint8_t *buf, size_t size);

/* 'fm_decryptor_request_decode()' - decode exactly len bytes; false with
 * *errstr if malformed (unknown op, empty or over-long fields, NUL bytes,
 * trailing bytes). */
bool fm_decryptor_request_decode(const uint8_t *buf, size_t len,
    struct fm_decryptor_request *r, const char **errstr);

typedef struct fm_decryptor fm_decryptor_t;

/*
 * 'fm_decryptor_start()' - fork the decryptor for the spool in dir with
 * master (the caller then wipes its own copy).  With settings and
 * db_path (borrowed; the store the caller has open), it checks logins
 * (fm_decryptor_login()) and serves only the logged-in user's held
 * documents; without, it refuses every document.  NULL with *errstr if
 * it cannot be started.  It ends when the handle is stopped or the
 * caller dies.
 */
fm_decryptor_t *fm_decryptor_start(const char *dir, const uint8_t *master,
    const struct fm_settings *settings, const char *db_path,
    const char **errstr);

/*
 * 'fm_decryptor_login()' - have the decryptor run login request r (its
 * secret is wiped here) and fill a with its answer; returns a->outcome,
 * FM_LOGIN_UNAVAILABLE if the decryptor cannot be asked.
 */
enum fm_login_outcome fm_decryptor_login(
    fm_decryptor_t *d, struct fm_login_request *r, struct fm_login_answer *a);

/* 'fm_decryptor_verify()' - check document name's tags with its wrapped
 * key (fm_spool_verify()); FM_SEALED_IO if it is not a held document of
 * the logged-in user, or key is wrapped for another owner. */
enum fm_sealed_status fm_decryptor_verify(fm_decryptor_t *d, const char *name,
    const char *identity, const struct fm_spool_key *key);

/* 'fm_decryptor_read()' - stream document name's plaintext to sink
 * (fm_spool_read()); refused as fm_decryptor_verify() refuses. */
enum fm_sealed_status fm_decryptor_read(fm_decryptor_t *d, const char *name,
    const char *identity, const struct fm_spool_key *key,
    bool (*sink)(const uint8_t *buf, size_t len, void *arg), void *arg);

/*
 * 'fm_decryptor_detach()' - hand over the decryptor d started: its
 * socket into *fd and its pid into *pid (the caller reaps it), and free
 * d.  followmed starts a session's decryptor and passes the socket on.
 */
void fm_decryptor_detach(fm_decryptor_t *d, int *fd, pid_t *pid);

/* 'fm_decryptor_adopt()' - a handle on the decryptor at the other end of
 * socket fd (detached by the process that started it); NULL, fd closed,
 * if out of memory or fd is -1. */
fm_decryptor_t *fm_decryptor_adopt(int fd);

/* 'fm_decryptor_stop()' - end the decryptor and free d (one adopted ends
 * when its socket closes); NULL is a no-op. */
void fm_decryptor_stop(fm_decryptor_t *d);

#endif
