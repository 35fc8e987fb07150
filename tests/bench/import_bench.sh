#!/usr/bin/env bash
# Ingest benchmark: `octopus import` of N 12-megapixel JPEGs (hash, EXIF, two
# thumbnails, database) against `vipsthumbnail` making one 250 px thumbnail of
# the same files, both using every core. Prints photos/s, the ratio and peak
# memory, and CPU time (user + sys) per photo, which a loaded machine
# disturbs less than wall time. Usage: tests/bench/import_bench.sh [N]   (default 48)
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-48}"
command -v vipsthumbnail >/dev/null || { apt-get install -y libvips-tools >/dev/null; }
command -v /usr/bin/time >/dev/null 2>&1 || apt-get install -y time >/dev/null
[ -x build/tests/bench/make_jpegs ] || tools/build.sh >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
build/tests/bench/make_jpegs "$work/photos" "$N" 4000 3000
octo="build/tools/octopus --home $work/home"
echo "a long enough password" | $octo user add bench --quota 1T --password-stdin >/dev/null
# Built here, not by the timed import's first use of places.
$octo places build >/dev/null 2>&1 || echo "no places data: importing without places" >&2
sync

t0=$(date +%s.%N)
/usr/bin/time -f "%M %U %S" -o "$work/octo.rss" $octo import --user bench "$work/photos" >/dev/null
t1=$(date +%s.%N)
mkdir -p "$work/vips"
t2=$(date +%s.%N)
/usr/bin/time -f "%M %U %S" -o "$work/vips.rss" sh -c \
  "ls '$work/photos'/*.JPG | xargs -P $(nproc) -n 4 vipsthumbnail -s 250 -o '$work/vips/%s.jpg'"
t3=$(date +%s.%N)

read -r ro uo so < "$work/octo.rss"
read -r rv uv sv < "$work/vips.rss"
awk -v n="$N" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v ro="$ro" -v rv="$rv" \
    -v uo="$uo" -v so="$so" -v uv="$uv" -v sv="$sv" 'BEGIN {
  o = n / (b - a); v = n / (d - c); co = uo + so; cv = uv + sv;
  printf "photos: %d x 12 MP JPEG, %d cores\n", n, '"$(nproc)"'
  printf "octopus import (full ingest): %.2f photos/s, %.0f ms of CPU per photo, peak RSS %.0f MB\n", o, 1000 * co / n, ro / 1024
  printf "vipsthumbnail (one thumbnail): %.2f photos/s, %.0f ms of CPU per photo, peak RSS %.0f MB (largest process)\n", v, 1000 * cv / n, rv / 1024
  printf "ratio octopus/vipsthumbnail: %.2f in photos/s (target >= 1.0), %.2f in CPU per photo\n", o / v, cv / co
}'
