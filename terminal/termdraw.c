/*
 * termdraw.c - the release terminal's screens, drawn with curses.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "terminal/termdraw.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "common/i18n.h"
#include "terminal/termtext.h"

#define MIN_COLS 30
#define MIN_LINES 8

bool
fm_termdraw_open(void)
{
	if (initscr() == NULL)
		return false;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* Escape is "Back": do not wait long for a sequence after it. */
	set_escdelay(25);
	curs_set(0);
	return true;
}

void
fm_termdraw_close(void)
{
	endwin();
}

/* Draws text from outside at (y, x), at most width cells. */
static int
put(int y, int x, const char *text, int width, bool utf8)
{
	char buf[1024];
	size_t cells;

	if (width <= 0 || y < 0 || y >= LINES)
		return 0;
	cells = fm_termtext_fit(
	    buf, sizeof(buf), text, strlen(text), (size_t)width, utf8);
	mvaddstr(y, x, buf);
	return (int)cells;
}

static int
cells_of(const char *text, size_t len, bool utf8)
{
	return (int)fm_termtext_width(text, len, utf8);
}

/* Draws text in the width cells from x, flush right; padding counts
 * cells, not bytes ("0,30 €" is 6 cells in 9 bytes). */
static void
put_right(int y, int x, int width, const char *text, bool utf8)
{
	int w = cells_of(text, strlen(text), utf8);

	put(y, w < width ? x + width - w : x, text, width, utf8);
}

static void
put_center(int y, const char *text, bool utf8)
{
	int w = cells_of(text, strlen(text), utf8);

	put(y, w < COLS ? (COLS - w) / 2 : 0, text, COLS, utf8);
}

/* Word-wraps text over rows from y, centred; returns the next row. */
static int
put_wrapped(int y, int last, const char *text, bool utf8)
{
	const char *p = text;
	char line[512];
	int width = COLS - 4;

	while (*p != '\0' && y <= last) {
		size_t len = strlen(p), cut = 0;

		if (cells_of(p, len, utf8) <= width) {
			cut = len;
		} else {
			for (size_t i = 1; i < len; i++)
				if (p[i] == ' ' &&
				    cells_of(p, i, utf8) <= width)
					cut = i;
			if (cut == 0)
				cut = len; /* one long word: cut with "..." */
		}
		snprintf(line, sizeof(line), "%.*s", (int)cut, p);
		put_center(y++, line, utf8);
		p += cut;
		while (*p == ' ')
			p++;
	}
	return y;
}

static void
bar(int y, const char *left, const char *right, bool utf8)
{
	int rw = right ? cells_of(right, strlen(right), utf8) : 0;

	attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	put(y, 1, left, COLS - rw - 3, utf8);
	if (right != NULL && rw + 2 < COLS)
		put(y, COLS - rw - 1, right, rw, utf8);
	attroff(A_REVERSE);
}

static void
age(int64_t created, time_t wall, char *buf, size_t size)
{
	int64_t s = (int64_t)wall - created;

	/* TRANSLATORS: ages in the job list, at most 7 cells. */
	if (s < 60)
		snprintf(buf, size, "%s", _("now"));
	else if (s < 3600)
		snprintf(buf, size, _("%lld min"), (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, size, _("%lld h"), (long long)(s / 3600));
	else
		snprintf(buf, size, _("%lld d"), (long long)(s / 86400));
}

static void
draw_jobs(const struct fm_termstate *t, time_t wall, bool utf8)
{
	/* Columns from the right; the title takes what is left, and
	 * narrow screens lose the age and colour columns first. */
	bool wide = COLS >= 60, mid = COLS >= 44;
	int first = 3, rows = LINES - 6, top = 0;
	/* Column widths in cells: pages, cost, colour, age. */
	enum { PAGES_W = 5, COST_W = 12, COLOUR_W = 7, AGE_W = 7 };
	int title_w = COLS - 5 - 1 - PAGES_W - 1 - COST_W - 1 -
	    (mid ? COLOUR_W + 1 : 0) - (wide ? AGE_W : 0) - 1;
	int x_pages = 5 + title_w + 1, x_cost = x_pages + PAGES_W + 1;
	int x_colour = x_cost + COST_W + 1, x_age = x_colour + COLOUR_W + 1;
	char buf[128], cost[64];

	if (t->njobs == 0) {
		put_center(LINES / 2 - 1, _("You have no jobs waiting."), utf8);
		put_center(
		    LINES / 2, _("Press Enter or Back to log out."), utf8);
		return;
	}
	attron(A_BOLD);
	put(2, 5, _("Document"), title_w, utf8);
	put_right(2, x_pages, PAGES_W, _("Pages"), utf8);
	put_right(2, x_cost, COST_W, _("Cost"), utf8);
	if (mid)
		put(2, x_colour, _("Colour"), COLOUR_W, utf8);
	if (wide)
		put_right(2, x_age, AGE_W, _("Age"), utf8);
	attroff(A_BOLD);
	if (t->more_jobs)
		rows--;
	if ((int)t->cursor >= rows)
		top = (int)t->cursor - rows + 1;
	for (int r = 0; r < rows && top + r < (int)t->njobs; r++) {
		const struct fm_proto_job *j = &t->jobs[top + r];
		size_t i = (size_t)(top + r);
		int y = first + r, x = 1;

		if (i == t->cursor)
			attron(A_REVERSE);
		mvhline(y, 0, ' ', COLS);
		mvaddstr(y, x, t->marked[i] ? "[x] " : "[ ] ");
		x += 4;
		if (put(y, x, j->title[0] ? j->title : _("(untitled)"), title_w,
		        utf8) == 0)
			put(y, x, _("(untitled)"), title_w, utf8);
		if (j->pages > 0)
			snprintf(buf, sizeof(buf), "%u", j->pages);
		else
			snprintf(buf, sizeof(buf), "?");
		put_right(y, x_pages, PAGES_W, buf, utf8);
		/* "up to 2.50": a job whose pages are unknown is not free. */
		put_right(y, x_cost, COST_W,
		    fm_termstate_cost_text(t, j, cost, sizeof(cost)), utf8);
		if (mid)
			put(y, x_colour,
			    j->pages == 0             ? "?"
			        : j->color_pages == 0 ? _("mono")
			                              : _("colour"),
			    COLOUR_W, utf8);
		if (wide) {
			age(j->created_at, wall, buf, sizeof(buf));
			put_right(y, x_age, AGE_W, buf, utf8);
		}
		if (i == t->cursor)
			attroff(A_REVERSE);
	}
	if (t->more_jobs)
		put(first + rows, 5,
		    _("More jobs are held: showing the first 64."), COLS - 6,
		    utf8);
}

static void
draw_actions(const struct fm_termstate *t, bool utf8)
{
	const char *const items[FM_ACTION_COUNT] = {
	    [FM_ACTION_PRINT] = _("Print"),
	    [FM_ACTION_OPTIONS] = _("Print with options..."),
	    [FM_ACTION_DELETE] = _("Delete"),
	    [FM_ACTION_EXTEND] = _("Keep longer"),
	};
	size_t n = fm_termstate_selected(t);
	char line[FM_PROTO_TEXTMAX + 32];

	if (n == 1 && t->cursor < t->njobs)
		snprintf(line, sizeof(line), "%s",
		    t->jobs[t->cursor].title[0] ? t->jobs[t->cursor].title
		                                : _("(untitled)"));
	else
		snprintf(line, sizeof(line),
		    P_("%zu job chosen", "%zu jobs chosen", n), n);
	for (size_t i = 0; n == 1 && i < t->njobs; i++)
		if (t->marked[i])
			snprintf(line, sizeof(line), "%s",
			    t->jobs[i].title[0] ? t->jobs[i].title
			                        : _("(untitled)"));
	attron(A_BOLD);
	put(3, 3, line, COLS - 6, utf8);
	attroff(A_BOLD);
	for (unsigned i = 0; i < FM_ACTION_COUNT && 5 + (int)i < LINES - 2;
	     i++) {
		if (i == t->menu)
			attron(A_REVERSE);
		/* The bar is 30 cells whatever the label's bytes. */
		mvhline(5 + (int)i, 5, ' ', 30 < COLS - 6 ? 30 : COLS - 6);
		mvprintw(5 + (int)i, 6, "%u", i + 1);
		put(5 + (int)i, 9, items[i],
		    30 - 5 < COLS - 12 ? 25 : COLS - 12, utf8);
		if (i == t->menu)
			attroff(A_REVERSE);
	}
}

static void
draw_options(const struct fm_termstate *t, bool utf8)
{
	const char *labels[FM_OPTION_COUNT] = {
	    [FM_OPTION_COPIES] = _("Copies"),
	    [FM_OPTION_DUPLEX] = _("Two-sided"),
	    [FM_OPTION_GRAY] = _("Black & white"),
	    [FM_OPTION_PRINT] = _("Print"),
	};
	char values[FM_OPTION_COUNT][96];
	int label_w = 0;

	/* The values line up after the widest label, measured in cells. */
	for (unsigned i = 0; i < FM_OPTION_COUNT - 1; i++) {
		int w = cells_of(labels[i], strlen(labels[i]), utf8);
		label_w = w > label_w ? w : label_w;
	}
	snprintf(values[FM_OPTION_COPIES], sizeof(values[0]),
	    _("< %u >  (at most %u)"), t->copies, t->max_copies);
	snprintf(values[FM_OPTION_DUPLEX], sizeof(values[0]), "[%c]",
	    t->duplex ? 'x' : ' ');
	snprintf(values[FM_OPTION_GRAY], sizeof(values[0]), "[%c]",
	    t->gray ? 'x' : ' ');
	values[FM_OPTION_PRINT][0] = '\0';
	for (unsigned i = 0; i < FM_OPTION_COUNT && 3 + (int)i < LINES - 2;
	     i++) {
		int y = 3 + (int)i, x = 4 + label_w + 2;

		if (i == t->menu)
			attron(A_REVERSE);
		mvhline(y, 3, ' ', COLS - 6);
		put(y, 4, labels[i], COLS - 8, utf8);
		if (values[i][0] != '\0' && x < COLS - 4)
			put(y, x, values[i], COLS - 4 - x, utf8);
		if (i == t->menu)
			attroff(A_REVERSE);
	}
}

static void
draw_lines(const struct fm_termstate *t, bool utf8)
{
	int y = 3, title_w = COLS / 3;
	char summary[FM_PROTO_TEXTMAX + 96], m[FM_I18N_MONEYMAX];
	char jobs[64], pages[64];

	for (size_t i = 0; i < t->nlines && y < LINES - 3; i++, y++) {
		const struct fm_termstate_line *l = &t->lines[i];

		put(y, 2, l->title[0] ? l->title : _("(untitled)"), title_w,
		    utf8);
		put(y, 3 + title_w, l->message, COLS - title_w - 4, utf8);
	}
	if (t->screen != FM_SCREEN_RESULT)
		return;
	y++;
	if (t->printed > 0) {
		snprintf(jobs, sizeof(jobs),
		    P_("%u job", "%u jobs", t->printed), t->printed);
		snprintf(pages, sizeof(pages),
		    P_("%u page", "%u pages", t->pages_printed),
		    t->pages_printed);
		/* TRANSLATORS: "Printed 2 jobs, 6 pages, charged €0.60." */
		snprintf(summary, sizeof(summary),
		    _("Printed %s, %s, charged %s."), jobs, pages,
		    fm_termstate_money(t, t->charged, m, sizeof(m)));
	} else {
		snprintf(summary, sizeof(summary), "%s",
		    t->result[0] ? t->result : _("Nothing was printed."));
	}
	attron(A_BOLD);
	put_wrapped(y, LINES - 3, summary, utf8);
	attroff(A_BOLD);
}

static void
draw_body(const struct fm_termstate *t, time_t wall, bool utf8)
{
	char line[FM_PROTO_SECRETMAX + 64];
	int mid = LINES / 2 - 1;

	switch (t->screen) {
	case FM_SCREEN_IDLE:
		/* Offer the badge only where there is a reader to tap. */
		attron(A_BOLD);
		put_center(mid - 1,
		    t->has_reader ? _("Tap your badge")
		                  : _("Press Enter to log in"),
		    utf8);
		attroff(A_BOLD);
		put_wrapped(mid + 1, LINES - 3,
		    t->has_reader ? _("or press Enter to log in with your user "
		                      "name and PIN")
		                  : _("with your user name and PIN"),
		    utf8);
		break;
	case FM_SCREEN_NOTICE:
		attron(A_BOLD);
		put_wrapped(mid - 1, LINES - 3, t->notice, utf8);
		attroff(A_BOLD);
		break;
	case FM_SCREEN_BUSY:
		put_center(mid, t->busy_text, utf8);
		break;
	case FM_SCREEN_ASSOCIATE:
		attron(A_BOLD);
		put_wrapped(mid - 2, LINES - 3,
		    _("This badge is not linked to anyone yet."), utf8);
		attroff(A_BOLD);
		put_wrapped(mid, LINES - 3,
		    _("Press Enter to log in with your user name and PIN and "
		      "link it to you, or Back to cancel."),
		    utf8);
		break;
	case FM_SCREEN_USER:
	case FM_SCREEN_PIN:
	case FM_SCREEN_BADGE_PIN:
		if (t->associating)
			put(3, 3, _("Log in to link your badge."), COLS - 6,
			    utf8);
		if (t->screen == FM_SCREEN_BADGE_PIN) {
			put(3, 3, _("Badge recognised."), COLS - 6, utf8);
		} else {
			snprintf(line, sizeof(line), "%s %s%s", _("User name:"),
			    t->user_input,
			    t->screen == FM_SCREEN_USER ? "_" : "");
			put(mid - 1, 5, line, COLS - 8, utf8);
		}
		if (t->screen != FM_SCREEN_USER) {
			size_t n = t->pin_len < 64 ? t->pin_len : 64;
			int x = 5 +
			    cells_of(_("User name:"), strlen(_("User name:")),
			        utf8) +
			    1;
			char stars[72];

			/* The PIN lines up under the user name, by cells. */
			put(mid + 1, 5, _("PIN:"), COLS - 8, utf8);
			memset(stars, '*', n);
			memcpy(stars + n, "_", 2);
			if (x < COLS - 3)
				put(mid + 1, x, stars, COLS - 3 - x, utf8);
		}
		break;
	case FM_SCREEN_JOBS:
		draw_jobs(t, wall, utf8);
		break;
	case FM_SCREEN_ACTIONS:
		draw_actions(t, utf8);
		break;
	case FM_SCREEN_OPTIONS:
		draw_options(t, utf8);
		break;
	case FM_SCREEN_PROGRESS:
	case FM_SCREEN_RESULT:
		attron(A_BOLD);
		put(2, 2,
		    t->screen == FM_SCREEN_PROGRESS ? _("Printing...")
		                                    : _("Finished"),
		    COLS - 4, utf8);
		attroff(A_BOLD);
		draw_lines(t, utf8);
		break;
	}
}

static const char *
help_of(const struct fm_termstate *t)
{
	switch (t->screen) {
	case FM_SCREEN_IDLE:
		return _("Enter: log in with PIN");
	case FM_SCREEN_USER:
		return _("Enter: next   Back: delete / cancel");
	case FM_SCREEN_PIN:
	case FM_SCREEN_BADGE_PIN:
		return _("Enter: log in   Back: delete / cancel");
	case FM_SCREEN_ASSOCIATE:
		return _("Enter: link this badge   Back: cancel");
	case FM_SCREEN_JOBS:
		return t->njobs ? _("Up/Down (8/2): move  * (5): mark  +: all  "
		                    "Enter: choose  Back: log out")
		                : _("Enter or Back: log out");
	case FM_SCREEN_ACTIONS:
		return _("1-4 or Up/Down and Enter   Back: jobs");
	case FM_SCREEN_OPTIONS:
		return _("Up/Down: choose  Left/Right: copies  Enter: change "
		         "or print  Back");
	case FM_SCREEN_RESULT:
		return _("Any key: log out");
	case FM_SCREEN_NOTICE:
		return _("Any key: continue");
	default:
		return "";
	}
}

void
fm_termdraw_screen(const struct fm_termstate *t, time_t wall, bool utf8)
{
	char left[2 * FM_PROTO_TEXTMAX + 8], right[128], m[FM_I18N_MONEYMAX];
	struct tm tm;
	const char *status = NULL;
	int rw;

	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		put(0, 0, _("Screen too small"), COLS, utf8);
		refresh();
		return;
	}
	localtime_r(&wall, &tm);
	snprintf(left, sizeof(left), "Followme  %s",
	    t->printer[0] ? t->printer : "");
	strftime(right, sizeof(right), "%H:%M", &tm);
	bar(0, left, right, utf8);
	if (t->logged_in) {
		snprintf(left, sizeof(left), "%s (%s)",
		    t->full_name[0] ? t->full_name : t->user, t->user);
		snprintf(right, sizeof(right), _("Balance %s"),
		    fm_termstate_money(t, t->balance, m, sizeof(m)));
		rw = cells_of(right, strlen(right), utf8);
		put(1, 1, left, COLS - rw - 4, utf8);
		put(1, COLS - rw - 1, right, rw, utf8);
	}
	draw_body(t, wall, utf8);

	if (!t->connected)
		status = _("Print server unavailable - reconnecting...");
	else if (!t->reader_ok)
		status = _("Badge reader unavailable - log in with your PIN");
	else if (t->notice[0] != '\0' && t->screen != FM_SCREEN_NOTICE)
		status = t->notice;
	if (status != NULL) {
		attron(A_BOLD);
		put(LINES - 2, 1, status, COLS - 2, utf8);
		attroff(A_BOLD);
	}
	bar(LINES - 1, help_of(t), NULL, utf8);
	refresh();
}

bool
fm_termdraw_read_key(enum fm_termstate_key *key, int *ch)
{
	int c;

	for (;;) {
		if ((c = getch()) == ERR)
			return false;
		*ch = 0;
		switch (c) {
		case KEY_UP:
			*key = FM_KEY_UP;
			return true;
		case KEY_DOWN:
			*key = FM_KEY_DOWN;
			return true;
		case KEY_LEFT:
			*key = FM_KEY_LEFT;
			return true;
		case KEY_RIGHT:
			*key = FM_KEY_RIGHT;
			return true;
		case '\n':
		case '\r':
		case KEY_ENTER:
			*key = FM_KEY_ENTER;
			return true;
		case KEY_BACKSPACE:
		case KEY_DC:
		case 127:
		case 8:
		case 27:
			*key = FM_KEY_BACK;
			return true;
		default:
			if (c >= 0x20 && c < 0x7f) {
				*key = FM_KEY_CHAR;
				*ch = c;
				return true;
			}
			break; /* function keys, resizes, non-ASCII bytes */
		}
	}
}
