/*
 * getopt_oracle.h - glibc's getopt_long(3) as the judge of admin/grammar.c.
 *
 * followme-admin read its words with getopt_long, and its messages are
 * part of its interface, so the grammar must read any words the same
 * way: the same option values, the same operands in the same order, and
 * for words getopt_long refuses, a refusal naming the word it named
 * (argv[optind - 1]).  Shared by the unit test and the fuzz target.
 *
 * The command judged must declare only TEXT and FLAG options without
 * flags (nothing getopt_long would not check) and no more than
 * FM_GRAMMAR_OPTMAX of them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TEST_GETOPT_ORACLE_H
#define FM_TEST_GETOPT_ORACLE_H

#include <getopt.h>
#include <stdbool.h>
#include <string.h>

#include "admin/grammar.h"

#define ORACLE_WORDMAX 64

static bool
oracle_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * Whether fm_grammar_parse() reads argv[0..argc-1] (argc at most
 * ORACLE_WORDMAX) as getopt_long does; *why says where it does not.
 */
static bool
oracle_agrees(const struct fm_grammar_command *cmd, int argc, char *const *argv,
    const char **why)
{
	struct option longopts[2 * FM_GRAMMAR_OPTMAX + 1];
	char optstring[2 * FM_GRAMMAR_OPTMAX + 1];
	char *copy[ORACLE_WORDMAX + 1];
	const char *values[FM_GRAMMAR_OPTMAX] = {NULL};
	const char *refused = NULL;
	struct fm_grammar_args args;
	const struct fm_grammar_option *o = cmd->options;
	int nlong = 0, nshort = 0, ch;
	bool ok;

	for (int i = 0; o[i].name != NULL; i++) {
		int has_arg = o[i].kind == FM_GRAMMAR_FLAG ? no_argument
		                                           : required_argument;

		/* val i + 1 for long names; letters come back as letters. */
		longopts[nlong++] =
		    (struct option){o[i].name, has_arg, NULL, i + 1};
		if (o[i].alias != NULL)
			longopts[nlong++] =
			    (struct option){o[i].alias, has_arg, NULL, i + 1};
		if (o[i].letter != 0) {
			optstring[nshort++] = o[i].letter;
			if (has_arg == required_argument)
				optstring[nshort++] = ':';
		}
	}
	longopts[nlong] = (struct option){NULL, 0, NULL, 0};
	optstring[nshort] = '\0';
	for (int i = 0; i < argc; i++)
		copy[i] = argv[i];
	copy[argc] = NULL;

	optind = 0; /* a full reset, permutation state included */
	opterr = 0;
	while (
	    (ch = getopt_long(argc, copy, optstring, longopts, NULL)) != -1) {
		int i = -1;

		if (ch == '?') {
			refused = copy[optind - 1];
			break;
		}
		if (ch > 0 && ch <= FM_GRAMMAR_OPTMAX)
			i = ch - 1;
		else
			for (int j = 0; o[j].name != NULL; j++)
				if (o[j].letter == ch)
					i = j;
		if (i < 0) {
			*why = "getopt_long returned an unknown option";
			return false;
		}
		values[i] = optarg != NULL ? optarg : "";
	}

	ok = fm_grammar_parse(cmd, argc, argv, &args);
	if (refused != NULL) {
		*why = "refused words, refused otherwise or another word named";
		return !ok && args.error != NULL &&
		    strcmp(args.error, "unknown or incomplete option %s") ==
		    0 &&
		    oracle_same(args.error_word, refused);
	}
	if (argc - optind > cmd->operands.max) {
		*why = "too many operands, refused otherwise";
		return !ok && args.error != NULL &&
		    strstr(args.error, "unexpected argument") != NULL &&
		    oracle_same(
		        args.error_word, copy[optind + cmd->operands.max]);
	}
	*why = "accepted words, read otherwise";
	if (!ok || args.noperands != argc - optind)
		return false;
	for (int i = 0; i < args.noperands; i++)
		if (!oracle_same(args.operand[i].text, copy[optind + i]))
			return false;
	for (int i = 0; o[i].name != NULL; i++)
		if (!oracle_same(args.opt[i].text, values[i]))
			return false;
	return true;
}

#endif
