#!/usr/bin/env bash
# Configures and builds into ./build (Release with debug info, warnings as errors).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/ccache.sh
cmake -S . -B build -G Ninja "${LAUNCHER[@]}" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@"
cmake --build build -j"$(nproc)"
