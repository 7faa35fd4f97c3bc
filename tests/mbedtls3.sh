#!/bin/bash
# Fetches mbedTLS 3.x (headers and static libraries) for the tests that build
# the transport against it, and prints the prefix holding include/ and lib/.
# Debian's stable release ships 3.6 (the older one, whose packages the tests
# install system-wide, ships 2.28). The package is downloaded with apt-get
# from deb.debian.org, its signature and checksums verified by apt against
# the Debian archive keyring, and unpacked under build/mbedtls3: nothing on
# the system changes. MBEDTLS3_PREFIX names an existing prefix instead.
# Usage: tests/mbedtls3.sh   (prints the prefix; exits 1 when it cannot)
set -u
cd "$(dirname "$0")/.." || exit 2
if [ -n "${MBEDTLS3_PREFIX:-}" ]; then
  [ -f "$MBEDTLS3_PREFIX/include/mbedtls/build_info.h" ] || { echo "mbedtls3: no mbedTLS 3.x in $MBEDTLS3_PREFIX" >&2; exit 1; }
  echo "$MBEDTLS3_PREFIX"; exit 0
fi
SUITE=${MBEDTLS3_SUITE:-trixie}
D=$(pwd)/build/mbedtls3
PREFIX=$D/root/usr
# One fetch at a time (the tests that need it may run side by side).
mkdir -p build
exec 9> "$D.lock"
command -v flock >/dev/null 2>&1 && flock 9
if [ -f "$PREFIX/include/mbedtls/build_info.h" ] && ls "$PREFIX"/lib/*/libmbedtls.a >/dev/null 2>&1; then
  echo "$PREFIX"; exit 0
fi
command -v apt-get >/dev/null 2>&1 || { echo "mbedtls3: needs apt-get (Debian), or MBEDTLS3_PREFIX" >&2; exit 1; }
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$KEYRING" ] || { echo "mbedtls3: no $KEYRING" >&2; exit 1; }
rm -rf "$D"; mkdir -p "$D/apt/lists/partial" "$D/apt/cache/archives/partial" "$D/pkg"
# The mirror this system's apt uses (its main archive, not the security one).
MIRROR=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }')
[ -n "$MIRROR" ] || MIRROR=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null)
echo "deb [signed-by=$KEYRING] ${MIRROR:-http://deb.debian.org/debian} $SUITE main" > "$D/apt/sources.list"
APT=(-q -o "Dir::Etc::SourceList=$D/apt/sources.list" -o "Dir::Etc::SourceParts=-"
     -o "Dir::State::Lists=$D/apt/lists" -o "Dir::Cache=$D/apt/cache" -o Debug::NoLocking=1
     -o APT::Sandbox::User=root)
# A network hiccup is not a failure of the tests: three tries, 5 s apart.
tries() { # COMMAND...: 0 when one of three tries succeeds
  local n
  for n in 1 2 3; do
    "$@" >> "$D/apt.log" 2>&1 && return 0
    [ $n = 3 ] || sleep 5
  done
  return 1
}
fetch() { (cd "$D/pkg" && apt-get "${APT[@]}" download libmbedtls-dev); }
tries apt-get "${APT[@]}" update || { cat "$D/apt.log" >&2; echo "mbedtls3: apt-get update failed" >&2; exit 1; }
tries fetch || { cat "$D/apt.log" >&2; echo "mbedtls3: cannot download libmbedtls-dev from $SUITE" >&2; exit 1; }
dpkg-deb -x "$D"/pkg/libmbedtls-dev_*.deb "$D/root" || exit 1
[ -f "$PREFIX/include/mbedtls/build_info.h" ] || { echo "mbedtls3: $SUITE's libmbedtls-dev is not 3.x" >&2; exit 1; }
echo "$PREFIX"
