#!/bin/bash
# The layered xenlab-guest (from this build's `meson install`) runs in a testbed guest's
# Debian root: the guest reports `xenlab-guest version` and `xenlab-guest env` through
# its own data/ in XenStore.  Skipped if this build installs no xenlab-guest.
#   guest-payload.sh XS_READ DOM0_SCRIPT
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
xs_read=${1:?xs-read} dom0_script=${2:?guest-payload.dom0}
build=${XENLAB_BUILD:-}
[ -x "$build/guest-payload/xenlab-guest" ] || skip "no guest-payload/xenlab-guest in XENLAB_BUILD=$build"
ensure_testbed
"$TESTBED" exec test -x /usr/local/bin/xenlab-guest \
    || bail "dom0 has no /usr/local/bin/xenlab-guest: the testbed was booted without this build's layer (scripts/testbed down, then rerun)"
"$TESTBED" cp "$xs_read" :/usr/local/bin/xs-read
to_dom0 "$dom0_script"
"$TESTBED" exec bash "$lib/guest-payload.dom0" "$(cat "$build/meson-info/intro-projectinfo.json" | sed -n 's/.*"version": *"\([^"]*\)".*/\1/p')"
