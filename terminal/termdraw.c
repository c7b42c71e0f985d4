/*
 * termdraw.c - the release terminal's screens, drawn with curses.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "terminal/termdraw.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "common/money.h"
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
	char buf[1024];

	return (int)fm_termtext_fit(buf, sizeof(buf), text, len, 4096, utf8);
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

static const char *
money(int64_t amount, char *buf)
{
	return fm_money_format(amount, buf, FM_MONEY_STRMAX);
}

static void
age(int64_t created, time_t wall, char *buf, size_t size)
{
	int64_t s = (int64_t)wall - created;

	if (s < 60)
		snprintf(buf, size, "now");
	else if (s < 3600)
		snprintf(buf, size, "%lld min", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, size, "%lld h", (long long)(s / 3600));
	else
		snprintf(buf, size, "%lld d", (long long)(s / 86400));
}

static void
draw_jobs(const struct fm_termstate *t, time_t wall, bool utf8)
{
	/* Columns from the right; the title takes what is left, and
	 * narrow screens lose the age and colour columns first. */
	bool wide = COLS >= 60, mid = COLS >= 44;
	int first = 3, rows = LINES - 6, top = 0, w;
	int title_w = COLS - 6 - 12 - (mid ? 7 : 0) - (wide ? 8 : 0) - 6;
	char buf[128], cost[32];

	if (t->njobs == 0) {
		put_center(LINES / 2 - 1, "You have no jobs waiting.", utf8);
		put_center(LINES / 2, "Press Enter or Back to log out.", utf8);
		return;
	}
	attron(A_BOLD);
	mvprintw(
	    2, 1, "    %-*s %5s %11s", title_w, "Document", "Pages", "Cost");
	if (mid)
		printw(" %-6s", "Colour");
	if (wide)
		printw(" %7s", "Age");
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
		if (put(y, x, j->title[0] ? j->title : "(untitled)", title_w,
		        utf8) == 0)
			put(y, x, "(untitled)", title_w, utf8);
		x += title_w + 1;
		if (j->pages > 0)
			snprintf(buf, sizeof(buf), "%5u", j->pages);
		else
			snprintf(buf, sizeof(buf), "%5s", "?");
		mvaddstr(y, x, buf);
		/* "up to 2.50": a job whose pages are unknown is not free.
		 * Right-aligned by cells: "counting\u2026" is longer in bytes.
		 */
		fm_termstate_cost_text(j, cost, sizeof(cost));
		w = cells_of(cost, strlen(cost), utf8);
		put(y, x + 6 + (w < 11 ? 11 - w : 0), cost, 11, utf8);
		x += 18;
		if (mid)
			mvprintw(y, x, "%-6s",
			    j->pages == 0             ? "?"
			        : j->color_pages == 0 ? "mono"
			                              : "colour");
		if (wide) {
			age(j->created_at, wall, buf, sizeof(buf));
			mvprintw(y, x + 7, "%7s", buf);
		}
		if (i == t->cursor)
			attroff(A_REVERSE);
	}
	if (t->more_jobs)
		put(first + rows, 5,
		    "More jobs are held: showing the first 64.", COLS - 6,
		    utf8);
}

static void
draw_actions(const struct fm_termstate *t, bool utf8)
{
	static const char *const items[FM_ACTION_COUNT] = {
	    [FM_ACTION_PRINT] = "Print",
	    [FM_ACTION_OPTIONS] = "Print with options...",
	    [FM_ACTION_DELETE] = "Delete",
	    [FM_ACTION_EXTEND] = "Keep longer",
	};
	size_t n = fm_termstate_selected(t);
	char line[FM_PROTO_TEXTMAX + 32];

	if (n == 1 && t->cursor < t->njobs)
		snprintf(line, sizeof(line), "%s",
		    t->jobs[t->cursor].title[0] ? t->jobs[t->cursor].title
		                                : "(untitled)");
	else
		snprintf(line, sizeof(line), "%zu jobs chosen", n);
	for (size_t i = 0; n == 1 && i < t->njobs; i++)
		if (t->marked[i])
			snprintf(line, sizeof(line), "%s",
			    t->jobs[i].title[0] ? t->jobs[i].title
			                        : "(untitled)");
	attron(A_BOLD);
	put(3, 3, line, COLS - 6, utf8);
	attroff(A_BOLD);
	for (unsigned i = 0; i < FM_ACTION_COUNT && 5 + (int)i < LINES - 2;
	     i++) {
		if (i == t->menu)
			attron(A_REVERSE);
		mvprintw(5 + (int)i, 5, " %u  %-24s ", i + 1, items[i]);
		if (i == t->menu)
			attroff(A_REVERSE);
	}
}

static void
draw_options(const struct fm_termstate *t)
{
	char rows[FM_OPTION_COUNT][64];

	snprintf(rows[FM_OPTION_COPIES], sizeof(rows[0]),
	    "Copies         < %u >  (at most %u)", t->copies, t->max_copies);
	snprintf(rows[FM_OPTION_DUPLEX], sizeof(rows[0]), "Two-sided      [%c]",
	    t->duplex ? 'x' : ' ');
	snprintf(rows[FM_OPTION_GRAY], sizeof(rows[0]), "Black & white  [%c]",
	    t->gray ? 'x' : ' ');
	snprintf(rows[FM_OPTION_PRINT], sizeof(rows[0]), "Print");
	for (unsigned i = 0; i < FM_OPTION_COUNT && 3 + (int)i < LINES - 2;
	     i++) {
		if (i == t->menu)
			attron(A_REVERSE);
		mvprintw(3 + (int)i, 3, " %-.*s ", COLS - 8, rows[i]);
		if (i == t->menu)
			attroff(A_REVERSE);
	}
}

static void
draw_lines(const struct fm_termstate *t, bool utf8)
{
	int y = 3, title_w = COLS / 3;
	char summary[FM_PROTO_TEXTMAX + 96], m[FM_MONEY_STRMAX];

	for (size_t i = 0; i < t->nlines && y < LINES - 3; i++, y++) {
		const struct fm_termstate_line *l = &t->lines[i];

		put(y, 2, l->title[0] ? l->title : "(untitled)", title_w, utf8);
		put(y, 3 + title_w, l->message, COLS - title_w - 4, utf8);
	}
	if (t->screen != FM_SCREEN_RESULT)
		return;
	y++;
	if (t->printed > 0)
		snprintf(summary, sizeof(summary),
		    "Printed %u job(s), %u page(s), charged %s.", t->printed,
		    t->pages_printed, money(t->charged, m));
	else
		snprintf(summary, sizeof(summary), "%s",
		    t->result[0] ? t->result : "Nothing was printed.");
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
		    t->has_reader ? "Tap your badge" : "Press Enter to log in",
		    utf8);
		attroff(A_BOLD);
		put_wrapped(mid + 1, LINES - 3,
		    t->has_reader
		        ? "or press Enter to log in with your user name and PIN"
		        : "with your user name and PIN",
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
		    "This badge is not linked to anyone yet.", utf8);
		attroff(A_BOLD);
		put_wrapped(mid, LINES - 3,
		    "Press Enter to log in with your user name and PIN and "
		    "link it to you, or Back to cancel.",
		    utf8);
		break;
	case FM_SCREEN_USER:
	case FM_SCREEN_PIN:
	case FM_SCREEN_BADGE_PIN:
		if (t->associating)
			put(3, 3, "Log in to link your badge.", COLS - 6, utf8);
		if (t->screen == FM_SCREEN_BADGE_PIN) {
			put(3, 3, "Badge recognised.", COLS - 6, utf8);
		} else {
			snprintf(line, sizeof(line), "User name: %s%s",
			    t->user_input,
			    t->screen == FM_SCREEN_USER ? "_" : "");
			put(mid - 1, 5, line, COLS - 8, utf8);
		}
		if (t->screen != FM_SCREEN_USER) {
			size_t n = t->pin_len < 64 ? t->pin_len : 64;
			memcpy(line, "PIN:       ", 11);
			memset(line + 11, '*', n);
			memcpy(line + 11 + n, "_", 2);
			put(mid + 1, 5, line, COLS - 8, utf8);
		}
		break;
	case FM_SCREEN_JOBS:
		draw_jobs(t, wall, utf8);
		break;
	case FM_SCREEN_ACTIONS:
		draw_actions(t, utf8);
		break;
	case FM_SCREEN_OPTIONS:
		draw_options(t);
		break;
	case FM_SCREEN_PROGRESS:
	case FM_SCREEN_RESULT:
		attron(A_BOLD);
		put(2, 2,
		    t->screen == FM_SCREEN_PROGRESS ? "Printing..."
		                                    : "Finished",
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
		return "Enter: log in with PIN";
	case FM_SCREEN_USER:
		return "Enter: next   Back: delete / cancel";
	case FM_SCREEN_PIN:
	case FM_SCREEN_BADGE_PIN:
		return "Enter: log in   Back: delete / cancel";
	case FM_SCREEN_ASSOCIATE:
		return "Enter: link this badge   Back: cancel";
	case FM_SCREEN_JOBS:
		return t->njobs ? "Up/Down (8/2): move  * (5): mark  +: all  "
		                  "Enter: choose  Back: log out"
		                : "Enter or Back: log out";
	case FM_SCREEN_ACTIONS:
		return "1-4 or Up/Down and Enter   Back: jobs";
	case FM_SCREEN_OPTIONS:
		return "Up/Down: choose  Left/Right: copies  Enter: change or "
		       "print  Back";
	case FM_SCREEN_RESULT:
		return "Any key: log out";
	case FM_SCREEN_NOTICE:
		return "Any key: continue";
	default:
		return "";
	}
}

void
fm_termdraw_screen(const struct fm_termstate *t, time_t wall, bool utf8)
{
	char left[2 * FM_PROTO_TEXTMAX + 8], right[64], m[FM_MONEY_STRMAX];
	struct tm tm;
	const char *status = NULL;

	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		put(0, 0, "Screen too small", COLS, utf8);
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
		snprintf(
		    right, sizeof(right), "Balance %s", money(t->balance, m));
		put(1, 1, left, COLS - (int)strlen(right) - 4, utf8);
		put(1, COLS - (int)strlen(right) - 1, right, (int)strlen(right),
		    utf8);
	}
	draw_body(t, wall, utf8);

	if (!t->connected)
		status = "Print server unavailable - reconnecting...";
	else if (!t->reader_ok)
		status = "Badge reader unavailable - log in with your PIN";
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
