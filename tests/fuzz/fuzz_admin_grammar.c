/*
 * fuzz_admin_grammar.c - fuzz target for admin/grammar.c: the input is a
 * command line (words separated by NUL bytes).  glibc's getopt_long must
 * read it as the grammar does (getopt_oracle.h); commands with every
 * kind of value and the exact form must parse it without fault.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/grammar.h"
#include "tests/unit/getopt_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct fm_grammar_option plain_options[] = {
    {.name = "user"},
    {"unrestricted", .kind = FM_GRAMMAR_FLAG},
    {"department", .alias = "project"},
    {"all", .letter = 'a', .kind = FM_GRAMMAR_FLAG},
    {"period", .letter = 'p'},
    {.name = "per"},
    {.name = NULL},
};

static const struct fm_grammar_command plain = {"grp", "verb", "", "", 0,
    .options = plain_options, .operands = {0, 3, NULL, NULL}};

static const char *const choices[] = {"mono", "colour", NULL};

static const struct fm_grammar_option rich_options[] = {
    {"choice", .kind = FM_GRAMMAR_CHOICE, .flags = FM_GRAMMAR_AT_ONCE,
        .invalid = "choice '%s'", .choices = choices},
    {"amount", .kind = FM_GRAMMAR_MONEY,
        .flags = FM_GRAMMAR_REQUIRED | FM_GRAMMAR_SIGNED | FM_GRAMMAR_NONZERO,
        .invalid = "amount '%s'"},
    {"days", .letter = 'd', .kind = FM_GRAMMAR_INTEGER, .invalid = "days",
        .min = 0, .max = 36500},
    {"from", .kind = FM_GRAMMAR_DATE, .flags = FM_GRAMMAR_AT_ONCE,
        .invalid = "from '%s'"},
    {"reason", .flags = FM_GRAMMAR_REQUIRED | FM_GRAMMAR_NONEMPTY,
        .missing = "reason"},
    {"format", .flags = FM_GRAMMAR_REFUSED, .invalid = "format"},
    {.name = NULL},
};

static const struct fm_grammar_option id = {"ID", .kind = FM_GRAMMAR_INTEGER,
    .invalid = "id '%s'", .min = 1, .max = INT64_MAX};

static const struct fm_grammar_command rich = {"grp", "rich", "", "", 0,
    .options = rich_options, .missing = "amount",
    .operands = {0, 2, NULL, &id}};

static const struct fm_grammar_command exact = {"grp", "exact", "", "",
    FM_GRAMMAR_EXACT, .options = plain_options,
    .operands = {0, 0, "exact", NULL}};

static const struct fm_grammar_command raw = {
    "grp", "raw", "", "", 0, .operands = {1, 2, "count", &id}};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fm_grammar_command *const others[] = {
	    &rich, &exact, &raw};
	char *argv[ORACLE_WORDMAX + 1], *buf, out[256];
	struct fm_grammar_args args;
	const char *why = "";
	int argc = 1;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = (char *)"verb";
	for (size_t i = 0; i < size && argc < ORACLE_WORDMAX;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	if (!oracle_agrees(&plain, argc, argv, &why)) {
		fprintf(stderr, "grammar and getopt_long disagree: %s\n", why);
		abort();
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++) {
		FILE *f = fmemopen(out, sizeof(out), "w");

		if (!fm_grammar_parse(others[i], argc, argv, &args) &&
		    (args.error == NULL || args.error_word == NULL))
			abort();
		if (f != NULL) {
			fm_grammar_print_error(f, &args);
			fclose(f);
		}
	}
	free(buf);
	return 0;
}
