#!/bin/bash
# The seed experiment end to end on the testbed's real Xen: `xenlab run` clones two guests
# from one base, grows vm2's disk and filesystem, gives each its vCPUs and memory and a
# payload disk, publishes the plans through XenStore, collects every result into the run
# directory and produces every report format.  The guests' own environment records must
# show what they were given; nothing the run made may be left behind.
#   seed-run.sh libxl|libvirt SPEC CHECK_PY
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
backend=${1:?libxl|libvirt} spec=${2:?spec} check=${3:?check.py}
ensure_testbed
# No clock bounds a dom0 command: each ends on a state it waits for (the run ends when
# its arms are journalled done or failed, with the spec's own trial budgets); meson's
# per-test timeout is the only guard, against a hang.
tb() { "$TESTBED" exec "$@"; }
tb test -x /usr/local/sbin/xenlab-testbed-base \
    || bail "dom0 has no xenlab-testbed-base: the testbed runs an older layer (scripts/testbed down, then rerun)"
free=$(tb xl info | awk '$1 == "free_memory" { print $3 }')
[ "${free:-0}" -ge 3200 ] || bail "Xen has ${free:-?} MiB free, the two arms need 3 GiB: boot with scripts/testbed up --memory 6G"

runs=/var/lib/xenlab/test-runs-$backend
clones=/var/lib/xenlab/test-clones-$backend
tb rm -rf "$runs" "$clones"
"$TESTBED" cp "$spec" ":$lib/"
# The Debian base `xenlab base build` made on the host (scripts/testbed build), as a
# user's VM: its own kernel through pvgrub2, systemd starting the agent.
tb xenlab-testbed-base --debian || bail "could not register the Debian base (testbed-debian)"
opts=(--base testbed-debian --backend "$backend" --parallel 2 --plain --clone-dir "$clones")
if [ "$backend" = libvirt ]; then
    opts+=(--uri xen:///system --template /usr/local/share/xenlab/templates/debian-pv.xml)
fi
t0=$SECONDS
rc=0
progress=$work/progress
tb env XENLAB_RUNS_DIR="$runs" xenlab run "$lib/$(basename "$spec")" "${opts[@]}" 2>&1 | tee "$progress" \
    || rc=$?
echo "TIMING: $backend run $((SECONDS - t0))s"
# Provisioning start to the first collected result, per guest (the progress lines' elapsed).
awk '$5 == "trial" && $6 ~ /^1\// && !seen[$2]++ { print "TIMING: " $3 " clone to first result " $8 }' "$progress"
# The run's own "xenlab: run ID in DIR" line: ids made in the same second do not sort by age.
id=$(sed -n 's/^xenlab: run \([^ ]*\) in .*/\1/p' "$progress" | head -1)
[ -n "$id" ] || bail "xenlab run printed no run id"
R=/var/lib/xenlab/test-runs-$backend/$id
for f in md csv json pts html; do
    tb xenlab report "$R" --format "$f" --output "$R/report.$f" || bail "xenlab report --format $f"
done
"$TESTBED" cp ":$R" "$work/"
cat "$work/$id/report.md"
leftover_domains=$(tb xl list | awk 'NR > 1 && $1 != "Domain-0"' | wc -l)
leftover_virsh=$(tb virsh -c xen:///system list --all --name 2>/dev/null | grep -cv -e '^$' -e '^Domain-0$' || true)
leftover_clones=$(tb find "$clones" -mindepth 1 2>/dev/null | wc -l || true)
python3 "$check" "$work/$id" "$rc" "$leftover_domains" "$leftover_virsh" "$leftover_clones"
