/*
 * name.h - the names users and admins give things (logins, printers,
 * department and project codes): short, plain ASCII, safe in file names,
 * URIs, CSV and logs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_NAME_H
#define FM_NAME_H

#include <stdbool.h>
#include <stddef.h>

/*
 * 'fm_name_is_valid()' - whether s is 1 to size - 1 bytes of letters,
 * digits, '.', '_', '-' and the characters in extra (NULL: none).
 * False for NULL.
 */
bool fm_name_is_valid(const char *s, size_t size, const char *extra);

#endif
