/*
 * grammar.c - one parser for every followme-admin command.
 *
 * The commands used to read their words with getopt_long(3), each in its
 * own loop; the messages those loops printed are part of the interface
 * (scripts match them), so this parser reads words the same way, quirks
 * included, and checks them in the order the loops did.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "admin/grammar.h"

#include <string.h>

#include "common/conf.h"
#include "common/i18n.h"
#include "common/money.h"
#include "quota/period.h"

/* Marked for translation; fm_grammar_print_error() translates. */
#define UNKNOWN_OPTION N_("unknown or incomplete option %s")
#define UNEXPECTED N_("unexpected argument '%s'")
#define BAD_TABLE N_("bad command table or arguments")

#define AMBIGUOUS (-2)

struct walk {
	const struct fm_grammar_command *cmd;
	struct fm_grammar_args *args;
	const char *last_operand;     /* NULL until an operand is read */
	const char *last_option_word; /* the last word an option used */
	unsigned seq;
};

static bool
fail(struct fm_grammar_args *args, const char *error, const char *word)
{
	args->error = error;
	args->error_word = word;
	return false;
}

/* Whether value fits o; stores what it means in v->number. */
static bool
check_value(const struct fm_grammar_option *o, struct fm_grammar_value *v)
{
	uint64_t u;

	switch (o->kind) {
	case FM_GRAMMAR_TEXT:
		return o->valid == NULL || o->valid(v->text);
	case FM_GRAMMAR_FLAG:
		return true;
	case FM_GRAMMAR_INTEGER:
		if (!fm_conf_parse_uint(v->text, &u) || u > INT64_MAX ||
		    (int64_t)u < o->min || (int64_t)u > o->max)
			return false;
		v->number = (int64_t)u;
		return true;
	case FM_GRAMMAR_MONEY:
		if (!fm_money_parse(v->text, strlen(v->text),
		        (o->flags & FM_GRAMMAR_SIGNED) != 0, &v->number))
			return false;
		return (o->flags & FM_GRAMMAR_NONZERO) == 0 || v->number != 0;
	case FM_GRAMMAR_DATE:
		return fm_period_parse_date(
		    v->text, strlen(v->text), &v->number);
	case FM_GRAMMAR_CHOICE:
		for (int i = 0; o->choices != NULL && o->choices[i] != NULL;
		     i++)
			if (strcmp(v->text, o->choices[i]) == 0) {
				v->number = i;
				return true;
			}
		return false;
	}
	return false;
}

static bool
is_missing(const struct fm_grammar_option *o, const struct fm_grammar_value *v)
{
	return v->text == NULL ||
	    ((o->flags & FM_GRAMMAR_NONEMPTY) != 0 && v->text[0] == '\0');
}

static bool
names_match(const char *name, const char *word, size_t len, bool whole)
{
	return name != NULL && strncmp(name, word, len) == 0 &&
	    (!whole || name[len] == '\0');
}

/* The option named by len bytes of word: a whole name, else the only
 * option whose name (or alias) starts so; -1 or AMBIGUOUS. */
static int
find_long(const struct fm_grammar_option *opts, const char *word, size_t len)
{
	int found = -1;

	for (int i = 0; opts[i].name != NULL; i++)
		if (names_match(opts[i].name, word, len, true) ||
		    names_match(opts[i].alias, word, len, true))
			return i;
	for (int i = 0; opts[i].name != NULL; i++)
		if (names_match(opts[i].name, word, len, false) ||
		    names_match(opts[i].alias, word, len, false)) {
			if (found >= 0)
				return AMBIGUOUS;
			found = i;
		}
	return found;
}

static int
find_short(const struct fm_grammar_option *opts, char letter)
{
	for (int i = 0; opts[i].name != NULL; i++)
		if (opts[i].letter != 0 && opts[i].letter == letter)
			return i;
	return -1;
}

static bool
set_option(struct walk *w, int i, const char *value)
{
	const struct fm_grammar_option *o = &w->cmd->options[i];
	struct fm_grammar_value *v = &w->args->opt[i];

	v->text = value;
	v->seq = ++w->seq;
	if ((o->flags & FM_GRAMMAR_AT_ONCE) != 0 && !check_value(o, v))
		return fail(w->args, o->invalid, value);
	return true;
}

static void
add_operand(struct walk *w, const char *word)
{
	struct fm_grammar_args *args = w->args;

	if (args->noperands < FM_GRAMMAR_OPERANDMAX)
		args->operand[args->noperands].text = word;
	args->noperands++;
	w->last_operand = word;
}

/* Option o's value: attached to its word, else the next word. */
static bool
take_value(struct walk *w, int argc, char *const *argv, int *i, int o,
    const char *attached)
{
	const char *word = argv[*i], *value;

	if (attached != NULL)
		value = attached;
	else if (*i + 1 < argc)
		value = argv[++*i];
	else
		return fail(w->args, UNKNOWN_OPTION, word);
	w->last_option_word = argv[*i];
	return set_option(w, o, value);
}

/* "--name", "--name=value" or "--name value" at argv[*i]. */
static bool
read_long(struct walk *w, int argc, char *const *argv, int *i)
{
	const char *word = argv[*i], *name = word + 2;
	const char *eq = strchr(name, '=');
	int o = find_long(
	    w->cmd->options, name, eq ? (size_t)(eq - name) : strlen(name));

	if (o < 0)
		return fail(w->args, UNKNOWN_OPTION, word);
	if (w->cmd->options[o].kind != FM_GRAMMAR_FLAG)
		return take_value(w, argc, argv, i, o, eq ? eq + 1 : NULL);
	if (eq != NULL)
		return fail(w->args, UNKNOWN_OPTION, word);
	w->last_option_word = word;
	return set_option(w, o, "");
}

/* "-abc", "-xvalue" or "-x value" at argv[*i]. */
static bool
read_short(struct walk *w, int argc, char *const *argv, int *i)
{
	const char *word = argv[*i];
	/* getopt_long names an unknown letter that does not end its word
	 * by argv[optind - 1] of its permuted argv: the last operand read,
	 * else the last word an option used.  Kept: the message is the
	 * interface. */
	const char *before =
	    w->last_operand ? w->last_operand : w->last_option_word;

	for (const char *p = word + 1; *p != '\0'; p++) {
		int o = find_short(w->cmd->options, *p);

		if (o < 0)
			return fail(w->args, UNKNOWN_OPTION,
			    p[1] == '\0' ? word : before);
		if (w->cmd->options[o].kind != FM_GRAMMAR_FLAG)
			return take_value(
			    w, argc, argv, i, o, p[1] != '\0' ? p + 1 : NULL);
		if (!set_option(w, o, ""))
			return false;
	}
	w->last_option_word = word;
	return true;
}

static bool
read_words(struct walk *w, int argc, char *const *argv)
{
	for (int i = 1; i < argc; i++) {
		const char *word = argv[i];

		if (w->cmd->options == NULL || word[0] != '-' ||
		    word[1] == '\0') {
			add_operand(w, word);
		} else if (strcmp(word, "--") == 0) {
			while (++i < argc)
				add_operand(w, argv[i]);
		} else if (word[1] == '-') {
			if (!read_long(w, argc, argv, &i))
				return false;
		} else if (!read_short(w, argc, argv, &i)) {
			return false;
		}
	}
	return true;
}

/* FM_GRAMMAR_EXACT: nothing, or one option written out in full. */
static bool
read_exact(struct walk *w, int argc, char *const *argv)
{
	const char *error =
	    w->cmd->operands.error ? w->cmd->operands.error : UNEXPECTED;
	const struct fm_grammar_option *opts = w->cmd->options;

	if (argc == 1)
		return true;
	for (int i = 0; opts != NULL && opts[i].name != NULL; i++) {
		bool flag = opts[i].kind == FM_GRAMMAR_FLAG;

		if (strncmp(argv[1], "--", 2) != 0 ||
		    (strcmp(argv[1] + 2, opts[i].name) != 0 &&
		        (opts[i].alias == NULL ||
		            strcmp(argv[1] + 2, opts[i].alias) != 0)))
			continue;
		if (argc != (flag ? 2 : 3))
			break;
		return set_option(w, i, flag ? "" : argv[2]);
	}
	return fail(w->args, error, argv[1]);
}

static bool
check_operands(struct walk *w)
{
	const struct fm_grammar_operands *n = &w->cmd->operands;
	struct fm_grammar_args *args = w->args;

	if (args->noperands < n->min || args->noperands > n->max)
		return fail(args, n->error ? n->error : UNEXPECTED,
		    args->noperands > n->max ? args->operand[n->max].text : "");
	for (int i = 0; n->each != NULL && i < args->noperands; i++)
		if (!check_value(n->each, &args->operand[i]))
			return fail(
			    args, n->each->invalid, args->operand[i].text);
	return true;
}

static bool
check_options(struct walk *w)
{
	const struct fm_grammar_option *opts = w->cmd->options;
	struct fm_grammar_args *args = w->args;
	int i;

	if (opts == NULL)
		return true;
	for (i = 0; opts[i].name != NULL; i++)
		if ((opts[i].flags & FM_GRAMMAR_REFUSED) != 0 &&
		    args->opt[i].text != NULL)
			return fail(args, opts[i].invalid, args->opt[i].text);
	/* Options without a message of their own share the command's,
	 * which names them all: it comes before any single one's. */
	for (i = 0; opts[i].name != NULL; i++)
		if ((opts[i].flags & FM_GRAMMAR_REQUIRED) != 0 &&
		    opts[i].missing == NULL &&
		    is_missing(&opts[i], &args->opt[i]))
			return fail(args,
			    w->cmd->missing
			        ? w->cmd->missing
			        : N_("a required option is missing"),
			    "");
	for (i = 0; opts[i].name != NULL; i++) {
		struct fm_grammar_value *v = &args->opt[i];

		if ((opts[i].flags & FM_GRAMMAR_REQUIRED) != 0 &&
		    is_missing(&opts[i], v))
			return fail(args, opts[i].missing, "");
		if (v->text != NULL &&
		    (opts[i].flags & FM_GRAMMAR_AT_ONCE) == 0 &&
		    !check_value(&opts[i], v))
			return fail(args, opts[i].invalid, v->text);
	}
	return true;
}

static bool
table_fits(const struct fm_grammar_command *cmd)
{
	int n = 0;

	while (cmd->options != NULL && cmd->options[n].name != NULL)
		n++;
	return n <= FM_GRAMMAR_OPTMAX && cmd->operands.min >= 0 &&
	    cmd->operands.min <= cmd->operands.max &&
	    cmd->operands.max < FM_GRAMMAR_OPERANDMAX;
}

bool
fm_grammar_parse(const struct fm_grammar_command *cmd, int argc,
    char *const *argv, struct fm_grammar_args *args)
{
	struct walk w;

	if (args == NULL)
		return false;
	memset(args, 0, sizeof(*args));
	if (cmd == NULL || argv == NULL || argc < 1 || !table_fits(cmd))
		return fail(args, BAD_TABLE, "");
	for (int i = 0; i < argc; i++)
		if (argv[i] == NULL)
			return fail(args, BAD_TABLE, "");
	w = (struct walk){cmd, args, NULL, argv[0], 0};
	if ((cmd->flags & FM_GRAMMAR_EXACT) != 0) {
		if (!read_exact(&w, argc, argv))
			return false;
	} else if (!read_words(&w, argc, argv) || !check_operands(&w)) {
		return false;
	}
	return check_options(&w);
}

void
fm_grammar_print_error(FILE *f, const struct fm_grammar_args *args)
{
	const char *error, *at;

	if (f == NULL)
		return;
	error = args != NULL && args->error != NULL ? _(args->error)
	                                            : _("bad arguments");
	if ((at = strstr(error, "%s")) == NULL) {
		fputs(error, f);
		return;
	}
	fwrite(error, 1, (size_t)(at - error), f);
	fputs(args->error_word != NULL ? args->error_word : "", f);
	fputs(at + 2, f);
}
