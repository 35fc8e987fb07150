#!/usr/bin/env bash
# Builds the whole project and its tests with clang and a sanitizer, then runs
# every test under it. Any report fails the run.
#   tools/sanitize.sh address   # AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer), into build-asan/
#   tools/sanitize.sh thread    # ThreadSanitizer, into build-tsan/
# Extra arguments go to ctest (e.g. -L fuse, -R Concurrency).
# SANITIZE_TARGETS="a b" builds only those targets (CI: the TSan run builds
# only the programs of the labels it runs); the benchmarks are never built.
# SANITIZE_BUILD_ONLY=1 builds and runs no test (tools/fuzz.sh).
#
# The code is compiled at -O1 with line tables only (what a report's stack
# needs), the tests' own code at -O0 (tests/CMakeLists.txt): a fresh CI
# machine compiles everything three times, and -O2 -g made the ASan build
# alone 15 minutes. The ASan build also carries libFuzzer's coverage hooks
# (OCTOPUS_FUZZ), so the fuzzers link from the same objects.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-address}"
shift || true
case "$kind" in
  address)
    dir=build-asan
    flags="address,undefined"
    fuzz=ON
    # detect_leaks: the mount and the server must free what they allocate.
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    ;;
  thread)
    dir=build-tsan
    flags="thread"
    fuzz=OFF
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
    ;;
  *)
    echo "usage: tools/sanitize.sh address|thread [ctest args...]" >&2
    exit 2
    ;;
esac
# Sanitizers make memory figures meaningless: widen the mixed-load RSS bound.
export OCTOPUS_RSS_SLACK_MB="${OCTOPUS_RSS_SLACK_MB:-2048}"
source tools/ccache.sh
opt="-O1 -gline-tables-only -DNDEBUG"
CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja "${LAUNCHER[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="$opt" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$opt" \
  -DOCTOPUS_SANITIZE="$flags" -DOCTOPUS_FUZZ="$fuzz" -DOCTOPUS_BENCH=OFF >/dev/null
targets=()
for t in ${SANITIZE_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$dir" -j"$(nproc)" "${targets[@]}"
if [ -n "${SANITIZE_BUILD_ONLY:-}" ]; then
  exit 0
fi
ctest --test-dir "$dir" --output-on-failure --timeout 1200 -j"$(nproc)" "$@"
