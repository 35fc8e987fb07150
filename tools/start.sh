#!/usr/bin/env bash
# Builds and starts the service: the HTTP API and the FUSE mount of the
# admin's library, over the library home (~/.OctopusPhotos by default).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
exec build/tools/octopus serve "$@"
