#!/bin/bash
# A PV guest booted from the testbed's guest image writes a key into its own data/ in
# XenStore and dom0 reads it with libxenstore (xs-read, built from this tree); the guest
# is refused (EACCES) when it writes outside its home.  The guest program and the dom0
# script are copied in now, so the testbed need not be rebuilt or rebooted for them.
#   guest-xenstore.sh XS_READ XS_GUEST_PROBE DOM0_SCRIPT
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
xs_read=${1:?xs-read} probe=${2:?xs-guest-probe} dom0_script=${3:?guest-xenstore.dom0}
ensure_testbed

"$TESTBED" cp "$xs_read" :/usr/local/bin/xs-read
to_dom0 "$probe" "$dom0_script"
"$TESTBED" exec bash "$lib/guest-xenstore.dom0"
