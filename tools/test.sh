#!/usr/bin/env bash
# Builds and runs the whole test suite: unit tests, end-to-end tests of the
# real `octopus` binary, real FUSE mounts and a real HTTP server on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
# Every test program runs in parallel; FUSE tests each mount their own temporary directory.
ctest --test-dir build --output-on-failure --timeout 600 -j"$(nproc)" "$@"
