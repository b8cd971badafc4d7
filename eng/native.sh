#!/usr/bin/env bash
# Provides librdkafka 2.15.1 for Confluent.Kafka where the NuGet source does not serve
# the librdkafka.redist package (restore fails with NU1101 there).
#
#   eng/native.sh prepare PROJECT  restore PROJECT; if the NuGet source lacks librdkafka.redist
#                                  (NU1101), build the library (once) and restore again
#   eng/native.sh ensure           build the library into the per-machine cache unless it is there
#   eng/native.sh path             print the cached library's path (exit 1 if absent)
#
# The library is built once per machine from the librdkafka sources that the npm package
# @confluentinc/kafka-javascript ships (same version as Confluent.Kafka's native client).
# Directory.Build.props picks the cached copy up when it exists; otherwise the normal
# NuGet package is used.
set -euo pipefail

version=2.15.1
npm_package=@confluentinc/kafka-javascript@1.10.1
cache_root="${KAFKADEMOS_NATIVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-demos}"
target_dir="$cache_root/librdkafka-$version"
target="$target_dir/librdkafka.so"

case "${1:-ensure}" in
  path)
    [ -f "$target" ] && { echo "$target"; exit 0; }
    exit 1 ;;
  prepare)
    project="${2:?usage: eng/native.sh prepare PROJECT}"
    [ -f "$target" ] && exit 0
    log="$(mktemp)"
    if dotnet restore "$project" >"$log" 2>&1; then rm -f "$log"; exit 0; fi
    if ! grep -q "NU1101.*librdkafka.redist" "$log"; then cat "$log" >&2; rm -f "$log"; exit 1; fi
    rm -f "$log"
    echo "The NuGet source does not serve librdkafka.redist; using a locally built librdkafka instead." >&2
    "$0" ensure
    exit 0 ;;
  ensure) ;;
  *) echo "usage: eng/native.sh [prepare PROJECT|ensure|path]" >&2; exit 2 ;;
esac

[ -f "$target" ] && exit 0

for tool in npm make cc tar strip; do
  command -v "$tool" >/dev/null || {
    echo "eng/native.sh: '$tool' is needed to build librdkafka $version here; install it (Debian: apt-get install build-essential npm)" >&2
    exit 1
  }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "Building librdkafka $version for this machine (once; cached in $target_dir) ..." >&2
started=$SECONDS
(
  cd "$work"
  npm pack --silent "$npm_package" >/dev/null
  tar xzf ./*.tgz
  cd package/deps/librdkafka
  # curl is only for OIDC token fetching; GSSAPI needs Kerberos headers: neither is used here.
  ./configure --disable-curl --disable-gssapi >"$work/configure-output.txt" 2>&1 || { cat "$work/configure-output.txt" >&2; exit 1; }
  make -C src -j"$(nproc)" librdkafka.so.1 >"$work/make-output.txt" 2>&1 || { tail -40 "$work/make-output.txt" >&2; exit 1; }
  mkdir -p "$target_dir"
  # Copy then rename so a concurrent reader never sees a half-written file.
  # Debug symbols would make every build output folder 14 MB heavier.
  strip --strip-unneeded src/librdkafka.so.1
  cp src/librdkafka.so.1 "$target.tmp.$$"
  mv "$target.tmp.$$" "$target"
)
echo "librdkafka $version built in $((SECONDS - started)) s: $target" >&2
