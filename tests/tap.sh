# Sourced by the shell tests: TAP output and a scratch directory. POSIX sh: the xen
# suite's dom0 halves source it too (tests/xen/testbed-lib.sh ships it to dom0).
#   . "$(dirname "$0")/../tap.sh"
#   ok STATUS "what was checked"     (STATUS 0 = passed)
#   check "what" CMD [ARG...]        runs CMD: passed if it exits 0
#   is "what" EXPECTED ACTUAL        passed if the strings are equal; says both if not
#   skip_all "why"                   the whole test cannot run here (plan 1..0, exit 0)
#   bail "why"                       stops the test at once (Bail out!, exit 1)
#   tap_done                         prints the plan, exits 1 if any failed
# $work is a fresh directory, removed when the test exits; a test with more to undo
# sets at_exit to a command, run first.
n=0 failed=0 at_exit=
ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
check() { tap_what=$1; shift; if "$@"; then ok 0 "$tap_what"; else ok 1 "$tap_what"; fi; }
is() { if [ "$2" = "$3" ]; then ok 0 "$1 ($3)"; else ok 1 "$1: expected '$2', got '$3'"; fi; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# One check that cannot run here, saying why.
skip() { n=$((n + 1)); echo "ok $n # SKIP $*"; }
bail() { echo "Bail out! $*"; exit 1; }
tap_done() { echo "1..$n"; [ "$failed" = 0 ]; exit; }
work=$(mktemp -d)
trap 'eval "$at_exit"; rm -rf "$work"' EXIT
