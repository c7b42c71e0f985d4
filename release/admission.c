/*
 * admission.c - followmed's pools of terminal connections (handshakes
 * and authenticated terminals) and the admission messages.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/admission.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/wire.h"

struct fm_admission {
	struct fm_admission_limits limits;
	uint64_t next_seq;
	size_t size;
	struct fm_admission_slot slots[]; /* size of them */
};

fm_admission_t *
fm_admission_create(const struct fm_admission_limits *l)
{
	fm_admission_t *a;
	size_t size;

	if (l == NULL || l->max_pending == 0 || l->max_per_address == 0 ||
	    l->max_active == 0)
		return NULL;
	/* The dying stay until followmed reaps them, at its next turn. */
	size = 2 * (size_t)l->max_pending + l->max_active;
	if ((a = calloc(1, sizeof(*a) + size * sizeof(a->slots[0]))) == NULL)
		return NULL;
	a->limits = *l;
	a->size = size;
	for (size_t i = 0; i < size; i++)
		a->slots[i].ctl = -1;
	return a;
}

void
fm_admission_destroy(fm_admission_t *a)
{
	free(a);
}

static struct fm_admission_slot *
find(fm_admission_t *a, pid_t pid)
{
	for (size_t i = 0; i < a->size; i++)
		if (a->slots[i].state != FM_ADMISSION_FREE &&
		    a->slots[i].pid == pid)
			return &a->slots[i];
	return NULL;
}

struct fm_admission_slot *
fm_admission_find(fm_admission_t *a, pid_t pid)
{
	return a == NULL ? NULL : find(a, pid);
}

size_t
fm_admission_count(
    const fm_admission_t *a, enum fm_admission_state state, const char *addr)
{
	size_t n = 0;

	if (a == NULL)
		return 0;
	for (size_t i = 0; i < a->size; i++)
		if (a->slots[i].state == state &&
		    (addr == NULL || strcmp(a->slots[i].addr, addr) == 0))
			n++;
	return n;
}

bool
fm_admission_has_room(const fm_admission_t *a)
{
	/* Evicted sessions die at once but are reaped only at followmed's
	 * next turn: a burst must not evict without bound meanwhile. */
	return a != NULL &&
	    fm_admission_count(a, FM_ADMISSION_FREE, NULL) > 0 &&
	    fm_admission_count(a, FM_ADMISSION_DYING, NULL) <
	    a->limits.max_pending / 4 + 1;
}

enum fm_admission_verdict
fm_admission_check(const fm_admission_t *a, const char *addr, pid_t *victim)
{
	const struct fm_admission_slot *best = NULL;
	size_t mine, most = 0;

	if (a == NULL || addr == NULL || victim == NULL)
		return FM_ADMISSION_REFUSE_TABLE;
	mine = fm_admission_count(a, FM_ADMISSION_PENDING, addr);
	if (mine >= a->limits.max_per_address)
		return FM_ADMISSION_REFUSE_ADDRESS;
	if (!fm_admission_has_room(a))
		return FM_ADMISSION_REFUSE_TABLE;
	if (fm_admission_count(a, FM_ADMISSION_PENDING, NULL) <
	    a->limits.max_pending)
		return FM_ADMISSION_TAKE;
	/* Full: the oldest handshake of the address holding the most, if
	 * that evens the shares out (it holds at least two more than the
	 * newcomer's: a swap between equals would only churn), or the
	 * newcomer's address holds none.  Quadratic in max_pending, which
	 * is small. */
	for (size_t i = 0; i < a->size; i++) {
		const struct fm_admission_slot *s = &a->slots[i];
		size_t n;

		if (s->state != FM_ADMISSION_PENDING)
			continue;
		n = fm_admission_count(a, FM_ADMISSION_PENDING, s->addr);
		if (n > most || (n == most && s->seq < best->seq)) {
			most = n;
			best = s;
		}
	}
	if (best == NULL || (most < mine + 2 && mine > 0))
		return FM_ADMISSION_REFUSE_FULL;
	*victim = best->pid;
	return FM_ADMISSION_TAKE_EVICT;
}

bool
fm_admission_evict(fm_admission_t *a, pid_t pid)
{
	struct fm_admission_slot *s;

	if (a == NULL || (s = find(a, pid)) == NULL ||
	    s->state != FM_ADMISSION_PENDING)
		return false;
	s->state = FM_ADMISSION_DYING;
	return true;
}

bool
fm_admission_add(fm_admission_t *a, pid_t pid, const char *addr, int ctl)
{
	if (a == NULL || addr == NULL || pid <= 0)
		return false;
	for (size_t i = 0; i < a->size; i++) {
		struct fm_admission_slot *s = &a->slots[i];

		if (s->state != FM_ADMISSION_FREE)
			continue;
		s->pid = pid;
		s->state = FM_ADMISSION_PENDING;
		snprintf(s->addr, sizeof(s->addr), "%s", addr);
		s->seq = a->next_seq++;
		s->ctl = ctl;
		return true;
	}
	return false;
}

bool
fm_admission_promote(fm_admission_t *a, pid_t pid)
{
	struct fm_admission_slot *s;

	if (a == NULL || (s = find(a, pid)) == NULL ||
	    s->state != FM_ADMISSION_PENDING)
		return false;
	if (fm_admission_count(a, FM_ADMISSION_ACTIVE, NULL) >=
	    a->limits.max_active) {
		s->state = FM_ADMISSION_DYING;
		return false;
	}
	s->state = FM_ADMISSION_ACTIVE;
	return true;
}

bool
fm_admission_remove(fm_admission_t *a, pid_t pid)
{
	struct fm_admission_slot *s;

	if (a == NULL || (s = find(a, pid)) == NULL)
		return false;
	memset(s, 0, sizeof(*s));
	s->state = FM_ADMISSION_FREE;
	s->ctl = -1;
	return true;
}

size_t
fm_admission_size(const fm_admission_t *a)
{
	return a == NULL ? 0 : a->size;
}

struct fm_admission_slot *
fm_admission_slot(fm_admission_t *a, size_t i)
{
	return a == NULL || i >= a->size ? NULL : &a->slots[i];
}

/* --- messages ------------------------------------------------------ */

static const struct fm_wire_format request = {FM_ADMISSION_VERSION, 3,
    FM_ADMISSION_MAX, sizeof(struct fm_admission_request),
    "bad admission request length", "unsupported admission version",
    "malformed admission request"};
static const struct fm_wire_format reply = {FM_ADMISSION_VERSION, 3,
    FM_ADMISSION_MAX, sizeof(struct fm_admission_reply),
    "bad admission reply length", "unsupported admission version",
    "malformed admission reply"};

static void
put_request(struct fm_wire_writer *w, const void *msg)
{
	const struct fm_admission_request *m = msg;

	fm_wire_put_plain8(w, m->terminal, sizeof(m->terminal), 1);
}

static const char *
get_request(struct fm_wire_reader *r, void *msg)
{
	struct fm_admission_request *m = msg;

	fm_wire_get_plain8(r, m->terminal, sizeof(m->terminal), 1);
	return NULL;
}

static void
put_reply(struct fm_wire_writer *w, const void *msg)
{
	const struct fm_admission_reply *m = msg;

	fm_wire_put_u8(w, m->admitted ? 1 : 0);
	fm_wire_put_u8(w, m->admitted && m->ledger ? 1 : 0);
}

static const char *
get_reply(struct fm_wire_reader *r, void *msg)
{
	struct fm_admission_reply *m = msg;
	uint8_t admitted = fm_wire_get_u8(r), ledger = fm_wire_get_u8(r);

	if (admitted > 1 || ledger > 1 || (admitted == 0 && ledger == 1))
		fm_wire_reader_fail(r);
	m->admitted = admitted == 1;
	m->ledger = ledger == 1;
	return NULL;
}

FM_WIRE_CODEC(struct fm_admission_request, request, put_request, get_request,
    fm_admission_encode_request, fm_admission_decode_request)

FM_WIRE_CODEC(struct fm_admission_reply, reply, put_reply, get_reply,
    fm_admission_encode_reply, fm_admission_decode_reply)
