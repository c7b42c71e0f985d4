/*
 * printers.c - followme-admin printer add|list|qr: the printers jobs can
 * be released to (ipp:// URIs or CUPS queues of this server), and the QR
 * code label that opens a printer's release page on a phone.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "admin/admin.h"
#include "common/qrlabel.h"
#include "common/aead.h"
#include "common/child.h"
#include "store/printers.h"

enum { P_NAME, P_URI, P_LOCATION, P_NCOLUMNS };

static const struct fm_table_column printer_columns[P_NCOLUMNS] = {
    FM_TABLE_COLUMN(P_NAME, N_("NAME"), -16, "name", TEXT),
    FM_TABLE_COLUMN(P_URI, N_("DESTINATION"), -40, "uri", TEXT),
    FM_TABLE_CLEANED(P_LOCATION, N_("LOCATION"), NULL, "location")};

static bool
printer_row(const struct fm_printer *p, void *table)
{
	struct fm_table_cell c[P_NCOLUMNS] = {
	    [P_NAME] = {p->name, 0},
	    [P_URI] = {p->uri, 0},
	    [P_LOCATION] = {p->location, 0},
	};

	fm_table_row(table, c);
	return true;
}

enum { ADD_URI, ADD_LOCATION };

static int
printer_add(struct fm_admin *admin)
{
	const char *name = admin->args.operand[0].text, *errstr = NULL;
	const char *location = admin->args.opt[ADD_LOCATION].text;

	if (!fm_printers_add(admin->store, name, admin->args.opt[ADD_URI].text,
	        location ? location : "", &errstr))
		return fm_admin_fail(
		    "cannot add printer %s: %s", name, _(errstr));
	return fm_admin_done("Added printer %s.", name);
}

static int
printer_list(struct fm_admin *admin)
{
	struct fm_table t;

	fm_admin_list_begin(admin, &t, printer_columns, P_NCOLUMNS);
	return fm_admin_list_end(admin, &t,
	    fm_printers_list(admin->store, printer_row, &t), "printers",
	    "No printers.");
}

enum { QR_OUT, QR_FORMAT, QR_URL, QR_FORCE };

/*
 * Reads printer name from the store into *p.  The store is read after
 * dropping privileges, and the label is written with the caller's (the
 * admin's directory, the admin's rights): so the store is read in a
 * child, which sends the record back over a pipe.  Returns FM_ADMIN_OK,
 * or the child's status, the child having said what went wrong.
 */
static int
read_printer(struct fm_admin *admin, const char *name, struct fm_printer *p)
{
	struct fm_child_spec spec;
	struct fm_child_fd keep;
	const char *errstr = NULL;
	int fds[2], status = 0;
	size_t got = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return fm_admin_fail("cannot start: %s", strerror(errno));
	keep = (struct fm_child_fd){fds[1], -1};
	spec = (struct fm_child_spec){
	    .death_signal = SIGKILL, .keep = &keep, .nkeep = 1};
	if ((pid = fm_child_fork(&spec, &errstr)) == 0) {
		int rc = FM_ADMIN_OK;

		if (!fm_admin_open_store(admin))
			rc = FM_ADMIN_FAIL;
		else if (!fm_printers_get(admin->store, name, p))
			rc = fm_admin_fail("no printer %s", name);
		else if (write(fds[1], p, sizeof(*p)) != (ssize_t)sizeof(*p))
			rc = fm_admin_fail("cannot read printer %s: %s", name,
			    strerror(errno));
		fm_store_close(admin->store);
		fflush(stderr);
		_exit(rc);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return fm_admin_fail("cannot start: %s", errstr);
	}
	/* Bounded: the child writes one record and exits, and its end of
	 * the pipe closes with it. */
	while (got < sizeof(*p)) {
		ssize_t n = read(fds[0], (char *)p + got, sizeof(*p) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* A child killed, or stopped before running this code, said
	 * nothing: say it here. */
	if (WIFEXITED(status) && WEXITSTATUS(status) != FM_ADMIN_OK &&
	    WEXITSTATUS(status) != FM_CHILD_SETUP_FAILED)
		return WEXITSTATUS(status);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != FM_ADMIN_OK ||
	    got != sizeof(*p))
		return fm_admin_fail("cannot read printer %s", name);
	p->name[sizeof(p->name) - 1] = '\0';
	p->location[sizeof(p->location) - 1] = '\0';
	return FM_ADMIN_OK;
}

/* Writes len bytes of data to fd; false with errno set on failure. */
static bool
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return false;
		}
		data += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * Creates the file out holding data (len bytes), readable by all (a
 * label, not a secret).  An existing file is refused, or with force
 * replaced as a whole: the label goes to a new file beside it, renamed
 * over it once written.  Either way a symlink is never followed, and a
 * failed write leaves no file behind.
 */
static int
write_label(const char *out, const char *data, size_t len, bool force)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	const char *slash = strrchr(out, '/'), *base, *name;
	char dir[4096], tmp[4096];
	int fd = -1, dirfd, e;

	base = slash ? slash + 1 : out;
	if (*base == '\0')
		return fm_admin_fail("%s: not a file name", out);
	if (snprintf(dir, sizeof(dir), "%.*s",
	        slash ? (int)(slash - out) + (slash == out) : 1,
	        slash ? out : ".") >= (int)sizeof(dir) ||
	    snprintf(tmp, sizeof(tmp), ".%s.XXXXXX", base) >= (int)sizeof(tmp))
		return fm_admin_fail("%s: name too long", out);
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fm_admin_fail(
		    "cannot open %s: %s", dir, strerror(errno));
	if (!force) {
		name = base;
		fd = openat(dirfd, base, flags, 0644);
	} else {
		name = tmp;
		for (int tries = 0;; tries++) {
			char *x = tmp + strlen(tmp) - 6;
			uint8_t r[6] = {0};

			(void)fm_random(r, sizeof(r));
			for (int i = 0; i < 6; i++)
				x[i] = "abcdefghijklmnopqrstuvwxyz0123456789"
				    [r[i] % 36];
			fd = openat(dirfd, tmp, flags, 0644);
			if (fd >= 0 || errno != EEXIST || tries == 10)
				break;
		}
	}
	if (fd < 0) {
		e = errno;
		close(dirfd);
		if (e == EEXIST && !force)
			return fm_admin_fail(
			    "%s exists (--force replaces it)", out);
		return fm_admin_fail("cannot create %s: %s", out, strerror(e));
	}
	if (!write_all(fd, data, len) || fsync(fd) != 0 ||
	    (force && renameat(dirfd, tmp, dirfd, base) != 0)) {
		e = errno;
		close(fd);
		unlinkat(dirfd, name, 0);
		close(dirfd);
		return fm_admin_fail("cannot write %s: %s", out, strerror(e));
	}
	if (close(fd) != 0 || fsync(dirfd) != 0) {
		e = errno;
		close(dirfd);
		return fm_admin_fail("cannot write %s: %s", out, strerror(e));
	}
	close(dirfd);
	return FM_ADMIN_OK;
}

/* Whether file name out ends in ext (".png"), in any case. */
static bool
has_extension(const char *out, const char *ext)
{
	size_t n = strlen(out), e = strlen(ext);

	return n > e && strcasecmp(out + n - e, ext) == 0;
}

static int
printer_qr(struct fm_admin *admin)
{
	const struct fm_grammar_value *opt = admin->args.opt;
	const char *name = admin->args.operand[0].text, *errstr = NULL;
	char url[FM_QRLABEL_URLMAX], out[FM_PRINTERS_NAMEMAX + 8];
	const char *path = opt[QR_OUT].text;
	struct fm_printer p;
	size_t len = 0;
	char *svg;
	int rc;

	if (!fm_printers_name_is_valid(name))
		return fm_admin_fail("no printer %s", name);
	if (path == NULL) {
		snprintf(out, sizeof(out), "%s.svg", name);
		path = out;
	}
	/* PNG would need a text renderer (cairo, pango) in followme-admin
	 * for the name and the location: the SVG converts well instead. */
	if ((opt[QR_FORMAT].text != NULL && opt[QR_FORMAT].number == 1) ||
	    (opt[QR_FORMAT].text == NULL && has_extension(path, ".png")))
		return fm_admin_fail(
		    "labels are written as SVG only; convert one to PNG with "
		    "rsvg-convert -d 300 -p 300 -o %s.png %s.svg",
		    name, name);
	if (!fm_qrlabel_url(&admin->settings, opt[QR_URL].text, name, url,
	        sizeof(url), &errstr))
		return fm_admin_fail(
		    "cannot make the address of printer %s: %s", name,
		    _(errstr));
	if ((rc = read_printer(admin, name, &p)) != FM_ADMIN_OK)
		return rc;
	if ((svg = fm_qrlabel_svg(p.name, p.location, url, &len, &errstr)) ==
	    NULL)
		return fm_admin_fail(
		    "cannot make the label of printer %s: %s", name, _(errstr));
	rc = write_label(path, svg, len, opt[QR_FORCE].text != NULL);
	free(svg);
	if (rc != FM_ADMIN_OK)
		return rc;
	return fm_admin_done(
	    "Wrote the label of printer %s to %s: %s", name, path, url);
}

static bool
base_is_valid(const char *value)
{
	return fm_settings_url_is_valid(value, strlen(value));
}

static const char *const qr_formats[] = {"svg", "png", NULL};

static const struct fm_grammar_option qr_options[FM_GRAMMAR_OPTTABLE] = {
    [QR_OUT] = {"out", .letter = 'o', .flags = FM_GRAMMAR_NONEMPTY,
        .help = N_("the label's file (default: NAME.svg here)")},
    [QR_FORMAT] = {"format", .kind = FM_GRAMMAR_CHOICE, .choices = qr_formats,
        .invalid = N_("--format is svg or png"),
        .help = N_("svg (default: from the file's extension)")},
    [QR_URL] = {"url", .valid = base_is_valid,
        .invalid = N_("--url must be an https:// or http:// address without "
                      "spaces or quotes: '%s'"),
        .help = N_("the web console's address, instead of [web] public_url")},
    [QR_FORCE] = {"force", .kind = FM_GRAMMAR_FLAG,
        .help = N_("replace an existing file")},
};

static const struct fm_grammar_option add_options[FM_GRAMMAR_OPTTABLE] = {
    [ADD_URI] = {"uri", .alias = "queue", .flags = FM_GRAMMAR_REQUIRED,
        .missing = N_("--uri or --queue is required"),
        .help = N_("the printer's ipp:// or ipps:// URI, or a CUPS queue")},
    [ADD_LOCATION] = {"location", .help = N_("where it stands")},
};

static const struct fm_grammar_command commands[] = {
    {"printer", "add", "NAME --uri URI|--queue QUEUE [--location TEXT]",
        N_("add a printer jobs can be released to"), FM_GRAMMAR_STORE,
        .run = printer_add, .options = add_options,
        .operands = {1, 1, N_("expected one printer name"), NULL}},
    {"printer", "list", "[--json]", N_("list printers"), FM_GRAMMAR_STORE,
        .run = printer_list, .operands = FM_ADMIN_NO_OPERANDS},
    /* Not FM_GRAMMAR_STORE: the store is read in a child, the label
     * written with the caller's rights. */
    {"printer", "qr",
        "NAME [--out FILE] [--format svg|png] [--url BASE] [--force]",
        N_("write a printer's QR code label (its release page)"), 0,
        .run = printer_qr, .options = qr_options,
        .operands = {1, 1, N_("expected one printer name"), NULL}},
};

const struct fm_admin_group fm_admin_group_printer = FM_ADMIN_GROUP(commands);
