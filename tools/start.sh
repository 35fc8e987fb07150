#!/usr/bin/env bash
# Builds what the service runs (the octopus binary only: tests, fuzzers and
# benchmarks are built by tools/test.sh) and starts it: the HTTP API and the
# FUSE mount of the admin's library, over the library home
# (~/.OctopusPhotos by default). On its first start the service builds the
# places index from the GeoNames data tools/setup.sh installed.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_TARGETS="octopus" tools/build.sh
exec build/tools/octopus serve "$@"
