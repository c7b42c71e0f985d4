/*
 * grammar.h - the command-line grammar of followme-admin, declared.
 *
 * Every command is an entry in a table: its words, a usage synopsis and
 * a one-line summary for --help, whether it needs the store, what its
 * options are (long name, short letter, kind of value, required or not,
 * help) and how many operands it takes.  One parser turns the words after
 * the command into a struct fm_grammar_args for the command's handler, or
 * into the usage message followme-admin has always printed for them.
 *
 * Words are read as GNU getopt_long(3) read them, since scripts and the
 * manual page rely on it: options and operands in any order, "--" ends
 * the options, "--name=value" or "--name value", a long name may be
 * shortened to any unambiguous prefix.  The parser is pure: it reads the
 * table and argv and writes only into the args.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_GRAMMAR_H
#define FM_GRAMMAR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The most options one command may declare, and operands it may take. */
#define FM_GRAMMAR_OPTMAX 12
#define FM_GRAMMAR_OPERANDMAX 4

/*
 * The size to declare an option table with: room for the most options a
 * command may declare and for the entry without a name that ends them,
 * which an initializer of fewer leaves zeroed.  More options than fit do
 * not compile.
 */
#define FM_GRAMMAR_OPTTABLE (FM_GRAMMAR_OPTMAX + 1)

/* What an option's value (or an operand) is. */
enum fm_grammar_kind {
	FM_GRAMMAR_TEXT,    /* any word; checked by valid() if set */
	FM_GRAMMAR_FLAG,    /* no value */
	FM_GRAMMAR_INTEGER, /* decimal digits, in [min, max] */
	FM_GRAMMAR_MONEY,   /* an amount (common/money.h), in minor units */
	FM_GRAMMAR_DATE,    /* YYYY-MM-DD, as the UNIX time of its midnight */
	FM_GRAMMAR_CHOICE,  /* one of choices[]; number is its index */
};

/* Option flags. */
enum {
	FM_GRAMMAR_REQUIRED = 1 << 0, /* must be given */
	FM_GRAMMAR_NONEMPTY = 1 << 1, /* an empty value counts as none */
	FM_GRAMMAR_AT_ONCE = 1 << 2,  /* checked where it stands, before
	                                 the words after it are read */
	FM_GRAMMAR_SIGNED = 1 << 3,   /* MONEY: may be negative */
	FM_GRAMMAR_NONZERO = 1 << 4,  /* MONEY: may not be zero */
	FM_GRAMMAR_REFUSED = 1 << 5,  /* known, so that the refusal can say
	                                 why, but not allowed: invalid */
};

/* Command flags. */
enum {
	FM_GRAMMAR_STORE = 1 << 0, /* open the store before the handler */
	FM_GRAMMAR_EXACT = 1 << 1, /* words must be one option exactly as
	                              declared ("--all", "--user NAME"), or
	                              nothing: anything else is the operands
	                              message, "%s" the first word */
	FM_GRAMMAR_KEY = 1 << 2,   /* with STORE: the ledger key must exist
	                              (other commands create it if missing) */
};

/*
 * Messages are static templates; a "%s" in one stands for the word at
 * fault, the rest is printed as it is.
 */
struct fm_grammar_option {
	const char *name;  /* long name, without "--"; NULL ends a list */
	const char *alias; /* another long name for it, or NULL */
	char letter;       /* short option letter, or 0 */
	enum fm_grammar_kind kind;
	unsigned flags;      /* FM_GRAMMAR_REQUIRED, ... */
	const char *invalid; /* a value of the wrong kind; "%s": the value */
	const char *missing; /* required and not given; NULL: the command's
	                        missing message, checked for all such
	                        options at once */
	const char *const *choices; /* CHOICE: the words, NULL-terminated */
	int64_t min, max;           /* INTEGER: the range (min >= 0) */
	bool (*valid)(const char *value); /* TEXT: the check, or NULL */
	const char *help;                 /* what it is for */
};

struct fm_grammar_value {
	const char *text; /* as written, borrowed from argv ("" for a flag);
	                     NULL when not given */
	int64_t number;   /* INTEGER, MONEY, DATE: the value; CHOICE: the
	                     index of the word */
	unsigned seq;     /* order of the last occurrence among the options
	                     given, from 1; 0 when not given */
};

struct fm_grammar_args {
	/* By index in the command's options. */
	struct fm_grammar_value opt[FM_GRAMMAR_OPTMAX];
	/* Operands in the order given; only the first ones are kept. */
	struct fm_grammar_value operand[FM_GRAMMAR_OPERANDMAX];
	int noperands;
	/* When parsing failed: the message template and the word. */
	const char *error;
	const char *error_word;
};

struct fm_admin;

/*
 * A command's handler: the command is admin->cmd, its words as parsed
 * admin->args (admin/admin.h).
 */
typedef int fm_grammar_run_fn(struct fm_admin *admin);

/* How many operands a command takes, and what they are. */
struct fm_grammar_operands {
	int min, max;
	/* The count is wrong; "%s": the first operand too many.  NULL:
	 * "unexpected argument '%s'". */
	const char *error;
	/* Kind, range and invalid message of each; NULL: any word. */
	const struct fm_grammar_option *each;
};

/* In this order, so that a table entry reads as a usage line. */
struct fm_grammar_command {
	const char *group;    /* "jobs" */
	const char *verb;     /* "list"; NULL: the group is the command */
	const char *synopsis; /* usage after the words: "[--user USER]" */
	const char *summary;  /* one line, for --help */
	unsigned flags;       /* FM_GRAMMAR_STORE, _EXACT, _KEY */
	fm_grammar_run_fn *run;
	/* NULL: the command reads no options, every word is an operand. */
	const struct fm_grammar_option *options;
	const char *missing; /* see fm_grammar_option.missing */
	struct fm_grammar_operands operands;
};

/*
 * 'fm_grammar_parse()' - read the words argv[1..argc-1] of cmd (argv[0]
 * is the command's last word) into *args.  Checks, in this order: each
 * option as it comes (unknown, ambiguous, without its value, and values
 * of FM_GRAMMAR_AT_ONCE options); the operand count and kind; refused
 * options; the required options without a message of their own; then
 * each option in declaration order (missing, or a value of the wrong
 * kind).  Returns false with args->error (and error_word) set at the
 * first fault.  A repeated option keeps its last value.  args borrows
 * from argv.  False with a fixed message if cmd, argv or args is NULL or
 * cmd declares more options or operands than a struct fm_grammar_args
 * holds.
 */
bool fm_grammar_parse(const struct fm_grammar_command *cmd, int argc,
    char *const *argv, struct fm_grammar_args *args);

/*
 * 'fm_grammar_print_error()' - write the message of a failed
 * fm_grammar_parse() to f, the word in place of "%s", without a newline.
 */
void fm_grammar_print_error(FILE *f, const struct fm_grammar_args *args);

#endif
