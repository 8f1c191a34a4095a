#!/bin/bash
# The Debian packages, built as a Debian developer would (dpkg-buildpackage
# -b -us -uc on a copy of the tree), checked by lintian (no errors), and
# unpacked into a throwaway root where the installed programs, templates,
# man pages and links must work. Suite "packages" (scripts/run-tests runs it).
. "$(dirname "$0")/../tap.sh"
S=${XENLAB_SRCDIR:?}
for p in dpkg-buildpackage dh lintian; do
    command -v $p >/dev/null || skip_all "$p is not installed (packages dpkg-dev, debhelper, lintian)"
done
mkdir -p "$work/src"
(cd "$S" && git ls-files -z 2>/dev/null | xargs -0 cp --parents -t "$work/src" 2>/dev/null) ||
    (cd "$S" && tar --exclude='./build*' --exclude=./.git -c . | tar -C "$work/src" -x)
(cd "$work/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1
rc=$?
ok $rc "dpkg-buildpackage -b -us -uc (rc $rc: $(tail -3 "$work/build.log" | tr '\n' ' '))"
[ $rc = 0 ] || tap_done
deb=$(ls "$work"/xenlab_*_amd64.deb) gdeb=$(ls "$work"/xenlab-guest_*_amd64.deb)
ok $([ -f "$deb" ] && [ -f "$gdeb" ] && echo 0 || echo 1) "two packages: $(basename "$deb") $(du -k "$deb" | cut -f1) KiB, $(basename "$gdeb") $(du -k "$gdeb" | cut -f1) KiB"
lintian "$work"/*.changes >"$work/lintian" 2>&1
errors=$(grep -c '^E:' "$work/lintian")
grep -E '^(W|E):' "$work/lintian" | sed 's/^/# lintian: /'
ok $([ "$errors" = 0 ] && echo 0 || echo 1) "lintian: no errors ($(grep -c '^W:' "$work/lintian") warnings$(grep '^E:' "$work/lintian" | head -3 | tr '\n' ' '))"
dpkg-deb -f "$deb" Depends | grep -q 'xenlab-guest (= '
ok $? "xenlab depends on the same version of xenlab-guest (its payload)"
gdeps=$(dpkg-deb -f "$gdeb" Depends)
! grep -qiE 'libxenlight|libxenctrl|libxenmisc|libvirt' <<<"$gdeps"
ok $? "xenlab-guest links no toolstack library, only the agent's libxenstore ($gdeps)"
root=$work/root
dpkg -x "$deb" "$root" && dpkg -x "$gdeb" "$root"
"$root/usr/bin/xenlab" --version >"$work/v" 2>&1
ok $? "installed xenlab --version: $(cat "$work/v")"
"$root/usr/bin/xenlab" spec check "$root/usr/share/xenlab/templates/seed-quick.json" >/dev/null 2>"$work/err"
ok $? "installed xenlab spec check on an installed template $(cat "$work/err")"
"$root/usr/bin/xenlab-guest" version >/dev/null
ok $? "installed xenlab-guest runs"
[ "$(readlink "$root/etc/xapi.d/plugins/xenlab")" = /usr/libexec/xenlab/xenlab-xapi-plugin ] &&
    [ -x "$root/usr/libexec/xenlab/xenlab-xapi-plugin" ]
ok $? "the XAPI plugin link points at the installed plugin"
for page in man1/xenlab.1 man1/xenlab-guest.1 man5/xenlab-spec.5; do
    f=$root/usr/share/man/$page.gz
    if command -v man >/dev/null; then
        man -l "$f" >"$work/page" 2>&1 && grep -q NAME "$work/page"
    else
        zcat "$f" | grep -q '^\.TH'
    fi
    ok $? "man $page renders"
done
[ -f "$root/usr/share/bash-completion/completions/xenlab" ] && bash -n "$root/usr/share/bash-completion/completions/xenlab"
ok $? "bash completion installed and parses"
tap_done
