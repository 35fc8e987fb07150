#!/usr/bin/env bash
# Mount benchmark, three ratios against the same work done without FUSE:
#   1. sequential read (cat > /dev/null) of originals through all/ vs the
#      same blob files read directly, page cache dropped before each pass
#      (cold), then both read again (warm);            target >= 0.9x
#   2. `ls -l all/` with N photos vs a native folder of N files of the same
#      sizes (median of 5 runs each, after one warm-up); target <= 2x
#   3. `cp -r` of N_COPY photos into import/ vs `octopus import` of the same
#      folder (each into an empty library of its own).
# Needs root (drops the page cache, mounts). Builds nothing: uses the
# binaries under BUILD_DIR (default build/).
# Usage: tests/bench/mount_bench.sh [N_LIST] [N_READ] [N_COPY]
#        (defaults 2000 photos listed; 200 read, about 1 GB; 500 copied in)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${BUILD_DIR:-build}"
N_LIST="${1:-2000}"
N_READ="${2:-200}"
N_COPY="${3:-500}"
octopus="$BUILD_DIR/tools/octopus"
make_jpegs="$BUILD_DIR/tests/bench/make_jpegs"
[ "$(id -u)" = 0 ] || { echo "needs root (drops the page cache)" >&2; exit 2; }
for b in "$octopus" "$make_jpegs"; do
  [ -x "$b" ] || { echo "missing $b: build first (tools/build.sh)" >&2; exit 2; }
done

work="$(mktemp -d)"
mounts=()
cleanup() {
  for m in "${mounts[@]}"; do fusermount3 -u -z "$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
octo="$octopus --home $work/home"
for u in reader lister copier importer; do
  echo "a long enough password" | $octo user add "$u" --quota 1T --password-stdin >/dev/null
done
mount_as() {  # user mountpoint
  mkdir -p "$2"
  $octo mount --user "$1" "$2" >/dev/null
  mounts+=("$2")
}
now() { date +%s.%N; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# --- 1. sequential read ------------------------------------------------------
"$make_jpegs" "$work/read" "$N_READ" 4000 3000
$octo import --user reader "$work/read" >/dev/null
mount_as reader "$work/mnt-reader"
blobs=()
while IFS= read -r f; do blobs+=("$f"); done < <(find "$work/home/data/storage" \
  -path '*/storage/tmp' -prune -o -type f -size +1M ! -name '*.jpg' -print | sort)
bytes=$(cat "${blobs[@]}" | wc -c)
[ "$(ls "$work/mnt-reader/all" | wc -l)" = "$N_READ" ] || { echo "mount shows the wrong count" >&2; exit 1; }
read_pass() {  # label, files...
  local t0 t1
  t0=$(now); cat "${@:2}" >/dev/null; t1=$(now)
  awk -v b="$bytes" -v a="$t0" -v c="$t1" 'BEGIN { printf "%.1f", b / (c - a) / 1e6 }'
}
drop_caches; direct_cold=$(read_pass direct "${blobs[@]}")
drop_caches; mount_cold=$(read_pass mount "$work/mnt-reader/all/"*)
direct_warm=$(read_pass direct "${blobs[@]}")
mount_warm=$(read_pass mount "$work/mnt-reader/all/"*)

# --- 2. ls -l ----------------------------------------------------------------
# make_jpegs repeats an image every 256 seeds: batches of different widths
# keep all N distinct (the library would keep one of each duplicate).
batch=0
left=$N_LIST
while [ "$left" -gt 0 ]; do
  n=$(( left < 256 ? left : 256 ))
  "$make_jpegs" "$work/list/b$batch" "$n" $((64 + batch)) 48
  left=$((left - n)); batch=$((batch + 1))
done
$octo import --user lister "$work/list" >/dev/null
mkdir -p "$work/native"
i=0
for f in "$work/list"/b*/*; do cp "$f" "$work/native/IMG_$i.JPG"; i=$((i + 1)); done
mount_as lister "$work/mnt-lister"
[ "$(ls "$work/mnt-lister/all" | wc -l)" = "$N_LIST" ] || { echo "mount shows the wrong count" >&2; exit 1; }
time_ls() {  # dir: median seconds of 5 runs after a warm-up
  ls -l "$1" >/dev/null
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(now); ls -l "$1" >/dev/null; t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
  done | median
}
ls_native=$(time_ls "$work/native")
ls_mount=$(time_ls "$work/mnt-lister/all")

# --- 3. copying in -----------------------------------------------------------
"$make_jpegs" "$work/copy/DCIM" "$N_COPY" 1600 1200
mount_as copier "$work/mnt-copier"
drop_caches
t0=$(now); cp -r "$work/copy/DCIM" "$work/mnt-copier/import/"; t1=$(now)
drop_caches
t2=$(now); $octo import --user importer "$work/copy/DCIM" >/dev/null; t3=$(now)
count() { $octo ls --user "$1" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
copied=$(count copier)
imported=$(count importer)

awk -v nr="$N_READ" -v mb="$bytes" -v dc="$direct_cold" -v mc="$mount_cold" \
    -v dw="$direct_warm" -v mw="$mount_warm" -v nl="$N_LIST" -v ln="$ls_native" \
    -v lm="$ls_mount" -v nc="$N_COPY" -v cp0="$t0" -v cp1="$t1" -v im0="$t2" -v im1="$t3" \
    -v copied="$copied" -v imported="$imported" -v cores="$(nproc)" 'BEGIN {
  printf "machine: %d cores; kernel %s\n", cores, "'"$(uname -r)"'"
  printf "read %d originals (%.0f MB, 12 MP JPEGs), cat > /dev/null:\n", nr, mb / 1e6
  printf "  cold (page cache dropped before each): direct %.0f MB/s, mount %.0f MB/s, ratio %.2f (target >= 0.9)\n", dc, mc, mc / dc
  printf "  warm (both cached):                    direct %.0f MB/s, mount %.0f MB/s, ratio %.2f\n", dw, mw, mw / dw
  printf "ls -l of %d files: native %.1f ms, mount all/ %.1f ms, ratio %.2f (target <= 2)\n", nl, ln * 1000, lm * 1000, lm / ln
  c = cp1 - cp0; i = im1 - im0
  printf "%d photos of 2 MP: cp -r into import/ %.2f s (%.1f photos/s, %d stored), octopus import %.2f s (%.1f photos/s, %d stored), time ratio %.2f\n", nc, c, nc / c, copied, i, nc / i, imported, c / i
}'
