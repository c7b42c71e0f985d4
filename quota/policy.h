/*
 * policy.h - site-wide quota policy kept in the store.
 *
 * Keys: "payer" (user-first | department-first), "new_users"
 * (restricted | unrestricted: the limit given to users created on first
 * print), "currency" (an ISO 4217 code, display only), "closed_through"
 * (YYYY-MM-DD of the last closed day, or "").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_POLICY_H
#define FM_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

#define FM_POLICY_VALUEMAX 64

/* 'fm_policy_get()' - copy the value of key into buf; false if unset. */
bool fm_policy_get(fm_store_t *store, const char *key, char *buf, size_t size);

/*
 * 'fm_policy_set()' - set key to value after checking that the value is
 * one the key allows; false with *errstr set otherwise.
 */
bool fm_policy_set(
    fm_store_t *store, const char *key, const char *value, const char **errstr);

#endif
