/*
 * spool.h - the encrypted spool: one sealed file per held document.
 *
 * Layout under the spool directory (0700, owned by followmed's user):
 *   tmp/<random>.part   being written; swept at start-up
 *   <job id>-<seq>      held documents, sealed (common/sealed.h) with a
 *                       key derived from the master key and bound to the
 *                       document's identity (job uuid and number)
 * File names are built from ids only, never from user text.
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
 * 'fm_spool_write()' - seal in_fd into a new temporary file and sync it.
 *
 * tmpname (FM_SPOOL_NAMEMAX) receives the temporary name for
 * fm_spool_commit() or fm_spool_discard(); *size the plaintext bytes.  On
 * failure nothing is left behind.
 */
enum fm_sealed_status fm_spool_write(fm_spool_t *spool, int in_fd,
    const char *identity, uint64_t max_size, char *tmpname, uint64_t *size);

/* 'fm_spool_commit()' - rename tmpname to name and sync the directory. */
bool fm_spool_commit(fm_spool_t *spool, const char *tmpname, const char *name);

/* 'fm_spool_discard()' - remove a temporary file that will not be committed. */
void fm_spool_discard(fm_spool_t *spool, const char *tmpname);

/* Decrypts document name and passes verified plaintext to sink. */
enum fm_sealed_status fm_spool_read(fm_spool_t *spool, const char *name,
    const char *identity,
    bool (*sink)(const uint8_t *buf, size_t len, void *arg), void *arg);

/* Verifies document name without decrypting it (fm_sealed_verify_fd). */
enum fm_sealed_status fm_spool_verify(
    fm_spool_t *spool, const char *name, const char *identity);

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
