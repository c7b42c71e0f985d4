/*
 * pn532-sim.c - fm-pn532-sim: a PN532 on a pseudo-terminal, for testing
 * the libnfc reader path without hardware.
 *
 *	fm-pn532-sim [-bv] LINK
 *
 * Creates a pty, points the symlink LINK at its slave, and answers the
 * PN532 UART frames libnfc's pn532_uart driver sends (see
 * docs/followme-badgetest.1 and platform-notes section 4), so that
 * "pn532_uart:LINK" works with nfc_open(), nfc-list and nfc-poll.  -b
 * makes it a PN532 whose firmware lacks ISO 14443B; -v traces frames.
 * Commands, one per line on stdin; each is answered by one line on stdout
 * ("ok ..." or "error ...") once it has taken effect:
 *
 *	tap [a|b|felica] HEX   a card enters the field (replacing any other):
 *	                       14443A UID of 4, 7 or 10 bytes (default a),
 *	                       14443B PUPI of 4 bytes, FeliCa IDm of 8 bytes
 *	remove                 the card leaves the field
 *	polls N                answered after N more target searches
 *	                       (InListPassiveTarget, InAutoPoll)
 *	hang / unhang          stop / resume answering (a wedged reader)
 *	unplug                 remove LINK and close the pty (a USB reader
 *	                       pulled out); replug makes a new one
 *	replug
 *	quit
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/stop.h"
#include "tests/tools/pn532frame.h"

#define BUFMAX 4096

enum card_kind { CARD_NONE, CARD_A, CARD_B, CARD_FELICA };

/*
 * ISO 14443 card states, as far as a reader can tell them apart: a card
 * answers a plain poll (REQA/REQB) only when IDLE; once selected it is
 * ACTIVE (it answers data exchanges, and a select naming its UID); a
 * deselect or release HALTs it.  Only losing power -- the RF field off,
 * or leaving the field -- makes it IDLE again.  FeliCa cards have no such
 * states: they answer every polling.  A reader that re-polls an ACTIVE
 * card without cycling the field thus "loses" it, as real cards would.
 */
enum card_state { CARD_IDLE, CARD_ACTIVE, CARD_HALT };

struct sim {
	const char *link;
	bool verbose;
	bool no_b;         /* firmware without ISO 14443B */
	int master, slave; /* -1 when unplugged */
	uint8_t in[BUFMAX];
	size_t inlen;
	enum card_kind card;
	enum card_state state;
	bool field; /* the RF field is on */
	uint8_t uid[10];
	size_t uidlen;
	bool hung;
	uint8_t regs[65536];
	unsigned long searches, polls_target; /* polls_target 0 = none */
	bool autopoll_pending;
	uint8_t autopoll_types[16];
	size_t autopoll_ntypes;
	uint64_t autopoll_deadline; /* ms; 0 = no deadline */
};

static void
hexdump(const char *what, const uint8_t *p, size_t len)
{
	size_t i;

	fprintf(stderr, "pn532-sim: %s", what);
	for (i = 0; i < len; i++)
		fprintf(stderr, " %02x", p[i]);
	fputc('\n', stderr);
}

static void
put(struct sim *s, const uint8_t *p, size_t len)
{
	while (len > 0 && s->master != -1) {
		ssize_t n = write(s->master, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* ACK, then the response D5 (cmd+1) data. */
static void
respond(struct sim *s, uint8_t cmd, const uint8_t *data, size_t len)
{
	static const uint8_t ack[] = {0, 0, 0xff, 0, 0xff, 0};
	uint8_t f[BUFMAX];
	uint8_t sum = (uint8_t)(0xd5 + cmd + 1);
	size_t i, n = 0, flen = len + 2;

	f[n++] = 0;
	f[n++] = 0;
	f[n++] = 0xff;
	f[n++] = (uint8_t)flen;
	f[n++] = (uint8_t)(0x100 - flen);
	f[n++] = 0xd5;
	f[n++] = (uint8_t)(cmd + 1);
	for (i = 0; i < len; i++) {
		f[n++] = data[i];
		sum += data[i];
	}
	f[n++] = (uint8_t)(0x100 - sum);
	f[n++] = 0;
	put(s, ack, sizeof(ack));
	put(s, f, n);
	if (s->verbose)
		hexdump("->", f, n);
}

static void
respond_error(struct sim *s)
{
	static const uint8_t ack[] = {0, 0, 0xff, 0, 0xff, 0};
	static const uint8_t err[] = {0, 0, 0xff, 0x01, 0xff, 0x7f, 0x81, 0};

	put(s, ack, sizeof(ack));
	put(s, err, sizeof(err));
}

/* Target data as InListPassiveTarget and InAutoPoll give it (Tg first). */
static size_t
target_data(const struct sim *s, uint8_t *out)
{
	size_t n = 0;

	out[n++] = 0x01; /* Tg */
	switch (s->card) {
	case CARD_A:
		out[n++] = 0x00; /* ATQA */
		out[n++] = s->uidlen == 4 ? 0x04 : 0x44;
		out[n++] = s->uidlen == 4 ? 0x08 : 0x00; /* SAK */
		out[n++] = (uint8_t)s->uidlen;
		memcpy(out + n, s->uid, s->uidlen);
		n += s->uidlen;
		break;
	case CARD_B:
		out[n++] = 0x50; /* ATQB */
		memcpy(out + n, s->uid, 4);
		n += 4;
		memset(out + n, 0, 4); /* application data */
		n += 4;
		out[n++] = 0x00; /* protocol info */
		out[n++] = 0x81;
		out[n++] = 0x71;
		out[n++] = 0x01; /* ATTRIB_RES length, then CID */
		out[n++] = 0x00;
		break;
	case CARD_FELICA:
		out[n++] = 0x12; /* POL_RES length */
		out[n++] = 0x01; /* response code */
		memcpy(out + n, s->uid, 8);
		n += 8;
		memset(out + n, 0xff, 8); /* PMm */
		n += 8;
		break;
	case CARD_NONE:
		return 0;
	}
	return n;
}

/* Does the cascaded UID a 14443A select names (initiator data) match? */
static bool
uid_matches(const struct sim *s, const uint8_t *d, size_t len)
{
	uint8_t u[10];
	size_t n = 0;

	if (len == 4) {
		memcpy(u, d, 4);
		n = 4;
	} else if (len == 8 && d[0] == 0x88) {
		memcpy(u, d + 1, 7);
		n = 7;
	} else if (len == 12 && d[0] == 0x88 && d[4] == 0x88) {
		memcpy(u, d + 1, 3);
		memcpy(u + 3, d + 5, 7);
		n = 10;
	}
	return n == s->uidlen && memcmp(u, s->uid, n) == 0;
}

static void
searched(struct sim *s)
{
	s->searches++;
	if (s->polls_target != 0 && s->searches >= s->polls_target) {
		s->polls_target = 0;
		printf("ok polls\n");
		fflush(stdout);
	}
}

static void
list_passive(struct sim *s, const uint8_t *c, size_t len)
{
	uint8_t out[64];
	size_t n = 0;
	bool found = false, named = len > 3 && c[2] == 0x00;

	if (len >= 3 && s->field) {
		switch (c[2]) {
		case 0x00:
			found = s->card == CARD_A &&
			    (named ? uid_matches(s, c + 3, len - 3) &&
			                s->state != CARD_HALT
			           : s->state == CARD_IDLE);
			break;
		case 0x01:
		case 0x02:
			found = s->card == CARD_FELICA;
			break;
		case 0x03:
			found = s->card == CARD_B && s->state == CARD_IDLE &&
			    !s->no_b;
			break;
		}
	}
	out[n++] = found ? 1 : 0;
	if (found) {
		n += target_data(s, out + n);
		s->state = CARD_ACTIVE;
	}
	respond(s, c[0], out, n);
	searched(s);
}

static bool
autopoll_match(const struct sim *s, uint8_t *type)
{
	size_t i;

	for (i = 0; i < s->autopoll_ntypes; i++) {
		uint8_t t = s->autopoll_types[i];

		if ((s->card == CARD_A && t == 0x10) ||
		    (s->card == CARD_FELICA && (t == 0x11 || t == 0x12)) ||
		    (s->card == CARD_B && (t == 0x03 || t == 0x23))) {
			*type = t;
			return true;
		}
	}
	return false;
}

/* Answers a pending InAutoPoll if a card is there or time is up. */
static void
autopoll_answer(struct sim *s, bool timeup)
{
	uint8_t out[64], type;
	size_t n = 0, len;

	if (!s->autopoll_pending)
		return;
	if (autopoll_match(s, &type)) {
		out[n++] = 1;
		out[n++] = type;
		len = target_data(s, out + n + 1);
		out[n++] = (uint8_t)len;
		n += len;
	} else if (!timeup) {
		return;
	} else {
		out[n++] = 0;
	}
	s->autopoll_pending = false;
	if (out[0] == 1)
		s->state = CARD_ACTIVE;
	respond(s, 0x60, out, n);
	searched(s);
}

static void
command(struct sim *s, const uint8_t *c, size_t len)
{
	uint8_t out[300];
	size_t i, n = 0;

	if (s->verbose)
		hexdump("<-", c, len);
	switch (c[0]) {
	case 0x00: /* Diagnose: echo the test data */
		respond(s, c[0], c + 1, len - 1);
		break;
	case 0x02: /* GetFirmwareVersion: PN532 v1.6, 14443A/B, 18092 */
		out[0] = 0x32;
		out[1] = 0x01;
		out[2] = 0x06;
		out[3] = s->no_b ? 0x05 : 0x07; /* 1: 14443A, 2: B, 4: 18092 */
		respond(s, c[0], out, 4);
		break;
	case 0x06: /* ReadRegister: one byte per 16-bit address */
		for (i = 1; i + 1 < len && n < sizeof(out); i += 2)
			out[n++] = s->regs[c[i] << 8 | c[i + 1]];
		respond(s, c[0], out, n);
		break;
	case 0x08: /* WriteRegister: address (2 bytes), value */
		for (i = 1; i + 2 < len; i += 3)
			s->regs[c[i] << 8 | c[i + 1]] = c[i + 2];
		respond(s, c[0], NULL, 0);
		break;
	case 0x32: /* RFConfiguration; item 01 is the RF field (bit 0) */
		if (len >= 3 && c[1] == 0x01) {
			if (!(c[2] & 1))
				s->state = CARD_IDLE; /* the card loses power */
			s->field = c[2] & 1;
		}
		respond(s, c[0], NULL, 0);
		break;
	case 0x12: /* SetParameters */
	case 0x14: /* SAMConfiguration */
		respond(s, c[0], NULL, 0);
		break;
	case 0x16: /* PowerDown: the field goes off */
		s->field = false;
		s->state = CARD_IDLE;
		out[0] = 0x00;
		respond(s, c[0], out, 1);
		break;
	case 0x44: /* InDeselect */
	case 0x52: /* InRelease */
		if (s->state == CARD_ACTIVE && s->card != CARD_FELICA)
			s->state = CARD_HALT;
		out[0] = 0x00;
		respond(s, c[0], out, 1);
		break;
	case 0x40:
		/* InDataExchange (Tg, data): a card answers anything with
		 * zero bytes, as many as libnfc's presence checks expect
		 * (Ultralight READ: 16, FeliCa: 11); no card: status 01. */
		memset(out, 0, 17);
		n = s->card == CARD_NONE || s->state != CARD_ACTIVE ? 1
		    : s->card == CARD_FELICA                        ? 12
		                                                    : 17;
		out[0] = n == 1 ? 0x01 : 0x00;
		respond(s, c[0], out, n);
		break;
	case 0x42: /* InCommunicateThru: no raw-frame card answers (status
	            * timeout), else nfc-list sees phantom SRx/iClass tags */
		out[0] = 0x01;
		respond(s, c[0], out, 1);
		break;
	case 0x4a: /* InListPassiveTarget */
		list_passive(s, c, len);
		break;
	case 0x60: /* InAutoPoll: PollNr, Period (x150 ms), types */
		if (len < 4 || len - 3 > sizeof(s->autopoll_types)) {
			respond_error(s);
			break;
		}
		/* The chip drives the field itself, cycling it between polls.
		 */
		s->field = true;
		s->state = CARD_IDLE;
		s->autopoll_pending = true;
		s->autopoll_ntypes = len - 3;
		memcpy(s->autopoll_types, c + 3, len - 3);
		/* Real chips take PollNr x Period x 150 ms per type; answer
		 * "none" after that, or at once when a card is there. */
		s->autopoll_deadline = c[1] == 0xff
		    ? 0
		    : fm_clock_ms() + (uint64_t)c[1] * c[2] * 150 * (len - 3);
		autopoll_answer(s, false);
		break;
	default:
		fprintf(stderr, "pn532-sim: unsupported command %02x\n", c[0]);
		respond_error(s);
	}
}

static void
serve(struct sim *s)
{
	const uint8_t *c;
	size_t used, clen;
	enum fm_pn532frame_kind k;

	for (;;) {
		k = fm_pn532frame_parse(s->in, s->inlen, &used, &c, &clen);
		if (k == FM_PN532FRAME_CMD && !s->hung)
			command(s, c, clen);
		if (k == FM_PN532FRAME_ACK)
			s->autopoll_pending = false;
		if (k == FM_PN532FRAME_BAD && s->verbose)
			fprintf(stderr, "pn532-sim: bad frame\n");
		memmove(s->in, s->in + used, s->inlen - used);
		s->inlen -= used;
		if (k == FM_PN532FRAME_MORE)
			return;
	}
}

static bool
plug(struct sim *s)
{
	struct termios t;
	char tmp[4096];
	const char *name;

	s->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s->master == -1 || grantpt(s->master) == -1 ||
	    unlockpt(s->master) == -1 || (name = ptsname(s->master)) == NULL)
		return false;
	/* We hold the slave open too: else the master reports a hang-up
	 * whenever libnfc has it closed, and poll() would spin. */
	s->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s->slave == -1 || tcgetattr(s->slave, &t) == -1)
		return false;
	cfmakeraw(&t);
	if (tcsetattr(s->slave, TCSANOW, &t) == -1)
		return false;
	snprintf(tmp, sizeof(tmp), "%s.tmp", s->link);
	unlink(tmp);
	if (symlink(name, tmp) == -1 || rename(tmp, s->link) == -1)
		return false;
	s->inlen = 0;
	s->autopoll_pending = false;
	s->field = false; /* a chip starts with its field off */
	s->state = CARD_IDLE;
	return true;
}

static void
unplug(struct sim *s)
{
	unlink(s->link);
	if (s->slave != -1)
		close(s->slave);
	if (s->master != -1)
		close(s->master);
	s->slave = s->master = -1;
	s->autopoll_pending = false;
}

static int
hexbytes(const char *h, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned v;

	while (h[0] && h[1] && n < max && isxdigit((unsigned char)h[0]) &&
	    isxdigit((unsigned char)h[1]) && sscanf(h, "%2x", &v) == 1) {
		out[n++] = (uint8_t)v;
		h += 2;
	}
	return *h == '\0' ? (int)n : -1;
}

static void
control(struct sim *s, char *line)
{
	char *w[3] = {NULL, NULL, NULL};
	char *save = NULL, *tok;
	const char *err = NULL;
	int i = 0, n;

	for (tok = strtok_r(line, " \t\r\n", &save); tok && i < 3;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		w[i++] = tok;
	if (w[0] == NULL)
		return;
	if (strcmp(w[0], "tap") == 0 && w[1]) {
		enum card_kind kind = CARD_A;
		const char *hex = w[1];
		uint8_t uid[10];

		if (w[2]) {
			hex = w[2];
			kind = strcmp(w[1], "a") == 0     ? CARD_A
			    : strcmp(w[1], "b") == 0      ? CARD_B
			    : strcmp(w[1], "felica") == 0 ? CARD_FELICA
			                                  : CARD_NONE;
		}
		n = hexbytes(hex, uid, sizeof(uid));
		if (kind == CARD_NONE ||
		    !((kind == CARD_A && (n == 4 || n == 7 || n == 10)) ||
		        (kind == CARD_B && n == 4) ||
		        (kind == CARD_FELICA && n == 8)))
			err = "bad card: tap [a|b|felica] HEX";
		else {
			s->card = kind;
			s->state = CARD_IDLE;
			s->uidlen = (size_t)n;
			memcpy(s->uid, uid, (size_t)n);
			autopoll_answer(s, false);
		}
	} else if (strcmp(w[0], "remove") == 0) {
		s->card = CARD_NONE;
	} else if (strcmp(w[0], "polls") == 0 && w[1]) {
		n = atoi(w[1]);
		if (n <= 0)
			err = "polls N: N > 0";
		else {
			s->polls_target = s->searches + (unsigned long)n;
			return; /* answered by searched() */
		}
	} else if (strcmp(w[0], "hang") == 0) {
		s->hung = true;
	} else if (strcmp(w[0], "unhang") == 0) {
		s->hung = false;
	} else if (strcmp(w[0], "unplug") == 0) {
		unplug(s);
	} else if (strcmp(w[0], "replug") == 0) {
		if (s->master == -1 && !plug(s))
			err = "cannot create the pty";
	} else if (strcmp(w[0], "quit") == 0) {
		fm_stop_request();
	} else {
		err = "unknown command";
	}
	if (err)
		printf("error %s\n", err);
	else
		printf("ok %s\n", w[0]);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static struct sim s;
	char line[256];
	size_t linelen = 0;
	int opt;

	while ((opt = getopt(argc, argv, "bv")) != -1) {
		if (opt == 'b')
			s.no_b = true;
		else if (opt == 'v')
			s.verbose = true;
		else {
			fprintf(stderr, "usage: fm-pn532-sim [-bv] LINK\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: fm-pn532-sim [-bv] LINK\n");
		return 2;
	}
	s.link = argv[optind];
	s.master = s.slave = -1;
	fm_stop_catch_signals(false);
	if (!plug(&s)) {
		perror("fm-pn532-sim: cannot create the pty");
		unplug(&s);
		return 1;
	}
	printf("ok ready\n");
	fflush(stdout);

	while (!fm_stop_is_requested()) {
		struct pollfd pfd[2] = {{0, POLLIN, 0}, {s.master, POLLIN, 0}};
		int timeout = -1;
		ssize_t n;

		if (s.autopoll_pending && s.autopoll_deadline != 0) {
			uint64_t now = fm_clock_ms();

			timeout = s.autopoll_deadline > now
			    ? (int)(s.autopoll_deadline - now)
			    : 0;
		}
		if (poll(pfd, s.master != -1 ? 2 : 1, timeout) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (s.autopoll_pending && s.autopoll_deadline != 0 &&
		    fm_clock_ms() >= s.autopoll_deadline)
			autopoll_answer(&s, true);
		if (s.master != -1 && (pfd[1].revents & POLLIN)) {
			n = read(
			    s.master, s.in + s.inlen, sizeof(s.in) - s.inlen);
			if (n > 0) {
				s.inlen += (size_t)n;
				serve(&s);
				if (s.inlen == sizeof(s.in))
					s.inlen = 0; /* junk: start over */
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP)) {
			n = read(0, line + linelen, sizeof(line) - 1 - linelen);
			if (n <= 0)
				break;
			linelen += (size_t)n;
			for (;;) {
				char *nl = memchr(line, '\n', linelen);
				size_t used;

				if (nl == NULL) {
					if (linelen == sizeof(line) - 1)
						linelen = 0; /* too long */
					break;
				}
				*nl = '\0';
				used = (size_t)(nl - line) + 1;
				control(&s, line);
				memmove(line, line + used, linelen - used);
				linelen -= used;
			}
		}
	}
	unplug(&s);
	return 0;
}
