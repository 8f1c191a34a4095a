#!/bin/bash
# A test fleet on the testbed's real Xen: three clones of the Debian base, pinned to
# pCPU 1, run one test command that reads an input from dom0 and whose outcome
# depends on the clone (XENLAB_REPLICA 2 fails); their verdicts and output logs come
# back through XenStore, the JUnit file (checked here, on the host, with xmllint and
# a reader) names the one failure on its replica, and dom0's libxl samples say the
# three ran at the same time on pCPU 1.
#   fleet-libxl.sh SPEC DOM0_SCRIPT
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
spec=${1:?spec} dom0_script=${2:?fleet-libxl.dom0}
ensure_testbed
to_dom0 "$spec" "$dom0_script"
set +e
"$TESTBED" exec bash "$lib/fleet-libxl.dom0" | tee "$work/dom0.tap"
rc=${PIPESTATUS[0]}
"$TESTBED" cp :/var/lib/xenlab/test-fleet/junit.xml "$work/junit.xml"
"$TESTBED" cp :/var/lib/xenlab/test-fleet/report.md "$work/report.md"
"$TESTBED" exec rm -rf /var/lib/xenlab/test-fleet
set -e
echo "# dom0 half exited $rc"
[ "$rc" = 0 ]
ok $? "the dom0 half passed"
if command -v xmllint >/dev/null; then
    xmllint --noout "$work/junit.xml" 2>"$work/xmllint.err"
    ok $? "xmllint reads the JUnit file as well-formed XML: $(head -c 200 "$work/xmllint.err")"
else
    ok 1 "xmllint is not installed (scripts/install-deps --test installs libxml2-utils)"
fi
python3 - "$work/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = suite.findall("testcase")
fails = [c for c in cases if c.find("failure") is not None]
ok = (suite.get("name") == "xenlab.fleet" and suite.get("tests") == "3" and suite.get("failures") == "1"
      and [c.get("classname") for c in fails] == ["xenlab.fleet.replica2"]
      and fails[0].find("failure").get("message") == "exit status 3"
      and "replica 2 is the broken one" in (fails[0].findtext("system-out") or "")
      and all("checking clone fleet/" in (c.findtext("system-out") or "") for c in fails))
if not ok:
    print("# " + open(sys.argv[1]).read()[:1500].replace("\n", "\n# "))
sys.exit(0 if ok else 1)
PY
ok $? "JUnit: 3 cases of suite xenlab.fleet, one failure, on replica 2, exit status 3, its output in system-out"
grep -qF '| smoke pass | fleet | 3 | 2 | 1 | 0 | **flaky**: failed on replica 2 trial 1 |' "$work/report.md"
ok $? "the report calls the test flaky across identical clones: $(grep -F 'smoke pass | fleet' "$work/report.md")"
grep -q "^- dom0: fleet's domain used up to [0-9.]* % of its 1 vCPU between results, on pCPU 1\.$" "$work/report.md" &&
    grep -q '^- \*\*Check:\*\* replicas of fleet ran at the same time on this host, on the same pCPUs\.$' "$work/report.md"
ok $? "libxl's samples: dom0's view of the domains and the replicas running at once: $(grep -i 'dom0:\|same time' "$work/report.md" | tr '\n' ' ')"
tap_done
