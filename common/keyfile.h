/*
 * keyfile.h - a secret key in a file of its own (master.key, badge.key,
 * ledger.key): exactly the key's bytes, mode 0600, never a symbolic
 * link, created once with O_EXCL from the kernel's random generator.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_KEYFILE_H
#define FM_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * 'fm_keyfile_load()' - read the len-byte key at path into key.
 *
 * With create true, a missing file is created (O_EXCL | O_NOFOLLOW,
 * 0600) with a fresh random key, fsynced.  False with a static *errstr
 * ("the key file is a symbolic link", "the key file is readable by
 * others; ...") when the file is missing (and create is false), not a
 * regular file, readable by group or others, or not exactly len bytes;
 * key is then wiped.  The caller wipes key after use (fm_wipe()).
 */
bool fm_keyfile_load(const char *path, bool create, uint8_t *key, size_t len,
    const char **errstr);

#endif
