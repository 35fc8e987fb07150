#!/usr/bin/env bash
# Places lookup benchmark over the full GeoNames index (built from the data
# tools/setup.sh installs): load time, lookups/s, memory, speed-up over brute
# force and agreement with it. Usage: tests/bench/places_bench.sh [LOOKUPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x build/tests/bench/places_bench ] || tools/build.sh >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tools/places/build_index.sh --force "$work/places.idx" >/dev/null
build/tests/bench/places_bench "$work/places.idx" "${1:-1000000}"
