/*
 * pagetally.c - streaming tally of pages, colour and N-up sides.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "spooler/pagetally.h"

void
fm_pagetally_init(struct fm_pagetally *t, unsigned number_up)
{
	memset(t, 0, sizeof(*t));
	t->number_up = number_up ? number_up : 1;
	t->status = FM_PC_OK;
	t->doc_copies = 1;
	t->want_color = true;
}

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

uint64_t
fm_pagetally_mul(uint64_t a, uint64_t b)
{
	if (a != 0 && b > UINT64_MAX / a)
		return UINT64_MAX;
	return a * b;
}

void
fm_pagetally_add(struct fm_pagetally *t, bool color, uint64_t repeat)
{
	uint64_t left, full;

	if (repeat == 0)
		repeat = 1;
	if (t->pages == 0)
		t->repeat = repeat;
	else if (t->repeat != repeat)
		t->repeat_mixed = true;
	t->pages = sat_add(t->pages, 1);
	if (color)
		t->color_pages = sat_add(t->color_pages, 1);

	/*
	 * The repeats fill the open side first, then whole sides, then open
	 * a new one; done arithmetically so that a page repeated 2^32 times
	 * costs nothing.
	 */
	left = repeat;
	if (t->fill > 0) {
		uint64_t room = t->number_up - t->fill;
		uint64_t take = left < room ? left : room;
		t->fill += (unsigned)take;
		t->fill_color |= color;
		left -= take;
		if (t->fill == t->number_up) {
			t->sides = sat_add(t->sides, 1);
			if (t->fill_color)
				t->color_sides = sat_add(t->color_sides, 1);
			t->fill = 0;
			t->fill_color = false;
		}
	}
	full = left / t->number_up;
	t->sides = sat_add(t->sides, full);
	if (color)
		t->color_sides = sat_add(t->color_sides, full);
	left -= full * t->number_up;
	if (left > 0) {
		t->fill = (unsigned)left;
		t->fill_color = color;
	}
}

void
fm_pagetally_finish(struct fm_pagetally *t)
{
	if (t->fill == 0)
		return;
	t->sides = sat_add(t->sides, 1);
	if (t->fill_color)
		t->color_sides = sat_add(t->color_sides, 1);
	t->fill = 0;
	t->fill_color = false;
}

void
fm_pagetally_fail(
    struct fm_pagetally *t, enum fm_pc_status status, const char *fmt, ...)
{
	va_list ap;

	if (t->status != FM_PC_OK)
		return;
	t->status = status;
	va_start(ap, fmt);
	vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
	va_end(ap);
}

bool
fm_pagetally_ok(const struct fm_pagetally *t)
{
	return t->status == FM_PC_OK;
}
