#!/bin/sh
# Install the Debian packages opsdeck needs to build, test and demo.
# Idempotent: installs only what is missing; uses sudo only when not root.
set -eu

PKGS="build-essential pkg-config libncurses-dev libyaml-dev libsystemd-dev libgit2-dev
default-libmysqlclient-dev libhiredis-dev libcurl4-openssl-dev libcjson-dev zlib1g-dev
libcmocka-dev libssl-dev tmux git jq clang libclang-rt-14-dev
man-db groff-base libxml2-utils zsh debhelper dpkg-dev lintian libmd4c-dev htop clang-format-16
mariadb-server mariadb-client redis-server procps systemd dbus openssl"
# make demo: its private systemd brings up a network of its own (ip), and its
# stand-in web app (and the tests' HTTP servers) run on python3
PKGS="$PKGS iproute2 python3"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: apt-get not found; install these packages by hand:$missing" >&2
    exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
