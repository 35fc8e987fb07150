#!/usr/bin/env bash
# Builds and runs the whole test suite: unit tests, end-to-end tests of the
# real `octopus` binary, real FUSE mounts and a real HTTP server on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
# FUSE tests mount for real and are run one at a time; the rest in parallel.
ctest --test-dir build --output-on-failure --timeout 600 -j"$(nproc)" "$@"
