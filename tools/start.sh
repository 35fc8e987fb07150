#!/usr/bin/env bash
# Builds and starts the service: the HTTP API and the FUSE mount of the
# admin's library, over the library home (~/.OctopusPhotos by default).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
# The places index, built once from the GeoNames data set-up installed.
tools/places/build_index.sh || echo "start: no places index; photos get no place" >&2
exec build/tools/octopus serve "$@"
