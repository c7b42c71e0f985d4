/*
 * test_pagecount.c - page counting of PDF through libqpdf in a child:
 * plain, object streams, owner- and user-password encryption, damaged,
 * PJL-wrapped, not a PDF.  Files are made with Ghostscript and qpdf.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "spooler/pagecount.h"
#include "tests/unit/harness.h"

static char dir[] = "/tmp/fm-pagecount-XXXXXX";

/* Runs "cd DIR && cmd". */
static bool
sh(const char *cmd, const char *in)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "cd %s && %s", in, cmd);
	return system(buf) == 0;
}

static struct fm_pagecount
count(const char *name)
{
	struct fm_pagecount pc = {FM_PC_DAMAGED, "?", 99};
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY)) >= 0) {
		if (!fm_pagecount_fd(fd, 10, &pc))
			pc.status = FM_PC_TOO_COMPLEX;
		/* The caller's offset is not moved. */
		if (lseek(fd, 0, SEEK_CUR) != 0)
			pc.pages = 424242;
		close(fd);
	}
	return pc;
}

static void
test_pdf_structures(void)
{
	struct fm_pagecount pc;

	ASSERT_TRUE(sh("gs -q -sDEVICE=pdfwrite -o seven.pdf -c "
	               "'1 1 7 {pop showpage} for'",
	    dir));
	pc = count("seven.pdf");
	ASSERT_INT_EQ(pc.status, FM_PC_OK);
	ASSERT_STR_EQ(pc.format, "pdf");
	ASSERT_UINT_EQ(pc.pages, 7);
	ASSERT_TRUE(sh("qpdf --object-streams=generate seven.pdf "
	               "objstm.pdf && qpdf --linearize seven.pdf lin.pdf",
	    dir));
	ASSERT_UINT_EQ(count("objstm.pdf").pages, 7);
	ASSERT_UINT_EQ(count("lin.pdf").pages, 7);
	/* Owner password only: readable, counted. */
	ASSERT_TRUE(sh("qpdf --encrypt '' owner 256 -- seven.pdf "
	               "owner.pdf",
	    dir));
	pc = count("owner.pdf");
	ASSERT_INT_EQ(pc.status, FM_PC_OK);
	ASSERT_UINT_EQ(pc.pages, 7);
}

static void
test_encrypted_damaged_and_other(void)
{
	ASSERT_TRUE(sh("qpdf --encrypt user owner 256 -- seven.pdf "
	               "user.pdf",
	    dir));
	ASSERT_INT_EQ(count("user.pdf").status, FM_PC_ENCRYPTED);
	ASSERT_TRUE(sh("head -c 300 seven.pdf > trunc.pdf", dir));
	ASSERT_INT_EQ(count("trunc.pdf").status, FM_PC_DAMAGED);
	ASSERT_TRUE(sh("printf '%%%%!PS-Adobe-3.0\\nshowpage\\n' > "
	               "a.ps",
	    dir));
	ASSERT_INT_EQ(count("a.ps").status, FM_PC_UNSUPPORTED);
	ASSERT_TRUE(sh("{ printf '\\033%%%%-12345X@PJL ENTER "
	               "LANGUAGE=PDF\\r\\n'; cat seven.pdf; } > pjl.pdf",
	    dir));
	ASSERT_UINT_EQ(count("pjl.pdf").pages, 7);
}

static void
test_is_pdf(void)
{
	ASSERT_TRUE(fm_pagecount_is_pdf((const uint8_t *)"%PDF-1.7\n", 9));
	ASSERT_FALSE(fm_pagecount_is_pdf((const uint8_t *)"%PDF", 4));
	ASSERT_FALSE(fm_pagecount_is_pdf((const uint8_t *)"xx %PDF-1.7", 11));
	ASSERT_FALSE(fm_pagecount_is_pdf((const uint8_t *)"", 0));
}

int
main(void)
{
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(test_pdf_structures);
	RUN(test_encrypted_damaged_and_other);
	RUN(test_is_pdf);
	rc = harness_done();
	sh("cd / && rm -rf \"$OLDPWD\"", dir);
	return rc;
}
