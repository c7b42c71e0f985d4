#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make-pagecount-corpus.sh OUTDIR GENERATOR - builds the page-analysis test
# corpus with known truth into OUTDIR and writes OUTDIR/expected.tsv.
#
# Each expected.tsv line is tab-separated:
#   file  options  status  pages  color_pages  impressions  sheets  copies
# with "-" for a field that is not checked.  "options" is a
# space-separated list of followme-pagecount options ("-" for none).
#
# Tools: Ghostscript (PostScript -> PDF, PCLm, PWG, URF, PCL, PCL XL
# writers), qpdf (PDF structures and encryption) and GENERATOR
# (tests/data/pagecount-gen.c: PCL 5, PCL XL, PWG, URF with exact
# colour truth).  The truth of every file is fixed by how it is made:
# page letters c = colour, g = grey drawn in RGB (mono to a user),
# m = grey/black, k = CMYK pure black (mono).
set -euo pipefail
OUT=$1
GEN=$2
mkdir -p "$OUT"
cd "$OUT"
: > expected.tsv

expect() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> expected.tsv; }

gsq() { gs -q -dSAFER -dBATCH -dNOPAUSE "$@"; }

# mkps FILE LETTERS [EXTRA-SETUP] - DSC PostScript, one page per letter.
mkps() {
	local f=$1 spec=$2 setup=${3:-} n=${#2} i
	{
		printf '%%!PS-Adobe-3.0\n%%%%Creator: followme corpus\n'
		printf '%%%%Pages: %d\n%%%%BoundingBox: 0 0 595 842\n' "$n"
		printf '%%%%EndComments\n%%%%BeginProlog\n'
		printf '/rgb { setrgbcolor } bind def\n'
		printf '/box { newpath 100 100 moveto 300 0 rlineto 0 200 rlineto -300 0 rlineto closepath fill } bind def\n'
		printf '%%%%EndProlog\n%%%%BeginSetup\n%s\n%%%%EndSetup\n' "$setup"
		for ((i = 0; i < n; i++)); do
			printf '%%%%Page: %d %d\nsave\n' $((i + 1)) $((i + 1))
			case ${spec:i:1} in
			c) printf '0.9 0.1 0.1 rgb box\n' ;;
			g) printf '0.5 0.5 0.5 setrgbcolor box\n' ;;
			m) printf '0.3 setgray box\n' ;;
			k) printf '0 0 0 1 setcmykcolor box\n' ;;
			esac
			printf '/Helvetica findfont 24 scalefont setfont 100 700 moveto 0 setgray (Page %d) show\n' $((i + 1))
			printf 'restore\nshowpage\n'
		done
		printf '%%%%Trailer\n%%%%EOF\n'
	} > "$f"
}

count_c() { local s=${1//[^c]/}; echo ${#s}; }

# --- PostScript ---------------------------------------------------------
mkps ps-1.ps c;               expect ps-1.ps - ok 1 1 1 1 1
mkps ps-2.ps mg;              expect ps-2.ps - ok 2 0 2 2 1
mkps ps-7.ps cgmkcgm;         expect ps-7.ps - ok 7 2 7 7 1
big=$(printf 'cgmk%.0s' $(seq 75)) # 300 pages
mkps ps-300.ps "$big";        expect ps-300.ps - ok 300 75 300 300 1
mkps ps-copies.ps cm '/#copies 3 def'
expect ps-copies.ps - ok 2 1 6 6 3
# pstops-style: the CUPS copies written into the data = one request.
mkps ps-numcopies.ps cgm '<< /NumCopies 2 >> setpagedevice'
expect ps-numcopies.ps "--copies 2" ok 3 1 6 6 2
expect ps-numcopies.ps "--copies 3" ok 3 1 18 18 6
mkps ps-requirements.ps mm ''
sed -i 's/^%%EndComments/%%Requirements: numcopies(4) collate\n%%EndComments/' ps-requirements.ps
expect ps-requirements.ps - ok 2 0 8 8 4
# No DSC at all: Ghostscript counts (and decides colour from pixels).
printf '%%!PS\n1 0 0 setrgbcolor 0 0 100 100 rectfill showpage\n0.5 setgray 0 0 100 100 rectfill showpage\n0 0 100 100 rectfill showpage\n' > ps-nodsc.ps
expect ps-nodsc.ps - ok 3 1 3 3 1
# DSC that lies about the pages: Ghostscript decides.
mkps ps-lies.ps cmm
sed -i 's/^%%Pages: 3/%%Pages: 5/' ps-lies.ps
expect ps-lies.ps - ok 3 1 3 3 1
# DSC pages that print more than DSC says (two showpage in one page).
mkps ps-extra-showpage.ps cmm
sed -i '0,/^showpage$/s//showpage\nshowpage/' ps-extra-showpage.ps
expect ps-extra-showpage.ps - ok 4 1 4 4 1
# N-up and duplex.
mkps ps-5.ps ccmmm
expect ps-5.ps "--number-up 2" ok 5 2 3 3 1
expect ps-5.ps "--sides two-sided-long-edge" ok 5 2 5 3 1
expect ps-5.ps "--copies 2 --number-up 4 --sides two-sided-short-edge" ok 5 2 4 2 2
expect ps-5.ps "--color-mode monochrome" ok 5 0 5 5 1
expect ps-5.ps "--accurate-color" ok 5 2 5 5 1
# Real-world DSC from Ghostscript's ps2write.
gsq -sDEVICE=ps2write -sOutputFile=ps-ps2write.ps ps-7.ps
expect ps-ps2write.ps - ok 7 2 7 7 1
# Endless and broken PostScript: a status, in bounded time.
printf '%%!PS\n{ 1 pop } loop\n' > bad-ps-endless.ps
expect bad-ps-endless.ps "--timeout 3" too-complex - - - - -
printf '%%!PS\n0 0 moveto (unterminated) show showpage\n/foo bar baz\n' > bad-ps-error.ps
expect bad-ps-error.ps - damaged - - - - -
printf '%%!PS\n/a 1000000000 array def 1 1 100 { a exch 0 put } for showpage\n' > bad-ps-memory.ps
expect bad-ps-memory.ps "--timeout 20" - - - - - -

# --- PDF ----------------------------------------------------------------
for spec in c mg cgmkcgm "$big"; do
	n=${#spec}
	mkps tmp.ps "$spec"
	gsq -sDEVICE=pdfwrite -sOutputFile=pdf-$n.pdf tmp.ps
	expect pdf-$n.pdf - ok "$n" "$(count_c "$spec")" "$n" "$n" 1
done
expect pdf-7.pdf "--accurate-color" ok 7 2 7 7 1
expect pdf-7.pdf "--copies 3 --number-up 2 --sides two-sided-long-edge" ok 7 2 12 6 3
qpdf --object-streams=disable pdf-7.pdf pdf-classic.pdf
expect pdf-classic.pdf - ok 7 2 7 7 1
qpdf --object-streams=generate pdf-7.pdf pdf-objstm.pdf
expect pdf-objstm.pdf - ok 7 2 7 7 1
qpdf --linearize pdf-7.pdf pdf-linearized.pdf
expect pdf-linearized.pdf - ok 7 2 7 7 1
qpdf --encrypt "" owner 256 -- pdf-7.pdf pdf-owner-only.pdf
expect pdf-owner-only.pdf - ok 7 2 7 7 1
qpdf --encrypt user owner 256 -- pdf-7.pdf pdf-user-pw.pdf
expect pdf-user-pw.pdf - encrypted - - - - -
# Incremental update: a new revision of the page tree drops the last
# two pages (cgmkc remain: 2 colour).
root=$(qpdf --show-object=trailer pdf-classic.pdf | sed -n 's/.*\/Root \([0-9]*\) 0 R.*/\1/p')
pages=$(qpdf --show-object="$root" pdf-classic.pdf | sed -n 's/.*\/Pages \([0-9]*\) 0 R.*/\1/p')
size=$(qpdf --show-object=trailer pdf-classic.pdf | sed -n 's/.*\/Size \([0-9]*\).*/\1/p')
kids=$(qpdf --show-pages pdf-classic.pdf | sed -n 's/^page [0-9]*: \([0-9]* [0-9]* R\)$/\1/p' | head -5 | tr '\n' ' ')
prev=$(tail -c 64 pdf-classic.pdf | tr '\r' '\n' | sed -n '/startxref/{n;p}')
cp pdf-classic.pdf pdf-incremental.pdf
off=$(stat -c %s pdf-incremental.pdf)
printf '%d 0 obj\n<< /Type /Pages /Kids [ %s] /Count 5 >>\nendobj\n' "$pages" "$kids" >> pdf-incremental.pdf
xref=$(stat -c %s pdf-incremental.pdf)
printf 'xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n' \
	"$pages" "$off" "$size" "$root" "$prev" "$xref" >> pdf-incremental.pdf
[ "$(qpdf --show-npages pdf-incremental.pdf)" = 5 ]
expect pdf-incremental.pdf - ok 5 2 5 5 1
# Damage qpdf repairs: a wrong startxref offset.
perl -0pe 's/startxref\s+\d+/startxref\n999/' pdf-classic.pdf > pdf-bad-xref.pdf
expect pdf-bad-xref.pdf - ok 7 2 7 7 1
# PJL-wrapped PDF (what the stock CUPS PDF PPD produces).
{ printf '\033%%-12345X@PJL JOB\r\n@PJL SET QTY=2\r\n@PJL ENTER LANGUAGE=PDF\r\n'
  cat pdf-7.pdf; printf '\033%%-12345X@PJL EOJ\r\n\033%%-12345X'; } > pjl-pdf.prn
expect pjl-pdf.prn - ok 7 2 14 14 2
# Malformed PDFs.
head -c 400 pdf-7.pdf > bad-pdf-truncated.pdf
expect bad-pdf-truncated.pdf - damaged - - - - -
printf '%%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\ntrailer\n<< /Root 1 0 R /Size 4 >>\n%%%%EOF\n' > bad-pdf-loop.pdf
expect bad-pdf-loop.pdf - - - - - - -
printf '%%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1000000000 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\ntrailer\n<< /Root 1 0 R /Size 4 >>\n%%%%EOF\n' > bad-pdf-billion.pdf
expect bad-pdf-billion.pdf - ok 1 0 1 1 1
# A page tree nested N levels deep (one page at the bottom): 500 levels
# is odd but fine; 50000 would overflow qpdf's recursive walk.
deep_pdf() {
	awk -v n="$2" 'BEGIN {
		printf "%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
		for (i = 0; i < n; i++) {
			me = 2 + i
			par = i > 0 ? sprintf("/Parent %d 0 R ", me - 1) : ""
			printf "%d 0 obj << /Type /Pages %s/Kids [%d 0 R] /Count 1 >> endobj\n", me, par, me + 1
		}
		printf "%d 0 obj << /Type /Page /Parent %d 0 R /MediaBox [0 0 9 9] >> endobj\n", n + 2, n + 1
		printf "trailer << /Root 1 0 R /Size %d >>\n%%%%EOF\n", n + 3
	}' > "$1"
}
deep_pdf pdf-deep-500.pdf 500
expect pdf-deep-500.pdf - ok 1 0 1 1 1
deep_pdf bad-pdf-deep.pdf 50000
expect bad-pdf-deep.pdf - too-complex - - - - -
# What qpdf cannot count, Ghostscript counts (issue 12): 40 pages under a
# page tree 1,100 levels deep; a page tree reaching the same node twice
# (qpdf: a loop), counted as Ghostscript paints it, each page once; a PDF
# without its %PDF- header (qpdf repairs it, found by its objects).
awk 'BEGIN {
	n = 1100; p = 40
	printf "%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
	for (i = 0; i < n; i++) {
		me = 2 + i
		par = i > 0 ? sprintf("/Parent %d 0 R ", me - 1) : ""
		printf "%d 0 obj << /Type /Pages %s/Kids [", me, par
		if (i < n - 1)
			printf "%d 0 R", me + 1
		else
			for (k = 0; k < p; k++)
				printf "%d 0 R ", me + 1 + k
		printf "] /Count %d >> endobj\n", p
	}
	for (k = 0; k < p; k++)
		printf "%d 0 obj << /Type /Page /Parent %d 0 R /MediaBox [0 0 200 200] >> endobj\n", n + 2 + k, n + 1
	printf "trailer << /Root 1 0 R /Size %d >>\n%%%%EOF\n", n + 2 + p
}' > pdf-deep-1100.pdf
expect pdf-deep-1100.pdf - ok 40 0 40 40 1
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R 3 0 R] /Count 4 >> endobj\n3 0 obj << /Type /Pages /Parent 2 0 R /Kids [4 0 R 5 0 R] /Count 2 >> endobj\n4 0 obj << /Type /Page /Parent 3 0 R /MediaBox [0 0 200 200] >> endobj\n5 0 obj << /Type /Page /Parent 3 0 R /MediaBox [0 0 200 200] >> endobj\ntrailer << /Root 1 0 R /Size 6 >>\n%%%%EOF\n' > pdf-shared-node.pdf
expect pdf-shared-node.pdf - ok 2 0 2 2 1
tail -n +2 pdf-7.pdf > pdf-no-header.pdf
expect pdf-no-header.pdf - ok 7 2 7 7 1
# Deflate bombs: an 80 MB content stream of blanks and a 10x10 image whose
# stream inflates to 10 MB, both compressed by qpdf to a few kilobytes.
# The page count stands; what the page draws is unknown (colour '-').
bomb_pdf() { # FILE CONTENT-BYTES IMAGE-BYTES
	{
		printf '%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n'
		printf '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n'
		printf '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 99 99] '
		printf '/Resources << /XObject << /Im 5 0 R >> >> /Contents 4 0 R >> endobj\n'
		printf '4 0 obj << /Length %d >> stream\n' $(($2 + 6))
		head -c "$2" /dev/zero | tr '\0' ' '
		printf '/Im Do\nendstream endobj\n'
		printf '5 0 obj << /Type /XObject /Subtype /Image /Width 10 /Height 10 '
		printf '/ColorSpace /DeviceRGB /BitsPerComponent 8 /Length %d >> stream\n' "$3"
		head -c "$3" /dev/zero
		printf '\nendstream endobj\ntrailer << /Root 1 0 R /Size 6 >>\n%%%%EOF\n'
	} > "$1.raw"
	qpdf --compress-streams=y "$1.raw" "$1" 2>/dev/null || [ $? -eq 3 ]
	rm -f "$1.raw"
}
bomb_pdf bad-pdf-content-bomb.pdf 80000000 300
expect bad-pdf-content-bomb.pdf - ok 1 - 1 1 1
bomb_pdf bad-pdf-image-bomb.pdf 10 10000000
expect bad-pdf-image-bomb.pdf - ok 1 - 1 1 1
head -c 5000 /dev/urandom > bad-garbage.bin
expect bad-garbage.bin - unsupported - - - - -
printf '%%PDF-1.7\n' > bad-pdf-header-only.pdf
cat bad-garbage.bin >> bad-pdf-header-only.pdf
expect bad-pdf-header-only.pdf - damaged - - - - -

# --- PCLm, PWG, URF, PCL, PCL XL from Ghostscript's writers -------------
gsq -dUseFastColor=true -sDEVICE=pclm -r100 -sOutputFile=pclm-7.pclm ps-7.ps 2>/dev/null
expect pclm-7.pclm - ok 7 2 7 7 1
gsq -dUseFastColor=true -sDEVICE=pwgraster -r100 -dcupsColorSpace=19 -dcupsBitsPerColor=8 -sOutputFile=gs-7.pwg ps-7.ps
expect gs-7.pwg - ok 7 2 7 7 1
gsq -sDEVICE=pwgraster -r100 -sOutputFile=gs-mono-7.pwg ps-7.ps
expect gs-mono-7.pwg - ok 7 0 7 7 1
gsq -sDEVICE=urf -r100 -sOutputFile=gs-7.urf ps-7.ps
expect gs-7.urf - ok 7 0 7 7 1
gsq -sDEVICE=ljet4 -r300 -sOutputFile=gs-7.pcl ps-7.ps
expect gs-7.pcl - ok 7 - 7 7 1
gsq -dUseFastColor=true -sDEVICE=pxlcolor -sOutputFile=gs-7.pxl ps-7.ps
expect gs-7.pxl - ok 7 2 7 7 1
gsq -sDEVICE=pxlmono -sOutputFile=gs-300.pxl ps-300.ps
expect gs-300.pxl - ok 300 0 300 300 1

# --- Generated PCL 5, PCL XL, PWG, URF with exact colour truth ----------
for fmt in pcl5 pclxl pwg urf; do
	for spec in c gm cgmgcmc "$big"; do
		n=${#spec}
		"$GEN" "$fmt" gen-$n.$fmt "$spec"
		expect gen-$n.$fmt - ok "$n" "$(count_c "$spec")" "$n" "$n" 1
	done
	expect gen-7.$fmt "--number-up 2 --sides two-sided-long-edge --copies 2" ok 7 3 8 4 2
	expect gen-7.$fmt "--color-mode monochrome" ok 7 0 7 7 1
done
# PCL 5 traps: binary rows and HP-GL/2 labels full of form feeds, resets.
"$GEN" pcl5 gen-traps.pcl5 cgmgcmc traps
expect gen-traps.pcl5 - ok 7 3 7 7 1
"$GEN" pcl5 gen-copies.pcl5 cgm copies=3
expect gen-copies.pcl5 - ok 3 1 9 9 3
expect gen-copies.pcl5 "--copies 3" ok 3 1 9 9 3
"$GEN" pcl5 pjl-pcl5.prn cgmgc pjl=2 traps
expect pjl-pcl5.prn - ok 5 2 10 10 2
# PCL XL: both byte orders, RLE images, PageCopies, PJL QTY.
"$GEN" pclxl gen-be.pclxl cgmgcmc be
expect gen-be.pclxl - ok 7 3 7 7 1
"$GEN" pclxl gen-rle.pclxl cgmgcmc rle be
expect gen-rle.pclxl - ok 7 3 7 7 1
"$GEN" pclxl gen-copies.pclxl cgm copies=2
expect gen-copies.pclxl - ok 3 1 6 6 2
"$GEN" pclxl pjl-pclxl.prn cgmgc copies=2 pjl=3
expect pjl-pclxl.prn - ok 5 2 30 30 6
# Malformed rasters and streams.
"$GEN" pwg tmp.pwg cgm
head -c 3000 tmp.pwg > bad-pwg-truncated.pwg
expect bad-pwg-truncated.pwg - damaged - - - - -
cp tmp.pwg bad-pwg-huge.pwg
printf '\377\377\377\377\377\377\377\377' | dd of=bad-pwg-huge.pwg bs=1 seek=$((4 + 372)) conv=notrunc status=none
expect bad-pwg-huge.pwg - damaged - - - - -
"$GEN" urf tmp.urf cgm
cp tmp.urf bad-urf-huge.urf
printf '\177\377\377\377\177\377\377\377' | dd of=bad-urf-huge.urf bs=1 seek=$((12 + 12)) conv=notrunc status=none
expect bad-urf-huge.urf - damaged - - - - -
head -c 500 gen-7.pclxl > bad-pclxl-truncated.pclxl
expect bad-pclxl-truncated.pclxl - damaged - - - - -
head -c 200 gen-traps.pcl5 > bad-pcl5-truncated.pcl
printf '\033*b99999W' >> bad-pcl5-truncated.pcl
expect bad-pcl5-truncated.pcl - damaged - - - - -
printf '\033%%-12345X@PJL JOB\r\n@PJL EOJ\r\n\033%%-12345X' > bad-pjl-empty.prn
expect bad-pjl-empty.prn - unsupported - - - - -
# Plain text is paginated as texttopdf does (pagecount.sh compares the
# two on more texts): one line is one page.
printf 'Just some plain text\n' > text-1.txt
expect text-1.txt - ok 1 0 1 1 1
: > bad-empty.bin
expect bad-empty.bin - unsupported - - - - -
rm -f tmp.ps tmp.pwg tmp.urf
