/*
 * test_admin_grammar.c - unit tests for admin/grammar.c, the parser of
 * followme-admin's command lines: getopt_long's reading of words (judged
 * by glibc's own getopt_long), the order of the checks, each kind of
 * value, operands, and the exact form of two commands.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>

#include "admin/grammar.h"
#include "tests/unit/getopt_oracle.h"
#include "tests/unit/harness.h"

#define WORDMAX 16

/* Options as getopt_long knew them: prefixes shared, an alias, letters. */
enum {
	O_USER,
	O_UNRESTRICTED,
	O_DEPARTMENT,
	O_ALL,
	O_PERIOD,
	O_VERBOSE,
	O_NUMBER
};

static const struct fm_grammar_option plain_options[] = {
    [O_USER] = {"user", .help = "a login"},
    [O_UNRESTRICTED] = {"unrestricted", .kind = FM_GRAMMAR_FLAG},
    [O_DEPARTMENT] = {"department", .alias = "project"},
    [O_ALL] = {"all", .kind = FM_GRAMMAR_FLAG},
    [O_PERIOD] = {.name = "period"},
    [O_VERBOSE] = {"verbose", .letter = 'v', .kind = FM_GRAMMAR_FLAG},
    [O_NUMBER] = {"number", .letter = 'n'},
    {.name = NULL},
};

static const struct fm_grammar_command plain = {"grp", "verb", "", "", 0,
    .options = plain_options, .operands = {0, 2, NULL, NULL}};

static const char *const colours[] = {"mono", "colour", "color", NULL};

static bool
is_even(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && (s[n - 1] - '0') % 2 == 0;
}

/* Kinds, checked as they come or at the end, required or not. */
enum {
	K_MEDIA,
	K_COLOUR,
	K_AMOUNT,
	K_REASON,
	K_FROM,
	K_DAYS,
	K_FORMAT,
	K_DELTA
};

static const struct fm_grammar_option kind_options[] = {
    [K_MEDIA] = {"media", .flags = FM_GRAMMAR_AT_ONCE,
        .invalid = "bad media '%s'", .valid = is_even},
    [K_COLOUR] = {"colour", .alias = "color", .kind = FM_GRAMMAR_CHOICE,
        .flags = FM_GRAMMAR_AT_ONCE | FM_GRAMMAR_REQUIRED,
        .invalid = "--colour is mono or colour", .choices = colours},
    [K_AMOUNT] = {"amount", .kind = FM_GRAMMAR_MONEY,
        .flags = FM_GRAMMAR_REQUIRED, .invalid = "amount '%s'"},
    [K_REASON] = {"reason", .flags = FM_GRAMMAR_REQUIRED | FM_GRAMMAR_NONEMPTY,
        .missing = "--reason is required"},
    [K_FROM] = {"from", .kind = FM_GRAMMAR_DATE,
        .invalid = "--from '%s' is not a date"},
    [K_DAYS] = {"days", .kind = FM_GRAMMAR_INTEGER, .invalid = "days", .min = 0,
        .max = 36500},
    [K_FORMAT] = {"format", .flags = FM_GRAMMAR_REFUSED,
        .invalid = "--format is for export"},
    [K_DELTA] = {"delta", .kind = FM_GRAMMAR_MONEY,
        .flags = FM_GRAMMAR_SIGNED | FM_GRAMMAR_NONZERO,
        .invalid = "delta '%s'"},
    {.name = NULL},
};

static const struct fm_grammar_option job_id = {"ID",
    .kind = FM_GRAMMAR_INTEGER, .invalid = "'%s' is not a job id", .min = 1,
    .max = INT64_MAX};

static const struct fm_grammar_command kinds = {"grp", "kinds", "", "", 0,
    .options = kind_options, .missing = "--colour and --amount are required",
    .operands = {0, 1, "one id at most", &job_id}};

static const struct fm_grammar_command raw = {"grp", "raw", "", "", 0,
    .operands = {1, 1, "expected one job id", &job_id}};

enum { X_USER, X_ALL };

static const struct fm_grammar_option exact_options[] = {
    [X_USER] = {.name = "user"},
    [X_ALL] = {"all", .kind = FM_GRAMMAR_FLAG},
    {.name = NULL},
};

static const struct fm_grammar_command exact = {"grp", "exact", "", "",
    FM_GRAMMAR_EXACT, .options = exact_options,
    .operands = {0, 0, "expected --user USER or --all", NULL}};

/* Parses the words after the verb (NULL-terminated) with cmd. */
static bool
parse(const struct fm_grammar_command *cmd, struct fm_grammar_args *args, ...)
{
	char *argv[WORDMAX + 1] = {(char *)"verb"};
	int argc = 1;
	va_list ap;

	va_start(ap, args);
	while (argc < WORDMAX && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	return fm_grammar_parse(cmd, argc, argv, args);
}

static const char *
message(const struct fm_grammar_args *args)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	if (f == NULL)
		return "(fmemopen failed)";
	fm_grammar_print_error(f, args);
	fclose(f);
	return buf;
}

/* Each line: words after the verb, separated by '|'. */
static const char *const getopt_cases[] = {
    "",
    "--user|bob",
    "--user=bob|a|b",
    "a|--user|bob|b",
    "--us|bob",
    "--u|bob",
    "--un",
    "--d|x",
    "--pro|x",
    "--p|x",
    "--all=1",
    "--all|--all",
    "--user",
    "--bogus",
    "---user|x",
    "--=x",
    "--",
    "--|--user|x",
    "a|--|--all",
    "-",
    "-x",
    "-xy",
    "--user|bob|-xy",
    "a|-xy",
    "a|--all|b|-xy",
    "-vx",
    "-vn|3",
    "-vn3",
    "-n",
    "-vvn5|a",
    "-n|--all",
    "--user|--all",
    "a|b|c",
    "a|b|c|--bogus",
    "--number=|--period=",
    "--period|daily|x|--period|weekly",
};

static void
test_reads_words_as_getopt_long(void)
{
	for (size_t c = 0; c < sizeof(getopt_cases) / sizeof(*getopt_cases);
	     c++) {
		char line[128], *argv[WORDMAX + 1] = {(char *)"verb"}, *save;
		const char *why = "";
		int argc = 1;

		snprintf(line, sizeof(line), "%s", getopt_cases[c]);
		for (char *w = strtok_r(line, "|", &save); w != NULL;
		     w = strtok_r(NULL, "|", &save))
			argv[argc++] = w;
		if (!oracle_agrees(&plain, argc, argv, &why))
			HARNESS_FAIL("case \"%s\": %s", getopt_cases[c], why);
	}
}

static void
test_values_and_operands(void)
{
	struct fm_grammar_args a;

	ASSERT_TRUE(parse(&plain, &a, "x", "--us=bob", "--pro", "P-1", "y",
	    "--unrestricted", "-vn", "7", NULL));
	ASSERT_STR_EQ(a.opt[O_USER].text, "bob");
	ASSERT_STR_EQ(a.opt[O_DEPARTMENT].text, "P-1");
	ASSERT_STR_EQ(a.opt[O_UNRESTRICTED].text, "");
	ASSERT_STR_EQ(a.opt[O_VERBOSE].text, "");
	ASSERT_STR_EQ(a.opt[O_NUMBER].text, "7");
	ASSERT_NULL(a.opt[O_ALL].text);
	ASSERT_INT_EQ(a.noperands, 2);
	ASSERT_STR_EQ(a.operand[0].text, "x");
	ASSERT_STR_EQ(a.operand[1].text, "y");
	/* Which of two options came last. */
	ASSERT_TRUE(a.opt[O_VERBOSE].seq > a.opt[O_UNRESTRICTED].seq);
	ASSERT_INT_EQ(a.opt[O_ALL].seq, 0);
	ASSERT_TRUE(parse(&plain, &a, "--user", "a", "--user", "b", NULL));
	ASSERT_STR_EQ(a.opt[O_USER].text, "b");
}

static void
test_walk_errors_name_the_word(void)
{
	struct fm_grammar_args a;

	ASSERT_FALSE(parse(&plain, &a, "--bogus", NULL));
	ASSERT_STR_EQ(message(&a), "unknown or incomplete option --bogus");
	ASSERT_FALSE(parse(&plain, &a, "--p", "x", NULL));
	ASSERT_STR_EQ(message(&a), "unknown or incomplete option --p");
	ASSERT_FALSE(parse(&plain, &a, "--user", NULL));
	ASSERT_STR_EQ(message(&a), "unknown or incomplete option --user");
	ASSERT_FALSE(parse(&plain, &a, "--all=yes", NULL));
	ASSERT_STR_EQ(message(&a), "unknown or incomplete option --all=yes");
	/* getopt_long's naming of an unknown letter inside a word. */
	ASSERT_FALSE(parse(&plain, &a, "--user", "bob", "-xy", NULL));
	ASSERT_STR_EQ(message(&a), "unknown or incomplete option bob");
	ASSERT_FALSE(parse(&plain, &a, "-xy", NULL));
	ASSERT_STR_EQ(message(&a), "unknown or incomplete option verb");
	ASSERT_FALSE(parse(&plain, &a, "a", "b", "c", NULL));
	ASSERT_STR_EQ(message(&a), "unexpected argument 'c'");
}

static void
test_kinds(void)
{
	struct fm_grammar_args a;

	ASSERT_TRUE(parse(&kinds, &a, "--media", "A4", "--color", "color",
	    "--amount", "1.25", "--reason", "r", "--from", "2024-10-01",
	    "--days", "30", "--delta", "-0.5", "42", NULL));
	ASSERT_INT_EQ(a.opt[K_COLOUR].number, 2);
	ASSERT_INT_EQ(a.opt[K_AMOUNT].number, 125);
	ASSERT_INT_EQ(a.opt[K_DAYS].number, 30);
	ASSERT_INT_EQ(a.opt[K_DELTA].number, -50);
	ASSERT_TRUE(a.opt[K_FROM].number > 0);
	ASSERT_INT_EQ(a.operand[0].number, 42);
	ASSERT_FALSE(parse(&kinds, &a, "--colour", "mono", "--amount", "1",
	    "--reason", "r", "--days", "36501", NULL));
	ASSERT_STR_EQ(message(&a), "days");
	ASSERT_FALSE(parse(&kinds, &a, "--colour", "mono", "--amount", "1",
	    "--reason", "r", "--delta", "0", NULL));
	ASSERT_STR_EQ(message(&a), "delta '0'");
	ASSERT_FALSE(parse(&kinds, &a, "--colour", "mono", "--amount", "-1",
	    "--reason", "r", NULL));
	ASSERT_STR_EQ(message(&a), "amount '-1'");
	ASSERT_FALSE(parse(&kinds, &a, "--colour", "mono", "--amount", "1",
	    "--reason", "r", "--from", "2024-02-30", NULL));
	ASSERT_STR_EQ(message(&a), "--from '2024-02-30' is not a date");
}

static void
test_order_of_checks(void)
{
	struct fm_grammar_args a;

	/* A value checked at once comes before a later unknown option... */
	ASSERT_FALSE(parse(&kinds, &a, "--media", "A3", "--bogus", NULL));
	ASSERT_STR_EQ(message(&a), "bad media 'A3'");
	/* ...and after an earlier one. */
	ASSERT_FALSE(parse(&kinds, &a, "--bogus", "--media", "A3", NULL));
	ASSERT_STR_EQ(message(&a), "unknown or incomplete option --bogus");
	/* The operands come before the options' checks. */
	ASSERT_FALSE(parse(&kinds, &a, "x", NULL));
	ASSERT_STR_EQ(message(&a), "'x' is not a job id");
	ASSERT_FALSE(parse(&kinds, &a, "1", "2", NULL));
	ASSERT_STR_EQ(message(&a), "one id at most");
	/* Refused, then the command's missing message, then each option. */
	ASSERT_FALSE(parse(&kinds, &a, "--format", "csv", NULL));
	ASSERT_STR_EQ(message(&a), "--format is for export");
	ASSERT_FALSE(parse(&kinds, &a, "--amount", "x", NULL));
	ASSERT_STR_EQ(message(&a), "--colour and --amount are required");
	ASSERT_FALSE(
	    parse(&kinds, &a, "--colour", "mono", "--amount", "x", NULL));
	ASSERT_STR_EQ(message(&a), "amount 'x'");
	ASSERT_FALSE(parse(&kinds, &a, "--colour", "mono", "--amount", "1",
	    "--reason", "", NULL));
	ASSERT_STR_EQ(message(&a), "--reason is required");
}

static void
test_operands_only(void)
{
	struct fm_grammar_args a;

	ASSERT_TRUE(parse(&raw, &a, "7", NULL));
	ASSERT_INT_EQ(a.operand[0].number, 7);
	/* No options: "--" and "--all" are operands like any word. */
	ASSERT_FALSE(parse(&raw, &a, "--", "7", NULL));
	ASSERT_STR_EQ(message(&a), "expected one job id");
	ASSERT_FALSE(parse(&raw, &a, "--all", NULL));
	ASSERT_STR_EQ(message(&a), "'--all' is not a job id");
	ASSERT_FALSE(parse(&raw, &a, "0", NULL));
	ASSERT_FALSE(parse(&raw, &a, "99999999999999999999", NULL));
	ASSERT_FALSE(parse(&raw, &a, NULL));
	ASSERT_STR_EQ(message(&a), "expected one job id");
	ASSERT_FALSE(parse(&raw, &a, "1", "2", "3", "4", "5", "6", NULL));
	ASSERT_STR_EQ(message(&a), "expected one job id");
}

static void
test_exact(void)
{
	struct fm_grammar_args a;

	ASSERT_TRUE(parse(&exact, &a, NULL));
	ASSERT_NULL(a.opt[X_USER].text);
	ASSERT_TRUE(parse(&exact, &a, "--user", "bob", NULL));
	ASSERT_STR_EQ(a.opt[X_USER].text, "bob");
	ASSERT_TRUE(parse(&exact, &a, "--all", NULL));
	ASSERT_STR_EQ(a.opt[X_ALL].text, "");
	/* No prefixes, no "=value", one option, nothing else. */
	ASSERT_FALSE(parse(&exact, &a, "--use", "bob", NULL));
	ASSERT_STR_EQ(message(&a), "expected --user USER or --all");
	ASSERT_FALSE(parse(&exact, &a, "--user=bob", NULL));
	ASSERT_FALSE(parse(&exact, &a, "--user", NULL));
	ASSERT_FALSE(parse(&exact, &a, "--all", "--all", NULL));
	ASSERT_FALSE(parse(&exact, &a, "bob", "--user", NULL));
	ASSERT_FALSE(parse(&exact, &a, "--user", "a", "--all", NULL));
}

static void
test_bad_calls(void)
{
	static const struct fm_grammar_command too_many = {"grp", "verb", "",
	    "", 0, .operands = {0, FM_GRAMMAR_OPERANDMAX, NULL, NULL}};
	struct fm_grammar_args a;
	char *argv[] = {(char *)"verb", NULL};

	ASSERT_FALSE(fm_grammar_parse(NULL, 1, argv, &a));
	ASSERT_FALSE(fm_grammar_parse(&plain, 0, argv, &a));
	ASSERT_FALSE(fm_grammar_parse(&plain, 1, NULL, &a));
	ASSERT_FALSE(fm_grammar_parse(&plain, 1, argv, NULL));
	ASSERT_FALSE(fm_grammar_parse(&too_many, 1, argv, &a));
	ASSERT_STR_EQ(message(&a), "bad command table or arguments");
	ASSERT_STR_EQ(message(NULL), "bad arguments");
}

int
main(void)
{
	RUN(test_reads_words_as_getopt_long);
	RUN(test_values_and_operands);
	RUN(test_walk_errors_name_the_word);
	RUN(test_kinds);
	RUN(test_order_of_checks);
	RUN(test_operands_only);
	RUN(test_exact);
	RUN(test_bad_calls);
	return harness_done();
}
