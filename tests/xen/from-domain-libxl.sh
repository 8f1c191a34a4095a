#!/bin/bash
# xenlab base add --from-domain with libxl on the testbed's real Xen: a Debian VM
# configured in /etc/xen as a user's is refused while it runs, taken while paused (it
# stays paused) and when shut off (its xl.cfg and disk unchanged), and `xenlab run`
# boots a clone of the shut-off one's base through its own xl.cfg to a result.
#   from-domain-libxl.sh SPEC DOM0_SCRIPT
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
spec=${1:?spec} dom0_script=${2:?from-domain-libxl.dom0}
ensure_testbed
to_dom0 "$spec" "$dom0_script"
"$TESTBED" exec bash "$lib/from-domain-libxl.dom0"
