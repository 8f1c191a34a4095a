#!/bin/bash
# A qcow2 base grown in the guest, with libxl on the testbed's real Xen: the Debian base
# (seed layout: root, then swap in an extended partition) as a qcow2 image, a clone of it
# as a qcow2 overlay made bigger than the base, served by QEMU's qdisk backend, booted
# through pvgrub2; the guest agent grows the root partition and filesystem itself.
#   qcow2-growth-libxl.sh SPEC DOM0_SCRIPT
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
spec=${1:?spec} dom0_script=${2:?qcow2-growth-libxl.dom0}
ensure_testbed
to_dom0 "$spec" "$dom0_script"
"$TESTBED" exec bash "$lib/qcow2-growth-libxl.dom0"
