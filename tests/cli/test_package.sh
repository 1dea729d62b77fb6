#!/usr/bin/env bash
# The Debian package: dpkg-buildpackage -us -uc -b builds a .deb from a copy of the
# source tree (so nothing is left in it), with the expected files and shlibs Depends;
# the opsdeck it holds runs; lintian reports no errors.  About 10 s.
. "$(dirname "$0")/../lib.sh"
for tool in dpkg-buildpackage dh dpkg-deb lintian; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        t_skip "the Debian package" "$tool is not installed (scripts/install-deps.sh installs it)"
        exit 0
    fi
done
version=$(sed -n 's/^VERSION *:= *//p' "$ROOT/Makefile")
equals "debian/changelog has the Makefile's version" "$version" \
    "$(sed -n '1s/^opsdeck (\([^)]*\)).*/\1/p' "$ROOT/debian/changelog")"

# Every library the build needs is a Build-Depends (test-only packages aside).
build_deps=" $(sed -n '/^Build-Depends:/,/^[A-Z][A-Za-z-]*: /p' "$ROOT/debian/control" |
    sed '$d; s/^Build-Depends://; s/([^)]*)//g' | tr ',\n' '  ' | tr -s ' ') "
for p in $(sed -n '/^PKGS="/,/"$/p' "$ROOT/scripts/install-deps.sh" | tr -d '"' | sed 's/^PKGS=//'); do
    case $p in
    libcmocka-dev | libclang-rt-* | dpkg-dev) continue ;; # tests and packaging tools only
    *-dev | pkg-config) contains "debian/control Build-Depends on $p" " $p " "$build_deps" ;;
    esac
done

# A copy of the source tree: what git would commit, or everything but build/.
SRC="$T_TMP/pkg/opsdeck-$version"
mkdir -p "$SRC"
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -co --exclude-standard -z |
        tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$SRC"
else
    (cd "$ROOT" && tar --exclude=./build --exclude=./.git -cf - .) | tar -xf - -C "$SRC"
fi
check "the source tree is copied" test -f "$SRC/debian/rules"

# The package build must not see the make and test environment of `make check`.
start=$(date +%s)
(cd "$SRC" && env -u BUILD -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u EXTRA_CFLAGS -u EXTRA_LDFLAGS \
    -u OPSDECK -u OPSDECK_TOOLS -u OPSDECK_ROOT DEB_BUILD_OPTIONS="parallel=$(nproc)" \
    dpkg-buildpackage -us -uc -b >"$T_TMP/pkg/build.log" 2>&1)
rc=$?
echo "# dpkg-buildpackage took $(($(date +%s) - start)) s"
equals "dpkg-buildpackage -us -uc -b" 0 "$rc"
[ "$rc" -eq 0 ] || grep -E 'error|Error|unmet|dpkg-checkbuilddeps' "$T_TMP/pkg/build.log" |
    head -20 | sed 's/^/    /'
DEB=$(ls "$T_TMP"/pkg/opsdeck_"$version"_*.deb 2>/dev/null | head -1)
if [ -z "$DEB" ]; then
    t_fail "a .deb is built" "$(ls "$T_TMP/pkg")"
    exit 0
fi
t_ok "a .deb is built"

expected_files() {
    printf '%s\n' ./usr/bin/opsdeck ./usr/share/man/man1/opsdeck.1.gz \
        ./usr/share/man/man5/opsdeck-plan.5.gz ./usr/share/bash-completion/completions/opsdeck \
        ./usr/share/zsh/site-functions/_opsdeck ./usr/share/doc/opsdeck/changelog.gz \
        ./usr/share/doc/opsdeck/copyright
    for f in "$ROOT"/examples/*.yaml; do echo "./usr/share/opsdeck/examples/${f##*/}"; done
    for f in "$ROOT"/themes/*.theme; do [ -e "$f" ] && echo "./usr/share/opsdeck/themes/${f##*/}"; done
}
equals "the .deb holds exactly the expected files" "$(expected_files | sort)" \
    "$(dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ {print $6}' | sort)"
depends=$(dpkg-deb -f "$DEB" Depends)
contains "Depends comes from dpkg-shlibdeps (libc6)" "libc6" "$depends"
contains "Depends comes from dpkg-shlibdeps (libyaml)" "libyaml-0-2" "$depends"

X="$T_TMP/pkg/root"
check "dpkg-deb -x extracts the package" dpkg-deb -x "$DEB" "$X"
expect_exit "the packaged opsdeck --version" 0 "$X/usr/bin/opsdeck" --version
contains "the packaged opsdeck is version $version" "opsdeck $version" "$OUT"
contains "the packaged opsdeck names its libraries" "libgit2" "$OUT"
expect_exit "the packaged opsdeck validates the packaged example" 0 \
    "$X/usr/bin/opsdeck" validate "$X/usr/share/opsdeck/examples/uplink-2.0.yaml"

CHANGES=${DEB%.deb}.changes
lint=$(lintian "$CHANGES" 2>&1 | grep -v 'running with root privileges')
errors=$(printf '%s\n' "$lint" | grep '^E:')
equals "lintian reports no errors" "" "$errors"
printf '%s\n' "$lint" | grep '^[WIP]:' | sed 's/^/# lintian: /'
