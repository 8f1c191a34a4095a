#!/bin/bash
# A xen test that is all in dom0: copies FILE... (data the dom0 script reads) and
# DOM0_SCRIPT into the testbed's dom0 and runs the script there with bash; its TAP
# output is the test's (from-domain-libxl, qcow2-growth-libxl: what each checks is
# said at the top of its .dom0 script).
#   dom0-test.sh [FILE...] DOM0_SCRIPT
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
[ $# -ge 1 ] || bail "usage: dom0-test.sh [FILE...] DOM0_SCRIPT"
ensure_testbed
to_dom0 "$@"
"$TESTBED" exec bash "$lib/$(basename "${!#}")"
