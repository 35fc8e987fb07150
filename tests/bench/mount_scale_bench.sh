#!/usr/bin/env bash
# The mount at library scale: memory of the mount process and the cost of
# walking the tree, for N photos (default 100,000).
#
# Importing N real photos would take hours, so the library is synthetic: one
# user is created through the CLI, then N photo rows are inserted straight
# into its SQLite database (tests/bench/synthetic_library.sh: names
# repeating every 10,000 photos so all/ has "IMG_0001 (2).JPG" names,
# capture dates over eight years, twelve cameras, a place for every photo).
# The originals do not exist: the bench lists and stats, it never opens a
# photo.
#
# Prints, for the `octopus mount` process (from /proc/PID/status):
#   VmRSS after mounting, VmRSS after `ls -lR` and `find` of everything, VmHWM
# and the median of 5 warm runs of `find all/` and `ls -l all/` against a
# native folder of N files of the same sizes (sparse). A bench, not a test:
# it prints numbers and asserts only that the mount shows N photos.
# Needs root (mounts) and the sqlite3 command. Uses the binaries under
# BUILD_DIR (default build/).
# Usage: tests/bench/mount_scale_bench.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${BUILD_DIR:-build}"
N="${1:-100000}"
octopus="$BUILD_DIR/tools/octopus"
[ "$(id -u)" = 0 ] || { echo "needs root (mounts)" >&2; exit 2; }
[ -x "$octopus" ] || { echo "missing $octopus: build first (tools/build.sh)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 command" >&2; exit 2; }
source tests/bench/synthetic_library.sh

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  fusermount3 -u -z "$work/mnt" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
octo="$octopus --home $work/home"
echo "a long enough password" | $octo user add bench --quota 1T --password-stdin >/dev/null
db="$work/home/instance/octopus.db"

synthetic_photos "$db" 1 0 "$N"
synthetic_done "$db"

# The native reference: the same N names and sizes as all/ (sparse files).
mkdir -p "$work/native" "$work/mnt"
sqlite3 -separator ' ' "$db" "SELECT filename || '.' || rowid, size FROM photos" |
  (cd "$work/native" && perl -ne '($f, $s) = split; open(F, ">", $f) or die; truncate(F, $s); close(F)')

status() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }
# Built beforehand: a first use would build it inside the measured process.
$octo places build >/dev/null 2>&1 || true
$octo mount --user bench "$work/mnt" -f 2>"$work/mount.log" &
pid=$!
for _ in $(seq 1 600); do
  mountpoint -q "$work/mnt" && break
  sleep 0.1
done
mountpoint -q "$work/mnt" || { echo "mount did not come up" >&2; cat "$work/mount.log" >&2; exit 1; }
rss_mounted=$(status VmRSS)
ls -lR "$work/mnt" >/dev/null
find "$work/mnt" >/dev/null
rss_walked=$(status VmRSS)
[ "$(ls "$work/mnt/all" | wc -l)" = "$N" ] || { echo "mount shows the wrong count" >&2; exit 1; }

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
time_cmd() {  # command...: median seconds of 5 runs after a warm-up
  "$@" >/dev/null
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(now); "$@" >/dev/null; t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
  done | median
}
find_native=$(time_cmd find "$work/native")
find_mount=$(time_cmd find "$work/mnt/all")
ls_native=$(time_cmd ls -l "$work/native")
ls_mount=$(time_cmd ls -l "$work/mnt/all")
rss_end=$(status VmRSS)
hwm=$(status VmHWM)
entries=$(find "$work/mnt/all" "$work/mnt/by-date" "$work/mnt/by-camera" "$work/mnt/by-place" -type f | wc -l)

printf 'machine: %d cores, load %s; kernel %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(uname -r)"
printf '%d photos (%d file entries in all/ and the views)\n' "$N" "$entries"
printf 'mount process: VmRSS %s MB after mounting, %s MB after ls -lR and find of everything, %s MB at the end; VmHWM (peak) %s MB\n' \
  "$rss_mounted" "$rss_walked" "$rss_end" "$hwm"
awk -v fn="$find_native" -v fm="$find_mount" -v ln="$ls_native" -v lm="$ls_mount" 'BEGIN {
  printf "find all/: native %.3f s, mount %.3f s, ratio %.2f (target <= 2)\n", fn, fm, fm / fn
  printf "ls -l all/: native %.3f s, mount %.3f s, ratio %.2f (target <= 2)\n", ln, lm, lm / ln
}'
