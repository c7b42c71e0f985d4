/*
 * decryptor.h - the spool master key kept out of the process that talks
 * to a terminal.
 *
 * A session process parses TLS and protocol input from the network; a
 * memory disclosure there must not reveal the key that opens every held
 * job.  So the session never holds it while it parses: followmed gives
 * it the key once the handshake has verified a terminal certificate, and
 * the session forks a decryptor that keeps the key and does one thing:
 * for a document name and identity, check the document's tags, or
 * stream its plaintext back.  The session wipes its own copy before the
 * first request and asks the decryptor over a socketpair.
 *
 * Requests (pure codec below, fuzzed):
 *   op u8 (1 verify, 2 read) | name length u8 | name | identity length
 *   be16 | identity
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

#include "common/sealed.h"

#define FM_DECRYPTOR_NAMEMAX 64      /* with the NUL */
#define FM_DECRYPTOR_IDENTITYMAX 512 /* with the NUL */
#define FM_DECRYPTOR_REQUESTMAX                                                \
	(1 + 1 + FM_DECRYPTOR_NAMEMAX + 2 + FM_DECRYPTOR_IDENTITYMAX)

enum fm_decryptor_op {
	FM_DECRYPTOR_VERIFY = 1,
	FM_DECRYPTOR_READ = 2,
};

struct fm_decryptor_request {
	enum fm_decryptor_op op;
	char name[FM_DECRYPTOR_NAMEMAX];
	char identity[FM_DECRYPTOR_IDENTITYMAX];
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
 * master (the caller then wipes its own copy).  NULL with *errstr if it
 * cannot be started.  It ends when the handle is stopped or the caller
 * dies.
 */
fm_decryptor_t *fm_decryptor_start(
    const char *dir, const uint8_t *master, const char **errstr);

/* Checks document name's tags (fm_spool_verify). */
enum fm_sealed_status fm_decryptor_verify(
    fm_decryptor_t *d, const char *name, const char *identity);

/* Streams document name's plaintext to sink (fm_spool_read). */
enum fm_sealed_status fm_decryptor_read(fm_decryptor_t *d, const char *name,
    const char *identity,
    bool (*sink)(const uint8_t *buf, size_t len, void *arg), void *arg);

/* 'fm_decryptor_stop()' - end the decryptor and free d; NULL is a no-op. */
void fm_decryptor_stop(fm_decryptor_t *d);

#endif
