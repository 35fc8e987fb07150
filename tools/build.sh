#!/usr/bin/env bash
# Configures and builds into ./build (Release with debug info, warnings as errors).
# BUILD_TARGETS="a b" builds only those targets (tools/start.sh: the binary
# it runs); unset, everything, tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/ccache.sh
cmake -S . -B build -G Ninja "${LAUNCHER[@]}" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@"
targets=()
for t in ${BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build build -j"$(nproc)" "${targets[@]}"
