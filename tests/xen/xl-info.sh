#!/bin/bash
# The testbed runs the Xen the project targets: xl info in dom0 reports Xen 4.17, and
# dom0's Xen tools are the same version as the host's libxen-dev (binaries built here
# link against the libraries dom0 has).
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
ensure_testbed

info=$("$TESTBED" exec -t 120 xl info) || fail "xl info failed in dom0"
echo "$info" | grep -E '^(xen_major|xen_minor|xen_extra|xen_caps|nr_cpus|total_memory)'
major=$(echo "$info" | awk -F': *' '$1 ~ /^xen_major/ { print $2 }')
minor=$(echo "$info" | awk -F': *' '$1 ~ /^xen_minor/ { print $2 }')
[ "$major" = 4 ] || fail "xen_major is '$major', expected 4"
[ "$minor" = 17 ] || fail "xen_minor is '$minor', expected 17"
echo "PASS: Xen $major.$minor"

dom0_tools=$("$TESTBED" exec -t 60 dpkg-query -W -f '${Version}' xen-utils-4.17) || fail "no xen-utils-4.17 in dom0"
echo "dom0 xen-utils-4.17: $dom0_tools"
if host=$(dpkg-query -W -f '${Version}' libxen-dev 2>/dev/null); then
    echo "host libxen-dev:     $host"
    [ "$host" = "$dom0_tools" ] || fail "dom0 tools $dom0_tools differ from host libxen-dev $host"
    echo "PASS: dom0 tools match the host's libxen-dev"
fi
"$TESTBED" exec -t 60 xl list | grep -q '^Domain-0 ' || fail "xl list does not show Domain-0"
echo "PASS: xl list shows Domain-0"
