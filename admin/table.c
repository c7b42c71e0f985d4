/*
 * table.c - followme-admin's list output: a plain table or JSON.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "admin/table.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "common/i18n.h"
#include "common/json.h"
#include "common/money.h"
#include "common/utf8.h"

/* What a cleaned cell is cut to, as the tables always did. */
#define CLEANMAX 64

void
fm_table_init(struct fm_table *t, FILE *f,
    const struct fm_table_column *columns, size_t ncolumns, bool json)
{
	if (t == NULL)
		return;
	*t = (struct fm_table){f, columns, ncolumns, json, 0, FM_LANG_EN, ""};
}

void
fm_table_localize(
    struct fm_table *t, enum fm_i18n_lang lang, const char *currency)
{
	if (t == NULL)
		return;
	t->lang = lang;
	snprintf(t->currency, sizeof(t->currency), "%s",
	    currency != NULL && strlen(currency) < sizeof(t->currency)
	        ? currency
	        : "");
}

const char *
fm_table_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (buf == NULL || size == 0)
		return "";
	if (t <= 0 || localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, size, "-");
	return buf;
}

/* The cell as the table shows it; buf holds CLEANMAX bytes. */
static const char *
cell_text(const struct fm_table *t, const struct fm_table_column *c,
    const struct fm_table_cell *cell, char *buf)
{
	char day[FM_I18N_DATEMAX];
	time_t tt = (time_t)cell->number;
	struct tm tm;

	switch (c->type) {
	case FM_TABLE_TEXT:
		if (cell->text == NULL)
			return "";
		if ((c->flags & FM_TABLE_CLEAN) == 0)
			return cell->text;
		fm_utf8_clean_shown(
		    buf, CLEANMAX, cell->text, strlen(cell->text));
		return buf;
	case FM_TABLE_INT:
		snprintf(buf, CLEANMAX, "%" PRId64, cell->number);
		return buf;
	case FM_TABLE_BOOL:
		return cell->number != 0 ? "true" : "false";
	case FM_TABLE_MONEY:
		if (t->lang == FM_LANG_FR)
			return fm_i18n_money(
			    cell->number, t->currency, t->lang, buf, CLEANMAX);
		return fm_money_format(cell->number, buf, CLEANMAX);
	case FM_TABLE_TIME:
		if (t->lang != FM_LANG_FR || cell->number <= 0 ||
		    localtime_r(&tt, &tm) == NULL)
			return fm_table_time(cell->number, buf, CLEANMAX);
		snprintf(buf, CLEANMAX, "%s %02d:%02d:%02d",
		    fm_i18n_date(tt, t->lang, day, sizeof(day)), tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
		return buf;
	}
	return "";
}

/* One table line: the cells, or the headings if cells is NULL. */
static void
write_line(const struct fm_table *t, const struct fm_table_cell *cells)
{
	char buf[CLEANMAX];
	bool first = true;
	int w;

	for (size_t i = 0; i < t->ncolumns; i++) {
		const struct fm_table_column *c = &t->columns[i];
		const char *s;

		if (c->header == NULL)
			continue;
		if (!first)
			fputs(c->sep != NULL ? c->sep : " ", t->f);
		first = false;
		s = cells != NULL ? cell_text(t, c, &cells[i], buf)
		                  : _(c->header);
		/* Padded by display width: "1,25 €" and "CRÉÉ" take fewer
		 * cells than bytes. */
		w = (int)fm_i18n_width(s, strlen(s));
		if (c->width > 0)
			fprintf(t->f, "%*s%s", c->width > w ? c->width - w : 0,
			    "", s);
		else if (c->width < 0)
			fprintf(t->f, "%s%*s", s,
			    -c->width > w ? -c->width - w : 0, "");
		else
			fputs(s, t->f);
	}
	fputc('\n', t->f);
}

void
fm_table_fields(struct fm_table *t, const struct fm_table_cell *cells)
{
	char money[FM_MONEY_STRMAX];
	bool first = true;

	if (t == NULL || cells == NULL || !t->json)
		return;
	for (size_t i = 0; i < t->ncolumns; i++) {
		const struct fm_table_column *c = &t->columns[i];

		if (c->key == NULL)
			continue;
		if (!first)
			fputc(',', t->f);
		first = false;
		switch (c->type) {
		case FM_TABLE_TEXT:
			fm_json_key_string(t->f, c->key, cells[i].text);
			break;
		case FM_TABLE_INT:
		case FM_TABLE_TIME:
			fm_json_key_int(t->f, c->key, cells[i].number);
			break;
		case FM_TABLE_BOOL:
			fm_json_string(t->f, c->key);
			fputs(cells[i].number != 0 ? ":true" : ":false", t->f);
			break;
		case FM_TABLE_MONEY:
			fm_json_key_string(t->f, c->key,
			    fm_money_format(
			        cells[i].number, money, sizeof(money)));
			break;
		}
	}
}

void
fm_table_row(struct fm_table *t, const struct fm_table_cell *cells)
{
	if (t == NULL || cells == NULL)
		return;
	if (t->json) {
		fputs(t->rows > 0 ? ",{" : "{", t->f);
		fm_table_fields(t, cells);
		fputc('}', t->f);
	} else {
		if (t->rows == 0)
			write_line(t, NULL);
		write_line(t, cells);
	}
	t->rows++;
}

void
fm_table_object(FILE *f, const struct fm_table_column *columns, size_t ncolumns,
    const struct fm_table_cell *cells)
{
	struct fm_table t;

	if (f == NULL || columns == NULL || cells == NULL)
		return;
	fm_table_init(&t, f, columns, ncolumns, true);
	fm_table_row(&t, cells);
	fputc('\n', f);
}

void
fm_table_begin(struct fm_table *t)
{
	if (t != NULL && t->json)
		fputc('[', t->f);
}

void
fm_table_end(struct fm_table *t, const char *none)
{
	if (t == NULL)
		return;
	if (t->json)
		fputs("]\n", t->f);
	else if (t->rows == 0 && none != NULL)
		fprintf(t->f, "%s\n", _(none));
}
