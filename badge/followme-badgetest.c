/*
 * followme-badgetest.c - followme-badgetest: open a badge reader the way
 * followme-terminal does and print one line per event.  For admins
 * installing a reader, and for the integration tests.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "badge/reader.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/stop.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: followme-badgetest [-v] [-c connstring] [-p families] "
	    "[-f format]\n"
	    "       followme-badgetest -w device [-i decimal|hex] "
	    "[-l layout] [-f format]\n");
	exit(2);
}

static void
print_event(const struct fm_reader_event *ev)
{
	char hex[2 * FM_UID_MAX + 1];

	if (ev->type != FM_READER_CARD_PRESENT) {
		printf("%s\n", fm_readermsg_event_name(ev->type));
		return;
	}
	fm_hex_encode(ev->uid, ev->uid_len, hex, sizeof(hex));
	printf("CARD_PRESENT %s %s %s\n", fm_readermsg_card_name(ev->card), hex,
	    ev->id);
}

int
main(int argc, char **argv)
{
	struct fm_reader_config cfg;
	struct fm_reader_event ev;
	const char *err = NULL;
	fm_reader_t *r;
	bool verbose = false;
	enum fm_reader_read res;
	int c, status = 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.kind = FM_READER_NFC;
	cfg.format.base = FM_UID_HEX_UPPER;
	while ((c = getopt(argc, argv, "c:f:i:l:p:vw:")) != -1) {
		switch (c) {
		case 'c':
			if (strlen(optarg) >= sizeof(cfg.connstring))
				usage();
			strcpy(cfg.connstring, optarg);
			break;
		case 'f':
			if (!fm_uid_format_parse(
			        optarg, strlen(optarg), &cfg.format, &err)) {
				fprintf(stderr, "followme-badgetest: -f: %s\n",
				    err);
				return 2;
			}
			break;
		case 'i':
			if (!fm_uid_input_parse(
			        optarg, strlen(optarg), &cfg.wedge_input))
				usage();
			break;
		case 'l':
			if (strlen(optarg) >= sizeof(cfg.wedge_layout))
				usage();
			strcpy(cfg.wedge_layout, optarg);
			break;
		case 'p':
			if (!fm_reader_poll_parse(
			        optarg, strlen(optarg), &cfg.poll))
				usage();
			break;
		case 'v':
			verbose = true;
			break;
		case 'w':
			if (strlen(optarg) >= sizeof(cfg.device))
				usage();
			strcpy(cfg.device, optarg);
			cfg.kind = FM_READER_WEDGE;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	fm_log_init("followme-badgetest", FM_LOG_STDERR, verbose);
	setvbuf(stdout, NULL, _IOLBF, 0);

	fm_stop_catch_signals(false);
	if ((r = fm_reader_open(&cfg, &err)) == NULL) {
		fprintf(stderr, "followme-badgetest: %s\n", err);
		return 1;
	}
	while (!fm_stop_is_requested()) {
		struct pollfd pfd = {fm_reader_get_fd(r), POLLIN, 0};

		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			status = 1;
			break;
		}
		while ((res = fm_reader_read_event(r, &ev, &err)) ==
		    FM_READER_GOT_EVENT)
			print_event(&ev);
		if (ferror(stdout)) {
			/* Whoever read our output is gone. */
			status = 1;
			break;
		}
		if (res == FM_READER_BROKEN) {
			fprintf(stderr, "followme-badgetest: %s\n", err);
			status = 1;
			break;
		}
	}
	fm_reader_close(r);
	return status;
}
