#!/usr/bin/env bash
# setup.sh: installs the Debian packages claimwatch needs when they are missing, then configures and
# builds. Quiet when everything is already there. As root it uses apt-get; otherwise it names what
# to install.
#
#   scripts/setup.sh [--tests] [--build-dir DIR] [--sanitize]
#
# --tests adds what the test suite needs (cmocka, PostgreSQL, Chromium, clang for the fuzzers, valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."

tests=0 sanitize=0 build=build
while [ $# -gt 0 ]; do
  case "$1" in
    --tests) tests=1 ;;
    --sanitize) sanitize=1 ;;
    --build-dir) build="$2"; shift ;;
    *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

need=(gcc cmake ninja-build pkg-config libpq-dev libgsl-dev libcjson-dev libmicrohttpd-dev libcmocka-dev)
if [ "$tests" = 1 ]; then
  # fonts-wqy-zenhei: Chinese text in the report test's screenshot (headless Chromium has no CJK font otherwise)
  need+=(postgresql chromium fonts-wqy-zenhei clang libclang-rt-14-dev valgrind python3)
fi

missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "claimwatch needs these Debian packages: ${missing[*]}" >&2
    echo "install them as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

flags=(-DCMAKE_BUILD_TYPE=Release)
[ "$sanitize" = 1 ] && flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCW_SANITIZE=ON)
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja "${flags[@]}" >/dev/null
fi
ninja -C "$build" >/dev/null
