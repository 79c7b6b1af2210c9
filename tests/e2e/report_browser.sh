# The reports as a reader gets them: printed by a real browser (headless
# Chromium, Letter) and read back from the PDF with poppler (pdftotext,
# pdfinfo). Checked on the demo cohort's annual report and quarterly packet:
#   - every section heading is in the PDF and none is the last line of a
#     page (stranded at the foot, its content on the next page);
#   - the page count is within a stated range;
#   - every page has its number, and every page but the cover the running
#     header (programs, report, as-of);
#   - no text runs past the right edge of the page's text area (the input
#     files table with its SHA-256 hashes is the widest);
#   - the packet's CONFIDENTIAL mark is on every page, in the top margin,
#     and no other text lies under it.
. tests/lib.sh

for tool in chromium pdftotext pdfinfo; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        not_ok "$tool is installed (scripts/install-deps.sh installs it)"
        exit 0
    fi
done

run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/a" --db "$T/a.db" \
    --set mentorship_launch=2022-07-01
expect_rc "annual pipeline on the demo cohort" 0
run "$IMGO" report --db "$T/a.db" --kind quarterly --out "$T/q"
expect_rc "quarterly packet of the demo cohort" 0
run "$IMGO" report --db "$T/a.db" --kind institution --out "$T/i"
expect_rc "institution report of the demo cohort" 0

# print URL PDF: Chromium's print to PDF, no browser header or footer (the
# report's own @page boxes are the header and footer).
print() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$T/profile" --no-pdf-header-footer --print-to-pdf="$2" "file://$1" >/dev/null 2>&1
}

# The headings of an HTML report, one per line, entities decoded, spaces
# collapsed.
headings() {
    sed -n 's/.*<h[123]>\(.*\)<\/h[123]>.*/\1/p' "$1" |
        sed 's/<[^>]*>//g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&amp;/\&/g' |
        awk '{ $1 = $1; print }'
}

# check NAME HTML PDF MINPAGES MAXPAGES CONFIDENTIAL
check() {
    name=$1 html=$2 pdf=$3
    print "$html" "$pdf"
    if [ ! -s "$pdf" ]; then not_ok "$name printed to PDF"; return; fi
    ok "$name printed to PDF"
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
    width=$(pdfinfo "$pdf" | awk '/^Page size:/ { print $3 }')
    if [ "$pages" -ge "$4" ] && [ "$pages" -le "$5" ]; then ok "$name: $pages pages (expected $4 to $5)"
    else not_ok "$name: page count" "$pages pages, expected $4 to $5"; fi
    pdftotext -layout "$pdf" - | awk '{ $1 = $1; print }' >"$T/all.txt"
    headings "$html" >"$T/heads"
    missing=$(while IFS= read -r h; do grep -qxF -- "$h" "$T/all.txt" || echo "$h"; done <"$T/heads")
    if [ -z "$missing" ]; then ok "$name: all $(wc -l <"$T/heads") headings in the PDF"
    else not_ok "$name: every heading in the PDF" "missing: $missing"; fi
    stranded="" nonum="" nohead=""
    p=1
    while [ "$p" -le "$pages" ]; do
        pdftotext -layout -f "$p" -l "$p" "$pdf" - | awk '{ $1 = $1; print }' | grep -v '^$' >"$T/page"
        grep -qx "Page $p of $pages" "$T/page" || nonum="$nonum $p"
        if [ "$p" -gt 1 ]; then grep -q ' · as of ' "$T/page" || nohead="$nohead $p"; fi
        last=$(grep -vx 'Page [0-9]* of [0-9]*' "$T/page" | tail -1)
        if grep -qxF -- "$last" "$T/heads"; then stranded="$stranded $p:$last"; fi
        p=$((p + 1))
    done
    if [ -z "$stranded" ]; then ok "$name: no heading is the last line of a page"
    else not_ok "$name: no heading is the last line of a page" "$stranded"; fi
    if [ -z "$nonum" ]; then ok "$name: every page numbered 'Page N of $pages'"
    else not_ok "$name: every page numbered" "pages without a number:$nonum"; fi
    if [ -z "$nohead" ]; then ok "$name: the running header on every page after the cover"
    else not_ok "$name: the running header on every page after the cover" "missing on:$nohead"; fi
    # words past the right margin (15 mm = 42.5 pt; 5 pt of slack)
    pdftotext -bbox "$pdf" - >"$T/bbox"
    wide=$(awk -v w="$width" -F'"' '/<word / { if ($6 + 0 > w - 37.5) { sub(/.*">/, ""); sub(/<.*/, ""); print } }' \
        "$T/bbox" | head -5)
    if [ -z "$wide" ]; then ok "$name: no text past the right margin"
    else not_ok "$name: no text past the right margin" "$wide"; fi
    if [ "$6" = 1 ]; then
        # per page: the mark's box, and every other word's, in the top margin or below the mark
        bad=$(awk -F'"' '
            /<page / { pg++; my = -1; n = 0 }
            /<word / { x0 = $2; y0 = $4; x1 = $6; y1 = $8; t = $0; sub(/.*">/, "", t); sub(/<.*/, "", t)
                       if (t == "CONFIDENTIAL") { mark[pg] = 1; mx0 = x0; my0 = y0; mx1 = x1; my1 = y1; my = y1 }
                       w[pg, ++n] = x0 " " y0 " " x1 " " y1 " " t; cnt[pg] = n }
            /<\/page>/ { if (!mark[pg]) { print "page " pg ": no CONFIDENTIAL mark"; next }
                         if (my > 56.7) print "page " pg ": the mark is not in the top margin (y " my ")"
                         for (i = 1; i <= cnt[pg]; i++) { split(w[pg, i], a, " ")
                             # a word of the mark line itself is to the right of the mark start on its line
                             if (a[2] + 0 == my0 + 0) continue
                             if (a[2] + 0 < my1 + 0 && a[4] + 0 > my0 + 0 && a[1] + 0 < 612 && a[3] + 0 > mx0 + 0)
                                 print "page " pg ": \"" a[5] "\" lies under the mark" } }' "$T/bbox")
        if [ -z "$bad" ]; then ok "$name: CONFIDENTIAL in the top margin of every page, nothing under it"
        else not_ok "$name: CONFIDENTIAL on every page, covering nothing" "$bad"; fi
    fi
}

check annual "$T/a/report.html" "$T/annual.pdf" 15 35 0
check quarterly "$T/q/report.html" "$T/quarterly.pdf" 3 14 1
check institution "$T/i/report.html" "$T/institution.pdf" 6 20 0
