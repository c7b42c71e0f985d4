/*
 * spool.h - the encrypted spool: one sealed file per held document.
 *
 * Layout under the spool directory (0700, owned by followmed's user):
 *   tmp/<random>.part   being written; swept at start-up
 *   <job id>-<seq>      held documents, sealed (common/sealed.h) with a
 *                       random key of their own (the document key) and
 *                       bound to the document's identity (job uuid and
 *                       number)
 * File names are built from ids only, never from user text.
 *
 * A document's key is random, made at ingest, and kept only wrapped
 * (FM_SPOOL_WRAPPEDLEN bytes: version 1 | nonce | ChaCha20-Poly1305 of
 * the key | tag) in the document's row in the store, under a key derived
 * from the master key (HKDF-SHA256, "followme document key wrap v1"),
 * with the document's file name, identity and owner as associated data:
 * a wrapped key moved to another document or user does not unwrap.
 * Erasing the wrapped key from the store destroys the document, even for
 * whoever holds master.key and a copy of its file.  Documents stored
 * before document keys (no wrapped key) are sealed under the master key
 * itself and still open so until they leave the hold.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_SPOOL_H
#define FM_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/sealed.h"

typedef struct fm_spool fm_spool_t;

#define FM_SPOOL_NAMEMAX 64
#define FM_SPOOL_WRAPPEDLEN                                                    \
	(1 + FM_AEAD_NONCELEN + FM_SEALED_MASTERLEN + FM_AEAD_TAGLEN)

/* A document's wrapped key and what it is bound to besides the file's
 * name and identity.  wrapped_len 0 (or a NULL key): a document stored
 * before document keys, sealed under the master key. */
struct fm_spool_key {
	const char *owner;      /* the job's owner */
	const uint8_t *wrapped; /* FM_SPOOL_WRAPPEDLEN bytes */
	size_t wrapped_len;
};

/*
 * 'fm_spool_open()' - open (creating if needed) the spool directory.
 *
 * master is the 32-byte master key, copied into the handle; NULL opens the
 * spool for removal only.  Returns NULL with *errstr on failure.
 */
fm_spool_t *fm_spool_open(
    const char *dir, const uint8_t *master, const char **errstr);

/* 'fm_spool_close()' - close the handle and wipe its key copy; NULL is a
 * no-op. */
void fm_spool_close(fm_spool_t *spool);

/* 'fm_spool_set_alg()' - choose the AEAD for new files (default
 * ChaCha20-Poly1305). */
void fm_spool_set_alg(fm_spool_t *spool, enum fm_aead_alg alg);

/*
 * 'fm_spool_load_master_key()' - read the 32-byte key at path; when
 * create is true and the file does not exist, create it (0600, O_EXCL,
 * O_NOFOLLOW) with fresh random bytes and sync it.  Refuses a key file
 * that others can read or that is not exactly 32 bytes.
 */
bool fm_spool_load_master_key(
    const char *path, bool create, uint8_t *key, const char **errstr);

/* 'fm_spool_document_name()' - the file name of document seq of job job_id,
 * into name. */
void fm_spool_document_name(int64_t job_id, int seq, char *name, size_t size);

/* 'fm_spool_identity()' - the identity a document's key is bound to. */
void fm_spool_identity(const char *uuid, int seq, char *buf, size_t size);

/*
 * 'fm_spool_write()' - seal in_fd into a new temporary file and sync it,
 * under a new random document key.
 *
 * The file is to become name (fm_spool_commit()) of a document with
 * identity owned by owner; wrapped (FM_SPOOL_WRAPPEDLEN bytes) receives
 * the document key wrapped for them, to store with the document.
 * tmpname (FM_SPOOL_NAMEMAX) receives the temporary name for
 * fm_spool_commit() or fm_spool_discard(); *size the plaintext bytes.  On
 * failure nothing is left behind.
 */
enum fm_sealed_status fm_spool_write(fm_spool_t *spool, int in_fd,
    const char *name, const char *identity, const char *owner,
    uint64_t max_size, char *tmpname, uint64_t *size, uint8_t *wrapped);

/* 'fm_spool_commit()' - rename tmpname to name and sync the directory. */
bool fm_spool_commit(fm_spool_t *spool, const char *tmpname, const char *name);

/* 'fm_spool_discard()' - remove a temporary file that will not be committed. */
void fm_spool_discard(fm_spool_t *spool, const char *tmpname);

/*
 * 'fm_spool_read()' - decrypt document name with its key (unwrapped from
 * key, bound to name, identity and key->owner) and pass verified
 * plaintext to sink.  FM_SEALED_CORRUPT if the key does not unwrap for
 * this document and owner, as for a damaged file.
 */
enum fm_sealed_status fm_spool_read(fm_spool_t *spool, const char *name,
    const char *identity, const struct fm_spool_key *key,
    bool (*sink)(const uint8_t *buf, size_t len, void *arg), void *arg);

/* 'fm_spool_verify()' - check document name as fm_spool_read() would,
 * without decrypting it (fm_sealed_verify_fd). */
enum fm_sealed_status fm_spool_verify(fm_spool_t *spool, const char *name,
    const char *identity, const struct fm_spool_key *key);

/* 'fm_spool_remove()' - remove document name (its key material goes with it);
 * true if gone. */
bool fm_spool_remove(fm_spool_t *spool, const char *name);

/*
 * 'fm_spool_sweep()' - remove leftovers of a crash: every temporary file,
 * and every document file for which is_live returns false.  Returns the
 * number of files removed.
 */
int fm_spool_sweep(
    fm_spool_t *spool, bool (*is_live)(const char *name, void *arg), void *arg);

#endif
