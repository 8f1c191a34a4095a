#!/bin/bash
# Every program a script in scripts/ runs out of the build directory
# ($build/..., $BUILD/...) is one the build makes: a moved binary (the CLI
# went to plugin/cli/ in issue 14) must not leave the main job pointing at
# nothing. Fuzz binaries and run-time files are made by other builds or runs.
set -u
. "$(dirname "$0")/../tap.sh"
S=${XENLAB_SRCDIR:?} B=${XENLAB_BUILDDIR:?}
for p in $(grep -rhoE '\$\{?(build|BUILD|builddir)\}?/[A-Za-z0-9_./-]+' "$S/scripts" | sed -E 's/^\$\{?[A-Za-z]+\}?\///' | sort -u); do
    case $p in
        build.ninja|fuzz-artifacts*|meson-logs/*|tests/fuzz/*) continue ;;
    esac
    [ -e "$B/$p" ]
    ok $? "scripts/ name \$build/$p, which the build makes"
done
tap_done
