/*
 * followme-pagecount.c - followme-pagecount: page analysis of print files.
 *
 * Usage: followme-pagecount [--json] [--copies N] [--number-up N]
 *            [--sides WORD] [--color-mode WORD] [--accurate-color]
 *            [--timeout SEC] FILE...
 *
 * One line per file (a JSON object with --json).  Exits 0 when every
 * file was counted, 1 when any was not, 2 on a usage error.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spooler/pagecount.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: followme-pagecount [--json] [--copies N] [--number-up N]\n"
	    "           [--sides one-sided|two-sided-long-edge|"
	    "two-sided-short-edge]\n"
	    "           [--color-mode auto|monochrome|color] "
	    "[--accurate-color]\n"
	    "           [--timeout SECONDS] FILE...\n");
}

static bool
parse_count(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static void
json_string(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void
print_json(const char *file, const struct fm_pagecount *r,
    const struct fm_pagecount_opts *o)
{
	printf("{\"file\":");
	json_string(file);
	printf(",\"format\":");
	json_string(r->format);
	printf(",\"status\":");
	json_string(fm_pagecount_status_name(r->status));
	printf(",\"reason\":");
	json_string(r->reason);
	printf(",\"pages\":%" PRIu64 ",\"color_pages\":%" PRIu64
	       ",\"mono_pages\":%" PRIu64 ",\"impressions\":%" PRIu64
	       ",\"color_impressions\":%" PRIu64
	       ",\"mono_impressions\":%" PRIu64 ",\"sheets\":%" PRIu64
	       ",\"copies\":%" PRIu64 ",\"doc_copies\":%" PRIu64,
	    r->pages, r->color_pages, r->mono_pages, r->impressions,
	    r->color_impressions, r->mono_impressions, r->sheets, r->copies,
	    r->doc_copies);
	printf(",\"number_up\":%u,\"sides\":", o->number_up);
	json_string(fm_pagecount_sides_name(o->sides));
	printf(",\"color_mode\":");
	json_string(fm_pagecount_color_mode_name(o->color_mode));
	printf(",\"color_exact\":%s}\n", r->color_exact ? "true" : "false");
}

static void
print_plain(const char *file, const struct fm_pagecount *r)
{
	if (r->status != FM_PC_OK) {
		printf("%s: %s, %s%s%s\n", file, r->format,
		    fm_pagecount_status_name(r->status),
		    r->reason[0] ? ": " : "", r->reason);
		return;
	}
	printf("%s: %s, ok, %" PRIu64 " pages (%" PRIu64 " colour, %" PRIu64
	       " mono), %" PRIu64 " copies, %" PRIu64 " impressions (%" PRIu64
	       " colour), %" PRIu64 " sheets%s%s\n",
	    file, r->format, r->pages, r->color_pages, r->mono_pages, r->copies,
	    r->impressions, r->color_impressions, r->sheets,
	    r->reason[0] ? "; " : "", r->reason);
}

static const struct option longopts[] = {
    {"json", no_argument, NULL, 'j'},
    {"copies", required_argument, NULL, 'c'},
    {"number-up", required_argument, NULL, 'n'},
    {"sides", required_argument, NULL, 's'},
    {"color-mode", required_argument, NULL, 'm'},
    {"accurate-color", no_argument, NULL, 'a'},
    {"timeout", required_argument, NULL, 't'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* Sets the option with a value that getopt_long() returned as ch; false
 * when the value is not one the option takes. */
static bool
set_option(int ch, const char *arg, struct fm_pagecount_opts *o)
{
	switch (ch) {
	case 'c':
		return parse_count(arg, 1000000, &o->copies);
	case 'n':
		return parse_count(arg, 256, &o->number_up);
	case 's':
		return fm_pagecount_parse_sides(arg, &o->sides);
	case 'm':
		return fm_pagecount_parse_color_mode(arg, &o->color_mode);
	case 't':
		return parse_count(arg, 86400, &o->timeout_sec);
	}
	return false;
}

static const char *
option_name(int ch)
{
	for (const struct option *o = longopts; o->name != NULL; o++)
		if (o->val == ch)
			return o->name;
	return "?";
}

/* Counts one file and prints its line; false when it was not counted. */
static bool
count_file(const char *path, const struct fm_pagecount_opts *opts, bool json)
{
	struct fm_pagecount r;
	bool counted;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1) {
		fprintf(stderr, "followme-pagecount: %s: %s\n", path,
		    strerror(errno));
		return false;
	}
	if (!fm_pagecount_fd(fd, opts, &r)) {
		fprintf(stderr, "followme-pagecount: %s: %s (%s)\n", path,
		    r.reason, strerror(errno));
		counted = false;
	} else {
		counted = r.status == FM_PC_OK;
	}
	close(fd);
	if (json)
		print_json(path, &r, opts);
	else
		print_plain(path, &r);
	fflush(stdout);
	return counted;
}

int
main(int argc, char **argv)
{
	struct fm_pagecount_opts opts;
	bool json = false;
	int ch, rc = 0;

	fm_pagecount_opts_init(&opts);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'a':
			opts.accurate_color = true;
			break;
		case 'c':
		case 'n':
		case 's':
		case 'm':
		case 't':
			if (!set_option(ch, optarg, &opts)) {
				fprintf(stderr,
				    "followme-pagecount: bad --%s '%s'\n",
				    option_name(ch), optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("followme-pagecount %s\n", FM_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++)
		if (!count_file(argv[i], &opts, json))
			rc = 1;
	return rc;
}
