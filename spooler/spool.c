/*
 * spool.c - the encrypted spool directory.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/hex.h"
#include "common/keyfile.h"
#include "common/wire.h"

struct fm_spool {
	int dirfd, tmpfd;
	bool has_key;
	uint8_t master[FM_SEALED_MASTERLEN];
	enum fm_aead_alg alg;
};

/* Names we create are [0-9a-f.-]; refuse anything else handed to us. */
static bool
name_is_safe(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= FM_SPOOL_NAMEMAX || name[0] == '.')
		return false;
	return strspn(name, "0123456789abcdefpart.-") == len;
}

static int
open_subdir(int parent, const char *name)
{
	if (mkdirat(parent, name, 0700) != 0 && errno != EEXIST)
		return -1;
	return openat(
	    parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

void
fm_spool_close(fm_spool_t *spool)
{
	if (spool == NULL)
		return;
	if (spool->dirfd >= 0)
		close(spool->dirfd);
	if (spool->tmpfd >= 0)
		close(spool->tmpfd);
	fm_wipe(spool, sizeof(*spool));
	free(spool);
}

fm_spool_t *
fm_spool_open(const char *dir, const uint8_t *master, const char **errstr)
{
	fm_spool_t *spool;
	struct stat st;

	if (dir == NULL) {
		*errstr = "no spool directory";
		return NULL;
	}
	if ((spool = calloc(1, sizeof(*spool))) == NULL) {
		*errstr = "out of memory";
		return NULL;
	}
	spool->dirfd = spool->tmpfd = -1;
	spool->alg = FM_AEAD_CHACHA20_POLY1305;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		*errstr = "cannot create the spool directory";
		goto fail;
	}
	spool->dirfd =
	    open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (spool->dirfd < 0) {
		*errstr = "cannot open the spool directory (missing, a "
		          "symbolic link, or no permission)";
		goto fail;
	}
	if (fstat(spool->dirfd, &st) != 0 || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		*errstr = "spool directory must be owned by the daemon user "
		          "and have mode 0700";
		goto fail;
	}
	if ((spool->tmpfd = open_subdir(spool->dirfd, "tmp")) < 0) {
		*errstr = "cannot open the spool's tmp directory";
		goto fail;
	}
	if (master != NULL) {
		memcpy(spool->master, master, sizeof(spool->master));
		spool->has_key = true;
	}
	return spool;
fail:
	fm_spool_close(spool);
	return NULL;
}

void
fm_spool_set_alg(fm_spool_t *spool, enum fm_aead_alg alg)
{
	if (spool != NULL && fm_aead_alg_is_valid(alg))
		spool->alg = alg;
}

bool
fm_spool_load_master_key(
    const char *path, bool create, uint8_t *key, const char **errstr)
{
	return fm_keyfile_load(path, create, key, FM_SEALED_MASTERLEN, errstr);
}

void
fm_spool_document_name(int64_t job_id, int seq, char *name, size_t size)
{
	snprintf(name, size, "%" PRId64 "-%d", job_id, seq);
}

void
fm_spool_identity(const char *uuid, int seq, char *buf, size_t size)
{
	snprintf(buf, size, "%s#%d", uuid, seq);
}

/* The associated data of a wrapped key: what it may open. */
static size_t
wrap_aad(const char *name, const char *identity, const char *owner,
    uint8_t *aad, size_t size)
{
	static const char label[] = "followme document key v1";
	struct fm_wire_writer w;

	fm_wire_writer_init(&w, aad, size);
	fm_wire_put_bytes(&w, label, sizeof(label) - 1);
	fm_wire_put_text8(&w, name, strlen(name) + 1);
	fm_wire_put_text16(&w, identity, strlen(identity) + 1);
	fm_wire_put_text16(&w, owner, strlen(owner) + 1);
	return fm_wire_writer_end(&w);
}

/* The AEAD under the key-wrapping key derived from the master key. */
static fm_aead_t *
wrap_aead(const fm_spool_t *spool)
{
	static const char info[] = "followme document key wrap v1";
	uint8_t kek[FM_AEAD_KEYLEN];
	fm_aead_t *aead = NULL;

	if (fm_aead_hkdf(spool->master, FM_SEALED_MASTERLEN, NULL, 0,
	        (const uint8_t *)info, sizeof(info) - 1, kek, sizeof(kek)))
		aead = fm_aead_create(FM_AEAD_CHACHA20_POLY1305, kek);
	fm_wipe(kek, sizeof(kek));
	return aead;
}

#define WRAP_AADMAX (64 + FM_SPOOL_NAMEMAX + 2 * (2 + 1024))

/* Wraps key for (name, identity, owner) into out (FM_SPOOL_WRAPPEDLEN). */
static bool
wrap_key(const fm_spool_t *spool, const uint8_t *key, const char *name,
    const char *identity, const char *owner, uint8_t *out)
{
	uint8_t aad[WRAP_AADMAX];
	size_t aadlen = wrap_aad(name, identity, owner, aad, sizeof(aad));
	fm_aead_t *aead;
	bool ok;

	if (aadlen == 0 || (aead = wrap_aead(spool)) == NULL)
		return false;
	out[0] = 1;
	ok = fm_random(out + 1, FM_AEAD_NONCELEN) &&
	    fm_aead_seal(aead, out + 1, aad, aadlen, key, FM_SEALED_MASTERLEN,
	        out + 1 + FM_AEAD_NONCELEN,
	        out + 1 + FM_AEAD_NONCELEN + FM_SEALED_MASTERLEN);
	fm_aead_destroy(aead);
	return ok;
}

/* The document key in key->wrapped, if it was wrapped for (name,
 * identity, key->owner), into out; false otherwise. */
static bool
unwrap_key(const fm_spool_t *spool, const struct fm_spool_key *key,
    const char *name, const char *identity, uint8_t *out)
{
	uint8_t aad[WRAP_AADMAX];
	size_t aadlen;
	fm_aead_t *aead;
	bool ok;

	if (key->wrapped == NULL || key->owner == NULL ||
	    key->wrapped_len != FM_SPOOL_WRAPPEDLEN || key->wrapped[0] != 1)
		return false;
	aadlen = wrap_aad(name, identity, key->owner, aad, sizeof(aad));
	if (aadlen == 0 || (aead = wrap_aead(spool)) == NULL)
		return false;
	ok = fm_aead_open(aead, key->wrapped + 1, aad, aadlen,
	    key->wrapped + 1 + FM_AEAD_NONCELEN, FM_SEALED_MASTERLEN, out,
	    key->wrapped + 1 + FM_AEAD_NONCELEN + FM_SEALED_MASTERLEN);
	fm_aead_destroy(aead);
	return ok;
}

enum fm_sealed_status
fm_spool_write(fm_spool_t *spool, int in_fd, const char *name,
    const char *identity, const char *owner, uint64_t max_size, char *tmpname,
    uint64_t *size, uint8_t *wrapped)
{
	uint8_t key[FM_SEALED_MASTERLEN];
	enum fm_sealed_status st;
	uint8_t rnd[8];
	char hex[2 * sizeof(rnd) + 1];
	int fd;

	if (spool == NULL || !spool->has_key || name == NULL ||
	    identity == NULL || owner == NULL || wrapped == NULL)
		return FM_SEALED_INTERNAL;
	if (!fm_random(rnd, sizeof(rnd)) || !fm_random(key, sizeof(key)))
		return FM_SEALED_INTERNAL;
	if (!wrap_key(spool, key, name, identity, owner, wrapped)) {
		fm_wipe(key, sizeof(key));
		return FM_SEALED_INTERNAL;
	}
	fm_hex_encode(rnd, sizeof(rnd), hex, sizeof(hex));
	snprintf(tmpname, FM_SPOOL_NAMEMAX, "%s.part", hex);
	fd = openat(spool->tmpfd, tmpname,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fm_wipe(key, sizeof(key));
		return errno == ENOSPC || errno == EDQUOT ? FM_SEALED_NO_SPACE
		                                          : FM_SEALED_IO;
	}
	/* The document key takes the master key's place in the sealed
	 * format: each file's key is derived from it, salt and identity. */
	st = fm_sealed_encrypt_fd(in_fd, fd, key, spool->alg,
	    FM_SEALED_CHUNK_DEFAULT, identity, max_size, size);
	fm_wipe(key, sizeof(key));
	if (st == FM_SEALED_OK && fsync(fd) != 0)
		st = errno == ENOSPC || errno == EDQUOT ? FM_SEALED_NO_SPACE
		                                        : FM_SEALED_IO;
	if (close(fd) != 0 && st == FM_SEALED_OK)
		st = FM_SEALED_IO;
	if (st != FM_SEALED_OK)
		unlinkat(spool->tmpfd, tmpname, 0);
	return st;
}

bool
fm_spool_commit(fm_spool_t *spool, const char *tmpname, const char *name)
{
	if (!name_is_safe(tmpname) || !name_is_safe(name))
		return false;
	if (renameat(spool->tmpfd, tmpname, spool->dirfd, name) != 0)
		return false;
	/* The rename is durable only once both directories are synced. */
	return fsync(spool->dirfd) == 0 && fsync(spool->tmpfd) == 0;
}

void
fm_spool_discard(fm_spool_t *spool, const char *tmpname)
{
	if (spool != NULL && name_is_safe(tmpname))
		unlinkat(spool->tmpfd, tmpname, 0);
}

/* Decrypts (sink) or verifies (sink NULL) document name. */
static enum fm_sealed_status
open_document(fm_spool_t *spool, const char *name, const char *identity,
    const struct fm_spool_key *key,
    bool (*sink)(const uint8_t *buf, size_t len, void *arg), void *arg)
{
	uint8_t dockey[FM_SEALED_MASTERLEN];
	const uint8_t *sealing;
	enum fm_sealed_status st;
	int fd;

	if (spool == NULL || !spool->has_key || !name_is_safe(name) ||
	    identity == NULL)
		return FM_SEALED_INTERNAL;
	/* Without a wrapped key: a document from before document keys. */
	if (key == NULL || key->wrapped_len == 0)
		sealing = spool->master;
	else if (unwrap_key(spool, key, name, identity, dockey))
		sealing = dockey;
	else
		return FM_SEALED_CORRUPT;
	fd = openat(spool->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		st = FM_SEALED_IO;
	else {
		st = sink != NULL
		    ? fm_sealed_decrypt_fd(fd, sealing, identity, sink, arg)
		    : fm_sealed_verify_fd(fd, sealing, identity);
		close(fd);
	}
	fm_wipe(dockey, sizeof(dockey));
	return st;
}

enum fm_sealed_status
fm_spool_read(fm_spool_t *spool, const char *name, const char *identity,
    const struct fm_spool_key *key,
    bool (*sink)(const uint8_t *buf, size_t len, void *arg), void *arg)
{
	if (sink == NULL)
		return FM_SEALED_INTERNAL;
	return open_document(spool, name, identity, key, sink, arg);
}

enum fm_sealed_status
fm_spool_verify(fm_spool_t *spool, const char *name, const char *identity,
    const struct fm_spool_key *key)
{
	return open_document(spool, name, identity, key, NULL, NULL);
}

bool
fm_spool_remove(fm_spool_t *spool, const char *name)
{
	if (spool == NULL || !name_is_safe(name))
		return false;
	if (unlinkat(spool->dirfd, name, 0) != 0 && errno != ENOENT)
		return false;
	return fsync(spool->dirfd) == 0;
}

static int
sweep_dir(int dirfd, bool (*keep)(const char *name, void *arg), void *arg)
{
	int fd = dup(dirfd), removed = 0;
	struct dirent *e;
	DIR *d;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	rewinddir(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_type != DT_REG && e->d_type != DT_UNKNOWN)
			continue;
		if (keep != NULL && keep(e->d_name, arg))
			continue;
		if (unlinkat(dirfd, e->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	if (removed > 0)
		fsync(dirfd);
	return removed;
}

int
fm_spool_sweep(
    fm_spool_t *spool, bool (*is_live)(const char *name, void *arg), void *arg)
{
	if (spool == NULL)
		return 0;
	return sweep_dir(spool->tmpfd, NULL, NULL) +
	    sweep_dir(spool->dirfd, is_live, arg);
}
