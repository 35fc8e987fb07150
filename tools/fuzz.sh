#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in the ASan build,
# build-asan/ (tools/sanitize.sh address), and runs each for SECONDS
# (default 30) on a copy of its seed corpus. Crashes are written to
# build-asan/fuzz/artifacts/; turn each into a regression test.
# Usage: tools/fuzz.sh [SECONDS] [TARGET...]
# FUZZ_SEED=N fixes libFuzzer's seed (CI uses 1, so a run can be replayed);
# unset, each run explores from a random one.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  for f in tests/fuzz/*_fuzz.cc; do targets+=("$(basename "$f" .cc)"); done
fi
SANITIZE_TARGETS="${targets[*]}" SANITIZE_BUILD_ONLY=1 tools/sanitize.sh address
out=build-asan/fuzz
mkdir -p "$out/artifacts"
for t in "${targets[@]}"; do
  corpus="$out/corpus/${t%_fuzz}"
  mkdir -p "$corpus"
  cp -n tests/fuzz/corpus/"${t%_fuzz}"/* "$corpus"/ 2>/dev/null || true
  echo "== $t: ${secs}s"
  log="$out/$t.log"
  if ! build-asan/tests/fuzz/"$t" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=1048576 \
    -seed="${FUZZ_SEED:-0}" -artifact_prefix="$out/artifacts/$t-" -print_final_stats=1 \
    "$corpus" >"$log" 2>&1; then
    tail -n 80 "$log"
    echo "fuzz: $t failed; the input is in $out/artifacts/" >&2
    exit 1
  fi
  tail -n 4 "$log"
done
