#!/usr/bin/env bash
# The web gallery at library scale: time to the first grid of thumbnails and
# the cost of scrolling, in Debian's chromium, on a library of N photos
# (default 100,000).
#
# The library is synthetic (tests/bench/synthetic_library.sh: N rows straight
# into SQLite, no originals), plus SCREEN (default 60) real generated JPEGs
# uploaded through the API; having no EXIF date they are dated by the upload,
# so they are the newest and fill the first screens with real thumbnails.
# Then web_bench.mjs signs in with a cookie and prints, over 3 loads, the
# first contentful paint and the first grid (every thumbnail in the viewport
# decoded) after navigation, and while scrolling through 10,000 photos the
# frame times, the elements in the page and the JS heap every 1,000 photos.
# Target (issue 17): first grid <= 1 s on this machine, heap flat. A bench,
# not a test: it prints numbers. Needs sqlite3, chromium and playwright-core
# (tools/setup.sh) and the binaries under BUILD_DIR (default build/).
# Usage: tests/bench/web_bench.sh [N] [SCREEN]   (WEB_BENCH_SCROLL=0: the loads only)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${BUILD_DIR:-build}"
N="${1:-100000}"
SCREEN="${2:-60}"
octopus="$BUILD_DIR/tools/octopus"
make_jpegs="$BUILD_DIR/tests/bench/make_jpegs"
for f in "$octopus" "$make_jpegs"; do
  [ -x "$f" ] || { echo "missing $f: build first (tools/build.sh)" >&2; exit 2; }
done
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 command" >&2; exit 2; }
[ -x /usr/bin/chromium ] || { echo "needs chromium (tools/setup.sh)" >&2; exit 2; }
[ -f web/node_modules/playwright-core/package.json ] ||
  { echo "needs playwright-core in web/node_modules (tools/setup.sh)" >&2; exit 2; }
source tests/bench/synthetic_library.sh

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
password="a long enough password"
octo="$octopus --home $work/home"
echo "$password" | $octo user add bench --quota 1T --password-stdin >/dev/null
db="$work/home/instance/octopus.db"
synthetic_photos "$db" 1 0 "$N"
synthetic_done "$db"
"$make_jpegs" "$work/jpegs" "$SCREEN" 1600 1200 >/dev/null

OCTOPUS_PLACES_DATA="$PWD/tests/fixtures/places" $octo serve --port 0 --no-mount \
  >"$work/serve.log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 300); do
  port="$(sed -n 's|.*Photos API at http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/serve.log" | head -1)"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/serve.log" >&2; exit 1; }
echo "library: $N synthetic photos + $SCREEN real ones; server on port $port"
node tests/bench/web_bench.mjs "http://127.0.0.1:$port" bench "$password" "$work/jpegs"
