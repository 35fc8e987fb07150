#!/usr/bin/env bash
# Builds the places index at OUT (default: the library home's
# data/places.idx) from the GeoNames extract that tools/setup.sh installs
# with npm: `octopus places build` for scripts (the commands that need places
# build it on first use anyway). Does nothing when a usable OUT exists,
# unless --force.
# Usage: tools/places/build_index.sh [--force] [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
args=(--from web/node_modules)
if [ "${1:-}" = "--force" ]; then args+=(--force); shift; fi
if [ -n "${1:-}" ]; then args+=(--output "$1"); fi
[ -x build/tools/octopus ] || BUILD_TARGETS=octopus tools/build.sh >/dev/null
exec build/tools/octopus places build "${args[@]}"
