/*
 * admin.h - what the followme-admin command modules share.
 *
 * Each admin-*.c module exports a table of commands; admin.c parses the
 * global options, opens the store when a command needs it, and
 * dispatches.  Commands return an exit status: FM_ADMIN_OK, FM_ADMIN_FAIL
 * (the operation failed: no such job, ...) or FM_ADMIN_USAGE (bad
 * arguments), having printed a clear message to stderr.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_ADMIN_H
#define FM_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "common/settings.h"

enum { FM_ADMIN_OK = 0, FM_ADMIN_FAIL = 1, FM_ADMIN_USAGE = 2 };

struct fm_admin {
	struct fm_settings settings;
	fm_store_t *store;      /* open when the command asked for it */
	bool json;              /* --json given anywhere on the line */
	int64_t now;            /* time the command started */
	char operator_name[64]; /* who runs the command, for the ledger */
};

struct fm_admin_command {
	const char *group; /* "jobs" */
	const char *verb;  /* "list"; NULL: the group is the command */
	const char *args;  /* usage after the verb: "[--user U]" */
	const char *help;  /* one line */
	bool needs_store;
	/* argv[0] is the verb; getopt may be used with optind = 1. */
	int (*run)(struct fm_admin *admin, int argc, char **argv);
};

/* Prints "followme-admin: msg" to stderr; returns FM_ADMIN_FAIL. */
int fm_admin_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the usage line of cmd and msg to stderr; returns FM_ADMIN_USAGE. */
int fm_admin_usage(const struct fm_admin_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses a positive job id or other row id; false if not a number > 0. */
bool fm_admin_parse_id(const char *s, int64_t *id);

/* Formats a UNIX time as "YYYY-MM-DD HH:MM:SS" local time into buf. */
const char *fm_admin_time(int64_t t, char *buf, size_t size);

/*
 * 'fm_admin_open_store()' - drop privileges to the configured user and
 * open the store into admin->store, for commands that must do something
 * as the invoking user first (export --out opens its file).  Prints the
 * error and returns false on failure.
 */
bool fm_admin_open_store(struct fm_admin *admin);

/* Command tables, one per module. */
extern const struct fm_admin_command fm_admin_jobs_commands[];
extern const size_t fm_admin_jobs_count;
extern const struct fm_admin_command fm_admin_terminal_commands[];
extern const size_t fm_admin_terminal_count;
extern const struct fm_admin_command fm_admin_users_commands[];
extern const size_t fm_admin_users_count;
extern const struct fm_admin_command fm_admin_quota_commands[];
extern const size_t fm_admin_quota_count;

#endif
