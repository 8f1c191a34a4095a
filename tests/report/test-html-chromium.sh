#!/bin/bash
# Renders the seed's HTML report with the real xenlab CLI, opens it in
# headless Chromium and takes a screenshot: the page must load offline and
# paint something substantial. The PNG stays in the build dir for people
# to look at (tests/report/seed-report.png).
set -u

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
    echo "1..0 # SKIP chromium is not installed (apt-get install chromium)"
    exit 0
fi
: "${XENLAB_CLI:?}" "${XENLAB_SRCDIR:?}" "${XENLAB_BUILDDIR:?}"

. "$(dirname "$0")/../tap.sh"
outdir="$XENLAB_BUILDDIR/tests/report"
mkdir -p "$outdir"
page="$outdir/seed-report.html"
png="$outdir/seed-report.png"
rm -f "$png"

SOURCE_DATE_EPOCH=1700000000 "$XENLAB_CLI" report --format html --ratio vm2/vm1 --output "$page" \
    "$XENLAB_SRCDIR/tests/data/seed/results.jsonl"
ok $? "xenlab report --format html --output writes the page"

timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --screenshot="$png" --window-size=1200,1600 \
    "file://$page" >"$work/chromium.log" 2>&1
rc=$?
ok $rc "headless chromium took a screenshot (exit $rc)"
[ $rc = 0 ] || sed 's/^/# /' "$work/chromium.log" | tail -20

size=$(stat -c %s "$png" 2>/dev/null || echo 0)
sig=$(head -c 8 "$png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
[ "$sig" = 89504e470d0a1a0a ]
ok $? "the screenshot is a PNG"
# A blank 1200x1600 page compresses to a few KiB; the seed page is ~150 KiB.
[ "$size" -gt 40000 ]
ok $? "the screenshot is not blank ($size bytes)"

tap_done
