/*
 * ledger-link.c - charging through the ledger writer (ledger-link.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/ledger-link.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "quota/ledger-private.h"
#include "quota/ledgerwire.h"

enum answer { ANSWERED, UNSENDABLE, GONE };

/*
 * Sends q over the link and waits for the reply.  UNSENDABLE if q cannot
 * be put on the wire (a field the ledger would refuse anyway: it refuses
 * it here with its own message); GONE if the writer did not answer in
 * time or answered nonsense.
 */
static enum answer
call_writer(int link, const struct fm_ledgerwire_request *q,
    struct fm_ledgerwire_reply *p)
{
	uint8_t buf[FM_LEDGERWIRE_MAX + 1];
	struct pollfd pfd = {link, POLLIN, 0};
	int64_t deadline = (int64_t)fm_clock_ms() + FM_LEDGER_LINK_TIMEOUT_MS;
	const char *errstr;
	ssize_t got = -1;
	size_t n;

	if ((n = fm_ledgerwire_encode_request(q, buf, sizeof(buf))) == 0)
		return UNSENDABLE;
	if (send(link, buf, n, MSG_NOSIGNAL) != (ssize_t)n)
		return GONE;
	for (;;) {
		int64_t left = deadline - (int64_t)fm_clock_ms();
		int rc;

		if (left <= 0)
			return GONE;
		rc = poll(&pfd, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return GONE;
		got = recv(link, buf, sizeof(buf), 0);
		if (got < 0 && errno == EINTR)
			continue;
		break;
	}
	return got > 0 &&
	        fm_ledgerwire_decode_reply(buf, (size_t)got, p, &errstr)
	    ? ANSWERED
	    : GONE;
}

/*
 * Sends q to the writer while the link is up: true if it answered (*p).
 * False if it cannot: a writer that is gone loses its link for good.
 * Nothing is charged here instead -- this process has no ledger key --
 * and a request the writer may still apply is harmless: the caller
 * retries (or followmed's recovery settles) with the same idempotency
 * key, which replays it.
 */
static bool
via_writer(fm_ledger_t *ledger, const struct fm_ledgerwire_request *q,
    struct fm_ledgerwire_reply *p)
{
	if (ledger->link < 0)
		return false;
	if (call_writer(ledger->link, q, p) != ANSWERED) {
		fm_log_warn("ledger: the ledger writer does not answer; "
		            "nothing can be charged through this link");
		close(ledger->link);
		ledger->link = -1;
		return false;
	}
	return true;
}

/* Copies s into a wire field; false if it does not fit (or is NULL). */
static bool
wire_text(char *dst, size_t size, const char *s)
{
	return s != NULL && (size_t)snprintf(dst, size, "%s", s) < size;
}

static bool
link_reserve(fm_ledger_t *ledger, const struct fm_ledger_request *req,
    struct fm_reservation *out, char *denial, size_t denial_len)
{
	struct fm_ledgerwire_request q = {.op = FM_LEDGERWIRE_RESERVE};
	struct fm_ledgerwire_reply p;
	const char *why = FM_LEDGER_LINK_DOWN;

	if (req == NULL || out == NULL ||
	    !wire_text(q.user, sizeof(q.user), req->user) ||
	    !wire_text(q.account, sizeof(q.account),
	        req->account ? req->account : "") ||
	    !wire_text(q.key, sizeof(q.key), req->key)) {
		why = "bad charge request";
		goto refused;
	}
	q.amount = req->amount;
	q.job_id = req->job_id;
	q.price_version = req->price_version;
	if (!via_writer(ledger, &q, &p))
		goto refused;
	memset(out, 0, sizeof(*out));
	if (p.ok) {
		out->id = p.id;
		out->amount = p.amount;
		out->replayed = p.replayed;
	}
	if (denial != NULL && denial_len > 0)
		snprintf(denial, denial_len, "%s", p.ok ? "" : p.message);
	return p.ok;
refused:
	if (denial != NULL && denial_len > 0)
		snprintf(denial, denial_len, "%s", why);
	return false;
}

static bool
link_settle(fm_ledger_t *ledger, const struct fm_ledger_settle *s, bool refund,
    const char **errstr)
{
	struct fm_ledgerwire_request q = {
	    .op = refund ? FM_LEDGERWIRE_REFUND : FM_LEDGERWIRE_COMMIT};
	struct fm_ledgerwire_reply p;

	if (!wire_text(q.key, sizeof(q.key), s->key) ||
	    !wire_text(
	        q.printer, sizeof(q.printer), s->printer ? s->printer : "")) {
		*errstr = "bad charge request";
		return false;
	}
	q.reservation = s->reservation;
	q.amount = s->amount;
	q.measured = s->measured;
	if ((q.has_usage = s->usage != NULL))
		q.usage = *s->usage;
	if (!via_writer(ledger, &q, &p)) {
		*errstr = FM_LEDGER_LINK_DOWN;
		return false;
	}
	if (!p.ok)
		*errstr = fm_ledgerwire_errstr(p.message);
	return p.ok;
}

static const struct fm_ledger_ops link_ops = {
    .reserve = link_reserve,
    .settle = link_settle,
};

fm_ledger_t *
fm_ledger_link_open(fm_store_t *store, int link)
{
	fm_ledger_t *ledger;

	if (store == NULL || (ledger = calloc(1, sizeof(*ledger))) == NULL) {
		if (link >= 0)
			close(link);
		return NULL;
	}
	ledger->ops = &link_ops;
	ledger->store = store;
	ledger->link = link;
	return ledger;
}

bool
fm_ledger_link_is_up(const fm_ledger_t *ledger)
{
	return ledger != NULL && ledger->link >= 0;
}
