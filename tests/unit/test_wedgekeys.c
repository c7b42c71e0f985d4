/*
 * test_wedgekeys.c - unit tests for badge/wedgekeys.c: evdev key codes
 * to characters and lines, as a keyboard-wedge reader types them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <linux/input-event-codes.h>

#include "badge/wedgekeys.h"
#include "tests/unit/harness.h"

/* Types s the way a reader does: press, SYN, release, SYN per key. */
static enum fm_wedgekeys_result
type_text(struct fm_wedgekeys *k, const char *s, uint64_t *t)
{
	enum fm_wedgekeys_result r = FM_WEDGEKEYS_MORE, last = r;
	unsigned code;

	for (; *s; s++) {
		bool shift = false;

		if (*s >= '1' && *s <= '9')
			code = KEY_1 + (unsigned)(*s - '1');
		else if (*s == '0')
			code = KEY_0;
		else if (*s >= 'a' && *s <= 'f')
			code = (unsigned[]){
			    KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F}[*s - 'a'];
		else if (*s >= 'A' && *s <= 'F') {
			code = (unsigned[]){
			    KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F}[*s - 'A'];
			shift = true;
		} else if (*s == '\n')
			code = KEY_ENTER;
		else if (*s == '#')
			code = KEY_KPENTER;
		else
			code = KEY_SPACE;
		if (shift)
			fm_wedgekeys_feed(k, EV_KEY, KEY_LEFTSHIFT, 1, *t);
		r = fm_wedgekeys_feed(k, EV_KEY, code, 1, *t);
		if (r != FM_WEDGEKEYS_MORE)
			last = r;
		fm_wedgekeys_feed(k, EV_SYN, SYN_REPORT, 0, *t);
		fm_wedgekeys_feed(k, EV_KEY, code, 0, *t);
		if (shift)
			fm_wedgekeys_feed(k, EV_KEY, KEY_LEFTSHIFT, 0, *t);
		fm_wedgekeys_feed(k, EV_SYN, SYN_REPORT, 0, *t);
		*t += 5;
	}
	return last;
}

static void
test_chars(void)
{
	static const struct {
		unsigned code;
		bool shift;
		int want; /* 0: not a character of a card number */
	} rows[] = {
	    {KEY_1, false, '1'},
	    {KEY_9, false, '9'},
	    {KEY_0, false, '0'},
	    {KEY_KP0, false, '0'},
	    {KEY_KP5, false, '5'},
	    {KEY_KP9, false, '9'},
	    {KEY_A, false, 'a'},
	    {KEY_F, true, 'F'},
	    {KEY_C, false, 'c'},
	    {KEY_ENTER, false, '\n'},
	    {KEY_KPENTER, false, '\n'},
	    {KEY_G, false, 0},
	    {KEY_SPACE, false, 0},
	    {KEY_1, true, '1'},
	};

	for (EACH_ROW(i, rows))
		ASSERT_INT_EQ(fm_wedgekeys_char(rows[i].code, rows[i].shift),
		    rows[i].want);
}

/* What a reader types, a pause after it (ms), and what that gives. */
struct typing {
	const char *text;
	uint64_t pause;
	enum fm_wedgekeys_result result;
	const char *line; /* the line delivered; NULL: not checked */
};

/* Types each step in turn on a fresh decoder, from time 1000. */
static void
type_steps(const struct typing *steps, size_t n)
{
	struct fm_wedgekeys k;
	uint64_t t = 1000;

	fm_wedgekeys_reset(&k);
	for (EACH_ROW_OF(i, n)) {
		ASSERT_INT_EQ(
		    type_text(&k, steps[i].text, &t), steps[i].result);
		if (steps[i].line != NULL)
			ASSERT_STR_EQ(k.text, steps[i].line);
		t += steps[i].pause;
	}
}

static void
test_lines(void)
{
	static const struct typing steps[] = {
	    {"0077705923\n", 0, FM_WEDGEKEYS_LINE, "0077705923"},
	    {"04A1b2c3#", 0, FM_WEDGEKEYS_LINE, "04A1b2c3"},
	    /* A line with a key that is not part of a card number. */
	    {"12 34\n", 0, FM_WEDGEKEYS_DISCARDED, NULL},
	    /* An empty line. */
	    {"\n", 0, FM_WEDGEKEYS_DISCARDED, NULL},
	    /* And the next one is fine again. */
	    {"42\n", 0, FM_WEDGEKEYS_LINE, "42"},
	};

	type_steps(steps, NELEM(steps));
}

static void
test_too_long_and_autorepeat(void)
{
	struct fm_wedgekeys k;
	uint64_t t = 1000;
	char many[FM_UID_TEXTMAX + 3];

	fm_wedgekeys_reset(&k);
	memset(many, '7', FM_UID_TEXTMAX + 1);
	strcpy(many + FM_UID_TEXTMAX + 1, "\n");
	ASSERT_INT_EQ(type_text(&k, many, &t), FM_WEDGEKEYS_DISCARDED);
	many[FM_UID_TEXTMAX] = '\n';
	many[FM_UID_TEXTMAX + 1] = '\0';
	ASSERT_INT_EQ(type_text(&k, many, &t), FM_WEDGEKEYS_LINE);
	ASSERT_UINT_EQ(strlen(k.text), FM_UID_TEXTMAX);
	/* Autorepeat (value 2) and releases add nothing. */
	fm_wedgekeys_feed(&k, EV_KEY, KEY_5, 1, t);
	fm_wedgekeys_feed(&k, EV_KEY, KEY_5, 2, t);
	fm_wedgekeys_feed(&k, EV_KEY, KEY_5, 2, t);
	fm_wedgekeys_feed(&k, EV_KEY, KEY_5, 0, t);
	ASSERT_INT_EQ(
	    fm_wedgekeys_feed(&k, EV_KEY, KEY_ENTER, 1, t), FM_WEDGEKEYS_LINE);
	ASSERT_STR_EQ(k.text, "5");
}

static void
test_gap_discards_partial(void)
{
	static const struct typing steps[] = {
	    /* Someone typed "99" by hand and walked away... */
	    {"99", FM_WEDGEKEYS_GAP_MS + 1, FM_WEDGEKEYS_MORE, NULL},
	    /* ...then a badge: only the badge's number is delivered. */
	    {"1234\n", 0, FM_WEDGEKEYS_LINE, "1234"},
	    /* A bad key followed by a long pause does not spoil the next. */
	    {"x", FM_WEDGEKEYS_GAP_MS + 1, FM_WEDGEKEYS_MORE, NULL},
	    {"5\n", 0, FM_WEDGEKEYS_LINE, "5"},
	    /* Within the gap, keys accumulate. */
	    {"12", FM_WEDGEKEYS_GAP_MS - 10, FM_WEDGEKEYS_MORE, NULL},
	    {"3\n", 0, FM_WEDGEKEYS_LINE, "123"},
	};

	type_steps(steps, NELEM(steps));
}

int
main(void)
{
	RUN(test_chars);
	RUN(test_lines);
	RUN(test_too_long_and_autorepeat);
	RUN(test_gap_discards_partial);
	return harness_done();
}
