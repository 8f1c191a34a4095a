# Sourced by the runner's component tests: TAP, a scratch state and runs dir,
# and a tiny ext4 base "tb" registered with libvirt's PV template. Sets X, S,
# T (the scratch dir) and launcher (the guest launcher's pid, killed at exit).
set -u
. "$(dirname "$0")/../tap.sh"
diag() { sed 's/^/# /' "$@"; }
X=$XENLAB_CLI S=$XENLAB_SRCDIR
[ "$(id -u)" = 0 ] || skip_all "needs root (mkfs on image files, clone dirs)"
for p in mkfs.ext4 qemu-img; do
    command -v $p >/dev/null || skip_all "$p is not installed"
done
T=$work
launcher=
at_exit='[ -z "$launcher" ] || kill "$launcher" 2>/dev/null; wait 2>/dev/null'
export XENLAB_STATE_DIR=$T/state XENLAB_RUNS_DIR=$T/runs
mkdir -p "$T/work" "$T/clones"
truncate -s 64M "$T/base.img" && mkfs.ext4 -q -F "$T/base.img"
"$X" base add tb "$T/base.img" --template "$S/templates/debian-pv.xml" > /dev/null
ok $? "base registered"
