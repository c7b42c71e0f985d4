/*
 * test_wedgekeys.c - unit tests for badge/wedgekeys.c and
 * badge/wedgelayout.c: evdev key codes to characters and lines, as a
 * keyboard-wedge reader types them in the layout it is set to (us, fr,
 * de), with libxkbcommon and the system's XKB data.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <linux/input-event-codes.h>
#include <stdlib.h>

#include "badge/wedgekeys.h"
#include "tests/unit/harness.h"

/* The layouts the tests type in, made once in main(). */
static fm_wedgelayout_t *us, *fr, *de;

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

/* What one key press types in a layout, with Shift held or not. */
static int
char_of(fm_wedgelayout_t *l, unsigned code, bool shift)
{
	uint32_t c = 0, other;
	bool typed;

	fm_wedgelayout_reset(l);
	if (shift)
		fm_wedgelayout_key(l, KEY_LEFTSHIFT, 1, &other);
	typed = fm_wedgelayout_key(l, code, 1, &c);
	fm_wedgelayout_key(l, code, 0, &other);
	if (shift)
		fm_wedgelayout_key(l, KEY_LEFTSHIFT, 0, &other);
	return typed ? (int)c : -1;
}

static void
test_chars(void)
{
	static const struct {
		const char *layout;
		unsigned code;
		bool shift;
		int want; /* -1: types nothing (a modifier) */
	} rows[] = {
	    {"us", KEY_1, false, '1'},
	    {"us", KEY_9, false, '9'},
	    {"us", KEY_0, false, '0'},
	    {"us", KEY_KP0, false, '0'}, /* Num Lock starts on */
	    {"us", KEY_KP5, false, '5'},
	    {"us", KEY_KP9, false, '9'},
	    {"us", KEY_A, false, 'a'},
	    {"us", KEY_F, true, 'F'},
	    {"us", KEY_C, false, 'c'},
	    {"us", KEY_ENTER, false, '\n'},
	    {"us", KEY_KPENTER, false, '\n'},
	    {"us", KEY_G, false, 'g'},
	    {"us", KEY_SPACE, false, ' '},
	    {"us", KEY_1, true, '!'},
	    {"us", KEY_F1, false, 0},
	    {"us", KEY_LEFTSHIFT, false, -1},
	    {"us", KEY_MAX + 1, false, 0},
	    /* AZERTY: digits are shifted, A is where US has Q. */
	    {"fr", KEY_1, false, '&'},
	    {"fr", KEY_1, true, '1'},
	    {"fr", KEY_0, true, '0'},
	    {"fr", KEY_0, false, 0xe0}, /* a grave */
	    {"fr", KEY_Q, false, 'a'},
	    {"fr", KEY_Q, true, 'A'},
	    {"fr", KEY_A, false, 'q'},
	    {"fr", KEY_B, true, 'B'},
	    {"fr", KEY_KP7, false, '7'},
	    {"fr", KEY_ENTER, false, '\n'},
	    {"fr", KEY_RIGHTALT, false, -1}, /* AltGr */
	    /* QWERTZ: Y and Z swap, the rest a hex badge types stays. */
	    {"de", KEY_Y, false, 'z'},
	    {"de", KEY_Z, false, 'y'},
	    {"de", KEY_1, false, '1'},
	    {"de", KEY_E, true, 'E'},
	    {"de", KEY_0, true, '='},
	};

	for (EACH_ROW(i, rows)) {
		fm_wedgelayout_t *l = strcmp(rows[i].layout, "fr") == 0 ? fr
		    : strcmp(rows[i].layout, "de") == 0                 ? de
		                                                        : us;
		ASSERT_INT_EQ(
		    char_of(l, rows[i].code, rows[i].shift), rows[i].want);
	}
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

	fm_wedgekeys_init(&k, us);
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

	fm_wedgekeys_init(&k, us);
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

/*
 * Recorded key sequences: what a wedge reader sends for one badge, UID
 * 04 a1 b2 c3, when set to type hex in capitals for each layout.  Each key
 * is as the kernel delivers it from a USB keyboard: the HID usage
 * (EV_MSC MSC_SCAN), the key, a SYN_REPORT; the release the same.  A
 * reader set for fr holds Shift for every digit and for 'A', which is
 * the key US keyboards label Q; one set for de sends the keys a US one
 * does.
 */
struct ev {
	unsigned short type, code;
	int value;
};

#define HID(usage) (0x70000 + (usage))
#define EDGE(code, usage, v)                                                   \
	{EV_MSC, MSC_SCAN, HID(usage)}, {EV_KEY, code, v},                     \
	{                                                                      \
		EV_SYN, SYN_REPORT, 0                                          \
	}
#define TAP(code, usage) EDGE(code, usage, 1), EDGE(code, usage, 0)
#define SHIFTED(code, usage)                                                   \
	EDGE(KEY_LEFTSHIFT, 0xe1, 1), TAP(code, usage),                        \
	    EDGE(KEY_LEFTSHIFT, 0xe1, 0)

static const struct ev badge_us[] = {
    TAP(KEY_0, 0x27),
    TAP(KEY_4, 0x21),
    SHIFTED(KEY_A, 0x04),
    TAP(KEY_1, 0x1e),
    SHIFTED(KEY_B, 0x05),
    TAP(KEY_2, 0x1f),
    SHIFTED(KEY_C, 0x06),
    TAP(KEY_3, 0x20),
    TAP(KEY_ENTER, 0x28),
};

static const struct ev badge_fr[] = {
    SHIFTED(KEY_0, 0x27),
    SHIFTED(KEY_4, 0x21),
    SHIFTED(KEY_Q, 0x14),
    SHIFTED(KEY_1, 0x1e),
    SHIFTED(KEY_B, 0x05),
    SHIFTED(KEY_2, 0x1f),
    SHIFTED(KEY_C, 0x06),
    SHIFTED(KEY_3, 0x20),
    TAP(KEY_ENTER, 0x28),
};

/* A reader set for de that holds Shift through "A1B" (some do), and
 * ends with keypad Enter. */
static const struct ev badge_de[] = {
    TAP(KEY_0, 0x27),
    TAP(KEY_4, 0x21),
    EDGE(KEY_RIGHTSHIFT, 0xe5, 1),
    TAP(KEY_A, 0x04),
    EDGE(KEY_RIGHTSHIFT, 0xe5, 0),
    TAP(KEY_1, 0x1e),
    EDGE(KEY_RIGHTSHIFT, 0xe5, 1),
    TAP(KEY_B, 0x05),
    EDGE(KEY_RIGHTSHIFT, 0xe5, 0),
    TAP(KEY_2, 0x1f),
    SHIFTED(KEY_C, 0x06),
    TAP(KEY_3, 0x20),
    TAP(KEY_KPENTER, 0x58),
};

/* The same badge, the decimal way, on the keypad (Num Lock on). */
static const struct ev badge_fr_keypad[] = {
    TAP(KEY_KP7, 0x5f),
    TAP(KEY_KP7, 0x5f),
    TAP(KEY_KP7, 0x5f),
    TAP(KEY_KP0, 0x62),
    TAP(KEY_KP5, 0x5d),
    TAP(KEY_KP9, 0x61),
    TAP(KEY_KP2, 0x5a),
    TAP(KEY_KP3, 0x5b),
    TAP(KEY_KPENTER, 0x58),
};

/* Feeds n recorded events, 2 ms apart, to a fresh decoder in layout:
 * the number of lines delivered (the last one in line, 64 bytes). */
static int
replay(fm_wedgelayout_t *layout, const struct ev *evs, size_t n, char *line)
{
	struct fm_wedgekeys k;
	int lines = 0;

	line[0] = '\0';
	fm_wedgekeys_init(&k, layout);
	for (size_t i = 0; i < n; i++)
		if (fm_wedgekeys_feed(&k, evs[i].type, evs[i].code,
		        evs[i].value, 1000 + 2 * i) == FM_WEDGEKEYS_LINE) {
			snprintf(line, 64, "%s", k.text);
			lines++;
		}
	return lines;
}

/* The same badge gives the same UID whatever the reader's layout. */
static void
test_recorded_badges(void)
{
	static const struct {
		const char *layout;
		const struct ev *evs;
		size_t n;
		enum fm_uid_input input;
	} rows[] = {
	    {"us", badge_us, NELEM(badge_us), FM_UID_INPUT_HEX},
	    {"fr", badge_fr, NELEM(badge_fr), FM_UID_INPUT_HEX},
	    {"de", badge_de, NELEM(badge_de), FM_UID_INPUT_HEX},
	    {"fr", badge_fr_keypad, NELEM(badge_fr_keypad),
	        FM_UID_INPUT_DECIMAL},
	    {"us", badge_fr_keypad, NELEM(badge_fr_keypad),
	        FM_UID_INPUT_DECIMAL},
	};
	static const uint8_t want[] = {0x04, 0xa1, 0xb2, 0xc3};
	uint8_t uid[FM_UID_MAX];
	const char *err = NULL;
	size_t uidlen = 0;
	char line[64];

	for (EACH_ROW(i, rows)) {
		fm_wedgelayout_t *l = strcmp(rows[i].layout, "fr") == 0 ? fr
		    : strcmp(rows[i].layout, "de") == 0                 ? de
		                                                        : us;
		ASSERT_INT_EQ(replay(l, rows[i].evs, rows[i].n, line), 1);
		ASSERT_TRUE(fm_uid_from_text(
		    line, strlen(line), rows[i].input, uid, &uidlen, &err));
		ASSERT_UINT_EQ(uidlen, sizeof(want));
		ASSERT_MEM_EQ(uid, want, sizeof(want));
	}
}

/* Read in the wrong layout, such a badge is refused, not misread: what an
 * fr reader types means ")$Q!B@C#" to a US keymap, and a US one means
 * "à'a&b" and so on to a French one. */
static void
test_wrong_layout_refused(void)
{
	char line[64];

	ASSERT_INT_EQ(replay(us, badge_fr, NELEM(badge_fr), line), 0);
	ASSERT_INT_EQ(replay(fr, badge_us, NELEM(badge_us), line), 0);
}

/* Shift held when a line ends does not leak into a fresh start: a
 * reader reopened (fm_wedgekeys_reset) types lower case again. */
static void
test_reset_releases_keys(void)
{
	struct fm_wedgekeys k;

	fm_wedgekeys_init(&k, fr);
	fm_wedgekeys_feed(&k, EV_KEY, KEY_LEFTSHIFT, 1, 1000);
	fm_wedgekeys_feed(&k, EV_KEY, KEY_1, 1, 1000);
	fm_wedgekeys_feed(&k, EV_KEY, KEY_1, 0, 1000);
	ASSERT_INT_EQ(fm_wedgekeys_feed(&k, EV_KEY, KEY_ENTER, 1, 1000),
	    FM_WEDGEKEYS_LINE);
	ASSERT_STR_EQ(k.text, "1");
	fm_wedgekeys_reset(&k);
	fm_wedgekeys_feed(&k, EV_KEY, KEY_1, 1, 1010);
	ASSERT_INT_EQ(fm_wedgekeys_feed(&k, EV_KEY, KEY_ENTER, 1, 1010),
	    FM_WEDGEKEYS_DISCARDED); /* '&' */
	/* Without a layout nothing is read. */
	fm_wedgekeys_init(&k, NULL);
	fm_wedgekeys_feed(&k, EV_KEY, KEY_1, 1, 1020);
	ASSERT_INT_EQ(fm_wedgekeys_feed(&k, EV_KEY, KEY_ENTER, 1, 1020),
	    FM_WEDGEKEYS_MORE);
}

static void
test_layout_names(void)
{
	static const struct {
		const char *name;
		bool ok;
		const char *layout, *variant;
	} rows[] = {
	    {"us", true, "us", ""},
	    {"fr", true, "fr", ""},
	    {"de(nodeadkeys)", true, "de", "nodeadkeys"},
	    {"latam", true, "latam", ""},
	    {"fr(oss_latin9)", true, "fr", "oss_latin9"},
	    {"", false, "", ""},
	    {"FR", false, "", ""},
	    {"fr()", false, "", ""},
	    {"(azerty)", false, "", ""},
	    {"fr(azerty", false, "", ""},
	    {"fr(a)b", false, "", ""},
	    {"fr(a(b))", false, "", ""},
	    {"fr,de", false, "", ""},
	    {"../../etc/passwd", false, "", ""},
	    {"fr de", false, "", ""},
	    {"fr\n", false, "", ""},
	    {"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
	        false, "", ""},
	};
	char layout[FM_WEDGELAYOUT_NAMEMAX + 1] = "x";
	char variant[FM_WEDGELAYOUT_NAMEMAX + 1] = "x";

	for (EACH_ROW(i, rows)) {
		ASSERT_INT_EQ(fm_wedgelayout_name_parse(rows[i].name,
		                  strlen(rows[i].name), layout, variant),
		    rows[i].ok);
		ASSERT_STR_EQ(layout, rows[i].layout);
		ASSERT_STR_EQ(variant, rows[i].variant);
	}
	/* Bounded by len, not by a NUL. */
	ASSERT_TRUE(fm_wedgelayout_name_parse("frxx", 2, layout, variant));
	ASSERT_STR_EQ(layout, "fr");
}

/* Layouts the XKB data lacks are refused, saying which. */
static void
test_unknown_layouts(void)
{
	static const char *const names[] = {"xx", "fr(nope)", "FR", "us,fr"};
	fm_wedgelayout_t *l;
	char err[256];

	for (EACH_ROW(i, names)) {
		err[0] = '\0';
		ASSERT_NULL(
		    l = fm_wedgelayout_create(names[i], err, sizeof(err)));
		ASSERT_STR_CONTAINS(err, names[i]);
	}
	ASSERT_NOT_NULL(l = fm_wedgelayout_create(NULL, err, sizeof(err)));
	ASSERT_STR_EQ(fm_wedgelayout_get_name(l), "us");
	fm_wedgelayout_destroy(l);
	fm_wedgelayout_destroy(NULL);
}

int
main(void)
{
	char err[256];

	/* Keymaps are slow to compile: one per layout for every test. */
	if ((us = fm_wedgelayout_create("us", err, sizeof(err))) == NULL ||
	    (fr = fm_wedgelayout_create("fr", err, sizeof(err))) == NULL ||
	    (de = fm_wedgelayout_create("de", err, sizeof(err))) == NULL) {
		fprintf(stderr, "test_wedgekeys: %s\n", err);
		return 1;
	}
	RUN(test_chars);
	RUN(test_lines);
	RUN(test_too_long_and_autorepeat);
	RUN(test_gap_discards_partial);
	RUN(test_recorded_badges);
	RUN(test_wrong_layout_refused);
	RUN(test_reset_releases_keys);
	RUN(test_layout_names);
	RUN(test_unknown_layouts);
	fm_wedgelayout_destroy(us);
	fm_wedgelayout_destroy(fr);
	fm_wedgelayout_destroy(de);
	return harness_done();
}
